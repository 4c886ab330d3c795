package io.nodecache.node;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need root and real binaries: skipped with the reason on a developer machine,
 * failed when {@code CI=true}, where a skip would hide that the privileged suite never ran.
 */
final class Privileged {

  private Privileged() {}

  static void require(String... binaries) {
    List<String> missing = new ArrayList<>();
    CommandRunner host = CommandRunner.host(Duration.ofSeconds(10));
    CommandRunner.Result id = host.run("id", "-u");
    if (!id.ok() || !id.stdout().strip().equals("0")) {
      missing.add("root (uid 0; runs ip netns, iptables, nft, conntrack)");
    }
    for (String binary : binaries) {
      if (!host.run("sh", "-c", "command -v " + binary).ok()) {
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
}
