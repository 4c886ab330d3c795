package io.nodecache.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills node-cache's {@code __PILLAR__*__} placeholders in a Corefile template, as node-cache does
 * (reference §1.8).
 */
public final class Pillars {

  private static final Logger log = LoggerFactory.getLogger(Pillars.class);

  private Pillars() {}

  public static String fill(String text, Flags flags, Map<String, String> env) throws ConfigException {
    return fill(text, flags, env, service -> Optional.empty());
  }

  /** Every lookup found through {@link java.util.ServiceLoader}, asked in turn. */
  public static ServiceAddressLookup discoveredLookups() {
    List<ServiceAddressLookup> all = new ArrayList<>();
    ServiceLoader.load(ServiceAddressLookup.class).forEach(all::add);
    return service -> {
      for (ServiceAddressLookup l : all) {
        Optional<String> ip = l.clusterIp(service);
        if (ip.isPresent()) {
          return ip;
        }
      }
      return Optional.empty();
    };
  }

  /**
   * Fills the placeholders; {@code __PILLAR__CLUSTER__DNS__} comes from {@code NAME_SERVICE_HOST}, else
   * from {@code lookup} (the API), else the start stops with one line naming the variable.
   */
  public static String fill(String text, Flags flags, Map<String, String> env, ServiceAddressLookup lookup)
      throws ConfigException {
    String local =
        flags.localIps().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(" "));
    String out = text;
    if (out.contains("__PILLAR__LOCAL__DNS__") && local.isEmpty()) {
      throw new ConfigException("the Corefile uses __PILLAR__LOCAL__DNS__ but -localip is not set");
    }
    out = out.replace("__PILLAR__LOCAL__DNS__", local);
    out = out.replace("__PILLAR__DNS__SERVER__", "");
    if (out.contains("__PILLAR__CLUSTER__DNS__")) {
      String var = flags.upstreamSvc().toUpperCase(Locale.ROOT).replace('-', '_') + "_SERVICE_HOST";
      String ip = env.get(var);
      if (ip == null || ip.isBlank()) {
        ip = lookup.clusterIp(flags.upstreamSvc()).orElse(null);
        if (ip != null) {
          log.info("{} is not set; Service '{}' has ClusterIP {} (from the API)", var, flags.upstreamSvc(), ip);
        }
      }
      if (ip == null || ip.isBlank()) {
        throw new ConfigException(
            "__PILLAR__CLUSTER__DNS__: environment variable " + var + " is not set (is the Service '"
                + flags.upstreamSvc() + "' created, and enableServiceLinks on?)");
      }
      out = out.replace("__PILLAR__CLUSTER__DNS__", ip);
    }
    out = out.replace("__PILLAR__UPSTREAM__SERVERS__", "/etc/resolv.conf");
    out = out.replace("__PROMETHEUS__ENDPOINT__", flags.prometheusListenAddress());
    Matcher left = Pattern.compile("__PILLAR__[A-Z_]*?__(?![A-Z])").matcher(out);
    if (left.find()) {
      throw new ConfigException("placeholder " + left.group() + " is not filled in (substitute it when deploying)");
    }
    return out;
  }
}
