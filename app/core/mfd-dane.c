/* mfd-dane.c — TLSA records matched against a presented chain
 *
 * Our own matcher rather than libgnutls-dane: that library wants to do
 * its own DNS lookups (libunbound) with its own DNSSEC verdict, while the
 * check must use the answers it validated itself (mfd-dnssec.c), through
 * the resolver the user chose, and must say which record failed for which
 * reason. What it would add over gnutls itself is a dozen lines: select
 * the certificate or its key, hash it, compare; the chain check under
 * DANE-TA is gnutls's own verification with the matched certificate as the
 * only anchor.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dane"

#include "config.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "mfd-dane.h"

#define MAX_CHAIN 16

void
mfd_tlsa_record_free (MfdTlsaRecord *record)
{
  if (record == NULL)
    return;
  g_clear_pointer (&record->data, g_bytes_unref);
  g_free (record);
}

static gboolean
is_usable (guint8 usage,
           guint8 selector,
           guint8 matching)
{
  return (usage == MFD_DANE_USAGE_DANE_TA || usage == MFD_DANE_USAGE_DANE_EE) &&
         selector <= 1 && matching <= 2;
}

static MfdTlsaRecord *
record_new (guint8        usage,
            guint8        selector,
            guint8        matching,
            const guint8 *data,
            gsize         len)
{
  MfdTlsaRecord *record = g_new0 (MfdTlsaRecord, 1);

  record->usage = usage;
  record->selector = selector;
  record->matching = matching;
  record->data = g_bytes_new (data, len);
  record->usable = is_usable (usage, selector, matching);
  /* A hash of the wrong length can never match: not usable either. */
  if ((matching == 1 && len != 32) || (matching == 2 && len != 64) || len == 0)
    record->usable = FALSE;
  return record;
}

static gboolean
rdf_uint8 (const ldns_rdf *rdf,
           guint8         *value)
{
  /* ldns types them as their own (CERTIFICATE_USAGE, SELECTOR,
   * MATCHING_TYPE) or, from the wire or older versions, as INT8: one byte
   * either way. */
  if (rdf == NULL || ldns_rdf_size (rdf) != 1)
    return FALSE;
  *value = ldns_rdf_data (rdf)[0];
  return TRUE;
}

GPtrArray *
mfd_dane_records_from_rr_list (const ldns_rr_list *rrs)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_tlsa_record_free);

  for (size_t i = 0; rrs != NULL && i < ldns_rr_list_rr_count (rrs) &&
                     records->len < MFD_DANE_MAX_RECORDS; i++)
    {
      const ldns_rr *rr = ldns_rr_list_rr (rrs, i);
      const ldns_rdf *data;
      guint8 usage, selector, matching;

      if (ldns_rr_get_type (rr) != LDNS_RR_TYPE_TLSA || ldns_rr_rd_count (rr) != 4 ||
          !rdf_uint8 (ldns_rr_rdf (rr, 0), &usage) ||
          !rdf_uint8 (ldns_rr_rdf (rr, 1), &selector) ||
          !rdf_uint8 (ldns_rr_rdf (rr, 2), &matching))
        continue;
      data = ldns_rr_rdf (rr, 3);
      if (data == NULL || ldns_rdf_size (data) == 0)
        continue;
      g_ptr_array_add (records, record_new (usage, selector, matching,
                                            ldns_rdf_data (data), ldns_rdf_size (data)));
    }
  return records;
}

char *
mfd_tlsa_record_to_string (const MfdTlsaRecord *record,
                           gboolean             short_form)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (record->data, &len);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%u %u %u ", record->usage, record->selector, record->matching);
  for (gsize i = 0; i < len; i++)
    {
      if (short_form && i == 8 && len > 8)
        {
          g_string_append (out, "…");
          break;
        }
      g_string_append_printf (out, "%02x", data[i]);
    }
  return g_string_free (out, FALSE);
}

/* What @selector picks from @cert_der, hashed as @matching says. */
static GBytes *
select_and_hash (const gnutls_datum_t *cert_der,
                 guint8                selector,
                 guint8                matching)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t spki = { NULL, 0 };
  const guint8 *input;
  gsize input_len;
  GBytes *out = NULL;

  if (selector == 0)
    {
      input = cert_der->data;
      input_len = cert_der->size;
    }
  else
    {
      gnutls_pubkey_t pubkey = NULL;

      if (gnutls_x509_crt_init (&crt) < 0)
        return NULL;
      if (gnutls_x509_crt_import (crt, cert_der, GNUTLS_X509_FMT_DER) < 0 ||
          gnutls_pubkey_init (&pubkey) < 0)
        goto out;
      if (gnutls_pubkey_import_x509 (pubkey, crt, 0) < 0 ||
          gnutls_pubkey_export2 (pubkey, GNUTLS_X509_FMT_DER, &spki) < 0)
        {
          gnutls_pubkey_deinit (pubkey);
          goto out;
        }
      gnutls_pubkey_deinit (pubkey);
      input = spki.data;
      input_len = spki.size;
    }

  if (matching == 0)
    out = g_bytes_new (input, input_len);
  else
    {
      gnutls_digest_algorithm_t algorithm = matching == 1 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_SHA512;
      guint8 digest[64];

      if (gnutls_hash_fast (algorithm, input, input_len, digest) == 0)
        out = g_bytes_new (digest, gnutls_hash_get_len (algorithm));
    }

out:
  gnutls_free (spki.data);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  return out;
}

MfdTlsaRecord *
mfd_dane_record_for_cert (const gnutls_datum_t *cert_der,
                          guint8                usage,
                          guint8                selector,
                          guint8                matching)
{
  g_autoptr(GBytes) data = NULL;
  gsize len;
  const guint8 *bytes;

  if (selector > 1 || matching > 2)
    return NULL;
  data = select_and_hash (cert_der, selector, matching);
  if (data == NULL)
    return NULL;
  bytes = g_bytes_get_data (data, &len);
  return record_new (usage, selector, matching, bytes, len);
}

static gboolean
record_matches (const MfdTlsaRecord  *record,
                const gnutls_datum_t *cert_der)
{
  g_autoptr(GBytes) data = select_and_hash (cert_der, record->selector, record->matching);

  return data != NULL && g_bytes_equal (data, record->data);
}

const char *
mfd_dane_verdict_to_string (MfdDaneVerdict verdict)
{
  switch (verdict)
    {
    case MFD_DANE_MATCH:             return "match";
    case MFD_DANE_NO_USABLE_RECORDS: return "no-usable-records";
    case MFD_DANE_MISMATCH:          return "mismatch";
    case MFD_DANE_CERT_EXPIRED:      return "cert-expired";
    case MFD_DANE_NAME_MISMATCH:     return "name-mismatch";
    case MFD_DANE_CHAIN_INVALID:
    default:                         return "chain-invalid";
    }
}

/* DANE-TA: @chain[0 .. anchor] verified with @chain[anchor] as the only
 * trusted certificate, and the server certificate's name. */
static MfdDaneVerdict
verify_with_anchor (const gnutls_datum_t *chain,
                    guint                 anchor,
                    const char * const   *names,
                    time_t                now,
                    char                **why)
{
  gnutls_x509_crt_t certs[MAX_CHAIN] = { NULL, };
  gnutls_x509_crt_t ta = NULL;
  gnutls_x509_trust_list_t list = NULL;
  MfdDaneVerdict verdict = MFD_DANE_CHAIN_INVALID;
  unsigned int status = 0;
  guint n = 0;
  gboolean name_ok = FALSE;

  if (gnutls_x509_trust_list_init (&list, 0) < 0 || gnutls_x509_crt_init (&ta) < 0 ||
      gnutls_x509_crt_import (ta, &chain[anchor], GNUTLS_X509_FMT_DER) < 0)
    goto out;
  /* The list takes the anchor. */
  if (gnutls_x509_trust_list_add_cas (list, &ta, 1, 0) != 1)
    goto out;
  ta = NULL;

  /* The path up to, not including, the anchor; the anchor alone when the
   * record pins the server certificate itself. */
  for (guint i = 0; i < MAX (anchor, 1); i++)
    {
      if (gnutls_x509_crt_init (&certs[i]) < 0 ||
          gnutls_x509_crt_import (certs[i], &chain[i], GNUTLS_X509_FMT_DER) < 0)
        goto out;
      n++;
    }

  if (gnutls_x509_trust_list_verify_crt2 (list, certs, n, NULL, 0,
                                          GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                          GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
                                          &status, NULL) < 0)
    goto out;
  if (status != 0)
    {
      gnutls_datum_t text = { NULL, 0 };

      if (gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &text, 0) == 0)
        *why = g_strstrip (g_strdup ((const char *) text.data));
      gnutls_free (text.data);
      goto out;
    }

  /* Dates, ours: every certificate from the server's to the anchor. */
  for (guint i = 0; i <= anchor; i++)
    {
      gnutls_x509_crt_t crt = NULL;
      time_t from, to;

      if (gnutls_x509_crt_init (&crt) < 0)
        goto out;
      if (gnutls_x509_crt_import (crt, &chain[i], GNUTLS_X509_FMT_DER) < 0)
        {
          gnutls_x509_crt_deinit (crt);
          goto out;
        }
      from = gnutls_x509_crt_get_activation_time (crt);
      to = gnutls_x509_crt_get_expiration_time (crt);
      gnutls_x509_crt_deinit (crt);
      if (now < from || now > to)
        {
          *why = g_strdup_printf ("certificate %u of the chain is %s", i,
                                  now > to ? "expired" : "not yet valid");
          verdict = MFD_DANE_CERT_EXPIRED;
          goto out;
        }
    }

  for (guint i = 0; names != NULL && names[i] != NULL && !name_ok; i++)
    name_ok = gnutls_x509_crt_check_hostname2 (certs[0], names[i], 0) != 0;
  if (!name_ok)
    {
      *why = g_strdup_printf ("the server certificate is not for %s",
                              names != NULL && names[0] != NULL ? names[0] : "(no name)");
      verdict = MFD_DANE_NAME_MISMATCH;
      goto out;
    }
  verdict = MFD_DANE_MATCH;

out:
  for (guint i = 0; i < G_N_ELEMENTS (certs); i++)
    if (certs[i] != NULL)
      gnutls_x509_crt_deinit (certs[i]);
  if (ta != NULL)
    gnutls_x509_crt_deinit (ta);
  if (list != NULL)
    gnutls_x509_trust_list_deinit (list, 1);
  return verdict;
}

/* The failure that says most wins: dates, then name, then chain. */
static int
verdict_rank (MfdDaneVerdict verdict)
{
  switch (verdict)
    {
    case MFD_DANE_CERT_EXPIRED:      return 4;
    case MFD_DANE_NAME_MISMATCH:     return 3;
    case MFD_DANE_CHAIN_INVALID:     return 2;
    case MFD_DANE_MISMATCH:          return 1;
    case MFD_DANE_MATCH:
    case MFD_DANE_NO_USABLE_RECORDS:
    default:                         return 0;
    }
}

MfdDaneVerdict
mfd_dane_verify (GPtrArray            *records,
                 const gnutls_datum_t *chain,
                 guint                 n_certs,
                 const char * const   *names,
                 time_t                now,
                 int                  *matched,
                 char                **detail)
{
  MfdDaneVerdict best = MFD_DANE_NO_USABLE_RECORDS;
  g_autofree char *best_why = NULL;
  int best_index = -1;

  if (matched != NULL)
    *matched = -1;
  if (detail != NULL)
    *detail = NULL;
  if (now == 0)
    now = time (NULL);
  n_certs = MIN (n_certs, MAX_CHAIN);

  for (guint r = 0; records != NULL && r < records->len; r++)
    {
      const MfdTlsaRecord *record = g_ptr_array_index (records, r);

      if (!record->usable)
        continue;
      if (best == MFD_DANE_NO_USABLE_RECORDS)
        best = MFD_DANE_MISMATCH;

      if (record->usage == MFD_DANE_USAGE_DANE_EE)
        {
          if (n_certs > 0 && record_matches (record, &chain[0]))
            {
              if (matched != NULL)
                *matched = r;
              if (detail != NULL)
                *detail = g_strdup ("DANE-EE: the server certificate matches");
              return MFD_DANE_MATCH;
            }
          continue;
        }

      for (guint c = 0; c < n_certs; c++)
        {
          g_autofree char *why = NULL;
          MfdDaneVerdict verdict;

          if (!record_matches (record, &chain[c]))
            continue;
          verdict = verify_with_anchor (chain, c, names, now, &why);
          if (verdict == MFD_DANE_MATCH)
            {
              if (matched != NULL)
                *matched = r;
              if (detail != NULL)
                *detail = g_strdup_printf ("DANE-TA: certificate %u of the chain is the anchor", c);
              return MFD_DANE_MATCH;
            }
          if (verdict_rank (verdict) > verdict_rank (best))
            {
              best = verdict;
              best_index = r;
              g_free (best_why);
              best_why = g_steal_pointer (&why);
            }
        }
    }

  if (matched != NULL)
    *matched = best_index;
  if (detail != NULL)
    {
      if (best == MFD_DANE_NO_USABLE_RECORDS)
        *detail = g_strdup ("No TLSA record is usable for SMTP (DANE-TA or DANE-EE with a known selector and matching type)");
      else if (best == MFD_DANE_MISMATCH)
        *detail = g_strdup ("No TLSA record matches the certificates the server presented");
      else
        *detail = g_strdup_printf ("DANE-TA: %s", best_why != NULL ? best_why : mfd_dane_verdict_to_string (best));
    }
  return best;
}
