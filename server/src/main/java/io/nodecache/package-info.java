/**
 * The command line, top of the layering. {@link io.nodecache.Main} parses the node-cache compatible
 * flags ({@link io.nodecache.config.Flags}), loads the Corefile, builds the server ({@code
 * server}), prepares the node's interface and rules ({@code node}), takes over a running instance's
 * sockets ({@code handoff}), wires SIGTERM and SIGUSR1, and maps the outcome to an exit code: 0
 * after a graceful stop, 1 when the server cannot start (or {@code loop} found a loop), 2 for a bad
 * flag or Corefile. {@code nodecache doctor} runs the node checks instead.
 *
 * <p>Layering, top to bottom: {@code io.nodecache} → {@code server}, {@code handoff} → {@code
 * listen}, {@code http}, {@code node} → plugins ({@code errors}, {@code log}, {@code loop}, {@code
 * hosts}, {@code kubernetes} in k8s-plugin, {@code cache}, {@code forward}) → {@code metrics} →
 * {@code chain} → {@code transport}, {@code wire}, {@code config} → {@code util}.
 */
package io.nodecache;
