package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ReplayOptionsTest {
    @Test
    void takesSeveralFilesAfterFromAndPassesJobOptionsOn() {
        ReplayOptions o = ReplayOptions.parse("--from", "a.jsonl", "b.csv.gz", "--influx.db", "backfill",
                "--tz", "UTC", "--parallelism", "2", "--dlq", "out/dlq.jsonl");

        assertThat(o.from()).containsExactly(Path.of("a.jsonl"), Path.of("b.csv.gz"));
        assertThat(o.jobArgs()).containsExactly("--influx.db", "backfill", "--parallelism", "2");
        assertThat(o.tz()).isEqualTo(ZoneId.of("UTC"));
        assertThat(o.dlq()).isEqualTo(Path.of("out/dlq.jsonl"));
        assertThat(o.format()).isNull();
    }

    @Test
    void hasDefaultsThatSuitHuli() {
        ReplayOptions o = ReplayOptions.parse("--from", "a.jsonl");
        assertThat(o.tz()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(o.dlq()).isEqualTo(Path.of("replay-dlq.jsonl"));
        assertThat(o.progress()).isEqualTo("auto");
        assertThat(o.csvMapping().delimiter()).isEqualTo(',');
    }

    @Test
    void refusesWhatCannotWork() {
        assertThatThrownBy(() -> ReplayOptions.parse("--influx.db", "x")).hasMessageContaining("--from FILE");
        assertThatThrownBy(() -> ReplayOptions.parse("--from", "a", "--kafka.bootstrap-servers", "k:9092"))
                .hasMessageContaining("reads files, not Kafka");
        assertThatThrownBy(() -> ReplayOptions.parse("--from", "a", "--tz", "Mars/Olympus"))
                .hasMessageContaining("--tz");
        assertThatThrownBy(() -> ReplayOptions.parse("--from", "a", "--format", "xml"))
                .hasMessageContaining("--format");
        assertThatThrownBy(() -> ReplayOptions.parse("--from", "a", "--csv-delimiter", ";;"))
                .hasMessageContaining("--csv-delimiter");
        assertThatThrownBy(() -> InputFile.of(Path.of("pom.xml"), null)).hasMessageContaining("--format");
        assertThatThrownBy(() -> InputFile.of(Path.of("no-such.jsonl"), null)).hasMessageContaining("does not exist");
    }

    @Test
    void tellsTheFormatFromTheName() {
        assertThat(InputFile.formatOf("day.JSONL.gz")).isEqualTo(InputFile.Format.JSONL);
        assertThat(InputFile.formatOf("day.ndjson")).isEqualTo(InputFile.Format.JSONL);
        assertThat(InputFile.formatOf("export.csv.gz")).isEqualTo(InputFile.Format.CSV);
        assertThat(InputFile.formatOf("export.txt")).isNull();
    }
}
