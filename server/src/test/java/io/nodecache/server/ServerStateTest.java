package io.nodecache.server;

import static io.nodecache.server.ServerState.HANDED_OVER;
import static io.nodecache.server.ServerState.LAMEDUCK;
import static io.nodecache.server.ServerState.SERVING;
import static io.nodecache.server.ServerState.STARTING;
import static io.nodecache.server.ServerState.STOPPED;
import static io.nodecache.server.ServerState.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.TestServers;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerStateTest {

  private static Set<ServerState> next(ServerState from) {
    Set<ServerState> out = EnumSet.noneOf(ServerState.class);
    for (ServerState to : ServerState.values()) {
      if (from.canMoveTo(to)) {
        out.add(to);
      }
    }
    return out;
  }

  @Test
  void theTransitionTable() {
    assertThat(next(STARTING)).containsExactlyInAnyOrder(SERVING, STOPPED);
    assertThat(next(SERVING)).containsExactlyInAnyOrder(LAMEDUCK, HANDED_OVER, STOPPED);
    assertThat(next(LAMEDUCK)).containsExactlyInAnyOrder(HANDED_OVER, STOPPING, STOPPED);
    assertThat(next(HANDED_OVER)).containsExactlyInAnyOrder(SERVING, STOPPING, STOPPED);
    assertThat(next(STOPPING)).containsExactlyInAnyOrder(STOPPED);
    assertThat(next(STOPPED)).isEmpty();
  }

  private static final String COREFILE = ".:0 {\n  bind 127.0.0.1\n  hosts {\n    10.0.0.1 a.example.test\n  }\n}\n";

  @Test
  void aServerWalksItsStatesAndRefusesWhatTheStateForbids() throws Exception {
    NodeCache n = NodeCache.build(Setup.of(TestServers.parse(COREFILE)));
    try {
      assertThat(n.state()).isEqualTo(STARTING);
      assertThat(n.ready()).isFalse();
      n.start();
      assertThat(n.state()).isEqualTo(SERVING);
      assertThat(n.ready()).isTrue();
      assertThat(n.resume()).as("resume needs a hand-off").isFalse();

      n.handedOver();
      assertThat(n.state()).isEqualTo(HANDED_OVER);
      assertThat(n.isHandedOver()).isTrue();
      assertThat(n.ready()).isFalse();
      assertThat(n.reload(TestServers.parse(COREFILE))).as("the new instance reloads for itself").isFalse();

      assertThat(n.resume()).isTrue();
      assertThat(n.state()).isEqualTo(SERVING);
      assertThat(n.reload(TestServers.parse(COREFILE))).isTrue();

      n.shutdown(100);
      assertThat(n.state()).isEqualTo(STOPPED);
      assertThat(n.resume()).isFalse();
      assertThat(n.reload(TestServers.parse(COREFILE))).isFalse();
    } finally {
      n.close();
    }
  }
}
