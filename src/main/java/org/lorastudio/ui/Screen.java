package org.lorastudio.ui;

import javafx.scene.Node;

/** One screen of the studio (a tab): a View over its ViewModel. */
public interface Screen {
    /** Tab title. */
    String title();

    /** The root node, created once. */
    Node view();

    /** Called when the tab becomes visible (refresh lists, etc.). */
    default void onShow() {
    }

    /** Called when the window is about to close; return false to veto (e.g. after asking the user). */
    default boolean onCloseRequest() {
        return true;
    }

    /** Called after a close was agreed when the shell opens another workspace: stop timers, let threads go. */
    default void dispose() {
    }
}
