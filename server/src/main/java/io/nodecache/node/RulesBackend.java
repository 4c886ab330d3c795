package io.nodecache.node;

/** How the NOTRACK rules are written: host iptables (legacy or nft), native nftables, or chosen. */
public enum RulesBackend {
  IPTABLES,
  NFTABLES,
  /** nftables when kube-proxy runs in nftables mode (a {@code kube-proxy} nft table exists). */
  AUTO;

  /** Parses a flag value ({@code iptables|nftables|auto}, any case). */
  public static RulesBackend parse(String value) {
    for (RulesBackend backend : values()) {
      if (backend.name().equalsIgnoreCase(value.strip())) {
        return backend;
      }
    }
    throw new IllegalArgumentException(
        "rules-backend: '" + value + "' (expected: iptables, nftables or auto)");
  }
}
