package io.nodecache.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The one serialization of the plugin (snapshot file, informers, the {@code -upstreamsvc} lookup), knowing
 * only the kinds we read. fabric8's default registers every kind it ships by loading each model class
 * through a service loader: some 680 classes, their annotations and reflection data, kept for the life of
 * the process (bench/RESULTS.md, Footprint notes). A kind not listed here still parses, as a generic
 * resource, and is skipped like any other kind we do not use.
 */
final class ModelKinds {

  private ModelKinds() {}

  static KubernetesSerialization serialization() {
    KubernetesSerialization s = new KubernetesSerialization(new ObjectMapper(), false);
    s.registerKubernetesResource(KubernetesList.class);
    s.registerKubernetesResource(Status.class);
    s.registerKubernetesResource(Namespace.class);
    s.registerKubernetesResource(NamespaceList.class);
    s.registerKubernetesResource(Service.class);
    s.registerKubernetesResource(ServiceList.class);
    s.registerKubernetesResource(EndpointSlice.class);
    s.registerKubernetesResource(EndpointSliceList.class);
    s.registerKubernetesResource(Pod.class);
    s.registerKubernetesResource(PodList.class);
    return s;
  }
}
