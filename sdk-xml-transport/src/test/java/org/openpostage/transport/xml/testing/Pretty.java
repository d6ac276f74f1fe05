package org.openpostage.transport.xml.testing;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import javax.xml.XMLConstants;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;

/** Indents XML for the documentation examples (the wire format itself is not indented). */
public final class Pretty {
    private Pretty() {
    }

    /** {@code xml} indented by two spaces, with an XML declaration. */
    public static String print(byte[] xml) {
        try {
            TransformerFactory tf = TransformerFactory.newDefaultInstance();
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter out = new StringWriter();
            t.transform(new StreamSource(new ByteArrayInputStream(xml)), new StreamResult(out));
            return out.toString().replaceFirst("\\?><", "?>\n<").strip() + "\n";
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }
}
