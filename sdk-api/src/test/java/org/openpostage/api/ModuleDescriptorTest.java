package org.openpostage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** sdk-api is a named JPMS module that exports its API and hides its internal package. */
class ModuleDescriptorTest {
    @Test
    void isANamedModuleThatDoesNotExportItsInternals() {
        ModuleDescriptor module = ModuleFinder.of(Path.of("target", "classes")).findAll().iterator().next().descriptor();
        assertEquals("org.openpostage.api", module.name());
        assertFalse(module.isAutomatic());
        Set<String> exported = module.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertEquals(Set.of("org.openpostage.api", "org.openpostage.api.error", "org.openpostage.api.value",
                "org.openpostage.api.model", "org.openpostage.api.indicium",
                "org.openpostage.api.spi"), exported);
        assertTrue(module.packages().contains("org.openpostage.api.internal"), "the internal package exists, unexported");
        assertTrue(module.uses().contains("org.openpostage.api.TransportProvider"));
        assertTrue(module.requires().stream().anyMatch(r -> r.name().equals("org.jspecify")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)), "JSpecify is compile-time only");
    }
}
