package io.nodecache.forward;

import com.github.benmanes.caffeine.cache.Ticker;
import io.nodecache.forward.UpstreamAddresses.Target;
import io.nodecache.transport.Transport;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One upstream server: its TCP pool, its UDP client and its health. After a failed try, a health check
 * ({@code . IN NS}) runs at once and then every interval for as long as it fails; any answer, whatever
 * its rcode, is healthy. The upstream is down while it has at least {@code max_fails} failed checks. A
 * {@code tls://} upstream is asked over TLS on its pooled TCP connections only, health checks included.
 */
final class Upstream {

  private final InetSocketAddress address;
  private final boolean tls;
  private final String label;
  private final ForwardConfig config;
  private final ForwardMetrics.To meters;
  private final TcpPool tcp;
  private final UdpClient udp;
  private final ScheduledExecutorService scheduler;
  private final AtomicInteger fails = new AtomicInteger();
  private final AtomicBoolean probing = new AtomicBoolean();
  private final byte[] probe;
  private final Record probeQuestion;
  private volatile boolean stopped;

  Upstream(Target target, ForwardConfig config, Transport transport, Ticker ticker,
      ScheduledExecutorService scheduler, SecureRandom ids, ForwardMetrics metrics) {
    this.address = target.address();
    this.tls = target.tls();
    this.label = label(address);
    this.config = config;
    this.scheduler = scheduler;
    this.meters = metrics.to(label);
    TcpPool.Tls secure = null;
    if (tls) {
      String name = target.serverName() != null ? target.serverName() : config.tlsServerName();
      secure = new TcpPool.Tls(config.tls(), name != null ? name : address.getAddress().getHostAddress());
    }
    this.tcp = new TcpPool(address, label, transport, ticker, config.readTimeout().toMillis(), meters, secure);
    this.udp = new UdpClient(address, label, transport, ids, ticker::read, meters);
    this.probeQuestion = Record.newRecord(config.healthCheckDomain(), Type.NS, DClass.IN);
    Message m = Message.newQuery(probeQuestion);
    if (!config.healthCheckRecursion()) {
      m.getHeader().unsetFlag(Flags.RD);
    }
    this.probe = m.toWire();
  }

  /** CoreDNS's {@code to} label: {@code IP:port}, IPv6 compressed (RFC 5952) in brackets. */
  static String label(InetSocketAddress a) {
    if (a.getAddress() instanceof Inet6Address v6) {
      return "[" + compressed(v6.getAddress()) + "]:" + a.getPort();
    }
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** RFC 5952 §4: lower-case hex, leading zeros dropped, the longest run of two or more zero groups as "::". */
  static String compressed(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  String label() {
    return label;
  }

  InetSocketAddress address() {
    return address;
  }

  ForwardMetrics.To meters() {
    return meters;
  }

  TcpPool tcp() {
    return tcp;
  }

  UdpClient udp() {
    return udp;
  }

  /** Whether this upstream speaks DNS over TLS (then every exchange is over TCP). */
  boolean tls() {
    return tls;
  }

  CompletableFuture<Message> exchange(boolean overTcp, byte[] wire, Record question, long timeoutNanos) {
    return overTcp || tls ? tcp.exchange(wire, question, timeoutNanos) : udp.exchange(wire, question, timeoutNanos);
  }

  boolean down() {
    int max = config.maxFails();
    return max > 0 && fails.get() >= max;
  }

  int fails() {
    return fails.get();
  }

  /** Starts the health-check loop unless it is running or disabled ({@code max_fails 0}). */
  void healthCheck() {
    if (config.maxFails() == 0 || stopped || !probing.compareAndSet(false, true)) {
      return;
    }
    check();
  }

  private void check() {
    if (stopped) {
      probing.set(false);
      return;
    }
    long timeout = Math.min(config.readTimeout().toNanos(), TimeUnit.SECONDS.toNanos(1));
    exchange(config.forceTcp(), probe, probeQuestion, timeout)
        .whenComplete(
            (m, e) -> {
              if (e == null) {
                fails.set(0);
                probing.set(false);
                return;
              }
              fails.incrementAndGet();
              meters.hcFailures.increment();
              meters.proxyHcFailures.increment();
              try {
                scheduler.schedule(this::check, config.healthCheck().toNanos(), TimeUnit.NANOSECONDS);
              } catch (RejectedExecutionException stopping) {
                probing.set(false);
              }
            });
  }

  void expire() {
    tcp.expire(config.expire().toNanos(), config.maxIdleConns());
    udp.expire(config.expire().toNanos());
  }

  void stop() {
    stopped = true;
    tcp.close();
    udp.close();
  }
}
