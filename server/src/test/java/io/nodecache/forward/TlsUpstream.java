package io.nodecache.forward;

import io.nodecache.testing.Records;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.xbill.DNS.Message;

/**
 * A DNS over TLS server on 127.0.0.1 for tests (RFC 7858: length-prefixed DNS over TLS), with a key
 * pair made by the JDK's {@code keytool}; optionally requiring a client certificate. Counts completed
 * handshakes and queries.
 */
final class TlsUpstream implements AutoCloseable {

  static final char[] PASSWORD = "changeit".toCharArray();

  /** A key pair in {@code DIR/NAME.p12}, with its certificate as {@code NAME.crt} and key as {@code NAME.key} (PEM). */
  record KeyPair(Path p12, Path cert, Path key) {}

  private final SSLServerSocket socket;
  private final UnaryOperator<Message> responder;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger queries = new AtomicInteger();
  private volatile boolean closed;

  /** Makes a self-signed key pair (its own CA) named {@code name} with subject alternative names {@code san} (keytool syntax). */
  static KeyPair keyPair(Path dir, String name, String keyalg, String san) throws Exception {
    Path p12 = dir.resolve(name + ".p12");
    List<String> cmd =
        List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-keystore",
            p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit", "-alias", name,
            "-keyalg", keyalg, "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool did not finish in 60 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, PASSWORD);
    }
    Certificate cert = ks.getCertificate(name);
    PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD);
    Path certFile = dir.resolve(name + ".crt");
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    return new KeyPair(p12, certFile, keyFile);
  }

  static String pem(String kind, byte[] der) {
    return "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + kind + "-----\n";
  }

  /** The PKCS#1 RSAPrivateKey inside a PKCS#8 RSA key (the last OCTET STRING of the outer SEQUENCE). */
  static byte[] pkcs1(byte[] pkcs8) {
    int[] pos = {0};
    header(pkcs8, pos); // outer SEQUENCE
    int versionLen = header(pkcs8, pos);
    pos[0] += versionLen;
    int algLen = header(pkcs8, pos);
    pos[0] += algLen;
    int keyLen = header(pkcs8, pos);
    return Arrays.copyOfRange(pkcs8, pos[0], pos[0] + keyLen);
  }

  private static int header(byte[] der, int[] pos) {
    pos[0]++; // tag
    int len = der[pos[0]++] & 0xff;
    if (len >= 0x80) {
      int n = len & 0x7f;
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (der[pos[0]++] & 0xff);
      }
    }
    return len;
  }

  /** Serves with {@code server}'s key pair; when {@code clientCa} is set, a client certificate it signed is required. */
  static TlsUpstream start(KeyPair server, KeyPair clientCa, String... records) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(server.p12())) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    TrustManagerFactory tmf = null;
    if (clientCa != null) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(clientCa.p12())) {
        trust.load(in, PASSWORD);
      }
      KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
      roots.load(null, null);
      roots.setCertificateEntry("client", trust.getCertificate(trust.aliases().nextElement()));
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(roots);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
    SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    s.setNeedClientAuth(clientCa != null);
    return new TlsUpstream(s, Records.responder(records));
  }

  private TlsUpstream(SSLServerSocket socket, UnaryOperator<Message> responder) {
    this.socket = socket;
    this.responder = responder;
    Thread t = new Thread(this::accept, "tls-upstream-accept");
    t.setDaemon(true);
    t.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
  }

  int port() {
    return socket.getLocalPort();
  }

  int handshakes() {
    return handshakes.get();
  }

  int queries() {
    return queries.get();
  }

  private void accept() {
    while (!closed) {
      try {
        SSLSocket c = (SSLSocket) socket.accept();
        open.add(c);
        Thread t = new Thread(() -> serve(c), "tls-upstream-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SSLSocket c) {
    try (c) {
      c.setSoTimeout(30_000);
      c.startHandshake();
      handshakes.incrementAndGet();
      DataInputStream in = new DataInputStream(c.getInputStream());
      DataOutputStream out = new DataOutputStream(c.getOutputStream());
      while (!closed) {
        byte[] q = new byte[in.readUnsignedShort()];
        in.readFully(q);
        queries.incrementAndGet();
        Message a = responder.apply(new Message(q));
        byte[] wire = a.toWire(65535);
        synchronized (out) {
          out.writeShort(wire.length);
          out.write(wire);
          out.flush();
        }
      }
    } catch (IOException e) {
      // handshake refused, peer closed, or closing
    } finally {
      open.remove(c);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
