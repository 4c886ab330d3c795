/**
 * CoreDNS's Prometheus metrics that belong to no single plugin: the per-query {@code
 * coredns_dns_requests_total}, {@code coredns_dns_responses_total}, {@code
 * coredns_dns_do_requests_total}, the request-duration histogram and the request- and response-size
 * histograms (CoreDNS's buckets; sizes as received and as sent, without TCP's length prefix) ({@link
 * io.nodecache.metrics.DnsMetrics}, {@link io.nodecache.metrics.DurationHistograms}, {@link
 * io.nodecache.metrics.SizeHistograms}, recorded without allocation on the hot path, fast and decoded
 * path alike), and the process-wide ones (build info, panics, enabled plugins, node-cache's setup
 * errors, the Prometheus client's {@code process_*} collector, JVM meters) in {@link
 * io.nodecache.metrics.ServerMetrics}. Used by {@code listen}, {@code node} and {@code server}; the
 * plugins register their own meters on the registry {@link io.nodecache.chain.PluginContext} gives
 * them. Depends on no other package of ours.
 *
 * <p>Client attribution: {@link io.nodecache.metrics.ClientStats} counts answers by rcode per client
 * pod (one counter increment on the hot path) and exports {@code
 * coredns_nodecache_client_requests_total{namespace,rcode}} with at most K + 1 namespace values
 * ({@code -client-metrics-top}, default 20): the K namespaces with the highest cumulative counts,
 * chosen at each scrape, and {@code other}. A namespace counts in its own series only while in the
 * top K and in {@code other} otherwise, switching at scrape boundaries; a series resumes from its last
 * value when its namespace comes back, so every series is monotonic and {@code rate()} is right
 * across changes of the top K ({@code ClientRequests} does the folding). A tick every 10 s snapshots
 * each pod's totals for the one-minute window of {@code /debug/clients} and retires idle pods into
 * their namespace's total. Clients the pod map does not know are not counted. Fed by strings ({@code
 * listen} resolves the client through the chain's {@code ClientDirectory}), so this package still
 * imports nothing of ours.
 */
package io.nodecache.metrics;
