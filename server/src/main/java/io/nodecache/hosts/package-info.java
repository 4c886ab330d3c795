/**
 * The {@code hosts} plugin: CoreDNS's {@code hosts} directive, answering A, AAAA and PTR queries
 * from a hosts file and from entries inlined in the Corefile.
 *
 * <p>Syntax, as {@link io.nodecache.hosts.HostsPluginFactory} accepts it:
 *
 * <pre>
 * hosts [FILE [ZONES...]] {
 *     IP NAME [NAME...]
 *     ttl SECONDS
 *     no_reverse
 *     reload DURATION
 *     fallthrough [ZONES...]
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code FILE}: the hosts file, default {@code /etc/hosts}; a relative path is resolved
 *       against the working directory. Lines are {@code IP NAME [ALIAS...]}, {@code #} starts a
 *       comment, an IPv6 zone ({@code %eth0}) is dropped, lines that do not parse are skipped. A
 *       missing or unreadable file leaves the inline entries serving.
 *   <li>{@code ZONES}: the names answered, default the server block's zones. Queries outside them,
 *       PTR queries included, go to the next handler.
 *   <li>{@code IP NAME [NAME...]} (INLINE): a hosts-file line in the block; the first word must
 *       look like an IPv4 or IPv6 literal (hex digits, dots, colons). Inline entries are merged
 *       with the file's: a name in both gets the addresses of both.
 *   <li>{@code ttl SECONDS}: TTL of every record, 0 to 2147483647, default 3600.
 *   <li>{@code no_reverse}: no PTR records from the entries (its arguments are not checked).
 *   <li>{@code reload DURATION}: how often the file's modification time is checked and a changed
 *       file read again, default 5 s; 0 disables. Go-style ({@code 500ms}, {@code 5s}, {@code
 *       1m30s}) or a bare number of seconds.
 *   <li>{@code fallthrough [ZONES...]}: a name we do not know, in these zones (every zone when none
 *       are given), goes to the next handler instead of getting NXDOMAIN.
 * </ul>
 *
 * <p>Answers carry AA. A known name asked for a type it has no record of gets NODATA; an unknown
 * name gets NXDOMAIN (no SOA), unless it falls through.
 *
 * <p>Refused at start, naming {@code file:line}: any block line that is neither an option above nor
 * starts with an IP literal ({@code hosts: unknown option 'x' (expected one of: ttl, no_reverse,
 * reload, fallthrough, IP NAME...)}), {@code ttl} or {@code reload} without exactly one valid
 * value, a zone that is not a DNS name, and a second {@code hosts} in the block.
 *
 * <p>Metrics, as CoreDNS names them, without labels: {@code coredns_hosts_entries} (every address of
 * every name plus every name of every reverse entry, file and inline together) and {@code
 * coredns_hosts_reload_timestamp_seconds} (the modification time of the file last read, 0 until one
 * was read). With several hosts blocks, the table loaded last sets them, as in CoreDNS.
 *
 * <p>Chain position: after {@code cache} and {@code template}, before {@code kubernetes} and {@code
 * forward} (CoreDNS's order): the block's {@code cache} stores its answers, so after a file reload a
 * cached answer lives out its TTL, as in CoreDNS.
 *
 * <p>Where this differs from CoreDNS's documentation and code:
 *
 * <ul>
 *   <li>An unknown name without {@code fallthrough}: CoreDNS's hosts code answers SERVFAIL (it has
 *       no SOA to put in an NXDOMAIN); we answer NXDOMAIN.
 *   <li>CoreDNS answers PTR queries from the hosts data even when the reverse zone is not among
 *       ZONES; we answer only names inside ZONES (no difference in a root-zone block).
 *   <li>CoreDNS accepts {@code ttl} from 1 to 65535; we accept 0 to 2147483647.
 *   <li>CoreDNS parses {@code reload} with Go's {@code time.ParseDuration}, which refuses a bare
 *       number; we take a bare number as seconds.
 *   <li>CoreDNS takes every unrecognised line of the block as hosts-file content (and refuses such
 *       lines after {@code fallthrough ZONES}); we take only lines whose first word looks like an
 *       IP literal, in any order, and refuse the others; an inline IPv6 literal with a zone ({@code
 *       fe80::1%eth0}) is refused.
 *   <li>Newer CoreDNS releases match {@code *.example.com} entries as one-label wildcards and have
 *       a {@code fallthrough_unsupported} option; here {@code *} is an ordinary label and the
 *       option is refused.
 *   <li>CoreDNS puts {@code cache} in front of {@code hosts} and caches its answers; here they are
 *       not cached.
 *   <li>CoreDNS sets {@code coredns_hosts_entries} only when it reads the file (and exports {@code
 *       coredns_hosts_reload_timestamp_seconds 0} even without a hosts block); we set the entries
 *       whenever the served table changes (inline entries alone when the file cannot be read) and
 *       export both only while a hosts block runs.
 * </ul>
 */
package io.nodecache.hosts;
