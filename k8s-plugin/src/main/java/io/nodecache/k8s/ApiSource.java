package io.nodecache.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on Services, EndpointSlices (discovery.k8s.io/v1) and Namespaces, plus Pods for {@code
 * pods verified}. Lists come from the API server's watch cache (fabric8 lists with {@code
 * resourceVersion=0} when no page limit is set); the informers' own stores keep only keys and resource
 * versions (the slim records live in {@link ClusterState}); failures are retried forever with an
 * exponential backoff whose base is jittered per process, so nodes do not reconnect in step.
 */
final class ApiSource implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiSource.class);

  private final K8sConfig config;
  private final ClusterState state;
  private final Slimmer slimmer;
  private final RandomGenerator random;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Config clientConfig;
  private volatile KubernetesClient client;

  /**
   * Reads the client configuration (the kubeconfig, the endpoint or the service account) at once, so
   * that a configuration the client cannot use fails the start; {@link #start} builds the client.
   */
  ApiSource(K8sConfig config, ClusterState state, Slimmer slimmer, RandomGenerator random) {
    this.config = config;
    this.state = state;
    this.slimmer = slimmer;
    this.random = random;
    this.clientConfig = clientConfig();
  }

  /**
   * {@code startup_timeout}: waits up to {@code limit} for the first sync before the server serves,
   * as CoreDNS does; past it the server serves anyway and the zones go to the next handler until the
   * view exists. Null or zero: no wait.
   */
  static void awaitFirstSync(CompletableFuture<Void> synced, Duration limit) throws InterruptedException {
    if (limit == null || limit.isZero()) {
      return;
    }
    try {
      synced.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn("kubernetes: not synced after startup_timeout {}; serving, the zones go to the next handler until then", limit);
    } catch (ExecutionException e) {
      log.warn("kubernetes: first sync failed: {}", e.getCause().toString());
    }
  }

  /** Starts the informers; the result completes once every one has listed (and never fails). */
  CompletableFuture<Void> start() {
    client =
        new KubernetesClientBuilder()
            .withConfig(clientConfig)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .withKubernetesSerialization(ModelKinds.serialization())
            .build();
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    synced.add(
        inform(client.services().inAnyNamespace(), Service.class,
            s -> state.putService(slimmer.service(s)),
            s -> state.removeService(s.getMetadata().getNamespace(), s.getMetadata().getName())));
    synced.add(
        inform(client.namespaces(), Namespace.class,
            n -> state.putNamespace(slimmer.namespace(n)),
            n -> state.removeNamespace(Slimmer.lower(n.getMetadata().getName()))));
    if (!config.noEndpoints()) {
      synced.add(
          inform(client.discovery().v1().endpointSlices().inAnyNamespace(), EndpointSlice.class,
              s -> state.putSlice(slimmer.slice(s)),
              s -> state.removeSlice(s.getMetadata().getNamespace(), s.getMetadata().getName())));
    }
    if (config.pods() == K8sConfig.PodMode.VERIFIED) {
      synced.add(
          inform(client.pods().inAnyNamespace(), Pod.class,
              p -> state.putPod(slimmer.pod(p), p.getMetadata().getNamespace(), p.getMetadata().getName()),
              p -> state.removePod(p.getMetadata().getNamespace(), p.getMetadata().getName())));
    }
    return CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new));
  }

  private <T extends HasMetadata> CompletableFuture<Void> inform(
      Informable<T> source, Class<T> type, Consumer<T> put, Consumer<T> remove) {
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    informer
        // Only key and resourceVersion stay in the informer's store: no second copy of full objects.
        .itemStore(
            new ReducedStateItemStore<>(
                ReducedStateItemStore.NAME_KEY_STATE, type, client.getKubernetesSerialization()))
        // Retry every failure, the first list included, with the client's backoff. fabric8's Reflector
        // logs each failed list or watch (after the client's own request retries, ~20 s at first).
        .exceptionHandler((started, t) -> true)
        .addEventHandler(
            new ResourceEventHandler<T>() {
              @Override
              public void onAdd(T obj) {
                put.accept(obj);
              }

              @Override
              public void onUpdate(T oldObj, T newObj) {
                put.accept(newObj);
              }

              @Override
              public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                remove.accept(obj);
              }
            });
    informers.add(informer);
    return informer.start().toCompletableFuture();
  }

  private Config clientConfig() {
    Config c;
    if (config.kubeconfig() != null) {
      c = Config.fromKubeconfig(config.context(), new File(config.kubeconfig()));
    } else if (config.endpoint() != null) {
      ConfigBuilder b = new ConfigBuilder(Config.empty()).withMasterUrl(config.endpoint());
      if (!config.tls().isEmpty()) {
        b.withClientCertFile(config.tls().get(0))
            .withClientKeyFile(config.tls().get(1))
            .withCaCertFile(config.tls().get(2));
      }
      c = b.build();
    } else {
      c = Config.autoConfigure(null); // in a pod: the service account
    }
    // fabric8 doubles the interval per failed attempt up to 32x; a per-process base between 0.5 s and
    // 1.5 s spreads thousands of nodes over time after an API server restart.
    c.setWatchReconnectInterval(500 + random.nextInt(1000));
    c.setWatchReconnectLimit(-1);
    return c;
  }

  /** The client, once {@link #start} ran (for the watch of this node's pods). */
  KubernetesClient client() {
    return client;
  }

  boolean watching() {
    return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::isWatching);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
    informers.clear();
    if (client != null) {
      client.close();
    }
  }
}
