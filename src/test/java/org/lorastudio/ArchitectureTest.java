package org.lorastudio;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.core.domain.properties.HasParameterTypes.Predicates.rawParameterTypes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorastudio.cli.Cli;

/**
 * The architecture rule of SPEC §2 and STYLE "Layout": a headless core with two thin front ends. JavaFX stays in
 * {@code ui}; console output stays in the front ends ({@link Cli} alone wraps {@code System.out}, and the other
 * commands print through picocli's writers so tests can capture them).
 *
 * <p>Each rule is also run once against small classes in this file that break it, so that a rule which
 * silently matches nothing (a renamed package, a typo) fails here instead of passing forever.
 */
class ArchitectureTest {
    private static final String ROOT = "org.lorastudio";

    private static JavaClasses main;

    /** {@code e.printStackTrace()} without a writer goes to {@code System.err}, whatever the exception's type. */
    private static final DescribedPredicate<JavaCall<?>> PRINT_STACK_TRACE_TO_STDERR =
            target(name("printStackTrace"))
                    .and(target(owner(assignableTo(Throwable.class))))
                    .and(target(rawParameterTypes(new Class<?>[0])))
                    .as("Throwable.printStackTrace() (which prints to System.err)");

    /** JavaFX must not leak into the core; {@link Launcher} starts the UI by class name, so it passes. */
    static final ArchRule CORE_HAS_NO_JAVAFX = noClasses()
            .that().resideOutsideOfPackage(ROOT + ".ui..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..")
            .because("the core runs headless and the UI is one of two thin front ends (SPEC §2)");

    /** The core reports through return values, exceptions, events and SLF4J, never the console. */
    static final ArchRule CORE_DOES_NOT_PRINT = noClasses()
            .that().resideOutsideOfPackages(ROOT + ".cli..", ROOT + ".ui..")
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .orShould().callMethodWhere(PRINT_STACK_TRACE_TO_STDERR)
            .because("console output belongs to the front ends; the core logs through SLF4J (STYLE)");

    /** Commands print through {@code spec.commandLine().getOut()}, which tests capture; only Cli wraps stdout. */
    static final ArchRule COMMANDS_PRINT_THROUGH_PICOCLI = noClasses()
            .that().resideInAPackage(ROOT + ".cli..")
            .and().doNotHaveFullyQualifiedName(Cli.class.getName())
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .orShould().callMethodWhere(PRINT_STACK_TRACE_TO_STDERR)
            .because("commands print through picocli's writers so that tests can capture their output");

    /** Feature packages form a layering: no import circle between them (e.g. run ↔ notes, train ↔ llm). */
    static final ArchRule NO_PACKAGE_CYCLES = com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
            .matching(ROOT + ".(*)..").should().beFreeOfCycles()
            .because("a package that reaches back up cannot be understood or tested on its own (issue 16)");

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages(ROOT);
    }

    @Test
    void mainClassesAreImported() {
        assertThat(main.contain(Launcher.class)).isTrue();
        assertThat(main.contain(Cli.class)).isTrue();
        assertThat(main.contain(ArchitectureTest.class)).as("tests are not part of the analysis").isFalse();
    }

    @Test
    void onlyTheUiDependsOnJavaFx() {
        CORE_HAS_NO_JAVAFX.check(main);
    }

    @Test
    void onlyTheFrontEndsPrintToTheConsole() {
        CORE_DOES_NOT_PRINT.check(main);
    }

    @Test
    void commandsOtherThanCliPrintThroughPicocli() {
        COMMANDS_PRINT_THROUGH_PICOCLI.check(main);
    }

    @Test
    void featurePackagesHaveNoImportCircle() {
        NO_PACKAGE_CYCLES.check(main);
    }

    // ---- the rules catch violations -----------------------------------------------------------------------

    @Test
    void rulesReportViolatingClasses() {
        JavaClasses fixtures = new ClassFileImporter().importClasses(UsesJavaFx.class, PrintsToStdout.class,
                PrintsToStderr.class, PrintsStackTrace.class, Quiet.class);
        assertViolations(CORE_HAS_NO_JAVAFX.evaluate(fixtures), UsesJavaFx.class);
        assertViolations(CORE_DOES_NOT_PRINT.evaluate(fixtures), PrintsToStdout.class, PrintsToStderr.class,
                PrintsStackTrace.class);
    }

    @Test
    void commandRuleReportsACommandThatPrintsDirectly() {
        JavaClasses cli = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages(ROOT + ".cli");
        assertThat(COMMANDS_PRINT_THROUGH_PICOCLI.evaluate(cli).hasViolation()).isFalse();
        // Cli itself touches System.out, so the same rule without its exemption must fire on the real classes.
        ArchRule withoutExemption = noClasses().that().resideInAPackage(ROOT + ".cli..")
                .should().accessField(System.class, "out");
        assertThat(withoutExemption.evaluate(cli).getFailureReport().getDetails())
                .anySatisfy(d -> assertThat(d).contains(Cli.class.getName()));
    }

    private static void assertViolations(EvaluationResult result, Class<?>... offenders) {
        assertThat(result.hasViolation()).isTrue();
        String report = String.join("\n", result.getFailureReport().getDetails());
        for (Class<?> c : offenders) {
            assertThat(report).contains(c.getName());
        }
        assertThat(report).doesNotContain(Quiet.class.getName());
    }

    // Fixtures: test classes in the root package, i.e. "core" for the rules above.

    static final class UsesJavaFx {
        Object label() {
            return new javafx.scene.control.Label("x");
        }
    }

    static final class PrintsToStdout {
        void hello() {
            System.out.println("hello");
        }
    }

    static final class PrintsToStderr {
        void oops() {
            System.err.println("oops");
        }
    }

    static final class PrintsStackTrace {
        void fail(RuntimeException e) {
            e.printStackTrace();
        }
    }

    static final class Quiet {
        String work() {
            return "done";
        }
    }
}
