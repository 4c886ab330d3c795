package io.nodecache.util;

/** What this build is: the version printed by {@code -version} and exported as build info. */
public final class BuildInfo {

  /** The release version, kept in step with the Maven project version. */
  public static final String VERSION = "0.1.0";

  private BuildInfo() {}
}
