package io.nodecache.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.listen.DnsListener;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The text that tells the new instance which descriptor is which. */
class HandoffProtocolTest {

  @Test
  void describesListenersAndReadsThemBackInDescriptorOrder() {
    Map<InetSocketAddress, DnsListener.Sockets> sockets = new LinkedHashMap<>();
    sockets.put(
        new InetSocketAddress("169.254.20.10", 53),
        new DnsListener.Sockets(new InetSocketAddress("169.254.20.10", 53), 10, List.of(11, 12)));
    sockets.put(
        new InetSocketAddress("127.0.0.1", 0),
        new DnsListener.Sockets(new InetSocketAddress("127.0.0.1", 40123), 20, List.of(21)));
    sockets.put(
        new InetSocketAddress("fd00::10", 53),
        new DnsListener.Sockets(new InetSocketAddress("fd00::10", 53), 30, List.of(31, 32, 33)));
    String text = HandoffProtocol.describe(sockets);
    assertThat(text)
        .isEqualTo(
            """
            nodecache-handoff 2
            listener 169.254.20.10 53 169.254.20.10 53 2
            listener 127.0.0.1 0 127.0.0.1 40123 1
            listener fd00:0:0:0:0:0:0:10 53 fd00:0:0:0:0:0:0:10 53 3
            end 9
            """);
    assertThat(HandoffProtocol.order(sockets)).containsExactly(10, 11, 12, 20, 21, 30, 31, 32, 33);

    HandoffProtocol.Parser p = new HandoffProtocol.Parser();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length - 1; i++) {
      assertThat(p.line(lines[i])).isFalse();
    }
    assertThat(p.line(lines[lines.length - 1])).isTrue();
    assertThat(p.expected()).isEqualTo(9);
    // the receiving process numbers the descriptors its own way
    Map<InetSocketAddress, DnsListener.Sockets> got = p.assign(List.of(110, 111, 112, 120, 121, 130, 131, 132, 133));
    assertThat(got.keySet()).containsExactlyElementsOf(sockets.keySet());
    assertThat(got.get(new InetSocketAddress("127.0.0.1", 0)))
        .isEqualTo(new DnsListener.Sockets(new InetSocketAddress("127.0.0.1", 40123), 120, List.of(121)));
    assertThat(got.get(new InetSocketAddress("fd00::10", 53)).udp()).containsExactly(131, 132, 133);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 200 OK", "nodecache-handoff 1", ""})
  void refusesAnythingButOurGreeting(String first) {
    assertThatThrownBy(() -> new HandoffProtocol.Parser().line(first))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a nodecache hand-off");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "listener 127.0.0.1 53 127.0.0.1 53        | bad hand-off line",
        "listener 127.0.0.1 x 127.0.0.1 53 2       | bad hand-off line",
        "listener example.com 53 127.0.0.1 53 2    | not an IP address",
        "end 3                                     | descriptor count does not match",
        "bind 127.0.0.1                            | bad hand-off line",
      })
  void refusesMalformedLines(String line, String reason) {
    HandoffProtocol.Parser p = new HandoffProtocol.Parser();
    p.line(HandoffProtocol.HELLO);
    assertThatThrownBy(() -> p.line(line.trim())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
  }

  @Test
  void theDescriptorSocketSitsBesideTheHandoffSocketAndOnlySuchAPathIsAccepted() {
    Path handoff = Path.of("/run/nodecache/handoff.sock");
    Path made = HandoffProtocol.descriptorPath(handoff);
    assertThat(made.getParent()).isEqualTo(Path.of("/run/nodecache"));
    assertThat(made.getFileName().toString()).startsWith("handoff.sock.fds-" + ProcessHandle.current().pid() + "-");
    assertThat(made.toString().length()).isLessThan(108); // sun_path
    assertThat(HandoffProtocol.descriptorPath(handoff, made.toString())).isEqualTo(made);
    assertThat(HandoffProtocol.descriptorPath(handoff)).isNotEqualTo(made); // two attempts never share one
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "handoff.sock.fds-1-2",
        "/run/nodecache/../nodecache/handoff.sock.fds-1-2",
        "/run/other/handoff.sock.fds-1-2",
        "/run/nodecache/handoff.sock",
        "/run/nodecache/other.sock.fds-1-2",
        "/etc/passwd",
        "/",
      })
  void theOldInstanceConnectsNowhereElse(String named) {
    assertThatThrownBy(() -> HandoffProtocol.descriptorPath(Path.of("/run/nodecache/handoff.sock"), named))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
