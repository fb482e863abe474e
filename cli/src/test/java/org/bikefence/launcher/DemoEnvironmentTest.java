package org.bikefence.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.config.JobConfig;
import org.bikefence.config.LocalRuntime;
import org.bikefence.geofence.tool.CliSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo's local Flink (built, not started): the configured backend, checkpoints as files under the work directory. */
class DemoEnvironmentTest {
    @TempDir
    Path tmp;

    private Demo demo(String... args) {
        Demo demo = new Demo();
        CliSupport.configure(new CommandLine(demo)).parseArgs(args);
        return demo;
    }

    private static JobConfig jobOptions() {
        return JobConfig.fromArgs(new String[] {"--fences", "../geo-fences/fences/huli-demo.geojson",
            "--rules", "../scoring-rules/rulesets/huli.yaml", "--parallelism", "2"}, Map.of());
    }

    @Test
    void theDemoRunsOnTheConfiguredBackendWithIncrementalCheckpointsUnderItsWorkDirectory() {
        Demo demo = demo("--work-dir", tmp.toString(), "--web-port", "18181");
        demo.flinkConfDir = Path.of("..").resolve(LocalRuntime.CONF_DIR);

        StreamExecutionEnvironment env = demo.environment(jobOptions());

        ReadableConfig conf = env.getConfiguration();
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND))
                .isEqualTo(LocalRuntime.load(demo.flinkConfDir).get(StateBackendOptions.STATE_BACKEND));
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(tmp.resolve("checkpoints").toUri().toString());
        assertThat(conf.get(RestOptions.PORT)).isEqualTo(18181);
        // The live job's strategy: restarts for ever, whatever service is down.
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo(LocalRuntime.RESTART_STRATEGY);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(env.getParallelism()).isEqualTo(2);
        assertThat(env.getMaxParallelism()).isEqualTo(128);
    }

    @Test
    void withoutTheRepositorysConfigFileItIsTheDefaultBackendAndFileCheckpoints() {
        Demo demo = demo("--work-dir", tmp.toString());
        demo.flinkConfDir = tmp.resolve("no-conf");

        ReadableConfig conf = demo.environment(jobOptions()).getConfiguration();

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo(LocalRuntime.DEFAULT_STATE_BACKEND);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(tmp.resolve("checkpoints").toUri().toString());
    }
}
