package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nodecache.testing.Privileged;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interface holding the local IPs, in a fresh namespace per test. */
class InterfaceTest {

  private Netns netns;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUp() {
    Privileged.require("ip");
    netns = Netns.create();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (netns != null) {
      netns.close();
    }
  }

  private NodeNetworking networking(String interfaceName, String... ips) throws Exception {
    List<InetAddress> addresses =
        Arrays.stream(ips).map(ip -> Addresses.parse(ip)).toList();
    NodeNetConfig config =
        new NodeNetConfig(
            addresses, 53, 8080, interfaceName, true, false, false, Duration.ofMinutes(10),
            RulesBackend.IPTABLES, false, List.of());
    return new NodeNetworking(config, registry, netns.runner);
  }

  private double errors(String type) {
    return registry.get("coredns.nodecache.setup.errors").tag("errortype", type).counter().count();
  }

  private String addresses(String dev) {
    return netns.sh("ip -o addr show dev " + dev);
  }

  @Test
  void anExistingLinkGetsAndLosesOnlyOurAddresses() throws Exception {
    netns.sh("ip addr add 192.0.2.7/32 dev lo");
    NodeNetworking networking = networking("lo", "169.254.20.10", "fd00::10");

    ReconcileReport prepared = networking.prepareInterface();

    assertThat(prepared.added()).containsExactly("address 169.254.20.10/32 on lo", "address fd00::10/128 on lo");
    assertThat(addresses("lo")).contains("inet 169.254.20.10/32", "inet6 fd00::10/128");
    assertThat(addresses("lo")).doesNotContain("tentative");
    assertThat(networking.reconcile().found()).isEqualTo(2);

    netns.sh("ip addr del 169.254.20.10/32 dev lo");
    assertThat(networking.reconcile().added()).containsExactly("address 169.254.20.10/32 on lo");

    ReconcileReport down = networking.teardown();

    assertThat(down.removed()).containsExactlyInAnyOrder("address 169.254.20.10/32 on lo", "address fd00::10/128 on lo");
    assertThat(addresses("lo")).doesNotContain("169.254.20.10", "fd00::10").contains("inet 192.0.2.7/32", "inet 127.0.0.1/8");
    assertThat(netns.run("ip", "link", "show", "lo").ok()).as("lo is never deleted").isTrue();
    assertThat(SetupErrors.TYPES).allSatisfy(type -> assertThat(errors(type)).isZero());
  }

  @Test
  void aKernelWithoutDummyLinksIsOneClearCountedError() throws Exception {
    boolean dummySupported = netns.run("ip", "link", "add", "probe0", "type", "dummy").ok();
    Assumptions.assumeFalse(dummySupported, "this kernel has dummy links");
    NodeNetworking networking = networking("nodelocaldns", "169.254.20.10");

    ReconcileReport pass = networking.prepareInterface();

    assertThat(pass.errors())
        .containsExactly(
            "kernel has no dummy link support (ip link add nodelocaldns type dummy: Error: Unknown"
                + " device type.); put the addresses on an existing link with -interfacename lo");
    assertThat(errors("interface_add")).isEqualTo(1);
    assertThat(networking.teardown().errors()).isEmpty();
  }

  @Test
  void anAddressOnAnotherInterfaceIsReportedNotStolen() throws Exception {
    netns.sh("ip link add veth-a type veth peer name veth-b");
    netns.sh("ip addr add 169.254.20.10/32 dev veth-a");
    NodeNetworking networking = networking("lo", "169.254.20.10", "169.254.20.11");

    ReconcileReport pass = networking.prepareInterface();

    assertThat(pass.errors())
        .containsExactly("address 169.254.20.10 is already on interface veth-a, not adding it to lo");
    assertThat(pass.added()).containsExactly("address 169.254.20.11/32 on lo");
    assertThat(errors("interface_check")).isEqualTo(1);
    networking.teardown();
    assertThat(addresses("veth-a")).contains("169.254.20.10/32");
  }

  @Test
  void skipTeardownLeavesAddressesAndRulesInPlace() throws Exception {
    Privileged.require("nft"); // the rules it checks are nftables ones
    NodeNetConfig config =
        new NodeNetConfig(
            List.of(Addresses.parse("169.254.20.10")), 53, 8080, "lo", true, true, true,
            Duration.ofMinutes(10), RulesBackend.NFTABLES, false, List.of());
    NodeNetworking networking = new NodeNetworking(config, registry, netns.runner);
    networking.start();

    assertThat(networking.teardown().removed()).isEmpty();

    assertThat(addresses("lo")).contains("inet 169.254.20.10/32");
    assertThat(netns.run("nft", "list", "table", "inet", "nodecache").ok()).isTrue();
    networking.close();
  }
}
