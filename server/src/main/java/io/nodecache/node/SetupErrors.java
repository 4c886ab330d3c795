package io.nodecache.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code coredns_nodecache_setup_errors_total{errortype}}, pre-zeroed with node-cache's error types
 * plus {@code nftables}, so dashboards see every series from the start.
 */
final class SetupErrors {

  private static final Logger LOG = LoggerFactory.getLogger(NodeNetworking.class);

  static final String IPTABLES = "iptables";
  static final String IPTABLES_LOCK = "iptables_lock";
  static final String INTERFACE_ADD = "interface_add";
  static final String INTERFACE_CHECK = "interface_check";
  static final String CONFIGMAP = "configmap";
  static final String NFTABLES = "nftables";
  static final List<String> TYPES =
      List.of(IPTABLES, IPTABLES_LOCK, INTERFACE_ADD, INTERFACE_CHECK, CONFIGMAP, NFTABLES);

  private final Map<String, Counter> counters = new LinkedHashMap<>();

  SetupErrors(MeterRegistry registry) {
    for (String type : TYPES) {
      counters.put(
          type,
          Counter.builder("coredns.nodecache.setup.errors")
              .description("The number of errors during periodic network setup for node-cache")
              .tag("errortype", type)
              .register(registry));
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
