/**
 * CoreDNS's Prometheus metrics that belong to no single plugin: the per-query {@code
 * coredns_dns_requests_total}, {@code coredns_dns_responses_total} and request-duration histogram
 * ({@link io.nodecache.metrics.DnsMetrics}, {@link io.nodecache.metrics.DurationHistograms},
 * recorded without allocation on the hot path), and the process-wide ones (build info, panics,
 * enabled plugins, node-cache's setup errors, JVM meters) in {@link
 * io.nodecache.metrics.ServerMetrics}. Used by {@code listen}, {@code node} and {@code server}; the
 * plugins register their own meters on the registry {@link io.nodecache.chain.PluginContext} gives
 * them. Depends on no other package of ours.
 */
package io.nodecache.metrics;
