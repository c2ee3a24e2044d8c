package org.lorastudio.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

import org.lorastudio.train.TrainingEvent;

/**
 * Console view of a training run: a progress bar (step/total, loss, it/s, ETA) redrawn in place on a terminal, or
 * one line per 5 % of the run when the output is a file or pipe; plus log lines, samples and checkpoints.
 */
final class ConsoleProgress implements Consumer<TrainingEvent> {
    private final PrintWriter out;
    private final boolean tty;
    private int lastPrintedPercent = -1;
    private String lastPreparing = "";
    private TrainingEvent.Failed failure;

    ConsoleProgress(PrintWriter out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    TrainingEvent.Failed failure() {
        return failure;
    }

    @Override
    public synchronized void accept(TrainingEvent e) {
        if (e instanceof TrainingEvent.Log l) {
            line(l.message());
        } else if (e instanceof TrainingEvent.Preparing p) {
            if (!p.what().equals(lastPreparing) || p.done() == p.total()) {
                if (p.done() == p.total()) {
                    line(p.what() + ": " + p.total() + " done");
                }
                lastPreparing = p.what();
            }
        } else if (e instanceof TrainingEvent.Started s) {
            line(String.format("training %d steps (%d per epoch) on %s, %s, %,d trainable parameters", s.totalSteps(),
                    s.stepsPerEpoch(), s.device(), s.precision(), s.trainableParameters()));
        } else if (e instanceof TrainingEvent.Step s) {
            step(s);
        } else if (e instanceof TrainingEvent.SampleReady s) {
            line("samples at step " + s.step() + ": " + s.files().size() + " file(s)");
        } else if (e instanceof TrainingEvent.CheckpointSaved c) {
            line("checkpoint at step " + c.step() + (c.lora() == null ? "" : ": " + c.lora().getFileName()));
        } else if (e instanceof TrainingEvent.Finished f) {
            line(String.format("%s after %d steps in %s, final loss %.4f", f.status(), f.stepsDone(),
                    duration(f.seconds()), f.finalLoss()));
            f.loraFiles().forEach(p -> line("  " + p.getFileName()));
        } else if (e instanceof TrainingEvent.Failed f) {
            failure = f;
        }
        out.flush();
    }

    private void step(TrainingEvent.Step s) {
        String text = String.format("%s %d/%d  epoch %d  loss %.4f  lr %.2e  %.2f it/s  ETA %s", bar(s.step(),
                s.totalSteps()), s.step(), s.totalSteps(), s.epoch(), s.loss(), s.lr(),
                s.itemsPerSecond(), duration(s.etaSeconds()));
        if (tty) {
            out.print("\r" + text);
            if (s.step() == s.totalSteps()) {
                out.println();
            }
        } else {
            int percent = (int) (100L * s.step() / s.totalSteps());
            if (percent / 5 != lastPrintedPercent / 5 || s.step() == s.totalSteps()) {
                out.println(text);
                lastPrintedPercent = percent;
            }
        }
    }

    private void line(String text) {
        if (tty) {
            out.print("\r\033[K");
        }
        out.println(text);
    }

    private static String bar(int done, int total) {
        int width = 20;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
