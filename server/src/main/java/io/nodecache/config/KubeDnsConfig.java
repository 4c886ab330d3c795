package io.nodecache.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The kube-dns ConfigMap as node-cache reads it (reference §1.8–1.9): {@code stubDomains} (JSON object
 * of domain to nameserver list) and {@code upstreamNameservers} (JSON array, at most three), mounted as
 * files in a directory, rendered into extra server blocks and the upstream of the template.
 */
public record KubeDnsConfig(Map<String, List<String>> stubDomains, List<String> upstreamNameservers) {

  public static final KubeDnsConfig EMPTY = new KubeDnsConfig(Map.of(), List.of());

  private static final String TCP_UPSTREAM_BLOCK =
      "forward . __PILLAR__UPSTREAM__SERVERS__ {\n            force_tcp\n    }";

  /** Reads the directory; a missing key is empty. Invalid content throws with the reason. */
  public static KubeDnsConfig read(Path dir) throws ConfigException {
    Map<String, List<String>> stubs = new TreeMap<>();
    List<String> upstream = List.of();
    String s = readKey(dir.resolve("stubDomains"));
    if (s != null && !s.isBlank()) {
      Object v = new MiniJson(s).value();
      if (!(v instanceof Map<?, ?> m)) {
        throw new ConfigException("kube-dns ConfigMap stubDomains: expected a JSON object");
      }
      for (var e : m.entrySet()) {
        String domain = String.valueOf(e.getKey());
        if (!domain.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
          throw new ConfigException("kube-dns ConfigMap stubDomains: '" + domain + "' is not a DNS-1123 subdomain");
        }
        stubs.put(domain, servers("stubDomains " + domain, e.getValue()));
      }
    }
    String u = readKey(dir.resolve("upstreamNameservers"));
    if (u != null && !u.isBlank()) {
      upstream = servers("upstreamNameservers", new MiniJson(u).value());
      if (upstream.size() > 3) {
        throw new ConfigException("kube-dns ConfigMap upstreamNameservers: cannot have more than three entries");
      }
    }
    return new KubeDnsConfig(stubs, upstream);
  }

  private static String readKey(Path p) throws ConfigException {
    try {
      return Files.readString(p);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new ConfigException("kube-dns ConfigMap " + p.getFileName() + ": " + e.getMessage());
    }
  }

  private static List<String> servers(String what, Object v) throws ConfigException {
    if (!(v instanceof List<?> l)) {
      throw new ConfigException("kube-dns ConfigMap " + what + ": expected a JSON array of nameservers");
    }
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      String hp = String.valueOf(o);
      String host = hp;
      int colon = hp.lastIndexOf(':');
      if (colon > 0 && hp.indexOf(':') == colon) {
        host = hp.substring(0, colon);
        String port = hp.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
          throw new ConfigException("kube-dns ConfigMap " + what + ": '" + hp + "' has a bad port");
        }
      }
      if (!host.matches("[0-9a-fA-F:.\\[\\]]+")) {
        throw new ConfigException("kube-dns ConfigMap " + what + ": '" + hp + "' is not an IP address");
      }
      try {
        InetAddress.getByName(host.replace("[", "").replace("]", ""));
      } catch (IOException e) {
        throw new ConfigException("kube-dns ConfigMap " + what + ": '" + hp + "' is not an IP address");
      }
      out.add(hp);
    }
    return out;
  }

  /** node-cache's rendering: the template's upstream, then one block per stub domain. */
  public String render(String template, Flags flags) {
    String out = template;
    if (upstreamNameservers.isEmpty()) {
      out = out.replace("__PILLAR__UPSTREAM__SERVERS__", "/etc/resolv.conf");
    } else {
      String servers = String.join(" ", upstreamNameservers);
      // node-cache: custom upstreams are reached over UDP, so the force_tcp block is replaced whole.
      out = out.replace(TCP_UPSTREAM_BLOCK, "forward . " + servers);
      out = out.replace("__PILLAR__UPSTREAM__SERVERS__", servers);
    }
    String local = flags.localIps().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(" "));
    StringBuilder sb = new StringBuilder(out);
    for (var e : stubDomains.entrySet()) {
      sb.append('\n')
          .append(e.getKey()).append(':').append(flags.dnsPort()).append(" {\n")
          .append("    errors\n")
          .append("    cache 30\n");
      if (!local.isEmpty()) {
        sb.append("    bind ").append(local).append('\n');
      }
      sb.append("    forward . ").append(String.join(" ", e.getValue())).append("\n}\n");
    }
    return sb.toString();
  }

  /** Just enough JSON for the two ConfigMap keys: objects, arrays, strings. */
  private static final class MiniJson {
    private final String s;
    private int i;

    MiniJson(String s) {
      this.s = s;
    }

    Object value() throws ConfigException {
      Object v = any();
      ws();
      if (i != s.length()) {
        throw bad();
      }
      return v;
    }

    private Object any() throws ConfigException {
      ws();
      if (i >= s.length()) {
        throw bad();
      }
      char c = s.charAt(i);
      if (c == '{') {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (peek('}')) {
          return m;
        }
        do {
          ws();
          String k = string();
          ws();
          expect(':');
          m.put(k, any());
          ws();
        } while (peek(','));
        expect('}');
        return m;
      }
      if (c == '[') {
        i++;
        List<Object> l = new ArrayList<>();
        ws();
        if (peek(']')) {
          return l;
        }
        do {
          l.add(any());
          ws();
        } while (peek(','));
        expect(']');
        return l;
      }
      return string();
    }

    private String string() throws ConfigException {
      expect('"');
      int start = i;
      while (i < s.length() && s.charAt(i) != '"') {
        if (s.charAt(i) == '\\') {
          throw new ConfigException("kube-dns ConfigMap: escapes are not expected in JSON strings");
        }
        i++;
      }
      expect('"');
      return s.substring(start, i - 1);
    }

    private boolean peek(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) throws ConfigException {
      if (!peek(c)) {
        throw bad();
      }
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private ConfigException bad() {
      return new ConfigException("kube-dns ConfigMap: invalid JSON at offset " + i);
    }
  }
}
