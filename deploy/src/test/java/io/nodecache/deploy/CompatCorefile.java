package io.nodecache.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One Corefile of the compatibility suite ({@code deploy/src/test/resources/compat/}), with what its
 * header comment says about it. Header lines, before the first line that is not a comment:
 * <pre>
 * # source: where this shape of Corefile comes from
 * # env: KUBERNETES_API                     the server runs as in a pod, with an API server to watch
 * # env: NAME=VALUE                          an environment variable of the server (the downward API's)
 * # file: RELATIVE[=TEXT]                   a file the Corefile reads, made under /etc/coredns/ (\n in TEXT)
 * # query: SERVER[:PORT] [tcp] DIG-ARGS => EXPECTED   the first line of dig +short, or status:RCODE
 * # refused: LINE: TEXT                     (invalid/) the start fails with FILE:LINE: TEXT...
 * </pre>
 * The Corefiles name {@code /etc/coredns/} for their files, as the ConfigMaps mount them; the test
 * puts that directory somewhere of its own.
 */
record CompatCorefile(Path path, String text, String source, boolean kubernetesApi, Map<String, String> env, List<String> files,
    List<Query> queries, Integer refusedLine, String refusedText) {

  /** One check: {@code dig @server -p port [+tcp] args}, answered with {@code expected}. */
  record Query(String server, int port, boolean tcp, List<String> args, String expected) {
    @Override
    public String toString() {
      return "@" + server + ":" + port + (tcp ? " +tcp " : " ") + String.join(" ", args) + " => " + expected;
    }
  }

  @Override
  public String toString() {
    return path.getFileName().toString();
  }

  /**
   * The command that starts the server, JVM options first: the built jar when the system property
   * {@code nodecache.jar} names one ({@code mvn -pl deploy test -Dnodecache.jar=deploy/target/nodecache.jar}
   * after a package), else this module's classpath.
   */
  static List<String> server(String... jvmOptions) {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    argv.addAll(List.of(jvmOptions));
    String jar = System.getProperty("nodecache.jar");
    if (jar != null && !jar.isBlank()) {
      argv.addAll(List.of("-jar", Path.of(jar).toAbsolutePath().toString()));
    } else {
      argv.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.nodecache.Main"));
    }
    return argv;
  }

  static List<CompatCorefile> all(String kind) throws IOException {
    Path dir = Install.root().resolve("deploy/src/test/resources/compat").resolve(kind);
    try (Stream<Path> s = Files.list(dir)) {
      List<CompatCorefile> out = new ArrayList<>();
      for (Path p : s.filter(f -> f.toString().endsWith(".Corefile")).sorted().toList()) {
        out.add(read(p));
      }
      return out;
    }
  }

  static CompatCorefile read(Path p) throws IOException {
    String text = Files.readString(p);
    String source = null;
    boolean api = false;
    Map<String, String> env = new LinkedHashMap<>();
    List<String> files = new ArrayList<>();
    List<Query> queries = new ArrayList<>();
    Integer line = null;
    String refused = null;
    for (String l : text.lines().toList()) {
      if (!l.startsWith("#")) {
        break;
      }
      String h = l.substring(1).strip();
      int colon = h.indexOf(':');
      String key = colon < 0 ? h : h.substring(0, colon);
      String value = colon < 0 ? "" : h.substring(colon + 1).strip();
      switch (key) {
        case "source" -> source = value;
        case "env" -> {
          if (value.equals("KUBERNETES_API")) {
            api = true;
          } else {
            env.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
          }
        }
        case "file" -> files.add(value);
        case "query" -> queries.add(query(p, value));
        case "refused" -> {
          int c = value.indexOf(':');
          line = Integer.parseInt(value.substring(0, c).strip());
          refused = value.substring(c + 1).strip();
        }
        default -> throw new IllegalArgumentException(p + ": unknown header '" + key + "'");
      }
    }
    if (source == null && refused == null) {
      throw new IllegalArgumentException(p + ": no '# source:' header");
    }
    return new CompatCorefile(p, text, source, api, env, files, queries, line, refused);
  }

  private static Query query(Path p, String value) {
    int arrow = value.indexOf("=>");
    if (arrow < 0) {
      throw new IllegalArgumentException(p + ": query without '=>': " + value);
    }
    List<String> words = new ArrayList<>(List.of(value.substring(0, arrow).strip().split("\\s+")));
    String expected = value.substring(arrow + 2).strip();
    String server = words.remove(0);
    int port = 53;
    int lastColon = server.lastIndexOf(':');
    if (lastColon > 0 && server.indexOf(':') == lastColon) { // IPv4:PORT; an IPv6 address has several colons
      port = Integer.parseInt(server.substring(lastColon + 1));
      server = server.substring(0, lastColon);
    }
    boolean tcp = !words.isEmpty() && words.get(0).equals("tcp");
    if (tcp) {
      words.remove(0);
    }
    return new Query(server, port, tcp, words, expected);
  }
}
