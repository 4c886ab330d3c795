package io.nodecache;

import sun.misc.Signal;

/** SIGTERM and SIGINT start a graceful stop once; a second signal is ignored while it runs. */
final class Signals {

  private Signals() {}

  static void onTerminate(Runnable stop) {
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    for (String s : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(s),
          sig -> {
            if (once.compareAndSet(false, true)) {
              Thread t = new Thread(stop, "nodecache-stop");
              t.start();
            }
          });
    }
  }
}
