package io.nodecache.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A plain DNS client over real sockets that shows exactly what the server sent; every decoded answer
 * passes {@link Records#exact} (no record twice in a section).
 */
public final class DnsClient {

  private DnsClient() {}

  public static Message query(String name, int type) {
    try {
      Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
      m.getHeader().setID(4242);
      return m;
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static Message withEdns(Message m, int payload, boolean dnssecOk) {
    m.addRecord(new OPTRecord(payload, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
    return m;
  }

  /** Sends raw bytes over UDP; returns the raw answer or null when none came within the timeout. */
  public static byte[] udpRaw(InetSocketAddress server, byte[] packet, int timeoutMillis) throws IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(timeoutMillis);
      s.send(new DatagramPacket(packet, packet.length, server));
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      return Arrays.copyOf(buf, p.getLength());
    }
  }

  public static Message udp(InetSocketAddress server, Message query) throws IOException {
    byte[] a = udpRaw(server, query.toWire(), 3000);
    if (a == null) {
      throw new SocketTimeoutException("no UDP answer from " + server);
    }
    return Records.exact(new Message(a));
  }

  public static Message tcp(InetSocketAddress server, Message query) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server, 3000);
      s.setSoTimeout(5000);
      writeFrame(s, query.toWire());
      return Records.exact(new Message(readFrame(s)));
    }
  }

  public static void writeFrame(Socket s, byte[] payload) throws IOException {
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeShort(payload.length);
    out.write(payload);
    out.flush();
  }

  public static byte[] readFrame(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    int len = in.readUnsignedShort();
    byte[] b = new byte[len];
    in.readFully(b);
    return b;
  }
}
