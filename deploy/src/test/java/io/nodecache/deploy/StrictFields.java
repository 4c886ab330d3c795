package io.nodecache.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields fabric8 did not recognise. Its model classes keep unknown YAML keys in
 * {@code additionalProperties} instead of failing, so a misspelt field ({@code hostNetwrok}) would
 * otherwise load silently; this walk lists them with their path.
 */
final class StrictFields {

  private StrictFields() {}

  static List<String> unknown(Object root, String path) {
    List<String> out = new ArrayList<>();
    walk(root, path, out);
    return out;
  }

  private static void walk(Object o, String path, List<String> out) {
    if (o == null) {
      return;
    }
    if (o instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", out);
      }
      return;
    }
    if (o instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, out));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        f.setAccessible(true);
        Object v;
        try {
          v = f.get(o);
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
        if (f.getName().equals("additionalProperties")) {
          if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
            extra.keySet().forEach(k -> out.add(path + "." + k));
          }
        } else {
          walk(v, path + "." + f.getName(), out);
        }
      }
    }
  }
}
