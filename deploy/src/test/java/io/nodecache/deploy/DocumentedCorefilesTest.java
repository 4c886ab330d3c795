package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.nodecache.config.Corefile;
import io.nodecache.config.Flags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executable docs: every Corefile shown to a reader parses with our parser and names only known
 * directives, and the server builds it once its plugins are in this build. Sources: fenced
 * {@code ```corefile} blocks of README.md and docs/*.md, files named {@code Corefile*} under deploy/,
 * and the {@code Corefile} key of every ConfigMap in deploy/kubernetes/.
 */
class DocumentedCorefilesTest {

  private static final Pattern FENCE = Pattern.compile("(?ms)^```corefile[ \\t]*\\n(.*?)^```");

  /** One Corefile as a reader sees it, with where it was found. */
  record Shown(String where, String text) {
    @Override
    public String toString() {
      return where;
    }
  }

  static List<Shown> shown() throws IOException {
    Path root = Install.root();
    List<Shown> out = new ArrayList<>();
    List<Path> docs = new ArrayList<>();
    docs.add(root.resolve("README.md"));
    if (Files.isDirectory(root.resolve("docs"))) {
      try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
        s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
      }
    }
    for (Path doc : docs) {
      String text = Files.readString(doc);
      Matcher m = FENCE.matcher(text);
      while (m.find()) {
        int line = text.substring(0, m.start()).split("\n", -1).length;
        out.add(new Shown(root.relativize(doc) + ":" + line, m.group(1)));
      }
    }
    try (Stream<Path> s = Files.walk(root.resolve("deploy"))) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        String rel = root.relativize(p).toString();
        if (rel.startsWith("deploy/target/") || rel.startsWith("deploy/src/")) {
          continue;
        }
        if (p.getFileName().toString().startsWith("Corefile")) {
          out.add(new Shown(rel, Files.readString(p)));
        } else if (rel.startsWith("deploy/kubernetes/") && (rel.endsWith(".yaml") || rel.endsWith(".yml"))) {
          for (HasMetadata o : Install.load(Files.readString(p))) {
            if (o instanceof ConfigMap cm && cm.getData() != null && cm.getData().containsKey("Corefile")) {
              out.add(new Shown(rel + " ConfigMap " + cm.getMetadata().getName(), cm.getData().get("Corefile")));
            }
          }
        }
      }
    }
    return out;
  }

  private static Corefile parse(Shown s) throws Exception {
    Flags flags = Flags.parse("-localip", Install.LOCAL_DNS + "," + Install.KUBE_DNS, "-upstreamsvc", "kube-dns-upstream");
    return Corefiles.parse(s.where(), Corefiles.operatorFill(s.text()), flags, Install.POD_ENV);
  }

  @Test
  void thereAreCorefilesInTheDocsAndUnderDeploy() throws Exception {
    assertThat(shown())
        .extracting(Shown::where)
        .anyMatch(w -> w.startsWith("docs/install.md:"))
        .anyMatch(w -> w.startsWith("deploy/examples/"))
        .anyMatch(w -> w.startsWith("deploy/kubernetes/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shown")
  void parsesWithKnownDirectives(Shown s) throws Exception {
    Corefile cf = parse(s);
    assertThat(cf.blocks()).isNotEmpty();
    Corefiles.assertKnownDirectives(cf);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shown")
  void serverBuildsIt(Shown s) throws Exception {
    Corefile cf = parse(s);
    Corefiles.build(cf, Install.POD_ENV);
  }
}
