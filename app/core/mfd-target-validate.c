/* mfd-target-validate.c — whether a target can be checked, said the same way by every face
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-target"

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "mfd-dns.h"
#include "mfd-target.h"
#include "mfd-text.h"

G_DEFINE_QUARK (mfd-target-error-quark, mfd_target_error)

gboolean
mfd_target_parse_port (const char *text,
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
      if (close[1] != '\0' && (close[1] != ':' || !mfd_target_parse_port (close + 2, port)))
        return FALSE;
      *host = g_strndup (arg + 1, close - arg - 1);
      return TRUE;
    }

  colon = strchr (arg, ':');
  if (colon != NULL && strchr (colon + 1, ':') == NULL)
    {
      if (colon == arg || !mfd_target_parse_port (colon + 1, port))
        return FALSE;
      *host = g_strndup (arg, colon - arg);
      return TRUE;
    }

  *host = g_strdup (arg);
  return arg[0] != '\0';
}

gboolean
mfd_target_parse_smart_host (const char  *text,
                             const char  *lang,
                             char       **host,
                             guint16     *port,
                             GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *reason = NULL;
  guint16 number;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (host != NULL && port != NULL, FALSE);

  if (!split_host_port (text, &name, &number))
    {
      g_autofree char *message = mfd_text_render_va (lang, N_("“{1}” is not HOST or HOST:PORT (a port from 1 to 65535)."),
                                                     text, NULL);

      g_set_error_literal (error, MFD_TARGET_ERROR, MFD_TARGET_ERROR_SMART_HOST, message);
      return FALSE;
    }
  /* A connector may name a range, but a check needs one address to try. */
  if (strchr (name, '/') != NULL)
    {
      g_autofree char *message = mfd_text_render_va (lang, N_("“{1}” is an address range; give one host name or address to check."),
                                                     name, NULL);

      g_set_error_literal (error, MFD_TARGET_ERROR, MFD_TARGET_ERROR_SMART_HOST, message);
      return FALSE;
    }
  reason = mfd_connector_validate_smart_host (name);
  if (reason != NULL)
    {
      g_set_error (error, MFD_TARGET_ERROR, MFD_TARGET_ERROR_SMART_HOST, "%s: %s", name, reason);
      return FALSE;
    }

  *host = g_steal_pointer (&name);
  *port = number;
  return TRUE;
}

char *
mfd_target_check_mx_domain (const char *domain,
                            const char *lang)
{
  g_autofree char *reason = NULL;

  if (domain != NULL)
    reason = mfd_connector_validate_tls_domain (domain);
  if (domain == NULL || reason != NULL || strchr (domain, '*') != NULL)
    return mfd_text_render_va (lang, N_("“{1}” is not a domain name."), domain != NULL ? domain : "", NULL);
  return NULL;
}

char *
mfd_target_check_dns_server (const char *server,
                             const char *lang)
{
  g_autoptr(MfdDnsResolver) resolver = NULL;

  /* The resolver's own parser decides, so nothing accepted here fails
   * later; making one does no I/O. */
  if (server != NULL)
    resolver = mfd_dns_resolver_new (server, MFD_TARGET_DEFAULT_DNS_MS, NULL);
  if (resolver == NULL)
    return mfd_text_render_va (lang, N_("A DNS server is an IP address with an optional port, such as 192.0.2.53:53 or [2001:db8::53]:53; “{1}” is not one."),
                               server != NULL ? server : "", NULL);
  return NULL;
}

char *
mfd_target_check_ca_file (const char *path,
                          const char *lang)
{
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR) || access (path, R_OK) != 0)
    return mfd_text_render_va (lang, N_("Cannot read the CA file “{1}”."), path != NULL ? path : "", NULL);
  return NULL;
}

char *
mfd_target_check_url (const char *url,
                      const char *lang)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (scheme == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    return mfd_text_render_va (lang, N_("This needs an http or https URL; “{1}” is not one."),
                               url != NULL ? url : "", NULL);
  return NULL;
}

static gboolean
fail (GError         **error,
      MfdTargetError   code,
      char            *message)
{
  g_set_error_literal (error, MFD_TARGET_ERROR, code, message);
  g_free (message);
  return FALSE;
}

char *
mfd_target_check_control_smtp (const char *text,
                               const char *lang)
{
  g_autofree char *host = NULL;
  g_autofree char *why = NULL;
  guint16 port;

  if (text == NULL || !split_host_port (text, &host, &port) ||
      strchr (host, '/') != NULL || (why = mfd_connector_validate_smart_host (host)) != NULL)
    return mfd_text_render_va (lang, N_("The control SMTP server takes HOST or HOST:PORT (a port from 1 to 65535); “{1}” is not one."),
                               text != NULL ? text : "", NULL);
  return NULL;
}

gboolean
mfd_target_validate (MfdTarget   *self,
                     const char  *lang,
                     GError     **error)
{
  GPtrArray *hosts;
  const char * const *domains;
  const struct { const char *url; MfdTargetError code; } urls[] = {
    { mfd_target_get_doh_url (self), MFD_TARGET_ERROR_DOH_URL },
    { mfd_target_get_rdap_bootstrap_url (self), MFD_TARGET_ERROR_RDAP_BOOTSTRAP_URL },
    { mfd_target_get_endpoints_url (self), MFD_TARGET_ERROR_ENDPOINTS_URL },
  };
  char *reason;

  g_return_val_if_fail (MFD_IS_TARGET (self), FALSE);

  hosts = mfd_target_get_smart_hosts (self);
  domains = mfd_target_get_mx_domains (self);
  if ((hosts == NULL || hosts->len == 0) && (domains == NULL || domains[0] == NULL))
    return fail (error, MFD_TARGET_ERROR_NO_DESTINATION,
                 g_strdup (mfd_tr (lang, N_("There is nothing to check: give a smart host, or a domain whose MX hosts to check."))));

  for (guint i = 0; hosts != NULL && i < hosts->len; i++)
    {
      MfdTargetHost *host = g_ptr_array_index (hosts, i);

      /* A connector's range is carried as given; the probe reports it. */
      g_autofree char *why = mfd_connector_validate_smart_host (host->host);

      if (why != NULL)
        return fail (error, MFD_TARGET_ERROR_SMART_HOST, g_strdup_printf ("%s: %s", host->host, why));
    }

  for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
    if ((reason = mfd_target_check_mx_domain (domains[i], lang)) != NULL)
      return fail (error, MFD_TARGET_ERROR_MX_DOMAIN, reason);

  if (mfd_target_get_tls_domain (self) != NULL)
    {
      reason = mfd_connector_validate_tls_domain (mfd_target_get_tls_domain (self));
      if (reason != NULL)
        return fail (error, MFD_TARGET_ERROR_TLS_DOMAIN, reason);
    }
  else if (mfd_target_get_tls_mode (self) == MFD_TLS_DOMAIN_VALIDATION)
    {
      return fail (error, MFD_TARGET_ERROR_TLS_DOMAIN,
                   g_strdup (mfd_tr (lang, N_("Domain validation needs the name the certificate must carry (the TLS domain)."))));
    }

  if (mfd_target_get_ca_file (self) != NULL &&
      (reason = mfd_target_check_ca_file (mfd_target_get_ca_file (self), lang)) != NULL)
    return fail (error, MFD_TARGET_ERROR_CA_FILE, reason);

  if (mfd_target_get_dns_server (self) != NULL &&
      (reason = mfd_target_check_dns_server (mfd_target_get_dns_server (self), lang)) != NULL)
    return fail (error, MFD_TARGET_ERROR_DNS_SERVER, reason);

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    if ((reason = mfd_target_check_url (urls[i].url, lang)) != NULL)
      return fail (error, urls[i].code, reason);

  if (mfd_target_get_control (self) && mfd_target_get_control_smtp (self) != NULL &&
      (reason = mfd_target_check_control_smtp (mfd_target_get_control_smtp (self), lang)) != NULL)
    return fail (error, MFD_TARGET_ERROR_CONTROL_SMTP, reason);
  if (mfd_target_get_control (self) && mfd_target_get_control_name (self) != NULL &&
      (reason = mfd_target_check_mx_domain (mfd_target_get_control_name (self), lang)) != NULL)
    return fail (error, MFD_TARGET_ERROR_CONTROL_NAME, reason);

  return TRUE;
}
