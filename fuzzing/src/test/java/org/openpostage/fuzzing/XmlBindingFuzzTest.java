package org.openpostage.fuzzing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Timeout;
import org.openpostage.transport.xml.XmlRequest;
import org.openpostage.transport.xml.XmlResponse;
import org.openpostage.transport.xml.XmlServerBinding;
import org.w3c.dom.Document;

/**
 * The XML binding in front of the reference core, on any request: byte 0 picks the route, byte 1
 * the headers (test or live key, content type, idempotency key, request id), the rest is the body.
 * Every answer is a documented one: never a 5xx, always a well-formed XML document, an
 * {@code <error>} for every 4xx, and when the answer is an error the money did not move (meters,
 * journal and indicia as before). A request that takes more than 60 s is a hang, and a finding.
 * Seeds: the request documents of docs/protocol/xml.md's examples, on their routes.
 */
class XmlBindingFuzzTest {
    private static XmlServerBinding binding;
    private static final AtomicLong KEYS = new AtomicLong();

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void answersOnlyDocumentedErrorsAndMovesNoMoneyWhenItRefuses(byte[] data) throws Exception {
        if (data.length < 2) {
            return;
        }
        Ledger ledger = Ledger.get();
        XmlServerBinding b = binding(ledger);
        List<XmlServerBinding.Route> routes = b.routes();
        XmlServerBinding.Route route = routes.get(Byte.toUnsignedInt(data[0]) % routes.size());
        int flags = data[1];
        byte[] body = Arrays.copyOfRange(data, 2, data.length);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X-Api-Key", List.of((flags & 1) == 0 ? ledger.testKey : ledger.liveKey));
        if ((flags & 2) == 0) {
            headers.put("Content-Type", List.of("application/xml"));
        }
        if ((flags & 4) == 0) {
            headers.put("Idempotency-Key", List.of("fuzz-" + KEYS.incrementAndGet()));
        }
        if ((flags & 8) != 0) {
            headers.put("X-Request-Id", List.of("bad id \u0000 " + flags));
        }
        String before = ledger.money();
        XmlResponse response = b.handle(new XmlRequest(route.method(), route.path(), headers,
                new ByteArrayInputStream(body), (flags & 16) == 0 ? body.length : -1, List.of()));
        int status = response.status();
        assertTrue(status < 500, route + " answered " + status + ": " + new String(response.body()));
        Document doc = parse(response.body());
        if (status >= 400) {
            assertEquals("error", doc.getDocumentElement().getLocalName(), route + " answered " + status
                    + " without an <error>");
            assertEquals(before, ledger.money(), route + " refused the request (" + status + ") but money moved");
        }
    }

    private static synchronized XmlServerBinding binding(Ledger ledger) {
        if (binding == null) {
            binding = XmlServerBinding.builder(ledger.core, ledger.core.authenticator()).build();
        }
        return binding;
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }
}
