package io.nodecache.server.warmup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The upstream of the warm-up: UDP and TCP on {@code 127.0.0.1}, port chosen by the kernel, answering
 * every question itself so that the warm-up never sends a packet to a real upstream. A first label
 * starting with {@code nx} gets NXDOMAIN; A, AAAA and PTR get one record from the documentation
 * ranges (192.0.2.1, 2001:db8::1); any other type NOERROR without records. Negative answers carry an
 * SOA so the cache keeps them. Plain blocking threads: it answers at most a few thousand queries.
 */
final class StubUpstream implements AutoCloseable {

  private static final long TTL = 300;
  private static final InetAddress V4 = address("192.0.2.1");
  private static final InetAddress V6 = address("2001:db8::1");

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final List<Socket> connections = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  StubUpstream() throws IOException {
    InetAddress lo = InetAddress.getByName(ScratchCorefile.LOOPBACK);
    tcp = new ServerSocket(0, 16, lo);
    udp = new DatagramSocket(new InetSocketAddress(lo, tcp.getLocalPort()));
    thread("nodecache-warmup-stub-udp", this::serveUdp);
    thread("nodecache-warmup-stub-tcp", this::accept);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) udp.getLocalSocketAddress();
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private synchronized void thread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    while (!closed) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        byte[] out = answer(buf, p.getLength());
        if (out != null) {
          udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
        }
      } catch (IOException e) {
        // closed, or one bad datagram: the loop condition decides
      }
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket s = tcp.accept();
        synchronized (this) {
          if (closed) {
            s.close();
            return;
          }
          connections.add(s);
        }
        thread("nodecache-warmup-stub-conn", () -> serveTcp(s));
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void serveTcp(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (!closed) {
        byte[] q = new byte[in.readUnsignedShort()];
        in.readFully(q);
        byte[] a = answer(q, q.length);
        if (a != null) {
          out.writeShort(a.length);
          out.write(a);
          out.flush();
        }
      }
    } catch (IOException e) {
      // the forwarder closed the connection, or we are closing
    }
  }

  /** The answer to {@code length} bytes of query, or null for something that is no query. */
  static byte[] answer(byte[] bytes, int length) {
    Message q;
    try {
      byte[] exact = new byte[length];
      System.arraycopy(bytes, 0, exact, 0, length);
      q = new Message(exact);
    } catch (IOException e) {
      return null;
    }
    Record question = q.getQuestion();
    if (question == null || q.getHeader().getFlag(Flags.QR)) {
      return null;
    }
    Message a = new Message(q.getHeader().getID());
    a.getHeader().setFlag(Flags.QR);
    a.getHeader().setFlag(Flags.RA);
    if (q.getHeader().getFlag(Flags.RD)) {
      a.getHeader().setFlag(Flags.RD);
    }
    a.addRecord(question, Section.QUESTION);
    Name name = question.getName();
    boolean nx = name.labels() > 1 && name.getLabelString(0).startsWith("nx");
    Record answer = nx ? null : record(name, question.getType());
    if (answer != null) {
      a.addRecord(answer, Section.ANSWER);
    } else {
      a.getHeader().setRcode(nx ? Rcode.NXDOMAIN : Rcode.NOERROR);
      Name zone = name.labels() > 1 ? new Name(name, 1) : name;
      a.addRecord(
          new SOARecord(zone, DClass.IN, TTL, Name.root, Name.root, 1, TTL, TTL, TTL, TTL), Section.AUTHORITY);
    }
    return a.toWire(65535);
  }

  private static Record record(Name name, int type) {
    return switch (type) {
      case Type.A -> new ARecord(name, DClass.IN, TTL, V4);
      case Type.AAAA -> new AAAARecord(name, DClass.IN, TTL, V6);
      case Type.PTR -> new PTRRecord(name, DClass.IN, TTL, Name.root);
      default -> null;
    };
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // already closed
    }
    List<Thread> all;
    synchronized (this) {
      for (Socket s : connections) {
        try {
          s.close();
        } catch (IOException e) {
          // already closed
        }
      }
      all = List.copyOf(threads);
    }
    for (Thread t : all) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
