/**
 * Warm-up before a hand-off: the new instance runs a synthetic load through a throw-away copy of its
 * own server (same Corefile, same classes, its own caches and metrics, a local stub as every upstream)
 * until its hot paths are compiled, and only then takes the sockets from the running instance.
 * See {@code docs/restart.md}.
 */
package io.nodecache.server.warmup;
