/* mfd-ndr-mime.c — whole messages through GMime: an .eml, a multipart/report
 * and its delivery-status part, a forwarded NDR, an HTML-only NDR, a body
 * pasted without its header
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gmime/gmime.h>

#include "mfd-ndr-private.h"
#include "mfd-text.h"

/* GMime is set up once, when the first message or group of fields is read. */
void
mfd_ndr_ensure_gmime (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      g_mime_init ();
      g_once_init_leave (&initialised, 1);
    }
}

/* Messages */

/* A whole message (.eml) begins with header fields and names at least one of
 * the fields every message has. */
gboolean
mfd_ndr_looks_like_message (const char *s,
                            gsize       len)
{
  static const char * const fields[] = {
    "From:", "Date:", "Subject:", "Received:", "Return-Path:", "Message-ID:",
    "MIME-Version:", "Content-Type:", "To:",
  };
  gsize pos = 0;
  guint n_known = 0;

  for (guint line = 0; line < 200 && pos < len; line++)
    {
      gsize end = mfd_ndr_line_end (s, len, pos);

      if (end == pos || (end == pos + 1 && s[pos] == '\r'))
        break;
      if (s[pos] != ' ' && s[pos] != '\t')
        {
          if (!mfd_ndr_is_header_line (s + pos, end - pos))
            return FALSE;
          for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
            if (g_ascii_strncasecmp (s + pos, fields[i], strlen (fields[i])) == 0)
              n_known++;
        }
      pos = end < len ? end + 1 : len;
    }
  return n_known >= 2;
}

static char *
part_to_text (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);

  if (GMIME_IS_TEXT_PART (object))
    return g_mime_text_part_get_text (GMIME_TEXT_PART (object));

  if (GMIME_IS_PART (object) && type != NULL &&
      g_mime_content_type_is_type (type, "message", "*"))
    {
      /* message/delivery-status (and message/global-delivery-status, which
       * is UTF-8): decoded from its transfer encoding by GMime. */
      GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (object));
      GMimeStream *mem;
      GByteArray *bytes;
      char *text = NULL;

      if (content == NULL)
        return NULL;
      mem = g_mime_stream_mem_new ();
      if (g_mime_data_wrapper_write_to_stream (content, mem) >= 0)
        {
          bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
          if (bytes != NULL && bytes->len > 0)
            text = g_utf8_make_valid ((const char *) bytes->data, bytes->len);
        }
      g_object_unref (mem);
      return text;
    }
  return NULL;
}

/* A forwarded NDR arrives as a message/rfc822 part of the forward; an
 * NDR's own returned message is one too, so embedded messages are read only
 * when the outer one has no error, and only this deep. */
#define MAX_MESSAGE_DEPTH 3

typedef struct
{
  GPtrArray *texts;          /* (element-type utf8) */
  GPtrArray *messages;       /* (element-type GMimeMessage) embedded messages */
  gboolean   have_plain;
} CollectData;

static void
collect_part (GMimeObject *parent,
              GMimeObject *part,
              gpointer     user_data)
{
  CollectData *data = user_data;
  GMimeContentType *type = g_mime_object_get_content_type (part);
  char *text;

  if (GMIME_IS_MESSAGE_PART (part))
    {
      GMimeMessage *embedded = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));

      if (embedded != NULL)
        g_ptr_array_add (data->messages, g_object_ref (embedded));
      return;
    }
  if (type == NULL || GMIME_IS_MULTIPART (part))
    return;
  /* The returned message's own headers name the sender's machines, never
   * the destination. */
  if (g_mime_content_type_is_type (type, "text", "rfc822-headers"))
    return;
  if (g_mime_content_type_is_type (type, "text", "html"))
    return;
  if (!g_mime_content_type_is_type (type, "text", "*") &&
      !g_mime_content_type_is_type (type, "message", "delivery-status") &&
      !g_mime_content_type_is_type (type, "message", "global-delivery-status"))
    return;

  text = part_to_text (part);
  if (text != NULL)
    {
      if (g_mime_content_type_is_type (type, "text", "plain"))
        data->have_plain = TRUE;
      g_ptr_array_add (data->texts, text);
    }
}

/* The character references an NDR's HTML uses around the quoted reply.
 * Returns how many bytes of @p were read. */
static gsize
append_entity (GString    *out,
               const char *p)
{
  static const struct { const char *name; const char *text; } names[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&apos;", "'" }, { "&nbsp;", " " },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (strncmp (p, names[i].name, strlen (names[i].name)) == 0)
      {
        g_string_append (out, names[i].text);
        return strlen (names[i].name);
      }
  if (p[1] == '#')
    {
      gboolean hex = (p[2] == 'x' || p[2] == 'X');
      const char *q = p + (hex ? 3 : 2);
      guint32 c = 0;
      guint n = 0;

      while (n < 7 && (hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q)))
        {
          c = c * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
          q++, n++;
        }
      if (n > 0 && *q == ';' && g_unichar_validate (c) && c != 0)
        {
          g_string_append_unichar (out, c);
          return q + 1 - p;
        }
    }
  g_string_append_c (out, '&');
  return 1;
}

/* An HTML-only NDR: its text, tags dropped, so the same scanner reads it. */
static void
collect_html (GMimeObject *parent,
              GMimeObject *part,
              gpointer     user_data)
{
  CollectData *data = user_data;
  GMimeContentType *type = g_mime_object_get_content_type (part);
  g_autofree char *html = NULL;
  GString *out;
  gboolean in_tag = FALSE;

  if (type == NULL || !GMIME_IS_TEXT_PART (part) || !g_mime_content_type_is_type (type, "text", "html"))
    return;
  html = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
  if (html == NULL)
    return;

  out = g_string_sized_new (strlen (html));
  for (const char *p = html; *p; p++)
    {
      if (*p == '<')
        {
          in_tag = TRUE;
          if (g_ascii_strncasecmp (p, "<br", 3) == 0 || g_ascii_strncasecmp (p, "</p", 3) == 0 ||
              g_ascii_strncasecmp (p, "</div", 5) == 0 || g_ascii_strncasecmp (p, "</tr", 4) == 0)
            g_string_append_c (out, '\n');
        }
      else if (*p == '>')
        in_tag = FALSE;
      else if (!in_tag && *p == '&')
        p += append_entity (out, p) - 1;
      else if (!in_tag)
        g_string_append_c (out, *p);
    }
  g_ptr_array_add (data->texts, g_string_free (out, FALSE));
}

static void
scan_message (MfdNdrParse  *parse,
              GMimeMessage *message,
              guint         depth)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  CollectData collect = { texts, messages, FALSE };
  guint before = parse->entries->len;

  if (g_mime_message_get_mime_part (message) == NULL)
    return;
  g_mime_message_foreach (message, collect_part, &collect);
  if (!collect.have_plain)
    g_mime_message_foreach (message, collect_html, &collect);

  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      g_autofree char *normal = mfd_ndr_normalize_text (text, strlen (text));

      parse->in_diagnostics = FALSE;
      parse->in_returned = FALSE;
      mfd_ndr_hint_clear (parse);
      mfd_ndr_scan_text (parse, normal, strlen (normal));
    }

  if (parse->entries->len == before && depth < MAX_MESSAGE_DEPTH)
    for (guint i = 0; i < messages->len; i++)
      scan_message (parse, g_ptr_array_index (messages, i), depth + 1);
}

gboolean
mfd_ndr_parse_message (MfdNdrParse  *parse,
                       const char   *data,
                       gsize         len,
                       GError      **error)
{
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;

  mfd_ndr_ensure_gmime ();
  stream = g_mime_stream_mem_new_with_buffer (data, len);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  if (message == NULL || g_mime_message_get_mime_part (message) == NULL)
    {
      g_clear_object (&message);
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_INVALID,
                           mfd_tr (NULL, N_("The message could not be read as e-mail (MIME).")));
      return FALSE;
    }

  scan_message (parse, message, 0);
  g_object_unref (message);
  return TRUE;
}

/* The body of a message copied without its header, starting at a MIME
 * boundary ("--_000_…" then "Content-Type: text/plain" and
 * "Content-Transfer-Encoding: quoted-printable"): given back the header it
 * lost, so that GMime decodes the parts. NULL when @data is no such thing. */
char *
mfd_ndr_wrap_mime_fragment (const char *data,
                            gsize       len)
{
  gsize p = 0;
  gsize end;
  gsize next;

  while (p < len && g_ascii_isspace (data[p]))
    p++;
  if (len - p < 4 || data[p] != '-' || data[p + 1] != '-')
    return NULL;
  end = mfd_ndr_line_end (data, len, p);
  if (end - p > 72 || end - p < 3)
    return NULL;
  for (gsize i = p + 2; i < end; i++)
    if (data[i] == ' ' || data[i] == '"' || (guchar) data[i] < 0x20)
      {
        if (data[i] == '\r' && i + 1 == end)
          continue;
        return NULL;
      }
  next = end < len ? end + 1 : len;
  if (len - next < 13 || g_ascii_strncasecmp (data + next, "Content-Type:", 13) != 0)
    return NULL;
  return g_strdup_printf ("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"%.*s\"\n\n%.*s",
                          (int) (end - p - 2 - (data[end - 1] == '\r')), data + p + 2, (int) (len - p), data + p);
}
