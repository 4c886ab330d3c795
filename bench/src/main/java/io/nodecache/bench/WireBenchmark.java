package io.nodecache.bench;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * dnsjava wire decode and encode of typical responses: an A answer, two AAAA, an SRV with its A glue, and
 * an NXDOMAIN with the SOA, each with an EDNS OPT; names Zipf over 100,000 (one message per distinct
 * name in a 4,096-message ring, prepared in set-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xmx512m"})
public class WireBenchmark {

  private static final int RING = 4096;
  private static final int MASK = RING - 1;

  @Param({"A", "AAAA", "SRV", "NXDOMAIN"})
  public String kind;

  private byte[][] wire;
  private Message[] messages;
  private int next;

  @Setup
  public void setUp() throws Exception {
    int[] keys = new Zipf(100_000, 1.0, 42).draw(RING);
    wire = new byte[RING][];
    messages = new Message[RING];
    for (int i = 0; i < RING; i++) {
      Message m = response(kind, keys[i]);
      messages[i] = m;
      wire[i] = m.toWire();
    }
  }

  static Message response(String kind, int key) throws Exception {
    Name zone = Name.fromString("bench.test.");
    Name svcZone = Name.fromString("default.svc.cluster.local.");
    Name name;
    int type;
    switch (kind) {
      case "SRV" -> {
        name = Name.fromString("_http._tcp.svc" + key, svcZone);
        type = Type.SRV;
      }
      case "NXDOMAIN" -> {
        name = Name.fromString("nx" + key, zone);
        type = Type.A;
      }
      default -> {
        name = Name.fromString("h" + key, zone);
        type = Type.value(kind);
      }
    }
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    q.getHeader().setID(key & 0xffff);
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RD);
    m.getHeader().setFlag(Flags.RA);
    m.addRecord(q.getQuestion(), Section.QUESTION);
    byte[] v4 = {10, (byte) (key >> 16), (byte) (key >> 8), (byte) key};
    switch (kind) {
      case "A" -> m.addRecord(new ARecord(name, DClass.IN, 300, InetAddress.getByAddress(v4)), Section.ANSWER);
      case "AAAA" -> {
        for (int i = 1; i <= 2; i++) {
          byte[] v6 = new byte[16];
          v6[0] = (byte) 0xfd;
          v6[13] = (byte) (key >> 8);
          v6[14] = (byte) key;
          v6[15] = (byte) i;
          m.addRecord(new AAAARecord(name, DClass.IN, 300, InetAddress.getByAddress(v6)), Section.ANSWER);
        }
      }
      case "SRV" -> {
        Name target = Name.fromString("svc" + key, svcZone);
        m.addRecord(new SRVRecord(name, DClass.IN, 30, 0, 100, 8080, target), Section.ANSWER);
        m.addRecord(new ARecord(target, DClass.IN, 30, InetAddress.getByAddress(v4)), Section.ADDITIONAL);
      }
      default -> {
        m.getHeader().setRcode(Rcode.NXDOMAIN);
        m.addRecord(
            new SOARecord(zone, DClass.IN, 300, Name.fromString("ns1", zone), Name.fromString("hostmaster", zone),
                1, 3600, 600, 86400, 300),
            Section.AUTHORITY);
      }
    }
    m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    return m;
  }

  /** Wire bytes to a dnsjava Message (what the decoded path and the forwarder do per upstream answer). */
  @Benchmark
  public Message decode() throws Exception {
    return new Message(wire[next++ & MASK]);
  }

  /** A dnsjava Message to wire bytes with name compression, limited to the EDNS payload. */
  @Benchmark
  public byte[] encode() {
    return messages[next++ & MASK].toWire(1232);
  }
}
