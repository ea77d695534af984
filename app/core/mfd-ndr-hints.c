/* mfd-ndr-hints.c — what a bounce says around its error: the destination host
 * and address, the recipient, and whether it is a bounce or a delay notice
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

gboolean
mfd_ndr_is_email_line (const char  *s,
                       gsize        len,
                       char       **address)
{
  gsize start = 0, end = len;
  gsize at = 0;
  guint n_at = 0;

  while (start < end && g_ascii_isspace (s[start]))
    start++;
  while (end > start && g_ascii_isspace (s[end - 1]))
    end--;
  if (end - start > 2 && s[start] == '<' && s[end - 1] == '>')
    start++, end--;
  if (end - start < 3 || end - start > 254)
    return FALSE;
  for (gsize i = start; i < end; i++)
    {
      if (s[i] == '@')
        n_at++, at = i;
      else if (g_ascii_isspace (s[i]) || s[i] == '<' || s[i] == '>' || s[i] == '(' || s[i] == ':')
        return FALSE;
    }
  if (n_at != 1 || at == start || !mfd_ndr_looks_like_host (s + at + 1, end - at - 1))
    return FALSE;
  *address = mfd_text_sanitize (s + start, end - start, 254);
  return TRUE;
}

/* "Generating server: HOST" names the EOP machine that wrote the NDR: its
 * reporting server. */
char *
mfd_ndr_find_generating_server (const char *s,
                                gsize       len)
{
  static const char * const labels[] = { "Generating server:", "生成サーバー:" };

  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      const char *label = g_strstr_len (s, len, labels[i]);
      const char *host;
      gsize n = 0;

      if (label == NULL)
        continue;
      host = label + strlen (labels[i]);
      while (host < s + len && g_ascii_isspace (*host))
        host++;
      while (host + n < s + len && !g_ascii_isspace (host[n]))
        n++;
      if (mfd_ndr_looks_like_host (host, n))
        return g_strndup (host, n);
    }
  return NULL;
}

/* Where another server's bounce names the destination on a line:
 * "host mx.fabrikam.com [198.51.100.7]" (Exim), "mx.fabrikam.com[198.51.100.7]
 * said:" (Postfix), "host: mx.fabrikam.com (198.51.100.7)" (GMX),
 * "[mx.fabrikam.com. 198.51.100.7: …]" (Gmail), "Connected to 198.51.100.7
 * but …" and "198.51.100.7 does not like recipient." (qmail), "… while
 * talking to mx.fabrikam.com.:" (Sendmail). Returns whether it found one. */
gboolean
mfd_ndr_find_host_ip (const char  *s,
                      gsize        len,
                      char       **host,
                      char       **ip)
{
  const char *at;

  len = MIN (len, MFD_NDR_HINT_SPAN);
  *host = *ip = NULL;
  if (len >= 9 && g_ascii_strncasecmp (s, "Received:", 9) == 0)
    return FALSE;

  for (gsize i = 0; i + 1 < len; i++)
    {
      gsize end = 0;
      char close;

      if (s[i] == '[')
        close = ']';
      else if (s[i] == '(')
        close = ')';
      else
        continue;

      *ip = mfd_ndr_ip_at (s, len, i + 1, &end);
      if (*ip != NULL && end < len && s[end] == close)
        {
          *host = mfd_ndr_host_before (s, i);
          return TRUE;
        }
      g_clear_pointer (ip, g_free);

      /* "[mx.fabrikam.com. 198.51.100.7: timed out]" */
      if (close == ']')
        {
          gsize h = i + 1;

          while (h < len && h - i < 254 && (g_ascii_isalnum (s[h]) || s[h] == '.' || s[h] == '-'))
            h++;
          if (h < len && s[h] == ' ' && (*ip = mfd_ndr_ip_at (s, len, h + 1, &end)) != NULL &&
              end < len && s[end] == ':')
            {
              *host = mfd_ndr_host_before (s, h);
              if (*host != NULL)
                return TRUE;
            }
          g_clear_pointer (ip, g_free);
        }
    }

  if ((at = mfd_ndr_find_in (s, len, "Connected to ")) != NULL)
    {
      gsize end;

      *ip = mfd_ndr_ip_at (s, len, at + strlen ("Connected to ") - s, &end);
      if (*ip != NULL)
        return TRUE;
    }
  if (len > 7 && g_ascii_isdigit (s[0]) && (at = mfd_ndr_find_in (s, len, " does not like ")) != NULL)
    {
      gsize end;

      *ip = mfd_ndr_ip_at (s, len, 0, &end);
      if (*ip != NULL && s + end == at)
        return TRUE;
      g_clear_pointer (ip, g_free);
    }
  if ((at = mfd_ndr_find_in (s, len, "while talking to ")) != NULL)
    {
      gsize start = at + strlen ("while talking to ") - s;
      gsize end = start;

      while (end < len && !g_ascii_isspace (s[end]) && s[end] != ':')
        end++;
      *host = mfd_ndr_host_before (s, end);
      if (*host != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Words with which the bounces of the servers we know begin or explain
 * themselves: once one is seen, a status or reply code standing alone at
 * the start of a line is read as the error. Lower case. */
static const char * const bounce_phrases[] = {
  "could not be delivered", "couldn't be delivered", "undeliverable", "delivery has failed",
  "delivery failed", "mail delivery", "permanent error", "permanent fatal error",
  "failed permanently", "returned mail", "transcript of session", "remote host said",
  "smtp error", "delivery status notification", "not delivered", "unable to deliver",
  "was not delivered", "delivery to the following", "could not deliver", "message not delivered",
  "address rejected", "qmail-send", "error from remote", "the response was", "the response from",
  "has not yet been delivered", "delivery report", "mailer-daemon", "postmaster",
  "配信できません", "配送できません", "届けることができません", "送信できません", "宛先不明",
};

/* "will keep trying" and its kin: the text is a delay notice. */
static const char * const delay_phrases[] = {
  "will keep trying", "will continue to try", "will retry", "has not yet been delivered",
  "delivery attempts will continue", "still trying", "delay reason", "is delayed",
  "has been delayed", "no action is required", "再試行します", "配信が遅延",
};

static gboolean
phrase_in (const char         *s,
           gsize               len,
           const char * const *phrases,
           gsize               n)
{
  g_autofree char *lower = g_ascii_strdown (s, MIN (len, MFD_NDR_HINT_SPAN));

  return mfd_ndr_line_has_any (lower, strlen (lower), phrases, n);
}

/* Whether a line carries a reply of its own (then a host on it is that
 * reply's). */
static gboolean
line_has_code (const char *s,
               gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if ((s[i] == '4' || s[i] == '5' || s[i] == '2') && mfd_ndr_match_code (s, len, i, NULL, NULL) > 0)
      return TRUE;
  return FALSE;
}

void
mfd_ndr_hint_clear (MfdNdrParse *parse)
{
  g_clear_pointer (&parse->hint_server, g_free);
  g_clear_pointer (&parse->hint_ip, g_free);
  g_clear_pointer (&parse->hint_recipient, g_free);
  parse->last_entry = NULL;
}

/* Reads what a line of a bounce says before its error. */
void
mfd_ndr_hint_scan (MfdNdrParse *parse,
                   const char  *s,
                   gsize        len)
{
  char *host = NULL;
  char *ip = NULL;

  if (!parse->bounce_seen && phrase_in (s, len, bounce_phrases, G_N_ELEMENTS (bounce_phrases)))
    parse->bounce_seen = TRUE;
  if (!parse->delay_notice && phrase_in (s, len, delay_phrases, G_N_ELEMENTS (delay_phrases)))
    parse->delay_notice = TRUE;
  if (mfd_ndr_find_host_ip (s, len, &host, &ip))
    {
      g_free (parse->hint_server);
      g_free (parse->hint_ip);
      parse->hint_server = host;
      parse->hint_ip = ip;
      /* "Reason: 550 5.1.1 …" then "Remote server: HOST (IP)": the server
       * named right after an error of a bounce is its server. */
      if (parse->last_entry != NULL && parse->last_entry->server == NULL && parse->last_entry->ip == NULL &&
          parse->last_entry->source == MFD_NDR_SOURCE_NDR && !line_has_code (s, MIN (len, MFD_NDR_HINT_SPAN)))
        {
          parse->last_entry->server = g_strdup (host);
          parse->last_entry->ip = g_strdup (ip);
        }
    }
}

/* "<bob@fabrikam.com>:" or "bob@fabrikam.com" alone on a line, or
 * "<bob@fabrikam.com>: host …" (Postfix): the recipient the following
 * error is about. */
void
mfd_ndr_hint_recipient_scan (MfdNdrParse *parse,
                             const char  *s,
                             gsize        len)
{
  g_autofree char *address = NULL;
  gsize start = 0;
  gsize end = len;

  while (start < len && g_ascii_isspace (s[start]))
    start++;
  if (start < len && s[start] == '<')
    {
      const char *close = memchr (s + start, '>', MIN (len - start, 256));

      if (close != NULL && close + 1 < s + len && close[1] == ':')
        end = close + 1 - s;
    }
  while (end > start && g_ascii_isspace (s[end - 1]))
    end--;
  if (end > start && s[end - 1] == ':')
    end--;
  if (mfd_ndr_is_email_line (s + start, end - start, &address))
    {
      g_free (parse->hint_recipient);
      parse->hint_recipient = g_steal_pointer (&address);
      parse->bounce_seen = TRUE;
      /* A new recipient's block names its own server. */
      g_clear_pointer (&parse->hint_server, g_free);
      g_clear_pointer (&parse->hint_ip, g_free);
      parse->last_entry = NULL;
    }
}

/* An entry read from a bounce takes the destination and recipient that the
 * lines before it named, when it names none itself. */
void
mfd_ndr_apply_hints (MfdNdrParse *parse,
                     MfdNdrEntry *entry)
{
  if (entry->server == NULL && entry->ip == NULL)
    {
      entry->server = g_strdup (parse->hint_server);
      entry->ip = g_strdup (parse->hint_ip);
    }
  if (entry->recipients == NULL && parse->hint_recipient != NULL && !parse->in_diagnostics)
    {
      char *one[2] = { parse->hint_recipient, NULL };

      entry->recipients = g_strdupv (one);
    }
}
