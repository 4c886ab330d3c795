package io.nodecache.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Type;

/**
 * The queries of a run, encoded once to wire form with ID 0 (patched per send) and RD set, in the order
 * they are sent; the run loops over them.
 */
public final class QuerySet {

  private static final int OPT_TYPE = 41;
  private static final int EDNS_PAYLOAD = 1232;

  private final byte[][] wire;

  private QuerySet(byte[][] wire) {
    this.wire = wire;
  }

  /** Builds the query set the options ask for. */
  public static QuerySet of(LoadOptions o) throws IOException {
    List<String> lines;
    String origin;
    if (o.file() != null) {
      lines = new ArrayList<>();
      try (BufferedReader r = Files.newBufferedReader(o.file(), StandardCharsets.US_ASCII)) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          lines.add(l);
        }
      }
      origin = o.file().toString();
    } else if (!o.inline().isEmpty()) {
      lines = o.inline();
      origin = "--query";
    } else {
      lines = new ArrayList<>(o.genCount());
      for (int i = 0; i < o.genCount(); i++) {
        lines.add(o.genPattern().replace("%d", Integer.toString(i)) + " " + o.genType());
      }
      origin = "--gen";
    }
    return parse(lines, origin, o.edns(), o.dnssecOk());
  }

  /** Parses dnsperf-style lines ({@code NAME [TYPE]}, blank lines and {@code #} comments skipped). */
  public static QuerySet parse(List<String> lines, String origin, boolean edns, boolean dnssecOk) {
    List<byte[]> out = new ArrayList<>(lines.size());
    int n = 0;
    for (String line : lines) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\s+");
      if (f.length > 2) {
        throw new IllegalArgumentException(origin + ":" + n + ": expected 'NAME TYPE', got '" + l + "'");
      }
      int type = f.length == 2 ? Type.value(f[1]) : Type.A;
      if (type < 0) {
        throw new IllegalArgumentException(origin + ":" + n + ": unknown type '" + f[1] + "'");
      }
      out.add(encode(f[0], type, edns, dnssecOk, origin + ":" + n));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(origin + ": no queries");
    }
    return new QuerySet(out.toArray(new byte[0][]));
  }

  static byte[] encode(String name, int type, boolean edns, boolean dnssecOk, String where) {
    byte[] qname = nameWire(name, where);
    int len = 12 + qname.length + 4 + (edns ? 11 : 0);
    byte[] w = new byte[len];
    w[2] = 0x01; // RD, as dnsperf sends
    w[5] = 1; // QDCOUNT
    w[11] = (byte) (edns ? 1 : 0); // ARCOUNT
    System.arraycopy(qname, 0, w, 12, qname.length);
    int p = 12 + qname.length;
    w[p] = (byte) (type >> 8);
    w[p + 1] = (byte) type;
    w[p + 3] = 1; // class IN
    if (edns) {
      p += 4;
      // root owner (w[p] = 0), TYPE OPT, CLASS = payload, TTL = ext-rcode/version/flags, RDLEN 0
      w[p + 1] = 0;
      w[p + 2] = OPT_TYPE;
      w[p + 3] = (byte) (EDNS_PAYLOAD >> 8);
      w[p + 4] = (byte) EDNS_PAYLOAD;
      w[p + 7] = (byte) (dnssecOk ? 0x80 : 0);
    }
    return w;
  }

  private static byte[] nameWire(String name, String where) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty()) {
      return new byte[] {0};
    }
    byte[] out = new byte[n.length() + 2];
    int p = 0;
    for (String label : n.split("\\.", -1)) {
      byte[] b = label.getBytes(StandardCharsets.US_ASCII);
      if (b.length == 0 || b.length > 63 || label.indexOf('\\') >= 0) {
        throw new IllegalArgumentException(where + ": bad name '" + name + "'");
      }
      out[p++] = (byte) b.length;
      System.arraycopy(b, 0, out, p, b.length);
      p += b.length;
    }
    out[p] = 0;
    if (out.length > 255) {
      throw new IllegalArgumentException(where + ": name longer than 255 bytes '" + name + "'");
    }
    return out;
  }

  public int size() {
    return wire.length;
  }

  /** The wire form of query {@code i modulo size()}, ID 0; callers copy it, never change it. */
  byte[] get(long i) {
    return wire[(int) (i % wire.length)];
  }
}
