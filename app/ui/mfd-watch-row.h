/* mfd-watch-row.h — one watched target on the start page
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd-watch-model.h"

G_BEGIN_DECLS

#define MFD_TYPE_WATCH_ROW (mfd_watch_row_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatchRow, mfd_watch_row, MFD, WATCH_ROW, AdwActionRow)

GtkWidget    *mfd_watch_row_new       (MfdWatchItem *item);
MfdWatchItem *mfd_watch_row_get_item  (MfdWatchRow  *self);
/* Test hook: the state the row shows ("No problem", the code, …). */
const char   *mfd_watch_row_get_state (MfdWatchRow  *self);

G_END_DECLS
