/* test-check.c — MfdCheck, the one pipeline both faces drive, against the
 * practice servers and an HTTPS server on loopback; target validation; the
 * one rule for the EOP ranges
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
#include "mfd-test-ca.h"
#include "mfd-test-json.h"
#include "mfd-test-web.h"
#include "mfd-test-util.h"

#define WATCHDOG_SECONDS 40

static char *test_dir;
static char *web_ca_pem;
static char *server_pem;

typedef struct
{
  MfdTestWeb  web;
  MfdLab     *lab;
  char       *ca_file;        /* the lab CA and the web CA */
  MfdTarget  *target;
} Fixture;

typedef struct
{
  GMainLoop    *loop;
  MfdDiagnosis *diagnosis;
  GError       *error;
  guint         started;
  guint         finished;
  guint         diagnosed;
  GCancellable *cancel_on_start;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->diagnosis);
  g_clear_error (&run->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
serve_endpoints (Fixture *f)
{
  mfd_test_web_serve (&f->web, "/version/Worldwide", 200, "application/json",
         "{\"instance\": \"Worldwide\", \"latest\": \"2026112900\"}");
  mfd_test_web_serve (&f->web, "/endpoints/Worldwide", 200, "application/json",
         "[{\"id\": 9, \"serviceArea\": \"Exchange\", \"urls\": [\"*.mail.protection.outlook.com\"],"
         "  \"ips\": [\"40.92.0.0/15\", \"52.100.0.0/14\"], \"tcpPorts\": \"25\","
         "  \"category\": \"Allow\", \"required\": true}]");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  MfdLabScenario scenario = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("ca-%08x.pem", g_random_int ());

  mfd_test_web_init (&f->web, server_pem);
  serve_endpoints (f);

  f->lab = mfd_lab_new (scenario, &error);
  g_assert_no_error (error);

  f->ca_file = g_build_filename (test_dir, name, NULL);
  mfd_test_ca_write_bundle (f->ca_file, mfd_lab_get_ca_file (f->lab), web_ca_pem);

  f->target = mfd_target_new ();
  mfd_target_add_smart_host (f->target, "127.0.0.1", mfd_lab_get_smtp_port (f->lab));
  mfd_target_set_tls_mode (f->target, mfd_lab_scenario_get_tls_mode (scenario));
  mfd_target_set_tls_domain (f->target, mfd_lab_get_tls_domain (f->lab));
  mfd_target_set_ca_file (f->target, f->ca_file);
  mfd_target_set_endpoints_url (f->target, f->web.base);
  mfd_target_set_timeout_seconds (f->target, 2);
  /* The control probes would ask the internet; test-cli-vantage plays
   * them on loopback. */
  mfd_target_set_control (f->target, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->target);
  g_clear_pointer (&f->lab, mfd_lab_free);
  mfd_test_web_clear (&f->web);
  g_unlink (f->ca_file);
  g_free (f->ca_file);
}

static void
on_step_started_cb (MfdCheck   *check,
                    MfdStage    stage,
                    const char *host,
                    const char *ip,
                    Run        *run)
{
  run->started++;
  if (run->cancel_on_start != NULL)
    g_cancellable_cancel (run->cancel_on_start);
}

static void
on_step_finished_cb (MfdCheck       *check,
                     MfdObservation *observation,
                     Run            *run)
{
  g_assert_nonnull (observation);
  run->finished++;
}

static void
on_diagnosed_cb (MfdCheck     *check,
                 MfdDiagnosis *diagnosis,
                 Run          *run)
{
  g_assert_true (MFD_IS_DIAGNOSIS (diagnosis));
  run->diagnosed++;
}

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;

  run->diagnosis = mfd_check_run_finish (MFD_CHECK (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
run_check (MfdCheck     *check,
           GCancellable *cancellable,
           Run          *run)
{
  guint watchdog = mfd_test_watchdog_add (WATCHDOG_SECONDS, "The check");

  run->loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (check, "step-started", G_CALLBACK (on_step_started_cb), run);
  g_signal_connect (check, "step-finished", G_CALLBACK (on_step_finished_cb), run);
  g_signal_connect (check, "diagnosed", G_CALLBACK (on_diagnosed_cb), run);
  mfd_check_run_async (check, cancellable, on_done_cb, run);
  g_main_loop_run (run->loop);
  g_source_remove (watchdog);
  g_signal_handlers_disconnect_by_data (check, run);
  g_assert_false (mfd_check_is_running (check));
}

/* A refused port: the finding's remedy lists the ranges, so the check
 * fetched them from the endpoints service and gave them to the diagnosis;
 * every step the probe reported came out of the check as a signal. */
static void
test_refused_gets_ranges (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(MfdCheck) check = mfd_check_new (f->target);
  g_auto(Run) run = { NULL };
  const char * const *ranges;
  MfdFinding *finding;

  run_check (check, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.diagnosis);
  g_assert_cmpint (mfd_diagnosis_get_verdict (run.diagnosis), ==, MFD_VERDICT_PROBLEM);
  finding = g_ptr_array_index (mfd_diagnosis_get_findings (run.diagnosis), 0);
  g_assert_cmpstr (finding->cause, ==, "tcp-refused");
  g_assert_true (mfd_diagnosis_needs_eop_ranges (run.diagnosis));

  ranges = mfd_diagnosis_get_eop_ranges (run.diagnosis);
  g_assert_nonnull (ranges);
  g_assert_cmpstr (ranges[0], ==, "40.92.0.0/15");
  g_assert_cmpstr (ranges[1], ==, "52.100.0.0/14");
  g_assert_null (ranges[2]);
  g_assert_nonnull (mfd_diagnosis_get_eop_ranges_fetched (run.diagnosis));
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 1);

  /* The report carries them, within the schema. */
  {
    g_autoptr(JsonNode) node = mfd_report_diagnosis_to_json (run.diagnosis, "en");
    JsonObject *root = json_node_get_object (node);

    mfd_test_json_assert_node_valid (node);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "eop_ranges")), ==, 2);
  }

  g_assert_cmpuint (run.diagnosed, ==, 1);
  g_assert_cmpuint (run.finished, ==, mfd_diagnosis_get_observations (run.diagnosis)->len);
  g_assert_cmpuint (run.started, >, 0);
  g_assert_cmpuint (run.started, <=, run.finished);
}

/* A certificate problem is not a firewall's: no ranges, no request. */
static void
test_expired_no_ranges (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(MfdCheck) check = mfd_check_new (f->target);
  g_auto(Run) run = { NULL };
  MfdFinding *finding;

  run_check (check, NULL, &run);
  g_assert_no_error (run.error);
  finding = g_ptr_array_index (mfd_diagnosis_get_findings (run.diagnosis), 0);
  g_assert_cmpstr (finding->cause, ==, "cert-expired");
  g_assert_false (mfd_diagnosis_needs_eop_ranges (run.diagnosis));
  g_assert_null (mfd_diagnosis_get_eop_ranges (run.diagnosis));
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 0);
}

/* Healthy and offline: the ranges are wanted, but only a saved copy may be
 * used; without one the diagnosis still comes, without ranges, and the
 * service is not asked. */
static void
test_healthy_offline (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MfdCheck) check = NULL;
  g_auto(Run) run = { NULL };

  mfd_target_set_offline (f->target, TRUE);
  check = mfd_check_new (f->target);
  run_check (check, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (mfd_diagnosis_get_verdict (run.diagnosis), ==, MFD_VERDICT_OK);
  g_assert_true (mfd_diagnosis_needs_eop_ranges (run.diagnosis));
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 0);
}

/* The NDR entry goes into the check, so the diagnosis compares with what
 * EOP saw; by default it is the target's. */
static void
test_ndr_entry (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MfdNdrEntry) entry = NULL;
  g_autoptr(MfdNdrResult) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdCheck) check = mfd_check_new (f->target);
  g_auto(Run) run = { NULL };
  g_autofree char *comparison = NULL;
  const char *text = "Error: 450 4.4.316 Connection refused [Message=Socket error code 10061] "
                     "[LastAttemptedServerName=127.0.0.1] [LastAttemptedIP=127.0.0.1:25]";

  parsed = mfd_ndr_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed->primary);
  entry = mfd_ndr_entry_ref (parsed->primary);
  g_assert_null (mfd_check_get_ndr_entry (check));
  mfd_check_set_ndr_entry (check, entry);
  g_assert_true (mfd_check_get_ndr_entry (check) == entry);

  run_check (check, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_true (mfd_diagnosis_get_ndr_entry (run.diagnosis) == entry);
  comparison = mfd_diagnosis_dup_comparison (run.diagnosis, "en");
  g_assert_nonnull (comparison);

  /* The JSON says where the check started: the NDR's entry, as explain-ndr
   * gives it, beside the comparison. */
  {
    g_autoptr(JsonNode) node = mfd_report_diagnosis_to_json (run.diagnosis, "en");
    JsonObject *root = json_node_get_object (node);
    JsonObject *ndr;

    mfd_test_json_assert_node_valid (node);
    g_assert_cmpstr (json_object_get_string_member (root, "comparison"), ==, comparison);
    ndr = json_object_get_object_member (root, "ndr");
    g_assert_nonnull (ndr);
    g_assert_cmpstr (json_object_get_string_member (ndr, "status"), ==, "4.4.316");
    g_assert_cmpstr (json_object_get_string_member (ndr, "ip"), ==, "127.0.0.1");
  }
}

/* Cancelled as soon as the first step starts, against a server that never
 * greets: G_IO_ERROR_CANCELLED, quickly, and the check can run again. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(MfdCheck) check = mfd_check_new (f->target);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(Run) run = { NULL };
  g_auto(Run) again = { NULL };
  gint64 start = g_get_monotonic_time ();

  run.cancel_on_start = cancellable;
  run_check (check, cancellable, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run.diagnosis);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 1500);

  run_check (check, NULL, &again);
  g_assert_no_error (again.error);
  g_assert_nonnull (again.diagnosis);
}

/* One run at a time per check. */
static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(MfdCheck) check = mfd_check_new (f->target);
  g_auto(Run) first = { NULL };
  g_auto(Run) second = { NULL };

  first.loop = g_main_loop_new (NULL, FALSE);
  second.loop = g_main_loop_new (NULL, FALSE);
  mfd_check_run_async (check, NULL, on_done_cb, &first);
  mfd_check_run_async (check, NULL, on_done_cb, &second);
  g_main_loop_run (second.loop);
  g_assert_error (second.error, MFD_CHECK_ERROR, MFD_CHECK_ERROR_BUSY);
  g_main_loop_run (first.loop);
  g_assert_no_error (first.error);
  g_assert_nonnull (first.diagnosis);
}

/* An unusable target fails before anything is asked, with the engine's
 * message. */
static void
test_invalid_target (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MfdCheck) check = NULL;
  g_auto(Run) run = { NULL };

  mfd_target_set_tls_mode (f->target, MFD_TLS_DOMAIN_VALIDATION);
  mfd_target_set_tls_domain (f->target, NULL);
  check = mfd_check_new (f->target);
  run_check (check, NULL, &run);
  g_assert_error (run.error, MFD_TARGET_ERROR, MFD_TARGET_ERROR_TLS_DOMAIN);
  g_assert_cmpuint (run.started, ==, 0);
}

/* Validation ---------------------------------------------------------------- */

typedef struct
{
  const char     *name;
  const char     *smart_host;
  const char     *mx;
  MfdTlsMode      mode;
  const char     *tls_domain;
  const char     *ca_file;
  const char     *dns_server;
  const char     *doh_url;
  int             code;          /* -1: valid */
} ValidateCase;

static const ValidateCase validate_cases[] = {
  { "host", "mail.contoso.com", NULL, MFD_TLS_OPPORTUNISTIC, NULL, NULL, NULL, NULL, -1 },
  { "mx", NULL, "contoso.com", MFD_TLS_OPPORTUNISTIC, NULL, NULL, NULL, NULL, -1 },
  { "connector-range", "203.0.113.0/24", NULL, MFD_TLS_OPPORTUNISTIC, NULL, NULL, NULL, NULL, -1 },
  { "dv", "mail.contoso.com", NULL, MFD_TLS_DOMAIN_VALIDATION, "*.contoso.com", NULL, "127.0.0.1:5353", "http://127.0.0.1:9/x", -1 },
  { "nothing", NULL, NULL, MFD_TLS_OPPORTUNISTIC, NULL, NULL, NULL, NULL, MFD_TARGET_ERROR_NO_DESTINATION },
  { "bad-host", "mail..contoso.com", NULL, MFD_TLS_OPPORTUNISTIC, NULL, NULL, NULL, NULL, MFD_TARGET_ERROR_SMART_HOST },
  { "bad-mx", NULL, "*.contoso.com", MFD_TLS_OPPORTUNISTIC, NULL, NULL, NULL, NULL, MFD_TARGET_ERROR_MX_DOMAIN },
  { "dv-no-domain", "mail.contoso.com", NULL, MFD_TLS_DOMAIN_VALIDATION, NULL, NULL, NULL, NULL, MFD_TARGET_ERROR_TLS_DOMAIN },
  { "bad-tls-domain", "mail.contoso.com", NULL, MFD_TLS_DOMAIN_VALIDATION, "a.*.contoso.com", NULL, NULL, NULL, MFD_TARGET_ERROR_TLS_DOMAIN },
  { "missing-ca", "mail.contoso.com", NULL, MFD_TLS_OPPORTUNISTIC, NULL, "/nonexistent/ca.pem", NULL, NULL, MFD_TARGET_ERROR_CA_FILE },
  { "bad-dns-server", "mail.contoso.com", NULL, MFD_TLS_OPPORTUNISTIC, NULL, NULL, "resolver.local", NULL, MFD_TARGET_ERROR_DNS_SERVER },
  { "bad-doh-url", "mail.contoso.com", NULL, MFD_TLS_OPPORTUNISTIC, NULL, NULL, NULL, "ftp://dns.example/", MFD_TARGET_ERROR_DOH_URL },
};

static void
test_validate (gconstpointer data)
{
  const ValidateCase *c = data;
  g_autoptr(MfdTarget) target = mfd_target_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (c->smart_host != NULL)
    mfd_target_add_smart_host (target, c->smart_host, 0);
  if (c->mx != NULL)
    mfd_target_add_mx_domain (target, c->mx);
  mfd_target_set_tls_mode (target, c->mode);
  mfd_target_set_tls_domain (target, c->tls_domain);
  mfd_target_set_ca_file (target, c->ca_file);
  mfd_target_set_dns_server (target, c->dns_server);
  if (c->doh_url != NULL)
    mfd_target_set_doh_url (target, c->doh_url);

  ok = mfd_target_validate (target, "en", &error);
  if (c->code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_test_message ("%s", error != NULL ? error->message : "(no error)");
      g_assert_false (ok);
      g_assert_error (error, MFD_TARGET_ERROR, c->code);
      g_assert_cmpstr (error->message, !=, "");
    }
}

/* The same rule speaks Japanese when asked to. */
static void
test_validate_japanese (void)
{
  g_autoptr(MfdTarget) target = mfd_target_new ();
  g_autoptr(GError) error = NULL;
  const char *msgid = "There is nothing to check: give a smart host, or a domain whose MX hosts to check.";

  g_assert_false (mfd_target_validate (target, "ja", &error));
  g_assert_cmpstr (error->message, ==, mfd_tr ("ja", msgid));
  g_assert_cmpstr (error->message, !=, msgid);
}

static void
test_parse_smart_host (void)
{
  const struct { const char *text; const char *host; guint16 port; gboolean ok; } cases[] = {
    { "mail.contoso.com", "mail.contoso.com", 0, TRUE },
    { "mail.contoso.com:2525", "mail.contoso.com", 2525, TRUE },
    { "[2001:db8::25]:2525", "2001:db8::25", 2525, TRUE },
    { "2001:db8::25", "2001:db8::25", 0, TRUE },
    { "mail.contoso.com:http", NULL, 0, FALSE },
    { "mail.contoso.com:0", NULL, 0, FALSE },
    { "203.0.113.0/24", NULL, 0, FALSE },
    { "[]:25", NULL, 0, FALSE },
    { "", NULL, 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *host = NULL;
      g_autoptr(GError) error = NULL;
      guint16 port = 99;
      gboolean ok = mfd_target_parse_smart_host (cases[i].text, "en", &host, &port, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (host, ==, cases[i].host);
          g_assert_cmpuint (port, ==, cases[i].port);
        }
      else
        {
          g_assert_error (error, MFD_TARGET_ERROR, MFD_TARGET_ERROR_SMART_HOST);
        }
    }
}

/* The ranges rule comes from the catalogue: the causes whose fixes have
 * the step that lists EOP's addresses, and nothing else. */
static void
test_remedy_ranges (void)
{
  const struct { const char *code; const char *cause; gboolean uses; } cases[] = {
    { NULL, "tcp-refused", TRUE },
    { NULL, "tcp-timeout", TRUE },
    { NULL, "greeting-rejected", TRUE },
    { "4.4.316", NULL, TRUE },
    { "4.4.315", NULL, TRUE },
    { "5.4.316", NULL, TRUE },
    { "4.4.318", NULL, FALSE },
    { NULL, "cert-expired", FALSE },
    { NULL, "starttls-missing", FALSE },
    { NULL, "dns-nxdomain", FALSE },
    { NULL, "no-such-cause", FALSE },
    { NULL, NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s %s", cases[i].code, cases[i].cause);
      g_assert_cmpint (mfd_remedy_uses_eop_ranges (cases[i].code, cases[i].cause), ==, cases[i].uses);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MfdTestCa) ca = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;
  int status;

  setlocale (LC_ALL, "");
  /* The web's saved copies go to a directory of this run only. */
  test_dir = g_dir_make_tmp ("mfd-test-check-XXXXXX", &error);
  g_assert_no_error (error);
  cache = g_build_filename (test_dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

  ca = mfd_test_ca_new ("CN=Mail Flow Doctor Check Test CA,O=Tests");
  web_ca_pem = g_strdup (mfd_test_ca_get_pem (ca));
  server_pem = mfd_test_ca_issue_server (ca, 2, NULL, -1, 7);

#define ADD(path, scenario, func) \
  g_test_add ("/check/" path, Fixture, GUINT_TO_POINTER (scenario), fixture_setup, func, fixture_teardown)

  ADD ("refused-gets-ranges", MFD_LAB_REFUSE, test_refused_gets_ranges);
  ADD ("expired-no-ranges", MFD_LAB_CERT_EXPIRED, test_expired_no_ranges);
  ADD ("healthy-offline", MFD_LAB_HEALTHY, test_healthy_offline);
  ADD ("ndr-entry", MFD_LAB_REFUSE, test_ndr_entry);
  ADD ("cancel", MFD_LAB_SILENT, test_cancel);
  ADD ("busy", MFD_LAB_HEALTHY, test_busy);
  ADD ("invalid-target", MFD_LAB_HEALTHY, test_invalid_target);

#undef ADD

  MFD_TEST_ADD_ROWS ("/target/validate", validate_cases, test_validate);
  g_test_add_func ("/target/validate/japanese", test_validate_japanese);
  g_test_add_func ("/target/parse-smart-host", test_parse_smart_host);
  g_test_add_func ("/remedy/uses-eop-ranges", test_remedy_ranges);

  status = g_test_run ();

  mfd_test_remove_tree (test_dir);
  g_free (test_dir);
  g_free (web_ca_pem);
  g_free (server_pem);
  return status;
}
