package org.bikefence.replay;

import java.util.Locale;

/**
 * The replay's progress line, a pure function of counts, bytes and elapsed time: a bar and percentage
 * by bytes read of the input's size (compressed size for gzip files, so it is exact at the end and close
 * enough on the way), events done, the event rate and the time left at the byte rate so far.
 */
public final class ProgressLine {
    private ProgressLine() {}

    /**
     * @param barWidth characters between the brackets
     */
    public static String render(long events, long bytesRead, long totalBytes, long elapsedNanos, int barWidth) {
        double fraction = totalBytes <= 0 ? (bytesRead > 0 ? 1.0 : 0.0) : Math.min(1.0, (double) bytesRead / totalBytes);
        int filled = (int) Math.floor(fraction * barWidth);
        StringBuilder sb = new StringBuilder(barWidth + 80);
        sb.append('[');
        for (int i = 0; i < barWidth; i++) {
            sb.append(i < filled ? '#' : '-');
        }
        sb.append(']');
        sb.append(String.format(Locale.ROOT, " %3d%%  %,d events  %s  ETA %s",
                (int) Math.floor(fraction * 100), events, rate(events, elapsedNanos),
                eta(bytesRead, totalBytes, elapsedNanos)));
        return sb.toString();
    }

    static String rate(long events, long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return "- ev/s";
        }
        return String.format(Locale.ROOT, "%,.0f ev/s", events / (elapsedNanos / 1e9));
    }

    /** Time left if the rest of the bytes go at the rate so far; {@code --:--} before anything is read. */
    static String eta(long bytesRead, long totalBytes, long elapsedNanos) {
        if (bytesRead >= totalBytes) {
            return duration(0);
        }
        if (bytesRead <= 0 || elapsedNanos <= 0) {
            return "--:--";
        }
        double seconds = elapsedNanos / 1e9 * (totalBytes - bytesRead) / bytesRead;
        return duration((long) Math.ceil(seconds));
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
