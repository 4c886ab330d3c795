package io.nodecache.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.Directive;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {

  @Test
  void theBuiltinListNamesEveryDirectiveInChainOrder() {
    PluginRegistry r = PluginRegistry.builtin();
    assertThat(r.chainOrder())
        .containsExactly(
            "nsid", "bufsize", "errors", "log", "local", "dns64", "any", "chaos", "loadbalance", "autopath", "cache", "rewrite",
            "minimal", "template", "hosts", "k8s_external", "kubernetes", "file", "loop", "forward", "whoami", "view");
    for (String server : List.of("bind", "health", "ready", "prometheus", "reload", "timeouts", "debug", "pprof", "trace")) {
      assertThat(r.known(server)).as(server).isTrue();
      assertThat(r.inChain(server)).as(server).isFalse();
    }
    assertThat(r.known("cahce")).isFalse();
  }

  @Test
  void everyServerModuleFactoryLoadsByNameAndBuildsItsOwnDirective() {
    PluginRegistry r = PluginRegistry.builtin();
    for (String name :
        List.of("bufsize", "nsid", "errors", "log", "local", "dns64", "loop", "any", "chaos", "loadbalance", "rewrite", "autopath", "minimal", "template",
            "hosts", "file", "cache", "forward", "whoami", "view")) {
      assertThat(r.factory(name)).as(name).hasValueSatisfying(f -> assertThat(f.name()).isEqualTo(name));
      assertThat(r.factory(name).orElseThrow()).as("created once").isSameAs(r.factory(name).orElseThrow());
    }
  }

  @Test
  void aFactoryMissingFromTheClasspathIsAbsentNotAnError() {
    PluginRegistry r = PluginRegistry.parse("nothere:io.nodecache.absent.NoSuchFactory\n");
    assertThat(r.known("nothere")).isTrue();
    assertThat(r.factory("nothere")).isEmpty();
    assertThat(r.describe()).doesNotContain("dns.nothere");
  }

  @Test
  void aFactoryBuildingAnotherDirectiveIsABuildError() {
    PluginRegistry r = PluginRegistry.parse("hosts:io.nodecache.cache.CachePluginFactory\n");
    assertThatThrownBy(() -> r.factory("hosts"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("builds 'cache', listed as 'hosts'");
  }

  @Test
  void malformedAndRepeatedLinesNameTheirLine() {
    assertThatThrownBy(() -> PluginRegistry.parse("# c\nerrors\n"))
        .hasMessage("plugin.cfg:2: expected NAME:FACTORY or NAME:server");
    assertThatThrownBy(() -> PluginRegistry.parse("bind:server\n\nbind:server\n"))
        .hasMessage("plugin.cfg:3: 'bind' is listed twice");
  }

  @Test
  void replacementsTakeTheirPlaceOnlyForListedChainDirectives() {
    PluginFactory mine =
        new PluginFactory() {
          @Override
          public String name() {
            return "forward";
          }

          @Override
          public Handler create(Directive directive, PluginContext context) {
            return null;
          }
        };
    PluginRegistry r = PluginRegistry.builtin().with(List.of(mine));
    assertThat(r.factory("forward")).containsSame(mine);
    assertThat(PluginRegistry.builtin().factory("forward").orElseThrow()).isNotSameAs(mine);
    PluginFactory bind =
        new PluginFactory() {
          @Override
          public String name() {
            return "bind";
          }

          @Override
          public Handler create(Directive directive, PluginContext context) {
            return null;
          }
        };
    assertThatThrownBy(() -> PluginRegistry.builtin().with(List.of(bind)))
        .hasMessageContaining("'bind' is not a chain plugin");
  }

  @Test
  void describeUsesCoreDnsLayoutInChainOrder() {
    String text = PluginRegistry.parse("bind:server\nerrors:io.nodecache.errors.ErrorsPluginFactory\n").describe();
    assertThat(text)
        .isEqualTo(
            "Server types:\n  dns\n\nCaddyfile loaders:\n  flag\n  default\n\nOther plugins:\n  dns.bind\n  dns.errors\n");
  }
}
