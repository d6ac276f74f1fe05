package org.openpostage.transport.xml.internal;

import com.ctc.wstx.exc.WstxException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;
import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamException;
import javax.xml.transform.stax.StAXSource;
import javax.xml.validation.Validator;
import org.codehaus.stax2.XMLInputFactory2;
import org.codehaus.stax2.XMLStreamReader2;
import org.openpostage.api.error.InvalidRequestException;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads and writes protocol messages. Reading goes through {@link GuardedReader} on a reader from
 * {@link HardenedXml}; a strict codec (servers) also validates the document against the v1 schema
 * before binding it, so that unknown, missing, repeated or misplaced elements and out-of-range
 * values are all refused with a message naming the element. Thread-safe.
 *
 * <p>Making a schema validator costs more than validating a typical request with it, so a strict
 * codec keeps validators that finished a document cleanly and hands each to one caller at a time.
 * They are never {@link Validator#reset() reset}: that would drop the settings {@link HardenedXml}
 * gave them, while {@code validate} itself starts every document from a clean state.
 */
public final class XmlCodec {
    /** The most idle validators kept; more concurrent callers make their own. */
    private static final int MAX_IDLE_VALIDATORS = 64;

    private final XMLInputFactory2 inputs;
    private final XmlMapper mapper;
    private final boolean validate;
    private final BlockingQueue<Validator> idleValidators = new ArrayBlockingQueue<>(MAX_IDLE_VALIDATORS);

    private XmlCodec(HardenedXml.Limits limits, boolean strict) {
        this.inputs = HardenedXml.inputFactory(limits);
        this.mapper = HardenedXml.mapper(limits, strict);
        this.validate = strict;
        if (strict) {
            HardenedXml.loadSchema(); // now, not on the first request
        }
    }

    /** A codec for a server: validates every document against the schema and rejects unknown elements. */
    public static XmlCodec strict(HardenedXml.Limits limits) {
        return new XmlCodec(limits, true);
    }

    /** A codec for a client: checks namespace and root, ignores elements a newer server may add. */
    public static XmlCodec lenient(HardenedXml.Limits limits) {
        return new XmlCodec(limits, false);
    }

    /**
     * Reads {@code body} as a {@code <rootElement>} document into {@code type}.
     *
     * @throws InvalidRequestException naming the element and the problem when the document is malformed,
     *                                 has a DOCTYPE, exceeds a limit or (strict codecs) does not match the schema
     */
    public <T> T read(byte[] body, Class<T> type, String rootElement) {
        if (body.length == 0) {
            throw new InvalidRequestException("the body is empty; expected a <" + rootElement + "> element in namespace "
                    + Wire.NS);
        }
        if (validate) {
            validate(body, rootElement);
        }
        GuardedReader reader = open(body, rootElement);
        try {
            reader.advanceToRoot();
            return mapper.readValue(reader, type);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidRequestException(jacksonPath(e, rootElement) + ": unexpected element <"
                    + e.getPropertyName() + ">");
        } catch (JsonMappingException e) {
            throw new InvalidRequestException(rejectionOr(reader, () -> jacksonPath(e, rootElement) + ": "
                    + e.getOriginalMessage()));
        } catch (XMLStreamException | IOException | RuntimeException e) {
            throw new InvalidRequestException(rejectionOr(reader, () -> describe(e)));
        } finally {
            close(reader);
        }
    }

    /** Writes {@code message} (a {@link Wire} root class) as UTF-8 XML with a declaration. */
    public byte[] write(Object message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private void validate(byte[] body, String rootElement) {
        GuardedReader reader = open(body, rootElement);
        FirstError errors = new FirstError(reader);
        Validator idle = idleValidators.poll();
        Validator validator = idle != null ? idle : HardenedXml.validator();
        validator.setErrorHandler(errors);
        try {
            validator.validate(new StAXSource(reader));
            validator.setErrorHandler(null); // let go of this document
            idleValidators.offer(validator); // only a validator that finished cleanly is reused
        } catch (SAXException | IOException | RuntimeException e) {
            if (reader.rejection() != null) {
                throw new InvalidRequestException(reader.rejection());
            }
            if (errors.message != null) {
                throw new InvalidRequestException(errors.message);
            }
            throw new InvalidRequestException(describe(e));
        } finally {
            close(reader);
        }
    }

    private GuardedReader open(byte[] body, String rootElement) {
        XMLStreamReader2 reader;
        try {
            reader = (XMLStreamReader2) inputs.createXMLStreamReader(new ByteArrayInputStream(body));
        } catch (XMLStreamException e) {
            throw new InvalidRequestException(describe(e));
        }
        String declared = reader.getCharacterEncodingScheme();
        String detected = reader.getEncoding();
        if (!isUtf8(declared) || !isUtf8(detected)) {
            close(reader);
            throw new InvalidRequestException("only UTF-8 documents are accepted; this one is "
                    + (declared != null ? declared : detected));
        }
        return new GuardedReader(reader, rootElement);
    }

    private static boolean isUtf8(String encoding) {
        return encoding == null || encoding.equalsIgnoreCase("UTF-8") || encoding.equalsIgnoreCase("UTF8");
    }

    private static String rejectionOr(GuardedReader reader, Supplier<String> otherwise) {
        return reader.rejection() != null ? reader.rejection() : otherwise.get();
    }

    /**
     * The XML-level problem behind {@code e}: the parser's message with line and column.
     *
     * @throws RuntimeException {@code e} itself if it is a runtime exception without an XML cause: a bug
     */
    private static String describe(Throwable e) {
        XMLStreamException x = xmlCause(e);
        if (x == null) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            return "XML not accepted: " + firstLine(String.valueOf(e.getMessage()));
        }
        String message = firstLine(String.valueOf(x.getMessage()));
        int cut = message.indexOf(" at [row,col");
        message = cut > 0 ? message.substring(0, cut) : message;
        Location at = x.getLocation();
        return at == null || at.getLineNumber() < 0 ? "XML not accepted: " + message
                : "XML not accepted at line " + at.getLineNumber() + ", column " + at.getColumnNumber() + ": " + message;
    }

    /** The parser's own exception in {@code e}'s causes, else the innermost {@link XMLStreamException}. */
    private static XMLStreamException xmlCause(Throwable e) {
        XMLStreamException found = null;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof WstxException w) {
                return w;
            }
            if (t instanceof XMLStreamException x) {
                found = x;
            }
        }
        return found;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * The position Jackson reports, in the same XPath-like form as the schema messages; for an
     * unknown element the position of its parent.
     */
    private static String jacksonPath(JsonMappingException e, String root) {
        List<JsonMappingException.Reference> refs = e.getPath();
        int end = e instanceof UnrecognizedPropertyException && !refs.isEmpty() ? refs.size() - 1 : refs.size();
        StringBuilder sb = new StringBuilder(root);
        String lastField = root;
        for (JsonMappingException.Reference ref : refs.subList(0, end)) {
            if (ref.getFieldName() != null) {
                lastField = ref.getFieldName();
                sb.append('/').append(lastField);
            } else if (ref.getIndex() >= 0) {
                sb.append('/').append(Wire.LIST_ITEMS.getOrDefault(lastField, "item"))
                        .append('[').append(ref.getIndex() + 1).append(']');
            }
        }
        return sb.toString();
    }

    private static void close(XMLStreamReader2 reader) {
        try {
            reader.closeCompletely();
        } catch (XMLStreamException e) {
            // a reader over a byte array has nothing to release
        }
    }

    /** Keeps the first schema violation, phrased for people, with the element's path. */
    private static final class FirstError implements ErrorHandler {
        private final GuardedReader reader;
        private String message;

        FirstError(GuardedReader reader) {
            this.reader = reader;
        }

        @Override
        public void warning(SAXParseException e) {
            // warnings do not reject a document
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            if (message == null) {
                message = SchemaMessages.describe(reader.path(), reader.parentPath(), String.valueOf(e.getMessage()));
            }
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            error(e);
        }
    }
}
