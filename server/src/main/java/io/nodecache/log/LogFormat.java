package io.nodecache.log;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Protocol;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A query-log format, compiled once: literal text and CoreDNS's placeholders ({@code {type}}, {@code
 * {name}}, {@code {class}}, {@code {proto}}, {@code {size}}, {@code {remote}}, {@code {port}},
 * {@code {local}}, {@code {>id}}, {@code {>opcode}}, {@code {>do}}, {@code {>bufsize}}, {@code
 * {rcode}}, {@code {rsize}}, {@code {duration}}, {@code {>rflags}}). A metadata label {@code
 * {/NAME}} prints {@code -} (no plugin here sets metadata); any other {@code {...}} is literal text,
 * as in CoreDNS.
 */
final class LogFormat {

  static final String COMMON =
      "{remote}:{port} - {>id} \"{type} {class} {name} {proto} {size} {>do} {>bufsize}\" {rcode} {>rflags} {rsize} {duration}";
  static final String COMBINED = COMMON + " \"{>opcode}\"";

  private static final String EMPTY = "-";
  private static final Set<String> LABELS =
      Set.of(
          "{type}", "{name}", "{class}", "{proto}", "{size}", "{remote}", "{port}", "{local}", "{>id}",
          "{>opcode}", "{>do}", "{>bufsize}", "{rcode}", "{rsize}", "{duration}", "{>rflags}");

  /** One piece of the format: literal text, a label, or a metadata label. */
  private record Part(String text, boolean label, boolean metadata) {}

  private final List<Part> parts;

  private LogFormat(List<Part> parts) {
    this.parts = parts;
  }

  /** Compiles {@code format} the way CoreDNS's replacer parses it: each '}' closes the last '{'. */
  static LogFormat compile(String format) {
    List<Part> parts = new ArrayList<>();
    String s = format;
    while (true) {
      int j = s.indexOf('}');
      if (j < 0) {
        break;
      }
      int i = s.lastIndexOf('{', j);
      if (i < 0) {
        parts.add(new Part(s.substring(0, j + 1), false, false));
        s = s.substring(j + 1);
        continue;
      }
      String val = s.substring(i, j + 1);
      if (LABELS.contains(val) || val.startsWith("{/")) {
        if (i > 0) {
          parts.add(new Part(s.substring(0, i), false, false));
        }
        parts.add(new Part(val, LABELS.contains(val), !LABELS.contains(val)));
      } else {
        parts.add(new Part(s.substring(0, j + 1), false, false));
      }
      s = s.substring(j + 1);
    }
    if (!s.isEmpty()) {
      parts.add(new Part(s, false, false));
    }
    return new LogFormat(List.copyOf(parts));
  }

  /**
   * The line for one answered query.
   *
   * @param answer the answer sent, or null when the chain failed (the listener then sends SERVFAIL)
   * @param answerSize the answer's size in bytes, or -1 when unknown
   */
  String line(DnsRequest r, Message answer, int answerSize, long nanos) {
    StringBuilder b = new StringBuilder(160);
    for (Part p : parts) {
      if (p.metadata()) {
        b.append(EMPTY);
      } else if (!p.label()) {
        b.append(p.text());
      } else {
        append(b, p.text(), r, answer, answerSize, nanos);
      }
    }
    return b.toString();
  }

  private static void append(StringBuilder b, String label, DnsRequest r, Message answer, int size, long nanos) {
    Message q = r.query();
    switch (label) {
      case "{type}" -> b.append(Type.string(r.type()));
      case "{name}" -> b.append(r.name().toString().toLowerCase());
      case "{class}" -> b.append(DClass.string(r.dclass()));
      case "{proto}" -> b.append(r.protocol() == Protocol.TCP ? "tcp" : "udp");
      case "{size}" -> b.append(q.numBytes());
      case "{remote}" -> address(b, r.client());
      case "{port}" -> b.append(r.client().getPort());
      case "{local}" -> address(b, r.local());
      case "{>id}" -> b.append(q.getHeader().getID());
      case "{>opcode}" -> b.append(q.getHeader().getOpcode());
      case "{>do}" -> b.append(r.dnssecOk());
      case "{>bufsize}" -> b.append(bufsize(r));
      case "{rcode}" -> b.append(Rcode.string(answer == null ? Rcode.SERVFAIL : answer.getRcode()));
      case "{rsize}" -> b.append(size < 0 ? EMPTY : Integer.toString(size));
      case "{duration}" -> b.append(new BigDecimal(Double.toString(nanos / 1e9)).toPlainString()).append('s');
      case "{>rflags}" -> flags(b, answer == null ? null : answer.getHeader());
      default -> b.append(EMPTY);
    }
  }

  /** CoreDNS's request size: 64 KiB over TCP, else the advertised EDNS size, at least 512. */
  private static int bufsize(DnsRequest r) {
    if (r.protocol() == Protocol.TCP) {
      return 65535;
    }
    OPTRecord opt = r.query().getOPT();
    return opt == null ? 512 : Math.max(512, opt.getPayloadSize());
  }

  private static void address(StringBuilder b, InetSocketAddress a) {
    if (a == null) {
      b.append(EMPTY);
      return;
    }
    InetAddress ip = a.getAddress();
    String h = ip == null ? a.getHostString() : ip.getHostAddress();
    int zone = h.indexOf('%');
    h = zone >= 0 ? h.substring(0, zone) : h;
    if (h.indexOf(':') >= 0) {
      b.append('[').append(h).append(']');
    } else {
      b.append(h);
    }
  }

  private static void flags(StringBuilder b, Header h) {
    if (h == null) {
      b.append(EMPTY);
      return;
    }
    int start = b.length();
    int[] order = {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD};
    String[] names = {"qr", "aa", "tc", "rd", "ra", "ad", "cd"}; // z: never set in our answers
    for (int i = 0; i < order.length; i++) {
      if (h.getFlag(order[i])) {
        b.append(b.length() > start ? "," : "").append(names[i]);
      }
    }
  }
}
