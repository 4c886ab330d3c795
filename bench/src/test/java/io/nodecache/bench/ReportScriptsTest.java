package io.nodecache.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * bench/report.py and bench/plots.py on a committed fixture (src/test/resources/report-fixture, written by
 * its make.py): what compare.sh leaves in OUT after a loopback run (unbound, dnsdist and ours, two rounds),
 * a node-path run, two-event-loop runs on both paths, dnsperf logs and our server's GC logs.
 */
class ReportScriptsTest {

  private static final Path BENCH = Path.of("").toAbsolutePath();
  private static final Path FIXTURE = BENCH.resolve("src/test/resources/report-fixture");
  private static final List<String> SERVERS = List.of("unbound", "dnsdist", "nodecache");
  private static final String[] PLOTS = {"qps-per-core-loopback.svg", "qps-per-core-nodepath.svg",
      "latency-loopback.svg", "latency-nodepath.svg"};

  @Test
  void theNodePathGetsItsOwnSectionWithTheLoopbackTablesShape(@TempDir Path dir) throws Exception {
    String md = report(dir, true, true, null);
    String loop = section(md, "## Summary (loopback)");
    String node = section(md, "## Node path");
    String header = "| server | hot qps | hot qps/core | hot CPU µs/q | mixed qps | mixed qps/core | neg qps | neg qps/core"
        + " | hot p50 / p99 / p99.9 ms | lost | RSS MiB (max) |";
    assertThat(loop).contains(header);
    assertThat(node).contains(header)
        .contains("| unbound | 84,000 (0.91x) | 140,000 (1.00x) | 7.14 | 67,200 (0.91x) | 112,000 (1.00x) | 92,400"
            + " (0.91x) | 154,000 (1.00x) | 0.100 / 1.000 / 4.000 | 0 | 39.1 |")
        .contains("| dnsdist | 92,400 (1.00x) | 132,000 (0.94x) |")
        .contains("| **nodecache** | 100,800 (1.09x) | 126,000 (0.90x) | 7.94 | 80,640 (1.09x) | 100,800 (0.90x)"
            + " | 110,880 (1.09x) | 138,600 (0.90x) | 0.300 / 2.000 / 8.000 | 0 | 41.0 |")
        .contains("servers on 169.254.20.10, dnsperf in network namespace `ncb-pod-77`")
        .contains("OURS=169.254.20.10:5405 NC_BIND=169.254.20.10 ../shared/bench/peers/nodepath.sh")
        .contains("dnsperf -m udp -s 169.254.20.10 -p 5405 -d q-neg.txt");
    // loopback: two rounds, the median-qps round (round 2) is the one in the table
    assertThat(loop).contains("| **nodecache** | 132,000 (1.09x) | 165,000 (0.90x) |").contains("rounds 2");
    assertThat(md).contains("## Full harness report (loopback)").contains("## Full harness report (node path)")
        .contains("harness run `20261207-090000` (loopback), `20261207-100000` (node path)");
  }

  @Test
  void everyRunOfOursHasItsGcAndSafepointSummaryFromTheJvmThatServedIt(@TempDir Path dir) throws Exception {
    String md = report(dir, true, true, null);
    String loop = section(md, "## Summary (loopback)");
    // run | pid | life GCs / safepoints | measured GCs n / total / max | safepoints n / max total / max reach
    // | probe GCs | probe safepoints | the probe's p99 / p99.9 / max
    assertThat(loop).contains("### GC and safepoints: loopback")
        .contains("| nodecache hot r1 | 4000 | 4 / 5 | 2 / 4.0 / 2.5 | 3 / 2.55 / 0.05 | 1 / 5.3 / 5.3 | 1 / 5.42 / 0.12"
            + " | 2.000 / 8.000 / 16.000 |")
        .contains("| nodecache mixed r1 | 4001 | 4 / 5 | 2 / 5.0 / 3.5 | 3 / 3.55 / 0.05 | 1 / 5.3 / 5.3 |")
        .contains("| nodecache hot r2 | 4002 | 4 / 5 | 2 / 4.0 / 2.5 | 3 / 2.55 / 0.05 | 1 / 6.3 / 6.3 | 1 / 6.54 / 0.24"
            + " | 2.500 / 10.000 / 20.000 |")
        .contains("| nodecache mixed r2 | 4003 | 4 / 5 | 2 / 5.0 / 3.5 |");
    String node = section(md, "## Node path");
    assertThat(node).contains("### GC and safepoints: node path")
        .contains("| nodecache mixed r1 | 6001 | 4 / 5 | 2 / 5.0 / 3.5 |")
        // its JVM's log is missing from the fixture: not matched to the JVM before it
        .contains("| nodecache neg r1 | - | no log matched |");
  }

  @Test
  void twoEventLoopsAreReportedApartAsAnIndication(@TempDir Path dir) throws Exception {
    String md = report(dir, true, true, null);
    String two = section(md, "## Two event loops on two cores (an indication only)");
    assertThat(two).contains("dnsperf and NSD stay on CPU 0")
        .contains("### loopback (harness run `20261207-093000`)")
        .contains("| 1 (CPU 1) | hot | 132,000 | 165,000 | 80.0 | 95.0 | 0.300 / 2.500 / 10.000 |")
        .contains("| 2 (CPUs 0-1) | hot | 168,000 | 280,000 | 60.0 | 95.0 | 0.100 / 1.000 / 4.000 |")
        .contains("### node path (harness run `20261207-103000`)")
        .contains("| 2 (CPUs 0-1) | hot | 136,500 | 227,500 |")
        .contains("| nodecache-2loops hot r1 | 7000 |");
  }

  @Test
  void nodePathOnlyLeavesTheLoopbackSectionsOut(@TempDir Path dir) throws Exception {
    String md = report(dir, false, true, null);
    assertThat(md).contains("## Node path").contains("## Full harness report (node path)")
        .doesNotContain("## Summary (loopback)").doesNotContain("## Full harness report (loopback)")
        .contains("### node path (harness run `20261207-103000`)").doesNotContain("### loopback (harness run");
  }

  @Test
  void plotsNameEveryServerAndTheReportLinksThem(@TempDir Path dir) throws Exception {
    String python = pythonWithMatplotlib();
    Path plots = dir.resolve("plots");
    Run run = run(List.of(python, BENCH.resolve("plots.py").toString(), "--loopback",
        FIXTURE.resolve("results").toString(), "--nodepath", FIXTURE.resolve("nodepath/results").toString(),
        "--out-dir", plots.toString()));
    assertThat(run.exit).as(run.output).isZero();
    for (String f : PLOTS) {
      String text = svgText(plots.resolve(f));
      assertThat(text).as(f).contains(SERVERS);
      if (f.startsWith("latency")) {
        assertThat(text).as(f).contains("hot", "mixed", "p99.9", "not per-query data");
      } else {
        assertThat(text).as(f).contains("qps per server core", "hot", "mixed");
      }
    }
    assertThat(svgText(plots.resolve("latency-nodepath.svg"))).contains("neg");
    String md = report(dir, true, true, plots);
    assertThat(md).contains("## Plots")
        .contains("![qps per server core, loopback](plots/qps-per-core-loopback.svg)")
        .contains("![latency at the fixed-rate probe, node path](plots/latency-nodepath.svg)");
  }

  @Test
  void jdksComparesOursOnTwentyFiveWithSeventeenRoundByRoundWithAPeerForDrift(@TempDir Path dir) throws Exception {
    // bench/jdks.sh leaves one harness run per compare.sh call under jdk17/results and jdk25/results
    double[][] ours = {{100_000, 120_000, 110_000}, {99_000, 108_000, 104_500}};
    double[][] unbound = {{150_000, 151_000, 149_000}, {149_000, 148_500, 149_500}};
    for (int j = 0; j < 2; j++) {
      String jdk = j == 0 ? "17" : "25";
      for (int r = 0; r < 3; r++) {
        Path run = Files.createDirectories(dir.resolve("jdk" + jdk + "/results/2026120" + (r + 1) + "-120000"));
        Files.writeString(run.resolve("results.json"), """
            {"results": [
              {"workload": "hot", "server": "unbound", "qps_per_core": %s},
              {"workload": "hot", "server": "nodecache-jdk%s", "qps_per_core": %s},
              {"workload": "hot", "server": "failed", "qps_per_core": null}]}
            """.formatted(unbound[j][r], jdk, ours[j][r]));
      }
    }
    Run run = run(List.of("python3", BENCH.resolve("jdks.py").toString(),
        dir.resolve("jdk17/results").toString(), dir.resolve("jdk25/results").toString()));
    assertThat(run.exit).as(run.output).isZero();
    assertThat(run.output)
        .contains("| 17 | hot | nodecache-jdk17 | 100,000, 120,000, 110,000 | 110,000 |")
        .contains("| 25 | hot | nodecache-jdk25 | 99,000, 108,000, 104,500 | 104,500 |")
        .contains("| 25 | hot | unbound | 149,000, 148,500, 149,500 | 149,000 |")
        .contains("- hot, ours: JDK 25 / JDK 17 = 0.950")
        .contains("- hot, unbound (same binary: machine drift): JDK 25 / JDK 17 = 0.993")
        .doesNotContain("failed");
  }

  /** Runs report.py into dir/RESULTS.md and returns it. */
  private static String report(Path dir, boolean loopback, boolean nodepath, Path plots) throws Exception {
    Path out = dir.resolve("RESULTS.md");
    List<String> argv = new ArrayList<>(List.of("python3", BENCH.resolve("report.py").toString(),
        "--corefile", BENCH.resolve("Corefile.bench").toString(), "--out", out.toString(),
        "--command", "bench/compare.sh", "--env", "NODEPATH=1"));
    if (loopback) {
      argv.addAll(List.of("--results", FIXTURE.resolve("results").toString(),
          "--two-loops-results", FIXTURE.resolve("two-loops/results").toString()));
    }
    if (nodepath) {
      argv.addAll(List.of("--nodepath-results", FIXTURE.resolve("nodepath/results").toString(),
          "--nodepath-two-loops-results", FIXTURE.resolve("nodepath/two-loops/results").toString()));
    }
    if (plots != null) {
      argv.addAll(List.of("--plots-dir", plots.toString()));
    }
    Run run = run(argv);
    assertThat(run.exit).as(run.output).isZero();
    return Files.readString(out);
  }

  /** From heading to the next heading of the same level (or the end). */
  private static String section(String md, String heading) {
    int at = md.indexOf(heading + "\n");
    assertThat(at).as(heading).isNotNegative();
    int next = md.indexOf("\n## ", at + heading.length());
    return md.substring(at, next < 0 ? md.length() : next);
  }

  /** The SVG parsed as XML (without fetching its DTD), its text elements joined. */
  private static String svgText(Path svg) throws Exception {
    assertThat(svg).isNotEmptyFile();
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = f.newDocumentBuilder().parse(svg.toFile());
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    NodeList texts = doc.getElementsByTagName("text");
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < texts.getLength(); i++) {
      all.append(texts.item(i).getTextContent()).append('\n');
    }
    return all.toString();
  }

  /** Debian's python3 with python3-matplotlib (.ci/run installs it); without it the test is skipped, except in CI. */
  private static String pythonWithMatplotlib() throws Exception {
    for (String python : List.of("/usr/bin/python3", "python3")) {
      try {
        if (run(List.of(python, "-c", "import matplotlib")).exit == 0) {
          return python;
        }
      } catch (IOException e) {
        // not installed: try the next
      }
    }
    assertThat(System.getenv("CI")).as("python3-matplotlib must be installed in CI").isNotEqualToIgnoringCase("true");
    assumeTrue(false, "python3-matplotlib is not installed");
    return null;
  }

  private record Run(int exit, String output) {}

  /** Runs argv with TZ=UTC (the fixture's dnsperf logs carry local time), bounded to 120 s. */
  private static Run run(List<String> argv) throws IOException, InterruptedException {
    Path log = Files.createTempFile("report-scripts", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("TZ", "UTC");
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(argv + " did not finish within 120 s: " + Files.readString(log));
      }
      return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
