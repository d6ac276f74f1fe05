package org.openpostage.transport.xml.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.transform.Result;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.Test;
import org.openpostage.transport.xml.testing.Samples;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXNotRecognizedException;

/** {@link HardenedXml#validator()} never hands out a validator that would load external resources. */
class ValidatorFailsClosedTest {

    @Test
    void theJdkValidatorTakesBothSecuritySettingsAndValidates() throws Exception {
        Validator v = HardenedXml.validator();
        v.validate(new StreamSource(new StringReader(Samples.quoteXml())));
    }

    @Test
    void aValidatorThatRefusesASecuritySettingIsNotUsed() {
        for (String refused : new String[] {XMLConstants.ACCESS_EXTERNAL_DTD, XMLConstants.ACCESS_EXTERNAL_SCHEMA}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> HardenedXml.harden(new PickyValidator(Set.of(refused))));
            assertTrue(e.getMessage().contains(refused) && e.getMessage().contains("not used"), e.getMessage());
        }
    }

    @Test
    void aValidatorWithoutTheLocaleSettingIsStillUsed() {
        PickyValidator v = new PickyValidator(Set.of("http://apache.org/xml/properties/locale"));
        assertSame(v, HardenedXml.harden(v));
        assertEquals("", v.properties.get(XMLConstants.ACCESS_EXTERNAL_DTD));
        assertEquals("", v.properties.get(XMLConstants.ACCESS_EXTERNAL_SCHEMA));
    }

    /** A validator from another implementation that does not recognise some properties. */
    private static final class PickyValidator extends Validator {
        private final Set<String> unrecognised;
        final Map<String, Object> properties = new HashMap<>();

        PickyValidator(Set<String> unrecognised) {
            this.unrecognised = unrecognised;
        }

        @Override
        public void setProperty(String name, Object value) throws SAXNotRecognizedException {
            if (unrecognised.contains(name)) {
                throw new SAXNotRecognizedException(name);
            }
            properties.put(name, value);
        }

        @Override
        public void reset() {
        }

        @Override
        public void validate(Source source, Result result) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setErrorHandler(ErrorHandler errorHandler) {
        }

        @Override
        public ErrorHandler getErrorHandler() {
            return null;
        }

        @Override
        public void setResourceResolver(LSResourceResolver resourceResolver) {
        }

        @Override
        public LSResourceResolver getResourceResolver() {
            return null;
        }
    }
}
