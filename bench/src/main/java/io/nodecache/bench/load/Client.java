package io.nodecache.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One UDP socket or TCP connection of the load generator and all its state. Everything here runs on
 * the channel's event loop. Query IDs are handed out in sequence, so the queries in flight form a ring
 * ordered by send time: timeouts are found by walking from the oldest one, and a timed-out ID is not
 * reused for 65,536 sends, so a late answer is recognised as late.
 */
final class Client extends ChannelInboundHandlerAdapter {

  private static final int IDS = 65536;
  private static final int MASK = IDS - 1;
  private static final byte FREE = 0;
  private static final byte IN_FLIGHT = 1;
  private static final byte TIMED_OUT = 2;
  private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(120);
  /** Most queries one open-loop tick may catch up on, so a stalled loop does not burst. */
  private static final int MAX_BURST = 10_000;

  private RunControl run;
  private final QuerySet queries;
  private final boolean tcp;
  private final int window;
  private final double ratePerNano;
  private final boolean[] expected;

  private final long[] sentAt = new long[IDS];
  private final byte[] state = new byte[IDS];
  private int head;
  private int tail;
  private int inFlight;
  private long openLoopDue;
  private boolean sendingDone;
  private boolean finished;
  private Channel channel;
  private ScheduledFuture<?> ticker;

  final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
  final long[] rcodes = new long[16];
  long sent;
  long answered;
  long timeouts;
  long late;
  long unmatched;
  long malformed;
  long skipped;
  long unexpected;

  /**
   * @param window closed loop: queries this client keeps in flight (0 in open loop)
   * @param rate open loop: this client's share of the rate in queries per second (0 in closed loop)
   */
  Client(QuerySet queries, boolean tcp, int window, double rate, boolean[] expected, int firstId) {
    this.queries = queries;
    this.tcp = tcp;
    this.window = window;
    this.ratePerNano = rate / 1e9;
    this.expected = expected;
    this.head = firstId & MASK;
    this.tail = head;
  }

  /** Starts sending on the channel's event loop; {@code tickNanos} paces timeouts and the open loop. */
  void start(RunControl control, Channel ch, long tickNanos) {
    this.run = control;
    this.channel = ch;
    ch.eventLoop()
        .execute(
            () -> {
              ticker = ch.eventLoop().scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
              tick();
            });
  }

  private void tick() {
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    expire(now);
    if (window > 0) {
      while (inFlight < window && send(now)) {
        // refill what answers and timeouts freed
      }
    } else if (!sendingDone) {
      long due = (long) ((now - run.startNanos) * ratePerNano);
      long todo = due - openLoopDue;
      openLoopDue = due;
      if (todo > MAX_BURST) {
        skipped += todo - MAX_BURST; // the loop stalled: do not catch up in one burst
        todo = MAX_BURST;
      }
      for (long i = 0; i < todo; i++) {
        if (!send(now)) {
          if (!sendingDone) {
            skipped += todo - i - 1; // IDs exhausted: the rest of this tick is not sent either
          }
          break;
        }
      }
    }
    channel.flush();
    checkFinished(now);
  }

  /** Sends one query unless a bound is reached; false when nothing was sent. */
  private boolean send(long now) {
    if (sendingDone) {
      return false;
    }
    if (now - run.deadlineNanos >= 0 || !channel.isActive()) {
      sendingDone = true;
      return false;
    }
    if (state[head] == IN_FLIGHT || ((head + 1) & MASK) == tail) {
      expire(now);
      if (state[head] == IN_FLIGHT || ((head + 1) & MASK) == tail) {
        skipped++; // all 65,536 IDs of this socket are in flight
        return false;
      }
    }
    long seq = run.claim();
    if (seq < 0) {
      sendingDone = true;
      return false;
    }
    byte[] q = queries.get(seq);
    int id = head;
    ByteBuf b = channel.alloc().directBuffer(q.length + (tcp ? 2 : 0));
    if (tcp) {
      b.writeShort(q.length);
    }
    int at = b.writerIndex();
    b.writeBytes(q);
    b.setShort(at, id);
    channel.write(b, channel.voidPromise());
    sentAt[id] = now;
    state[id] = IN_FLIGHT;
    head = (head + 1) & MASK;
    inFlight++;
    sent++;
    return true;
  }

  /** Marks queries older than the timeout as timed out, walking from the oldest in flight. */
  private void expire(long now) {
    while (tail != head) {
      byte s = state[tail];
      if (s == IN_FLIGHT) {
        if (now - sentAt[tail] < run.timeoutNanos) {
          return;
        }
        state[tail] = TIMED_OUT;
        timeouts++;
        inFlight--;
      }
      tail = (tail + 1) & MASK;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      ByteBuf b = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
      answer(b, System.nanoTime());
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void answer(ByteBuf b, long now) {
    int r = b.readerIndex();
    if (b.readableBytes() < 12 || (b.getUnsignedByte(r + 2) & 0x80) == 0) {
      malformed++;
      return;
    }
    int id = b.getUnsignedShort(r);
    byte s = state[id];
    if (s == IN_FLIGHT && now - sentAt[id] >= run.timeoutNanos) {
      // past its timeout, though the timeout walk has not reached it yet: late, like any other
      state[id] = FREE;
      inFlight--;
      timeouts++;
      late++;
      if (window > 0) {
        send(now);
      }
    } else if (s == IN_FLIGHT) {
      state[id] = FREE;
      inFlight--;
      answered++;
      latency.recordValue(Math.min(now - sentAt[id], MAX_LATENCY_NANOS));
      int rcode = b.getUnsignedByte(r + 3) & 0x0F;
      rcodes[rcode]++;
      if (!expected[rcode]) {
        unexpected++;
      }
      if (window > 0) {
        send(now);
      }
    } else if (s == TIMED_OUT) {
      state[id] = FREE;
      late++;
    } else {
      unmatched++;
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    checkFinished(System.nanoTime());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    sendingDone = true; // what is in flight on a closed connection times out
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // ICMP port unreachable and similar: the queries concerned time out and are counted there.
  }

  private void checkFinished(long now) {
    if (finished) {
      return;
    }
    if (now - run.deadlineNanos >= 0) {
      sendingDone = true;
    }
    if (sendingDone && inFlight == 0) {
      finished = true;
      if (ticker != null) {
        ticker.cancel(false);
      }
      run.finished.countDown();
    }
  }

  /** Called after the run's hard limit: counts what is still in flight as timed out. */
  void abandon() {
    if (!finished) {
      timeouts += inFlight;
      inFlight = 0;
      finished = true;
      if (ticker != null) {
        ticker.cancel(false);
      }
    }
  }
}
