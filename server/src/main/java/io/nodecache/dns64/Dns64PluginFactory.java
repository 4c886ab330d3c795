package io.nodecache.dns64;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@code dns64 [PREFIX] { prefix PREFIX, translate_all, allow_ipv4 }}; default prefix 64:ff9b::/96. */
public final class Dns64PluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "dns64";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(0, 1);
    byte[] prefix = d.args().isEmpty() ? parse(d, "64:ff9b::/96") : parse(d, d.arg(0));
    boolean translateAll = false;
    boolean allowIpv4 = false;
    for (Directive o : d.block()) {
      switch (o.name()) {
        case "prefix" -> prefix = parse(o, o.expectArgs(1, 1).arg(0));
        case "translate_all" -> {
          o.expectArgs(0, 0);
          translateAll = true;
        }
        case "allow_ipv4" -> {
          o.expectArgs(0, 0);
          allowIpv4 = true;
        }
        default -> throw d.unknownOption(o, "prefix", "translate_all", "allow_ipv4");
      }
    }
    return new Dns64(prefix, translateAll, allowIpv4);
  }

  /**
   * An IPv6 prefix {@code ADDRESS/LENGTH} with LENGTH one of RFC 6052's 32, 40, 48, 56, 64, 96, as
   * 17 bytes: the address with the bits past LENGTH cleared, then LENGTH.
   */
  static byte[] parse(Directive d, String text) throws ConfigException {
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    if (slash < 0 || !addr.contains(":") || !addr.matches("[0-9A-Fa-f:.]+")) {
      throw d.error("'" + text + "' is not an IPv6 prefix (ADDRESS/LENGTH, e.g. 64:ff9b::/96)");
    }
    int length;
    try {
      length = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw d.error("'" + text + "' is not an IPv6 prefix (ADDRESS/LENGTH, e.g. 64:ff9b::/96)");
    }
    if (length != 32 && length != 40 && length != 48 && length != 56 && length != 64 && length != 96) {
      throw d.error("invalid prefix length in '" + text + "' (expected 32, 40, 48, 56, 64 or 96)");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw d.error("'" + text + "' is not an IPv6 prefix (ADDRESS/LENGTH, e.g. 64:ff9b::/96)");
    }
    if (bytes.length != 16) {
      throw d.error("'" + text + "' is not an IPv6 prefix (ADDRESS/LENGTH, e.g. 64:ff9b::/96)");
    }
    byte[] out = new byte[17];
    System.arraycopy(bytes, 0, out, 0, length / 8);
    out[16] = (byte) length;
    return out;
  }
}
