package org.lorastudio.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DemoScenesTest {

    @Test
    void everyShapeAndColourPairAppearsInTheFirstRound() {
        List<DemoScenes.Scene> scenes = DemoScenes.scenes(3, 224, 64, 0.0);
        Set<String> captions = new HashSet<>();
        scenes.forEach(s -> captions.add(s.caption()));
        assertThat(captions).hasSize(4 * 8 * 7)
                .contains("a red square on a blue background", "an orange star on a white background");
    }

    @Test
    void sameSeedSameScenesAndPairsUseTheDemoStyle() {
        assertThat(DemoScenes.scenes(5, 50, 64, 0.5)).isEqualTo(DemoScenes.scenes(5, 50, 64, 0.5));
        assertThat(DemoScenes.scenes(5, 50, 64, 0.5)).isNotEqualTo(DemoScenes.scenes(6, 50, 64, 0.5));
        List<DemoScenes.Scene> pairs = DemoScenes.scenes(5, 50, 64, 1.0);
        assertThat(pairs).allSatisfy(s -> assertThat(s.caption())
                .matches("an? (small )?\\w+ \\w+ (above|below|to the left of|to the right of) an? \\w+ \\w+,"
                        + " \\w+ background"));
    }

    @Test
    void renderedObjectHasItsColourAtItsCentreOnTheBackground() {
        DemoScenes.Scene s = DemoScenes.scenes(9, 1, 64, 0.0).get(0);
        BufferedImage img = DemoScenes.render(s, 64);
        DemoScenes.Placed o = s.first();
        assertThat(img.getRGB((int) o.cx(), (int) o.cy()) & 0xffffff).isEqualTo(o.colour().rgb().getRGB() & 0xffffff);
        int cornerX = o.cx() < 32 ? 63 : 0;
        int cornerY = o.cy() < 32 ? 63 : 0;
        assertThat(img.getRGB(cornerX, cornerY) & 0xffffff).isEqualTo(s.background().rgb().getRGB() & 0xffffff);
    }
}
