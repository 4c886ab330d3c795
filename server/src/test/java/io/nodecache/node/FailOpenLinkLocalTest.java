package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The fail-open evidence for the node-local address (169.254.20.10, and fd00::10 for IPv6): a pod
 * namespace over a veth to the node, two "kube-dns" backends (dnsmasq, each answering its own
 * address) in namespaces of their own, and the real server process on the node bound to the address
 * with {@code -failopen}. A steady query
 * stream runs from the pod (a child JVM, 25 queries a second over 32 flows); 4 s in, the server is
 * SIGKILLed, 3 s later started again, and the stream stops 3 s after the new server listens. Pod and host-network DNS, UDP and TCP, must reach the backends
 * within a second of the kill, lose no more than a handful of queries, come back to the node after
 * the restart, and leave 0 conntrack entries for port 53.
 */
class FailOpenLinkLocalTest {

  private static final String NODE_ANSWER = "7.7.7.7";
  private static final List<String> BACKEND_ANSWERS = List.of("10.0.0.1", "10.0.0.2");
  /** At most a minute of queries; the test stops the stream earlier, once the node answers again. */
  private static final int MAX_QUERIES = 1500;
  private static final int INTERVAL_MS = 40;
  /**
   * The server and the stream run at a higher CPU priority than the builds that share the test
   * machine: what is measured is the rules' switch-over, not the scheduler starving a cold JVM.
   */
  private static final List<String> NICE = List.of("nice", "-n", "-10");

  @TempDir Path dir;
  private final List<Netns> namespaces = new ArrayList<>();
  private final List<Process> servers = new ArrayList<>();
  private final List<Netns> backends = new ArrayList<>();
  private Netns node;
  private Netns pod;

  @BeforeEach
  void setUp() throws Exception {
    Privileged.require("ip", "iptables", "nft", "conntrack", "dig", "dnsmasq");
    node = netns();
    pod = netns();
    Dns.link(node, pod);
    node.sh("sysctl -qw net.ipv4.ip_forward=1 && sysctl -qw net.ipv6.conf.all.forwarding=1");
    for (int n = 1; n <= BACKEND_ANSWERS.size(); n++) {
      Netns backend = netns();
      backends.add(backend);
      String veth = "veth-b" + n;
      node.sh("ip link add " + veth + " type veth peer name eth0 netns " + backend.name);
      node.sh("ip addr add 10.201." + n + ".1/24 dev " + veth + " && ip -6 addr add fd00:201:" + n + "::1/64 dev "
          + veth + " nodad && ip link set " + veth + " up");
      backend.sh("ip addr add 10.201." + n + ".2/24 dev eth0 && ip -6 addr add fd00:201:" + n + "::2/64 dev eth0 nodad"
          + " && ip link set eth0 up && ip route add default via 10.201." + n + ".1"
          + " && ip -6 route add default via fd00:201:" + n + "::1");
    }
  }

  /** The backends' addresses in the family of {@code localIp}. */
  private static List<String> backendAddresses(String localIp) {
    return localIp.contains(":") ? List.of("fd00:201:1::2", "fd00:201:2::2") : List.of("10.201.1.2", "10.201.2.2");
  }

  private Netns netns() {
    Netns netns = Netns.create();
    namespaces.add(netns);
    return netns;
  }

  @AfterEach
  void tearDown() {
    servers.forEach(Process::destroyForcibly);
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      namespaces.get(i).close();
    }
  }

  @ParameterizedTest(name = "{0} {1}: SIGKILL under a query stream, then a restart")
  @CsvSource({"IPTABLES, 169.254.20.10", "NFTABLES, 169.254.20.10", "IPTABLES, fd00::10", "NFTABLES, fd00::10"})
  void dnsToTheLocalAddressReachesTheClusterDnsWhileTheServerIsGone(RulesBackend backend, String localIp)
      throws Exception {
    List<String> targets = backendAddresses(localIp);
    for (int i = 0; i < targets.size(); i++) {
      Dns.dnsmasq(backends.get(i), targets.get(i), BACKEND_ANSWERS.get(i));
    }
    Path corefile = dir.resolve("Corefile");
    Files.writeString(corefile, String.join("\n", ".:53 {", "    bind " + localIp, "    template IN A test.local {",
        "        answer \"{{ .Name }} 60 IN A " + NODE_ANSWER + "\"", "    }", "}", ""));
    String[] flags = {
      "-conf", corefile.toString(), "-localip", localIp, "-interfacename", "lo", "-rules-backend",
      backend.name().toLowerCase(), "-failopen", "-failopen-targets", String.join(",", targets), "-syncinterval", "60"
    };
    Path log1 = dir.resolve("first.log");
    Process first = startServer(log1, flags);
    await("the node answers", () -> NODE_ANSWER.equals(Dns.query(pod, localIp, "a.test.local")), first, log1);

    Path streamOut = dir.resolve("stream.txt");
    Process stream =
        pod.spawn(ProcessBuilder.Redirect.to(streamOut.toFile()), concat(NICE, List.of(java(), "-Xmx64m", "-cp",
            System.getProperty("java.class.path"), QueryStream.class.getName(), localIp,
            Integer.toString(MAX_QUERIES), Integer.toString(INTERVAL_MS), dir.resolve("stop").toString())));
    await("the stream started", () -> read(streamOut).startsWith("started "), first, log1);
    long started = Long.parseLong(read(streamOut).lines().findFirst().orElseThrow().substring(8).strip());
    sleepUntil(started + 4_000);

    long killedAt = System.currentTimeMillis();
    first.destroyForcibly(); // SIGKILL: no teardown, the rules stay
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    sleepUntil(killedAt + 1_200); // past the heartbeat's one second
    List<String> hostAfterKill = List.of(query(node, localIp, "+notcp"), query(node, localIp, "+tcp"));
    List<String> podTcpAfterKill = List.of(query(pod, localIp, "+tcp"));

    sleepUntil(killedAt + 3_000);
    Path log2 = dir.resolve("second.log");
    Process second = startServer(log2, flags);
    await("the new instance is up", () -> read(log2).contains("listening on"), second, log2);
    long servingAt = System.currentTimeMillis();
    List<String> hostAfterRestart = List.of(query(node, localIp, "+notcp"), query(node, localIp, "+tcp"));
    List<String> podTcpAfterRestart = List.of(query(pod, localIp, "+tcp"));
    sleepUntil(servingAt + 3_000); // three more seconds of the stream against the restarted server
    Files.writeString(dir.resolve("stop"), "");

    assertThat(stream.waitFor(60, TimeUnit.SECONDS)).as("the query stream ends").isTrue();
    int conntrackEntries = dnsConntrackEntries(localIp.contains(":") ? "ipv6" : "ipv4");
    Counts counts = Counts.of(read(streamOut), killedAt, servingAt);
    String report = String.format(
        "fail-open evidence (%s, %s, %d queries/s): sent %d, answered by the node %d (%d before the kill,"
            + " %d after the restart), by the backends %d %s, lost %d (sent %s ms after the kill), first backend"
            + " answer %d ms after SIGKILL, restarted server listening %d ms after it; conntrack entries for port"
            + " 53 after recovery: %d",
        backend, localIp, 1000 / INTERVAL_MS, counts.sent, counts.byNode, counts.byNodeBeforeKill,
        counts.byNodeAfterRestart, counts.byBackends, counts.perBackend, counts.lost, counts.lostSentMs,
        counts.firstBackendAfterKillMs, servingAt - killedAt, conntrackEntries);
    LoggerFactory.getLogger(FailOpenLinkLocalTest.class).info(report);
    System.out.println(report);

    assertThat(counts.sent).as("queries sent").isLessThan(MAX_QUERIES);
    assertThat(counts.byNodeBeforeKill).as("answered by the node before the kill").isGreaterThan(60);
    assertThat(counts.perBackend.keySet()).as("both backends answered").containsExactlyElementsOf(BACKEND_ANSWERS);
    assertThat(counts.firstBackendAfterKillMs).as("ms from SIGKILL to the first backend answer").isBetween(0L, 1_000L);
    // Lost are the queries still queued in the killed server, and those that reach its socket while the
    // kernel tears the process down: it unmaps the JVM's memory before it closes the sockets
    // (exit_mm before exit_files), tens of milliseconds.
    assertThat(counts.lost).as("queries lost").isLessThanOrEqualTo(6);
    assertThat(counts.lostSentMs).as("when the lost queries were sent, ms after the kill")
        .allMatch(ms -> ms > -500 && ms <= counts.firstBackendAfterKillMs);
    assertThat(counts.backendAfterRestart).as("backend answers to queries sent once the new server listens").isZero();
    assertThat(counts.byNodeAfterRestart).as("answered by the node after the restart").isGreaterThan(40);
    assertThat(counts.lostAfterRestart).as("queries lost around the restart").isZero();
    assertThat(hostAfterKill).as("host-network UDP and TCP after the kill").allMatch(BACKEND_ANSWERS::contains);
    assertThat(podTcpAfterKill).as("pod TCP after the kill").allMatch(BACKEND_ANSWERS::contains);
    assertThat(hostAfterRestart).as("host-network UDP and TCP after the restart").containsOnly(NODE_ANSWER);
    assertThat(podTcpAfterRestart).as("pod TCP after the restart").containsOnly(NODE_ANSWER);
    assertThat(conntrackEntries).as("conntrack entries for port 53 after recovery").isZero();
    assertThat(read(log2)).contains("conntrack entries of DNS to [" + localIp + "]");
  }

  /** What the stream saw, set against the moment of the kill and of the restarted server's start. */
  private record Counts(
      int sent, int byNode, int byNodeBeforeKill, int byNodeAfterRestart, int byBackends,
      Map<String, Integer> perBackend, int lost, List<Long> lostSentMs, long firstBackendAfterKillMs,
      int backendAfterRestart, int lostAfterRestart) {

    static Counts of(String output, long killedAt, long servingAt) {
      int sent = 0;
      int byNode = 0;
      int beforeKill = 0;
      int afterRestart = 0;
      int byBackends = 0;
      int lost = 0;
      List<Long> lostSentMs = new ArrayList<>();
      int lostAfterRestart = 0;
      int backendAfterRestart = 0;
      long firstBackend = Long.MAX_VALUE;
      Map<String, Integer> perBackend = new TreeMap<>();
      for (String line : output.lines().filter(l -> !l.startsWith("started")).toList()) {
        String[] f = line.split(" ");
        long sentAt = Long.parseLong(f[1]);
        String answer = f[2];
        long rtt = Long.parseLong(f[3]);
        sent++;
        if (answer.equals(NODE_ANSWER)) {
          byNode++;
          beforeKill += sentAt < killedAt ? 1 : 0;
          afterRestart += sentAt >= servingAt ? 1 : 0;
        } else if (BACKEND_ANSWERS.contains(answer)) {
          byBackends++;
          perBackend.merge(answer, 1, Integer::sum);
          firstBackend = Math.min(firstBackend, sentAt + rtt - killedAt);
          backendAfterRestart += sentAt >= servingAt ? 1 : 0;
        } else {
          lost++;
          lostSentMs.add(sentAt - killedAt);
          lostAfterRestart += sentAt > killedAt + 1_000 ? 1 : 0;
        }
      }
      return new Counts(sent, byNode, beforeKill, afterRestart, byBackends, perBackend, lost, lostSentMs,
          firstBackend, backendAfterRestart, lostAfterRestart);
    }
  }

  /** One dig from {@code from} (the node: a host-network client), the first answer or "". */
  private static String query(Netns from, String localIp, String transport) {
    return Dns.answers(from.run("dig", "@" + localIp, "one.test.local", "A", "+short", "+tries=1", "+time=1",
        transport)).stream().findFirst().orElse("");
  }

  private int dnsConntrackEntries(String family) {
    int entries = 0;
    for (String proto : List.of("udp", "tcp")) {
      CommandRunner.Result listed = node.run("conntrack", "-L", "-f", family, "-p", proto, "--dport", "53");
      assertThat(listed.ok()).as(listed.stderr()).isTrue();
      entries += (int) listed.stdout().lines().filter(l -> !l.isBlank()).count();
    }
    return entries;
  }

  private Process startServer(Path log, String... flags) throws Exception {
    List<String> argv = concat(NICE, List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "io.nodecache.Main"));
    argv.addAll(List.of(flags));
    Process p = node.spawn(ProcessBuilder.Redirect.appendTo(log.toFile()), argv);
    servers.add(p);
    return p;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleepUntil(long epochMillis) throws InterruptedException {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait); // a point on the test's timeline (kill, restart), not a wait for a condition
    }
  }

  private static void await(String what, BooleanSupplier condition, Process server, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
    while (!condition.getAsBoolean()) {
      assertThat(server.isAlive()).as(what + ": server exited: " + read(log)).isTrue();
      assertThat(Instant.now()).as(what).isBefore(deadline);
      Thread.sleep(20); // polling interval of a condition with a deadline
    }
  }
}
