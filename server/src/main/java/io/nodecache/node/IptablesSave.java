package io.nodecache.node;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code iptables-save} output: counts the rules of each {@link Rule#key()} shape. A rule with
 * anything we do not write ({@code -i eth0}, {@code !}, another match) has no key, so it is never
 * taken for ours, deleted or counted as a duplicate.
 */
final class IptablesSave {

  private IptablesSave() {}

  /** Occurrences of each rule key in the {@code -A} lines of {@code output}. */
  static Map<String, Integer> countRules(String output) {
    Map<String, Integer> counts = new HashMap<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("-A ")) {
        String key = keyOf(tokenize(line));
        if (key != null) {
          counts.merge(key, 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  /** The key of one rule line, or null if it is not of the shape we write. */
  static String keyOf(List<String> tokens) {
    String chain = null;
    String proto = null;
    String target = null;
    String comment = null;
    InetAddress src = null;
    InetAddress dst = null;
    int sport = -1;
    int dport = -1;
    boolean socket = false;
    boolean nowildcard = false;
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (token.equals("--nowildcard")) {
        nowildcard = true;
        continue;
      }
      String value = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      if (value == null) {
        return null;
      }
      switch (token) {
        case "-A" -> chain = value;
        case "-p" -> proto = value;
        case "-j" -> target = value;
        case "--comment" -> comment = value;
        case "-s" -> src = Addresses.parseHost(value);
        case "-d" -> dst = Addresses.parseHost(value);
        case "--sport" -> sport = port(value);
        case "--dport" -> dport = port(value);
        case "-m" -> {
          switch (value) {
            case "tcp", "udp", "comment" -> { }
            case "socket" -> socket = true;
            default -> {
              return null;
            }
          }
        }
        default -> {
          return null;
        }
      }
      i++;
    }
    boolean destination = dst != null && dport > 0 && src == null && sport < 0;
    boolean source = src != null && sport > 0 && dst == null && dport < 0;
    if (chain == null || proto == null || target == null || comment == null || destination == source
        || socket != nowildcard) {
      return null;
    }
    return Rule.key(
        chain, proto, destination, destination ? dst : src, destination ? dport : sport, target,
        comment, socket);
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      return port > 0 && port < 65536 ? port : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Splits a save line into words; {@code "..."} quoting with backslash escapes, as iptables-save writes. */
  static List<String> tokenize(String line) {
    List<String> tokens = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < line.length()) {
          word.append(line.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        } else {
          word.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          tokens.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      tokens.add(word.toString());
    }
    return tokens;
  }
}
