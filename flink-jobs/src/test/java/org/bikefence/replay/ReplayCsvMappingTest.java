package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.bikefence.decode.InvalidRecordException;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.junit.jupiter.api.Test;

class ReplayCsvMappingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final long EIGHT_AM = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    private static final String HEADER = "BIKE_ID,LATITUDE,LONGITUDE,TIME,STATE,OPERATOR";
    private static final PositionDecoder DECODER = new PositionDecoder(() -> EIGHT_AM + 86_400_000L, 600_000);

    @Test
    void mapsEachColumnToItsContractField() throws Exception {
        CsvMapping.Bound b = mapping(CsvMapping.DEFAULT_COLUMNS, Map.of()).bind(HEADER, "a.csv");

        byte[] json = b.map("MT-1, 24.5005 ,118.1005,2026-10-12 08:00:00,parked,meituan");

        assertThat(new String(json, "UTF-8")).isEqualTo("{\"operator\":\"meituan\",\"bikeId\":\"MT-1\",\"ts\":"
                + EIGHT_AM + ",\"lat\":24.5005,\"lng\":118.1005,\"state\":\"parked\"}");
        BikePosition p = DECODER.decode(json);
        assertThat(p.operator).isEqualTo("meituan");
        assertThat(p.bikeId).isEqualTo("MT-1");
        assertThat(p.ts).isEqualTo(EIGHT_AM);
        assertThat(p.lat).isEqualTo(24.5005);
        assertThat(p.lng).isEqualTo(118.1005);
        assertThat(p.state).isEqualTo(BikeState.PARKED);
    }

    @Test
    void findsColumnsByNameInAnyOrderAndCase() throws Exception {
        CsvMapping.Bound b = CsvMapping.of("bikeId=id,lat=y,lng=x,ts=t,state=s,operator=op", Map.of(), SHANGHAI, ';')
                .bind("T;X;Y;ID;OP;S;EXTRA", "b.csv");
        BikePosition p = DECODER.decode(b.map("1791763200000;118.1;24.5;HL-9;hello;RIDING;whatever"));
        assertThat(p.bikeId).isEqualTo("HL-9");
        assertThat(p.lat).isEqualTo(24.5);
        assertThat(p.lng).isEqualTo(118.1);
        assertThat(p.ts).isEqualTo(EIGHT_AM);
        assertThat(p.state).isEqualTo(BikeState.RIDING);
    }

    @Test
    void usesDefaultsForAbsentColumnsAndEmptyCells() throws Exception {
        CsvMapping m = mapping(CsvMapping.DEFAULT_COLUMNS, Map.of("operator", "qingju", "state", "parked", "crs", "GCJ02"));
        CsvMapping.Bound b = m.bind("BIKE_ID,LATITUDE,LONGITUDE,TIME,STATE", "c.csv");

        JsonNode row = JSON.readTree(b.map("QJ-1,24.5,118.1,2026-10-12 08:00:00,"));
        assertThat(row.get("operator").asText()).isEqualTo("qingju");
        assertThat(row.get("state").asText()).isEqualTo("parked");
        assertThat(row.get("crs").asText()).isEqualTo("GCJ02");
        assertThat(JSON.readTree(b.map("QJ-1,24.5,118.1,2026-10-12 08:00:00,riding")).get("state").asText())
                .isEqualTo("riding");
        // GCJ-02 is converted to WGS84 by the decoder, as for a live record.
        assertThat(DECODER.decode(b.map("QJ-1,24.5,118.1,2026-10-12 08:00:00,")).lng).isNotEqualTo(118.1);
    }

    @Test
    void readsQuotedCellsWithDelimitersAndQuotes() {
        assertThat(CsvMapping.cells("a,\"b, c\",\"say \"\"hi\"\"\", d ,", ','))
                .containsExactly("a", "b, c", "say \"hi\"", "d", "");
    }

    @Test
    void readsQuotedLineBreaksAndTheDelimiterGiven() {
        assertThat(CsvMapping.cells("a;\"two\r\nlines; \"\"x\"\"\" ;\tb\t", ';'))
                .containsExactly("a", "two\r\nlines; \"x\"", "b");
        assertThatThrownBy(() -> CsvMapping.cells("a,\"b\"c", ','))
                .hasMessageContaining("Invalid character between encapsulated token and delimiter");
    }

    @Test
    void naiveTimesFollowTheZone() throws Exception {
        CsvMapping utc = CsvMapping.of(CsvMapping.DEFAULT_COLUMNS, Map.of(), ZoneId.of("UTC"), ',');
        byte[] json = utc.bind(HEADER, "d.csv").map("MT-1,24.5,118.1,2026-10-12 08:00:00,parked,meituan");
        assertThat(DECODER.decode(json).ts).isEqualTo(EIGHT_AM + 8 * 3_600_000L);
    }

    @Test
    void aBadNumberStaysAStringNamingColumnAndValue() throws Exception {
        CsvMapping.Bound b = mapping(CsvMapping.DEFAULT_COLUMNS, Map.of()).bind(HEADER, "e.csv");
        byte[] json = b.map("MT-1,24.5,abc,2026-10-12 08:00:00,parked,meituan");

        JsonNode problem = JSON.readTree(json).get(CsvMapping.PROBLEM_FIELD);
        assertThat(problem.get("column").asText()).isEqualTo("LONGITUDE");
        assertThat(problem.get("value").asText()).isEqualTo("abc");
        assertThat(problem.get("problem").asText()).isEqualTo("bad number");
        assertRejected(json, PositionDecoder.BAD_TYPE, "field 'lng' must be a number, got 'abc'");
        assertRejected(b.map("MT-1,NaN,118.1,2026-10-12 08:00:00,parked,meituan"), PositionDecoder.BAD_TYPE, "'lat'");
    }

    @Test
    void aBadTimeStaysAStringNamingColumnAndValue() throws Exception {
        CsvMapping.Bound b = mapping(CsvMapping.DEFAULT_COLUMNS, Map.of()).bind(HEADER, "f.csv");
        byte[] json = b.map("MT-1,24.5,oops,2026-10-12 8h02,parked,meituan");

        JsonNode problem = JSON.readTree(json).get(CsvMapping.PROBLEM_FIELD);
        assertThat(problem.get("column").asText()).isEqualTo("TIME");
        assertThat(problem.get("value").asText()).isEqualTo("2026-10-12 8h02");
        assertThat(problem.get("problem").asText()).startsWith("bad time");
        assertRejected(json, PositionDecoder.BAD_TYPE, "field 'ts' must be an integer");
    }

    @Test
    void missingCellsAndMalformedRowsAreRejectedByTheDecoder() throws Exception {
        CsvMapping.Bound b = mapping(CsvMapping.DEFAULT_COLUMNS, Map.of()).bind(HEADER, "g.csv");
        assertRejected(b.map("MT-1,24.5,118.1"), PositionDecoder.MISSING_FIELD, "'operator'");
        assertRejected(b.map("MT-1,,118.1,2026-10-12 08:00:00,parked,meituan"), PositionDecoder.MISSING_FIELD, "'lat'");
        byte[] malformed = b.map("MT-1,\"24.5,118.1");
        assertThat(JSON.readTree(malformed).get(CsvMapping.PROBLEM_FIELD).get("problem").asText())
                .startsWith("malformed CSV");
        assertRejected(malformed, PositionDecoder.MISSING_FIELD, "'operator'");
    }

    @Test
    void aHeaderWithoutARequiredColumnFailsNamingFileAndColumn() {
        CsvMapping m = mapping(CsvMapping.DEFAULT_COLUMNS, Map.of());
        assertThatThrownBy(() -> m.bind("BIKE_ID,LATITUDE,LONGITUDE,STATE", "h.csv"))
                .hasMessageContaining("h.csv")
                .hasMessageContaining("column 'TIME' (field 'ts') is not in the header")
                .hasMessageContaining("column 'OPERATOR' (field 'operator') is not in the header and no --operator");
        assertThatThrownBy(() -> CsvMapping.of("bikeId=A,speed=B", Map.of(), SHANGHAI, ','))
                .hasMessageContaining("'speed=B'");
    }

    private static CsvMapping mapping(String spec, Map<String, String> defaults) {
        return CsvMapping.of(spec, new HashMap<>(defaults), SHANGHAI, ',');
    }

    private static void assertRejected(byte[] json, String reason, String detail) {
        assertThatThrownBy(() -> DECODER.decode(json))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.detail()).contains(detail);
                });
    }
}
