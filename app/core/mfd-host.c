/* mfd-host.c — host names and address literals in one normal form
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-host"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "mfd-host.h"

char *
mfd_host_normalize (const char *host)
{
  g_autofree char *ascii = NULL;
  gsize len;

  g_return_val_if_fail (host != NULL, NULL);

  len = strlen (host);
  if (len > 2 && host[0] == '[' && host[len - 1] == ']')
    return g_strndup (host + 1, len - 2);

  /* GLib also lower-cases and drops the trailing dot of what it
   * converts; plain ASCII names skip it and its allocation. */
  if (!g_str_is_ascii (host))
    ascii = g_hostname_to_ascii (host);
  if (ascii != NULL)
    host = ascii;

  len = strlen (host);
  if (len > 0 && host[len - 1] == '.')
    len--;
  return g_ascii_strdown (host, len);
}

gboolean
mfd_host_is_ip_literal (const char *text)
{
  g_autoptr(GInetAddress) address = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  address = g_inet_address_new_from_string (text);
  return address != NULL;
}

gboolean
mfd_host_is_same_or_below (const char *name,
                           const char *zone)
{
  gsize name_len = strlen (name), zone_len = strlen (zone);

  if (zone_len == 0)
    return TRUE;
  if (name_len < zone_len || g_ascii_strcasecmp (name + name_len - zone_len, zone) != 0)
    return FALSE;
  return name_len == zone_len || name[name_len - zone_len - 1] == '.';
}
