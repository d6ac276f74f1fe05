package org.openpostage.transport.xml.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.openpostage.transport.xml.XmlProtocol;
import org.xml.sax.SAXException;

/**
 * Validates documents against the v1 schema independently of the transport's own reader: the
 * JDK's parser and validator, secure processing on, external access off.
 */
public final class Xsd {
    private static final Schema SCHEMA = load();

    private Xsd() {
    }

    /** Fails the test unless {@code xml} is valid; {@code what} names the document in the message. */
    public static void assertValid(byte[] xml, String what) {
        String problem = problem(xml);
        if (problem != null) {
            fail(what + " does not validate against openpostage-v1.xsd: " + problem + "\n"
                    + new String(xml, StandardCharsets.UTF_8));
        }
    }

    /** The first validation problem of {@code xml}, or {@code null} if it is valid. */
    public static String problem(byte[] xml) {
        try {
            Validator v = SCHEMA.newValidator();
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            v.validate(new StreamSource(new ByteArrayInputStream(xml)));
            return null;
        } catch (SAXException | IOException e) {
            return e.getMessage();
        }
    }

    private static Schema load() {
        try {
            SchemaFactory sf = SchemaFactory.newDefaultInstance();
            sf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return sf.newSchema(XmlProtocol.schemaUrl());
        } catch (SAXException e) {
            throw new IllegalStateException(e);
        }
    }
}
