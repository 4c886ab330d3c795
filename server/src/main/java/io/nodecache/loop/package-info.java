/**
 * The {@code loop} plugin: CoreDNS's {@code loop} directive, which detects a simple forwarding loop
 * at start and stops the process.
 *
 * <p>Syntax, as {@link io.nodecache.loop.LoopDetector} accepts it:
 *
 * <pre>
 * loop
 * </pre>
 *
 * <p>No argument and no block; either is refused at start with {@code file:line} ({@code loop: 1
 * arguments (expected: 0)}, {@code loop: takes no block, found 'x'}), as is a second {@code loop}
 * in the block.
 *
 * <p>Behaviour: once started, it sends {@code HINFO <random>.<random>.ZONE} (ZONE: the first zone
 * of the server block) over UDP to the block's own listener (127.0.0.1 for a wildcard bind), once a
 * second, each try waiting up to 2 s, for at most 30 s, until one try gets any answer; 2 s later it
 * disables itself. If one probe query reaches the handler a second time, queries loop (typically a
 * loopback nameserver in the resolv.conf that {@code forward} reads): it logs CoreDNS's message
 * ({@code plugin/loop: Loop (CLIENT -> LISTENER) detected for zone "ZONE", see
 * https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO NAME"}) and {@code Main} exits
 * with status 1. Until disabled, its fast path sends HINFO queries to the decoded path; all other
 * queries pass.
 *
 * <p>Where this differs from CoreDNS's documentation:
 *
 * <ul>
 *   <li>CoreDNS halts when it has seen the probe "more than twice"; we count per probe and halt on
 *       the second sighting of the same probe, because our {@code forward} coalesces identical
 *       queries in flight (the looping repeats collapse into one) and a slow upstream must not add
 *       up to a false loop.
 *   <li>Chain position: as CoreDNS, just before {@code forward}, behind {@code cache}, {@code
 *       hosts} and {@code kubernetes} ({@link io.nodecache.chain.PluginRegistry}). The probe name is
 *       random, so neither the cache nor hosts answers it.
 * </ul>
 */
package io.nodecache.loop;
