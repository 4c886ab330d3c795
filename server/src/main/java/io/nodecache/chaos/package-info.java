/**
 * The {@code chaos} plugin: CoreDNS's {@code chaos} directive, answering CH-class TXT queries about the
 * server (the {@code version.bind} convention).
 *
 * <p>Syntax, as {@link io.nodecache.chaos.ChaosPluginFactory} accepts it:
 *
 * <pre>
 * chaos [VERSION] [AUTHORS...]
 * </pre>
 *
 * <ul>
 *   <li>{@code VERSION}: the text answered for {@code version.bind} and {@code version.server},
 *       default {@code nodecache}.
 *   <li>{@code AUTHORS}: the texts answered for {@code authors.bind}, one TXT record each, duplicates
 *       dropped, in a new random order on every answer; default one record, {@code nodecache}.
 *       Given only with a VERSION, as in CoreDNS.
 * </ul>
 *
 * <p>A query of class CH and type TXT for {@code version.bind}, {@code version.server}, {@code
 * authors.bind}, {@code hostname.bind} or {@code id.server} (any case) gets NOERROR with TXT records of
 * class CH, TTL 0, owned by the question name, no AA bit. {@code hostname.bind} and {@code
 * id.server} answer the host name (the kernel's, read at start; else {@code $HOSTNAME}; else {@code
 * localhost}). Every other query, other CH names included, goes to the next handler. Texts are cut to
 * 255 characters. On the fast path CH TXT queries go to the decoded path; all others pass.
 *
 * <p>Refused at start, naming {@code file:line}: a block, and a second {@code chaos} in the block.
 *
 * <p>Chain position: after {@code any}, before {@code loadbalance}.
 *
 * <p>Where this differs from CoreDNS: the defaults (CoreDNS answers {@code CoreDNS-VERSION} and the
 * names of its maintainers); CoreDNS does not cut a VERSION given together with AUTHORS, and a longer
 * text cannot be sent anyway; CoreDNS reads the host name on every query, we read it once at start; CoreDNS lower-cases the owner
 * name, we keep the question's spelling (our encoder compresses it to the question's bytes anyway).
 */
package io.nodecache.chaos;
