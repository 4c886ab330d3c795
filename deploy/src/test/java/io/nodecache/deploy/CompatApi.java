package io.nodecache.deploy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;

/**
 * The compatibility suite's API server, as a process of its own: fabric8's CRUD mock listening on an
 * address inside the node's network namespace, where the suite starts it. A host address would put
 * the pod's API traffic through the host's own firewall, which the suite does not control.
 *
 * <p>Arguments: the address to listen on and a file that gets the port once the objects exist. It
 * runs until its standard input closes, which happens when the test JVM ends.
 */
final class CompatApi {

  private CompatApi() {}

  @SuppressWarnings("deprecation") // the mock server's own extension builds its Context this way
  public static void main(String[] args) throws Exception {
    MockWebServer web = new MockWebServer();
    web.setHttp2ClearTextEnabled(false); // as a real API server over plain HTTP: HTTP/1.1 only
    KubernetesMockServer api = new KubernetesMockServer(new Context(Serialization.jsonMapper()), web,
        new HashMap<>(), new KubernetesMixedDispatcher(new HashMap<>()), false);
    api.init(InetAddress.getByName(args[0]), 0);
    try (KubernetesClient admin = api.createClient(b -> b.withHttpClientFactory(new JdkHttpClientFactory()))) {
      for (String ns : List.of("default", "kube-system")) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
      service(admin, "default", "kubernetes", "10.96.0.1", "https", 443, "TCP");
      service(admin, "kube-system", "kube-dns", "10.96.0.10", "dns", 53, "UDP");
      service(admin, "default", "web", "10.96.0.20", "http", 80, "TCP");
      service(admin, "default", "ext", "10.96.0.30", "http", 80, "TCP", "203.0.113.10");
    }
    Path ready = Path.of(args[1]);
    Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
    Files.writeString(tmp, String.valueOf(api.getPort()));
    Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
    while (System.in.read() >= 0) {
      // runs until the test JVM, which holds the other end, goes away
    }
    api.destroy();
  }

  private static void service(KubernetesClient admin, String ns, String name, String ip, String port, int number,
      String protocol, String... externalIps) {
    admin.services().inNamespace(ns).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withClusterIP(ip).withClusterIPs(ip).withType("ClusterIP").withExternalIPs(externalIps)
        .addNewPort().withName(port).withPort(number).withProtocol(protocol).endPort()
        .endSpec().build()).create();
  }

}
