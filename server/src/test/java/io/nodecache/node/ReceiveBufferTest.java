package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.listen.ListenerOptions;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.Privileged;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * With CAP_NET_ADMIN the UDP sockets get the whole receive buffer asked for, past {@code
 * net.core.rmem_max}, so that a burst queues in the kernel instead of being dropped. Checked with
 * {@code ss -m} on the real sockets.
 */
class ReceiveBufferTest {

  @Test
  void udpSocketsGetTheFullBufferPastRmemMax() throws Exception {
    Privileged.require("ss");
    long rmemMax = Long.parseLong(Files.readString(Path.of("/proc/sys/net/core/rmem_max")).strip());
    int asked = ListenerOptions.DEFAULTS.udpReceiveBuffer();
    Assumptions.assumeTrue(rmemMax < asked, "net.core.rmem_max " + rmemMax + " does not cap " + asked);
    NodeCache server = TestServers.start("example.test:0 {\n bind 127.0.0.1\n hosts {\n 10.0.0.1 www.example.test\n }\n}\n");
    try {
      InetSocketAddress dns = TestServers.dns(server);
      CommandRunner.Result ss =
          CommandRunner.host(Duration.ofSeconds(10)).run("ss", "-u", "-a", "-n", "-m", "sport = :" + dns.getPort());
      assertThat(ss.ok()).as(ss.stdout() + ss.stderr()).isTrue();
      Matcher rb = Pattern.compile("rb(\\d+)").matcher(ss.stdout());
      int sockets = 0;
      while (rb.find()) {
        sockets++;
        assertThat(Long.parseLong(rb.group(1)))
            .as("receive buffer of a UDP socket (Linux doubles the size set), rmem_max %d", rmemMax)
            .isEqualTo(2L * asked);
      }
      assertThat(sockets).as(ss.stdout()).isPositive();
    } finally {
      server.close();
    }
  }
}
