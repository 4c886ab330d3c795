package io.nodecache.handoff;

import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The text side of a hand-off connection: a blocking JDK unix-domain channel read line by line and
 * written whole, from plain threads. Netty's channels are kept out of the hand-off on purpose: the old
 * instance's compiled DNS path would meet the hand-off's channel and message types at its shared call
 * sites and be thrown away by the JIT while it serves (docs/restart.md).
 */
final class Conversation implements AutoCloseable {

  private static final int SOL_SOCKET = 1;
  private static final int SO_PEERCRED = 17;

  private final SocketChannel channel;
  private final int maxLine;
  private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
  private final StringBuilder line = new StringBuilder();
  private final byte[] pending = new byte[16 * 1024];

  /**
   * @param maxLine the longest line {@link #readLine()} accepts (the connection is refused beyond it)
   */
  Conversation(SocketChannel channel, int maxLine) {
    this.channel = channel;
    this.maxLine = maxLine;
    in.flip();
  }

  /** Connects to the unix socket at {@code path} (blocking). */
  static Conversation connect(Path path, int maxLine) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new Conversation(ch, maxLine);
  }

  SocketChannel channel() {
    return channel;
  }

  /** The next line without its newline, or null at the end of the stream. */
  String readLine() throws IOException {
    line.setLength(0);
    int n = 0;
    while (true) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (b == '\n') {
          line.append(new String(pending, 0, n, StandardCharsets.UTF_8));
          return line.toString();
        }
        pending[n++] = b;
        if (n == pending.length) {
          line.append(new String(pending, 0, n, StandardCharsets.UTF_8)); // a boundary inside a character cannot
          n = 0; // happen: the protocol's text is ASCII (base64 for anything else)
        }
        if (line.length() + n > maxLine) {
          throw new IOException("hand-off line longer than " + maxLine + " bytes");
        }
      }
      in.clear();
      int r = channel.read(in);
      in.flip();
      if (r < 0) {
        return null;
      }
    }
  }

  /** Writes all of {@code text}. */
  void write(String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    synchronized (channel) {
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }

  /** Whether the process at the other end runs as our user (SO_PEERCRED). */
  boolean peerIsUs() throws IOException {
    UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    return peer.user().equals(Files.getOwner(Path.of("/proc/self")));
  }

  /** The uid we run as. */
  static int ourUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  /** The uid of the process at the other end of a connected native unix socket (SO_PEERCRED). */
  static int peerUid(Socket socket) throws IOException {
    ByteBuffer cred = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder()); // struct ucred: pid, uid, gid
    socket.getRawOpt(SOL_SOCKET, SO_PEERCRED, cred);
    return cred.getInt(4);
  }
}
