/**
 * The {@code loadbalance} plugin: CoreDNS's {@code loadbalance} directive with its {@code round_robin}
 * policy, a random order of the address records of every answer, so clients that take the first
 * address spread over all of them.
 *
 * <p>Syntax, as {@link io.nodecache.loadbalance.LoadbalancePluginFactory} accepts it:
 *
 * <pre>
 * loadbalance [round_robin]
 * </pre>
 *
 * <p>In each section (answer, authority, additional) of a NOERROR answer, as CoreDNS's code orders
 * them: the CNAME records first, then the records of other types, then the A and AAAA records in a
 * random order, then the MX records in a random order. Other RCODEs and zone transfers are untouched.
 * A new order is drawn for every answer, cache hits included.
 *
 * <p>Fast path: {@code loadbalance} passes every query on and marks it; when a later handler (cache,
 * kubernetes) answers from stored bytes, the A or AAAA records of each section are permuted in place
 * in those bytes, without allocating, when that is safe: they form one run of records of one type
 * whose owner names are compression pointers (so nothing points into them and each has a fixed size).
 * That is the shape of every answer the server encodes itself (a CNAME chain then the addresses). A
 * section where the addresses are mixed A and AAAA or are split by other records keeps its order on
 * the fast path. MX queries go to the decoded path, where MX records are shuffled.
 *
 * <p>Refused at start, naming {@code file:line}: {@code weighted WEIGHTFILE} (not supported: {@code
 * loadbalance: the weighted policy is not supported by nodecache (use round_robin, the default)}), an
 * unknown policy, an argument after {@code round_robin}, the {@code prefer} option and any other block
 * line, and a second {@code loadbalance} in the block.
 *
 * <p>Chain position: after {@code chaos}, before {@code autopath}, {@code cache}, {@code minimal},
 * {@code hosts}, {@code kubernetes} and {@code forward} (CoreDNS's order).
 *
 * <p>Where this differs from CoreDNS: no {@code weighted} policy and no {@code prefer} (both refused);
 * on the fast path, the sections described above keep their order; CoreDNS moves the OPT record before
 * the additional addresses, which no client can tell. CoreDNS draws orders from its message-ID
 * generator, we from a per-thread generator.
 */
package io.nodecache.loadbalance;
