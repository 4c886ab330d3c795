package io.nodecache.autopath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The search domains of a resolv.conf file, as glibc reads them: the last {@code search} or {@code
 * domain} line wins; {@code #} and {@code ;} start comments. Names come back absolute and lower case.
 */
final class SearchDomains {

  private SearchDomains() {}

  static List<Name> read(Path file) throws IOException {
    List<Name> out = List.of();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (!f[0].equals("search") && !f[0].equals("domain")) {
        continue;
      }
      List<Name> domains = new ArrayList<>();
      for (int i = 1; i < f.length && !f[i].startsWith("#") && !f[i].startsWith(";"); i++) {
        domains.add(name(f[i], file));
        if (f[0].equals("domain")) {
          break;
        }
      }
      out = List.copyOf(domains);
    }
    return out;
  }

  /** Parses a domain; refuses names dnsjava cannot represent, naming the file. */
  static Name name(String domain, Path file) throws IOException {
    String d = domain.toLowerCase(Locale.ROOT);
    try {
      return Name.fromString(d.endsWith(".") ? d : d + ".");
    } catch (TextParseException e) {
      throw new IOException(file + ": search domain '" + domain + "': " + e.getMessage(), e);
    }
  }
}
