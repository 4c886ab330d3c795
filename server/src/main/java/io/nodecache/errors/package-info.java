/**
 * The {@code errors} plugin: CoreDNS's {@code errors} directive. When the rest of the chain fails
 * (its stage completes exceptionally, for example after every {@code forward} try failed), it logs
 * one line at ERROR on the {@code io.nodecache.errors} logger, {@code plugin/errors: 2 NAME. TYPE:
 * reason}, and lets the failure through; the listener then answers SERVFAIL. Answers pass unlogged
 * whatever their rcode. Its fast path always passes, so it costs no query the byte-level path. It
 * is the first handler of the chain ({@link io.nodecache.chain.PluginRegistry}).
 *
 * <p>Syntax, as {@link io.nodecache.errors.ErrorsPluginFactory} accepts it:
 *
 * <pre>
 * errors [ARGS...] {
 *     stacktrace [ARGS...]
 *     consolidate [ARGS...]
 * }
 * </pre>
 *
 * <ul>
 *   <li>Arguments on the {@code errors} line are not checked and have no effect.
 *   <li>{@code stacktrace} and {@code consolidate} are accepted, with any arguments, so that
 *       CoreDNS Corefiles load; both are then <em>ignored</em>: no stack trace is added and nothing
 *       is consolidated, every failure is logged on its own line.
 * </ul>
 *
 * <p>Refused at start (exit code 2, one line naming {@code file:line}): any other option in the
 * block ({@code Corefile:7: errors: unknown option 'x' (expected one of: stacktrace, consolidate)},
 * at the option's line), and a second {@code errors} in the same server block.
 *
 * <p>Where this differs from CoreDNS's documentation:
 *
 * <ul>
 *   <li>CoreDNS's {@code errors} takes no argument but {@code stdout} and refuses others; we accept
 *       any and ignore them.
 *   <li>CoreDNS's {@code consolidate DURATION REGEXP [LEVEL] [show_first]} collects the errors
 *       matching REGEXP into one summary line per DURATION; we do not check its arguments and log
 *       every error.
 *   <li>CoreDNS's {@code stacktrace} logs a stack trace when a plugin panics; we ignore it.
 *   <li>A query that falls off the end of the chain: in CoreDNS the last plugin returns an error
 *       ("no next plugin found") that {@code errors} logs; here {@link io.nodecache.chain.Chain}
 *       answers SERVFAIL itself and nothing is logged.
 * </ul>
 */
package io.nodecache.errors;
