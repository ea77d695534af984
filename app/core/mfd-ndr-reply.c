/* mfd-ndr-reply.c — one reply and the fields around it: Exchange Online's
 * queue string, the message-trace Reason, an NDR history line
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr"

#include "config.h"

#include <string.h>

#include "mfd-ndr-private.h"
#include "mfd-text.h"

/* Times */

static GDateTime *
parse_iso8601 (const char *s)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return g_date_time_new_from_iso8601 (s, utc);
}

static gboolean
read_number (const char **p,
             const char  *end,
             guint        max_digits,
             int         *value)
{
  guint n = 0;

  *value = 0;
  while (*p < end && g_ascii_isdigit (**p) && n < max_digits)
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      n++;
    }
  return n > 0;
}

/* "3/5/2025 1:05:11 AM" (what EOP writes in NDR history lines and trace
 * LRT, in UTC), "2025/03/05 1:05:11" and "2025-03-05 01:05:11" (Japanese
 * NDRs). */
static GDateTime *
parse_datetime (const char *s,
                gsize       len)
{
  const char *p = s;
  const char *end = s + len;
  int a, b, c, hour, minute, second = 0;
  int year, month, day;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  while (p < end && g_ascii_isspace (*p))
    p++;
  if (!read_number (&p, end, 4, &a) || p >= end || (*p != '/' && *p != '-'))
    return NULL;
  p++;
  if (!read_number (&p, end, 2, &b) || p >= end || (*p != '/' && *p != '-'))
    return NULL;
  p++;
  if (!read_number (&p, end, 4, &c))
    return NULL;
  if (p < end && *p == 'T')
    p++;
  while (p < end && *p == ' ')
    p++;
  if (!read_number (&p, end, 2, &hour) || p >= end || *p != ':')
    return NULL;
  p++;
  if (!read_number (&p, end, 2, &minute))
    return NULL;
  if (p < end && *p == ':')
    {
      p++;
      if (!read_number (&p, end, 2, &second))
        return NULL;
    }
  while (p < end && *p == ' ')
    p++;
  if (end - p >= 2 && (p[1] == 'M' || p[1] == 'm'))
    {
      gboolean pm = (p[0] == 'P' || p[0] == 'p');

      if (!pm && p[0] != 'A' && p[0] != 'a')
        return NULL;
      if (hour < 1 || hour > 12)
        return NULL;
      hour = hour % 12 + (pm ? 12 : 0);
    }

  if (a > 31)
    {
      year = a;
      month = b;
      day = c;
    }
  else
    {
      month = a;
      day = b;
      year = c;
    }
  if (year < 1970 || year > 9999)
    return NULL;
  return g_date_time_new (utc, year, month, day, hour, minute, second);
}

/* Reply texts */

/* Index of the ']' closing the '[' at @open, or @len when unterminated.
 * Nesting is counted, not recursed into, so depth costs nothing. */
static gsize
match_bracket (const char *s,
               gsize       len,
               gsize       open)
{
  gsize depth = 0;

  for (gsize i = open; i < len; i++)
    {
      if (s[i] == '[')
        depth++;
      else if (s[i] == ']' && --depth == 0)
        return i;
    }
  return len;
}

/* Field names are compared without regard to case. */
static gboolean
name_is (const char *s,
         gsize       len,
         const char *name)
{
  return len == strlen (name) && g_ascii_strncasecmp (s, name, len) == 0;
}

/* [Key=Value] fields of a queue string, and the trailing
 * "[HOST 2025-03-04T01:02:03.456Z ID]" that names the EOP server. */
static void
handle_field (MfdNdrEntry *entry,
              const char  *s,
              gsize        len)
{
  gsize k = 0;

  while (k < len && g_ascii_isalnum (s[k]))
    k++;
  if (k > 0 && k < len && s[k] == '=')
    {
      const char *value = s + k + 1;
      gsize value_len = len - k - 1;

      if (name_is (s, k, "Message"))
        mfd_ndr_set_once (&entry->message, mfd_ndr_collapse_space (value, value_len));
      else if (name_is (s, k, "LastAttemptedServerName"))
        mfd_ndr_set_once (&entry->server, mfd_ndr_strip_space (value, value_len));
      else if (name_is (s, k, "LastAttemptedIP"))
        {
          g_autofree char *ip = mfd_ndr_strip_space (value, value_len);

          mfd_ndr_set_ip_port (entry, ip, TRUE);
        }
      return;
    }

  if (len < 256 && entry->reporting_server == NULL)
    {
      g_autofree char *copy = g_strndup (s, len);
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (copy), " \t\n", 4);

      if (g_strv_length (words) >= 2 && mfd_ndr_looks_like_host (words[0], strlen (words[0])))
        {
          GDateTime *when = parse_iso8601 (words[1]);

          if (when != NULL)
            {
              entry->reporting_server = g_strdup (words[0]);
              if (entry->timestamp == NULL)
                entry->timestamp = when;
              else
                g_date_time_unref (when);
            }
        }
    }
}

/* "Connection refused (Socket error code 10061)": the parenthesised tail is
 * the detail when no [Message=…] gave one. */
static void
split_detail (MfdNdrEntry *entry)
{
  gsize n;
  char *open;

  if (entry->text == NULL || entry->message != NULL)
    return;
  n = strlen (entry->text);
  if (n < 3 || entry->text[n - 1] != ')')
    return;
  open = strrchr (entry->text, '(');
  if (open == NULL || open == entry->text || open[1] == ')')
    return;
  entry->message = g_strndup (open + 1, entry->text + n - 1 - (open + 1));
  *open = '\0';
  g_strchomp (entry->text);
}

/* What other servers put around a reply's words: Postfix's "(in reply to
 * RCPT TO command)", Exchange 2007–2019's closing "##", the ')' of
 * Sendmail's "(reason: 550 …)" and the '>' of an old "< #5.4.316 smtp;…>". */
void
mfd_ndr_tidy_text (MfdNdrEntry *entry)
{
  gsize n;
  char *tail;

  if (entry->text == NULL)
    return;
  tail = strstr (entry->text, "(in reply to ");
  if (tail != NULL && tail > entry->text)
    *tail = '\0';
  g_strchomp (entry->text);
  n = strlen (entry->text);
  if (n >= 2 && g_str_has_suffix (entry->text, "##"))
    entry->text[n -= 2] = '\0';
  else if (n > 0 && entry->text[n - 1] == '>' && strchr (entry->text, '<') == NULL)
    entry->text[--n] = '\0';
  else if (n > 0 && entry->text[n - 1] == ')' && strchr (entry->text, '(') == NULL)
    entry->text[--n] = '\0';
  else if (n > 0 && entry->text[n - 1] == ']' && strchr (entry->text, '[') == NULL)
    entry->text[--n] = '\0';
  g_strchomp (entry->text);
  if (*entry->text == '\0')
    g_clear_pointer (&entry->text, g_free);
  split_detail (entry);
}

/* Parses a reply starting with its code at @s: "450 4.4.316 Connection
 * refused [Message=…] [LastAttemptedServerName=…] …". Returns the number of
 * bytes it took (0 when @s does not start with a code). */
gsize
mfd_ndr_parse_reply (MfdNdrEntry *entry,
                     const char  *s,
                     gsize        len)
{
  g_autofree char *status = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gsize p, text_start;
  int reply = 0;
  gboolean continued;

  p = mfd_ndr_match_code (s, len, 0, &reply, &status);
  if (p == 0)
    return 0;
  entry->reply = reply;
  g_free (entry->status);
  entry->status = g_steal_pointer (&status);
  continued = s[3] == '-';

  /* The words run to the next code, except that the lines of a multiline
   * reply ("550-5.1.1 The email account …" "550-5.1.1 double-checking …")
   * are one reply. */
  text_start = p;
  while (p < len && s[p] != '[')
    {
      int next_reply = 0;
      g_autofree char *next_status = NULL;
      gsize q;

      if ((s[p] == '2' || s[p] == '4' || s[p] == '5') &&
          (q = mfd_ndr_match_code (s, len, p, &next_reply, &next_status)) > 0)
        {
          if (!continued || next_reply != reply || g_strcmp0 (next_status, entry->status) != 0)
            break;
          continued = s[p + 3] == '-';
          g_string_append_len (text, s + text_start, p - text_start);
          g_string_append_c (text, ' ');
          p = text_start = q;
          continue;
        }
      p++;
    }
  g_string_append_len (text, s + text_start, p - text_start);
  mfd_ndr_set_once (&entry->text, mfd_ndr_collapse_space (text->str, text->len));

  while (p < len)
    {
      gsize q = p;
      gsize close;

      while (q < len && g_ascii_isspace (s[q]))
        q++;
      if (q >= len || s[q] != '[')
        break;
      close = match_bracket (s, len, q);
      handle_field (entry, s + q + 1, close - q - 1);
      p = close < len ? close + 1 : len;
    }

  mfd_ndr_tidy_text (entry);
  g_free (entry->raw);
  entry->raw = mfd_text_sanitize (s, p, MFD_NDR_MAX_FIELD_CHARS);
  return p;
}

/* Message trace: Reason: [{LED=…};{MSG=…};{FQDN=…};{IP=…};{LRT=…}] */
gsize
mfd_ndr_parse_trace (MfdNdrParse *parse,
                     const char  *s,
                     gsize        len)
{
  g_autoptr(MfdNdrEntry) entry = mfd_ndr_entry_new (MFD_NDR_SOURCE_MESSAGE_TRACE);
  gsize p = 0;
  gboolean have_reply = FALSE;

  while (p < len)
    {
      gsize key_start, key_end, value_start, value_end;
      gsize depth = 0;

      while (p < len && (g_ascii_isspace (s[p]) || s[p] == ';'))
        p++;
      if (p >= len || s[p] != '{')
        break;
      key_start = ++p;
      while (p < len && g_ascii_isalnum (s[p]))
        p++;
      if (p >= len || s[p] != '=')
        break;
      key_end = p++;
      value_start = p;
      /* The value ends at the '}' outside any bracket of the queue string. */
      while (p < len && !(s[p] == '}' && depth == 0))
        {
          if (s[p] == '[')
            depth++;
          else if (s[p] == ']' && depth > 0)
            depth--;
          p++;
        }
      value_end = p;
      if (p < len)
        p++;

      if (name_is (s + key_start, key_end - key_start, "LED"))
        {
          for (gsize i = value_start; i < value_end; i++)
            if ((s[i] == '4' || s[i] == '5') && mfd_ndr_match_code (s, value_end, i, NULL, NULL) > 0)
              {
                have_reply = mfd_ndr_parse_reply (entry, s + i, value_end - i) > 0;
                break;
              }
        }
      else if (name_is (s + key_start, key_end - key_start, "MSG"))
        mfd_ndr_set_once (&entry->message, mfd_ndr_collapse_space (s + value_start, value_end - value_start));
      else if (name_is (s + key_start, key_end - key_start, "FQDN"))
        {
          char *host = mfd_ndr_strip_space (s + value_start, value_end - value_start);

          if (host != NULL && mfd_ndr_looks_like_host (host, strlen (host)))
            mfd_ndr_set_once (&entry->server, host);
          else
            g_free (host);
        }
      else if (name_is (s + key_start, key_end - key_start, "IP"))
        {
          g_autofree char *ip = mfd_ndr_strip_space (s + value_start, value_end - value_start);

          mfd_ndr_set_ip_port (entry, ip, FALSE);
        }
      else if (name_is (s + key_start, key_end - key_start, "LRT"))
        {
          GDateTime *when = parse_datetime (s + value_start, value_end - value_start);

          if (when != NULL && entry->timestamp == NULL)
            entry->timestamp = when;
          else if (when != NULL)
            g_date_time_unref (when);
        }
    }

  if (have_reply && !mfd_ndr_parse_is_full (parse))
    {
      g_free (entry->raw);
      entry->raw = mfd_text_sanitize (s, p, MFD_NDR_MAX_FIELD_CHARS);
      g_ptr_array_add (parse->entries, g_steal_pointer (&entry));
    }
  return MAX (p, 1);
}

/* The quote that opens the reply ending at @len: right before the code,
 * or before an old-style "< #5.4.316 smtp;" wrapper; an apostrophe in
 * the prose earlier on the line is not one. */
const char *
mfd_ndr_find_opening_quote (const char *s,
                            gsize       len)
{
  gsize k = len;

  while (k > 0 && s[k - 1] == ' ')
    k--;
  if (k > 0 && s[k - 1] == '\'')
    return s + k - 1;

  for (gsize n = 0; k > 0 && n < 32; k--, n++)
    if (s[k - 1] == '<')
      {
        gsize q = k - 1;

        while (q > 0 && s[q - 1] == ' ')
          q--;
        return q > 0 && s[q - 1] == '\'' ? s + q - 1 : NULL;
      }
  return NULL;
}

/* What precedes a quoted reply on an NDR history line:
 * "3/5/2025 1:05:11 AM - Server at mail.contoso.com (203.0.113.25) returned"
 * (or its Japanese wording): the host and address right before the reply,
 * the time at the start of the line. */
void
mfd_ndr_parse_history_prefix (MfdNdrEntry *entry,
                              const char  *s,
                              gsize        len)
{
  const char *dash;
  const char *at;
  gsize close = len;
  gsize open;

  dash = g_strstr_len (s, MIN (len, 40), " - ");
  if (dash != NULL && entry->timestamp == NULL)
    entry->timestamp = parse_datetime (s, dash - s);

  while (close > 0 && s[close - 1] != ')')
    close--;
  if (close > 0)
    {
      close--;
      open = close;
      while (open > 0 && s[open] != '(')
        open--;
      if (s[open] == '(')
        {
          g_autofree char *ip = mfd_ndr_strip_space (s + open + 1, close - open - 1);
          gsize host_end = open;
          gsize host_start;

          mfd_ndr_set_ip_port (entry, ip, FALSE);
          while (host_end > 0 && g_ascii_isspace (s[host_end - 1]))
            host_end--;
          host_start = host_end;
          while (host_start > 0 && !g_ascii_isspace (s[host_start - 1]))
            host_start--;
          if (entry->ip != NULL && mfd_ndr_looks_like_host (s + host_start, host_end - host_start))
            mfd_ndr_set_once (&entry->server, g_strndup (s + host_start, host_end - host_start));
        }
    }

  if (entry->server == NULL && (at = g_strstr_len (s, len, "Server at ")) != NULL)
    {
      const char *host = at + strlen ("Server at ");
      gsize n = 0;

      while (host + n < s + len && !g_ascii_isspace (host[n]))
        n++;
      if (mfd_ndr_looks_like_host (host, n))
        entry->server = g_strndup (host, n);
    }
}
