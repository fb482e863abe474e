package org.bikefence.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.config.JobOptions;
import org.bikefence.job.ScenarioRecords;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scripted morning of 12 October 2026 goes through Kafka and the whole job into a real influxd; the report for
 * 2026-10 is generated from what the job wrote, rendered in headless Chromium, and checked against operator_month
 * and deduction as InfluxDB returns them.
 */
@ExtendWith(KafkaExtension.class)
class MonthlyReportITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    /** After the month: October is over, so every day of it must have data. */
    private static final Clock NOVEMBER = Clock.fixed(Instant.parse("2026-11-15T02:00:00Z"), ZoneOffset.UTC);
    private static final Path OUT = Paths.get("target", "report-it");

    @BeforeAll
    static void runTheScenarioThroughTheJob() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String suffix = String.valueOf(System.nanoTime());
        String positions = "report-positions-" + suffix;
        kafka.createTopics(2, positions, "report-dlq-" + suffix, "report-fences-" + suffix,
                "report-violations-" + suffix);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            for (String[] kv : ScenarioRecords.keysAndValues()) {
                producer.send(new ProducerRecord<>(positions, kv[0].getBytes(StandardCharsets.UTF_8),
                        kv[1].getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        BoundedJobRun.over(kafka, positions, INFLUX.influxd(), INFLUX.database())
                .with(JobOptions.FENCES, ScenarioRecords.FENCES)
                .with(JobOptions.RULES, ScenarioRecords.RULES)
                .run();
    }

    @Test
    void reportForOctoberShowsTheJobsScoresDeductionsAndEvidenceInChromium() throws Exception {
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();
        // What the job wrote: the expected figures.
        Map<String, String> expectedScores = new LinkedHashMap<>();
        for (String op : List.of("hello", "meituan")) {
            List<Object> row = influx.rows(db, "SELECT score, grade FROM operator_month WHERE operator = '" + op
                    + "' AND time = '2026-09-30T16:00:00Z'").get(0);
            expectedScores.put(op, String.format(java.util.Locale.ROOT, "%.2f", ((Number) row.get(1)).doubleValue()));
        }
        List<List<Object>> deductions = influx.rows(db, "SELECT points, rule_id, operator FROM deduction "
                + "WHERE points > 0 AND time = '2026-09-30T16:00:00Z'");
        assertThat(deductions).isNotEmpty();

        Path dir = OUT.resolve("2026-10");
        Report r = report(dir, "zh");
        assertThat(r.exit).as(r.err).isEqualTo(MonthlyReport.EXIT_OK);
        assertThat(r.err).contains("partial data: 30 of 31 days have no data: 2026-10-01..2026-10-11, "
                + "2026-10-13..2026-10-31");
        assertThat(dir.resolve("report.html")).exists();

        HeadlessChromium chromium = chromiumOrSkip();
        Path png = OUT.resolve("report-2026-10.png");
        Files.deleteIfExists(png);
        HeadlessChromium.Run shot = chromium.screenshot(dir.resolve("report.html"), png, 1400, 2000);
        assertThat(shot.exitCode()).as(shot.stderr()).isZero();
        assertThat(Arrays.copyOf(Files.readAllBytes(png), 4)).containsExactly(0x89, 'P', 'N', 'G');
        assertThat(Files.size(png)).isGreaterThan(20_000);

        HeadlessChromium.Run dom = chromium.dumpDom(dir.resolve("report.html"));
        assertThat(dom.exitCode()).isZero();
        assertThat(dom.consoleErrors()).as("console output of the page").isEmpty();
        String html = dom.stdout();
        assertThat(html).contains("哈啰", "美团", "huli-2026.1", "2026-10-01..2026-10-11, 2026-10-13..2026-10-31");
        for (Map.Entry<String, String> e : expectedScores.entrySet()) {
            Matcher m = Pattern.compile("<tr data-operator=\"" + e.getKey() + "\">.*?<td class=\"n score\">([^<]+)</td>")
                    .matcher(html);
            assertThat(m.find()).as("ranking row of " + e.getKey()).isTrue();
            assertThat(m.group(1)).as("score of " + e.getKey()).isEqualTo(e.getValue());
        }
        for (List<Object> d : deductions) {
            String anchor = ReportEvidence.sectionAnchor((String) d.get(3), (String) d.get(2));
            assertThat(html).contains("href=\"#" + anchor + "\"").contains("id=\"" + anchor + "\"");
        }
        // The no-park violations the job found are the evidence, linked from the cited ids.
        assertThat(html).contains("<code>MT-1</code>", "<code>MT-3</code>", "<code>NP-A</code>");

        byte[] pdf = Files.readAllBytes(dir.resolve("report.pdf"));
        assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");

        String scores = Files.readString(dir.resolve("scores.csv"), StandardCharsets.UTF_8);
        assertThat(scores).startsWith("\uFEFF月份 month,名次 rank,运营企业 operator");
        for (Map.Entry<String, String> e : expectedScores.entrySet()) {
            assertThat(scores).containsPattern("\r\n2026-10,\\d," + e.getKey() + ",[^,]*," + e.getValue() + ",");
        }
        String ded = Files.readString(dir.resolve("deductions.csv"), StandardCharsets.UTF_8);
        assertThat(ded).startsWith("\uFEFF月份 month,运营企业 operator");
        for (List<Object> d : deductions) {
            assertThat(ded).contains("2026-10," + d.get(3) + ",").containsPattern(d.get(2).toString().replace(".", "\\.")
                    + ",[^,]+,[^,]+," + String.format(java.util.Locale.ROOT, "%.2f", ((Number) d.get(1)).doubleValue()));
        }
    }

    @Test
    void englishReportPutsEnglishFirst() throws Exception {
        Report r = report(OUT.resolve("2026-10-en"), "en");
        assertThat(r.exit).as(r.err).isEqualTo(MonthlyReport.EXIT_OK);
        assertThat(Files.readString(OUT.resolve("2026-10-en/report.html")))
                .contains("<html lang=\"en\">", "Scores and ranking <span class=\"sub\">得分与排名</span>");
    }

    @Test
    void aMonthWithoutDataSaysSoAndExitsNonZero() throws Exception {
        Report r = report(OUT.resolve("2026-09"), "zh", "--month", "2026-09");
        assertThat(r.exit).isEqualTo(MonthlyReport.EXIT_NO_DATA);
        assertThat(r.err).contains("no data for 2026-09");
        assertThat(OUT.resolve("2026-09/report.html")).doesNotExist();
    }

    private record Report(int exit, String out, String err) {}

    private static Report report(Path dir, String lang, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--month", "2026-10", "--out", dir.toString(), "--lang",
                lang, "--influx.url", INFLUX.influxd().url(), "--influx.db", INFLUX.database(), "--rules",
                "../scoring-rules/rulesets"));
        args.addAll(List.of(extra)); // a later --month wins
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new MonthlyReport(ReportCommand.parse(args.toArray(String[]::new)), NOVEMBER,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run();
        return new Report(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Chromium, installed with apt-get when missing and we are root; skips only when neither works. */
    private static HeadlessChromium chromiumOrSkip() throws IOException, InterruptedException {
        Optional<HeadlessChromium> found = HeadlessChromium.find();
        String why = "chromium is not installed";
        if (found.isEmpty() && "root".equals(System.getProperty("user.name")) && Files.isExecutable(Paths.get(
                "/usr/bin/apt-get"))) {
            Process p = new ProcessBuilder("apt-get", "install", "-y", "-qq", "chromium").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean done = p.waitFor(15, TimeUnit.MINUTES);
            why += done ? " and `apt-get install -y chromium` exited " + p.exitValue() : " and apt-get timed out";
            found = HeadlessChromium.find();
        } else if (found.isEmpty()) {
            why += " and cannot be installed here (not root or no apt-get)";
        }
        Assumptions.assumeTrue(found.isPresent(), why + ": skipping the rendering checks");
        return found.get();
    }
}
