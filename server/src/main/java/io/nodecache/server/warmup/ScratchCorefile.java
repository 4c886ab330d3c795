package io.nodecache.server.warmup;

import io.nodecache.chain.PluginRegistry;
import io.nodecache.config.Corefile;
import io.nodecache.config.Directive;
import io.nodecache.config.ServerBlock;
import io.nodecache.config.ZoneKey;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The throw-away Corefile the warm-up serves: the real one's server blocks and chain plugins, on
 * {@code 127.0.0.1} port 0, with every upstream replaced by the in-process stub. What it leaves out:
 *
 * <ul>
 *   <li>the server-level directives ({@code bind}, {@code health}, {@code ready}, {@code prometheus},
 *       {@code reload}): no probe, metrics or reload listener, no address of the node;
 *   <li>{@code log} (it would print every warm-up query) and {@code loop} (its probe, and its fatal
 *       stop, belong to the real listeners);
 *   <li>{@code kubernetes} unless it has a readable {@code snapshot} file: kept then with the API
 *       options ({@code endpoint}, {@code kubeconfig}, {@code tls}, {@code startup_timeout}, {@code
 *       stale_after}) removed, so it answers from the snapshot and never opens a watch; {@code
 *       autopath} goes with it when it is removed;
 *   <li>a later block's zones already served by an earlier block (two ports become one).
 * </ul>
 *
 * {@code forward FROM TO...} becomes {@code forward FROM STUB} with its options, minus the TLS ones.
 */
final class ScratchCorefile {

  static final String LOOPBACK = "127.0.0.1";

  private static final Set<String> LEFT_OUT = Set.of("log", "loop");
  private static final Set<String> API_OPTIONS =
      Set.of("endpoint", "kubeconfig", "tls", "startup_timeout", "stale_after");
  private static final Set<String> TLS_OPTIONS = Set.of("tls", "tls_servername");

  private ScratchCorefile() {}

  /** The blocks of {@code real} rewritten for the warm-up, forwarding to {@code stub}. */
  static Corefile of(Corefile real, PluginRegistry plugins, InetSocketAddress stub) {
    List<ServerBlock> blocks = new ArrayList<>();
    Set<String> zones = new HashSet<>();
    for (ServerBlock b : real.blocks()) {
      List<ZoneKey> keys = new ArrayList<>();
      for (ZoneKey k : b.keys()) {
        if (zones.add(k.zone())) {
          keys.add(new ZoneKey(k.zone(), 0));
        }
      }
      if (keys.isEmpty()) {
        continue;
      }
      boolean k8s = b.first("kubernetes").map(ScratchCorefile::snapshotReadable).orElse(false);
      List<Directive> ds = new ArrayList<>();
      ds.add(new Directive("bind", List.of(LOOPBACK), List.of(), b.where()));
      for (Directive d : b.directives()) {
        if (!plugins.known(d.name()) || !plugins.inChain(d.name()) || LEFT_OUT.contains(d.name())) {
          continue;
        }
        switch (d.name()) {
          case "forward" -> ds.add(forward(d, stub));
          case "kubernetes" -> {
            if (k8s) {
              ds.add(without(d, API_OPTIONS));
            }
          }
          case "autopath" -> {
            if (k8s || b.first("kubernetes").isEmpty()) {
              ds.add(d);
            }
          }
          default -> ds.add(d);
        }
      }
      blocks.add(new ServerBlock(keys, ds, b.where()));
    }
    return new Corefile(real.source() + " (warm-up)", blocks);
  }

  /** Whether the kubernetes block is {@code kubernetes ... { snapshot FILE }} with FILE readable. */
  static boolean snapshotReadable(Directive kubernetes) {
    for (Directive o : kubernetes.block()) {
      if (o.name().equals("snapshot") && o.args().size() == 1) {
        return Files.isReadable(Path.of(o.arg(0)));
      }
    }
    return false;
  }

  private static Directive forward(Directive d, InetSocketAddress stub) {
    List<String> args = new ArrayList<>();
    if (!d.args().isEmpty()) {
      args.add(d.arg(0));
    }
    args.add(stub.getAddress().getHostAddress() + ":" + stub.getPort());
    return new Directive(d.name(), args, without(d, TLS_OPTIONS).block(), d.where());
  }

  private static Directive without(Directive d, Set<String> options) {
    List<Directive> kept = d.block().stream().filter(o -> !options.contains(o.name())).toList();
    return new Directive(d.name(), d.args(), kept, d.where());
  }
}
