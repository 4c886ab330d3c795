/**
 * The node's networking, as node-cache sets it up: {@link io.nodecache.node.NodeNetworking} keeps
 * the local IPs on their interface (a dummy link it creates if needed) and node-cache's NOTRACK and
 * accept rules in iptables/ip6tables (legacy or nft, chosen like iptables-wrappers) or in a native
 * {@code table inet nodecache}, reconciled periodically and removed on teardown. With {@code -failopen}
 * ({@code FailOpenRules}) DNS to every local IP is answered here only while a
 * socket of ours listens there (pods: the socket match; host network: a heartbeat the process sends),
 * and is DNATed to the cluster DNS endpoints otherwise; the endpoints come from {@code Main} (the
 * kubernetes plugin's view, or {@code -failopen-targets}), and conntrack entries of the fail-open
 * period are deleted at start. Failures are logged and counted in
 * {@code coredns_nodecache_setup_errors_total}. {@link
 * io.nodecache.node.Doctor} is {@code nodecache doctor}: read-only checks of the interface, rules,
 * conntrack and real queries, one PASS/FAIL line each. Driven by {@code io.nodecache.Main}; uses
 * {@code config} and {@code metrics}, and runs the system's binaries ({@code ip}, {@code
 * iptables-save}, {@code nft}, {@code conntrack}).
 */
package io.nodecache.node;
