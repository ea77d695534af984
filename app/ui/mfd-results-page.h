/* mfd-results-page.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd/mfd.h"

G_BEGIN_DECLS

#define MFD_TYPE_RESULTS_PAGE (mfd_results_page_get_type ())
G_DECLARE_FINAL_TYPE (MfdResultsPage, mfd_results_page, MFD, RESULTS_PAGE, AdwBin)

/* Shows @diagnosis: the page's first screen at once, the other findings
 * one per frame. Actions (results.*) re-check, copy, export and remind;
 * the page asks the window for what it cannot do itself through win.*
 * actions. */
void          mfd_results_page_set_diagnosis     (MfdResultsPage       *self,
                                                  MfdDiagnosis         *diagnosis);
MfdDiagnosis *mfd_results_page_get_diagnosis     (MfdResultsPage       *self);
/* Whether every finding is on the page (their closed details aside). */
gboolean      mfd_results_page_is_built          (MfdResultsPage       *self);

/* Writes the report to @file; @lang NULL = the UI's language. */
void          mfd_results_page_export_async      (MfdResultsPage       *self,
                                                  GFile                *file,
                                                  MfdReportFormat       format,
                                                  const char           *lang,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      mfd_results_page_export_finish     (MfdResultsPage       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* The name Export… suggests: the host checked and the date. */
char         *mfd_results_page_dup_export_name   (MfdResultsPage       *self,
                                                  const char           *extension);

G_END_DECLS
