/* mfd-watched-group.h — the watched connectors and their last checks
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd-watch-service.h"

G_BEGIN_DECLS

#define MFD_TYPE_WATCHED_GROUP (mfd_watched_group_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatchedGroup, mfd_watched_group, MFD, WATCHED_GROUP, AdwBin)

/* One row per watched target: its state and when it was last checked;
 * activating a row opens its results (app.show-watch-result). Hidden while
 * nothing is watched. In a window of an MfdApplication it follows that
 * application's watch service by itself. */
GtkWidget *mfd_watched_group_new         (void);
void       mfd_watched_group_set_service (MfdWatchedGroup *self,
                                          MfdWatchService *service);
/* Test hook: the subtitle of @id's row, or NULL. */
const char *mfd_watched_group_get_row_subtitle (MfdWatchedGroup *self,
                                                const char      *id);

G_END_DECLS
