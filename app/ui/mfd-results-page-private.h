/* mfd-results-page-private.h — what the results page's files share, and
 * the test hooks (only tests and the page include this)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd-command-row.h"
#include "mfd-results-page.h"

G_BEGIN_DECLS

/* What the page shows for one finding: computed from the diagnosis first,
 * then turned into widgets, so tests can read it without pixels. */
typedef struct
{
  MfdFinding *finding;
  MfdRemedy  *remedy;
  char       *evidence;
} FindingView;

/* A finding's command on the page, refilled in place when a value is
 * typed above the steps. */
typedef struct
{
  guint          view;
  guint          step;
  MfdCommandRow *row;
} CommandRef;

struct _MfdResultsPage
{
  AdwBin          parent_instance;

  MfdDiagnosis   *diagnosis;
  GPtrArray      *views;          /* (element-type FindingView) */
  GPtrArray      *finding_widgets;
  GQueue          pending;        /* (element-type Build) what is still to be built */
  guint           build_tick;
  GArray         *command_rows;   /* (element-type CommandRef) */
  guint           asked;          /* (MfdRemedyFill bits) the form asks for */
  AdwEntryRow    *fill_rows[MFD_REMEDY_N_FILLS];
  char           *status_title;

  /* Template widgets */
  GtkLabel       *target_label;
  GtkLabel       *summary_label;
  GtkLabel       *comparison_label;
  GtkLabel       *checked_label;
  GtkLabel       *settings_label;
  AdwStatusPage  *status_page;
  AdwPreferencesGroup *fill_group;
  GtkBox         *findings_box;
  AdwPreferencesGroup *ranges_group;
  AdwExpanderRow *ranges_row;
  GtkWidget      *vantage_banner;
  GtkLabel       *vantage_banner_label;
  GtkBox         *ndr_box;
  AdwPreferencesGroup *vantage_group;

  GPtrArray      *lead_widgets;   /* what rebuild() put in ndr_box and vantage_group */
  char           *ndr_lead;
  guint           n_microsoft_checks;
};

/* mfd-results-page.c */
void          _mfd_results_page_show_toast       (MfdResultsPage       *self,
                                                  const char           *message);
GSettings    *_mfd_results_page_get_settings     (MfdResultsPage       *self);
/* mfd-results-page-lead.c: the parts above the findings, rebuilt with
 * each diagnosis. Whether it started from an NDR: */
gboolean      _mfd_results_page_show_ndr_lead    (MfdResultsPage       *self);
void          _mfd_results_page_show_vantage     (MfdResultsPage       *self);
void          _mfd_results_page_show_run_facts   (MfdResultsPage       *self);
void          _mfd_results_page_show_ranges      (MfdResultsPage       *self);
void          _mfd_results_page_clear_lead       (MfdResultsPage       *self);
/* mfd-results-page-actions.c: results.recheck, copy-report, copy-ranges,
 * copy-command (s), export, remind. */
void          _mfd_results_page_class_install_actions (GtkWidgetClass  *widget_class);
void          _mfd_results_page_copy_command     (MfdResultsPage       *self,
                                                  const char           *command);

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
/* The page state, computed from the diagnosis: the findings shown, in
 * order, with their code, cause, title and number of steps. */
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
/* Whether the application holds a reminder to check again. */
gboolean      mfd_results_page_has_reminder      (MfdResultsPage       *self);
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
