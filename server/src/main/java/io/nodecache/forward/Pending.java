package io.nodecache.forward;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/** One query in flight towards an upstream: the question its answer must carry, and the result. */
final class Pending {

  final Record question;
  final CompletableFuture<Message> result = new CompletableFuture<>();
  Future<?> timeout;
  /** The connection whose in-flight slot this query holds, freed just before the result completes. */
  TcpConnection slot;

  Pending(Record question) {
    this.question = question;
  }

  void fail(UpstreamException.Kind kind, String why) {
    cancelTimeout();
    if (!result.isDone()) {
      freeSlot();
      result.completeExceptionally(new UpstreamException(kind, why));
    }
  }

  void complete(Message m) {
    cancelTimeout();
    if (!result.isDone()) {
      freeSlot();
      result.complete(m);
    }
  }

  /** Callers see the answer only after the slot is free (no future stage per query for it). */
  private void freeSlot() {
    TcpConnection s = slot;
    if (s != null) {
      slot = null;
      s.release();
    }
  }

  void cancelTimeout() {
    Future<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
  }

  /**
   * Whether {@code answer} answers our question: QR set and the same name (case-insensitive), type and
   * class. An error answer without a question section (FORMERR, NOTIMP, REFUSED) is accepted as the
   * upstream's verdict. Anything else is dropped (RFC 5452 §4.3).
   */
  boolean matches(Message answer) {
    if (!answer.getHeader().getFlag(Flags.QR)) {
      return false;
    }
    Record q = answer.getQuestion();
    if (q == null) {
      int rcode = answer.getRcode();
      return rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN;
    }
    return q.getType() == question.getType()
        && q.getDClass() == question.getDClass()
        && q.getName().equals(question.getName());
  }
}
