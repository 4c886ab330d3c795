/**
 * The DNS side of the network: {@link io.nodecache.listen.DnsListener} owns the UDP and TCP sockets
 * of one address and port (SO_REUSEPORT, one UDP socket per event loop with recvmmsg under epoll),
 * the Netty handlers read queries (RFC 7766 pipelining and limits for TCP) and write answers, and
 * {@link io.nodecache.listen.QueryProcessor} turns query bytes into answer bytes: the chain's fast
 * path on raw bytes first, else decode, validate (FORMERR, NOTIMP, BADVERS, RFC 8482 ANY), pick the
 * server block by longest zone suffix ({@link io.nodecache.listen.Router}), run its chain, record
 * the per-query metrics and attribute the answer to its client pod ({@link
 * io.nodecache.listen.ClientAttribution}), finish EDNS and truncate for UDP. Below {@code server} and {@code
 * handoff}; above the plugins, reached only through {@code chain}.
 */
package io.nodecache.listen;
