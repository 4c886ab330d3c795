package io.nodecache.view;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.RequestFilter;
import io.nodecache.view.Expr.Node;
import io.nodecache.wire.FastQuery;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * CoreDNS's {@code view}: the block takes a query only when every {@code expr} is true for it. In the
 * chain it passes everything on; the listener asks {@link #accepts} before choosing the block.
 */
final class View implements Handler, FastPath, RequestFilter {

  private final String viewName;
  private final List<Node> expressions;

  View(String viewName, List<Node> expressions) {
    this.viewName = viewName;
    this.expressions = List.copyOf(expressions);
  }

  String viewName() {
    return viewName;
  }

  @Override
  public String name() {
    return "view";
  }

  @Override
  public boolean accepts(DnsRequest request) {
    for (Node n : expressions) {
      if (!Expr.test(n, request)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Result fast(FastQuery query) {
    return Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    return next.handle(request);
  }
}
