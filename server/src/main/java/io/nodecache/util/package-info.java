/**
 * Small helpers with no dependency on the rest of the code, at the bottom of the layering: {@link
 * io.nodecache.util.BuildInfo} holds the version that {@code -version} prints and the build-info
 * metric exports; {@link io.nodecache.util.LineLogProvider} is the SLF4J backend (one line per event,
 * UTC time written without a date formatter).
 */
package io.nodecache.util;
