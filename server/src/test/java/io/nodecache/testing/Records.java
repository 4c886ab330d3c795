package io.nodecache.testing;

import java.io.IOException;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Records written as zone-file text, for readable expectations in table-driven tests. */
public final class Records {

  private Records() {}

  /** Parses one zone-file line, e.g. {@code rr("web.default.svc.cluster.local. 30 IN A 10.96.0.20")}. */
  public static Record rr(String line) {
    try (Master m = new Master(new java.io.ByteArrayInputStream((line + "\n").getBytes()), Name.root, 3600)) {
      Record r = m.nextRecord();
      if (r == null) {
        throw new IllegalArgumentException("no record in: " + line);
      }
      return r;
    } catch (IOException e) {
      throw new IllegalArgumentException(line + ": " + e.getMessage(), e);
    }
  }

  /** The section as zone-file lines, sorted, for order-insensitive comparison. */
  public static List<String> lines(Message m, int section) {
    return m.getSection(section).stream().map(Record::toString).sorted().toList();
  }

  public static List<String> answer(Message m) {
    return lines(m, Section.ANSWER);
  }

  public static List<String> sorted(String... zoneLines) {
    return java.util.Arrays.stream(zoneLines).map(Records::rr).map(Record::toString).sorted().toList();
  }
}
