package io.nodecache.wire;

/**
 * A DNS message as CoreDNS's {@code debug} prints it: lines of {@code debug: OFFSET} and 16 hex bytes,
 * then the total length, which {@code text2pcap -i 17 -u 53,53} turns back into a capture.
 */
public final class Hexdump {

  private Hexdump() {}

  public static String of(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < bytes.length; i += 16) {
      b.append(String.format("debug: %06x", i));
      for (int j = i; j < Math.min(i + 16, bytes.length); j++) {
        b.append(String.format(" %02x", bytes[j] & 0xff));
      }
      b.append('\n');
    }
    return b.append(String.format("debug: %06x", bytes.length)).toString();
  }
}
