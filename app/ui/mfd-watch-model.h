/* mfd-watch-model.h — the watched targets and their last check, for the UI
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd/mfd.h"
#include "mfd/mfd-watch.h"

G_BEGIN_DECLS

#define MFD_TYPE_WATCH_ITEM (mfd_watch_item_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatchItem, mfd_watch_item, MFD, WATCH_ITEM, GObject)

/* The watch id ("connector:NAME", "mx:DOMAIN") and what a person reads. */
const char     *mfd_watch_item_get_id    (MfdWatchItem *self);
const char     *mfd_watch_item_get_label (MfdWatchItem *self);
/* (nullable) the last check in the history; NULL when never checked. */
MfdWatchRecord *mfd_watch_item_get_last  (MfdWatchItem *self);

#define MFD_TYPE_WATCH_MODEL (mfd_watch_model_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatchModel, mfd_watch_model, MFD, WATCH_MODEL, GObject)

/* A GListModel of MfdWatchItem, in the order the targets were watched.
 * The watch list and the history are read (and the list written) on a
 * worker thread, one job at a time, so the UI thread never touches the
 * disk. @list_path / @history_path NULL: the default files in the user
 * data dir. "failed" (const char *message) says a read or write failed;
 * "list-saved" that watch.json was changed and written from the window, so
 * that whoever watches (the watch service) reads it again. */
MfdWatchModel *mfd_watch_model_new          (const char    *list_path,
                                             const char    *history_path);
/* Reads the list and every target's last check again: after a check was
 * recorded (the watch service calls it), or when the page is shown. */
void           mfd_watch_model_reload       (MfdWatchModel *self);
/* Whether @id was watched when the model last read the list, or since
 * set through mfd_watch_model_set_watched(). */
gboolean       mfd_watch_model_contains     (MfdWatchModel *self,
                                             const char    *id);
/* Adds or removes @id in the saved watch list (read, changed and written
 * atomically on the worker thread), then reloads. */
void           mfd_watch_model_set_watched  (MfdWatchModel *self,
                                             const char    *id,
                                             gboolean       watched);
/* Test hook: a job is queued or running. */
gboolean       mfd_watch_model_is_busy      (MfdWatchModel *self);

G_END_DECLS
