package io.nodecache.errors;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.wire.FastQuery;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code errors}: logs the error behind a failed query as {@code [ERROR] plugin/errors: 2
 * NAME. TYPE: reason}; the listener answers SERVFAIL.
 */
public final class ErrorsPluginFactory implements PluginFactory {

  private static final Logger log = LoggerFactory.getLogger("io.nodecache.errors");

  @Override
  public String name() {
    return "errors";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    for (Directive o : d.block()) {
      if (!o.name().equals("stacktrace") && !o.name().equals("consolidate")) {
        throw d.unknownOption(o, "stacktrace", "consolidate");
      }
    }
    return new Errors();
  }

  /** Logs failures of the decoded path; byte-level answers never fail, so the fast path passes. */
  private static final class Errors implements Handler, FastPath {
      @Override
      public Result fast(FastQuery q) {
        return Result.PASS;
      }

      @Override
      public String name() {
        return "errors";
      }

      @Override
      public CompletionStage<Message> handle(DnsRequest r, Next next) {
        return next.handle(r)
            .whenComplete(
                (m, e) -> {
                  if (e != null) {
                    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    log.error("plugin/errors: 2 {} {}: {}", r.name(), Type.string(r.type()), c.getMessage() != null ? c.getMessage() : c.toString());
                  }
                });
      }
  }
}
