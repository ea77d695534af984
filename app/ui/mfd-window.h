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

/* The pages do not include this: they ask the window through its actions
 * (win.back, win.show-page, win.toast, win.recheck, win.start-practice,
 * win.reopen-recent, win.stop-practice) or their own signals. */
MfdWindow  *mfd_window_new           (MfdApplication *application);
/* Pages: "start", "connectors", "ndr", "checks", "results", "practice". */
void        mfd_window_show_page     (MfdWindow      *self,
                                      const char     *name);
void        mfd_window_open_file     (MfdWindow      *self,
                                      GFile          *file);
void        mfd_window_add_toast     (MfdWindow      *self,
                                      const char     *title);
/* Applies the preferences (unless practising), shows the checks page and
 * runs them; the results page follows by itself. */
void        mfd_window_run_checks    (MfdWindow      *self,
                                      MfdTarget      *target,
                                      MfdNdrEntry    *ndr_entry);
/* Starts the lab for @scenario and runs the checks against it. */
gboolean    mfd_window_start_practice (MfdWindow     *self,
                                      MfdLabScenario  scenario,
                                      GError        **error);
/* Shows @diagnosis on the results page (a watched target's last check). */
void        mfd_window_show_diagnosis (MfdWindow     *self,
                                      MfdDiagnosis   *diagnosis);
/* Shows a diagnosis of this session again, or checks a saved connector
 * afresh; FALSE when neither is possible. */
gboolean    mfd_window_reopen_recent (MfdWindow      *self,
                                      const char     *id,
                                      const char     *connector_name);

G_END_DECLS
