package org.bikefence.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class JobOptionsTest {
    @Test
    void everyOptionHasADescription() {
        for (ConfigOption<?> o : JobOptions.ALL) {
            assertThat(JobOptions.descriptionText(o)).as(o.key()).isNotBlank();
        }
    }

    @Test
    void keysAreUniqueAndNoneIsASecret() {
        List<String> keys = JobOptions.ALL.stream().map(ConfigOption::key).toList();
        assertThat(keys).doesNotHaveDuplicates().doesNotContainAnyElementsOf(JobOptions.FORBIDDEN);
        for (String k : keys) {
            assertThat(JobOptions.byKey(k)).isPresent();
        }
    }

    @Test
    void everyOptionConstantIsListed() throws IllegalAccessException {
        List<ConfigOption<?>> constants = new ArrayList<>();
        for (Field f : JobOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                constants.add((ConfigOption<?>) f.get(null));
            }
        }
        assertThat(JobOptions.ALL).containsExactlyInAnyOrderElementsOf(constants);
    }

    @Test
    void defaultsWrittenAsTextParseBackToTheDefaults() {
        for (ConfigOption<?> o : JobOptions.ALL) {
            if (o.hasDefaultValue()) {
                Configuration c = Configuration.fromMap(Map.of(o.key(), JobOptions.defaultText(o)));
                assertThat(c.get(o)).as(o.key()).isEqualTo(o.defaultValue());
            }
        }
    }
}
