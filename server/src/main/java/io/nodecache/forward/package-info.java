/**
 * The {@code forward} plugin: CoreDNS's {@code forward} directive over Netty UDP and TCP clients,
 * plain DNS and DNS over TLS (RFC 7858).
 *
 * <p>Syntax, as {@link io.nodecache.forward.ForwardPluginFactory} accepts it:
 *
 * <pre>
 * forward FROM TO... {
 *     except IGNORED_NAMES...
 *     force_tcp
 *     prefer_udp
 *     expire DURATION
 *     max_idle_conns INTEGER
 *     max_fails INTEGER
 *     max_connect_attempts INTEGER
 *     policy random|round_robin|sequential
 *     health_check DURATION [no_rec] [domain FQDN]
 *     max_concurrent MAX
 *     read_timeout DURATION
 *     failfast_all_unhealthy_upstreams
 *     next RCODE...
 *     next_on_nodata
 *     failover RCODE...
 *     tls [CERT KEY] [CA]
 *     tls_servername NAME
 * }
 * </pre>
 *
 * <p>A block may hold several {@code forward} lines. As in CoreDNS they are tried in file order: a
 * query whose name is not under a line's FROM (or is under one of its {@code except} names) goes to
 * the following line, and after the last to the next plugin. So the first matching FROM wins, not the
 * most specific one: list child zones before their parents.
 *
 * <ul>
 *   <li>{@code FROM}: the zone forwarded, optionally with {@code dns://}; queries for other names
 *       go to the next handler.
 *   <li>{@code TO}: {@code IP}, {@code IP:port}, {@code [IPv6]:port}, a bare IPv6 address, each
 *       optionally with {@code dns://}, or a resolv.conf-style file whose {@code nameserver} lines
 *       (port 53) are used; or {@code tls://IP[%NAME][:port]} (port 853), asked over TLS on pooled,
 *       pipelined TCP connections only (health checks too; {@code force_tcp} and {@code prefer_udp}
 *       change nothing for it), NAME being the name its certificate must carry. At least one and at
 *       most 15 upstreams in all. No name is ever resolved.
 *   <li>{@code except}: names under FROM that go to the next handler instead; FROM itself is always
 *       forwarded.
 *   <li>{@code force_tcp}: every exchange over TCP, health checks included. {@code prefer_udp}: UDP
 *       even for TCP clients; {@code force_tcp} wins when both are given. Otherwise the client's
 *       protocol is used.
 *   <li>{@code expire}: idle pooled TCP connections and UDP sockets are closed after this long, 1
 *       ms to 24 h, default 10 s.
 *   <li>{@code max_idle_conns}: idle TCP connections kept per upstream, 0 to 65536, default 0
 *       (unlimited).
 *   <li>{@code max_fails}: failed health checks in a row after which an upstream is down, 0 to
 *       1048576, default 2; 0 disables health checking (upstreams never go down).
 *   <li>{@code max_connect_attempts}: tries per query, 0 to 1024; the default 0 means two tries per
 *       upstream.
 *   <li>{@code policy}: the order upstreams are tried in, default {@code random}
 *       (case-insensitive).
 *   <li>{@code health_check DURATION [no_rec] [domain FQDN]}: after a failed try, the upstream is
 *       asked {@code FQDN IN NS} (default {@code .}, RD set unless {@code no_rec}) at once and then
 *       every DURATION (1 ms to 1 h, default 500 ms) while it fails; any answer, whatever its
 *       rcode, is healthy. Each check waits for at most the read timeout or 1 s, whichever is
 *       shorter.
 *   <li>{@code max_concurrent}: queries in flight above which new ones get REFUSED (counted in
 *       {@code coredns_forward_max_concurrent_rejects_total}), 0 to 16777216, default 0
 *       (unlimited).
 *   <li>{@code read_timeout}: how long one try waits for an answer, 1 ms to 1 m, default 2 s. All
 *       the tries of a query share one 5 s deadline.
 *   <li>{@code failfast_all_unhealthy_upstreams}: when every upstream is down, fail at once instead
 *       of trying one at random.
 *   <li>{@code next RCODE...}: an answer with one of these rcodes (CoreDNS's names, e.g. {@code
 *       NXDOMAIN}, {@code SERVFAIL}, {@code REFUSED}, case-insensitive) hands the query to the
 *       following {@code forward} line of the block, whose answer is then the answer. On the last
 *       line it has no effect, as in CoreDNS (a warning at start says so).
 *   <li>{@code next_on_nodata}: a NOERROR answer without answer records does the same.
 *   <li>{@code failover RCODE...}: an answer with one of these rcodes makes the next upstream (in
 *       policy order) be asked, until every upstream has answered once; then the last answer is
 *       returned. NOERROR is refused.
 *   <li>{@code tls}: the TLS client of {@code tls://} upstreams: no argument, the JVM's trusted CAs;
 *       {@code CA}, that PEM file's certificates; {@code CERT KEY}, a client certificate (PEM; the
 *       key PKCS#8 {@code PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY}) and the JVM's CAs; all
 *       three, both. TLS 1.2 or 1.3.
 *   <li>{@code tls_servername}: the name every {@code tls://} upstream's certificate must carry (and
 *       SNI). Without it (or {@code %NAME}), the certificate must carry the upstream's IP address, as
 *       Go's TLS client checks it.
 * </ul>
 *
 * <p>DURATION values are Go-style ({@code 500ms}, {@code 5s}, {@code 1m30s}) or a bare number of
 * seconds. When every try failed, or the deadline passed, the stage fails with the last upstream
 * error: {@code errors} logs it and the listener answers SERVFAIL (as CoreDNS's forward returns
 * it).
 *
 * <p>Refused at start, each naming {@code file:line}: {@code doh_method}, {@code source_address} and
 * {@code resolver} ({@code not supported by nodecache ...}); upstreams with another scheme ({@code
 * https://}, ...), host names and {@code tls://} files; a port out of range; a file that is missing
 * or has no {@code nameserver} line; more than 15 upstreams; a FROM with a scheme other than {@code
 * dns://}; an unknown rcode; {@code failover NOERROR}; {@code tls} with more than 3 arguments or a
 * file that cannot be read or holds no certificate or no usable key (SEC1 {@code EC PRIVATE KEY} is
 * refused: convert it with {@code openssl pkcs8 -topk8 -nocrypt}); both {@code tls_servername} and
 * a {@code tls://IP%NAME}; values out of the ranges above; any other option ({@code forward: unknown
 * option 'x' (expected one of: ...)}).
 *
 * <p>Where this differs from CoreDNS, on purpose unless marked:
 *
 * <ul>
 *   <li>TCP connections are pipelined (RFC 7766 section 6.2.1.1): many queries per pooled
 *       connection, each with a random ID unique on it, answers matched by ID and question in any
 *       order. CoreDNS sends one query per pooled connection at a time.
 *   <li>Identical queries in flight (name case-insensitively, type, class, DO, CD) share one
 *       exchange; each client gets the answer with its own ID and question case.
 *   <li>An answer with a wrong ID, question or source address is dropped and counted in {@code
 *       coredns_nodecache_forward_mismatched_answers_total}; the real answer is still awaited.
 *       CoreDNS answers FORMERR to a mismatched reply.
 *   <li>A TC=1 answer over UDP is always retried over TCP on the same upstream, not only with
 *       {@code prefer_udp}: the cache in front should not keep truncated answers.
 *   <li>{@code max_connect_attempts 0} means two tries per upstream; in CoreDNS it means no cap
 *       (the 5 s deadline applies in both).
 *   <li>A UDP socket (kernel-chosen random port) carries one query at a time, with a fresh random
 *       ID, and is reused for at most 100 queries; one that saw a timeout is closed. At most 256
 *       idle UDP sockets are kept per upstream: {@code max_idle_conns} bounds TCP connections only.
 *   <li>In-flight queries are capped per upstream (TCP: 16 connections of 256 queries; UDP: 4,096
 *       sockets), so a hanging upstream holds bounded memory until the per-try timeouts release it.
 *   <li>{@code read_timeout} is ours: CoreDNS's read timeout is fixed at 2 s.
 *   <li>{@code tls} and {@code tls_servername} without a {@code tls://} upstream are checked and
 *       then unused, as in CoreDNS (they only apply to TLS upstreams).
 *   <li>The TLS cipher suites are the JVM's defaults for TLS 1.2/1.3, not CoreDNS's fixed list.
 *   <li>CoreDNS's {@code failover} before its fix (coredns#8277) kept cycling the upstreams until the
 *       5 s deadline; we stop after one pass, as its README says.
 *   <li>CoreDNS also offers DoH and host-name upstreams (with {@code resolver}); both are refused
 *       here.
 *   <li>CoreDNS parses durations with Go's {@code time.ParseDuration}, which refuses a bare number;
 *       we take it as seconds, and bound {@code expire}, {@code health_check} and {@code
 *       read_timeout}.
 *   <li>(Bug, not on purpose.) A FROM in CIDR notation ({@code 10.0.0.0/8}), which CoreDNS expands
 *       to its reverse zone, is accepted as the literal name {@code 10.0.0.0/8.}, which no query
 *       matches.
 * </ul>
 */
package io.nodecache.forward;
