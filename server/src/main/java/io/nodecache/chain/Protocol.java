package io.nodecache.chain;

/** Transport a query arrived on; the metric label value is the lower-case name. */
public enum Protocol {
  UDP("udp"),
  TCP("tcp");

  private final String label;

  Protocol(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
