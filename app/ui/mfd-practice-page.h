/* mfd-practice-page.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MFD_TYPE_PRACTICE_PAGE (mfd_practice_page_get_type ())
G_DECLARE_FINAL_TYPE (MfdPracticePage, mfd_practice_page, MFD, PRACTICE_PAGE, AdwBin)

G_END_DECLS
