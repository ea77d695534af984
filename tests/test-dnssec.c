/* test-dnssec.c — our own DNSSEC validation against zones signed at run
 * time (ldns, a new key per zone and run) and served on loopback
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "mfd-dnssec.h"
#include "mfd-lab-dns.h"
#include "mfd-lab-zone.h"

#define TIMEOUT_MS 2000
#define TLSA_NAME "_25._tcp.mail.contoso.test"
#define TLSA_LINE TLSA_NAME ". 300 IN TLSA 3 1 1 " \
  "0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"

/* How the test zones are set up: "test" is the anchor's zone, with
 * "contoso.test" delegated below it. */
typedef enum
{
  SETUP_SECURE,
  SETUP_TLSA_EXPIRED,     /* the TLSA set's RRSIG expired an hour ago */
  SETUP_TLSA_UNSIGNED,    /* the TLSA set has no RRSIG */
  SETUP_DS_MISMATCH,      /* the DS in "test" is that of another key */
  SETUP_NO_DS,            /* "contoso.test" is not signed: no DS in "test" */
  SETUP_NO_TLSA,          /* signed, but no TLSA at the name (NSEC proves it) */
  SETUP_NO_TLSA_NSEC3,    /* the same, proven by NSEC3 */
  SETUP_NO_TLSA_NO_DENIAL, /* the same, with no NSEC/NSEC3 at all */
  SETUP_NO_TLSA_FORGED,   /* the same, with NSEC records changed after signing */
  SETUP_NO_DS_NSEC3,      /* "contoso.test" not signed, "test" proves it with NSEC3 */
  SETUP_NO_DS_OPT_OUT,    /* the same, with an NSEC3 opt-out span over the delegation */
  SETUP_NO_DS_NO_DENIAL,  /* "contoso.test" not signed, "test" proves nothing */
} Setup;

static gboolean
is_unsigned (Setup setup)
{
  return setup == SETUP_NO_DS || setup == SETUP_NO_DS_NSEC3 || setup == SETUP_NO_DS_NO_DENIAL ||
         setup == SETUP_NO_DS_OPT_OUT;
}

static gboolean
lacks_tlsa (Setup setup)
{
  return setup == SETUP_NO_TLSA || setup == SETUP_NO_TLSA_NSEC3 || setup == SETUP_NO_TLSA_NO_DENIAL ||
         setup == SETUP_NO_TLSA_FORGED;
}

typedef struct
{
  MfdLabDns      *lab;
  MfdDnsResolver *resolver;
  MfdLabZone     *parent;
  MfdLabZone     *child;
  ldns_rr_list   *anchors;
} Fixture;

static void
serve_child (Fixture *fixture,
             Setup    setup)
{
  const char *a[] = { "mail.contoso.test. 300 IN A 127.0.0.1", NULL };
  const char *tlsa[] = { TLSA_LINE, NULL };
  gboolean sign = !is_unsigned (setup);

  if (setup == SETUP_NO_TLSA_NSEC3)
    mfd_lab_zone_set_denial (fixture->child, MFD_LAB_ZONE_DENIAL_NSEC3);
  else if (setup == SETUP_NO_TLSA_NO_DENIAL)
    mfd_lab_zone_set_denial (fixture->child, MFD_LAB_ZONE_DENIAL_NONE);
  else if (setup == SETUP_NO_TLSA_FORGED)
    mfd_lab_zone_set_denial (fixture->child, MFD_LAB_ZONE_DENIAL_NSEC_FORGED);
  if (sign)
    g_assert_true (mfd_lab_zone_serve_apex (fixture->child, fixture->lab));
  g_assert_true (mfd_lab_zone_serve (fixture->child, fixture->lab, sign, a));
  if (lacks_tlsa (setup))
    return;
  if (setup == SETUP_TLSA_EXPIRED)
    mfd_lab_zone_set_validity (fixture->child, -86400, -3600);
  g_assert_true (mfd_lab_zone_serve (fixture->child, fixture->lab,
                                     sign && setup != SETUP_TLSA_UNSIGNED, tlsa));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  Setup setup = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;

  fixture->lab = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_assert_no_error (error);
  fixture->resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (fixture->lab), TIMEOUT_MS, &error);
  g_assert_no_error (error);

  fixture->parent = mfd_lab_zone_new ("test");
  fixture->child = mfd_lab_zone_new ("contoso.test");
  g_assert_nonnull (fixture->parent);
  g_assert_nonnull (fixture->child);
  if (setup == SETUP_NO_DS_NSEC3)
    mfd_lab_zone_set_denial (fixture->parent, MFD_LAB_ZONE_DENIAL_NSEC3);
  else if (setup == SETUP_NO_DS_NO_DENIAL)
    mfd_lab_zone_set_denial (fixture->parent, MFD_LAB_ZONE_DENIAL_NONE);
  else if (setup == SETUP_NO_DS_OPT_OUT)
    mfd_lab_zone_set_denial (fixture->parent, MFD_LAB_ZONE_DENIAL_NSEC3_OPT_OUT);
  g_assert_true (mfd_lab_zone_serve_apex (fixture->parent, fixture->lab));

  if (setup == SETUP_DS_MISMATCH)
    {
      g_autoptr(MfdLabZone) other = mfd_lab_zone_new ("contoso.test");

      g_assert_true (mfd_lab_zone_serve_ds (fixture->parent, fixture->lab, other));
    }
  else if (!is_unsigned (setup))
    g_assert_true (mfd_lab_zone_serve_ds (fixture->parent, fixture->lab, fixture->child));
  else
    g_assert_true (mfd_lab_zone_serve_delegation (fixture->parent, fixture->lab, "contoso.test"));

  if (is_unsigned (setup))
    {
      /* An unsigned zone: its SOA and records, nothing else. */
      g_autofree char *soa = g_strdup ("contoso.test. 3600 IN SOA ns.contoso.test. "
                                       "hostmaster.contoso.test. 1 3600 600 86400 300");
      const char *soa_lines[] = { soa, NULL };

      g_assert_true (mfd_lab_zone_serve (fixture->child, fixture->lab, FALSE, soa_lines));
    }
  serve_child (fixture, setup);

  fixture->anchors = ldns_rr_list_new ();
  ldns_rr_list_push_rr (fixture->anchors, mfd_lab_zone_make_ds (fixture->parent));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->anchors, ldns_rr_list_deep_free);
  g_clear_pointer (&fixture->child, mfd_lab_zone_free);
  g_clear_pointer (&fixture->parent, mfd_lab_zone_free);
  g_clear_pointer (&fixture->resolver, mfd_dns_resolver_free);
  g_clear_pointer (&fixture->lab, mfd_lab_dns_free);
}

static MfdDnssecResult *
lookup_tlsa (Fixture *fixture)
{
  MfdDnssecResult *result = mfd_dnssec_lookup (fixture->resolver, fixture->anchors, TLSA_NAME,
                                               LDNS_RR_TYPE_TLSA, NULL);

  g_test_message ("%s: %s (%s)", mfd_dnssec_status_to_string (result->status),
                  result->detail, mfd_dnssec_failure_to_string (result->failure));
  return result;
}

static void
test_secure (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);
  g_autofree char *text = NULL;

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_SECURE);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_NONE);
  g_assert_cmpstr (result->zone, ==, "contoso.test");
  g_assert_cmpint (result->rcode, ==, LDNS_RCODE_NOERROR);
  g_assert_cmpuint (ldns_rr_list_rr_count (result->answer), ==, 1);
  text = ldns_rr2str (ldns_rr_list_rr (result->answer, 0));
  g_assert_nonnull (strstr (text, "TLSA\t3 1 1 0c72ac70"));
  /* Answer, anchor DNSKEY, DS and DNSKEY of the child: nothing more. */
  g_assert_cmpuint (result->n_queries, ==, 4);
}

static void
test_secure_address (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result =
    mfd_dnssec_lookup (fixture->resolver, fixture->anchors, "MAIL.contoso.test.", LDNS_RR_TYPE_A, NULL);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_SECURE);
  g_assert_cmpuint (ldns_rr_list_rr_count (result->answer), ==, 1);
}

static void
test_no_tlsa (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  /* The signed SOA of the negative answer checks out. */
  g_assert_cmpint (result->status, ==, MFD_DNSSEC_SECURE);
  g_assert_cmpint (result->rcode, ==, LDNS_RCODE_NXDOMAIN);
  g_assert_cmpuint (ldns_rr_list_rr_count (result->answer), ==, 0);
  g_assert_cmpstr (result->zone, ==, "contoso.test");
}

/* Proven by NSEC3 this time; the name does not exist at all. */
static void
test_no_tlsa_nsec3 (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_SECURE);
  g_assert_cmpint (result->rcode, ==, LDNS_RCODE_NXDOMAIN);
  g_assert_cmpuint (ldns_rr_list_rr_count (result->answer), ==, 0);
  g_assert_nonnull (strstr (result->detail, "proven"));
}

/* NODATA: the name exists, the type does not (the NSEC at the name). */
static void
test_no_aaaa (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result =
    mfd_dnssec_lookup (fixture->resolver, fixture->anchors, "mail.contoso.test", LDNS_RR_TYPE_AAAA, NULL);

  g_test_message ("%s", result->detail);
  g_assert_cmpint (result->status, ==, MFD_DNSSEC_SECURE);
  g_assert_cmpint (result->rcode, ==, LDNS_RCODE_NOERROR);
  g_assert_cmpuint (ldns_rr_list_rr_count (result->answer), ==, 0);
}

/* A signed SOA alone does not prove "no TLSA": that is how an attacker
 * would strip the records. */
static void
test_no_denial (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_BOGUS);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_DENIAL_MISSING);
  g_assert_cmpstr (result->zone, ==, "contoso.test");
  g_assert_cmpstr (result->rrset, ==, TLSA_NAME "/TLSA");
  g_assert_nonnull (strstr (result->detail, "denial-missing"));
}

static void
test_forged_denial (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_BOGUS);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_SIGNATURE_INVALID);
  g_assert_cmpstr (result->zone, ==, "contoso.test");
  g_assert_true (g_str_has_suffix (result->rrset, "/NSEC"));
}

/* "test" says contoso.test has no DS, but nothing proves it. */
static void
test_no_ds_unproven (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_BOGUS);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_DENIAL_MISSING);
  g_assert_cmpstr (result->zone, ==, "test");
  g_assert_cmpstr (result->rrset, ==, "contoso.test/DS");
}

/* Valid, signed NSEC/NSEC3 records that prove something else: the
 * negative answer for mail.contoso.test/AAAA does not prove that the name
 * has no A record (its bitmap says it has). */
static void
test_not_proven (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *error = NULL;
  g_autofree char *why = NULL;
  ldns_pkt *pkt = mfd_dns_resolver_query_dnssec (fixture->resolver, "mail.contoso.test", LDNS_RR_TYPE_AAAA,
                                                 NULL, &error);
  ldns_rr_list *keys = ldns_rr_list_new ();
  MfdDnssecFailure failure;

  g_assert_nonnull (pkt);
  ldns_rr_list_push_rr (keys, ldns_rr_clone (mfd_lab_zone_get_dnskey (fixture->child)));
  g_assert_true (mfd_dnssec_prove_denial (pkt, "mail.contoso.test", LDNS_RR_TYPE_AAAA, "contoso.test", keys,
                                          time (NULL), &failure, NULL));
  g_assert_cmpint (failure, ==, MFD_DNSSEC_FAILURE_NONE);
  g_assert_false (mfd_dnssec_prove_denial (pkt, "mail.contoso.test", LDNS_RR_TYPE_A, "contoso.test", keys,
                                           time (NULL), &failure, &why));
  g_assert_cmpint (failure, ==, MFD_DNSSEC_FAILURE_DENIAL_NOT_PROVEN);
  g_assert_nonnull (strstr (why, "denial-not-proven"));
  g_assert_cmpint (mfd_dnssec_judge_denial (pkt, "mail.contoso.test", LDNS_RR_TYPE_A, "contoso.test"), !=,
                   LDNS_STATUS_OK);
  /* Records of another zone prove nothing here. */
  g_assert_false (mfd_dnssec_prove_denial (pkt, "mail.contoso.test", LDNS_RR_TYPE_AAAA, "fabrikam.test", keys,
                                           time (NULL), &failure, NULL));
  g_assert_cmpint (failure, ==, MFD_DNSSEC_FAILURE_DENIAL_MISSING);
  ldns_rr_list_deep_free (keys);
  ldns_pkt_free (pkt);
}

/* The second lookup of a check asks nothing it was already told. */
static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(MfdDnssecCache) cache = mfd_dnssec_cache_new ();
  g_autoptr(MfdDnssecResult) first = NULL;
  g_autoptr(MfdDnssecResult) again = NULL;
  g_autoptr(MfdDnssecResult) address = NULL;
  guint n_queries, n_cached;

  first = mfd_dnssec_lookup_cached (fixture->resolver, fixture->anchors, TLSA_NAME, LDNS_RR_TYPE_TLSA,
                                    cache, NULL);
  g_assert_cmpint (first->status, ==, MFD_DNSSEC_SECURE);
  g_assert_cmpuint (first->n_queries, ==, 4);
  again = mfd_dnssec_lookup_cached (fixture->resolver, fixture->anchors, TLSA_NAME, LDNS_RR_TYPE_TLSA,
                                    cache, NULL);
  g_assert_cmpint (again->status, ==, MFD_DNSSEC_SECURE);
  g_assert_cmpuint (again->n_queries, ==, 0);
  /* The answer from the cache, the keys of contoso.test validated once. */
  g_assert_cmpuint (again->n_cached, ==, 1);
  address = mfd_dnssec_lookup_cached (fixture->resolver, fixture->anchors, "mail.contoso.test",
                                      LDNS_RR_TYPE_A, cache, NULL);
  g_assert_cmpint (address->status, ==, MFD_DNSSEC_SECURE);
  g_assert_cmpuint (address->n_queries, ==, 1);
  mfd_dnssec_cache_get_counts (cache, &n_queries, &n_cached);
  g_assert_cmpuint (n_queries, ==, 5);
  g_assert_cmpuint (n_cached, ==, 1);
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->lab), ==, 5);
}

static void
test_expired (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_BOGUS);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_SIGNATURE_EXPIRED);
  g_assert_cmpstr (result->zone, ==, "contoso.test");
  g_assert_cmpstr (result->rrset, ==, TLSA_NAME "/TLSA");
  g_assert_nonnull (strstr (result->detail, "signature-expired"));
  /* What the resolver said is still there to show, unproven. */
  g_assert_cmpuint (ldns_rr_list_rr_count (result->answer), ==, 1);
}

static void
test_unsigned (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_BOGUS);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_SIGNATURE_MISSING);
  g_assert_cmpstr (result->zone, ==, "contoso.test");
  g_assert_cmpstr (result->rrset, ==, TLSA_NAME "/TLSA");
}

static void
test_ds_mismatch (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_BOGUS);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_DS_MISMATCH);
  g_assert_cmpstr (result->zone, ==, "contoso.test");
  g_assert_cmpstr (result->rrset, ==, "contoso.test/DNSKEY");
}

static void
test_no_ds (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = lookup_tlsa (fixture);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_INSECURE);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_NONE);
  g_assert_cmpstr (result->zone, ==, "contoso.test");
  g_assert_cmpuint (ldns_rr_list_rr_count (result->answer), ==, 1);
}

static void
test_anchor_mismatch (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(MfdLabZone) stranger = mfd_lab_zone_new ("test");
  g_autoptr(MfdDnssecResult) result = NULL;

  ldns_rr_list_deep_free (fixture->anchors);
  fixture->anchors = ldns_rr_list_new ();
  ldns_rr_list_push_rr (fixture->anchors, mfd_lab_zone_make_ds (stranger));

  result = lookup_tlsa (fixture);
  g_assert_cmpint (result->status, ==, MFD_DNSSEC_BOGUS);
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_ANCHOR_MISMATCH);
  g_assert_cmpstr (result->zone, ==, "test");
}

static void
test_dnskey_anchor (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result = NULL;

  /* The anchor as the DNSKEY itself rather than its DS. */
  ldns_rr_list_deep_free (fixture->anchors);
  fixture->anchors = ldns_rr_list_new ();
  ldns_rr_list_push_rr (fixture->anchors, ldns_rr_clone (mfd_lab_zone_get_dnskey (fixture->parent)));

  result = lookup_tlsa (fixture);
  g_assert_cmpint (result->status, ==, MFD_DNSSEC_SECURE);
}

static void
test_unsigned_resolver (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabDns) lab = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_autoptr(MfdLabZone) zone = mfd_lab_zone_new ("test");
  g_autoptr(MfdDnssecResult) result = NULL;
  ldns_rr_list *anchors = ldns_rr_list_new ();
  MfdDnsResolver *resolver;

  /* A resolver that knows the names but passes no DNSSEC record on: that
   * is no verdict on the zone. */
  g_assert_no_error (error);
  mfd_lab_dns_add_record (lab, "mail.contoso.test", "A", "127.0.0.1", 300);
  resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (lab), TIMEOUT_MS, &error);
  g_assert_no_error (error);
  ldns_rr_list_push_rr (anchors, mfd_lab_zone_make_ds (zone));
  result = mfd_dnssec_lookup (resolver, anchors, "mail.contoso.test", LDNS_RR_TYPE_A, NULL);
  g_assert_cmpint (result->status, ==, MFD_DNSSEC_INDETERMINATE);
  g_assert_nonnull (strstr (result->detail, "does not pass DNSSEC records on"));
  /* Told apart from a resolver that did not answer: DANE then reports the
   * step as not checked from here (mfd-dane-check.c). */
  g_assert_cmpint (result->failure, ==, MFD_DNSSEC_FAILURE_RESOLVER_WITHOUT_DNSSEC);
  g_assert_cmpuint (ldns_rr_list_rr_count (result->answer), ==, 1);
  ldns_rr_list_deep_free (anchors);
  mfd_dns_resolver_free (resolver);
}

static void
test_no_anchor (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(MfdDnssecResult) result =
    mfd_dnssec_lookup (fixture->resolver, fixture->anchors, "mail.fabrikam.example", LDNS_RR_TYPE_A, NULL);

  g_assert_cmpint (result->status, ==, MFD_DNSSEC_INDETERMINATE);
  g_assert_cmpuint (result->n_queries, ==, 0);
  g_assert_nonnull (strstr (result->detail, "No trust anchor"));
}

static void
test_silent (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MfdDnssecResult) result = NULL;
  gint64 start;

  mfd_lab_dns_set_mode (fixture->lab, NULL, MFD_LAB_DNS_MODE_SILENT);
  start = g_get_monotonic_time ();
  result = mfd_dnssec_lookup (fixture->resolver, fixture->anchors, TLSA_NAME, LDNS_RR_TYPE_TLSA, NULL);
  g_assert_cmpint (result->status, ==, MFD_DNSSEC_INDETERMINATE);
  g_assert_nonnull (strstr (result->detail, "no reply in time"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, (TIMEOUT_MS + 1000) * 1000);
  g_clear_pointer (&result, mfd_dnssec_result_free);

  /* Cancelled before it starts: no wait at all. */
  g_cancellable_cancel (cancellable);
  start = g_get_monotonic_time ();
  result = mfd_dnssec_lookup (fixture->resolver, fixture->anchors, TLSA_NAME, LDNS_RR_TYPE_TLSA,
                              cancellable);
  g_assert_cmpint (result->status, ==, MFD_DNSSEC_INDETERMINATE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 500 * 1000);
}

static void
test_anchor_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabZone) zone = mfd_lab_zone_new ("test");
  g_autofree char *dir = g_dir_make_tmp ("mfd-dnssec-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "anchor", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk", NULL);
  g_autofree char *text = NULL;
  g_autofree char *ds_text = NULL;
  g_autofree char *key_text = NULL;
  ldns_rr *ds = mfd_lab_zone_make_ds (zone);
  ldns_rr_list *anchors;

  g_assert_no_error (error);
  ds_text = ldns_rr2str (ds);
  key_text = ldns_rr2str (mfd_lab_zone_get_dnskey (zone));
  ldns_rr_free (ds);
  g_assert_true (mfd_lab_zone_write_anchor (zone, path, &error));
  g_assert_no_error (error);
  /* Comments, an unrelated record and a DNSKEY next to the DS. */
  text = g_strdup_printf ("; our own anchor\n%stest. 300 IN A 127.0.0.1\n%s", ds_text, key_text);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  anchors = mfd_dnssec_read_anchors (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ldns_rr_list_rr_count (anchors), ==, 2);
  ldns_rr_list_deep_free (anchors);

  g_assert_true (g_file_set_contents (junk, "; nothing here\nexample. 300 IN A 127.0.0.1\n", -1, &error));
  g_assert_null (mfd_dnssec_read_anchors (junk, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_clear_error (&error);

  g_assert_null (mfd_dnssec_read_anchors ("/nonexistent/anchor", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  /* Where the root's anchor is looked for: Debian's dns-root-data, or
   * the copy the Flatpak installs under /app. */
  g_assert_cmpstr (MFD_DNSSEC_FLATPAK_ANCHOR_KEY, ==, "/app/share/dns/root.key");
  g_assert_true (g_str_equal (mfd_dnssec_root_anchor_file (), MFD_DNSSEC_ROOT_ANCHOR_KEY) ||
                 g_str_equal (mfd_dnssec_root_anchor_file (), MFD_DNSSEC_ROOT_ANCHOR_DS) ||
                 g_str_has_prefix (mfd_dnssec_root_anchor_file (), "/app/share/dns/"));

  /* The root's, from dns-root-data (./dev installs it). */
  anchors = mfd_dnssec_read_anchors (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ldns_rr_list_rr_count (anchors), >=, 1);
  g_assert_cmpuint (ldns_dname_label_count (ldns_rr_owner (ldns_rr_list_rr (anchors, 0))), ==, 0);
  ldns_rr_list_deep_free (anchors);

  g_unlink (path);
  g_unlink (junk);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, setup, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (setup), fixture_set_up, func, fixture_tear_down)

  ADD ("/dnssec/secure", SETUP_SECURE, test_secure);
  ADD ("/dnssec/secure-address", SETUP_SECURE, test_secure_address);
  ADD ("/dnssec/secure-no-tlsa", SETUP_NO_TLSA, test_no_tlsa);
  ADD ("/dnssec/dnskey-anchor", SETUP_SECURE, test_dnskey_anchor);
  ADD ("/dnssec/bogus/expired-rrsig", SETUP_TLSA_EXPIRED, test_expired);
  ADD ("/dnssec/bogus/missing-rrsig", SETUP_TLSA_UNSIGNED, test_unsigned);
  ADD ("/dnssec/bogus/ds-mismatch", SETUP_DS_MISMATCH, test_ds_mismatch);
  ADD ("/dnssec/bogus/anchor-mismatch", SETUP_SECURE, test_anchor_mismatch);
  ADD ("/dnssec/insecure/no-ds", SETUP_NO_DS, test_no_ds);
  ADD ("/dnssec/insecure/no-ds-nsec3", SETUP_NO_DS_NSEC3, test_no_ds);
  ADD ("/dnssec/insecure/no-ds-nsec3-opt-out", SETUP_NO_DS_OPT_OUT, test_no_ds);
  ADD ("/dnssec/secure-no-tlsa-nsec3", SETUP_NO_TLSA_NSEC3, test_no_tlsa_nsec3);
  ADD ("/dnssec/secure-no-aaaa-nsec", SETUP_SECURE, test_no_aaaa);
  ADD ("/dnssec/secure-no-aaaa-nsec3", SETUP_NO_TLSA_NSEC3, test_no_aaaa);
  ADD ("/dnssec/bogus/no-tlsa-unproven", SETUP_NO_TLSA_NO_DENIAL, test_no_denial);
  ADD ("/dnssec/bogus/no-tlsa-forged-nsec", SETUP_NO_TLSA_FORGED, test_forged_denial);
  ADD ("/dnssec/bogus/no-ds-unproven", SETUP_NO_DS_NO_DENIAL, test_no_ds_unproven);
  ADD ("/dnssec/cache", SETUP_SECURE, test_cache);
  ADD ("/dnssec/bogus/not-proven-nsec", SETUP_SECURE, test_not_proven);
  ADD ("/dnssec/bogus/not-proven-nsec3", SETUP_NO_TLSA_NSEC3, test_not_proven);
  ADD ("/dnssec/indeterminate/no-anchor", SETUP_SECURE, test_no_anchor);
  ADD ("/dnssec/indeterminate/silent", SETUP_SECURE, test_silent);
  g_test_add_func ("/dnssec/anchor-file", test_anchor_file);
  g_test_add_func ("/dnssec/indeterminate/resolver-without-dnssec", test_unsigned_resolver);

  return g_test_run ();
}
