package io.nodecache.k8s;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.time.Duration;
import java.time.Instant;
import org.xbill.DNS.Name;

/**
 * Builds the {@code kubernetes} handler from its Corefile directive. The server names this class in
 * its plugin list ({@code plugin.cfg}) and loads it by name, so the server module never imports
 * fabric8 and a build without this module refuses the directive.
 */
public final class K8sPluginFactory implements PluginFactory {

  /** Events within this window go into one new view. */
  static final Duration REBUILD_DELAY = Duration.ofMillis(20);

  /** Changes within this window go into one snapshot write (a large cluster's file takes a while). */
  static final Duration SNAPSHOT_DELAY = Duration.ofSeconds(30);

  @Override
  public String name() {
    return "kubernetes";
  }

  @Override
  public Handler create(Directive directive, PluginContext context) throws ConfigException {
    K8sConfig config = K8sConfig.parse(directive, context.block().zones(), context.env());
    for (Name zone : config.zones()) {
      context.localZones().add(zone.toString());
    }
    KubernetesPlugin plugin = new KubernetesPlugin(
        config,
        context.scheduler(),
        context.meters(),
        context.serverLabel(),
        () -> Instant.now().getEpochSecond(),
        REBUILD_DELAY,
        SNAPSHOT_DELAY);
    String node = context.env().get("NODE_NAME"); // the downward API's spec.nodeName
    return node == null || node.isBlank() ? plugin : plugin.watchNode(node.strip());
  }
}
