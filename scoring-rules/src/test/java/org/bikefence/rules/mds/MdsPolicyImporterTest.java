package org.bikefence.rules.mds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.InputStream;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import org.bikefence.rules.mds.MdsRuleMapping.Kind;
import org.junit.jupiter.api.Test;

class MdsPolicyImporterTest {

    private static MdsPolicyImport fixture(String name) {
        try (InputStream in = MdsPolicyImporterTest.class.getResourceAsStream("/mds/" + name)) {
            return MdsPolicyImporter.read(in, name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void mapsCountMaximumZeroToNoParkZonesWithTheirSchedule() {
        MdsPolicyImport imported = fixture("huli-policy-1x.json");

        assertThat(imported.mdsVersion()).isEqualTo("1.2.0");
        assertThat(imported.noParkGeographyIds()).containsExactly("aaaaaaaa-0000-4000-8000-000000000001",
                "aaaaaaaa-0000-4000-8000-000000000002", "aaaaaaaa-0000-4000-8000-000000000003");
        List<MdsRuleMapping> noPark = imported.ofKind(Kind.NO_PARK);
        assertThat(noPark.get(0).schedule().isAlways()).isTrue();
        assertThat(noPark.get(0).kind().id()).isEqualTo("no_park");
        MdsSchedule school = noPark.get(1).schedule();
        assertThat(school.days()).isEqualTo(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
        assertThat(school.start()).isEqualTo(LocalTime.of(7, 0));
        assertThat(school.end()).isEqualTo(LocalTime.of(18, 0));
        assertThat(noPark.get(1).ruleId()).isEqualTo("11111111-0000-4000-8000-000000000002");
        assertThat(noPark.get(1).policyStart()).isEqualTo(Instant.ofEpochMilli(1767225600000L));
        assertThat(noPark.get(1).policyEnd()).isNull();
    }

    @Test
    void mapsCountMaximaToAreaAndFleetCaps() {
        MdsPolicyImport imported = fixture("huli-policy-1x.json");

        assertThat(imported.ofKind(Kind.AREA_CAP)).extracting(MdsRuleMapping::name,
                        MdsRuleMapping::maximumDevices, MdsRuleMapping::providerIds)
                .containsExactly(tuple("Huli all operators cap", 25000L, List.of()));
        assertThat(imported.ofKind(Kind.FLEET_CAP)).extracting(MdsRuleMapping::maximumDevices,
                        MdsRuleMapping::providerIds)
                .containsExactly(tuple(8000L, List.of("bbbbbbbb-0000-4000-8000-00000000000h")));
    }

    @Test
    void mapsParkedTimeRulesToIdleLimits() {
        assertThat(fixture("huli-policy-1x.json").ofKind(Kind.IDLE_LIMIT))
                .extracting(MdsRuleMapping::maximumIdle, MdsRuleMapping::geographyIds)
                .containsExactly(tuple(Duration.ofDays(7), List.of("aaaaaaaa-0000-4000-8000-000000000010")));
    }

    @Test
    void carriesSpeedRulesAsNoRideAndSpeedLimitsInKph() {
        MdsPolicyImport imported = fixture("ride-rules-2x.json");

        assertThat(imported.mdsVersion()).isEqualTo("2.0.0");
        assertThat(imported.ofKind(Kind.NO_RIDE)).singleElement()
                .satisfies(r -> {
                    assertThat(r.maximumKph()).isZero();
                    assertThat(r.schedule().days()).containsExactlyInAnyOrder(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
                });
        assertThat(imported.ofKind(Kind.SPEED_LIMIT)).singleElement()
                .satisfies(r -> assertThat(r.maximumKph()).isCloseTo(16.09344, org.assertj.core.data.Offset
                        .offset(1e-9)));
    }

    @Test
    void rejectsEveryRuleThatDoesNotMapNamingIdAndName() {
        assertThatThrownBy(() -> fixture("unmappable.json"))
                .isInstanceOfSatisfying(MdsPolicyException.class, e -> {
                    assertThat(e.rejections()).extracting(MdsPolicyException.Rejection::ruleId,
                                    MdsPolicyException.Rejection::name)
                            .containsExactly(
                                    tuple("33333333-0000-4000-8000-000000000002", "Helmet reminder"),
                                    tuple("33333333-0000-4000-8000-000000000003", "Minimum in outer district"),
                                    tuple("33333333-0000-4000-8000-000000000004", "Two-hour trip limit"),
                                    tuple("33333333-0000-4000-8000-000000000005", "Scooter cap"),
                                    tuple("33333333-0000-4000-8000-000000000006", "Downtown parking fee"));
                    assertThat(e).hasMessageContaining("unmappable.json")
                            .hasMessageContaining("5 rule(s) do not map")
                            .hasMessageContaining("rule 33333333-0000-4000-8000-000000000002 'Helmet reminder': "
                                    + "user rules are rider messages")
                            .hasMessageContaining("'Minimum in outer district': minimum 50")
                            .hasMessageContaining("'Two-hour trip limit': time limit on on_trip")
                            .hasMessageContaining("'Scooter cap': applies to [scooter], not bicycle")
                            .hasMessageContaining("'Downtown parking fee': fees (rate_amount)");
                });
    }

    @Test
    void rejectsBadDaysAndTimes() {
        String policy = """
                {"policies": [{"policy_id": "p", "name": "n", "rules": [
                  {"rule_id": "r1", "name": "Weekend", "rule_type": "count", "rule_units": "devices",
                   "geographies": ["g"], "states": {}, "maximum": 0, "days": ["saturday"]},
                  {"rule_id": "r2", "name": "Late", "rule_type": "count", "rule_units": "devices",
                   "geographies": ["g"], "states": {}, "maximum": 0, "start_time": "25:00:00"},
                  {"rule_id": "r3", "name": "Nowhere", "rule_type": "count", "rule_units": "devices",
                   "geographies": [], "states": {}, "maximum": 0}
                ]}]}
                """;

        assertThatThrownBy(() -> MdsPolicyImporter.read(policy, "inline"))
                .isInstanceOf(MdsPolicyException.class)
                .hasMessageContaining("rule r1 'Weekend': unknown day 'saturday'")
                .hasMessageContaining("rule r2 'Late': start_time '25:00:00'")
                .hasMessageContaining("rule r3 'Nowhere': no geographies");
    }

    @Test
    void rejectsDocumentsWithoutPoliciesOrMalformedJson() {
        assertThatThrownBy(() -> MdsPolicyImporter.read("{\"data\": {}}", "empty.json"))
                .isInstanceOf(MdsPolicyException.class).hasMessageContaining("no policies array");
        assertThatThrownBy(() -> MdsPolicyImporter.read("{\"policies\": [", "broken.json"))
                .isInstanceOf(MdsPolicyException.class).hasMessageContaining("broken.json")
                .hasMessageContaining("malformed JSON");
    }
}
