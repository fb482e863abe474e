/**
 * Operator feed adapters: long-running processes that turn operators' GBFS and MDS feeds and the city's push
 * format into the position contract on Kafka topic {@code bike-positions}, with dead letters and feed health.
 *
 * <p>This package holds what every protocol shares (the polling adapter, the snapshot differ, the position
 * normalizer, the Kafka publisher, feed health, the configuration and the {@code ingest} command); the
 * protocol-specific readers and parsers are in {@code gbfs}, {@code mds} and {@code push}.
 *
 * <p>Not Flink code: these run beside the job, started by {@code ./bikefence ingest}, and share only the
 * contract classes (PositionDecoder, Topics, InfluxPoint) with it.
 */
package org.bikefence.ingest;
