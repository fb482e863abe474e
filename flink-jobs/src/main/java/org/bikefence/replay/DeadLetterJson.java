package org.bikefence.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bikefence.model.DeadLetter;

/**
 * One dead letter of a replay as a JSON line: where it came from ({@code source} = {@code file:line}, and
 * both separately), why ({@code reason}, {@code detail}, as in the Kafka dead-letter headers), the
 * {@code original} line as archived, and for a CSV row also the contract {@code record} it became and,
 * when a cell could not be mapped, its {@code column}, {@code value} and {@code problem}.
 */
final class DeadLetterJson {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    static String toJson(DeadLetter d) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("source", d.sourceTopic + ":" + d.sourceOffset);
            g.writeStringField("file", d.sourceTopic);
            g.writeNumberField("lineNumber", d.sourceOffset);
            g.writeStringField("reason", d.reason);
            g.writeStringField("detail", d.detail);
            boolean csv = d.key != null;
            g.writeStringField("original", utf8(csv ? d.key : d.value));
            if (csv && !Arrays.equals(d.key, d.value)) {
                g.writeStringField("record", utf8(d.value));
                JsonNode problem = problemOf(d.value);
                if (problem != null) {
                    g.writeStringField("column", text(problem.get("column")));
                    g.writeStringField("value", text(problem.get("value")));
                    g.writeStringField("problem", text(problem.get("problem")));
                }
            }
            g.writeNumberField("rejectedAt", d.rejectedAt);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static JsonNode problemOf(byte[] record) {
        try {
            JsonNode n = MAPPER.readTree(record).get(CsvMapping.PROBLEM_FIELD);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String utf8(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
