/* test-probe.c — MfdProbe end to end against the practice servers on
 * loopback: every failure the lab can show, what we send, concurrency,
 * cancellation and the order of the progress signals
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "mfd-lab-dns.h"
#include "mfd-test-ca.h"
#include "mfd-test-web.h"
#include "mfd-test-util.h"

#define SHORT_MS 1000

static const MfdStage address_stages[] = {
  MFD_STAGE_TCP, MFD_STAGE_GREETING, MFD_STAGE_EHLO, MFD_STAGE_STARTTLS,
  MFD_STAGE_TLS, MFD_STAGE_CERTIFICATE, MFD_STAGE_QUIT,
};

typedef struct
{
  GMainLoop  *loop;
  GPtrArray  *observations;    /* from run_finish */
  GError     *error;
  GPtrArray  *events;          /* "started tcp 127.0.0.1", "finished tcp 127.0.0.1" */
  GThread    *thread;          /* where the signals must arrive */
  guint       n_foreign_thread;
  gint64      elapsed_ms;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_pointer (&run->observations, g_ptr_array_unref);
  g_clear_error (&run->error);
  g_clear_pointer (&run->events, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
on_step_started_cb (MfdProbe   *probe,
                    MfdStage    stage,
                    const char *host,
                    const char *ip,
                    Run        *run)
{
  if (g_thread_self () != run->thread)
    run->n_foreign_thread++;
  g_ptr_array_add (run->events, g_strdup_printf ("started %s %s %s", mfd_stage_to_string (stage),
                                                 host, ip != NULL ? ip : "-"));
}

static void
on_step_finished_cb (MfdProbe       *probe,
                     MfdObservation *obs,
                     Run            *run)
{
  if (g_thread_self () != run->thread)
    run->n_foreign_thread++;
  g_ptr_array_add (run->events, g_strdup_printf ("finished %s %s %s", mfd_stage_to_string (obs->stage),
                                                 obs->host, obs->ip != NULL ? obs->ip : "-"));
}

static void
on_run_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;

  run->observations = mfd_probe_run_finish (MFD_PROBE (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
on_cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Runs @probe to the end on this thread's main context; @cancel_after_ms
 * > 0 cancels it that long after the start. */
static void
run_probe (MfdProbe *probe,
           guint     cancel_after_ms,
           Run      *run)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 started = g_get_monotonic_time ();
  guint watchdog;
  gulong started_id, finished_id;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->events = g_ptr_array_new_with_free_func (g_free);
  run->thread = g_thread_self ();
  started_id = g_signal_connect (probe, "step-started", G_CALLBACK (on_step_started_cb), run);
  finished_id = g_signal_connect (probe, "step-finished", G_CALLBACK (on_step_finished_cb), run);
  if (cancel_after_ms > 0)
    g_timeout_add (cancel_after_ms, on_cancel_cb, cancellable);
  watchdog = mfd_test_watchdog_add (60, "The probe");

  mfd_probe_run_async (probe, cancellable, on_run_done_cb, run);
  g_main_loop_run (run->loop);

  run->elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_source_remove (watchdog);
  g_signal_handler_disconnect (probe, started_id);
  g_signal_handler_disconnect (probe, finished_id);
  g_assert_cmpuint (run->n_foreign_thread, ==, 0);
}

static MfdTarget *
new_target (MfdTlsMode mode)
{
  MfdTarget *target = mfd_target_new ();

  mfd_target_set_tls_mode (target, mode);
  mfd_target_set_connect_timeout_ms (target, SHORT_MS);
  mfd_target_set_reply_timeout_ms (target, SHORT_MS);
  mfd_target_set_tls_timeout_ms (target, 2 * SHORT_MS);
  mfd_target_set_dns_timeout_ms (target, SHORT_MS);
  return target;
}

static MfdObservation *
find_observation (GPtrArray  *observations,
                  MfdStage    stage,
                  const char *ip)
{
  MfdObservation *found = NULL;

  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *obs = g_ptr_array_index (observations, i);

      if (obs->stage == stage && g_strcmp0 (obs->ip, ip) == 0)
        {
          g_assert_null (found);     /* once per stage and address */
          found = obs;
        }
    }
  return found;
}

/* Every address step is reported once, in order, announced before it ends;
 * after a failure the rest are SKIPPED (but QUIT after a certificate one). */
static void
assert_address_steps (Run        *run,
                      const char *ip)
{
  gboolean failed = FALSE;
  int last_index = -1;

  for (guint s = 0; s < G_N_ELEMENTS (address_stages); s++)
    {
      MfdObservation *obs = find_observation (run->observations, address_stages[s], ip);
      g_autofree char *finished = NULL;
      guint index;

      g_assert_nonnull (obs);
      if (failed)
        g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_SKIPPED);
      /* A certificate verdict does not break the session: QUIT still runs. */
      if ((obs->outcome == MFD_OUTCOME_FAIL || obs->outcome == MFD_OUTCOME_INCONCLUSIVE) &&
          obs->stage != MFD_STAGE_CERTIFICATE)
        failed = TRUE;

      finished = g_strdup_printf ("finished %s %s %s", mfd_stage_to_string (address_stages[s]),
                                  obs->host, ip);
      g_assert_true (g_ptr_array_find_with_equal_func (run->events, finished, g_str_equal, &index));
      g_assert_cmpint ((int) index, >, last_index);
      last_index = index;

      if (obs->outcome != MFD_OUTCOME_SKIPPED)
        {
          g_autofree char *started = g_strdup_printf ("started %s %s %s",
                                                      mfd_stage_to_string (address_stages[s]),
                                                      obs->host, ip);
          guint started_index;

          g_assert_true (g_ptr_array_find_with_equal_func (run->events, started, g_str_equal,
                                                           &started_index));
          g_assert_cmpuint (started_index, <, index);
        }
    }
}

/* Every scenario of the lab, through the probe, gives the cause the lab
 * says it shows, under the TLS setting the lab names. */
static void
test_scenario (gconstpointer data)
{
  MfdLabScenario scenario = GPOINTER_TO_UINT (data);
  const char *cause = mfd_lab_scenario_get_cause (scenario);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (scenario, &error);
  g_autoptr(MfdTarget) target = new_target (mfd_lab_scenario_get_tls_mode (scenario));
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(Run) run = { NULL, };
  const char *ip = "127.0.0.1";
  guint n_findings = 0;

  g_assert_no_error (error);
  if (g_str_has_prefix (mfd_lab_scenario_get_id (scenario), "dns-"))
    {
      mfd_target_set_dns_server (target, mfd_lab_get_dns_server (lab));
      mfd_target_add_smart_host (target, mfd_lab_get_host_name (lab), mfd_lab_get_smtp_port (lab));
    }
  else if (mfd_lab_get_mx_domain (lab) != NULL)
    {
      /* DANE: the signed domain by MX, validated from the lab's root. */
      mfd_target_set_dns_server (target, mfd_lab_get_dns_server (lab));
      mfd_target_add_mx_domain (target, mfd_lab_get_mx_domain (lab));
      mfd_target_set_port (target, mfd_lab_get_smtp_port (lab));
      mfd_target_set_trust_anchor_file (target, mfd_lab_get_trust_anchor_file (lab));
    }
  else
    mfd_target_add_smart_host (target, ip, mfd_lab_get_smtp_port (lab));
  mfd_target_set_tls_domain (target, mfd_lab_get_tls_domain (lab));
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (lab));

  probe = mfd_probe_new (target);
  mfd_probe_set_dns_authority_port (probe, mfd_lab_get_dns_authority_port (lab));
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.observations);
  g_assert_cmpuint (run.observations->len, ==, mfd_probe_get_observations (probe)->len);

  for (guint i = 0; i < run.observations->len; i++)
    {
      MfdObservation *obs = g_ptr_array_index (run.observations, i);

      /* Only asking the name servers behind a silent resolver may be
       * impossible from here. */
      if (obs->stage != MFD_STAGE_DNS_AUTHORITY)
        g_assert_cmpint (obs->outcome, !=, MFD_OUTCOME_INCONCLUSIVE);
      if (obs->outcome == MFD_OUTCOME_FAIL)
        {
          g_autofree char *detail = mfd_observation_dup_detail (obs, "en");

          g_test_message ("%s: %s (%s)", mfd_stage_to_string (obs->stage), obs->cause, detail);
          g_assert_cmpstr (obs->cause, ==, cause);
          g_assert_cmpstr (detail, !=, "");
          n_findings++;
        }
      else if (cause == NULL)
        g_assert_true (obs->outcome == MFD_OUTCOME_OK || obs->outcome == MFD_OUTCOME_SKIPPED);
    }
  g_assert_cmpuint (n_findings, ==, cause != NULL ? 1 : 0);

  if (!g_str_has_prefix (mfd_lab_scenario_get_id (scenario), "dns-") &&
      mfd_lab_get_mx_domain (lab) == NULL)
    assert_address_steps (&run, ip);
  /* Hostile and silent peers alike are given up on within the timeouts. */
  g_assert_cmpint (run.elapsed_ms, <, 3 * SHORT_MS + 2000);
}

static gboolean
is_forbidden_command (const char *line)
{
  static const char * const forbidden[] = { "MAIL", "RCPT", "DATA", "VRFY", "AUTH", "EXPN", "BDAT" };

  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    if (g_ascii_strncasecmp (line, forbidden[i], 4) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  MfdTlsMode          mode;
  const char * const  commands[5];
} TranscriptCase;

static const TranscriptCase transcript_cases[] = {
  { MFD_TLS_DOMAIN_VALIDATION, { "EHLO", "STARTTLS", "EHLO", "QUIT", NULL } },
  { MFD_TLS_OPPORTUNISTIC, { "EHLO", "STARTTLS", "EHLO", "QUIT", NULL } },
  { MFD_TLS_NONE, { "EHLO", "QUIT", NULL } },
};

/* The recording peer: exactly these commands, nothing that could send
 * mail or probe mailboxes. */
static void
test_transcript (gconstpointer data)
{
  const TranscriptCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdTarget) target = new_target (c->mode);
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(GStrv) transcript = NULL;
  g_auto(Run) run = { NULL, };

  g_assert_no_error (error);
  mfd_target_add_smart_host (target, "127.0.0.1", mfd_lab_get_smtp_port (lab));
  mfd_target_set_tls_domain (target, mfd_lab_get_tls_domain (lab));
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (lab));
  probe = mfd_probe_new (target);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);

  transcript = mfd_lab_dup_transcript (lab);
  g_assert_cmpuint (g_strv_length (transcript), ==, g_strv_length ((char **) c->commands));
  for (guint i = 0; transcript[i] != NULL; i++)
    {
      const char *space = strchr (transcript[i], ' ');
      g_autofree char *verb = g_strndup (transcript[i], space != NULL ? (gsize) (space - transcript[i]) : strlen (transcript[i]));

      g_assert_false (is_forbidden_command (transcript[i]));
      g_assert_cmpstr (verb, ==, c->commands[i]);
    }
  g_assert_cmpuint (mfd_lab_get_n_connections (lab), ==, 1);
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) silent = mfd_lab_new (MFD_LAB_SILENT, &error);
  g_autoptr(MfdLab) blackhole = mfd_lab_new (MFD_LAB_BLACKHOLE, &error);
  g_autoptr(MfdTarget) target = new_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(Run) run = { NULL, };
  guint n_tcp = 0;

  g_assert_no_error (error);
  /* Timeouts far longer than the test may take. */
  mfd_target_set_connect_timeout_ms (target, 60000);
  mfd_target_set_reply_timeout_ms (target, 60000);
  mfd_target_add_smart_host (target, "127.0.0.1", mfd_lab_get_smtp_port (silent));
  mfd_target_add_smart_host (target, "127.0.0.1", mfd_lab_get_smtp_port (blackhole));
  probe = mfd_probe_new (target);

  run_probe (probe, 300, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run.observations);
  g_assert_cmpint (run.elapsed_ms, <, 3000);

  /* The same probe runs again afterwards, from a clean slate. */
  run_clear (&run);
  mfd_target_set_connect_timeout_ms (target, SHORT_MS);
  mfd_target_set_reply_timeout_ms (target, SHORT_MS);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);
  for (guint i = 0; i < run.observations->len; i++)
    {
      MfdObservation *obs = g_ptr_array_index (run.observations, i);

      if (obs->stage == MFD_STAGE_TCP)
        n_tcp++;
      if (obs->port == mfd_lab_get_smtp_port (silent) && obs->stage == MFD_STAGE_GREETING)
        g_assert_cmpstr (obs->cause, ==, "greeting-timeout");
      if (obs->port == mfd_lab_get_smtp_port (blackhole) && obs->stage == MFD_STAGE_TCP)
        g_assert_cmpstr (obs->cause, ==, "tcp-timeout");
    }
  g_assert_cmpuint (n_tcp, ==, 2);
}

/* Six hosts that all time out take about one timeout, not six: a bound on
 * the concurrency, not a benchmark. */
static void
test_concurrent_timeouts (void)
{
  g_autoptr(GPtrArray) labs = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_lab_free);
  g_autoptr(MfdTarget) target = new_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(Run) run = { NULL, };
  guint n_timeouts = 0;

  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(GError) error = NULL;
      MfdLab *lab = mfd_lab_new (MFD_LAB_BLACKHOLE, &error);

      g_assert_no_error (error);
      g_ptr_array_add (labs, lab);
      mfd_target_add_smart_host (target, "127.0.0.1", mfd_lab_get_smtp_port (lab));
    }
  probe = mfd_probe_new (target);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);

  for (guint i = 0; i < run.observations->len; i++)
    {
      MfdObservation *obs = g_ptr_array_index (run.observations, i);

      if (obs->stage == MFD_STAGE_TCP)
        {
          g_assert_cmpstr (obs->cause, ==, "tcp-timeout");
          n_timeouts++;
        }
    }
  g_assert_cmpuint (n_timeouts, ==, 6);
  g_assert_cmpint (run.elapsed_ms, <, 4000);
}

static void
test_ipv6 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new_full (MFD_LAB_HEALTHY, "::1", &error);
  g_autoptr(MfdTarget) target = new_target (MFD_TLS_DOMAIN_VALIDATION);
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(Run) run = { NULL, };

  if (lab == NULL)
    {
      g_test_skip_printf ("No IPv6 loopback here: %s", error->message);
      return;
    }
  mfd_target_add_smart_host (target, "::1", mfd_lab_get_smtp_port (lab));
  mfd_target_set_tls_domain (target, mfd_lab_get_tls_domain (lab));
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (lab));
  probe = mfd_probe_new (target);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);
  assert_address_steps (&run, "::1");
  for (guint s = 0; s < G_N_ELEMENTS (address_stages); s++)
    g_assert_cmpint (find_observation (run.observations, address_stages[s], "::1")->outcome,
                     ==, MFD_OUTCOME_OK);
}

/* An NDR's address is checked besides what the host name gives: here the
 * host answers, the address EOP tried does not. */
static void
test_ndr_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdTarget) target = new_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(Run) run = { NULL, };
  MfdObservation *tcp;

  g_assert_no_error (error);
  mfd_target_add_smart_host_full (target, "127.0.0.1", "127.0.0.2", mfd_lab_get_smtp_port (lab));
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (lab));
  probe = mfd_probe_new (target);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);

  assert_address_steps (&run, "127.0.0.1");
  assert_address_steps (&run, "127.0.0.2");
  g_assert_cmpint (find_observation (run.observations, MFD_STAGE_QUIT, "127.0.0.1")->outcome, ==, MFD_OUTCOME_OK);
  tcp = find_observation (run.observations, MFD_STAGE_TCP, "127.0.0.2");
  g_assert_cmpstr (tcp->cause, ==, "tcp-refused");
}

static void
test_address_range (void)
{
  g_autoptr(MfdTarget) target = new_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(Run) run = { NULL, };
  MfdObservation *dns;

  mfd_target_add_smart_host (target, "192.0.2.0/24", 0);
  probe = mfd_probe_new (target);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.observations->len, ==, 1);
  dns = g_ptr_array_index (run.observations, 0);
  g_assert_cmpint (dns->stage, ==, MFD_STAGE_DNS);
  g_assert_cmpint (dns->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
}

/* The web services on loopback (the test web server), answering for the
 * lab's name as the internet would. */
typedef struct
{
  MfdTestWeb  server;
  char       *dir;
  MfdWeb     *web;
} Internet;

static void
serve_doh (Internet   *net,
           const char *name,
           const char *type,
           int         status,
           const char *address)
{
  g_autofree char *answer = NULL;

  if (address != NULL)
    answer = g_strdup_printf ("{\"name\": \"%s.\", \"type\": %d, \"TTL\": 300, \"data\": \"%s\"}",
                              name, g_str_equal (type, "A") ? 1 : 28, address);
  mfd_test_web_serve_doh (&net->server, name, type, status, FALSE, answer);
}

static void
internet_init (Internet *net)
{
  g_autoptr(MfdTestCa) ca = mfd_test_ca_new ("CN=Mail Flow Doctor Probe Test CA,O=Tests");
  g_autofree char *pem = mfd_test_ca_issue_server (ca, 2, NULL, -1, 7);
  g_autofree char *ca_file = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *doh = NULL;
  g_autofree char *bootstrap = NULL;
  g_autofree char *services = NULL;
  g_autofree char *domain = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = g_date_time_add_days (now, 300);
  g_autofree char *expiration_text = g_date_time_format (expiration, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(GError) error = NULL;

  net->dir = g_dir_make_tmp ("mfd-probe-internet-XXXXXX", &error);
  g_assert_no_error (error);
  ca_file = g_build_filename (net->dir, "ca.pem", NULL);
  g_file_set_contents (ca_file, mfd_test_ca_get_pem (ca), -1, &error);
  g_assert_no_error (error);
  cache_dir = g_build_filename (net->dir, "cache", NULL);

  mfd_test_web_init (&net->server, pem);
  services = g_strdup_printf ("{\"description\": \"RDAP bootstrap file for Domain Name System registrations\","
                              " \"publication\": \"2026-01-01T00:00:00Z\", \"version\": \"1.0\","
                              " \"services\": [[[\"test\"], [\"%s/rdap/\"]]]}", net->server.base);
  mfd_test_web_serve (&net->server, "/rdap/dns.json", 200, "application/json", services);
  domain = g_strdup_printf ("{\"objectClassName\": \"domain\", \"ldhName\": \"CONTOSO.TEST\","
                            " \"status\": [\"active\"],"
                            " \"events\": [{\"eventAction\": \"expiration\", \"eventDate\": \"%s\"}],"
                            " \"rdapConformance\": [\"rdap_level_0\"]}", expiration_text);
  mfd_test_web_serve (&net->server, "/rdap/domain/contoso.test", 200, "application/rdap+json", domain);

  doh = g_strconcat (net->server.base, "/resolve", NULL);
  bootstrap = g_strconcat (net->server.base, "/rdap/dns.json", NULL);
  net->web = mfd_web_new (doh, bootstrap, net->server.base, ca_file, 5000);
  mfd_web_set_cache_dir (net->web, cache_dir);
}

static void
internet_clear (Internet *net)
{
  g_clear_object (&net->web);
  mfd_test_web_clear (&net->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  mfd_test_remove_tree (net->dir);
  g_free (net->dir);
}

/* By name through the lab's DNS responder, with the internet's view (the
 * test web server playing DoH and RDAP): the run waits for those checks,
 * which run on the main context, and reports what they found. */
static void
test_by_name (gconstpointer user_data)
{
  gboolean split = GPOINTER_TO_INT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdTarget) target = new_target (MFD_TLS_DOMAIN_VALIDATION);
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(Run) run = { NULL, };
  Internet net = { { NULL, }, };
  MfdObservation *dns, *public_dns, *registration, *authority;
  g_autofree char *detail = NULL;
  guint i_public, i_dns = G_MAXUINT;

  g_assert_no_error (error);
  internet_init (&net);
  if (split)
    {
      /* The internet does not know the name the local resolver answers. */
      serve_doh (&net, "mail.contoso.test", "A", 3, NULL);
      serve_doh (&net, "mail.contoso.test", "AAAA", 3, NULL);
    }
  else
    {
      serve_doh (&net, "mail.contoso.test", "A", 0, "127.0.0.1");
      serve_doh (&net, "mail.contoso.test", "AAAA", 0, NULL);
    }

  mfd_target_set_dns_server (target, mfd_lab_get_dns_server (lab));
  mfd_target_add_smart_host (target, mfd_lab_get_host_name (lab), mfd_lab_get_smtp_port (lab));
  mfd_target_set_tls_domain (target, mfd_lab_get_tls_domain (lab));
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (lab));
  probe = mfd_probe_new (target);
  mfd_probe_set_web (probe, net.web);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);

  dns = find_observation (run.observations, MFD_STAGE_DNS, NULL);
  g_assert_cmpint (dns->outcome, ==, MFD_OUTCOME_OK);
  assert_address_steps (&run, "127.0.0.1");
  for (guint s = 0; s < G_N_ELEMENTS (address_stages); s++)
    g_assert_cmpint (find_observation (run.observations, address_stages[s], "127.0.0.1")->outcome,
                     ==, MFD_OUTCOME_OK);
  authority = find_observation (run.observations, MFD_STAGE_DNS_AUTHORITY, NULL);
  g_assert_nonnull (authority);
  detail = mfd_observation_dup_detail (authority, "en");
  g_test_message ("authority: %s %s", mfd_outcome_to_string (authority->outcome), detail);

  /* Each service was asked once, for the name (not for its address). */
  g_assert_cmpuint (mfd_test_web_hits (&net.server, "/resolve?mail.contoso.test&A"), ==, 1);
  g_assert_cmpuint (mfd_test_web_hits (&net.server, "/resolve?mail.contoso.test&AAAA"), ==, 1);
  /* .test is no registry's: RDAP is not asked (see the registration step). */
  g_assert_cmpuint (mfd_test_web_hits (&net.server, "/rdap/domain/contoso.test"), ==, 0);

  public_dns = find_observation (run.observations, MFD_STAGE_DNS_PUBLIC, NULL);
  registration = find_observation (run.observations, MFD_STAGE_REGISTRATION, NULL);
  g_assert_nonnull (public_dns);
  g_assert_nonnull (registration);
  g_assert_cmpstr (public_dns->host, ==, "mail.contoso.test");
  g_assert_cmpstr (mfd_observation_get_fact (public_dns, "resolver"), ==, "127.0.0.1");
  if (split)
    {
      g_assert_cmpint (public_dns->outcome, ==, MFD_OUTCOME_FAIL);
      g_assert_cmpstr (public_dns->cause, ==, "dns-split-horizon");
      g_assert_cmpstr (mfd_observation_get_fact (public_dns, "public-view"), ==, "nxdomain");
    }
  else
    g_assert_cmpint (public_dns->outcome, ==, MFD_OUTCOME_OK);
  g_assert_cmpint (registration->outcome, ==, MFD_OUTCOME_SKIPPED);
  g_free (detail);
  detail = mfd_observation_dup_detail (registration, "en");
  g_assert_cmpstr (detail, ==, "Not checked: mail.contoso.test is not a name under a registered domain.");

  /* Reported through the same signal as the other steps, after the local
   * lookup it compares with. */
  g_assert_true (g_ptr_array_find_with_equal_func (run.events, "finished dns-public mail.contoso.test -",
                                                   g_str_equal, &i_public));
  for (guint i = 0; i < run.events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (run.events, i), "finished dns mail.contoso.test"))
      {
        i_dns = i;
        break;
      }
  g_assert_cmpuint (i_dns, <, i_public);

  g_clear_object (&probe);
  internet_clear (&net);
}

/* UseMXRecord: the domain's MX, then the MX host, then its address. */
static void
test_by_mx (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdTarget) target = new_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(MfdProbe) probe = NULL;
  g_auto(Run) run = { NULL, };
  gboolean saw_mx = FALSE, saw_host = FALSE;

  g_assert_no_error (error);
  mfd_target_set_dns_server (target, mfd_lab_get_dns_server (lab));
  mfd_target_set_port (target, mfd_lab_get_smtp_port (lab));
  mfd_target_add_mx_domain (target, "contoso.test");
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (lab));
  probe = mfd_probe_new (target);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);

  for (guint i = 0; i < run.observations->len; i++)
    {
      MfdObservation *obs = g_ptr_array_index (run.observations, i);

      if (obs->stage != MFD_STAGE_DNS)
        continue;
      g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
      saw_mx |= g_strcmp0 (obs->host, "contoso.test") == 0;
      saw_host |= g_strcmp0 (obs->host, "mail.contoso.test") == 0;
    }
  g_assert_true (saw_mx);
  g_assert_true (saw_host);
  assert_address_steps (&run, "127.0.0.1");
  g_assert_cmpint (find_observation (run.observations, MFD_STAGE_QUIT, "127.0.0.1")->outcome,
                   ==, MFD_OUTCOME_OK);
  /* An MX host gets the DANE step after the dialogue; the practice
   * resolver passes no DNSSEC records on (no key for the root), which is
   * no verdict on the domain: not checked from here (and said so), neither
   * bogus nor a reason to call the whole check inconclusive. */
  {
    MfdObservation *dane = find_observation (run.observations, MFD_STAGE_DANE, "127.0.0.1");
    g_autofree char *detail = mfd_observation_dup_detail (dane, "en");
    g_autofree char *tlsa_name = g_strdup_printf ("_%u._tcp.mail.contoso.test", mfd_lab_get_smtp_port (lab));

    g_assert_cmpint (dane->outcome, ==, MFD_OUTCOME_SKIPPED);
    g_assert_null (dane->cause);
    g_assert_nonnull (strstr (detail, "passes no DNSSEC records on"));
    g_assert_cmpstr (mfd_observation_get_fact (dane, "dnssec"), ==, "indeterminate");
    g_assert_cmpstr (mfd_observation_get_fact (dane, "tlsa-name"), ==, tlsa_name);
  }
}

/* With a web, every name also gets the internet's view; offline, MfdWeb
 * answers at once (SKIPPED) and nothing leaves this machine. */
static void
test_web_offline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdTarget) target = new_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(MfdWeb) web = NULL;
  g_autoptr(MfdProbe) probe = NULL;
  g_autofree char *cache_dir = NULL;
  g_auto(Run) run = { NULL, };
  MfdObservation *public_dns, *registration;

  g_assert_no_error (error);
  cache_dir = g_dir_make_tmp ("mfd-probe-web-XXXXXX", &error);
  g_assert_no_error (error);
  web = mfd_web_new ("http://127.0.0.1:9/resolve", "http://127.0.0.1:9/dns.json",
                     "http://127.0.0.1:9", NULL, 1000);
  mfd_web_set_cache_dir (web, cache_dir);
  mfd_web_set_offline (web, TRUE);

  mfd_target_set_dns_server (target, mfd_lab_get_dns_server (lab));
  mfd_target_add_smart_host (target, mfd_lab_get_host_name (lab), mfd_lab_get_smtp_port (lab));
  mfd_target_add_smart_host (target, "127.0.0.1", mfd_lab_get_smtp_port (lab));
  probe = mfd_probe_new (target);
  mfd_probe_set_web (probe, web);
  g_assert_true (mfd_probe_get_web (probe) == web);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);

  /* Once for the name, not for the IP literal. */
  public_dns = find_observation (run.observations, MFD_STAGE_DNS_PUBLIC, NULL);
  registration = find_observation (run.observations, MFD_STAGE_REGISTRATION, NULL);
  g_assert_nonnull (public_dns);
  g_assert_nonnull (registration);
  g_assert_cmpstr (public_dns->host, ==, "mail.contoso.test");
  g_assert_cmpint (public_dns->outcome, ==, MFD_OUTCOME_SKIPPED);
  g_assert_cmpint (registration->outcome, ==, MFD_OUTCOME_SKIPPED);
  g_rmdir (cache_dir);
}

static MfdObservation *
find_mta_sts (GPtrArray  *observations,
              const char *host)
{
  MfdObservation *found = NULL;

  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *obs = g_ptr_array_index (observations, i);

      if (obs->stage == MFD_STAGE_MTA_STS && g_strcmp0 (obs->host, host) == 0)
        {
          g_assert_null (found);
          found = obs;
        }
    }
  g_assert_nonnull (found);
  return found;
}

/* The lab's MTA-STS policy port (mfd_target_set_mta_sts_policy_port()):
 * with the policy host on loopback, the policy is fetched from that port
 * although the check is offline, and the lesson ends in 4.4.8. Where the
 * policy host's name leads anywhere but loopback (a documentation address
 * from a DNS responder of the test's own, alone or beside 127.0.0.1), the
 * setting does nothing: offline, the policy is not fetched, and says so. */
static void
test_mta_sts_policy_port (gconstpointer data)
{
  const char * const *policy_addresses = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_MTA_STS_MX_NOT_IN_POLICY, &error);
  g_autoptr(MfdLabDns) dns = NULL;
  g_autoptr(MfdTarget) target = NULL;
  g_autoptr(MfdWeb) web = NULL;
  g_autoptr(MfdProbe) probe = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *detail = NULL;
  g_auto(Run) run = { NULL, };
  MfdObservation *domain, *mx;

  g_assert_no_error (error);
  g_assert_cmpuint (mfd_lab_get_mta_sts_policy_port (lab), !=, 0);
  target = mfd_lab_new_target (lab, NULL);
  g_assert_cmpuint (mfd_target_get_mta_sts_policy_port (target), ==, mfd_lab_get_mta_sts_policy_port (lab));
  g_assert_true (mfd_target_get_offline (target));
  if (policy_addresses != NULL)
    {
      dns = mfd_lab_dns_new ("127.0.0.1", 0, &error);
      g_assert_no_error (error);
      mfd_lab_dns_set_authoritative (dns, TRUE);
      mfd_lab_dns_add_record (dns, "contoso.test", "MX", "10 mail.contoso.test.", 300);
      mfd_lab_dns_add_record (dns, "mail.contoso.test", "A", "127.0.0.1", 300);
      mfd_lab_dns_add_record (dns, "_mta-sts.contoso.test", "TXT", "\"v=STSv1; id=1\"", 300);
      for (guint i = 0; policy_addresses[i] != NULL; i++)
        mfd_lab_dns_add_record (dns, "mta-sts.contoso.test", "A", policy_addresses[i], 300);
      mfd_target_set_dns_server (target, mfd_lab_dns_get_server (dns));
    }

  cache_dir = g_dir_make_tmp ("mfd-probe-web-XXXXXX", &error);
  g_assert_no_error (error);
  web = mfd_web_new ("http://127.0.0.1:9/resolve", "http://127.0.0.1:9/dns.json",
                     "http://127.0.0.1:9", mfd_lab_get_ca_file (lab), 3000);
  mfd_web_set_cache_dir (web, cache_dir);
  mfd_web_set_offline (web, TRUE);
  probe = mfd_probe_new (target);
  mfd_probe_set_web (probe, web);
  run_probe (probe, 0, &run);
  g_assert_no_error (run.error);

  domain = find_mta_sts (run.observations, "contoso.test");
  mx = find_mta_sts (run.observations, "mail.contoso.test");
  detail = mfd_observation_dup_detail (domain, "en");
  g_test_message ("%s", detail);
  if (policy_addresses == NULL)
    {
      g_assert_cmpint (domain->outcome, ==, MFD_OUTCOME_OK);
      g_assert_nonnull (strstr (detail, "mode enforce"));
      g_assert_cmpint (mx->outcome, ==, MFD_OUTCOME_FAIL);
      g_assert_cmpstr (mx->cause, ==, "mta-sts-mx-not-in-policy");
    }
  else
    {
      g_assert_cmpint (domain->outcome, ==, MFD_OUTCOME_SKIPPED);
      g_assert_nonnull (strstr (detail, "(offline)"));
      g_assert_cmpint (mx->outcome, !=, MFD_OUTCOME_FAIL);
      g_assert_null (mx->cause);
    }
  mfd_test_remove_tree (cache_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (MfdLabScenario s = 0; s < MFD_LAB_N_SCENARIOS; s++)
    {
      g_autofree char *path = NULL;

      /* The MTA-STS lessons need the lab's own target (by MX, its policy
       * host's port): /probe/mta-sts-policy-port/lab runs one. */
      if (mfd_lab_scenario_is_by_mx (s))
        continue;
      path = g_strdup_printf ("/probe/scenario/%s", mfd_lab_scenario_get_id (s));
      g_test_add_data_func (path, GUINT_TO_POINTER (s), test_scenario);
    }
  for (guint i = 0; i < G_N_ELEMENTS (transcript_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/probe/transcript/%s",
                                               mfd_tls_mode_to_string (transcript_cases[i].mode));
      g_test_add_data_func (path, &transcript_cases[i], test_transcript);
    }
  g_test_add_func ("/probe/cancel", test_cancel);
  g_test_add_func ("/probe/concurrent-timeouts", test_concurrent_timeouts);
  g_test_add_func ("/probe/ipv6", test_ipv6);
  g_test_add_func ("/probe/ndr-address", test_ndr_address);
  g_test_add_func ("/probe/address-range", test_address_range);
  g_test_add_data_func ("/probe/by-name", GINT_TO_POINTER (FALSE), test_by_name);
  g_test_add_data_func ("/probe/by-name-split-horizon", GINT_TO_POINTER (TRUE), test_by_name);
  g_test_add_func ("/probe/by-mx", test_by_mx);
  g_test_add_func ("/probe/web-offline", test_web_offline);
  {
    static const char * const elsewhere[] = { "192.0.2.1", NULL };
    static const char * const mixed[] = { "127.0.0.1", "192.0.2.1", NULL };

    g_test_add_data_func ("/probe/mta-sts-policy-port/lab", NULL, test_mta_sts_policy_port);
    g_test_add_data_func ("/probe/mta-sts-policy-port/not-loopback", elsewhere, test_mta_sts_policy_port);
    g_test_add_data_func ("/probe/mta-sts-policy-port/partly-loopback", mixed, test_mta_sts_policy_port);
  }

  return g_test_run ();
}
