/* mfd-window-private.h — test hooks (only tests and the window include this)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd-window.h"

G_BEGIN_DECLS

/* The name of the visible page, and the page widget named @name. */
const char *mfd_window_get_page_name (MfdWindow      *self);
GtkWidget  *mfd_window_get_page      (MfdWindow      *self,
                                      const char     *name);
/* Toasts from mfd_window_add_toast still shown, and the last one's text. */
guint       mfd_window_get_n_toasts  (MfdWindow      *self);
const char *mfd_window_get_last_toast (MfdWindow     *self);
MfdConnectorStore *mfd_window_get_connector_store (MfdWindow *self);
gboolean    mfd_window_is_practising (MfdWindow      *self);

G_END_DECLS
