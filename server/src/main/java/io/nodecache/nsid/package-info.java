/**
 * The {@code nsid} plugin: CoreDNS's {@code nsid} directive, the EDNS0 Name Server Identifier option
 * (RFC 5001).
 *
 * <p>Syntax, as {@link io.nodecache.nsid.NsidPluginFactory} accepts it:
 *
 * <pre>
 * nsid [DATA...]
 * </pre>
 *
 * <p>{@code DATA}: the identifier; several words are joined with single spaces; default the host name
 * (the kernel's, read at start; else {@code $HOSTNAME}; else {@code localhost}). The option carries
 * the UTF-8 bytes of DATA, which is what CoreDNS puts on the wire (it hex-encodes DATA into the
 * library's option field, which is hex-decoded when packed): {@code dig +nsid} shows the hex of those
 * bytes and the text.
 *
 * <p>When a query's OPT record carries an NSID option (of any content), the answer, whatever the
 * plugin that made it, carries our NSID option in its OPT record (replacing one an upstream sent);
 * the other queries are untouched. A query without EDNS cannot ask. On the fast path a query asking
 * for NSID goes to the decoded path; all others pass.
 *
 * <p>Refused at start, naming {@code file:line}: a block, DATA longer than an option holds, and a
 * second {@code nsid} in the block (CoreDNS's "plugin can only be used once").
 *
 * <p>Chain position: first, before {@code bufsize} and {@code errors} (CoreDNS's order), so every answer
 * of the block gets it.
 *
 * <p>Same as CoreDNS. One consequence of the listener keeping an NSID option of the chain's answer:
 * without {@code nsid}, an NSID an upstream put in a forwarded answer reaches the client, as in
 * CoreDNS (an answer from the cache carries none).
 */
package io.nodecache.nsid;
