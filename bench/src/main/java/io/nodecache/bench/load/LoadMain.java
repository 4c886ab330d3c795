package io.nodecache.bench.load;

import java.io.IOException;
import java.nio.file.Files;

/** The {@code load} command: parses options, runs the generator, prints and writes the report. */
public final class LoadMain {

  private LoadMain() {}

  /** Returns the process exit code: 0 after a run, 2 for bad options, 1 when the run failed. */
  public static int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(LoadOptions.USAGE);
      return args.length == 0 ? 2 : 0;
    }
    LoadOptions o;
    QuerySet queries;
    try {
      o = LoadOptions.parse(args);
      queries = QuerySet.of(o);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("load: " + e.getMessage());
      return 2;
    }
    try {
      LoadReport r = new LoadGenerator(o, queries).run();
      if (!o.quiet()) {
        System.out.print(r.text());
      }
      if (o.json() != null) {
        Files.writeString(o.json(), r.json());
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("load: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }
}
