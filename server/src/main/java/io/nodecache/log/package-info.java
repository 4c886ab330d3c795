/**
 * The {@code log} plugin: CoreDNS's {@code log} directive, one line per selected query at INFO on
 * the {@code io.nodecache.log} logger.
 *
 * <p>Syntax, as {@link io.nodecache.log.LogPluginFactory} accepts it (CoreDNS's):
 *
 * <pre>
 * log [NAMES...] [FORMAT] {
 *     class CLASSES...
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code NAMES}: the names whose queries are logged (the query's name equal to or under one);
 *       none means the root, every query. Each name is a rule; the first rule that holds the query
 *       decides, so a later rule never logs the same query twice.
 *   <li>{@code FORMAT}: only when there are two or more arguments and the last contains {@code {}:
 *       {@code {common}} (the default, {@code {remote}:{port} - {&gt;id} "{type} {class} {name}
 *       {proto} {size} {&gt;do} {&gt;bufsize}" {rcode} {&gt;rflags} {rsize} {duration}}), {@code
 *       {combined}} (the same plus {@code "{&gt;opcode}"}), or a format of one's own with the
 *       labels {@code {type} {name} {class} {proto} {size} {remote} {port} {local} {&gt;id}
 *       {&gt;opcode} {&gt;do} {&gt;bufsize} {rcode} {rsize} {duration} {&gt;rflags}}; a metadata
 *       label {@code {/NAME}} prints {@code -}, any other {@code {...}} stays as written. As in
 *       CoreDNS, a lone argument is always a name ({@code log {combined}} logs the name "{combined}."
 *       only, which is nothing) and {@code log . combined} has two names.
 *   <li>{@code class}: {@code success} (NOERROR with answers, or a referral), {@code denial}
 *       (NXDOMAIN, or NOERROR without answers), {@code error} (any other rcode, or a failed chain),
 *       {@code all} (the default).
 *   <li>{@code log} may appear several times in a block; the rules add up in file order.
 * </ul>
 *
 * <p>Refused at start with {@code file:line}: an unknown block option, {@code class} without a
 * class or with an unknown one, a name that is not a domain name.
 *
 * <p>Fast path: a query under no rule's name passes on at byte level; a selected one takes the
 * decoded path so that it can be logged. {@code {rsize}} is the size of the answer the chain gave,
 * before the listener adds its EDNS record or truncates for UDP; {@code {duration}} is in seconds
 * with as many decimals as needed. A failed chain (the listener answers SERVFAIL) logs {@code
 * SERVFAIL} with {@code -} for the flags and size.
 */
package io.nodecache.log;
