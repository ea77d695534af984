/* test-cli-dane.c — `mail-flow-doctor check --mx` with DANE, through the
 * real binary: a zone signed at run time served on loopback, the trust
 * anchor handed over with --trust-anchor, and a real SMTP server with
 * STARTTLS presenting chains made at run time. Each of EOP's DANE codes
 * (4.7.321–4.7.325) comes out of it, and a correctly pinned host gives no
 * DANE finding.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mfd/mfd.h"
#include "mfd-dane.h"
#include "mfd-lab-dns.h"
#include "mfd-lab-zone.h"
#include "mfd-test-ca.h"
#include "mfd-test-cli.h"

#define DOMAIN "contoso.test"
#define MX "mail.contoso.test"

static char *dir;

static MfdTestDanePki pki;
static char *leaf_key_pem, *other_key_pem;

typedef enum
{
  ZONE_SIGNED,
  ZONE_TLSA_EXPIRED,
  ZONE_NO_DS,
  ZONE_NO_TLSA_NSEC3,    /* no TLSA, proven by NSEC3 */
  ZONE_NO_TLSA_FORGED,   /* no TLSA, "proven" by NSEC records changed after signing */
} ZoneSetup;

typedef struct
{
  const char        *path;
  ZoneSetup          zone;
  int                tlsa_cert;      /* 0 leaf, 1 intermediate, 2 other */
  guint8             usage, selector, matching;
  gboolean           no_starttls;
  int                presented;      /* 0 leaf, 1 expired leaf, 2 leaf for another name, 3 other */
  const char        *cause;          /* the DANE finding expected, NULL: none */
  const char        *dnssec;         /* said in the DANE step's detail */
  const char        *ja_title;       /* the finding's title in the Japanese text report */
} Case;

static const Case cases[] = {
  { "/cli/dane/ok-3-1-1", ZONE_SIGNED, 0, 3, 1, 1, FALSE, 0, NULL, "DANE-EE: the server certificate matches" },
  { "/cli/dane/ok-2-0-1", ZONE_SIGNED, 1, 2, 0, 1, FALSE, 0, NULL, "DANE-TA: certificate 1 of the chain" },
  { "/cli/dane/4.7.321-starttls-missing", ZONE_SIGNED, 0, 3, 1, 1, TRUE, 0, "dane-starttls-missing", "did not offer STARTTLS" },
  { "/cli/dane/4.7.322-cert-expired", ZONE_SIGNED, 1, 2, 0, 1, FALSE, 1, "dane-cert-expired", "expired" },
  { "/cli/dane/4.7.323-tlsa-mismatch", ZONE_SIGNED, 0, 3, 1, 1, FALSE, 3, "dane-tlsa-mismatch", "No TLSA record matches" },
  { "/cli/dane/4.7.324-expired-rrsig", ZONE_TLSA_EXPIRED, 0, 3, 1, 1, FALSE, 0, "dane-dnssec-bogus", "signature-expired",
    "DANE: DNSSEC の署名を検証できません" },
  { "/cli/dane/4.7.325-name-mismatch", ZONE_SIGNED, 1, 2, 0, 1, FALSE, 2, "dane-name-mismatch", "not for " MX },
  { "/cli/dane/insecure-no-finding", ZONE_NO_DS, 0, 3, 1, 1, TRUE, 0, NULL, "not DNSSEC-signed" },
  { "/cli/dane/no-tlsa-nsec3-no-finding", ZONE_NO_TLSA_NSEC3, 0, 3, 1, 1, TRUE, 0, NULL, "No TLSA record at" },
  { "/cli/dane/4.7.324-forged-denial", ZONE_NO_TLSA_FORGED, 0, 3, 1, 1, TRUE, 0, "dane-dnssec-bogus", "/NSEC" },
};

static void
pki_init (void)
{
  mfd_test_dane_pki_init (&pki, MX);
  leaf_key_pem = mfd_test_key_to_pem (pki.leaf_key);
  other_key_pem = mfd_test_key_to_pem (pki.other_key);
}

static JsonObject *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  gnutls_x509_crt_t pinned_crt = c->tlsa_cert == 0 ? pki.leaf : c->tlsa_cert == 1 ? pki.inter : pki.other;
  gnutls_x509_crt_t leaf = c->presented == 0 ? pki.leaf : c->presented == 1 ? pki.leaf_expired
                         : c->presented == 2 ? pki.leaf_other_name : pki.other;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) smtp = NULL;
  g_autoptr(MfdLabDns) dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_autoptr(MfdLabZone) parent = mfd_lab_zone_new ("test");
  g_autoptr(MfdLabZone) child = mfd_lab_zone_new (DOMAIN);
  g_autoptr(JsonObject) root = NULL;
  g_auto(MfdTestRun) run = { NULL };
  g_autofree char *anchor = g_build_filename (dir, "anchor.ds", NULL);
  g_autofree char *port = NULL;
  gboolean sign = c->zone != ZONE_NO_DS;
  JsonArray *findings, *observations;
  JsonObject *dane = NULL;
  JsonObject *dane_finding = NULL;

  g_assert_no_error (error);
  if (c->no_starttls)
    smtp = mfd_lab_new (MFD_LAB_NO_STARTTLS, &error);
  else
    {
      g_autofree char *leaf_pem = mfd_test_cert_to_pem (leaf);
      g_autofree char *inter_pem = mfd_test_cert_to_pem (pki.inter);
      g_autofree char *chain = g_strconcat (leaf_pem, inter_pem, NULL);

      smtp = mfd_lab_new_with_certificate (chain, leaf == pki.other ? other_key_pem : leaf_key_pem,
                                           &error);
    }
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", mfd_lab_get_smtp_port (smtp));

  /* "test" holds the anchor and delegates contoso.test, signed or not. */
  if (c->zone == ZONE_NO_TLSA_NSEC3)
    mfd_lab_zone_set_denial (child, MFD_LAB_ZONE_DENIAL_NSEC3);
  else if (c->zone == ZONE_NO_TLSA_FORGED)
    mfd_lab_zone_set_denial (child, MFD_LAB_ZONE_DENIAL_NSEC_FORGED);
  g_assert_true (mfd_lab_zone_serve_apex (parent, dns));
  if (sign)
    {
      g_assert_true (mfd_lab_zone_serve_ds (parent, dns, child));
      g_assert_true (mfd_lab_zone_serve_apex (child, dns));
    }
  else
    {
      const char *soa[] = { DOMAIN ". 3600 IN SOA ns." DOMAIN ". hostmaster." DOMAIN ". 1 3600 600 86400 300", NULL };

      g_assert_true (mfd_lab_zone_serve_delegation (parent, dns, DOMAIN));
      g_assert_true (mfd_lab_zone_serve (child, dns, FALSE, soa));
    }
  {
    const char *mx[] = { DOMAIN ". 300 IN MX 10 " MX ".", NULL };
    const char *a[] = { MX ". 300 IN A 127.0.0.1", NULL };
    gnutls_datum_t der = { NULL, 0 };
    MfdTlsaRecord *record;
    g_autofree char *rdata = NULL;
    g_autofree char *line = NULL;
    const char *tlsa[] = { NULL, NULL };

    g_assert_cmpint (gnutls_x509_crt_export2 (pinned_crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
    record = mfd_dane_record_for_cert (&der, c->usage, c->selector, c->matching);
    rdata = mfd_tlsa_record_to_string (record, FALSE);
    line = g_strdup_printf ("_%s._tcp." MX ". 300 IN TLSA %s", port, rdata);
    tlsa[0] = line;
    mfd_tlsa_record_free (record);
    gnutls_free (der.data);

    g_assert_true (mfd_lab_zone_serve (child, dns, sign, mx));
    g_assert_true (mfd_lab_zone_serve (child, dns, sign, a));
    if (c->zone == ZONE_TLSA_EXPIRED)
      mfd_lab_zone_set_validity (child, -86400, -3600);
    if (c->zone != ZONE_NO_TLSA_NSEC3 && c->zone != ZONE_NO_TLSA_FORGED)
      g_assert_true (mfd_lab_zone_serve (child, dns, sign, tlsa));
  }
  g_assert_true (mfd_lab_zone_write_anchor (parent, anchor, &error));
  g_assert_no_error (error);

  mfd_test_cli_run_va (&run, "check", dir, "--mx", DOMAIN, "--port", port,
                       "--dns-server", mfd_lab_dns_get_server (dns), "--trust-anchor", anchor,
                       "--ca-file", mfd_lab_get_ca_file (smtp), "--offline", "--timeout", "3",
                       "--json", NULL);
  g_test_message ("stderr: %s", run.err);
  root = parse_json (run.out);

  observations = json_object_get_array_member (root, "observations");
  for (guint i = 0; i < json_array_get_length (observations); i++)
    {
      JsonObject *o = json_array_get_object_element (observations, i);

      if (g_str_equal (json_object_get_string_member (o, "stage"), "dane"))
        {
          g_assert_null (dane);   /* one address, one DANE step */
          dane = o;
        }
    }
  g_assert_nonnull (dane);
  g_assert_cmpstr (json_object_get_string_member (dane, "host"), ==, MX);
  {
    const char *detail = json_object_get_string_member (dane, "detail");

    g_test_message ("dane: %s", detail);
    g_assert_nonnull (strstr (detail, c->dnssec));
    if (c->cause != NULL)
      {
        g_assert_nonnull (strstr (detail, c->cause));
        g_assert_nonnull (strstr (detail, mfd_remedy_code_for_cause (c->cause)));
        g_assert_cmpstr (json_object_get_string_member (dane, "cause"), ==, c->cause);
      }
  }

  findings = json_object_get_array_member (root, "findings");
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *f = json_array_get_object_element (findings, i);

      if (g_str_has_prefix (json_object_get_string_member (f, "cause"), "dane-"))
        {
          g_assert_null (dane_finding);
          dane_finding = f;
        }
    }

  if (c->cause == NULL)
    {
      g_assert_null (dane_finding);
      g_assert_cmpstr (json_object_get_string_member (dane, "outcome"), ==, "ok");
    }
  else
    {
      g_assert_nonnull (dane_finding);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "problem");
      g_assert_cmpstr (json_object_get_string_member (dane, "outcome"), ==, "fail");
      g_assert_cmpstr (json_object_get_string_member (dane_finding, "cause"), ==, c->cause);
      g_assert_cmpstr (json_object_get_string_member (dane_finding, "code"), ==,
                       mfd_remedy_code_for_cause (c->cause));
      g_assert_cmpint (json_object_get_int_member (dane_finding, "reply"), ==, 450);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (dane_finding, "steps")), >=, 3);
    }

  /* The same check as a text report in Japanese: the finding's title,
   * its code and its numbered steps come from the catalogue. */
  if (c->ja_title != NULL)
    {
      g_auto(MfdTestRun) ja = { NULL };

      mfd_test_cli_run_va (&ja, "check", dir, "--mx", DOMAIN, "--port", port,
                           "--dns-server", mfd_lab_dns_get_server (dns), "--trust-anchor", anchor,
                           "--ca-file", mfd_lab_get_ca_file (smtp), "--offline", "--timeout", "3",
                           "--lang", "ja", NULL);
      g_test_message ("%s", ja.out);
      g_assert_cmpint (ja.status, ==, 1);
      g_assert_nonnull (strstr (ja.out, c->ja_title));
      g_assert_nonnull (strstr (ja.out, mfd_remedy_code_for_cause (c->cause)));
      g_assert_nonnull (strstr (ja.out, "ゾーンに署名し直し"));
      g_assert_nonnull (strstr (ja.out, "  1. "));
    }
  if (c->ja_title != NULL)
    {
      g_auto(MfdTestRun) en = { NULL };

      mfd_test_cli_run_va (&en, "check", dir, "--mx", DOMAIN, "--port", port,
                           "--dns-server", mfd_lab_dns_get_server (dns), "--trust-anchor", anchor,
                           "--ca-file", mfd_lab_get_ca_file (smtp), "--offline", "--timeout", "3",
                           "--lang", "en", NULL);
      g_test_message ("%s", en.out);
      g_assert_cmpint (en.status, ==, 1);
      g_assert_nonnull (strstr (en.out, "DANE: the DNSSEC signatures do not validate"));
      g_assert_nonnull (strstr (en.out, "Have the zone signed again"));
    }

  g_unlink (anchor);
}

/* The practice scenarios of the window's Practice page, through
 * `check --practice ID`: each ends in the code EOP would give. */
typedef struct
{
  const char *path;
  const char *id;
  const char *cause;    /* the first finding, NULL: no finding at all */
  const char *code;
} PracticeCase;

static const PracticeCase practice_cases[] = {
  { "/cli/dane/practice/dane-ok", "dane-ok", NULL, NULL },
  { "/cli/dane/practice/dane-no-starttls", "dane-no-starttls", "dane-starttls-missing", "4.7.321" },
  { "/cli/dane/practice/dane-cert-expired", "dane-cert-expired", "dane-cert-expired", "4.7.322" },
  { "/cli/dane/practice/dane-tlsa-mismatch", "dane-tlsa-mismatch", "dane-tlsa-mismatch", "4.7.323" },
  { "/cli/dane/practice/dane-dnssec-expired", "dane-dnssec-expired", "dane-dnssec-bogus", "4.7.324" },
  { "/cli/dane/practice/dane-name-mismatch", "dane-name-mismatch", "dane-name-mismatch", "4.7.325" },
};

static void
test_practice (gconstpointer data)
{
  const PracticeCase *c = data;
  g_auto(MfdTestRun) run = { NULL };
  g_autoptr(JsonObject) root = NULL;
  JsonArray *findings;
  MfdLabScenario scenario;

  /* The lab's table says the same. */
  g_assert_true (mfd_lab_scenario_from_id (c->id, &scenario));
  g_assert_cmpstr (mfd_lab_scenario_get_cause (scenario), ==, c->cause);

  mfd_test_cli_run_va (&run, "check", dir, "--practice", c->id, "--json", NULL);
  g_test_message ("stderr: %s", run.err);
  root = parse_json (run.out);
  findings = json_object_get_array_member (root, "findings");
  if (c->cause == NULL)
    {
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "ok");
      g_assert_cmpuint (json_array_get_length (findings), ==, 0);
    }
  else
    {
      JsonObject *first;

      g_assert_cmpint (run.status, ==, 1);
      g_assert_cmpuint (json_array_get_length (findings), >, 0);
      first = json_array_get_object_element (findings, 0);
      g_assert_cmpstr (json_object_get_string_member (first, "cause"), ==, c->cause);
      g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, c->code);
      g_assert_cmpstr (mfd_remedy_code_for_cause (c->cause), ==, c->code);
      g_assert_false (json_object_get_boolean_member (first, "warning"));
    }
}

/* The lab owns its trust anchor: written when it starts, gone when it
 * stops; scenarios without DNSSEC have none. */
static void
test_practice_anchor (void)
{
  g_autoptr(GError) error = NULL;
  MfdLab *lab = mfd_lab_new (MFD_LAB_DANE_OK, &error);
  g_autoptr(MfdLab) plain = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autofree char *anchor = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(MfdTarget) target = NULL;

  g_assert_no_error (error);
  anchor = g_strdup (mfd_lab_get_trust_anchor_file (lab));
  g_assert_nonnull (anchor);
  g_assert_true (g_file_get_contents (anchor, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "DS"));
  g_assert_cmpstr (mfd_lab_get_mx_domain (lab), ==, DOMAIN);

  target = mfd_lab_new_target (lab, "en");
  g_assert_cmpstr (mfd_target_get_trust_anchor_file (target), ==, anchor);
  g_assert_cmpstr (mfd_target_get_mx_domains (target)[0], ==, DOMAIN);
  g_assert_cmpuint (mfd_target_get_smart_hosts (target)->len, ==, 0);
  g_assert_cmpuint (mfd_target_get_port (target), ==, mfd_lab_get_smtp_port (lab));

  mfd_lab_free (lab);
  g_assert_false (g_file_test (anchor, G_FILE_TEST_EXISTS));

  g_assert_null (mfd_lab_get_trust_anchor_file (plain));
  g_assert_null (mfd_lab_get_mx_domain (plain));
}

/* The practice report in Japanese: the finding's title from the catalogue. */
static void
test_practice_japanese (void)
{
  g_auto(MfdTestRun) run = { NULL };

  mfd_test_cli_run_va (&run, "check", dir, "--practice", "dane-tlsa-mismatch", "--lang", "ja", NULL);
  g_test_message ("%s", run.out);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "450 4.7.323 — DANE: サーバーの証明書に一致する TLSA レコードがありません"));
  g_assert_nonnull (strstr (run.out, "  1. "));
}

static void
test_bad_anchor (void)
{
  g_auto(MfdTestRun) run = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabDns) dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_autoptr(MfdLab) smtp = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *port = g_strdup_printf ("%u", mfd_lab_get_smtp_port (smtp));
  JsonArray *observations;
  gboolean seen = FALSE;

  g_assert_no_error (error);
  mfd_lab_dns_add_record (dns, DOMAIN, "MX", "10 " MX, 300);
  mfd_lab_dns_add_record (dns, MX, "A", "127.0.0.1", 300);
  mfd_test_cli_run_va (&run, "check", dir, "--mx", DOMAIN, "--port", port,
                       "--dns-server", mfd_lab_dns_get_server (dns), "--trust-anchor", "/nonexistent/anchor",
                       "--offline", "--timeout", "3", "--json", NULL);
  root = parse_json (run.out);
  observations = json_object_get_array_member (root, "observations");
  for (guint i = 0; i < json_array_get_length (observations); i++)
    {
      JsonObject *o = json_array_get_object_element (observations, i);

      if (g_str_equal (json_object_get_string_member (o, "stage"), "dane"))
        {
          seen = TRUE;
          g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "inconclusive");
          g_assert_nonnull (strstr (json_object_get_string_member (o, "detail"), "/nonexistent/anchor"));
        }
    }
  g_assert_true (seen);
  /* Inconclusive is not "no problem". */
  g_assert_cmpint (run.status, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  pki_init ();
  dir = g_dir_make_tmp ("mfd-cli-dane-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], run_case);
  g_test_add_func ("/cli/dane/bad-anchor", test_bad_anchor);
  for (guint i = 0; i < G_N_ELEMENTS (practice_cases); i++)
    g_test_add_data_func (practice_cases[i].path, &practice_cases[i], test_practice);
  g_test_add_func ("/cli/dane/practice/anchor", test_practice_anchor);
  g_test_add_func ("/cli/dane/practice/japanese", test_practice_japanese);

  status = g_test_run ();
  mfd_test_remove_tree (dir);
  g_free (dir);
  return status;
}
