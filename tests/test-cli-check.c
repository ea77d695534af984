/* test-cli-check.c — `mail-flow-doctor check` through the real binary,
 * against the practice servers on loopback
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mfd/mfd.h"
#include "mfd-test-cli.h"
#include "mfd-test-util.h"

static char *cache_dir;

/* `mail-flow-doctor check ARGS…` with its own empty cache, so nothing
 * outside the test decides the result. */
#define run_checkv(run, args) mfd_test_cli_run ((run), "check", cache_dir, NULL, 0, (args))
#define run_check(run, ...) mfd_test_cli_run_va ((run), "check", cache_dir, __VA_ARGS__)

static JsonObject *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The command line that checks @lab the way its failure shows. */
static GPtrArray *
lab_arguments (MfdLab     *lab,
               MfdTlsMode  mode)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  MfdLabScenario scenario = mfd_lab_get_scenario (lab);
  gboolean by_name = scenario == MFD_LAB_DNS_NXDOMAIN || scenario == MFD_LAB_DNS_SERVFAIL ||
                     scenario == MFD_LAB_DNS_TIMEOUT || mfd_lab_get_dns_authority_port (lab) != 0;

  /* DANE: the command line asks a zone's name servers on port 53 only,
   * and the lab's signed zones are served on a port of their own; the
   * practice option hands the whole lab target over (the domain by MX, the
   * lab's resolver and root). The lab made here then goes unused. */
  if (mfd_lab_get_mx_domain (lab) != NULL)
    {
      g_ptr_array_add (args, g_strdup ("--practice"));
      g_ptr_array_add (args, g_strdup (mfd_lab_scenario_get_id (scenario)));
      g_ptr_array_add (args, g_strdup ("--json"));
      g_ptr_array_add (args, NULL);
      return args;
    }

  g_ptr_array_add (args, g_strdup ("--smart-host"));
  g_ptr_array_add (args, g_strdup_printf ("%s:%u",
                                          by_name ? mfd_lab_get_host_name (lab) : mfd_lab_get_address (lab),
                                          mfd_lab_get_smtp_port (lab)));
  if (by_name)
    {
      g_ptr_array_add (args, g_strdup ("--dns-server"));
      g_ptr_array_add (args, g_strdup (mfd_lab_get_dns_server (lab)));
    }
  g_ptr_array_add (args, g_strdup ("--tls"));
  g_ptr_array_add (args, g_strdup (mfd_tls_mode_to_string (mode)));
  if (mode == MFD_TLS_DOMAIN_VALIDATION)
    {
      g_ptr_array_add (args, g_strdup ("--tls-domain"));
      g_ptr_array_add (args, g_strdup (mfd_lab_get_tls_domain (lab)));
    }
  g_ptr_array_add (args, g_strdup ("--ca-file"));
  g_ptr_array_add (args, g_strdup (mfd_lab_get_ca_file (lab)));
  /* Every wait in the lab ends within this, and nothing leaves loopback. */
  g_ptr_array_add (args, g_strdup ("--timeout"));
  g_ptr_array_add (args, g_strdup ("2"));
  g_ptr_array_add (args, g_strdup ("--offline"));
  g_ptr_array_add (args, g_strdup ("--json"));
  g_ptr_array_add (args, NULL);

  return args;
}

static void
assert_diagnosis_shape (JsonObject *root)
{
  JsonArray *observations = json_object_get_array_member (root, "observations");

  g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mail-flow-doctor/diagnosis/1");
  g_assert_nonnull (json_object_get_array_member (root, "findings"));
  g_assert_nonnull (observations);
  g_assert_cmpuint (json_array_get_length (observations), >, 0);
  for (guint i = 0; i < json_array_get_length (observations); i++)
    {
      JsonObject *o = json_array_get_object_element (observations, i);
      MfdStage stage;

      g_assert_true (mfd_stage_from_string (json_object_get_string_member (o, "stage"), &stage));
      g_assert_nonnull (json_object_get_string_member (o, "outcome"));
      g_assert_true (json_object_has_member (o, "ms"));
      g_assert_nonnull (json_object_get_string_member (o, "detail"));
    }
}

/* Every practice server, checked under the TLS setting where its failure
 * shows: the CLI's JSON names the cause the lab was built to show. */
static void
test_scenario (gconstpointer data)
{
  MfdLabScenario scenario = GPOINTER_TO_INT (data);
  const char *cause = mfd_lab_scenario_get_cause (scenario);
  MfdTlsMode mode = mfd_lab_scenario_get_tls_mode (scenario);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (scenario, &error);
  g_autoptr(GPtrArray) args = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_auto(MfdTestRun) run = { NULL };
  JsonArray *findings;

  g_assert_no_error (error);
  if ((scenario == MFD_LAB_DNS_NXDOMAIN || scenario == MFD_LAB_DNS_SERVFAIL || scenario == MFD_LAB_DNS_TIMEOUT) &&
      mfd_lab_get_dns_server (lab) == NULL)
    {
      g_test_skip ("this build has no practice DNS responder");
      return;
    }
  if (mfd_lab_get_mx_domain (lab) == NULL &&
      mfd_lab_get_dns_authority_port (lab) != 0 && mfd_lab_get_dns_authority_port (lab) != 53)
    {
      /* The command line asks name servers on port 53 only. The test runs
       * in a user + network namespace of its own (tests/netns-run.sh)
       * where the lab may bind it; anywhere else say so loudly. */
      if (g_getenv ("MFD_TEST_NETNS") != NULL)
        g_error ("port 53 should be free in this network namespace, but the practice zone's name servers got %u",
                 mfd_lab_get_dns_authority_port (lab));
      g_test_skip ("cannot bind port 53 here and no network namespace (unshare -rn) could be made: "
                   "the practice zone's name servers need it");
      return;
    }

  args = lab_arguments (lab, mode);
  run_checkv (&run, (const char * const *) args->pdata);
  g_test_message ("stderr: %s", run.err);
  root = parse_json (run.out);
  assert_diagnosis_shape (root);
  findings = json_object_get_array_member (root, "findings");

  if (cause == NULL)
    {
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "ok");
      g_assert_cmpuint (json_array_get_length (findings), ==, 0);
    }
  else
    {
      JsonObject *first;

      g_assert_cmpint (run.status, ==, 1);
      g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "problem");
      g_assert_cmpuint (json_array_get_length (findings), >, 0);
      first = json_array_get_object_element (findings, 0);
      g_assert_cmpstr (json_object_get_string_member (first, "cause"), ==, cause);
      if (!g_str_equal (cause, "other"))
        g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, mfd_remedy_code_for_cause (cause));
      g_assert_cmpint (json_object_get_int_member (first, "reply"), ==, 450);
      g_assert_false (json_object_get_boolean_member (first, "warning"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "steps")), >, 0);
    }

  /* The probe talked SMTP politely: never a message, a recipient or a login. */
  {
    g_auto(GStrv) transcript = mfd_lab_dup_transcript (lab);

    for (guint i = 0; transcript != NULL && transcript[i] != NULL; i++)
      {
        g_assert_false (g_ascii_strncasecmp (transcript[i], "MAIL", 4) == 0);
        g_assert_false (g_ascii_strncasecmp (transcript[i], "RCPT", 4) == 0);
        g_assert_false (g_ascii_strncasecmp (transcript[i], "DATA", 4) == 0);
        g_assert_false (g_ascii_strncasecmp (transcript[i], "AUTH", 4) == 0);
        g_assert_false (g_ascii_strncasecmp (transcript[i], "VRFY", 4) == 0);
      }
  }
}

/* The same server is fine under one TLS setting and a finding under
 * another: an opportunistic connector delivers despite a bad certificate. */
static void
test_tls_setting_decides (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_CERT_EXPIRED, &error);
  g_autoptr(GPtrArray) opportunistic = NULL;
  g_autoptr(GPtrArray) validating = NULL;
  g_autoptr(JsonObject) soft = NULL;
  g_autoptr(JsonObject) hard = NULL;
  g_auto(MfdTestRun) run1 = { NULL };
  g_auto(MfdTestRun) run2 = { NULL };
  JsonArray *findings;

  g_assert_no_error (error);
  opportunistic = lab_arguments (lab, MFD_TLS_OPPORTUNISTIC);
  validating = lab_arguments (lab, MFD_TLS_DOMAIN_VALIDATION);

  run_checkv (&run1, (const char * const *) opportunistic->pdata);
  soft = parse_json (run1.out);
  g_assert_cmpint (run1.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (soft, "verdict"), ==, "ok");
  /* Exactly one finding, and only a warning: the expired certificate,
   * which an opportunistic connector does not check. */
  findings = json_object_get_array_member (soft, "findings");
  g_assert_cmpuint (json_array_get_length (findings), ==, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (findings, 0), "warning"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0), "cause"),
                   ==, "cert-expired");

  run_checkv (&run2, (const char * const *) validating->pdata);
  hard = parse_json (run2.out);
  g_assert_cmpint (run2.status, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (hard, "verdict"), ==, "problem");
  findings = json_object_get_array_member (hard, "findings");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0), "code"), ==, "4.7.320");
}

/* The human report: finding, evidence and numbered steps, in either language. */
static void
test_text_report (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_GREET_421, &error);
  g_autofree char *host = NULL;
  g_auto(MfdTestRun) en = { NULL };
  g_auto(MfdTestRun) ja = { NULL };

  g_assert_no_error (error);
  host = g_strdup_printf ("%s:%u", mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab));

  run_check (&en, "--smart-host", host, "--timeout", "2", "--offline", NULL);
  g_assert_cmpint (en.status, ==, 1);
  g_assert_nonnull (strstr (en.out, "450 4.4.317"));
  g_assert_nonnull (strstr (en.out, "greeting-rejected"));
  g_assert_nonnull (strstr (en.out, "Problem found"));
  g_assert_nonnull (strstr (en.out, "421"));
  g_assert_nonnull (strstr (en.out, "  1. "));
  /* Not a terminal: no progress lines. */
  g_assert_null (strstr (en.err, "Checking"));

  run_check (&ja, "--smart-host", host, "--timeout", "2", "--offline", "--lang", "ja", NULL);
  g_assert_cmpint (ja.status, ==, 1);
  g_assert_nonnull (strstr (ja.out, "450 4.4.317"));
  g_assert_nonnull (strstr (ja.out, mfd_tr ("ja", "Problem found")));
  g_assert_null (strstr (ja.out, "Problem found"));
}

static void
test_healthy_caveat (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autofree char *host = NULL;
  g_auto(MfdTestRun) run = { NULL };

  g_assert_no_error (error);
  host = g_strdup_printf ("%s:%u", mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab));
  run_check (&run, "--smart-host", host, "--ca-file", mfd_lab_get_ca_file (lab),
             "--timeout", "2", "--offline", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "No problem found"));
  /* Honest about what a check from here cannot see. */
  g_assert_nonnull (strstr (run.out, "not from Exchange Online"));
}

/* `check --connector "Contoso to on-premises"` from @path, whose smart
 * host is @lab on its own port; @lab refuses, so that is the first
 * finding. Returns the JSON document and, in @finding, that finding. */
static JsonObject *
check_refused_connector (MfdLab      *lab,
                         const char  *path,
                         JsonObject **finding)
{
  g_autofree char *port = g_strdup_printf ("%u", mfd_lab_get_smtp_port (lab));
  g_auto(MfdTestRun) run = { NULL };
  JsonObject *root;

  run_check (&run, "--connector", "Contoso to on-premises", "--connectors", path, "--port", port,
             "--timeout", "2", "--offline", "--json", NULL);
  g_assert_cmpint (run.status, ==, 1);
  root = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (root, "connector"), ==, "Contoso to on-premises");
  *finding = json_array_get_object_element (json_object_get_array_member (root, "findings"), 0);
  g_assert_cmpstr (json_object_get_string_member (*finding, "cause"), ==, "tcp-refused");
  return root;
}

static void
test_connector_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_REFUSE, &error);
  g_autofree char *path = g_build_filename (cache_dir, "connectors.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_auto(MfdTestRun) missing = { NULL };
  JsonObject *finding;
  const char *command = NULL;
  JsonArray *steps;

  g_assert_no_error (error);
  json = g_strdup_printf ("[{\"Name\": \"Contoso to on-premises\", \"Enabled\": true, \"ConnectorType\": \"OnPremises\","
                          " \"SmartHosts\": [\"%s\"], \"RecipientDomains\": [\"contoso.com\"], \"TlsSettings\": null,"
                          " \"UseMXRecord\": false}]", mfd_lab_get_address (lab));
  g_assert_true (g_file_set_contents (path, json, -1, &error));
  g_assert_no_error (error);

  root = check_refused_connector (lab, path, &finding);
  g_assert_cmpint (json_object_get_int_member (finding, "port"), ==, mfd_lab_get_smtp_port (lab));
  steps = json_object_get_array_member (finding, "steps");
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      const char *c = json_object_get_string_member (json_array_get_object_element (steps, i), "command");

      if (c != NULL && g_str_has_prefix (c, "Set-OutboundConnector"))
        command = c;
    }
  g_assert_nonnull (command);
  g_assert_nonnull (strstr (command, "-Identity \"Contoso to on-premises\""));

  run_check (&missing, "--connector", "No such connector", "--connectors", path, NULL);
  g_assert_cmpint (missing.status, ==, 2);
  g_assert_nonnull (strstr (missing.err, "No such connector"));
  g_assert_cmpstr (missing.out, ==, "");

  g_unlink (path);
}

/* The same connector copied from Get-OutboundConnector | Format-List (the
 * default view, as a help desk copies it) is checked the same way; a list
 * PowerShell shortened is refused with the way out. */
static void
test_connector_format_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_REFUSE, &error);
  g_autofree char *path = g_build_filename (cache_dir, "connectors-fl.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_auto(MfdTestRun) shortened = { NULL };
  JsonObject *finding;

  g_assert_no_error (error);
  text = g_strdup_printf ("PS C:\\> Get-OutboundConnector | Format-List\r\n\r\n"
                          "Enabled                       : True\r\n"
                          "UseMXRecord                   : False\r\n"
                          "Comment                       : 本社のオンプレミス サーバーへ\r\n"
                          "ConnectorType                 : OnPremises\r\n"
                          "RecipientDomains              : {contoso.com}\r\n"
                          "SmartHosts                    : {%s}\r\n"
                          "TlsDomain                     :\r\n"
                          "TlsSettings                   :\r\n"
                          "RouteAllMessagesViaOnPremises : False\r\n"
                          "Name                          : Contoso to on-premises\r\n"
                          "Identity                      : Contoso to on-premises\r\n\r\n",
                          mfd_lab_get_address (lab));
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  root = check_refused_connector (lab, path, &finding);

  g_assert_true (g_file_set_contents (path, "Name       : Many\nSmartHosts : {a.contoso.com, b.contoso.com, c.contoso.com, d.contoso.com...}\n",
                                      -1, &error));
  run_check (&shortened, "--connector", "Many", "--connectors", path, NULL);
  g_assert_cmpint (shortened.status, ==, 2);
  g_assert_nonnull (strstr (shortened.err, "$FormatEnumerationLimit = -1"));
  g_unlink (path);
}

/* An IPv6 smart host, written the way connectors and URLs write it. */
static void
test_ipv6 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new_full (MFD_LAB_GREET_421, "::1", &error);
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *host = NULL;
  g_auto(MfdTestRun) run = { NULL };
  JsonObject *finding;

  if (lab == NULL)
    {
      g_test_skip_printf ("no IPv6 loopback here: %s", error->message);
      return;
    }
  host = g_strdup_printf ("[::1]:%u", mfd_lab_get_smtp_port (lab));
  run_check (&run, "--smart-host", host, "--timeout", "2", "--offline", "--json", NULL);
  g_assert_cmpint (run.status, ==, 1);
  root = parse_json (run.out);
  finding = json_array_get_object_element (json_object_get_array_member (root, "findings"), 0);
  g_assert_cmpstr (json_object_get_string_member (finding, "cause"), ==, "greeting-rejected");
  g_assert_cmpstr (json_object_get_string_member (finding, "ip"), ==, "::1");
  g_assert_cmpint (json_object_get_int_member (finding, "port"), ==, mfd_lab_get_smtp_port (lab));
}

/* Ctrl-C ends a check promptly, however long its timeouts. */
static void
test_interrupt (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_SILENT, &error);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *host = NULL;
  g_autofree char *err = NULL;
  gint64 start;

  g_assert_no_error (error);
  host = g_strdup_printf ("%s:%u", mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab));
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MFD_BINARY"), "check",
                                         "--smart-host", host, "--timeout", "600", "--offline", NULL);
  g_assert_no_error (error);

  /* Once the silent server holds the connection, the check is under way. */
  start = g_get_monotonic_time ();
  while (mfd_lab_get_n_connections (lab) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
      g_usleep (10 * 1000);
    }

  start = g_get_monotonic_time ();
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  g_assert_nonnull (strstr (err, "cancelled"));
}

typedef struct
{
  const char *name;
  const char *args[8];
  const char *error;       /* in stderr */
} UsageCase;

static const UsageCase usage_cases[] = {
  { "nothing-to-check",  { NULL }, "Say what to check" },
  { "port-zero",         { "--smart-host", "mail.contoso.com", "--port", "0", NULL }, "--port" },
  { "port-too-big",      { "--smart-host", "mail.contoso.com", "--port", "70000", NULL }, "--port" },
  { "port-negative",     { "--smart-host", "mail.contoso.com", "--port", "-1", NULL }, "--port" },
  { "host-bad-port",     { "--smart-host", "mail.contoso.com:http", NULL }, "HOST:PORT" },
  { "host-range",        { "--smart-host", "203.0.113.0/24", NULL }, "address range" },
  { "bad-tls",           { "--smart-host", "mail.contoso.com", "--tls", "strict", NULL }, "--tls" },
  { "dv-without-domain", { "--smart-host", "mail.contoso.com", "--tls", "domain-validation", NULL }, "--tls-domain" },
  { "timeout-zero",      { "--smart-host", "mail.contoso.com", "--timeout", "0", NULL }, "--timeout" },
  { "timeout-negative",  { "--smart-host", "mail.contoso.com", "--timeout", "-1", NULL }, "--timeout" },
  { "timeout-nan",       { "--smart-host", "mail.contoso.com", "--timeout", "nan", NULL }, "--timeout" },
  { "bad-dns-server",    { "--smart-host", "mail.contoso.com", "--dns-server", "resolver.local", NULL }, "--dns-server" },
  { "missing-ca-file",   { "--smart-host", "mail.contoso.com", "--ca-file", "/nonexistent/ca.pem", NULL }, "CA file" },
  { "bad-doh-url",       { "--smart-host", "mail.contoso.com", "--doh-url", "ftp://dns.example/", NULL }, "--doh-url" },
  { "bad-lang",          { "--smart-host", "mail.contoso.com", "--lang", "fr", NULL }, "--lang" },
  { "connector-alone",   { "--connector", "Contoso", NULL }, "--connectors" },
  { "host-and-connector", { "--smart-host", "a.contoso.com", "--connector", "C", "--connectors", "/dev/null", NULL }, "--connector" },
  { "extra-argument",    { "--smart-host", "mail.contoso.com", "mail2.contoso.com", NULL }, "mail2.contoso.com" },
  { "unknown-option",    { "--smart-host", "mail.contoso.com", "--fast", NULL }, "--fast" },
  { "practice-and-host", { "--practice", "refuse", "--smart-host", "mail.contoso.com", NULL }, "--practice" },
  { "practice-unknown",  { "--practice", "no-such-lesson", NULL }, "no-such-lesson" },
};

static void
test_usage (gconstpointer data)
{
  const UsageCase *c = data;
  g_auto(MfdTestRun) run = { NULL };

  run_checkv (&run, c->args);
  g_test_message ("stderr: %s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, c->error));
}

static void
test_usage_japanese (void)
{
  g_auto(MfdTestRun) run = { NULL };

  run_check (&run, "--lang", "ja", "--smart-host", "mail.contoso.com", "--port", "0", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, mfd_tr ("ja", "--port takes a number from 1 to 65535.")));
  g_assert_cmpstr (mfd_tr ("ja", "--port takes a number from 1 to 65535."), !=,
                   "--port takes a number from 1 to 65535.");
}

static void
test_help (void)
{
  g_auto(MfdTestRun) en = { NULL };
  g_auto(MfdTestRun) ja = { NULL };

  run_check (&en, "--help", NULL);
  g_assert_cmpint (en.status, ==, 0);
  for (guint i = 0; i < 16; i++)
    {
      static const char *options[] = {
        "--smart-host", "--mx", "--port", "--tls", "--tls-domain", "--ca-file", "--dns-server",
        "--timeout", "--connector", "--connectors", "--json", "--lang", "--doh-url",
        "--rdap-bootstrap", "--endpoints-url", "--offline",
      };

      g_assert_nonnull (strstr (en.out, options[i]));
    }
  g_assert_nonnull (strstr (en.out, "A smart host to check"));

  run_check (&ja, "--help", "--lang", "ja", NULL);
  g_assert_cmpint (ja.status, ==, 0);
  g_assert_null (strstr (ja.out, "A smart host to check"));
  g_assert_nonnull (strstr (ja.out, mfd_tr ("ja", "A smart host to check (repeat for several)")));

  g_assert_nonnull (strstr (en.out, "Help Options:"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  cache_dir = g_dir_make_tmp ("mfd-test-cli-check-XXXXXX", &error);
  g_assert_no_error (error);

  for (int s = 0; s < MFD_LAB_N_SCENARIOS; s++)
    {
      g_autofree char *path = NULL;

      /* The MTA-STS lessons are checked by MX with a policy host on a port
       * the command line cannot name: test-cli-mta-sts runs them through
       * `check --practice`. */
      if (mfd_lab_scenario_is_by_mx (s))
        continue;
      path = g_strdup_printf ("/cli/check/scenario/%s", mfd_lab_scenario_get_id (s));
      g_test_add_data_func (path, GINT_TO_POINTER (s), test_scenario);
    }
  g_test_add_func ("/cli/check/tls-setting-decides", test_tls_setting_decides);
  g_test_add_func ("/cli/check/text-report", test_text_report);
  g_test_add_func ("/cli/check/healthy-caveat", test_healthy_caveat);
  g_test_add_func ("/cli/check/connector-file", test_connector_file);
  g_test_add_func ("/cli/check/connector-format-list", test_connector_format_list);
  g_test_add_func ("/cli/check/interrupt", test_interrupt);
  g_test_add_func ("/cli/check/ipv6", test_ipv6);
  MFD_TEST_ADD_ROWS ("/cli/check/usage", usage_cases, test_usage);
  g_test_add_func ("/cli/check/usage-japanese", test_usage_japanese);
  g_test_add_func ("/cli/check/help", test_help);

  status = g_test_run ();
  g_rmdir (cache_dir);
  g_free (cache_dir);
  return status;
}
