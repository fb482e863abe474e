/**
 * The InfluxDB sink: a Flink Sink V2 ({@link org.bikefence.sink.InfluxDbSink}) that writes
 * {@link org.bikefence.influx.InfluxPoint}s as line protocol to InfluxDB 1.x ({@code /write}) or 2.x
 * ({@code /api/v2/write}).
 *
 * <p><b>Guarantees.</b> The writer buffers points and writes them when batchSize points are buffered,
 * when the oldest has waited flushInterval, and in {@code flush()}, which Flink calls before every
 * checkpoint and at end of input. So when a checkpoint completes, every point the sink received before
 * its barrier has been acknowledged by InfluxDB. A write that fails after the bounded retries (429, 503
 * and network errors only) throws and fails the job; it restarts from the last checkpoint and the source
 * replays, so no point is dropped: the sink is <em>at least once</em>.
 *
 * <p>InfluxDB identifies a point by measurement, tag set and timestamp, and a second write of the same
 * point replaces its field values. Points built deterministically from the input — sorted tags and
 * fields, a timestamp taken from the event and never from the wall clock — therefore overwrite
 * themselves on replay, and the stored data looks as if every point was written <em>exactly once</em>.
 * This holds as long as two different points never share measurement, tags and time; give points that
 * could collide (e.g. two violations of one bike in one millisecond) a distinguishing tag.
 *
 * <p>Secrets (v1 password, v2 token) are best given as environment-variable or file references,
 * resolved on the TaskManager when the writer opens; they never appear in {@code toString()}, logs or
 * error messages.
 */
package org.bikefence.sink;
