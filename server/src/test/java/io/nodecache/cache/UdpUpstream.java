package io.nodecache.cache;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/** A real DNS server on a loopback UDP port that answers every A question and counts the queries. */
final class UdpUpstream implements AutoCloseable {

  private final DatagramSocket socket;
  private final Thread thread;
  final AtomicInteger queries = new AtomicInteger();

  UdpUpstream() throws SocketException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread = new Thread(this::serve, "test-upstream");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  private void serve() {
    byte[] buf = new byte[65535];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        queries.incrementAndGet();
        Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        Message a = new Message(q.getHeader().getID());
        a.getHeader().setFlag(Flags.QR);
        a.getHeader().setFlag(Flags.RD);
        a.getHeader().setFlag(Flags.RA);
        a.addRecord(q.getQuestion(), Section.QUESTION);
        a.addRecord(
            new ARecord(q.getQuestion().getName(), DClass.IN, 300, InetAddress.getByName("192.0.2.53")),
            Section.ANSWER);
        byte[] out = a.toWire();
        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(5000);
  }
}
