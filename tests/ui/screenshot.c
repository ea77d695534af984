/* screenshot.c — renders every page of the real window to PNG files, for the
 * README and for a person to look at (tests/screenshots.sh runs it under Xvfb)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "mfd/mfd.h"
#include "mfd-application.h"
#include "mfd-ndr-page.h"
#include "mfd-results-page.h"
#include "mfd-watch-history-window.h"
#include "mfd-window-private.h"

static const char ndr_text[] =
  "450 4.4.316 Connection refused [Message=Socket error code 10061] "
  "[LastAttemptedServerName=mail.contoso.test] [LastAttemptedIP=192.0.2.25:25] [SmtpSecurity=-2;-2] "
  "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2026-03-04T01:02:03.456Z 08DD5A1B2C3D4E5F]\n";

static void
wait_ms (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
wait_for_page (MfdWindow  *window,
               const char *name,
               guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (g_strcmp0 (mfd_window_get_page_name (window), name) != 0)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static void
save_png (GtkWidget  *widget,
          const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  /* The window's background first: the paintable draws only what the
   * widgets draw, and a transparent PNG reads badly. */
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_printerr ("Could not write %s\n", path);
  else
    g_print ("%s\n", path);
}

/* The page's scrolled window (its only child), to its end: the footer. */
static void
scroll_to_end (GtkWidget *page)
{
  GtkWidget *scrolled = gtk_widget_get_first_child (page);
  GtkAdjustment *adjustment;

  if (!GTK_IS_SCROLLED_WINDOW (scrolled))
    return;
  wait_ms (300);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

/* Opens the expander rows titled @title under @widget. */
static void
expand_rows (GtkWidget  *widget,
             const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_EXPANDER_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        {
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (child), TRUE);
          /* The viewport scrolls to what has the focus. */
          gtk_widget_grab_focus (child);
        }
      expand_rows (child, title);
    }
}

/* The results page builds a piece per frame: the whole of it first. */
static void
wait_for_results (MfdWindow *window)
{
  MfdResultsPage *page = MFD_RESULTS_PAGE (mfd_window_get_page (window, "results"));
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  while (!mfd_results_page_is_built (page) && g_get_monotonic_time () < deadline)
    wait_ms (50);
  wait_ms (500);
}

/* A practice run of @scenario through to its built results page; FALSE
 * (said on stderr) when it did not get there. */
static gboolean
practice_to_results (MfdWindow      *window,
                     MfdLabScenario  scenario)
{
  g_autoptr(GError) error = NULL;

  if (!mfd_window_start_practice (window, scenario, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (!wait_for_page (window, "results", 60000))
    {
      g_printerr ("The checks did not finish\n");
      return FALSE;
    }
  wait_for_results (window);
  return TRUE;
}

static MfdTarget *
watch_lab_target_cb (const char  *id,
                     gpointer     user_data,
                     GError     **error)
{
  return mfd_lab_new_target (user_data, "en");
}

static void
on_watch_checked_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GPtrArray **out = user_data;

  *out = mfd_watcher_check_finish (MFD_WATCHER (object), result, NULL);
  if (*out == NULL)
    *out = g_ptr_array_new ();
}

/* A watched connector with a history: real checks of a practice server
 * that works, refuses, and works again, written by the engine's watcher
 * into the (temporary) user data dir. */
static gboolean
make_watch_history (const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdWatchList) list = mfd_watch_list_new (NULL);
  g_autoptr(MfdWatchHistory) history = NULL;
  g_autoptr(MfdWatcher) watcher = NULL;

  if (lab == NULL || !mfd_watch_list_load (list, &error) ||
      (history = mfd_watch_history_open (NULL, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  mfd_watch_list_add (list, id);
  if (!mfd_watch_list_save (list, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  watcher = mfd_watcher_new (list, history);
  mfd_watcher_set_target_func (watcher, watch_lab_target_cb, lab, NULL);
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GPtrArray) results = NULL;

      mfd_lab_set_refusing (lab, round == 1, NULL);
      mfd_watcher_check_async (watcher, NULL, NULL, on_watch_checked_cb, &results);
      while (results == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static void
shoot (MfdWindow  *window,
       const char *dir,
       const char *name,
       const char *suffix)
{
  g_autofree char *file = g_strdup_printf ("%s%s.png", name, suffix);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  /* Let the slide transition end and the spinners turn. */
  wait_ms (700);
  save_png (GTK_WIDGET (window), path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GtkCssProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *connectors = NULL;
  g_autofree char *json = NULL;
  const char *dir;
  const char *lang;
  gboolean dark;
  int width;
  MfdWindow *window;
  MfdApplication *app;
  g_autofree char *suffix = NULL;

  g_autofree char *data_home = NULL;

  if (argc < 4)
    {
      g_printerr ("usage: %s OUTDIR LANG light|dark [WIDTH]\n", argv[0]);
      return 2;
    }
  dir = argv[1];
  lang = argv[2];
  dark = g_str_equal (argv[3], "dark");
  width = argc > 4 ? atoi (argv[4]) : 900;

  /* The watch list and the history of the shots, not the user's. */
  data_home = g_dir_make_tmp ("mfd-screenshot-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("LANGUAGE", lang, TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, mfd_text_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_init ();
  adw_init ();
  /* What AdwApplication would load from its resource base path. */
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    RESOURCE_PREFIX "/icons");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);

  settings = g_settings_new (BASE_APP_ID);
  g_settings_set_boolean (settings, "offline", TRUE);
  g_settings_set_boolean (settings, "control-probes", FALSE);
  g_settings_set (settings, "window-size", "(ii)", width, 760);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  connectors = g_build_filename (g_get_tmp_dir (), "mfd-screenshot-connectors.json", NULL);
  g_setenv ("MFD_CONNECTORS_FILE", connectors, TRUE);
  /* The saved list has an export's shape: the sample export is the list,
   * and no "Imported" toast covers the pages. */
  g_remove (connectors);
  if (g_getenv ("MFD_SCREENSHOT_CONNECTORS") != NULL &&
      g_file_get_contents (g_getenv ("MFD_SCREENSHOT_CONNECTORS"), &json, NULL, NULL))
    g_file_set_contents (connectors, json, -1, NULL);

  suffix = g_strdup_printf ("-%s%s%s", lang, dark ? "-dark" : "",
                            width < 600 ? "-narrow" : "");

  app = mfd_application_new (BASE_APP_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    g_error ("Could not register the application");
  window = mfd_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), width, 760);


  /* Start, with one recent diagnosis from the practice run below. */
  mfd_window_show_page (window, "practice");
  shoot (window, dir, "practice", suffix);

  /* The silent server keeps the checks waiting for its greeting. */
  if (!mfd_window_start_practice (window, MFD_LAB_SILENT, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  wait_ms (300);
  shoot (window, dir, "checks", suffix);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);

  if (!practice_to_results (window, MFD_LAB_REFUSE))
    return 1;
  shoot (window, dir, "results", suffix);
  scroll_to_end (mfd_window_get_page (window, "results"));
  shoot (window, dir, "results-end", suffix);

  /* A certificate finding: the chain as the server presented it, with the
   * thumbprints Exchange and Windows show. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  if (!practice_to_results (window, MFD_LAB_CERT_EXPIRED))
    return 1;
  expand_rows (mfd_window_get_page (window, "results"), _("Certificate the server presented"));
  shoot (window, dir, "results-cert", suffix);
  /* A help-desk network that resolves no public name and lets nothing out
   * on port 25, checking what EOP refused: the vantage banner, EOP's own
   * report first. The control servers are practice servers on loopback. */
  {
    g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_REFUSE, &error);
    g_autoptr(MfdLab) control = lab != NULL ? mfd_lab_new (MFD_LAB_REFUSE, &error) : NULL;
    g_autoptr(MfdNdrResult) ndr = NULL;
    g_autoptr(MfdTarget) target = NULL;
    g_autofree char *text = NULL;
    g_autofree char *control_smtp = NULL;

    if (control == NULL)
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop-practice", NULL));
    g_assert_false (mfd_window_is_practising (window));
    control_smtp = g_strdup_printf ("127.0.0.1:%u", mfd_lab_get_smtp_port (control));
    g_settings_set_string (settings, "dns-server", mfd_lab_get_dns_server (lab));
    g_settings_set_boolean (settings, "control-probes", TRUE);
    g_settings_set_string (settings, "control-name", "control.test");
    g_settings_set_string (settings, "control-smtp", control_smtp);
    g_settings_set_uint (settings, "connect-timeout", 3);
    text = g_strdup_printf ("450 4.4.316 Connection refused [Message=Socket error code 10061] "
                            "[LastAttemptedServerName=mail.contoso.test] [LastAttemptedIP=127.0.0.1:%u] "
                            "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2026-03-04T01:02:03.456Z 08DD5A1B2C3D4E5F]\n",
                            mfd_lab_get_smtp_port (lab));
    ndr = mfd_ndr_parse (text, strlen (text), &error);
    if (ndr == NULL)
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
    target = mfd_target_new_for_ndr_entry (ndr->primary, MFD_TLS_OPPORTUNISTIC);
    mfd_window_run_checks (window, target, ndr->primary);
    if (!wait_for_page (window, "results", 60000))
      {
        g_printerr ("The checks did not finish\n");
        return 1;
      }
    wait_ms (1500);
    shoot (window, dir, "results-vantage", suffix);
    g_settings_set_boolean (settings, "control-probes", FALSE);
    g_settings_reset (settings, "dns-server");
  }

  if (!make_watch_history ("connector:Outbound to Contoso"))
    return 1;
  mfd_watch_model_reload (mfd_application_get_watch_model (app));
  while (mfd_watch_model_is_busy (mfd_application_get_watch_model (app)))
    g_main_context_iteration (NULL, TRUE);
  mfd_window_show_page (window, "start");
  shoot (window, dir, "start", suffix);

  /* The watched connector's timeline. */
  {
    g_autoptr(GList) toplevels = NULL;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-watch-history", "s",
                                "connector:Outbound to Contoso");
    toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      if (MFD_IS_WATCH_HISTORY_WINDOW (l->data))
        {
          g_autofree char *file = g_strdup_printf ("watch-history%s.png", suffix);
          g_autofree char *path = g_build_filename (dir, file, NULL);

          while (mfd_watch_history_window_is_busy (l->data))
            g_main_context_iteration (NULL, TRUE);
          wait_ms (700);
          save_png (l->data, path);
          gtk_window_destroy (l->data);
        }
  }

  mfd_window_show_page (window, "connectors");
  shoot (window, dir, "connectors", suffix);

  mfd_window_show_page (window, "start");
  mfd_window_show_page (window, "ndr");
  mfd_ndr_page_set_text (MFD_NDR_PAGE (mfd_window_get_page (window, "ndr")), ndr_text);
  shoot (window, dir, "ndr", suffix);

  /* A bounce for several recipients: the list of its errors. */
  {
    const char *path = g_getenv ("MFD_SCREENSHOT_BOUNCE");
    g_autofree char *bounce = NULL;

    if (path != NULL && g_file_get_contents (path, &bounce, NULL, NULL))
      {
        mfd_ndr_page_set_text (MFD_NDR_PAGE (mfd_window_get_page (window, "ndr")), bounce);
        shoot (window, dir, "ndr-multi", suffix);
      }
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (connectors);
  {
    const char *names[] = { "watch.json", "history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm" };
    g_autofree char *app_dir = g_build_filename (data_home, "mail-flow-doctor", NULL);

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (app_dir, names[i], NULL);

        g_remove (path);
      }
    g_rmdir (app_dir);
    g_rmdir (data_home);
  }
  return 0;
}
