package org.bikefence.ingest;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bikefence.influx.InfluxWriteClient;
import org.bikefence.influx.V1HttpWriteClient;
import org.bikefence.influx.V2WriteClient;
import org.bikefence.influx.WriteRetrier;

/**
 * Writes {@link FeedHealth} points to InfluxDB with the sink's v1 write client. A failed write is logged and
 * dropped: health is observability, and an unavailable InfluxDB must not stop positions flowing to Kafka.
 */
public final class FeedHealthWriter implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(FeedHealthWriter.class);

    private final InfluxWriteClient client;

    public FeedHealthWriter(InfluxWriteClient client) {
        this.client = client;
    }

    /** A writer to {@code url} (InfluxDB 1.x API), database {@code db}; null url means health is not written. */
    public static FeedHealthWriter v1(String url, String db, String username, String password) {
        if (url == null || url.isBlank()) {
            return new FeedHealthWriter(null);
        }
        return new FeedHealthWriter(new V1HttpWriteClient(url, db, null, username, password,
                new WriteRetrier(2, Duration.ofMillis(200), WriteRetrier.RetryListener.NONE)));
    }

    /** A writer to {@code url} through the v2 API ({@code /api/v2/write}, {@code Authorization: Token ..}). */
    public static FeedHealthWriter v2(String url, String org, String bucket, String token) {
        if (url == null || url.isBlank()) {
            return new FeedHealthWriter(null);
        }
        return new FeedHealthWriter(new V2WriteClient(url, org, bucket, token,
                new WriteRetrier(2, Duration.ofMillis(200), WriteRetrier.RetryListener.NONE)));
    }

    /** Writes the point; returns whether InfluxDB took it. */
    public boolean write(FeedHealth health) {
        if (client == null) {
            return false;
        }
        try {
            client.write(List.of(health.toPoint()));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("operator {}: feed health not written to InfluxDB: {}", health.operator(), e.getMessage());
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (client != null) {
            client.close();
        }
    }
}
