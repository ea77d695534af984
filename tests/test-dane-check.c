/* test-dane-check.c — the DANE verdict for one MX host, each EOP code
 * reached from a zone signed at run time and served on loopback, and
 * chains made with gnutls
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "mfd/mfd.h"
#include "mfd-dane-check.h"
#include "mfd-lab-dns.h"
#include "mfd-lab-zone.h"
#include "mfd-test-ca.h"

#define TIMEOUT_MS 2000
#define MX "mail.contoso.test"
#define TLSA_NAME "_25._tcp." MX

static MfdTestDanePki pki;

typedef enum
{
  ZONE_SIGNED,
  ZONE_TLSA_EXPIRED,
  ZONE_NO_DS,
  ZONE_DS_MISMATCH,
  ZONE_NO_TLSA,
} ZoneSetup;

typedef struct
{
  ZoneSetup         zone;
  gnutls_x509_crt_t tlsa_cert;     /* what the TLSA record pins */
  guint8            usage, selector, matching;
  gboolean          starttls;
  gnutls_x509_crt_t presented[2];  /* the chain the server sends */
  MfdDaneCheckOutcome outcome;
  const char       *cause;
  const char       *eop_code;
} Case;

static void
pki_init (void)
{
  mfd_test_dane_pki_init (&pki, MX);
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabDns) lab = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_autoptr(MfdLabZone) parent = mfd_lab_zone_new ("test");
  g_autoptr(MfdLabZone) child = mfd_lab_zone_new ("contoso.test");
  g_autoptr(MfdDaneCheck) check = NULL;
  MfdDnsResolver *resolver;
  ldns_rr_list *anchors = ldns_rr_list_new ();
  const char *a[] = { MX ". 300 IN A 127.0.0.1", NULL };
  gboolean sign = c->zone != ZONE_NO_DS;
  gnutls_datum_t chain[2] = { { NULL, 0 }, };
  guint n = 0;

  g_assert_no_error (error);
  resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (lab), TIMEOUT_MS, &error);
  g_assert_no_error (error);

  g_assert_true (mfd_lab_zone_serve_apex (parent, lab));
  if (c->zone == ZONE_DS_MISMATCH)
    {
      g_autoptr(MfdLabZone) stranger = mfd_lab_zone_new ("contoso.test");

      g_assert_true (mfd_lab_zone_serve_ds (parent, lab, stranger));
    }
  else if (sign)
    g_assert_true (mfd_lab_zone_serve_ds (parent, lab, child));

  if (sign)
    g_assert_true (mfd_lab_zone_serve_apex (child, lab));
  else
    {
      const char *soa[] = { "contoso.test. 3600 IN SOA ns.contoso.test. hostmaster.contoso.test. 1 3600 600 86400 300", NULL };

      g_assert_true (mfd_lab_zone_serve (child, lab, FALSE, soa));
    }
  g_assert_true (mfd_lab_zone_serve (child, lab, sign, a));

  if (c->zone != ZONE_NO_TLSA)
    {
      gnutls_datum_t pinned = mfd_test_cert_der (c->tlsa_cert);
      MfdTlsaRecord *record = mfd_dane_record_for_cert (&pinned, c->usage, c->selector, c->matching);
      g_autofree char *rdata = mfd_tlsa_record_to_string (record, FALSE);
      g_autofree char *line = g_strdup_printf (TLSA_NAME ". 300 IN TLSA %s", rdata);
      const char *tlsa[] = { line, NULL };

      if (c->zone == ZONE_TLSA_EXPIRED)
        mfd_lab_zone_set_validity (child, -86400, -3600);
      g_assert_true (mfd_lab_zone_serve (child, lab, sign, tlsa));
      mfd_tlsa_record_free (record);
      gnutls_free (pinned.data);
    }
  ldns_rr_list_push_rr (anchors, mfd_lab_zone_make_ds (parent));

  for (guint i = 0; i < G_N_ELEMENTS (c->presented) && c->presented[i] != NULL; i++)
    chain[n++] = mfd_test_cert_der (c->presented[i]);

  check = mfd_dane_check_host (resolver, anchors, MX, 25, c->starttls, chain, n, NULL);
  g_test_message ("outcome %d, cause %s: %s", check->outcome, check->cause, check->detail);
  g_assert_cmpint (check->outcome, ==, c->outcome);
  g_assert_cmpstr (check->cause, ==, c->cause);
  g_assert_cmpstr (check->eop_code, ==, c->eop_code);
  g_assert_cmpstr (check->tlsa_name, ==, TLSA_NAME);
  g_assert_nonnull (check->detail);
  if (c->eop_code != NULL)
    g_assert_cmpstr (mfd_dane_cause_to_eop_code (c->cause), ==, c->eop_code);

  for (guint i = 0; i < n; i++)
    gnutls_free (chain[i].data);
  ldns_rr_list_deep_free (anchors);
  mfd_dns_resolver_free (resolver);
}

static void
test_silent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabDns) lab = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_autoptr(MfdLabZone) parent = mfd_lab_zone_new ("test");
  g_autoptr(MfdDaneCheck) check = NULL;
  ldns_rr_list *anchors = ldns_rr_list_new ();
  MfdDnsResolver *resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (lab), 500, &error);

  g_assert_no_error (error);
  mfd_lab_dns_set_mode (lab, NULL, MFD_LAB_DNS_MODE_SILENT);
  ldns_rr_list_push_rr (anchors, mfd_lab_zone_make_ds (parent));
  check = mfd_dane_check_host (resolver, anchors, MX ".", 25, TRUE, NULL, 0, NULL);
  g_assert_cmpint (check->outcome, ==, MFD_DANE_CHECK_INCONCLUSIVE);
  g_assert_null (check->cause);
  g_assert_cmpstr (check->tlsa_name, ==, TLSA_NAME);
  ldns_rr_list_deep_free (anchors);
  mfd_dns_resolver_free (resolver);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  pki_init ();

  {
    static Case cases[] = {
      { ZONE_SIGNED, NULL, 3, 1, 1, TRUE, { NULL, }, MFD_DANE_CHECK_OK, NULL, NULL },
      { ZONE_SIGNED, NULL, 3, 1, 1, FALSE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-starttls-missing", "4.7.321" },
      { ZONE_SIGNED, NULL, 2, 0, 1, TRUE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-cert-expired", "4.7.322" },
      { ZONE_SIGNED, NULL, 3, 1, 1, TRUE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-tlsa-mismatch", "4.7.323" },
      { ZONE_TLSA_EXPIRED, NULL, 3, 1, 1, TRUE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-dnssec-bogus", "4.7.324" },
      { ZONE_SIGNED, NULL, 2, 0, 1, TRUE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-name-mismatch", "4.7.325" },
      { ZONE_DS_MISMATCH, NULL, 3, 1, 1, TRUE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-dnssec-bogus", "4.7.324" },
      { ZONE_NO_DS, NULL, 3, 1, 1, FALSE, { NULL, }, MFD_DANE_CHECK_NOT_APPLICABLE, NULL, NULL },
      { ZONE_NO_TLSA, NULL, 3, 1, 1, FALSE, { NULL, }, MFD_DANE_CHECK_NOT_APPLICABLE, NULL, NULL },
      { ZONE_SIGNED, NULL, 2, 0, 1, TRUE, { NULL, }, MFD_DANE_CHECK_OK, NULL, NULL },
    };
    static const char *paths[] = {
      "/dane-check/ok/3-1-1", "/dane-check/4.7.321/starttls-missing", "/dane-check/4.7.322/ta-cert-expired",
      "/dane-check/4.7.323/tlsa-mismatch", "/dane-check/4.7.324/expired-rrsig",
      "/dane-check/4.7.325/ta-name-mismatch", "/dane-check/4.7.324/ds-mismatch",
      "/dane-check/not-applicable/no-ds", "/dane-check/not-applicable/no-tlsa", "/dane-check/ok/2-0-1",
    };

    G_STATIC_ASSERT (G_N_ELEMENTS (cases) == G_N_ELEMENTS (paths));

    /* The certificates only exist now. */
    cases[0].tlsa_cert = pki.leaf; cases[0].presented[0] = pki.leaf; cases[0].presented[1] = pki.inter;
    cases[1].tlsa_cert = pki.leaf;
    cases[2].tlsa_cert = pki.inter; cases[2].presented[0] = pki.leaf_expired; cases[2].presented[1] = pki.inter;
    cases[3].tlsa_cert = pki.leaf; cases[3].presented[0] = pki.other; cases[3].presented[1] = pki.inter;
    cases[4].tlsa_cert = pki.leaf; cases[4].presented[0] = pki.leaf;
    cases[5].tlsa_cert = pki.inter; cases[5].presented[0] = pki.leaf_other_name; cases[5].presented[1] = pki.inter;
    cases[6].tlsa_cert = pki.leaf; cases[6].presented[0] = pki.leaf;
    cases[7].tlsa_cert = pki.leaf;
    cases[8].tlsa_cert = pki.leaf;
    cases[9].tlsa_cert = pki.inter; cases[9].presented[0] = pki.leaf; cases[9].presented[1] = pki.inter;
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      g_test_add_data_func (paths[i], &cases[i], run_case);
  }
  g_test_add_func ("/dane-check/inconclusive/silent", test_silent);

  return g_test_run ();
}
