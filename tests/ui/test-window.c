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
#include "mfd-preferences-window.h"
#include "mfd-window-private.h"
#include "mfd-preferences-window.h"
#include "mfd-test-ui.h"
#include "mfd-test-ca.h"

static MfdWindow *
create_window (void)
{
  MfdWindow *window = mfd_test_ui_new_window ();

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

static AdwEntryRow *
find_entry_row (GtkWidget  *widget,
                const char *text)
{
  if (ADW_IS_ENTRY_ROW (widget) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text) == 0)
    return ADW_ENTRY_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwEntryRow *found = find_entry_row (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The preferences show what is wrong with a value in the engine's words,
 * the same the command line prints (mfd_target_check_*()). */
static void
test_preferences_reasons (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  g_autofree char *dns_reason = mfd_target_check_dns_server ("resolver.local", NULL);
  g_autofree char *url_reason = mfd_target_check_url ("ftp://dns.example/", NULL);
  MfdPreferencesWindow *prefs;
  AdwEntryRow *dns_row, *url_row, *good_row;

  g_settings_set_string (settings, "dns-server", "resolver.local");
  g_settings_set_string (settings, "doh-url", "ftp://dns.example/");
  g_settings_set_string (settings, "endpoints-url", "https://endpoints.example");
  g_settings_set_string (settings, "control-smtp", "mx.example:99999");
  g_settings_set_string (settings, "control-name", "not a name");
  prefs = mfd_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (prefs));
  mfd_test_ui_iterate_until_idle ();

  dns_row = find_entry_row (GTK_WIDGET (prefs), "resolver.local");
  url_row = find_entry_row (GTK_WIDGET (prefs), "ftp://dns.example/");
  good_row = find_entry_row (GTK_WIDGET (prefs), "https://endpoints.example");
  g_assert_nonnull (dns_row);
  g_assert_nonnull (url_row);
  g_assert_nonnull (good_row);
  g_assert_nonnull (dns_reason);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dns_row), "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (dns_row)), ==, dns_reason);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (url_row)), ==, url_reason);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (good_row), "error"));
  /* The control servers of the vantage check, in the command line's words too. */
  {
    AdwEntryRow *control_smtp = find_entry_row (GTK_WIDGET (prefs), "mx.example:99999");
    AdwEntryRow *control_name = find_entry_row (GTK_WIDGET (prefs), "not a name");
    g_autofree char *smtp_reason = mfd_target_check_control_smtp ("mx.example:99999", NULL);
    g_autofree char *name_reason = mfd_target_check_mx_domain ("not a name", NULL);

    g_assert_nonnull (control_smtp);
    g_assert_nonnull (control_name);
    g_assert_nonnull (smtp_reason);
    g_assert_nonnull (name_reason);
    g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (control_smtp)), ==, smtp_reason);
    g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (control_name)), ==, name_reason);
    gtk_editable_set_text (GTK_EDITABLE (control_smtp), "127.0.0.1:2525");
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (control_smtp), "error"));
  }

  /* Fixing the value clears the reason; an empty one means the default. */
  gtk_editable_set_text (GTK_EDITABLE (dns_row), "127.0.0.1:5353");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (dns_row), "error"));
  gtk_editable_set_text (GTK_EDITABLE (dns_row), "");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (dns_row), "error"));

  gtk_window_destroy (GTK_WINDOW (prefs));
  mfd_test_ui_iterate_until_idle ();
  g_settings_reset (settings, "dns-server");
  g_settings_reset (settings, "doh-url");
  g_settings_reset (settings, "endpoints-url");
  g_settings_reset (settings, "control-smtp");
  g_settings_reset (settings, "control-name");
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

static char *data_home;

static gboolean
setting_is (GSettings  *settings,
            const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, "ca-file");

  return g_strcmp0 (value, expected) == 0;
}

/* "Choose…" hands the chosen file to import_ca_file(): the file is copied
 * into the app's data folder (readable inside a sandbox later on) and the
 * setting names the copy; a file that is not PEM changes nothing. */
static void
test_preferences_ca_file (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  MfdPreferencesWindow *prefs = mfd_preferences_window_new (NULL, settings);
  g_autofree char *src_dir = g_build_filename (data_home, "elsewhere", NULL);
  g_autofree char *pem_path = g_build_filename (src_dir, "proxy-ca.pem", NULL);
  g_autofree char *junk_path = g_build_filename (src_dir, "notes.txt", NULL);
  g_autofree char *expected = g_build_filename (data_home, "mail-flow-doctor", "ca", "proxy-ca.pem", NULL);
  const char *pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTest\n-----END CERTIFICATE-----\n";
  g_autoptr(GFile) pem_file = g_file_new_for_path (pem_path);
  g_autoptr(GFile) junk_file = g_file_new_for_path (junk_path);
  g_autofree char *copied = NULL;
  gint64 deadline;

  g_settings_set_string (settings, "ca-file", "");
  g_assert_cmpint (g_mkdir_with_parents (src_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (pem_path, pem, -1, NULL));
  g_assert_true (g_file_set_contents (junk_path, "not a certificate", -1, NULL));
  gtk_window_present (GTK_WINDOW (prefs));

  mfd_preferences_window_import_ca_file (prefs, junk_file);
  mfd_preferences_window_import_ca_file (prefs, pem_file);
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (!setting_is (settings, expected) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (setting_is (settings, expected));
  g_assert_true (g_file_get_contents (expected, &copied, NULL, NULL));
  g_assert_cmpstr (copied, ==, pem);
  /* The file that is not PEM was not copied. */
  g_free (copied);
  copied = g_build_filename (data_home, "mail-flow-doctor", "ca", "notes.txt", NULL);
  g_assert_false (g_file_test (copied, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (prefs));
  mfd_test_ui_iterate_until_idle ();
  g_settings_set_string (settings, "ca-file", "");
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
  gboolean japanese;
  int status;

  /* Before anything asks GLib for it: the CA file test writes there. */
  data_home = g_dir_make_tmp ("mfd-test-window-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  japanese = mfd_test_ui_init (&argc, &argv);

  if (japanese)
    g_test_add_func ("/window/japanese", test_window_japanese);
  g_test_add_func ("/window/start-page", test_window_start_page);
  g_test_add_func ("/window/icons", test_window_icons);
  g_test_add_func ("/window/preferences-ca-file", test_preferences_ca_file);
  g_test_add_func ("/window/navigation", test_window_navigation);
  g_test_add_func ("/window/preferences-reasons", test_preferences_reasons);

  status = g_test_run ();
  mfd_test_remove_tree (data_home);
  g_free (data_home);
  return status;
}
