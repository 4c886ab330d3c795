package io.nodecache.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.wire.FastQuery;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class ChainTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  private static DnsRequest request(String name) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
    q.getHeader().setID(4242);
    return new DnsRequest(q, CLIENT, CLIENT, Protocol.UDP, ".", "dns://:53");
  }

  /** Passes to the next handler, recording that it ran. */
  private static Handler passing(String name, List<String> ran) {
    return new Handler() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletionStage<Message> handle(DnsRequest r, Next next) {
        ran.add(name);
        return next.handle(r);
      }
    };
  }

  /** Answers NOERROR with {@code rcode}, optionally later on another thread. */
  private static Handler answering(String name, int rcode, boolean async) {
    return new Handler() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletionStage<Message> handle(DnsRequest r, Next next) {
        Message m = new Message(r.query().getHeader().getID());
        m.getHeader().setRcode(rcode);
        return async
            ? CompletableFuture.supplyAsync(() -> m, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
            : CompletableFuture.completedFuture(m);
      }
    };
  }

  @Test
  void runsHandlersInOrderAndReportsTheOneThatAnswered() throws Exception {
    List<String> ran = new ArrayList<>();
    Chain c = new Chain(List.of(passing("errors", ran), passing("log", ran), answering("hosts", Rcode.NXDOMAIN, false)));
    Chain.Run run = c.handle(request("a.example."));
    Message m = run.answer().toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(ran).containsExactly("errors", "log");
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(run.plugin()).isEqualTo(2);
  }

  @Test
  void eachRunKeepsItsOwnPluginEvenWhenAnsweredLaterOnAnotherThread() throws Exception {
    Chain early = new Chain(List.of(answering("cache", Rcode.NOERROR, true), answering("forward", Rcode.SERVFAIL, false)));
    Chain late = new Chain(List.of(passing("cache", new ArrayList<>()), answering("forward", Rcode.NOERROR, true)));
    Chain.Run a = early.handle(request("a.example."));
    Chain.Run b = late.handle(request("b.example."));
    a.answer().toCompletableFuture().get(1, TimeUnit.SECONDS);
    b.answer().toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(a.plugin()).isEqualTo(0);
    assertThat(b.plugin()).isEqualTo(1);
  }

  @Test
  void fallingOffTheEndIsServfailFromTheLastHandler() throws Exception {
    Chain c = new Chain(List.of(passing("errors", new ArrayList<>()), passing("log", new ArrayList<>())));
    Chain.Run run = c.handle(request("a.example."));
    Message m = run.answer().toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(m.getHeader().getID()).isEqualTo(4242);
    assertThat(run.plugin()).isEqualTo(1);
  }

  @Test
  void anEmptyChainAnswersServfailWithNoPlugin() throws Exception {
    Chain.Run run = new Chain(List.of()).handle(request("a.example."));
    assertThat(run.answer().toCompletableFuture().get(1, TimeUnit.SECONDS).getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(run.plugin()).isEqualTo(-1);
  }

  @Test
  void aThrowingOrNullHandlerFailsTheRunInsteadOfTheCaller() throws Exception {
    Handler throwing =
        new Handler() {
          @Override
          public String name() {
            return "boom";
          }

          @Override
          public CompletionStage<Message> handle(DnsRequest r, Next next) {
            throw new IllegalStateException("boom");
          }
        };
    Handler nulling =
        new Handler() {
          @Override
          public String name() {
            return "nothing";
          }

          @Override
          public CompletionStage<Message> handle(DnsRequest r, Next next) {
            return null;
          }
        };
    for (Handler h : List.of(throwing, nulling)) {
      CompletableFuture<Message> f = new Chain(List.of(h)).handle(request("a.example.")).answer().toCompletableFuture();
      assertThat(f).failsWithin(1, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class);
    }
  }

  /** A fast-path handler that gives a fixed result and counts its calls. */
  private static final class Fast implements Handler, FastPath {
    final String name;
    final FastPath.Result result;
    int calls;

    Fast(String name, FastPath.Result result) {
      this.name = name;
      this.result = result;
    }

    @Override
    public Result fast(FastQuery q) {
      calls++;
      return result;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public CompletionStage<Message> handle(DnsRequest r, Next next) {
      return next.handle(r);
    }
  }

  @Test
  void fastPathsRunInOrderUntilOneAnswersOrSendsTheQuerySlow() {
    Fast errors = new Fast("errors", FastPath.Result.PASS);
    Fast cache = new Fast("cache", FastPath.Result.ANSWERED);
    Fast after = new Fast("forward", FastPath.Result.ANSWERED);
    assertThat(new Chain(List.of(errors, cache, after)).fast(new FastQuery())).isEqualTo("cache");
    assertThat(errors.calls).isEqualTo(1);
    assertThat(after.calls).isZero();

    Fast slow = new Fast("loop", FastPath.Result.SLOW);
    Fast hosts = new Fast("hosts", FastPath.Result.ANSWERED);
    assertThat(new Chain(List.of(slow, hosts)).fast(new FastQuery())).isNull();
    assertThat(hosts.calls).isZero();
  }

  @Test
  void theFastPrefixEndsAtTheFirstHandlerWithoutAFastPath() {
    List<String> ran = new ArrayList<>();
    Fast pass = new Fast("errors", FastPath.Result.PASS);
    Fast behind = new Fast("cache", FastPath.Result.ANSWERED);
    Chain c = new Chain(List.of(pass, passing("log", ran), behind));
    assertThat(c.fast(new FastQuery())).isNull();
    assertThat(behind.calls).isZero();
  }

  /** A handler with a lifecycle, to see start, ready and stop reach it. */
  private static final class Owned implements Handler, Lifecycle {
    final String name;
    boolean started;
    boolean stopped;
    boolean isReady;

    Owned(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public CompletionStage<Message> handle(DnsRequest r, Next next) {
      return next.handle(r);
    }

    @Override
    public void start() {
      started = true;
    }

    @Override
    public boolean ready() {
      return isReady;
    }

    @Override
    public void stop() {
      stopped = true;
      throw new IllegalStateException("a failing stop must not keep the others running");
    }
  }

  @Test
  void lifecycleReachesEveryHandlerThatOwnsResources() throws Exception {
    Owned k8s = new Owned("kubernetes");
    Owned cache = new Owned("cache");
    Chain c = new Chain(List.of(k8s, passing("log", new ArrayList<>()), cache));
    c.start();
    assertThat(k8s.started && cache.started).isTrue();
    assertThat(c.ready()).isFalse();
    assertThat(c.notReady()).containsExactly("kubernetes", "cache");
    k8s.isReady = true;
    assertThat(c.notReady()).containsExactly("cache");
    cache.isReady = true;
    assertThat(c.ready()).isTrue();
    c.stop();
    assertThat(k8s.stopped && cache.stopped).isTrue();
  }
}
