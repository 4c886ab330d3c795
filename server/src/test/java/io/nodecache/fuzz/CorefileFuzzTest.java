package io.nodecache.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nodecache.config.ConfigException;
import io.nodecache.config.CorefileParser;
import java.util.Map;
import org.assertj.core.api.Assertions;

/**
 * Any text given to the Corefile parser either parses or is a ConfigException with a place: the
 * Corefile's, or that of a file it imports.
 */
class CorefileFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void parsesOrSaysWhy(String text) {
    if (text == null) {
      return;
    }
    try {
      new CorefileParser("Corefile", Map.of("X", "y"), 53).parse(text);
    } catch (ConfigException e) {
      Assertions.assertThat(e.getMessage()).as("error with file:line").matches("(?s)[^\\n]+:\\d+: .*");
    }
  }
}
