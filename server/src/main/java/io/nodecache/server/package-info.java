/**
 * The process: {@link io.nodecache.server.NodeCache} builds a {@code Generation} (the server-level
 * settings, one {@link io.nodecache.chain.Chain} per server block, the routes of each listen
 * address) from a Corefile, binds the listeners and HTTP endpoints, swaps in a new generation on
 * reload without dropping a query, and stops gracefully (lameduck, drain). {@link
 * io.nodecache.server.ConfigSource} finds the Corefile ({@code -conf}, or node-cache's {@code
 * -basecorefile} template rendered with the kube-dns ConfigMap), {@link
 * io.nodecache.server.Reloader} is CoreDNS's {@code reload}, {@link io.nodecache.server.Signals}
 * handles SIGTERM/SIGINT and SIGUSR1. It also reads the directives that configure the server rather
 * than the chain: {@code bind}, {@code health}, {@code ready}, {@code prometheus}, {@code
 * reload}, {@code timeouts} ({@code TimeoutsConfig}: TCP read, write and idle timeouts per listen
 * address, 1 s to 24 h each, a later block on the address overriding what it sets), {@code debug}
 * (process-wide: undecodable queries dumped in CoreDNS's hex format, handler failures logged with
 * their stack trace), {@code pprof} (a thread dump at {@code /debug/pprof/goroutine} on its address,
 * default {@code localhost:6053}; {@code block} answered with a warning: the JVM has no blocking
 * profile) and {@code trace} (not implemented: one warning line at start). Its {@link io.nodecache.server.ServerState} (STARTING, SERVING, LAMEDUCK,
 * HANDED_OVER, STOPPING, STOPPED) changes in one place, {@code NodeCache.move}. Below {@code
 * io.nodecache}; it wires {@code listen}, {@code http} and {@code handoff}, and builds plugins
 * only through {@link io.nodecache.chain.PluginRegistry}.
 */
package io.nodecache.server;
