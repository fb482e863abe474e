package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.bikefence.model.RawRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCursorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CRLF = Path.of("src/test/resources/replay/positions-crlf.jsonl");
    private static final Path CSV = Path.of("src/test/resources/replay/city-export.csv");
    private static final CsvMapping MAPPING =
            CsvMapping.of(CsvMapping.DEFAULT_COLUMNS, Map.of("operator", "meituan"), ZoneId.of("Asia/Shanghai"), ',');

    @TempDir
    Path tmp;

    @Test
    void jsonLinesKeepTheirBytesAndLineNumbersWithoutCrOrBlankLines() throws Exception {
        List<RawRecord> records = readAll(List.of(InputFile.of(CRLF, null)));

        assertThat(records).extracting(r -> r.offset).containsExactly(1L, 4L, 6L);
        assertThat(records).extracting(r -> r.topic).containsOnly(CRLF.toString());
        assertThat(records).extracting(r -> r.key).containsOnlyNulls();
        String[] lines = Files.readString(CRLF).split("\r?\n");
        assertThat(records).extracting(r -> new String(r.value, StandardCharsets.UTF_8))
                .containsExactly(lines[0], lines[3], lines[5]);
        assertThat(new String(records.get(2).value, StandardCharsets.UTF_8)).endsWith("\"crs\":\"GCJ02\"}");
    }

    @Test
    void gzipFilesReadLikePlainOnesAndCountCompressedBytes() throws Exception {
        Path gz = tmp.resolve("positions.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // a byte-order mark is dropped
            out.write(Files.readAllBytes(CRLF));
        }
        InputFile file = InputFile.of(gz, null);
        assertThat(file.format()).isEqualTo(InputFile.Format.JSONL);
        assertThat(file.gzipped()).isTrue();

        try (ReplayCursor c = new ReplayCursor(List.of(file), MAPPING, 0, 0)) {
            List<RawRecord> records = new ArrayList<>();
            RawRecord r;
            while ((r = c.next()) != null) {
                records.add(r);
            }
            assertThat(c.bytesRead()).isEqualTo(Files.size(gz));
            assertThat(records).extracting(x -> x.offset).containsExactly(1L, 4L, 6L);
            assertThat(new String(records.get(0).value, StandardCharsets.UTF_8)).startsWith("{\"operator\":\"hello\"");
        }
    }

    @Test
    void readsFilesInTheOrderGivenAndResumesAtAPosition() throws Exception {
        Path a = write("a.jsonl", "{\"n\":1}\n{\"n\":2}\n");
        Path b = write("b.jsonl", "{\"n\":3}\n\n{\"n\":4}");
        List<InputFile> files = List.of(InputFile.of(b, null), InputFile.of(a, null));
        assertThat(values(readAll(files))).containsExactly("{\"n\":3}", "{\"n\":4}", "{\"n\":1}", "{\"n\":2}");

        try (ReplayCursor c = new ReplayCursor(files, MAPPING, 0, 0)) {
            c.next();
            c.next();
            assertThat(c.fileIndex()).isZero();
            assertThat(c.linesDone()).isEqualTo(3);
            try (ReplayCursor resumed = new ReplayCursor(files, MAPPING, c.fileIndex(), c.linesDone())) {
                List<RawRecord> rest = new ArrayList<>();
                RawRecord r;
                while ((r = resumed.next()) != null) {
                    rest.add(r);
                }
                assertThat(values(rest)).containsExactly("{\"n\":1}", "{\"n\":2}");
                assertThat(resumed.bytesRead()).isEqualTo(Files.size(a) + Files.size(b));
            }
        }
    }

    @Test
    void csvRowsBecomeContractJsonWithTheRowAsKeyAndTheirLineNumber() throws Exception {
        List<RawRecord> records = readAll(List.of(InputFile.of(CSV, null)));

        assertThat(records).extracting(r -> r.offset).containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(new String(records.get(0).key, StandardCharsets.UTF_8))
                .isEqualTo("MT-1,24.5005,118.1005,2026-10-12 08:00:00,PARKED,\"in front of 7-Eleven, Huli Ave\"");
        assertThat(new String(records.get(0).value, StandardCharsets.UTF_8)).isEqualTo(
                "{\"operator\":\"meituan\",\"bikeId\":\"MT-1\",\"ts\":1791763200000,\"lat\":24.5005,\"lng\":118.1005,"
                        + "\"state\":\"parked\"}");
        // A restored cursor re-reads the header before resuming.
        try (ReplayCursor c = new ReplayCursor(List.of(InputFile.of(CSV, null)), MAPPING, 0, 5)) {
            RawRecord r = c.next();
            assertThat(r.offset).isEqualTo(6L);
            assertThat(new String(r.value, StandardCharsets.UTF_8)).contains("\"ts\":1791764400000");
        }
    }

    @Test
    void csvRecordsMayHoldQuotedLineBreaksAndAreNumberedByTheLineTheyStartOn() throws Exception {
        Path csv = write("multi.csv", "\uFEFFBIKE_ID,LATITUDE,LONGITUDE,TIME,STATE,NOTE\r\n"
                + "MT-1,24.5005,118.1005,2026-10-12 08:00:00,parked,\"kerb, \"\"north\"\" side\r\nsecond line\"\r\n"
                + "  \r\n"
                + "MT-2,24.5005,abc,2026-10-12 08:01:00,parked,\r\n"
                + "MT-3,24.5005,118.1005,2026-10-12 08:02:00,parked,last");
        List<RawRecord> records = readAll(List.of(InputFile.of(csv, null)));

        assertThat(records).extracting(r -> r.offset).containsExactly(2L, 5L, 6L);
        assertThat(new String(records.get(0).key, StandardCharsets.UTF_8)).isEqualTo(
                "MT-1,24.5005,118.1005,2026-10-12 08:00:00,parked,\"kerb, \"\"north\"\" side\r\nsecond line\"");
        assertThat(new String(records.get(0).value, StandardCharsets.UTF_8)).contains("\"bikeId\":\"MT-1\"");
        // A cell that cannot be mapped names its column and value; the dead letter adds file and line.
        JsonNode problem = JSON.readTree(records.get(1).value).get(CsvMapping.PROBLEM_FIELD);
        assertThat(problem.get("column").asText()).isEqualTo("LONGITUDE");
        assertThat(problem.get("value").asText()).isEqualTo("abc");
        assertThat(records.get(1).topic + ":" + records.get(1).offset).isEqualTo(csv + ":5");
        assertThat(new String(records.get(2).key, StandardCharsets.UTF_8))
                .isEqualTo("MT-3,24.5005,118.1005,2026-10-12 08:02:00,parked,last");

        try (ReplayCursor c = new ReplayCursor(List.of(InputFile.of(csv, null)), MAPPING, 0, 0)) {
            c.next();
            assertThat(c.linesDone()).isEqualTo(3); // the record ends on line 3
            try (ReplayCursor resumed = new ReplayCursor(List.of(InputFile.of(csv, null)), MAPPING, 0, c.linesDone())) {
                assertThat(resumed.next().offset).isEqualTo(5L);
            }
        }
    }

    @Test
    void aMalformedCsvRecordBecomesARejectedRecordAndReadingGoesOnAfterIt() throws Exception {
        Path csv = write("bad.csv", "BIKE_ID,LATITUDE,LONGITUDE,TIME,STATE\n"
                + "MT-1,\"24.5\"x,118.1,2026-10-12 08:00:00,parked\n"
                + "MT-2,24.5,118.1,2026-10-12 08:01:00,parked\n"
                + "MT-5,\"a\"b,\"c\n"
                + "d\",x\n"
                + "MT-6,24.5,118.1,2026-10-12 08:01:00,parked\n"
                + "MT-3,\"24.5,118.1,2026-10-12 08:02:00,parked\n"
                + "MT-4,24.5,118.1,2026-10-12 08:03:00,parked\n");
        List<RawRecord> records = readAll(List.of(InputFile.of(csv, null)));

        assertThat(records).extracting(r -> r.offset).containsExactly(2L, 3L, 4L, 6L, 7L);
        assertThat(new String(records.get(0).key, StandardCharsets.UTF_8))
                .isEqualTo("MT-1,\"24.5\"x,118.1,2026-10-12 08:00:00,parked");
        assertThat(JSON.readTree(records.get(0).value).get(CsvMapping.PROBLEM_FIELD).get("problem").asText())
                .startsWith("malformed CSV: Invalid character between encapsulated token and delimiter at line: 2");
        assertThat(new String(records.get(1).value, StandardCharsets.UTF_8)).contains("\"bikeId\":\"MT-2\"");
        // What the parser reads after the error, here a quoted line break, belongs to the malformed record.
        assertThat(new String(records.get(2).key, StandardCharsets.UTF_8)).isEqualTo("MT-5,\"a\"b,\"c\nd\",x");
        assertThat(JSON.readTree(records.get(2).value).get(CsvMapping.PROBLEM_FIELD).get("problem").asText())
                .startsWith("malformed CSV: Invalid character between encapsulated token and delimiter at line: 4");
        assertThat(new String(records.get(3).value, StandardCharsets.UTF_8)).contains("\"bikeId\":\"MT-6\"");
        // A quote left open runs to the end of the file: one rejected record, from the line it opens on.
        assertThat(new String(records.get(4).key, StandardCharsets.UTF_8)).startsWith("MT-3,").contains("MT-4,");
        assertThat(JSON.readTree(records.get(4).value).get(CsvMapping.PROBLEM_FIELD).get("problem").asText())
                .isEqualTo("malformed CSV: (startline 7) EOF reached before encapsulated token finished");
    }

    @Test
    void aQuoteLeftOpenForMoreThanTheLongestRecordFailsNamingFileAndLine() throws Exception {
        StringBuilder sb = new StringBuilder("BIKE_ID,LATITUDE,LONGITUDE,TIME,STATE\nMT-1,\"24.5,118.1\n");
        while (sb.length() <= CsvRows.MAX_RECORD_CHARS + 100_000) {
            sb.append("MT-2,24.5,118.1,2026-10-12 08:01:00,parked\n");
        }
        Path csv = write("open.csv", sb.toString());
        try (ReplayCursor c = new ReplayCursor(List.of(InputFile.of(csv, null)), MAPPING, 0, 0)) {
            assertThatThrownBy(c::next).isInstanceOf(IOException.class)
                    .hasMessage(csv + ": the record starting on line 2 is longer than 1,048,576 characters:"
                            + " is a quote not closed?");
        }
    }

    @Test
    void gzipCsvReadsLikeAPlainOne() throws Exception {
        Path gz = tmp.resolve("export.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(CSV));
        }
        List<RawRecord> records = readAll(List.of(InputFile.of(gz, null)));
        assertThat(records).extracting(r -> r.offset).containsExactly(2L, 3L, 4L, 5L, 6L);
        try (ReplayCursor c = new ReplayCursor(List.of(InputFile.of(gz, null)), MAPPING, 0, 0)) {
            while (c.next() != null) {
                // read to the end
            }
            assertThat(c.bytesRead()).isEqualTo(Files.size(gz));
        }
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static List<RawRecord> readAll(List<InputFile> files) throws IOException {
        List<RawRecord> out = new ArrayList<>();
        try (ReplayCursor c = new ReplayCursor(files, MAPPING, 0, 0)) {
            RawRecord r;
            while ((r = c.next()) != null) {
                out.add(r);
            }
        }
        return out;
    }

    private static List<String> values(List<RawRecord> records) {
        return records.stream().map(r -> new String(r.value, StandardCharsets.UTF_8)).toList();
    }
}
