package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.NodeCache;
import io.nodecache.chain.ChainOrder;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.Directive;
import io.nodecache.config.Flags;
import io.nodecache.config.Pillars;
import io.nodecache.config.ServerBlock;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/** Reads a Corefile the way {@code Main} does, and validates it as far as this build can. */
final class Corefiles {

  private Corefiles() {}

  /** node-cache's own substitutions ({@link Pillars}), then our parser, as {@code Main} runs them. */
  static Corefile parse(String source, String text, Flags flags, Map<String, String> env) throws ConfigException {
    return new CorefileParser(source, env, flags.dnsPort()).parse(Pillars.fill(text, flags, env));
  }

  /** What a deployer's {@code sed} fills (iptables mode), for Corefiles shown as templates. */
  static String operatorFill(String text) {
    return text.replace("__PILLAR__LOCAL__DNS__", Install.LOCAL_DNS)
        .replace("__PILLAR__DNS__DOMAIN__", Install.DOMAIN)
        .replace("__PILLAR__DNS__SERVER__", Install.KUBE_DNS);
  }

  /** Every directive must be one the server knows (a typo fails here even before plugins exist). */
  static void assertKnownDirectives(Corefile corefile) {
    for (ServerBlock b : corefile.blocks()) {
      for (Directive d : b.directives()) {
        assertThat(ChainOrder.known(d.name())).as("%s: known directive '%s'", d.where(), d.name()).isTrue();
      }
    }
  }

  /** Handler directives used by the Corefile whose plugin is not in this build (not merged yet). */
  static Set<String> missingPlugins(Corefile corefile) {
    Set<String> available = new TreeSet<>();
    NodeCache.builtinPlugins().forEach(p -> available.add(p.name()));
    ServiceLoader.load(PluginFactory.class).forEach(p -> available.add(p.name()));
    Set<String> missing = new TreeSet<>();
    for (ServerBlock b : corefile.blocks()) {
      for (Directive d : b.directives()) {
        if (ChainOrder.HANDLERS.contains(d.name()) && !available.contains(d.name())) {
          missing.add(d.name());
        }
      }
    }
    return missing;
  }

  /** Full validation: every plugin checks its options and the chains are built (nothing is bound). */
  static void build(Corefile corefile, Map<String, String> env) throws ConfigException {
    try (NodeCache n = NodeCache.build(NodeCache.Setup.of(corefile).withEnv(env))) {
      assertThat(n).isNotNull();
    }
  }
}
