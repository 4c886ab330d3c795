/**
 * The {@code errors} plugin: CoreDNS's {@code errors} directive. When the rest of the chain fails
 * (its stage completes exceptionally, for example after every {@code forward} try failed), it logs
 * one line at ERROR on the {@code io.nodecache.errors} logger, {@code plugin/errors: 2 NAME. TYPE:
 * reason}, and lets the failure through; the listener then answers SERVFAIL. Answers pass unlogged
 * whatever their rcode. Its fast path always passes.
 *
 * <p>Syntax, as {@link io.nodecache.errors.ErrorsPluginFactory} accepts it (CoreDNS's):
 *
 * <pre>
 * errors [stdout] {
 *     stacktrace
 *     consolidate DURATION REGEXP [LEVEL] [show_first]
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code stdout}: the only destination there is (the process log).
 *   <li>{@code stacktrace}: a failure that is a bug (a runtime exception in a handler, CoreDNS's
 *       panic) is logged with its stack trace; I/O failures are not.
 *   <li>{@code consolidate}: errors whose reason matches REGEXP (Java syntax, which agrees with Go's
 *       RE2 for the usual patterns; at most 10,000 characters) are counted; DURATION after the first
 *       of a period one line says {@code plugin/errors: N errors like 'REGEXP' occurred in last
 *       DURATION} at LEVEL ({@code warning}, {@code error} (default), {@code info}, {@code debug}).
 *       With {@code show_first} the first error of a period is logged at once, at LEVEL, and the
 *       summary is printed only when more followed. Several {@code consolidate} lines may be given;
 *       an error counts for the first pattern it matches. A reload or stop prints what is counted.
 * </ul>
 *
 * <p>Refused at start with {@code file:line}: an argument other than {@code stdout}, an unknown
 * option, {@code stacktrace} with arguments, {@code consolidate} with a bad DURATION, REGEXP,
 * LEVEL or extra word, and a second {@code errors} in the same server block.
 *
 * <p>Where this differs from CoreDNS: a query that falls off the end of the chain is answered
 * SERVFAIL by {@link io.nodecache.chain.Chain} itself and logs nothing (CoreDNS's last plugin
 * reports "no next plugin found").
 */
package io.nodecache.errors;
