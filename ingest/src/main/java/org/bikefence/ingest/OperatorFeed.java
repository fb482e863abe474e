package org.bikefence.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.bikefence.geofence.crs.Crs;

/**
 * One operator's feed as configured: how it is read ({@link Kind}), in which coordinate system it reports,
 * how often it is polled and how fresh it promises its positions are. The token is a reference (environment
 * variable or file), resolved when needed and never logged; {@link #toString()} shows only the reference.
 *
 * @param url gbfs: the {@code gbfs.json} discovery file or the vehicle status feed; mds: the provider's
 *     {@code /vehicles/status} (or {@code /events/recent}) endpoint; push: unused
 * @param tokenEnv gbfs/mds: bearer token sent to the operator's API; push: the token the operator must send us
 * @param every poll interval (gbfs/mds); a GBFS feed's ttl can only lengthen it
 * @param freshness the feed's promise: positions older than this at fetch time count as stale
 */
public record OperatorFeed(String id, Kind kind, String url, Crs crs, String tokenEnv, String tokenFile,
        Duration every, Duration freshness) {

    /** How a feed reaches bikefence. */
    public enum Kind {
        GBFS,
        MDS,
        PUSH;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kind must be gbfs, mds or push, was '" + s + "'");
            }
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public OperatorFeed {
        if (id == null || !id.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("operator id must be non-empty letters, digits, '_', '.', '-', was '"
                    + id + "'");
        }
        if (kind != Kind.PUSH && (url == null || !(url.startsWith("http://") || url.startsWith("https://")))) {
            throw new IllegalArgumentException("operator " + id + ": url must be an http(s) URL for kind "
                    + kind.wireName() + ", was '" + url + "'");
        }
        if (kind == Kind.PUSH && tokenEnv == null && tokenFile == null) {
            throw new IllegalArgumentException("operator " + id + ": a push operator needs token-env or token-file");
        }
        if (tokenEnv != null && tokenFile != null) {
            throw new IllegalArgumentException("operator " + id + ": give token-env or token-file, not both");
        }
        if (every.isNegative() || every.isZero() || freshness.isNegative() || freshness.isZero()) {
            throw new IllegalArgumentException("operator " + id + ": every and freshness must be positive");
        }
    }

    /** The token, or null when none is configured; fails naming the variable or file, never the value. */
    public String token(Function<String, String> env) throws IOException {
        if (tokenEnv != null) {
            String v = env.apply(tokenEnv);
            if (v == null || v.isBlank()) {
                throw new IOException(
                        "operator " + id + ": environment variable " + tokenEnv + " (token-env) is not set");
            }
            return v.strip();
        }
        if (tokenFile != null) {
            String v = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
            if (v.isEmpty()) {
                throw new IOException("operator " + id + ": token file " + tokenFile + " is empty");
            }
            return v;
        }
        return null;
    }

    @Override
    public String toString() {
        return "OperatorFeed{" + id + ", " + kind.wireName() + (url == null ? "" : ", " + url) + ", " + crs
                + ", every " + every + ", freshness " + freshness
                + (tokenEnv != null ? ", token env:" + tokenEnv : tokenFile != null ? ", token file:" + tokenFile : "")
                + "}";
    }
}
