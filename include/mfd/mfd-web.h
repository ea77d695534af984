/* mfd-web.h — the internet's view: DNS-over-HTTPS, RDAP, EOP's addresses.
 * libsoup, asynchronous, from the main context.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd-observation.h"

G_BEGIN_DECLS

#define MFD_WEB_DEFAULT_DOH_URL        "https://dns.google/resolve"
#define MFD_WEB_DEFAULT_RDAP_BOOTSTRAP "https://data.iana.org/rdap/dns.json"
#define MFD_WEB_DEFAULT_ENDPOINTS_URL  "https://endpoints.office.com"

#define MFD_TYPE_WEB (mfd_web_get_type ())
G_DECLARE_FINAL_TYPE (MfdWeb, mfd_web, MFD, WEB, GObject)

/* Any URL NULL = the default. @ca_file adds trust anchors (may be NULL). */
MfdWeb         *mfd_web_new                    (const char          *doh_url,
                                                const char          *rdap_bootstrap_url,
                                                const char          *endpoints_url,
                                                const char          *ca_file,
                                                guint                timeout_ms);

/* DNS_PUBLIC observation for @host compared with the local resolver's
 * observation (@local, may be NULL): dns-split-horizon when it resolves
 * here only. */
void            mfd_web_check_public_dns_async (MfdWeb              *self,
                                                const char          *host,
                                                MfdObservation      *local,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
MfdObservation *mfd_web_check_public_dns_finish (MfdWeb             *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* REGISTRATION observation for the registered domain of @host. */
void            mfd_web_check_registration_async (MfdWeb            *self,
                                                const char          *host,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
MfdObservation *mfd_web_check_registration_finish (MfdWeb           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* EOP's TCP 25 address ranges (cached; offline -> last copy). */
typedef struct
{
  char      **ranges;       /* NULL-terminated CIDRs */
  char       *version;
  GDateTime  *fetched;      /* when the copy was fetched */
  gboolean    from_cache;
} MfdEopRanges;

void            mfd_web_get_eop_ranges_async   (MfdWeb              *self,
                                                gboolean             offline,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
MfdEopRanges   *mfd_web_get_eop_ranges_finish  (MfdWeb              *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void            mfd_eop_ranges_free            (MfdEopRanges        *ranges);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdEopRanges, mfd_eop_ranges_free)

G_END_DECLS
