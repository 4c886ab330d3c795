/**
 * Zero-loss restart ({@code -handoff PATH}): the starting instance receives the running one's DNS
 * sockets over a unix socket (SCM_RIGHTS, native epoll only) instead of binding, confirms once it
 * serves them, and takes over the live cache entries with the lifetime they have left; with no
 * running instance, entries saved to a file at the last stop are loaded. {@link
 * io.nodecache.handoff.Handoff} is the driver, {@code HandoffProtocol} and {@code CacheTransfer}
 * the text formats. Main drives it around the server, which it sees only through the narrow {@link
 * io.nodecache.handoff.HandoffHost}; it depends on {@code listen} (the sockets), {@code chain} and
 * the {@code cache} plugin (the entries), and only {@code server} and the command line import it.
 */
package io.nodecache.handoff;
