package io.nodecache.k8s;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads a JSON snapshot file with jackson-core's streaming parser only: no {@code ObjectMapper}, no
 * databind, no reflection. Building fabric8's {@code KubernetesSerialization} and letting databind
 * introspect the model classes cost about 160 ms of the start for a 5-object file; this builds the
 * same fabric8 objects with plain setters, for the fields {@link Slimmer} reads and no others, and
 * hands them to {@link SnapshotFile} one at a time.
 *
 * <p>What it accepts, checked against fabric8's deserializer ({@code SnapshotJsonTest} runs both):
 *
 * <ul>
 *   <li>The file is one JSON value; anything after it is ignored. A top-level object of kind {@code
 *       List} and apiVersion {@code v1} gives its {@code items}; any other top-level object is one
 *       item; a top-level array gives its elements, each of which must be an object with a string
 *       {@code kind} and {@code apiVersion} that is not a list nor a {@code Status} (else an error, as
 *       fabric8 fails on them).
 *   <li>An item is read when its {@code kind} and {@code apiVersion} are {@code Namespace}, {@code
 *       Service} or {@code Pod} with {@code v1}, or {@code EndpointSlice} with {@code
 *       discovery.k8s.io/v1} (exact, case-sensitive). Every other item is skipped without a look
 *       inside: other kinds, other versions ({@code discovery.k8s.io/v1beta1}), typed lists such as
 *       {@code ServiceList} inside a list, items without a string kind or apiVersion, nested
 *       arrays and scalars among {@code items}.
 *   <li>At the top, a typed list ({@code NamespaceList}, {@code ServiceList}, {@code PodList} with
 *       {@code v1}, {@code EndpointSliceList} with {@code discovery.k8s.io/v1}: what the API server
 *       returns for a list call) gives its items as its element kind, whatever kind they carry,
 *       as fabric8 binds them; its kind and apiVersion must come before its items.
 *   <li>Fields come in any order; {@code kind} and {@code apiVersion} may come last (the fields
 *       before them are then buffered as tokens and replayed). A repeated field: the last wins, as
 *       in a JSON tree; but a repeated {@code kind} or {@code apiVersion} that changes the value
 *       after the item's body began is an error. Unknown fields, at any depth, are skipped.
 *   <li>JSON {@code null} is a field left unset (fabric8 sets null); a {@code null} in a list stays
 *       a null element, as with fabric8 (and {@link Slimmer} fails on it the same way).
 *   <li>The fields read, and their coercions, as fabric8's deserializer does them: strings also
 *       from numbers ({@code 1.50} gives {@code "1.5"}) and booleans; integers ({@code port}) from
 *       integers or strings {@link Integer#parseInt} accepts ({@code "80"}, {@code "+80"}), not from
 *       fractions, booleans, {@code ""} or out-of-range numbers; booleans from {@code true}/{@code
 *       false}, integers (non-zero is true) and the strings {@code true}, {@code True}, {@code TRUE}
 *       (and false alike, trimmed), with {@code ""} and {@code "null"} as null. An object or a list
 *       given as anything else (a string, a number) is an error; there is no single value as a list.
 * </ul>
 *
 * <p>Where fabric8 is stricter: it type-checks every field of every item, so a wrong type in a
 * field DNS does not read ({@code spec.selector: "x"}), or in an item skipped here, fails there and
 * passes here. Where it fails with a {@code NullPointerException} ({@code null} as the whole file
 * or as {@code items}), this gives an {@code IOException}.
 *
 * <p>Errors are {@code IOException}s naming the file, line and column: JSON syntax (a truncated
 * file), a wrong type for a field read, a limit of the parser.
 */
final class SnapshotJson {

  private static final JsonFactory JSON = new JsonFactory();

  private final Consumer<HasMetadata> sink;

  private SnapshotJson(Consumer<HasMetadata> sink) {
    this.sink = sink;
  }

  /** Parses {@code path}, giving each Namespace, Service, EndpointSlice and Pod to {@code sink} in file order. */
  static void read(Path path, Consumer<HasMetadata> sink) throws IOException {
    try (InputStream in = Files.newInputStream(path); JsonParser p = JSON.createParser(in)) {
      new SnapshotJson(sink).top(new JsonCursor.Live(path, p));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new IOException(path + ": not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
  }

  private void top(JsonCursor c) throws IOException {
    JsonToken t = c.next();
    if (t == JsonToken.START_ARRAY) {
      while ((t = c.next()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.START_OBJECT) {
          throw c.error("an element of the top-level array is not an object");
        }
        String where = c.where();
        Item item = object(c, false, null);
        if (!item.isResource()) {
          throw new IOException(
              c.path + ": " + where + ": not a Kubernetes resource (a string kind and apiVersion, not a list)");
        }
        emit(item.value());
      }
    } else if (t == JsonToken.START_OBJECT) {
      emit(object(c, true, null).value());
    } else {
      throw c.error("expected an object or an array, found " + t);
    }
  }

  private void emit(HasMetadata o) {
    if (o != null) {
      sink.accept(o);
    }
  }

  /**
   * Reads the object the cursor is at (its START_OBJECT) to its end. The kind is known only once both
   * {@code kind} and {@code apiVersion} are read: fields before that are recorded and replayed. With
   * {@code element} set (an item of a typed list) the object is read as that kind whatever its own kind
   * and apiVersion say, as fabric8 binds a typed list's items by the list's element type (the API
   * server's lists leave kind out of their items).
   */
  private Item object(JsonCursor c, boolean top, Supplier<Item> element) throws IOException {
    String kind = null;
    String apiVersion = null;
    Item item = element == null ? null : element.get();
    List<JsonCursor.Token> pending = null;
    List<HasMetadata> early = null; // items of a top-level List read before its kind
    while (c.next() == JsonToken.FIELD_NAME) {
      String name = c.text();
      c.next();
      if (name.equals("kind") || name.equals("apiVersion")) {
        String v = c.token() == JsonToken.VALUE_STRING ? c.text() : null;
        c.skip();
        if (element != null) {
          continue;
        }
        if (item != null && !Objects.equals(v, name.equals("kind") ? kind : apiVersion)) {
          throw c.error(name + " given again with another value");
        }
        if (name.equals("kind")) {
          kind = v;
        } else {
          apiVersion = v;
        }
        continue;
      }
      if (item == null && kind != null && apiVersion != null) {
        item = item(kind, apiVersion, top);
        if (pending != null) {
          replay(c.path, pending, item);
          pending = null;
        }
      }
      if (item != null) {
        item.field(name, c);
      } else if (top && name.equals("items")) {
        early = new ArrayList<>();
        items(c, early::add, null);
      } else {
        if (pending == null) {
          pending = new ArrayList<>();
        }
        JsonCursor.Token.record(c, name, pending);
      }
    }
    if (item == null) {
      item = item(kind, apiVersion, top);
      if (pending != null) {
        replay(c.path, pending, item);
      }
    }
    if (item instanceof ListItem list && early != null) {
      if (list.element != null) {
        throw c.error("the items of a " + kind + " come before its kind: they are read as that kind only when"
            + " kind and apiVersion come first (as kubectl and the API server write them)");
      }
      early.forEach(this::emit);
    }
    return item;
  }

  private static void replay(Path path, List<JsonCursor.Token> tokens, Item item) throws IOException {
    JsonCursor r = new JsonCursor.Replay(path, tokens);
    while (r.next() == JsonToken.FIELD_NAME) {
      String name = r.text();
      r.next();
      item.field(name, r);
    }
  }

  /**
   * A List's {@code items}: objects are read ({@code element}: as a typed list's kind, else as their
   * own), anything else (null, a scalar, a nested array) skipped.
   */
  private void items(JsonCursor c, Consumer<HasMetadata> out, Supplier<Item> element) throws IOException {
    if (c.token() == JsonToken.VALUE_NULL) {
      throw c.error("items is null");
    }
    if (c.token() != JsonToken.START_ARRAY) {
      throw c.wrong("items", "an array");
    }
    JsonToken t;
    while ((t = c.next()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.START_OBJECT) {
        HasMetadata o = object(c, false, element).value();
        if (o != null) {
          out.accept(o);
        }
      } else {
        c.skip();
      }
    }
  }

  private Item item(String kind, String apiVersion, boolean top) {
    if ("v1".equals(apiVersion) && kind != null) {
      switch (kind) {
        case "Namespace":
          return SnapshotModels.namespace();
        case "Service":
          return SnapshotModels.service();
        case "Pod":
          return SnapshotModels.pod();
        case "List":
          return top ? new ListItem(null) : new Item(false);
        case "NamespaceList":
          return top ? new ListItem(SnapshotModels::namespace) : new Item(false);
        case "ServiceList":
          return top ? new ListItem(SnapshotModels::service) : new Item(false);
        case "PodList":
          return top ? new ListItem(SnapshotModels::pod) : new Item(false);
        case "Status":
          return new Item(false);
        default:
          break;
      }
    } else if ("discovery.k8s.io/v1".equals(apiVersion) && kind != null) {
      if (kind.equals("EndpointSlice")) {
        return SnapshotModels.slice();
      }
      if (kind.equals("EndpointSliceList")) {
        return top ? new ListItem(SnapshotModels::slice) : new Item(false);
      }
    }
    // fabric8 reads any other kind with a string kind and apiVersion as a generic resource
    return new Item(kind != null && apiVersion != null);
  }

  /** An item: skipped (no fields), the top-level List (below), or a model object and its reader. */
  static class Item {
    private final boolean resource;
    private final HasMetadata value;
    private final JsonCursor.Fields fields;

    Item(boolean resource) {
      this(resource, null, null);
    }

    Item(boolean resource, HasMetadata value, JsonCursor.Fields fields) {
      this.resource = resource;
      this.value = value;
      this.fields = fields;
    }

    /** Whether fabric8 reads it as a {@code HasMetadata}, as a top-level array's elements must be. */
    boolean isResource() {
      return resource;
    }

    void field(String name, JsonCursor c) throws IOException {
      if (fields == null) {
        c.skip();
      } else {
        fields.field(name, c);
      }
    }

    HasMetadata value() {
      return value;
    }
  }

  /**
   * The top-level {@code List}, or a typed list ({@code ServiceList}...: {@code element} reads its
   * items): its items go straight to the sink.
   */
  private final class ListItem extends Item {
    private final Supplier<Item> element;
    private boolean seen;

    ListItem(Supplier<Item> element) {
      super(false);
      this.element = element;
    }

    @Override
    void field(String name, JsonCursor c) throws IOException {
      if (!name.equals("items")) {
        c.skip();
        return;
      }
      if (seen) {
        throw c.error("items given twice");
      }
      seen = true;
      items(c, SnapshotJson.this::emit, element);
    }
  }
}
