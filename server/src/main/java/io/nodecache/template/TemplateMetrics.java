package io.nodecache.template;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * CoreDNS's template metrics ({@code plugin/template/metrics.go}): matches by {@code server, zone,
 * view, class, type}; template and RR failures with {@code section} and {@code template} (the
 * template text as Go prints its parse tree) as well. {@code view} is empty: no views.
 */
final class TemplateMetrics {

  private final MeterRegistry registry;
  private final String server;

  TemplateMetrics(MeterRegistry registry, String server) {
    this.registry = registry;
    this.server = server;
  }

  Counter matches(String zone, String dclass, String type) {
    return Counter.builder("coredns_template_matches_total")
        .description("Counter of template regex matches.")
        .tags(Tags.of("server", server, "zone", zone, "view", "", "class", dclass, "type", type))
        .register(registry);
  }

  void templateFailure(String zone, String dclass, String type, String section, String template) {
    failure("coredns_template_template_failures_total", "Counter of go template failures.", zone, dclass, type, section, template);
  }

  void rrFailure(String zone, String dclass, String type, String section, String template) {
    failure("coredns_template_rr_failures_total", "Counter of mis-templated RRs.", zone, dclass, type, section, template);
  }

  private void failure(String name, String help, String zone, String dclass, String type, String section, String template) {
    Counter.builder(name)
        .description(help)
        .tags(Tags.of("server", server, "zone", zone, "view", "", "class", dclass, "type", type)
            .and("section", section, "template", template))
        .register(registry)
        .increment();
  }
}
