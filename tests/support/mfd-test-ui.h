/* mfd-test-ui.h — what the UI tests share
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "mfd-results-page-private.h"
#include "mfd-window-private.h"

G_BEGIN_DECLS

/* Runs the process in the language MFD_TEST_LANG asks for ("ja", else
 * English) and initialises GTK and libadwaita for testing. Returns TRUE
 * when the language is Japanese. */
gboolean mfd_test_ui_init                (int    *argc,
                                          char ***argv);
typedef gboolean (*MfdTestUiCondition) (gpointer data);

/* Runs the main context until @condition holds (TRUE) or @timeout_ms
 * have passed (FALSE), without spinning the CPU while nothing is pending. */
gboolean mfd_test_ui_wait_until          (MfdTestUiCondition  condition,
                                          gpointer            data,
                                          guint               timeout_ms);
/* What Export… on @page writes to @path in @format and @lang (NULL: the
 * preferences' report language), waited for up to @timeout_ms; asserts
 * that it succeeded and returns the file's contents. */
char    *mfd_test_ui_export              (MfdResultsPage     *page,
                                          const char         *path,
                                          MfdReportFormat     format,
                                          const char         *lang,
                                          guint               timeout_ms);
/* A window of the test's one application (registered, not run), which
 * owns the settings and the recent diagnoses as in the real app. */
MfdWindow *mfd_test_ui_new_window        (void);
/* Dispatches what is pending, at most a bounded number of times. */
void     mfd_test_ui_iterate_until_idle  (void);
/* An MfdTestUiCondition: @window (an MfdWindow) shows the results page. */
gboolean mfd_test_ui_shows_results       (gpointer            window);

G_END_DECLS
