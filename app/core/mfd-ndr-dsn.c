/* mfd-ndr-dsn.c — RFC 3464 delivery-status fields, in a report's
 * message/delivery-status part or pasted as text: one group of fields
 * becomes one entry
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr"

#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "mfd-host.h"
#include "mfd-ndr-private.h"
#include "mfd-text.h"

/* RFC 3464 fields that open a delivery-status group in pasted text. */
static const char * const dsn_fields[] = {
  "Reporting-MTA", "Received-From-MTA", "Arrival-Date", "Original-Envelope-Id",
  "Final-Recipient", "Original-Recipient", "Action", "Status", "Remote-MTA",
  "Diagnostic-Code", "Last-Attempt-Date", "Will-Retry-Until", "X-Display-Name",
};

/* Whether a line opens with the name of an RFC 3464 field (blanks
 * allowed before its colon). */
gboolean
mfd_ndr_is_dsn_field_line (const char *s,
                           gsize       len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (dsn_fields); i++)
    {
      gsize n = strlen (dsn_fields[i]);
      gsize p = n;

      if (len <= n || g_ascii_strncasecmp (s, dsn_fields[i], n) != 0)
        continue;
      while (p < len && (s[p] == ' ' || s[p] == '\t'))
        p++;
      if (p < len && s[p] == ':')
        return TRUE;
    }
  return FALSE;
}

static GDateTime *
parse_rfc822_date (const char *s)
{
  GDateTime *date = g_mime_utils_header_decode_date (s);
  GDateTime *utc;

  if (date == NULL)
    return NULL;
  utc = g_date_time_to_utc (date);
  g_date_time_unref (date);
  return utc;
}

/* A bare enhanced status such as "5.4.316" or "2.0.0" (RFC 3464 Status
 * field). */
static gboolean
is_error_status (const char *s)
{
  guint dots = 0;

  if (s == NULL || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
    return FALSE;
  for (const char *p = s + 1; *p; p++)
    {
      if (*p == '.')
        dots++;
      else if (!g_ascii_isdigit (*p))
        return FALSE;
    }
  return dots == 2;
}

/* "5.0.0", "4.0.0": the class alone, which a Diagnostic-Code may name more
 * exactly. */
static gboolean
status_is_generic (const char *status)
{
  return status != NULL && g_str_has_suffix (status, ".0.0");
}

/* "rfc822; user@fabrikam.com" -> "user@fabrikam.com" */
static const char *
after_type (const char *value)
{
  const char *semi = strchr (value, ';');

  value = semi != NULL ? semi + 1 : value;
  while (g_ascii_isspace (*value))
    value++;
  return value;
}

static gboolean
block_has_field (const char *block,
                 gsize       len,
                 const char *name)
{
  gsize n = strlen (name);

  for (gsize pos = 0; pos < len; pos = mfd_ndr_line_end (block, len, pos) + 1)
    if (len - pos > n && g_ascii_strncasecmp (block + pos, name, n) == 0 &&
        (block[pos + n] == ':' || block[pos + n] == ' ' || block[pos + n] == '\t'))
      return TRUE;
  return FALSE;
}

/* What one group of delivery-status fields says, field by field. */
typedef struct
{
  MfdNdrEntry *entry;
  char        *recipient;   /* Final-Recipient */
  char        *display;     /* X-Display-Name */
  char        *status;      /* Status, when it is an enhanced status */
  char        *diag_host;   /* the destination a Diagnostic-Code names */
  char        *diag_ip;
  gboolean     have_error;
  gboolean     delayed;     /* Action: delayed */
} DsnGroup;

static void
dsn_group_clear (DsnGroup *group)
{
  g_clear_pointer (&group->entry, mfd_ndr_entry_unref);
  g_clear_pointer (&group->recipient, g_free);
  g_clear_pointer (&group->display, g_free);
  g_clear_pointer (&group->status, g_free);
  g_clear_pointer (&group->diag_host, g_free);
  g_clear_pointer (&group->diag_ip, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DsnGroup, dsn_group_clear)

/* The lines of a group as GMime's header fields: case-insensitive names,
 * folded lines, RFC 2047 words in X-Display-Name. */
static GMimeObject *
read_field_block (const char *block,
                  gsize       len)
{
  g_autofree char *terminated = NULL;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeObject *object;

  mfd_ndr_ensure_gmime ();
  /* A blank line ends the header block for GMime. */
  terminated = g_strdup_printf ("%.*s\n\n", (int) len, block);
  stream = g_mime_stream_mem_new_with_buffer (terminated, strlen (terminated));
  parser = g_mime_parser_new_with_stream (stream);
  object = g_mime_parser_construct_part (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  return object;
}

/* "Status: 5.4.316 (…)": only an enhanced status counts. */
static void
read_status (DsnGroup   *group,
             const char *value)
{
  g_autofree char *copy = g_strdup (value);
  char *space = strpbrk (copy, " \t(");

  if (space != NULL)
    *space = '\0';
  if (is_error_status (copy))
    {
      mfd_ndr_set_once (&group->status, g_strdup (copy));
      group->have_error = TRUE;
    }
}

/* "dns; mx.fabrikam.com. [198.51.100.7]", "dns; [198.51.100.7]" or a
 * bare name or address. */
static void
read_remote_mta (MfdNdrEntry *entry,
                 const char  *value)
{
  g_autofree char *host = g_strdup (after_type (value));
  gsize n = strlen (host);
  char *space = strchr (host, ' ');

  /* "mx.fabrikam.com. [198.51.100.7]" */
  if (space != NULL && mfd_ndr_looks_like_host (host, space - host))
    {
      while (*space == ' ')
        space++;
      if (*space == '[' || *space == '(')
        {
          gsize ip_end;
          g_autofree char *ip = mfd_ndr_ip_at (space, strlen (space), 1, &ip_end);

          mfd_ndr_set_ip_port (entry, ip, FALSE);
        }
      host[strcspn (host, " ")] = '\0';
      n = strlen (host);
    }
  if (n > 1 && host[n - 1] == '.')
    host[--n] = '\0';

  if (n > 2 && host[0] == '[' && host[n - 1] == ']')
    {
      host[n - 1] = '\0';
      mfd_ndr_set_ip_port (entry, host + 1, FALSE);
    }
  else if (mfd_host_is_ip_literal (host))
    mfd_ndr_set_ip_port (entry, host, FALSE);
  else if (mfd_ndr_looks_like_host (host, n))
    mfd_ndr_set_once (&entry->server, g_steal_pointer (&host));
}

/* "smtp; 550 5.1.1 …": the reply, or failing that a reply code without an
 * enhanced status, or failing that the words as they stand; and the
 * destination when the words name one. */
static void
read_diagnostic_code (DsnGroup   *group,
                      const char *value)
{
  MfdNdrEntry *entry = group->entry;
  const char *diag = after_type (value);
  gsize n = strlen (diag);
  gboolean parsed = FALSE;

  for (gsize k = 0; k < n && !parsed; k++)
    if ((diag[k] == '2' || diag[k] == '4' || diag[k] == '5') && mfd_ndr_match_code (diag, n, k, NULL, NULL) > 0)
      parsed = mfd_ndr_parse_reply (entry, diag + k, n - k) > 0;
  /* "smtp; 550 User unknown", "X-Postfix; … said: 550 …": a reply
   * code without an enhanced status. */
  for (gsize k = 0; k < n && !parsed; k++)
    {
      gsize words;

      if ((diag[k] == '4' || diag[k] == '5') && (words = mfd_ndr_match_bare_reply (diag, n, k)) > 0)
        {
          entry->reply = mfd_ndr_reply_code (diag + k);
          mfd_ndr_set_once (&entry->text, mfd_ndr_collapse_space (diag + words, n - words));
          mfd_ndr_tidy_text (entry);
          parsed = TRUE;
        }
    }
  if (!parsed)
    mfd_ndr_set_once (&entry->text, g_strdup (diag));
  if (group->diag_host == NULL && group->diag_ip == NULL)
    mfd_ndr_find_host_ip (diag, n, &group->diag_host, &group->diag_ip);
  group->have_error = TRUE;
}

static void
read_dsn_field (MfdNdrParse *parse,
                DsnGroup    *group,
                const char  *name,
                const char  *value)
{
  if (g_ascii_strcasecmp (name, "Reporting-MTA") == 0)
    {
      g_free (parse->reporting_mta);
      parse->reporting_mta = g_strdup (after_type (value));
    }
  else if (g_ascii_strcasecmp (name, "Final-Recipient") == 0)
    mfd_ndr_set_once (&group->recipient, g_strdup (after_type (value)));
  else if (g_ascii_strcasecmp (name, "X-Display-Name") == 0)
    mfd_ndr_set_once (&group->display, g_strdup (value));
  else if (g_ascii_strcasecmp (name, "Status") == 0)
    read_status (group, value);
  else if (g_ascii_strcasecmp (name, "Action") == 0)
    group->delayed = g_ascii_strncasecmp (value, "delayed", 7) == 0;
  else if (g_ascii_strcasecmp (name, "Remote-MTA") == 0)
    read_remote_mta (group->entry, value);
  else if (g_ascii_strcasecmp (name, "Diagnostic-Code") == 0)
    read_diagnostic_code (group, value);
  else if (g_ascii_strcasecmp (name, "Last-Attempt-Date") == 0 && group->entry->timestamp == NULL)
    group->entry->timestamp = parse_rfc822_date (value);
}

/* The group's entry from what its fields said, when they said there was
 * an error. Returns whether it was kept. */
static gboolean
keep_dsn_entry (MfdNdrParse *parse,
                DsnGroup    *group,
                const char  *block,
                gsize        len)
{
  MfdNdrEntry *entry = group->entry;
  const char *status = group->status;

  if (!group->have_error || mfd_ndr_parse_is_full (parse))
    return FALSE;
  /* Status is the report's word for the recipient; a Diagnostic-Code that
   * names the same class more exactly ("Status: 5.0.0" beside "550 5.7.1")
   * says more. */
  if (status != NULL && (entry->status == NULL || !status_is_generic (status) ||
                         entry->status[0] != status[0] || status_is_generic (entry->status)))
    {
      g_free (entry->status);
      entry->status = g_steal_pointer (&group->status);
    }
  if (entry->status == NULL && entry->reply == 0)
    return FALSE;
  if (entry->server == NULL && entry->ip == NULL)
    {
      entry->server = g_steal_pointer (&group->diag_host);
      entry->ip = g_steal_pointer (&group->diag_ip);
    }
  entry->delayed = group->delayed;
  if (group->delayed)
    entry->flags |= MFD_NDR_ENTRY_DSN_DELAYED;
  if (group->recipient != NULL)
    {
      char *one[2] = { NULL, NULL };

      one[0] = group->display != NULL && !g_str_equal (group->display, group->recipient)
               ? g_strdup_printf ("%s <%s>", group->display, group->recipient)
               : g_strdup (group->recipient);
      entry->recipients = g_strdupv (one);
      g_free (one[0]);
    }
  if (entry->reporting_server == NULL)
    entry->reporting_server = g_strdup (parse->reporting_mta);
  if (entry->raw == NULL)
    entry->raw = mfd_text_sanitize (block, len, MFD_NDR_MAX_FIELD_CHARS);
  g_ptr_array_add (parse->entries, g_steal_pointer (&group->entry));
  return TRUE;
}

/* One group of RFC 3464 fields, read by GMime. */
gboolean
mfd_ndr_parse_dsn_group (MfdNdrParse *parse,
                         const char  *block,
                         gsize        len)
{
  g_auto(DsnGroup) group = { 0 };
  GMimeObject *object;
  GMimeHeaderList *headers;

  /* Only these fields carry anything we keep from a group; without them
   * the lines are read as ordinary text, cheaply. */
  if (!block_has_field (block, len, "Status") && !block_has_field (block, len, "Diagnostic-Code") &&
      !block_has_field (block, len, "Reporting-MTA"))
    return FALSE;

  object = read_field_block (block, len);
  if (object == NULL)
    return FALSE;
  group.entry = mfd_ndr_entry_new (MFD_NDR_SOURCE_DELIVERY_STATUS);
  headers = g_mime_object_get_header_list (object);
  for (int i = 0; i < g_mime_header_list_get_count (headers); i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
      const char *name = g_mime_header_get_name (header);
      const char *raw_value = g_mime_header_get_value (header);
      g_autofree char *value = NULL;

      if (name == NULL || raw_value == NULL)
        continue;
      value = mfd_ndr_collapse_space (raw_value, strlen (raw_value));
      if (value != NULL)
        read_dsn_field (parse, &group, name, value);
    }
  g_object_unref (object);

  return keep_dsn_entry (parse, &group, block, len);
}
