package io.nodecache.log;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code log}: one Common Log Format line per query, {@code {remote}:{port} - {>id} "{type}
 * {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}}. A block with
 * {@code log} takes the decoded path for every query, so that every query is logged.
 */
public final class LogPluginFactory implements PluginFactory {

  private static final Logger log = LoggerFactory.getLogger("io.nodecache.log");

  @Override
  public String name() {
    return "log";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    for (Directive o : d.block()) {
      if (!o.name().equals("class")) {
        throw d.unknownOption(o, "class");
      }
    }
    if (d.args().size() > 1) {
      throw d.error("custom formats are not supported (expected: log [NAME])");
    }
    return new Handler() {
      @Override
      public String name() {
        return "log";
      }

      @Override
      public CompletionStage<Message> handle(DnsRequest r, Next next) {
        long start = System.nanoTime();
        return next.handle(r)
            .whenComplete(
                (m, e) -> {
                  if (m != null) {
                    log.info(line(r, m, System.nanoTime() - start));
                  }
                });
      }
    };
  }

  static String line(DnsRequest r, Message m, long nanos) {
    Message q = r.query();
    String flags = m.getHeader().printFlags().trim().replace(' ', ',');
    return String.format(
        "%s:%d - %d \"%s %s %s %s %d %s %d\" %s %s %d %.9fs",
        r.client().getAddress().getHostAddress(),
        r.client().getPort(),
        q.getHeader().getID(),
        Type.string(r.type()),
        DClass.string(r.dclass()),
        r.name(),
        r.protocol().label(),
        q.toWire().length,
        r.dnssecOk(),
        q.getOPT() == null ? 512 : q.getOPT().getPayloadSize(),
        Rcode.string(m.getRcode()),
        flags.isEmpty() ? "-" : flags,
        m.toWire().length,
        nanos / 1e9);
  }

  static boolean authoritative(Message m) {
    return m.getHeader().getFlag(Flags.AA);
  }
}
