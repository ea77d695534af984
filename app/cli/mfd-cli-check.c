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
  const char *help_lang;       /* --lang as found before parsing */
  char   **smart_hosts;
  char    *mx;
  guint16  port;
  gboolean have_port;
  char    *tls;
  char    *tls_domain;
  char    *ca_file;
  char    *dns_server;
  double   timeout;
  gboolean have_timeout;
  char    *connector;
  char    *connectors;
  gboolean json;
  char    *lang;
  char    *doh_url;
  char    *rdap_bootstrap;
  char    *endpoints_url;
  gboolean offline;
  char    *control_smtp;
  char    *control_name;
  gboolean no_control;
} CheckOptions;

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  const char   *lang;
  GPtrArray    *observations;
  GError       *error;
  MfdEopRanges *ranges;
  gboolean      interrupted;
  gboolean      progress;
  MfdVantage   *vantage;
  guint         pending;
} CheckRun;

static void
check_options_clear (CheckOptions *o)
{
  g_clear_pointer (&o->smart_hosts, g_strfreev);
  g_clear_pointer (&o->mx, g_free);
  g_clear_pointer (&o->tls, g_free);
  g_clear_pointer (&o->tls_domain, g_free);
  g_clear_pointer (&o->ca_file, g_free);
  g_clear_pointer (&o->dns_server, g_free);
  g_clear_pointer (&o->connector, g_free);
  g_clear_pointer (&o->connectors, g_free);
  g_clear_pointer (&o->lang, g_free);
  g_clear_pointer (&o->doh_url, g_free);
  g_clear_pointer (&o->rdap_bootstrap, g_free);
  g_clear_pointer (&o->endpoints_url, g_free);
  g_clear_pointer (&o->control_smtp, g_free);
  g_clear_pointer (&o->control_name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CheckOptions, check_options_clear)

static const char *
translate_option_cb (const char *str,
                     gpointer    data)
{
  return mfd_tr (data, str);
}

/* --help must already speak the language --lang asks for, before the
 * options are parsed. */
static const char *
find_lang_argument (int    argc,
                    char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      const char *value = NULL;

      if (g_str_equal (argv[i], "--lang") && i + 1 < argc)
        value = argv[i + 1];
      else if (g_str_has_prefix (argv[i], "--lang="))
        value = argv[i] + strlen ("--lang=");

      if (value != NULL && (g_str_equal (value, "ja") || g_str_equal (value, "en")))
        return value;
    }
  return NULL;
}

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

static gboolean
parse_port (const char *text,
            guint16    *port)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &value, NULL))
    return FALSE;
  *port = (guint16) value;
  return TRUE;
}

/* HOST, HOST:PORT, [IPv6]:PORT, [IPv6] or a bare IPv6 address. */
static gboolean
split_host_port (const char  *arg,
                 char       **host,
                 guint16     *port)
{
  const char *colon;

  *port = 0;
  if (arg[0] == '[')
    {
      const char *close = strchr (arg, ']');

      if (close == NULL || close == arg + 1)
        return FALSE;
      if (close[1] != '\0' && (close[1] != ':' || !parse_port (close + 2, port)))
        return FALSE;
      *host = g_strndup (arg + 1, close - arg - 1);
      return TRUE;
    }

  colon = strchr (arg, ':');
  if (colon != NULL && strchr (colon + 1, ':') == NULL)
    {
      if (colon == arg || !parse_port (colon + 1, port))
        return FALSE;
      *host = g_strndup (arg, colon - arg);
      return TRUE;
    }

  *host = g_strdup (arg);
  return arg[0] != '\0';
}

static gboolean
parse_port_option_cb (const char  *option_name,
                      const char  *value,
                      gpointer     data,
                      GError     **error)
{
  CheckOptions *o = data;

  if (!parse_port (value, &o->port))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           mfd_tr (o->help_lang, N_("--port takes a number from 1 to 65535.")));
      return FALSE;
    }
  o->have_port = TRUE;
  return TRUE;
}

static gboolean
parse_timeout_option_cb (const char  *option_name,
                         const char  *value,
                         gpointer     data,
                         GError     **error)
{
  CheckOptions *o = data;
  char *end = NULL;
  double seconds = g_ascii_strtod (value, &end);

  if (end == value || *end != '\0' || !isfinite (seconds) || seconds <= 0 || seconds > 3600)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           mfd_tr (o->help_lang, N_("--timeout takes a number of seconds greater than 0 and at most 3600.")));
      return FALSE;
    }
  o->timeout = seconds;
  o->have_timeout = TRUE;
  return TRUE;
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

/* Returns the target, or NULL after printing why the input is unusable. */
static MfdTarget *
build_target (CheckOptions *o)
{
  const char *lang = o->lang;
  g_autoptr(MfdTarget) target = NULL;
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
      g_autofree char *reason = NULL;
      guint16 port;

      if (!split_host_port (o->smart_hosts[i], &host, &port))
        {
          g_autofree char *message = mfd_text_render_va (lang, N_("“{1}” is not HOST or HOST:PORT (a port from 1 to 65535)."),
                                                         o->smart_hosts[i], NULL);
          usage_error (lang, message);
          return NULL;
        }
      if (strchr (host, '/') != NULL)
        {
          g_autofree char *message = mfd_text_render_va (lang, N_("“{1}” is an address range; give one host name or address to check."),
                                                         host, NULL);
          usage_error (lang, message);
          return NULL;
        }
      reason = mfd_connector_validate_smart_host (host);
      if (reason != NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s: %s", host, reason);
          usage_error (lang, message);
          return NULL;
        }
      mfd_target_add_smart_host (target, host, port);
    }

  if (o->mx != NULL)
    {
      g_autofree char *reason = mfd_connector_validate_tls_domain (o->mx);

      if (reason != NULL || strchr (o->mx, '*') != NULL)
        {
          g_autofree char *message = mfd_text_render_va (lang, N_("“{1}” is not a domain name."), o->mx, NULL);
          usage_error (lang, message);
          return NULL;
        }
      mfd_target_add_mx_domain (target, o->mx);
    }

  if (o->have_port)
    mfd_target_set_port (target, o->port);

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
    {
      g_autofree char *reason = mfd_connector_validate_tls_domain (o->tls_domain);

      if (reason != NULL)
        {
          g_autofree char *message = g_strdup_printf ("--tls-domain %s: %s", o->tls_domain, reason);
          usage_error (lang, message);
          return NULL;
        }
      mfd_target_set_tls_domain (target, o->tls_domain);
    }

  if (mfd_target_get_tls_mode (target) == MFD_TLS_DOMAIN_VALIDATION &&
      mfd_target_get_tls_domain (target) == NULL)
    {
      usage_error (lang, mfd_tr (lang, N_("Domain validation needs the name the certificate must carry: add --tls-domain.")));
      return NULL;
    }

  if (o->ca_file != NULL)
    {
      if (!g_file_test (o->ca_file, G_FILE_TEST_IS_REGULAR) || access (o->ca_file, R_OK) != 0)
        {
          g_autofree char *message = mfd_text_render_va (lang, N_("Cannot read the CA file “{1}”."), o->ca_file, NULL);
          usage_error (lang, message);
          return NULL;
        }
      mfd_target_set_ca_file (target, o->ca_file);
    }

  if (o->dns_server != NULL)
    {
      g_autofree char *host = NULL;
      g_autoptr(GInetAddress) address = NULL;
      guint16 port;

      if (split_host_port (o->dns_server, &host, &port))
        address = g_inet_address_new_from_string (host);
      if (address == NULL)
        {
          g_autofree char *message = mfd_text_render_va (lang, N_("--dns-server takes an IP address with an optional port, such as 192.0.2.53:53 or [2001:db8::53]:53; “{1}” is not one."),
                                                         o->dns_server, NULL);
          usage_error (lang, message);
          return NULL;
        }
      mfd_target_set_dns_server (target, o->dns_server);
    }

  if (o->have_timeout)
    mfd_target_set_timeout_seconds (target, o->timeout);

  {
    const struct { const char *option; const char *value; const char *property; } urls[] = {
      { "--doh-url", o->doh_url, "doh-url" },
      { "--rdap-bootstrap", o->rdap_bootstrap, "rdap-bootstrap-url" },
      { "--endpoints-url", o->endpoints_url, "endpoints-url" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
      {
        g_autoptr(GUri) uri = NULL;
        const char *scheme;

        if (urls[i].value == NULL)
          continue;
        uri = g_uri_parse (urls[i].value, G_URI_FLAGS_NONE, NULL);
        scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
        if (scheme == NULL || g_uri_get_host (uri) == NULL ||
            (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
          {
            g_autofree char *message = mfd_text_render_va (lang, N_("{1} takes an http or https URL; “{2}” is not one."),
                                                           urls[i].option, urls[i].value, NULL);
            usage_error (lang, message);
            return NULL;
          }
        g_object_set (target, urls[i].property, urls[i].value, NULL);
      }
  }

  if (o->offline)
    g_object_set (target, "offline", TRUE, NULL);

  if (o->no_control && (o->control_smtp != NULL || o->control_name != NULL))
    {
      usage_error (lang, mfd_tr (lang, N_("--no-control cannot be combined with --control-smtp or --control-name.")));
      return NULL;
    }
  mfd_target_set_control (target, !o->no_control);
  if (o->control_smtp != NULL)
    {
      g_autofree char *host = NULL;
      g_autofree char *reason = NULL;
      guint16 port;

      if (!split_host_port (o->control_smtp, &host, &port) ||
          (reason = mfd_connector_validate_smart_host (host)) != NULL)
        {
          g_autofree char *message = mfd_text_render_va (lang, N_("--control-smtp takes HOST or HOST:PORT (a port from 1 to 65535); “{1}” is not one."),
                                                         o->control_smtp, NULL);
          usage_error (lang, message);
          return NULL;
        }
      mfd_target_set_control_smtp (target, o->control_smtp);
    }
  if (o->control_name != NULL)
    {
      g_autofree char *reason = mfd_connector_validate_tls_domain (o->control_name);

      if (reason != NULL || strchr (o->control_name, '*') != NULL)
        {
          g_autofree char *message = mfd_text_render_va (lang, N_("“{1}” is not a domain name."), o->control_name, NULL);
          usage_error (lang, message);
          return NULL;
        }
      mfd_target_set_control_name (target, o->control_name);
    }

  return g_steal_pointer (&target);
}

static void
on_step_finished_cb (MfdProbe       *probe,
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
on_probe_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CheckRun *run = user_data;

  run->observations = mfd_probe_run_finish (MFD_PROBE (object), result, &run->error);
  if (--run->pending == 0)
    g_main_loop_quit (run->loop);
}

static void
on_vantage_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CheckRun *run = user_data;
  g_autoptr(GError) error = NULL;

  run->vantage = mfd_vantage_check_finish (result, &error);
  if (--run->pending == 0)
    g_main_loop_quit (run->loop);
}

static void
on_ranges_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CheckRun *run = user_data;
  g_autoptr(GError) error = NULL;

  /* Without the ranges the report says where to find them instead. */
  run->ranges = mfd_web_get_eop_ranges_finish (MFD_WEB (object), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("No EOP address ranges: %s", error->message);
  g_main_loop_quit (run->loop);
}

/* The ranges matter when the checks pass from here, or when a connection
 * was refused or timed out: that is when a firewall rule is the suspect. */
static gboolean
report_needs_ranges (MfdDiagnosis *diagnosis)
{
  GPtrArray *findings = mfd_diagnosis_get_findings (diagnosis);

  if (mfd_diagnosis_get_verdict (diagnosis) == MFD_VERDICT_OK)
    return TRUE;
  for (guint i = 0; i < findings->len; i++)
    {
      MfdFinding *f = g_ptr_array_index (findings, i);

      if (!f->warning && (g_str_equal (f->code, "4.4.315") || g_str_equal (f->code, "4.4.316")))
        return TRUE;
    }
  return FALSE;
}

static int
run_check (MfdTarget          *target,
           const CheckOptions *o)
{
  g_autoptr(MfdProbe) probe = mfd_probe_new (target);
  g_autoptr(MfdWeb) web = NULL;
  g_autoptr(MfdDiagnosis) diagnosis = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CheckRun run = { loop, cancellable, o->lang, NULL, NULL, NULL, FALSE, FALSE, NULL, 0 };
  guint sigint_id, sigterm_id;
  MfdVerdict verdict;

  web = mfd_web_new (mfd_target_get_doh_url (target),
                     mfd_target_get_rdap_bootstrap_url (target),
                     mfd_target_get_endpoints_url (target),
                     mfd_target_get_ca_file (target),
                     mfd_target_get_reply_timeout_ms (target));
  mfd_web_set_offline (web, mfd_target_get_offline (target));
  mfd_probe_set_web (probe, web);

  sigint_id = g_unix_signal_add (SIGINT, on_interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt_cb, &run);

  /* Progress is for a person watching; scripts read the report. */
  if (!o->json && isatty (STDOUT_FILENO) && isatty (STDERR_FILENO))
    {
      g_autofree char *what = mfd_target_describe (target, o->lang);
      g_autofree char *line = mfd_text_render_va (o->lang, N_("Checking {1}… (Ctrl+C cancels)"), what, NULL);

      g_printerr ("%s\n", line);
      g_signal_connect (probe, "step-finished", G_CALLBACK (on_step_finished_cb), &run);
      run.progress = TRUE;
    }

  /* This computer's own view is checked beside the destination. */
  run.pending = 2;
  mfd_probe_run_async (probe, cancellable, on_probe_done_cb, &run);
  mfd_vantage_check_async (target, cancellable, on_vantage_done_cb, &run);
  g_main_loop_run (loop);

  if (run.observations != NULL && !run.interrupted)
    {
      diagnosis = mfd_diagnosis_new (target, run.observations, NULL);
      if (run.vantage != NULL)
        mfd_diagnosis_set_vantage (diagnosis, run.vantage);

      if (report_needs_ranges (diagnosis))
        {
          mfd_web_get_eop_ranges_async (web, mfd_target_get_offline (target), cancellable,
                                        on_ranges_done_cb, &run);
          g_main_loop_run (loop);
          if (run.ranges != NULL)
            mfd_diagnosis_set_eop_ranges (diagnosis, (const char * const *) run.ranges->ranges,
                                          run.ranges->fetched);
        }
    }

  /* The report starts apart from the progress lines above it. */
  if (run.progress)
    g_printerr ("\n");

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_pointer (&run.ranges, mfd_eop_ranges_free);
  g_clear_pointer (&run.observations, g_ptr_array_unref);
  g_clear_pointer (&run.vantage, mfd_vantage_unref);

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
  g_auto(CheckOptions) o = { NULL };
  const GOptionEntry entries[] = {
    { "smart-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.smart_hosts,
      N_("A smart host to check (repeat for several)"), "HOST[:PORT]" },
    { "mx", 0, 0, G_OPTION_ARG_STRING, &o.mx,
      N_("Check the MX hosts of this recipient domain"), "DOMAIN" },
    { "port", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_port_option_cb,
      N_("The SMTP port (default 25)"), "N" },
    { "tls", 0, 0, G_OPTION_ARG_STRING, &o.tls,
      N_("The connector's TLS setting: none, opportunistic (the default), encryption-only, certificate-validation or domain-validation"),
      "SETTING" },
    { "tls-domain", 0, 0, G_OPTION_ARG_STRING, &o.tls_domain,
      N_("The name the certificate must carry (domain validation)"), "NAME" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &o.ca_file,
      N_("Also trust the CA certificates in this PEM file"), "PEM" },
    { "dns-server", 0, 0, G_OPTION_ARG_STRING, &o.dns_server,
      N_("Ask this DNS server instead of the system's resolvers"), "IP[:PORT]" },
    { "timeout", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_timeout_option_cb,
      N_("Give up on each step after this many seconds"), "SECONDS" },
    { "connector", 0, 0, G_OPTION_ARG_STRING, &o.connector,
      N_("Check the outbound connector with this name"), "NAME" },
    { "connectors", 0, 0, G_OPTION_ARG_FILENAME, &o.connectors,
      N_("The connectors, as Get-OutboundConnector | ConvertTo-Json writes them"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json,
      N_("Print the result as JSON"), NULL },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &o.lang,
      N_("The language of the report"), "ja|en" },
    { "doh-url", 0, 0, G_OPTION_ARG_STRING, &o.doh_url,
      N_("The public DNS-over-HTTPS JSON resolver to compare with"), "URL" },
    { "rdap-bootstrap", 0, 0, G_OPTION_ARG_STRING, &o.rdap_bootstrap,
      N_("The RDAP bootstrap file for domain registrations"), "URL" },
    { "endpoints-url", 0, 0, G_OPTION_ARG_STRING, &o.endpoints_url,
      N_("The Microsoft 365 IP address and URL web service"), "URL" },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &o.offline,
      N_("Do not ask any web service; use the last saved copy of EOP's addresses"), NULL },
    { "control-smtp", 0, 0, G_OPTION_ARG_STRING, &o.control_smtp,
      N_("The control SMTP server that shows whether port 25 is open from here (default: an Exchange Online Protection MX host)"),
      "HOST[:PORT]" },
    { "control-name", 0, 0, G_OPTION_ARG_STRING, &o.control_name,
      N_("The control name whose MX must resolve from here (default: outlook.com)"), "NAME" },
    { "no-control", 0, 0, G_OPTION_ARG_NONE, &o.no_control,
      N_("Do not check this computer's own view (DNS, port 25, TLS interception) first"), NULL },
    { NULL }
  };
  const char *help_lang = find_lang_argument (argc, argv);
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionGroup *group = g_option_group_new ("check", "", "", &o, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdTarget) target = NULL;

  o.help_lang = help_lang;
  g_option_group_add_entries (group, entries);
  g_option_group_set_translate_func (group, translate_option_cb, (gpointer) help_lang, NULL);
  g_option_context_set_main_group (context, group);
  g_option_context_set_translate_func (context, translate_option_cb, (gpointer) help_lang, NULL);
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

  target = build_target (&o);
  if (target == NULL)
    return MFD_CLI_EXIT_USAGE;

  return run_check (target, &o);
}
