package io.nodecache.loop;

import io.nodecache.server.Setup;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CoreDNS's loop detection through real forwarding: to ourselves is a loop, to an upstream is not. */
class LoopDetectorTest {

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void forwardingToOurselvesIsDetectedAsALoop() throws Exception {
    int port = freeUdpPort();
    String corefile =
        """
        .:%d {
            bind 127.0.0.1
            loop
            forward . 127.0.0.1:%d
        }
        """.formatted(port, port);
    CompletableFuture<String> fatal = new CompletableFuture<>();
    try (NodeCache server = NodeCache.build(Setup.of(TestServers.parse(corefile)))) {
      server.onFatal(fatal::complete);
      server.start();
      String message = fatal.get(30, TimeUnit.SECONDS);
      assertThat(message)
          .startsWith("Loop (/127.0.0.1:")
          .contains("-> /127.0.0.1:" + port + ") detected for zone \".\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO ");
    }
  }

  @Test
  void forwardingToARealUpstreamIsNoLoop() throws Exception {
    try (TestUpstream upstream = TestUpstream.start()) {
      String corefile =
          """
          .:0 {
              bind 127.0.0.1
              loop
              forward . 127.0.0.1:%d
          }
          """.formatted(upstream.address().getPort());
      CompletableFuture<String> fatal = new CompletableFuture<>();
      try (NodeCache server = NodeCache.build(Setup.of(TestServers.parse(corefile)))) {
        server.onFatal(fatal::complete);
        server.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (upstream.queries() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(upstream.queries()).as("the probe reached the upstream").isPositive();
        assertThat(fatal).isNotDone();
      }
    }
  }
}
