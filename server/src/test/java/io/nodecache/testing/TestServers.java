package io.nodecache.testing;

import io.nodecache.server.Setup;
import io.nodecache.server.NodeCache;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.CorefileParser;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Starts a real server from Corefile text on loopback, for end-to-end tests. */
public final class TestServers {

  private TestServers() {}

  public static Corefile parse(String corefile) throws ConfigException {
    return new CorefileParser("Corefile", Map.of(), 53).parse(corefile);
  }

  /** Builds and starts a server; the caller closes it. */
  public static NodeCache start(String corefile, PluginFactory... extra) throws Exception {
    return start(corefile, s -> s, extra);
  }

  public static NodeCache start(
      String corefile, UnaryOperator<Setup> tweak, PluginFactory... extra) throws Exception {
    Setup setup =
        tweak.apply(Setup.of(parse(corefile)).withPlugins(List.of(extra)));
    NodeCache n = NodeCache.build(setup);
    try {
      n.start();
    } catch (Exception e) {
      n.close();
      throw e;
    }
    return n;
  }

  /** The first DNS address of a started server. */
  public static InetSocketAddress dns(NodeCache n) {
    return n.dnsAddresses().get(0);
  }
}
