package io.nodecache.deploy;

import io.nodecache.server.Setup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.nodecache.server.NodeCache;
import io.nodecache.chain.PluginRegistry;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.Directive;
import io.nodecache.config.Flags;
import io.nodecache.config.KubeDnsConfig;
import io.nodecache.config.Pillars;
import io.nodecache.config.ServerBlock;
import java.util.Map;

/** Reads a Corefile the way {@code Main} does, and validates it as far as this build can. */
final class Corefiles {

  private Corefiles() {}

  /** node-cache's own substitutions ({@link Pillars}), then our parser, as {@code Main} runs them. */
  static Corefile parse(String source, String text, Flags flags, Map<String, String> env) throws ConfigException {
    return new CorefileParser(source, env, flags.dnsPort()).parse(Pillars.fill(text, flags, env));
  }

  /**
   * A {@code -basecorefile} template as nodecache reads it on a node: rendered with the kube-dns
   * ConfigMap ({@link KubeDnsConfig}), then filled and parsed.
   */
  static Corefile parseTemplate(String source, String template, KubeDnsConfig kubeDns, Flags flags, Map<String, String> env)
      throws ConfigException {
    return parse(source, kubeDns.render(template, flags), flags, env);
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
        assertThat(PluginRegistry.builtin().known(d.name())).as("%s: known directive '%s'", d.where(), d.name()).isTrue();
      }
    }
  }

  /**
   * Full validation: every plugin checks its options and the chains are built (nothing is bound).
   * A plugin that is not in this build yet (its branch not merged) aborts the test as skipped, with
   * the server's own message; any other error fails it.
   */
  static void build(Corefile corefile, Map<String, String> env) throws ConfigException {
    try (NodeCache n = NodeCache.build(Setup.of(corefile).withEnv(env))) {
      assertThat(n).isNotNull();
    } catch (ConfigException e) {
      assumeFalse(e.getMessage().contains("is not available in this build"), e.getMessage() + " (merge main)");
      throw e;
    }
  }
}
