package io.nodecache.config;

import java.util.List;

/**
 * One Corefile line, {@code name args... [{ block }]}, with its place in the file. Options inside a
 * directive's block are directives themselves.
 */
public record Directive(String name, List<String> args, List<Directive> block, Location where) {

  public Directive {
    args = List.copyOf(args);
    block = List.copyOf(block);
  }

  public String arg(int i) {
    return args.get(i);
  }

  /** An error at this directive's line: {@code Corefile:12: cache: reason}. */
  public ConfigException error(String reason) {
    return new ConfigException(where, name + ": " + reason);
  }

  /** Checks the argument count and says what was expected. */
  public Directive expectArgs(int min, int max) throws ConfigException {
    if (args.size() < min || args.size() > max) {
      String want =
          min == max
              ? Integer.toString(min)
              : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
      throw error(args.size() + " arguments (expected: " + want + ")");
    }
    return this;
  }

  public Directive expectNoBlock() throws ConfigException {
    if (!block.isEmpty()) {
      throw error("takes no block, found '" + block.get(0).name() + "'");
    }
    return this;
  }

  /** Rejects an option this directive does not know, naming the known ones. */
  public ConfigException unknownOption(Directive option, String... known) {
    return new ConfigException(
        option.where(),
        name + ": unknown option '" + option.name() + "' (expected one of: " + String.join(", ", known) + ")");
  }
}
