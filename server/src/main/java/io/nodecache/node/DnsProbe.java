package io.nodecache.node;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The doctor's DNS queries: one question over UDP or TCP with a deadline, counted as answered when a
 * well-formed reply to it arrives (any rcode). Runs in this process, or through a {@link
 * CommandRunner} (this class's {@link #main} in a child JVM) to query from inside another namespace.
 */
public interface DnsProbe {

  /** One query to send: {@code qname qtype} to {@code server:port} over TCP or UDP. */
  record Target(InetAddress server, int port, boolean tcp, Name qname, int qtype) {

    String describe() {
      return Name.root.equals(qname) ? ". " + Type.string(qtype) : qname + " " + Type.string(qtype);
    }

    /** {@code udp,IP,PORT,QNAME,QTYPE}: one argument of the probe's command line. */
    String spec() {
      return String.join(
          ",", tcp ? "tcp" : "udp", Addresses.format(server), Integer.toString(port), qname.toString(),
          Type.string(qtype));
    }

    static Target parse(String spec) throws IOException {
      String[] parts = spec.split(",", -1);
      InetAddress server = parts.length == 5 ? Addresses.parse(parts[1]) : null;
      if (server == null || !(parts[0].equals("tcp") || parts[0].equals("udp"))) {
        throw new IOException("bad target '" + spec + "' (expected: udp|tcp,IP,PORT,QNAME,QTYPE)");
      }
      return new Target(
          server, Integer.parseInt(parts[2]), parts[0].equals("tcp"), Name.fromString(parts[3], Name.root),
          Type.value(parts[4]));
    }
  }

  /** The reply's rcode and answer count, or the reason there was none. */
  record Outcome(String error, int rcode, int answers, long millis) {

    boolean answered() {
      return error == null;
    }

    String rcodeName() {
      return Rcode.string(rcode);
    }

    /** {@code OK rcode answers millis} or {@code ERR reason}: one line of the probe's output. */
    String line() {
      return answered() ? "OK " + rcode + " " + answers + " " + millis : "ERR " + error;
    }

    static Outcome parse(String line) {
      if (line.startsWith("OK ")) {
        String[] w = line.split(" ");
        return new Outcome(null, Integer.parseInt(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3]));
      }
      return new Outcome(line.startsWith("ERR ") ? line.substring(4) : "probe said: " + line, -1, 0, 0);
    }
  }

  /** Sends each query in turn, each with {@code timeout}; one outcome per target, in order. */
  List<Outcome> query(List<Target> targets, Duration timeout);

  /** Queries from this process's network namespace. */
  static DnsProbe inProcess() {
    return (targets, timeout) -> targets.stream().map(t -> send(t, timeout)).toList();
  }

  /**
   * Queries from wherever {@code runner} runs commands (e.g. {@code ip netns exec NAME}): one child
   * JVM on this JVM's class path runs {@link #main} with all targets.
   */
  static DnsProbe through(CommandRunner runner) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    return (targets, timeout) -> {
      List<String> argv =
          new ArrayList<>(
              List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", classpath, DnsProbe.class.getName(),
                  Long.toString(timeout.toMillis())));
      targets.forEach(t -> argv.add(t.spec()));
      CommandRunner.Result result = runner.run(argv, null);
      List<String> lines = result.stdout().lines().filter(l -> l.startsWith("OK ") || l.startsWith("ERR ")).toList();
      if (!result.ok() || lines.size() != targets.size()) {
        Outcome failed = new Outcome("probe " + result.command() + " failed: " + result.firstErrorLine(), -1, 0, 0);
        return targets.stream().map(t -> failed).toList();
      }
      return lines.stream().map(Outcome::parse).toList();
    };
  }

  /** {@code DnsProbe TIMEOUT_MS TARGET...}: prints one {@link Outcome#line()} per target. */
  static void main(String[] args) throws IOException {
    Duration timeout = Duration.ofMillis(Long.parseLong(args[0]));
    for (int i = 1; i < args.length; i++) {
      System.out.println(send(Target.parse(args[i]), timeout).line());
    }
  }

  /** One query; never throws. */
  static Outcome send(Target target, Duration timeout) {
    long start = System.nanoTime();
    Message query = Message.newQuery(Record.newRecord(target.qname(), target.qtype(), DClass.IN));
    InetSocketAddress server = new InetSocketAddress(target.server(), target.port());
    int millis = (int) Math.max(1, timeout.toMillis());
    try {
      byte[] wire = query.toWire(target.tcp() ? 65535 : 512);
      Message reply =
          target.tcp() ? tcp(server, wire, query, millis, start) : udp(server, wire, query, millis, start);
      return new Outcome(
          null, reply.getRcode(), reply.getSection(Section.ANSWER).size(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (SocketTimeoutException e) {
      return new Outcome("no answer within " + millis + " ms", -1, 0, 0);
    } catch (PortUnreachableException e) {
      return new Outcome("port unreachable: nothing listens on " + target.port() + "/udp", -1, 0, 0);
    } catch (ConnectException e) {
      return new Outcome("connection refused: nothing listens on " + target.port() + "/tcp", -1, 0, 0);
    } catch (IOException e) {
      return new Outcome(e.getMessage() == null ? e.toString() : e.getMessage(), -1, 0, 0);
    }
  }

  private static Message udp(InetSocketAddress server, byte[] wire, Message query, int millis, long start)
      throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(server); // connected: an ICMP port unreachable surfaces as an exception
      socket.send(new DatagramPacket(wire, wire.length));
      byte[] buffer = new byte[65535];
      while (true) {
        socket.setSoTimeout(remaining(millis, start));
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        Message reply = parse(Arrays.copyOf(buffer, packet.getLength()));
        // A stray datagram (another query's late reply) is not ours: keep waiting until the deadline.
        if (reply != null && matches(query, reply)) {
          return reply;
        }
      }
    }
  }

  private static Message tcp(InetSocketAddress server, byte[] wire, Message query, int millis, long start)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, remaining(millis, start));
      socket.setSoTimeout(remaining(millis, start));
      OutputStream out = socket.getOutputStream();
      // RFC 1035 §4.2.2: two-byte length prefix
      byte[] framed = new byte[wire.length + 2];
      framed[0] = (byte) (wire.length >> 8);
      framed[1] = (byte) wire.length;
      System.arraycopy(wire, 0, framed, 2, wire.length);
      out.write(framed);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] body = new byte[in.readUnsignedShort()];
      in.readFully(body);
      Message reply = parse(body);
      if (reply == null || !matches(query, reply)) {
        throw new IOException("malformed answer (" + body.length + " bytes that are not a reply to the query)");
      }
      return reply;
    }
  }

  private static Message parse(byte[] bytes) {
    try {
      return new Message(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean matches(Message query, Message reply) {
    Record question = reply.getQuestion();
    return reply.getHeader().getID() == query.getHeader().getID()
        && reply.getHeader().getFlag(Flags.QR)
        && question != null
        && question.getName().equals(query.getQuestion().getName())
        && question.getType() == query.getQuestion().getType();
  }

  private static int remaining(int millis, long start) throws SocketTimeoutException {
    long left = millis - (System.nanoTime() - start) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException();
    }
    return (int) left;
  }
}
