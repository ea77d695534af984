/* replay.c — runs a libFuzzer target's body over its seeds and regressions
 *
 * Linked with one fuzz-*.c file in the ordinary build (no clang needed), so
 * every input that once crashed or hung a target stays a test in
 * `./dev test`: tests/data/fuzz/<target>/ holds the regressions, and the
 * seed corpora are replayed too. Each file is one GTest case.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
replay_file (gconstpointer user_data)
{
  const char *path = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) contents, len), ==, 0);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static guint
add_directory (const char *relative)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", relative, NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (listing == NULL)
    return 0;
  while ((name = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      char *path = g_build_filename (dir, file, NULL);
      g_autofree char *test_path = g_strdup_printf ("/fuzz-replay/%s/%s", relative, file);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_free (path);
          continue;
        }
      /* Test paths are not allowed to contain dots of their own. */
      g_strdelimit (test_path, ".", '_');
      g_test_add_data_func_full (test_path, path, replay_file, g_free);
    }

  return names->len;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) corpora = g_strsplit (FUZZ_CORPORA, ",", -1);
  guint n = 0;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; corpora[i] != NULL; i++)
    n += add_directory (corpora[i]);
  /* A target whose seeds went missing would otherwise pass by testing nothing. */
  g_assert_cmpuint (n, >, 0);

  return g_test_run ();
}
