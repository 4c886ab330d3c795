package io.nodecache.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** chaos through a real server: CH TXT answers per name and per form of the directive. */
class ChaosTest {

  private TestUpstream upstream;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    upstream = TestUpstream.start("www.example.org. 60 IN TXT \"upstream\"");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private void start(String directive) throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                %s
                forward . %s
            }
            """.formatted(directive, upstream.hostPort()));
  }

  private Message ask(String name, int dclass) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.TXT, dclass));
    return DnsClient.udp(TestServers.dns(server), q);
  }

  /** The TXT strings of the answer, in order; every record CH, TTL 0, owned by the name as asked. */
  private static List<String> texts(Message m, String name) {
    return m.getSection(Section.ANSWER).stream()
        .map(r -> {
          assertThat(r.getDClass()).isEqualTo(DClass.CH);
          assertThat(r.getTTL()).isZero();
          assertThat(r.getName().toString()).isEqualTo(name);
          return String.join("|", ((TXTRecord) r).getStrings());
        })
        .toList();
  }

  static String hostname() throws Exception {
    return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
  }

  @ParameterizedTest(name = "[{0}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "chaos|version.bind.|nodecache",
        "chaos|VERSION.Server.|nodecache",
        "chaos|authors.bind.|nodecache",
        "chaos 1.2.3|version.bind.|1.2.3",
        "chaos 1.2.3|authors.bind.|nodecache",
        "chaos 1.2.3 bob|authors.bind.|bob",
        "chaos 1.2.3 bob|version.server.|1.2.3",
      })
  void answers(String directive, String name, String text) throws Exception {
    start(directive);
    Message m = ask(name, DClass.CH);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(texts(m, name)).containsExactly(text);
  }

  @ParameterizedTest
  @CsvSource({"hostname.bind.", "id.server.", "ID.SERVER."})
  void theHostName(String name) throws Exception {
    start("chaos");
    assertThat(texts(ask(name, DClass.CH), name)).containsExactly(hostname());
  }

  @Test
  void authorsAreDeduplicatedAndShuffled() throws Exception {
    start("chaos v1 carol alice bob alice");
    Set<List<String>> orders = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      List<String> t = texts(ask("authors.bind.", DClass.CH), "authors.bind.");
      assertThat(t).containsExactlyInAnyOrder("alice", "bob", "carol");
      orders.add(t);
    }
    assertThat(orders).hasSize(6);
  }

  @ParameterizedTest(name = "{0} class {1}")
  @CsvSource({"other.bind., 3", "version.bind., 1", "www.example.org., 1"})
  void otherQueriesGoOn(String name, int dclass) throws Exception {
    start("chaos");
    ask(name, dclass);
    assertThat(upstream.queries()).as("passed to forward").isEqualTo(1);
    assertThat(upstream.received().get(0).getQuestion().getName().toString()).isEqualTo(name);
  }

  @Test
  void aBlockIsRefused() {
    assertThatThrownBy(() -> start("chaos {\n        v1\n    }"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Corefile:3: chaos: takes no block, found 'v1'");
  }
}
