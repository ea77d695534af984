/* mfd-start-page-private.h — test hooks (only tests and the page include this)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd-start-page.h"

G_BEGIN_DECLS

/* How many recent diagnoses the page lists, and activating one. */
guint    mfd_start_page_get_n_recent       (MfdStartPage *self);
gboolean mfd_start_page_activate_recent    (MfdStartPage *self,
                                            guint         index);

/* The row of the @index-th watched target (an MfdWatchRow), or NULL. */
GtkWidget *mfd_start_page_get_watch_row    (MfdStartPage *self,
                                            guint         index);

G_END_DECLS
