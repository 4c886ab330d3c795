package io.nodecache.rewrite;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * CoreDNS's {@code rewrite}: the rules of every {@code rewrite} line of the block, in file order. A
 * matching rule rewrites a copy of the query; a {@code stop} rule (the default) ends the walk when it
 * matches, a {@code continue} rule lets the next rules see the rewritten query. The rest of the chain
 * answers the copy; the client gets its own question back, with the response rules of the matched
 * rules applied (last matched first).
 */
final class Rewrite implements Handler, FastPath {

  private final List<Rules.Rule> rules;

  Rewrite(List<Rules.Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  @Override
  public String name() {
    return "rewrite";
  }

  /**
   * PASS when no rule applies to the query as received (a later rule only ever sees a rewritten query
   * after an earlier one applied); SLOW when one does or may (regex rules, edns0 rules).
   */
  @Override
  public Result fast(FastQuery q) {
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).fast(q) != 0) {
        return Result.SLOW;
      }
    }
    return Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    Rules.Query q = new Rules.Query(request);
    List<Answers.Rule> answers = new ArrayList<>();
    try {
      for (Rules.Rule rule : rules) {
        List<Answers.Rule> rs = rule.apply(q);
        if (rs != null) {
          answers.addAll(rs);
          if (rule.stop) {
            break;
          }
        }
      }
    } catch (Rules.InvalidName e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!q.changed && answers.isEmpty()) {
      return next.handle(request);
    }
    DnsRequest rewritten =
        q.changed
            ? new DnsRequest(q.message(), request.client(), request.local(), request.protocol(), request.zone(), request.server())
            : request;
    return next.handle(rewritten)
        .thenApply(answer -> answer == null ? null : Answers.revert(answer, request.question(), answers));
  }
}
