package org.lorastudio.ui.datasets;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Undo and redo of one caption. Typing is grouped: keystrokes less than {@link #GROUP_NANOS} apart make one undo
 * step, so Ctrl+Z takes back a word or a burst of typing rather than one character; tag operations and batch edits
 * are always steps of their own.
 */
final class CaptionHistory {
    /** Steps kept per caption; older ones are dropped. */
    static final int LIMIT = 200;
    /** Typing pauses longer than this start a new undo step. */
    static final long GROUP_NANOS = 1_000_000_000L;

    private final Deque<String> undo = new ArrayDeque<>();
    private final Deque<String> redo = new ArrayDeque<>();
    private boolean typing;
    private long lastTyped;

    /** Records that the caption is about to change from {@code before}. */
    void record(String before, boolean typed, long nowNanos) {
        redo.clear();
        if (typed && typing && nowNanos - lastTyped < GROUP_NANOS) {
            lastTyped = nowNanos;
            return;
        }
        undo.push(before);
        while (undo.size() > LIMIT) {
            undo.removeLast();
        }
        typing = typed;
        lastTyped = nowNanos;
    }

    /** Ends the current typing group (selection change, save, focus change). */
    void breakGroup() {
        typing = false;
    }

    /** The text to go back to, remembering {@code current} for redo; empty when there is nothing to undo. */
    Optional<String> undo(String current) {
        typing = false;
        if (undo.isEmpty()) {
            return Optional.empty();
        }
        redo.push(current);
        return Optional.of(undo.pop());
    }

    /** The text to go forward to, remembering {@code current} for undo; empty when there is nothing to redo. */
    Optional<String> redo(String current) {
        typing = false;
        if (redo.isEmpty()) {
            return Optional.empty();
        }
        undo.push(current);
        return Optional.of(redo.pop());
    }

    boolean canUndo() {
        return !undo.isEmpty();
    }

    boolean canRedo() {
        return !redo.isEmpty();
    }
}
