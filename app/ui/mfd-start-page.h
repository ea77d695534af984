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

/* Test hooks: how many recent diagnoses the page lists, and activating one. */
guint    mfd_start_page_get_n_recent       (MfdStartPage *self);
gboolean mfd_start_page_activate_recent    (MfdStartPage *self,
                                            guint         index);

G_END_DECLS
