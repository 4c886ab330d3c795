package io.nodecache.handoff;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A steady, bounded query load on one server address: UDP sender threads (one query at a time, 1 s
 * timeout, no retry) and one pipelined TCP client that, like an RFC 7766 client, re-sends the queries
 * of a connection the server closed on a new one. Counts answered, lost (timed out), failed (wrong
 * answer) and answers from another address.
 */
final class QueryLoad implements AutoCloseable {

  private static final int TIMEOUT_MS = 1000;
  private static final int TCP_WINDOW = 8;

  final AtomicLong sent = new AtomicLong();
  final AtomicLong answered = new AtomicLong();
  final AtomicLong lost = new AtomicLong();
  final AtomicLong timedOut = new AtomicLong();
  final AtomicLong late = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong wrongSource = new AtomicLong();
  final AtomicLong tcpAnswered = new AtomicLong();
  final AtomicLong tcpReconnects = new AtomicLong();
  final AtomicLong tcpLost = new AtomicLong();
  final List<String> events = new CopyOnWriteArrayList<>();
  private final long t0 = System.nanoTime();
  private final InetSocketAddress server;
  private final String name;
  private final String expected;
  private final long maxPerThread;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param expected the A record every answer must carry
   * @param maxPerThread bound on the queries of each thread
   */
  QueryLoad(InetSocketAddress server, String name, String expected, int udpThreads, long maxPerThread) {
    this.server = server;
    this.name = name;
    this.expected = expected;
    this.maxPerThread = maxPerThread;
    for (int i = 0; i < udpThreads; i++) {
      int id = i;
      threads.add(new Thread(() -> udp(id), "load-udp-" + i));
    }
    threads.add(new Thread(this::tcp, "load-tcp"));
  }

  QueryLoad start() {
    threads.forEach(Thread::start);
    return this;
  }

  long total() {
    return answered.get() + lost.get() + failed.get();
  }

  /** Stops sending and waits for the threads (each finishes its query in flight, 5 s at most). */
  void finish() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  @Override
  public void close() {
    try {
      finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return String.format(
        "sent=%d answered=%d (tcp %d) lost=%d (tcp %d) timedOut=%d (of them answered late: %d) failed=%d"
            + " wrongSource=%d tcpReconnects=%d%nevents:%n%s",
        sent.get(), answered.get(), tcpAnswered.get(), lost.get(), tcpLost.get(), timedOut.get(), late.get(),
        failed.get(), wrongSource.get(),
        tcpReconnects.get(), String.join("\n", events));
  }

  /** Notes an event with its time since the start, for the report. */
  void event(String what) {
    events.add(String.format("%6d ms %s", (System.nanoTime() - t0) / 1_000_000, what));
  }

  private byte[] query(int id) {
    try {
      Message m = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
      m.getHeader().setID(id & 0xFFFF);
      return m.toWire();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean check(byte[] answer) {
    try {
      Message m = new Message(answer);
      List<Record> a = m.getSection(Section.ANSWER);
      return m.getRcode() == Rcode.NOERROR && a.size() == 1 && a.get(0).rdataToString().equals(expected);
    } catch (IOException e) {
      return false;
    }
  }

  private void udp(int thread) {
    byte[] buf = new byte[4096];
    Set<Integer> overdue = new HashSet<>();
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(TIMEOUT_MS);
      for (long n = 0; n < maxPerThread && !stop.get(); n++) {
        int id = (int) ((thread * 7919 + n) & 0xFFFF);
        byte[] q = query(id);
        s.send(new DatagramPacket(q, q.length, server));
        sent.incrementAndGet();
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        while (true) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          try {
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
            s.setSoTimeout(left);
            s.receive(p);
          } catch (SocketTimeoutException e) {
            lost.incrementAndGet(); // until it is answered late
            timedOut.incrementAndGet();
            overdue.add(id);
            event("udp timeout id " + id + " thread " + thread);
            break;
          }
          int got = p.getLength() < 2 ? -1 : ((buf[0] & 0xFF) << 8) | (buf[1] & 0xFF);
          if (got != id) {
            if (overdue.remove(got)) { // a late answer to an earlier query: slow, not lost
              lost.decrementAndGet();
              late.incrementAndGet();
              answered.incrementAndGet();
              event("udp late answer id " + got + " thread " + thread);
            }
            continue;
          }
          if (!server.equals(p.getSocketAddress())) {
            wrongSource.incrementAndGet();
          }
          if (check(Arrays.copyOf(buf, p.getLength()))) {
            answered.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
          break;
        }
      }
    } catch (IOException e) {
      failed.incrementAndGet();
    }
  }

  private void tcp() {
    long n = 0;
    List<Integer> pending = new ArrayList<>();
    while (n < maxPerThread && !stop.get() && tcpReconnects.get() < 1000) {
      try (Socket s = new Socket()) {
        s.setTcpNoDelay(true);
        s.connect(server, TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        DataInputStream in = new DataInputStream(s.getInputStream());
        while (n < maxPerThread && !stop.get()) {
          while (pending.size() < TCP_WINDOW) {
            pending.add((int) (0x8000 + (n++ & 0x7FFF)));
            sent.incrementAndGet();
          }
          ByteArrayOutputStream batch = new ByteArrayOutputStream();
          for (int id : pending) {
            byte[] q = query(id);
            batch.write(q.length >>> 8);
            batch.write(q.length & 0xFF);
            batch.write(q, 0, q.length);
          }
          out.write(batch.toByteArray()); // one segment: the queries are pipelined
          out.flush();
          while (!pending.isEmpty()) {
            int len;
            try {
              len = in.readUnsignedShort();
              s.setSoTimeout(TIMEOUT_MS);
            } catch (SocketTimeoutException e) {
              if (s.getSoTimeout() > TIMEOUT_MS) {
                throw e; // not even late: lost
              }
              timedOut.addAndGet(pending.size());
              late.addAndGet(pending.size()); // taken back below for those that never come
              event("tcp timeout with " + pending.size() + " pending");
              s.setSoTimeout(4 * TIMEOUT_MS);
              continue;
            }
            byte[] a = new byte[len];
            in.readFully(a);
            Integer id = ((a[0] & 0xFF) << 8) | (a[1] & 0xFF);
            if (!pending.remove(id)) {
              failed.incrementAndGet();
              continue;
            }
            if (check(a)) {
              answered.incrementAndGet();
              tcpAnswered.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          }
        }
      } catch (SocketTimeoutException e) {
        lost.addAndGet(pending.size()); // no answer even after 5 s: lost, not re-sent
        tcpLost.addAndGet(pending.size());
        late.addAndGet(-pending.size());
        event("tcp lost " + pending.size() + ": " + e);
        pending.clear();
        tcpReconnects.incrementAndGet();
      } catch (IOException e) {
        tcpReconnects.incrementAndGet(); // closed by the server: re-send the unanswered ones
        event("tcp reconnect with " + pending.size() + " pending: " + e);
      }
    }
    sent.addAndGet(-pending.size()); // never sent again: not part of the figures
  }
}
