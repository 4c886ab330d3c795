package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility suite's invalid Corefiles ({@code compat/invalid/}), each one CoreDNS refuses:
 * the server started on it, as an operator starts it, exits with status 2 and names the file, the
 * line and the reason its header states, before binding anything.
 */
class RefusedCorefilesTest {

  @TempDir Path dir;

  static List<CompatCorefile> invalid() throws Exception {
    return CompatCorefile.all("invalid");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusedWithFileLineAndReason(CompatCorefile c) throws Exception {
    Path corefile = dir.resolve("Corefile");
    Files.writeString(corefile, c.text());
    List<String> argv = CompatCorefile.server("-Xshare:auto", "-XX:TieredStopAtLevel=1");
    argv.addAll(List.of("-conf", corefile.toString()));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(exited).as("%s: the server should refuse to start, but it runs: %s", c, out).isTrue();
    assertThat(p.exitValue()).as("%s: exit status; output: %s", c, out).isEqualTo(2);
    assertThat(out).as(c.toString()).contains(corefile + ":" + c.refusedLine() + ": " + c.refusedText());
  }
}
