package io.nodecache.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need root and real binaries: skipped with the reason on a developer machine,
 * failed when {@code CI=true}, where a skip would hide that the privileged suite never ran.
 */
public final class Privileged {

  private Privileged() {}

  public static void require(String... binaries) {
    List<String> missing = new ArrayList<>();
    if (!ok("id -u | grep -qx 0")) {
      missing.add("root (uid 0; runs ip netns, veth pairs, iptables, nft, conntrack)");
    }
    for (String binary : binaries) {
      if (!ok("command -v " + binary)) {
        missing.add("binary '" + binary + "' on PATH");
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String reason = "privileged test needs " + String.join(", ", missing);
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(reason + " (CI=true: a skip would hide the missing test, so it fails)");
    }
    Assumptions.abort(reason);
  }

  private static boolean ok(String shell) {
    try {
      Process p = new ProcessBuilder("sh", "-c", shell).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
