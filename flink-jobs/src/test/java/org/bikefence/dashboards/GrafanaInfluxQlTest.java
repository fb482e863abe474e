package org.bikefence.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.bikefence.dashboards.GrafanaInfluxQl.Select;
import org.bikefence.dashboards.GrafanaInfluxQl.Variable;
import org.junit.jupiter.api.Test;

class GrafanaInfluxQlTest {

    private static final Map<String, Variable> ALL_OPERATORS =
            Map.of("operator", new Variable("operator", true, List.of("hello", "meituan")));

    private static String interpolate(String query, Map<String, Variable> vars) {
        return GrafanaInfluxQl.interpolate(query, 1000L, 2000L, "1m", 60_000L, vars);
    }

    @Test
    void timeFilterBecomesAnAbsoluteMillisecondRange() {
        assertThat(interpolate("SELECT x FROM m WHERE $timeFilter", Map.of()))
                .isEqualTo("SELECT x FROM m WHERE time >= 1000ms and time <= 2000ms");
        assertThat(interpolate("WHERE $__timeFilter", Map.of())).isEqualTo("WHERE time >= 1000ms and time <= 2000ms");
    }

    @Test
    void intervalAndRangeMacrosInEverySyntax() {
        assertThat(interpolate("time($__interval) time($interval) time(${__interval}) time([[interval]])", Map.of()))
                .isEqualTo("time(1m) time(1m) time(1m) time(1m)");
        assertThat(interpolate("$__interval_ms $__from $__to", Map.of())).isEqualTo("60000 1000 2000");
    }

    @Test
    void multiValueVariablesBecomeAnEscapedRegexAlternation() {
        assertThat(interpolate("\"operator\" =~ /^$operator$/", ALL_OPERATORS))
                .isEqualTo("\"operator\" =~ /^(hello|meituan)$/");
        assertThat(interpolate("=~ /^${operator}$/ =~ /^[[operator]]$/", Map.of("operator",
                new Variable("operator", true, List.of("a.b/c")))))
                .isEqualTo("=~ /^a\\.b\\/c$/ =~ /^a\\.b\\/c$/");
        assertThat(interpolate("${operator:raw}", ALL_OPERATORS)).isEqualTo("hello,meituan");
    }

    @Test
    void aPlainVariableIsInsertedAsIs() {
        assertThat(interpolate("= '$op'", Map.of("op", new Variable("op", false, List.of("a.b")))))
                .isEqualTo("= 'a.b'");
    }

    @Test
    void unknownVariablesStayAndAreDetected() {
        String q = interpolate("WHERE \"type\" =~ /^$type$/", ALL_OPERATORS);
        assertThat(q).isEqualTo("WHERE \"type\" =~ /^$type$/");
        assertThat(GrafanaInfluxQl.LEFT_OVER.matcher(q).find()).isTrue();
        assertThat(GrafanaInfluxQl.LEFT_OVER.matcher("=~ /^(a|b)$/").find()).isFalse();
    }

    @Test
    void selectGivesColumnsGroupByTagsAndNamedIdentifiers() {
        Select s = GrafanaInfluxQl.parse("SELECT last(\"score\") AS \"score\", \"lat\", count(status) AS n "
                + "FROM \"violation\" WHERE time >= 1000ms and time <= 2000ms AND \"status\" = 'open and closed' "
                + "AND \"type\" =~ /^(zombie|faulty_overdue)$/ GROUP BY time(1d), \"operator\", fence_id fill(0) "
                + "tz('Asia/Shanghai')");
        assertThat(s.measurement()).isEqualTo("violation");
        assertThat(s.columns()).containsExactly("score", "lat", "n");
        assertThat(s.groupByTags()).containsExactly("operator", "fence_id");
        assertThat(s.identifiers()).containsExactlyInAnyOrder("score", "lat", "status", "type", "operator",
                "fence_id");
    }

    @Test
    void aPerOperatorOccupancyQueryGroupsByAreaAndOperatorAndNamesBothFieldsOfItsRatio() {
        Select s = GrafanaInfluxQl.parse(interpolate("SELECT last(\"bikes\") AS \"bikes\", last(\"bikes\") / "
                + "last(\"capacity\") AS \"share\" FROM \"fence_operator_occupancy\" WHERE $timeFilter AND "
                + "\"operator\" =~ /^$operator$/ GROUP BY \"fence_id\", \"operator\"", ALL_OPERATORS));
        assertThat(s.measurement()).isEqualTo("fence_operator_occupancy");
        assertThat(s.columns()).containsExactly("bikes", "share");
        assertThat(s.groupByTags()).containsExactly("fence_id", "operator");
        assertThat(s.identifiers()).containsExactlyInAnyOrder("bikes", "capacity", "operator", "fence_id");
    }

    @Test
    void anUnaliasedExpressionIsRefused() {
        assertThatThrownBy(() -> GrafanaInfluxQl.parse("SELECT last(\"score\") FROM \"operator_score\""))
                .hasMessageContaining("AS alias");
        assertThatThrownBy(() -> GrafanaInfluxQl.parse("SHOW MEASUREMENTS")).hasMessageContaining("not a SELECT");
    }
}
