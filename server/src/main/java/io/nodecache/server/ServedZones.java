package io.nodecache.server;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Location;
import io.nodecache.config.ServerBlock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CoreDNS's check that no two server blocks serve the same zone on the same port and address: the
 * same zone and port may appear in several blocks only with distinct {@code bind} addresses, and a
 * block without {@code bind} (all addresses) overlaps every bound one of that zone and port. A block
 * with a {@code view} is checked against the blocks without one claimed before it but claims nothing
 * (CoreDNS's {@code validateZonesAndListeningAddresses}): views of one zone may share an address, and
 * must come before the block without a view that takes the rest.
 */
final class ServedZones {

  /** zone:port to the address of each block serving it ("" for all addresses) and where. */
  private final Map<String, Map<String, Location>> served = new HashMap<>();

  void claim(String zone, int port, String address, String serverName, ServerBlock block, boolean filtered)
      throws ConfigException {
    Map<String, Location> byAddress = served.computeIfAbsent(zone + ":" + port, k -> new LinkedHashMap<>());
    Location before = byAddress.get(address);
    if (before != null) {
      throw new ConfigException(block.where(), "zone '" + zone + "' is defined twice for " + serverName + " (also at " + before + ")");
    }
    if (address.isEmpty() && !byAddress.isEmpty()) {
      var other = byAddress.entrySet().iterator().next();
      throw new ConfigException(
          block.where(),
          "zone '" + zone + "' on port " + port + " without bind overlaps the block at " + other.getValue() + " bound to "
              + other.getKey() + " (give every block of this zone and port its own bind addresses)");
    }
    Location all = byAddress.get("");
    if (!address.isEmpty() && all != null) {
      throw new ConfigException(
          block.where(),
          "zone '" + zone + "' on port " + port + " bound to " + address + " overlaps the block at " + all
              + " that serves it on all addresses (give every block of this zone and port its own bind addresses)");
    }
    if (!filtered) {
      byAddress.put(address, block.where());
    }
  }
}
