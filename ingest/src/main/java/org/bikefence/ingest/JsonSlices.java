package org.bikefence.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts the elements of one JSON array out of a document as their original bytes, so that a rejected vehicle
 * goes to the dead-letter topic exactly as the operator sent it; and reads a feed document as a JSON object.
 */
public final class JsonSlices {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonSlices() {}

    /**
     * The elements of the array at {@code path} (object field names from the root; empty for a root array),
     * each as its own byte range; null when there is no array at that path. The document must be valid JSON.
     */
    public static List<byte[]> arrayElements(byte[] doc, String... path) throws IOException {
        try (JsonParser p = JSON.createParser(doc)) {
            JsonToken t = p.nextToken();
            for (String field : path) {
                if (t != JsonToken.START_OBJECT || !seekField(p, field)) {
                    return null;
                }
                t = p.nextToken();
            }
            if (t != JsonToken.START_ARRAY) {
                return null;
            }
            List<byte[]> elements = new ArrayList<>();
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                elements.add(Arrays.copyOfRange(doc, start, end));
            }
            return elements;
        }
    }

    /** The document as a JSON object tree; a document that is not one is {@link Reasons#NOT_JSON}. */
    public static JsonNode readObject(byte[] doc) throws FeedException {
        JsonNode root;
        try {
            root = MAPPER.readTree(doc);
        } catch (IOException e) {
            String m = e.getMessage() == null ? "unreadable" : e.getMessage();
            int nl = m.indexOf('\n');
            throw new FeedException(Reasons.NOT_JSON, "not JSON: " + (nl < 0 ? m : m.substring(0, nl)));
        }
        if (root == null || !root.isObject()) {
            throw new FeedException(Reasons.NOT_JSON, "document is not a JSON object");
        }
        return root;
    }

    /** Advances to the value of {@code field} in the object whose START_OBJECT is current. */
    private static boolean seekField(JsonParser p, String field) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            if (field.equals(p.currentName())) {
                return true;
            }
            p.nextToken();
            p.skipChildren();
        }
        return false;
    }
}
