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

void          mfd_results_page_set_diagnosis     (MfdResultsPage       *self,
                                                  MfdDiagnosis         *diagnosis);
MfdDiagnosis *mfd_results_page_get_diagnosis     (MfdResultsPage       *self);

/* Writes the report to @file; @lang NULL = the UI's language. */
void          mfd_results_page_export_async      (MfdResultsPage       *self,
                                                  GFile                *file,
                                                  MfdReportFormat       format,
                                                  const char           *lang,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
/* The name Export… suggests: the host checked and the date. */
char         *mfd_results_page_dup_export_name   (MfdResultsPage       *self,
                                                  const char           *extension);
/* Test hooks: "Checked …" and the settings that changed the run, as shown. */
const char   *mfd_results_page_get_checked_text  (MfdResultsPage       *self);
const char   *mfd_results_page_get_settings_text (MfdResultsPage       *self);
/* Test hooks for the commands and the form above them. */
const char   *mfd_results_page_get_command       (MfdResultsPage       *self,
                                                  guint                 index,
                                                  guint                 step);
GtkEditable  *mfd_results_page_get_fill_entry    (MfdResultsPage       *self,
                                                  MfdRemedyFill         fill);
void          mfd_results_page_copy_command      (MfdResultsPage       *self,
                                                  guint                 index,
                                                  guint                 step);
/* Command rows built so far that show the "still a placeholder" mark. */
guint         mfd_results_page_count_marked_commands (MfdResultsPage   *self);
gboolean      mfd_results_page_export_finish     (MfdResultsPage       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* The page state, computed from the diagnosis (for tests): the findings
 * shown, in order, with their code, cause, title and number of steps. */
guint         mfd_results_page_get_n_findings    (MfdResultsPage       *self);
const char   *mfd_results_page_get_finding_code  (MfdResultsPage       *self,
                                                  guint                 index);
const char   *mfd_results_page_get_finding_cause (MfdResultsPage       *self,
                                                  guint                 index);
const char   *mfd_results_page_get_finding_title (MfdResultsPage       *self,
                                                  guint                 index);
guint         mfd_results_page_get_n_steps       (MfdResultsPage       *self,
                                                  guint                 index);
/* The status page's title when there is no finding, else NULL. */
const char   *mfd_results_page_get_status_title  (MfdResultsPage       *self);
gboolean      mfd_results_page_has_reminder      (MfdResultsPage       *self);
gboolean      mfd_results_page_is_built          (MfdResultsPage       *self);
/* Test hooks for the vantage check and the NDR lead. */
gboolean      mfd_results_page_has_vantage_banner (MfdResultsPage      *self);
const char   *mfd_results_page_get_vantage_banner_text (MfdResultsPage *self);
gboolean      mfd_results_page_get_finding_inconclusive (MfdResultsPage *self,
                                                         guint           index);
guint         mfd_results_page_get_n_microsoft_checks (MfdResultsPage  *self);
char         *mfd_results_page_dup_finding_chip  (MfdResultsPage       *self,
                                                  guint                 index);
/* The heading that leads with EOP's own report, or NULL without an NDR. */
const char   *mfd_results_page_get_ndr_lead      (MfdResultsPage       *self);

G_END_DECLS
