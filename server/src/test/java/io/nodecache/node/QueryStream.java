package io.nodecache.node;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A steady UDP query stream, run as its own JVM inside the pod namespace ({@code ip netns exec}):
 * {@code QueryStream SERVER COUNT INTERVAL_MS STOP_FILE}. Sends query {@code q<N>.test.local} A every
 * INTERVAL_MS, rotating over 32 sockets (32 flows) without waiting for answers, reads answers on one
 * thread per socket, stops after COUNT queries or once STOP_FILE exists, and then waits 1 s for
 * stragglers. Prints {@code started EPOCH_MS} first, then one line
 * per query: {@code N SENT_EPOCH_MS ANSWER RTT_MS} ({@code - -1} when unanswered). Times are wall
 * clock, so the test can set them against the moment it killed the server.
 */
public final class QueryStream {

  /** Queries rotate over this many sockets: as many flows, so the DNAT's spread shows. */
  private static final int SOCKETS = 32;

  private QueryStream() {}

  public static void main(String[] args) throws Exception {
    InetAddress server = InetAddress.getByName(args[0]);
    int count = Integer.parseInt(args[1]);
    long intervalNanos = Long.parseLong(args[2]) * 1_000_000L;
    Path stopFile = Path.of(args[3]);
    AtomicLongArray sent = new AtomicLongArray(count);
    long[] rtt = new long[count];
    String[] answer = new String[count];
    DatagramSocket[] sockets = new DatagramSocket[SOCKETS];
    List<Thread> readers = new ArrayList<>();
    AtomicLong quietUntil = new AtomicLong(Long.MAX_VALUE);
    for (int i = 0; i < SOCKETS; i++) {
      DatagramSocket socket = new DatagramSocket();
      socket.setSoTimeout(100);
      sockets[i] = socket;
      Thread reader = new Thread(() -> read(socket, count, sent, rtt, answer, quietUntil));
      reader.start();
      readers.add(reader);
    }
    System.out.println("started " + System.currentTimeMillis());
    System.out.flush();
    long next = System.nanoTime();
    int sentCount = 0;
    for (int n = 0; n < count && !(n % 10 == 0 && Files.exists(stopFile)); n++) {
      sentCount = n + 1;
      Message query = Message.newQuery(Record.newRecord(Name.fromString("q" + n + ".test.local."), Type.A, DClass.IN));
      query.getHeader().setID(n & 0xffff);
      byte[] wire = query.toWire();
      sent.set(n, System.currentTimeMillis());
      try {
        sockets[n % SOCKETS].send(new DatagramPacket(wire, wire.length, new InetSocketAddress(server, 53)));
      } catch (IOException e) {
        // no route for a moment: the query counts as lost
      }
      next += intervalNanos;
      LockSupport.parkNanos(next - System.nanoTime());
    }
    quietUntil.set(System.currentTimeMillis() + 1_000);
    for (Thread reader : readers) {
      reader.join(10_000);
    }
    for (DatagramSocket socket : sockets) {
      socket.close();
    }
    StringBuilder out = new StringBuilder();
    for (int n = 0; n < sentCount; n++) {
      out.append(n).append(' ').append(sent.get(n)).append(' ').append(answer[n] == null ? "-" : answer[n])
          .append(' ').append(answer[n] == null ? -1 : rtt[n]).append('\n');
    }
    System.out.print(out);
    System.out.flush();
  }

  /** Reads answers on one socket until {@code quietUntil}; records the first answer to each query. */
  private static void read(
      DatagramSocket socket, int count, AtomicLongArray sent, long[] rtt, String[] answer, AtomicLong quietUntil) {
    byte[] buffer = new byte[1500];
    while (System.currentTimeMillis() < quietUntil.get()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        Message reply = new Message(Arrays.copyOf(buffer, packet.getLength()));
        String name = reply.getQuestion().getName().getLabelString(0);
        int n = Integer.parseInt(name.substring(1));
        if (n < count && (n & 0xffff) == reply.getHeader().getID()) {
          String got = "servfail";
          for (Record r : reply.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a) {
              got = a.getAddress().getHostAddress();
            }
          }
          synchronized (answer) {
            if (answer[n] == null) {
              rtt[n] = System.currentTimeMillis() - sent.get(n);
              answer[n] = got;
            }
          }
        }
      } catch (SocketTimeoutException e) {
        // look at the deadline again
      } catch (IOException | RuntimeException e) {
        // ICMP errors, malformed replies: the query stays unanswered
      }
    }
  }
}
