/* mfd-cli-check.c — `mail-flow-doctor check`
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-cli"

#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "mfd/mfd.h"
#include "mfd-cli-private.h"

/* An interrupted check proves nothing either way; shells use 128 + SIGINT. */
#define EXIT_INTERRUPTED 130

typedef struct
{
  MfdCliSettings settings;     /* first: the option callbacks find it here */
  char   **smart_hosts;
  char    *mx;
  char    *tls;
  char    *tls_domain;
  char    *connector;
  char    *connectors;
  gboolean json;
  char    *lang;
  char    *practice;
} CheckOptions;

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  const char   *lang;
  MfdDiagnosis *diagnosis;
  GError       *error;
  gboolean      interrupted;
  gboolean      progress;
} CheckRun;

static void
check_options_clear (CheckOptions *o)
{
  g_clear_pointer (&o->smart_hosts, g_strfreev);
  g_clear_pointer (&o->mx, g_free);
  g_clear_pointer (&o->tls, g_free);
  g_clear_pointer (&o->tls_domain, g_free);
  g_clear_pointer (&o->connector, g_free);
  g_clear_pointer (&o->connectors, g_free);
  g_clear_pointer (&o->lang, g_free);
  g_clear_pointer (&o->practice, g_free);
  mfd_cli_settings_clear (&o->settings);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CheckOptions, check_options_clear)

static void
print_error (const char *lang,
             const char *msgid,
             ...) G_GNUC_NULL_TERMINATED;

static void
print_error (const char *lang,
             const char *msgid,
             ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, msgid);
  text = mfd_text_render_valist (lang, msgid, ap);
  va_end (ap);
  g_printerr ("mail-flow-doctor: %s\n", text);
}

static int
usage_error (const char *lang,
             const char *message)
{
  g_printerr ("mail-flow-doctor: %s\n", message);
  g_printerr ("%s\n", mfd_tr (lang, N_("Run “mail-flow-doctor check --help” to see the options.")));
  return MFD_CLI_EXIT_USAGE;
}

static MfdConnector *
load_connector (const char *lang,
                const char *name,
                const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      print_error (lang, N_("Cannot read the connectors file: {1}"), error->message, NULL);
      return NULL;
    }

  /* The file is what Get-OutboundConnector | ConvertTo-Json writes: one
   * object or an array. */
  connectors = mfd_connector_import (contents, len, &error);
  if (connectors == NULL)
    {
      print_error (lang, N_("The connectors file is not usable: {1}"), error->message, NULL);
      return NULL;
    }

  for (guint i = 0; i < connectors->len; i++)
    {
      MfdConnector *connector = g_ptr_array_index (connectors, i);

      if (g_strcmp0 (mfd_connector_get_name (connector), name) == 0)
        return g_object_ref (connector);
    }

  print_error (lang, N_("No connector named “{1}” in {2}."), name, path, NULL);
  return NULL;
}

/* The option a target's invalid part came from, so the message names it. */
static const char *
option_for_error (const GError *error)
{
  if (error->domain != MFD_TARGET_ERROR)
    return NULL;
  switch ((MfdTargetError) error->code)
    {
    case MFD_TARGET_ERROR_TLS_DOMAIN:
      return "--tls-domain";
    case MFD_TARGET_ERROR_DNS_SERVER:
      return "--dns-server";
    case MFD_TARGET_ERROR_DOH_URL:
      return "--doh-url";
    case MFD_TARGET_ERROR_RDAP_BOOTSTRAP_URL:
      return "--rdap-bootstrap";
    case MFD_TARGET_ERROR_ENDPOINTS_URL:
      return "--endpoints-url";
    case MFD_TARGET_ERROR_CONTROL_SMTP:
      return "--control-smtp";
    case MFD_TARGET_ERROR_CONTROL_NAME:
      return "--control-name";
    case MFD_TARGET_ERROR_NO_DESTINATION:
    case MFD_TARGET_ERROR_SMART_HOST:
    case MFD_TARGET_ERROR_MX_DOMAIN:
    case MFD_TARGET_ERROR_CA_FILE:
    default:
      return NULL;
    }
}

static void
target_error (const char   *lang,
              const GError *error)
{
  const char *option = option_for_error (error);
  g_autofree char *message = option != NULL ? g_strdup_printf ("%s: %s", option, error->message)
                                            : g_strdup (error->message);

  usage_error (lang, message);
}

/* The practice servers of the window's Practice page, started in this
 * process, and the same target the window checks them with. */
static MfdTarget *
build_practice_target (CheckOptions  *o,
                       MfdLab       **lab)
{
  const char *lang = o->lang;
  g_autoptr(GError) error = NULL;
  MfdLabScenario scenario;

  if (o->smart_hosts != NULL || o->mx != NULL || o->tls != NULL || o->tls_domain != NULL ||
      o->connector != NULL || o->connectors != NULL || mfd_cli_settings_name_a_target (&o->settings))
    {
      usage_error (lang, mfd_tr (lang, N_("--practice sets up everything it checks: only --json and --lang go with it.")));
      return NULL;
    }

  if (!mfd_lab_scenario_from_id (o->practice, &scenario))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) ids = NULL;
      g_autofree char *list = NULL;
      g_autofree char *message = NULL;

      for (guint i = 0; i < MFD_LAB_N_SCENARIOS; i++)
        g_strv_builder_add (builder, mfd_lab_scenario_get_id (i));
      ids = g_strv_builder_end (builder);
      list = g_strjoinv (", ", ids);
      message = mfd_text_render_va (lang, N_("“{1}” is not a practice scenario. The scenarios: {2}."),
                                    o->practice, list, NULL);
      usage_error (lang, message);
      return NULL;
    }

  *lab = mfd_lab_new (scenario, &error);
  if (*lab == NULL)
    {
      print_error (lang, N_("The practice servers could not start: {1}"), error->message, NULL);
      return NULL;
    }
  return mfd_lab_new_target (*lab, lang);
}

/* Returns the target, or NULL after printing why the input is unusable.
 * What makes a target checkable is the engine's to say
 * (mfd_target_validate()); this only turns options into one. */
static MfdTarget *
build_target (CheckOptions *o)
{
  const char *lang = o->lang;
  g_autoptr(MfdTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  gboolean have_hosts = o->smart_hosts != NULL || o->mx != NULL;

  if ((o->connector == NULL) != (o->connectors == NULL))
    {
      usage_error (lang, mfd_tr (lang, N_("--connector and --connectors go together: the connector's name and the file it is in.")));
      return NULL;
    }

  if (o->connector != NULL)
    {
      g_autoptr(MfdConnector) connector = NULL;

      if (have_hosts)
        {
          usage_error (lang, mfd_tr (lang, N_("--smart-host and --mx cannot be combined with --connector; the connector says where to deliver.")));
          return NULL;
        }
      connector = load_connector (lang, o->connector, o->connectors);
      if (connector == NULL)
        return NULL;
      target = mfd_target_new_for_connector (connector);
    }
  else if (!have_hosts)
    {
      usage_error (lang, mfd_tr (lang, N_("Say what to check: --smart-host, --mx, or --connector with --connectors.")));
      return NULL;
    }
  else
    {
      target = mfd_target_new ();
    }

  for (guint i = 0; o->smart_hosts != NULL && o->smart_hosts[i] != NULL; i++)
    {
      g_autofree char *host = NULL;
      guint16 port;

      if (!mfd_target_parse_smart_host (o->smart_hosts[i], lang, &host, &port, &error))
        {
          target_error (lang, error);
          return NULL;
        }
      mfd_target_add_smart_host (target, host, port);
    }

  if (o->mx != NULL)
    mfd_target_add_mx_domain (target, o->mx);

  if (o->tls != NULL)
    {
      MfdTlsMode mode;

      if (!mfd_tls_mode_from_string (o->tls, &mode))
        {
          usage_error (lang, mfd_tr (lang, N_("--tls takes none, opportunistic, encryption-only, certificate-validation or domain-validation.")));
          return NULL;
        }
      mfd_target_set_tls_mode (target, mode);
    }

  if (o->tls_domain != NULL)
    mfd_target_set_tls_domain (target, o->tls_domain);
  if (!mfd_cli_settings_check (&o->settings, lang, &error))
    {
      usage_error (lang, error->message);
      return NULL;
    }
  mfd_cli_settings_apply (&o->settings, target);

  if (!mfd_target_validate (target, lang, &error))
    {
      target_error (lang, error);
      return NULL;
    }

  return g_steal_pointer (&target);
}

static void
on_step_finished_cb (MfdCheck       *check,
                     MfdObservation *observation,
                     CheckRun       *run)
{
  g_autofree char *detail = mfd_observation_dup_detail (observation, run->lang);
  const char *stage = mfd_tr (run->lang, mfd_stage_get_label (observation->stage));
  const char *where = observation->ip != NULL ? observation->ip : observation->host;

  g_printerr ("  [%s] %s %s — %s\n", mfd_report_get_outcome_label (observation->outcome, run->lang),
              stage, where != NULL ? where : "", detail);
}

static gboolean
on_interrupt_cb (gpointer user_data)
{
  CheckRun *run = user_data;

  run->interrupted = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
on_check_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CheckRun *run = user_data;

  run->diagnosis = mfd_check_run_finish (MFD_CHECK (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static int
run_check (MfdTarget          *target,
           const CheckOptions *o)
{
  g_autoptr(MfdCheck) check = mfd_check_new (target);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CheckRun run = { loop, cancellable, o->lang, NULL, NULL, FALSE, FALSE };
  g_autoptr(MfdDiagnosis) diagnosis = NULL;
  guint sigint_id, sigterm_id;
  MfdVerdict verdict;

  sigint_id = g_unix_signal_add (SIGINT, on_interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt_cb, &run);

  /* Progress is for a person watching; scripts read the report. */
  if (!o->json && isatty (STDOUT_FILENO) && isatty (STDERR_FILENO))
    {
      g_autofree char *what = mfd_target_describe (target, o->lang);
      g_autofree char *line = mfd_text_render_va (o->lang, N_("Checking {1}… (Ctrl+C cancels)"), what, NULL);

      g_printerr ("%s\n", line);
      g_signal_connect (check, "step-finished", G_CALLBACK (on_step_finished_cb), &run);
      run.progress = TRUE;
    }

  mfd_check_run_async (check, cancellable, on_check_done_cb, &run);
  g_main_loop_run (loop);
  diagnosis = g_steal_pointer (&run.diagnosis);

  /* The report starts apart from the progress lines above it. */
  if (run.progress)
    g_printerr ("\n");

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  if (run.interrupted)
    {
      g_clear_error (&run.error);
      g_printerr ("mail-flow-doctor: %s\n", mfd_tr (o->lang, N_("The check was cancelled.")));
      return EXIT_INTERRUPTED;
    }

  if (run.error != NULL)
    {
      print_error (o->lang, N_("The check could not run: {1}"), run.error->message, NULL);
      g_clear_error (&run.error);
      /* Nothing was checked, which is not "no problem". */
      return MFD_CLI_EXIT_PROBLEM;
    }

  if (o->json)
    {
      g_autoptr(JsonNode) node = mfd_report_diagnosis_to_json (diagnosis, o->lang);

      mfd_cli_print_json (node);
    }
  else
    {
      g_autofree char *text = mfd_report_render_diagnosis (diagnosis, MFD_REPORT_TEXT, o->lang);

      g_print ("%s", text);
    }

  verdict = mfd_diagnosis_get_verdict (diagnosis);
  /* Inconclusive is not "no problem found": scripts must not read it as 0. */
  return verdict == MFD_VERDICT_OK ? MFD_CLI_EXIT_OK : MFD_CLI_EXIT_PROBLEM;
}

int
mfd_cli_check (int    argc,
               char **argv)
{
  g_auto(CheckOptions) o = { { NULL } };
  const GOptionEntry entries[] = {
    { "smart-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.smart_hosts,
      N_("A smart host to check (repeat for several)"), "HOST[:PORT]" },
    { "mx", 0, 0, G_OPTION_ARG_STRING, &o.mx,
      N_("Check the MX hosts of this recipient domain"), "DOMAIN" },
    { "tls", 0, 0, G_OPTION_ARG_STRING, &o.tls,
      N_("The connector's TLS setting: none, opportunistic (the default), encryption-only, certificate-validation or domain-validation"),
      "SETTING" },
    { "tls-domain", 0, 0, G_OPTION_ARG_STRING, &o.tls_domain,
      N_("The name the certificate must carry (domain validation)"), "NAME" },
    { "connector", 0, 0, G_OPTION_ARG_STRING, &o.connector,
      N_("Check the outbound connector with this name"), "NAME" },
    { "connectors", 0, 0, G_OPTION_ARG_FILENAME, &o.connectors,
      N_("The connectors, as Get-OutboundConnector | ConvertTo-Json writes them"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json,
      N_("Print the result as JSON"), NULL },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &o.lang,
      N_("The language of the report"), "ja|en" },
    { "practice", 0, 0, G_OPTION_ARG_STRING, &o.practice,
      N_("Check a practice server that this command starts on this computer and that fails on purpose, as on the window's Practice page (refuse, cert-expired, no-starttls …)"),
      "SCENARIO" },
    { NULL }
  };
  const char *help_lang = mfd_cli_find_lang (argc, argv);
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionGroup *group = g_option_group_new ("check", "", "", &o, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdTarget) target = NULL;

  if (help_lang != NULL && !g_str_equal (help_lang, "ja") && !g_str_equal (help_lang, "en"))
    help_lang = NULL;
  o.settings.help_lang = help_lang;
  g_option_group_add_entries (group, entries);
  mfd_cli_settings_add_entries (group, &o.settings);
  g_option_group_set_translate_func (group, mfd_cli_translate_option_cb, (gpointer) help_lang, NULL);
  g_option_context_set_main_group (context, group);
  g_option_context_set_translate_func (context, mfd_cli_translate_option_cb, (gpointer) help_lang, NULL);
  g_option_context_set_summary (context,
                                mfd_tr (help_lang, N_("Checks DNS, TCP, SMTP, STARTTLS and the certificate of the destination of an outbound connector, the way Exchange Online connects to it.")));
  g_option_context_set_description (context,
                                    mfd_tr (help_lang, N_("Exit status: 0 no problem found, 1 a problem was found or the result is inconclusive, 2 bad usage or input, 130 cancelled.")));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (help_lang, error->message);

  if (!mfd_cli_check_lang (o.lang))
    return MFD_CLI_EXIT_USAGE;

  if (argc > 1)
    {
      g_autofree char *message = mfd_text_render_va (o.lang, N_("Unexpected argument “{1}”."), argv[1], NULL);
      return usage_error (o.lang, message);
    }

  if (o.practice != NULL)
    {
      g_autoptr(MfdLab) lab = NULL;

      target = build_practice_target (&o, &lab);
      if (target == NULL)
        return MFD_CLI_EXIT_USAGE;
      /* The servers stop with @lab, after the check. */
      return run_check (target, &o);
    }

  target = build_target (&o);
  if (target == NULL)
    return MFD_CLI_EXIT_USAGE;

  return run_check (target, &o);
}
