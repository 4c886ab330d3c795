package io.nodecache.config;

import java.util.Locale;

/** Zone-name helpers shared by config readers. */
public final class Names {
  private Names() {}

  /** Lower case and absolute: {@code "Cluster.Local"} becomes {@code "cluster.local."}. */
  public static String canonical(String zone) {
    String z = zone.toLowerCase(Locale.ROOT);
    if (z.equals(".") || z.isEmpty()) {
      return ".";
    }
    return z.endsWith(".") ? z : z + ".";
  }
}
