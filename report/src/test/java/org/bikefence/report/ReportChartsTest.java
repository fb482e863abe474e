package org.bikefence.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportChartsTest {

    @Test
    void barChartIsWellFormedSvgWithBarsProportionalToValues() throws Exception {
        String svg = ReportCharts.bars("Score <per> operator & \"quota\"", List.of(
                new ReportCharts.Bar("哈啰 hello", 100), new ReportCharts.Bar("美团 <meituan> & co", 50),
                new ReportCharts.Bar("qingju", 12.5), new ReportCharts.Bar("zero", 0)), 100, "");

        List<Element> bars = elements(parse(svg), "rect", "bar");
        assertThat(bars).hasSize(4);
        double full = width(bars.get(0));
        assertThat(full).isEqualTo(ReportCharts.WIDTH - ReportCharts.LABEL_W - ReportCharts.VALUE_W, within(0.01));
        assertThat(width(bars.get(1)) / full).isCloseTo(0.5, within(0.001));
        assertThat(width(bars.get(2)) / full).isCloseTo(0.125, within(0.001));
        assertThat(width(bars.get(3))).isZero();
        assertThat(bars.get(1).getAttribute("data-value")).isEqualTo("50");
        assertThat(svg).contains("美团 &lt;meituan&gt; &amp; co");
    }

    @Test
    void barsAboveTheScaleAreClippedAndNegativeValuesDrawNothing() {
        assertThat(ReportCharts.length(150, 100, 500)).isEqualTo(500);
        assertThat(ReportCharts.length(-3, 100, 500)).isZero();
        assertThat(ReportCharts.length(5, 0, 500)).isZero();
    }

    @Test
    void stackedSegmentsAreProportionalAndLaidEndToEnd() throws Exception {
        String svg = ReportCharts.stacked("by category", List.of("停放秩序 parking", "投放管控 fleet", "数据质量 data"),
                List.of(new ReportCharts.Stack("hello", new double[] {10, 0, 5}),
                        new ReportCharts.Stack("meituan", new double[] {20, 10, 10})), 40);

        List<Element> segs = elements(parse(svg), "rect", "segment");
        assertThat(segs).hasSize(5); // the zero segment is not drawn
        double plot = ReportCharts.WIDTH - ReportCharts.LABEL_W - ReportCharts.VALUE_W;
        assertThat(width(segs.get(0))).isCloseTo(plot * 10 / 40, within(0.01));
        assertThat(width(segs.get(1))).isCloseTo(plot * 5 / 40, within(0.01));
        // meituan: 20 + 10 + 10 = 40 fills the plot exactly, segments touching.
        double x = ReportCharts.LABEL_W;
        for (Element s : segs.subList(2, 5)) {
            assertThat(Double.parseDouble(s.getAttribute("x"))).isCloseTo(x, within(0.01));
            x += width(s);
        }
        assertThat(x - ReportCharts.LABEL_W).isCloseTo(plot, within(0.01));
    }

    @Test
    void dailyChartHasOnePointPerDayWithDataAndScalesHeights() throws Exception {
        List<LocalDate> days = new ArrayList<>();
        for (int d = 1; d <= 31; d++) {
            days.add(YearMonth.of(2026, 10).atDay(d));
        }
        Map<String, Map<LocalDate, Double>> series = new LinkedHashMap<>();
        series.put("hello", new TreeMap<>(Map.of(days.get(0), 100.0, days.get(1), 50.0)));
        series.put("meituan", new TreeMap<>(Map.of(days.get(11), 99.0)));
        Document doc = parse(ReportCharts.daily("daily", days, series, 100));

        List<Element> points = elements(doc, "circle", "point");
        assertThat(points).hasSize(3);
        double y100 = Double.parseDouble(points.get(0).getAttribute("cy"));
        double y50 = Double.parseDouble(points.get(1).getAttribute("cy"));
        double zero = y100 + 220; // plot height
        assertThat((zero - y50) / (zero - y100)).isCloseTo(0.5, within(0.01));
        assertThat(doc.getElementsByTagName("path").getLength()).isEqualTo(2);
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> elements(Document doc, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (cls.equals(e.getAttribute("class"))) {
                out.add(e);
            }
        }
        return out;
    }

    private static double width(Element e) {
        return Double.parseDouble(e.getAttribute("width"));
    }
}
