/* test-mta-sts-check.c — MTA-STS checked live, piece by piece: the TXT
 * records from the lab DNS responder through our resolver, the policy
 * fetched by the web client from a SoupServer on loopback (the policy
 * host's name pinned to 127.0.0.1 and the server's port, as our resolver
 * would have found it), and each MX host judged against the policy with
 * chains made at run time.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "mfd-lab-dns.h"
#include "mfd-mta-sts-check.h"
#include "mfd-test-ca.h"
#include "mfd-test-web.h"
#include "mfd-web-private.h"

#define DOMAIN "contoso.test"
#define MX "mail.contoso.test"
#define POLICY_HOST "mta-sts." DOMAIN
#define POLICY_PATH "/.well-known/mta-sts.txt"
#define POLICY_URL "https://" POLICY_HOST POLICY_PATH

static char *dir;
static char *ca_file;
static MfdTestDanePki pki;
static char *policy_pem, *policy_wrong_name_pem;

static void
pki_init (void)
{
  g_autofree char *inter = NULL, *root = NULL, *key_pem = NULL, *crt_pem = NULL, *wrong_pem = NULL;
  gnutls_x509_privkey_t key = mfd_test_key_new (GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  const char *names[] = { POLICY_HOST, NULL };
  const char *wrong[] = { "www." DOMAIN, NULL };
  MfdTestCertSpec spec = { .common_name = POLICY_HOST, .dns_names = names, .from_days = -1, .to_days = 30 };
  gnutls_x509_crt_t crt;

  mfd_test_dane_pki_init (&pki, MX);
  inter = mfd_test_cert_to_pem (pki.inter);
  root = mfd_test_cert_to_pem (pki.root);
  key_pem = mfd_test_key_to_pem (key);
  crt = mfd_test_cert_new (&spec, key, pki.inter, pki.inter_key);
  crt_pem = mfd_test_cert_to_pem (crt);
  gnutls_x509_crt_deinit (crt);
  policy_pem = g_strconcat (crt_pem, inter, key_pem, NULL);
  spec.dns_names = wrong;
  spec.common_name = "www." DOMAIN;
  crt = mfd_test_cert_new (&spec, key, pki.inter, pki.inter_key);
  wrong_pem = mfd_test_cert_to_pem (crt);
  gnutls_x509_crt_deinit (crt);
  policy_wrong_name_pem = g_strconcat (wrong_pem, inter, key_pem, NULL);
  gnutls_x509_privkey_deinit (key);
  ca_file = g_build_filename (dir, "ca.pem", NULL);
  g_assert_true (g_file_set_contents (ca_file, root, -1, NULL));
}

/* TXT records ---------------------------------------------------------------- */

static MfdMtaStsTxt *
lookup (MfdLabDns *dns)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdDnsResolver) resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (dns), 2000, &error);

  g_assert_no_error (error);
  return mfd_mta_sts_lookup (resolver, DOMAIN, NULL);
}

static void
test_txt_lookup (void)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(MfdLabDns) dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);
    g_autoptr(MfdMtaStsTxt) txt = NULL;
    g_autoptr(MfdObservation) obs = NULL;

    g_assert_no_error (error);
    mfd_lab_dns_add_record (dns, DOMAIN, "MX", "10 " MX, 300);
    mfd_lab_dns_add_record (dns, "_mta-sts." DOMAIN, "TXT", "\"v=spf1 -all\"", 300);
    txt = lookup (dns);
    g_assert_cmpint (txt->status, ==, MFD_MTA_STS_TXT_NONE);
    g_assert_null (txt->tls_rpt);
    obs = mfd_mta_sts_txt_observation (txt, DOMAIN);
    g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
    g_assert_cmpstr (mfd_observation_get_fact (obs, "tls-rpt"), ==, "none");
  }
  {
    g_autoptr(MfdLabDns) dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);
    g_autoptr(MfdMtaStsTxt) txt = NULL;

    mfd_lab_dns_add_record (dns, "_mta-sts." DOMAIN, "TXT", "\"v=STSv1; \" \"id=2026A;\"", 300);
    mfd_lab_dns_add_record (dns, "_smtp._tls." DOMAIN, "TXT", "\"v=TLSRPTv1; rua=mailto:r@contoso.test\"", 300);
    txt = lookup (dns);
    /* Strings of one record are joined before parsing (RFC 8461 §3.1). */
    g_assert_cmpint (txt->status, ==, MFD_MTA_STS_TXT_FOUND);
    g_assert_cmpstr (txt->id, ==, "2026A");
    g_assert_cmpstr (txt->tls_rpt, ==, "v=TLSRPTv1; rua=mailto:r@contoso.test");
    g_assert_null (mfd_mta_sts_txt_observation (txt, DOMAIN));
  }
  {
    g_autoptr(MfdLabDns) dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);
    g_autoptr(MfdMtaStsTxt) txt = NULL;
    g_autoptr(MfdObservation) obs = NULL;

    /* Two records: no policy at all, and the owner should hear it. */
    mfd_lab_dns_add_record (dns, "_mta-sts." DOMAIN, "TXT", "\"v=STSv1; id=1;\"", 300);
    mfd_lab_dns_add_record (dns, "_mta-sts." DOMAIN, "TXT", "\"v=STSv1; id=2;\"", 300);
    txt = lookup (dns);
    g_assert_cmpint (txt->status, ==, MFD_MTA_STS_TXT_INVALID);
    obs = mfd_mta_sts_txt_observation (txt, DOMAIN);
    g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_WARNING);
    g_assert_cmpstr (obs->cause, ==, "mta-sts-policy-invalid");
  }
  {
    g_autoptr(MfdLabDns) dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);
    g_autoptr(MfdMtaStsTxt) txt = NULL;
    g_autoptr(MfdObservation) obs = NULL;

    /* A resolver that fails is this side's problem: inconclusive. */
    mfd_lab_dns_set_mode (dns, NULL, MFD_LAB_DNS_MODE_SERVFAIL);
    txt = lookup (dns);
    g_assert_cmpint (txt->status, ==, MFD_MTA_STS_TXT_FAILED);
    obs = mfd_mta_sts_txt_observation (txt, DOMAIN);
    g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
    g_assert_null (obs->cause);
  }
}

/* The fetch ---------------------------------------------------------------- */

typedef struct
{
  GBytes               *body;
  MfdWebFailure        *failure;
  guint                 status;
  GTlsCertificateFlags  tls_errors;
  gboolean              done;
} Fetched;

static void
on_fetched_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Fetched *f = user_data;

  f->body = mfd_web_fetch_text_finish (MFD_WEB (source), result, &f->status, &f->tls_errors, &f->failure);
  f->done = TRUE;
}

/* The domain's step for the policy @web serves at @path (@port: where the
 * policy host's name is pinned, 0: the web's own port). */
static MfdObservation *
fetch (MfdTestWeb       *web,
       guint16           port,
       MfdMtaStsPolicy **policy)
{
  g_autoptr(MfdWeb) client = mfd_web_new ("https://127.0.0.1:1/resolve", NULL, NULL, ca_file, 3000);
  g_autoptr(GPtrArray) ips = g_ptr_array_new ();
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GUri) base = g_uri_parse (web->base, G_URI_FLAGS_NONE, NULL);
  MfdMtaStsTxt txt = { MFD_MTA_STS_TXT_FOUND, (char *) "_mta-sts." DOMAIN, (char *) "v=STSv1; id=7;", (char *) "7",
                       NULL, NULL };
  Fetched f = { NULL, };
  MfdObservation *obs;

  g_ptr_array_add (ips, (gpointer) "127.0.0.1");
  connectable = mfd_mta_sts_connectable_new (POLICY_HOST, port != 0 ? port : g_uri_get_port (base), ips);
  mfd_web_fetch_text_async (client, POLICY_URL, connectable, MFD_MTA_STS_FETCH_MAX_SIZE, NULL, on_fetched_cb, &f);
  while (!f.done)
    g_main_context_iteration (NULL, TRUE);
  obs = mfd_mta_sts_judge_fetch (&txt, DOMAIN, f.body, f.failure, f.status, f.tls_errors, policy);
  g_clear_pointer (&f.body, g_bytes_unref);
  g_clear_pointer (&f.failure, mfd_web_failure_free);
  g_test_message ("%s: %s", mfd_outcome_to_string (obs->outcome), obs->detail_msgid);
  return obs;
}

static void
test_fetch (void)
{
  static const struct
  {
    guint        status;
    const char  *content_type;
    const char  *body;
    gboolean     wrong_cert;
    gboolean     nobody_listens;
    MfdOutcome   outcome;
    const char  *cause;
  } cases[] = {
    { 200, "text/plain", "version: STSv1\r\nmode: enforce\r\nmx: " MX "\r\nmax_age: 86400\r\n", FALSE, FALSE,
      MFD_OUTCOME_OK, NULL },
    { 404, "text/plain", "not here", FALSE, FALSE, MFD_OUTCOME_WARNING, "mta-sts-policy-unreachable" },
    { 302, "text/plain", "elsewhere", FALSE, FALSE, MFD_OUTCOME_WARNING, "mta-sts-policy-unreachable" },
    { 500, "text/plain", "oops", FALSE, FALSE, MFD_OUTCOME_WARNING, "mta-sts-policy-unreachable" },
    { 200, "text/html", "<html>", FALSE, FALSE, MFD_OUTCOME_WARNING, "mta-sts-policy-invalid" },
    { 200, "text/plain", "version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n", FALSE, FALSE,
      MFD_OUTCOME_WARNING, "mta-sts-policy-invalid" },
    { 200, "text/plain", "version: STSv1\r\nmode: enforce\r\nmx: " MX "\r\nmax_age: 86400\r\n", TRUE, FALSE,
      MFD_OUTCOME_WARNING, "mta-sts-policy-cert-invalid" },
    /* Nothing answers there: it says nothing about the domain. */
    { 200, "text/plain", "", FALSE, TRUE, MFD_OUTCOME_INCONCLUSIVE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MfdTestWeb web;
      g_autoptr(MfdObservation) obs = NULL;
      g_autoptr(MfdMtaStsPolicy) policy = NULL;
      guint16 port = 0;

      mfd_test_web_init (&web, cases[i].wrong_cert ? policy_wrong_name_pem : policy_pem);
      mfd_test_web_serve (&web, POLICY_PATH, cases[i].status, cases[i].content_type, cases[i].body);
      if (cases[i].nobody_listens)
        {
          g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
          g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
          g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
          g_autoptr(GSocketAddress) bound = NULL;

          /* A port that was free a moment ago and is closed again. */
          g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
          bound = g_socket_get_local_address (socket, NULL);
          port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
          g_socket_close (socket, NULL);
        }
      obs = fetch (&web, port, &policy);
      g_assert_cmpint (obs->outcome, ==, cases[i].outcome);
      g_assert_cmpstr (obs->cause, ==, cases[i].cause);
      g_assert_cmpstr (mfd_observation_get_fact (obs, "policy-url"), ==, POLICY_URL);
      g_assert_true ((policy != NULL) == (cases[i].outcome == MFD_OUTCOME_OK));
      if (policy != NULL)
        {
          g_assert_cmpstr (mfd_observation_get_fact (obs, "mode"), ==, "enforce");
          g_assert_cmpstr (mfd_observation_get_fact (obs, "mx-patterns"), ==, MX);
        }
      /* Redirects are not followed: the target was never asked. */
      g_assert_cmpuint (mfd_test_web_hits (&web, POLICY_PATH), ==,
                        cases[i].wrong_cert || cases[i].nobody_listens ? 0 : 1);
      mfd_test_web_clear (&web);
    }
}

/* Too big a policy is not read to its end. */
static void
test_fetch_too_large (void)
{
  MfdTestWeb web;
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(MfdMtaStsPolicy) policy = NULL;
  g_autoptr(GString) big = g_string_new ("version: STSv1\nmode: enforce\nmax_age: 1\n");

  while (big->len <= MFD_MTA_STS_FETCH_MAX_SIZE)
    g_string_append (big, "mx: filler.contoso.test\n");
  mfd_test_web_init (&web, policy_pem);
  mfd_test_web_serve (&web, POLICY_PATH, 200, "text/plain", big->str);
  obs = fetch (&web, 0, &policy);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_WARNING);
  g_assert_cmpstr (obs->cause, ==, "mta-sts-policy-invalid");
  g_assert_null (policy);
  mfd_test_web_clear (&web);
}

/* Each MX host ---------------------------------------------------------------- */

static MfdMtaStsPolicy *
policy_new (const char *text)
{
  g_autofree char *error = NULL;
  MfdMtaStsPolicy *policy = mfd_mta_sts_policy_parse (text, strlen (text), &error);

  g_assert_null (error);
  return policy;
}

static void
test_judge_mx (void)
{
  g_autoptr(MfdMtaStsPolicy) enforce = policy_new ("version: STSv1\nmode: enforce\nmx: *.contoso.test\nmax_age: 600\n");
  g_autoptr(MfdMtaStsPolicy) enforce_other = policy_new ("version: STSv1\nmode: enforce\nmx: mx.fabrikam.test\nmax_age: 600\n");
  g_autoptr(MfdMtaStsPolicy) testing = policy_new ("version: STSv1\nmode: testing\nmx: mx.fabrikam.test\nmax_age: 600\n");
  g_autoptr(MfdMtaStsPolicy) testing_ok = policy_new ("version: STSv1\nmode: testing\nmx: " MX "\nmax_age: 600\n");
  g_autoptr(MfdMtaStsPolicy) none = policy_new ("version: STSv1\nmode: none\nmax_age: 600\n");
  gnutls_datum_t good[2] = { mfd_test_cert_der (pki.leaf), mfd_test_cert_der (pki.inter) };
  gnutls_datum_t other_name[2] = { mfd_test_cert_der (pki.leaf_other_name), mfd_test_cert_der (pki.inter) };
  gnutls_datum_t expired[2] = { mfd_test_cert_der (pki.leaf_expired), mfd_test_cert_der (pki.inter) };
  const struct
  {
    const MfdMtaStsPolicy *policy;
    gboolean               published;
    gboolean               reached;
    const gnutls_datum_t  *chain;
    MfdOutcome             outcome;
    const char            *cause;
  } cases[] = {
    { enforce, TRUE, TRUE, good, MFD_OUTCOME_OK, NULL },
    { testing_ok, TRUE, TRUE, good, MFD_OUTCOME_OK, NULL },
    { enforce_other, TRUE, TRUE, good, MFD_OUTCOME_FAIL, "mta-sts-mx-not-in-policy" },
    { testing, TRUE, TRUE, good, MFD_OUTCOME_WARNING, "mta-sts-mx-not-in-policy" },
    /* Not allowed is known without a connection. */
    { enforce_other, TRUE, FALSE, NULL, MFD_OUTCOME_FAIL, "mta-sts-mx-not-in-policy" },
    { enforce, TRUE, TRUE, other_name, MFD_OUTCOME_FAIL, "mta-sts-mx-cert-invalid" },
    { enforce, TRUE, TRUE, expired, MFD_OUTCOME_FAIL, "mta-sts-mx-cert-invalid" },
    { testing_ok, TRUE, TRUE, expired, MFD_OUTCOME_WARNING, "mta-sts-mx-cert-invalid" },
    /* Reached, but no TLS session: enforce requires one. */
    { enforce, TRUE, TRUE, NULL, MFD_OUTCOME_FAIL, "mta-sts-mx-cert-invalid" },
    { enforce, TRUE, FALSE, NULL, MFD_OUTCOME_SKIPPED, NULL },
    { none, TRUE, TRUE, other_name, MFD_OUTCOME_OK, NULL },
    { NULL, FALSE, TRUE, other_name, MFD_OUTCOME_OK, NULL },
    { NULL, TRUE, TRUE, good, MFD_OUTCOME_SKIPPED, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MfdObservation) obs = mfd_mta_sts_judge_mx (cases[i].policy, cases[i].published, DOMAIN, MX,
                                                            "127.0.0.1", 25, cases[i].reached, cases[i].chain,
                                                            cases[i].chain != NULL ? 2 : 0, ca_file);
      g_test_message ("case %u: %s", i, obs->detail_msgid);
      g_assert_cmpint (obs->outcome, ==, cases[i].outcome);
      g_assert_cmpstr (obs->cause, ==, cases[i].cause);
      g_assert_cmpint (obs->stage, ==, MFD_STAGE_MTA_STS);
      if (cases[i].cause != NULL)
        g_assert_cmpstr (mfd_mta_sts_cause_to_eop_code (cases[i].cause), ==, mfd_remedy_code_for_cause (cases[i].cause));
    }
  for (guint i = 0; i < 2; i++)
    {
      gnutls_free (good[i].data);
      gnutls_free (other_name[i].data);
      gnutls_free (expired[i].data);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("mfd-mta-sts-check-XXXXXX", &error);
  g_assert_no_error (error);
  pki_init ();

  g_test_add_func ("/mta-sts-check/txt-lookup", test_txt_lookup);
  g_test_add_func ("/mta-sts-check/fetch", test_fetch);
  g_test_add_func ("/mta-sts-check/fetch-too-large", test_fetch_too_large);
  g_test_add_func ("/mta-sts-check/judge-mx", test_judge_mx);

  status = g_test_run ();
  mfd_test_remove_tree (dir);
  g_free (dir);
  return status;
}
