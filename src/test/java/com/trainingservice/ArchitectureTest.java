package com.trainingservice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.springframework.web.bind.annotation.RestController;

/**
 * How the features may depend on each other. DL4J and ND4J stay behind {@code training} and
 * {@code inference}; jobs and the web layer see only plain Java types.
 */
@AnalyzeClasses(packages = "com.trainingservice", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] DL4J = {"org.nd4j..", "org.deeplearning4j.."};

    @ArchTest
    static final ArchRule featuresAreFreeOfCycles = slices()
            .matching("com.trainingservice.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule jobsAndWebDoNotSeeDl4j = noClasses()
            .that().resideInAnyPackage("com.trainingservice.job..", "com.trainingservice.web..")
            .should().dependOnClassesThat().resideInAnyPackage(DL4J)
            .because("DL4J stays in ..training.. and ..inference..");

    @ArchTest
    static final ArchRule controllersDoNotSeeDl4j = noClasses()
            .that().areAnnotatedWith(RestController.class)
            .should().dependOnClassesThat().resideInAnyPackage(DL4J)
            .because("the API speaks in plain types; arrays and networks stay behind the services");

    @ArchTest
    static final ArchRule trainingKnowsNothingOfItsUsers = noClasses()
            .that().resideInAPackage("com.trainingservice.training..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.trainingservice.job..", "com.trainingservice.inference..", "com.trainingservice.web..")
            .because("training is the core that jobs, inference and the API build on");
}
