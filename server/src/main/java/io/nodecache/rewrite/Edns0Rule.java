package io.nodecache.rewrite;

import io.nodecache.chain.Protocol;
import io.nodecache.wire.FastQuery;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Address;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;

/** {@code edns0 local|nsid|subnet set|append|replace ...}: an EDNS0 option of the query. */
final class Edns0Rule extends Rules.Rule {

  enum Kind {
    LOCAL,
    NSID,
    SUBNET
  }

  enum Action {
    SET,
    APPEND,
    REPLACE
  }

  /** The variables a local option's data may name. */
  static final List<String> VARIABLES =
      List.of("{qname}", "{qtype}", "{client_ip}", "{client_port}", "{protocol}", "{server_ip}", "{server_port}");

  private static final int CODE_NSID = 3;
  private static final int CODE_SUBNET = 8;

  final Kind kind;
  final Action action;
  final int code;
  final byte[] data;
  final String variable;
  final int v4;
  final int v6;

  Edns0Rule(boolean stop, Kind kind, Action action, int code, byte[] data, String variable, int v4, int v6) {
    super(stop);
    this.kind = kind;
    this.action = action;
    this.code = kind == Kind.LOCAL ? code : kind == Kind.NSID ? CODE_NSID : CODE_SUBNET;
    this.data = data;
    this.variable = variable;
    this.v4 = v4;
    this.v6 = v6;
  }

  @Override
  List<Answers.Rule> apply(Rules.Query q) {
    EDNSOption option = option(q);
    if (option == null) {
      return null; // a variable without a value: CoreDNS leaves the query alone
    }
    OPTRecord opt = q.opt != null ? q.opt : new OPTRecord(4096, 0, 0);
    List<EDNSOption> options = new ArrayList<>(opt.getOptions());
    int at = -1;
    for (int i = 0; i < options.size() && at < 0; i++) {
      if (options.get(i).getCode() == code) {
        at = i;
      }
    }
    boolean done;
    if (at >= 0) {
      done = action != Action.APPEND;
      if (done) {
        options.set(at, option);
      }
    } else {
      done = action != Action.REPLACE;
      if (done) {
        options.add(option);
      }
    }
    // CoreDNS gives the query an OPT record (payload 4096) even when the rule changes nothing.
    q.opt(new OPTRecord(opt.getPayloadSize(), opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(), options));
    return done ? List.of() : null;
  }

  private EDNSOption option(Rules.Query q) {
    return switch (kind) {
      case NSID -> new NSIDOption(new byte[0]);
      case SUBNET -> {
        InetSocketAddress c = q.request.client();
        int bits = c.getAddress().getAddress().length == 4 ? v4 : v6;
        yield new ClientSubnetOption(bits, Address.truncate(c.getAddress(), bits));
      }
      case LOCAL -> {
        byte[] d = variable == null ? data : value(q);
        yield d == null ? null : new GenericEDNSOption(code, d);
      }
    };
  }

  private byte[] value(Rules.Query q) {
    InetSocketAddress client = q.request.client();
    InetSocketAddress local = q.request.local();
    return switch (variable) {
      case "{qname}" -> q.question.getName().toString().getBytes(StandardCharsets.UTF_8);
      case "{qtype}" -> twoBytes(q.question.getType());
      case "{client_ip}" -> client.getAddress().getAddress();
      case "{server_ip}" -> local == null ? null : local.getAddress().getAddress();
      case "{client_port}" -> twoBytes(client.getPort());
      case "{server_port}" -> local == null ? null : twoBytes(local.getPort());
      default -> (q.request.protocol() == Protocol.TCP ? "tcp" : "udp").getBytes(StandardCharsets.US_ASCII);
    };
  }

  private static byte[] twoBytes(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  /** Applies to every query: decoded. */
  @Override
  int fast(FastQuery q) {
    return 1;
  }
}
