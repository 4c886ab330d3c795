/**
 * The {@code local} plugin: CoreDNS's {@code local} directive, answering queries for the loopback
 * names itself so they never leave the node.
 *
 * <p>Syntax, as {@link io.nodecache.local.LocalPluginFactory} accepts it: {@code local}, optionally
 * with a block holding {@code localhost_prefix on|off} (default {@code on}). Refused at start, naming
 * {@code file:line}: any argument ({@code local: 1 arguments (expected: 0)}), an unknown block option,
 * {@code localhost_prefix} without exactly one argument or with a value other than {@code on}/{@code
 * off}, and a second {@code local} in the block.
 *
 * <p>Answers (TTL 604800, no AA bit, owner names spelled as asked; every SOA is {@code ORIGIN 604800
 * IN SOA localhost. root.localhost. 1 0 0 0 604800}):
 *
 * <ul>
 *   <li>{@code localhost.}: A {@code 127.0.0.1}, AAAA {@code ::1}, SOA and NS ({@code localhost.}) in
 *       the answer; any other type NODATA with the SOA in the authority section.
 *   <li>{@code 0.in-addr.arpa.}, {@code 127.in-addr.arpa.}, {@code 255.in-addr.arpa.}: SOA and NS in
 *       the answer; every other type (A and AAAA included) NODATA with the SOA.
 *   <li>{@code 1.0.0.127.in-addr.arpa.}: PTR {@code localhost.}; other types NODATA with the SOA of
 *       {@code 127.in-addr.arpa.}.
 *   <li>Any other name in those three reverse zones: NXDOMAIN with the zone's SOA.
 *   <li>A name under {@code localhost.} and, while {@code localhost_prefix} is on, a name whose first
 *       label is {@code localhost} ({@code localhost.example.com.}): A {@code 127.0.0.1}, AAAA {@code
 *       ::1}, other types NODATA with an SOA owned by the asked name. These add one to the counter
 *       {@code coredns_local_localhost_requests_total} (no labels, shared by every server block; the
 *       bare {@code localhost.} is not counted).
 * </ul>
 *
 * <p>Everything else, {@code ip6.arpa.} included (the IPv6 loopback reverse name is not intercepted,
 * a limitation CoreDNS documents), goes to the next handler. On the fast path queries for the names
 * above go to the decoded path and all others pass, comparing the wire bytes of the query name.
 *
 * <p>Chain position: after {@code errors} and {@code log}, before {@code dns64} and everything else.
 * Same as CoreDNS, except that CoreDNS writes a debug log line for each {@code .localhost.} query,
 * which we do not (the {@code debug} plugin is not supported).
 */
package io.nodecache.local;
