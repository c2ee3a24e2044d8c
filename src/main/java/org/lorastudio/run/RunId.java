package org.lorastudio.run;

import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a run folder, for example {@code 20261129-071530-cyberpunk}: a UTC timestamp to the second, so that
 * a plain directory listing is in time order, then the experiment name made safe for every file system, then
 * {@code -2}, {@code -3}, ... when another run with the same name started in the same second.
 *
 * <p>Folders made by hand or by older tools may have other names; any single, safe path segment is accepted as
 * an id, and {@link #time()} is then empty.
 *
 * @param value the folder name
 */
public record RunId(String value) implements Comparable<RunId> {
    /** Longest name part, so that ids stay readable and paths stay well below Windows' 260-character limit. */
    public static final int MAX_NAME_LENGTH = 48;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss", Locale.ROOT);
    private static final Pattern GENERATED = Pattern.compile("(\\d{8}-\\d{6})-(.+)");
    private static final Pattern SEPARATOR_RUN = Pattern.compile("([-._])[-._]+");
    private static final Pattern EDGE_SEPARATORS = Pattern.compile("^[-._]+|[-._]+$");
    /** Device names Windows refuses as a file name, with or without an extension. */
    private static final Set<String> WINDOWS_RESERVED = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    public RunId {
        if (value == null || value.isBlank() || value.equals(".") || value.equals("..")
                || value.indexOf('/') >= 0 || value.indexOf('\\') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a run id (one folder name expected): " + value);
        }
    }

    /**
     * A new id for a run named {@code name} that starts at {@code time}; {@code taken} says whether an id is
     * already used (normally: the folder exists), and the first free of {@code <stamp>-<name>},
     * {@code <stamp>-<name>-2}, ... is returned.
     */
    public static RunId generate(String name, Instant time, Predicate<String> taken) {
        String base = STAMP.format(LocalDateTime.ofInstant(time, ZoneOffset.UTC)) + "-" + sanitizeName(name);
        String candidate = base;
        for (int n = 2; taken.test(candidate); n++) {
            candidate = base + "-" + n;
        }
        return new RunId(candidate);
    }

    /**
     * The name part of an id: accents dropped, lower case, only {@code a-z 0-9 . _ -}, no {@code ..}, no
     * separator at either end, at most {@link #MAX_NAME_LENGTH} characters, never a Windows device name, never
     * empty ({@code run} when nothing usable is left).
     */
    public static String sanitizeName(String name) {
        String s = Normalizer.normalize(name == null ? "" : name, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}+", "")
                .toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            out.append(keep ? c : '-');
        }
        s = trimSeparators(SEPARATOR_RUN.matcher(out).replaceAll("$1"));
        if (s.length() > MAX_NAME_LENGTH) {
            s = trimSeparators(s.substring(0, MAX_NAME_LENGTH));
        }
        if (s.isEmpty()) {
            return "run";
        }
        // Windows reads "aux.txt" as the device AUX too, so the mark goes on the stem: "aux_.txt", "con_".
        int dot = s.indexOf('.');
        String stem = dot < 0 ? s : s.substring(0, dot);
        return WINDOWS_RESERVED.contains(stem) ? stem + "_" + s.substring(stem.length()) : s;
    }

    private static String trimSeparators(String s) {
        return EDGE_SEPARATORS.matcher(s).replaceAll("");
    }

    /** The start time encoded in a generated id; empty for a folder named by hand. */
    public Optional<Instant> time() {
        Matcher m = GENERATED.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(m.group(1), STAMP).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The part after the timestamp (name and collision suffix), or the whole id when it has no timestamp. */
    public String label() {
        Matcher m = GENERATED.matcher(value);
        return m.matches() ? m.group(2) : value;
    }

    /**
     * Natural order: digit runs compare as numbers, so generated ids sort by time and {@code -2} comes before
     * {@code -10}; other characters compare as in {@link String#compareTo}.
     */
    @Override
    public int compareTo(RunId other) {
        return naturalCompare(value, other.value);
    }

    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (isDigit(ca) && isDigit(cb)) {
                int ei = digitsEnd(a, i);
                int ej = digitsEnd(b, j);
                String da = stripZeros(a.substring(i, ei));
                String db = stripZeros(b.substring(j, ej));
                int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digitsEnd(String s, int from) {
        int k = from;
        while (k < s.length() && isDigit(s.charAt(k))) {
            k++;
        }
        return k;
    }

    private static String stripZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }

    @Override
    public String toString() {
        return value;
    }
}
