package io.nodecache.view;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Protocol;
import io.nodecache.view.Expr.EvalError;
import io.nodecache.view.Expr.Node;
import io.nodecache.view.Expr.Kind;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Type;

/**
 * The functions of CoreDNS's view expressions ({@code plugin/pkg/expression}), over one request. As
 * in CoreDNS, IPv6 addresses come in brackets ({@code [::1]}) and ports as strings.
 */
final class Functions {

  private record Zero(Kind type, Function<DnsRequest, Object> f) {}

  private static final Map<String, Zero> NO_ARGS = new TreeMap<>();

  static {
    NO_ARGS.put("bufsize", new Zero(Kind.INT, Functions::bufsize));
    NO_ARGS.put("class", new Zero(Kind.STRING, r -> DClass.string(r.dclass())));
    NO_ARGS.put("client_ip", new Zero(Kind.STRING, r -> ip(r.client())));
    NO_ARGS.put("do", new Zero(Kind.BOOL, DnsRequest::dnssecOk));
    NO_ARGS.put("id", new Zero(Kind.INT, r -> (long) r.query().getHeader().getID()));
    NO_ARGS.put("name", new Zero(Kind.STRING, r -> r.name().toString().toLowerCase(Locale.ROOT)));
    NO_ARGS.put("opcode", new Zero(Kind.INT, r -> (long) r.query().getHeader().getOpcode()));
    NO_ARGS.put("port", new Zero(Kind.STRING, r -> Integer.toString(r.client().getPort())));
    NO_ARGS.put("proto", new Zero(Kind.STRING, r -> r.protocol() == Protocol.TCP ? "tcp" : "udp"));
    NO_ARGS.put("server_ip", new Zero(Kind.STRING, r -> ip(r.local())));
    NO_ARGS.put("server_port", new Zero(Kind.STRING, r -> Integer.toString(r.local().getPort())));
    NO_ARGS.put("size", new Zero(Kind.INT, r -> (long) Math.max(r.query().numBytes(), 0)));
    NO_ARGS.put("type", new Zero(Kind.STRING, r -> Type.string(r.type())));
  }

  private Functions() {}

  /** The function {@code name} applied to {@code args}, type-checked; unknown names are refused. */
  static Node call(String name, List<Node> args) {
    Zero z = NO_ARGS.get(name);
    if (z != null) {
      if (!args.isEmpty()) {
        throw new IllegalArgumentException(name + "() takes no arguments");
      }
      return new Ops.Value(z.type(), z.f());
    }
    if (name.equals("incidr")) {
      return incidr(args);
    }
    if (name.equals("metadata")) {
      throw new IllegalArgumentException("metadata() is not supported by nodecache (it has no metadata plugin)");
    }
    throw new IllegalArgumentException(
        "unknown function '" + name + "' (expected one of: " + String.join(", ", NO_ARGS.keySet()) + ", incidr)");
  }

  /** CoreDNS's {@code request.Size}: 65535 over TCP, else the advertised size, at least 512. */
  private static Object bufsize(DnsRequest r) {
    if (r.protocol() == Protocol.TCP) {
      return 65535L;
    }
    OPTRecord opt = r.query().getOPT();
    return (long) Math.max(512, opt == null ? 0 : opt.getPayloadSize());
  }

  private static String ip(InetSocketAddress a) {
    String s = a.getAddress().getHostAddress();
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    return s.contains(":") ? "[" + s + "]" : s;
  }

  private static Node incidr(List<Node> args) {
    if (args.size() != 2) {
      throw new IllegalArgumentException("incidr(ip, cidr) takes 2 arguments, got " + args.size());
    }
    Ops.want(args.get(0), Kind.STRING, "incidr");
    Ops.want(args.get(1), Kind.STRING, "incidr");
    Node ip = args.get(0);
    Node cidr = args.get(1);
    if (cidr instanceof Ops.Literal lit) {
      Cidr fixed = Cidr.parse((String) lit.value());
      if (fixed == null) {
        throw new IllegalArgumentException("incidr: '" + lit.value() + "' is not a CIDR");
      }
      return new Ops.Bool(r -> fixed.contains(address((String) ip.eval(r))));
    }
    return new Ops.Bool(
        r -> {
          Cidr c = Cidr.parse((String) cidr.eval(r));
          if (c == null) {
            throw new EvalError("not a CIDR");
          }
          return c.contains(address((String) ip.eval(r)));
        });
  }

  /** An IP literal, brackets allowed; never a lookup. */
  static byte[] address(String s) {
    String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    byte[] b = Address.toByteArray(t, Address.IPv4);
    if (b == null) {
      b = Address.toByteArray(t, Address.IPv6);
    }
    if (b == null) {
      throw new EvalError("first argument is not an IP address");
    }
    return b;
  }

  /** A network: its address bytes and prefix length. */
  record Cidr(byte[] network, int bits) {

    static Cidr parse(String s) {
      int slash = s.indexOf('/');
      if (slash < 0) {
        return null;
      }
      byte[] b;
      try {
        b = address(s.substring(0, slash));
      } catch (EvalError e) {
        return null;
      }
      String len = s.substring(slash + 1);
      if (!len.matches("\\d{1,3}")) {
        return null;
      }
      int bits = Integer.parseInt(len);
      return bits > b.length * 8 ? null : new Cidr(b, bits);
    }

    boolean contains(byte[] ip) {
      byte[] a = ip;
      if (a.length == 16 && network.length == 4 && isMapped(a)) {
        a = new byte[] {a[12], a[13], a[14], a[15]};
      }
      if (a.length != network.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    private static boolean isMapped(byte[] a) {
      for (int i = 0; i < 10; i++) {
        if (a[i] != 0) {
          return false;
        }
      }
      return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
  }
}
