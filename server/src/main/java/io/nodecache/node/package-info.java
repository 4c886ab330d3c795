/**
 * The node's networking, as node-cache sets it up: {@link io.nodecache.node.NodeNetworking} keeps
 * the local IPs on their interface (a dummy link it creates if needed) and node-cache's NOTRACK and
 * accept rules in iptables/ip6tables (legacy or nft, chosen like iptables-wrappers) or in a native
 * {@code table inet nodecache}, reconciled periodically and removed on teardown; failures are
 * logged and counted in {@code coredns_nodecache_setup_errors_total}. {@link
 * io.nodecache.node.Doctor} is {@code nodecache doctor}: read-only checks of the interface, rules,
 * conntrack and real queries, one PASS/FAIL line each. Driven by {@code io.nodecache.Main}; uses
 * {@code config} and {@code metrics}, and runs the system's binaries ({@code ip}, {@code
 * iptables-save}, {@code nft}).
 */
package io.nodecache.node;
