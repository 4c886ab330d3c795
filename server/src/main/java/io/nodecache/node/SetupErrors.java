package io.nodecache.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.metrics.ServerMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code coredns_nodecache_setup_errors_total{errortype}} for the node setup steps: node-cache's error
 * types plus {@code nftables}, pre-zeroed (see {@link ServerMetrics#SETUP_ERRORS}).
 */
final class SetupErrors {

  private static final Logger LOG = LoggerFactory.getLogger(NodeNetworking.class);

  static final String IPTABLES = "iptables";
  static final String IPTABLES_LOCK = "iptables_lock";
  static final String INTERFACE_ADD = "interface_add";
  static final String INTERFACE_CHECK = "interface_check";
  static final String NFTABLES = "nftables";
  static final List<String> TYPES = List.of(ServerMetrics.SETUP_ERRORS);

  private final Map<String, Counter> counters = new LinkedHashMap<>();

  SetupErrors(MeterRegistry registry) {
    for (String type : TYPES) {
      // The same meters ServerMetrics pre-zeroes: registering an existing id returns it.
      counters.put(type, ServerMetrics.setupError(registry, type));
    }
  }

  void count(String type) {
    counters.get(type).increment();
  }

  /** Counts a failed step, logs its one line and adds it to the pass's report. */
  void record(SetupException failure, ReconcileReport.Builder report) {
    count(failure.errorType());
    LOG.warn("{}", failure.getMessage());
    report.error(failure.getMessage());
  }
}
