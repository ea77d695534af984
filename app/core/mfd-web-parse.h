/* mfd-web-parse.h — the web checks' document parsers, as pure functions
 *
 * Bytes in, document out, no network: what each HTTP answer (and the
 * endpoint cache file) goes through. Exposed for the fuzz targets in
 * tests/fuzz; the web checks are their only other callers.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mfd-web-private.h"

G_BEGIN_DECLS

/* An HTTP body as JSON, refused (MFD_WEB_ERROR_TOO_LARGE) when it nests or
 * counts beyond MFD_WEB_MAX_JSON_DEPTH / _ITEMS before json-glib sees it,
 * MFD_WEB_ERROR_MALFORMED when it is not JSON. */
JsonNode      *mfd_web_parse_json_body      (const char  *data,
                                             gsize        len,
                                             GError     **error);

/* One DNS JSON answer (application/dns-json) for @rr_type (1 A, 28 AAAA:
 * addresses holds the addresses; 15 MX: it holds the hosts, lower case,
 * without the trailing dot). */
typedef struct
{
  gboolean       done;
  MfdWebFailure *failure;
  gint64         status;
  gboolean       ad;
  GPtrArray     *addresses;
  gint64         min_ttl;
} MfdWebDohAnswer;

/* FALSE when @root is not that shape; fills @answer's status, ad,
 * addresses (a new array, the caller frees it) and min_ttl. */
gboolean       mfd_web_doh_parse            (JsonNode        *root,
                                             int              rr_type,
                                             MfdWebDohAnswer *answer);

/* The RDAP bootstrap (RFC 9224): lower-case label -> base URL ending in
 * "/", or NULL when @root is not that shape. */
GHashTable    *mfd_web_rdap_parse_bootstrap (JsonNode    *root);

/* An RDAP domain answer for @host, whose registered domain is @domain:
 * the registration step's observation (status, expiration, suspension),
 * or NULL when @root is not a domain object. */
MfdObservation *mfd_web_rdap_parse_domain   (JsonNode    *root,
                                             const char  *host,
                                             const char  *domain);

/* The Microsoft 365 endpoint list: EOP's ranges on TCP 25, or NULL. */
char         **mfd_web_eop_parse_endpoints  (JsonNode    *root);

/* The endpoint cache file, or NULL when damaged, foreign, or fetched from
 * another endpoints URL than @source. */
MfdEopRanges  *mfd_web_eop_cache_parse      (const char  *data,
                                             gsize        len,
                                             const char  *source,
                                             char       **client_request_id);

G_END_DECLS
