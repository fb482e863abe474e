package org.bikefence.influx;

import java.io.IOException;

/**
 * InfluxDB cannot take the points a command is about to write or read: unreachable, refusing the credentials, or
 * without the database or bucket. The message is one line naming the cause, the URL and the fix; never a secret.
 */
public final class InfluxPreflightException extends IOException {

    private static final long serialVersionUID = 1L;

    InfluxPreflightException(String message) {
        super(message);
    }
}
