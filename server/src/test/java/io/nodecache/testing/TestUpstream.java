package io.nodecache.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.xbill.DNS.Message;

/**
 * A real DNS server for tests on 127.0.0.1, UDP and TCP on the same free port, built on plain sockets
 * and dnsjava. It counts what it receives and can be told per test to misbehave: answer slowly, out of
 * order, close or reset TCP connections, forge answers, truncate over UDP, or stop answering.
 * Behaviour changes apply to queries received afterwards.
 */
public final class TestUpstream implements AutoCloseable {

  private final ServerSocket tcp;
  private final DatagramSocket udp;
  private final DatagramSocket spoofSocket;
  private final ScheduledExecutorService workers;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
  private final AtomicInteger udpQueries = new AtomicInteger();
  private final AtomicInteger tcpQueries = new AtomicInteger();
  private final AtomicInteger tcpConnections = new AtomicInteger();
  private final AtomicInteger maxPipelined = new AtomicInteger();
  private final ConcurrentLinkedQueue<Integer> udpSourcePorts = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  private volatile UnaryOperator<Message> responder;
  private volatile Duration delay = Duration.ZERO;
  private volatile int outOfOrderBatch;
  private volatile int closeAfter = -1;
  private volatile boolean reset;
  private volatile Spoof spoof;
  private volatile boolean spoofThenAnswer = true;
  private volatile boolean truncateUdp;
  private volatile boolean silent;

  private TestUpstream(InetAddress lo, UnaryOperator<Message> responder) throws IOException {
    this.responder = responder;
    ServerSocket t = null;
    DatagramSocket u = null;
    for (int i = 0; i < 50 && u == null; i++) {
      t = new ServerSocket(0, 128, lo);
      try {
        u = new DatagramSocket(new InetSocketAddress(lo, t.getLocalPort()));
      } catch (IOException taken) {
        t.close();
      }
    }
    if (u == null) {
      throw new IOException("no port free for both UDP and TCP");
    }
    this.tcp = t;
    this.udp = u;
    this.spoofSocket = new DatagramSocket(new InetSocketAddress(lo, 0));
    this.workers = Executors.newScheduledThreadPool(4, TcpConn.daemon("test-upstream-worker"));
    TcpConn.daemon("test-upstream-udp").newThread(this::udpLoop).start();
    TcpConn.daemon("test-upstream-accept").newThread(this::acceptLoop).start();
  }

  /** Starts a server answering from {@code records} (see {@link Records}). */
  public static TestUpstream start(String... records) throws IOException {
    return new TestUpstream(InetAddress.getLoopbackAddress(), Records.responder(records));
  }

  /** Starts a server on {@code address} (e.g. {@code ::1}) answering from {@code records}. */
  public static TestUpstream startOn(InetAddress address, String... records) throws IOException {
    return new TestUpstream(address, Records.responder(records));
  }

  /** Starts a server answering with {@code responder} (query in, answer out; null: no answer). */
  public static TestUpstream start(UnaryOperator<Message> responder) throws IOException {
    return new TestUpstream(InetAddress.getLoopbackAddress(), responder);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(tcp.getInetAddress(), tcp.getLocalPort());
  }

  /** {@code 127.0.0.1:PORT} or {@code [::1]:PORT}, as a Corefile {@code TO} argument. */
  public String hostPort() {
    InetAddress a = tcp.getInetAddress();
    String host = a instanceof Inet6Address ? "[" + (a.isLoopbackAddress() ? "::1" : a.getHostAddress()) + "]" : a.getHostAddress();
    return host + ":" + tcp.getLocalPort();
  }

  // ---- behaviour -----------------------------------------------------------------------------

  public TestUpstream answer(UnaryOperator<Message> r) {
    this.responder = r;
    return this;
  }

  public TestUpstream records(String... records) {
    return answer(Records.responder(records));
  }

  /** Answers every query after {@code d}. */
  public TestUpstream delay(Duration d) {
    this.delay = d;
    return this;
  }

  /** On each TCP connection, holds answers until {@code batch} queries arrived, then answers them in reverse. */
  public TestUpstream outOfOrder(int batch) {
    this.outOfOrderBatch = batch;
    return this;
  }

  /** On each TCP connection, answers {@code n} queries and closes the connection on the next one. */
  public TestUpstream closeAfter(int n) {
    this.closeAfter = n;
    this.reset = false;
    return this;
  }

  /** Like {@link #closeAfter} but resets the connection (RST). */
  public TestUpstream resetAfter(int n) {
    this.closeAfter = n;
    this.reset = true;
    return this;
  }

  /** Sends a forged answer first; then the genuine one if {@code thenAnswer}. */
  public TestUpstream spoof(Spoof kind, boolean thenAnswer) {
    this.spoof = kind;
    this.spoofThenAnswer = thenAnswer;
    return this;
  }

  /** Answers UDP queries with TC=1 and no records; TCP normally. */
  public TestUpstream truncateUdp(boolean on) {
    this.truncateUdp = on;
    return this;
  }

  /** Reads queries but never answers. */
  public TestUpstream silent(boolean on) {
    this.silent = on;
    return this;
  }

  /** Back to answering normally (the responder is kept), closing every open TCP connection. */
  public TestUpstream normal() {
    delay = Duration.ZERO;
    outOfOrderBatch = 0;
    closeAfter = -1;
    spoof = null;
    truncateUdp = false;
    silent = false;
    return this;
  }

  // ---- observations ---------------------------------------------------------------------------

  public int udpQueries() {
    return udpQueries.get();
  }

  public int tcpQueries() {
    return tcpQueries.get();
  }

  public int queries() {
    return udpQueries.get() + tcpQueries.get();
  }

  public int tcpConnections() {
    return tcpConnections.get();
  }

  /** Currently open TCP connections. */
  public int openConnections() {
    return connections.size();
  }

  /** Most queries seen unanswered at once on one TCP connection. */
  public int maxPipelined() {
    return maxPipelined.get();
  }

  /** Source ports of the UDP queries received, in arrival order. */
  public List<Integer> udpSourcePorts() {
    return List.copyOf(udpSourcePorts);
  }

  /** Every query received, in arrival order. */
  /** Drops the record of received queries (long floods would otherwise keep every one). */
  public void forgetReceived() {
    received.clear();
    udpSourcePorts.clear();
  }

  public List<Message> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    spoofSocket.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : connections) {
      TcpConn.closeQuietly(s);
    }
    workers.shutdownNow();
  }

  // ---- UDP ------------------------------------------------------------------------------------

  private void udpLoop() {
    byte[] buf = new byte[65535];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
      } catch (IOException e) {
        return;
      }
      Message q;
      try {
        q = new Message(Arrays.copyOf(p.getData(), p.getLength()));
      } catch (IOException e) {
        continue;
      }
      udpQueries.incrementAndGet();
      udpSourcePorts.add(p.getPort());
      received.add(q);
      SocketAddress from = p.getSocketAddress();
      if (silent) {
        continue;
      }
      Runnable reply = () -> answerUdp(q, from);
      schedule(reply);
    }
  }

  private void answerUdp(Message q, SocketAddress to) {
    Message a = truncateUdp ? Records.truncated(q) : responder.apply(q);
    if (a == null) {
      return;
    }
    try {
      Spoof s = spoof;
      if (s != null) {
        byte[] forged = s.forge(q, a).toWire();
        DatagramSocket via = s == Spoof.OTHER_ADDRESS ? spoofSocket : udp;
        via.send(new DatagramPacket(forged, forged.length, to));
        if (!spoofThenAnswer) {
          return;
        }
      }
      byte[] wire = a.toWire(65535);
      udp.send(new DatagramPacket(wire, wire.length, to));
    } catch (IOException e) {
      // the socket is closing
    }
  }

  // ---- TCP ------------------------------------------------------------------------------------

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (IOException e) {
        return;
      }
      tcpConnections.incrementAndGet();
      connections.add(s);
      TcpConn.daemon("test-upstream-conn").newThread(() -> serve(s)).start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      TcpConn c = new TcpConn(s);
      InputStream in = s.getInputStream();
      DataInputStream d = new DataInputStream(in);
      while (!closed) {
        int len = d.readUnsignedShort();
        byte[] wire = new byte[len];
        d.readFully(wire);
        Message q = new Message(wire);
        tcpQueries.incrementAndGet();
        received.add(q);
        c.count++;
        if (closeAfter >= 0 && c.count > closeAfter) {
          if (reset) {
            s.setSoLinger(true, 0);
          }
          return;
        }
        if (silent) {
          continue;
        }
        maxPipelined.accumulateAndGet(c.unanswered.incrementAndGet(), Math::max);
        int batchSize = outOfOrderBatch;
        if (batchSize > 1) {
          List<Message> ready = null;
          synchronized (c.batch) {
            c.batch.add(q);
            if (c.batch.size() >= batchSize) {
              ready = new ArrayList<>(c.batch);
              c.batch.clear();
            }
          }
          if (ready != null) {
            Collections.reverse(ready);
            List<Message> reversed = ready;
            schedule(() -> reversed.forEach(m -> answerTcp(c, m)));
          }
        } else {
          schedule(() -> answerTcp(c, q));
        }
      }
    } catch (IOException e) {
      // peer closed or we are closing
    } finally {
      connections.remove(s);
    }
  }

  private void answerTcp(TcpConn c, Message q) {
    Message a = responder.apply(q);
    if (a == null) {
      return;
    }
    Spoof s = spoof;
    if (s != null && s != Spoof.OTHER_ADDRESS) {
      c.write(s.forge(q, a));
      if (!spoofThenAnswer) {
        return;
      }
    }
    c.unanswered.decrementAndGet();
    c.write(a);
  }

  private void schedule(Runnable r) {
    if (closed) {
      return;
    }
    long d = delay.toNanos();
    try {
      if (d > 0) {
        workers.schedule(r, d, TimeUnit.NANOSECONDS);
      } else {
        workers.execute(r);
      }
    } catch (RejectedExecutionException e) {
      // closing
    }
  }
}
