package io.nodecache.forward;

import io.nodecache.forward.UpstreamAddresses.Target;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * A validated {@code forward} directive. Defaults are CoreDNS's.
 *
 * @param from the zone forwarded
 * @param targets upstreams, 1 to {@link #MAX_UPSTREAMS}
 * @param except names under {@code from} that are not forwarded
 * @param forceTcp every exchange over TCP
 * @param preferUdp UDP even for TCP clients (TC answers are retried over TCP)
 * @param maxFails failed health checks before an upstream counts as down; 0 disables health checks
 * @param healthCheck interval between health checks while an upstream is failing
 * @param healthCheckRecursion RD bit of health-check queries ({@code no_rec} clears it)
 * @param healthCheckDomain the name health checks ask NS for
 * @param expire idle time after which a pooled connection is closed
 * @param policy the upstream order
 * @param maxConcurrent queries in flight before REFUSED; 0 is unlimited
 * @param maxConnectAttempts upstream tries per query; 0 means two per upstream
 * @param readTimeout per-try wait for an answer
 * @param deadline overall time per query, all tries included
 * @param maxIdleConns idle pooled connections kept per upstream; 0 is unlimited
 * @param failFastAllUnhealthy fail at once when every upstream is down, instead of trying one
 * @param nextRcodes answer rcodes that hand the query to the next {@code forward} of the block
 * @param nextOnNodata a NOERROR answer without answer records hands the query to the next {@code forward}
 * @param failoverRcodes answer rcodes after which the next upstream is asked (never NOERROR)
 * @param tls the TLS client of {@code tls://} upstreams, or null when there is none
 * @param tlsServerName {@code tls_servername}, or null
 */
public record ForwardConfig(
    Name from,
    List<Target> targets,
    List<Name> except,
    boolean forceTcp,
    boolean preferUdp,
    int maxFails,
    Duration healthCheck,
    boolean healthCheckRecursion,
    Name healthCheckDomain,
    Duration expire,
    Policy policy,
    int maxConcurrent,
    int maxConnectAttempts,
    Duration readTimeout,
    Duration deadline,
    int maxIdleConns,
    boolean failFastAllUnhealthy,
    Set<Integer> nextRcodes,
    boolean nextOnNodata,
    Set<Integer> failoverRcodes,
    TlsClient tls,
    String tlsServerName) {

  public static final int MAX_UPSTREAMS = 15;
  public static final int DEFAULT_MAX_FAILS = 2;
  public static final Duration DEFAULT_HEALTH_CHECK = Duration.ofMillis(500);
  public static final Duration DEFAULT_EXPIRE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
  /** CoreDNS {@code defaultTimeout}: the whole query, all tries included. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

  public ForwardConfig {
    targets = List.copyOf(targets);
    except = List.copyOf(except);
    nextRcodes = Set.copyOf(nextRcodes);
    failoverRcodes = Set.copyOf(failoverRcodes);
  }

  /** The upstream addresses, in TO order. */
  public List<InetSocketAddress> to() {
    return targets.stream().map(Target::address).toList();
  }

  /** Whether an answer with this rcode (and so many answer records) goes to the next {@code forward}. */
  boolean handsOn(int rcode, int answers) {
    return nextRcodes.contains(rcode) || (nextOnNodata && rcode == 0 && answers == 0);
  }

  /** Tries per query: the configured cap, or two per upstream. */
  public int attempts() {
    return maxConnectAttempts > 0 ? maxConnectAttempts : 2 * targets.size();
  }

  /** Defaults for {@code forward FROM TO...} without a block. */
  public static ForwardConfig defaults(Name from, List<InetSocketAddress> to) {
    return new ForwardConfig(
        from, to.stream().map(a -> new Target(a, false, null)).toList(), List.of(), false, false, DEFAULT_MAX_FAILS,
        DEFAULT_HEALTH_CHECK, true, Name.root, DEFAULT_EXPIRE, Policy.RANDOM, 0, 0, DEFAULT_READ_TIMEOUT,
        DEFAULT_DEADLINE, 0, false, Set.of(), false, Set.of(), null, null);
  }
}
