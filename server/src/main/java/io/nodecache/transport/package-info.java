/**
 * The Netty transport shared by everything that does network I/O: {@link
 * io.nodecache.transport.Transport} holds one event-loop group (native epoll with SO_REUSEPORT and
 * recvmmsg when available, NIO otherwise), the channel classes to use with it, and one pooled
 * direct buffer allocator for every channel. Listeners, HTTP endpoints and the upstream clients of
 * {@code forward} all run on it. Near the bottom of the layering: it depends on no other package of
 * ours.
 */
package io.nodecache.transport;
