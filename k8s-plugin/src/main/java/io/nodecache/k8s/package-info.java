/**
 * The {@code kubernetes} plugin: CoreDNS's {@code kubernetes} directive, answering the cluster zone
 * (Kubernetes DNS-Based Service Discovery specification 1.1.0) from an in-memory view of the
 * cluster. It lives in its own module: the server's plugin list ({@code plugin.cfg}) names {@link
 * io.nodecache.k8s.K8sPluginFactory}, loaded by class name, and {@link
 * io.nodecache.k8s.ServiceLinkLookup} (for {@code -upstreamsvc}) is found through {@link
 * java.util.ServiceLoader}, so the server module never imports fabric8.
 *
 * <p>Syntax, as {@link io.nodecache.k8s.K8sConfig#parse K8sConfig.parse} accepts it:
 *
 * <pre>
 * kubernetes [ZONES...] {
 *     endpoint URL
 *     kubeconfig KUBECONFIG [CONTEXT]
 *     tls CERT KEY CACERT
 *     namespaces NAMESPACE...
 *     pods disabled|insecure|verified
 *     endpoint_pod_names
 *     ttl TTL
 *     noendpoints
 *     fallthrough [ZONES...]
 *     ignore empty_service
 *     startup_timeout DURATION
 *     snapshot FILE
 *     stale_after DURATION
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code ZONES}: the zones answered, default the server block's zones. PTR records are served
 *       for the reverse zones listed ({@code in-addr.arpa}, {@code ip6.arpa}). A zone that is not a
 *       valid domain name (such as {@code .svc}) is dropped silently, as CoreDNS does; when none is
 *       valid the directive is refused.
 *   <li>{@code endpoint URL}: one API server, {@code http://} or {@code https://}. {@code
 *       kubeconfig KUBECONFIG [CONTEXT]}: a kubeconfig file and optionally its context. Without
 *       either, the pod's service account is used when {@code KUBERNETES_SERVICE_HOST} is set.
 *   <li>{@code tls CERT KEY CACERT}: client certificate, key and CA files, used with {@code
 *       endpoint} only; with {@code kubeconfig} or in-cluster they are <em>ignored</em>.
 *   <li>{@code namespaces}: only these namespaces are exposed; default all.
 *   <li>{@code pods}: {@code a-b-c-d.NS.pod.ZONE} names; {@code disabled} (default) answers
 *       NXDOMAIN, {@code insecure} answers any well-formed address, {@code verified} only the
 *       address of a pod in that namespace (this watches every Pod).
 *   <li>{@code endpoint_pod_names}: an endpoint without a hostname is named after its pod (if the
 *       name is shorter than 64 characters) instead of its dashed IP.
 *   <li>{@code ttl}: TTL of the records, 0 to 3600, default 5 ({@code dns-version} TXT: 28800).
 *   <li>{@code noendpoints}: EndpointSlices are not watched; headless services and endpoint names
 *       answer NXDOMAIN.
 *   <li>{@code fallthrough [ZONES...]}: an NXDOMAIN for a name in these zones (all when none are
 *       given) goes to the next handler instead.
 *   <li>{@code ignore empty_service}: a ClusterIP service without a ready endpoint answers
 *       NXDOMAIN.
 *   <li>{@code startup_timeout DURATION} (0 to 1 h, Go-style or bare seconds): the start waits up to
 *       DURATION for the first sync, as CoreDNS; past it the server serves anyway, and until the
 *       first view exists queries for the zones go to the next handler (normally {@code forward} to
 *       the cluster DNS).
 *   <li>{@code snapshot FILE} (ours): a Kubernetes {@code List} in YAML or JSON loaded at start, so
 *       a node restarted while the API server is down still answers; rewritten from the live
 *       objects 30 s after changes and on stop. With no API source the file must exist.
 *   <li>{@code stale_after DURATION} (ours; off by default, 1 s to 24 h, Go-style or bare seconds): a
 *       bound on serving a view nobody updates. Without it, while the API server is unreachable the
 *       last view answers for as long as it takes. With it, once the view is older than DURATION with
 *       no watch connected, queries for the zones go to the next handler (normally {@code forward} to
 *       the cluster DNS; the fast path passes them too), until every watch is connected again. Older
 *       means: time since a missing watch was first seen (the disconnect, sampled every tenth of
 *       DURATION, 10 ms to 1 s, so never before DURATION has passed), or since start when no watch
 *       has connected yet (a view from the snapshot file). Needs an API source.
 * </ul>
 *
 * <p>Refused at start, each naming {@code file:line}: an endpoint that is not an http(s) URL;
 * {@code endpoint} together with {@code kubeconfig}; no source of cluster data (no endpoint,
 * kubeconfig or snapshot and not in a pod); a {@code pods} mode or {@code ignore} value not listed
 * above; a TTL outside 0 to 3600; a {@code stale_after} that is no duration, outside 1 s to 24 h, or
 * without an API source; a wrong argument count; an option with a block of its own; any
 * other option ({@code kubernetes: unknown option 'labels' (expected one of: ...)}), among them
 * CoreDNS's {@code labels}, {@code namespace_labels}, {@code multicluster}, {@code apiserver_qps},
 * {@code apiserver_burst} and {@code apiserver_max_inflight}; a second {@code kubernetes} in the
 * block.
 *
 * <p>Behaviour: informers on Services, EndpointSlices ({@code discovery.k8s.io/v1}), Namespaces
 * and, for {@code pods verified}, Pods, retried forever with a per-process jittered backoff, feed a
 * slim {@code ClusterState}; each change rebuilds the immutable {@code ClusterView} of the changed
 * services only (events within 20 ms go into one build). Answers: A/AAAA for ClusterIPs; ready
 * endpoint addresses for headless services (NXDOMAIN when none is ready); a CNAME for ExternalName,
 * followed when its target is in our zones; endpoint host names; SRV for {@code
 * _port._proto.SERVICE.NS.svc.ZONE} (one record a distinct target and port, every address of a
 * target as glue: two slices listing one hostname, or a dual-stack pod in the IPv4 and the IPv6 slice,
 * give one record); PTR in reverse zones; {@code dns-version.ZONE} TXT; SOA at the apex. No answer
 * holds a record twice (RFC 2181 §5). {@code ns.dns.ZONE} and the NS at the apex follow CoreDNS's rule
 * ({@code nsAddrs}): when the address the query arrived on is a ready endpoint of services, those
 * services (NS naming each, their cluster IPs, a headless one's endpoints, as glue); otherwise {@code
 * ns.dns.ZONE} with that address, so 169.254.20.10 for a node cache (with a wildcard listener: every
 * non-loopback interface address). These answers depend on the local address and are never memoized.
 * NODATA for
 * existing namespaces and the {@code svc} and {@code pod} labels; REFUSED for classes other than
 * IN. Answers are memoized as wire bytes per view and served on the fast path. The zones are
 * registered as {@link io.nodecache.chain.LocalZones}, so the block's {@code cache} never stores
 * them; {@code /ready} waits for the first view.
 *
 * <p>This node's pods (ours): when the process environment has {@code NODE_NAME} (the downward API's
 * {@code spec.nodeName}) and the plugin has an API server, one more informer watches the Pods with
 * {@code spec.nodeName=NODE_NAME} (about a hundred objects, cheap enough to run whenever it can) and
 * maps every {@code status.podIPs} address to the pod's namespace and name; hostNetwork pods (their
 * source is the node's address) and finished pods are left out ({@code NodePods}). The handler answers
 * {@link io.nodecache.chain.ClientDirectory} (who sent a query) and {@link
 * io.nodecache.chain.ClientSearchPath} ({@code <ns>.svc.<zone>}, {@code svc.<zone>}, {@code <zone>},
 * for {@code autopath @kubernetes}) from that map without allocating. The watch is not part of
 * {@code /ready} or of the view: until it has listed, or when RBAC does not allow {@code pods}
 * list/watch (logged once, retried), every client is unknown and answers are as without it. Without
 * {@code NODE_NAME} nothing of this runs.
 *
 * <p>Where this differs from CoreDNS's documentation:
 *
 * <ul>
 *   <li>{@code startup_timeout}: without the option CoreDNS waits 5 s by default; we do not wait
 *       unless it is given (queries go to the next handler until the view exists).
 *   <li>SRV weights: CoreDNS computes {@code floor(100 / N)} over the records before it drops the
 *       duplicates (a dual-stack service with one port gets weight 50 there); here N counts the
 *       records in the answer (weight 100). The weights of one answer are equal either way.
 *   <li>CoreDNS runs {@code cache} in front of {@code kubernetes} and caches its answers; here they
 *       are never cached, only memoized per view, so they are never older than the view.
 *   <li>{@code tls} given with {@code kubeconfig} is silently ignored (CoreDNS documents it as
 *       ignored in-cluster).
 *   <li>{@code snapshot} is ours; {@code endpoint} takes exactly one URL; {@code endpoint} and
 *       {@code kubeconfig} exclude each other; starting without any data source is refused.
 *   <li>The CoreDNS options listed above as refused are not supported; neither are the wildcard
 *       labels ({@code *}, {@code any}) that older CoreDNS releases documented: {@code *} is an
 *       ordinary label here.
 * </ul>
 *
 * <p><b>{@code k8s_external}</b> ({@link io.nodecache.k8s.K8sExternalPluginFactory}, chain position
 * between {@code hosts} and {@code kubernetes}, as in CoreDNS), answering names under other zones from
 * the same cluster view as the block's {@code kubernetes} handler (no second set of watches); its
 * zones, the root excepted, are registered as local zones, so the block's {@code cache} (which runs
 * first) never stores their answers, as for the cluster zone:
 *
 * <pre>
 * k8s_external [ZONES...] {
 *     apex APEX
 *     ttl TTL
 *     headless
 *     fallthrough [ZONES...]
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code ZONES}: default the server block's zones; the longest matching zone answers.
 *   <li>{@code SERVICE.NAMESPACE.ZONE} A/AAAA: the Service's external addresses, {@code
 *       spec.externalIPs} then the IPs of {@code status.loadBalancer.ingress}, each once, TTL {@code
 *       ttl} (0..3600, default 5). {@code [_PORT._PROTO.]SERVICE.NAMESPACE.ZONE} SRV: priority 0,
 *       weight floor(100/N) over every address and port before duplicates are dropped (CoreDNS's
 *       rule), one record per port, target {@code SERVICE.NAMESPACE.ZONE}, TTL the {@code kubernetes}
 *       plugin's; the addresses as additional records. A Service with no external address, or with
 *       no port matching the asked one, is NXDOMAIN, as an unknown service, an unknown or unexposed
 *       namespace, or a name of more than four labels below the zone; a bare namespace and other
 *       types are NOERROR without records; every empty answer has the zone's SOA.
 *   <li>{@code headless}: a headless Service without external addresses (or any such Service asked
 *       as {@code ENDPOINT.SERVICE.NAMESPACE.ZONE}) answers with its ready endpoints (their hostname,
 *       else the dashed address or, with {@code endpoint_pod_names}, the pod name), SRV targets
 *       {@code ENDPOINT.SERVICE.NAMESPACE.ZONE}.
 *   <li>PTR, when a reverse zone is one of ZONES: the Services holding that external address, as
 *       {@code SERVICE.NAMESPACE.<first zone>} (found by a pass over the view's services).
 *   <li>Apex: {@code ZONE SOA ns1.APEX.ZONE. hostmaster.APEX.ZONE. <view serial> 7200 1800 86400
 *       TTL}, {@code ZONE NS ns1.APEX.ZONE.} with its addresses as additional records; {@code
 *       ns1.APEX.ZONE} A/AAAA, {@code APEX.ZONE} NODATA, other names under it NXDOMAIN. {@code apex}
 *       (default {@code dns}) must be one DNS label.
 *   <li>{@code fallthrough [ZONES...]}: an NXDOMAIN for a name in ZONES (all when none) goes to the
 *       next plugin instead.
 * </ul>
 *
 * <p>Refused at start with {@code Corefile:LINE}: a block without {@code kubernetes} (CoreDNS starts
 * and passes every query on), a {@code ttl} outside 0..3600, an {@code apex} that is not one label,
 * arguments to {@code headless}, an unknown option, a zone that is not a DNS name. Differences from
 * CoreDNS: the name server addresses are those of {@code kubernetes}' own NS answer (the address the
 * query came in on, or the interface addresses for a wildcard listener), not the external IPs of the
 * CoreDNS service; a load balancer ingress given by hostname only is not answered (CoreDNS answers a
 * CNAME); while the {@code kubernetes} view is not built yet (or held back by {@code stale_after})
 * queries go to the next plugin; no {@code transfer}; answers are not cached.
 */
package io.nodecache.k8s;
