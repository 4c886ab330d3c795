package io.nodecache.forward;

import static io.nodecache.forward.ForwardFixture.send;
import static io.nodecache.testing.Records.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.TestUpstream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * A burst of distinct queries from several threads against a cold TCP pool: every query gets an outcome.
 * Found by the soak: a connection published before its connect future was set was picked by another
 * thread, its send met no channel, and the query hung forever (the client timed out).
 */
class ForwardColdBurstTest {

  private static final int ROUNDS = 30;
  private static final int THREADS = 8;
  private static final int PER_THREAD = 40;

  @Test
  void everyQueryOfAColdBurstIsAnswered() throws Exception {
    try (TestUpstream up = TestUpstream.start(q -> answer(q));
        ForwardFixture fx = new ForwardFixture()) {
      for (int round = 0; round < ROUNDS; round++) {
        // A new forwarder each round: its pool starts with no connection.
        Forward f = fx.forward("forward . " + up.hostPort() + " {\n force_tcp\n read_timeout 2s\n}");
        List<CompletableFuture<Message>> answers = burst(f, round);
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
            .handle((v, e) -> null)
            .get(15, TimeUnit.SECONDS);
        for (CompletableFuture<Message> a : answers) {
          assertThat(a).as("round %d", round).isDone();
          assertThat(a.join().getRcode()).isEqualTo(Rcode.NOERROR);
        }
        f.stop();
      }
    }
  }

  private static List<CompletableFuture<Message>> burst(Forward f, int round) throws InterruptedException {
    List<CompletableFuture<Message>> answers = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < PER_THREAD; i++) {
                  answers.add(send(f, query("r" + round + "-t" + thread + "-q" + i + ".burst.test", "A")));
                }
              });
      th.start();
      threads.add(th);
    }
    go.countDown();
    for (Thread th : threads) {
      th.join(10_000);
    }
    assertThat(answers).hasSize(THREADS * PER_THREAD);
    return answers;
  }

  private static Message answer(Message q) {
    Message a = new Message(q.getHeader().getID());
    a.getHeader().setFlag(Flags.QR);
    a.addRecord(q.getQuestion(), Section.QUESTION);
    try {
      a.addRecord(
          new ARecord(q.getQuestion().getName(), DClass.IN, 30,
              InetAddress.getByName("192.0.2.1")),
          Section.ANSWER);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return a;
  }
}
