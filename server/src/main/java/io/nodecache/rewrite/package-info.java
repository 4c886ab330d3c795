/**
 * The {@code rewrite} plugin: CoreDNS's {@code rewrite} directive, rewriting the query the rest of the
 * chain answers and mapping the answer back so the client sees its own question.
 *
 * <p>Syntax, as {@link io.nodecache.rewrite.RewritePluginFactory} accepts it; each {@code rewrite}
 * line is one rule, and a block may hold as many lines as it likes, run in file order:
 *
 * <pre>
 * rewrite [continue|stop] name [exact|prefix|suffix|substring|regex] FROM TO [answer auto | answer name FROM TO | answer value FROM TO]...
 * rewrite [continue|stop] type FROM TO
 * rewrite [continue|stop] class FROM TO
 * rewrite [continue|stop] ttl [exact|prefix|suffix|substring|regex] NAME SECONDS|MIN-MAX|MIN-|-MAX
 * rewrite [continue|stop] rcode [exact|prefix|suffix|substring|regex] NAME FROM TO
 * rewrite [continue|stop] edns0 local set|append|replace CODE DATA
 * rewrite [continue|stop] edns0 nsid set|append|replace
 * rewrite [continue|stop] edns0 subnet set|append|replace V4BITS V6BITS
 * rewrite [continue|stop] {
 *     FIELD ARGS...       (the words of every line of the block make one rule)
 * }
 * </pre>
 *
 * <ul>
 *   <li>Rules run in file order against the lower-cased question name with its trailing dot. A rule
 *       that applies rewrites a copy of the query (the shared query is never changed); with {@code
 *       stop} (the default) no later rule runs, with {@code continue} the next rules see the rewritten
 *       query. {@code ttl} and {@code rcode} rules apply without changing the query, and stop too.
 *   <li>Names: FROM and TO are lower-cased and given a trailing dot, for every match type but a
 *       regex FROM (CoreDNS's normalization: {@code prefix www web} matches {@code www.} and so
 *       labels). {@code substring} replaces every occurrence. {@code regex}: the first match
 *       anywhere in the name ({@code find}); TO takes groups as {@code {0}}, {@code {1}}...; a TO
 *       naming more groups than the pattern has is refused.
 *   <li>Answers: the question is always restored. {@code answer auto}: the rewritten name, and names
 *       under it, map back to the name before the rule, in owner names and in the targets of CNAME,
 *       DNAME, NS, PTR, MX, SRV, NAPTR and SOA (MNAME); for a {@code suffix} rule, the suffix TO
 *       becomes FROM again. An {@code exact} rule always maps back. {@code answer name FROM TO}
 *       (owner names) and {@code answer value FROM TO} (those targets): a regex match replaces the
 *       whole name by TO with its groups; after the first, the word {@code answer} may be left out;
 *       {@code auto} with {@code answer name} is refused. The response rules of every rule that
 *       applied run on every record of the answer, authority and additional sections, last rule
 *       first.
 *   <li>{@code type}, {@code class}: by mnemonic; the question's type or class is replaced.
 *   <li>{@code ttl}: SECONDS sets every TTL of the answer; {@code MIN-MAX} clamps into the range,
 *       {@code MIN-} has no upper bound (2147483647), {@code -MAX} no lower one.
 *   <li>{@code rcode}: by number (0..15) or name ({@code NXDOMAIN}); an answer with RCODE FROM gets TO.
 *   <li>{@code edns0}: {@code set} replaces the option with the same code or adds it, {@code append}
 *       adds it only when there is none (as the README says), {@code replace} only replaces. A query
 *       without OPT gets one (payload 4096), as in CoreDNS. {@code local CODE DATA}: CODE as Go reads
 *       numbers (decimal, {@code 0x}, {@code 0o}/leading {@code 0}, {@code 0b}), up to 65535; DATA
 *       is hex after {@code 0x}, text otherwise, or one of {@code {qname} {qtype} {client_ip}
 *       {client_port} {protocol} {server_ip} {server_port}}. {@code nsid}: an empty NSID. {@code
 *       subnet}: ECS with the client address cut to V4BITS (0..32) or V6BITS (0..128).
 *   <li>A rewritten name that is not a domain name gets SERVFAIL, as in CoreDNS.
 * </ul>
 *
 * <p>Refused at start, naming {@code Corefile:LINE}: an unknown field ({@code invalid rule type}),
 * {@code answer} first, a wrong number of arguments for any field, an unknown match type, action,
 * type, class, RCODE or variable, a bad regex, a bad TTL or range (MIN above MAX, a lone {@code -}),
 * an option code above 65535, bad hex data, bit masks above 32/128, a block after two or more
 * arguments, and everything below that nodecache does not do.
 *
 * <p>Chain position: after {@code cache}, before {@code template}, {@code hosts}, {@code kubernetes}
 * and {@code forward} (CoreDNS's order), so everything that answers sees the rewritten query; the
 * cache in front stores the answer as the client gets it, under the question the client asked.
 * {@code autopath} runs in front of both here (CoreDNS: between them), see its package-info.
 *
 * <p>Fast path: a query no rule applies to keeps the byte-level path (PASS, no allocation: exact,
 * prefix, suffix and substring compare bytes of the lower-cased name; type and class compare
 * numbers). A query a rule applies to takes the decoded path. Regex rules and {@code edns0} rules
 * (which apply to every query) send every query of the block to the decoded path, as does a name
 * with characters presentation form escapes.
 *
 * <p>Where this differs from CoreDNS:
 *
 * <ul>
 *   <li>{@code cname} rules (CNAME target rewrites that query an upstream) are refused; so are
 *       metadata variables ({@code {plugin/label}}) in {@code edns0 local}, since nodecache has no
 *       {@code metadata} plugin, and RCODEs above 15 (extended RCODEs).
 *   <li>Regular expressions are Java's ({@code java.util.regex}), not Go's RE2; {@code (?P<name>}
 *       is read as {@code (?<name>}. Group substitution is one pass.
 *   <li>CoreDNS restores the question only when a rule brought response rules or stopped the walk;
 *       a {@code continue type} rule left the rewritten type in the client's question. We always
 *       restore it.
 *   <li>{@code answer auto} and the suffix mapping compare names case-insensitively (CoreDNS
 *       exactly); the mapped name is the lower-cased one, as in CoreDNS.
 *   <li>CoreDNS applies an {@code rcode} rule once per record, so never to an answer without
 *       records; we apply it to every answer of a matched query. The OPT record is never touched
 *       (CoreDNS's {@code ttl} rule would overwrite its flags).
 *   <li>CoreDNS's code lets {@code edns0 local append} add a second option with the same code and
 *       {@code nsid append} a second NSID; we follow the README (append only when none).
 *   <li>{@code ANY} queries are answered by the server (RFC 8482) before any plugin, so {@code type
 *       ANY ...} rules never see them; the client gets a HINFO answer either way.
 * </ul>
 */
package io.nodecache.rewrite;
