package io.nodecache.chain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one ordered list of directives, read from {@code plugin.cfg} beside this class: each
 * directive's name, its factory and its place in the chain. Factories are created on first use, so
 * a Corefile loads only the plugins it names. Immutable but for that cache.
 */
public final class PluginRegistry {

  /** The resource holding the list. */
  public static final String RESOURCE = "plugin.cfg";
  private static final String SERVER = "server";

  /** One line of the list: a chain plugin with its factory class, or a server-level directive. */
  public record Entry(String name, String factoryClass) {
    public boolean inChain() {
      return factoryClass != null;
    }
  }

  private final Map<String, Entry> entries;
  private final List<String> chainOrder;
  private final Map<String, PluginFactory> factories = new ConcurrentHashMap<>();

  private PluginRegistry(Map<String, Entry> entries, Map<String, PluginFactory> overrides) {
    this.entries = entries;
    this.chainOrder = entries.values().stream().filter(Entry::inChain).map(Entry::name).toList();
    this.factories.putAll(overrides);
  }

  /** The list this build ships. */
  public static PluginRegistry builtin() {
    try (InputStream in = PluginRegistry.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("io/nodecache/chain/" + RESOURCE + " is missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a list in {@code plugin.cfg} form; a malformed line is a build error, thrown at once. */
  public static PluginRegistry parse(String text) {
    Map<String, Entry> m = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int n = 1; n <= lines.length; n++) {
      String line = lines[n - 1].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || colon == line.length() - 1) {
        throw new IllegalArgumentException(RESOURCE + ":" + n + ": expected NAME:FACTORY or NAME:server");
      }
      String name = line.substring(0, colon);
      String target = line.substring(colon + 1);
      if (m.putIfAbsent(name, new Entry(name, target.equals(SERVER) ? null : target)) != null) {
        throw new IllegalArgumentException(RESOURCE + ":" + n + ": '" + name + "' is listed twice");
      }
    }
    return new PluginRegistry(m, Map.of());
  }

  /**
   * The same list with these factories in place of the listed ones of the same name (tests use it to
   * wrap or replace a plugin). Each must name a chain directive of the list.
   */
  public PluginRegistry with(List<PluginFactory> replacements) {
    Map<String, PluginFactory> o = new LinkedHashMap<>();
    for (PluginFactory f : replacements) {
      Entry e = entries.get(f.name());
      if (e == null || !e.inChain()) {
        throw new IllegalArgumentException("'" + f.name() + "' is not a chain plugin of " + RESOURCE);
      }
      o.put(f.name(), f);
    }
    return new PluginRegistry(entries, o);
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** The chain directives, in chain order. */
  public List<String> chainOrder() {
    return chainOrder;
  }

  public boolean known(String directive) {
    return entries.containsKey(directive);
  }

  public boolean inChain(String directive) {
    Entry e = entries.get(directive);
    return e != null && e.inChain();
  }

  /**
   * The factory of a chain directive, created on first use; empty when its class is not in this
   * build.
   */
  public Optional<PluginFactory> factory(String directive) {
    Entry e = entries.get(directive);
    if (e == null || !e.inChain()) {
      return Optional.empty();
    }
    PluginFactory f = factories.get(directive);
    if (f == null) {
      f = instantiate(e);
      if (f == null) {
        return Optional.empty();
      }
      PluginFactory raced = factories.putIfAbsent(directive, f);
      f = raced != null ? raced : f;
    }
    return Optional.of(f);
  }

  private static PluginFactory instantiate(Entry e) {
    Class<?> c;
    try {
      c = Class.forName(e.factoryClass(), true, PluginRegistry.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError x) {
      return null; // a build without that module
    }
    PluginFactory f;
    try {
      f = (PluginFactory) c.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException x) {
      throw new IllegalStateException(RESOURCE + ": cannot create " + e.factoryClass() + ": " + x, x);
    }
    if (!f.name().equals(e.name())) {
      throw new IllegalStateException(
          RESOURCE + ": " + e.factoryClass() + " builds '" + f.name() + "', listed as '" + e.name() + "'");
    }
    return f;
  }

  /** What {@code -plugins} prints: CoreDNS's layout, the plugins of this build in chain order. */
  public String describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Server types:");
    lines.add("  dns");
    lines.add("");
    lines.add("Caddyfile loaders:");
    lines.add("  flag");
    lines.add("  default");
    lines.add("");
    lines.add("Other plugins:");
    for (Entry e : entries.values()) {
      if (!e.inChain() || factory(e.name()).isPresent()) {
        lines.add("  dns." + e.name());
      }
    }
    return String.join("\n", lines) + "\n";
  }
}
