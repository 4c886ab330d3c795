package io.nodecache.handoff;

import io.netty.channel.unix.Socket;
import java.io.ByteArrayOutputStream;
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
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

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

  /** The next line without its newline, or null at the end of the stream. */
  String readLine() throws IOException {
    line.reset();
    while (true) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (b == '\n') {
          return line.toString(StandardCharsets.UTF_8);
        }
        if (line.size() == maxLine) {
          throw new IOException("hand-off line longer than " + maxLine + " bytes");
        }
        line.write(b);
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

  /**
   * Waits a millisecond for a non-blocking native socket (the descriptors' side of the hand-off), or
   * fails once {@code deadline} ({@link System#nanoTime()}) has passed.
   */
  static void pause(long deadline, String what) throws IOException {
    if (System.nanoTime() - deadline > 0) {
      throw new IOException("hand-off: timed out " + what);
    }
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("hand-off: interrupted " + what);
    }
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
