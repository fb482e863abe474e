package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Map;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.RawRecord;
import org.junit.jupiter.api.Test;

class ReplayDeadLetterJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aJsonLineDeadLetterNamesFileLineReasonAndTheOriginalLine() throws Exception {
        RawRecord raw = new RawRecord(null, utf8("this is not json"), "archive/day1.jsonl.gz", 0, 42, 0);

        JsonNode d = JSON.readTree(DeadLetterJson.toJson(new DeadLetter(raw, "not_json", "not JSON: x", 7L)));

        assertThat(d.get("source").asText()).isEqualTo("archive/day1.jsonl.gz:42");
        assertThat(d.get("file").asText()).isEqualTo("archive/day1.jsonl.gz");
        assertThat(d.get("lineNumber").asLong()).isEqualTo(42);
        assertThat(d.get("reason").asText()).isEqualTo("not_json");
        assertThat(d.get("detail").asText()).isEqualTo("not JSON: x");
        assertThat(d.get("original").asText()).isEqualTo("this is not json");
        assertThat(d.get("rejectedAt").asLong()).isEqualTo(7L);
        assertThat(d.has("record")).isFalse();
        assertThat(d.has("column")).isFalse();
    }

    @Test
    void aCsvDeadLetterShowsTheRowTheRecordAndTheColumnAndValueThatFailed() throws Exception {
        String row = "MT-3,24.5005,abc,2026-10-12 08:02:00,parked,bad longitude";
        byte[] record = CsvMapping.of(CsvMapping.DEFAULT_COLUMNS, Map.of("operator", "meituan"),
                ZoneId.of("Asia/Shanghai"), ',').bind("BIKE_ID,LATITUDE,LONGITUDE,TIME,STATE,NOTE", "x.csv").map(row);
        RawRecord raw = new RawRecord(utf8(row), record, "x.csv", 0, 4, 0);

        JsonNode d = JSON.readTree(DeadLetterJson.toJson(
                new DeadLetter(raw, "bad_type", "field 'lng' must be a number, got 'abc'", 7L)));

        assertThat(d.get("source").asText()).isEqualTo("x.csv:4");
        assertThat(d.get("original").asText()).isEqualTo(row);
        assertThat(d.get("record").asText()).isEqualTo(new String(record, StandardCharsets.UTF_8));
        assertThat(d.get("column").asText()).isEqualTo("LONGITUDE");
        assertThat(d.get("value").asText()).isEqualTo("abc");
        assertThat(d.get("problem").asText()).isEqualTo("bad number");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
