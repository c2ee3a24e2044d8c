package org.lorastudio.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * The workspace folders opened last, newest first, kept in a {@link Preferences} node (keys {@code 0..n-1}) so
 * "Open recent" survives restarts. A folder opened again moves to the front; the list keeps {@link #MAX} entries.
 */
final class RecentFolders {
    static final int MAX = 8;

    private final Preferences node;

    RecentFolders(Preferences node) {
        this.node = node;
    }

    /** The folders, newest first. */
    List<Path> list() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            String v = node.get(Integer.toString(i), null);
            if (v == null) {
                break;
            }
            out.add(Path.of(v));
        }
        return out;
    }

    /** Puts {@code dir} first. */
    void add(Path dir) {
        save(pushed(list(), dir.toAbsolutePath().normalize(), MAX));
    }

    /** Forgets {@code dir} (it was moved or deleted). */
    void remove(Path dir) {
        List<Path> now = new ArrayList<>(list());
        now.remove(dir.toAbsolutePath().normalize());
        save(now);
    }

    /** {@code list} with {@code dir} moved or added to the front, cut to {@code max}. */
    static List<Path> pushed(List<Path> list, Path dir, int max) {
        List<Path> out = new ArrayList<>(list.size() + 1);
        out.add(dir);
        for (Path p : list) {
            if (!p.equals(dir) && out.size() < max) {
                out.add(p);
            }
        }
        return out;
    }

    private void save(List<Path> folders) {
        for (int i = 0; i < MAX; i++) {
            if (i < folders.size()) {
                node.put(Integer.toString(i), folders.get(i).toString());
            } else {
                node.remove(Integer.toString(i));
            }
        }
        try {
            node.flush();
        } catch (BackingStoreException e) {
            // the list is a convenience: without a writable preferences store it lasts for this session only
        }
    }
}
