/**
 * DNS bytes: {@link io.nodecache.wire.FastQuery} reads the header and question of a plain query
 * straight from its bytes for the fast path, {@link io.nodecache.wire.PreparedAnswer} stores an
 * answer as bytes with the offsets of what changes per client (ID, name case, TTLs, OPT) and
 * renders it without building a dnsjava message, {@link io.nodecache.wire.WireAnswer} hands such
 * bytes along the decoded path as a message that decodes itself only when a plugin looks inside (the
 * listener sends untouched ones as they are), {@link io.nodecache.wire.Edns} holds the EDNS(0)
 * sizes (the requester's echoed in answers, 1232 in our own queries, 512 without EDNS), and {@link
 * io.nodecache.wire.Responses} builds the answers the server gives itself (errors, RFC 8482 ANY). Bottom layer beside {@code transport} and
 * {@code config}: it depends on no other package of ours.
 */
package io.nodecache.wire;
