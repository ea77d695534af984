/* mfd-ui-main.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

/* The one symbol the UI module exports. This header must stay free of GTK:
 * the executable includes it and never links GTK itself. */

G_BEGIN_DECLS

#define MFD_UI_MAIN_SYMBOL "mfd_ui_main"

typedef int (*MfdUiMainFunc) (int    argc,
                              char **argv);

int mfd_ui_main (int    argc,
                 char **argv);

G_END_DECLS
