package org.bikefence.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a YAML document sits, keyed by dotted field path.
 *
 * <p>Data binding forgets positions once values are bound; semantic checks (negative deductions, floor above
 * base) happen after binding and still need to point at a line, so the document is scanned once for this
 * index.
 */
final class YamlPositions {

    /** Position and raw text of one value; text is null for mappings and sequences. */
    record Position(int line, int column, String text) {
    }

    private final Map<String, Position> byPath;

    private YamlPositions(Map<String, Position> byPath) {
        this.byPath = byPath;
    }

    static YamlPositions index(ObjectCodec codec, byte[] yaml) throws IOException {
        Map<String, Position> byPath = new HashMap<>();
        try (JsonParser p = codec.getFactory().createParser(yaml)) {
            p.setCodec(codec);
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                JsonStreamContext ctx = p.getParsingContext();
                JsonLocation loc = p.currentTokenLocation();
                Position here = new Position(loc.getLineNr(), loc.getColumnNr(), t.isScalarValue() ? p.getText() : null);
                if (t.isStructStart()) {
                    // YAML places a nested mapping at its first child's line; the key's line, recorded at its
                    // FIELD_NAME token, is where a reader looks, so keep it. Only the root and list items lack a key.
                    byPath.putIfAbsent(path(ctx.getParent()), here);
                } else {
                    // FIELD_NAME records the key; a scalar then overwrites it with its own column and text.
                    byPath.put(path(ctx), here);
                }
            }
        }
        return new YamlPositions(byPath);
    }

    boolean isEmpty() {
        return byPath.isEmpty();
    }

    /** Position of {@code path}, or of its nearest present ancestor (a missing field points at its parent). */
    Position find(String path) {
        String p = path;
        while (true) {
            Position pos = byPath.get(p);
            if (pos != null || p.isEmpty()) {
                return pos;
            }
            int dot = p.lastIndexOf('.');
            p = dot < 0 ? "" : p.substring(0, dot);
        }
    }

    /** Position of exactly {@code path}, or null. */
    Position at(String path) {
        return byPath.get(path);
    }

    /** Dotted path of the parser's current position, e.g. {@code rules.noPark.graceMinutes}. */
    static String path(JsonStreamContext ctx) {
        StringBuilder sb = new StringBuilder();
        build(ctx, sb);
        return sb.toString();
    }

    private static void build(JsonStreamContext ctx, StringBuilder sb) {
        if (ctx == null || ctx.inRoot()) {
            return;
        }
        build(ctx.getParent(), sb);
        if (ctx.inObject()) {
            if (ctx.getCurrentName() != null) {
                dotted(sb).append(ctx.getCurrentName());
            }
        } else if (ctx.inArray()) {
            sb.append('[').append(Math.max(ctx.getCurrentIndex(), 0)).append(']');
        }
    }

    private static StringBuilder dotted(StringBuilder sb) {
        return sb.isEmpty() ? sb : sb.append('.');
    }
}
