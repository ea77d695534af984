/* mfd-web-private.h — what the web checks share: one HTTP exchange that
 * yields a bounded JSON document or a reason it could not.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "mfd/mfd-web.h"
#include "mfd-json-shape.h"

G_BEGIN_DECLS

/* Why an exchange gave no document: the GError (MFD_WEB_ERROR, or
 * G_IO_ERROR_CANCELLED when the caller cancelled) and the same reason as
 * an N_() msgid with arguments, so that an observation can render it in
 * any language later. */
typedef struct
{
  GError  *error;
  char    *msgid;
  char   **args;
} MfdWebFailure;

MfdWebFailure  *mfd_web_failure_new            (MfdWebError          code,
                                                const char          *msgid,
                                                ...) G_GNUC_NULL_TERMINATED;
void            mfd_web_failure_free           (MfdWebFailure       *failure);
gboolean        mfd_web_failure_is_cancelled   (const MfdWebFailure *failure);
/* An INCONCLUSIVE observation carrying the failure as its detail. */
MfdObservation *mfd_web_failure_to_observation (const MfdWebFailure *failure,
                                                MfdStage             stage,
                                                const char          *host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdWebFailure, mfd_web_failure_free)

/* What each document may weigh: real ones are a few KiB (DoH, RDAP) to
 * about 100 KiB (the endpoint list). */
#define MFD_WEB_DOH_MAX_SIZE       (64 * 1024)
#define MFD_WEB_RDAP_MAX_SIZE      (1024 * 1024)
#define MFD_WEB_ENDPOINTS_MAX_SIZE MFD_WEB_MAX_BODY_SIZE

/* GET @uri with @accept, bounded in time (the web's timeout) and size
 * (@max_size, at most MFD_WEB_MAX_BODY_SIZE), then parse it as JSON in a
 * worker thread, bounded in depth and number of values. A 404
 * is reported through @not_found rather than as a failure when
 * @not_found is non-NULL (RDAP says "no such domain" that way). */
void            mfd_web_fetch_json_async       (MfdWeb              *self,
                                                const char          *uri,
                                                const char          *accept,
                                                gsize                max_size,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* Returns the document, or NULL with @failure set (or with @not_found
 * TRUE and no failure). */
JsonNode       *mfd_web_fetch_json_finish      (MfdWeb              *self,
                                                GAsyncResult        *result,
                                                gboolean            *not_found,
                                                MfdWebFailure      **failure);

/* GET @uri as text/plain (the MTA-STS policy), bounded like the JSON
 * fetches, redirects not followed (RFC 8461 §3.3), connecting to
 * @connectable when given (a name our own resolver resolved) while the
 * certificate is checked against @uri's host. */
void            mfd_web_fetch_text_async       (MfdWeb              *self,
                                                const char          *uri,
                                                GSocketConnectable  *connectable,
                                                gsize                max_size,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* The body, or NULL with @failure (a 404 is an HTTP failure here);
 * @status the HTTP status (0: none), @tls_errors what was wrong with the
 * server's certificate when it was refused. */
GBytes         *mfd_web_fetch_text_finish      (MfdWeb              *self,
                                                GAsyncResult        *result,
                                                guint               *status,
                                                GTlsCertificateFlags *tls_errors,
                                                MfdWebFailure      **failure);

const char     *mfd_web_get_doh_url            (MfdWeb              *self);
const char     *mfd_web_get_rdap_bootstrap_url (MfdWeb              *self);
const char     *mfd_web_get_endpoints_url      (MfdWeb              *self);

/* The registration check's bootstrap table, kept for the web's lifetime. */
GHashTable     *mfd_web_get_rdap_services      (MfdWeb              *self);
void            mfd_web_set_rdap_services      (MfdWeb              *self,
                                                GHashTable          *services);

/* A SKIPPED observation saying the web is offline. */
MfdObservation *mfd_web_new_offline_observation (MfdStage            stage,
                                                 const char         *host);

/* Every JSON text (a body, a cache file) is checked with
 * mfd_json_shape_check() against MFD_WEB_MAX_JSON_DEPTH and
 * MFD_WEB_MAX_JSON_ITEMS before json-glib parses it. */

/* Member helpers that tolerate any shape (NULL / default when absent or of
 * another type). */
const char     *mfd_web_json_get_string        (JsonObject          *object,
                                                const char          *member);
gint64          mfd_web_json_get_int           (JsonObject          *object,
                                                const char          *member,
                                                gint64               fallback);
JsonArray      *mfd_web_json_get_array         (JsonObject          *object,
                                                const char          *member);

/* The combined trust store: the system's, plus @ca_file's anchors. */
#define MFD_TYPE_WEB_TLS_DATABASE (mfd_web_tls_database_get_type ())
G_DECLARE_FINAL_TYPE (MfdWebTlsDatabase, mfd_web_tls_database, MFD, WEB_TLS_DATABASE, GTlsDatabase)

GTlsDatabase   *mfd_web_tls_database_new       (const char          *ca_file,
                                                GError             **error);

/* The domain someone registered, from the Public Suffix List. */
char           *mfd_web_rdap_registered_domain (const char          *host,
                                                GError             **error);
/* When the public suffix list has no rule for the TLD (new gTLDs appear
 * every year): the longest suffix the RDAP bootstrap @services lists, plus
 * one label of @host; NULL when none is listed or @host is that suffix. */
char           *mfd_web_rdap_domain_from_bootstrap (GHashTable    *services,
                                                    const char    *host);

G_END_DECLS
