package org.bikefence.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.job.ScenarioFixtures.BAD;
import static org.bikefence.job.ScenarioFixtures.IN_NO_PARK;
import static org.bikefence.job.ScenarioFixtures.IN_PARKING;
import static org.bikefence.job.ScenarioFixtures.IN_STREET;
import static org.bikefence.job.ScenarioFixtures.MIN;
import static org.bikefence.job.ScenarioFixtures.SCRIPT;
import static org.bikefence.job.ScenarioFixtures.T;
import static org.bikefence.job.ScenarioFixtures.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.SoftAssertions;
import org.bikefence.config.JobOptions;
import org.bikefence.dashboards.BikefenceSchema.Measurement;
import org.bikefence.dashboards.GrafanaInfluxQl.Select;
import org.bikefence.dashboards.GrafanaInfluxQl.Variable;
import org.bikefence.ingest.FeedHealth;
import org.bikefence.ingest.FeedHealthWriter;
import org.bikefence.job.ScenarioFixtures;
import org.bikefence.job.ScenarioFixtures.Msg;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.rules.Category;
import org.bikefence.rules.OperatorQuota;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grafana dashboards against the real data path: the scripted morning (plus a zombie, overdue faulty and
 * out-of-area bike, bikes piled into small parking fences for accumulation events, fence updates and adapters'
 * feed health) runs through Kafka and the job into influxd; then
 * every panel's InfluxQL, interpolated as Grafana does, must return the columns the panel shows. Statically,
 * panels may query only what README's schema documents, and that schema must be what influxd holds.
 */
@ExtendWith(KafkaExtension.class)
class DashboardQueriesITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path GRAFANA = Path.of("..", "docker", "grafana");
    private static final Path DASHBOARDS = GRAFANA.resolve("dashboards");
    private static final String DATASOURCE_UID = "bikefence-influx";
    private static final Pattern BILINGUAL_HAN = Pattern.compile("\\p{IsHan}");
    private static final Pattern BILINGUAL_LATIN = Pattern.compile("[A-Za-z]{2,}");

    private static final long HOUR = 60 * MIN;
    private static final long DAY = 24 * HOUR;
    /**
     * The time picker's range in the test: every point the scenario writes, from the start of its month (where
     * the monthly points are, and where the monthly panels' "now/M" starts) to the zombie's seventh day.
     */
    private static final long FROM = java.time.Instant.parse("2026-09-30T16:00:00Z").toEpochMilli();
    private static final long TO = T + 8 * DAY;
    /** Grafana's $__interval for the panels: the data source's minimum interval (timeInterval: 1m). */
    private static final String INTERVAL = "1m";

    /** Outside the test operating area (AREA spans 24.49-24.51 N, 118.09-118.11 E). */
    private static final double[] OUT_OF_AREA = {24.48, 118.08};
    /**
     * Bikes beyond the script so every violation type exists: MT-O stands outside the operating area for 70 min,
     * HL-F reports faulty for 25 h (still faulty), MT-F for 26 h and is then repaired (the violation closes),
     * MT-Z stands still for 7 days. Each bike's later report proves its deadline passed. Sent after the script,
     * no report earlier than the script's last minute, so none is behind the watermark.
     */
    private static final List<Msg> EXTRAS = List.of(
            report("meituan", "MT-O", T + 60 * MIN, OUT_OF_AREA, "parked"),
            report("hello", "HL-F", T + 61 * MIN, IN_STREET, "faulty"),
            report("meituan", "MT-F", T + 61 * MIN, IN_STREET, "faulty"),
            report("meituan", "MT-Z", T + 62 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-N", T + 63 * MIN, IN_NO_PARK, "parked"),
            report("hello", "HL-N", T + 80 * MIN, IN_NO_PARK, "parked"),
            report("meituan", "MT-O", T + 130 * MIN, OUT_OF_AREA, "parked"),
            report("meituan", "MT-F", T + 61 * MIN + 25 * HOUR, IN_STREET, "faulty"),
            report("hello", "HL-F", T + 61 * MIN + 26 * HOUR, IN_STREET, "faulty"),
            report("meituan", "MT-F", T + 61 * MIN + 27 * HOUR, IN_STREET, "parked"),
            report("meituan", "MT-Z", T + 63 * MIN + 7 * DAY, IN_PARKING, "parked"));

    /**
     * The job's fences in this test: the integration-test fences plus two small parking fences (capacity 2), so
     * accumulation (淤积) events happen. Also published as the accepted fence update, so they stay active.
     */
    static final String FENCES = "src/test/resources/dashboards/dash-fences.geojson";
    /** Inside parking fence P-S (capacity 2) of {@link #FENCES}. */
    static final double[] IN_SMALL_PARKING = {24.5051, 118.1051};
    /** Inside parking fence P-T (capacity 2) of {@link #FENCES}. */
    static final double[] IN_SMALL_PARKING_T = {24.5051, 118.0951};
    /** Meituan bikes piled into P-S: more than the rule set's cell threshold (30) in one H3 cell too. */
    static final int PILE = 31;

    /**
     * Accumulation: {@link #PILE} Meituan bikes park in P-S at T+70 and are still there at T+110, so P-S is over
     * its capacity and their H3 cell over the threshold for 40 minutes (both events open and stay open); three
     * Hello bikes park in P-T at T+70 and one rides away at T+110 (P-T's event opens at T+101 and is cleared).
     * Sorted into {@link #EXTRAS} by time, so no report is behind the watermark.
     */
    private static List<Msg> accumulationReports() {
        List<Msg> out = new ArrayList<>();
        for (int i = 1; i <= PILE; i++) {
            out.add(report("meituan", String.format("MT-P%02d", i), T + 70 * MIN, IN_SMALL_PARKING, "parked"));
        }
        for (int i = 1; i <= 3; i++) {
            out.add(report("hello", "HL-P" + i, T + 70 * MIN, IN_SMALL_PARKING_T, "parked"));
        }
        for (int i = 1; i <= PILE; i++) {
            out.add(report("meituan", String.format("MT-P%02d", i), T + 110 * MIN, IN_SMALL_PARKING, "parked"));
        }
        out.add(report("hello", "HL-P1", T + 110 * MIN, IN_STREET, "riding"));
        out.add(report("hello", "HL-P2", T + 110 * MIN, IN_SMALL_PARKING_T, "parked"));
        out.add(report("hello", "HL-P3", T + 110 * MIN, IN_SMALL_PARKING_T, "parked"));
        return out;
    }

    private static long tsOf(Msg m) {
        Matcher ts = Pattern.compile("\"ts\":(\\d+)").matcher(m.value());
        return ts.find() ? Long.parseLong(ts.group(1)) : Long.MIN_VALUE;
    }

    private static RuleSet rules;
    private static List<Panel> panels;
    private static List<Dashboard> dashboards;

    /** A dashboard file and its JSON. */
    record Dashboard(String file, JsonNode json) {}

    /** A panel and the dashboard it is on. */
    record Panel(Dashboard dashboard, JsonNode json) {
        String title() {
            return json.path("title").asText();
        }

        @Override
        public String toString() {
            return dashboard.file() + " / " + title();
        }
    }

    @BeforeAll
    static void runTheScenarioIntoInfluxd() throws Exception {
        rules = RuleSetLoader.load(Path.of(ScenarioFixtures.RULES));
        dashboards = new ArrayList<>();
        panels = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                Dashboard d = new Dashboard(f.getFileName().toString(), JSON.readTree(f.toFile()));
                dashboards.add(d);
                collectPanels(d, d.json().path("panels"));
            }
        }

        LocalKafka kafka = KafkaExtension.kafka();
        String suffix = Long.toString(System.nanoTime());
        String positions = "dash-positions-" + suffix;
        String fences = "dash-geofences-" + suffix;
        kafka.createTopics(2, positions, "dash-dlq-" + suffix, fences, "dash-violations-" + suffix);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            List<Msg> all = new ArrayList<>(SCRIPT);
            for (int i = 0; i < BAD.size(); i++) {
                all.add(3 + i * 5, BAD.get(i));
            }
            List<Msg> extras = new ArrayList<>(EXTRAS);
            extras.addAll(accumulationReports());
            extras.sort(java.util.Comparator.comparingLong(DashboardQueriesITCase::tsOf)); // stable: EXTRAS' order kept
            all.addAll(extras);
            for (Msg m : all) {
                producer.send(new ProducerRecord<>(positions, bytes(m.key()), bytes(m.value()))).get();
            }
            // Fence updates as `fences publish` sends them: the same set again (accepted) and an unreadable file.
            producer.send(new ProducerRecord<>(fences, null, T + MIN / 2, bytes("huli"),
                    Files.readAllBytes(Path.of(FENCES)))).get();
            producer.send(new ProducerRecord<>(fences, null, T + 3 * MIN / 2, bytes("huli"),
                    bytes("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"))).get();
        }
        BoundedJobRun.over(kafka, positions, INFLUX.influxd(), INFLUX.database())
                .with(JobOptions.KAFKA_FENCES_TOPIC, fences)
                .with(JobOptions.FENCES, FENCES)
                .with(JobOptions.RULES, ScenarioFixtures.RULES)
                .run();

        writeFeedHealth();
    }

    /** What two adapters would have written while the scenario ran: a GBFS poll and an MDS poll every 30 s. */
    private static void writeFeedHealth() throws IOException {
        try (FeedHealthWriter writer = FeedHealthWriter.v1(INFLUX.influxd().url(), INFLUX.database(), null, null)) {
            long lastMeituan = T;
            for (int k = 0; k <= 10; k++) {
                long at = T + k * MIN / 2;
                assertThat(writer.write(new FeedHealth("hello", "free_bike_status", at, at, 3, 0, 3, 0, 20_000L, 0,
                        0, null))).isTrue();
                FeedHealth meituan = k == 5
                        ? FeedHealth.failure("meituan", "vehicles_status", at, lastMeituan, 1, "http_503")
                        : new FeedHealth("meituan", "vehicles_status", at, at, 4, 1, 3, 1, 95_000L, 0, 0, null);
                if (k != 5) {
                    lastMeituan = at;
                }
                assertThat(writer.write(meituan)).isTrue();
            }
        }
    }

    @Test
    void provisioningNamesTheInfluxDataSourceTheDashboardsUse() throws IOException {
        JsonNode ds = YAML.readTree(GRAFANA.resolve("provisioning/datasources/influxdb.yaml").toFile())
                .path("datasources").path(0);
        assertThat(ds.path("uid").asText()).isEqualTo(DATASOURCE_UID);
        assertThat(ds.path("type").asText()).isEqualTo("influxdb");
        assertThat(ds.path("url").asText()).isEqualTo("${BIKEFENCE_INFLUX_URL}");
        assertThat(ds.path("jsonData").path("dbName").asText()).isEqualTo("bikefence");
        assertThat(ds.path("jsonData").path("version").asText()).isEqualTo("InfluxQL");

        JsonNode provider = YAML.readTree(GRAFANA.resolve("provisioning/dashboards/dashboards.yaml").toFile())
                .path("providers").path(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).isNotBlank();

        assertThat(dashboards).extracting(d -> d.json().path("title").asText()).containsExactlyInAnyOrder(
                "城市总览 City overview", "地图 Map", "停放围栏 Parking fences", "僵尸车与故障车 Zombie and faulty bikes",
                "数据接入 Feed health", "月度考核 Monthly assessment");
        assertThat(dashboards).extracting(d -> d.json().path("uid").asText()).doesNotHaveDuplicates()
                .allSatisfy(uid -> assertThat(uid).matches("[a-z0-9-]{1,40}"));
    }

    @Test
    void everyPanelHasABilingualTitleAndTheProvisionedDataSource() {
        SoftAssertions soft = new SoftAssertions();
        for (Dashboard d : dashboards) {
            soft.assertThat(bilingual(d.json().path("title").asText())).as(d.file() + " title").isTrue();
            for (JsonNode v : d.json().path("templating").path("list")) {
                soft.assertThat(bilingual(v.path("label").asText())).as(d.file() + " variable label").isTrue();
                soft.assertThat(v.path("datasource").path("uid").asText()).as(d.file() + " variable data source")
                        .isEqualTo(DATASOURCE_UID);
            }
        }
        assertThat(panels).hasSizeGreaterThanOrEqualTo(40);
        for (Panel p : panels) {
            soft.assertThat(bilingual(p.title())).as(p + ": title in Chinese and English").isTrue();
            soft.assertThat(p.json().path("description").asText()).as(p + ": description").isNotBlank();
            soft.assertThat(p.json().path("datasource").path("uid").asText()).as(p + ": data source")
                    .isEqualTo(DATASOURCE_UID);
            soft.assertThat(p.json().path("targets")).as(p + ": queries").isNotEmpty();
            for (JsonNode t : p.json().path("targets")) {
                soft.assertThat(t.path("datasource").path("uid").asText(DATASOURCE_UID)).as(p + ": target data source")
                        .isEqualTo(DATASOURCE_UID);
                soft.assertThat(t.path("rawQuery").asBoolean()).as(p + ": raw InfluxQL").isTrue();
                soft.assertThat(t.path("resultFormat").asText()).as(p + ": result format")
                        .isIn("time_series", "table");
            }
        }
        soft.assertAll();
    }

    @Test
    void panelsQueryOnlyMeasurementsFieldsAndTagsTheJobAndAdaptersWrite() {
        Map<String, Measurement> schema = BikefenceSchema.of(rules);
        SoftAssertions soft = new SoftAssertions();
        for (Panel p : panels) {
            for (JsonNode t : p.json().path("targets")) {
                Select s = GrafanaInfluxQl.parse(interpolateAll(p, t.path("query").asText()));
                soft.assertThat(schema).as(p + ": measurement").containsKey(s.measurement());
                Measurement m = schema.getOrDefault(s.measurement(), new Measurement(Set.of(), Set.of()));
                for (String id : s.identifiers()) {
                    soft.assertThat(m.has(id)).as(p + ": '" + id + "' is not a tag or field of " + s.measurement())
                            .isTrue();
                }
                soft.assertThat(s.groupByTags()).as(p + ": GROUP BY tags only").allMatch(m.tags()::contains);
            }
        }
        Pattern showTagValues = Pattern.compile("SHOW TAG VALUES FROM \"(\\w+)\" WITH KEY = \"(\\w+)\"");
        for (Dashboard d : dashboards) {
            for (JsonNode v : d.json().path("templating").path("list")) {
                Matcher mm = showTagValues.matcher(variableQuery(v));
                soft.assertThat(mm.matches()).as(d.file() + " variable " + v.path("name")).isTrue();
                if (mm.matches()) {
                    soft.assertThat(schema.get(mm.group(1))).as(variableQuery(v)).isNotNull();
                    if (schema.get(mm.group(1)) != null) {
                        soft.assertThat(schema.get(mm.group(1)).tags()).as(variableQuery(v)).contains(mm.group(2));
                    }
                }
            }
        }
        soft.assertAll();
    }

    /** The test's schema list mirrors README; influxd, after a run, must hold exactly what that list allows. */
    @Test
    void theSchemaListIsWhatTheRunWroteToInfluxd() throws IOException {
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();
        Map<String, Measurement> schema = BikefenceSchema.of(rules);
        Map<String, Set<String>> fields = keysBySeries(influx.query(db, "SHOW FIELD KEYS"));
        Map<String, Set<String>> tags = keysBySeries(influx.query(db, "SHOW TAG KEYS"));
        assertThat(fields.keySet()).containsExactlyInAnyOrderElementsOf(schema.keySet());
        SoftAssertions soft = new SoftAssertions();
        fields.forEach((measurement, keys) -> soft.assertThat(schema.get(measurement).fields())
                .as("fields of " + measurement + " in influxd, documented").containsAll(keys));
        tags.forEach((measurement, keys) -> soft.assertThat(schema.get(measurement).tags())
                .as("tags of " + measurement + " in influxd, documented").containsAll(keys));
        // Every field the dashboards read is one the run wrote (cat_/m_ fields exist only as the rule set prices).
        for (Panel p : panels) {
            for (JsonNode t : p.json().path("targets")) {
                Select s = GrafanaInfluxQl.parse(interpolateAll(p, t.path("query").asText()));
                Set<String> written = new TreeSet<>(fields.getOrDefault(s.measurement(), Set.of()));
                written.addAll(tags.getOrDefault(s.measurement(), Set.of()));
                soft.assertThat(written).as(p + ": written to " + s.measurement()).containsAll(s.identifiers());
            }
        }
        soft.assertAll();
    }

    /** The piles do what the hotspot panels need: P-S and its H3 cell stay over their limits, P-T is cleared. */
    @Test
    void thePilesOpenAndClearAccumulationEvents() throws IOException {
        JsonNode response = INFLUX.influxd().query(INFLUX.database(), "SELECT \"status\", \"peak_bikes\", \"operators\""
                + " FROM \"accumulation\" GROUP BY \"area\", \"area_id\", \"operator\"");
        List<String> events = new ArrayList<>();
        for (JsonNode series : response.path("results").path(0).path("series")) {
            JsonNode tags = series.path("tags");
            String id = tags.path("area").asText().equals("cell") ? "<cell>" : tags.path("area_id").asText();
            for (JsonNode row : series.path("values")) {
                events.add(tags.path("area").asText() + " " + id + " " + tags.path("operator").asText() + ": "
                        + row.path(1).asText() + " peak " + row.path(2).asText() + " " + row.path(3).asText());
            }
        }
        assertThat(events).containsExactlyInAnyOrder(
                "fence P-S : open peak " + PILE + " meituan",
                "cell <cell> meituan: open peak " + PILE + " meituan",
                "fence P-T : cleared peak 3 hello");
    }

    /**
     * The per-operator occupancy traces each pile to its operator: P-S holds the Meituan pile, P-T Hello's two
     * bikes left after one rode away, the pile's H3 cell Meituan's bikes; and per area the operators' last
     * counts add up to the all-operator count.
     */
    @Test
    void perOperatorOccupancyTracesThePilesToTheirOperatorsAndAddsUpToTheAreaCount() throws IOException {
        Map<String, Long> fences = lastBikes("fence_operator_occupancy", "fence_id", true);
        assertThat(fences).containsEntry("P-S meituan", (long) PILE).containsEntry("P-T hello", 2L)
                .doesNotContainKey("P-S hello").doesNotContainKey("P-T meituan");
        Map<String, Long> cells = lastBikes("cell_operator_occupancy", "cell", true);
        assertThat(cells).containsValue((long) PILE);
        for (String[] m : new String[][] {{"fence_occupancy", "fence_operator_occupancy", "fence_id"},
                {"cell_occupancy", "cell_operator_occupancy", "cell"}}) {
            Map<String, Long> sums = new TreeMap<>();
            lastBikes(m[1], m[2], true).forEach((k, n) -> sums.merge(k.substring(0, k.indexOf(' ')), n, Long::sum));
            assertThat(sums).as(m[1] + " summed over operators, per area").isEqualTo(lastBikes(m[0], m[2], false));
        }
    }

    /**
     * Bikes standing now and the day's peak: each operator's {@code operator_standing_day} point is the most of
     * its {@code operator_minute.bikes_standing} on that day (the bikes standing at the day's start included), with
     * the rule set's quota; Meituan's pile stands in P-S at once, so its first day's peak holds the whole pile.
     */
    @Test
    void theDaysPeakOfBikesStandingIsTheMostOfTheMinutesAgainstTheQuota() throws IOException {
        java.time.ZoneId zone = rules.timeZone();
        Map<String, TreeMap<Long, Long>> standing = new TreeMap<>();
        for (JsonNode series : INFLUX.influxd().query(INFLUX.database(), "SELECT \"bikes_standing\" FROM"
                + " \"operator_minute\" GROUP BY \"operator\"").path("results").path(0).path("series")) {
            TreeMap<Long, Long> byMinute = new TreeMap<>();
            series.path("values").forEach(row -> byMinute.put(epochMs(row.path(0)), row.path(1).asLong()));
            standing.put(series.path("tags").path("operator").asText(), byMinute);
        }
        assertThat(standing).containsKeys("hello", "meituan");
        Map<String, Long> peaks = new TreeMap<>();
        for (JsonNode series : INFLUX.influxd().query(INFLUX.database(), "SELECT \"peak_standing\", \"fleet_quota\","
                + " \"peak_quota_pct\" FROM \"operator_standing_day\" GROUP BY \"operator\"").path("results").path(0)
                .path("series")) {
            String op = series.path("tags").path("operator").asText();
            long quota = rules.operators().get(op).fleetQuota();
            for (JsonNode row : series.path("values")) {
                long day = epochMs(row.path(0));
                long end = java.time.Instant.ofEpochMilli(day).atZone(zone).plusDays(1).toInstant().toEpochMilli();
                TreeMap<Long, Long> minutes = standing.get(op);
                long expected = minutes.subMap(day, end).values().stream().mapToLong(Long::longValue).max()
                        .orElseThrow();
                Map.Entry<Long, Long> atStart = minutes.lowerEntry(day);
                if (atStart != null) {
                    expected = Math.max(expected, atStart.getValue());
                }
                assertThat(row.path(1).asLong()).as(op + " peak on the day from " + day).isEqualTo(expected);
                assertThat(row.path(2).asLong()).as(op + " quota").isEqualTo(quota);
                assertThat(row.path(3).asDouble()).as(op + " peak / quota").isEqualTo(100.0 * expected / quota);
                peaks.putIfAbsent(op, expected);
            }
        }
        assertThat(peaks.keySet()).as("a day point for every operator with minutes").isEqualTo(standing.keySet());
        assertThat(peaks.get("meituan")).as("the pile in P-S stands at once").isGreaterThanOrEqualTo(PILE);
    }

    /**
     * The 5-minute "now" snapshots agree with the violation points: at each snapshot time, each type's open count
     * is the number of violations opened before it and not closed before it; MT-O's out-of-area violation, open
     * from the first morning to the end, is in Meituan's snapshots of the seventh day with no look-back window.
     */
    @Test
    void everySnapshotCountsTheViolationsOpenAtItsTime() throws IOException {
        Map<String, List<long[]>> violations = new TreeMap<>();
        for (JsonNode series : INFLUX.influxd().query(INFLUX.database(), "SELECT \"status\", \"closed_at\" FROM \"violation\""
                + " GROUP BY \"operator\", \"type\"").path("results").path(0).path("series")) {
            String key = series.path("tags").path("operator").asText() + " " + series.path("tags").path("type").asText();
            for (JsonNode row : series.path("values")) {
                violations.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[] {row.path(0).asLong(),
                        row.path(2).isNull() ? Long.MAX_VALUE : row.path(2).asLong()});
            }
        }
        String[][] fields = {{"open_no_park", "no_park"}, {"open_out_of_area", "out_of_area"},
                {"open_zombie", "zombie"}, {"open_faulty_overdue", "faulty_overdue"}};
        int snapshots = 0;
        long lastOutOfAreaOpen = 0;
        SoftAssertions soft = new SoftAssertions();
        for (JsonNode series : INFLUX.influxd().query(INFLUX.database(), "SELECT \"open_no_park\","
                + " \"open_out_of_area\", \"open_zombie\", \"open_faulty_overdue\" FROM \"operator_now\""
                + " GROUP BY \"operator\"").path("results").path(0).path("series")) {
            String op = series.path("tags").path("operator").asText();
            for (JsonNode row : series.path("values")) {
                long at = row.path(0).asLong();
                soft.assertThat(at % (5 * MIN)).as("a snapshot on a 5-minute boundary").isZero();
                for (int i = 0; i < fields.length; i++) {
                    long open = violations.getOrDefault(op + " " + fields[i][1], List.of()).stream()
                            .filter(v -> v[0] < at && v[1] >= at).count();
                    soft.assertThat(row.path(i + 1).asLong()).as(op + " " + fields[i][0] + " at " + at).isEqualTo(open);
                }
                if (op.equals("meituan") && row.path(2).asLong() > 0) {
                    lastOutOfAreaOpen = Math.max(lastOutOfAreaOpen, at);
                }
                snapshots++;
            }
        }
        soft.assertAll();
        assertThat(snapshots).isGreaterThan(100);
        long opened = violations.get("meituan out_of_area").get(0)[0];
        assertThat(lastOutOfAreaOpen).as("MT-O's violation, open from the first morning, in the last day's snapshots")
                .isGreaterThanOrEqualTo(opened + 6 * DAY);
    }

    /** Each operator's snapshot times: those of its {@code operator_now} points (the same 5-minute boundaries). */
    private static Map<String, TreeSet<Long>> snapshotTimes() throws IOException {
        Map<String, TreeSet<Long>> times = new TreeMap<>();
        for (JsonNode series : INFLUX.influxd().query(INFLUX.database(), "SELECT \"bikes_standing\" FROM"
                + " \"operator_now\" GROUP BY \"operator\"").path("results").path(0).path("series")) {
            TreeSet<Long> t = new TreeSet<>();
            series.path("values").forEach(row -> t.add(epochMs(row.path(0))));
            times.put(series.path("tags").path("operator").asText(), t);
        }
        return times;
    }

    /** The tag values of a series, in the order given, joined by spaces (a missing tag as ""). */
    private static String tags(JsonNode series, String... names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            b.append(b.length() == 0 ? "" : " ").append(series.path("tags").path(n).asText());
        }
        return b.toString();
    }

    /**
     * The per-violation snapshots agree with the violation points: at each of an operator's snapshot times, the
     * violations with status open are exactly those opened at or before it and closed after it (one closed
     * exactly at the time is not in it), and a violation that was in a snapshot gets one point with status closed at
     * the first snapshot after it closed. MT-O's out-of-area violation, open from the first morning to the end, is
     * in the last day's snapshots with no look-back window.
     */
    @Test
    void everyViolationSnapshotHoldsTheViolationsOpenAtItsTime() throws IOException {
        String[] series = {"operator", "type", "bike_id", "fence_id"};
        // "operator type bike fence" -> [opened, closed or MAX]
        Map<String, List<long[]>> violations = new TreeMap<>();
        for (JsonNode s : INFLUX.influxd().query(INFLUX.database(), "SELECT \"status\", \"closed_at\" FROM"
                + " \"violation\" GROUP BY \"operator\", \"type\", \"bike_id\", \"fence_id\"").path("results")
                .path(0).path("series")) {
            for (JsonNode row : s.path("values")) {
                violations.computeIfAbsent(tags(s, series), k -> new ArrayList<>()).add(new long[] {
                        epochMs(row.path(0)), row.path(2).isNull() ? Long.MAX_VALUE : row.path(2).asLong()});
            }
        }
        // "operator time" -> "type bike fence opened_at" open, and the closed points.
        Map<String, Set<String>> open = new TreeMap<>();
        List<String[]> closed = new ArrayList<>();
        for (JsonNode s : INFLUX.influxd().query(INFLUX.database(), "SELECT \"status\", \"opened_at\" FROM"
                + " \"violation_now\" GROUP BY \"operator\", \"type\", \"bike_id\", \"fence_id\"")
                .path("results").path(0).path("series")) {
            String key = tags(s, series);
            String op = key.substring(0, key.indexOf(' '));
            for (JsonNode row : s.path("values")) {
                long at = epochMs(row.path(0));
                if (row.path(1).asText().equals("open")) {
                    open.computeIfAbsent(op + " " + at, k -> new TreeSet<>())
                            .add(key.substring(op.length() + 1) + " " + row.path(2).asLong());
                } else {
                    closed.add(new String[] {key, Long.toString(at)});
                }
            }
        }
        Map<String, TreeSet<Long>> times = snapshotTimes();
        SoftAssertions soft = new SoftAssertions();
        int compared = 0;
        for (Map.Entry<String, TreeSet<Long>> e : times.entrySet()) {
            for (long at : e.getValue()) {
                Set<String> expected = new TreeSet<>();
                violations.forEach((key, list) -> {
                    if (key.startsWith(e.getKey() + " ")) {
                        for (long[] v : list) {
                            if (v[0] <= at && at < v[1]) {
                                expected.add(key.substring(e.getKey().length() + 1) + " " + v[0]);
                            }
                        }
                    }
                });
                soft.assertThat(open.getOrDefault(e.getKey() + " " + at, Set.of())).as(e.getKey() + " at " + at)
                        .isEqualTo(expected);
                compared += expected.size();
            }
        }
        for (String[] c : closed) {
            String op = c[0].substring(0, c[0].indexOf(' '));
            long at = Long.parseLong(c[1]);
            Long before = times.get(op).lower(at);
            soft.assertThat(violations.get(c[0])).as(c[0] + " closed at the snapshot " + at).anySatisfy(v -> {
                assertThat(v[1]).isLessThanOrEqualTo(at);
                assertThat(before).isNotNull();
                assertThat(v[0]).isLessThanOrEqualTo(before);
                assertThat(v[1]).isGreaterThan(before);
            });
        }
        soft.assertAll();
        assertThat(compared).as("open violations compared over all snapshots").isGreaterThan(1000);
        assertThat(closed).as("violations that closed after being in a snapshot").isNotEmpty();
        long opened = violations.keySet().stream().filter(k -> k.startsWith("meituan out_of_area MT-O"))
                .map(k -> violations.get(k).get(0)[0]).findFirst().orElseThrow();
        long last = times.get("meituan").last();
        assertThat(last).isGreaterThanOrEqualTo(opened + 6 * DAY);
        assertThat(open.get("meituan " + last)).as("MT-O in Meituan's last snapshot")
                .anyMatch(v -> v.startsWith("out_of_area MT-O "));
    }

    /**
     * The per-area snapshots agree with the change points: at each of an operator's snapshot times, its bikes in a
     * fence or cell are the count of the area's last change point at or before that time (a count of 0 written at
     * most once, then nothing); the piles are in the last snapshots.
     */
    @Test
    void everyOccupancySnapshotIsTheLastChangeAtOrBeforeItsTime() throws IOException {
        Map<String, TreeSet<Long>> times = snapshotTimes();
        for (String[] m : new String[][] {{"fence_operator_occupancy", "fence_operator_now", "fence_id"},
                {"cell_operator_occupancy", "cell_operator_now", "cell"}}) {
            Map<String, TreeMap<Long, Long>> changes = bikesBySeries(m[0], m[2]);
            Map<String, TreeMap<Long, Long>> snapshots = bikesBySeries(m[1], m[2]);
            SoftAssertions soft = new SoftAssertions();
            int nonZero = 0;
            // A cell is in the snapshots while the operator has now.cell-min-bikes there; a fence while it has any.
            long min = m[1].startsWith("cell") ? JobOptions.NOW_CELL_MIN_BIKES.defaultValue() : 1;
            for (Map.Entry<String, TreeMap<Long, Long>> c : changes.entrySet()) {
                String op = c.getKey().substring(c.getKey().indexOf(' ') + 1);
                TreeMap<Long, Long> snap = snapshots.getOrDefault(c.getKey(), new TreeMap<>());
                boolean belowWritten = false;
                for (long at : times.get(op)) {
                    Map.Entry<Long, Long> change = c.getValue().floorEntry(at);
                    long expected = change == null ? 0 : change.getValue();
                    Long got = snap.get(at);
                    if (expected >= min) {
                        soft.assertThat(got).as(m[1] + " " + c.getKey() + " at " + at).isEqualTo(expected);
                        nonZero++;
                        belowWritten = false;
                    } else if (got != null) {
                        // The series' last point: the count it fell to, once.
                        soft.assertThat(got).as(m[1] + " " + c.getKey() + " at " + at).isEqualTo(expected);
                        soft.assertThat(belowWritten).as(m[1] + " " + c.getKey() + " below again at " + at).isFalse();
                        belowWritten = true;
                    }
                }
            }
            soft.assertAll();
            assertThat(nonZero).as(m[1] + " points compared").isGreaterThan(min > 1 ? 10 : 100);
            assertThat(snapshots.keySet()).as(m[1] + " series, each with a change point")
                    .isSubsetOf(changes.keySet());
        }
        Map<String, TreeMap<Long, Long>> fences = bikesBySeries("fence_operator_now", "fence_id");
        assertThat(fences.get("P-S meituan").lastEntry().getValue()).isEqualTo((long) PILE);
        assertThat(fences.get("P-T hello").lastEntry().getValue()).isEqualTo(2L);
    }

    /** Per "area operator" series, the bikes field by time. */
    private static Map<String, TreeMap<Long, Long>> bikesBySeries(String measurement, String areaTag)
            throws IOException {
        Map<String, TreeMap<Long, Long>> out = new TreeMap<>();
        for (JsonNode s : INFLUX.influxd().query(INFLUX.database(), "SELECT \"bikes\" FROM \"" + measurement
                + "\" GROUP BY \"" + areaTag + "\", \"operator\"").path("results").path(0).path("series")) {
            TreeMap<Long, Long> byTime = new TreeMap<>();
            s.path("values").forEach(row -> byTime.put(epochMs(row.path(0)), row.path(1).asLong()));
            out.put(tags(s, areaTag, "operator"), byTime);
        }
        return out;
    }

    /**
     * The accumulation snapshots: each series' last point says what is open now (P-S's and the pile cell's events
     * stay open, P-T's was cleared), and an open point is never earlier than its event went over the limit.
     */
    @Test
    void theAccumulationSnapshotsEndWithWhatIsOpen() throws IOException {
        Map<String, String> last = new TreeMap<>();
        for (JsonNode s : INFLUX.influxd().query(INFLUX.database(), "SELECT \"status\", \"over_since\" FROM"
                + " \"accumulation_now\" GROUP BY \"area\", \"area_id\", \"operator\"").path("results").path(0)
                .path("series")) {
            String area = s.path("tags").path("area").asText();
            String key = area + " " + (area.equals("cell") ? "<cell>" : s.path("tags").path("area_id").asText()) + " "
                    + s.path("tags").path("operator").asText();
            for (JsonNode row : s.path("values")) {
                assertThat(epochMs(row.path(0))).as(key).isGreaterThanOrEqualTo(row.path(2).asLong());
                last.put(key, row.path(1).asText());
            }
        }
        assertThat(last).containsOnly(Map.entry("fence P-S meituan", "open"), Map.entry("cell <cell> meituan", "open"),
                Map.entry("fence P-T hello", "cleared"));
    }

    /** A row's time as the test's influxd queries return it (epoch=ms). */
    private static long epochMs(JsonNode influxTime) {
        return influxTime.asLong();
    }

    /** The last bikes count per area ("area" or "area operator"), as the occupancy panels read it. */
    private static Map<String, Long> lastBikes(String measurement, String areaTag, boolean perOperator)
            throws IOException {
        JsonNode response = INFLUX.influxd().query(INFLUX.database(), "SELECT last(\"bikes\") AS \"bikes\" FROM \""
                + measurement + "\" GROUP BY \"" + areaTag + "\"" + (perOperator ? ", \"operator\"" : ""));
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode series : response.path("results").path(0).path("series")) {
            String key = series.path("tags").path(areaTag).asText()
                    + (perOperator ? " " + series.path("tags").path("operator").asText() : "");
            out.put(key, series.path("values").path(0).path(1).asLong());
        }
        return out;
    }

    @Test
    void everyPanelQueryReturnsTheColumnsItsPanelShows() throws IOException {
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();
        SoftAssertions soft = new SoftAssertions();
        int ran = 0;
        for (Panel p : panels) {
            for (JsonNode t : p.json().path("targets")) {
                String query = interpolateAll(p, t.path("query").asText());
                soft.assertThat(GrafanaInfluxQl.LEFT_OVER.matcher(query).find()).as(p + ": uninterpolated " + query)
                        .isFalse();
                Select s = GrafanaInfluxQl.parse(query);
                List<String> columns = new ArrayList<>(List.of("time"));
                columns.addAll(s.columns());
                List<String> got = new ArrayList<>();
                for (JsonNode series : influx.query(db, query).path("results").path(0).path("series")) {
                    Set<String> seriesTags = new TreeSet<>();
                    series.path("tags").fieldNames().forEachRemaining(seriesTags::add);
                    List<String> cols = new ArrayList<>();
                    series.path("columns").forEach(c -> cols.add(c.asText()));
                    if (cols.equals(columns) && seriesTags.equals(new TreeSet<>(s.groupByTags()))
                            && series.path("values").size() > 0) {
                        got.add(series.path("tags").toString());
                    }
                }
                soft.assertThat(got).as(p + ": series with columns " + columns + " and tags " + s.groupByTags()
                        + " for " + query).isNotEmpty();
                ran++;
                // Each single operator, as when one is picked in the variable: valid InfluxQL for influxd.
                for (String op : variableValues(p.dashboard()).getOrDefault("operator", List.of())) {
                    influx.query(db, interpolate(p, t.path("query").asText(), Map.of("operator", List.of(op))));
                    ran++;
                }
            }
        }
        soft.assertAll();
        System.out.println("dashboard queries run against influxd: " + ran + " (" + panels.size() + " panels)");
    }

    @Test
    void variablesListTheDataSOperatorsAndTypes() throws IOException {
        for (Dashboard d : dashboards) {
            Map<String, List<String>> values = variableValues(d);
            assertThat(values.get("operator")).as(d.file()).containsExactly("hello", "meituan");
            if (values.containsKey("type")) {
                assertThat(values.get("type")).containsExactlyInAnyOrder("faulty_overdue", "no_park", "out_of_area",
                        "zombie");
            }
        }
    }

    /** Panel options that name a column (maps, tables) name one its query returns; quotas follow the rule set. */
    @Test
    void panelOptionsNameColumnsTheQueriesReturnAndTheRuleSetsNumbers() {
        SoftAssertions soft = new SoftAssertions();
        for (Panel p : panels) {
            Set<String> columns = new LinkedHashSet<>(List.of("Time"));
            for (JsonNode t : p.json().path("targets")) {
                Select s = GrafanaInfluxQl.parse(interpolateAll(p, t.path("query").asText()));
                columns.addAll(s.columns());
                columns.addAll(s.groupByTags());
            }
            String type = p.json().path("type").asText();
            if (type.equals("geomap")) {
                for (JsonNode layer : p.json().path("options").path("layers")) {
                    soft.assertThat(columns).as(p + ": map coordinates").contains(
                            layer.path("location").path("latitude").asText(),
                            layer.path("location").path("longitude").asText());
                    JsonNode colour = layer.path("config").path("style").path("color").path("field");
                    if (!colour.isMissingNode()) {
                        soft.assertThat(columns).as(p + ": colour field").contains(colour.asText());
                    }
                }
            }
            Map<String, String> renamed = new HashMap<>();
            for (JsonNode tr : p.json().path("transformations")) {
                if (tr.path("id").asText().equals("organize")) {
                    tr.path("options").path("renameByName").fields().forEachRemaining(e -> {
                        soft.assertThat(columns).as(p + ": renamed column").contains(e.getKey());
                        renamed.put(e.getKey(), e.getValue().asText());
                    });
                    tr.path("options").path("excludeByName").fieldNames().forEachRemaining(
                            c -> soft.assertThat(columns).as(p + ": hidden column").contains(c));
                }
            }
            if (type.equals("table")) {
                Set<String> shown = new LinkedHashSet<>(columns);
                shown.addAll(renamed.values());
                for (JsonNode o : p.json().path("fieldConfig").path("overrides")) {
                    soft.assertThat(shown).as(p + ": override").contains(o.path("matcher").path("options").asText());
                }
                for (JsonNode sort : p.json().path("options").path("sortBy")) {
                    soft.assertThat(shown).as(p + ": sort column").contains(sort.path("displayName").asText());
                }
            } else {
                for (JsonNode o : p.json().path("fieldConfig").path("overrides")) {
                    // Series are named by operator ($tag_operator): the quota of that operator in the rule set.
                    String operator = o.path("matcher").path("options").asText();
                    soft.assertThat(rules.operators()).as(p + ": override for an operator").containsKey(operator);
                    OperatorQuota quota = rules.operators().get(operator);
                    if (quota != null) {
                        for (JsonNode prop : o.path("properties")) {
                            if (prop.path("id").asText().equals("max")) {
                                soft.assertThat(prop.path("value").asLong()).as(p + " " + operator + " max")
                                        .isEqualTo(quota.fleetQuota());
                            }
                            if (prop.path("id").asText().equals("thresholds")) {
                                JsonNode steps = prop.path("value").path("steps");
                                soft.assertThat(steps.path(steps.size() - 1).path("value").asLong())
                                        .as(p + " " + operator + " over-quota threshold").isEqualTo(quota.fleetQuota());
                            }
                        }
                    }
                }
            }
        }
        // Category score gauges are scaled to each category's weight.
        Panel categories = panels.stream().filter(p -> p.title().startsWith("分类得分")).findFirst().orElseThrow();
        for (Category c : rules.categories()) {
            soft.assertThat(categories.json().path("fieldConfig").path("overrides")).as(c.id())
                    .anySatisfy(o -> {
                        assertThat(o.path("matcher").path("options").asText()).startsWith(c.nameZh());
                        assertThat(maxOf(o)).isEqualTo(c.points().doubleValue());
                    });
        }
        soft.assertAll();
    }

    private static double maxOf(JsonNode override) {
        for (JsonNode prop : override.path("properties")) {
            if (prop.path("id").asText().equals("max")) {
                return prop.path("value").asDouble();
            }
        }
        return Double.NaN;
    }

    private static void collectPanels(Dashboard d, JsonNode list) {
        for (JsonNode p : list) {
            if (p.path("type").asText().equals("row")) {
                collectPanels(d, p.path("panels"));
            } else {
                panels.add(new Panel(d, p));
            }
        }
    }

    /** The query as Grafana sends it with every variable at "All". */
    private static String interpolateAll(Panel p, String query) {
        return interpolate(p, query, Map.of());
    }

    /** The query as Grafana sends it; variables not in {@code picked} are at "All". */
    private static String interpolate(Panel p, String query, Map<String, List<String>> picked) {
        Map<String, Variable> vars = new HashMap<>();
        try {
            variableValues(p.dashboard()).forEach((name, all) -> vars.put(name,
                    new Variable(name, true, picked.getOrDefault(name, all))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return GrafanaInfluxQl.interpolate(query, FROM, TO, INTERVAL, 60_000L, vars);
    }

    private static final Map<String, Map<String, List<String>>> VARIABLE_VALUES = new HashMap<>();

    /** Each variable's options, as Grafana gets them: its query against the data source. */
    private static Map<String, List<String>> variableValues(Dashboard d) throws IOException {
        Map<String, List<String>> cached = VARIABLE_VALUES.get(d.file());
        if (cached != null) {
            return cached;
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (JsonNode v : d.json().path("templating").path("list")) {
            assertThat(v.path("multi").asBoolean() || v.path("includeAll").asBoolean())
                    .as(d.file() + " " + v.path("name") + ": used in =~ /^$var$/, so multi/All (regex format)")
                    .isTrue();
            List<String> options = new ArrayList<>();
            for (JsonNode row : INFLUX.influxd().query(INFLUX.database(), variableQuery(v))
                    .path("results").path(0).path("series").path(0).path("values")) {
                options.add(row.path(1).asText());
            }
            values.put(v.path("name").asText(), options);
        }
        VARIABLE_VALUES.put(d.file(), values);
        return values;
    }

    private static String variableQuery(JsonNode variable) {
        JsonNode q = variable.path("query");
        return q.isObject() ? q.path("query").asText() : q.asText();
    }

    private static Map<String, Set<String>> keysBySeries(JsonNode response) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (JsonNode series : response.path("results").path(0).path("series")) {
            Set<String> keys = new TreeSet<>();
            series.path("values").forEach(row -> keys.add(row.path(0).asText()));
            out.put(series.path("name").asText(), keys);
        }
        return out;
    }

    private static boolean bilingual(String text) {
        return BILINGUAL_HAN.matcher(text).find() && BILINGUAL_LATIN.matcher(text).find();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
