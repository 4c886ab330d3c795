package io.nodecache.errors;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Values;
import io.nodecache.wire.FastQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code errors}: {@code errors [stdout] { stacktrace; consolidate DURATION REGEXP [LEVEL]
 * [show_first] }}. Logs the error behind a failed query as {@code plugin/errors: 2 NAME. TYPE:
 * reason} (the listener answers SERVFAIL); errors matching a {@code consolidate} pattern are counted
 * instead and summed up once per period.
 */
public final class ErrorsPluginFactory implements PluginFactory {

  private static final Logger log = LoggerFactory.getLogger("io.nodecache.errors");

  private final ErrorLog out;

  public ErrorsPluginFactory() {
    this(ErrorLog.of(log));
  }

  /** A factory whose handlers write to {@code out} (tests count the lines). */
  ErrorsPluginFactory(ErrorLog out) {
    this.out = out;
  }

  @Override
  public String name() {
    return "errors";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    if (d.args().size() > 1 || (d.args().size() == 1 && !d.arg(0).equals("stdout"))) {
      throw d.error("expected: errors [stdout] (CoreDNS logs errors to standard output only)");
    }
    boolean stacktrace = false;
    List<Consolidation> patterns = new ArrayList<>();
    for (Directive o : d.block()) {
      switch (o.name()) {
        case "stacktrace" -> {
          o.expectArgs(0, 0);
          stacktrace = true;
        }
        case "consolidate" -> patterns.add(consolidation(o, ctx.scheduler()));
        default -> throw d.unknownOption(o, "stacktrace", "consolidate");
      }
    }
    return new Errors(List.copyOf(patterns), stacktrace, out);
  }

  private Consolidation consolidation(Directive o, ScheduledExecutorService scheduler) throws ConfigException {
    o.expectArgs(2, 4);
    Duration period = Values.duration(o, o.arg(0));
    if (period.isZero() || period.isNegative()) {
      throw o.error("DURATION must be positive: '" + o.arg(0) + "'");
    }
    if (o.arg(1).length() > 10_000) {
      throw o.error("REGEXP must not exceed 10000 characters");
    }
    Pattern regex;
    try {
      regex = Pattern.compile(o.arg(1));
    } catch (PatternSyntaxException e) {
      throw o.error("invalid REGEXP '" + o.arg(1) + "': " + e.getDescription());
    }
    ErrorLog.Level level = ErrorLog.Level.ERROR;
    boolean showFirst = false;
    for (String a : o.args().subList(2, o.args().size())) {
      if (a.equals("show_first") && !showFirst) {
        showFirst = true;
      } else if (ErrorLog.Level.of(a).isPresent() && a.equals(o.args().get(2))) {
        level = ErrorLog.Level.of(a).get();
      } else {
        throw o.error("unexpected '" + a + "' (expected: consolidate DURATION REGEXP [warning|error|info|debug] [show_first])");
      }
    }
    if (scheduler == null) {
      throw o.error("consolidate needs the server's timer");
    }
    return new Consolidation(period, regex, level, showFirst, scheduler, out);
  }

  /** Logs failures of the decoded path; byte-level answers never fail, so the fast path passes. */
  private static final class Errors implements Handler, FastPath, Lifecycle {
    private final List<Consolidation> patterns;
    private final boolean stacktrace;
    private final ErrorLog out;

    Errors(List<Consolidation> patterns, boolean stacktrace, ErrorLog out) {
      this.patterns = patterns;
      this.stacktrace = stacktrace;
      this.out = out;
    }

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
      return next.handle(r).whenComplete((m, e) -> {
        if (e != null) {
          failed(r, e);
        }
      });
    }

    private void failed(DnsRequest r, Throwable e) {
      Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      String reason = c.getMessage() != null ? c.getMessage() : c.toString();
      for (Consolidation p : patterns) {
        if (p.matches(reason)) {
          if (p.count(r.name() + " " + Type.string(r.type()) + ": " + reason)) {
            return;
          }
          break;
        }
      }
      String line = "plugin/errors: " + Rcode.SERVFAIL + " " + r.name() + " " + Type.string(r.type()) + ": " + reason;
      out.log(ErrorLog.Level.ERROR, line, stacktrace && c instanceof RuntimeException ? c : null);
    }

    @Override
    public void stop() {
      patterns.forEach(Consolidation::flush);
    }
  }
}
