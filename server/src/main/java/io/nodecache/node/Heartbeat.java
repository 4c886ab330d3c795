package io.nodecache.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the kernel this process is alive: one empty datagram to {@code L:9} for every fail-open
 * address, every {@link #PERIOD}, on its own daemon thread (never behind a slow iptables run). Our
 * raw OUTPUT rule drops it and marks L alive for one second ({@link FailOpenRules}); once the
 * process is gone (SIGKILL, OOM) the mark lapses and host-network DNS to L is DNATed to the cluster
 * DNS. A send the rule drops fails with EPERM: that is the expected outcome, not an error.
 */
final class Heartbeat implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
  static final Duration PERIOD = Duration.ofMillis(200);

  private final List<InetSocketAddress> destinations;
  private final DatagramChannel channel;
  private final Thread thread;
  private volatile boolean stopped;

  private Heartbeat(List<InetAddress> ips) throws IOException {
    this.destinations = ips.stream().map(ip -> new InetSocketAddress(ip, FailOpenRules.HEARTBEAT_PORT)).toList();
    this.channel = DatagramChannel.open(); // dual-stack: reaches IPv4 and IPv6 addresses alike
    this.thread = new Thread(this::run, "nodecache-failopen-heartbeat");
    thread.setDaemon(true);
  }

  /** Starts beating for {@code ips}, the first beat before it returns; null when no socket can be had. */
  static Heartbeat start(List<InetAddress> ips) {
    try {
      Heartbeat heartbeat = new Heartbeat(ips);
      heartbeat.beat();
      heartbeat.thread.start();
      return heartbeat;
    } catch (IOException e) {
      LOG.warn("fail-open heartbeat: cannot open a UDP socket ({}); host-network DNS to {} is sent to the"
          + " cluster DNS", e.toString(), ips.stream().map(Addresses::format).toList());
      return null;
    }
  }

  private void run() {
    while (!stopped) {
      LockSupport.parkNanos(PERIOD.toNanos());
      beat();
    }
  }

  private void beat() {
    for (InetSocketAddress destination : destinations) {
      try {
        channel.send(ByteBuffer.allocate(0), destination);
      } catch (IOException e) {
        // EPERM: our rule dropped it, as it should. Anything else shows as fail-open, never as loss.
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    LockSupport.unpark(thread);
    try {
      channel.close();
    } catch (IOException e) {
      // closing a datagram channel has nothing to flush
    }
  }
}
