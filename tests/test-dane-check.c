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
  ZONE_NO_TLSA,            /* proven by NSEC */
  ZONE_NO_TLSA_NSEC3,      /* proven by NSEC3 */
  ZONE_NO_TLSA_NO_DENIAL,  /* the negative answer proves nothing */
  ZONE_NO_TLSA_FORGED,     /* NSEC records changed after signing */
  ZONE_NO_DS_NSEC3,        /* the parent proves "no DS" with NSEC3 */
  ZONE_NO_DS_NO_DENIAL,    /* the parent's "no DS" proves nothing */
  ZONE_MX_EXPIRED,         /* the MX set's signature expired */
  ZONE_MX_INSECURE,        /* the MX set is in an unsigned zone (fabrikam.test) */
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

static gboolean
has_tlsa (ZoneSetup zone)
{
  return zone != ZONE_NO_TLSA && zone != ZONE_NO_TLSA_NSEC3 && zone != ZONE_NO_TLSA_NO_DENIAL &&
         zone != ZONE_NO_TLSA_FORGED;
}

static gboolean
is_signed (ZoneSetup zone)
{
  return zone != ZONE_NO_DS && zone != ZONE_NO_DS_NSEC3 && zone != ZONE_NO_DS_NO_DENIAL;
}

/* "test" holds the anchor and delegates contoso.test (and, unsigned,
 * fabrikam.test); contoso.test's MX set names @hosts, each with @n_addresses
 * addresses and, unless the setup says otherwise, a TLSA record for @pinned. */
static void
serve_zones (MfdLabDns         *lab,
             MfdLabZone        *parent,
             MfdLabZone        *child,
             const Case        *c,
             const char *const *hosts,
             guint              n_addresses)
{
  gboolean sign = is_signed (c->zone);

  if (c->zone == ZONE_NO_DS_NSEC3)
    mfd_lab_zone_set_denial (parent, MFD_LAB_ZONE_DENIAL_NSEC3);
  else if (c->zone == ZONE_NO_DS_NO_DENIAL)
    mfd_lab_zone_set_denial (parent, MFD_LAB_ZONE_DENIAL_NONE);
  else if (c->zone == ZONE_NO_TLSA_NSEC3)
    mfd_lab_zone_set_denial (child, MFD_LAB_ZONE_DENIAL_NSEC3);
  else if (c->zone == ZONE_NO_TLSA_NO_DENIAL)
    mfd_lab_zone_set_denial (child, MFD_LAB_ZONE_DENIAL_NONE);
  else if (c->zone == ZONE_NO_TLSA_FORGED)
    mfd_lab_zone_set_denial (child, MFD_LAB_ZONE_DENIAL_NSEC_FORGED);

  g_assert_true (mfd_lab_zone_serve_apex (parent, lab));
  if (c->zone == ZONE_DS_MISMATCH)
    {
      g_autoptr(MfdLabZone) stranger = mfd_lab_zone_new ("contoso.test");

      g_assert_true (mfd_lab_zone_serve_ds (parent, lab, stranger));
    }
  else if (sign)
    g_assert_true (mfd_lab_zone_serve_ds (parent, lab, child));
  else
    g_assert_true (mfd_lab_zone_serve_delegation (parent, lab, "contoso.test"));

  if (sign)
    g_assert_true (mfd_lab_zone_serve_apex (child, lab));
  else
    {
      const char *soa[] = { "contoso.test. 3600 IN SOA ns.contoso.test. hostmaster.contoso.test. 1 3600 600 86400 300", NULL };

      g_assert_true (mfd_lab_zone_serve (child, lab, FALSE, soa));
    }

  if (c->zone == ZONE_MX_INSECURE)
    {
      /* An unsigned zone of its own, delegated without DS. */
      g_autoptr(MfdLabZone) fabrikam = mfd_lab_zone_new ("fabrikam.test");
      const char *soa[] = { "fabrikam.test. 3600 IN SOA ns.fabrikam.test. hostmaster.fabrikam.test. 1 3600 600 86400 300", NULL };
      g_autofree char *line = g_strdup_printf ("fabrikam.test. 300 IN MX 10 %s.", hosts[0]);
      const char *mx[] = { line, NULL };

      g_assert_true (mfd_lab_zone_serve_delegation (parent, lab, "fabrikam.test"));
      g_assert_true (mfd_lab_zone_serve (fabrikam, lab, FALSE, soa));
      g_assert_true (mfd_lab_zone_serve (fabrikam, lab, FALSE, mx));
    }
  {
    g_autoptr(GPtrArray) mx_lines = g_ptr_array_new_with_free_func (g_free);

    for (guint h = 0; hosts[h] != NULL; h++)
      g_ptr_array_add (mx_lines, g_strdup_printf ("contoso.test. 300 IN MX %u %s.", 10 * (h + 1), hosts[h]));
    g_ptr_array_add (mx_lines, NULL);
    if (c->zone == ZONE_MX_EXPIRED)
      mfd_lab_zone_set_validity (child, -86400, -3600);
    g_assert_true (mfd_lab_zone_serve (child, lab, sign, (const char *const *) mx_lines->pdata));
    mfd_lab_zone_set_validity (child, -3600, 86400);
  }

  for (guint h = 0; hosts[h] != NULL; h++)
    {
      g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < n_addresses; i++)
        g_ptr_array_add (a, g_strdup_printf ("%s. 300 IN A 127.0.0.%u", hosts[h], i + 1));
      g_ptr_array_add (a, NULL);
      g_assert_true (mfd_lab_zone_serve (child, lab, sign, (const char *const *) a->pdata));

      if (has_tlsa (c->zone))
        {
          gnutls_datum_t pinned = mfd_test_cert_der (c->tlsa_cert);
          MfdTlsaRecord *record = mfd_dane_record_for_cert (&pinned, c->usage, c->selector, c->matching);
          g_autofree char *rdata = mfd_tlsa_record_to_string (record, FALSE);
          g_autofree char *line = g_strdup_printf ("_25._tcp.%s. 300 IN TLSA %s", hosts[h], rdata);
          const char *tlsa[] = { line, NULL };

          if (c->zone == ZONE_TLSA_EXPIRED)
            mfd_lab_zone_set_validity (child, -86400, -3600);
          g_assert_true (mfd_lab_zone_serve (child, lab, sign, tlsa));
          mfd_tlsa_record_free (record);
          gnutls_free (pinned.data);
        }
    }
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  const char *hosts[] = { MX, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabDns) lab = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_autoptr(MfdLabZone) parent = mfd_lab_zone_new ("test");
  g_autoptr(MfdLabZone) child = mfd_lab_zone_new ("contoso.test");
  g_autoptr(MfdDaneCheck) check = NULL;
  MfdDnsResolver *resolver;
  ldns_rr_list *anchors = ldns_rr_list_new ();
  gnutls_datum_t chain[2] = { { NULL, 0 }, };
  guint n = 0;

  g_assert_no_error (error);
  resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (lab), TIMEOUT_MS, &error);
  g_assert_no_error (error);
  serve_zones (lab, parent, child, c, hosts, 1);
  ldns_rr_list_push_rr (anchors, mfd_lab_zone_make_ds (parent));

  for (guint i = 0; i < G_N_ELEMENTS (c->presented) && c->presented[i] != NULL; i++)
    chain[n++] = mfd_test_cert_der (c->presented[i]);

  check = mfd_dane_check_host (resolver, anchors, NULL,
                               c->zone == ZONE_MX_INSECURE ? "fabrikam.test" : "contoso.test",
                               MX, 25, c->starttls, chain, n, NULL);
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
  check = mfd_dane_check_host (resolver, anchors, NULL, "contoso.test", MX ".", 25, TRUE, NULL, 0, NULL);
  g_assert_cmpint (check->outcome, ==, MFD_DANE_CHECK_INCONCLUSIVE);
  g_assert_null (check->cause);
  g_assert_cmpstr (check->tlsa_name, ==, TLSA_NAME);
  ldns_rr_list_deep_free (anchors);
  mfd_dns_resolver_free (resolver);
}

/* What a check asks for a domain with 2 MX hosts of 2 addresses each:
 * every address runs the DANE step, each with the MX set, the host's
 * addresses and its TLSA records to validate. */
static guint
count_queries (gboolean with_cache)
{
  static const Case secure = { ZONE_SIGNED, NULL, 3, 1, 1, TRUE, { NULL, }, MFD_DANE_CHECK_OK, NULL, NULL };
  const char *hosts[] = { "mail1.contoso.test", "mail2.contoso.test", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabDns) lab = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_autoptr(MfdLabZone) parent = mfd_lab_zone_new ("test");
  g_autoptr(MfdLabZone) child = mfd_lab_zone_new ("contoso.test");
  g_autoptr(MfdDnssecCache) cache = with_cache ? mfd_dnssec_cache_new () : NULL;
  Case c = secure;
  gnutls_datum_t leaf;
  MfdDnsResolver *resolver;
  ldns_rr_list *anchors = ldns_rr_list_new ();
  guint n_queries, n_cached = 0;

  g_assert_no_error (error);
  resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (lab), TIMEOUT_MS, &error);
  g_assert_no_error (error);
  c.tlsa_cert = pki.leaf;
  serve_zones (lab, parent, child, &c, hosts, 2);
  ldns_rr_list_push_rr (anchors, mfd_lab_zone_make_ds (parent));
  leaf = mfd_test_cert_der (pki.leaf);

  for (guint h = 0; hosts[h] != NULL; h++)
    for (guint address = 0; address < 2; address++)
      {
        g_autoptr(MfdDaneCheck) check = mfd_dane_check_host (resolver, anchors, cache, "contoso.test",
                                                             hosts[h], 25, TRUE, &leaf, 1, NULL);

        g_assert_cmpint (check->outcome, ==, MFD_DANE_CHECK_OK);
      }
  n_queries = mfd_lab_dns_get_n_queries (lab);
  if (cache != NULL)
    {
      guint sent;

      mfd_dnssec_cache_get_counts (cache, &sent, &n_cached);
      g_assert_cmpuint (sent, ==, n_queries);
    }
  g_test_message ("2 MX hosts x 2 addresses, %s: %u DNS questions (%u answered from the cache)",
                  with_cache ? "with the check's cache" : "without a cache", n_queries, n_cached);
  gnutls_free (leaf.data);
  ldns_rr_list_deep_free (anchors);
  mfd_dns_resolver_free (resolver);
  return n_queries;
}

static void
test_query_count (void)
{
  guint without = count_queries (FALSE);
  guint with = count_queries (TRUE);

  /* Once per check: the anchor's keys, the DS and keys of contoso.test,
   * the MX set, and per host its A set and its TLSA set. */
  g_assert_cmpuint (with, ==, 3 + 1 + 2 * 2);
  g_assert_cmpuint (with, <, without);
  g_test_message ("DNSSEC questions for 2 MX x 2 addresses: %u without the cache, %u with it", without, with);
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
      { ZONE_NO_TLSA_NSEC3, NULL, 3, 1, 1, FALSE, { NULL, }, MFD_DANE_CHECK_NOT_APPLICABLE, NULL, NULL },
      { ZONE_NO_TLSA_NO_DENIAL, NULL, 3, 1, 1, FALSE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-dnssec-bogus", "4.7.324" },
      { ZONE_NO_TLSA_FORGED, NULL, 3, 1, 1, FALSE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-dnssec-bogus", "4.7.324" },
      { ZONE_NO_DS_NSEC3, NULL, 3, 1, 1, FALSE, { NULL, }, MFD_DANE_CHECK_NOT_APPLICABLE, NULL, NULL },
      { ZONE_NO_DS_NO_DENIAL, NULL, 3, 1, 1, FALSE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-dnssec-bogus", "4.7.324" },
      { ZONE_MX_EXPIRED, NULL, 3, 1, 1, TRUE, { NULL, }, MFD_DANE_CHECK_PROBLEM, "dane-dnssec-bogus", "4.7.324" },
      /* A TLSA record that matches nothing, but DANE does not apply. */
      { ZONE_MX_INSECURE, NULL, 3, 1, 1, TRUE, { NULL, }, MFD_DANE_CHECK_NOT_APPLICABLE, NULL, NULL },
    };
    static const char *paths[] = {
      "/dane-check/ok/3-1-1", "/dane-check/4.7.321/starttls-missing", "/dane-check/4.7.322/ta-cert-expired",
      "/dane-check/4.7.323/tlsa-mismatch", "/dane-check/4.7.324/expired-rrsig",
      "/dane-check/4.7.325/ta-name-mismatch", "/dane-check/4.7.324/ds-mismatch",
      "/dane-check/not-applicable/no-ds", "/dane-check/not-applicable/no-tlsa", "/dane-check/ok/2-0-1",
      "/dane-check/not-applicable/no-tlsa-nsec3", "/dane-check/4.7.324/no-tlsa-unproven",
      "/dane-check/4.7.324/no-tlsa-forged-nsec", "/dane-check/not-applicable/no-ds-nsec3",
      "/dane-check/4.7.324/no-ds-unproven", "/dane-check/4.7.324/mx-expired-rrsig",
      "/dane-check/not-applicable/mx-insecure",
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
    for (guint i = 10; i < G_N_ELEMENTS (cases); i++)
      {
        cases[i].tlsa_cert = pki.leaf;
        cases[i].presented[0] = pki.other;
      }
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      g_test_add_data_func (paths[i], &cases[i], run_case);
  }
  g_test_add_func ("/dane-check/inconclusive/silent", test_silent);
  g_test_add_func ("/dane-check/cache/two-mx-two-addresses", test_query_count);

  return g_test_run ();
}
