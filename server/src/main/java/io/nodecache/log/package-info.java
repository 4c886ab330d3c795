/**
 * The {@code log} plugin: CoreDNS's {@code log} directive, one line per answered query at INFO on
 * the {@code io.nodecache.log} logger, in CoreDNS's Common Log Format:
 *
 * <pre>
 * {remote}:{port} - {&gt;id} "{type} {class} {name} {proto} {size} {&gt;do} {&gt;bufsize}" {rcode} {&gt;rflags} {rsize} {duration}
 * </pre>
 *
 * <p>{@code log} has no fast path, and the listener's fast path stops at the first handler without
 * one ({@link io.nodecache.chain.FastPath}): a server block with {@code log} decodes every query,
 * so that every query is logged, at a cost in throughput.
 *
 * <p>Syntax, as {@link io.nodecache.log.LogPluginFactory} accepts it:
 *
 * <pre>
 * log [NAME] {
 *     class [ARGS...]
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code NAME}: at most one argument is accepted, and it is <em>ignored</em>: every query of
 *       the block is logged, whatever its name.
 *   <li>{@code class}: accepted with any arguments and <em>ignored</em>: answers of every class
 *       (success, denial, error) are logged.
 * </ul>
 *
 * <p>Refused at start, naming {@code file:line}: two or more arguments ({@code log: custom formats
 * are not supported (expected: log [NAME])}), any block option but {@code class}, and a second
 * {@code log} in the same server block.
 *
 * <p>Where this differs from CoreDNS's documentation ({@code log [NAMES...] [FORMAT] { class
 * CLASSES... }}):
 *
 * <ul>
 *   <li>CoreDNS logs only queries under NAMES; we accept one name and log every query.
 *   <li>FORMAT ({@code {common}}, {@code {combined}}, or a custom format) is refused when it
 *       follows a name; given alone it is taken for a NAME and ignored, so {@code log {combined}}
 *       logs the common format.
 *   <li>CoreDNS logs only the listed classes ({@code success}, {@code denial}, {@code error},
 *       {@code all}); we log all of them.
 *   <li>CoreDNS allows several {@code log} directives in a block; we refuse the second.
 *   <li>A query whose chain failed (SERVFAIL written by the listener after an error) is not logged;
 *       CoreDNS logs it with its SERVFAIL rcode.
 *   <li>{@code {remote}}: an IPv6 client is printed in Java's uncompressed form without brackets
 *       ({@code 0:0:0:0:0:0:0:1}); CoreDNS prints {@code [::1]}. {@code {duration}} always has nine
 *       decimals.
 * </ul>
 */
package io.nodecache.log;
