package org.lorastudio.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorastudio.demo.DemoDatasetGenerator.Colour;
import org.lorastudio.demo.DemoDatasetGenerator.Fill;
import org.lorastudio.demo.DemoDatasetGenerator.Item;
import org.lorastudio.demo.DemoDatasetGenerator.Shape;

/**
 * The measure against drawn images with known answers: every background × object colour × shape × fill, each at
 * several random places and sizes (radius 8–20 px, as the demo draws them) on 64×64. Prints the rates it reaches
 * and the per-shape feature means that {@link SceneMeasure}'s prototypes come from.
 */
class SceneMeasureTest {
    private static final int PLACES = 3;

    /** One drawn image with its answers and what the measure read. */
    private record Case(Colour background, Item item, Fill fill, double radius, SceneMeasure m) {
    }

    private static final List<Case> CASES = new ArrayList<>();

    @BeforeAll
    static void drawAndMeasure() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (Colour bg : Colour.values()) {
            for (Colour fg : Colour.values()) {
                if (fg == bg) {
                    continue;
                }
                for (Shape shape : Shape.values()) {
                    for (int k = 0; k < PLACES; k++) {
                        double r = 8 + 12 * rnd.nextDouble();
                        double cx = r + 2 + (64 - 2 * r - 4) * rnd.nextDouble();
                        double cy = r + 2 + (64 - 2 * r - 4) * rnd.nextDouble();
                        for (Fill fill : Fill.values()) { // SOLID then HOLLOW at the same place and size
                            Item item = new Item(shape, fg, false);
                            BufferedImage img = DemoDatasetGenerator.renderItem(bg, item, cx, cy, r, 64, fill);
                            CASES.add(new Case(bg, item, fill, r, SceneMeasure.of(img)));
                        }
                    }
                }
            }
        }
        printFeatureMeans();
    }

    private static void printFeatureMeans() {
        for (Shape s : Shape.values()) {
            for (Fill f : Fill.values()) {
                List<Case> cs = CASES.stream().filter(c -> c.item().shape() == s && c.fill() == f).toList();
                System.out.printf(Locale.ROOT, "%-8s %-6s box fill %.3f  hull fill %.3f  solidity %.3f (n=%d)%n",
                        s.word(), f, cs.stream().mapToDouble(c -> c.m().boxFill()).average().orElse(0),
                        cs.stream().mapToDouble(c -> c.m().hullFill()).average().orElse(0),
                        cs.stream().mapToDouble(c -> c.m().solidity()).average().orElse(0), cs.size());
            }
        }
    }

    private static double rate(List<Case> cases, java.util.function.Predicate<Case> right) {
        return 100.0 * cases.stream().filter(right).count() / cases.size();
    }

    @Test
    void readsTheBackgroundOfEveryDrawnImage() {
        double r = rate(CASES, c -> c.m().background() == c.background());
        System.out.printf(Locale.ROOT, "background right: %.1f %% of %d%n", r, CASES.size());
        assertThat(r).isEqualTo(100.0);
    }

    @Test
    void readsTheObjectColourOfEveryDrawnImage() {
        double r = rate(CASES, c -> c.m().object().orElse(null) == c.item().colour());
        System.out.printf(Locale.ROOT, "object colour right: %.1f %% of %d%n", r, CASES.size());
        CASES.stream().filter(c -> c.m().object().orElse(null) != c.item().colour()).forEach(c -> System.out.printf(
                Locale.ROOT, "  missed: %s %s %s r=%.1f on %s -> %s%n", c.fill(), c.item().colour(), c.item().shape(),
                c.radius(), c.background(), c.m()));
        assertThat(r).isEqualTo(100.0);
    }

    @Test
    void readsTheShapeOfSolidAndHollowShapes() {
        Map<Shape, Map<Shape, Integer>> confusion = new EnumMap<>(Shape.class);
        for (Case c : CASES) {
            confusion.computeIfAbsent(c.item().shape(), k -> new EnumMap<>(Shape.class))
                    .merge(c.m().shape().orElse(null) == null ? c.item().shape() : c.m().shape().get(), 1,
                            Integer::sum);
        }
        for (Fill f : Fill.values()) {
            List<Case> cs = CASES.stream().filter(c -> c.fill() == f).toList();
            System.out.printf(Locale.ROOT, "shape right (%s): %.1f %% of %d%n", f,
                    rate(cs, c -> c.m().shape().orElse(null) == c.item().shape()), cs.size());
        }
        System.out.println("shape confusion (drawn -> read): " + confusion);
        for (Shape s : Shape.values()) {
            List<Case> cs = CASES.stream().filter(c -> c.item().shape() == s).toList();
            assertThat(rate(cs, c -> c.m().shape().orElse(null) == s)).as(s.word()).isGreaterThanOrEqualTo(99.0);
        }
    }

    @Test
    void anOutlineIsLessSolidThanTheFilledShapeAtTheSamePlace() {
        // CASES holds each place and size twice, SOLID then HOLLOW
        for (Shape s : Shape.values()) {
            double smallest = Double.MAX_VALUE;
            for (int i = 0; i < CASES.size(); i += 2) {
                Case solid = CASES.get(i);
                Case hollow = CASES.get(i + 1);
                assertThat(solid.fill()).isEqualTo(Fill.SOLID);
                assertThat(hollow.fill()).isEqualTo(Fill.HOLLOW);
                if (solid.item().shape() == s) {
                    smallest = Math.min(smallest, solid.m().solidity() - hollow.m().solidity());
                }
            }
            System.out.printf(Locale.ROOT, "%-8s outline below the filled shape by at least %.3f solidity%n",
                    s.word(), smallest);
            assertThat(smallest).as(s.word()).isGreaterThan(0.05);
        }
    }

    @Test
    void aPlainImageHasNoObject() {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(Colour.GREEN.rgb());
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        SceneMeasure m = SceneMeasure.of(img);
        assertThat(m.background()).isEqualTo(Colour.GREEN);
        assertThat(m.object()).isEmpty();
        assertThat(m.shape()).isEmpty();
        assertThat(m.solidity()).isZero();
    }

    @Test
    void theCommittedDemoScenesReadAsTheirCaptions() {
        for (Fill fill : Fill.values()) {
            for (DemoDatasetGenerator.Scene scene : DemoDatasetGenerator.scenes(DemoDatasetGenerator.DEFAULT_SEED, 32)) {
                if (scene.second() != null) {
                    continue;
                }
                SceneMeasure m = SceneMeasure.of(DemoDatasetGenerator.render(scene, 64, fill));
                assertThat(m.background()).as(scene.caption()).isEqualTo(scene.background());
                assertThat(m.object()).as(scene.caption()).contains(scene.first().colour());
                assertThat(m.shape()).as(scene.caption() + " " + m).contains(scene.first().shape());
            }
        }
    }

    @Test
    void hullOfAFilledSquareIsItsPixelCount() {
        boolean[] mask = new boolean[10 * 10];
        for (int y = 2; y < 7; y++) {
            for (int x = 3; x < 8; x++) {
                mask[y * 10 + x] = true;
            }
        }
        assertThat(SceneMeasure.hullArea(mask, 10, 10)).isEqualTo(25.0);
        mask[2 * 10 + 3] = false; // a missing corner pixel cuts half a pixel off the hull
        assertThat(SceneMeasure.hullArea(mask, 10, 10)).isEqualTo(24.5);
    }
}
