/**
 * The plugin contract, CoreDNS's plugin chain: a {@link io.nodecache.chain.Handler} answers a
 * decoded {@link io.nodecache.chain.DnsRequest} or calls {@link io.nodecache.chain.Next}; an
 * optional {@link io.nodecache.chain.FastPath} answers from raw bytes before decoding; {@link
 * io.nodecache.chain.Lifecycle} starts and stops resources and reports readiness; a {@link
 * io.nodecache.chain.PluginFactory} builds a handler from its Corefile directive with a {@link
 * io.nodecache.chain.PluginContext}. {@link io.nodecache.chain.Chain} runs one server block's
 * handlers in the fixed {@link io.nodecache.chain.ChainOrder} ({@code errors}, {@code log}, {@code
 * loop}, {@code hosts}, {@code kubernetes}, {@code cache}, {@code forward}) whatever the order in
 * the Corefile, and answers SERVFAIL when a query falls off the end. Plugins import only this
 * package, {@code wire}, {@code config} and {@code transport}.
 */
package io.nodecache.chain;
