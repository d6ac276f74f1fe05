package org.openpostage.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of OpenPostage, checked over the main classes of every module at once.
 *
 * <p>Each module is one package root. A rule failing here means a dependency crept in that the
 * architecture (docs/architecture.md) does not allow.
 */
class ArchitectureTest {
    static final String API = "org.openpostage.api..";
    static final String XML = "org.openpostage.transport.xml..";
    static final String GRPC = "org.openpostage.transport.grpc..";
    static final String RENDER = "org.openpostage.render..";
    static final String CONFORMANCE = "org.openpostage.conformance..";
    static final String SERVER = "org.openpostage.server..";
    static final String PORTAL = "org.openpostage.portal..";
    static final String JDBC = "org.openpostage.jdbc..";
    static final String SPRING = "org.openpostage.spring..";
    static final String EXAMPLES = "org.openpostage.examples..";
    static final String OBSERVABILITY = "org.openpostage.observability..";

    private static JavaClasses classes;

    @BeforeAll
    static void importAllModules() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.openpostage");
        for (String root : new String[] {"org.openpostage.server", "org.openpostage.spring", "org.openpostage.examples",
                "org.openpostage.conformance.cli"}) {
            if (classes.stream().noneMatch(c -> c.getPackageName().startsWith(root))) {
                throw new IllegalStateException(root + " was not imported: check this module's dependencies");
            }
        }
    }

    @Test
    void sdkApiDependsOnTheJdkOnly() {
        check(classes().that().resideInAPackage(API)
                .should().onlyDependOnClassesThat().resideInAnyPackage(API, "java..", "javax.net.ssl..", "javax.security..",
                        "javax.crypto..", "org.jspecify.annotations..")
                .because("sdk-api is pure Java: everything depends on it and it depends on nothing at run time "
                        + "(JSpecify's nullness annotations are compile-time only)"));
    }

    @Test
    void transportsSendSingleAttemptsAndLeaveRetriesToTheSharedPipeline() {
        check(noClasses().that().resideInAnyPackage(XML, GRPC)
                .should().dependOnClassesThat().haveFullyQualifiedName("org.openpostage.api.RetryPolicy")
                .because("retries, backoff and deadlines are the shared client pipeline's (PipelinedPostalClient): "
                        + "a transport implements one attempt (ClientTransport), so every transport retries alike"));
    }

    @Test
    void theObservabilityInterceptorsUseTheSharedPipelineOnly() {
        check(noClasses().that().resideInAPackage(OBSERVABILITY).should().dependOnClassesThat()
                .resideInAnyPackage(XML, GRPC, SERVER, PORTAL)
                .because("tracing and metrics hook into the client pipeline every transport shares (ClientInterceptor)"));
    }

    @Test
    void transportsDoNotDependOnEachOther() {
        check(noClasses().that().resideInAPackage(XML).should().dependOnClassesThat().resideInAPackage(GRPC));
        check(noClasses().that().resideInAPackage(GRPC).should().dependOnClassesThat().resideInAPackage(XML));
    }

    @Test
    void nothingDependsOnTheReferenceApps() {
        check(noClasses().that().resideOutsideOfPackage(SERVER).should().dependOnClassesThat().resideInAPackage(SERVER)
                .because("the reference postal server is an application, not a library"));
        check(noClasses().that().resideOutsideOfPackages(SERVER, PORTAL, JDBC).should().dependOnClassesThat()
                .resideInAPackage(JDBC).because("the transaction template is the reference applications' own"));
        check(noClasses().that().resideOutsideOfPackage(PORTAL).should().dependOnClassesThat().resideInAPackage(PORTAL)
                .because("the reference portal is an application, not a library"));
        check(noClasses().that().resideOutsideOfPackage(EXAMPLES).should().dependOnClassesThat().resideInAPackage(EXAMPLES)
                .because("the examples show how to use the SDK; nothing is built on them"));
    }

    @Test
    void theStarterReachesTheSdkThroughItsApiOnly() {
        check(noClasses().that().resideInAPackage(SPRING)
                .should().dependOnClassesThat().resideInAnyPackage(XML, GRPC, RENDER, CONFORMANCE)
                .because("the starter connects whichever transport the endpoint names, through PostalClients"));
        check(noClasses().that().resideInAPackage(EXAMPLES)
                .should().dependOnClassesThat().resideInAnyPackage(XML, GRPC, "org.openpostage.spring.internal..")
                .because("an example uses what a shop would: the SDK's API and the starter's properties"));
    }

    @Test
    void sdkModulesDoNotDependOnTransportsOrRendering() {
        check(noClasses().that().resideInAnyPackage(RENDER, CONFORMANCE, SPRING)
                .should().dependOnClassesThat().resideInAnyPackage(XML, GRPC)
                .because("transports are found at run time through PostalClients, never linked"));
    }

    @Test
    void eachLibraryStaysInItsModule() {
        // The server writes CSV journal exports with Jackson's CSV writer; XML it leaves to the transport.
        libraryOnlyIn("Jackson", "com.fasterxml.jackson..", XML, SERVER);
        check(noClasses().that().resideInAPackage(SERVER).should().dependOnClassesThat()
                .resideInAPackage("com.fasterxml.jackson.dataformat.xml..")
                .because("the server speaks XML through the transport's binding"));
        libraryOnlyIn("Woodstox/StAX", "com.ctc.wstx..", XML);
        libraryOnlyIn("HttpClient", "org.apache.hc..", XML);
        libraryOnlyIn("gRPC", "io.grpc..", GRPC, SERVER);
        libraryOnlyIn("protobuf", "com.google.protobuf..", GRPC, SERVER);
        libraryOnlyIn("ZXing", "com.google.zxing..", RENDER);
        libraryOnlyIn("AWT", "java.awt..", RENDER);
        libraryOnlyIn("Image I/O", "javax.imageio..", RENDER);
        libraryOnlyIn("PDFBox", "org.apache.pdfbox..", RENDER);
        libraryOnlyIn("Javalin", "io.javalin..", SERVER, PORTAL);
        libraryOnlyIn("JTE", "gg.jte..", PORTAL, SERVER); // the portal's pages and the server's admin console
        libraryOnlyIn("JDBC", "java.sql..", SERVER, PORTAL, JDBC);
        libraryOnlyIn("HikariCP", "com.zaxxer..", SERVER, PORTAL);
        libraryOnlyIn("Flyway", "org.flywaydb..", SERVER, PORTAL);
        // H2's classes (triggers, the portal's pool, the checkpoint of H2Durability) only where it is embedded.
        libraryOnlyIn("H2", "org.h2..", SERVER, PORTAL, JDBC);
        // And in the verify-indicium command, which verifies with it when it is there; sdk-render's
        // library code takes a provider from its caller (StampReader.withSignatureProvider).
        libraryOnlyIn("BouncyCastle", "org.bouncycastle..", SERVER, "org.openpostage.render.cli..");
        libraryOnlyIn("JUnit", "org.junit..", CONFORMANCE);
        libraryOnlyIn("Spring", "org.springframework..", SPRING, EXAMPLES);
        libraryOnlyIn("picocli", "picocli..", RENDER, SERVER, CONFORMANCE);
        // Operations: the SDK's interceptors, the starter's, and the reference apps that report metrics and spans.
        libraryOnlyIn("Micrometer", "io.micrometer..", OBSERVABILITY, SPRING, SERVER, PORTAL);
        libraryOnlyIn("OpenTelemetry", "io.opentelemetry..", OBSERVABILITY, SERVER, PORTAL);
        libraryOnlyIn("Logback", "ch.qos.logback..", SERVER);
    }

    @Test
    void internalPackagesAreNotUsedFromOtherModules() {
        for (String module : new String[] {API, XML, GRPC, RENDER, OBSERVABILITY, CONFORMANCE, SERVER, PORTAL, SPRING}) {
            String root = module.substring(0, module.length() - 2);
            check(noClasses().that().resideOutsideOfPackage(module)
                    .should().dependOnClassesThat().resideInAPackage(root + ".internal..")
                    .because("internal packages of " + root + " are not API"));
        }
    }

    @Test
    void modulesAreFreeOfCycles() {
        check(slices().matching("org.openpostage.(transport.*|*)..").should().beFreeOfCycles());
    }

    @Test
    void packagesAreFreeOfCycles() {
        check(slices().matching("org.openpostage.(**)").namingSlices("package org.openpostage.$1")
                .should().beFreeOfCycles()
                .because("a package can be read, tested and changed from the bottom up only if no package below"
                        + " it depends on it again"));
    }

    @Test
    void sdkApisPackagesAreLayers() {
        check(layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("spi").definedBy("org.openpostage.api.spi")
                .layer("contract").definedBy("org.openpostage.api")
                .layer("model").definedBy("org.openpostage.api.model")
                .layer("indicium").definedBy("org.openpostage.api.indicium")
                .layer("value").definedBy("org.openpostage.api.value")
                .layer("internal").definedBy("org.openpostage.api.internal")
                .layer("error").definedBy("org.openpostage.api.error")
                .whereLayer("spi").mayOnlyAccessLayers("contract", "model", "indicium", "value", "internal", "error")
                .whereLayer("contract").mayOnlyAccessLayers("model", "indicium", "value", "internal", "error")
                .whereLayer("model").mayOnlyAccessLayers("indicium", "value", "internal", "error")
                .whereLayer("indicium").mayOnlyAccessLayers("value", "internal", "error")
                .whereLayer("value").mayOnlyAccessLayers("internal", "error")
                .whereLayer("internal").mayOnlyAccessLayers("error")
                .whereLayer("error").mayNotAccessAnyLayer()
                .because("each package of sdk-api builds on those below it only (package-info of org.openpostage.api)"));
    }

    private static void libraryOnlyIn(String name, String library, String... modules) {
        check(noClasses().that().resideOutsideOfPackages(modules)
                .should().dependOnClassesThat().resideInAPackage(library)
                .because(name + " belongs to " + String.join(", ", modules)));
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
