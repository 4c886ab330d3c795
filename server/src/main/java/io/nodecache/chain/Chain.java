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
 * The handlers of one server block in {@link PluginRegistry} order, run as a chain; and the prefix of them
 * that offers a {@link FastPath}. A query that falls off the end gets SERVFAIL, as in CoreDNS.
 */
public final class Chain {

  private final List<Handler> handlers;
  private final FastPath[] fast;
  private final String[] fastNames;
  private final int payloadLimit;
  private final List<RequestFilter> filters = new ArrayList<>();

  public Chain(List<Handler> handlers) {
    this.handlers = List.copyOf(handlers);
    int limit = 65535;
    for (Handler h : this.handlers) {
      if (h instanceof PayloadLimit p) {
        limit = Math.min(limit, p.udpPayloadLimit());
      }
      if (h instanceof RequestFilter f) {
        filters.add(f);
      }
    }
    this.payloadLimit = limit;
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

  /** The largest EDNS UDP payload size this block's answers echo ({@link PayloadLimit}); 65535 without one. */
  public int udpPayloadLimit() {
    return payloadLimit;
  }

  /** Whether this block takes only some queries of its zones ({@link RequestFilter}, CoreDNS's view). */
  public boolean filtered() {
    return !filters.isEmpty();
  }

  /** Whether every filter of this block accepts {@code request}; true without filters. */
  public boolean accepts(DnsRequest request) {
    for (RequestFilter f : filters) {
      if (!f.accepts(request)) {
        return false;
      }
    }
    return true;
  }

  /** True when a handler of this chain was built from the directive {@code name}. */
  public boolean has(String name) {
    for (Handler h : handlers) {
      if (h.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One run of the chain for one request: the answer to come, and the handler that took the query
   * (the deepest one the run reached), for the {@code plugin} metric label.
   */
  public static final class Run {
    private final CompletionStage<Message> answer;
    private final Reach reach;

    private Run(CompletionStage<Message> answer, Reach reach) {
      this.answer = answer;
      this.reach = reach;
    }

    /** Completes with the answer; never exceptionally with a null message. */
    public CompletionStage<Message> answer() {
      return answer;
    }

    /**
     * The index of the deepest handler this run reached (-1: none), read once {@link #answer()}
     * completed: the handler that answered.
     */
    public int plugin() {
      return reach.deepest;
    }
  }

  /** How far one run went; written by the steps of that run only. */
  private static final class Reach {
    private volatile int deepest = -1;
  }

  /** Runs the whole chain for {@code request}. */
  public Run handle(DnsRequest request) {
    Reach reach = new Reach();
    return new Run(run(reach, 0, request), reach);
  }

  private CompletionStage<Message> run(Reach reach, int i, DnsRequest request) {
    int at = Math.min(i, handlers.size() - 1);
    if (at > reach.deepest) {
      reach.deepest = at;
    }
    if (i == handlers.size()) {
      return CompletableFuture.completedFuture(Responses.error(request.query(), Rcode.SERVFAIL));
    }
    Handler h = handlers.get(i);
    try {
      CompletionStage<Message> s = h.handle(request, r -> run(reach, i + 1, r));
      return s != null ? s : CompletableFuture.failedFuture(new IllegalStateException(h.name() + " returned null"));
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
