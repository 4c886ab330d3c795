package io.nodecache.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.PluginRegistry;
import io.nodecache.config.Corefile;
import io.nodecache.config.Directive;
import io.nodecache.config.ServerBlock;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the warm-up's throw-away Corefile keeps, rewrites and leaves out of the real one. */
class ScratchCorefileTest {

  private static final InetSocketAddress STUB = new InetSocketAddress("127.0.0.1", 5999);

  @TempDir Path dir;

  /** A block as one line: its keys, then each directive with its options in braces. */
  private static String render(ServerBlock b) {
    return b.keys() + " " + b.directives().stream().map(ScratchCorefileTest::render).collect(Collectors.joining("; "));
  }

  private static String render(Directive d) {
    String s = String.join(" ", d.name(), String.join(" ", d.args())).strip();
    return d.block().isEmpty() ? s : s + " {" + d.block().stream().map(ScratchCorefileTest::render).collect(Collectors.joining(", ")) + "}";
  }

  private List<String> scratch(String corefile) throws Exception {
    Corefile c = ScratchCorefile.of(TestServers.parse(corefile), PluginRegistry.builtin(), STUB);
    return c.blocks().stream().map(ScratchCorefileTest::render).toList();
  }

  @Test
  void keepsTheChainDropsTheServerLevelAndForwardsToTheStub() throws Exception {
    assertThat(
            scratch(
                """
                cluster.local:53 in-addr.arpa:53 {
                    errors
                    log
                    loop
                    reload
                    bind 169.254.20.10 10.0.0.10
                    cache {
                        success 9984 30
                    }
                    forward . 10.0.0.11 10.0.0.12 {
                        force_tcp
                        max_concurrent 1000
                    }
                    prometheus :9253
                    health 169.254.20.10:8080
                    ready :8181
                }
                .:53 {
                    hosts {
                        fallthrough
                    }
                    forward . /etc/resolv.conf
                }
                .:5353 {
                    whoami
                }
                """))
        .containsExactly(
            "[cluster.local.:0, in-addr.arpa.:0] bind 127.0.0.1; errors; cache {success 9984 30};"
                + " forward . 127.0.0.1:5999 {force_tcp, max_concurrent 1000}",
            "[.:0] bind 127.0.0.1; hosts {fallthrough}; forward . 127.0.0.1:5999");
  }

  @Test
  void kubernetesOnlyFromItsSnapshotAndAutopathGoesWithIt() throws Exception {
    Path snapshot = dir.resolve("cluster.yaml");
    String block =
        """
        cluster.local:53 {
            autopath @kubernetes
            kubernetes cluster.local {
                endpoint https://10.0.0.1:6443
                pods insecure
                snapshot %s
                startup_timeout 5s
                stale_after 1m
            }
        }
        """.formatted(snapshot);
    assertThat(scratch(block)).containsExactly("[cluster.local.:0] bind 127.0.0.1"); // no snapshot file yet
    Files.writeString(snapshot, "");
    assertThat(scratch(block))
        .containsExactly(
            "[cluster.local.:0] bind 127.0.0.1; autopath @kubernetes;"
                + " kubernetes cluster.local {pods insecure, snapshot " + snapshot + "}");
  }
}
