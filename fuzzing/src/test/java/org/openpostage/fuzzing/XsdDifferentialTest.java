package org.openpostage.fuzzing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.transport.xml.internal.HardenedXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The server's schema validation ({@link HardenedXml#validator()}, the JDK's Xerces) against an
 * independent implementation, libxml2's {@code xmllint --schema} (Debian package
 * {@code libxml2-utils}), on the same fuzzed documents: every XML example of docs/protocol/xml.md
 * (requests and answers), each mutated a few times at the level an attacker or a buggy client
 * works at: elements removed, repeated, renamed, reordered or added, text replaced by edge values
 * (empty, signs, overflowing numbers, impossible dates, other scripts, long strings), attributes
 * changed. The two must give the same verdict on every document: a document one accepts and the
 * other refuses is either a schema that says less than we think or a validator bug, and either way
 * a finding. The counts are printed: docs/security.md quotes them.
 */
class XsdDifferentialTest {
    private static final Path XMLLINT = Path.of("/usr/bin/xmllint");
    private static final int DOCUMENTS = 1500;
    private static final String[] VALUES = {"", " ", "0", "-1", "1", "007", "+5", "2147483647", "2147483648",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1.5", "1e3", "abc", "LETTER",
        "PARCEL", "USD", "usd", "EURO", "2026-12-07", "2026-02-30", "2026-13-01", "0000-01-01",
        "2026-12-07T10:00:00Z", "2026-12-07T25:00:00Z", "2026-12-07T10:00:00", "true", "false", "TRUE", "1 ",
        " 20 ", "\t5\n", "\u00e9t\u00e9", "\u65e5\u672c", "\ud835\udd18", "QUJD", "QUJ=", "====", "x".repeat(300),
        "00000000-0000-0000-0000-000000000000", "10115", "94107-1234", "DE", "ZZ", "a b", "-0", "0.0"};

    @Test
    void xercesAndLibxml2GiveTheSameVerdictOnEveryFuzzedDocument(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(XMLLINT), "libxml2-utils (xmllint) is not installed: skipped");
        Path schema = dir.resolve("openpostage-v1.xsd");
        try (InputStream in = HardenedXml.class.getClassLoader().getResourceAsStream(HardenedXml.SCHEMA_RESOURCE)) {
            Files.copy(in, schema);
        }
        List<Document> seeds = seeds();
        assertTrue(seeds.size() >= 10, "the protocol document's examples: " + seeds.size());
        Random random = new Random(20261207);
        List<Path> files = new ArrayList<>();
        Map<Path, Boolean> ours = new HashMap<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            Document doc = (Document) seeds.get(random.nextInt(seeds.size())).cloneNode(true);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(doc, random);
            }
            Path file = Files.write(dir.resolve("doc-" + i + ".xml"), serialize(doc));
            files.add(file);
            ours.put(file, validByXerces(Files.readAllBytes(file)));
        }
        Map<Path, Boolean> theirs = xmllint(schema, files);

        int valid = 0;
        List<String> disagreements = new ArrayList<>();
        for (Path f : files) {
            assertTrue(theirs.containsKey(f), "xmllint gave no verdict on " + f.getFileName());
            if (!ours.get(f).equals(theirs.get(f))) {
                disagreements.add(f.getFileName() + ": Xerces " + verdict(ours.get(f)) + ", libxml2 "
                        + verdict(theirs.get(f)) + "\n" + Files.readString(f));
            } else if (ours.get(f)) {
                valid++;
            }
        }
        System.out.printf("XSD differential: %d documents, %d valid and %d invalid for both, %d disagreements%n",
                files.size(), valid, files.size() - valid - disagreements.size(), disagreements.size());
        assertEquals(List.of(), disagreements.stream().limit(5).toList(), disagreements.size() + " disagreements");
        // Enough of both verdicts that the comparison says something.
        assertTrue(valid >= DOCUMENTS / 20 && valid <= DOCUMENTS - DOCUMENTS / 20, valid + " valid documents");
    }

    private static String verdict(boolean valid) {
        return valid ? "accepts" : "refuses";
    }

    /** Every XML block of docs/protocol/xml.md. */
    private static List<Document> seeds() throws Exception {
        String md = Files.readString(SeedCorpora.root().resolve("docs/protocol/xml.md"));
        Matcher block = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL).matcher(md);
        List<Document> docs = new ArrayList<>();
        while (block.find()) {
            docs.add(parse(block.group(1).getBytes(StandardCharsets.UTF_8)));
        }
        return docs;
    }

    private static void mutate(Document doc, Random r) {
        List<Element> all = elements(doc.getDocumentElement(), new ArrayList<>());
        Element e = all.get(r.nextInt(all.size()));
        boolean root = e == doc.getDocumentElement();
        switch (r.nextInt(7)) {
            case 0 -> { // remove
                if (!root) {
                    e.getParentNode().removeChild(e);
                }
            }
            case 1 -> { // repeat
                if (!root) {
                    e.getParentNode().insertBefore(e.cloneNode(true), e.getNextSibling());
                }
            }
            case 2 -> { // new text in a leaf, or in any element
                if (isLeaf(e) || r.nextInt(4) == 0) {
                    e.setTextContent(VALUES[r.nextInt(VALUES.length)]);
                }
            }
            case 3 -> { // renamed to another element's name
                if (!root) {
                    Element other = all.get(r.nextInt(all.size()));
                    doc.renameNode(e, e.getNamespaceURI(), r.nextInt(5) == 0 ? "unknown" : other.getLocalName());
                }
            }
            case 4 -> { // swapped with the next element
                Node next = e.getNextSibling();
                while (next != null && next.getNodeType() != Node.ELEMENT_NODE) {
                    next = next.getNextSibling();
                }
                if (next != null) {
                    e.getParentNode().insertBefore(next, e);
                }
            }
            case 5 -> { // an attribute changed or added
                if (e.getAttributes().getLength() > 0 && r.nextBoolean()) {
                    Node a = e.getAttributes().item(r.nextInt(e.getAttributes().getLength()));
                    a.setNodeValue(VALUES[r.nextInt(VALUES.length)]);
                } else {
                    e.setAttribute(r.nextBoolean() ? "currency" : "extra", VALUES[r.nextInt(VALUES.length)]);
                }
            }
            default -> { // another element's copy put inside this one
                Element other = all.get(r.nextInt(all.size()));
                if (other != doc.getDocumentElement() && !isAncestor(other, e)) {
                    e.appendChild(other.cloneNode(true));
                }
            }
        }
    }

    private static boolean isAncestor(Node maybeAncestor, Node node) {
        for (Node n = node; n != null; n = n.getParentNode()) {
            if (n == maybeAncestor) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLeaf(Element e) {
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeType() == Node.ELEMENT_NODE) {
                return false;
            }
        }
        return true;
    }

    private static List<Element> elements(Element e, List<Element> into) {
        into.add(e);
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child) {
                elements(child, into);
            }
        }
        return into;
    }

    private static boolean validByXerces(byte[] xml) throws IOException {
        try {
            HardenedXml.validator().validate(new StreamSource(new ByteArrayInputStream(xml)));
            return true;
        } catch (SAXException e) {
            return false;
        }
    }

    /** xmllint's verdict on each file, in runs of a few hundred files per process. */
    private static Map<Path, Boolean> xmllint(Path schema, List<Path> files) throws Exception {
        Map<Path, Boolean> verdicts = new HashMap<>();
        Pattern line = Pattern.compile("^(.*) (validates|fails to validate)$", Pattern.MULTILINE);
        for (int from = 0; from < files.size(); from += 300) {
            List<String> command = new ArrayList<>(List.of(XMLLINT.toString(), "--noout", "--nonet", "--schema",
                    schema.toString()));
            files.subList(from, Math.min(files.size(), from + 300)).forEach(f -> command.add(f.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "xmllint did not finish");
            Matcher m = line.matcher(out);
            while (m.find()) {
                verdicts.put(Path.of(m.group(1)), m.group(2).equals("validates"));
            }
        }
        return verdicts;
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static byte[] serialize(Document doc) throws Exception {
        var t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.transform(new DOMSource(doc), new StreamResult(out));
        return out.toByteArray();
    }
}
