package org.bikefence.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README's option tables against the definitions: the test compares, it never rewrites the README. */
class JobOptionsDocTest {
    private static final Path README = Path.of("README.md");

    @Test
    void readmeDocumentsEveryOptionWithItsDefaultAndNothingElse() throws Exception {
        assertThat(JobOptionsDoc.differences(Files.readString(README)))
                .as("flink-jobs/README.md, section '%s' (regenerate with %s.main)", JobOptionsDoc.HEADING,
                        JobOptionsDoc.class.getName())
                .isEmpty();
    }

    @Test
    void theGeneratedSectionIsReadBackAsTheDefinitions() {
        assertThat(JobOptionsDoc.differences(JobOptionsDoc.markdown())).isEmpty();
        assertThat(JobOptionsDoc.documented(JobOptionsDoc.markdown())).hasSize(JobOptions.ALL.size())
                .containsEntry("watermark.max-out-of-order-ms", "30000").containsEntry("influx.rp", null);
    }

    @Test
    void aMissingKeyAnExtraKeyOrAChangedDefaultIsReported() {
        String good = JobOptionsDoc.markdown();
        String bad = good.replace("| `parallelism` | `1` |", "| `parallelism` | `2` |")
                .replaceAll("(?m)^\\| `influx.rp` .*\\R", "")
                .replace("| `fences` |", "| `fence-file` | `x` | renamed |\n| `fences` |")
                .replace("| `influx.username` | - |", "| `influx.username` | `admin` |");

        assertThat(JobOptionsDoc.differences(bad)).containsExactlyInAnyOrder(
                "option 'parallelism': README says default '2', the definition says '1'",
                "option 'influx.rp' is not documented",
                "option 'influx.username': README says default 'admin', the definition says none",
                "README documents 'fence-file', which is not an option");
        assertThat(JobOptionsDoc.differences("# flink-jobs\n")).containsExactly("no '## Job options' section");
    }

    @Test
    void tablesOutsideTheSectionDoNotCount() {
        String withOther = "## Replay\n\n| key | default | description |\n|---|---|---|\n| `--tz` | `UTC` | zone |\n\n"
                + JobOptionsDoc.markdown() + "## Later\n\n| `later` | `1` | x |\n";
        assertThat(JobOptionsDoc.differences(withOther)).isEmpty();
    }
}
