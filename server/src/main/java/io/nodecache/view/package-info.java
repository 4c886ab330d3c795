/**
 * The {@code view} plugin: CoreDNS's {@code view}, which lets several server blocks serve the same
 * zone on the same address, each taking the queries its expressions select (split DNS by client
 * address, query type, name...).
 *
 * <p>Syntax, as {@link io.nodecache.view.ViewPluginFactory} accepts it:
 *
 * <pre>
 * view NAME {
 *     expr EXPRESSION
 *     ...
 * }
 * </pre>
 *
 * <p>A query goes to the first block of its zone (longest matching zone first, then the blocks of that
 * zone in Corefile order) whose every {@code expr} is true for it; when no block of the zone takes
 * it, the blocks of the parent zones are tried, and with none it is REFUSED, as CoreDNS's server
 * does. A block without {@code view} takes every query. A block with a {@code view} may share its
 * zone, port and address with other view blocks and with one block without a view, which must come
 * after them (CoreDNS refuses it before: {@code zone '...' is defined twice}). The arguments of an
 * {@code expr} line are joined with single spaces, as CoreDNS joins them. A value that is not boolean
 * true, or an error while evaluating (an {@code incidr} on something that is not an address), makes
 * the expression false.
 *
 * <p>EXPRESSION is the part of the expr language CoreDNS's README shows: integer and string literals
 * ({@code 'single'} or {@code "double"} quotes, backslash escapes), {@code true}, {@code false},
 * arrays {@code [a, b]}, parentheses, {@code || or}, {@code && and}, {@code ! not}, {@code == !=}
 * (same types only), {@code < > <= >=} (ints or strings), {@code in} and {@code not in} (array
 * membership), {@code matches} (a quoted regular expression, searched in the string), {@code
 * contains}, {@code startsWith}, {@code endsWith}, {@code + - * %} (ints; {@code +} also joins
 * strings), with expr's precedence. Functions, as CoreDNS's {@code plugin/pkg/expression} defines
 * them: {@code bufsize() int} (65535 over TCP, else the advertised EDNS size, at least 512), {@code
 * class() string}, {@code client_ip() string} ({@code [::1]} for IPv6), {@code do() bool}, {@code
 * id() int}, {@code name() string} (lower case, trailing dot), {@code opcode() int}, {@code port()
 * string}, {@code proto() string} ({@code udp} or {@code tcp}), {@code server_ip() string}, {@code
 * server_port() string}, {@code size() int} (the query's length in bytes), {@code type() string} and
 * {@code incidr(ip string, cidr string) bool}.
 *
 * <p>Refused at start, each naming {@code file:line}: a missing or second NAME, an option other than
 * {@code expr}, an {@code expr} without arguments, an unknown function or name, wrong argument counts
 * or types (types are checked at start, as expr's compiler does), a regular expression or CIDR
 * literal that does not parse, an unclosed string, any other syntax, and a second {@code view} in the
 * block.
 *
 * <p>Where this differs from CoreDNS: {@code metadata(LABEL)} is refused (nodecache has no metadata
 * plugin); expr's other operators and builtins (ternaries, {@code ??}, ranges, {@code /}, {@code **},
 * member access, pipes, closures, {@code len}, {@code all}, ...) are refused rather than supported;
 * {@code incidr} accepts the bracketed IPv6 form that {@code client_ip()} gives (CoreDNS's fails to
 * parse it, so an IPv6 client never matches there); the view name is not a metric label. A block
 * with a view never answers on the byte-level path: its queries are decoded first so that the
 * expressions can be evaluated.
 */
package io.nodecache.view;
