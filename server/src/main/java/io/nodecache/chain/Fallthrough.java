package io.nodecache.chain;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code fallthrough [ZONES...]} option (its {@code plugin/pkg/fall}): a plugin that has no
 * answer for a name passes it to the next plugin instead of answering NXDOMAIN, for every name ({@code
 * all}, the option without arguments) or for names under {@code zones}.
 */
public record Fallthrough(boolean all, List<Name> zones) {

  /** No {@code fallthrough} option. */
  public static final Fallthrough NONE = new Fallthrough(false, List.of());

  public Fallthrough {
    zones = List.copyOf(zones);
  }

  /** Whether a name without an answer goes on to the next plugin. */
  public boolean matches(Name name) {
    if (all) {
      return true;
    }
    for (Name z : zones) {
      if (name.subdomain(z)) {
        return true;
      }
    }
    return false;
  }
}
