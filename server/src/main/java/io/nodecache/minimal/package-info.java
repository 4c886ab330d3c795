/**
 * The {@code minimal} plugin: CoreDNS's {@code minimal} directive, minimal responses (the answer
 * section alone) for positive answers.
 *
 * <p>Syntax, as {@link io.nodecache.minimal.MinimalPluginFactory} accepts it: {@code minimal}, alone.
 * Refused at start, naming {@code file:line}: any argument ({@code minimal: 1 arguments (expected:
 * 0)}), a block, and a second {@code minimal} in the block.
 *
 * <p>An answer is stripped of its authority and additional records (the OPT record stays) when it is
 * what CoreDNS calls a NoError response: RCODE NOERROR and answer records, or NOERROR with no answer
 * records and neither an SOA nor an NS record in the authority section. Left whole, as CoreDNS leaves
 * them: NXDOMAIN, NODATA (NOERROR with an SOA), delegations (NOERROR with NS records and no answer),
 * SERVFAIL and every other error, zone transfers, and, when the query set the DO bit, an answer holding
 * an RRSIG outside its validity period.
 *
 * <p>Fast path: an answer a later handler gives from stored bytes (cache, kubernetes) is stripped on
 * the wire by the same rules; a query with the DO bit goes to the decoded path, where signatures are
 * checked.
 *
 * <p>Chain position: after {@code cache} and {@code rewrite}, before {@code template}, {@code hosts},
 * {@code kubernetes} and {@code forward} (CoreDNS's order): the cache keeps whole answers and {@code
 * minimal} strips each answer that passes it on the way back.
 *
 * <p>Where this differs from CoreDNS: CoreDNS logs an error for a response it leaves alone because it
 * is neither NoError nor a denial, delegation or error (an expired signature); we do not log it.
 * CoreDNS runs {@code minimal} after {@code cache}, so its cache holds stripped answers; the client sees
 * the same answers either way.
 */
package io.nodecache.minimal;
