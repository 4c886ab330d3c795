package io.nodecache.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.nodecache.http.HttpEndpoints;
import io.nodecache.listen.SelfQuery;
import io.nodecache.transport.Transport;
import io.nodecache.util.Pause;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.xbill.DNS.Message;

/**
 * The liveness behind {@code /health}: every second, each DNS listener must answer the self-query
 * ({@link SelfQuery}) over UDP and over TCP, and every event loop must run a task, each within the
 * deadline. {@code /health} answers 200 only while the last check passed and is recent. Each check is
 * timed in {@code coredns_health_request_duration_seconds}; a failed one counts in {@code
 * coredns_health_request_failures_total}.
 */
final class HealthCheck implements AutoCloseable {

  static final Duration EVERY = Duration.ofSeconds(1);
  static final Duration DEADLINE = Duration.ofSeconds(1);
  /** A verdict older than this is no verdict: the checker itself is stuck. */
  private static final long STALE_NANOS = (3 * EVERY.toNanos()) + 2 * DEADLINE.toNanos();

  /** The outcome of one check. */
  record Verdict(boolean ok, String reason, long at) {}

  private final Supplier<List<InetSocketAddress>> addresses;
  /** Whether the listeners are ours to check (not handed over, not stopping). */
  private final BooleanSupplier active;
  private final Transport transport;
  private final Timer duration;
  private final Counter failures;
  private volatile Verdict last = new Verdict(false, "starting", System.nanoTime());
  private volatile boolean stopped;
  private Thread thread;

  HealthCheck(
      Supplier<List<InetSocketAddress>> addresses, BooleanSupplier active, Transport transport, MeterRegistry meters) {
    this.addresses = addresses;
    this.active = active;
    this.transport = transport;
    this.duration =
        Timer.builder("coredns.health.request.duration")
            .description("Histogram of the time (in seconds) each health self-check took.")
            .serviceLevelObjectives(
                Duration.ofNanos(250_000), Duration.ofNanos(2_500_000), Duration.ofMillis(25),
                Duration.ofMillis(250), Duration.ofMillis(2500))
            .register(meters);
    this.failures =
        Counter.builder("coredns.health.request.failures")
            .description("The number of times the health self-check failed.")
            .register(meters);
  }

  /** Checks once on the caller's thread, so that {@code /health} is right from the start, then every second. */
  void start() {
    if (active.getAsBoolean()) {
      checkAndRecord();
    }
    thread = new Thread(this::run, "nodecache-health");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!stopped) {
      Pause.sleep(EVERY.toMillis());
      if (!stopped && active.getAsBoolean()) {
        checkAndRecord();
      }
    }
  }

  private void checkAndRecord() {
    long t0 = System.nanoTime();
    Verdict v = check();
    duration.record(Duration.ofNanos(System.nanoTime() - t0));
    if (!v.ok()) {
      failures.increment();
    }
    last = v;
  }

  /** The {@code /health} reply from the last verdict. */
  HttpEndpoints.Reply reply() {
    Verdict v = last;
    if (System.nanoTime() - v.at() > STALE_NANOS) {
      return HttpEndpoints.Reply.text(503, "health check stalled\n");
    }
    return v.ok() ? HttpEndpoints.Reply.text(200, "OK") : HttpEndpoints.Reply.text(503, v.reason() + "\n");
  }

  /** Runs one check now. */
  Verdict check() {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    for (EventExecutor loop : transport.group()) {
      Future<?> f = loop.submit(() -> { });
      if (!f.awaitUninterruptibly(Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) {
        return new Verdict(false, "an event loop did not run a task within " + DEADLINE.toMillis() + " ms", System.nanoTime());
      }
    }
    for (InetSocketAddress a : addresses.get()) {
      InetSocketAddress to = a.getAddress().isAnyLocalAddress() ? new InetSocketAddress("127.0.0.1", a.getPort()) : a;
      String failed = udp(to, deadline);
      if (failed == null) {
        failed = tcp(to, deadline);
      }
      if (failed != null) {
        return new Verdict(false, failed, System.nanoTime());
      }
    }
    return new Verdict(true, "", System.nanoTime());
  }

  private static int left(long deadline) {
    return (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
  }

  private static String udp(InetSocketAddress to, long deadline) {
    byte[] q = SelfQuery.query().toWire();
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(left(deadline));
      s.send(new DatagramPacket(q, q.length, to));
      byte[] buf = new byte[512];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      return SelfQuery.answers(new Message(Arrays.copyOf(buf, p.getLength()))) ? null : "wrong UDP answer from " + to;
    } catch (IOException e) {
      return "no UDP answer from " + to + ": " + e.getMessage();
    }
  }

  private static String tcp(InetSocketAddress to, long deadline) {
    byte[] q = SelfQuery.query().toWire();
    try (Socket s = new Socket()) {
      s.connect(to, left(deadline));
      s.setSoTimeout(left(deadline));
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeShort(q.length);
      out.write(q);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] a = new byte[in.readUnsignedShort()];
      in.readFully(a);
      return SelfQuery.answers(new Message(a)) ? null : "wrong TCP answer from " + to;
    } catch (IOException e) {
      return "no TCP answer from " + to + ": " + e.getMessage();
    }
  }

  @Override
  public void close() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
