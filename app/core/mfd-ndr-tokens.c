/* mfd-ndr-tokens.c — the small pieces every form is made of: reply codes and
 * enhanced statuses, host names and addresses, bounded strings
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "mfd-host.h"
#include "mfd-ndr-private.h"
#include "mfd-text.h"

/* Small string helpers */

/* Collapses runs of white space (line breaks of a wrapped paste included)
 * into one space, trims, and bounds the length. */
char *
mfd_ndr_collapse_space (const char *s,
                        gsize       len)
{
  g_autoptr(GString) out = g_string_sized_new (MIN (len, 256));
  gboolean space = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isspace (s[i]))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, s[i]);
    }
  if (out->len == 0)
    return NULL;
  return mfd_text_sanitize (out->str, out->len, MFD_NDR_MAX_FIELD_CHARS);
}

/* Index of the end of the line starting at @start (its '\n', or @len). */
gsize
mfd_ndr_line_end (const char *s,
                  gsize       len,
                  gsize       start)
{
  const char *nl = memchr (s + start, '\n', len - start);

  return nl != NULL ? (gsize) (nl - s) : len;
}

/* Host names and addresses: a wrapped paste may have broken them anywhere,
 * so every white space inside is dropped. */
char *
mfd_ndr_strip_space (const char *s,
                     gsize       len)
{
  g_autoptr(GString) out = g_string_sized_new (MIN (len, 256));

  for (gsize i = 0; i < len && out->len < 256; i++)
    if (!g_ascii_isspace (s[i]))
      g_string_append_c (out, s[i]);
  if (out->len == 0)
    return NULL;
  return mfd_text_sanitize (out->str, out->len, 255);
}

void
mfd_ndr_set_once (char **field,
                  char  *value)
{
  if (*field == NULL)
    *field = value;
  else
    g_free (value);
}

gboolean
mfd_ndr_ascii_contains (const char *haystack,
                        const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = haystack; *p; p++)
    if (g_ascii_strncasecmp (p, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_ip_literal_len (const char *s,
                   gsize       len)
{
  g_autofree char *copy = NULL;

  /* Only digits, hex letters, dots and colons can make one; most words
   * fail here without an allocation. */
  if (len == 0 || len > 45)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]) && s[i] != '.' && s[i] != ':')
      return FALSE;
  copy = g_strndup (s, len);
  return mfd_host_is_ip_literal (copy);
}

/* A host name as it appears in an error: letters, digits, dots, hyphens. */
gboolean
mfd_ndr_looks_like_host (const char *s,
                         gsize       len)
{
  gboolean dot = FALSE;

  if (len == 0 || len > 253)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '.')
        dot = TRUE;
      else if (!g_ascii_isalnum (s[i]) && s[i] != '-' && s[i] != '_')
        return FALSE;
    }
  return dot;
}

/* Sets ip (and port) from "203.0.113.25:25", "[2001:db8::25]:25",
 * "2001:db8::25:25" or a bare address. EOP always appends the port to
 * LastAttemptedIP, so with @has_port a trailing ":N" after an unbracketed
 * IPv6 address is taken as the port when what remains is still an address. */
void
mfd_ndr_set_ip_port (MfdNdrEntry *entry,
                     const char  *value,
                     gboolean     has_port)
{
  g_autofree char *s = NULL;
  char *colon;
  char *port = NULL;

  if (value == NULL || entry->ip != NULL)
    return;
  s = g_strdup (value);

  if (s[0] == '[')
    {
      char *close = strchr (s, ']');

      if (close == NULL)
        return;
      *close = '\0';
      if (close[1] == ':')
        port = close + 2;
      memmove (s, s + 1, strlen (s + 1) + 1);
    }
  else if ((colon = strrchr (s, ':')) != NULL)
    {
      if (strchr (s, ':') == colon)
        {
          *colon = '\0';
          port = colon + 1;
        }
      else if (has_port)
        {
          *colon = '\0';
          if (mfd_host_is_ip_literal (s))
            port = colon + 1;
          else
            *colon = ':';
        }
    }

  if (!mfd_host_is_ip_literal (s))
    return;
  entry->ip = g_strdup (s);
  if (port != NULL)
    {
      guint64 n;

      if (g_ascii_string_to_unsigned (port, 10, 1, 65535, &n, NULL))
        entry->port = (guint16) n;
    }
}

/* Makes the input one valid UTF-8 string with "\n" line ends and no control
 * characters, so every later step can use ordinary string functions. */
char *
mfd_ndr_normalize_text (const char *data,
                        gsize       len)
{
  char *valid = g_utf8_make_valid (data, len);
  char *out = valid;

  /* In place: the text only ever gets shorter. */
  for (const char *p = valid; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\r')
        {
          if (p[1] != '\n')
            *out++ = '\n';
          continue;
        }
      if (c < 0x20 && c != '\n' && c != '\t')
        continue;
      if (c == 0x7f)
        continue;
      *out++ = *p;
    }
  *out = '\0';
  return valid;
}

/* Codes */

/* An enhanced status "5.1.1" / "4.4.316" / "2.0.0" at @i, standing alone
 * (no digit, letter or dot glued to either side). Returns the index just
 * past it, or 0. */
gsize
mfd_ndr_match_status (const char *s,
                      gsize       len,
                      gsize       i)
{
  gsize p = i;
  guint digits;

  if (i > 0 && (g_ascii_isalnum (s[i - 1]) || s[i - 1] == '.'))
    return 0;
  if (len - i < 5)
    return 0;
  if ((s[p] != '2' && s[p] != '4' && s[p] != '5') || s[p + 1] != '.')
    return 0;
  p += 2;
  for (int part = 0; part < 2; part++)
    {
      digits = 0;
      while (p < len && g_ascii_isdigit (s[p]) && digits < 4)
        p++, digits++;
      if (digits == 0 || digits > 3)
        return 0;
      if (part == 0)
        {
          if (p >= len || s[p] != '.')
            return 0;
          p++;
        }
    }
  if (p < len && (g_ascii_isalnum (s[p]) || (s[p] == '.' && p + 1 < len && g_ascii_isdigit (s[p + 1]))))
    return 0;
  return p;
}

/* Matches "450 4.4.316" / "550-5.4.316" / "550 4.4.7" at @i: an SMTP
 * failure reply and an enhanced status. Returns the index just past the
 * status, or 0. */
gsize
mfd_ndr_match_code (const char  *s,
                    gsize        len,
                    gsize        i,
                    int         *reply,
                    char       **status)
{
  gsize p = i;
  gsize status_start;

  if (i > 0 && (g_ascii_isalnum (s[i - 1]) || s[i - 1] == '.'))
    return 0;
  if (len - i < 9)
    return 0;
  if ((s[p] != '2' && s[p] != '4' && s[p] != '5') || !g_ascii_isdigit (s[p + 1]) || !g_ascii_isdigit (s[p + 2]))
    return 0;
  if (s[p + 3] != ' ' && s[p + 3] != '-')
    return 0;
  p += 4;
  status_start = p;
  /* A success reply carries a success status and an error reply an error
   * status: "250 5.0.0" is neither. */
  if ((s[i] == '2') != (s[p] == '2'))
    return 0;
  p = mfd_ndr_match_status (s, len, p);
  if (p == 0)
    return 0;

  if (reply != NULL)
    *reply = mfd_ndr_reply_code (s + i);
  if (status != NULL)
    *status = g_strndup (s + status_start, p - status_start);
  return p;
}

/* A reply code without an enhanced status ("550 User unknown", "554:
 * delivery error"): three digits, a separator, then words. Returns the
 * index of the words, or 0. */
gsize
mfd_ndr_match_bare_reply (const char *s,
                          gsize       len,
                          gsize       i)
{
  gsize p = i + 3;

  if (i > 0 && (g_ascii_isalnum (s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '-'))
    return 0;
  if (len - i < 6)
    return 0;
  if ((s[i] != '4' && s[i] != '5') || !g_ascii_isdigit (s[i + 1]) || !g_ascii_isdigit (s[i + 2]))
    return 0;
  if (s[p] == ':' || s[p] == '-')
    p++;
  if (p >= len || s[p] != ' ')
    return 0;
  while (p < len && s[p] == ' ')
    p++;
  /* "550 - 5.1.1 …" (Zoho) */
  if (p + 1 < len && s[p] == '-' && s[p + 1] == ' ')
    for (p++; p < len && s[p] == ' ';)
      p++;
  if (p >= len || !(g_ascii_isalpha (s[p]) || s[p] == '<' || s[p] == '(' || s[p] == '\'' ||
                    mfd_ndr_match_status (s, len, p) > 0))
    return 0;
  return p;
}

/* @needle in the first @len bytes of @s. The text is normalized (no NUL),
 * so this is g_strstr_len(); memchr() finds candidates far faster on the
 * long lines of a big paste. */
const char *
mfd_ndr_find_in (const char *s,
                 gsize       len,
                 const char *needle)
{
  gsize n = strlen (needle);
  const char *end = s + len;
  const char *p = s;

  while ((gsize) (end - p) >= n && (p = memchr (p, needle[0], end - p - n + 1)) != NULL)
    {
      if (memcmp (p, needle, n) == 0)
        return p;
      p++;
    }
  return NULL;
}

gboolean
mfd_ndr_line_has_any (const char         *s,
                      gsize               len,
                      const char * const *needles,
                      gsize               n)
{
  for (gsize i = 0; i < n; i++)
    if (mfd_ndr_find_in (s, len, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* The host name ending right before @end (white space skipped), without a
 * trailing root dot: "mx.fabrikam.com" of "host mx.fabrikam.com [". */
char *
mfd_ndr_host_before (const char *s,
                     gsize       end)
{
  gsize start;

  while (end > 0 && s[end - 1] == ' ')
    end--;
  if (end > 0 && s[end - 1] == '.')
    end--;
  start = end;
  while (start > 0 && end - start < 253 &&
         (g_ascii_isalnum (s[start - 1]) || s[start - 1] == '.' || s[start - 1] == '-' || s[start - 1] == '_'))
    start--;
  if (!mfd_ndr_looks_like_host (s + start, end - start) || is_ip_literal_len (s + start, end - start))
    return NULL;
  return g_strndup (s + start, end - start);
}

/* An IP address literal of at most 45 characters at @i, up to a character
 * that cannot be part of one; "IPv6:" before it is skipped. */
char *
mfd_ndr_ip_at (const char *s,
               gsize       len,
               gsize       i,
               gsize      *end)
{
  gsize p;

  if (len - i > 5 && g_ascii_strncasecmp (s + i, "IPv6:", 5) == 0)
    i += 5;
  p = i;
  while (p < len && p - i < 46 && (g_ascii_isxdigit (s[p]) || s[p] == '.' || s[p] == ':'))
    p++;
  /* "198.51.100.7:" before the reason in Gmail's form. */
  while (p > i && (s[p - 1] == ':' || s[p - 1] == '.'))
    p--;
  if (p == i || !is_ip_literal_len (s + i, p - i))
    return NULL;
  *end = p;
  return g_strndup (s + i, p - i);
}

gboolean
mfd_ndr_is_header_line (const char *s,
                        gsize       len)
{
  gsize i = 0;

  while (i < len && (g_ascii_isalnum (s[i]) || s[i] == '-'))
    i++;
  return i > 0 && i < len && s[i] == ':';
}
