package org.bikefence.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.bikefence.model.RawRecord;

/**
 * The event time of a raw position record, read at the source so that watermarks are made per Kafka partition
 * (a subtask reading several partitions emits them in blocks, one partition's fetch after another's, and a
 * watermark made from that mix would turn the other partitions' records late). It reads only the top-level
 * {@code ts} field; the decoder reads the record properly later.
 *
 * <p>A record without a readable {@code ts} gets {@link Long#MIN_VALUE} (it will be a dead letter and moves no
 * watermark), and a {@code ts} further in the future than the decoder accepts is not believed either, so one
 * bad record cannot push a partition's watermark ahead of its good ones.
 *
 * <p>Public for the replay's source, which orders the files it reads side by side by this event time and ends
 * with the watermark it makes (org.bikefence.replay.ReplayEventTime).
 */
public final class RecordEventTime implements SerializableTimestampAssigner<RawRecord> {
    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private final long maxFutureMs;
    private final Long fixedNowMs;

    /** @param maxFutureMs and @param fixedNowMs as the decoder has them: later timestamps are rejected there */
    public RecordEventTime(long maxFutureMs, Long fixedNowMs) {
        this.maxFutureMs = maxFutureMs;
        this.fixedNowMs = fixedNowMs;
    }

    @Override
    public long extractTimestamp(RawRecord r, long recordTimestamp) {
        long ts = eventTime(r.value);
        long now = fixedNowMs == null ? System.currentTimeMillis() : fixedNowMs;
        return ts > now + maxFutureMs ? Long.MIN_VALUE : ts;
    }

    /** The top-level integer {@code ts} of a JSON object, or {@link Long#MIN_VALUE}. */
    static long eventTime(byte[] value) {
        if (value == null || value.length == 0) {
            return Long.MIN_VALUE;
        }
        long scanned = scan(value);
        return scanned != UNDECIDED ? scanned : parse(value);
    }

    /** What {@link #scan} returns when the record is not plain enough for it: the parser decides. */
    static final long UNDECIDED = Long.MIN_VALUE + 1;

    /**
     * A scan of the bytes for the top-level {@code ts}, without a parser (a parser per record cost as much as the
     * decoder's whole read): the keys of the top-level object are read in turn and the values before {@code ts}
     * skipped, strings, nesting and escapes included. Anything it does not expect (an escape in a key, a {@code ts}
     * that is not a plain integer, an unbalanced value) is {@link #UNDECIDED}, and the parser gives the answer. On
     * well-formed JSON its answer is the parser's; it does not validate the values it skips, so a malformed record
     * may still give the {@code ts} the parser would not reach: such a record is a dead letter either way, and its
     * time passes the same max-future check as any other.
     */
    static long scan(byte[] b) {
        int i = ws(b, 0);
        if (i >= b.length || b[i] != '{') {
            return UNDECIDED;
        }
        i = ws(b, i + 1);
        if (i < b.length && b[i] == '}') {
            return Long.MIN_VALUE;
        }
        while (i < b.length && b[i] == '"') {
            int keyStart = i + 1;
            int keyEnd = keyStart;
            while (keyEnd < b.length && b[keyEnd] != '"') {
                if (b[keyEnd] == '\\') {
                    return UNDECIDED;
                }
                keyEnd++;
            }
            i = ws(b, keyEnd + 1);
            if (i >= b.length || b[i] != ':') {
                return UNDECIDED;
            }
            i = ws(b, i + 1);
            if (keyEnd - keyStart == 2 && b[keyStart] == 't' && b[keyStart + 1] == 's') {
                return integer(b, i);
            }
            i = skipValue(b, i);
            if (i < 0) {
                return UNDECIDED;
            }
            i = ws(b, i);
            if (i < b.length && b[i] == ',') {
                i = ws(b, i + 1);
            } else if (i < b.length && b[i] == '}') {
                return Long.MIN_VALUE;
            } else {
                return UNDECIDED;
            }
        }
        return UNDECIDED;
    }

    /** A plain integer (no sign but '-', no leading zero, no fraction or exponent) starting at {@code i}. */
    private static long integer(byte[] b, int i) {
        boolean negative = i < b.length && b[i] == '-';
        if (negative) {
            i++;
        }
        int digits = i;
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            if (i - digits >= 18) {
                return UNDECIDED; // might not fit a long: the parser knows
            }
            v = v * 10 + (b[i] - '0');
            i++;
        }
        int n = i - digits;
        if (n == 0 || (n > 1 && b[digits] == '0')) {
            return UNDECIDED;
        }
        if (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ' ' && b[i] != '\n' && b[i] != '\r'
                && b[i] != '\t') {
            return UNDECIDED; // a fraction, an exponent, or not a number at all
        }
        if (i >= b.length) {
            return UNDECIDED;
        }
        return negative ? -v : v;
    }

    /** The index after the JSON value starting at {@code i}, or -1 when it is not plain enough to skip. */
    private static int skipValue(byte[] b, int i) {
        if (i >= b.length) {
            return -1;
        }
        byte c = b[i];
        if (c == '"') {
            return skipString(b, i);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < b.length) {
                byte d = b[i];
                if (d == '"') {
                    i = skipString(b, i);
                    if (i < 0) {
                        return -1;
                    }
                    continue;
                }
                if (d == '{' || d == '[') {
                    depth++;
                } else if (d == '}' || d == ']') {
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
            return -1;
        }
        // A number or a literal: up to the next delimiter.
        int start = i;
        while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n'
                && b[i] != '\r' && b[i] != '\t') {
            if (b[i] == '"' || b[i] == '{' || b[i] == '[') {
                return -1;
            }
            i++;
        }
        return i > start ? i : -1;
    }

    /** The index after the string starting at {@code i} (a quote), escapes skipped; -1 if it does not end. */
    private static int skipString(byte[] b, int i) {
        i++;
        while (i < b.length) {
            if (b[i] == '\\') {
                i += 2;
                continue;
            }
            if (b[i] == '"') {
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    private static int ws(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The top-level integer {@code ts} as Jackson's streaming parser reads it. */
    static long parse(byte[] value) {
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Long.MIN_VALUE;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("ts".equals(field)) {
                    return v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : Long.MIN_VALUE;
                }
                p.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: the decoder rejects it with the reason.
        }
        return Long.MIN_VALUE;
    }
}
