package io.nodecache.node;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the local IPs on the interface as /32 and /128 host addresses, creating it as a dummy link
 * when it does not exist (like node-cache's {@code netif}, never set up: the kernel installs the local
 * routes of a down link's addresses). A link we did not create, such as {@code lo}, only gets and
 * loses our addresses.
 */
final class LinkManager {

  private final CommandRunner runner;
  private final String name;
  private final List<InetAddress> ips;
  private final SetupErrors errors;
  private boolean created;

  LinkManager(CommandRunner runner, String name, List<InetAddress> ips, SetupErrors errors) {
    this.runner = runner;
    this.name = name;
    this.ips = List.copyOf(ips);
    this.errors = errors;
  }

  void ensure(ReconcileReport.Builder report) {
    try {
      if (!exists()) {
        create();
        report.added("interface " + name);
      }
      Map<InetAddress, String> owners = owners();
      for (InetAddress ip : ips) {
        String owner = owners.get(ip);
        if (name.equals(owner)) {
          report.found(1);
        } else if (owner != null) {
          errors.record(
              new SetupException(
                  SetupErrors.INTERFACE_CHECK,
                  "address " + Addresses.format(ip) + " is already on interface " + owner
                      + ", not adding it to " + name),
              report);
        } else {
          addAddress(ip);
          report.added("address " + Addresses.hostCidr(ip) + " on " + name);
        }
      }
    } catch (SetupException e) {
      errors.record(e, report);
    }
  }

  void teardown(ReconcileReport.Builder report) {
    try {
      if (!exists()) {
        return;
      }
      Map<InetAddress, String> owners = owners();
      for (InetAddress ip : ips) {
        if (name.equals(owners.get(ip))) {
          CommandRunner.Result result =
              runner.run("ip", family(ip), "addr", "del", Addresses.hostCidr(ip), "dev", name);
          if (!result.ok()) {
            throw failure(SetupErrors.INTERFACE_ADD, result);
          }
          report.removed("address " + Addresses.hostCidr(ip) + " on " + name);
        }
      }
      if (created) {
        CommandRunner.Result result = runner.run("ip", "link", "del", name);
        if (!result.ok()) {
          throw failure(SetupErrors.INTERFACE_ADD, result);
        }
        created = false;
        report.removed("interface " + name);
      }
    } catch (SetupException e) {
      errors.record(e, report);
    }
  }

  private boolean exists() throws SetupException {
    CommandRunner.Result result = runner.run("ip", "-o", "link", "show", "dev", name);
    if (result.ok()) {
      return true;
    }
    if (result.stderr().contains("does not exist")) {
      return false;
    }
    throw failure(SetupErrors.INTERFACE_CHECK, result);
  }

  private void create() throws SetupException {
    CommandRunner.Result result = runner.run("ip", "link", "add", name, "type", "dummy");
    if (result.ok()) {
      created = true;
      return;
    }
    String line = result.firstErrorLine();
    if (line.contains("Unknown device type") || line.contains("not supported")) {
      throw new SetupException(
          SetupErrors.INTERFACE_ADD,
          "kernel has no dummy link support (ip link add " + name + " type dummy: " + line
              + "); put the addresses on an existing link with -interfacename lo");
    }
    throw failure(SetupErrors.INTERFACE_ADD, result);
  }

  private void addAddress(InetAddress ip) throws SetupException {
    // nodad: an IPv6 address on a link that is down would stay tentative, and binding it would fail.
    List<String> argv =
        ip instanceof Inet6Address
            ? List.of("ip", "-6", "addr", "add", Addresses.hostCidr(ip), "dev", name, "nodad")
            : List.of("ip", "-4", "addr", "add", Addresses.hostCidr(ip), "dev", name);
    CommandRunner.Result result = runner.run(argv, null);
    if (!result.ok() && !result.stderr().contains("File exists")) {
      throw failure(SetupErrors.INTERFACE_ADD, result);
    }
  }

  /** Which interface holds each address ({@code ip -o addr show}). */
  private Map<InetAddress, String> owners() throws SetupException {
    CommandRunner.Result result = runner.run("ip", "-o", "addr", "show");
    if (!result.ok()) {
      throw failure(SetupErrors.INTERFACE_CHECK, result);
    }
    Map<InetAddress, String> owners = new HashMap<>();
    for (String line : result.stdout().split("\n")) {
      // "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\       valid_lft ..."
      String[] words = line.trim().split("\\s+");
      if (words.length >= 4 && (words[2].equals("inet") || words[2].equals("inet6"))) {
        String slashless = words[3].contains("/") ? words[3].substring(0, words[3].indexOf('/')) : words[3];
        InetAddress ip = Addresses.parse(slashless);
        if (ip != null) {
          String dev = words[1];
          owners.put(ip, dev.contains("@") ? dev.substring(0, dev.indexOf('@')) : dev);
        }
      }
    }
    return owners;
  }

  private static String family(InetAddress ip) {
    return ip instanceof Inet6Address ? "-6" : "-4";
  }

  private SetupException failure(String type, CommandRunner.Result result) {
    String line = result.firstErrorLine();
    if (result.binaryMissing()) {
      return new SetupException(type, "ip not found: install iproute2, or use -setupinterface=false");
    }
    if (line.contains("Operation not permitted")) {
      return new SetupException(
          type,
          result.command() + ": operation not permitted; nodecache must run as root or with"
              + " CAP_NET_ADMIN to manage interface " + name);
    }
    return new SetupException(type, result.command() + " failed: " + line);
  }
}
