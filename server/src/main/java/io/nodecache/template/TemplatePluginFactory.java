package io.nodecache.template;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.RepeatablePluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Names;
import io.nodecache.config.Values;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code template CLASS TYPE [ZONE...] { match REGEX..., answer RR..., additional RR..., authority
 * RR..., rcode CODE, ederror CODE [REASON], fallthrough [ZONE...], upstream }}, as many as a block likes: one handler runs
 * them in file order, as CoreDNS does.
 */
public final class TemplatePluginFactory implements RepeatablePluginFactory {

  private static final String[] OPTIONS = {"match", "answer", "additional", "authority", "rcode", "fallthrough", "ederror", "upstream"};

  @Override
  public String name() {
    return "template";
  }

  @Override
  public Handler create(List<Directive> directives, PluginContext ctx) throws ConfigException {
    List<Template> templates = new ArrayList<>();
    for (Directive d : directives) {
      templates.add(template(d, ctx));
    }
    return new TemplateHandler(templates, new TemplateMetrics(ctx.meters(), ctx.serverLabel()));
  }

  private static Template template(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(2, Integer.MAX_VALUE);
    int dclass = DClass.value(d.arg(0));
    if (dclass < 0 || !d.arg(0).equals(d.arg(0).toUpperCase())) {
      throw d.error("invalid query class " + d.arg(0));
    }
    int type = Type.value(d.arg(1));
    if (type < 0 || !d.arg(1).equals(d.arg(1).toUpperCase())) {
      throw d.error("invalid RR type " + d.arg(1));
    }
    List<String> zoneArgs = new ArrayList<>();
    for (String a : d.args().subList(2, d.args().size())) {
      for (String z : a.strip().split("\\s+")) {
        if (!z.isEmpty()) {
          zoneArgs.add(z);
        }
      }
    }
    List<Name> zones = new ArrayList<>();
    for (String z : zoneArgs.isEmpty() ? ctx.block().zones() : zoneArgs) {
      zones.add(zone(d, z));
    }
    List<Template.Regex> regexes = new ArrayList<>();
    List<GoTemplate> answer = new ArrayList<>();
    List<GoTemplate> additional = new ArrayList<>();
    List<GoTemplate> authority = new ArrayList<>();
    int rcode = Rcode.NOERROR;
    List<Name> fallthrough = new ArrayList<>();
    boolean fallthroughAll = false;
    Template.ExtendedError ederror = null;
    for (Directive o : d.block()) {
      switch (o.name()) {
        case "match" -> {
          o.expectArgs(1, Integer.MAX_VALUE);
          for (String r : o.args()) {
            try {
              regexes.add(Template.Regex.compile(r));
            } catch (IllegalArgumentException e) {
              throw o.error("could not parse regex: " + r + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
          }
        }
        case "answer" -> section(o, answer);
        case "additional" -> section(o, additional);
        case "authority" -> section(o, authority);
        case "rcode" -> rcode = rcode(o.expectArgs(1, 1));
        case "fallthrough" -> {
          if (o.args().isEmpty()) {
            fallthroughAll = true;
          }
          for (String z : o.args()) {
            fallthrough.add(zone(o, z));
          }
        }
        case "ederror" -> {
          o.expectArgs(1, 2);
          int code = Values.integer(o, "extended DNS error code", o.arg(0), 0, 65535);
          ederror = new Template.ExtendedError(code, o.args().size() == 2 ? o.arg(1) : "");
        }
        case "upstream" -> {
          // CoreDNS still reads and ignores it: CNAME targets are always looked up
        }
        default -> throw d.unknownOption(o, OPTIONS);
      }
    }
    if (answer.isEmpty() && authority.isEmpty() && rcode == Rcode.NOERROR) {
      throw d.error("no answer section for template found (CoreDNS refuses a NOERROR template without"
          + " answer or authority: add an authority SOA for NODATA, or an rcode)");
    }
    boolean defaultRegex = regexes.isEmpty();
    if (defaultRegex) {
      regexes.add(Template.Regex.compile(".*"));
    }
    return new Template(dclass, type, zones, regexes, answer, additional, authority, rcode,
        fallthrough, fallthroughAll, defaultRegex, ederror);
  }

  private static void section(Directive o, List<GoTemplate> into) throws ConfigException {
    o.expectArgs(1, Integer.MAX_VALUE);
    for (String text : o.args()) {
      try {
        GoTemplate t = GoTemplate.parse(text);
        Evaluator.check(t);
        into.add(t);
      } catch (GoTemplate.ParseException e) {
        throw o.error("could not compile template '" + text + "': " + e.getMessage());
      }
    }
  }

  /** miekg/dns's RCODE names (upper case); the extended ones (above 15) are refused. */
  private static int rcode(Directive o) throws ConfigException {
    String s = o.arg(0);
    int code = Rcode.value(s);
    if (code < 0 || !s.equals(s.toUpperCase()) || s.startsWith("RESERVED")) {
      throw o.error("unknown rcode " + s);
    }
    if (code > 15) {
      throw o.error("rcode " + s + " is an extended RCODE, not supported by nodecache");
    }
    return code;
  }

  /** A zone as CoreDNS normalises it: scheme and port dropped, lower case, absolute. */
  private static Name zone(Directive d, String z) throws ConfigException {
    String s = z.replaceFirst("^[a-z]+://", "").replaceFirst(":[0-9]+$", "");
    try {
      return Name.fromString(Names.canonical(s)).canonicalize();
    } catch (TextParseException e) {
      throw d.error("'" + z + "' is not a zone name");
    }
  }
}
