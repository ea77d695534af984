/* mfd-checks-page.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd/mfd.h"

G_BEGIN_DECLS

#define MFD_TYPE_CHECKS_PAGE (mfd_checks_page_get_type ())
G_DECLARE_FINAL_TYPE (MfdChecksPage, mfd_checks_page, MFD, CHECKS_PAGE, AdwBin)

/* Runs MfdProbe on @target; emits "finished" (MfdDiagnosis) when done or
 * "failed" (a translated message) when the checks could not run at all.
 * Cancelling emits neither. */
void      mfd_checks_page_run              (MfdChecksPage *self,
                                            MfdTarget     *target,
                                            MfdNdrEntry   *ndr_entry);
void      mfd_checks_page_cancel           (MfdChecksPage *self);

/* The page state, for tests. */
gboolean  mfd_checks_page_is_running       (MfdChecksPage *self);
gboolean  mfd_checks_page_was_cancelled    (MfdChecksPage *self);
/* The progress line as shown ("1 of 1 host done"). */
const char *mfd_checks_page_get_progress_text (MfdChecksPage *self);
/* Host/address groups shown, and how many of them are done. */
guint     mfd_checks_page_get_n_groups     (MfdChecksPage *self);
guint     mfd_checks_page_get_n_done       (MfdChecksPage *self);
/* Step rows that have finished, over all groups. */
guint     mfd_checks_page_get_n_finished_steps (MfdChecksPage *self);
/* The rows of the "DANE" or "MTA-STS" group (@stage), 0 when it has none
 * yet; @title (may be NULL) receives the group's title as shown. */
guint     mfd_checks_page_get_n_policy_rows (MfdChecksPage *self,
                                             MfdStage       stage,
                                             const char   **title);

G_END_DECLS
