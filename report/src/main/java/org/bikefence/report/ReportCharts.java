package org.bikefence.report;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's charts as inline SVG, drawn here so that report.html needs no script, library or network.
 * Bars are horizontal (labels can be long and bilingual); every bar's length is exactly proportional to its
 * value on a scale that starts at zero, and each mark carries its value in {@code data-value}.
 */
public final class ReportCharts {
    /** Colour-blind-safe palette (Okabe–Ito), in series order. */
    static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
        "#000000"};
    static final int WIDTH = 760;
    static final int LABEL_W = 190;
    static final int VALUE_W = 70;
    static final int BAR_H = 22;
    static final int GAP = 10;

    private ReportCharts() {}

    /** One labelled value. */
    public record Bar(String label, double value) {}

    /** One stacked row: a label and one value per series (missing values are 0). */
    public record Stack(String label, double[] values) {}

    /** Length in pixels of a bar of {@code value} on a scale from 0 to {@code max} over {@code plot} pixels. */
    static double length(double value, double max, double plot) {
        if (max <= 0 || value <= 0) {
            return 0;
        }
        return Math.min(value, max) / max * plot;
    }

    /** Horizontal bars on a 0..max scale (max: e.g. the rule set's base score, so 100 fills the plot). */
    public static String bars(String title, List<Bar> bars, double max, String unit) {
        double plot = WIDTH - LABEL_W - VALUE_W;
        int height = GAP + bars.size() * (BAR_H + GAP) + 20;
        StringBuilder sb = open(title, height);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = GAP + i * (BAR_H + GAP);
            double w = length(b.value(), max, plot);
            sb.append(text(LABEL_W - 8, y + BAR_H * 0.7, "end", b.label()));
            sb.append(String.format(Locale.ROOT,
                    "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" data-value=\"%s\">"
                            + "<title>%s: %s</title></rect>",
                    LABEL_W, y, w, BAR_H, PALETTE[i % PALETTE.length], num(b.value()), esc(b.label()),
                    esc(num(b.value()) + unit)));
            sb.append(text(LABEL_W + w + 6, y + BAR_H * 0.7, "start", num(b.value()) + unit));
        }
        axis(sb, plot, max, height - 20);
        return sb.append("</svg>").toString();
    }

    /**
     * Horizontal stacked bars: one row per label, one segment per series, on a 0..max scale; a legend names
     * the series.
     */
    public static String stacked(String title, List<String> series, List<Stack> rows, double max) {
        double plot = WIDTH - LABEL_W - VALUE_W;
        int legendRows = (series.size() + 2) / 3;
        int top = GAP + legendRows * 18;
        int height = top + rows.size() * (BAR_H + GAP) + 20;
        StringBuilder sb = open(title, height);
        for (int s = 0; s < series.size(); s++) {
            int lx = 10 + (s % 3) * 250;
            int ly = 6 + (s / 3) * 18;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>",
                    lx, ly, PALETTE[s % PALETTE.length]));
            sb.append(text(lx + 16, ly + 10, "start", series.get(s)));
        }
        for (int i = 0; i < rows.size(); i++) {
            Stack r = rows.get(i);
            int y = top + i * (BAR_H + GAP);
            sb.append(text(LABEL_W - 8, y + BAR_H * 0.7, "end", r.label()));
            double x = LABEL_W;
            double total = 0;
            for (int s = 0; s < series.size(); s++) {
                double v = s < r.values().length ? r.values()[s] : 0;
                double w = length(v, max, plot);
                if (w > 0) {
                    sb.append(String.format(Locale.ROOT,
                            "<rect class=\"segment\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" "
                                    + "data-value=\"%s\"><title>%s — %s: %s</title></rect>",
                            x, y, w, BAR_H, PALETTE[s % PALETTE.length], num(v), esc(r.label()),
                            esc(series.get(s)), num(v)));
                }
                x += w;
                total += v;
            }
            sb.append(text(x + 6, y + BAR_H * 0.7, "start", num(total)));
        }
        axis(sb, plot, max, height - 20);
        return sb.append("</svg>").toString();
    }

    /**
     * One line per series over the month's days, y from 0 to max; a series has a point only on the days it has a
     * value (no interpolation across days without data).
     */
    public static String daily(String title, List<LocalDate> days, Map<String, Map<LocalDate, Double>> series,
            double max) {
        int left = 50;
        int right = 20;
        int top = 14 + ((series.size() + 2) / 3) * 18;
        int plotH = 220;
        int height = top + plotH + 40;
        double plotW = WIDTH - left - right;
        double step = days.size() > 1 ? plotW / (days.size() - 1) : 0;
        StringBuilder sb = open(title, height);
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            double y = top + plotH - plotH * t / 4.0;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, y, left + plotW, y));
            sb.append(text(left - 6, y + 4, "end", num(v)));
        }
        for (int d = 0; d < days.size(); d++) {
            if (d % 5 == 0 || d == days.size() - 1) {
                sb.append(text(left + d * step, top + plotH + 16, "middle",
                        String.valueOf(days.get(d).getDayOfMonth())));
            }
        }
        int s = 0;
        for (Map.Entry<String, Map<LocalDate, Double>> e : series.entrySet()) {
            String colour = PALETTE[s % PALETTE.length];
            int lx = 10 + (s % 3) * 250;
            int ly = 4 + (s / 3) * 18;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>",
                    lx, ly, colour));
            sb.append(text(lx + 16, ly + 10, "start", e.getKey()));
            StringBuilder path = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            boolean pen = false;
            for (int d = 0; d < days.size(); d++) {
                Double v = e.getValue().get(days.get(d));
                if (v == null) {
                    pen = false;
                    continue;
                }
                double x = left + d * step;
                double y = top + plotH - length(v, max, plotH);
                path.append(pen ? " L" : (path.length() == 0 ? "M" : " M"))
                        .append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                pen = true;
                dots.append(String.format(Locale.ROOT,
                        "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" data-value=\"%s\">"
                                + "<title>%s %s: %s</title></circle>",
                        x, y, colour, num(v), esc(e.getKey()), days.get(d), num(v)));
            }
            if (path.length() > 0) {
                sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour)
                        .append("\" stroke-width=\"2\"/>");
            }
            sb.append(dots);
            s++;
        }
        return sb.append("</svg>").toString();
    }

    private static StringBuilder open(String title, int height) {
        return new StringBuilder(1024).append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\" aria-label=\"%s\">"
                        + "<title>%s</title>",
                WIDTH, height, WIDTH, height, esc(title), esc(title)));
    }

    private static void axis(StringBuilder sb, double plot, double max, int y) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>",
                LABEL_W, y, LABEL_W + plot, y));
        for (int t = 0; t <= 4; t++) {
            double x = LABEL_W + plot * t / 4;
            sb.append(text(x, y + 14, "middle", num(max * t / 4)));
        }
    }

    private static String text(double x, double y, String anchor, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
                esc(s));
    }

    /** A number as the report prints it: up to 2 decimals, no trailing zeros. */
    static String num(double v) {
        return new java.math.BigDecimal(v).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    /** Escapes text for XML content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
