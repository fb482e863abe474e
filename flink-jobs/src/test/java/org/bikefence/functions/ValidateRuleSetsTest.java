package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.model.RuleSetEvent;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.RuleSetRegistry;
import org.bikefence.testing.LiveRulesFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ValidateRuleSets}: what the job takes of the rule-set versions published while it runs. */
class ValidateRuleSetsTest {
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    private static final RuleSet HULI = RuleSetLoader.loadDefault();
    private static final LocalDate DEC_1 = LocalDate.of(2026, 12, 1);
    private static final long DEC_1_MS = DEC_1.atStartOfDay(XIAMEN).toInstant().toEpochMilli();
    /** Published the day before it applies. */
    private static final long PUBLISHED = DEC_1_MS - 24 * 3_600_000L;
    private static final String V2 = LiveRulesFixtures.version("huli-2026.2", DEC_1, 5, 20);

    private KeyedOneInputStreamOperatorTestHarness<String, RuleSetUpdate, RuleSetUpdate> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness(null);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, RuleSetUpdate, RuleSetUpdate> newHarness(
            OperatorSubtaskState restoreFrom) throws Exception {
        ValidateRuleSets f = new ValidateRuleSets(RuleSetRegistry.of(List.of(HULI)), HULI,
                TrackerSettings.of(HULI).expiryHorizonMs());
        KeyedOneInputStreamOperatorTestHarness<String, RuleSetUpdate, RuleSetUpdate> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), u -> "city",
                        Types.STRING);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private void publish(String yaml) throws Exception {
        harness.processElement(new StreamRecord<>(LiveRulesFixtures.update(yaml, PUBLISHED), PUBLISHED));
    }

    private List<RuleSetEvent> events() {
        List<RuleSetEvent> out = new ArrayList<>();
        var side = harness.getSideOutput(ValidateRuleSets.RULE_SET_EVENTS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void aValidVersionGoesOnWithTheStartOfItsDayAndIsReportedAccepted() throws Exception {
        publish(V2);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(u -> {
            assertThat(u.version).isEqualTo("huli-2026.2");
            assertThat(u.appliesFrom).isEqualTo(DEC_1_MS);
            assertThat(u.yaml).isEqualTo(V2);
        });
        RuleSetEvent e = events().get(0);
        assertThat(e.accepted).isTrue();
        assertThat(e.effectiveFrom).isEqualTo("2026-12-01");
        assertThat(e.note).isNull();
        InfluxPoint p = InfluxSchema.ruleSet(e);
        assertThat(p.toLineProtocol()).startsWith("rule_set,status=accepted,version=huli-2026.2 ")
                .contains("effective_from=\"2026-12-01\"");
    }

    @Test
    void aBadFileIsRejectedWithTheLoadersLineAndChangesNothing() throws Exception {
        publish(LiveRulesFixtures.replaceOnce(V2, "graceMinutes: 5 ", "graceMinutes: -5 "));
        publish(V2);

        RuleSetEvent rejected = events().get(0);
        assertThat(rejected.accepted).isFalse();
        assertThat(rejected.version).isNull();
        assertThat(rejected.reason).contains("rulesets-0@").contains("rules.noPark.graceMinutes").contains("-5")
                .containsPattern("line \\d+");
        assertThat(InfluxSchema.ruleSet(rejected).toLineProtocol()).startsWith("rule_set,status=rejected,version=unknown");
        // The good version after it is taken as if the bad one had never come.
        assertThat(harness.extractOutputValues()).extracting(u -> u.version).containsExactly("huli-2026.2");
    }

    @Test
    void anotherTimeZoneIsRefused() throws Exception {
        publish(LiveRulesFixtures.replaceOnce(V2, "timeZone: Asia/Shanghai ", "timeZone: Asia/Tokyo "));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.accepted).isFalse();
            assertThat(e.version).isEqualTo("huli-2026.2");
            assertThat(e.reason).contains("timeZone Asia/Tokyo").contains("Asia/Shanghai").contains("new job");
        });
    }

    @Test
    void aVersionStartingOnTheDayOfAnotherOrNeedingALongerHorizonIsRefused() throws Exception {
        publish(V2);
        publish(LiveRulesFixtures.version("huli-2026.3", DEC_1, 7, 20));
        publish(LiveRulesFixtures.replaceOnce(LiveRulesFixtures.version("huli-2026.4", DEC_1.plusDays(10), 5, 20),
                "idleDays: 7 ", "idleDays: 30 "));

        assertThat(harness.extractOutputValues()).extracting(u -> u.version).containsExactly("huli-2026.2");
        List<RuleSetEvent> e = events();
        assertThat(e.get(1).accepted).isFalse();
        assertThat(e.get(1).reason).contains("effectiveFrom 2026-12-01 is not after huli-2026.2's 2026-12-01");
        assertThat(e.get(2).accepted).isFalse();
        assertThat(e.get(2).reason).contains("rules.zombies.idleDays 30").contains("new job");
    }

    @Test
    void theSameVersionAgainAfterARestoreChangesNothing() throws Exception {
        publish(V2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        harness = newHarness(snapshot);

        publish(V2);
        publish(LiveRulesFixtures.replaceOnce(V2, "graceMinutes: 5 ", "graceMinutes: 6 "));

        assertThat(harness.extractOutputValues()).isEmpty();
        List<RuleSetEvent> e = events();
        assertThat(e.get(0).accepted).isTrue();
        assertThat(e.get(0).note).contains("unchanged");
        assertThat(e.get(1).accepted).as("another content under the same version name").isFalse();
        assertThat(e.get(1).reason).contains("huli-2026.2");
    }

    @Test
    void aVersionOlderThanOneTheJobHasIsRefused() throws Exception {
        publish(V2);
        publish(LiveRulesFixtures.version("huli-2026.0", LocalDate.of(2025, 6, 1), 5, 20));
        publish(LiveRulesFixtures.version("huli-2026.11", LocalDate.of(2026, 11, 1), 5, 20));

        assertThat(harness.extractOutputValues()).extracting(u -> u.version).containsExactly("huli-2026.2");
        assertThat(events()).extracting(e -> e.accepted).containsExactly(true, false, false);
        assertThat(events().get(1).reason).contains("effectiveFrom 2025-06-01 is not after huli-2026.2's 2026-12-01");
    }

    @Test
    void aBackdatedVersionIsAcceptedAndThePointSaysFromWhenItApplies() throws Exception {
        harness.processElement(new StreamRecord<>(LiveRulesFixtures.update(V2, DEC_1_MS + 3_600_000L)));

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(events().get(0).note).contains("before its publication").contains("first watermark after");
    }
}
