package io.nodecache.server;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/** SIGTERM/SIGINT start a graceful stop once; SIGUSR1 reloads the Corefile (CoreDNS semantics). */
public final class Signals {

  private Signals() {}

  public static void onTerminate(Runnable stop) {
    AtomicBoolean once = new AtomicBoolean();
    for (String s : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(s),
          sig -> {
            if (once.compareAndSet(false, true)) {
              new Thread(stop, "nodecache-stop").start();
            }
          });
    }
  }

  public static void onReload(Runnable reload) {
    Signal.handle(new Signal("USR1"), sig -> reload.run());
  }
}
