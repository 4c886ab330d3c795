/**
 * The {@code file} plugin: CoreDNS's {@code file} directive, authoritative answers from RFC 1035
 * zone files.
 *
 * <p>Syntax, as {@link io.nodecache.file.FilePluginFactory} accepts it:
 *
 * <pre>
 * file DBFILE [ZONES...] {
 *     reload DURATION
 *     fallthrough [ZONES...]
 *     upstream [ANYTHING...]
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code DBFILE}: the zone file; a relative path is resolved against the working directory
 *       (there is no {@code root} plugin). Read with dnsjava's master-file parser: {@code $ORIGIN},
 *       {@code $TTL}, {@code $INCLUDE}, TTL 3600 where none is given.
 *   <li>{@code ZONES}: the origins the file is read for (once per origin, relative names completed
 *       with it), default the server block's zones. A query is answered from the zone with the
 *       longest origin containing it; other names go to the next plugin.
 *   <li>{@code reload DURATION}: every DURATION (default 1m, 0 disables) the file is read again and
 *       the new zone swapped in when its SOA serial differs from the one served. A file that fails to
 *       parse or cannot be read is logged and the old zone keeps serving.
 *   <li>{@code fallthrough [ZONES...]}: an answer without records that is NXDOMAIN or a NOERROR
 *       empty non-terminal or wildcard-without-the-type (not a plain NODATA, not a delegation), for a
 *       name in ZONES (all when none), goes to the next plugin instead, as newer CoreDNS releases do.
 *   <li>{@code upstream}: accepted and without effect, as in CoreDNS (which reads and drops it): a
 *       CNAME target outside the zone is always resolved.
 * </ul>
 *
 * <p>Answers, as CoreDNS's lookup: AA set (not on a referral); SOA at the apex with the apex NS in
 * authority; NS at the apex with in-bailiwick A/AAAA as additional; a positive answer with the apex
 * NS in authority and, for MX and SRV, the in-zone targets' A/AAAA as additional; NODATA and
 * NXDOMAIN with the SOA in authority; an empty non-terminal NOERROR with the SOA; below an NS cut a
 * referral (no AA, the NS in authority, glue as additional), except a DS query at the cut; a DNAME
 * above the name gives the DNAME and the synthesized CNAME; a CNAME is followed inside the zone (at
 * most 9 deep) and the target's records of the asked type appended; when no node of the zone holds
 * the target, it is looked up in our other file zones or else through the rest of the chain
 * ({@code loop}, {@code forward}) and that answer's records appended. A wildcard ({@code *.LABEL})
 * answers names below it that do not exist, owner rewritten to the query name (the deepest wildcard
 * met on the way down). With the DO bit the RRSIGs of the returned sets, the NSEC of a NODATA name
 * and the covering NSECs of an NXDOMAIN are added, as CoreDNS does. AXFR and IXFR get REFUSED
 * (there is no {@code transfer}); a zone whose file could not be read yet answers SERVFAIL.
 *
 * <p>Refused at start, naming {@code Corefile:LINE}: no DBFILE; a zone name that is not a DNS name;
 * a zone file that does not parse (the reason names the zone file's line), has no SOA or holds NSEC3
 * or NSEC3PARAM records (CoreDNS supports NSEC only); a missing file with {@code reload 0} (with
 * another interval CoreDNS and we warn and try again); {@code reload} without exactly one duration;
 * an option not listed above ({@code reload_by_mtime} of recent CoreDNS releases included), an
 * option with a block.
 *
 * <p>Fast path: a query outside every origin passes untouched; one inside takes the decoded path.
 *
 * <p>Chain position: after {@code kubernetes}, before {@code loop} and {@code forward}, as in CoreDNS's
 * plugin.cfg; the block's {@code cache} runs in front and stores zone answers, so after a reload a
 * cached answer lives out its TTL, as in CoreDNS.
 *
 * <p>Where this differs from CoreDNS:
 *
 * <ul>
 *   <li>No {@code transfer} plugin: no NOTIFY on reload, AXFR/IXFR refused.
 *   <li>An out-of-zone CNAME target is resolved by the rest of this block's chain (or our own file
 *       zones), where CoreDNS sends it through the whole server again.
 *   <li>{@code reload} also takes a bare number as seconds (CoreDNS uses Go's {@code
 *       time.ParseDuration}, which refuses it).
 *   <li>The apex always exists: a zone holding only SOA and NS answers NODATA for other types at the
 *       apex, where CoreDNS's tree walk can answer NXDOMAIN.
 *   <li>No {@code coredns_file_entries} metric.
 * </ul>
 */
package io.nodecache.file;
