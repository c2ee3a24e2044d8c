package org.lorastudio.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.ValidationCurve;
import org.lorastudio.util.AtomicFiles;

/**
 * Loss curves drawn headlessly with Java2D into a PNG: for the notes ({@value #FILE_NAME} in the run folder) and
 * for reports (several runs overlaid). No JavaFX here, so the CLI and the trainer thread can draw it on a server
 * without a display. Each series is drawn raw (thin, translucent) and smoothed (EMA, bold), with axes, grid,
 * tick labels, axis titles and a legend; the y axis can be logarithmic.
 */
public final class LossCurvePlot {
    /** The plot's file name in a run folder, linked from the notes. */
    public static final String FILE_NAME = "loss.png";

    /** Matplotlib's "tab10" colours: distinct for the usual two to four runs and readable for colour-blind people. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
    private static final int LEFT = 72;
    private static final int RIGHT = 24;
    private static final int TOP = 40;
    private static final int BOTTOM = 52;

    static {
        // A library must not need a display to draw into a BufferedImage; respect an explicit setting.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LossCurvePlot() {
    }

    /**
     * One curve.
     *
     * @param label legend text (a run id or name)
     * @param steps x values, ascending
     * @param losses y values, same length; NaN leaves a gap
     */
    public record Series(String label, long[] steps, double[] losses, boolean smoothed) {
        /** A series drawn smoothed (the noisy per-step training loss). */
        public Series(String label, long[] steps, double[] losses) {
            this(label, steps, losses, true);
        }

        public Series {
            Objects.requireNonNull(label, "label");
            if (steps.length != losses.length) {
                throw new IllegalArgumentException(steps.length + " steps for " + losses.length + " losses");
            }
            steps = steps.clone();
            losses = losses.clone();
        }

        /** The loss over the logged points of a run. */
        public static Series of(String label, List<MetricPoint> points) {
            return new Series(label, points.stream().mapToLong(MetricPoint::step).toArray(),
                    points.stream().mapToDouble(MetricPoint::loss).toArray());
        }

        /** A run's validation loss ({@code val_loss}), drawn as measured: it is already a mean over fixed noise. */
        public static Series validation(String label, ValidationCurve curve) {
            return new Series(label, curve.points().stream().mapToLong(ValidationCurve.Point::step).toArray(),
                    curve.points().stream().mapToDouble(ValidationCurve.Point::loss).toArray(), false);
        }

        public boolean isEmpty() {
            return steps.length == 0;
        }
    }

    /**
     * How to draw.
     *
     * @param width image width in pixels
     * @param height image height in pixels
     * @param logScale logarithmic y axis (falls back to linear when no loss is positive)
     * @param showRaw draw the raw values under the smoothed line
     * @param beta EMA factor of the smoothed line (see {@link Smoothing#ema})
     * @param title text above the plot, or empty
     */
    public record Options(int width, int height, boolean logScale, boolean showRaw, double beta, String title) {
        public Options {
            if (width < 200 || height < 150) {
                throw new IllegalArgumentException("plot must be at least 200x150, found " + width + "x" + height);
            }
            Objects.requireNonNull(title, "title");
        }

        /** 800x450, linear, raw and EMA 0.9, no title. */
        public static Options defaults() {
            return new Options(800, 450, false, true, Smoothing.DEFAULT_BETA, "");
        }

        public Options withLogScale(boolean log) {
            return new Options(width, height, log, showRaw, beta, title);
        }

        public Options withTitle(String text) {
            return new Options(width, height, logScale, showRaw, beta, text);
        }
    }

    /** Draws the curves; series without points are left out of the legend. */
    public static BufferedImage render(List<Series> series, Options options) {
        List<Series> shown = series.stream().filter(s -> !s.isEmpty()).toList();
        List<double[]> smooth = shown.stream()
                .map(s -> s.smoothed() ? Smoothing.ema(s.losses(), options.beta()) : s.losses()).toList();
        boolean log = options.logScale() && anyPositive(shown, smooth, options.showRaw());
        Axes axes = Axes.fit(shown, smooth, options, log);

        BufferedImage img = new BufferedImage(options.width(), options.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, options.width(), options.height());
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            drawFrame(g, axes, options, log);
            if (shown.isEmpty()) {
                drawCentered(g, "no loss logged", axes);
            }
            for (int i = 0; i < shown.size(); i++) {
                Color c = PALETTE[i % PALETTE.length];
                if (options.showRaw() && shown.get(i).smoothed()) {
                    g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 70));
                    g.setStroke(new BasicStroke(1f));
                    g.draw(line(shown.get(i).steps(), shown.get(i).losses(), axes));
                }
                g.setColor(c);
                g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(line(shown.get(i).steps(), smooth.get(i), axes));
                if (!shown.get(i).smoothed()) {
                    drawMarkers(g, shown.get(i).steps(), smooth.get(i), axes);
                }
            }
            drawLegend(g, shown, axes, options);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The plot as PNG bytes. */
    public static byte[] png(List<Series> series, Options options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(render(series, options), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding into memory failed", e);
        }
        return out.toByteArray();
    }

    /** Writes the plot as a PNG file, atomically. */
    public static void write(Path file, List<Series> series, Options options) throws IOException {
        AtomicFiles.writeBytes(file, png(series, options));
    }

    /**
     * Draws a run's loss curve into {@value #FILE_NAME} in its folder; nothing (and empty) when no loss was logged,
     * so the notes never link a blank picture.
     */
    public static Optional<Path> writeForRun(RunFolder run, Options options) throws IOException {
        List<MetricPoint> points = run.metrics();
        if (points.isEmpty()) {
            return Optional.empty();
        }
        Path file = run.dir().resolve(FILE_NAME);
        ValidationCurve validation = ValidationCurve.of(points);
        List<Series> series = validation.isEmpty() ? List.of(Series.of(run.record().name(), points))
                : List.of(Series.of(run.record().name() + " (training)", points),
                        Series.validation("validation", validation));
        write(file, series, options);
        return Optional.of(file);
    }

    // ---- drawing ------------------------------------------------------------------------------------------

    private static boolean anyPositive(List<Series> shown, List<double[]> smooth, boolean raw) {
        for (int i = 0; i < shown.size(); i++) {
            for (double v : raw ? shown.get(i).losses() : smooth.get(i)) {
                if (v > 0 && Double.isFinite(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A dot at every finite point, so that sparse measurements read as measurements. */
    private static void drawMarkers(Graphics2D g, long[] xs, double[] ys, Axes axes) {
        for (int i = 0; i < xs.length; i++) {
            if (Double.isFinite(ys[i]) && (!axes.log || ys[i] > 0)) {
                double x = axes.px(xs[i]);
                double y = axes.py(ys[i]);
                g.fill(new java.awt.geom.Ellipse2D.Double(x - 3, y - 3, 6, 6));
            }
        }
    }

    private static Path2D line(long[] xs, double[] ys, Axes axes) {
        Path2D.Double p = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < xs.length; i++) {
            double y = ys[i];
            if (!Double.isFinite(y) || (axes.log && y <= 0)) {
                pen = false;
                continue;
            }
            double px = axes.px(xs[i]);
            double py = axes.py(y);
            if (pen) {
                p.lineTo(px, py);
            } else {
                p.moveTo(px, py);
                pen = true;
            }
        }
        return p;
    }

    private static void drawFrame(Graphics2D g, Axes a, Options o, boolean log) {
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double t : a.yTicks) {
            int y = (int) Math.round(a.py(t));
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(a.x0, y, a.x1, y);
            g.setColor(Color.DARK_GRAY);
            String s = tickLabel(t);
            g.drawString(s, a.x0 - 6 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        for (double t : a.xTicks) {
            int x = (int) Math.round(a.px(t));
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(x, a.y0, x, a.y1);
            g.setColor(Color.DARK_GRAY);
            String s = tickLabel(t);
            g.drawString(s, x - fm.stringWidth(s) / 2, a.y1 + fm.getAscent() + 5);
        }
        g.setColor(Color.BLACK);
        g.drawRect(a.x0, a.y0, a.x1 - a.x0, a.y1 - a.y0);
        String xTitle = "optimizer step";
        g.drawString(xTitle, (a.x0 + a.x1 - fm.stringWidth(xTitle)) / 2, o.height() - 10);
        String yTitle = "loss" + (log ? " (log scale)" : "");
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yTitle, -(a.y0 + a.y1 + fm.stringWidth(yTitle)) / 2, 16);
        r.dispose();
        if (!o.title().isEmpty()) {
            Font f = g.getFont();
            g.setFont(f.deriveFont(Font.BOLD, 14f));
            g.drawString(o.title(), a.x0, 24);
            g.setFont(f);
        }
    }

    private static void drawLegend(Graphics2D g, List<Series> shown, Axes a, Options o) {
        List<String> labels = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        String ema = String.format(Locale.ROOT, "EMA %s", trim(o.beta()));
        if (shown.size() == 1) {
            if (o.showRaw()) {
                labels.add("raw");
                Color c = PALETTE[0];
                colors.add(new Color(c.getRed(), c.getGreen(), c.getBlue(), 110));
            }
            labels.add("smoothed (" + ema + ")");
            colors.add(PALETTE[0]);
        } else {
            for (int i = 0; i < shown.size(); i++) {
                labels.add(shown.get(i).label());
                colors.add(PALETTE[i % PALETTE.length]);
            }
            labels.add("lines: " + ema + (o.showRaw() ? ", faint: raw" : ""));
            colors.add(null);
        }
        if (shown.isEmpty()) {
            return;
        }
        FontMetrics fm = g.getFontMetrics();
        int w = labels.stream().mapToInt(fm::stringWidth).max().orElse(0) + 36;
        int lineH = fm.getHeight() + 2;
        int h = labels.size() * lineH + 8;
        int x = a.x1 - w - 8;
        int y = a.y0 + 8;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(x, y, w, h);
        g.setColor(new Color(0xbbbbbb));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, w, h);
        for (int i = 0; i < labels.size(); i++) {
            int cy = y + 4 + i * lineH + lineH / 2;
            if (colors.get(i) != null) {
                g.setColor(colors.get(i));
                g.setStroke(new BasicStroke(2.5f));
                g.drawLine(x + 6, cy, x + 24, cy);
            }
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), x + 30, cy + fm.getAscent() / 2 - 1);
        }
    }

    private static void drawCentered(Graphics2D g, String text, Axes a) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.GRAY);
        g.drawString(text, (a.x0 + a.x1 - fm.stringWidth(text)) / 2, (a.y0 + a.y1) / 2);
    }

    static String tickLabel(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        double abs = Math.abs(v);
        if (abs >= 1e-3 && abs < 1e5) {
            return trim(v);
        }
        return String.format(Locale.ROOT, "%.0e", v).replace("e-0", "e-").replace("e+0", "e");
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** The mapping from data to pixels, and the tick values. */
    private static final class Axes {
        final int x0;
        final int x1;
        final int y0;
        final int y1;
        final double xMin;
        final double xMax;
        final double yMin;
        final double yMax;
        final boolean log;
        final List<Double> xTicks;
        final List<Double> yTicks;

        private Axes(Options o, double xMin, double xMax, double yMin, double yMax, boolean log) {
            this.x0 = LEFT;
            this.x1 = o.width() - RIGHT;
            this.y0 = TOP;
            this.y1 = o.height() - BOTTOM;
            this.xMin = xMin;
            this.xMax = xMax;
            this.yMin = yMin;
            this.yMax = yMax;
            this.log = log;
            this.xTicks = Ticks.linear(xMin, xMax, 8);
            this.yTicks = log ? Ticks.log(yMin, yMax, 8) : Ticks.linear(yMin, yMax, 6);
        }

        static Axes fit(List<Series> shown, List<double[]> smooth, Options o, boolean log) {
            double xMin = Double.POSITIVE_INFINITY;
            double xMax = Double.NEGATIVE_INFINITY;
            double yMin = Double.POSITIVE_INFINITY;
            double yMax = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < shown.size(); i++) {
                Series s = shown.get(i);
                for (int k = 0; k < s.steps().length; k++) {
                    xMin = Math.min(xMin, s.steps()[k]);
                    xMax = Math.max(xMax, s.steps()[k]);
                    for (double v : o.showRaw() ? new double[] {s.losses()[k], smooth.get(i)[k]}
                            : new double[] {smooth.get(i)[k]}) {
                        if (Double.isFinite(v) && (!log || v > 0)) {
                            yMin = Math.min(yMin, v);
                            yMax = Math.max(yMax, v);
                        }
                    }
                }
            }
            if (!(xMin <= xMax)) {
                xMin = 0;
                xMax = 1;
            } else if (xMin == xMax) {
                xMin -= 1;
                xMax += 1;
            }
            if (!(yMin <= yMax)) {
                yMin = log ? 0.1 : 0;
                yMax = 1;
            }
            if (log) {
                double lo = Math.log10(yMin);
                double hi = Math.log10(yMax);
                double pad = Math.max((hi - lo) * 0.05, 0.05);
                return new Axes(o, xMin, xMax, Math.pow(10, lo - pad), Math.pow(10, hi + pad), true);
            }
            double pad = yMax > yMin ? (yMax - yMin) * 0.05 : Math.max(Math.abs(yMax) * 0.1, 0.01);
            return new Axes(o, xMin, xMax, yMin - pad, yMax + pad, false);
        }

        double px(double x) {
            return x0 + (x - xMin) / (xMax - xMin) * (x1 - x0);
        }

        double py(double y) {
            double f = log ? (Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
                    : (y - yMin) / (yMax - yMin);
            return y1 - f * (y1 - y0);
        }
    }
}
