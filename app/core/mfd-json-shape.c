/* mfd-json-shape.c — the one pre-scan every JSON text goes through before
 * json-glib parses it
 *
 * json-glib's parser recurses once per level of [ and {, so a deep enough
 * document overflows the stack; the depth has to be counted first, by a
 * scanner that sees the same structure json-glib will see. json-glib's
 * tokenizer is more lenient than JSON: version 1.6 skips anything between
 * two slashes as a comment (so "/ * ... * /" and "//" alike), reads
 * 'single-quoted' strings, $hex and 0x numbers, and its \u handling can
 * swallow a string's closing quote. Any of those would let the brackets this
 * scanner counts differ from the ones json-glib nests. Rather than imitate
 * one version's quirks, the scanner accepts only what JSON itself allows
 * outside strings (whitespace, structure, numbers and the letters of true,
 * false and null) and only JSON's own escapes inside them; everything else is
 * refused here, before json-glib sees it. Only the structure is checked; the
 * parser does the real validation.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-json"

#include "config.h"

#include <string.h>

#include "mfd-json-shape.h"

/* The value of the four hex digits of a \u escape at @p, or -1. */
static int
unicode_escape_at (const char *p,
                   const char *end)
{
  int value = 0;

  if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  for (int i = 2; i < 6; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* What JSON allows between tokens and in numbers and literals. Letters
 * beyond true/false/null only make json-glib fail; they cannot hide a
 * bracket from it. */
static gboolean
allowed_outside_string (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr (" \t\r\n[]{},:+-.", c) != NULL);
}

MfdJsonShape
mfd_json_shape_check (const char *data,
                      gsize       len,
                      guint       max_depth,
                      guint       max_items)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  guint items = 0;
  gsize i = 0;

  /* json-glib skips one byte order mark at the start. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;

  for (; i < len; i++)
    {
      char c = data[i];

      if (c == '\0')
        return MFD_JSON_SHAPE_NUL;

      if (in_string)
        {
          int unit;

          if (c == '"')
            in_string = FALSE;
          else if (c != '\\')
            continue;
          else if (i + 1 >= len)
            return MFD_JSON_SHAPE_BAD_ESCAPE;
          else if (data[i + 1] != 'u')
            {
              /* json-glib turns an octal "\333" or an unknown escape into
               * bytes that may not be UTF-8. */
              if (strchr ("\"\\/bfnrt", data[i + 1]) == NULL || data[i + 1] == '\0')
                return MFD_JSON_SHAPE_BAD_ESCAPE;
              i++;
            }
          else if ((unit = unicode_escape_at (data + i, data + len)) < 0)
            return MFD_JSON_SHAPE_BAD_ESCAPE;
          else if (unit >= 0xDC00 && unit <= 0xDFFF)
            return MFD_JSON_SHAPE_BAD_ESCAPE;
          else if (unit >= 0xD800 && unit <= 0xDBFF)
            {
              /* A high surrogate must be followed by a low one: json-glib
               * reads the next two characters as "\u" whatever they are,
               * swallowing a closing quote. */
              int low = unicode_escape_at (data + i + 6, data + len);

              if (low < 0xDC00 || low > 0xDFFF)
                return MFD_JSON_SHAPE_BAD_ESCAPE;
              i += 11;
            }
          else
            i += 5;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (!allowed_outside_string (c))
        return MFD_JSON_SHAPE_NOT_JSON;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return MFD_JSON_SHAPE_TOO_DEEP;
          if (++items > max_items)
            return MFD_JSON_SHAPE_TOO_MANY;
        }
      else if (c == ',' && ++items > max_items)
        return MFD_JSON_SHAPE_TOO_MANY;
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return MFD_JSON_SHAPE_OK;
}
