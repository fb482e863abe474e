package org.bikefence.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.Test;

/**
 * The {@code bike-violations} contract in flink-jobs/README.md against {@link ViolationSerializer}: the documented
 * examples are exactly what it writes for the same violation, the field table names exactly the fields it writes,
 * and the key and Kafka timestamp are the documented ones. The test reads the README, it never rewrites it.
 */
class ViolationContractDocTest {
    private static final Path README = Path.of("README.md");
    static final String HEADING = "## The `bike-violations` messages";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The violation of the README's examples: MT-1 stands in NP-A from 08:00 (Xiamen) for 25 minutes. */
    private static final long SINCE = 1_791_763_200_000L;
    private static final ViolationEvent OPENED = ViolationEvent.opened(ViolationEvent.Type.NO_PARK, "meituan", "MT-1",
            "NP-A", 24.5005, 118.1005, SINCE, SINCE + 600_000, "huli-2026-10");
    private static final ViolationEvent CLOSED = OPENED.closedAt(SINCE + 1_500_000);

    private static String section() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("\n" + HEADING + "\n");
        assertThat(start).as("flink-jobs/README.md has a section '%s'", HEADING).isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static List<JsonNode> examples(String section) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Matcher m = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            out.add(JSON.readTree(m.group(1)));
        }
        return out;
    }

    private static JsonNode written(ViolationEvent v) throws Exception {
        return JSON.readTree(ViolationSerializer.toJson(v));
    }

    @Test
    void theDocumentedOpeningAndClosingAreWhatTheSerializerWrites() throws Exception {
        assertThat(examples(section())).containsExactly(written(OPENED), written(CLOSED));
    }

    @Test
    void theFieldTableNamesExactlyTheFieldsTheSerializerWrites() throws Exception {
        TreeSet<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (`[^|]+`) \\|").matcher(section());
        while (row.find()) {
            Matcher field = Pattern.compile("`([A-Za-z]+)`").matcher(row.group(1));
            while (field.find()) {
                documented.add(field.group(1));
            }
        }
        TreeSet<String> writes = new TreeSet<>();
        for (Iterator<String> it = written(CLOSED).fieldNames(); it.hasNext(); ) {
            writes.add(it.next());
        }
        assertThat(documented).isEqualTo(writes);
    }

    @Test
    void theKeyIsTheFenceElseTheBikeAndTheTimestampTheEventsTime() throws Exception {
        String section = section();
        assertThat(section).contains("**Key:** the fence id").contains("else the bike id")
                .contains("`openedAt` for an opening, `closedAt` for a closing");
        ViolationSerializer serializer = new ViolationSerializer("bike-violations");
        ProducerRecord<byte[], byte[]> inFence = serializer.serialize(CLOSED, null, null);
        assertThat(new String(inFence.key(), StandardCharsets.UTF_8)).isEqualTo("NP-A");
        assertThat(inFence.timestamp()).isEqualTo(CLOSED.closedAt);
        ViolationEvent zombie = ViolationEvent.opened(ViolationEvent.Type.ZOMBIE, "meituan", "MT-1", null, 24.5,
                118.1, SINCE, SINCE + 7 * 86_400_000L, null);
        ProducerRecord<byte[], byte[]> noFence = serializer.serialize(zombie, null, null);
        assertThat(new String(noFence.key(), StandardCharsets.UTF_8)).isEqualTo("MT-1");
        assertThat(noFence.timestamp()).isEqualTo(zombie.openedAt);
        assertThat(written(zombie).has("fenceId")).isFalse();
        assertThat(written(zombie).has("fenceSet")).isFalse();
        assertThat(section).contains("`" + ViolationEvent.Type.FAULTY_OVERDUE.wireName() + "`")
                .contains("`" + ViolationEvent.Type.OUT_OF_AREA.wireName() + "`");
    }
}
