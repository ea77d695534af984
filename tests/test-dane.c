/* test-dane.c — TLSA records matched against real certificate chains
 * made with gnutls at run time
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "mfd/mfd.h"
#include "mfd-dane.h"
#include "mfd-test-ca.h"

#define MX "mail.contoso.test"

/* root -> intermediate -> leaf for MX, and variants of the leaf. */
static MfdTestDanePki pki;

static void
pki_init (void)
{
  mfd_test_dane_pki_init (&pki, MX);
}

typedef struct
{
  gnutls_datum_t certs[3];
  guint          n;
} Chain;

static void
chain_init (Chain             *chain,
            gnutls_x509_crt_t  first,
            ...)
{
  va_list args;
  gnutls_x509_crt_t crt = first;

  chain->n = 0;
  va_start (args, first);
  while (crt != NULL && chain->n < G_N_ELEMENTS (chain->certs))
    {
      chain->certs[chain->n++] = mfd_test_cert_der (crt);
      crt = va_arg (args, gnutls_x509_crt_t);
    }
  va_end (args);
}

static void
chain_clear (Chain *chain)
{
  for (guint i = 0; i < chain->n; i++)
    gnutls_free (chain->certs[i].data);
  chain->n = 0;
}

/* One record for @crt. */
static GPtrArray *
records_for (gnutls_x509_crt_t crt,
             guint8            usage,
             guint8            selector,
             guint8            matching)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_tlsa_record_free);
  gnutls_datum_t cert = mfd_test_cert_der (crt);

  g_ptr_array_add (records, mfd_dane_record_for_cert (&cert, usage, selector, matching));
  g_assert_nonnull (g_ptr_array_index (records, 0));
  gnutls_free (cert.data);
  return records;
}

static MfdDaneVerdict
verify (GPtrArray *records,
        Chain     *chain,
        int       *matched)
{
  const char *names[] = { MX, NULL };
  g_autofree char *detail = NULL;
  MfdDaneVerdict verdict = mfd_dane_verify (records, chain->certs, chain->n, names, 0, matched, &detail);

  g_test_message ("%s: %s", mfd_dane_verdict_to_string (verdict), detail);
  g_assert_nonnull (detail);
  return verdict;
}

static void
test_ee (void)
{
  Chain chain;

  chain_init (&chain, pki.leaf, pki.inter, NULL);
  /* Every selector and matching type. */
  for (guint8 selector = 0; selector <= 1; selector++)
    for (guint8 matching = 0; matching <= 2; matching++)
      {
        g_autoptr(GPtrArray) records = records_for (pki.leaf, 3, selector, matching);
        int matched = -2;

        g_assert_cmpint (verify (records, &chain, &matched), ==, MFD_DANE_MATCH);
        g_assert_cmpint (matched, ==, 0);
      }
  chain_clear (&chain);
}

static void
test_ee_ignores_names_and_dates (void)
{
  /* Pinned by key (3 1 1): the same key in an expired certificate for
   * another name still matches (RFC 7672 §3.1.1). */
  g_autoptr(GPtrArray) records = records_for (pki.leaf, 3, 1, 1);
  Chain chain;

  chain_init (&chain, pki.leaf_expired, NULL);
  g_assert_cmpint (verify (records, &chain, NULL), ==, MFD_DANE_MATCH);
  chain_clear (&chain);
  chain_init (&chain, pki.leaf_other_name, pki.inter, NULL);
  g_assert_cmpint (verify (records, &chain, NULL), ==, MFD_DANE_MATCH);
  chain_clear (&chain);

  /* Pinned by the whole certificate (3 0 1): another certificate with the
   * same key does not match. */
  g_clear_pointer (&records, g_ptr_array_unref);
  records = records_for (pki.leaf, 3, 0, 1);
  chain_init (&chain, pki.leaf_expired, NULL);
  g_assert_cmpint (verify (records, &chain, NULL), ==, MFD_DANE_MISMATCH);
  chain_clear (&chain);
}

static void
test_ee_mismatch (void)
{
  /* A record for another key: the certificate was replaced without a new
   * TLSA record first. */
  g_autoptr(GPtrArray) records = records_for (pki.other_root, 3, 1, 1);
  Chain chain;
  int matched = -2;

  chain_init (&chain, pki.leaf, pki.inter, NULL);
  g_assert_cmpint (verify (records, &chain, &matched), ==, MFD_DANE_MISMATCH);
  g_assert_cmpint (matched, ==, -1);
  chain_clear (&chain);
}

static void
test_ta (void)
{
  g_autoptr(GPtrArray) inter = records_for (pki.inter, 2, 0, 1);
  g_autoptr(GPtrArray) root = records_for (pki.root, 2, 1, 1);
  Chain chain;

  chain_init (&chain, pki.leaf, pki.inter, NULL);
  g_assert_cmpint (verify (inter, &chain, NULL), ==, MFD_DANE_MATCH);
  chain_clear (&chain);

  /* The root as anchor, sent along. */
  chain_init (&chain, pki.leaf, pki.inter, pki.root, NULL);
  g_assert_cmpint (verify (root, &chain, NULL), ==, MFD_DANE_MATCH);
  /* …but not when the server leaves it out: DANE-TA needs it presented. */
  chain_clear (&chain);
  chain_init (&chain, pki.leaf, pki.inter, NULL);
  g_assert_cmpint (verify (root, &chain, NULL), ==, MFD_DANE_MISMATCH);
  chain_clear (&chain);
}

static void
test_ta_checks_names_dates_and_path (void)
{
  g_autoptr(GPtrArray) records = records_for (pki.inter, 2, 0, 1);
  Chain chain;
  int matched = -2;

  chain_init (&chain, pki.leaf_expired, pki.inter, NULL);
  g_assert_cmpint (verify (records, &chain, &matched), ==, MFD_DANE_CERT_EXPIRED);
  g_assert_cmpint (matched, ==, 0);
  chain_clear (&chain);

  chain_init (&chain, pki.leaf_other_name, pki.inter, NULL);
  g_assert_cmpint (verify (records, &chain, NULL), ==, MFD_DANE_NAME_MISMATCH);
  chain_clear (&chain);

  /* The anchor is sent, but the server certificate was not signed by it. */
  chain_init (&chain, pki.leaf_other_ca, pki.inter, NULL);
  g_assert_cmpint (verify (records, &chain, NULL), ==, MFD_DANE_CHAIN_INVALID);
  chain_clear (&chain);
}

static void
test_one_match_is_enough (void)
{
  g_autoptr(GPtrArray) records = records_for (pki.other_root, 3, 1, 1);
  g_autoptr(GPtrArray) next = records_for (pki.leaf, 3, 1, 1);
  Chain chain;
  int matched = -2;

  /* A rollover: the old key's record and the new key's side by side. */
  g_ptr_array_add (records, g_ptr_array_steal_index (next, 0));
  chain_init (&chain, pki.leaf, NULL);
  g_assert_cmpint (verify (records, &chain, &matched), ==, MFD_DANE_MATCH);
  g_assert_cmpint (matched, ==, 1);
  chain_clear (&chain);
}

static void
test_unusable (void)
{
  g_autoptr(GPtrArray) records = records_for (pki.leaf, 1, 1, 1);   /* PKIX-EE: not for SMTP */
  g_autoptr(GPtrArray) parsed = NULL;
  ldns_rr_list *list = ldns_rr_list_new ();
  ldns_rr *rr = NULL;
  Chain chain;

  g_assert_false (((MfdTlsaRecord *) g_ptr_array_index (records, 0))->usable);
  chain_init (&chain, pki.leaf, NULL);
  g_assert_cmpint (verify (records, &chain, NULL), ==, MFD_DANE_NO_USABLE_RECORDS);
  g_assert_cmpint (verify (NULL, &chain, NULL), ==, MFD_DANE_NO_USABLE_RECORDS);

  /* A SHA-256 record that is not 32 bytes long can never match, nor can an
   * unknown matching type: both unusable. */
  g_assert_cmpint (ldns_rr_new_frm_str (&rr, MX ". 300 IN TLSA 3 1 1 0102", 300, NULL, NULL), ==, LDNS_STATUS_OK);
  ldns_rr_list_push_rr (list, rr);
  g_assert_cmpint (ldns_rr_new_frm_str (&rr, MX ". 300 IN TLSA 3 1 9 0102", 300, NULL, NULL), ==, LDNS_STATUS_OK);
  ldns_rr_list_push_rr (list, rr);
  parsed = mfd_dane_records_from_rr_list (list);
  ldns_rr_list_deep_free (list);
  g_assert_cmpuint (parsed->len, ==, 2);
  g_assert_false (((MfdTlsaRecord *) g_ptr_array_index (parsed, 0))->usable);
  g_assert_false (((MfdTlsaRecord *) g_ptr_array_index (parsed, 1))->usable);
  g_assert_cmpint (verify (parsed, &chain, NULL), ==, MFD_DANE_NO_USABLE_RECORDS);
  chain_clear (&chain);
}

static void
test_parse (void)
{
  g_autoptr(GPtrArray) records = records_for (pki.leaf, 3, 1, 1);
  g_autofree char *text = mfd_tlsa_record_to_string (g_ptr_array_index (records, 0), FALSE);
  g_autofree char *line = g_strdup_printf ("_25._tcp." MX ". 300 IN TLSA %s", text);
  g_autofree char *short_text = mfd_tlsa_record_to_string (g_ptr_array_index (records, 0), TRUE);
  g_autoptr(GPtrArray) parsed = NULL;
  ldns_rr_list *list = ldns_rr_list_new ();
  ldns_rr *rr = NULL;
  Chain chain;

  g_assert_true (g_str_has_prefix (text, "3 1 1 "));
  g_assert_cmpuint (strlen (text), ==, 6 + 64);
  g_assert_true (g_str_has_suffix (short_text, "…"));
  g_assert_cmpuint (strlen (short_text), ==, 6 + 16 + strlen ("…"));

  g_assert_cmpint (ldns_rr_new_frm_str (&rr, line, 300, NULL, NULL), ==, LDNS_STATUS_OK);
  ldns_rr_list_push_rr (list, rr);
  g_assert_cmpint (ldns_rr_new_frm_str (&rr, MX ". 300 IN A 127.0.0.1", 300, NULL, NULL), ==, LDNS_STATUS_OK);
  ldns_rr_list_push_rr (list, rr);
  parsed = mfd_dane_records_from_rr_list (list);
  ldns_rr_list_deep_free (list);
  g_assert_cmpuint (parsed->len, ==, 1);
  g_assert_true (((MfdTlsaRecord *) g_ptr_array_index (parsed, 0))->usable);

  chain_init (&chain, pki.leaf, NULL);
  g_assert_cmpint (verify (parsed, &chain, NULL), ==, MFD_DANE_MATCH);
  chain_clear (&chain);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  pki_init ();

  g_test_add_func ("/dane/ee/every-selector-and-matching-type", test_ee);
  g_test_add_func ("/dane/ee/names-and-dates-do-not-matter", test_ee_ignores_names_and_dates);
  g_test_add_func ("/dane/ee/mismatch", test_ee_mismatch);
  g_test_add_func ("/dane/ta/match", test_ta);
  g_test_add_func ("/dane/ta/names-dates-path", test_ta_checks_names_dates_and_path);
  g_test_add_func ("/dane/one-match-is-enough", test_one_match_is_enough);
  g_test_add_func ("/dane/unusable", test_unusable);
  g_test_add_func ("/dane/parse", test_parse);

  return g_test_run ();
}
