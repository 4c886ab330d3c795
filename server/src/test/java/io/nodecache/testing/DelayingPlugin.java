package io.nodecache.testing;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.Directive;
import io.nodecache.wire.Responses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * A stand-in for the last handler of the chain (registered under the name {@code forward}) that
 * answers every name with {@code A 192.0.2.N}, where N counts calls, after a delay taken from a first
 * label {@code slowMILLIS}. Lets listener tests hold queries in flight.
 */
public final class DelayingPlugin implements PluginFactory {

  public final AtomicInteger calls = new AtomicInteger();

  @Override
  public String name() {
    return "forward";
  }

  @Override
  public Handler create(Directive directive, PluginContext context) {
    return new Handler() {
      @Override
      public String name() {
        return "forward";
      }

      @Override
      public CompletionStage<Message> handle(DnsRequest r, Next next) {
        int n = calls.incrementAndGet();
        String first = r.name().getLabelString(0);
        long delay = first.startsWith("slow") ? Long.parseLong(first.substring(4)) : 0;
        Message m = Responses.error(r.query(), Rcode.NOERROR);
        try {
          m.addRecord(new ARecord(r.name(), DClass.IN, 60, InetAddress.getByName("192.0.2." + (n % 250 + 1))), Section.ANSWER);
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
        if (delay == 0) {
          return CompletableFuture.completedFuture(m);
        }
        return CompletableFuture.supplyAsync(() -> m, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
      }
    };
  }
}
