/* test-cli-mta-sts.c — `mail-flow-doctor check --mx` with MTA-STS, through
 * the real binary: the _mta-sts and _smtp._tls TXT records and the policy
 * host's address served by the lab DNS responder, the policy by a
 * SoupServer over HTTPS on 127.0.0.1:443 (this test runs in a network
 * namespace of its own, see netns-run.sh), and the MX host by a real SMTP
 * server with STARTTLS; every certificate made at run time under a test
 * CA handed over with --ca-file. Each outcome ends in EOP's code (4.4.8,
 * 4.7.5), a warning, or no finding.
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
#include <libsoup/soup.h>

#include "mfd/mfd.h"
#include "mfd-lab-dns.h"
#include "mfd-lab-zone.h"
#include "mfd-test-ca.h"
#include "mfd-test-cli.h"

#define DOMAIN "contoso.test"
#define MX "mail.contoso.test"
#define POLICY_HOST "mta-sts." DOMAIN

static char *dir;
static char *ca_file;
static MfdTestDanePki pki;
static char *mx_chain_pem, *mx_other_chain_pem, *mx_key_pem;
static char *policy_pem, *policy_wrong_name_pem;

typedef enum
{
  SERVE_POLICY,
  SERVE_404,
  SERVE_REDIRECT,
  SERVE_WRONG_TYPE,
} Serve;

typedef struct
{
  const char *path;
  gboolean    txt;              /* _mta-sts record published */
  const char *policy;           /* the file */
  Serve       serve;
  gboolean    policy_wrong_cert;
  gboolean    mx_wrong_cert;
  gboolean    tls_rpt;
  gboolean    offline;
  const char *cause;            /* the MTA-STS finding expected, NULL: none */
  gboolean    warning;
  const char *domain_outcome;   /* the domain's MTA-STS step */
  const char *mx_outcome;       /* the MX address's MTA-STS step */
  const char *detail;           /* in the domain's step */
} Case;

#define ENFORCE_OK "version: STSv1\r\nmode: enforce\r\nmx: " MX "\r\nmax_age: 86400\r\n"
#define ENFORCE_WILDCARD "version: STSv1\nmode: enforce\nmx: *.contoso.test\nmax_age: 604800\n"
#define ENFORCE_OTHER "version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.example\r\nmax_age: 86400\r\n"
#define TESTING_OTHER "version: STSv1\r\nmode: testing\r\nmx: mx1.contoso.test\r\nmax_age: 86400\r\n"

static const Case cases[] = {
  { "/cli/mta-sts/enforce-ok", TRUE, ENFORCE_OK, SERVE_POLICY, FALSE, FALSE, TRUE, FALSE,
    NULL, FALSE, "ok", "ok", "TLS reporting is set up: v=TLSRPTv1; rua=mailto:tlsrpt@contoso.test" },
  { "/cli/mta-sts/enforce-wildcard-ok", TRUE, ENFORCE_WILDCARD, SERVE_POLICY, FALSE, FALSE, FALSE, FALSE,
    NULL, FALSE, "ok", "ok", "TLS reporting is not set up" },
  { "/cli/mta-sts/4.4.8-mx-not-in-policy", TRUE, ENFORCE_OTHER, SERVE_POLICY, FALSE, FALSE, FALSE, FALSE,
    "mta-sts-mx-not-in-policy", FALSE, "ok", "fail", "mode enforce" },
  { "/cli/mta-sts/4.7.5-mx-cert-invalid", TRUE, ENFORCE_OK, SERVE_POLICY, FALSE, TRUE, FALSE, FALSE,
    "mta-sts-mx-cert-invalid", FALSE, "ok", "fail", "mode enforce" },
  { "/cli/mta-sts/testing-warning", TRUE, TESTING_OTHER, SERVE_POLICY, FALSE, FALSE, FALSE, FALSE,
    "mta-sts-mx-not-in-policy", TRUE, "ok", "warning", "mode testing" },
  { "/cli/mta-sts/policy-404", TRUE, ENFORCE_OK, SERVE_404, FALSE, FALSE, FALSE, FALSE,
    "mta-sts-policy-unreachable", TRUE, "warning", "skipped", "HTTP status 404" },
  { "/cli/mta-sts/policy-redirect", TRUE, ENFORCE_OK, SERVE_REDIRECT, FALSE, FALSE, FALSE, FALSE,
    "mta-sts-policy-unreachable", TRUE, "warning", "skipped", "redirect" },
  { "/cli/mta-sts/policy-cert-invalid", TRUE, ENFORCE_OK, SERVE_POLICY, TRUE, FALSE, FALSE, FALSE,
    "mta-sts-policy-cert-invalid", TRUE, "warning", "skipped", "not made out to that name" },
  { "/cli/mta-sts/policy-wrong-type", TRUE, ENFORCE_OK, SERVE_WRONG_TYPE, FALSE, FALSE, FALSE, FALSE,
    "mta-sts-policy-invalid", TRUE, "warning", "skipped", "instead of text/plain" },
  { "/cli/mta-sts/policy-invalid", TRUE, "version: STSv1\nmode: enforce\nmax_age: 86400\n", SERVE_POLICY, FALSE, FALSE, FALSE, FALSE,
    "mta-sts-policy-invalid", TRUE, "warning", "skipped", "is not valid" },
  { "/cli/mta-sts/offline", TRUE, ENFORCE_OTHER, SERVE_POLICY, FALSE, FALSE, FALSE, TRUE,
    NULL, FALSE, "skipped", "skipped", "offline" },
  { "/cli/mta-sts/not-published", FALSE, NULL, SERVE_404, FALSE, FALSE, FALSE, FALSE,
    NULL, FALSE, "ok", "ok", "publishes no MTA-STS policy" },
};

/* The policy host: a SoupServer on 127.0.0.1:443 in a thread of its own,
 * so that it answers while this thread waits for the command line. */
typedef struct
{
  const Case   *c;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GThread      *thread;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  guint         hits;
  char         *error;
} PolicyServer;

static void
on_policy_request_cb (SoupServer        *server,
                      SoupServerMessage *message,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  PolicyServer *ps = user_data;
  const Case *c = ps->c;
  const char *host = g_uri_get_host (soup_server_message_get_uri (message));

  g_atomic_int_inc (&ps->hits);
  if (!g_str_equal (path, "/.well-known/mta-sts.txt") || g_strcmp0 (host, POLICY_HOST) != 0 ||
      c->serve == SERVE_404)
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }
  if (c->serve == SERVE_REDIRECT)
    {
      soup_server_message_set_redirect (message, 301, "https://" POLICY_HOST "/policy.txt");
      return;
    }
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, c->serve == SERVE_WRONG_TYPE ? "text/html" : "text/plain",
                                    SOUP_MEMORY_COPY, c->policy, strlen (c->policy));
}

static gpointer
policy_server_thread (gpointer data)
{
  PolicyServer *ps = data;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (ps->context);
  certificate = g_tls_certificate_new_from_pem (ps->c->policy_wrong_cert ? policy_wrong_name_pem : policy_pem,
                                                -1, &error);
  g_assert_no_error (error);
  ps->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (ps->server, NULL, on_policy_request_cb, ps, NULL);
  address = g_inet_socket_address_new (loopback, 443);
  if (!soup_server_listen (ps->server, address, SOUP_SERVER_LISTEN_HTTPS, &error))
    ps->error = g_strdup (error->message);

  g_mutex_lock (&ps->mutex);
  ps->ready = TRUE;
  g_cond_signal (&ps->cond);
  g_mutex_unlock (&ps->mutex);

  if (ps->error == NULL)
    g_main_loop_run (ps->loop);
  soup_server_disconnect (ps->server);
  g_clear_object (&ps->server);
  g_main_context_pop_thread_default (ps->context);
  return NULL;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
policy_server_start (PolicyServer *ps,
                     const Case   *c)
{
  memset (ps, 0, sizeof *ps);
  ps->c = c;
  g_mutex_init (&ps->mutex);
  g_cond_init (&ps->cond);
  ps->context = g_main_context_new ();
  ps->loop = g_main_loop_new (ps->context, FALSE);
  ps->thread = g_thread_new ("policy-server", policy_server_thread, ps);
  g_mutex_lock (&ps->mutex);
  while (!ps->ready)
    g_cond_wait (&ps->cond, &ps->mutex);
  g_mutex_unlock (&ps->mutex);
}

static void
policy_server_stop (PolicyServer *ps)
{
  g_main_context_invoke (ps->context, quit_cb, ps->loop);
  g_thread_join (ps->thread);
  g_main_loop_unref (ps->loop);
  g_main_context_unref (ps->context);
  g_mutex_clear (&ps->mutex);
  g_cond_clear (&ps->cond);
  g_free (ps->error);
}

static void
pki_init (void)
{
  g_autofree char *leaf = NULL, *other = NULL, *inter = NULL, *root = NULL;
  g_autofree char *policy_key = NULL;
  gnutls_x509_privkey_t key = mfd_test_key_new (GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  const char *policy_names[] = { POLICY_HOST, NULL };
  const char *wrong_names[] = { "www." DOMAIN, NULL };
  MfdTestCertSpec spec = { .common_name = POLICY_HOST, .dns_names = policy_names, .from_days = -1, .to_days = 30 };
  gnutls_x509_crt_t crt;
  g_autofree char *crt_pem = NULL;

  mfd_test_dane_pki_init (&pki, MX);
  leaf = mfd_test_cert_to_pem (pki.leaf);
  other = mfd_test_cert_to_pem (pki.leaf_other_name);
  inter = mfd_test_cert_to_pem (pki.inter);
  root = mfd_test_cert_to_pem (pki.root);
  mx_chain_pem = g_strconcat (leaf, inter, NULL);
  mx_other_chain_pem = g_strconcat (other, inter, NULL);
  mx_key_pem = mfd_test_key_to_pem (pki.leaf_key);

  policy_key = mfd_test_key_to_pem (key);
  crt = mfd_test_cert_new (&spec, key, pki.inter, pki.inter_key);
  crt_pem = mfd_test_cert_to_pem (crt);
  policy_pem = g_strconcat (crt_pem, inter, policy_key, NULL);
  gnutls_x509_crt_deinit (crt);
  g_free (crt_pem);

  spec.common_name = "www." DOMAIN;
  spec.dns_names = wrong_names;
  crt = mfd_test_cert_new (&spec, key, pki.inter, pki.inter_key);
  crt_pem = mfd_test_cert_to_pem (crt);
  policy_wrong_name_pem = g_strconcat (crt_pem, inter, policy_key, NULL);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);

  ca_file = g_build_filename (dir, "ca.pem", NULL);
  g_assert_true (g_file_set_contents (ca_file, root, -1, NULL));
}

static JsonObject *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("not JSON (%s): %s", error->message, text);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The lab zone: "test" signed (the trust anchor), contoso.test delegated
 * without DS, so that DANE does not apply and says so. */
static MfdLabDns *
start_dns (const Case *c,
           char      **anchor)
{
  g_autoptr(GError) error = NULL;
  MfdLabDns *dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_autoptr(MfdLabZone) parent = mfd_lab_zone_new ("test");
  g_autoptr(MfdLabZone) child = mfd_lab_zone_new (DOMAIN);
  const char *soa[] = { DOMAIN ". 3600 IN SOA ns." DOMAIN ". hostmaster." DOMAIN ". 1 3600 600 86400 300", NULL };
  const char *records[] = {
    DOMAIN ". 300 IN MX 10 " MX ".",
    MX ". 300 IN A 127.0.0.1",
    POLICY_HOST ". 300 IN A 127.0.0.1",
    NULL
  };
  const char *txt[] = { "_mta-sts." DOMAIN ". 300 IN TXT \"v=STSv1; id=20261207T2100;\"", NULL };
  const char *rpt[] = { "_smtp._tls." DOMAIN ". 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@contoso.test\"", NULL };
  const char *other_txt[] = { DOMAIN ". 300 IN TXT \"v=spf1 -all\"", NULL };

  g_assert_no_error (error);
  g_assert_true (mfd_lab_zone_serve_apex (parent, dns));
  g_assert_true (mfd_lab_zone_serve (child, dns, FALSE, soa));
  g_assert_true (mfd_lab_zone_serve (child, dns, FALSE, records));
  g_assert_true (mfd_lab_zone_serve (child, dns, FALSE, other_txt));
  if (c->txt)
    g_assert_true (mfd_lab_zone_serve (child, dns, FALSE, txt));
  if (c->tls_rpt)
    g_assert_true (mfd_lab_zone_serve (child, dns, FALSE, rpt));
  *anchor = g_build_filename (dir, "anchor.ds", NULL);
  g_assert_true (mfd_lab_zone_write_anchor (parent, *anchor, &error));
  g_assert_no_error (error);
  return dns;
}

static JsonObject *
find_step (JsonObject *root,
           const char *host)
{
  JsonArray *observations = json_object_get_array_member (root, "observations");
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (observations); i++)
    {
      JsonObject *o = json_array_get_object_element (observations, i);

      if (g_str_equal (json_object_get_string_member (o, "stage"), "mta-sts") &&
          g_str_equal (json_object_get_string_member (o, "host"), host))
        {
          g_assert_null (found);   /* one domain, one address: one step each */
          found = o;
        }
    }
  g_assert_nonnull (found);
  return found;
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) smtp = NULL;
  g_autoptr(MfdLabDns) dns = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_auto(MfdTestRun) run = { NULL };
  g_autofree char *anchor = NULL;
  g_autofree char *port = NULL;
  PolicyServer ps;
  JsonObject *domain_step, *mx_step, *finding = NULL;
  JsonArray *findings;

  if (g_getenv ("MFD_TEST_NETNS") == NULL)
    {
      g_test_skip ("the policy host must listen on port 443: this test runs in a network namespace "
                   "of its own (tests/netns-run.sh), and none could be made here");
      return;
    }

  policy_server_start (&ps, c);
  if (ps.error != NULL)
    g_error ("port 443 should be free in this network namespace: %s", ps.error);
  smtp = mfd_lab_new_with_certificate (c->mx_wrong_cert ? mx_other_chain_pem : mx_chain_pem, mx_key_pem, &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", mfd_lab_get_smtp_port (smtp));
  dns = start_dns (c, &anchor);

  if (c->offline)
    mfd_test_cli_run_va (&run, "check", dir, "--mx", DOMAIN, "--port", port,
                         "--dns-server", mfd_lab_dns_get_server (dns), "--trust-anchor", anchor,
                         "--ca-file", ca_file, "--offline", "--timeout", "3", "--json", NULL);
  else
    /* The web services a check also asks are played by the policy host,
     * which knows none of them (404): inconclusive, never the internet. */
    mfd_test_cli_run_va (&run, "check", dir, "--mx", DOMAIN, "--port", port,
                         "--dns-server", mfd_lab_dns_get_server (dns), "--trust-anchor", anchor,
                         "--ca-file", ca_file, "--timeout", "3",
                         "--doh-url", "https://127.0.0.1/resolve",
                         "--rdap-bootstrap", "https://127.0.0.1/rdap/dns.json",
                         "--endpoints-url", "https://127.0.0.1",
                         "--json", NULL);
  g_test_message ("stderr: %s", run.err);
  policy_server_stop (&ps);
  root = parse_json (run.out);

  domain_step = find_step (root, DOMAIN);
  mx_step = find_step (root, MX);
  g_test_message ("domain: %s", json_object_get_string_member (domain_step, "detail"));
  g_test_message ("mx: %s", json_object_get_string_member (mx_step, "detail"));
  g_assert_cmpstr (json_object_get_string_member (domain_step, "outcome"), ==, c->domain_outcome);
  g_assert_cmpstr (json_object_get_string_member (mx_step, "outcome"), ==, c->mx_outcome);
  g_assert_nonnull (strstr (json_object_get_string_member (domain_step, "detail"), c->detail));
  /* Offline or unpublished: the policy host is never asked; over a
   * certificate that is not valid for it, no request is sent either. */
  if (c->offline || !c->txt || c->policy_wrong_cert)
    g_assert_cmpuint (ps.hits, ==, 0);
  else
    g_assert_cmpuint (ps.hits, >=, 1);

  findings = json_object_get_array_member (root, "findings");
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *f = json_array_get_object_element (findings, i);

      if (g_str_has_prefix (json_object_get_string_member (f, "cause"), "mta-sts-"))
        {
          g_assert_null (finding);
          finding = f;
        }
    }

  if (c->cause == NULL)
    {
      g_assert_null (finding);
      g_assert_cmpstr (json_object_get_string_member (root, "verdict"), !=, "problem");
      return;
    }

  g_assert_nonnull (finding);
  g_assert_cmpstr (json_object_get_string_member (finding, "cause"), ==, c->cause);
  g_assert_cmpstr (json_object_get_string_member (finding, "code"), ==, mfd_remedy_code_for_cause (c->cause));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (finding, "steps")), >=, 3);
  if (c->warning)
    {
      g_assert_true (json_object_get_boolean_member_with_default (finding, "warning", FALSE));
      g_assert_cmpstr (json_object_get_string_member (root, "verdict"), !=, "problem");
    }
  else
    {
      g_assert_false (json_object_get_boolean_member_with_default (finding, "warning", FALSE));
      g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "problem");
      g_assert_cmpint (run.status, ==, 1);
    }
}

/* The MTA-STS part of a text report, in English and in Japanese: the
 * finding's title, code and numbered steps come from the catalogue. */
static void
test_text_report (void)
{
  static const Case c = { "text", TRUE, ENFORCE_OTHER, SERVE_POLICY, FALSE, FALSE, TRUE, FALSE,
                          "mta-sts-mx-not-in-policy", FALSE, "ok", "fail", NULL };
  static const struct { const char *lang, *title, *step; } langs[] = {
    { "en", "450 4.4.8 — MTA-STS: the MX host is not allowed by the policy", "put a new value in the id= field" },
    { "ja", "450 4.4.8 — MTA-STS: MX ホストがポリシーで許可されていません", "id= に新しい値" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) smtp = NULL;
  g_autoptr(MfdLabDns) dns = NULL;
  g_autofree char *anchor = NULL;
  g_autofree char *port = NULL;
  PolicyServer ps;

  if (g_getenv ("MFD_TEST_NETNS") == NULL)
    {
      g_test_skip ("the policy host must listen on port 443: no network namespace could be made here");
      return;
    }
  policy_server_start (&ps, &c);
  g_assert_null (ps.error);
  smtp = mfd_lab_new_with_certificate (mx_chain_pem, mx_key_pem, &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", mfd_lab_get_smtp_port (smtp));
  dns = start_dns (&c, &anchor);

  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      g_auto(MfdTestRun) run = { NULL };

      mfd_test_cli_run_va (&run, "check", dir, "--mx", DOMAIN, "--port", port,
                           "--dns-server", mfd_lab_dns_get_server (dns), "--trust-anchor", anchor,
                           "--ca-file", ca_file, "--timeout", "3",
                           "--doh-url", "https://127.0.0.1/resolve",
                           "--rdap-bootstrap", "https://127.0.0.1/rdap/dns.json",
                           "--endpoints-url", "https://127.0.0.1",
                           "--lang", langs[i].lang, NULL);
      g_test_message ("%s", run.out);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.out, langs[i].title));
      g_assert_nonnull (strstr (run.out, "mta-sts-mx-not-in-policy"));
      g_assert_nonnull (strstr (run.out, langs[i].step));
      g_assert_nonnull (strstr (run.out, "  1. "));
    }
  policy_server_stop (&ps);
}

/* The practice lessons, as `check --practice` runs them: by MX of the
 * practice domain, the policy served by the lab on a loopback port of its
 * own (no namespace needed), fetched although a practice check is
 * offline. */
typedef struct
{
  const char *path;
  const char *id;
  const char *cause;
  gboolean    warning;
  const char *code;     /* EOP's, when it is a problem */
} PracticeCase;

static const PracticeCase practice_cases[] = {
  { "/cli/mta-sts/practice/mx-not-in-policy", "mta-sts-mx-not-in-policy", "mta-sts-mx-not-in-policy", FALSE, "4.4.8" },
  { "/cli/mta-sts/practice/policy-cert-invalid", "mta-sts-policy-cert-invalid", "mta-sts-policy-cert-invalid", TRUE, NULL },
  { "/cli/mta-sts/practice/mx-cert-invalid", "mta-sts-mx-cert-invalid", "mta-sts-mx-cert-invalid", FALSE, "4.7.5" },
};

static void
test_practice (gconstpointer data)
{
  const PracticeCase *c = data;
  g_autoptr(JsonObject) root = NULL;
  g_auto(MfdTestRun) run = { NULL };
  JsonArray *findings;
  JsonObject *finding;

  mfd_test_cli_run_va (&run, "check", dir, "--practice", c->id, "--json", NULL);
  g_test_message ("stderr: %s", run.err);
  root = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (find_step (root, DOMAIN), "outcome"), ==,
                   c->warning ? "warning" : "ok");
  findings = json_object_get_array_member (root, "findings");
  g_assert_cmpuint (json_array_get_length (findings), ==, 1);
  finding = json_array_get_object_element (findings, 0);
  g_assert_cmpstr (json_object_get_string_member (finding, "cause"), ==, c->cause);
  g_assert_cmpstr (json_object_get_string_member (finding, "code"), ==, mfd_remedy_code_for_cause (c->cause));
  g_assert_cmpint (json_object_get_boolean_member_with_default (finding, "warning", FALSE), ==, c->warning);
  g_assert_cmpint (run.status, ==, c->warning ? 0 : 1);
  if (!c->warning)
    {
      g_assert_cmpstr (json_object_get_string_member (find_step (root, MX), "outcome"), ==, "fail");
      g_assert_cmpstr (mfd_remedy_code_for_cause (c->cause), ==, c->code);
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
  dir = g_dir_make_tmp ("mfd-cli-mta-sts-XXXXXX", &error);
  g_assert_no_error (error);
  pki_init ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], run_case);
  g_test_add_func ("/cli/mta-sts/text-report", test_text_report);
  for (guint i = 0; i < G_N_ELEMENTS (practice_cases); i++)
    g_test_add_data_func (practice_cases[i].path, &practice_cases[i], test_practice);

  status = g_test_run ();
  mfd_test_remove_tree (dir);
  g_free (dir);
  return status;
}
