/* mfd-test-ui.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "mfd/mfd.h"
#include "mfd-test-ui.h"

gboolean
mfd_test_ui_init (int    *argc,
                  char ***argv)
{
  gboolean japanese = g_strcmp0 (g_getenv ("MFD_TEST_LANG"), "ja") == 0;

  g_setenv ("LANGUAGE", japanese ? "ja" : "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, mfd_text_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  return japanese;
}

gboolean
mfd_test_ui_wait_until (MfdTestUiCondition condition,
                        gpointer           data,
                        guint              timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      if (!g_main_context_pending (NULL))
        g_usleep (1000);
    }
  return TRUE;
}

void
mfd_test_ui_iterate_until_idle (void)
{
  guint n = 0;

  while (g_main_context_iteration (NULL, FALSE) && n++ < 1000)
    ;
}
