package io.nodecache.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

class LoadOptionsTest {

  @Test
  void defaultsBoundEveryRun() {
    LoadOptions o = LoadOptions.parse(new String[] {"--server", "127.0.0.1:53", "--gen", "h%d.test"});

    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.count()).isEqualTo(LoadOptions.DEFAULT_COUNT);
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.outstanding()).isEqualTo(100);
    assertThat(o.rate()).isZero();
    assertThat(o.expect()).containsExactly("NOERROR");
    assertThat(o.tcp()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          --server 127.0.0.1:53                                          | exactly one of --file, --query, --gen
          --gen h%d.test                                                 | --server HOST:PORT is required
          --server 192.0.2.1:53 --gen h%d.test                           | not a loopback address
          --server 127.0.0.1 --gen h%d.test                              | expected: HOST:PORT
          --server 127.0.0.1:53 --gen h.test                             | has no %d
          --server 127.0.0.1:53 --gen h%d.test --rate 10 --outstanding 5 | exclude each other
          --server 127.0.0.1:53 --gen h%d.test --duration 5x             | is not a duration
          --server 127.0.0.1:53 --gen h%d.test --clients 0               | expected: 1..4096
          --server 127.0.0.1:53 --gen h%d.test --expect NOPE             | unknown rcode
          --server 127.0.0.1:53 --gen h%d.test --bogus                   | unknown option
          """)
  void rejects(String args, String message) {
    assertThatThrownBy(() -> LoadOptions.parse(args.trim().split(" ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource({"500ms,500", "2s,2000", "1.5,1500", "1m,60000"})
  void durations(String text, long millis) {
    assertThat(LoadOptions.duration(text, "--duration").toMillis()).isEqualTo(millis);
  }

  @Test
  void fewerOutstandingThanClientsUsesFewerClients() {
    LoadOptions o =
        LoadOptions.parse(new String[] {"--server", "[::1]:5353", "--gen", "h%d.test", "--outstanding", "2"});
    assertThat(o.clients()).isEqualTo(2);
  }

  @Test
  void queryFileLinesEncodeToQueriesDnsjavaReads() throws Exception {
    QuerySet q =
        QuerySet.parse(List.of("# comment", "", "www.example.test AAAA", "srv.example.test. SRV", "a.test"),
            "q.txt", true, true);

    assertThat(q.size()).isEqualTo(3);
    Message m = new Message(q.get(0));
    assertThat(m.getQuestion().getName().toString()).isEqualTo("www.example.test.");
    assertThat(m.getQuestion().getType()).isEqualTo(Type.AAAA);
    assertThat(m.getOPT()).isNotNull();
    assertThat(m.getOPT().getPayloadSize()).isEqualTo(1232);
    assertThat(m.getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(new Message(q.get(1)).getQuestion().getType()).isEqualTo(Type.SRV);
    assertThat(new Message(q.get(2)).getQuestion().getType()).isEqualTo(Type.A);
    assertThat(q.get(3)).isSameAs(q.get(0)); // the run loops over the file
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a.test A extra        | expected 'NAME TYPE'
          a.test BOGUS          | unknown type 'BOGUS'
          a..test A             | bad name
          """)
  void badQueryLines(String line, String message) {
    assertThatThrownBy(() -> QuerySet.parse(List.of(line), "q.txt", false, false))
        .hasMessageContaining("q.txt:1: ")
        .hasMessageContaining(message);
  }
}
