package io.nodecache.server;

import io.nodecache.chain.BlockPlugins;
import io.nodecache.chain.Chain;
import io.nodecache.chain.ClientDirectory;
import io.nodecache.chain.Handler;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.chain.PluginRegistry;
import io.nodecache.chain.ServerHooks;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.Directive;
import io.nodecache.config.ServerBlock;
import io.nodecache.config.ZoneKey;
import io.nodecache.listen.ClientAttribution;
import io.nodecache.listen.Router;
import io.nodecache.listen.TcpTimeouts;
import io.nodecache.metrics.ClientStats;
import io.nodecache.metrics.DnsMetrics;
import io.nodecache.metrics.ServerMetrics;
import io.nodecache.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything built from one Corefile: the server-level settings, the chain of each block and the
 * routes of each listen address. A reload builds a new generation and swaps it in whole.
 */
record Generation(
    Corefile corefile,
    ServerConfig server,
    List<Chain> chains,
    Map<InetSocketAddress, List<Router.Route>> routes,
    Map<InetSocketAddress, TcpTimeouts> timeouts) {

  /** Validates every directive and builds every handler; binds nothing, starts nothing. */
  static Generation build(
      Setup setup, Corefile corefile, Transport transport, ScheduledExecutorService scheduler, ServerHooks hooks)
      throws ConfigException {
    PluginRegistry plugins = setup.plugins();
    ServerConfig server = ServerConfig.of(corefile);
    List<Chain> chains = new ArrayList<>();
    Map<InetSocketAddress, List<Router.Route>> routes = new LinkedHashMap<>();
    Map<InetSocketAddress, TcpTimeouts> timeouts = new HashMap<>();
    List<BlockPlugins> blocks = new ArrayList<>();
    ServedZones served = new ServedZones();
    for (ServerBlock block : corefile.blocks()) {
      Map<String, List<Directive>> byName = new HashMap<>();
      for (Directive d : block.directives()) {
        if (!plugins.known(d.name())) {
          throw new ConfigException(d.where(), "unknown directive '" + d.name() + "'");
        }
        if (plugins.inChain(d.name())) {
          PluginFactory f =
              plugins.factory(d.name())
                  .orElseThrow(() -> d.error("directive is not available in this build (plugin missing from the classpath)"));
          List<Directive> same = byName.computeIfAbsent(d.name(), n -> new ArrayList<>());
          if (!same.isEmpty() && !f.repeatable()) {
            throw d.error("appears twice in this server block");
          }
          same.add(d);
        }
      }
      List<InetSocketAddress> binds = ServerConfig.binds(block);
      TcpTimeouts blockTimeouts = TimeoutsConfig.of(block);
      boolean bound = !block.all("bind").isEmpty();
      String label = serverLabel(bound ? binds.get(0) : null, block.port());
      PluginContext ctx =
          new PluginContext(
              block, label, setup.meters(), setup.ticker(), transport, scheduler, new LocalZones(), setup.env(), hooks, new BlockPlugins());
      List<Handler> handlers = new ArrayList<>();
      try {
        for (String name : plugins.chainOrder()) {
          List<Directive> d = byName.get(name);
          if (d != null) {
            handlers.add(plugins.factory(name).orElseThrow().create(d, ctx));
          }
        }
      } catch (ConfigException | RuntimeException e) {
        new Chain(handlers).stop();
        chains.forEach(Chain::stop);
        throw e;
      }
      ctx.plugins().set(handlers);
      blocks.add(ctx.plugins());
      Chain chain = new Chain(handlers);
      chains.add(chain);
      List<String> names = handlers.stream().map(Handler::name).toList();
      for (ZoneKey key : block.keys()) {
        for (InetSocketAddress addr : ServerConfig.binds(block, key.port())) {
          String serverName = serverLabel(bound ? addr : null, key.port());
          String zone = key.zone();
          try {
            served.claim(zone, key.port(), bound ? hostOf(addr) : "", serverName, block, chain.filtered());
          } catch (ConfigException e) {
            chains.forEach(Chain::stop);
            throw e;
          }
          timeouts.merge(addr, blockTimeouts, TcpTimeouts::then);
          routes.computeIfAbsent(addr, a -> new ArrayList<>())
              .add(Router.route(zone, chain, new DnsMetrics(setup.meters(), serverName, zone, names)));
          for (String n : names) {
            ServerMetrics.pluginEnabled(setup.meters(), serverName, zone, n);
          }
        }
      }
    }
    ClientAttribution clients = attribution(setup, blocks, scheduler);
    routes.replaceAll((addr, list) -> list.stream().map(r -> r.withClients(clients)).toList());
    return new Generation(corefile, server, List.copyOf(chains), routes, Map.copyOf(timeouts));
  }

  /**
   * Client attribution for every route of the generation: the pod map is the node's, whatever zone is
   * asked, so the first block that has a {@link ClientDirectory} (the kubernetes plugin) serves all of
   * them. Off when {@code -client-metrics-top} is 0 or no block has a directory.
   */
  private static ClientAttribution attribution(
      Setup setup, List<BlockPlugins> blocks, ScheduledExecutorService scheduler) {
    if (setup.clientMetricsTop() == 0) {
      return ClientAttribution.NONE;
    }
    ClientDirectory directory =
        blocks.stream().map(b -> b.first(ClientDirectory.class)).flatMap(Optional::stream).findFirst().orElse(null);
    if (directory == null) {
      return ClientAttribution.NONE;
    }
    return ClientAttribution.of(
        directory, ClientStats.of(setup.meters().getPrometheusRegistry(), setup.clientMetricsTop(), scheduler));
  }

  /** CoreDNS's {@code server} label: {@code dns://ADDRESS:PORT}, or {@code dns://:PORT} without bind. */
  static String serverLabel(InetSocketAddress addr, int port) {
    return "dns://" + (addr == null ? "" : hostOf(addr)) + ":" + port;
  }

  static String hostOf(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return h.contains(":") ? "[" + h + "]" : h;
  }

  void start() throws Exception {
    for (Chain c : chains) {
      c.start();
    }
  }

  void stop() {
    chains.forEach(Chain::stop);
  }

  boolean ready() {
    return chains.stream().allMatch(Chain::ready);
  }

  List<String> notReady() {
    List<String> waiting = new ArrayList<>();
    chains.forEach(c -> waiting.addAll(c.notReady()));
    return waiting;
  }
}
