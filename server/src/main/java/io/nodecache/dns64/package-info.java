/**
 * The {@code dns64} plugin: CoreDNS's {@code dns64} directive, DNS64 (RFC 6147) for IPv6-only pods
 * behind NAT64.
 *
 * <p>Syntax, as {@link io.nodecache.dns64.Dns64PluginFactory} accepts it:
 *
 * <pre>
 * dns64 [PREFIX] {
 *     prefix PREFIX
 *     translate_all
 *     allow_ipv4
 * }
 * </pre>
 *
 * PREFIX is an IPv6 prefix {@code ADDRESS/LENGTH}, LENGTH one of 32, 40, 48, 56, 64, 96 (RFC 6052
 * §2.2); default {@code 64:ff9b::/96}; bits past LENGTH are ignored. {@code prefix} in the block wins
 * over the argument. Refused at start, naming {@code file:line}: more than one argument, a prefix that
 * is not IPv6 or of another length, {@code prefix} without exactly one argument, an argument to {@code
 * translate_all} or {@code allow_ipv4}, any other option (CoreDNS 1.11's newer {@code filter_a}
 * too: this build does not have it, so a Corefile asking for it does not start), a second {@code
 * dns64} in the block.
 *
 * <p>Behaviour, as CoreDNS's: an IN AAAA query from an IPv6 client (any client with {@code
 * allow_ipv4}) goes down the chain; unless the answer is NXDOMAIN, and unless it holds an AAAA record
 * (with {@code translate_all}: whatever it holds), the same query asked as A goes down the rest of the
 * chain and the reply is rebuilt from that A answer: NOERROR, each A record replaced by an AAAA record
 * of the same name holding the IPv4 address embedded in the prefix (the u-octet, bits 64..71, zero),
 * its TTL the smaller of the A TTL and the TTL of the SOA record in the AAAA answer's authority section
 * (600 when there is none); other answer records (CNAMEs) kept as they are; authority and additional
 * sections those of the A answer. Other queries are passed on untouched.
 *
 * <p>Fast path: queries other than IN AAAA (and AAAA from IPv4 clients without {@code allow_ipv4})
 * pass without allocating; IN AAAA queries that it must see take the decoded path, so a block with
 * {@code dns64} does not answer those from the cache's stored bytes.
 *
 * <p>Differences from CoreDNS: CoreDNS asks the A query through the whole server again (so {@code log}
 * and the plugins before {@code dns64} see it too); here it goes to the plugins after {@code dns64}
 * only. The rebuilt reply carries the A answer's RA and TC bits (CoreDNS's copies TC and leaves RA
 * clear). No {@code coredns_dns64_requests_translated_total} metric yet.
 */
package io.nodecache.dns64;
