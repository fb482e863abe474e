package org.bikefence.influx;

import java.io.IOException;
import java.util.List;

/** Writes batches of points to one InfluxDB database or bucket; the seam between the Flink writer and HTTP. */
public interface InfluxWriteClient extends AutoCloseable {

    /**
     * Writes the whole batch or throws; implementations retry transient failures before giving up.
     *
     * @throws InfluxWriteException when the server rejects the batch or stays unavailable
     */
    void write(List<InfluxPoint> batch) throws IOException;

    @Override
    void close() throws IOException;
}
