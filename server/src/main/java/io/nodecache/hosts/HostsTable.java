package io.nodecache.hosts;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TextParseException;

/** Parsed hosts-file entries: names to addresses and addresses to names. Immutable once built. */
final class HostsTable {

  final Map<Name, List<InetAddress>> byName = new HashMap<>();
  final Map<Name, List<Name>> byReverse = new HashMap<>();

  /** Reads {@code IP NAME [ALIAS...]} lines; {@code #} starts a comment; bad lines are skipped. */
  static HostsTable parse(List<String> lines, boolean reverse) {
    HostsTable t = new HostsTable();
    for (String raw : lines) {
      String line = raw;
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      String[] f = line.trim().split("\\s+");
      if (f.length < 2 || !f[0].matches("[0-9a-fA-F:.]+") || (!f[0].contains(".") && !f[0].contains(":"))) {
        continue;
      }
      InetAddress ip;
      try {
        String a = f[0];
        int pct = a.indexOf('%');
        ip = InetAddress.getByName(pct >= 0 ? a.substring(0, pct) : a);
      } catch (Exception e) {
        continue;
      }
      for (int i = 1; i < f.length; i++) {
        try {
          Name n = Name.fromString(f[i], Name.root).canonicalize();
          t.byName.computeIfAbsent(n, k -> new ArrayList<>()).add(ip);
          if (reverse) {
            t.byReverse.computeIfAbsent(ReverseMap.fromAddress(ip), k -> new ArrayList<>()).add(n);
          }
        } catch (TextParseException e) {
          // not a DNS name: skipped as CoreDNS does
        }
      }
    }
    return t;
  }

  static HostsTable merge(HostsTable a, HostsTable b) {
    HostsTable t = new HostsTable();
    for (HostsTable s : List.of(a, b)) {
      s.byName.forEach((k, v) -> t.byName.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
      s.byReverse.forEach((k, v) -> t.byReverse.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
    return t;
  }
}
