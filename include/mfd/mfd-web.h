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

#define MFD_WEB_DEFAULT_TIMEOUT_MS     10000
/* No document we ask for is anywhere near this (each lookup has its own,
 * smaller cap); a bigger answer is refused. */
#define MFD_WEB_MAX_BODY_SIZE          (4 * 1024 * 1024)
/* JSON nested deeper, or with more values, than this is refused before
 * json-glib builds a tree of it. */
#define MFD_WEB_MAX_JSON_DEPTH         32
#define MFD_WEB_MAX_JSON_ITEMS         20000
/* How long a domain may have left before its registration earns a warning. */
#define MFD_WEB_EXPIRY_WARNING_DAYS    30

#define MFD_WEB_ERROR (mfd_web_error_quark ())

/* Why a lookup could not be carried out. A check that fails this way gives
 * an INCONCLUSIVE observation (never an error); only the EOP ranges, which
 * have no observation, return these. */
typedef enum
{
  MFD_WEB_ERROR_FAILED,
  MFD_WEB_ERROR_OFFLINE,       /* offline (or unreachable) and nothing cached */
  MFD_WEB_ERROR_TIMEOUT,
  MFD_WEB_ERROR_HTTP,          /* a status other than 2xx */
  MFD_WEB_ERROR_CONTENT_TYPE,  /* not JSON */
  MFD_WEB_ERROR_TOO_LARGE,
  MFD_WEB_ERROR_MALFORMED,     /* not JSON, truncated, too deep, or not the expected shape */
  MFD_WEB_ERROR_TLS,           /* the server's certificate was not accepted */
  MFD_WEB_ERROR_NETWORK,
  MFD_WEB_ERROR_CA_FILE,       /* the extra CA file could not be loaded */
} MfdWebError;

GQuark          mfd_web_error_quark            (void);

#define MFD_TYPE_WEB (mfd_web_get_type ())
G_DECLARE_FINAL_TYPE (MfdWeb, mfd_web, MFD, WEB, GObject)

/* Any URL NULL = the default. @ca_file adds trust anchors to the system's
 * (may be NULL). @timeout_ms bounds each HTTP exchange, 0 = the default.
 * Create it, and call it, from one thread's main context. */
MfdWeb         *mfd_web_new                    (const char          *doh_url,
                                                const char          *rdap_bootstrap_url,
                                                const char          *endpoints_url,
                                                const char          *ca_file,
                                                guint                timeout_ms);

/* Offline: the checks return SKIPPED observations at once and the EOP
 * ranges come from the cache only. Also the "offline" property. */
void            mfd_web_set_offline            (MfdWeb              *self,
                                                gboolean             offline);
gboolean        mfd_web_get_offline            (MfdWeb              *self);

/* Where eop-ranges.json and the RDAP bootstrap copy are kept; NULL = the
 * default, $XDG_CACHE_HOME/mail-flow-doctor. Also the "cache-dir" property. */
void            mfd_web_set_cache_dir          (MfdWeb              *self,
                                                const char          *cache_dir);
const char     *mfd_web_get_cache_dir          (MfdWeb              *self);

/* DNS_PUBLIC observation for @host compared with the local resolver's
 * observation (@local, may be NULL; its facts "answers" and "ttl" are
 * read): dns-split-horizon FAIL when it resolves here only; an OK second
 * opinion when both sides fail alike. Facts: "answers", "ttl", "status",
 * "ad", "public-view" (resolves | nxdomain | no-address | servfail | error).
 * Lookups that cannot be carried out give INCONCLUSIVE, never an error;
 * the finish function fails only when cancelled. */
void            mfd_web_check_public_dns_async (MfdWeb              *self,
                                                const char          *host,
                                                MfdObservation      *local,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
MfdObservation *mfd_web_check_public_dns_finish (MfdWeb             *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* REGISTRATION observation for the registered domain of @host (found
 * with the Public Suffix List): dns-domain-expired FAIL when expired, held,
 * in redemption / pending delete, inactive or unknown to its registry;
 * WARNING when it expires within MFD_WEB_EXPIRY_WARNING_DAYS; SKIPPED when
 * its TLD has no RDAP service. */
void            mfd_web_check_registration_async (MfdWeb            *self,
                                                const char          *host,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
MfdObservation *mfd_web_check_registration_finish (MfdWeb           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* EOP's TCP 25 address ranges (cached; offline -> last copy). The version
 * is asked at most hourly; the ranges are downloaded when it changes. */
typedef struct
{
  char      **ranges;       /* NULL-terminated CIDRs */
  char       *version;
  GDateTime  *fetched;      /* when the copy was fetched */
  gboolean    from_cache;   /* not downloaded by this call */
  gboolean    stale;        /* the service could not be asked (offline, failure) */
  GDateTime  *checked;      /* when the service last confirmed the version */
} MfdEopRanges;

/* @offline (or the web's offline setting): the cache only. Fails with
 * MFD_WEB_ERROR_OFFLINE when offline or unreachable and nothing is cached. */
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
