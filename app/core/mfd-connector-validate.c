/* mfd-connector-validate.c — what the editor and the import accept, and
 * which connector a host belongs to
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-connector"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mfd-connector.h"
#include "mfd-connector-private.h"
#include "mfd-host.h"
#include "mfd-text.h"

static gboolean
looks_numeric (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

/* A fully qualified DNS name (IDN allowed) with at least two labels; the
 * reason when it is not, NULL when it is. */
static char *
check_fqdn (const char *name,
            const char *shown)
{
  g_autofree char *ascii = NULL;
  g_auto(GStrv) labels = NULL;
  gsize len;

  if (strpbrk (name, " \t\r\n") != NULL)
    return mfd_text_render_va (NULL, N_("“{1}” contains a space."), shown, NULL);

  ascii = g_hostname_to_ascii (name);
  if (ascii == NULL)
    return mfd_text_render_va (NULL, N_("“{1}” is not a valid host name."), shown, NULL);

  len = strlen (ascii);
  if (len > 0 && ascii[len - 1] == '.')
    ascii[--len] = '\0';

  if (len == 0)
    return mfd_text_render_va (NULL, N_("“{1}” is not a valid host name."), shown, NULL);
  if (len > 253)
    return mfd_text_render_va (NULL, N_("“{1}” is too long for a host name."), shown, NULL);
  if (strchr (ascii, '.') == NULL)
    return mfd_text_render_va (NULL, N_("“{1}” is not a fully qualified name; write the whole name, such as mail.contoso.com."), shown, NULL);

  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *label = labels[i];
      gsize label_len = strlen (label);

      if (label_len == 0 || label_len > 63 ||
          label[0] == '-' || label[label_len - 1] == '-')
        return mfd_text_render_va (NULL, N_("“{1}” is not a valid host name."), shown, NULL);

      for (const char *p = label; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '-')
          return mfd_text_render_va (NULL, N_("“{1}” contains characters that a host name cannot have."), shown, NULL);
    }

  return NULL;
}

/* "ADDRESS/LENGTH". Exchange accepts host bits set ("192.168.0.1/25"),
 * which GInetAddressMask refuses, so the parts are checked separately. */
static GInetAddressMask *
parse_cidr (const char  *text,
            char       **reason)
{
  g_autofree char *address_part = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GInetAddress) network = NULL;
  const char *slash = strchr (text, '/');
  guint64 length;
  guint max_length;
  guint8 bytes[16];
  gsize n_bytes;

  address_part = g_strndup (text, slash - text);
  address = g_inet_address_new_from_string (address_part);
  if (address == NULL ||
      !g_ascii_string_to_unsigned (slash + 1, 10, 0, 128, &length, NULL))
    goto invalid;

  n_bytes = g_inet_address_get_native_size (address);
  max_length = n_bytes * 8;
  if (length > max_length)
    goto invalid;

  memcpy (bytes, g_inet_address_to_bytes (address), n_bytes);
  for (guint bit = length; bit < max_length; bit++)
    bytes[bit / 8] &= ~(0x80 >> (bit % 8));
  network = g_inet_address_new_from_bytes (bytes, g_inet_address_get_family (address));

  return g_inet_address_mask_new (network, length, NULL);

invalid:
  if (reason != NULL)
    *reason = mfd_text_render_va (NULL, N_("“{1}” is not a valid address range; write an address and a prefix length, such as 192.0.2.0/24."), text, NULL);
  return NULL;
}

char *
mfd_connector_validate_smart_host (const char *host)
{
  g_autofree char *trimmed = NULL;
  char *reason = NULL;
  const char *colon;

  if (host == NULL || *g_strstrip (trimmed = g_strdup (host)) == '\0')
    return g_strdup (mfd_tr (NULL, N_("Enter a host name or an IP address.")));

  if (strchr (trimmed, '/') != NULL)
    {
      g_autoptr(GInetAddressMask) mask = parse_cidr (trimmed, &reason);

      return reason;
    }

  if (mfd_host_is_ip_literal (trimmed))
    return NULL;

  if (strchr (trimmed, '*') != NULL)
    return g_strdup (mfd_tr (NULL, N_("A smart host cannot contain a wildcard; enter one host name or address.")));

  /* IPv6 literals are handled above, so a colon here is a port. */
  colon = strchr (trimmed, ':');
  if (colon != NULL)
    return g_strdup (mfd_tr (NULL, N_("A smart host cannot include a port; Exchange Online always connects to port 25.")));

  if (looks_numeric (trimmed))
    return mfd_text_render_va (NULL, N_("“{1}” is not a valid IP address."), trimmed, NULL);

  return check_fqdn (trimmed, trimmed);
}

char *
mfd_connector_validate_tls_domain (const char *domain)
{
  g_autofree char *trimmed = NULL;
  const char *rest;

  if (domain == NULL || *g_strstrip (trimmed = g_strdup (domain)) == '\0')
    return g_strdup (mfd_tr (NULL, N_("Enter the domain name that the certificate must match.")));

  if (mfd_host_is_ip_literal (trimmed))
    return g_strdup (mfd_tr (NULL, N_("The TLS domain must be a domain name, not an IP address.")));

  rest = trimmed;
  if (g_str_has_prefix (trimmed, "*."))
    rest = trimmed + 2;

  if (strchr (rest, '*') != NULL)
    return g_strdup (mfd_tr (NULL, N_("Only the leftmost label can be a wildcard, and only as “*” by itself, such as *.contoso.com.")));

  if (rest != trimmed && strchr (rest, '.') == NULL)
    return g_strdup (mfd_tr (NULL, N_("A wildcard must be followed by a domain of at least two labels, such as *.contoso.com.")));

  return check_fqdn (rest, trimmed);
}

char *
mfd_connector_validate_recipient_domain (const char *domain)
{
  g_autofree char *trimmed = NULL;
  const char *rest;

  if (domain == NULL || *g_strstrip (trimmed = g_strdup (domain)) == '\0')
    return g_strdup (mfd_tr (NULL, N_("Enter a domain, such as contoso.com or *.contoso.com.")));

  if (strcmp (trimmed, "*") == 0)
    return NULL;

  if (mfd_host_is_ip_literal (trimmed))
    return g_strdup (mfd_tr (NULL, N_("A recipient domain must be a domain name, not an IP address.")));

  rest = g_str_has_prefix (trimmed, "*.") ? trimmed + 2 : trimmed;
  if (strchr (rest, '*') != NULL)
    return g_strdup (mfd_tr (NULL, N_("Only the leftmost label can be a wildcard, and only as “*” by itself, such as *.contoso.com.")));

  return check_fqdn (rest, trimmed);
}

/* Matching */

/* The engine's host normal form, ignoring spaces around a pasted entry. */
static char *
match_form (const char *host)
{
  g_autofree char *trimmed = NULL;

  if (host == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (host));
  return mfd_host_normalize (trimmed);
}

gboolean
mfd_connector_smart_host_matches (MfdConnector *self,
                                  const char   *host)
{
  const char * const *smart_hosts = mfd_connector_get_smart_hosts (self);
  g_autofree char *wanted = match_form (host);
  g_autoptr(GInetAddress) wanted_address = NULL;

  if (wanted == NULL || smart_hosts == NULL)
    return FALSE;

  wanted_address = g_inet_address_new_from_string (wanted);

  for (guint i = 0; smart_hosts[i] != NULL; i++)
    {
      const char *smart_host = smart_hosts[i];

      if (wanted_address != NULL && strchr (smart_host, '/') != NULL)
        {
          g_autoptr(GInetAddressMask) mask = parse_cidr (smart_host, NULL);

          if (mask != NULL && g_inet_address_mask_matches (mask, wanted_address))
            return TRUE;
        }
      else if (wanted_address != NULL)
        {
          g_autoptr(GInetAddress) address = g_inet_address_new_from_string (smart_host);

          if (address != NULL && g_inet_address_equal (address, wanted_address))
            return TRUE;
        }
      else
        {
          g_autofree char *candidate = match_form (smart_host);

          if (g_strcmp0 (candidate, wanted) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

gboolean
mfd_connector_domain_matches (MfdConnector *self,
                              const char   *host)
{
  const char * const *domains = mfd_connector_get_recipient_domains (self);
  g_autofree char *wanted = match_form (host);
  const char *parent;

  if (wanted == NULL || domains == NULL || mfd_host_is_ip_literal (wanted))
    return FALSE;

  parent = strchr (wanted, '.');
  parent = parent != NULL ? parent + 1 : "";

  for (guint i = 0; domains[i] != NULL; i++)
    {
      const char *entry = domains[i];
      gboolean wildcard = g_str_has_prefix (entry, "*.");
      g_autofree char *domain = match_form (wildcard ? entry + 2 : entry);

      /* "*" routes every domain, so it says nothing about this host. */
      if (domain == NULL || *domain == '\0' || strcmp (entry, "*") == 0)
        continue;

      if (strcmp (wanted, domain) == 0 || strcmp (parent, domain) == 0)
        return TRUE;

      if (wildcard)
        {
          g_autofree char *suffix = g_strconcat (".", domain, NULL);

          if (g_str_has_suffix (parent, suffix))
            return TRUE;
        }
    }

  return FALSE;
}

gboolean
mfd_connector_matches_host (MfdConnector *self,
                            const char   *host)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), FALSE);

  return mfd_connector_smart_host_matches (self, host) ||
         mfd_connector_domain_matches (self, host);
}
