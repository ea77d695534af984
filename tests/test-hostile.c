/* test-hostile.c — hostile inputs end with a clear error, within bounds
 *
 * Each case feeds a module something built to exhaust it (a 100 MB
 * document, 10,000 levels of nesting) and asserts a clear GError, a time
 * bound and a bound on the process's peak resident memory (ru_maxrss) above
 * what it was before the case.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "../app/core/mfd-web-parse.h"

#define HUNDRED_MB (100 * 1024 * 1024)
#define DEEP 10000

/* The memory a case may add to the peak: the caps of the parsers (16 MB of
 * connector text, decoded once and parsed) with room for the allocator. */
#define MAX_GROWTH_KB (64 * 1024)

static glong
peak_rss_kb (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* A file of @size bytes that is valid JSON (an array padded with spaces),
 * written in chunks so that the test itself never holds it in memory. */
static char *
write_huge_json (const char *dir,
                 gsize       size)
{
  char *path = g_build_filename (dir, "huge.json", NULL);
  char chunk[65536];
  FILE *f = g_fopen (path, "wb");
  gsize written = 0;

  g_assert_nonnull (f);
  memset (chunk, ' ', sizeof chunk);
  fputc ('[', f);
  written++;
  while (written < size - 1)
    {
      gsize n = MIN (sizeof chunk, size - 1 - written);

      g_assert_cmpuint (fwrite (chunk, 1, n, f), ==, n);
      written += n;
    }
  fputc (']', f);
  g_assert_cmpint (fclose (f), ==, 0);
  return path;
}

static void
test_connector_store_100mb (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mfd-hostile-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(MfdConnectorStore) store = NULL;
  glong before;
  gint64 start;

  g_assert_no_error (error);
  path = write_huge_json (dir, HUNDRED_MB);

  before = peak_rss_kb ();
  start = g_get_monotonic_time ();
  store = mfd_connector_store_new (path);
  g_assert_false (mfd_connector_store_load (store, &error));
  g_assert_true (error->domain == MFD_CONNECTOR_ERROR);
  g_assert_true (error->code == MFD_CONNECTOR_ERROR_TOO_LARGE ||
                 error->code == MFD_CONNECTOR_ERROR_CORRUPT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (peak_rss_kb () - before, <, MAX_GROWTH_KB);

  /* Whatever the store did with the file (kept, or set aside), remove it. */
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);

        g_assert_cmpint (g_unlink (child), ==, 0);
      }
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_connector_import_100mb (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autofree char *huge = g_malloc (HUNDRED_MB);
  glong before;
  gint64 start;

  memset (huge, ' ', HUNDRED_MB);
  huge[0] = '[';
  huge[HUNDRED_MB - 1] = ']';

  before = peak_rss_kb ();
  start = g_get_monotonic_time ();
  connectors = mfd_connector_import (huge, HUNDRED_MB, &error);
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE);
  g_assert_null (connectors);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_cmpint (peak_rss_kb () - before, <, MAX_GROWTH_KB);
}

/* Arrays, objects and both interleaved, each 10,000 deep, inside the size
 * cap: only the depth check can refuse them, before json-glib recurses. */
static void
test_connector_import_deep (void)
{
  static const char * const opens[] = { "[", "{\"a\":", "[{\"b\":" };
  static const char * const closes[] = { "]", "}", "}]" };

  for (guint kind = 0; kind < G_N_ELEMENTS (opens); kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) connectors = NULL;
      g_autoptr(GString) text = g_string_new (NULL);
      glong before;

      for (guint i = 0; i < DEEP; i++)
        g_string_append (text, opens[kind]);
      g_string_append (text, "1");
      for (guint i = 0; i < DEEP; i++)
        g_string_append (text, closes[kind]);

      before = peak_rss_kb ();
      connectors = mfd_connector_import (text->str, text->len, &error);
      g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE);
      g_assert_null (connectors);
      g_assert_cmpint (peak_rss_kb () - before, <, MAX_GROWTH_KB);

      /* Unclosed: the same answer, not a parse error from deep inside. */
      g_clear_error (&error);
      g_string_truncate (text, DEEP * strlen (opens[kind]));
      connectors = mfd_connector_import (text->str, text->len, &error);
      g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE);
      g_assert_null (connectors);
    }
}

/* The web's documents: what an HTTP body may be once the fetch has let it
 * through. 10,000 levels and 100 MB of values are refused by the shape check
 * before json-glib allocates a node for them. */
static void
test_web_body_deep (void)
{
  static const char * const opens[] = { "[", "{\"a\":" };
  static const char * const closes[] = { "]", "}" };

  for (guint kind = 0; kind < G_N_ELEMENTS (opens); kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GString) text = g_string_new (NULL);
      glong before;

      for (guint i = 0; i < DEEP; i++)
        g_string_append (text, opens[kind]);
      g_string_append (text, "1");
      for (guint i = 0; i < DEEP; i++)
        g_string_append (text, closes[kind]);

      before = peak_rss_kb ();
      root = mfd_web_parse_json_body (text->str, text->len, &error);
      g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_TOO_LARGE);
      g_assert_null (root);
      g_assert_cmpint (peak_rss_kb () - before, <, MAX_GROWTH_KB);
    }
}

static void
test_web_body_100mb (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *huge = g_malloc (HUNDRED_MB);
  glong before;
  gint64 start;

  /* [1,1,1,…]: 50 million values, valid JSON. */
  huge[0] = '[';
  for (gsize i = 1; i < HUNDRED_MB - 1; i += 2)
    {
      huge[i] = '1';
      huge[i + 1] = ',';
    }
  huge[HUNDRED_MB - 2] = '1';
  huge[HUNDRED_MB - 1] = ']';

  before = peak_rss_kb ();
  start = g_get_monotonic_time ();
  root = mfd_web_parse_json_body (huge, HUNDRED_MB, &error);
  g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_TOO_LARGE);
  g_assert_null (root);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (peak_rss_kb () - before, <, MAX_GROWTH_KB);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile/connector/import-100mb", test_connector_import_100mb);
  g_test_add_func ("/hostile/connector/store-100mb", test_connector_store_100mb);
  g_test_add_func ("/hostile/connector/import-10000-deep", test_connector_import_deep);

  g_test_add_func ("/hostile/web/body-10000-deep", test_web_body_deep);
  g_test_add_func ("/hostile/web/body-100mb", test_web_body_100mb);

  return g_test_run ();
}
