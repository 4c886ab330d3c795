package io.nodecache.chain;

import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * One concern of the request chain (a CoreDNS plugin). A handler answers the request or calls {@code
 * next}; it never writes to a channel: only the listener does.
 */
public interface Handler {

  /** The directive name this handler was built from, used in logs and metric labels. */
  String name();

  CompletionStage<Message> handle(DnsRequest request, Next next);
}
