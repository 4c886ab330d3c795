package io.nodecache.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.Flags;
import io.nodecache.config.KubeDnsConfig;
import io.nodecache.config.Pillars;
import io.nodecache.config.ServiceAddressLookup;
import io.nodecache.metrics.ServerMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the Corefile comes from: {@code -conf}, the embedded demo when no flag names one, or — as
 * node-cache does — the {@code -basecorefile} template rendered with the kube-dns ConfigMap of
 * {@code -kubednscm} (then also written to {@code -conf}). Pillars are filled, the text parsed.
 */
public final class ConfigSource {

  static final String DEMO = "/io/nodecache/demo/Corefile.local";
  private static final Logger log = LoggerFactory.getLogger(ConfigSource.class);

  private final Flags flags;
  private final Map<String, String> env;
  private final Counter configMapErrors;
  private KubeDnsConfig lastGood = KubeDnsConfig.EMPTY;
  private final ServiceAddressLookup lookup = Pillars.discoveredLookups();

  public ConfigSource(Flags flags, Map<String, String> env, MeterRegistry meters) {
    this.flags = flags;
    this.env = env;
    this.configMapErrors = ServerMetrics.setupError(meters, "configmap");
  }

  /** The directory of the kube-dns ConfigMap, or null: {@code -kubednscm}, else /etc/kube-dns if present. */
  Path kubeDnsDir() {
    if (!flags.kubednscm().isEmpty()) {
      return Path.of(flags.kubednscm());
    }
    Path dflt = Path.of("/etc/kube-dns");
    return Files.isDirectory(dflt) && Files.exists(Path.of(flags.baseCorefile())) ? dflt : null;
  }

  private boolean templated() {
    Path base = Path.of(flags.baseCorefile());
    return Files.exists(base) && (kubeDnsDir() != null || flags.conf().isEmpty() || !Files.exists(Path.of(flags.conf())));
  }

  String name() {
    if (templated()) {
      return flags.baseCorefile();
    }
    return flags.conf().isEmpty() ? "Corefile.local (embedded demo)" : flags.conf();
  }

  /** The Corefile text before pillars are filled. */
  public String text() throws ConfigException {
    if (templated()) {
      String template = read(Path.of(flags.baseCorefile()), "-basecorefile");
      Path dir = kubeDnsDir();
      if (dir != null) {
        try {
          lastGood = KubeDnsConfig.read(dir);
        } catch (ConfigException e) {
          log.warn("{}; ignoring the update and keeping the last good one", e.getMessage());
          configMapErrors.increment();
        }
      }
      String out = lastGood.render(template, flags);
      if (!flags.conf().isEmpty()) {
        try {
          Files.writeString(Path.of(flags.conf()), out);
        } catch (IOException e) {
          log.warn("cannot write the rendered Corefile to {}: {}", flags.conf(), e.toString());
        }
      }
      return out;
    }
    if (flags.conf().isEmpty()) {
      try (InputStream in = ConfigSource.class.getResourceAsStream(DEMO)) {
        if (in == null) {
          throw new ConfigException("no -conf given and no embedded demo Corefile in this build");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException("cannot read the embedded demo Corefile: " + e.getMessage());
      }
    }
    return read(Path.of(flags.conf()), "-conf");
  }

  public Corefile parse(String text) throws ConfigException {
    return new CorefileParser(name(), file(), env, flags.dnsPort()).parse(Pillars.fill(text, flags, env, lookup));
  }

  /** The Corefile on disk, whose directory relative imports start from; null for the embedded demo. */
  private Path file() {
    if (templated()) {
      return Path.of(flags.baseCorefile());
    }
    return flags.conf().isEmpty() ? null : Path.of(flags.conf());
  }

  private static String read(Path p, String flag) throws ConfigException {
    try {
      return Files.readString(p);
    } catch (NoSuchFileException e) {
      throw new ConfigException(flag + ": " + p + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(flag + ": " + p + ": " + e.getMessage());
    }
  }

  static String sha512(String text) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-512");
      return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
