package io.nodecache.rewrite;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.RepeatablePluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * {@code rewrite [continue|stop] FIELD ARGS...} or {@code rewrite [continue|stop] { FIELD ARGS... }},
 * as many lines as a block likes: each line is one rule, run in file order. See {@code package-info}.
 */
public final class RewritePluginFactory implements RepeatablePluginFactory {

  @Override
  public String name() {
    return "rewrite";
  }

  @Override
  public Handler create(List<Directive> all, PluginContext ctx) throws ConfigException {
    List<Rules.Rule> rules = new ArrayList<>();
    for (Directive d : all) {
      rules.add(rule(d));
    }
    return new Rewrite(rules);
  }

  /** The tokens of one {@code rewrite} line: its arguments, then (with fewer than two) its block's words. */
  static List<String> tokens(Directive d) throws ConfigException {
    List<String> args = new ArrayList<>(d.args());
    if (d.block().isEmpty()) {
      return args;
    }
    if (args.size() >= 2) {
      throw d.error("a block is only allowed after 'rewrite', 'rewrite stop' or 'rewrite continue'");
    }
    for (Directive line : d.block()) {
      if (!line.block().isEmpty()) {
        throw line.error("nested blocks are not allowed in a rewrite rule");
      }
      args.add(line.name());
      args.addAll(line.args());
    }
    return args;
  }

  static Rules.Rule rule(Directive d) throws ConfigException {
    List<String> args = tokens(d);
    if (args.isEmpty()) {
      throw d.error("no rule type specified");
    }
    String first = args.get(0).toLowerCase(Locale.ROOT);
    boolean stop = true;
    int start = 0;
    if (first.equals("continue") || first.equals("stop")) {
      stop = first.equals("stop");
      if (args.size() < 2) {
        throw d.error(first + " rule must begin with a rule type");
      }
      start = 1;
    }
    String field = args.get(start).toLowerCase(Locale.ROOT);
    List<String> rest = args.subList(start + 1, args.size());
    return switch (field) {
      case "name" -> RuleParser.name(d, stop, rest);
      case "ttl" -> RuleParser.ttl(d, stop, rest);
      case "rcode" -> RuleParser.rcode(d, stop, rest);
      case "type", "class" -> field(d, stop, field, rest);
      case "edns0" -> RuleParser.edns0(d, stop, rest);
      case "answer" -> throw d.error("response rewrites must begin with a name rule");
      case "cname" -> throw d.error("'cname' rules (CNAME target rewrites with an upstream lookup) are not supported by nodecache");
      default -> throw d.error("invalid rule type '" + args.get(start)
          + "' (expected one of: name, type, class, ttl, rcode, edns0)");
    };
  }

  private static Rules.Rule field(Directive d, boolean stop, String field, List<String> rest) throws ConfigException {
    if (rest.size() != 2) {
      throw d.error(field + " rules must have exactly two arguments");
    }
    boolean type = field.equals("type");
    int[] v = new int[2];
    for (int i = 0; i < 2; i++) {
      String s = rest.get(i).toUpperCase(Locale.ROOT);
      v[i] = type ? Type.value(s) : DClass.value(s);
      if (v[i] < 0) {
        throw d.error("invalid " + field + " '" + s + "'");
      }
    }
    return new Rules.FieldRule(stop, type, v[0], v[1]);
  }
}
