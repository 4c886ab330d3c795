package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nodecache.testing.Privileged;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Without root (every command run as {@code nobody} with no capabilities, through setpriv), each
 * failed step is one line saying what is missing, and counted.
 */
class PrivilegeErrorsTest {

  private Netns netns;

  @BeforeEach
  void setUp() {
    Privileged.require("ip", "iptables", "nft", "setpriv");
    netns = Netns.create();
  }

  @AfterEach
  void tearDown() {
    if (netns != null) {
      netns.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "IPTABLES => iptables-nft-save: permission denied; nodecache must run as root or with CAP_NET_ADMIN ("
            + " => iptables",
        "NFTABLES => nft: permission denied; nodecache must run as root or with CAP_NET_ADMIN ( => nftables",
      })
  void withoutCapNetAdminEveryStepSaysWhatIsMissing(RulesBackend backend, String rulesError, String type) {
    CommandRunner nobody =
        CommandRunner.withPrefix(
            List.of("ip", "netns", "exec", netns.name, "setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--inh-caps=-all"),
            Duration.ofSeconds(30));
    NodeNetConfig config =
        new NodeNetConfig(
            List.of(Addresses.parse("169.254.20.10")), 53, 8080, "lo", true, true, false,
            Duration.ofMinutes(10), backend, false, List.of());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NodeNetworking networking = new NodeNetworking(config, registry, nobody);

    ReconcileReport pass = networking.reconcile();

    assertThat(pass.errors())
        .startsWith(
            "ip -4 addr add 169.254.20.10/32 dev lo: operation not permitted; nodecache must run as root or"
                + " with CAP_NET_ADMIN to manage interface lo")
        .anyMatch(error -> error.startsWith(rulesError.strip()) && !error.contains("\n"));
    assertThat(registry.get("coredns.nodecache.setup.errors").tag("errortype", "interface_add").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("coredns.nodecache.setup.errors").tag("errortype", type.strip()).counter().count())
        .isPositive();
  }
}
