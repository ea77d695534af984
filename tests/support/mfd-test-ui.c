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
#include "mfd-application.h"
#include "mfd-test-ui.h"
#include "mfd-window.h"

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

MfdWindow *
mfd_test_ui_new_window (void)
{
  static MfdApplication *app;

  if (app == NULL)
    {
      g_autoptr(GError) error = NULL;

      app = mfd_application_new (BASE_APP_ID, G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
    }
  return mfd_window_new (app);
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

typedef struct
{
  gboolean  done;
  GError   *error;
} Export;

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Export *export = user_data;

  mfd_results_page_export_finish (MFD_RESULTS_PAGE (source), result, &export->error);
  export->done = TRUE;
}

static gboolean
export_done (gpointer data)
{
  return ((Export *) data)->done;
}

char *
mfd_test_ui_export (MfdResultsPage  *page,
                    const char      *path,
                    MfdReportFormat  format,
                    const char      *lang,
                    guint            timeout_ms)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  Export export = { FALSE, NULL };
  char *contents = NULL;

  mfd_results_page_export_async (page, file, format, lang, NULL, on_exported_cb, &export);
  g_assert_true (mfd_test_ui_wait_until (export_done, &export, timeout_ms));
  g_assert_no_error (export.error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

void
mfd_test_ui_iterate_until_idle (void)
{
  guint n = 0;

  while (g_main_context_iteration (NULL, FALSE) && n++ < 1000)
    ;
}

gboolean
mfd_test_ui_shows_results (gpointer window)
{
  return g_strcmp0 (mfd_window_get_page_name (window), "results") == 0;
}
