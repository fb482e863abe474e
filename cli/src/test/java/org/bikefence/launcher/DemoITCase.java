package org.bikefence.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bikefence.cli.Bikefence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./bikefence demo} as people run it, stopped as a terminal stops it: the demo's JVM (the same main and
 * classpath as the launcher, on free ports) runs in a process group of its own, and once influxd holds points
 * the whole group gets SIGINT, as Ctrl-C sends it. Everything must be gone within 10 s, with no stack trace, in
 * the order job, broker, influxd (read from their logs).
 */
class DemoITCase {

    private static final Duration POINTS_DEADLINE = Duration.ofSeconds(120);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private static final Path REPO = Paths.get("..").toAbsolutePath().normalize();

    private Process demo;
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() throws Exception {
        if (demo != null && demo.isAlive()) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + demo.pid()).start().waitFor();
            demo.destroyForcibly();
        }
        started.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void ctrlCStopsTheJobKafkaAndInfluxdWithin10sWithoutAStackTrace() throws Exception {
        Path run = Files.createDirectories(Paths.get("target", "demo-it", Long.toString(System.nanoTime())))
                .toAbsolutePath();
        Files.createDirectories(run.resolve("tmp"));
        int[] ports = freePorts(3);
        Path log4j = run.resolve("log4j-demo.properties");
        // The launcher's logging, with its file under this run's directory instead of the repository's .run/.
        Files.writeString(log4j, Files.readString(REPO.resolve("docker/flink/log4j-demo.properties"))
                .replace(".run/demo.log", run.resolve("demo.log").toString()));
        String classpath = System.getProperty("java.class.path");
        List<String> command = List.of("setsid",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.io.tmpdir=" + run.resolve("tmp"), "-Dlog4j.configurationFile=" + log4j,
                "-Dbikefence.broker.classpath=" + classpath, "-cp", classpath, Bikefence.class.getName(),
                "demo", "--duration", "5m", "--bikes", "30", "--every", "2s",
                "--kafka-port", Integer.toString(ports[0]), "--influx-port", Integer.toString(ports[1]),
                "--web-port", Integer.toString(ports[2]), "--work-dir", run.resolve("work").toString());
        Path out = run.resolve("output.txt");
        // From the repository root, as ./bikefence runs it: the demo reads docker/flink, the fences and rules there.
        demo = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        long group = demo.pid(); // setsid made it the leader of a new group and session

        awaitQuery(ports[1], out, "SELECT count(bikes_seen) FROM operator_minute", "operator_minute points");
        // Recorded as soon as both run, so that a failure below still has them killed (they have groups of their own).
        demo.descendants().forEach(started::add);
        assertThat(started).as("Kafka's broker JVM and influxd").hasSizeGreaterThanOrEqualTo(2);
        // The scoreboard shows the monthly assessment too, read back from operator_month and deduction.
        awaitOutput(out, java.util.regex.Pattern.compile("(?m)^(hello|meituan|qingju) \\S+ +\\d{4}-\\d{2} +\\d+\\.\\d{2} "));

        // The demo's job reads the rule-set topic: a version published while it runs is accepted there.
        String huli = Files.readString(REPO.resolve("scoring-rules/rulesets/huli.yaml"), StandardCharsets.UTF_8);
        String nextVersion = huli.replace("version: huli-2026.1", "version: huli-demo-next")
                .replace("effectiveFrom: 2026-01-01", "effectiveFrom: 2099-01-01");
        assertThat(nextVersion).as("huli.yaml has the version and start this test replaces")
                .contains("huli-demo-next", "2099-01-01");
        Path next = Files.writeString(run.resolve("huli-demo-next.yaml"), nextVersion, StandardCharsets.UTF_8);
        assertThat(Bikefence.commandLine().execute("rules", "publish", next.toString(),
                "--bootstrap", "127.0.0.1:" + ports[0])).as("rules publish's exit code").isZero();
        awaitQuery(ports[1], out, "SELECT * FROM rule_set WHERE \"version\" = 'huli-demo-next'"
                + " AND \"status\" = 'accepted'", "accepted rule_set point of the published version");

        long t0 = System.nanoTime();
        assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + group).start().waitFor()).isZero();
        boolean exited = demo.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String output = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(exited).as("exited within %s; output:%n%s", STOP_LIMIT, output).isTrue();
        System.out.printf("demo stopped %d ms after SIGINT%n", took.toMillis());
        assertThat(demo.exitValue()).as("128 + SIGINT").isEqualTo(130);
        assertThat(awaitGone(group)).as("processes left in group " + group).isEmpty();
        assertThat(started).as("children still alive").noneMatch(ProcessHandle::isAlive);
        assertThat(output).contains("monthly assessment 月度考核", "largest deduction 最大扣分项")
                .doesNotContain("scoreboard query failed");
        assertThat(output).contains("[demo] Flink job CANCELED", "[demo] stopped in ")
                .doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Caused by")
                .doesNotContain(" ERROR ").doesNotContain(" WARN ");
        // Nothing failed behind the scenes either: no write against a stopped service, no task failure.
        String demoLog = Files.readString(run.resolve("demo.log"), StandardCharsets.UTF_8);
        assertThat(demoLog).doesNotContain(" ERROR ");

        // The order, from the three logs: the job ended, then the broker got its SIGTERM from the demo (never
        // the terminal's SIGINT), then influxd its signal.
        String kafkaLog = Files.readString(run.resolve("work/kafka/kafka.log"), StandardCharsets.UTF_8);
        String influxLog = Files.readString(run.resolve("work/influxdb/influxd.log"), StandardCharsets.UTF_8);
        assertThat(kafkaLog).doesNotContain("due to signal SIGINT");
        Instant jobEnded = localTime(line(demoLog, "switched from state CANCELLING to CANCELED."), 0);
        Instant brokerStopped = localTime(line(kafkaLog, "Terminating process due to signal SIGTERM"), 1);
        String influxSignal = line(influxLog, "Signal received");
        Instant influxStopped = Instant.parse(influxSignal.substring(3, influxSignal.indexOf(' ')));
        assertThat(brokerStopped).as("broker stopped after the job ended").isAfterOrEqualTo(jobEnded);
        assertThat(influxStopped).as("influxd stopped after the broker").isAfterOrEqualTo(brokerStopped);
    }

    private static String line(String log, String containing) {
        return log.lines().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with '" + containing + "'"));
    }

    /** A log4j time {@code 2026-12-01 11:44:14,268} at {@code offset} in the line, in this machine's zone. */
    private static Instant localTime(String line, int offset) {
        return LocalDateTime.parse(line.substring(offset, offset + 23), LOG_TIME).atZone(ZoneId.systemDefault())
                .toInstant();
    }

    /** Polls the demo's influxd until {@code query} returns a series; fails early when the demo ends. */
    private void awaitQuery(int influxPort, Path out, String query, String what) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI count = URI.create("http://127.0.0.1:" + influxPort + "/query?db=bikefence&q="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + POINTS_DEADLINE.toNanos();
        while (true) {
            if (!demo.isAlive()) {
                throw new AssertionError("the demo ended with " + demo.exitValue() + " before " + what + ":\n"
                        + Files.readString(out));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(count).timeout(Duration.ofSeconds(2)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"series\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // influxd not started yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + POINTS_DEADLINE + ":\n"
                        + Files.readString(out));
            }
            Thread.sleep(250); // polling with a deadline
        }
    }

    /** Polls the demo's output until a line matches; fails early when the demo ends. */
    private void awaitOutput(Path out, java.util.regex.Pattern line) throws Exception {
        long deadline = System.nanoTime() + POINTS_DEADLINE.toNanos();
        while (!line.matcher(Files.readString(out, StandardCharsets.UTF_8)).find()) {
            if (!demo.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no line matching " + line + (demo.isAlive() ? " within " + POINTS_DEADLINE
                        : " before the demo ended") + ":\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            Thread.sleep(250); // polling with a deadline
        }
    }

    /** The processes of the group still there after a short grace for the kernel to reap them. */
    private static List<Long> awaitGone(long group) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        List<Long> left;
        do {
            left = inGroup(group);
            if (left.isEmpty()) {
                return left;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return left;
    }

    private static List<Long> inGroup(long group) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[2]) == group && !f[0].equals("Z")) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // ended while we looked
                }
            }
        }
        return pids;
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
