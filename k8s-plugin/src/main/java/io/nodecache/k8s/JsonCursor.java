package io.nodecache.k8s;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cursor over a JSON snapshot ({@link SnapshotJson}): tokens from jackson-core's parser ({@link Live}) or
 * replayed from a recording ({@link Replay}: fields read before an item's kind was known), with the file,
 * line and column for errors; and the readers of the field types the snapshot uses, with the coercions
 * fabric8's deserializer applies.
 */
abstract class JsonCursor {
  final Path path;

  JsonCursor(Path path) {
    this.path = path;
  }

  abstract JsonToken next() throws IOException;

  /** How {@code t} changes the nesting depth: +1 opening an object or array, -1 closing one, else 0. */
  static int nesting(JsonToken t) {
    return t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
  }

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

  interface Fields {
    /** Reads (or skips) the value of field {@code name}, the cursor at its first token. */
    void field(String name, JsonCursor c) throws IOException;
  }

  interface Element<T> {
    T read(JsonCursor c) throws IOException;
  }

  /** Reads an object field by field; false for {@code null}. */
  static boolean object(JsonCursor c, String field, Fields fields) throws IOException {
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

  static <T> List<T> list(JsonCursor c, String field, Element<T> element) throws IOException {
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

  static Map<String, String> stringMap(JsonCursor c, String field) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    return object(c, field, (k, v) -> out.put(k, string(v, field + "." + k))) ? out : null;
  }

  /** A string; numbers and booleans as their text, as fabric8's JSON tree gives them. */
  static String string(JsonCursor c, String field) throws IOException {
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

  static Integer integer(JsonCursor c, String field) throws IOException {
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

  static Boolean bool(JsonCursor c, String field) throws IOException {
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

  static final class Live extends JsonCursor {
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
  record Token(JsonToken token, String text, int line, int column) {

    /** Records the field name the parser has just passed and the value it is at, to the value's end. */
    static void record(JsonCursor c, String name, List<Token> out) throws IOException {
      Live live = (Live) c;
      JsonLocation at = live.p.currentTokenLocation();
      out.add(new Token(JsonToken.FIELD_NAME, name, at.getLineNr(), at.getColumnNr()));
      int depth = 0;
      while (true) {
        JsonToken t = c.token();
        at = live.p.currentTokenLocation();
        boolean hasText = t == JsonToken.FIELD_NAME || t.isScalarValue();
        out.add(new Token(t, hasText ? c.text() : null, at.getLineNr(), at.getColumnNr()));
        depth += nesting(t);
        if (depth == 0) {
          return;
        }
        c.next();
      }
    }
  }

  static final class Replay extends JsonCursor {
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
        depth += nesting(tokens.get(i).token());
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
