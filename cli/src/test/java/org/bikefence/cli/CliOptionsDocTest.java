package org.bikefence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cli/README.md's option tables are the picocli definitions: regenerate them with OptionTables. */
class CliOptionsDocTest {

    private static final Path README = Path.of(System.getProperty("basedir", ".")).resolve("README.md");

    @Test
    void readmeTablesMatchTheCommandDefinitions() throws Exception {
        Map<String, List<String>> documented = tables(Files.readAllLines(README, StandardCharsets.UTF_8));
        Map<String, List<String>> defined = new LinkedHashMap<>();
        OptionTables.tables().forEach((command, rows) ->
                defined.put(command, rows.stream().map(OptionTables.Row::markdown).toList()));
        assertThat(defined).as("commands with options").isNotEmpty().containsKeys("bikefence demo",
                "bikefence report", "bikefence ingest gbfs", "bikefence fences classify", "bikefence influxd");
        assertThat(documented)
                .as("the tables under '## Commands and options' in " + README
                        + "; regenerate: java -cp ... org.bikefence.cli.OptionTables")
                .containsExactlyEntriesOf(defined);
    }

    /** {@code ### `command`} to its table rows, from the section "## Commands and options". */
    static Map<String, List<String>> tables(List<String> lines) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        boolean inSection = false;
        List<String> rows = null;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.trim().equals("## Commands and options");
                rows = null;
            } else if (inSection && line.startsWith("### `") && line.trim().endsWith("`")) {
                rows = new ArrayList<>();
                out.put(line.trim().substring(5, line.trim().length() - 1), rows);
            } else if (inSection && rows != null && line.startsWith("| ")
                    && !line.startsWith("| option | default | description |")) {
                rows.add(line.trim());
            }
        }
        assertThat(out).as("tables found in the section '## Commands and options'").isNotEmpty();
        return out;
    }
}
