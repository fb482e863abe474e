package org.bikefence.influx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.FenceSetEvent;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.model.ViolationEvent;
import org.bikefence.rules.Evidence;
import org.bikefence.rules.MonthlyAssessment;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.Scorer;
import org.junit.jupiter.api.Test;

/**
 * Every kind of point as exact line protocol: these lines are what InfluxDB, the dashboards and the report
 * have always read (taken from the builders as they were before the schema was one class), so a change to
 * one of them is a schema change, not a refactoring.
 */
class InfluxSchemaTest {
    /** 08:00 on 12 October 2026 in Xiamen. */
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    /** Midnight of 1 October 2026 in Xiamen. */
    private static final long OCTOBER = Instant.parse("2026-09-30T16:00:00Z").toEpochMilli();

    private static String line(InfluxPoint p) {
        return p.toLineProtocol();
    }

    @Test
    void aViolationIsOnePointAtItsOpeningThatItsClosingRewrites() {
        ViolationEvent v = ViolationEvent.opened(ViolationEvent.Type.NO_PARK, "hello", "b 1", "NP,1", 24.5, 118.25,
                T - 600_000, T, "fs=1");
        assertThat(line(InfluxSchema.violation(v))).isEqualTo("violation,bike_id=b\\ 1,fence_id=NP\\,1,operator=hello,"
                + "type=no_park fence_set=\"fs=1\",lat=24.5,lng=118.25,parked_since=1791762600000i,status=\"open\""
                + " 1791763200000");
        assertThat(line(InfluxSchema.violation(v.closedAt(T + 123_456)))).isEqualTo("violation,bike_id=b\\ 1,"
                + "fence_id=NP\\,1,operator=hello,type=no_park closed_at=1791763323456i,duration_s=123.456,"
                + "fence_set=\"fs=1\",lat=24.5,lng=118.25,parked_since=1791762600000i,status=\"closed\" 1791763200000");
    }

    @Test
    void aViolationOfNoFenceHasNoFenceTag() {
        ViolationEvent z = ViolationEvent.opened(ViolationEvent.Type.ZOMBIE, "hello", "b2", null, 24.5, 118.25,
                T - 600_000, T, null);
        assertThat(line(InfluxSchema.violation(z))).isEqualTo("violation,bike_id=b2,operator=hello,type=zombie"
                + " lat=24.5,lng=118.25,parked_since=1791762600000i,status=\"open\" 1791763200000");
    }

    @Test
    void anOperatorMinuteIsAtTheMinutesStart() {
        assertThat(line(InfluxSchema.minute(new OperatorMinute("meituan", T, 10, 2, 1, 0)))).isEqualTo(
                "operator_minute,operator=meituan bikes_in_no_park=2i,bikes_seen=10i,bikes_standing=0i,"
                        + "violations_closed=0i,violations_opened=1i 1791763200000");
        OperatorMinute standing = new OperatorMinute("meituan", T, 10, 2, 1, 0).standing(6000, OCTOBER, 8400, false,
                8000);
        assertThat(InfluxSchema.minutePoints(standing)).extracting(InfluxSchemaTest::line).containsExactly(
                "operator_minute,operator=meituan bikes_in_no_park=2i,bikes_seen=10i,bikes_standing=6000i,"
                        + "violations_closed=0i,violations_opened=1i 1791763200000");
    }

    @Test
    void theNowSnapshotsOfAMinuteAreOnePointPerFiveMinutesWithTheirGroupsFigures() {
        OperatorMinute m = new OperatorMinute("hello", T + 11 * 60_000, 1, 0, 0, 0);
        m.nowSnapshots = new long[] {T, T + 5 * 60_000, 7, 1, 0, 2, 0, 1, T + 10 * 60_000, T + 10 * 60_000, 8, 0, 0,
            2, 0, 1};
        assertThat(InfluxSchema.now(m)).extracting(InfluxSchemaTest::line).containsExactly(
                "operator_now,operator=hello bikes_standing=7i,open_accumulations=1i,open_faulty_overdue=0i,"
                        + "open_no_park=1i,open_out_of_area=0i,open_zombie=2i 1791763200000",
                "operator_now,operator=hello bikes_standing=7i,open_accumulations=1i,open_faulty_overdue=0i,"
                        + "open_no_park=1i,open_out_of_area=0i,open_zombie=2i 1791763500000",
                "operator_now,operator=hello bikes_standing=8i,open_accumulations=1i,open_faulty_overdue=0i,"
                        + "open_no_park=0i,open_out_of_area=0i,open_zombie=2i 1791763800000");
        assertThat(InfluxSchema.minutePoints(m)).extracting(InfluxPoint::measurement)
                .containsExactly("operator_minute", "operator_now", "operator_now", "operator_now");
    }

    @Test
    void aDaysPeakOfBikesStandingIsAtTheDaysStartWithTheMinuteThatRaisedIt() {
        long day = Instant.parse("2026-10-11T16:00:00Z").toEpochMilli();
        OperatorMinute m = new OperatorMinute("meituan", T, 10, 2, 1, 0).standing(6000, day, 8400, true, 8000);
        assertThat(InfluxSchema.minutePoints(m)).extracting(InfluxSchemaTest::line).containsExactly(
                "operator_minute,operator=meituan bikes_in_no_park=2i,bikes_seen=10i,bikes_standing=6000i,"
                        + "violations_closed=0i,violations_opened=1i 1791763200000",
                "operator_standing_day,operator=meituan fleet_quota=8000i,peak_quota_pct=105.0,peak_standing=8400i"
                        + " 1791734400000");
        assertThat(line(InfluxSchema.standingDay(m.standing(3, day, 3, true, 0)))).as("no quota in the rule set")
                .isEqualTo("operator_standing_day,operator=meituan peak_standing=3i 1791734400000");
    }

    @Test
    void aDailyScoreIsAtTheMinuteItIsAsOf() {
        OperatorScore s = new OperatorScore();
        s.operator = "qingju";
        s.asOf = T;
        s.day = "2026-10-12";
        s.ruleSetVersion = "huli-2026.1";
        s.noParkViolations = 3;
        s.deduction = 1.5;
        s.score = 98.5;
        assertThat(line(InfluxSchema.score(s))).isEqualTo("operator_score,operator=qingju day=\"2026-10-12\","
                + "deduction=1.5,no_park_violations=3i,rule_set=\"huli-2026.1\",score=98.5 1791763200000");
    }

    @Test
    void aRuleSetUpdateIsAcceptedWithItsDayOrRejectedWithItsReason() {
        org.bikefence.model.RuleSetEvent e = new org.bikefence.model.RuleSetEvent();
        e.publishedAt = T;
        e.reason = "line 48: rules.noPark.graceMinutes = '-5'";
        e.source = "rulesets-0@3";
        assertThat(line(InfluxSchema.ruleSet(e))).isEqualTo("rule_set,status=rejected,version=unknown "
                + "effective_from=\"\",note=\"\",reason=\"line 48: rules.noPark.graceMinutes = '-5'\","
                + "source=\"rulesets-0@3\" 1791763200000");
        e.accepted = true;
        e.version = "huli-2026.2";
        e.effectiveFrom = "2026-12-01";
        e.reason = null;
        assertThat(line(InfluxSchema.ruleSet(e))).isEqualTo("rule_set,status=accepted,version=huli-2026.2 "
                + "effective_from=\"2026-12-01\",note=\"\",reason=\"\",source=\"rulesets-0@3\" 1791763200000");
    }

    @Test
    void aFenceUpdateIsAcceptedOrRejectedWithUnknownVersionAndEmptyTexts() {
        FenceSetEvent e = new FenceSetEvent();
        e.publishedAt = T;
        assertThat(line(InfluxSchema.fenceSet(e))).isEqualTo(
                "fence_set,status=rejected,version=unknown fences=0i,reason=\"\",source=\"\" 1791763200000");
        e.accepted = true;
        e.version = "v 2";
        e.fences = 12;
        e.reason = "ok \"x\"";
        e.source = "file.geojson";
        assertThat(line(InfluxSchema.fenceSet(e))).isEqualTo("fence_set,status=accepted,version=v\\ 2 fences=12i,"
                + "reason=\"ok \\\"x\\\"\",source=\"file.geojson\" 1791763200000");
    }

    @Test
    void occupancyOfAFenceAndOfACell() {
        assertThat(line(InfluxSchema.fenceOccupancy("P-1", 3, 2, T)))
                .isEqualTo("fence_occupancy,fence_id=P-1 bikes=3i,capacity=2i 1791763200000");
        assertThat(line(InfluxSchema.cellOccupancy("89283082803ffff", 2, 37.773515097238146, -122.4182710369247, T)))
                .isEqualTo("cell_occupancy,cell=89283082803ffff bikes=2i,lat=37.773515097238146,"
                        + "lng=-122.4182710369247 1791763200000");
    }

    @Test
    void oneOperatorsOccupancyOfAFenceAndOfACellIsASeriesOfItsOwn() {
        assertThat(line(InfluxSchema.fenceOperatorOccupancy("P-1", "hello", 1, 2, T)))
                .isEqualTo("fence_operator_occupancy,fence_id=P-1,operator=hello bikes=1i,capacity=2i 1791763200000");
        assertThat(line(InfluxSchema.cellOperatorOccupancy("89283082803ffff", "meituan", 2, 37.773515097238146,
                -122.4182710369247, T))).isEqualTo("cell_operator_occupancy,cell=89283082803ffff,operator=meituan "
                        + "bikes=2i,lat=37.773515097238146,lng=-122.4182710369247 1791763200000");
    }

    @Test
    void nowSnapshotsAreAtTheSnapshotTimeWithHowLongTheyHaveBeenOpen() {
        assertThat(line(InfluxSchema.violationNow("meituan", "zombie", "MT-1", null, 24.5, 118.1, T - 600_000,
                T - 300_000, InfluxSchema.STATUS_OPEN, T))).isEqualTo("violation_now,bike_id=MT-1,operator=meituan,type=zombie "
                        + "lat=24.5,lng=118.1,open_s=300i,opened_at=1791762900000i,parked_since=1791762600000i,"
                        + "status=\"open\" 1791763200000");
        assertThat(line(InfluxSchema.violationNow("hello", "no_park", "HL-1", "NP-1", 24.5, 118.1, T - 600_000,
                T - 300_000, InfluxSchema.STATUS_CLOSED, T))).startsWith("violation_now,bike_id=HL-1,fence_id=NP-1,"
                        + "operator=hello,type=no_park ").contains("status=\"closed\"");
        assertThat(line(InfluxSchema.accumulationNow("fence", "P-1", "meituan", T - 60_000, true, T)))
                .isEqualTo("accumulation_now,area=fence,area_id=P-1,operator=meituan open_s=60i,"
                        + "over_since=1791763140000i,status=\"open\" 1791763200000");
        assertThat(line(InfluxSchema.fenceOperatorNow("P-1", "hello", 0, 2, T)))
                .isEqualTo("fence_operator_now,fence_id=P-1,operator=hello bikes=0i,capacity=2i 1791763200000");
        assertThat(line(InfluxSchema.cellOperatorNow("89283082803ffff", "meituan", 2, 37.5, -122.25, T)))
                .isEqualTo("cell_operator_now,cell=89283082803ffff,operator=meituan bikes=2i,lat=37.5,lng=-122.25 "
                        + "1791763200000");
    }

    @Test
    void anAccumulationEpisodeIsOnePointAtItsStartThatItsClearingRewrites() {
        InfluxPoint open = InfluxSchema.accumulation(AreaDelta.Area.FENCE, "P-1", null, 2, 3, List.of("meituan"),
                T + 60_000, -1);
        InfluxPoint cleared = InfluxSchema.accumulation(AreaDelta.Area.FENCE, "P-1", null, 2, 4, List.of("meituan"),
                T + 60_000, T + 60_000 + 2_760_000);
        assertThat(line(open)).isEqualTo(
                "accumulation,area=fence,area_id=P-1 limit=2i,operators=\"meituan\",peak_bikes=3i,status=\"open\""
                        + " 1791763260000");
        assertThat(line(cleared)).isEqualTo("accumulation,area=fence,area_id=P-1 duration_s=2760.0,limit=2i,"
                + "operators=\"meituan\",peak_bikes=4i,status=\"cleared\" 1791763260000");
        assertThat(line(InfluxSchema.accumulation(AreaDelta.Area.CELL, "89283082803ffff", "meituan", 1, 2,
                List.of("meituan", "hello"), T + 60_000, -1))).isEqualTo("accumulation,area=cell,"
                + "area_id=89283082803ffff,operator=meituan limit=1i,operators=\"meituan;hello\",peak_bikes=2i,"
                + "status=\"open\" 1791763260000");
    }

    @Test
    void feedHealthOmitsWhatAFetchDidNotHave() {
        assertThat(line(InfluxSchema.feedHealth("hello", "free_bike_status", T, T, 3, 1 / 3.0, 0.5, 20_500L, 0, 0,
                null))).isEqualTo("feed_health,feed=free_bike_status,operator=hello consecutive_failures=0i,"
                + "duplicate_ids=0i,freshest_age_s=20.5,invalid_share=0.3333333333333333,"
                + "last_success_ms=1791763200000i,records=3i,stale_share=0.5 1791763200000");
        assertThat(line(InfluxSchema.feedHealth("meituan", "vehicles_status", T, null, 0, 0.0, 0.0, null, 0, 2,
                "http_503"))).isEqualTo("feed_health,feed=vehicles_status,operator=meituan consecutive_failures=2i,"
                + "duplicate_ids=0i,error=\"http_503\",invalid_share=0.0,records=0i,stale_share=0.0 1791763200000");
    }

    @Test
    void anAssessmentIsAMonthPointPerOperatorAndADeductionPointPerRuleAtTheMonthsStart() {
        RuleSet rules = RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
        OperatorMonthMetrics.Builder meituan = OperatorMonthMetrics.builder("meituan", YearMonth.of(2026, 10))
                .fleetEveryDay(100, 100, 50)
                .noPark(new OperatorMonthMetrics.NoPark(25, 0, 0, 0))
                .dataFeed(new OperatorMonthMetrics.DataFeed(100, 1000, 0, 0, 0, 0, 0));
        for (int i = 0; i < 25; i++) {
            meituan.evidence(Evidence.of(Evidence.Kind.NO_PARK_VIOLATION, "np-" + i, "MT-" + i, "NP-1",
                    Instant.ofEpochMilli(T + i), null));
        }
        OperatorMonthMetrics hello = OperatorMonthMetrics.builder("hello", YearMonth.of(2026, 10))
                .fleetEveryDay(100, 100, 50)
                .dataFeed(new OperatorMonthMetrics.DataFeed(100, 1000, 0, 0, 0, 0, 0))
                .build();
        MonthlyAssessment a = new Scorer().assess(rules, YearMonth.of(2026, 10), List.of(meituan.build(), hello));

        List<InfluxPoint> points = InfluxSchema.assessment(a, XIAMEN);

        assertThat(points).allMatch(p -> p.timeMs() == OCTOBER);
        assertThat(points).filteredOn(p -> p.measurement().equals(InfluxSchema.OPERATOR_MONTH))
                .extracting(p -> p.tags().toString() + " rank " + p.fields().get(InfluxSchema.FIELD_RANK))
                .containsExactlyInAnyOrder("{operator=hello} rank 1", "{operator=meituan} rank 2");
        InfluxPoint month = points.stream().filter(p -> p.measurement().equals(InfluxSchema.OPERATOR_MONTH)
                && p.tags().get(InfluxSchema.TAG_OPERATOR).equals("meituan")).findFirst().orElseThrow();
        assertThat(month.fields()).containsKeys("score", "grade", "grade_en", "passed", "rank", "quota_share_pct",
                "deducted", "bonus", "rule_set", "cat_parkingOrder", "m_no_park_violations_per_1000_bikes");
        assertThat(month.fields().get("rule_set")).isEqualTo("huli-2026.1");
        InfluxPoint density = points.stream().filter(p -> p.measurement().equals(InfluxSchema.DEDUCTION)
                && p.tags().get(InfluxSchema.TAG_OPERATOR).equals("meituan")
                && p.tags().get(InfluxSchema.TAG_RULE_ID).equals("noPark.density")).findFirst().orElseThrow();
        StringBuilder twenty = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            twenty.append(i == 0 ? "" : ";").append("np-").append(i);
        }
        assertThat(line(density)).isEqualTo("deduction,category=parkingOrder,operator=meituan,rule_id=noPark.density"
                + " capped=true,evidence=\"" + twenty + "\",evidence_count=25i,"
                + "metric=\"no_park_violations_per_1000_bikes\",points=15.0,rule_set=\"huli-2026.1\",value=250.0 "
                + OCTOBER);
        assertThat(points).filteredOn(p -> p.measurement().equals(InfluxSchema.DEDUCTION))
                .hasSize(a.scores().stream().mapToInt(s -> s.deductions().size()).sum())
                .extracting(p -> p.tags().keySet().toString()).containsOnly("[category, operator, rule_id]");
    }

    @Test
    void anOperatorsMonthCountsAreAtTheMonthsStartAndTheDaysBikesAtTheDaysStart() {
        OperatorMonthMetrics m = OperatorMonthMetrics.builder("meituan", YearMonth.of(2026, 10))
                .fleet(new OperatorMonthMetrics.Fleet(new TreeMap<>(Map.of(LocalDate.of(2026, 10, 12), 3L)), 30, 22))
                .noPark(new OperatorMonthMetrics.NoPark(4, 3, 2, 70))
                .parking(new OperatorMonthMetrics.Parking(9, 8))
                .accumulation(new OperatorMonthMetrics.Accumulation(5, 6, 7, 1, 40))
                .outOfAreaBikes(11)
                .zombieBikes(12)
                .condition(new OperatorMonthMetrics.Condition(13, 10, 3, 96))
                .dataFeed(new OperatorMonthMetrics.DataFeed(29, 1000, 14, 15, 16, 17, 390))
                .build();

        List<InfluxPoint> points = InfluxSchema.operatorMetrics(m, T, XIAMEN);

        assertThat(points).extracting(InfluxSchemaTest::line).containsExactly(
                "operator_metrics,operator=meituan accumulation_cleared=7i,accumulation_cleared_within_deadline=1i,"
                        + "accumulation_minutes_to_clear=40i,bikes=30i,bikes_within_report_interval=29i,"
                        + "cell_over_threshold_events=6i,faulty_bikes=13i,faulty_handled=10i,"
                        + "faulty_handled_within_deadline=3i,faulty_minutes_to_handle=96i,feed_gap_minutes=390i,"
                        + "feed_gaps=17i,fence_over_capacity_events=5i,invalid_records=16i,late_records=14i,"
                        + "no_park_closed=3i,no_park_closed_within_deadline=2i,no_park_minutes_open=70i,"
                        + "no_park_opened=4i,out_of_area_bikes=11i,out_of_order_records=15i,peak_standing=22i,"
                        + "records=1000i,ride_ends_in_area=9i,ride_ends_in_fence=8i,zombie_bikes=12i " + OCTOBER,
                "operator_day,operator=meituan bikes_seen=3i " + Instant.parse("2026-10-11T16:00:00Z").toEpochMilli());
        assertThat(InfluxSchema.operatorMetrics(m, T + 86_400_000L, XIAMEN)).as("13 October saw no bike")
                .extracting(InfluxPoint::measurement).containsExactly("operator_metrics");
    }

    @Test
    void categoryAndMetricFieldsReplaceWhatLineProtocolKeysShouldNotHold() {
        assertThat(InfluxSchema.categoryField("parking-order.2")).isEqualTo("cat_parking_order_2");
        assertThat(InfluxSchema.metricField("no_park_violations_per_1000_bikes"))
                .isEqualTo("m_no_park_violations_per_1000_bikes");
    }

    @Test
    void fieldNamesReplaceWhatIsNotALetterOrDigitAsTheRegexDid() {
        for (String id : new String[] {"np.unattended-2", "ok", "a b\tc", "淤积", "x😀y", "", "A_9"}) {
            assertThat(InfluxSchema.fieldName(id)).as(id).isEqualTo(id.replaceAll("[^A-Za-z0-9]", "_"));
        }
    }
}
