/**
 * The {@code template} plugin: CoreDNS's {@code template} directive, answers built from Go templates
 * for the names a regular expression picks out.
 *
 * <p>Syntax, as {@link io.nodecache.template.TemplatePluginFactory} accepts it (any number of {@code
 * template} directives per server block; they are tried in file order):
 *
 * <pre>
 * template CLASS TYPE [ZONE...] {
 *     match REGEX...
 *     answer RR...
 *     additional RR...
 *     authority RR...
 *     rcode CODE
 *     ederror CODE [REASON]
 *     fallthrough [ZONE...]
 *     upstream [ARGS...]
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code CLASS}, {@code TYPE}: upper-case mnemonics ({@code IN}, {@code AAAA}); {@code ANY}
 *       matches every class or type, and a query of class or type ANY matches every template.
 *   <li>{@code ZONE}: the names the template looks at, default the server block's zones; one
 *       argument may hold several zones separated by spaces; a scheme and a port are dropped.
 *   <li>{@code match REGEX...}: Go (RE2) expressions searched (unanchored) in the lower-case query
 *       name with its trailing dot; default {@code .*}; the first that matches wins. {@code (?P<n>)}
 *       and {@code (?<n>)} groups are named as in Go (underscores allowed), {@code [[:digit:]]} and
 *       the other POSIX classes are translated. Java's engine runs them; the Perl constructs RE2
 *       refuses (backreferences, lookaround, atomic groups, possessive quantifiers) are refused.
 *   <li>{@code answer}, {@code additional}, {@code authority}: templates whose output is one record
 *       in zone-file text, read as miekg/dns's {@code NewRR} reads it: relative names end at the
 *       root, TTL 3600 and class IN when left out. Several arguments make several records.
 *   <li>{@code rcode CODE}: {@code NOERROR} (default), {@code NXDOMAIN}, {@code SERVFAIL}, {@code
 *       REFUSED} and the other upper-case names up to 15. {@code SERVFAIL} answers SERVFAIL without
 *       records, as CoreDNS.
 *   <li>{@code ederror CODE [REASON]}: an RFC 8914 extended error (0 to 65535) in the answer's OPT
 *       record.
 *   <li>{@code fallthrough [ZONE...]}: a name of the template's zones that no regex matches goes on
 *       to the next template, then to the next plugin; without it such a query gets SERVFAIL. Zones
 *       limit it to names under them.
 *   <li>{@code upstream}: read and ignored, as CoreDNS does: the target of a CNAME answering an A or
 *       AAAA query is always looked up and its records of that type appended.
 * </ul>
 *
 * <p>Templates see {@code .Name}, {@code .Zone} (the longest matching zone of the template), {@code
 * .Class}, {@code .Type} (the template's own when the query asked for ANY), {@code .Regex}, {@code
 * .Match} (whole match then groups), {@code .Group} (by number and by name; a missing name prints
 * {@code <no value>}), {@code .Remote} (client address), {@code .Question} (with {@code .Name},
 * {@code .Qtype}, {@code .Qclass}), {@code .Message} (with its header fields {@code .Id}, {@code
 * .RecursionDesired}, {@code .Rcode} ...) and {@code .Meta "NAME"}, which is always empty (no
 * metadata plugin). Template language: text, {@code {{ }}} actions with field chains, string and
 * integer literals, parentheses, pipes, comments, trim markers, and the functions {@code index},
 * {@code len}, {@code print}, {@code printf}, {@code println} and {@code parseInt} ({@code
 * strconv.ParseUint}).
 *
 * <p>Answers carry AA and the query's RD and CD bits. A template that fails to execute (an unknown
 * field such as {@code .Grup}, an index out of range, a {@code parseInt} error) or whose output is no
 * record answers SERVFAIL and counts {@code coredns_template_template_failures_total} or {@code
 * coredns_template_rr_failures_total}; every match counts {@code coredns_template_matches_total}
 * (labels as CoreDNS; {@code view} empty).
 *
 * <p>Refused at start with {@code file:line}: fewer than two arguments, an unknown class or type,
 * an option not listed above, an option without its arguments, an unknown or extended rcode, a
 * regex that does not compile, a template that does not parse or calls an undefined function, a
 * template with neither answer nor authority and rcode NOERROR (CoreDNS's "no answer section for
 * template found": for NODATA write an authority SOA), and what we do not implement: {@code if},
 * {@code range}, {@code with}, {@code define}, {@code template}, {@code block}, variables ({@code
 * $x}), Go's other functions ({@code eq}, {@code and}, {@code slice}, {@code urlquery} ...), and
 * {@code .Message.Question}/{@code Answer}/{@code Ns}/{@code Extra}.
 *
 * <p>Fast path: a template without {@code match}, with a fixed class and type, whose records are
 * plain text that parses and holds no CNAME, and without {@code ederror} or {@code rcode SERVFAIL},
 * answers on the byte-level path ({@code template IN AAAA . { rcode NXDOMAIN }} costs no decoding).
 * Queries outside every template's zones, class and type pass; the others take the decoded path.
 *
 * <p>Chain position: after {@code cache}, {@code rewrite} and {@code minimal}, before {@code hosts},
 * {@code kubernetes} and {@code forward}, as in CoreDNS; the cache in front stores its answers.
 *
 * <p>Where this differs from CoreDNS:
 *
 * <ul>
 *   <li>Only the template subset above; the rest is refused at start, never accepted and ignored.
 *   <li>{@code .Message} prints dnsjava's text of the query, not miekg/dns's.
 *   <li>{@code ederror} adds its option only when the query had EDNS; CoreDNS adds an OPT record
 *       (with DO) even for a client without EDNS.
 *   <li>The CNAME target is looked up through the plugins after {@code template} (hosts, the cluster
 *       view, cache, forward), not from the top of the chain, and the lookup's TC bit is not copied.
 *   <li>ANY queries never reach the plugin: the server answers them itself (RFC 8482).
 *   <li>The {@code template} metric label is our rendering of the parse tree, which matches Go's
 *       for the supported subset.
 * </ul>
 */
package io.nodecache.template;
