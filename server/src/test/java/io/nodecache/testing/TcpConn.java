package io.nodecache.testing;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;

/** One TCP connection of a {@link TestUpstream}: touched by its reader thread and the answer workers. */
final class TcpConn {
  final Socket socket;
  final AtomicInteger unanswered = new AtomicInteger();
  final List<Message> batch = new ArrayList<>();
  int count;
  private final OutputStream out;

  TcpConn(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /** Writes one length-prefixed message (RFC 1035 §4.2.2); a failed write closes the connection. */
  void write(Message m) {
    byte[] wire = m.toWire(65535);
    synchronized (this) {
      try {
        DataOutputStream d = new DataOutputStream(out);
        d.writeShort(wire.length);
        d.write(wire);
        d.flush();
      } catch (IOException e) {
        closeQuietly(socket);
      }
    }
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
