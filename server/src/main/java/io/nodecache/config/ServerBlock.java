package io.nodecache.config;

import java.util.List;
import java.util.Optional;

/** One server block: its zones with their port, and its directives in file order. */
public record ServerBlock(List<ZoneKey> keys, List<Directive> directives, Location where) {

  public ServerBlock {
    keys = List.copyOf(keys);
    directives = List.copyOf(directives);
  }

  public List<Directive> all(String name) {
    return directives.stream().filter(d -> d.name().equals(name)).toList();
  }

  public Optional<Directive> first(String name) {
    return directives.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  public int port() {
    return keys.get(0).port();
  }

  public List<String> zones() {
    return keys.stream().map(ZoneKey::zone).toList();
  }
}
