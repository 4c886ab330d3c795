package io.nodecache.server.warmup;

import io.nodecache.config.Corefile;
import io.nodecache.config.ServerBlock;
import io.nodecache.config.ZoneKey;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The synthetic clients of the warm-up: UDP senders (one per event loop) and one TCP connection,
 * each keeping {@value #WINDOW} queries outstanding, over names of every zone of the scratch Corefile.
 * Most names repeat (cache hits, answered on the byte-level path), some are NXDOMAIN (negative
 * answers), one in eight is new (the decoded path, the cache's miss, forward to the stub), half carry
 * EDNS; a block with {@code kubernetes} also gets its cluster names. Stops when the query budget is
 * spent or {@link #stop()} is called.
 */
final class WarmupLoad {

  static final int WINDOW = 8;
  private static final int TIMEOUT_MILLIS = 200;

  private final InetSocketAddress target;
  private final List<byte[]> fixed = new ArrayList<>();
  private final List<Name> missZones = new ArrayList<>();
  private final AtomicInteger budget;
  private final AtomicInteger misses = new AtomicInteger();
  final AtomicLong sent = new AtomicLong();
  final AtomicLong udpAnswered = new AtomicLong();
  final AtomicLong tcpAnswered = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  WarmupLoad(Corefile scratch, InetSocketAddress target, int maxQueries) {
    this.target = target;
    this.budget = new AtomicInteger(maxQueries);
    for (ServerBlock b : scratch.blocks()) {
      boolean k8s = b.first("kubernetes").isPresent();
      for (ZoneKey k : b.keys()) {
        names(k.zone(), k8s);
      }
    }
  }

  private void names(String zone, boolean k8s) {
    Name base = name(zone.equals(".") ? "nodecache-warmup.invalid." : "nodecache-warmup." + zone);
    missZones.add(base);
    for (int i = 0; i < 32; i++) {
      fixed.add(wire(name("h" + i, base), Type.A, i % 2 == 0));
      if (i < 16) {
        fixed.add(wire(name("h" + i, base), Type.AAAA, i % 2 == 1));
      }
      if (i < 8) {
        fixed.add(wire(name("nx" + i, base), Type.A, i % 2 == 0));
      }
    }
    if (k8s) {
      Name z = name(zone);
      for (String n : List.of("kubernetes.default.svc", "kube-dns.kube-system.svc", "nx.default.svc", "default")) {
        for (int type : new int[] {Type.A, Type.AAAA, Type.SRV}) {
          fixed.add(wire(name(n, z), type, type == Type.A));
        }
      }
    }
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static Name name(String label, Name origin) {
    try {
      return Name.fromString(label, origin);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(label, e);
    }
  }

  private static byte[] wire(Name name, int type, boolean edns) {
    Message m = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    if (edns) {
      m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    }
    return m.toWire();
  }

  /** The {@code k}-th query of a client: one in eight a name never asked before. */
  private byte[] query(long k, int id) {
    byte[] q;
    if (k % 8 == 5) {
      int n = misses.getAndIncrement();
      q = wire(name("m" + n, missZones.get(n % missZones.size())), Type.A, n % 2 == 0);
    } else {
      q = fixed.get((int) ((k * 7 + k / fixed.size()) % fixed.size())).clone();
    }
    q[0] = (byte) (id >>> 8);
    q[1] = (byte) id;
    return q;
  }

  /** Takes up to {@code n} queries from the budget; 0 once it is spent or the load is stopped. */
  private int take(int n) {
    while (!stopped) {
      int left = budget.get();
      if (left <= 0) {
        return 0;
      }
      int got = Math.min(n, left);
      if (budget.compareAndSet(left, left - got)) {
        sent.addAndGet(got);
        return got;
      }
    }
    return 0;
  }

  void start(int udpClients) {
    for (int i = 0; i < udpClients; i++) {
      int seed = i;
      thread("nodecache-warmup-udp-" + i, () -> udp(seed));
    }
    thread("nodecache-warmup-tcp", this::tcp);
  }

  private void thread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Whether every client has finished (budget spent, or stopped). */
  boolean done() {
    return threads.stream().noneMatch(Thread::isAlive);
  }

  private void udp(int seed) {
    byte[] buf = new byte[65535];
    long k = seed * 1_000_003L;
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(target);
      s.setSoTimeout(TIMEOUT_MILLIS);
      for (int n; (n = take(WINDOW)) > 0; ) {
        for (int i = 0; i < n; i++, k++) {
          byte[] q = query(k, (int) (k & 0xFFFF));
          s.send(new DatagramPacket(q, q.length));
        }
        for (int i = 0; i < n; i++) {
          try {
            s.receive(new DatagramPacket(buf, buf.length));
            udpAnswered.incrementAndGet();
          } catch (SocketTimeoutException e) {
            break; // lost on loopback under load: the next window goes on
          }
        }
      }
    } catch (IOException e) {
      // the scratch server closed: the warm-up is over
    }
  }

  private void tcp() {
    long k = 7_000_003L;
    int failures = 0;
    while (failures < 3 && !stopped) {
      try (Socket s = new Socket()) {
        s.connect(target, TIMEOUT_MILLIS);
        s.setSoTimeout(TIMEOUT_MILLIS * 5);
        s.setTcpNoDelay(true);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
        DataInputStream in = new DataInputStream(s.getInputStream());
        for (int n; (n = take(WINDOW)) > 0; ) {
          for (int i = 0; i < n; i++, k++) {
            byte[] q = query(k, (int) (k & 0xFFFF));
            out.writeShort(q.length);
            out.write(q);
          }
          out.flush();
          for (int i = 0; i < n; i++) {
            in.readFully(new byte[in.readUnsignedShort()]);
            tcpAnswered.incrementAndGet();
          }
        }
        return;
      } catch (IOException e) {
        failures++; // an idle close or a slow answer: a new connection
      }
    }
  }

  void stop() {
    stopped = true;
  }

  /** Waits for the clients to end, each at most one receive timeout after {@link #stop()}. */
  void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join(TIMEOUT_MILLIS * 10L);
    }
  }
}
