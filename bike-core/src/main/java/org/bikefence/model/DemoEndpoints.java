package org.bikefence.model;

/**
 * Where the local services of {@code ./bikefence demo} listen: the one definition of the defaults that every
 * command, job option and adapter uses to reach them. Compile-time constants, so annotations can use them.
 */
public final class DemoEndpoints {
    public static final String HOST = "127.0.0.1";
    /** The demo's Kafka broker port. */
    public static final int KAFKA_PORT = 19092;
    /** The demo's influxd HTTP port. */
    public static final int INFLUX_PORT = 18086;
    /** The demo's Flink web UI port. */
    public static final int FLINK_WEB_PORT = 8081;
    public static final String KAFKA_BOOTSTRAP = HOST + ":" + KAFKA_PORT;
    public static final String INFLUX_URL = "http://" + HOST + ":" + INFLUX_PORT;

    private DemoEndpoints() {}
}
