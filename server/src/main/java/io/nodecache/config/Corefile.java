package io.nodecache.config;

import java.util.List;

/** A parsed Corefile: its source name (for messages) and its server blocks in file order. */
public record Corefile(String source, List<ServerBlock> blocks) {
  public Corefile {
    blocks = List.copyOf(blocks);
  }
}
