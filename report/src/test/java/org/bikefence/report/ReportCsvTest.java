package org.bikefence.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
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
        assertThat(cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(cell("@bike")).isEqualTo("'@bike");
        assertThat(cell("-2.5")).isEqualTo("-2.5");
        assertThat(cell("")).isEmpty();
        assertThat(cell("+86 592")).isEqualTo("'+86 592");
        assertThat(cell("-1+1")).isEqualTo("'-1+1");
        assertThat(cell("\t=1+1")).isEqualTo("'\t=1+1");
        assertThat(cell("\r=1+1")).isEqualTo("\"'\r=1+1\"");
        assertThat(cell("a=b")).isEqualTo("a=b");
    }

    @Test
    void readsBackAsWrittenWithTheByteOrderMarkFirst() throws Exception {
        List<String> row = List.of("湖里 \"NP-A\", 2", "two\r\nlines", "=1+1", "");
        String csv = new ReportCsv(List.of("a", "b", "c", "d")).row(row).render();

        assertThat(csv).startsWith(ReportCsv.BOM + "a,b,c,d\r\n");
        try (CSVParser p = CSVParser.parse(csv.substring(1), CSVFormat.RFC4180)) {
            List<CSVRecord> records = p.getRecords();
            assertThat(records).hasSize(2);
            assertThat(records.get(1).toList()).containsExactly("湖里 \"NP-A\", 2", "two\r\nlines", "'=1+1", "");
        }
    }

    /** A cell as the table writes it, when it is not the first of its row. */
    private static String cell(String value) {
        String csv = new ReportCsv(List.of("first", "cell")).row(List.of("x", value)).render();
        String row = csv.substring(csv.indexOf("\r\nx,") + 4);
        assertThat(row).endsWith("\r\n");
        return row.substring(0, row.length() - 2);
    }

    @Test
    void writesNullAsEmptyAndRefusesRowsOfTheWrongWidth() {
        assertThat(new ReportCsv(List.of("a", "b")).row(Arrays.asList(null, 1)).render()).endsWith(",1\r\n");
        assertThatThrownBy(() -> new ReportCsv(List.of("a", "b")).row(List.of("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
