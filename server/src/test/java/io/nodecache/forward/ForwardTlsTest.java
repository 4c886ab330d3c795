package io.nodecache.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code tls://} upstreams: DNS over TLS to an in-process TLS server on loopback whose self-signed
 * certificates keytool makes, through a real server. The certificate is checked against {@code
 * tls_servername}, {@code tls://IP%NAME} or the IP address; {@code tls CERT KEY CA} presents a client
 * certificate.
 */
class ForwardTlsTest {

  static final String ANSWER = "www.example.test. 30 IN A 192.0.2.53";

  @TempDir static Path dir;
  static TlsUpstream.KeyPair good;
  static TlsUpstream.KeyPair other;
  static TlsUpstream.KeyPair client;
  static Path bundle;
  static Path clientPkcs1;

  private TlsUpstream up;
  private TlsUpstream second;
  private NodeCache server;

  @BeforeAll
  static void keys() throws Exception {
    good = TlsUpstream.keyPair(dir, "good", "EC", "dns:good.test,ip:127.0.0.1");
    other = TlsUpstream.keyPair(dir, "other", "EC", "dns:other.test");
    client = TlsUpstream.keyPair(dir, "client", "RSA", "dns:client.test");
    bundle = dir.resolve("bundle.crt");
    Files.writeString(bundle, Files.readString(good.cert()) + Files.readString(other.cert()));
    byte[] pkcs8 = Base64.getMimeDecoder().decode(Files.readString(client.key()).replaceAll("-----[A-Z ]+-----", "").trim());
    clientPkcs1 = dir.resolve("client-rsa.key");
    Files.writeString(clientPkcs1, TlsUpstream.pem("RSA PRIVATE KEY", TlsUpstream.pkcs1(pkcs8)));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (up != null) {
      up.close();
    }
    if (second != null) {
      second.close();
    }
  }

  private Message ask(String forward) throws Exception {
    String text = forward.replace("GOOD_CA", good.cert().toString()).replace("OTHER_CA", other.cert().toString())
        .replace("BUNDLE", bundle.toString()).replace("CLIENT_CRT", client.cert().toString())
        .replace("CLIENT_KEY", client.key().toString()).replace("CLIENT_RSA", clientPkcs1.toString())
        .replace("PORT2", second == null ? "" : Integer.toString(second.port()))
        .replace("PORT", Integer.toString(up.port()));
    server = TestServers.start(".:0 {\n    bind 127.0.0.1\n" + text + "\n}\n");
    InetSocketAddress dns = TestServers.dns(server);
    return DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "tls_servername matches|forward . tls://127.0.0.1:PORT {\\n tls GOOD_CA\\n tls_servername good.test\\n}|true",
        "no name: the IP address is checked|forward . tls://127.0.0.1:PORT {\\n tls GOOD_CA\\n}|true",
        "per-upstream name|forward . tls://127.0.0.1%good.test:PORT {\\n tls GOOD_CA\\n}|true",
        "CA bundle|forward . tls://127.0.0.1:PORT {\\n tls BUNDLE\\n tls_servername good.test\\n}|true",
        "force_tcp and prefer_udp change nothing|forward . tls://127.0.0.1:PORT {\\n tls GOOD_CA\\n prefer_udp\\n}|true",
        "wrong tls_servername|forward . tls://127.0.0.1:PORT {\\n tls GOOD_CA\\n tls_servername other.test\\n}|false",
        "wrong per-upstream name|forward . tls://127.0.0.1%other.test:PORT {\\n tls GOOD_CA\\n}|false",
        "untrusted: system CAs|forward . tls://127.0.0.1:PORT {\\n tls_servername good.test\\n}|false",
        "untrusted: another CA|forward . tls://127.0.0.1:PORT {\\n tls OTHER_CA\\n tls_servername good.test\\n}|false",
      })
  void theServerCertificateIsChecked(String what, String forward, boolean answered) throws Exception {
    up = TlsUpstream.start(good, null, ANSWER);
    Message a = ask(forward.replace("\\n", "\n"));
    if (answered) {
      assertThat(Records.answers(a)).containsExactly(ANSWER);
      assertThat(up.handshakes()).isEqualTo(1);
      assertThat(up.queries()).isGreaterThanOrEqualTo(1);
    } else {
      assertThat(a.getRcode()).isEqualTo(Rcode.SERVFAIL);
      assertThat(up.queries()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "CERT KEY CA|tls CLIENT_CRT CLIENT_KEY GOOD_CA|true",
        "CERT KEY CA, PKCS#1 key|tls CLIENT_CRT CLIENT_RSA GOOD_CA|true",
        "CA only: no client certificate|tls GOOD_CA|false",
      })
  void aClientCertificateIsPresentedWithCertAndKey(String what, String tls, boolean answered) throws Exception {
    up = TlsUpstream.start(good, client, ANSWER);
    Message a = ask("forward . tls://127.0.0.1:PORT {\n " + tls + "\n tls_servername good.test\n}");
    if (answered) {
      assertThat(Records.answers(a)).containsExactly(ANSWER);
    } else {
      assertThat(a.getRcode()).isEqualTo(Rcode.SERVFAIL);
      assertThat(up.queries()).isZero();
    }
  }

  @Test
  void aWrongServerNameFailsOverToTheNextUpstream() throws Exception {
    up = TlsUpstream.start(other, null, "www.example.test. 30 IN A 192.0.2.1");
    second = TlsUpstream.start(good, null, ANSWER);
    Message a =
        ask("forward . tls://127.0.0.1:PORT tls://127.0.0.1:PORT2 {\n tls BUNDLE\n tls_servername good.test\n policy sequential\n}");
    assertThat(Records.answers(a)).containsExactly(ANSWER);
    assertThat(up.queries()).isZero();
    assertThat(second.queries()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theHandshakeFailureIsTheReportedError() throws Exception {
    up = TlsUpstream.start(other, null, ANSWER);
    try (ForwardFixture fx = new ForwardFixture()) {
      Forward f = fx.forward("forward . tls://127.0.0.1:" + up.port() + " {\n tls " + bundle + "\n tls_servername good.test\n}");
      Throwable e = ForwardFixture.failure(f, Records.query("www.example.test", "A"));
      assertThat(e).isInstanceOf(UpstreamException.class);
      assertThat(e.getMessage()).startsWith("tls handshake with 127.0.0.1:" + up.port() + ": ").contains("good.test");
    }
  }

  @Test
  void unreadableKeysAreRefusedWithTheirLine() throws Exception {
    Path bad = dir.resolve("bad.key");
    Files.writeString(bad, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    assertThatThrownBy(
            () -> TestServers.start(".:0 {\n    bind 127.0.0.1\nforward . tls://127.0.0.1 {\n tls " + client.cert() + " " + bad
                + "\n}\n}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Corefile:4: tls: " + bad + ": 'EC PRIVATE KEY' keys are not supported");
    assertThatThrownBy(
            () -> TestServers.start(".:0 {\n    bind 127.0.0.1\nforward . tls://127.0.0.1 {\n tls " + bad + "\n}\n}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Corefile:4: tls: " + bad + " holds no readable certificate");
  }
}
