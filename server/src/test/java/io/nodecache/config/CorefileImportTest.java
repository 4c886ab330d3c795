package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import} of files and globs, relative to the importing file, errors naming the file they are in. */
class CorefileImportTest {

  @TempDir Path dir;

  private Corefile parseFile(String text) throws Exception {
    Path corefile = write("Corefile", text);
    return new CorefileParser(corefile.toString(), corefile, Map.of("UP", "10.0.0.53"), 53).parse(text);
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  @Test
  void globAtTheTopLevelBringsWholeServerBlocksInNameOrder() throws Exception {
    write("custom/b.server", "b.test {\n  errors\n}\n");
    write("custom/a.server", "a.test:5353 {\n  forward . {$UP}\n}\n");
    write("custom/ignored.txt", "not a block\n");
    Corefile c = parseFile("import custom/*.server\n. {\n  log\n}\n");
    assertThat(CorefileSyntaxTest.render(c)).isEqualTo("a.test.:5353 {forward . 10.0.0.53}\nb.test.:53 {errors}\n.:53 {log}");
    assertThat(c.blocks().get(0).where()).isEqualTo(new Location(dir.resolve("custom/a.server").toString(), 1));
    assertThat(c.blocks().get(2).where()).isEqualTo(new Location(dir.resolve("Corefile").toString(), 2));
  }

  @Test
  void fileInsideABlockBringsDirectivesAndNestedImportsAreRelativeToTheirFile() throws Exception {
    write("conf/common.conf", "errors\nimport more/*.conf\n");
    write("conf/more/cache.conf", "cache 30 {\n  import ../../opts/denial\n}\n");
    write("opts/denial", "denial 100\n");
    Corefile c = parseFile(". {\n  import conf/common.conf\n  log\n}\n");
    assertThat(CorefileSyntaxTest.render(c)).isEqualTo(".:53 {errors; cache 30 {denial 100}; log}");
    Directive cache = c.blocks().get(0).first("cache").orElseThrow();
    assertThat(cache.where()).isEqualTo(new Location(dir.resolve("conf/more/cache.conf").toString(), 1));
    assertThat(cache.block().get(0).where()).isEqualTo(new Location(dir.resolve("opts/denial").toString(), 1));
  }

  @Test
  void absolutePatternsAndSnippetsDefinedInImportedFiles() throws Exception {
    write("snippets/defs", "(s) {\n  errors\n}\n");
    Corefile c = parseFile("import " + dir.resolve("snippets/defs") + "\n. {\n  import s\n}\n");
    assertThat(CorefileSyntaxTest.render(c)).isEqualTo(".:53 {errors}");
  }

  @Test
  void errorsInAnImportedFileNameThatFile() throws Exception {
    write("bad.conf", "errors\nlog }\n");
    assertThatThrownBy(() -> parseFile(". {\n  import bad.conf\n}\n"))
        .hasMessage(dir.resolve("bad.conf") + ":2: unexpected '}' after 'log': a closing brace starts its own line, as CoreDNS reads it");
  }

  @Test
  void aMissingPlainFileIsRefusedAtTheImport() throws Exception {
    assertThatThrownBy(() -> parseFile(". {\n  errors\n  import nothere.conf\n}\n"))
        .hasMessage(dir.resolve("Corefile") + ":3: import: no such file " + dir.resolve("nothere.conf")
            + " (and no snippet 'nothere.conf' defined before)");
  }

  @Test
  void aGlobMatchingNothingIsFine() throws Exception {
    assertThat(CorefileSyntaxTest.render(parseFile("import none/*.server\n. {\n  import none-*.conf\n}\n"))).isEqualTo(".:53 {}");
  }

  @Test
  void aDirectoryIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("d"));
    assertThatThrownBy(() -> parseFile(". {\n  import d\n}\n"))
        .hasMessage(dir.resolve("Corefile") + ":2: import: " + dir.resolve("d") + " is a directory");
  }

  @Test
  void aFileImportingItselfIsACycle() throws Exception {
    write("a.conf", "errors\nimport b.conf\n");
    write("b.conf", "import a.conf\n");
    assertThatThrownBy(() -> parseFile(". {\n  import a.conf\n}\n"))
        .hasMessage(dir.resolve("b.conf") + ":1: import cycle: " + dir.resolve("Corefile") + " -> " + dir.resolve("a.conf")
            + " -> " + dir.resolve("b.conf") + " -> " + dir.resolve("a.conf"));
  }

  @Test
  void theCorefileImportingItselfIsACycle() throws Exception {
    assertThatThrownBy(() -> parseFile(". {\n}\nimport Corefile\n"))
        .hasMessage(dir.resolve("Corefile") + ":3: import cycle: " + dir.resolve("Corefile") + " -> " + dir.resolve("Corefile"));
  }
}
