/**
 * The HTTP endpoints of the {@code health}, {@code ready} and {@code prometheus} directives on
 * Netty: {@link io.nodecache.http.HttpEndpoints} routes {@code /health}, {@code /ready}, {@code
 * /metrics} and {@code /debug/clients} to the replies {@code server} gives it ({@code /ready} is true when every chain's
 * {@link io.nodecache.chain.Lifecycle#ready()} is, and false in lameduck). Endpoints that name the
 * same address share one listener, bound with SO_REUSEPORT so that two instances can overlap during
 * an upgrade. Driven by {@code server}; uses only {@code transport}.
 */
package io.nodecache.http;
