package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

/**
 * A job's training curves as SVG, the plot d2l draws while it trains: train loss, train accuracy and test
 * accuracy per epoch, x from epoch 1 to the job's last, y from 0 to at least 1 (further when the loss is
 * larger). Plain Java, no Spring: {@link #render} is a pure function of its arguments.
 */
final class JobChart {

    static final String MEDIA_TYPE = "image/svg+xml";
    static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";
    static final String NO_EPOCH = "no finished epoch yet";

    /** One curve: its legend name, colour and dash pattern (d2l's defaults: blue solid, magenta dashed, green dash-dot). */
    record Series(String name, String colour, String dash, ToDoubleFunction<EpochMetrics> value) {
    }

    static final List<Series> SERIES = List.of(
            new Series("train loss", "#1f77b4", null, EpochMetrics::loss),
            new Series("train acc", "#bf00bf", "8 4", EpochMetrics::trainAccuracy),
            new Series("test acc", "#008000", "8 3 2 3", EpochMetrics::testAccuracy));

    private static final int WIDTH = 720;
    private static final int HEIGHT = 400;
    private static final double LEFT = 60;
    private static final double RIGHT = WIDTH - 150; // the legend sits right of the plot
    private static final double TOP = 50;
    private static final double BOTTOM = HEIGHT - 50;

    private JobChart() {
    }

    /**
     * @param plannedEpochs the epochs the job will train; the x axis covers them (and any finished beyond)
     * @param epochs        the finished epochs, in order
     */
    static String render(UUID jobId, String variant, int plannedEpochs, List<EpochMetrics> epochs) {
        int lastEpoch = Math.max(1, plannedEpochs);
        double maxLoss = 0;
        for (EpochMetrics epoch : epochs) {
            lastEpoch = Math.max(lastEpoch, epoch.epoch());
            if (Double.isFinite(epoch.loss())) {
                maxLoss = Math.max(maxLoss, epoch.loss());
            }
        }
        double xMin = lastEpoch == 1 ? 0.5 : 1;
        double xMax = lastEpoch == 1 ? 1.5 : lastEpoch;
        double yStep = niceStep(Math.max(1, maxLoss) / 5);
        double yMax = Math.ceil(Math.max(1, maxLoss) / yStep - 1e-9) * yStep;
        Scale scale = new Scale(xMin, xMax, yMax);

        StringBuilder svg = new StringBuilder(8192);
        String title = "Job " + jobId + " \u00b7 " + variant + " (" + epochs.size() + " of " + plannedEpochs + " epochs)";
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"").append(SVG_NAMESPACE).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" font-family=\"sans-serif\" font-size=\"12\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<rect width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" fill=\"white\"/>\n")
                .append("<text class=\"title\" x=\"").append(fmt((LEFT + RIGHT) / 2)).append("\" y=\"28\" text-anchor=\"middle\" font-size=\"14\">")
                .append(escape(title)).append("</text>\n");

        axes(svg, scale, lastEpoch, yStep);

        if (epochs.isEmpty()) {
            svg.append("<text class=\"empty\" x=\"").append(fmt((LEFT + RIGHT) / 2)).append("\" y=\"")
                    .append(fmt((TOP + BOTTOM) / 2)).append("\" text-anchor=\"middle\" fill=\"#555555\">")
                    .append(escape(NO_EPOCH)).append("</text>\n");
        } else {
            svg.append("<g class=\"series\" fill=\"none\" stroke-width=\"2\">\n");
            for (Series series : SERIES) {
                curve(svg, scale, series, epochs);
            }
            svg.append("</g>\n");
        }
        legend(svg);
        return svg.append("</svg>\n").toString();
    }

    private static void axes(StringBuilder svg, Scale scale, int lastEpoch, double yStep) {
        svg.append("<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">\n");
        List<Integer> xTicks = xTicks(lastEpoch);
        for (int tick : xTicks) {
            double x = scale.x(tick);
            svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(fmt(TOP)).append("\" x2=\"")
                    .append(fmt(x)).append("\" y2=\"").append(fmt(BOTTOM)).append("\"/>\n");
        }
        List<Double> yTicks = new ArrayList<>();
        for (int i = 0; i * yStep <= scale.yMax + 1e-9; i++) {
            yTicks.add(i * yStep);
        }
        for (double tick : yTicks) {
            double y = scale.y(tick);
            svg.append("<line x1=\"").append(fmt(LEFT)).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
                    .append(fmt(RIGHT)).append("\" y2=\"").append(fmt(y)).append("\"/>\n");
        }
        svg.append("</g>\n<g class=\"axes\" stroke=\"#000000\" stroke-width=\"1\">\n")
                .append("<rect x=\"").append(fmt(LEFT)).append("\" y=\"").append(fmt(TOP)).append("\" width=\"")
                .append(fmt(RIGHT - LEFT)).append("\" height=\"").append(fmt(BOTTOM - TOP)).append("\" fill=\"none\"/>\n");
        for (int tick : xTicks) {
            double x = scale.x(tick);
            svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(fmt(BOTTOM)).append("\" x2=\"")
                    .append(fmt(x)).append("\" y2=\"").append(fmt(BOTTOM + 5)).append("\"/>\n");
        }
        for (double tick : yTicks) {
            double y = scale.y(tick);
            svg.append("<line x1=\"").append(fmt(LEFT - 5)).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
                    .append(fmt(LEFT)).append("\" y2=\"").append(fmt(y)).append("\"/>\n");
        }
        svg.append("</g>\n<g class=\"tick-labels\" fill=\"#000000\">\n");
        for (int tick : xTicks) {
            svg.append("<text x=\"").append(fmt(scale.x(tick))).append("\" y=\"").append(fmt(BOTTOM + 18))
                    .append("\" text-anchor=\"middle\">").append(tick).append("</text>\n");
        }
        for (double tick : yTicks) {
            svg.append("<text x=\"").append(fmt(LEFT - 8)).append("\" y=\"").append(fmt(scale.y(tick) + 4))
                    .append("\" text-anchor=\"end\">").append(label(tick)).append("</text>\n");
        }
        svg.append("</g>\n<text class=\"x-label\" x=\"").append(fmt((LEFT + RIGHT) / 2)).append("\" y=\"")
                .append(fmt(BOTTOM + 38)).append("\" text-anchor=\"middle\">epoch</text>\n");
    }

    private static void curve(StringBuilder svg, Scale scale, Series series, List<EpochMetrics> epochs) {
        StringBuilder points = new StringBuilder();
        StringBuilder markers = new StringBuilder();
        for (EpochMetrics epoch : epochs) {
            double value = series.value().applyAsDouble(epoch);
            if (!Double.isFinite(value)) {
                continue; // a diverged epoch has no point to draw
            }
            String x = fmt(scale.x(epoch.epoch()));
            String y = fmt(scale.y(Math.min(Math.max(value, 0), scale.yMax)));
            points.append(points.isEmpty() ? "" : " ").append(x).append(',').append(y);
            markers.append("<circle cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"2.5\" fill=\"")
                    .append(series.colour()).append("\" stroke=\"none\"/>\n");
        }
        svg.append("<polyline data-series=\"").append(escape(series.name())).append("\" stroke=\"")
                .append(series.colour()).append('"');
        if (series.dash() != null) {
            svg.append(" stroke-dasharray=\"").append(series.dash()).append('"');
        }
        svg.append(" points=\"").append(points).append("\"/>\n").append(markers);
    }

    private static void legend(StringBuilder svg) {
        svg.append("<g class=\"legend\">\n");
        double y = TOP + 10;
        for (Series series : SERIES) {
            svg.append("<line x1=\"").append(fmt(RIGHT + 15)).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
                    .append(fmt(RIGHT + 45)).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"")
                    .append(series.colour()).append("\" stroke-width=\"2\"");
            if (series.dash() != null) {
                svg.append(" stroke-dasharray=\"").append(series.dash()).append('"');
            }
            svg.append("/>\n<text x=\"").append(fmt(RIGHT + 52)).append("\" y=\"").append(fmt(y + 4)).append("\">")
                    .append(escape(series.name())).append("</text>\n");
            y += 20;
        }
        svg.append("</g>\n");
    }

    /** Integer epochs to label: every one up to 10 epochs, else a round step (2, 5, 10, 20, ...), always epoch 1. */
    static List<Integer> xTicks(int lastEpoch) {
        int step = (int) Math.max(1, niceStep(lastEpoch / 10.0));
        List<Integer> ticks = new ArrayList<>();
        ticks.add(1);
        for (int tick = step; tick <= lastEpoch; tick += step) {
            if (tick > 1) {
                ticks.add(tick);
            }
        }
        return ticks;
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code raw}. */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
            if (factor * power >= raw - 1e-12) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    /** Text for an element's content or an attribute value: markup characters escaped, characters XML forbids dropped. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> {
                    boolean allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
                    if (allowed) {
                        escaped.appendCodePoint(c);
                    }
                }
            }
        });
        return escaped.toString();
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String label(double tick) {
        return BigDecimal.valueOf(tick).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** Data to pixels. */
    private record Scale(double xMin, double xMax, double yMax) {

        double x(double epoch) {
            return LEFT + (epoch - xMin) / (xMax - xMin) * (RIGHT - LEFT);
        }

        double y(double value) {
            return BOTTOM - value / yMax * (BOTTOM - TOP);
        }
    }
}
