/**
 * The {@code forward} plugin: CoreDNS's {@code forward} directive over Netty clients.
 *
 * <p>Syntax: {@code forward FROM TO... { except NAMES... | force_tcp | prefer_udp | expire DURATION |
 * max_idle_conns N | max_fails N | max_connect_attempts N | health_check DURATION [no_rec] [domain FQDN] |
 * policy random|round_robin|sequential | max_concurrent N | read_timeout DURATION |
 * failfast_all_unhealthy_upstreams }}. {@code TO} is {@code IP[:port]}, {@code [IPv6]:port} or a
 * resolv.conf-style file; at most 15 upstreams. TLS, DoH, {@code next}, {@code failover},
 * {@code source_address} and hostname upstreams are rejected at start with the file and line.
 *
 * <p>Where this differs from CoreDNS, on purpose:
 *
 * <ul>
 *   <li>TCP connections are pipelined (RFC 7766 §6.2.1.1): many queries per pooled connection, each
 *       with a random ID unique on it, answers matched by ID and question in any order. CoreDNS sends
 *       one query per pooled connection at a time.
 *   <li>Identical queries in flight (name case-insensitively, type, class, DO, CD) share one exchange.
 *   <li>An answer with a wrong ID, question or source address is dropped and counted in {@code
 *       coredns_nodecache_forward_mismatched_answers_total}; the real answer is still awaited. CoreDNS
 *       answers FORMERR to a mismatched reply.
 *   <li>A TC=1 answer over UDP is always retried over TCP, not only with {@code prefer_udp}: the cache
 *       in front should not keep truncated answers.
 *   <li>(Same as CoreDNS, for clarity.) When every try failed, the stage fails with the last upstream error, as CoreDNS's
 *       forward returns it: {@code errors} logs it and the listener answers SERVFAIL.
 *   <li>{@code max_connect_attempts} defaults to two tries per upstream; the 5 s deadline applies
 *       as in CoreDNS.
 *   <li>A UDP socket (kernel-chosen random port) carries one query at a time, with a fresh random
 *       ID, and is reused for at most 100 queries; one that saw a timeout is closed.
 *   <li>In-flight queries are capped per upstream (TCP: 16 connections × 256 queries; UDP: 4,096
 *       sockets), so a hanging upstream holds bounded memory until the per-try timeouts release it.
 * </ul>
 */
package io.nodecache.forward;
