/**
 * The {@code any} plugin: CoreDNS's {@code any} directive, answering queries of type ANY with the
 * short answer RFC 8482 §4.2 allows instead of every record of the name.
 *
 * <p>Syntax, as {@link io.nodecache.any.AnyPluginFactory} accepts it: {@code any}, alone. Refused at
 * start, naming {@code file:line}: any argument ({@code any: 1 arguments (expected: 0)}), a block, and
 * a second {@code any} in the block.
 *
 * <p>An ANY query of any class gets NOERROR with one record, {@code NAME 8482 IN HINFO "ANY obsoleted"
 * "See RFC 8482"}, the name spelled as asked, no AA bit; other queries go to the next handler. On the
 * fast path ANY queries are sent to the decoded path and all others pass.
 *
 * <p>Chain position: after {@code dns64}, before {@code chaos}, {@code loadbalance} and {@code cache}
 * (CoreDNS's order); {@code errors} and {@code log} see ANY queries first.
 *
 * <p>Without this plugin the listener answers every ANY query itself before the chain, with {@code
 * NAME 8482 IN HINFO "RFC8482" ""} (CoreDNS would pass it down the chain to {@code forward} or another
 * plugin). With {@code any} in a block, the listener leaves ANY queries of that block to its chain,
 * so the answer is the one above, the plugins before {@code any} see the query (a {@code log} line,
 * for example) and the answer is counted under the {@code any} plugin label. Same as CoreDNS
 * otherwise.
 */
package io.nodecache.any;
