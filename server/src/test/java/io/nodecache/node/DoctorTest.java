package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Flags;
import io.nodecache.testing.Privileged;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code nodecache doctor} on a node namespace: the real server with its rules, a fake kube-proxy
 * (its chains, its nft table or its {@code kube-ipvs0}), unbound as the node's upstream. A healthy
 * node passes every check, each breakage fails its own line with a fix, and the exit code says so.
 */
class DoctorTest {

  private static final Logger LOG = LoggerFactory.getLogger(DoctorTest.class);
  private static final String LOCAL_IP = "169.254.20.10";
  private static final String UPSTREAM = "10.53.0.53";
  private static final String CLUSTER_IP = "10.96.0.10";

  @TempDir Path dir;
  private Netns node;
  private Path etcNetns;

  @AfterEach
  void tearDown() throws Exception {
    if (node != null) {
      node.close();
    }
    if (etcNetns != null) {
      Files.deleteIfExists(etcNetns.resolve("resolv.conf"));
      Files.deleteIfExists(etcNetns);
    }
  }

  @ParameterizedTest(name = "kube-proxy in {0} mode, -localip {1}: {2} rules in {3}")
  @CsvSource({
    "iptables, " + LOCAL_IP + ", 12, iptables (nft)",
    "nftables, " + LOCAL_IP + ", 12, nftables table inet nodecache",
    "iptables, '" + LOCAL_IP + ",fd00::10', 24, iptables (nft)",
  })
  void healthyNodePassesEveryCheckInProcessAndFromTheCommandLine(
      String kubeProxyMode, String localIps, int rules, String rulesIn) throws Exception {
    setUpNode();
    if (kubeProxyMode.equals("nftables")) {
      node.sh("nft add table ip kube-proxy");
    }
    Process server = startServer(localIps, rules, "-rules-backend", "auto");
    Path resolvConf = resolvConf("nameserver " + UPSTREAM);

    Map<String, String> lines = new LinkedHashMap<>();
    int exit = doctor(resolvConf, lines, "-localip", localIps, "-interfacename", "lo");

    List<String> names = new ArrayList<>(List.of("interface", "rules", "rule order", "duplicates", "kube-proxy", "conntrack"));
    for (String ip : localIps.split(",")) {
      String hostPort = ip.contains(":") ? "[" + ip + "]:53" : ip + ":53";
      names.addAll(List.of("dns udp " + hostPort, "dns tcp " + hostPort));
    }
    names.addAll(List.of("resolv.conf", "upstream " + UPSTREAM + ":53"));
    assertThat(lines.keySet()).containsExactlyElementsOf(names);
    assertThat(lines.values()).allMatch(line -> line.startsWith("PASS "));
    assertThat(exit).isZero();
    assertThat(lines.get("rules")).isEqualTo("PASS rules: all " + rules + " rules for " + localIps + " in " + rulesIn);
    assertThat(lines.get("kube-proxy")).contains(kubeProxyMode + " mode");
    assertThat(lines.get("upstream " + UPSTREAM + ":53")).contains("NOERROR");

    // As a user runs it: the jar's main on the node, reading the node's /etc/resolv.conf.
    etcNetns = Path.of("/etc/netns", node.name);
    Files.createDirectories(etcNetns);
    Files.writeString(etcNetns.resolve("resolv.conf"), "nameserver " + UPSTREAM + "\n");
    CommandRunner.Result cli = node.runner.run(java("io.nodecache.Main", "doctor", "-localip", localIps,
        "-interfacename", "lo"), null);
    LOG.info("nodecache doctor (exit {}):\n{}{}", cli.exitCode(), cli.stdout(), cli.stderr());
    assertThat(cli.stdout().lines().toList()).hasSize(lines.size()).allMatch(line -> line.startsWith("PASS "));
    assertThat(cli.exitCode()).isZero();
    assertThat(server.isAlive()).isTrue();
  }

  @Test
  void brokenNodeFailsTheMatchingLinesWithTheirFixes() throws Exception {
    setUpNode();
    startServer(LOCAL_IP, 12, "-rules-backend", "iptables", "-syncinterval", "3600"); // no repair while the doctor looks
    node.sh("iptables -w -t raw -F");
    node.sh("iptables -w -I INPUT -j KUBE-FIREWALL"); // as a restarted kube-proxy prepends its jumps
    node.sh("iptables -w -A OUTPUT -s " + LOCAL_IP + "/32 -p udp -m udp --sport 53 -m comment"
        + " --comment \"NodeLocal DNS Cache: allow DNS traffic\" -j ACCEPT");
    Path resolvConf = resolvConf("# written by systemd-resolved\nnameserver 127.0.0.53\noptions edns0 trust-ad");

    Map<String, String> lines = new LinkedHashMap<>();
    int exit = doctor(resolvConf, lines, "-localip", LOCAL_IP, "-interfacename", "lo");

    Map<String, Boolean> passed = new LinkedHashMap<>();
    lines.forEach((name, line) -> passed.put(name, line.startsWith("PASS ")));
    assertThat(passed)
        .containsExactly(
            Map.entry("interface", true), Map.entry("rules", false), Map.entry("rule order", false),
            Map.entry("duplicates", false), Map.entry("kube-proxy", true), Map.entry("conntrack", true),
            Map.entry("dns udp " + LOCAL_IP + ":53", true), Map.entry("dns tcp " + LOCAL_IP + ":53", true),
            Map.entry("resolv.conf", false), Map.entry("upstream 127.0.0.53:53", false));
    assertThat(exit).isEqualTo(1);
    assertThat(lines.values()).filteredOn(line -> line.startsWith("FAIL ")).allMatch(line -> line.contains(" — fix: "));
    assertThat(lines.get("rules"))
        .startsWith("FAIL rules: 8 of 12 rules missing in iptables (nft): raw PREROUTING tcp -d " + LOCAL_IP
            + " --dport 53 -j NOTRACK;");
    assertThat(lines.get("rule order"))
        .contains("-j KUBE-FIREWALL comes before filter INPUT udp -d " + LOCAL_IP + " --dport 53 -j ACCEPT");
    assertThat(lines.get("duplicates")).contains("filter OUTPUT udp -s " + LOCAL_IP + " --sport 53 -j ACCEPT (2 times)");
    assertThat(lines.get("resolv.conf"))
        .contains("127.0.0.53 is a loopback address")
        .contains("fix: point kubelet at the real upstreams: --resolv-conf=/run/systemd/resolve/resolv.conf");
    assertThat(lines.get("upstream 127.0.0.53:53")).contains("connection refused");
  }

  @ParameterizedTest(name = "-failopen via {0}, -failopen-targets ''{1}'': {2}")
  @CsvSource({
    "iptables, 10.244.0.5, PASS fail-open: while no socket of ours listens, DNS to " + LOCAL_IP
        + " is DNATed to 10.244.0.5; now answered on the node (heartbeat seen within 1 s)",
    "nftables, 10.244.0.5, PASS fail-open: while no socket of ours listens, DNS to " + LOCAL_IP
        + " is DNATed to 10.244.0.5; now answered on the node (heartbeat seen within 1 s)",
    "iptables, '', FAIL fail-open: the DNAT for " + LOCAL_IP + " has no target",
    "nftables, '', FAIL fail-open: the DNAT for " + LOCAL_IP + " has no target",
  })
  void failOpenIsCheckedWithItsTargetsAndWhetherTheNodeAnswersNow(String backend, String targets, String expected)
      throws Exception {
    setUpNode();
    // -failopen leaves out node-cache's two raw OUTPUT NOTRACK rules for DNS: 10 of the 12 remain.
    Process server = startServer(LOCAL_IP, 10, "-rules-backend", backend, "-failopen", "-failopen-targets", targets,
        "-syncinterval", "3600");
    Path resolvConf = resolvConf("nameserver " + UPSTREAM);
    String[] flags = {"-localip", LOCAL_IP, "-interfacename", "lo", "-rules-backend", backend, "-failopen"};

    Map<String, String> lines = new LinkedHashMap<>();
    doctor(resolvConf, lines, flags);
    assertThat(lines.get("rules")).startsWith("PASS rules:");
    assertThat(lines.get("fail-open")).startsWith(expected);

    server.destroyForcibly(); // SIGKILL: the rules stay, the heartbeat stops
    assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(1_100); // the heartbeat's one second, the condition being checked
    lines.clear();
    doctor(resolvConf, lines, flags);
    if (expected.startsWith("PASS")) {
      assertThat(lines.get("fail-open")).endsWith("now failing open (no heartbeat: is nodecache running?)");
    } else {
      assertThat(lines.get("fail-open")).startsWith(expected).contains(" — fix: ");
    }
  }

  @ParameterizedTest(name = "IPVS owns {1}, -localip {0}: kube-proxy check passes={2}")
  @CsvSource({
    "'" + LOCAL_IP + "," + CLUSTER_IP + "', " + CLUSTER_IP + ", false",
    LOCAL_IP + ", " + CLUSTER_IP + ", true",
  })
  void ipvsModeRejectsTheClusterIpInLocalIp(String localIps, String ipvsOwned, boolean passes) throws Exception {
    setUpNode();
    // kube-proxy's IPVS link (a veth: this kernel has no dummy links) holding the kube-dns ClusterIP
    node.sh("ip link add " + Doctor.IPVS_LINK + " type veth peer name kipvs-peer");
    node.sh("ip addr add " + ipvsOwned + "/32 dev " + Doctor.IPVS_LINK);
    node.sh("ip addr add " + LOCAL_IP + "/32 dev lo");

    Map<String, String> lines = new LinkedHashMap<>();
    int exit = doctor(resolvConf("nameserver " + UPSTREAM), lines, "-localip", localIps, "-interfacename", "lo");

    assertThat(exit).isEqualTo(1); // no server runs here, so the queries fail either way
    assertThat(lines.get("dns udp " + LOCAL_IP + ":53")).startsWith("FAIL ").contains("nothing listens on 53/udp");
    assertThat(lines.get("dns tcp " + LOCAL_IP + ":53")).startsWith("FAIL ").contains("nothing listens on 53/tcp");
    if (passes) {
      assertThat(lines.get("kube-proxy"))
          .isEqualTo("PASS kube-proxy: IPVS mode: kube-ipvs0 holds 1 service IP, none of them in -localip");
      assertThat(lines.get("interface")).startsWith("PASS ");
    } else {
      assertThat(lines.get("kube-proxy"))
          .startsWith("FAIL kube-proxy: IPVS mode: kube-ipvs0 holds " + CLUSTER_IP + ", which -localip names too")
          .contains("fix: in IPVS mode give nodecache only the link-local address (-localip " + LOCAL_IP + ")");
      assertThat(lines.get("interface")).startsWith("FAIL interface: " + CLUSTER_IP + " is on kube-ipvs0, not on lo");
    }
  }

  @Test
  void addressesOnAnyInterfaceAndNoRulesWhenTheServerManagesNeither() throws Exception {
    setUpNode();
    node.sh("ip link add eth0 type veth peer name eth0-peer && ip addr add " + LOCAL_IP + "/32 dev eth0");

    Map<String, String> lines = new LinkedHashMap<>();
    doctor(resolvConf("nameserver " + UPSTREAM), lines, "-localip", LOCAL_IP, "-setupinterface=false",
        "-setupiptables=false");

    assertThat(lines.get("interface"))
        .isEqualTo("PASS interface: " + LOCAL_IP + "/32 on eth0 (-setupinterface=false: any interface will do)");
    assertThat(lines.get("rules")).isEqualTo("PASS rules: not checked: -setupiptables=false (the rules are managed elsewhere)");
    assertThat(lines).doesNotContainKeys("rule order", "duplicates");
  }

  @ParameterizedTest(name = "doctor {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "-interfacename lo | -localip is required",
        "-localip 169.254.20.10 extra | unexpected argument 'extra'",
        "-localip 169.254.20.10 -rules-backend ipchains | rules-backend: 'ipchains'",
        "-localip nodelocal | -localip: 'nodelocal' is not an IP address",
      })
  void badFlagsAreRefusedWithTheReason(String args, String message) {
    assertThatThrownBy(() -> Doctor.config(Flags.parse(args.split(" "))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cpu=0 found=0 invalid=3 insert=0 insert_failed=0 drop=0\\ncpu=1 found=0 insert_failed=0 drop=0 | 0",
        "cpu=0 found=0 insert_failed=7 drop=7\\ncpu=1 found=2 insert_failed=35 drop=35 | 42",
        "conntrack v1.4.7 (conntrack-tools): unknown | -1",
      })
  void insertFailedIsSummedOverCpus(String stats, long expected) {
    assertThat(Doctor.insertFailed(stats.replace("\\n", "\n"))).isEqualTo(expected);
  }

  @Test
  void nameserversAreReadWithoutComments() {
    String text = "# generated\nsearch cluster.local\nnameserver 10.0.0.2 # primary\n;nameserver 10.9.9.9\n"
        + "  nameserver   fd00::53\noptions ndots:5\n";
    assertThat(DnsChecks.nameservers(text)).containsExactly("10.0.0.2", "fd00::53");
  }

  /** The node namespace: conntrack in use, kube-proxy's iptables chains, unbound as the upstream. */
  private void setUpNode() throws Exception {
    Privileged.require("ip", "iptables", "nft", "conntrack", "dig", "unbound");
    node = Netns.create();
    node.sh("iptables -w -A INPUT -m conntrack --ctstate INVALID -j DROP");
    node.sh("iptables -w -t nat -N KUBE-SERVICES && iptables -w -N KUBE-FIREWALL && iptables -w -A INPUT -j KUBE-FIREWALL");
    node.sh("ip addr add " + UPSTREAM + "/32 dev lo");
    Path conf = dir.resolve("unbound.conf");
    Files.writeString(
        conf,
        String.join("\n", "server:", "  interface: " + UPSTREAM, "  port: 53", "  do-daemonize: no",
            "  username: \"\"", "  chroot: \"\"", "  directory: \"" + dir + "\"", "  pidfile: \"\"",
            "  use-syslog: no", "  access-control: 0.0.0.0/0 allow", "  local-zone: \".\" static",
            "  local-data: \". 3600 IN NS a.root-servers.net.\"", "remote-control:", "  control-enable: no", ""));
    Process unbound = node.spawn("unbound", "-d", "-c", conf.toString());
    await("unbound answers . NS over TCP",
        () -> node.run("dig", "@" + UPSTREAM, ".", "NS", "+tcp", "+short", "+tries=1", "+time=1")
            .stdout().contains("a.root-servers.net."),
        unbound);
  }

  /** The real server on {@code localIps}, once its {@code rules} rules are in place. */
  private Process startServer(String localIps, int rules, String... extraFlags) throws Exception {
    Path corefile = dir.resolve("Corefile");
    Files.writeString(corefile, String.join("\n", ".:53 {", "    bind " + localIps.replace(',', ' '), "    hosts {",
        "        1.2.3.4 a.test.local", "    }", "}", ""));
    Path pidfile = dir.resolve("nodecache.pid");
    List<String> argv = new ArrayList<>(java("io.nodecache.Main", "-conf", corefile.toString(), "-localip", localIps,
        "-interfacename", "lo", "-pidfile", pidfile.toString()));
    argv.addAll(List.of(extraFlags));
    Process server = node.spawn(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()), argv);
    // The rules come right after the pidfile. Queries like the doctor's warm the server up: its very
    // first answer on each path (class loading on a busy machine) may take longer than the doctor's 2 s.
    await("server up with its rules",
        () -> Files.exists(pidfile) && node.run("sh", "-c", "iptables-save | grep -c 'NodeLocal DNS'; ip6tables-save | grep -c 'NodeLocal DNS'; "
            + " nft list table inet nodecache 2>/dev/null | grep -c 'NodeLocal DNS'").stdout().lines().mapToInt(Integer::parseInt).sum() == rules,
        server);
    await("server answers", () -> "1.2.3.4".equals(Dns.query(node, LOCAL_IP, "a.test.local")), server);
    await("server answers . NS",
        () -> node.run("dig", "@" + LOCAL_IP, ".", "NS", "+tries=1", "+time=2").stdout().contains("status: "), server);
    return server;
  }

  /** Runs the doctor in this JVM against the namespace; fills {@code lines} by check name. */
  private int doctor(Path resolvConf, Map<String, String> lines, String... flags) throws Exception {
    NodeNetConfig config = Doctor.config(Flags.parse(flags));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      exit = new Doctor(config, resolvConf, node.runner, DnsProbe.through(node.runner)).run(out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    LOG.info("doctor {} (exit {}):\n{}", String.join(" ", flags), exit, text);
    for (String line : text.lines().toList()) {
      assertThat(line).matches("(PASS|FAIL) ([a-z.\\- ]+|(dns udp|dns tcp|upstream) \\S+:\\d+): .*");
      String name = line.substring(5, line.indexOf(": ", 5));
      assertThat(lines.put(name, line)).as("one line per check: " + name).isNull();
    }
    return exit;
  }

  private Path resolvConf(String text) throws Exception {
    Path file = dir.resolve("resolv.conf");
    Files.writeString(file, text + "\n");
    return file;
  }

  private static List<String> java(String mainClass, String... args) {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
    argv.addAll(List.of(args));
    return argv;
  }

  private void await(String what, BooleanSupplier condition, Process process) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.getAsBoolean()) {
      assertThat(process.isAlive()).as(what + ": process exited").isTrue();
      assertThat(Instant.now()).as(what).isBefore(deadline);
      process.waitFor(50, TimeUnit.MILLISECONDS); // polling interval of a condition with a deadline
    }
  }
}
