/* mfd-cli-settings.c — how this computer checks: the options `check` and
 * `watch` share, parsed and applied to a target in one place
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-cli"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "mfd/mfd.h"
#include "mfd-cli-private.h"

/* GOption hands a callback its group's data: the verb's options struct,
 * which starts with its MfdCliSettings (see mfd-cli-private.h). */
static gboolean
parse_port_option_cb (const char  *option_name,
                      const char  *value,
                      gpointer     data,
                      GError     **error)
{
  MfdCliSettings *s = data;

  if (!mfd_target_parse_port (value, &s->port))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           mfd_tr (s->help_lang, N_("--port takes a number from 1 to 65535.")));
      return FALSE;
    }
  s->have_port = TRUE;
  return TRUE;
}

static gboolean
parse_timeout_option_cb (const char  *option_name,
                         const char  *value,
                         gpointer     data,
                         GError     **error)
{
  MfdCliSettings *s = data;
  char *end = NULL;
  double seconds = g_ascii_strtod (value, &end);

  if (end == value || *end != '\0' || !isfinite (seconds) || seconds <= 0 || seconds > 3600)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           mfd_tr (s->help_lang, N_("--timeout takes a number of seconds greater than 0 and at most 3600.")));
      return FALSE;
    }
  s->timeout = seconds;
  s->have_timeout = TRUE;
  return TRUE;
}

void
mfd_cli_settings_add_entries (GOptionGroup   *group,
                              MfdCliSettings *s)
{
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_port_option_cb,
      N_("The SMTP port (default 25)"), "N" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &s->ca_file,
      N_("Also trust the CA certificates in this PEM file"), "PEM" },
    { "trust-anchor", 0, 0, G_OPTION_ARG_FILENAME, &s->trust_anchor,
      N_("DNSSEC trust anchors for the DANE check (DS or DNSKEY records) instead of the root's"), "FILE" },
    { "dns-server", 0, 0, G_OPTION_ARG_STRING, &s->dns_server,
      N_("Ask this DNS server instead of the system's resolvers"), "IP[:PORT]" },
    { "timeout", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_timeout_option_cb,
      N_("Give up on each step after this many seconds"), "SECONDS" },
    { "doh-url", 0, 0, G_OPTION_ARG_STRING, &s->doh_url,
      N_("The public DNS-over-HTTPS JSON resolver to compare with"), "URL" },
    { "rdap-bootstrap", 0, 0, G_OPTION_ARG_STRING, &s->rdap_bootstrap,
      N_("The RDAP bootstrap file for domain registrations"), "URL" },
    { "endpoints-url", 0, 0, G_OPTION_ARG_STRING, &s->endpoints_url,
      N_("The Microsoft 365 IP address and URL web service"), "URL" },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &s->offline,
      N_("Do not ask any web service; use the last saved copy of EOP's addresses"), NULL },
    { "control-smtp", 0, 0, G_OPTION_ARG_STRING, &s->control_smtp,
      N_("The control SMTP server that shows whether port 25 is open from here (default: an Exchange Online Protection MX host)"),
      "HOST[:PORT]" },
    { "control-name", 0, 0, G_OPTION_ARG_STRING, &s->control_name,
      N_("The control name whose MX must resolve from here (default: outlook.com)"), "NAME" },
    { "no-control", 0, 0, G_OPTION_ARG_NONE, &s->no_control,
      N_("Do not check this computer's own view (DNS, port 25, TLS interception) first"), NULL },
    { NULL }
  };

  /* GOption copies the entries, and the pointers in them point into @s. */
  g_option_group_add_entries (group, entries);
}

void
mfd_cli_settings_clear (MfdCliSettings *s)
{
  g_clear_pointer (&s->ca_file, g_free);
  g_clear_pointer (&s->trust_anchor, g_free);
  g_clear_pointer (&s->dns_server, g_free);
  g_clear_pointer (&s->doh_url, g_free);
  g_clear_pointer (&s->rdap_bootstrap, g_free);
  g_clear_pointer (&s->endpoints_url, g_free);
  g_clear_pointer (&s->control_smtp, g_free);
  g_clear_pointer (&s->control_name, g_free);
}

gboolean
mfd_cli_settings_check (const MfdCliSettings  *s,
                        const char            *lang,
                        GError               **error)
{
  if (s->no_control && (s->control_smtp != NULL || s->control_name != NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           mfd_tr (lang, N_("--no-control cannot be combined with --control-smtp or --control-name.")));
      return FALSE;
    }
  return TRUE;
}

gboolean
mfd_cli_settings_name_a_target (const MfdCliSettings *s)
{
  return s->have_port || s->ca_file != NULL || s->dns_server != NULL || s->have_timeout ||
         s->trust_anchor != NULL || s->doh_url != NULL || s->rdap_bootstrap != NULL ||
         s->endpoints_url != NULL;
}

void
mfd_cli_settings_apply (const MfdCliSettings *s,
                        MfdTarget            *target)
{
  if (s->have_port)
    mfd_target_set_port (target, s->port);
  if (s->ca_file != NULL)
    mfd_target_set_ca_file (target, s->ca_file);
  if (s->trust_anchor != NULL)
    mfd_target_set_trust_anchor_file (target, s->trust_anchor);
  if (s->dns_server != NULL)
    mfd_target_set_dns_server (target, s->dns_server);
  if (s->have_timeout)
    mfd_target_set_timeout_seconds (target, s->timeout);
  if (s->doh_url != NULL)
    mfd_target_set_doh_url (target, s->doh_url);
  if (s->rdap_bootstrap != NULL)
    mfd_target_set_rdap_bootstrap_url (target, s->rdap_bootstrap);
  if (s->endpoints_url != NULL)
    mfd_target_set_endpoints_url (target, s->endpoints_url);
  if (s->offline)
    mfd_target_set_offline (target, TRUE);
  mfd_target_set_control (target, !s->no_control);
  if (s->control_smtp != NULL)
    mfd_target_set_control_smtp (target, s->control_smtp);
  if (s->control_name != NULL)
    mfd_target_set_control_name (target, s->control_name);
}

const char *
mfd_cli_translate_option_cb (const char *str,
                             gpointer    data)
{
  return mfd_tr (data, str);
}
