/**
 * The plugin contract, CoreDNS's plugin chain: a {@link io.nodecache.chain.Handler} answers a
 * decoded {@link io.nodecache.chain.DnsRequest} or calls {@link io.nodecache.chain.Next}; an
 * optional {@link io.nodecache.chain.FastPath} answers from raw bytes before decoding; {@link
 * io.nodecache.chain.Lifecycle} starts and stops resources and reports readiness; a {@link
 * io.nodecache.chain.PluginFactory} builds a handler from its Corefile directive with a {@link
 * io.nodecache.chain.PluginContext}. {@link io.nodecache.chain.Chain} runs one server block's
 * handlers in the fixed order of {@link io.nodecache.chain.PluginRegistry} ({@code plugin.cfg}
 * beside it: {@code errors}, {@code log}, {@code loop}, {@code hosts}, {@code kubernetes}, {@code
 * cache}, {@code forward}) whatever the order in the Corefile, answers SERVFAIL when a query falls
 * off the end, and reports the handler that answered in its {@link io.nodecache.chain.Chain.Run}.
 * {@link io.nodecache.chain.ServerHooks} is what a plugin may ask of the running server. Plugins import only this
 * package, {@code wire}, {@code config} and {@code transport}.
 */
package io.nodecache.chain;
