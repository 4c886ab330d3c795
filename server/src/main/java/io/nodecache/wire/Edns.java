package io.nodecache.wire;

import org.xbill.DNS.OPTRecord;

/** EDNS(0) sizes (RFC 6891) as this server applies them. */
public final class Edns {

  /**
   * Our own UDP payload size (DNS Flag Day 2020's 1232 bytes, no IP fragmentation), for the queries we
   * send ourselves; answers echo the requester's size instead ({@link #echoed}).
   */
  public static final int OUR_PAYLOAD = 1232;

  /** The classic limit without EDNS (RFC 1035 §2.3.4). */
  public static final int CLASSIC_LIMIT = 512;

  private Edns() {}

  /**
   * Largest UDP answer for a client: 512 without EDNS, else its advertised size, values under 512
   * counting as 512 (RFC 6891 §6.2.5). As CoreDNS's server does (request.Size, Scrub), the advertised
   * size is not capped by ours: the {@code bufsize} plugin lowers it where fragmentation is a concern.
   */
  public static int clientLimit(OPTRecord opt) {
    return opt == null ? CLASSIC_LIMIT : clientLimit(opt.getPayloadSize());
  }

  public static int clientLimit(int advertised) {
    return Math.max(CLASSIC_LIMIT, advertised);
  }

  /**
   * The payload size an answer's OPT record advertises: the requester's own, as advertised (CoreDNS's
   * {@code request.SizeAndDo}), no larger than {@code limit} (the {@code bufsize} of the block).
   */
  public static int echoed(OPTRecord query, int limit) {
    return Math.min(query.getPayloadSize(), limit);
  }
}
