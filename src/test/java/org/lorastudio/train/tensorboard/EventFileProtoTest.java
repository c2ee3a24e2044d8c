package org.lorastudio.train.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.framework.Summary;
import org.tensorflow.util.Event;
import org.tensorflow.util.SessionLog;

/**
 * Reads what {@link EventFileWriter} writes with classes generated from TensorBoard's own event.proto and
 * summary.proto ({@link TensorBoardEvents}), so a mistake in the hand-written encoding cannot hide behind a decoder
 * that makes the same mistake.
 */
class EventFileProtoTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_250L), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @Test
    void firstEventIsTheFileVersionThenASessionStartAtTheFirstStep() throws IOException {
        Path file;
        try (EventFileWriter w = EventFileWriter.create(tmp, 1, CLOCK, "host")) {
            file = w.file();
            w.addScalar("loss", 0.125f, 1);
            w.addScalar("lr", 1e-4f, 1);
            w.addScalar("loss", 0.0625f, 2);
            w.addValidationLoss(0.5f, 2);
            // flushed after each write: readable while still open
            assertThat(TensorBoardEvents.read(file)).hasSize(6);
        }
        List<Event> events = TensorBoardEvents.read(file);
        assertThat(events).hasSize(6);
        assertThat(events.get(0).getWhatCase()).isEqualTo(Event.WhatCase.FILE_VERSION);
        assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(0).getWallTime()).isEqualTo(1_700_000_000.25);
        assertStart(events.get(1), 1);
        List<Event> scalars = events.subList(2, 6);
        assertThat(scalars).allMatch(e -> e.getWhatCase() == Event.WhatCase.SUMMARY
                && e.getSummary().getValueCount() == 1
                && e.getSummary().getValue(0).getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE);
        assertThat(scalars).extracting(e -> e.getSummary().getValue(0).getTag())
                .containsExactly("loss", "lr", "loss", "val_loss");
        assertThat(scalars).extracting(Event::getStep).containsExactly(1L, 1L, 2L, 2L);
        assertThat(scalars).extracting(e -> e.getSummary().getValue(0).getSimpleValue())
                .containsExactly(0.125f, 1e-4f, 0.0625f, 0.5f);
        assertThat(scalars).extracting(Event::getWallTime).containsOnly(1_700_000_000.25);
    }

    @Test
    void aResumedSessionStartsItsOwnFileWithAStartThatPurgesTheStepsTrainedAgain() throws IOException {
        // session 1 trains steps 1..3, its last checkpoint is step 2, then it is killed; session 2 resumes at step 3
        try (EventFileWriter w = EventFileWriter.create(tmp, 1, CLOCK, "host")) {
            for (int step = 1; step <= 3; step++) {
                w.addScalar("loss", step, step);
            }
        }
        try (EventFileWriter w = EventFileWriter.create(tmp, 3, CLOCK, "host")) {
            for (int step = 3; step <= 4; step++) {
                w.addScalar("loss", 10 + step, step);
            }
        }
        List<List<Event>> files = TensorBoardEvents.readDir(tmp);
        assertThat(files).hasSize(2);
        for (List<Event> f : files) {
            assertThat(f.get(0).getFileVersion()).isEqualTo("brain.Event:2");
        }
        assertStart(files.get(0).get(1), 1);
        assertStart(files.get(1).get(1), 3);
        assertThat(files.get(0)).filteredOn(Event::hasSessionLog).hasSize(1);
        assertThat(files.get(1)).filteredOn(Event::hasSessionLog).hasSize(1);
        // as TensorBoard shows it: session 1's step 3 is gone, session 2's is kept; also when a reader skips the
        // run's first START
        assertThat(purged(files, false)).containsExactly(Map.entry(1L, 1f), Map.entry(2L, 2f), Map.entry(3L, 13f),
                Map.entry(4L, 14f));
        assertThat(purged(files, true)).isEqualTo(purged(files, false));
    }

    @Test
    void sampleImagesBecomeImageSummariesThatDecodeAsThePngs() throws IOException {
        Path rgb = png(tmp.resolve("step6-p0.png"), new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB), 0x336699);
        Path text = Files.writeString(tmp.resolve("step6-p1.txt"), "a language model's sample\n");
        Path grey = png(tmp.resolve("step6-p2.png"), new BufferedImage(5, 7, BufferedImage.TYPE_BYTE_GRAY), 0x808080);
        Path rgba = png(tmp.resolve("step6-p3.png"), new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB), 0x80FF0000);
        Path file;
        try (EventFileWriter w = EventFileWriter.create(tmp.resolve("run"), 1, CLOCK, "host")) {
            file = w.file();
            w.addSampleImages(List.of(rgb, text, grey, rgba), 6);
        }
        List<Event> events = TensorBoardEvents.read(file);
        assertThat(events).hasSize(2 + 3);
        List<Event> images = events.subList(2, 5);
        assertThat(images).extracting(Event::getStep).containsOnly(6L);
        assertThat(images).allMatch(e -> e.getSummary().getValueCount() == 1
                && e.getSummary().getValue(0).getValueCase() == Summary.Value.ValueCase.IMAGE);
        // the tag is the prompt's index, also after a prompt without an image
        assertThat(images).extracting(e -> e.getSummary().getValue(0).getTag())
                .containsExactly("samples/0", "samples/2", "samples/3");
        List<Summary.Image> im = images.stream().map(e -> e.getSummary().getValue(0).getImage()).toList();
        assertThat(im).extracting(Summary.Image::getWidth).containsExactly(24, 5, 3);
        assertThat(im).extracting(Summary.Image::getHeight).containsExactly(16, 7, 2);
        assertThat(im).extracting(Summary.Image::getColorspace).containsExactly(3, 1, 4); // RGB, grey, RGBA
        List<Path> pngs = List.of(rgb, grey, rgba);
        for (int i = 0; i < 3; i++) {
            byte[] encoded = im.get(i).getEncodedImageString().toByteArray();
            assertThat(encoded).isEqualTo(Files.readAllBytes(pngs.get(i)));
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(encoded));
            assertThat(decoded).as("PNG of %s", pngs.get(i)).isNotNull();
            assertThat(decoded.getWidth()).isEqualTo(im.get(i).getWidth());
            assertThat(decoded.getHeight()).isEqualTo(im.get(i).getHeight());
        }
        assertThat(ImageIO.read(new ByteArrayInputStream(im.get(0).getEncodedImageString().toByteArray()))
                .getRGB(23, 15) & 0xFFFFFF).isEqualTo(0x336699);
    }

    private static void assertStart(Event e, long step) {
        assertThat(e.getWhatCase()).isEqualTo(Event.WhatCase.SESSION_LOG);
        assertThat(e.getSessionLog().getStatus()).isEqualTo(SessionLog.SessionStatus.START);
        assertThat(e.getStep()).isEqualTo(step);
    }

    /**
     * The {@code loss} points TensorBoard keeps: on each {@code SessionLog START}, everything seen before it with
     * {@code step >= START.step} is dropped (event_accumulator.py {@code _CheckForRestartAndMaybePurge} /
     * {@code _Purge(by_tags=False)}); {@code skipFirstStart} ignores the run's first START, as a legacy reader does.
     */
    private static Map<Long, Float> purged(List<List<Event>> files, boolean skipFirstStart) {
        List<Event> kept = new ArrayList<>();
        boolean firstStart = true;
        for (List<Event> f : files) {
            for (Event e : f) {
                if (e.hasSessionLog() && e.getSessionLog().getStatus() == SessionLog.SessionStatus.START) {
                    if (!(skipFirstStart && firstStart)) {
                        kept.removeIf(k -> k.getStep() >= e.getStep());
                    }
                    firstStart = false;
                } else if (e.hasSummary()) {
                    kept.add(e);
                }
            }
        }
        Map<Long, Float> byStep = new TreeMap<>();
        for (Event e : kept) {
            Float before = byStep.put(e.getStep(), e.getSummary().getValue(0).getSimpleValue());
            assertThat(before).as("step %d shown twice", e.getStep()).isNull();
        }
        return byStep;
    }

    private static Path png(Path file, BufferedImage image, int argb) throws IOException {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, argb);
            }
        }
        assertThat(ImageIO.write(image, "png", file.toFile())).isTrue();
        return file;
    }
}
