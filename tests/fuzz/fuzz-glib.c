/* fuzz-glib.c — makes GLib's warnings and criticals crashes libFuzzer keeps
 *
 * A g_return_if_fail() that fires is a bug in our use of a library. GLib's
 * own fatal mode stops with SIGTRAP, which libFuzzer does not catch, so no
 * reproducer would be written: abort() instead.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);

static void
log_handler (const char     *log_domain,
             GLogLevelFlags  log_level,
             const char     *message,
             gpointer        user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      fprintf (stderr, "%s: %s\n", log_domain ? log_domain : "", message);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_default_handler (log_handler, NULL);
  return 0;
}
