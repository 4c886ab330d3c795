package io.nodecache.log;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.RepeatablePluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.wire.FastQuery;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * CoreDNS's {@code log}: {@code log [NAMES...] [FORMAT] { class CLASSES... }}, as many times as a
 * block likes. Each name gets a rule; the first rule whose name holds the query decides whether its
 * answer is logged (its classes) and how (its format). Queries under no rule's name keep the fast
 * path; the others take the decoded path so that they are logged.
 */
public final class LogPluginFactory implements RepeatablePluginFactory {

  private static final Logger log = LoggerFactory.getLogger("io.nodecache.log");

  private final Consumer<String> sink;

  public LogPluginFactory() {
    this(log::info);
  }

  /** A factory whose handlers write their lines to {@code sink} (tests count them). */
  LogPluginFactory(Consumer<String> sink) {
    this.sink = sink;
  }

  @Override
  public String name() {
    return "log";
  }

  @Override
  public Handler create(List<Directive> all, PluginContext ctx) throws ConfigException {
    List<LogRule> rules = new ArrayList<>();
    for (Directive d : all) {
      rules.addAll(parse(d));
    }
    return new Log(List.copyOf(rules), sink);
  }

  /** The rules of one {@code log} line, as CoreDNS's setup reads it. */
  static List<LogRule> parse(Directive d) throws ConfigException {
    List<String> args = new ArrayList<>(d.args());
    String format = LogFormat.COMMON;
    if (args.size() > 1 && args.get(args.size() - 1).contains("{")) {
      String f = args.remove(args.size() - 1);
      format = switch (f) {
        case "{common}" -> LogFormat.COMMON;
        case "{combined}" -> LogFormat.COMBINED;
        default -> f;
      };
    }
    if (args.isEmpty()) {
      args.add(".");
    }
    Set<LogRule.Kind> classes = EnumSet.noneOf(LogRule.Kind.class);
    for (Directive o : d.block()) {
      if (!o.name().equals("class")) {
        throw d.unknownOption(o, "class");
      }
      if (o.args().isEmpty()) {
        throw o.error("expected: class CLASSES... (success, denial, error, all)");
      }
      for (String c : o.args()) {
        classes.add(LogRule.Kind.of(c).orElseThrow(() -> o.error("unknown class '" + c + "' (expected: success, denial, error or all)")));
      }
    }
    if (classes.isEmpty()) {
      classes.add(LogRule.Kind.ALL);
    }
    LogFormat compiled = LogFormat.compile(format);
    List<LogRule> rules = new ArrayList<>();
    for (String n : args) {
      Name scope;
      try {
        scope = Name.fromString(n.endsWith(".") ? n : n + ".");
      } catch (TextParseException e) {
        throw d.error("'" + n + "' is not a domain name: " + e.getMessage());
      }
      rules.add(new LogRule(scope, scope.canonicalize().toWireCanonical(), compiled, Set.copyOf(classes)));
    }
    return rules;
  }

  /** The handler: logs the answers of queries its rules select. */
  private static final class Log implements Handler, FastPath {
    private final List<LogRule> rules;
    private final Consumer<String> sink;

    Log(List<LogRule> rules, Consumer<String> sink) {
      this.rules = rules;
      this.sink = sink;
    }

    @Override
    public String name() {
      return "log";
    }

    /** A query no rule selects passes on at byte level; a selected one is decoded, to be logged. */
    @Override
    public Result fast(FastQuery q) {
      for (int i = 0; i < rules.size(); i++) {
        if (q.inZone(rules.get(i).scopeWire())) {
          return Result.SLOW;
        }
      }
      return Result.PASS;
    }

    @Override
    public CompletionStage<Message> handle(DnsRequest r, Next next) {
      LogRule rule = null;
      for (LogRule x : rules) {
        if (r.name().subdomain(x.scope())) {
          rule = x;
          break;
        }
      }
      if (rule == null) {
        return next.handle(r);
      }
      LogRule chosen = rule;
      long start = System.nanoTime();
      return next.handle(r)
          .whenComplete(
              (m, e) -> {
                if (chosen.selects(m)) {
                  sink.accept(chosen.format().line(r, m, m == null ? -1 : m.toWire().length, System.nanoTime() - start));
                }
              });
    }
  }
}
