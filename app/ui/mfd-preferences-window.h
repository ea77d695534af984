/* mfd-preferences-window.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd-watch-service.h"

G_BEGIN_DECLS

#define MFD_TYPE_PREFERENCES_WINDOW (mfd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (MfdPreferencesWindow, mfd_preferences_window, MFD, PREFERENCES_WINDOW, AdwPreferencesWindow)

MfdPreferencesWindow *mfd_preferences_window_new (GtkWindow *transient_for,
                                                  GSettings *settings);
/* For tests: whether the DNS server typed is one the checks can use. */
gboolean              mfd_preferences_window_get_dns_server_valid (MfdPreferencesWindow *self);
void                  mfd_preferences_window_import_ca_file (MfdPreferencesWindow *self,
                                                             GFile                *file);

/* Shows what the Background portal said on the "watch in the background" row. */
void                  mfd_preferences_window_set_watch_service (MfdPreferencesWindow *self,
                                                                MfdWatchService      *service);

G_END_DECLS
