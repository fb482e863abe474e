package org.bikefence.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * influxd and the broker JVM run in a session and process group of their own, so a terminal's Ctrl-C (sent to
 * the foreground process group) reaches only the JVM that started them, which stops them in its order.
 */
@ExtendWith(KafkaExtension.class)
class OwnSessionITCase {

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    @Test
    void influxdLeadsAProcessGroupAndSessionOfItsOwn() throws Exception {
        assumeThat(OwnSession.available()).as("setsid (util-linux) is installed").isTrue();
        long pid = INFLUX.influxd().pid();

        assertThat(commandOf(pid)).contains("influxd");
        assertLeadsOwnGroupAndSession(pid);
    }

    @Test
    void theBrokerJvmLeadsAProcessGroupAndSessionOfItsOwn(LocalKafka kafka) throws Exception {
        assumeThat(OwnSession.available()).as("setsid (util-linux) is installed").isTrue();
        long pid = kafka.pid();

        assertThat(commandOf(pid)).contains("kafka.Kafka");
        assertLeadsOwnGroupAndSession(pid);
    }

    private static void assertLeadsOwnGroupAndSession(long pid) throws Exception {
        long[] child = groupAndSession(pid);
        long[] self = groupAndSession(ProcessHandle.current().pid());
        assertThat(child).as("process group and session of pid " + pid).containsExactly(pid, pid);
        assertThat(child[0]).isNotEqualTo(self[0]);
        assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .as("still our child: setsid exec'd in place").contains(ProcessHandle.current().pid());
    }

    /** Fields 5 and 6 of /proc/PID/stat: process group and session (after the command in parentheses). */
    private static long[] groupAndSession(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    private static String commandOf(long pid) throws Exception {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    }
}
