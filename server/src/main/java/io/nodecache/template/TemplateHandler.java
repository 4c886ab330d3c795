package io.nodecache.template;

import io.micrometer.core.instrument.Counter;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.template.Evaluator.ExecException;
import io.nodecache.template.Evaluator.Struct;
import io.nodecache.wire.Edns;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code template}: the block's templates in file order; the first whose zone, class and
 * type fit the query decides: a regex match answers, a miss falls through to the next template when
 * {@code fallthrough} covers the name and answers SERVFAIL otherwise. A query no template takes goes
 * to the next plugin. Templates of plain text that match every name answer on the fast path.
 */
final class TemplateHandler implements Handler, FastPath {

  private static final Logger log = LoggerFactory.getLogger(TemplateHandler.class);
  private static final String[] SECTIONS = {"answer", "authority", "additional"};

  private final List<Template> templates;
  private final StaticAnswer[] fixed;
  private final byte[][][] zoneWires;
  private final TemplateMetrics metrics;

  TemplateHandler(List<Template> templates, TemplateMetrics metrics) {
    this.templates = List.copyOf(templates);
    this.metrics = metrics;
    this.fixed = new StaticAnswer[templates.size()];
    this.zoneWires = new byte[templates.size()][][];
    for (int i = 0; i < templates.size(); i++) {
      Template t = templates.get(i);
      zoneWires[i] = t.zones().stream().map(Name::toWireCanonical).toArray(byte[][]::new);
      fixed[i] = StaticAnswer.of(t, metrics);
    }
  }

  @Override
  public String name() {
    return "template";
  }

  @Override
  public Result fast(FastQuery q) {
    for (int i = 0; i < fixed.length; i++) {
      int zone = longestZone(q, zoneWires[i]);
      if (zone < 0 || !templates.get(i).classAndTypeMatch(q.qclass(), q.qtype())) {
        continue;
      }
      StaticAnswer a = fixed[i];
      return a != null && a.render(q, zone) ? Result.ANSWERED : Result.SLOW;
    }
    return Result.PASS;
  }

  private static int longestZone(FastQuery q, byte[][] zones) {
    int best = -1;
    for (int z = 0; z < zones.length; z++) {
      if (q.inZone(zones[z]) && (best < 0 || zones[z].length > zones[best].length)) {
        best = z;
      }
    }
    return best;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    Name name = request.name().canonicalize();
    String text = name.toString();
    for (Template t : templates) {
      Name zone = t.zoneOf(name);
      if (zone == null || !t.classAndTypeMatch(request.dclass(), request.type())) {
        continue;
      }
      for (Template.Regex r : t.regexes()) {
        Matcher m = r.pattern().matcher(text);
        if (m.find()) {
          return answer(t, t.data(request.query(), remote(request), zone, r, m, text), request, next);
        }
      }
      if (!t.fallsThrough(name)) {
        return CompletableFuture.completedFuture(Responses.error(request.query(), Rcode.SERVFAIL));
      }
    }
    return next.handle(request);
  }

  private CompletionStage<Message> answer(Template t, Struct data, DnsRequest request, Next next) {
    String zone = (String) data.fields().get("Zone");
    String dclass = (String) data.fields().get("Class");
    String type = (String) data.fields().get("Type");
    metrics.matches(zone, dclass, type).increment();
    Message m = Responses.error(request.query(), t.rcode());
    if (t.rcode() == Rcode.SERVFAIL) {
      return CompletableFuture.completedFuture(m);
    }
    m.getHeader().setFlag(Flags.AA);
    if (request.checkingDisabled()) {
      m.getHeader().setFlag(Flags.CD);
    }
    List<List<GoTemplate>> sections = List.of(t.answer(), t.authority(), t.additional());
    int[] target = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};
    for (int s = 0; s < 3; s++) {
      for (GoTemplate g : sections.get(s)) {
        String out;
        try {
          out = Evaluator.execute(g, data);
        } catch (ExecException e) {
          metrics.templateFailure(zone, dclass, type, SECTIONS[s], g.tree());
          log.debug("template: {} {}: {}", SECTIONS[s], g.tree(), e.getMessage());
          return CompletableFuture.completedFuture(Responses.error(request.query(), Rcode.SERVFAIL));
        }
        try {
          m.addRecord(Template.parseRecord(out), target[s]);
        } catch (TextParseException | RuntimeException e) {
          metrics.rrFailure(zone, dclass, type, SECTIONS[s], g.tree());
          log.debug("template: {} '{}': {}", SECTIONS[s], out, e.getMessage());
          return CompletableFuture.completedFuture(Responses.error(request.query(), Rcode.SERVFAIL));
        }
      }
    }
    if (t.ederror() != null && request.query().getOPT() != null) {
      EDNSOption ede = new ExtendedErrorCodeOption(t.ederror().code(), t.ederror().reason());
      m.addRecord(new OPTRecord(Edns.OUR_PAYLOAD, 0, 0, 0, List.of(ede)), Section.ADDITIONAL);
    }
    return followCnames(m, request, next);
  }

  /**
   * As CoreDNS, an A or AAAA query answered with a CNAME gets the target's records of that type
   * appended, looked up through the rest of the chain.
   */
  private static CompletionStage<Message> followCnames(Message m, DnsRequest request, Next next) {
    int qtype = request.type();
    CompletionStage<Message> out = CompletableFuture.completedFuture(m);
    if (qtype != Type.A && qtype != Type.AAAA) {
      return out;
    }
    // a copy: a lookup answered at once appends to the section while we walk it
    for (Record r : List.copyOf(m.getSection(Section.ANSWER))) {
      if (r instanceof CNAMERecord c) {
        Message q = Message.newQuery(Record.newRecord(c.getTarget(), qtype, DClass.IN));
        DnsRequest sub = new DnsRequest(q, request.client(), request.local(), request.protocol(), request.zone(), request.server());
        out = out.thenCompose(
            msg -> next.handle(sub).handle((up, err) -> {
              if (up != null) {
                for (Record a : up.getSection(Section.ANSWER)) {
                  msg.addRecord(a, Section.ANSWER);
                }
              }
              return msg;
            }));
      }
    }
    return out;
  }

  /** The client's address as Go prints it: IPv6 in its shortest form. */
  static String remote(DnsRequest request) {
    InetAddress a = request.client().getAddress();
    String s = a.getHostAddress();
    int pct = s.indexOf('%');
    if (pct >= 0) {
      s = s.substring(0, pct);
    }
    if (!(a instanceof Inet6Address)) {
      return s;
    }
    String[] g = s.split(":");
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < g.length; i++) {
      int j = i;
      while (j < g.length && g[j].replaceFirst("^0+", "").isEmpty()) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < g.length; i++) {
      if (i == bestStart) {
        sb.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      sb.append(g[i].replaceFirst("^0+(?=.)", "")).append(i < g.length - 1 ? ":" : "");
    }
    return sb.toString();
  }

  static Counter[] counters(Template t, TemplateMetrics metrics) {
    Counter[] c = new Counter[t.zones().size()];
    for (int z = 0; z < c.length; z++) {
      c[z] = metrics.matches(t.zones().get(z).toString(), DClass.string(t.dclass()), Type.string(t.type()));
    }
    return c;
  }
}
