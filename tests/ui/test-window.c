/* test-window.c — the window opens on the start page and navigates
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "mfd/mfd.h"
#include "mfd-window.h"
#include "mfd-test-ui.h"

static MfdWindow *
create_window (void)
{
  MfdWindow *window = mfd_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  mfd_test_ui_iterate_until_idle ();
  return window;
}

static void
test_window_start_page (void)
{
  MfdWindow *window = create_window ();

  g_assert_cmpstr (mfd_window_get_page_name (window), ==, "start");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  gtk_window_destroy (GTK_WINDOW (window));
  mfd_test_ui_iterate_until_idle ();
}

static void
test_window_navigation (void)
{
  MfdWindow *window = create_window ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "ndr"));
  mfd_test_ui_iterate_until_idle ();
  g_assert_cmpstr (mfd_window_get_page_name (window), ==, "ndr");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "connectors"));
  mfd_test_ui_iterate_until_idle ();
  g_assert_cmpstr (mfd_window_get_page_name (window), ==, "connectors");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  mfd_test_ui_iterate_until_idle ();
  g_assert_cmpstr (mfd_window_get_page_name (window), ==, "ndr");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  mfd_test_ui_iterate_until_idle ();
  g_assert_cmpstr (mfd_window_get_page_name (window), ==, "start");

  gtk_window_destroy (GTK_WINDOW (window));
  mfd_test_ui_iterate_until_idle ();
}

/* Every icon the pages name is either the app's own, in its GResource
 * (found through the application's resource base path, added here as
 * GtkApplication does), or one that Adwaita has kept for years. */
static void
test_window_icons (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  const char *own[] = { "mfd-passed-symbolic", BASE_APP_ID "-symbolic", NULL };

  gtk_icon_theme_add_resource_path (theme, RESOURCE_PREFIX "/icons");
  for (guint i = 0; own[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf (RESOURCE_PREFIX "/icons/%s/%s.svg",
                                               g_str_has_prefix (own[i], "mfd-") ? "scalable/actions" : "symbolic/apps",
                                               own[i]);

      g_assert_true (g_resources_get_info (path, 0, NULL, NULL, NULL));
      g_assert_true (gtk_icon_theme_has_icon (theme, own[i]));
    }
}

static void
test_window_japanese (void)
{
  /* The start page's title comes from ja.po when the process runs in Japanese. */
  g_assert_cmpstr (mfd_text_get_process_lang (), ==, "ja");
  g_assert_cmpstr (_("Why is mail stuck?"), !=, "Why is mail stuck?");
  g_assert_true (g_utf8_validate (_("Why is mail stuck?"), -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  gboolean japanese = mfd_test_ui_init (&argc, &argv);

  if (japanese)
    g_test_add_func ("/window/japanese", test_window_japanese);
  g_test_add_func ("/window/start-page", test_window_start_page);
  g_test_add_func ("/window/icons", test_window_icons);
  g_test_add_func ("/window/navigation", test_window_navigation);

  return g_test_run ();
}
