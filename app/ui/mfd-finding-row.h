/* mfd-finding-row.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd/mfd.h"

G_BEGIN_DECLS

#define MFD_TYPE_FINDING_ROW (mfd_finding_row_get_type ())
G_DECLARE_FINAL_TYPE (MfdFindingRow, mfd_finding_row, MFD, FINDING_ROW, GtkBox)

/* The card of one finding: its title and chip, what was seen, the
 * certificate, and a closed "What it means and how to fix it" whose rows
 * the page adds piece by piece (one per frame) once it is opened: the
 * card emits "details-wanted" the first time. */
GtkWidget  *mfd_finding_row_new            (MfdDiagnosis  *diagnosis,
                                            MfdFinding    *finding,
                                            MfdRemedy     *remedy,
                                            const char    *evidence);
/* Opens the details (and asks for them, once). */
void        mfd_finding_row_expand_details (MfdFindingRow *self);
/* Piece @part of what the finding means: 0 the explanation, 1 the
 * possible causes. */
void        mfd_finding_row_add_about      (MfdFindingRow *self,
                                            MfdRemedy     *remedy,
                                            guint          part);
/* Step @index (from 0) with its check button, and its command row when
 * it has one: (transfer none) that row, or NULL. */
GtkWidget  *mfd_finding_row_add_step       (MfdFindingRow *self,
                                            guint          index,
                                            MfdRemedyStep *step);
/* What a finding's chip says: EOP's reply ("450 4.4.316") for a problem
 * only. */
char       *mfd_finding_row_dup_chip_text  (MfdFinding    *finding);

G_END_DECLS
