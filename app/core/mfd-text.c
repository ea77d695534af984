/* mfd-text.c — rendering text in a chosen language
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-text"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-text.h"
#include "mfd-util.h"

/* gettext only answers in the process's language. A report in the other
 * language needs the other catalogue, so we read the same compiled .mo file
 * gettext would (a documented, stable format: two sorted string tables). */
typedef struct
{
  GMappedFile *file;
  const guint8 *data;
  gsize         size;
  guint32       n_strings;
  guint32       orig_offset;
  guint32       trans_offset;
  gboolean      swapped;
} Catalog;

/* (directory, language) -> Catalog* (NULL value = none). Entries are never
 * removed: the strings mfd_tr() returns point into the mapped files, and
 * callers on any thread may keep them as long as they like. Changing the
 * directory (mfd_text_set_localedir) only sends later lookups to other
 * entries; a process meets a handful of directories at most. */
G_LOCK_DEFINE_STATIC (catalogs);
static GHashTable *catalogs;
static const char *localedir_override;   /* interned: never freed either */

static void
catalog_free (gpointer data)
{
  Catalog *catalog = data;

  if (catalog == NULL)
    return;
  g_clear_pointer (&catalog->file, g_mapped_file_unref);
  g_free (catalog);
}

static gboolean
read_u32 (const Catalog *catalog,
          gsize          offset,
          guint32       *value)
{
  guint32 v;

  if (offset > catalog->size || catalog->size - offset < 4)
    return FALSE;
  memcpy (&v, catalog->data + offset, 4);
  *value = catalog->swapped ? GUINT32_SWAP_LE_BE (v) : v;
  return TRUE;
}

/* Returns the NUL-terminated string of table entry @index, or NULL when the
 * file is inconsistent. */
static const char *
catalog_string (const Catalog *catalog,
                guint32        table,
                guint32        index)
{
  guint32 len, off;
  gsize entry = (gsize) table + (gsize) index * 8;

  if (!read_u32 (catalog, entry, &len) || !read_u32 (catalog, entry + 4, &off))
    return NULL;
  if ((gsize) off > catalog->size || catalog->size - off <= len)
    return NULL;
  if (catalog->data[off + len] != '\0')
    return NULL;
  return (const char *) catalog->data + off;
}

static Catalog *
catalog_load (const char *localedir,
              const char *lang)
{
  g_autofree char *path = NULL;
  g_autoptr(GMappedFile) file = NULL;
  Catalog *catalog;
  guint32 magic;

  path = g_build_filename (localedir, lang, "LC_MESSAGES",
                           GETTEXT_PACKAGE ".mo", NULL);
  file = g_mapped_file_new (path, FALSE, NULL);
  if (file == NULL)
    return NULL;

  catalog = g_new0 (Catalog, 1);
  catalog->data = (const guint8 *) g_mapped_file_get_contents (file);
  catalog->size = g_mapped_file_get_length (file);
  catalog->file = g_steal_pointer (&file);

  if (catalog->size < 28)
    goto invalid;
  memcpy (&magic, catalog->data, 4);
  if (magic == 0x950412de)
    catalog->swapped = FALSE;
  else if (GUINT32_SWAP_LE_BE (magic) == 0x950412de)
    catalog->swapped = TRUE;
  else
    goto invalid;

  if (!read_u32 (catalog, 8, &catalog->n_strings) ||
      !read_u32 (catalog, 12, &catalog->orig_offset) ||
      !read_u32 (catalog, 16, &catalog->trans_offset))
    goto invalid;
  if ((guint64) catalog->orig_offset + (guint64) catalog->n_strings * 8 > catalog->size ||
      (guint64) catalog->trans_offset + (guint64) catalog->n_strings * 8 > catalog->size)
    goto invalid;

  return catalog;

invalid:
  g_warning ("Ignoring malformed message catalogue %s", path);
  catalog_free (catalog);
  return NULL;
}

static const char *
catalog_lookup (const Catalog *catalog,
                const char    *key)
{
  guint32 lo = 0;
  guint32 hi = catalog->n_strings;

  /* msgfmt writes the original strings sorted by strcmp. */
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      const char *orig = catalog_string (catalog, catalog->orig_offset, mid);
      int cmp;

      if (orig == NULL)
        return NULL;
      cmp = strcmp (key, orig);
      if (cmp == 0)
        {
          const char *trans = catalog_string (catalog, catalog->trans_offset, mid);

          return (trans != NULL && *trans != '\0') ? trans : NULL;
        }
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }

  return NULL;
}

static const Catalog *
get_catalog (const char *lang)
{
  const char *localedir = mfd_text_get_localedir ();
  g_autofree char *key = g_strconcat (localedir, "\n", lang, NULL);
  Catalog *catalog;

  G_LOCK (catalogs);
  if (catalogs == NULL)
    catalogs = g_hash_table_new (g_str_hash, g_str_equal);
  if (!g_hash_table_lookup_extended (catalogs, key, NULL, (gpointer *) &catalog))
    {
      catalog = catalog_load (localedir, lang);
      g_hash_table_insert (catalogs, g_steal_pointer (&key), catalog);
    }
  G_UNLOCK (catalogs);

  return catalog;
}

/* Safe at any time, from any thread: nothing loaded so far is freed (see
 * the catalogue table above), so text already returned stays valid. */
void
mfd_text_set_localedir (const char *localedir)
{
  g_atomic_pointer_set (&localedir_override, g_intern_string (localedir));
}

const char *
mfd_text_get_localedir (void)
{
  const char *override = g_atomic_pointer_get (&localedir_override);
  const char *env;

  if (override != NULL)
    return override;
  /* Set by ./dev and the tests so the build tree's catalogues are used. */
  env = g_getenv ("MFD_LOCALEDIR");
  if (env != NULL && *env != '\0')
    return env;
  return LOCALEDIR;
}

const char *
mfd_text_normalize_lang (const char *lang)
{
  g_autofree char *lower = NULL;
  char *cut;

  if (lang == NULL)
    return NULL;
  if (*lang == '\0' || g_str_equal (lang, "C") || g_str_equal (lang, "POSIX") ||
      g_str_has_prefix (lang, "C."))
    return g_intern_static_string ("en");

  lower = g_ascii_strdown (lang, -1);
  cut = strpbrk (lower, "_.@-");
  if (cut != NULL)
    *cut = '\0';
  if (*lower == '\0')
    return g_intern_static_string ("en");
  return g_intern_string (lower);
}

const char *
mfd_text_get_process_lang (void)
{
  /* The header entry of the catalogue gettext picked names its language. */
  const char *header = g_dgettext (GETTEXT_PACKAGE, "");
  const char *field;
  g_autofree char *value = NULL;
  const char *end;

  if (header == NULL || *header == '\0')
    return g_intern_static_string ("en");
  field = strstr (header, "Language: ");
  if (field == NULL)
    return g_intern_static_string ("en");
  field += strlen ("Language: ");
  end = strchr (field, '\n');
  value = end ? g_strndup (field, end - field) : g_strdup (field);
  return mfd_text_normalize_lang (g_strstrip (value));
}

const char *
mfd_trc (const char *lang,
         const char *context,
         const char *msgid)
{
  const Catalog *catalog;
  g_autofree char *key = NULL;
  const char *found;

  g_return_val_if_fail (msgid != NULL, NULL);

  if (*msgid == '\0')
    return msgid;

  lang = mfd_text_normalize_lang (lang);
  if (lang == NULL || lang == mfd_text_get_process_lang ())
    {
      if (context != NULL)
        {
          const char *translated;

          key = g_strconcat (context, "\004", msgid, NULL);
          translated = g_dpgettext (GETTEXT_PACKAGE, key, strlen (context) + 1);
          /* Untranslated, g_dpgettext() points into @key, which we free. */
          if (translated >= key && translated < key + strlen (key) + 1)
            return msgid;
          return translated;
        }
      return g_dgettext (GETTEXT_PACKAGE, msgid);
    }
  if (g_str_equal (lang, "en"))
    return msgid;

  catalog = get_catalog (lang);
  if (catalog == NULL)
    return msgid;
  if (context != NULL)
    key = g_strconcat (context, "\004", msgid, NULL);
  found = catalog_lookup (catalog, key ? key : msgid);
  return found ? found : msgid;
}

const char *
mfd_tr (const char *lang,
        const char *msgid)
{
  return mfd_trc (lang, NULL, msgid);
}

char *
mfd_text_render (const char         *lang,
                 const char         *msgid,
                 const char * const *args)
{
  const char *format;
  GString *out;
  guint n_args = args ? g_strv_length ((char **) args) : 0;

  g_return_val_if_fail (msgid != NULL, NULL);

  format = mfd_tr (lang, msgid);
  out = g_string_sized_new (strlen (format) + 32);

  for (const char *p = format; *p; p++)
    {
      if (p[0] == '{' && g_ascii_isdigit (p[1]))
        {
          const char *q = p + 1;
          guint64 n = 0;

          while (g_ascii_isdigit (*q) && n < 1000)
            n = n * 10 + (guint64) (*q++ - '0');
          if (*q == '}')
            {
              if (n >= 1 && n <= n_args && args[n - 1] != NULL)
                g_string_append (out, args[n - 1]);
              p = q;
              continue;
            }
        }
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

char *
mfd_text_render_va (const char *lang,
                    const char *msgid,
                    ...)
{
  va_list ap;
  char *text;

  va_start (ap, msgid);
  text = mfd_text_render_valist (lang, msgid, ap);
  va_end (ap);
  return text;
}

char *
mfd_text_render_valist (const char *lang,
                        const char *msgid,
                        va_list     args)
{
  g_autoptr(GPtrArray) strv = mfd_util_collect_args (args);

  return mfd_text_render (lang, msgid, (const char * const *) strv->pdata);
}

char *
mfd_text_sanitize (const char *text,
                   gssize      len,
                   gsize       max_chars)
{
  g_autofree char *valid = NULL;
  GString *out;
  gsize n_chars = 0;

  if (text == NULL)
    return NULL;
  if (len < 0)
    len = strlen (text);

  valid = g_utf8_make_valid (text, len);
  out = g_string_sized_new (MIN ((gsize) len, max_chars * 4) + 4);

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '\n' && c != '\t' && (g_unichar_iscntrl (c) || c == 0x7f))
        continue;
      if (max_chars > 0 && n_chars >= max_chars)
        {
          g_string_append (out, "…");
          break;
        }
      g_string_append_unichar (out, c);
      n_chars++;
    }

  return g_string_free (out, FALSE);
}
