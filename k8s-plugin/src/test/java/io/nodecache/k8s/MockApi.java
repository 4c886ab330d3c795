package io.nodecache.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeoutException;

/** fabric8's mock API server in CRUD mode on loopback, with an admin client and a kubeconfig file. */
final class MockApi implements AutoCloseable {

  final KubernetesMockServer server;
  final KubernetesClient admin;

  /** Starts on {@code port} (0: any free port). */
  MockApi(int port) {
    this(port, false);
  }

  /**
   * Starts on {@code port}; with {@code dropNodeSelector}, the {@code spec.nodeName} field selector of
   * pod lists and watches is dropped before the CRUD dispatcher sees it (it answers an empty list for
   * field selectors it does not know; a real API server supports this one), so every pod comes back
   * and the client's own check is what keeps other nodes' pods out. The recorded request keeps it.
   */
  @SuppressWarnings("deprecation") // the mock server's own extension builds its Context this way
  MockApi(int port, boolean dropNodeSelector) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    Dispatcher crud = new KubernetesMixedDispatcher(responses);
    server = new KubernetesMockServer(
        new Context(Serialization.jsonMapper()), http11(), responses,
        dropNodeSelector ? new NodeSelectorDropped(crud) : crud, false);
    if (port == 0) {
      server.init();
    } else {
      server.init(InetAddress.getLoopbackAddress(), port);
    }
    admin = server.createClient(b -> b.withHttpClientFactory(new JdkHttpClientFactory()));
  }

  /** Hands requests on without a {@code spec.nodeName=...} field selector. */
  private static final class NodeSelectorDropped extends Dispatcher {
    private final Dispatcher crud;

    NodeSelectorDropped(Dispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest r) {
      String path = r.getPath();
      if (path == null || !path.contains("fieldSelector=spec.nodeName")) {
        return crud.dispatch(r);
      }
      String stripped = path.replaceAll("fieldSelector=spec\\.nodeName%3D[^&]*&?", "").replaceAll("[?&]$", "");
      return crud.dispatch(new RecordedRequest(r.getHttpVersion(), r.method(), stripped, r.getHeaders(), r.getBody()));
    }

    @Override
    public void shutdown() {
      crud.shutdown();
    }
  }

  int port() {
    return server.getPort();
  }

  /** Writes a kubeconfig whose context {@code mock} points at this server. */
  Path kubeconfig(Path dir) throws IOException {
    return kubeconfig(dir, server.getHostName(), port());
  }

  /** Writes a kubeconfig for a server that may not be running yet. */
  static Path kubeconfig(Path dir, String host, int port) throws IOException {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: http://%s:%d
        users:
        - name: tester
          user:
            token: not-a-secret
        contexts:
        - name: mock
          context:
            cluster: mock
            user: tester
            namespace: default
        current-context: mock
        """.formatted(host, port);
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, yaml);
    return file;
  }

  @Override
  public void close() {
    admin.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // fabric8's mock (7.8.0 and 7.9.0): when a client closes a watch while an event to it is being
      // sent, WatchEventsListener.onClosed waits on the Vert.x event loop for its send executor, whose
      // send waits for that same event loop; the loop is stuck until the send times out, and the
      // shutdown's own 10 s limit passes first. The server is ours to stop, not under test: the
      // stuck loop frees itself and its threads end with the test JVM.
      if (!(e.getCause() instanceof TimeoutException)) {
        throw e;
      }
    }
  }

  /**
   * Without h2c, the upgrade to HTTP/2 over plain HTTP that the JDK client asks for and a real API
   * server (TLS) never grants; fabric8 warns that accepting it makes framing non-deterministic.
   */
  static MockWebServer http11() {
    MockWebServer web = new MockWebServer();
    web.setHttp2ClearTextEnabled(false);
    return web;
  }
}
