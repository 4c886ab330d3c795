/**
 * Small helpers with no dependency on the rest of the code, at the bottom of the layering: {@link
 * io.nodecache.util.BuildInfo} holds the version that {@code -version} prints and the build-info
 * metric exports.
 */
package io.nodecache.util;
