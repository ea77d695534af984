/* mfd-check.h — the one check pipeline: target -> probe + internet view -> diagnosis (+ EOP ranges)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd-diagnosis.h"
#include "mfd-ndr.h"
#include "mfd-observation.h"
#include "mfd-target.h"
#include "mfd-web.h"

G_BEGIN_DECLS

#define MFD_CHECK_ERROR (mfd_check_error_quark ())

typedef enum
{
  MFD_CHECK_ERROR_BUSY,           /* run while a run of the same check goes on */
} MfdCheckError;

#define MFD_TYPE_CHECK (mfd_check_get_type ())
G_DECLARE_FINAL_TYPE (MfdCheck, mfd_check, MFD, CHECK, GObject)

/* Both faces (the window and `mail-flow-doctor check`) go through this and
 * nothing else, so the same target gives the same diagnosis wherever it is
 * checked. A run:
 *   1. validates the target (mfd_target_validate(): MFD_TARGET_ERROR);
 *   2. builds the one web client (mfd_check_get_web()) and runs the probe
 *      with it: DNS, TCP, SMTP, STARTTLS, certificate, and the internet's
 *      view of every name (DNS over HTTPS, RDAP);
 *      and, side by side, the vantage check of this computer's own view
 *      (mfd-vantage.h; skipped when the target's control is off);
 *   3. makes the diagnosis, comparing with the NDR entry when there is one,
 *      and applies the vantage to it (mfd_diagnosis_set_vantage());
 *   4. when the diagnosis needs them (mfd_diagnosis_needs_eop_ranges()),
 *      fetches EOP's address ranges and gives them to it. Without them (no
 *      network, nothing cached) the diagnosis is still returned.
 *
 * Signals, emitted on the thread-default main context of the caller of
 * mfd_check_run_async(), in step order per host/address:
 *   "step-started"  (MfdStage stage, const char *host, const char *ip)
 *   "step-finished" (MfdObservation *observation)
 *   "diagnosed"     (MfdDiagnosis *diagnosis): the findings are known; the
 *                   EOP ranges, when needed, are still being fetched. */
MfdCheck     *mfd_check_new                    (MfdTarget           *target);
MfdTarget    *mfd_check_get_target             (MfdCheck            *self);
/* The delivery error the check starts from (the diagnosis compares with
 * it); defaults to the target's (mfd_target_get_ndr_entry()). Not while
 * running. */
MfdNdrEntry  *mfd_check_get_ndr_entry          (MfdCheck            *self);
void          mfd_check_set_ndr_entry          (MfdCheck            *self,
                                                MfdNdrEntry         *entry);
/* The one web client of the check, built from the target: its service
 * URLs, CA file, offline setting, and one timeout rule for every HTTP
 * exchange (the target's reply timeout). Built on first use. */
MfdWeb       *mfd_check_get_web                (MfdCheck            *self);
gboolean      mfd_check_is_running             (MfdCheck            *self);

void          mfd_check_run_async              (MfdCheck            *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* (transfer full) the diagnosis, or NULL with G_IO_ERROR_CANCELLED,
 * MFD_TARGET_ERROR (the target is not checkable), MFD_CHECK_ERROR, or the
 * probe's error. */
MfdDiagnosis *mfd_check_run_finish             (MfdCheck            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

GQuark        mfd_check_error_quark            (void);

G_END_DECLS
