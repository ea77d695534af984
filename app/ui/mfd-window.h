/* mfd-window.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd-application.h"

G_BEGIN_DECLS

#define MFD_TYPE_WINDOW (mfd_window_get_type ())
G_DECLARE_FINAL_TYPE (MfdWindow, mfd_window, MFD, WINDOW, AdwApplicationWindow)

MfdWindow  *mfd_window_new           (MfdApplication *application);
/* Pages: "start", "connectors", "ndr", "checks", "results", "practice". */
void        mfd_window_show_page     (MfdWindow      *self,
                                      const char     *name);
/* Test hook: the name of the visible page. */
const char *mfd_window_get_page_name (MfdWindow      *self);
void        mfd_window_open_file     (MfdWindow      *self,
                                      GFile          *file);
void        mfd_window_add_toast     (MfdWindow      *self,
                                      const char     *title);

G_END_DECLS
