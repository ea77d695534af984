/* test-cli-vantage.c — the vantage check through the real binary: the
 * control probes point at practice servers on loopback (never at the
 * internet), each failing the way a corporate network does
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
#include "mfd-lab-dns.h"
#include "mfd-test-cli.h"

#define CONTROL_NAME "control.test"

static char *cache_dir;

/* A resolver on loopback that knows the control name (its MX host is
 * @mx_address) and, when @hijack, answers for every name below it as a
 * resolver that rewrites "no such name" does. */
static MfdLabDns *
control_dns_new (const char *mx_address,
                 gboolean    hijack)
{
  g_autoptr(GError) error = NULL;
  MfdLabDns *dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);

  g_assert_no_error (error);
  mfd_lab_dns_add_record (dns, CONTROL_NAME, "MX", "10 mx." CONTROL_NAME, 300);
  mfd_lab_dns_add_record (dns, "mx." CONTROL_NAME, "A", mx_address, 300);
  if (hijack)
    mfd_lab_dns_add_record (dns, "*." CONTROL_NAME, "A", "127.0.0.1", 300);
  return dns;
}

static MfdLab *
lab_new (MfdLabScenario scenario)
{
  g_autoptr(GError) error = NULL;
  MfdLab *lab = mfd_lab_new (scenario, &error);

  g_assert_no_error (error);
  return lab;
}

static char *
address_of (MfdLab *lab)
{
  return g_strdup_printf ("%s:%u", mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab));
}

static JsonObject *
run_json (MfdTestRun         *run,
          const char * const *args,
          int                 expected_status)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  mfd_test_cli_run (run, "check", cache_dir, NULL, 0, args);
  if (run->status != expected_status)
    g_printerr ("stdout:\n%s\nstderr:\n%s\n", run->out, run->err);
  g_assert_cmpint (run->status, ==, expected_status);
  g_assert_true (json_parser_load_from_data (parser, run->out, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* `check --smart-host @smart_host --dns-server @dns_server` with the
 * control probes at CONTROL_NAME and @control_smtp, [--tls @tls]
 * [--ca-file @ca_file], in JSON: a problem each time (status 1). */
static JsonObject *
run_controlled (MfdTestRun *run,
                const char *smart_host,
                const char *dns_server,
                const char *control_smtp,
                const char *tls,
                const char *ca_file)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) "--smart-host");
  g_ptr_array_add (args, (gpointer) smart_host);
  g_ptr_array_add (args, (gpointer) "--dns-server");
  g_ptr_array_add (args, (gpointer) dns_server);
  g_ptr_array_add (args, (gpointer) "--control-name");
  g_ptr_array_add (args, (gpointer) CONTROL_NAME);
  g_ptr_array_add (args, (gpointer) "--control-smtp");
  g_ptr_array_add (args, (gpointer) control_smtp);
  if (tls != NULL)
    {
      g_ptr_array_add (args, (gpointer) "--tls");
      g_ptr_array_add (args, (gpointer) tls);
    }
  if (ca_file != NULL)
    {
      g_ptr_array_add (args, (gpointer) "--ca-file");
      g_ptr_array_add (args, (gpointer) ca_file);
    }
  g_ptr_array_add (args, (gpointer) "--timeout");
  g_ptr_array_add (args, (gpointer) "2");
  g_ptr_array_add (args, (gpointer) "--offline");
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, NULL);
  return run_json (run, (const char * const *) args->pdata, 1);
}

static JsonObject *
first_finding (JsonObject *root)
{
  JsonArray *findings = json_object_get_array_member (root, "findings");

  g_assert_cmpuint (json_array_get_length (findings), >=, 1);
  return json_array_get_object_element (findings, 0);
}

static void
assert_vantage (JsonObject *root,
                const char *dns,
                const char *smtp25,
                const char *tls)
{
  JsonObject *vantage = json_object_get_object_member (root, "vantage");

  g_assert_nonnull (vantage);
  g_assert_cmpstr (json_object_get_string_member (vantage, "dns"), ==, dns);
  g_assert_cmpstr (json_object_get_string_member (vantage, "smtp25"), ==, smtp25);
  g_assert_cmpstr (json_object_get_string_member (vantage, "tls"), ==, tls);
  g_assert_cmpstr (json_object_get_string_member (vantage, "detail"), !=, "");
}

/* The first finding is @cause, but from here it proves nothing: the
 * verdict is inconclusive and the finding names the facet of this vantage
 * in the way (@facet; NULL when none is named). Returns why. */
static const char *
assert_not_verifiable (JsonObject *root,
                       const char *cause,
                       const char *facet)
{
  JsonObject *finding = first_finding (root);
  const char *reason = json_object_get_string_member (finding, "not_verifiable");

  g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "inconclusive");
  g_assert_cmpstr (json_object_get_string_member (finding, "cause"), ==, cause);
  g_assert_true (json_object_get_boolean_member (finding, "inconclusive"));
  if (facet != NULL)
    g_assert_cmpstr (json_object_get_string_member (finding, "vantage"), ==, facet);
  g_assert_nonnull (reason);
  return reason;
}

static void
assert_offers_microsoft_checks (JsonObject *root)
{
  JsonObject *vantage = json_object_get_object_member (root, "vantage");
  JsonArray *checks = json_object_get_array_member (vantage, "microsoft_checks");
  JsonObject *validate;

  g_assert_nonnull (checks);
  g_assert_cmpuint (json_array_get_length (checks), ==, 2);
  validate = json_array_get_object_element (checks, 0);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (validate, "command"),
                                   "Validate-OutboundConnector -Identity"));
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (checks, 1), "text"),
                            "Inbound SMTP Email"));
}

/* Outgoing port 25 blocked here: the control drops SYNs, and the
 * destination's refusal says nothing about what EOP sees. */
static void
test_port25_blocked (void)
{
  g_autoptr(MfdLab) destination = lab_new (MFD_LAB_REFUSE);
  g_autoptr(MfdLab) control = lab_new (MFD_LAB_BLACKHOLE);
  g_autoptr(MfdLabDns) dns = control_dns_new ("127.0.0.1", FALSE);
  g_autofree char *target = address_of (destination);
  g_autofree char *control_smtp = address_of (control);
  g_auto(MfdTestRun) run = { NULL };
  g_autoptr(JsonObject) root = run_controlled (&run, target, mfd_lab_dns_get_server (dns), control_smtp,
                                               NULL, NULL);
  const char *reason;

  assert_vantage (root, "ok", "blocked", "skipped");
  reason = assert_not_verifiable (root, "tcp-refused", "smtp25");
  g_assert_nonnull (strstr (reason, "does not let connections to port 25 out"));
  g_assert_nonnull (strstr (reason, control_smtp));
  assert_offers_microsoft_checks (root);
}

/* The same refusal with a control that answers is a real problem. */
static void
test_control_clear (void)
{
  g_autoptr(MfdLab) destination = lab_new (MFD_LAB_REFUSE);
  g_autoptr(MfdLab) control = lab_new (MFD_LAB_HEALTHY);
  g_autoptr(MfdLabDns) dns = control_dns_new ("127.0.0.1", FALSE);
  g_autofree char *target = address_of (destination);
  g_autofree char *control_smtp = address_of (control);
  g_auto(MfdTestRun) run = { NULL };
  g_autoptr(JsonObject) root = run_controlled (&run, target, mfd_lab_dns_get_server (dns), control_smtp,
                                               NULL, mfd_lab_get_ca_file (control));
  JsonObject *finding = first_finding (root);
  g_auto(GStrv) transcript = mfd_lab_dup_transcript (control);
  g_autofree char *said = g_strjoinv ("|", transcript);

  assert_vantage (root, "ok", "ok", "ok");
  g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "problem");
  g_assert_cmpstr (json_object_get_string_member (finding, "cause"), ==, "tcp-refused");
  g_assert_false (json_object_get_boolean_member (finding, "inconclusive"));
  g_assert_true (json_object_get_null_member (finding, "not_verifiable"));
  g_assert_false (json_object_has_member (json_object_get_object_member (root, "vantage"), "microsoft_checks"));

  /* Polite: EHLO, STARTTLS, EHLO, QUIT and nothing else. */
  g_assert_cmpuint (g_strv_length (transcript), ==, 4);
  g_assert_true (g_str_has_prefix (transcript[0], "EHLO "));
  g_assert_cmpstr (transcript[1], ==, "STARTTLS");
  g_assert_true (g_str_has_prefix (transcript[2], "EHLO "));
  g_assert_cmpstr (transcript[3], ==, "QUIT");
  g_assert_null (strstr (said, "MAIL"));
  g_assert_null (strstr (said, "RCPT"));
}

/* A resolver that cannot resolve a name that must exist: the
 * destination's "no such name" is no verdict. */
static void
test_dns_blind (void)
{
  g_autoptr(MfdLab) destination = lab_new (MFD_LAB_DNS_NXDOMAIN);
  g_autoptr(MfdLab) control = lab_new (MFD_LAB_HEALTHY);
  g_autofree char *target = g_strdup_printf ("%s:%u", mfd_lab_get_host_name (destination),
                                             mfd_lab_get_smtp_port (destination));
  g_autofree char *control_smtp = address_of (control);
  g_auto(MfdTestRun) run = { NULL };
  g_autoptr(JsonObject) root = run_controlled (&run, target, mfd_lab_get_dns_server (destination), control_smtp,
                                               NULL, mfd_lab_get_ca_file (control));

  assert_vantage (root, "failed", "ok", "ok");
  g_assert_nonnull (strstr (assert_not_verifiable (root, "dns-nxdomain", "dns"), CONTROL_NAME));
  assert_offers_microsoft_checks (root);
}

/* A resolver that answers for a random name that cannot exist. */
static void
test_dns_hijacked (void)
{
  g_autoptr(MfdLab) control = lab_new (MFD_LAB_HEALTHY);
  g_autoptr(MfdLabDns) dns = control_dns_new ("127.0.0.1", TRUE);
  g_autofree char *control_smtp = address_of (control);
  g_auto(MfdTestRun) run = { NULL };
  g_autoptr(JsonObject) root = run_controlled (&run, "missing.contoso.test", mfd_lab_dns_get_server (dns), control_smtp,
                                               NULL, mfd_lab_get_ca_file (control));
  const char *reason;

  assert_vantage (root, "hijacked", "ok", "ok");
  reason = assert_not_verifiable (root, "dns-nxdomain", NULL);
  g_assert_nonnull (strstr (reason, "rewrites answers"));
  g_assert_nonnull (strstr (reason, "mfd-absent-"));
  g_assert_nonnull (strstr (reason, "127.0.0.1"));
}

/* TLS inspection: the control's certificate chains to a CA nobody
 * trusts, so the destination's certificate findings name the issuer seen
 * and decide nothing. */
static void
test_tls_intercepted (void)
{
  g_autoptr(MfdLab) destination = lab_new (MFD_LAB_CERT_EXPIRED);
  g_autoptr(MfdLab) control = lab_new (MFD_LAB_CERT_SELF_SIGNED);
  g_autoptr(MfdLabDns) dns = control_dns_new ("127.0.0.1", FALSE);
  g_autofree char *target = address_of (destination);
  g_autofree char *control_smtp = address_of (control);
  g_auto(MfdTestRun) run = { NULL };
  g_autoptr(JsonObject) root = run_controlled (&run, target, mfd_lab_dns_get_server (dns), control_smtp,
                                               "certificate-validation", mfd_lab_get_ca_file (destination));
  JsonObject *vantage;
  const char *issuer;

  assert_vantage (root, "ok", "ok", "intercepted");
  vantage = json_object_get_object_member (root, "vantage");
  issuer = json_object_get_string_member (vantage, "issuer");
  g_assert_nonnull (issuer);
  g_assert_cmpstr (issuer, !=, "");
  g_assert_nonnull (strstr (assert_not_verifiable (root, "cert-expired", "tls"), issuer));
}

/* --no-control: every facet skipped, and the report says so. */
static void
test_no_control (void)
{
  g_autoptr(MfdLab) destination = lab_new (MFD_LAB_REFUSE);
  g_autofree char *target = address_of (destination);
  const char *args[] = { "--smart-host", target, "--no-control", "--timeout", "2", "--offline", "--json", NULL };
  const char *text_args[] = { "--smart-host", target, "--no-control", "--timeout", "2", "--offline",
                              "--lang", "ja", NULL };
  g_auto(MfdTestRun) run = { NULL };
  g_auto(MfdTestRun) text = { NULL };
  g_autoptr(JsonObject) root = run_json (&run, args, 1);
  JsonObject *finding = first_finding (root);
  JsonObject *vantage = json_object_get_object_member (root, "vantage");

  assert_vantage (root, "skipped", "skipped", "skipped");
  g_assert_nonnull (strstr (json_object_get_string_member (vantage, "detail"), "not checked"));
  g_assert_false (json_object_get_boolean_member (finding, "inconclusive"));
  g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "problem");
  assert_offers_microsoft_checks (root);

  mfd_test_cli_run (&text, "check", cache_dir, NULL, 0, text_args);
  g_assert_cmpint (text.status, ==, 1);
  g_assert_nonnull (strstr (text.out, "Validate-OutboundConnector"));
  /* In Japanese, every word of ours. */
  g_assert_null (strstr (text.out, "was not checked"));
}

/* A practice server on loopback is a what-if: EOP can never reach it. */
static void
test_unreachable_smart_host (void)
{
  g_autoptr(MfdLab) destination = lab_new (MFD_LAB_HEALTHY);
  g_autofree char *target = address_of (destination);
  const char *args[] = { "--smart-host", target, "--ca-file", mfd_lab_get_ca_file (destination),
                         "--no-control", "--timeout", "2", "--offline", "--json", NULL };
  const char *text_args[] = { "--smart-host", target, "--ca-file", mfd_lab_get_ca_file (destination),
                              "--no-control", "--timeout", "2", "--offline", NULL };
  g_auto(MfdTestRun) run = { NULL };
  g_auto(MfdTestRun) text = { NULL };
  g_autoptr(JsonObject) root = run_json (&run, args, 0);
  JsonArray *unreachable = json_object_get_array_member (json_object_get_object_member (root, "vantage"),
                                                         "unreachable_from_eop");
  JsonObject *first;

  g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "ok");
  g_assert_cmpuint (json_array_get_length (unreachable), ==, 1);
  first = json_array_get_object_element (unreachable, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "ip"), ==, "127.0.0.1");
  g_assert_nonnull (strstr (json_object_get_string_member (first, "text"), "loopback"));

  mfd_test_cli_run (&text, "check", cache_dir, NULL, 0, text_args);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "can never reach it"));
}

static void
test_usage (void)
{
  g_auto(MfdTestRun) both = { NULL };
  g_auto(MfdTestRun) bad = { NULL };

  mfd_test_cli_run_va (&both, "check", cache_dir, "--smart-host", "127.0.0.1",
                       "--no-control", "--control-smtp", "127.0.0.1:25", NULL);
  g_assert_cmpint (both.status, ==, 2);
  g_assert_nonnull (strstr (both.err, "--no-control"));

  mfd_test_cli_run_va (&bad, "check", cache_dir, "--smart-host", "127.0.0.1",
                       "--control-smtp", "127.0.0.1:99999", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "--control-smtp"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  cache_dir = g_dir_make_tmp ("mfd-test-vantage-XXXXXX", NULL);
  g_assert_nonnull (cache_dir);

  g_test_add_func ("/cli/vantage/port25-blocked", test_port25_blocked);
  g_test_add_func ("/cli/vantage/control-clear", test_control_clear);
  g_test_add_func ("/cli/vantage/dns-blind", test_dns_blind);
  g_test_add_func ("/cli/vantage/dns-hijacked", test_dns_hijacked);
  g_test_add_func ("/cli/vantage/tls-intercepted", test_tls_intercepted);
  g_test_add_func ("/cli/vantage/no-control", test_no_control);
  g_test_add_func ("/cli/vantage/unreachable-smart-host", test_unreachable_smart_host);
  g_test_add_func ("/cli/vantage/usage", test_usage);

  ret = g_test_run ();
  g_rmdir (cache_dir);
  g_free (cache_dir);
  return ret;
}
