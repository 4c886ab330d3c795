package io.nodecache.handoff;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.nodecache.listen.DnsListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running instance's end of the hand-off: listens on the unix socket, passes its DNS sockets to a
 * starting instance over SCM_RIGHTS, and runs {@code onTakenOver} once that instance serves them.
 *
 * <p>All of it runs on plain threads with blocking JDK channels, and the descriptors go out through
 * Netty's native unix {@link Socket} directly, never through a Netty channel: a hand-off through the
 * pipeline that carries the DNS traffic made the JIT discard this instance's compiled DNS path while it
 * was still serving (a 10-45 ms stall, docs/restart.md).
 */
public final class HandoffServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HandoffServer.class);

  /** The longest line the new instance may send (a command and a socket path). */
  private static final int MAX_LINE = 1024;
  /** How long a descriptor may wait for room in the new instance's socket. */
  private static final long SEND_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Path path;
  private final Supplier<Map<InetSocketAddress, DnsListener.Sockets>> sockets;
  private final Runnable onTakenOver;
  private final Runnable onTakerGone;
  private final Consumer<Consumer<String>> cache;
  private final Object lock = new Object();
  private final List<Conversation> sessions = new ArrayList<>();
  private ServerSocketChannel server;
  private boolean closed;
  private volatile boolean takenOver;
  private boolean confirmed; // the new instance has our bye: nothing more to say to it

  /**
   * @param sockets the current listeners' sockets, keyed by Corefile address
   * @param onTakenOver runs when the new instance reports it serves the sockets
   * @param onTakerGone runs when that instance's connection closes before {@link #close()}: it
   *     crashed or stopped, and nobody else reads the sockets
   * @param cache writes our cache entries as {@link CacheTransfer} text, piece by piece, to the sink it is given
   */
  public HandoffServer(
      Path path,
      Supplier<Map<InetSocketAddress, DnsListener.Sockets>> sockets,
      Runnable onTakenOver,
      Runnable onTakerGone,
      Consumer<Consumer<String>> cache) {
    this.path = path;
    this.sockets = sockets;
    this.onTakenOver = onTakenOver;
    this.onTakerGone = onTakerGone;
    this.cache = cache;
  }

  /** Binds the unix socket, replacing a stale file left by an earlier instance, and starts accepting. */
  public void start() throws IOException {
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    Files.deleteIfExists(path);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      s.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    synchronized (lock) {
      server = s;
    }
    daemon("nodecache-handoff", () -> accept(s)).start();
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void accept(ServerSocketChannel s) {
    while (true) {
      SocketChannel ch;
      try {
        ch = s.accept();
      } catch (IOException e) {
        if (s.isOpen()) {
          log.warn("hand-off: cannot accept on {}: {}", path, e.toString());
        }
        return; // closed: taken over or stopping
      }
      Conversation c = new Conversation(ch, MAX_LINE);
      daemon("nodecache-handoff-session", () -> session(c)).start();
    }
  }

  /** Whether a new instance took our sockets over. */
  public boolean takenOver() {
    return takenOver;
  }

  /**
   * Waits, at most {@code millis}, while a new instance is connected that has not taken the sockets
   * yet (it warms up, or both read them for its {@code -handoff-overlap}). A stop that came meanwhile
   * (the kubelet stops the old pod as soon as the new one is ready, and during the hand-off the old
   * instance itself may answer the new pod's probes on the shared address) must not tear the node's
   * address and rules down under the new instance. Returns whether it took them.
   */
  public boolean awaitTaker(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (lock) {
      if (takeOverPending()) {
        log.info("hand-off: a new instance is taking our sockets over; waiting up to {} ms for it", millis);
      }
      for (long left = deadline - System.nanoTime(); takeOverPending() && left > 0; left = deadline - System.nanoTime()) {
        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      return takenOver;
    }
  }

  /** A new instance is connected and has not had our bye yet (called holding {@code lock}). */
  private boolean takeOverPending() {
    return !confirmed && !sessions.isEmpty() && !closed;
  }

  /**
   * Stops offering the sockets. Removes the socket file unless a new instance took over (the path is
   * its now).
   */
  @Override
  public void close() {
    List<Conversation> open;
    ServerSocketChannel s;
    synchronized (lock) {
      closed = true;
      open = new ArrayList<>(sessions);
      s = server;
      lock.notifyAll();
    }
    open.forEach(Conversation::close);
    if (s != null) {
      closeServer(s);
      if (!takenOver) {
        unlink();
      }
    }
  }

  private static void closeServer(ServerSocketChannel s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }

  private void unlink() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("cannot remove {}: {}", path, e.toString());
    }
  }

  /** One starting instance's conversation. */
  private void session(Conversation c) {
    try (c) {
      if (!c.peerIsUs()) {
        log.warn("hand-off: refused a connection from another user than ours");
        return;
      }
      synchronized (lock) {
        if (closed || takenOver) {
          return;
        }
        sessions.add(c);
      }
      Map<InetSocketAddress, DnsListener.Sockets> offered = sockets.get();
      log.info("hand-off: a new instance connected at {}; offering {} listener(s)", path, offered.size());
      c.write(HandoffProtocol.describe(offered));
      String line;
      while ((line = c.readLine()) != null) {
        String[] f = line.trim().split(" ", 2);
        switch (f[0]) {
          case HandoffProtocol.SEND -> sendDescriptors(f.length == 2 ? f[1] : "", offered);
          case CacheTransfer.REQUEST -> sendCache(c);
          case HandoffProtocol.TAKEN -> {
            if (taken()) {
              c.write(HandoffProtocol.BYE + "\n");
              synchronized (lock) {
                confirmed = true;
                lock.notifyAll();
              }
              try {
                while (c.readLine() != null) {
                  // the new instance keeps the connection open while it runs
                }
              } catch (IOException e) {
                // gone all the same
              }
              takerGone();
            }
            return;
          }
          default -> {
            log.warn("hand-off: unexpected '{}' from the new instance", line);
            return;
          }
        }
      }
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      synchronized (lock) {
        if (!closed) {
          log.warn("hand-off connection failed: {}", e.toString());
        }
      }
    } finally {
      synchronized (lock) {
        sessions.remove(c);
        lock.notifyAll();
      }
    }
  }

  /**
   * Connects to the unix socket the new instance named and sends the descriptors over it, in the order
   * {@link HandoffProtocol#describe} announced. Our copies stay open.
   */
  private void sendDescriptors(String to, Map<InetSocketAddress, DnsListener.Sockets> offered) throws IOException {
    Path target = HandoffProtocol.descriptorPath(path, to);
    Socket s = Socket.newSocketDomain();
    try {
      long deadline = System.nanoTime() + SEND_TIMEOUT_NANOS;
      if (!s.connect(new DomainSocketAddress(target.toFile()))) {
        while (!s.finishConnect()) {
          Conversation.pause(deadline, "connecting to " + target);
        }
      }
      for (int fd : HandoffProtocol.order(offered)) {
        while (s.sendFd(fd) <= 0) { // the socket is non-blocking: wait for room
          Conversation.pause(deadline, "sending descriptors to " + target);
        }
      }
    } finally {
      s.close();
    }
  }

  /** Writes the cache piece by piece: pieces small enough to stay short-lived garbage. */
  private void sendCache(Conversation c) {
    long t0 = System.nanoTime();
    cache.accept(
        piece -> {
          try {
            c.write(piece);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    log.info("hand-off: cache sent in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  /** Marks the sockets taken and stops reading them; false when we are stopping or another took them. */
  private boolean taken() {
    ServerSocketChannel s;
    synchronized (lock) {
      if (closed || takenOver) {
        return false; // we are stopping ourselves: the new instance keeps its copies anyway
      }
      takenOver = true;
      s = server;
    }
    log.info("hand-off: a new instance serves our DNS sockets now; we stop reading them");
    onTakenOver.run();
    closeServer(s);
    unlink(); // before the bye: the new instance binds the path next
    return true;
  }

  private void takerGone() {
    synchronized (lock) {
      if (closed) {
        return; // we are stopping ourselves
      }
    }
    daemon("nodecache-handoff-resume", onTakerGone).start();
  }
}
