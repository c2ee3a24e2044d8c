package org.lorastudio.ui.runs;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Function;

import org.lorastudio.compare.Formats;

/**
 * The columns of the runs table: title, the value sorted on, and how it reads. A missing value sorts as the
 * smallest one (first when ascending, last when descending).
 */
public enum RunColumn {
    NAME("Name", RunRow::name, Comparator.comparing(String::toLowerCase), String::valueOf),
    DATE("Date", RunRow::created, Comparator.<Instant>naturalOrder(), t -> Dates.FORMAT.format(t)),
    STATUS("Status", RunRow::status, Comparator.<String>naturalOrder(), String::valueOf),
    MODEL("Model", RunRow::modelType, Comparator.<String>naturalOrder(), String::valueOf),
    RANK("Rank", RunRow::rank, Comparator.<Integer>naturalOrder(), String::valueOf),
    LR("LR", RunRow::learningRateValue, Comparator.<Double>naturalOrder(),
            v -> String.format(Locale.ROOT, "%.3g", v)),
    EPOCHS("Epochs", RunRow::epochs, Comparator.<Integer>naturalOrder(), String::valueOf),
    STEPS("Steps", RunRow::stepsDone, Comparator.<Long>naturalOrder(), String::valueOf),
    FINAL_LOSS("Final loss", RunRow::finalLoss, Comparator.<Double>naturalOrder(), Formats::loss),
    DURATION("Duration", RunRow::durationSeconds, Comparator.<Double>naturalOrder(), Formats::duration);


    private final String title;
    private final Function<RunRow, ?> value;
    private final Comparator<Object> comparator;
    private final Function<Object, String> format;

    @SuppressWarnings("unchecked")
    <T> RunColumn(String title, Function<RunRow, T> value, Comparator<T> comparator, Function<T, String> format) {
        this.title = title;
        this.value = value;
        this.comparator = Comparator.nullsFirst((Comparator<Object>) comparator);
        this.format = v -> v == null ? "—" : format.apply((T) v);
    }

    /** Local date and time to the minute. */
    static final class Dates {
        static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());

        private Dates() {
        }
    }

    public String title() {
        return title;
    }

    /** The cell value (null when unknown). */
    public Object value(RunRow row) {
        return value.apply(row);
    }

    /** Compares cell values; null is the smallest. */
    public Comparator<Object> comparator() {
        return comparator;
    }

    /** Compares rows by this column, ascending. */
    public Comparator<RunRow> rowComparator() {
        return Comparator.comparing(this::value, comparator);
    }

    /** The text of a cell. */
    public String format(RunRow row) {
        Object v = value(row);
        if (this == STEPS) {
            return row.stepsText();
        }
        if (this == LR && row.learningRate() != null) {
            return row.learningRate();
        }
        return format.apply(v);
    }

    /** Numbers read best right-aligned. */
    public boolean numeric() {
        return this != NAME && this != DATE && this != STATUS && this != MODEL;
    }
}
