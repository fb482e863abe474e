package org.bikefence.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCsvTest {

    @Test
    void startsWithUtf8BomAndHasBilingualHeaderAndCrlfLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.csv");
        new ReportCsv(List.of("运营企业 operator", "得分 score")).row(List.of("hello", "99.50")).write(f);

        byte[] bytes = Files.readAllBytes(f);
        assertThat(Arrays.copyOf(bytes, 3)).containsExactly(0xEF, 0xBB, 0xBF);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("\uFEFF运营企业 operator,得分 score\r\nhello,99.50\r\n");
    }

    @Test
    void quotesCellsWithCommasQuotesAndLineBreaksDoublingQuotes() {
        String csv = new ReportCsv(List.of("a", "b", "c", "d"))
                .row(List.of("NP-A,NP-B", "say \"hi\"", "two\nlines", "plain")).render();
        assertThat(csv).endsWith("\"NP-A,NP-B\",\"say \"\"hi\"\"\",\"two\nlines\",plain\r\n");
    }

    @Test
    void neutralisesFormulaCellsButKeepsNegativeNumbers() {
        assertThat(ReportCsv.escape("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(ReportCsv.escape("@bike")).isEqualTo("'@bike");
        assertThat(ReportCsv.escape("-2.5")).isEqualTo("-2.5");
        assertThat(ReportCsv.escape("")).isEmpty();
    }

    @Test
    void writesNullAsEmptyAndRefusesRowsOfTheWrongWidth() {
        assertThat(new ReportCsv(List.of("a", "b")).row(Arrays.asList(null, 1)).render()).endsWith(",1\r\n");
        assertThatThrownBy(() -> new ReportCsv(List.of("a", "b")).row(List.of("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
