/* mfd-test-cli.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mfd-test-cli.h"
#include "mfd-test-json.h"

void
mfd_test_run_clear (MfdTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return data != NULL ? g_strndup (data, len) : g_strdup ("");
}

void
mfd_test_cli_run (MfdTestRun         *run,
                  const char         *verb,
                  const char         *cache_dir,
                  const char         *input,
                  gsize               input_len,
                  const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GBytes) stdin_bytes = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("MFD_BINARY");

  memset (run, 0, sizeof *run);
  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) verb);
  /* Tests never reach the internet: a check whose test does not point the
   * control probes at its own loopback peers does not run them at all. */
  if (g_str_equal (verb, "check"))
    {
      gboolean control_given = FALSE;

      for (gsize i = 0; args[i] != NULL; i++)
        if (g_str_has_prefix (args[i], "--control-") || g_str_equal (args[i], "--no-control"))
          control_given = TRUE;
      if (!control_given)
        g_ptr_array_add (argv, (gpointer) "--no-control");
    }
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANG", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LC_ALL");
  if (cache_dir != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache_dir, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* With a pipe, GSubprocess needs bytes; none means end of input at once. */
  stdin_bytes = g_bytes_new (input, input != NULL ? input_len : 0);
  g_subprocess_communicate (process, stdin_bytes, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  run->out = bytes_to_string (out);
  run->err = bytes_to_string (err);
  g_assert_true (g_utf8_validate (run->out, -1, NULL));
  g_assert_true (g_utf8_validate (run->err, -1, NULL));

  /* Whatever a --json run prints keeps to the published schemas. */
  if (mfd_test_json_is_document (run->out))
    mfd_test_json_assert_valid (run->out);
}

void
mfd_test_cli_run_va (MfdTestRun *run,
                     const char *verb,
                     const char *cache_dir,
                     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, cache_dir);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  mfd_test_cli_run (run, verb, cache_dir, NULL, 0, (const char * const *) args->pdata);
}
