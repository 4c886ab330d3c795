package io.nodecache.chain;

import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/** The rest of the chain after the current handler. */
@FunctionalInterface
public interface Next {
  CompletionStage<Message> handle(DnsRequest request);
}
