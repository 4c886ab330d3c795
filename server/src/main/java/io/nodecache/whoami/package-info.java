/**
 * The {@code whoami} plugin: CoreDNS's {@code whoami} directive, answering every query with the
 * client's own address and port, for testing what the server sees.
 *
 * <p>Syntax, as {@link io.nodecache.whoami.WhoamiPluginFactory} accepts it: {@code whoami}, alone.
 * Refused at start, naming {@code file:line}: any argument ({@code whoami: 1 arguments (expected:
 * 0)}), a block, and a second {@code whoami} in the block.
 *
 * <p>Every query that reaches it, of any name, type and class, gets NOERROR with AA, an empty answer
 * section and, in the additional section, CoreDNS's layout: first {@code NAME 0 CLASS A ADDRESS} (IPv4
 * client) or {@code NAME 0 CLASS AAAA ADDRESS} (IPv6 client), then {@code _PROTO.NAME 0 CLASS SRV 0 0
 * PORT .}, where NAME is the question name, CLASS the question's class, PROTO {@code udp}
 * or {@code tcp}, and ADDRESS and PORT the client's. It never calls the next handler.
 *
 * <p>Chain position: last, after {@code forward}; it has no fast path, which changes nothing as it
 * comes after every handler that has one.
 *
 * <p>Where this differs from CoreDNS: for a question name so long that {@code _udp.} does not fit,
 * CoreDNS fails to pack the answer; we send the address record alone. CoreDNS lower-cases NAME; we
 * keep the question's spelling (our encoder compresses NAME to the question's bytes anyway).
 */
package io.nodecache.whoami;
