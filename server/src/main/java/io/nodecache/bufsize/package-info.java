/**
 * The {@code bufsize} plugin: CoreDNS's {@code bufsize} directive, a ceiling on the EDNS UDP payload
 * size requesters advertise, to avoid IP fragmentation.
 *
 * <p>Syntax, as {@link io.nodecache.bufsize.BufsizePluginFactory} accepts it:
 *
 * <pre>
 * bufsize [SIZE]
 * </pre>
 *
 * <p>{@code SIZE}: an integer from 512 to 4096 (RFC 6891's range, as CoreDNS checks it); default 1232
 * (DNS Flag Day 2020). Refused at start, naming {@code file:line}: a SIZE that is not a number or lies
 * outside 512..4096, more than one argument, a block, and a second {@code bufsize} in the block.
 *
 * <p>A query whose OPT record advertises more than SIZE is handled as if it advertised SIZE: the rest
 * of the chain sees the lowered OPT (so {@code forward} asks its upstream with it), and a UDP answer
 * longer than SIZE is truncated (whole RRsets dropped, TC set). Queries advertising SIZE or less, and
 * queries without EDNS (512), are untouched. On the fast path the query's answer limit is lowered and
 * the query passes on: no query goes to the decoded path because of {@code bufsize}.
 *
 * <p>Chain position: second, after {@code nsid} and before every other plugin, as CoreDNS orders it.
 *
 * <p>Answers echo the requester's advertised size in their OPT record, as CoreDNS does, at most SIZE
 * (over TCP too: CoreDNS lowers the request's OPT whatever the transport).
 *
 * <p>Where this differs from CoreDNS: CoreDNS changes the request's OPT record in place; we give the
 * later handlers a copy carrying the lowered size (same effect).
 */
package io.nodecache.bufsize;
