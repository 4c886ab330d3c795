package io.nodecache.k8s;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Protocol;
import io.nodecache.config.ConfigException;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.Directive;
import io.nodecache.config.ServerBlock;
import io.nodecache.testing.Records;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Test helpers: plugins from Corefile text, queries through the handler, records from zone-file text. */
final class Fixtures {

  static final long SERIAL = 1_700_000_000L;
  /** The answer of the "next" handler: SERVFAIL with this ID marks "passed on". */
  static final int NEXT_RCODE = Rcode.SERVFAIL;

  private Fixtures() {}

  static Path resource(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses the {@code kubernetes} directive of a one-block Corefile. */
  static K8sConfig config(String corefile, Map<String, String> env) throws ConfigException {
    ServerBlock block = new CorefileParser("Corefile", env, 53).parse(corefile).blocks().get(0);
    Directive d = block.first("kubernetes").orElseThrow();
    return K8sConfig.parse(d, block.zones(), env);
  }

  static KubernetesPlugin plugin(K8sConfig config, ScheduledExecutorService scheduler) {
    return new KubernetesPlugin(
        config, scheduler, new SimpleMeterRegistry(), "dns://:53", () -> SERIAL, Duration.ofMillis(1),
        Duration.ofMillis(50));
  }

  /** A started plugin answering from {@code test-cluster.yaml} with the given options. */
  static KubernetesPlugin fromTestCluster(String options, ScheduledExecutorService scheduler)
      throws Exception {
    String corefile =
        "cluster.local:53 in-addr.arpa ip6.arpa {\n kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
            + "  snapshot " + resource("test-cluster.yaml") + "\n" + options + "\n }\n}\n";
    KubernetesPlugin p = plugin(config(corefile, Map.of()), scheduler);
    p.start();
    return p;
  }

  /** The address node-local DNS answers on in production; the local address of {@link #request}. */
  static final String NODE_LOCAL = "169.254.20.10";

  static DnsRequest request(String name, int type) {
    return request(name, type, NODE_LOCAL);
  }

  /** A UDP query for {@code name} received on {@code local} port 53. */
  static DnsRequest request(String name, int type, String local) {
    try {
      Record q = Record.newRecord(Name.fromString(name), type, DClass.IN);
      Message m = Message.newQuery(q);
      return new DnsRequest(
          m,
          new InetSocketAddress("127.0.0.1", 40000),
          new InetSocketAddress(InetAddress.getByName(local), 53),
          Protocol.UDP,
          "cluster.local.",
          "dns://:53");
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Runs the query through the handler; a next handler answers SERVFAIL. */
  static Message query(KubernetesPlugin p, String name, int type) {
    return query(p, request(name, type));
  }

  /**
   * Runs the request through the handler; a next handler answers SERVFAIL. The answer must hold no
   * record twice in a section ({@link Records#exact}).
   */
  static Message query(KubernetesPlugin p, DnsRequest r) {
    return Records.exact(p.handle(
            r,
            req -> {
              Message m = new Message(req.query().getHeader().getID());
              m.getHeader().setRcode(NEXT_RCODE);
              return CompletableFuture.completedFuture(m);
            })
        .toCompletableFuture()
        .join());
  }

  /** Records from zone-file lines ({@code name ttl IN type rdata}). */
  static List<Record> records(List<String> lines) {
    if (lines.isEmpty()) {
      return List.of();
    }
    String text = String.join("\n", lines) + "\n";
    List<Record> out = new ArrayList<>();
    try (Master m = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        out.add(r);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(text, e);
    }
    return out;
  }

  static List<Record> section(Message m, int section) {
    return m.getSection(section);
  }

  static List<String> texts(Message m, int section) {
    return m.getSection(section).stream().map(Record::toString).toList();
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(10); // polling interval of a condition wait, not a fixed sleep
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static Path tempCopy(Path dir, String resource) throws IOException {
    Path target = dir.resolve(resource);
    Files.copy(resource(resource), target);
    return target;
  }

  static boolean isNegative(Message m) {
    return m.getSection(Section.ANSWER).isEmpty();
  }
}
