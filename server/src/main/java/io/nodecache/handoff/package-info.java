/**
 * Zero-loss restart ({@code -handoff PATH}): the starting instance receives the running one's DNS
 * sockets over a unix socket (SCM_RIGHTS, native epoll only) instead of binding, confirms once it
 * serves them, and takes over the live cache entries with the lifetime they have left; with no
 * running instance, entries saved to a file at the last stop are loaded. Both ends run on plain threads
 * with blocking JDK unix-domain channels ({@code Conversation}) and pass the descriptors with Netty's
 * native unix {@code Socket}, never through a Netty channel: the serving instance's JIT-compiled DNS
 * path must not meet the hand-off's types while it serves. {@link
 * io.nodecache.handoff.Handoff} is the driver, {@code HandoffProtocol} and {@code CacheTransfer}
 * the text formats. Main drives it around the server, which it sees only through the narrow {@link
 * io.nodecache.handoff.HandoffHost}; it depends on {@code listen} (the sockets), {@code chain} and
 * the {@code cache} plugin (the entries), and only {@code server} and the command line import it.
 */
package io.nodecache.handoff;
