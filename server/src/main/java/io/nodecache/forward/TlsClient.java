package io.nodecache.forward;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The client side of DNS over TLS (RFC 7858) for {@code tls://} upstreams: CoreDNS's forward {@code tls
 * [CERT KEY] [CA]} (no argument: the JVM's trusted CAs, no client certificate; CA: that file's
 * certificates; CERT KEY: a client certificate, the JVM's CAs; all three: both). TLS 1.2 and 1.3. The
 * server certificate is always checked against the name asked for ({@code tls_servername}, {@code
 * tls://IP%NAME}) or, without one, against the upstream's IP address, as Go's TLS client does.
 */
final class TlsClient {

  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");

  /** DER prefix of a PKCS#8 wrapper around a PKCS#1 RSA key: version 0 and rsaEncryption with NULL. */
  private static final byte[] RSA_ALGORITHM = {
    0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
    0x01, 0x05, 0x00
  };

  private final SslContext context;

  private TlsClient(SslContext context) {
    this.context = context;
  }

  /** The JVM's trusted CAs, no client certificate: {@code tls://} upstreams without a {@code tls} option. */
  static TlsClient systemDefault(Directive d) throws ConfigException {
    return build(d, SslContextBuilder.forClient());
  }

  /** Builds from the {@code tls} option's 0 to 3 file arguments; unreadable or invalid files are refused. */
  static TlsClient of(Directive opt) throws ConfigException {
    opt.expectArgs(0, 3);
    List<String> a = opt.args();
    SslContextBuilder b = SslContextBuilder.forClient();
    String ca = a.size() == 1 ? a.get(0) : a.size() == 3 ? a.get(2) : null;
    if (ca != null) {
      List<X509Certificate> roots = certificates(opt, ca);
      b.trustManager(roots);
    }
    if (a.size() >= 2) {
      List<X509Certificate> chain = certificates(opt, a.get(0));
      b.keyManager(privateKey(opt, a.get(1)), chain);
    }
    return build(opt, b);
  }

  private static TlsClient build(Directive d, SslContextBuilder b) throws ConfigException {
    try {
      return new TlsClient(
          b.sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").endpointIdentificationAlgorithm("HTTPS").build());
    } catch (SSLException | RuntimeException e) {
      throw d.error("cannot set up TLS: " + e.getMessage());
    }
  }

  /**
   * A handler for one connection to {@code host} (the server name to check, or the IP literal) on
   * {@code port}; the handshake may take {@code timeoutMillis}.
   */
  SslHandler handler(ByteBufAllocator alloc, String host, int port, long timeoutMillis) {
    SslHandler h = context.newHandler(alloc, host, port);
    h.setHandshakeTimeoutMillis(Math.max(1, timeoutMillis));
    return h;
  }

  private static byte[] read(Directive opt, String file) throws ConfigException {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw opt.error("cannot read " + file + ": no such file");
    } catch (IOException | RuntimeException e) {
      throw opt.error("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(Directive opt, String file) throws ConfigException {
    byte[] pem = read(opt, file);
    try {
      Collection<? extends Certificate> all =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
      List<X509Certificate> out = new ArrayList<>();
      for (var c : all) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw opt.error(file + " holds no certificate");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw opt.error(file + " holds no readable certificate: " + e.getMessage());
    }
  }

  /** A PEM private key: PKCS#8 ({@code PRIVATE KEY}: RSA, EC or Ed25519) or PKCS#1 ({@code RSA PRIVATE KEY}). */
  private static PrivateKey privateKey(Directive opt, String file) throws ConfigException {
    String text = new String(read(opt, file), StandardCharsets.US_ASCII);
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String kind = m.group(1);
      if (!kind.endsWith("PRIVATE KEY")) {
        continue;
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).trim());
      } catch (IllegalArgumentException e) {
        throw opt.error(file + ": bad base64 in the key");
      }
      if (kind.equals("RSA PRIVATE KEY")) {
        der = pkcs8(der);
      } else if (!kind.equals("PRIVATE KEY")) {
        throw opt.error(file + ": '" + kind + "' keys are not supported (expected: PKCS#8 'PRIVATE KEY' or 'RSA PRIVATE KEY'; "
            + "convert with openssl pkcs8 -topk8 -nocrypt)");
      }
      for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
        try {
          return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException tryNext) {
          // another algorithm
        }
      }
      throw opt.error(file + ": not an RSA, EC or Ed25519 private key");
    }
    throw opt.error(file + " holds no PEM private key");
  }

  /** Wraps a PKCS#1 RSAPrivateKey into a PKCS#8 PrivateKeyInfo (DER). */
  private static byte[] pkcs8(byte[] pkcs1) {
    byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
    byte[] body = concat(RSA_ALGORITHM, octets, new byte[0]);
    return concat(new byte[] {0x30}, length(body.length), body);
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }

  private static byte[] concat(byte[] a, byte[] b, byte[] c) {
    byte[] out = new byte[a.length + b.length + c.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    System.arraycopy(c, 0, out, a.length + b.length, c.length);
    return out;
  }
}
