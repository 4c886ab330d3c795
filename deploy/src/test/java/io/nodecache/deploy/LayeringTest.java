package io.nodecache.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the server and the kubernetes plugin (docs/architecture.md), checked on
 * their main classes as built: imports only run down, the request path never reaches node
 * networking, and a plugin sees only the chain's API, the wire, the config and the transport.
 */
class LayeringTest {

  /** The plugin packages: one Corefile directive each. */
  private static final String[] PLUGINS = {
    "io.nodecache.errors..", "io.nodecache.log..", "io.nodecache.dns64..", "io.nodecache.loop..", "io.nodecache.autopath..",
    "io.nodecache.hosts..", "io.nodecache.cache..", "io.nodecache.forward..", "io.nodecache.k8s..",
    "io.nodecache.nsid..", "io.nodecache.any..", "io.nodecache.chaos..", "io.nodecache.loadbalance..",
    "io.nodecache.minimal..", "io.nodecache.whoami..", "io.nodecache.rewrite..", "io.nodecache.template..",
    "io.nodecache.bufsize..", "io.nodecache.local..",
    "io.nodecache.file..", "io.nodecache.view.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(LayeringTest::mainClassesOfOurModules)
            .importPackages("io.nodecache");
  }

  private static final Pattern OUR_JARS =
      Pattern.compile(".*/nodecache-(server|k8s-plugin)-[^/]*\\.jar!/.*");

  /** server/target/classes and k8s-plugin/target/classes (or their jars), never test classes. */
  private static boolean mainClassesOfOurModules(Location location) {
    String l = location.toString();
    if (l.contains("/test-classes/") || l.contains("-tests.jar")) {
      return false;
    }
    return l.matches(".*/(server|k8s-plugin)/target/classes/.*") || OUR_JARS.matcher(l).matches();
  }

  @Test
  void bothModulesAreImported() {
    assertThat(classes.containPackage("io.nodecache.server")).isTrue();
    assertThat(classes.containPackage("io.nodecache.k8s")).isTrue();
    assertThat(classes.containPackage("io.nodecache.deploy")).isFalse();
  }

  @Test
  void importsRunDownTheLayers() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Main").definedBy("io.nodecache")
        .layer("Server").definedBy("io.nodecache.server..")
        .layer("Handoff").definedBy("io.nodecache.handoff..")
        .layer("Listen").definedBy("io.nodecache.listen..")
        .layer("Http").definedBy("io.nodecache.http..")
        .layer("Node").definedBy("io.nodecache.node..")
        .layer("Plugins").definedBy(PLUGINS)
        .layer("Metrics").definedBy("io.nodecache.metrics..")
        .layer("Chain").definedBy("io.nodecache.chain..")
        .layer("Transport").definedBy("io.nodecache.transport..")
        .layer("Wire").definedBy("io.nodecache.wire..")
        .layer("Config").definedBy("io.nodecache.config..")
        .layer("Util").definedBy("io.nodecache.util..")
        .whereLayer("Main").mayNotBeAccessedByAnyLayer()
        .whereLayer("Server").mayOnlyBeAccessedByLayers("Main")
        .whereLayer("Handoff").mayOnlyBeAccessedByLayers("Main", "Server")
        .whereLayer("Listen").mayOnlyBeAccessedByLayers("Main", "Server", "Handoff")
        .whereLayer("Http").mayOnlyBeAccessedByLayers("Main", "Server")
        .whereLayer("Node").mayOnlyBeAccessedByLayers("Main")
        .whereLayer("Plugins").mayOnlyBeAccessedByLayers("Handoff")
        .whereLayer("Metrics").mayOnlyBeAccessedByLayers("Main", "Server", "Listen", "Node")
        .whereLayer("Chain").mayOnlyBeAccessedByLayers("Main", "Server", "Handoff", "Listen", "Plugins")
        .whereLayer("Transport")
        .mayOnlyBeAccessedByLayers("Main", "Server", "Handoff", "Listen", "Http", "Plugins", "Chain")
        .whereLayer("Wire")
        .mayOnlyBeAccessedByLayers("Main", "Server", "Handoff", "Listen", "Node", "Plugins", "Chain")
        .whereLayer("Config")
        .mayOnlyBeAccessedByLayers("Main", "Server", "Handoff", "Listen", "Node", "Plugins", "Chain")
        .check(classes);
  }

  @Test
  void pluginsUseOnlyChainWireConfigAndTransport() {
    noClasses()
        .that().resideInAnyPackage(PLUGINS)
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.nodecache", "io.nodecache.server..", "io.nodecache.handoff..", "io.nodecache.listen..",
            "io.nodecache.http..", "io.nodecache.node..", "io.nodecache.metrics..", "io.nodecache.util..")
        .check(classes);
  }

  @Test
  void pluginsDoNotUseEachOther() {
    for (String plugin : PLUGINS) {
      String[] others = Arrays.stream(PLUGINS).filter(p -> !p.equals(plugin)).toArray(String[]::new);
      noClasses()
          .that().resideInAPackage(plugin)
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .check(classes);
    }
  }

  @Test
  void theRequestPathNeverReachesNodeNetworking() {
    noClasses()
        .that().resideInAnyPackage(
            "io.nodecache.listen..", "io.nodecache.chain..", "io.nodecache.wire..", "io.nodecache.transport..")
        .or().resideInAnyPackage(PLUGINS)
        .should().dependOnClassesThat().resideInAPackage("io.nodecache.node..")
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.nodecache.(*)..").should().beFreeOfCycles().check(classes);
  }
}
