/**
 * Configuration input, without behaviour: {@link io.nodecache.config.CorefileParser} reads CoreDNS
 * Corefile syntax into {@link io.nodecache.config.Corefile}, {@link io.nodecache.config.ServerBlock}
 * and {@link io.nodecache.config.Directive} records that keep each line's {@link
 * io.nodecache.config.Location} (the Corefile's, or the imported file's), so every {@link
 * io.nodecache.config.ConfigException} names {@code file:line}; {@link io.nodecache.config.Values}
 * parses directive arguments (Go-style durations, bounded integers); {@link
 * io.nodecache.config.Zones} normalises zone names as CoreDNS does. Also node-cache's inputs: the
 * command line ({@link io.nodecache.config.Flags}), the kube-dns ConfigMap ({@link
 * io.nodecache.config.KubeDnsConfig}) and the {@code __PILLAR__} placeholders ({@link
 * io.nodecache.config.Pillars}). Which directives exist is decided above, by {@code server} and the
 * plugins. Depends on no other package of ours.
 *
 * <h2>The Corefile, as CoreDNS's parser (Caddy v1's Caddyfile) reads it</h2>
 *
 * <ul>
 *   <li>Tokens are separated by white space. {@code "} opens a quoted token only where a token
 *       starts; inside, {@code \"} is a quote and any other backslash stays as it is. An unquoted
 *       {@code #} starts a comment to the end of the line, also in the middle of a token ({@code
 *       10.0.0.1#53} is {@code 10.0.0.1}). {@code {$NAME}} and {@code {%NAME%}} are environment values.
 *   <li>A server block is a line of keys (a key ending in {@code ,} continues on the next line), then
 *       <code>&#123;</code> on that line or the next. Without <code>&#123;</code> the directives that follow belong to the
 *       block up to a <code>&#125;</code> or the end of the file, as CoreDNS accepts; a <code>&#123;</code> glued to the
 *       last key (<code>example.org&#123;</code>) is read the same way, as CoreDNS's lexer drops it.
 *   <li>A directive is one line: its name, its arguments, and optionally a nested block opened on that
 *       line. A <code>&#125;</code> closes a block only at the start of a line or right after its <code>&#123;</code>
 *       (<code>. &#123; &#125;</code>); <code>. &#123; errors &#125;</code> is refused, as CoreDNS refuses it. Refused too, where
 *       CoreDNS would drop the brace or pass it to the plugin as an argument: a <code>&#123;</code> glued to a
 *       directive or argument, a <code>&#125;</code> after an option on its line, text after a nested <code>&#125;</code>.
 *   <li>Keys: {@code [dns://]ZONE[:PORT]}; {@code tls://}, {@code https://}, {@code grpc://} and
 *       {@code quic://} are refused (plain DNS only). A zone must be a valid domain name ({@code .svc},
 *       {@code a..b}, a label over 63 octets are refused with CoreDNS's reason); a CIDR is its reverse
 *       zones, expanded to the octet (IPv4) or nibble (IPv6) boundary. Differences: a port that is not
 *       a number ({@code example.org:http}) is refused where CoreDNS would take it as part of the zone
 *       name; a bare {@code :PORT} is the root zone; commas inside a token also separate keys.
 *   <li>{@code import PATTERN} (a file, a glob with one {@code *} and one {@code ?} at most, or a
 *       snippet <code>(name) &#123; ... &#125;</code> defined above at the top level) is replaced by what it names,
 *       at the top level or where a directive or option starts; relative patterns start from the
 *       directory of the file holding the {@code import}. A glob matching nothing is nothing; a missing
 *       plain file, a directory, two arguments, a cycle (CoreDNS only stops after 1000 imports) are
 *       refused. No {@code {args.N}}: CoreDNS's Caddy has none. Pillars are filled in the Corefile
 *       only, not in imported files.
 * </ul>
 */
package io.nodecache.config;
