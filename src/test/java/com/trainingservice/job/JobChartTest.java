package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.EpochMetrics;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG, read back with a real XML parser. */
class JobChartTest {

    private static final String SVG = JobChart.SVG_NAMESPACE;
    private static final UUID ID = UUID.fromString("0b5d6c1e-8f7a-4c3b-9d2e-1a2b3c4d5e6f");

    private static final List<EpochMetrics> THREE_EPOCHS = List.of(
            new EpochMetrics(1, 0.72, 0.74, 0.80, 5000, 12),
            new EpochMetrics(2, 0.46, 0.83, 0.84, 5000, 12),
            new EpochMetrics(3, 0.40, 0.85, 0.79, 5000, 12));

    @Test
    void isSvgWithOnePolylinePerSeriesAndOnePointPerEpoch() throws Exception {
        Document svg = parse(JobChart.render(ID, "lenet-bn", 10, THREE_EPOCHS));

        Element root = svg.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo(SVG);

        List<Element> polylines = elements(svg, "polyline");
        assertThat(polylines).extracting(line -> line.getAttribute("data-series"))
                .containsExactly("train loss", "train acc", "test acc");
        for (Element polyline : polylines) {
            assertThat(polyline.getAttribute("points").trim().split("\\s+")).hasSize(3)
                    .allMatch(point -> point.matches("-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?"));
        }
        assertThat(texts(svg)).contains("train loss", "train acc", "test acc", "epoch")
                .anyMatch(text -> text.contains(ID.toString()) && text.contains("lenet-bn"));
        assertThat(texts(svg)).doesNotContain(JobChart.NO_EPOCH);
    }

    @Test
    void theXAxisCoversThePlannedEpochsAndLossFallsAsTheCurveGoesUp() throws Exception {
        Document svg = parse(JobChart.render(ID, "lenet-bn", 10, THREE_EPOCHS));

        double[][] loss = points(elements(svg, "polyline").get(0));
        assertThat(loss[0][0]).isLessThan(loss[1][0]).isLessThan(loss[2][0]);
        assertThat(loss[0][1]).as("y grows downwards: lower loss, larger y").isLessThan(loss[1][1]);
        // epochs 1..10 labelled; epoch 3 sits two ninths of the way from epoch 1 to epoch 10
        assertThat(texts(svg)).contains("1", "2", "5", "10");
        Element frame = (Element) svg.getElementsByTagNameNS(SVG, "rect").item(1);
        double plotWidth = Double.parseDouble(frame.getAttribute("width"));
        assertThat(loss[2][0] - loss[0][0]).isCloseTo(plotWidth * 2 / 9, org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void theYAxisCoversZeroToOneOrTheLargestLoss() throws Exception {
        assertThat(texts(parse(JobChart.render(ID, "lenet", 3, THREE_EPOCHS)))).contains("0", "0.2", "1")
                .doesNotContain("1.2");

        List<EpochMetrics> highLoss = List.of(new EpochMetrics(1, 2.3, 0.1, 0.1, 1, 1),
                new EpochMetrics(2, 1.1, 0.5, 0.6, 1, 1));
        Document svg = parse(JobChart.render(ID, "lenet", 2, highLoss));
        assertThat(texts(svg)).contains("0", "0.5", "2", "2.5").doesNotContain("3");
        double[][] loss = points(elements(svg, "polyline").get(0));
        double[][] accuracy = points(elements(svg, "polyline").get(1));
        assertThat(loss[0][1]).as("2.3 is drawn below the top of the plot, within it").isGreaterThan(50);
        assertThat(accuracy[0][1]).isGreaterThan(loss[0][1]);
    }

    @Test
    void aJobWithoutAFinishedEpochSaysSo() throws Exception {
        Document svg = parse(JobChart.render(ID, "lenet-bn-scratch", 10, List.of()));

        assertThat(svg.getDocumentElement().getNamespaceURI()).isEqualTo(SVG);
        assertThat(elements(svg, "polyline")).isEmpty();
        assertThat(texts(svg)).contains(JobChart.NO_EPOCH);
    }

    @Test
    void aSingleEpochIsOnePointPerSeries() throws Exception {
        Document svg = parse(JobChart.render(ID, "lenet", 1, THREE_EPOCHS.subList(0, 1)));

        assertThat(elements(svg, "polyline")).hasSize(3)
                .allSatisfy(line -> assertThat(points(line)).hasNumberOfRows(1));
        assertThat(elements(svg, "circle")).hasSize(3);
    }

    @Test
    void manyEpochsGetRoundTicks() throws Exception {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int e = 1; e <= 200; e++) {
            epochs.add(new EpochMetrics(e, 1.0 / e, 0.9, 0.88, 1, 1));
        }
        Document svg = parse(JobChart.render(ID, "lenet", 200, epochs));

        assertThat(points(elements(svg, "polyline").get(2))).hasNumberOfRows(200);
        assertThat(JobChart.xTicks(200)).containsExactly(1, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200);
        assertThat(JobChart.xTicks(10)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void aNonFiniteValueIsLeftOut() throws Exception {
        List<EpochMetrics> diverged = List.of(new EpochMetrics(1, 0.9, 0.6, 0.7, 1, 1),
                new EpochMetrics(2, Double.NaN, 0.1, 0.1, 1, 1));

        Document svg = parse(JobChart.render(ID, "lenet", 5, diverged));

        assertThat(points(elements(svg, "polyline").get(0))).hasNumberOfRows(1);
        assertThat(points(elements(svg, "polyline").get(1))).hasNumberOfRows(2);
    }

    @Test
    void textIsEscaped() throws Exception {
        String hostile = "<script>alert('x')</script> & \"quotes\" \u0000\u0007";

        Document svg = parse(JobChart.render(ID, hostile, 2, THREE_EPOCHS.subList(0, 1)));

        assertThat(elements(svg, "script")).isEmpty();
        assertThat(texts(svg)).anyMatch(text -> text.contains("<script>alert('x')</script> & \"quotes\" "));
        assertThat(JobChart.escape("a<b>&\"'")).isEqualTo("a&lt;b&gt;&amp;&quot;&apos;");
    }

    // --- helpers ------------------------------------------------------------------------------

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> elements(Document svg, String name) {
        NodeList nodes = svg.getElementsByTagNameNS(SVG, name);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    private static List<String> texts(Document svg) {
        List<String> texts = new ArrayList<>();
        for (String name : List.of("text", "title")) {
            elements(svg, name).forEach(e -> texts.add(e.getTextContent()));
        }
        return texts;
    }

    private static double[][] points(Element polyline) {
        String points = polyline.getAttribute("points").trim();
        if (points.isEmpty()) {
            return new double[0][];
        }
        String[] pairs = points.split("\\s+");
        double[][] xy = new double[pairs.length][];
        for (int i = 0; i < pairs.length; i++) {
            String[] parts = pairs[i].split(",");
            xy[i] = new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
        }
        return xy;
    }
}
