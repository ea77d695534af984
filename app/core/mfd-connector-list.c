/* mfd-connector-list.c — connectors from PowerShell's default list view,
 * Get-OutboundConnector | Format-List
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
#include "mfd-text.h"

/* Format-List writes one "Name : value" line per property, the names padded
 * to the longest one, a blank line between objects, and a value longer than
 * the console on further lines indented to the value's column. The names
 * are the same on every Windows language; the values are what the objects
 * hold (enums by name, booleans as True/False, lists as "{a, b}"). */

/* A property name at the start of @s, followed by blanks and ':'. Returns
 * the index of the value (after ": "), or 0. */
static gsize
match_key (const char *s,
           gsize       len,
           gsize      *key_len)
{
  gsize p = 0;

  if (len == 0 || !g_ascii_isalpha (s[0]))
    return 0;
  while (p < len && p < 128 && (g_ascii_isalnum (s[p]) || s[p] == '_' || s[p] == '-'))
    p++;
  *key_len = p;
  while (p < len && s[p] == ' ')
    p++;
  if (p >= len || s[p] != ':')
    return 0;
  p++;
  if (p < len && s[p] != ' ')
    return 0;
  while (p < len && s[p] == ' ')
    p++;
  return p;
}

gboolean
mfd_connector_text_is_format_list (const char *text,
                                   gsize       len)
{
  gsize p = 0;
  gsize key_len;

  while (p < len && g_ascii_isspace (text[p]))
    p++;
  if (p < len && (text[p] == '{' || text[p] == '['))
    return FALSE;
  /* A pasted prompt line ("PS C:\> Get-OutboundConnector | fl") first. */
  if (len - p > 3 && strncmp (text + p, "PS ", 3) == 0)
    {
      const char *nl = memchr (text + p, '\n', len - p);

      if (nl == NULL)
        return FALSE;
      p = nl - text + 1;
      while (p < len && g_ascii_isspace (text[p]))
        p++;
    }
  return match_key (text + p, len - p, &key_len) > 0;
}

/* A value wrapped onto further lines: a name or an address broken
 * mid-word is joined as it was; words get their space back. */
static void
append_continuation (GString    *value,
                     gboolean   *has_space,
                     const char *more,
                     gsize       len)
{
  gboolean in_list = value->len > 0 && value->str[0] == '{';
  gboolean more_space = memchr (more, ' ', len) != NULL;

  /* *has_space is kept up to date rather than searched for, so that a
   * value wrapped over many lines costs no more than its length. */
  if (value->len > 0 && !in_list && (*has_space || more_space))
    g_string_append_c (value, ' ');
  g_string_append_len (value, more, len);
  *has_space = *has_space || more_space;
}

static gboolean
value_to_node (const char  *name,
               const char  *value,
               JsonNode   **node,
               GError     **error)
{
  gsize n = strlen (value);

  if (n == 0)
    {
      *node = json_node_new (JSON_NODE_NULL);
      return TRUE;
    }
  if (value[0] == '{')
    {
      JsonArray *array;
      g_auto(GStrv) items = NULL;
      g_autofree char *inner = NULL;

      if (value[n - 1] != '}' || g_str_has_suffix (value, "...}") || g_str_has_suffix (value, "\xe2\x80\xa6}"))
        {
          g_autofree char *message = mfd_text_render_va (NULL, N_("The list in {1} ends with “...”: PowerShell shortened it. Run $FormatEnumerationLimit = -1 first, then copy the output of Get-OutboundConnector | Format-List again."),
                                                         name, NULL);

          g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE, message);
          return FALSE;
        }
      inner = g_strndup (value + 1, n - 2);
      items = g_strsplit (inner, ",", 0);
      array = json_array_new ();
      for (gsize i = 0; items[i] != NULL; i++)
        {
          g_strstrip (items[i]);
          if (items[i][0] != '\0')
            json_array_add_string_element (array, items[i]);
        }
      *node = json_node_init_array (json_node_alloc (), array);
      json_array_unref (array);
      return TRUE;
    }
  if (g_ascii_strcasecmp (value, "True") == 0 || g_ascii_strcasecmp (value, "False") == 0)
    {
      *node = json_node_init_boolean (json_node_alloc (), g_ascii_strcasecmp (value, "True") == 0);
      return TRUE;
    }
  *node = json_node_init_string (json_node_alloc (), value);
  return TRUE;
}

/* Adds the member being read to @object. */
static gboolean
flush_member (JsonObject  *object,
              GString     *name,
              GString     *value,
              GError     **error)
{
  JsonNode *node = NULL;

  if (name->len == 0)
    return TRUE;
  g_strstrip (value->str);
  value->len = strlen (value->str);
  if (!value_to_node (name->str, value->str, &node, error))
    return FALSE;
  json_object_set_member (object, name->str, node);
  g_string_truncate (name, 0);
  g_string_truncate (value, 0);
  return TRUE;
}

JsonArray *
mfd_connector_format_list_read (const char  *text,
                                gsize        len,
                                GError     **error)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) value = g_string_new (NULL);
  gsize pos = 0;
  guint line_number = 0;
  gboolean first = TRUE;
  gboolean has_space = FALSE;

  while (pos < len)
    {
      const char *nl = memchr (text + pos, '\n', len - pos);
      gsize end = nl != NULL ? (gsize) (nl - text) : len;
      gsize line_len = end - pos;
      const char *line = text + pos;
      gsize key_len = 0;
      gsize value_at;

      line_number++;
      pos = end < len ? end + 1 : len;
      if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;

      if (first && line_len > 3 && strncmp (line, "PS ", 3) == 0)
        {
          first = FALSE;
          continue;
        }

      /* A blank line ends an object. */
      if (strspn (line, " \t") >= line_len)
        {
          if (object != NULL && !flush_member (object, name, value, error))
            return NULL;
          if (object != NULL && json_object_get_size (object) > 0)
            json_array_add_object_element (array, g_steal_pointer (&object));
          g_clear_pointer (&object, json_object_unref);
          continue;
        }
      first = FALSE;

      if (line[0] == ' ' || line[0] == '\t')
        {
          gsize skip = strspn (line, " \t");

          if (name->len == 0)
            goto bad_line;
          append_continuation (value, &has_space, line + skip, line_len - skip);
          continue;
        }

      value_at = match_key (line, line_len, &key_len);
      if (value_at == 0)
        goto bad_line;
      if (object == NULL)
        object = json_object_new ();
      if (!flush_member (object, name, value, error))
        return NULL;
      g_string_append_len (name, line, key_len);
      if (value_at > 0)
        g_string_append_len (value, line + value_at, line_len - value_at);
      has_space = memchr (value->str, ' ', value->len) != NULL;
      continue;

    bad_line:
      {
        g_autofree char *number = g_strdup_printf ("%u", line_number);
        g_autofree char *message = mfd_text_render_va (NULL, N_("Line {1} is not a “Name : value” line of Format-List output, so the text is neither a connector export in JSON nor in list form."),
                                                       number, NULL);

        g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE, message);
        return NULL;
      }
    }

  if (object != NULL)
    {
      if (!flush_member (object, name, value, error))
        return NULL;
      if (json_object_get_size (object) > 0)
        json_array_add_object_element (array, g_steal_pointer (&object));
    }
  return g_steal_pointer (&array);
}
