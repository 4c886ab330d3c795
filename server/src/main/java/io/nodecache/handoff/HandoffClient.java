package io.nodecache.handoff;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.nodecache.listen.DnsListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The starting instance's end of the hand-off: asks the running instance on the unix socket for its DNS
 * sockets and receives them as descriptors; {@link Received#confirm} tells it we serve them. Plain
 * threads and blocking calls, like {@link HandoffServer}.
 */
public final class HandoffClient {

  private static final Logger log = LoggerFactory.getLogger(HandoffClient.class);

  /** The longest line we read: a cache entry carries an answer of up to 64 KiB in base64. */
  private static final int MAX_LINE = 1 << 20;

  private HandoffClient() {}

  /** Sockets received from the running instance, keyed by Corefile address. */
  public static final class Received {
    private final Map<InetSocketAddress, DnsListener.Sockets> sockets;
    private final Conversation conversation;
    private final Reader reader;

    private Received(Map<InetSocketAddress, DnsListener.Sockets> sockets, Conversation conversation, Reader reader) {
      this.sockets = sockets;
      this.conversation = conversation;
      this.reader = reader;
    }

    /** Asks for the old instance's cache entries ({@link CacheTransfer} lines); empty on failure. */
    public List<String> cache(Duration timeout) {
      try {
        conversation.write(CacheTransfer.REQUEST + "\n");
        return reader.cache.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("hand-off: no cache from the old instance within {}: {}", timeout, e.toString());
        return List.of();
      }
    }

    public Map<InetSocketAddress, DnsListener.Sockets> sockets() {
      return sockets;
    }

    /**
     * Tells the old instance that we serve the sockets; returns once it has stopped reading them (or
     * the timeout passed, or it went away). The connection stays open while we run: when it closes
     * (we stop or crash) an old instance still running serves the sockets again.
     */
    public boolean confirm(Duration timeout) {
      try {
        conversation.write(HandoffProtocol.TAKEN + "\n");
        reader.bye.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (Exception e) {
        log.warn("hand-off: the old instance did not confirm within {}: {}", timeout, e.toString());
        conversation.close();
        return false;
      }
    }

    /** Gives up without taking over, or closes the connection when we stop. */
    public void abandon() {
      conversation.close();
    }
  }

  /**
   * Connects to {@code path}; empty when nobody listens there (then the caller binds as usual) or the
   * exchange fails or takes longer than {@code timeout}.
   */
  public static Optional<Received> receive(Path path, Duration timeout) {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Conversation c = null;
    List<Integer> fds = new ArrayList<>();
    try {
      c = Conversation.connect(path, MAX_LINE);
      Reader reader = new Reader(c);
      Thread t = new Thread(reader, "nodecache-handoff-client");
      t.setDaemon(true);
      t.start();
      HandoffProtocol.Parser parser = reader.announced.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      Map<InetSocketAddress, DnsListener.Sockets> got =
          parser.expected() == 0 ? Map.of() : descriptors(c, path, parser, fds, deadline);
      log.info("hand-off: took over {} listener(s) from the running instance via {}", got.size(), path);
      return Optional.of(new Received(got, c, reader));
    } catch (Exception e) {
      log.info("hand-off: no running instance at {} ({}); binding our own sockets", path, rootCause(e));
      if (c != null) {
        c.close();
      }
      for (int fd : fds) {
        try {
          new FileDescriptor(fd).close();
        } catch (IOException closed) {
          // already closed
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Listens beside the hand-off socket, asks the old instance to send the descriptors there, and
   * receives them in the announced order. Every descriptor received goes into {@code fds} at once, so
   * the caller closes them all if this fails.
   */
  private static Map<InetSocketAddress, DnsListener.Sockets> descriptors(
      Conversation c, Path path, HandoffProtocol.Parser parser, List<Integer> fds, long deadline) throws IOException {
    Path at = HandoffProtocol.descriptorPath(path);
    removeStale(at);
    Socket listener = Socket.newSocketDomain();
    try {
      Files.deleteIfExists(at);
      listener.bind(new DomainSocketAddress(at.toFile()));
      listener.listen(1);
      c.write(HandoffProtocol.SEND + " " + at + "\n");
      byte[] address = new byte[26];
      int accepted;
      while ((accepted = listener.accept(address)) < 0) {
        Conversation.pause(deadline, "waiting for the descriptors");
      }
      Socket peer = new Socket(accepted);
      try {
        if (Conversation.peerUid(peer) != Conversation.ourUid()) {
          throw new IOException("descriptors offered by another user than ours");
        }
        while (fds.size() < parser.expected()) {
          int fd = peer.recvFd(); // non-blocking: 0 when none is there yet, -1 at the end
          if (fd > 0) {
            fds.add(fd);
          } else if (fd == 0) {
            Conversation.pause(deadline, "waiting for the descriptors");
          } else {
            throw new IOException("the old instance sent " + fds.size() + " of " + parser.expected() + " descriptors");
          }
        }
      } finally {
        peer.close();
      }
      return parser.assign(fds);
    } finally {
      listener.close();
      Files.deleteIfExists(at);
    }
  }

  /**
   * Removes descriptor sockets beside {@code ours} that an instance killed during its exchange left
   * behind: an exchange takes seconds, so one older than {@link #STALE} is nobody's.
   */
  static void removeStale(Path ours) {
    String prefix = HandoffProtocol.descriptorPrefix(ours);
    long before = System.currentTimeMillis() - STALE.toMillis();
    try (var files = Files.list(ours.getParent())) {
      files
          .filter(f -> f.getFileName().toString().startsWith(prefix))
          .filter(f -> staleSocket(f, before)) // sockets only, never a regular file
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                  log.info("hand-off: removed {}, left by an instance that stopped during its hand-off", f);
                } catch (IOException e) {
                  log.debug("cannot remove {}: {}", f, e.toString());
                }
              });
    } catch (IOException | RuntimeException e) {
      log.debug("cannot list {}: {}", ours.getParent(), e.toString());
    }
  }

  /** How old a descriptor socket must be to be taken for a leftover. */
  static final Duration STALE = Duration.ofMinutes(1);

  private static boolean staleSocket(Path f, long before) {
    try {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isOther() && a.lastModifiedTime().toMillis() < before;
    } catch (IOException e) {
      return false; // gone meanwhile: leave it
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }

  /** Reads the old instance's lines on a thread of its own until its {@code bye}. */
  private static final class Reader implements Runnable {
    final CompletableFuture<HandoffProtocol.Parser> announced = new CompletableFuture<>();
    final CompletableFuture<Void> bye = new CompletableFuture<>();
    final CompletableFuture<List<String>> cache = new CompletableFuture<>();
    private final Conversation conversation;

    Reader(Conversation conversation) {
      this.conversation = conversation;
    }

    @Override
    public void run() {
      HandoffProtocol.Parser parser = new HandoffProtocol.Parser();
      List<String> entries = new ArrayList<>();
      try {
        String line;
        while ((line = conversation.readLine()) != null) {
          if (!announced.isDone()) {
            if (parser.line(line)) {
              announced.complete(parser);
            }
          } else if (line.startsWith("entry ")) {
            entries.add(line);
          } else if (line.startsWith(CacheTransfer.END)) {
            cache.complete(entries);
            entries = new ArrayList<>();
          } else if (line.trim().equals(HandoffProtocol.BYE)) {
            bye.complete(null);
            return; // nothing follows; the connection stays open while we run
          }
        }
        fail(new IOException("the old instance closed the hand-off"));
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    private void fail(Exception e) {
      announced.completeExceptionally(e);
      bye.completeExceptionally(e);
      cache.completeExceptionally(e);
    }
  }
}
