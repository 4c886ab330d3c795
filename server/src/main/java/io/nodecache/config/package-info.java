/**
 * Configuration input, without behaviour: {@link io.nodecache.config.CorefileParser} reads CoreDNS
 * Corefile syntax (server blocks, directives with nested blocks, comments, quotes, {@code {$ENV}}
 * placeholders) into {@link io.nodecache.config.Corefile}, {@link io.nodecache.config.ServerBlock}
 * and {@link io.nodecache.config.Directive} records that keep each line's {@link
 * io.nodecache.config.Location}, so every {@link io.nodecache.config.ConfigException} names {@code
 * file:line}; {@link io.nodecache.config.Values} parses directive arguments (Go-style durations,
 * bounded integers). Also node-cache's inputs: the command line ({@link
 * io.nodecache.config.Flags}), the kube-dns ConfigMap ({@link io.nodecache.config.KubeDnsConfig})
 * and the {@code __PILLAR__} placeholders ({@link io.nodecache.config.Pillars}). Which directives
 * exist is decided above, by {@code server} and the plugins. Depends on no other package of ours.
 */
package io.nodecache.config;
