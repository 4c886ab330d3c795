package io.nodecache.chain;

import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The handlers of one server block in {@link ChainOrder} order, run as a chain; and the prefix of them
 * that offers a {@link FastPath}. A query that falls off the end gets SERVFAIL, as in CoreDNS.
 */
public final class Chain {

  private final List<Handler> handlers;
  private final Next[] nexts;
  private final FastPath[] fast;
  private final String[] fastNames;
  private final io.netty.util.concurrent.FastThreadLocal<int[]> deepest =
      new io.netty.util.concurrent.FastThreadLocal<>() {
        @Override
        protected int[] initialValue() {
          return new int[1];
        }
      };

  public Chain(List<Handler> handlers) {
    this.handlers = List.copyOf(handlers);
    this.nexts = new Next[this.handlers.size() + 1];
    for (int i = 0; i <= this.handlers.size(); i++) {
      final int at = i;
      nexts[i] = request -> run(at, request);
    }
    List<FastPath> prefix = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Handler h : this.handlers) {
      if (!(h instanceof FastPath f)) {
        break;
      }
      prefix.add(f);
      names.add(h.name());
    }
    this.fast = prefix.toArray(new FastPath[0]);
    this.fastNames = names.toArray(new String[0]);
  }

  public List<Handler> handlers() {
    return handlers;
  }

  /** Runs the whole chain; never completes exceptionally with a null message. */
  public CompletionStage<Message> handle(DnsRequest request) {
    deepest.get()[0] = -1;
    return run(0, request);
  }

  /**
   * The index of the deepest handler the last {@link #handle} call on this thread reached while it
   * ran synchronously: the handler that answered, for the {@code plugin} metric label (-1: none).
   */
  public int deepest() {
    return deepest.get()[0];
  }

  private CompletionStage<Message> run(int i, DnsRequest request) {
    int[] d = deepest.get();
    if (i > d[0]) {
      d[0] = Math.min(i, handlers.size() - 1);
    }
    if (i == handlers.size()) {
      return CompletableFuture.completedFuture(Responses.error(request.query(), Rcode.SERVFAIL));
    }
    try {
      CompletionStage<Message> s = handlers.get(i).handle(request, nexts[i + 1]);
      return s != null ? s : CompletableFuture.failedFuture(new IllegalStateException(handlers.get(i).name() + " returned null"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Tries the fast paths in order.
   *
   * @return the name of the handler that answered (its reply is in {@code q}), or null for the slow path
   */
  public String fast(FastQuery q) {
    for (int i = 0; i < fast.length; i++) {
      FastPath.Result r = fast[i].fast(q);
      if (r == FastPath.Result.ANSWERED) {
        return fastNames[i];
      }
      if (r == FastPath.Result.SLOW) {
        return null;
      }
    }
    return null;
  }

  /** Starts every handler that owns resources. */
  public void start() throws Exception {
    for (Handler h : handlers) {
      if (h instanceof Lifecycle l) {
        l.start();
      }
    }
  }

  public boolean ready() {
    for (Handler h : handlers) {
      if (h instanceof Lifecycle l && !l.ready()) {
        return false;
      }
    }
    return true;
  }

  /** Names of handlers that are not ready yet, for {@code /ready}'s body. */
  public List<String> notReady() {
    List<String> out = new ArrayList<>();
    for (Handler h : handlers) {
      if (h instanceof Lifecycle l && !l.ready()) {
        out.add(h.name());
      }
    }
    return out;
  }

  public void stop() {
    for (Handler h : handlers) {
      if (h instanceof Lifecycle l) {
        try {
          l.stop();
        } catch (RuntimeException e) {
          // keep stopping the others; the caller logs
        }
      }
    }
  }
}
