package io.nodecache.node;

import java.util.ArrayList;
import java.util.List;

/**
 * What one reconcile (or teardown) pass did: rules and addresses added, removed (duplicates,
 * teardown), how many were already in place, and the one-line errors it met.
 */
public record ReconcileReport(List<String> added, List<String> removed, int found, List<String> errors) {

  public ReconcileReport {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    errors = List.copyOf(errors);
  }

  /** True when the pass changed nothing and met no error. */
  public boolean clean() {
    return added.isEmpty() && removed.isEmpty() && errors.isEmpty();
  }

  /** Collects one pass; not thread-safe (a pass runs under the networking lock). */
  static final class Builder {
    private final List<String> added = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private int found;

    void added(String what) {
      added.add(what);
    }

    void removed(String what) {
      removed.add(what);
    }

    void found(int count) {
      found += count;
    }

    void error(String message) {
      errors.add(message);
    }

    ReconcileReport build() {
      return new ReconcileReport(added, removed, found, errors);
    }
  }
}
