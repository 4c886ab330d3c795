package io.nodecache.k8s;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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
 *       {@code ServiceList} (also at the top), items without a string kind or apiVersion, nested
 *       arrays and scalars among {@code items}.
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
      new SnapshotJson(sink).top(new Live(path, p));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new IOException(path + ": not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
  }

  private void top(Cursor c) throws IOException {
    JsonToken t = c.next();
    if (t == JsonToken.START_ARRAY) {
      while ((t = c.next()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.START_OBJECT) {
          throw c.error("an element of the top-level array is not an object");
        }
        String where = c.where();
        Item item = object(c, false);
        if (!item.isResource()) {
          throw new IOException(
              c.path + ": " + where + ": not a Kubernetes resource (a string kind and apiVersion, not a list)");
        }
        emit(item.value());
      }
    } else if (t == JsonToken.START_OBJECT) {
      emit(object(c, true).value());
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
   * {@code kind} and {@code apiVersion} are read: fields before that are recorded and replayed.
   */
  private Item object(Cursor c, boolean top) throws IOException {
    String kind = null;
    String apiVersion = null;
    Item item = null;
    List<Token> pending = null;
    List<HasMetadata> early = null; // items of a top-level List read before its kind
    while (c.next() == JsonToken.FIELD_NAME) {
      String name = c.text();
      c.next();
      if (name.equals("kind") || name.equals("apiVersion")) {
        String v = c.token() == JsonToken.VALUE_STRING ? c.text() : null;
        c.skip();
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
        items(c, early::add);
      } else {
        if (pending == null) {
          pending = new ArrayList<>();
        }
        Token.record(c, name, pending);
      }
    }
    if (item == null) {
      item = item(kind, apiVersion, top);
      if (pending != null) {
        replay(c.path, pending, item);
      }
    }
    if (item instanceof ListItem && early != null) {
      early.forEach(this::emit);
    }
    return item;
  }

  private static void replay(Path path, List<Token> tokens, Item item) throws IOException {
    Cursor r = new Replay(path, tokens);
    while (r.next() == JsonToken.FIELD_NAME) {
      String name = r.text();
      r.next();
      item.field(name, r);
    }
  }

  /** A List's {@code items}: objects are read, anything else (null, a scalar, a nested array) skipped. */
  private void items(Cursor c, Consumer<HasMetadata> out) throws IOException {
    if (c.token() == JsonToken.VALUE_NULL) {
      throw c.error("items is null");
    }
    if (c.token() != JsonToken.START_ARRAY) {
      throw c.wrong("items", "an array");
    }
    JsonToken t;
    while ((t = c.next()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.START_OBJECT) {
        HasMetadata o = object(c, false).value();
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
          return namespace();
        case "Service":
          return service();
        case "Pod":
          return pod();
        case "List":
          return top ? new ListItem() : new Item(false);
        case "Status":
        case "NamespaceList":
        case "ServiceList":
        case "PodList":
          return new Item(false);
        default:
          break;
      }
    } else if ("discovery.k8s.io/v1".equals(apiVersion) && kind != null) {
      if (kind.equals("EndpointSlice")) {
        return slice();
      }
      if (kind.equals("EndpointSliceList")) {
        return new Item(false);
      }
    }
    // fabric8 reads any other kind with a string kind and apiVersion as a generic resource
    return new Item(kind != null && apiVersion != null);
  }

  /** An item: skipped (no fields), the top-level List (below), or a model object and its reader. */
  private static class Item {
    private final boolean resource;
    private final HasMetadata value;
    private final Fields fields;

    Item(boolean resource) {
      this(resource, null, null);
    }

    Item(boolean resource, HasMetadata value, Fields fields) {
      this.resource = resource;
      this.value = value;
      this.fields = fields;
    }

    /** Whether fabric8 reads it as a {@code HasMetadata}, as a top-level array's elements must be. */
    boolean isResource() {
      return resource;
    }

    void field(String name, Cursor c) throws IOException {
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

  /** The top-level {@code List}: its items go straight to the sink. */
  private final class ListItem extends Item {
    private boolean seen;

    ListItem() {
      super(false);
    }

    @Override
    void field(String name, Cursor c) throws IOException {
      if (!name.equals("items")) {
        c.skip();
        return;
      }
      if (seen) {
        throw c.error("items given twice");
      }
      seen = true;
      items(c, SnapshotJson.this::emit);
    }
  }

  private static Item namespace() {
    Namespace ns = new Namespace();
    return new Item(true, ns, (name, c) -> {
      if (name.equals("metadata")) {
        ns.setMetadata(meta(c));
      } else {
        c.skip();
      }
    });
  }

  private static Item service() {
    Service s = new Service();
    return new Item(true, s, (name, c) -> {
      switch (name) {
        case "metadata" -> s.setMetadata(meta(c));
        case "spec" -> {
          ServiceSpec spec = new ServiceSpec();
          s.setSpec(object(c, "spec", (f, v) -> {
            switch (f) {
              case "type" -> spec.setType(string(v, f));
              case "clusterIP" -> spec.setClusterIP(string(v, f));
              case "clusterIPs" -> spec.setClusterIPs(list(v, f, e -> string(e, f)));
              case "externalIPs" -> spec.setExternalIPs(list(v, f, e -> string(e, f)));
              case "externalName" -> spec.setExternalName(string(v, f));
              case "publishNotReadyAddresses" -> spec.setPublishNotReadyAddresses(bool(v, f));
              case "ports" -> spec.setPorts(list(v, f, SnapshotJson::servicePort));
              default -> v.skip();
            }
          }) ? spec : null);
        }
        case "status" -> {
          ServiceStatus status = new ServiceStatus();
          s.setStatus(object(c, "status", (f, v) -> {
            if (f.equals("loadBalancer")) {
              LoadBalancerStatus lb = new LoadBalancerStatus();
              status.setLoadBalancer(object(v, f, (g, w) -> {
                if (g.equals("ingress")) {
                  lb.setIngress(list(w, g, SnapshotJson::ingress));
                } else {
                  w.skip();
                }
              }) ? lb : null);
            } else {
              v.skip();
            }
          }) ? status : null);
        }
        default -> c.skip();
      }
    });
  }

  private static Item slice() {
    EndpointSlice s = new EndpointSlice();
    return new Item(true, s, (name, c) -> {
      switch (name) {
        case "metadata" -> s.setMetadata(meta(c));
        case "addressType" -> s.setAddressType(string(c, name));
        case "endpoints" -> s.setEndpoints(list(c, name, SnapshotJson::endpoint));
        case "ports" -> s.setPorts(list(c, name, SnapshotJson::endpointPort));
        default -> c.skip();
      }
    });
  }

  private static Item pod() {
    Pod p = new Pod();
    return new Item(true, p, (name, c) -> {
      switch (name) {
        case "metadata" -> p.setMetadata(meta(c));
        case "status" -> {
          PodStatus status = new PodStatus();
          p.setStatus(object(c, name, (f, v) -> {
            switch (f) {
              case "phase" -> status.setPhase(string(v, f));
              case "podIP" -> status.setPodIP(string(v, f));
              case "podIPs" -> status.setPodIPs(list(v, f, SnapshotJson::podIp));
              default -> v.skip();
            }
          }) ? status : null);
        }
        default -> c.skip();
      }
    });
  }

  private static ObjectMeta meta(Cursor c) throws IOException {
    ObjectMeta m = new ObjectMeta();
    return object(c, "metadata", (f, v) -> {
      switch (f) {
        case "name" -> m.setName(string(v, f));
        case "namespace" -> m.setNamespace(string(v, f));
        case "labels" -> m.setLabels(stringMap(v, f));
        default -> v.skip();
      }
    }) ? m : null;
  }

  private static ServicePort servicePort(Cursor c) throws IOException {
    return port(c, new ServicePort(), ServicePort::setName, ServicePort::setProtocol, ServicePort::setPort);
  }

  private static EndpointPort endpointPort(Cursor c) throws IOException {
    return port(c, new EndpointPort(), EndpointPort::setName, EndpointPort::setProtocol, EndpointPort::setPort);
  }

  /** A Service's or a slice's port: the same three fields, in two model classes with no common type. */
  private static <P> P port(Cursor c, P p, BiConsumer<P, String> name, BiConsumer<P, String> protocol,
      BiConsumer<P, Integer> port) throws IOException {
    return object(c, "ports", (f, v) -> {
      switch (f) {
        case "name" -> name.accept(p, string(v, f));
        case "protocol" -> protocol.accept(p, string(v, f));
        case "port" -> port.accept(p, integer(v, f));
        default -> v.skip();
      }
    }) ? p : null;
  }

  private static LoadBalancerIngress ingress(Cursor c) throws IOException {
    return ipOnly(c, "ingress", new LoadBalancerIngress(), LoadBalancerIngress::setIp);
  }

  private static PodIP podIp(Cursor c) throws IOException {
    return ipOnly(c, "podIPs", new PodIP(), PodIP::setIp);
  }

  /** An object of which only {@code ip} is read: a load balancer's ingress, one of a Pod's addresses. */
  private static <T> T ipOnly(Cursor c, String field, T o, BiConsumer<T, String> setIp) throws IOException {
    return object(c, field, (f, v) -> {
      if (f.equals("ip")) {
        setIp.accept(o, string(v, f));
      } else {
        v.skip();
      }
    }) ? o : null;
  }

  private static Endpoint endpoint(Cursor c) throws IOException {
    Endpoint e = new Endpoint();
    return object(c, "endpoints", (f, v) -> {
      switch (f) {
        case "addresses" -> e.setAddresses(list(v, f, a -> string(a, f)));
        case "hostname" -> e.setHostname(string(v, f));
        case "conditions" -> {
          EndpointConditions conditions = new EndpointConditions();
          e.setConditions(object(v, f, (g, w) -> {
            if (g.equals("ready")) {
              conditions.setReady(bool(w, g));
            } else {
              w.skip();
            }
          }) ? conditions : null);
        }
        case "targetRef" -> {
          ObjectReference ref = new ObjectReference();
          e.setTargetRef(object(v, f, (g, w) -> {
            switch (g) {
              case "kind" -> ref.setKind(string(w, g));
              case "name" -> ref.setName(string(w, g));
              default -> w.skip();
            }
          }) ? ref : null);
        }
        default -> v.skip();
      }
    }) ? e : null;
  }

  private interface Fields {
    /** Reads (or skips) the value of field {@code name}, the cursor at its first token. */
    void field(String name, Cursor c) throws IOException;
  }

  private interface Element<T> {
    T read(Cursor c) throws IOException;
  }

  /** Reads an object field by field; false for {@code null}. */
  private static boolean object(Cursor c, String field, Fields fields) throws IOException {
    if (c.token() == JsonToken.VALUE_NULL) {
      return false;
    }
    if (c.token() != JsonToken.START_OBJECT) {
      throw c.wrong(field, "an object");
    }
    while (c.next() == JsonToken.FIELD_NAME) {
      String name = c.text();
      c.next();
      fields.field(name, c);
    }
    return true;
  }

  private static <T> List<T> list(Cursor c, String field, Element<T> element) throws IOException {
    if (c.token() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (c.token() != JsonToken.START_ARRAY) {
      throw c.wrong(field, "an array");
    }
    List<T> out = new ArrayList<>();
    while (c.next() != JsonToken.END_ARRAY) {
      out.add(element.read(c));
    }
    return out;
  }

  private static Map<String, String> stringMap(Cursor c, String field) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    return object(c, field, (k, v) -> out.put(k, string(v, field + "." + k))) ? out : null;
  }

  /** A string; numbers and booleans as their text, as fabric8's JSON tree gives them. */
  private static String string(Cursor c, String field) throws IOException {
    switch (c.token()) {
      case VALUE_STRING:
        return c.text();
      case VALUE_NULL:
        return null;
      case VALUE_TRUE:
        return "true";
      case VALUE_FALSE:
        return "false";
      case VALUE_NUMBER_INT:
        return new BigInteger(c.text()).toString(); // "-0" is "0"
      case VALUE_NUMBER_FLOAT:
        return Double.toString(Double.parseDouble(c.text())); // 1.50 is "1.5", 1e2 "100.0"
      default:
        throw c.wrong(field, "a string");
    }
  }

  private static Integer integer(Cursor c, String field) throws IOException {
    JsonToken t = c.token();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_STRING) {
      try {
        return Integer.parseInt(c.text());
      } catch (NumberFormatException e) {
        // out of range, or a string that is no integer: fabric8 fails too
      }
    }
    throw c.wrong(field, "an integer");
  }

  private static Boolean bool(Cursor c, String field) throws IOException {
    switch (c.token()) {
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        return new BigInteger(c.text()).signum() != 0;
      case VALUE_STRING: {
        String s = c.text().trim();
        switch (s) {
          case "true", "True", "TRUE":
            return Boolean.TRUE;
          case "false", "False", "FALSE":
            return Boolean.FALSE;
          case "", "null":
            return null;
          default:
            break;
        }
        break;
      }
      default:
        break;
    }
    throw c.wrong(field, "a boolean");
  }

  /** Tokens from the parser, or replayed from a recording; with the file and line for errors. */
  private abstract static class Cursor {
    final Path path;

    Cursor(Path path) {
      this.path = path;
    }

    abstract JsonToken next() throws IOException;

    abstract JsonToken token();

    /** The text of a field name, string or number. */
    abstract String text() throws IOException;

    /** Skips the value the cursor is at (to its end when an object or array). */
    abstract void skip() throws IOException;

    abstract String where();

    IOException error(String message) {
      return new IOException(path + ": " + where() + ": " + message);
    }

    IOException wrong(String field, String expected) {
      return error(field + ": expected " + expected + ", found " + describe(token()));
    }

    private static String describe(JsonToken t) {
      if (t == null) {
        return "the end of the file";
      }
      switch (t) {
        case START_OBJECT:
          return "an object";
        case START_ARRAY:
          return "an array";
        case VALUE_STRING:
          return "a string";
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          return "a number";
        case VALUE_TRUE:
        case VALUE_FALSE:
          return "a boolean";
        default:
          return t.toString();
      }
    }
  }

  private static final class Live extends Cursor {
    private final JsonParser p;

    Live(Path path, JsonParser p) {
      super(path);
      this.p = p;
    }

    @Override
    JsonToken next() throws IOException {
      JsonToken t = p.nextToken();
      if (t == null) {
        // the parser reports an unclosed object itself; this is a guard for the top level
        throw error("unexpected end of the file");
      }
      return t;
    }

    @Override
    JsonToken token() {
      return p.currentToken();
    }

    @Override
    String text() throws IOException {
      return p.getText();
    }

    @Override
    void skip() throws IOException {
      p.skipChildren();
    }

    @Override
    String where() {
      JsonLocation at = p.currentTokenLocation();
      return "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
  }

  /** A token recorded while an item's kind is not known yet. */
  private record Token(JsonToken token, String text, int line, int column) {

    /** Records the field name the parser has just passed and the value it is at, to the value's end. */
    static void record(Cursor c, String name, List<Token> out) throws IOException {
      Live live = (Live) c;
      JsonLocation at = live.p.currentTokenLocation();
      out.add(new Token(JsonToken.FIELD_NAME, name, at.getLineNr(), at.getColumnNr()));
      int depth = 0;
      while (true) {
        JsonToken t = c.token();
        at = live.p.currentTokenLocation();
        boolean hasText = t == JsonToken.FIELD_NAME || t.isScalarValue();
        out.add(new Token(t, hasText ? c.text() : null, at.getLineNr(), at.getColumnNr()));
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        }
        if (depth == 0) {
          return;
        }
        c.next();
      }
    }
  }

  private static final class Replay extends Cursor {
    private final List<Token> tokens;
    private int i = -1;

    Replay(Path path, List<Token> tokens) {
      super(path);
      this.tokens = tokens;
    }

    @Override
    JsonToken next() {
      i++;
      // the recording holds whole fields: past its end is the end of the object it came from
      return i < tokens.size() ? tokens.get(i).token() : JsonToken.END_OBJECT;
    }

    @Override
    JsonToken token() {
      return i < tokens.size() ? tokens.get(i).token() : JsonToken.END_OBJECT;
    }

    @Override
    String text() {
      return tokens.get(i).text();
    }

    @Override
    void skip() {
      int depth = 0;
      while (true) {
        JsonToken t = tokens.get(i).token();
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        }
        if (depth == 0) {
          return;
        }
        i++;
      }
    }

    @Override
    String where() {
      Token t = tokens.get(Math.max(0, Math.min(i, tokens.size() - 1)));
      return "line " + t.line() + ", column " + t.column();
    }
  }
}
