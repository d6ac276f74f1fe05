package org.openpostage.transport.xml.internal;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import com.ctc.wstx.stax.WstxOutputFactory;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.dataformat.xml.JacksonXmlAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.codehaus.stax2.XMLInputFactory2;
import org.xml.sax.SAXException;

/**
 * The one place that creates XML readers, mappers and validators in this module. Every factory it
 * makes is hardened the same way:
 *
 * <ul>
 *   <li>no DTD support and no external entities: a document type declaration is never processed
 *       (and {@link GuardedReader} rejects it outright instead of letting Woodstox skip it), entity
 *       references other than the five predefined ones are errors, and any attempt to resolve an
 *       external resource fails;</li>
 *   <li>limits on nesting depth, element count, attributes per element, text length and total
 *       characters, enforced by Woodstox while it reads;</li>
 *   <li>the schema is read from this jar with external access switched off and secure processing on.</li>
 * </ul>
 *
 * Nothing else in the module may call {@code XMLInputFactory.newInstance}, {@code new XmlMapper}
 * or {@code SchemaFactory.newInstance}.
 */
public final class HardenedXml {
    /** Where the v1 schema lives inside the jar. */
    public static final String SCHEMA_RESOURCE = "org/openpostage/transport/xml/openpostage-v1.xsd";

    private static final String XERCES_LOCALE = "http://apache.org/xml/properties/locale";

    private HardenedXml() {
    }

    /**
     * The bounds a reader enforces.
     *
     * @param maxBodyBytes            the largest document in bytes (checked by the caller while reading the body)
     * @param maxDepth                the deepest element nesting
     * @param maxElements             the most elements in a document
     * @param maxTextLength           the longest text of one element
     * @param maxAttributesPerElement the most attributes on one element
     */
    public record Limits(long maxBodyBytes, int maxDepth, int maxElements, int maxTextLength,
                         int maxAttributesPerElement) {
    }

    /** A StAX input factory with DTDs and external entities off and {@code limits} in force. */
    public static XMLInputFactory2 inputFactory(Limits limits) {
        Objects.requireNonNull(limits, "limits");
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_VALIDATING, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setXMLResolver(HardenedXml::refuseExternalResource);
        f.setProperty(WstxInputProperties.P_DTD_RESOLVER, (javax.xml.stream.XMLResolver) HardenedXml::refuseExternalResource);
        f.setProperty(WstxInputProperties.P_ENTITY_RESOLVER, (javax.xml.stream.XMLResolver) HardenedXml::refuseExternalResource);
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, limits.maxDepth());
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, (long) limits.maxElements());
        f.setProperty(WstxInputProperties.P_MAX_CHILDREN_PER_ELEMENT, limits.maxElements());
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, limits.maxAttributesPerElement());
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, Math.min(limits.maxTextLength(), 1024));
        f.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, limits.maxTextLength());
        f.setProperty(WstxInputProperties.P_MAX_CHARACTERS, limits.maxBodyBytes());
        f.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, 1L);
        f.setProperty(WstxInputProperties.P_MAX_ENTITY_DEPTH, 1);
        f.setProperty(WstxInputProperties.P_MAX_DTD_DEPTH, 1);
        return f;
    }

    /**
     * A mapper between XML and the {@link Wire} classes that reads with {@link #inputFactory(Limits)}.
     * It writes every element in the protocol's namespace, omits absent (null) values and writes an
     * XML declaration.
     *
     * @param failOnUnknownElements whether an element the {@link Wire} classes do not know is an
     *                              error (servers) or ignored (clients, for forward compatibility)
     */
    public static XmlMapper mapper(Limits limits, boolean failOnUnknownElements) {
        XmlFactory factory = new XmlFactory(inputFactory(limits), new WstxOutputFactory());
        return XmlMapper.builder(factory)
                .annotationIntrospector(new ProtocolNamespaceIntrospector())
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .enable(ToXmlGenerator.Feature.WRITE_XML_DECLARATION)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, failOnUnknownElements)
                .build();
    }

    /** Reads the v1 schema from the jar now if it was not read yet: a server fails at start, not on a request. */
    public static void loadSchema() {
        Objects.requireNonNull(SchemaHolder.SCHEMA, "schema");
    }

    /** The v1 schema, read once from the jar. */
    public static Schema schema() {
        return SchemaHolder.SCHEMA;
    }

    /**
     * A new validator for the v1 schema (validators are not thread-safe), reporting in English.
     *
     * @throws IllegalStateException if the validator refuses a security setting: it fails closed
     */
    public static Validator validator() {
        return harden(schema().newValidator());
    }

    /**
     * {@code v} with external DTDs and schemas switched off, and English messages where supported.
     * The two security settings are required: a validator that does not take them would fetch what
     * a document points to, so it is refused rather than used. The locale only words messages.
     *
     * @throws IllegalStateException naming the setting {@code v} refused
     */
    static Validator harden(Validator v) {
        for (String property : new String[] {XMLConstants.ACCESS_EXTERNAL_DTD, XMLConstants.ACCESS_EXTERNAL_SCHEMA}) {
            try {
                v.setProperty(property, "");
            } catch (SAXException e) {
                throw new IllegalStateException("the schema validator " + v.getClass().getName() + " refuses the "
                        + "security setting " + property + " (" + e.getMessage() + "); it would load external "
                        + "resources, so it is not used", e);
            }
        }
        try {
            v.setProperty(XERCES_LOCALE, Locale.ENGLISH);
        } catch (SAXException e) {
            // Another implementation may lack the locale property: messages then come in its default language.
        }
        return v;
    }

    private static Object refuseExternalResource(String publicId, String systemId, String baseUri, String namespace)
            throws XMLStreamException {
        throw new XMLStreamException("external resources are never loaded (asked for '" + systemId + "')");
    }

    /** Loads the schema on first use. */
    private static final class SchemaHolder {
        static final Schema SCHEMA = load();

        private static Schema load() {
            try (InputStream in = HardenedXml.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the schema is missing from the jar: " + SCHEMA_RESOURCE);
                }
                SchemaFactory sf = SchemaFactory.newDefaultInstance();
                sf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
                return sf.newSchema(new StreamSource(in, SCHEMA_RESOURCE));
            } catch (IOException | SAXException e) {
                throw new IllegalStateException("cannot load the schema " + SCHEMA_RESOURCE + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Puts every element that names no namespace into the protocol's namespace, so that a
     * document is written with one default namespace declaration; attributes stay unqualified.
     */
    private static final class ProtocolNamespaceIntrospector extends JacksonXmlAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public String findNamespace(MapperConfig<?> config, Annotated ann) {
            String ns = super.findNamespace(config, ann);
            if (ns != null && !ns.isEmpty()) {
                return ns;
            }
            return Boolean.TRUE.equals(isOutputAsAttribute(config, ann)) ? null : Wire.NS;
        }
    }
}
