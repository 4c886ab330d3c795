package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpTest {

  @Test
  void neighbouringIpv4AddressesNeverShareAHash() {
    // 10.100.0.0/16: Arrays.hashCode collided for a.b.c.d and a.b.(c+1).(d-31), which turned the
    // reverse map's buckets into trees in a 10,000-Service cluster.
    Set<Integer> hashes = new HashSet<>();
    for (int i = 0; i < 65_536; i++) {
      hashes.add(Ip.parse("10.100." + (i >> 8) + "." + (i & 255)).hashCode());
    }
    assertThat(hashes).hasSize(65_536);
  }

  @Test
  void ipv6AddressesOfOnePrefixSpreadOverTheHashes() {
    Set<Integer> hashes = new HashSet<>();
    for (int i = 0; i < 65_536; i++) {
      hashes.add(Ip.parse("fd00::" + Integer.toHexString(i >> 8) + ":" + Integer.toHexString(i & 255)).hashCode());
    }
    assertThat(hashes).hasSizeGreaterThan(65_000);
  }

  @Test
  void equalAddressesHaveEqualHashes() {
    assertThat(Ip.parse("10.96.0.10")).isEqualTo(Ip.parse("10.96.0.10")).hasSameHashCodeAs(Ip.parse("10.96.0.10"));
    assertThat(Ip.parse("fd00::10")).isEqualTo(Ip.parse("fd00:0::10")).hasSameHashCodeAs(Ip.parse("fd00:0::10"));
    assertThat(Ip.parse("10.96.0.10")).isNotEqualTo(Ip.parse("10.96.0.11"));
  }
}
