/* mfd-window.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd/mfd.h"
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
void        mfd_window_add_toast_full (MfdWindow     *self,
                                      AdwToast       *toast);
/* Test hook: toasts from mfd_window_add_toast still shown. */
guint       mfd_window_get_n_toasts  (MfdWindow      *self);
const char *mfd_window_get_last_toast (MfdWindow     *self);
GSettings  *mfd_window_get_settings  (MfdWindow      *self);
MfdConnectorStore *mfd_window_get_connector_store (MfdWindow *self);
/* Applies the preferences (unless practising), shows the checks page and
 * runs them; the results page follows by itself. */
void        mfd_window_run_checks    (MfdWindow      *self,
                                      MfdTarget      *target,
                                      MfdNdrEntry    *ndr_entry);
/* Starts the lab for @scenario and runs the checks against it. */
gboolean    mfd_window_start_practice (MfdWindow     *self,
                                      MfdLabScenario  scenario,
                                      GError        **error);
gboolean    mfd_window_is_practising (MfdWindow      *self);
/* Shows a diagnosis of this session again, or checks a saved connector
 * afresh; FALSE when neither is possible. */
gboolean    mfd_window_reopen_recent (MfdWindow      *self,
                                      const char     *id,
                                      const char     *connector_name);
gboolean    mfd_window_has_recent_diagnosis (MfdWindow *self,
                                      const char     *id);
/* Test hook: the page widget named @name. */
GtkWidget  *mfd_window_get_page      (MfdWindow      *self,
                                      const char     *name);

G_END_DECLS
