/* mfd-watch-history-window.h — a watched target's history as a timeline
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MFD_TYPE_WATCH_HISTORY_WINDOW (mfd_watch_history_window_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatchHistoryWindow, mfd_watch_history_window, MFD, WATCH_HISTORY_WINDOW, AdwWindow)

/* Reads the history of @id (a watch id) from @history_path (NULL: the
 * default database) on a worker thread and shows one row per change of
 * state: when it broke, when it came back. */
GtkWidget *mfd_watch_history_window_new          (GtkWindow   *parent,
                                                  const char  *id,
                                                  const char  *history_path);
/* Writes the history as CSV to @file, atomically, off the UI thread (what
 * "Export CSV…" does once a file is chosen). */
void       mfd_watch_history_window_export       (MfdWatchHistoryWindow *self,
                                                  GFile                 *file);
/* Test hooks: still reading or writing; the rows shown; row @index's
 * title and subtitle joined by a newline. */
gboolean   mfd_watch_history_window_is_busy      (MfdWatchHistoryWindow *self);
guint      mfd_watch_history_window_get_n_rows   (MfdWatchHistoryWindow *self);
char      *mfd_watch_history_window_get_row_text (MfdWatchHistoryWindow *self,
                                                  guint                  index);

G_END_DECLS
