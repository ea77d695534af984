/* mfd-probe.h — runs the checks for every host and address
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd-observation.h"
#include "mfd-target.h"
#include "mfd-web.h"

G_BEGIN_DECLS

#define MFD_TYPE_PROBE (mfd_probe_get_type ())
G_DECLARE_FINAL_TYPE (MfdProbe, mfd_probe, MFD, PROBE, GObject)

/* Signals, all emitted on the thread-default main context of the caller of
 * mfd_probe_run_async(), in step order per host/address:
 *   "step-started"  (MfdStage stage, const char *host, const char *ip)
 *   "step-finished" (MfdObservation *observation) */
MfdProbe   *mfd_probe_new                (MfdTarget           *target);
MfdTarget  *mfd_probe_get_target         (MfdProbe            *self);

void        mfd_probe_run_async          (MfdProbe            *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* (element-type MfdObservation) (transfer container): every observation. */
GPtrArray  *mfd_probe_run_finish         (MfdProbe            *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* (element-type MfdObservation) (transfer none) what has finished so far. */
GPtrArray  *mfd_probe_get_observations   (MfdProbe            *self);

/* With a web (also the "web" property), every destination name the local
 * resolver was asked about is also checked from the internet's side:
 * DNS_PUBLIC and REGISTRATION observations (MfdWeb gives SKIPPED ones when
 * offline). Without one, those checks are not made. Not while running. */
MfdWeb     *mfd_probe_get_web            (MfdProbe            *self);
void        mfd_probe_set_web            (MfdProbe            *self,
                                          MfdWeb              *web);

/* Practice and tests only: the port the zone's name servers are asked on
 * in the authority step (0 = 53, what real checks always use), so that the
 * practice servers' name servers (mfd_lab_get_dns_authority_port()), which
 * cannot listen on 53 without privileges, can play a zone. Not while
 * running. */
void        mfd_probe_set_dns_authority_port (MfdProbe    *self,
                                              guint16      port);

G_END_DECLS
