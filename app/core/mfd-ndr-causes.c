/* mfd-ndr-causes.c — an error's code and detail → its likely cause, and which
 * codes are expiries and successes
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr"

#include "config.h"

#include <string.h>

#include "mfd-ndr-private.h"

typedef struct
{
  const char *needle;   /* matched case-insensitively in the detail */
  const char *cause;
} DetailCause;

/* Order matters: certificate words before TLS words before socket words,
 * because a certificate failure also mentions the failed TLS negotiation. */
static const DetailCause detail_causes[] = {
  { "certificateexpired", "cert-expired" },
  { "certificate expired", "cert-expired" },
  { "certificate has expired", "cert-expired" },
  { "notyetvalid", "cert-not-yet-valid" },
  { "not yet valid", "cert-not-yet-valid" },
  { "subjectmismatch", "cert-name-mismatch" },
  { "subject mismatch", "cert-name-mismatch" },
  { "namemismatch", "cert-name-mismatch" },
  { "revoked", "cert-revoked" },
  { "untrustedroot", "cert-untrusted" },
  { "partialchain", "cert-untrusted" },
  { "chainerrors", "cert-untrusted" },
  { "self-signed", "cert-untrusted" },
  { "starttls is required", "starttls-missing" },
  { "starttls required", "starttls-missing" },
  { "tls negotiation failed", "tls-handshake-failed" },
  { "tls handshake", "tls-handshake-failed" },
  { "10061", "tcp-refused" },
  { "connection refused", "tcp-refused" },
  { "actively refused", "tcp-refused" },
  { "10060", "tcp-timeout" },
  { "timed out", "tcp-timeout" },
  { "10054", "closed-abruptly" },
  { "forcibly closed", "closed-abruptly" },
  { "closed abruptly", "closed-abruptly" },
  { "454 ", "starttls-rejected" },
  { "421 ", "greeting-rejected" },
  { "service not available", "greeting-rejected" },
};

/* For 4.4.312 the detail names the kind of DNS failure. */
static const DetailCause dns_detail_causes[] = {
  { "nonexistentdomain", "dns-nxdomain" },
  { "nxdomain", "dns-nxdomain" },
  { "does not exist", "dns-nxdomain" },
  { "serverfailure", "dns-servfail" },
  { "servfail", "dns-servfail" },
  { "timed out", "dns-timeout" },
  { "timeout", "dns-timeout" },
  { "nodata", "dns-no-address" },
  { "no address", "dns-no-address" },
};

typedef struct
{
  const char *status;   /* "S.D" subject.detail part, class-independent */
  const char *cause;    /* NULL: the code alone cannot tell */
} StatusCause;

static const StatusCause status_causes[] = {
  { "4.312", NULL },
  { "4.315", "tcp-timeout" },
  { "4.316", "tcp-refused" },
  { "4.317", NULL },
  { "4.318", "closed-abruptly" },
  { "7.320", NULL },
  { "7.321", "dane-starttls-missing" },
  { "7.322", "dane-cert-expired" },
  { "7.323", "dane-tlsa-mismatch" },
  { "7.324", "dane-dnssec-bogus" },
  { "7.325", "dane-name-mismatch" },
  { "4.310", "dns-nxdomain" },
  { "4.8", "other" },
  { "7.5", "other" },
  { "4.7", NULL },
  { "4.300", NULL },
};

/* The part of a status after its class: "5.4.316" -> "4.316". */
const char *
mfd_ndr_status_subject_detail (const char *status)
{
  if (status == NULL || status[0] == '\0' || status[1] != '.')
    return NULL;
  return status + 2;
}

gboolean
mfd_ndr_status_is_generic_expiry (const char *status)
{
  const char *sd = mfd_ndr_status_subject_detail (status);

  return sd != NULL && (g_str_equal (sd, "4.7") || g_str_equal (status, "5.4.300"));
}

gboolean
mfd_ndr_entry_is_success (const MfdNdrEntry *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);

  if (entry->status != NULL)
    return entry->status[0] == '2';
  return entry->reply / 100 == 2;
}

gboolean
mfd_ndr_entry_is_expired (const MfdNdrEntry *entry)
{
  const char *sd = mfd_ndr_status_subject_detail (entry->status);

  /* A delay notice's 4.4.7 says the message is late, not returned; a
   * success notice never expired, whatever its words say. */
  if (entry->delayed || mfd_ndr_entry_is_success (entry))
    return FALSE;
  if (mfd_ndr_status_is_generic_expiry (entry->status))
    return TRUE;
  if (entry->text != NULL && mfd_ndr_ascii_contains (entry->text, "message expired"))
    return TRUE;
  /* 5.4.312–318 are the expired forms of 4.4.312–318 (5.4.310 is not). */
  return sd != NULL && entry->status[0] == '5' && strlen (sd) == 5 &&
         g_str_has_prefix (sd, "4.31") && sd[4] >= '2' && sd[4] <= '8';
}

static const char *
match_detail (const DetailCause *table,
              gsize              n,
              const char        *detail)
{
  if (detail == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (mfd_ndr_ascii_contains (detail, table[i].needle))
      return table[i].cause;
  return NULL;
}

const char *
mfd_ndr_classify (const char *status,
                  const char *message)
{
  const char *sd = mfd_ndr_status_subject_detail (status);
  const char *cause;

  if (sd != NULL && g_str_equal (sd, "4.312"))
    return match_detail (dns_detail_causes, G_N_ELEMENTS (dns_detail_causes), message);

  cause = match_detail (detail_causes, G_N_ELEMENTS (detail_causes), message);
  if (cause != NULL)
    return cause;
  if (sd == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (status_causes); i++)
    if (g_str_equal (sd, status_causes[i].status))
      return status_causes[i].cause;
  return "other";
}
