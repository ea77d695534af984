/* mfd-command-row.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MFD_TYPE_COMMAND_ROW (mfd_command_row_get_type ())
G_DECLARE_FINAL_TYPE (MfdCommandRow, mfd_command_row, MFD, COMMAND_ROW, AdwPreferencesRow)

GtkWidget  *mfd_command_row_new         (const char    *command);
const char *mfd_command_row_get_command (MfdCommandRow *self);
/* Refilled in place when a value is typed above the steps: rebuilding the
 * finding would untick its steps. */
void        mfd_command_row_set_command (MfdCommandRow *self,
                                         const char    *command);
/* Whether the row shows the "still a placeholder" mark. */
gboolean    mfd_command_row_is_marked   (MfdCommandRow *self);

G_END_DECLS
