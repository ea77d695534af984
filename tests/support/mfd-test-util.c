/* mfd-test-util.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mfd-test-util.h"

typedef struct
{
  guint  seconds;
  char  *what;
} Watchdog;

static void
watchdog_free (gpointer data)
{
  Watchdog *watchdog = data;

  g_free (watchdog->what);
  g_free (watchdog);
}

static gboolean
on_watchdog_cb (gpointer user_data)
{
  Watchdog *watchdog = user_data;

  g_error ("%s did not finish within %u seconds", watchdog->what, watchdog->seconds);
  return G_SOURCE_REMOVE;
}

guint
mfd_test_watchdog_add (guint       seconds,
                       const char *what)
{
  Watchdog *watchdog = g_new0 (Watchdog, 1);
  g_autoptr(GSource) source = g_timeout_source_new_seconds (seconds);

  watchdog->seconds = seconds;
  watchdog->what = g_strdup (what);
  g_source_set_callback (source, on_watchdog_cb, watchdog, watchdog_free);
  return g_source_attach (source, NULL);
}

void
mfd_test_add_rows (const char    *prefix,
                   gconstpointer  rows,
                   gsize          row_size,
                   gsize          n_rows,
                   gsize          name_offset,
                   GTestDataFunc  func)
{
  for (gsize i = 0; i < n_rows; i++)
    {
      gconstpointer row = (const guint8 *) rows + i * row_size;
      g_autofree char *path = g_strconcat (prefix, "/", G_STRUCT_MEMBER (const char *, row, name_offset), NULL);

      g_test_add_data_func (path, row, func);
    }
}
