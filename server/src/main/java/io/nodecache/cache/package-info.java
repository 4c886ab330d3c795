/**
 * The {@code cache} plugin: CoreDNS's {@code cache} directive over two Caffeine caches (positive
 * and negative) of prepared wire answers. Hits are answered on the fast path from the stored bytes
 * (ID, question case, TTLs and OPT patched per client); a hit too big for a UDP client takes the
 * decoded path, which truncates. Entries are keyed by name (case-insensitively), type, class, DO
 * and CD.
 *
 * <p>Memory: an entry is one object and one byte array. The {@link io.nodecache.cache.CacheEntry} is
 * the answer ({@link io.nodecache.wire.PreparedAnswer}: the message with its question name lower-cased,
 * then two bytes per record for its TTL's offset) and its own key ({@link io.nodecache.cache.Question}:
 * the question section inside those bytes plus the DO and CD bits), so no key object and no second
 * copy of the name. The two Caffeine maps are bounded by size only, with no expiry policy (which would
 * cost each entry a timestamp and two timer links): an entry past its lifetime is a miss, is not handed
 * over, and stays until a new answer replaces it or the size bound evicts it, as in CoreDNS, whose
 * {@code coredns_cache_entries} counts such entries too. Per entry (a one-record A answer, JDK 25 with
 * compact headers): the 56-byte entry, its array (the answer's own bytes plus about 16), Caffeine's
 * 32-byte node, the {@code ConcurrentHashMap} node (24) and about 21 bytes of hash table and frequency
 * sketch (bench/RESULTS.md, "Footprint").
 *
 * <p>Syntax, as {@link io.nodecache.cache.CachePluginFactory} accepts it:
 *
 * <pre>
 * cache [TTL] [ZONES...] {
 *     success CAPACITY [TTL [MINTTL]]
 *     denial CAPACITY [TTL [MINTTL]]
 *     prefetch AMOUNT [DURATION [PERCENTAGE%]]
 *     serve_stale [DURATION [immediate [RESPONSE_TTL [FAILURE_RECHECK]]
 *                          | verify [VERIFY_TIMEOUT [RESPONSE_TTL [FAILURE_RECHECK]]]]]
 *     serve_stale_policy prefer_positive
 *     servfail DURATION
 *     disable success|denial [ZONES...]
 *     keepttl
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code TTL} (a first argument that is a number): caps the cache duration of both caches, 1
 *       to 2147483647 seconds; without it, 3600 for answers and 1800 for denials. It never extends
 *       a record's own TTL.
 *   <li>{@code ZONES}: the zones cached, default the server block's zones.
 *   <li>{@code success} / {@code denial CAPACITY [TTL [MINTTL]]}: CAPACITY (0 or more) is rounded
 *       down to a multiple of 256, at least 1024, default 9984 each; TTL (1 or more) replaces that
 *       cache's cap; MINTTL (0 or more, default 5) raises shorter TTLs. Denials are NXDOMAIN and
 *       NODATA answers, cached for min(SOA TTL, SOA MINIMUM) (RFC 2308); without an SOA they are
 *       not cached, nor are truncated answers or rcodes other than NOERROR, NXDOMAIN and SERVFAIL.
 *   <li>{@code prefetch AMOUNT [DURATION [PERCENTAGE%]]}: an entry asked for AMOUNT times with no
 *       gap longer than DURATION (1 s to 1 day, default 1 m) is refreshed in the background once at
 *       most PERCENTAGE (10 to 90, the {@code %} mandatory, default 10) of its TTL is left, at the
 *       latest 1 s before it expires. AMOUNT 0, and no {@code prefetch} at all, mean off.
 *   <li>{@code serve_stale} (RFC 8767): an expired positive or negative entry (never a SERVFAIL)
 *       may be served for DURATION (0 to 365 days, default 1 h; 0 turns serve-stale off) past its
 *       expiry. {@code immediate} (the default) answers with the stale entry at once and refreshes
 *       it in the background; {@code verify} asks the upstream first and serves the stale entry
 *       only when the upstream fails, answers with an rcode other than NOERROR or NXDOMAIN, or has
 *       not answered after VERIFY_TIMEOUT (0 to 1 m, default 0: wait for the upstream's own
 *       failure). RESPONSE_TTL (0 to 1 day, whole seconds, default 30 s) is the TTL of stale
 *       answers; FAILURE_RECHECK (0 to 1 day, default 0) is how long an entry waits after a failed
 *       refresh before the next one. Modes are case-insensitive.
 *   <li>{@code serve_stale_policy prefer_positive}: a refresh (serve-stale or prefetch) that brings
 *       a negative answer does not replace a positive entry, which keeps being served. Accepted
 *       without {@code serve_stale} too (it then applies to prefetch).
 *   <li>{@code servfail DURATION}: how long SERVFAIL answers are cached (in the negative cache), 0
 *       to 5 m, default 5 s; 0 disables.
 *   <li>{@code disable success|denial [ZONES...]}: do not store answers (for {@code denial}:
 *       denials and SERVFAIL) for names under these zones; no ZONES means all of the cache's zones.
 *   <li>{@code keepttl}: answer with the TTLs as received instead of the time left.
 * </ul>
 *
 * <p>DURATION values are Go-style ({@code 500ms}, {@code 5s}, {@code 1m30s}) or a bare number of
 * seconds.
 *
 * <p>Refused at start, each naming the option's {@code file:line} ({@code Corefile:9: cache:
 * unknown option 'x' (expected one of: success, denial, prefetch, serve_stale, serve_stale_policy,
 * servfail, disable, keepttl)}): a TTL of 0 or less; a wrong argument count; a value that is not a
 * number or duration, or out of the ranges above; a PERCENTAGE without {@code %}; a serve-stale
 * mode other than {@code immediate} or {@code verify}; a policy other than {@code prefer_positive};
 * an option with a block of its own; a second {@code cache} in the block.
 *
 * <p>Chain position: CoreDNS's, after {@code loadbalance} and before {@code rewrite}, {@code template},
 * {@code hosts}, {@code kubernetes} and {@code forward}: what those answer is stored, keyed on the
 * question the client asked. Two differences on purpose: names in the zones of a {@code kubernetes}
 * directive of the same block ({@link io.nodecache.chain.LocalZones}) are never cached, since the live
 * view answers them; and {@code autopath} runs in front of the cache, so the names it walks are looked
 * up in the cache and the walked reply, which depends on which pod asked, is never stored.
 * On a restart with {@code -handoff} the entries move to the new process with the lifetime they
 * have left ({@code io.nodecache.handoff}).
 *
 * <p>Where this differs from CoreDNS's documentation:
 *
 * <ul>
 *   <li>CoreDNS caches the {@code kubernetes} plugin's answers; here the cluster zone's answers come
 *       from the live view every time (see the chain position above).
 *   <li>Stale answers carry a TTL of 30 s (RFC 8767 section 4), not CoreDNS's 0, unless
 *       RESPONSE_TTL says otherwise.
 *   <li>CoreDNS's {@code serve_stale} takes at most DURATION and REFRESH_MODE; VERIFY_TIMEOUT,
 *       RESPONSE_TTL and FAILURE_RECHECK are ours.
 *   <li>{@code serve_stale_policy} is not in the CoreDNS cache documentation we checked (newer
 *       CoreDNS releases have an option of that name); we accept only {@code prefer_positive}, and
 *       without {@code serve_stale} too.
 *   <li>CoreDNS parses durations with Go's {@code time.ParseDuration}, which refuses a bare number;
 *       we take it as seconds. CoreDNS does not bound {@code prefetch} DURATION and refuses only a
 *       negative {@code serve_stale} DURATION; we bound both as above.
 *   <li>Eviction is Caffeine's size-based policy over the whole cache, not CoreDNS's random
 *       eviction within 256 shards; CAPACITY keeps CoreDNS's rounding all the same.
 * </ul>
 */
package io.nodecache.cache;
