package dev.sqlnn;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of docs/ARCHITECTURE.md, checked on the compiled main classes: dependencies point
 * down the layers only, no package cycle, the Vector API only in {@code simd}, {@code simd} only
 * under {@code nn} (and the kernel benchmark of {@code cli bench}), and no JDBC, jOOQ or Flyway in
 * the numeric engine.
 */
@AnalyzeClasses(packages = "dev.sqlnn", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The two types of a training's progress events, which whoever starts a training may listen to. */
    private static final DescribedPredicate<JavaClass> PROGRESS_EVENTS =
            type(dev.sqlnn.nn.TrainingListener.class).or(type(dev.sqlnn.nn.EpochStats.class));

    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("cli").definedBy("dev.sqlnn.cli..")
            .layer("api").definedBy("dev.sqlnn")
            .layer("front doors").definedBy("dev.sqlnn.sql..", "dev.sqlnn.client..", "dev.sqlnn.pg..",
                    "dev.sqlnn.spark..")
            .layer("call").definedBy("dev.sqlnn.call..")
            .layer("store").definedBy("dev.sqlnn.store..")
            .layer("model").definedBy("dev.sqlnn.model..")
            .layer("options").definedBy("dev.sqlnn.options..")
            .layer("data").definedBy("dev.sqlnn.data..")
            .layer("eval").definedBy("dev.sqlnn.eval..")
            .layer("nn").definedBy("dev.sqlnn.nn..")
            .layer("simd").definedBy("dev.sqlnn.simd..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("api").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("front doors").mayOnlyBeAccessedByLayers("cli", "api")
            .whereLayer("call").mayOnlyBeAccessedByLayers("front doors", "cli", "api")
            .whereLayer("store").mayOnlyBeAccessedByLayers("call", "front doors", "cli", "api")
            .whereLayer("model").mayOnlyBeAccessedByLayers("store", "call", "front doors", "cli", "api")
            .whereLayer("options").mayOnlyBeAccessedByLayers("model", "store", "call", "front doors", "cli", "api")
            .whereLayer("data").mayOnlyBeAccessedByLayers("options", "model", "store", "call", "front doors", "cli", "api")
            .whereLayer("eval").mayOnlyBeAccessedByLayers("model", "store", "front doors", "cli", "api")
            // The engine is the model's and the options' (its enums); above them only its progress events are seen.
            .whereLayer("nn").mayOnlyBeAccessedByLayers("data", "options", "model", "cli", "api")
            .whereLayer("simd").mayOnlyBeAccessedByLayers("nn")
            // The kernel benchmark of `sqlnn bench` measures the kernels themselves.
            .ignoreDependency(HasName.Predicates.name("dev.sqlnn.cli.BenchCommand"), resideInAPackage("dev.sqlnn.simd.."))
            .ignoreDependency(resideInAPackage("dev.sqlnn.."), PROGRESS_EVENTS);

    @ArchTest
    static final ArchRule noCycles = slices().matching("dev.sqlnn.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule vectorApiOnlyInSimd = noClasses()
            .that().resideOutsideOfPackage("dev.sqlnn.simd")
            .should().dependOnClassesThat().resideInAPackage("jdk.incubator.vector..");

    @ArchTest
    static final ArchRule engineWithoutDatabases = noClasses()
            .that().resideInAnyPackage("dev.sqlnn.nn..", "dev.sqlnn.simd..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.jooq..",
                    "org.flywaydb..", "org.h2..");

    @ArchTest
    static final ArchRule frontDoorsHoldNoMaths = noClasses()
            .that().resideInAnyPackage("dev.sqlnn.sql..", "dev.sqlnn.client..", "dev.sqlnn.pg..", "dev.sqlnn.spark..",
                    "dev.sqlnn.call..", "dev.sqlnn.store..")
            .should().dependOnClassesThat(resideInAPackage("dev.sqlnn.nn..").and(not(PROGRESS_EVENTS)))
            .orShould().dependOnClassesThat().resideInAPackage("dev.sqlnn.simd..");

    /** Spark is provided, not a dependency: only its front door may load it (SparkFreeCoreTest runs the rest without it). */
    @ArchTest
    static final ArchRule sparkOnlyInItsFrontDoor = noClasses()
            .that().resideOutsideOfPackage("dev.sqlnn.spark..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..");
}
