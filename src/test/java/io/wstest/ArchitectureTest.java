package io.wstest;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.lang.reflect.AccessibleObject;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package layers of README "Project layout", bottom to top: identity, wire, options, net (L0, each standing on
 * nothing else of ours); runtime; protocol; ops and cluster (side by side, neither using the other); server; the
 * CLI root (Main). The client (test-lb) and bench are side towers on L0 only. A package may use its own layer
 * and the ones below, never one above, and no two packages may need each other. lab (the local
 * replicas-behind-a-load-balancer command) sits beside the CLI root: it starts the service as child processes of
 * the same jar, so it stands on L0 only and never on the server's internals; only Main uses it. Only production
 * classes are checked; tests may reach across layers.
 */
@AnalyzeClasses(packages = "io.wstest", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String VERTX_INTERNALS_CLASS = "io.wstest.protocol.VertxInternals";
  private static final Class<?> VERTX_INTERNALS = load(VERTX_INTERNALS_CLASS);
  private static final String[] FOUNDATION = {"Identity", "Wire", "Options", "Net"};

  /** Every package of ours, including the client's subpackages, is a slice; slices must form no cycle. */
  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("io.wstest.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule layersFollowTheAgreedOrder = layeredArchitecture()
    .consideringOnlyDependenciesInLayers()
    // wire arrives with the client's shared protocol vocabulary; the rule holds before and after
    .withOptionalLayers(true)
    .layer("Identity").definedBy("io.wstest.identity..")
    .layer("Wire").definedBy("io.wstest.wire..")
    .layer("Options").definedBy("io.wstest.options..")
    .layer("Net").definedBy("io.wstest.net..")
    .layer("Runtime").definedBy("io.wstest.runtime..")
    .layer("Protocol").definedBy("io.wstest.protocol..")
    .layer("Ops").definedBy("io.wstest.ops..")
    .layer("Cluster").definedBy("io.wstest.cluster..")
    .layer("Server").definedBy("io.wstest.server..")
    .layer("Cli").definedBy(JavaClass.Predicates.resideInAPackage("io.wstest"))
    .layer("Client").definedBy("io.wstest.client..")
    .layer("Bench").definedBy("io.wstest.bench..")
    .layer("Lab").definedBy("io.wstest.lab..")

    .whereLayer("Identity").mayOnlyAccessLayers("Identity")
    .whereLayer("Wire").mayOnlyAccessLayers("Wire")
    .whereLayer("Options").mayOnlyAccessLayers("Options")
    .whereLayer("Net").mayOnlyAccessLayers("Net")
    .whereLayer("Runtime").mayOnlyAccessLayers(with(FOUNDATION, "Runtime"))
    .whereLayer("Protocol").mayOnlyAccessLayers(with(FOUNDATION, "Runtime", "Protocol"))
    .whereLayer("Ops").mayOnlyAccessLayers(with(FOUNDATION, "Runtime", "Protocol", "Ops"))
    .whereLayer("Cluster").mayOnlyAccessLayers(with(FOUNDATION, "Runtime", "Protocol", "Cluster"))
    .whereLayer("Server").mayOnlyAccessLayers(with(FOUNDATION, "Runtime", "Protocol", "Ops", "Cluster", "Server"))
    .whereLayer("Client").mayOnlyAccessLayers(with(FOUNDATION, "Client"))
    .whereLayer("Bench").mayOnlyAccessLayers(with(FOUNDATION, "Client", "Bench"))
    .whereLayer("Lab").mayOnlyAccessLayers(with(FOUNDATION, "Lab"))
    .whereLayer("Lab").mayOnlyBeAccessedByLayers("Cli")
    .whereLayer("Cli").mayNotBeAccessedByAnyLayer();

  /** The load generator shares test-lb's one client socket, nothing else of the client. */
  @ArchTest
  static final ArchRule benchUsesOnlyTheClientSocket = noClasses().that().resideInAPackage("io.wstest.bench..")
    .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.wstest.client..")
      .and(JavaClass.Predicates.resideOutsideOfPackage("io.wstest.client.socket..")))
    .allowEmptyShould(true);

  /**
   * test-lb's scenario packages (client.spread, client.sticky, ...) build on the shared ones (client.run,
   * client.socket, client.report, client.stats), never on one another; the client root (the test-lb command)
   * names them all and sits on top (the no-cycle rule keeps them from reaching up to it). client.audit is above
   * them and left out here.
   */
  @ArchTest
  static final ArchRule clientScenariosAreSiblings = slices().assignedFrom(new ClientScenarios())
    .should().notDependOnEachOther()
    .allowEmptyShould(true);

  /**
   * {@code test-lb audit} (client.audit) sits above the scenario packages: it runs them and judges what they found.
   * No scenario package, nor a shared one, may use it; only the test-lb command on top names it.
   */
  @ArchTest
  static final ArchRule auditSitsAboveTheScenarios = noClasses().that().resideInAPackage("io.wstest.client..")
    .and().resideOutsideOfPackages("io.wstest.client.audit..", "io.wstest.client")
    .should().dependOnClassesThat().resideInAPackage("io.wstest.client.audit..")
    .because("the audit runs the scenarios; a scenario that used the audit would loop back");

  /**
   * Vert.x and Netty internals (their impl and internal packages, private fields through reflection) are used in
   * one class only, so a Vert.x upgrade needs a look at that class alone; public Netty APIs (io.netty.buffer,
   * io.netty.channel, ...) are fine anywhere.
   */
  @ArchTest
  static final ArchRule internalsOnlyBehindOneDoor = noClasses().that().doNotBelongToAnyOf(VERTX_INTERNALS)
    .should().dependOnClassesThat().resideInAnyPackage("io.vertx..impl..", "io.vertx..internal..",
      "io.netty..impl..", "io.netty..internal..")
    .orShould().callMethod(AccessibleObject.class, "setAccessible", boolean.class)
    .orShould().callMethod(Class.class, "getDeclaredField", String.class)
    .because("Vert.x internals change without notice: VertxInternals is the one door to them");

  private static String[] with(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(name + " moved: update ArchitectureTest", e);
    }
  }

  /** One slice per client subpackage that is not shared by every scenario; everything else is left out. */
  static final class ClientScenarios implements SliceAssignment {

    private static final Set<String> SHARED = Set.of("run", "socket", "report", "stats");
    /** Above the scenarios: may use every one of them ({@link #auditSitsAboveTheScenarios}). */
    private static final String AUDIT = "audit";

    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String prefix = "io.wstest.client.";
      String pkg = javaClass.getPackageName();
      if (!pkg.startsWith(prefix)) {
        return SliceIdentifier.ignore();
      }
      String sub = pkg.substring(prefix.length()).split("\\.")[0];
      return SHARED.contains(sub) || sub.equals(AUDIT) ? SliceIdentifier.ignore() : SliceIdentifier.of("client." + sub);
    }

    @Override
    public String getDescription() {
      return "test-lb scenario packages (io.wstest.client.* except run, socket, report, stats, audit)";
    }
  }
}
