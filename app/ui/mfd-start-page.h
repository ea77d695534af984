/* mfd-start-page.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MFD_TYPE_START_PAGE (mfd_start_page_get_type ())
G_DECLARE_FINAL_TYPE (MfdStartPage, mfd_start_page, MFD, START_PAGE, AdwBin)

/* Lists @recent (MfdRecentItem, the application's); a row asks the window
 * to reopen it through win.reopen-recent. */
void     mfd_start_page_set_recent         (MfdStartPage *self,
                                            GListModel   *recent);

/* Lists @watched (MfdWatchItem, the application's MfdWatchModel); a row
 * asks the window for the target's history through win.show-watch-history. */
void     mfd_start_page_set_watched        (MfdStartPage *self,
                                            GListModel   *watched);

G_END_DECLS
