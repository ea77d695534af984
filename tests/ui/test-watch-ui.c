/* test-watch-ui.c — watching from the window: the switch on a connector's
 * row writes the watch list, the start page shows the watched connector's
 * state from the history that real checks of a practice server wrote, the
 * timeline shows when it broke and came back, and Export CSV writes it
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "mfd/mfd.h"
#include "mfd/mfd-lab.h"
#include "mfd-application.h"
#include "mfd-watch-service.h"
#include "mfd-connectors-page.h"
#include "mfd-start-page-private.h"
#include "mfd-watch-history-window.h"
#include "mfd-watch-row.h"
#include "mfd-window-private.h"
#include "mfd-test-ca.h"
#include "mfd-test-ui.h"

#define WAIT_MS 30000
#define CONNECTOR "Contoso on-premises"
#define WATCH_ID "connector:" CONNECTOR

static char *data_home;
static gboolean japanese;

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
page_idle (gpointer page)
{
  return !mfd_connectors_page_is_saving (page) && mfd_connectors_page_get_n_visible (page) == 1;
}

static gboolean
model_idle (gpointer model)
{
  return !mfd_watch_model_is_busy (model);
}

static gboolean
history_idle (gpointer window)
{
  return !mfd_watch_history_window_is_busy (window);
}

static void
on_list_saved_cb (MfdWatchModel *model,
                  guint         *n_saved)
{
  (*n_saved)++;
}

static MfdTarget *
lab_target_cb (const char  *id,
               gpointer     user_data,
               GError     **error)
{
  return mfd_lab_new_target (user_data, "en");
}

static void
on_checked_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = mfd_watcher_check_finish (MFD_WATCHER (object), result, &error);
  g_assert_no_error (error);
}

/* One real check of the practice server through the engine's watcher,
 * written to the history in $XDG_DATA_HOME as the watch service does. */
static MfdVerdict
check_once (MfdLab *lab)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdWatchList) list = mfd_watch_list_new (NULL);
  g_autoptr(MfdWatchHistory) history = NULL;
  g_autoptr(MfdWatcher) watcher = NULL;
  g_autoptr(GPtrArray) results = NULL;
  MfdWatchResult *result;

  g_assert_true (mfd_watch_list_load (list, &error));
  g_assert_no_error (error);
  history = mfd_watch_history_open (NULL, &error);
  g_assert_no_error (error);
  watcher = mfd_watcher_new (list, history);
  mfd_watcher_set_target_func (watcher, lab_target_cb, lab, NULL);
  mfd_watcher_check_async (watcher, NULL, NULL, on_checked_cb, &results);
  while (results == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);
  g_assert_no_error (result->error);
  g_assert_nonnull (result->record);
  return result->record->verdict;
}

static void
test_watch_ui (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  MfdWindow *window = mfd_test_ui_new_window ();
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  MfdWatchModel *model = mfd_application_get_watch_model (MFD_APPLICATION (app));
  MfdConnectorsPage *page;
  MfdStartPage *start;
  MfdWatchRow *row;
  GtkWidget *history;
  g_autoptr(MfdWatchList) list = mfd_watch_list_new (NULL);
  g_autofree char *json = NULL;
  g_autofree char *csv_path = g_build_filename (data_home, "history.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_saved = 0;

  /* This test records the history with a watcher of its own; the
   * application's watching (and its notifications) is test-watch-notify's. */
  g_object_run_dispose (G_OBJECT (mfd_application_get_watch_service (MFD_APPLICATION (app))));

  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  mfd_test_ui_iterate_until_idle ();
  page = MFD_CONNECTORS_PAGE (find_by_type (GTK_WIDGET (window), MFD_TYPE_CONNECTORS_PAGE));
  start = MFD_START_PAGE (find_by_type (GTK_WIDGET (window), MFD_TYPE_START_PAGE));

  /* A saved connector; nothing watched yet, so the start page has no group. */
  json = g_strdup_printf ("[{\"Name\":\"%s\",\"SmartHosts\":[\"%s\"],\"Enabled\":true,\"UseMXRecord\":false}]",
                          CONNECTOR, mfd_lab_get_address (lab));
  g_assert_true (mfd_connectors_page_import_json (page, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (mfd_test_ui_wait_until (page_idle, page, WAIT_MS));
  g_assert_true (mfd_test_ui_wait_until (model_idle, model, WAIT_MS));
  g_assert_null (mfd_start_page_get_watch_row (start, 0));

  /* The switch on its row writes the watch list, off the UI thread, and
   * says so once (for the watch service to read it again). */
  g_signal_connect (model, "list-saved", G_CALLBACK (on_list_saved_cb), &n_saved);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "connectors"));
  g_assert_true (mfd_connectors_page_set_watched (page, CONNECTOR, TRUE));
  g_assert_true (mfd_test_ui_wait_until (model_idle, model, WAIT_MS));
  g_assert_true (mfd_watch_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_true (mfd_watch_list_contains (list, WATCH_ID));
  g_assert_true (mfd_watch_model_contains (model, WATCH_ID));
  g_assert_cmpuint (n_saved, ==, 1);
  row = MFD_WATCH_ROW (mfd_start_page_get_watch_row (start, 0));
  g_assert_nonnull (row);
  g_assert_cmpstr (mfd_watch_row_get_state (row), ==, _("Not checked yet"));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (row)))));

  /* Real checks: healthy, refusing (4.4.316) twice, healthy again. */
  g_assert_cmpint (check_once (lab), ==, MFD_VERDICT_OK);
  g_assert_true (mfd_lab_set_refusing (lab, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check_once (lab), ==, MFD_VERDICT_PROBLEM);
  mfd_watch_model_reload (model);
  g_assert_true (mfd_test_ui_wait_until (model_idle, model, WAIT_MS));
  row = MFD_WATCH_ROW (mfd_start_page_get_watch_row (start, 0));
  g_assert_cmpstr (mfd_watch_row_get_state (row), ==, "4.4.316");
  g_assert_cmpint (check_once (lab), ==, MFD_VERDICT_PROBLEM);
  g_assert_true (mfd_lab_set_refusing (lab, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check_once (lab), ==, MFD_VERDICT_OK);

  /* The start page shows the last check. */
  mfd_watch_model_reload (model);
  g_assert_true (mfd_test_ui_wait_until (model_idle, model, WAIT_MS));
  row = MFD_WATCH_ROW (mfd_start_page_get_watch_row (start, 0));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, CONNECTOR);
  g_assert_cmpstr (mfd_watch_row_get_state (row), ==, _("No problem"));
  /* In Japanese the row reads Japanese (ja.po has it). */
  if (japanese)
    g_assert_cmpstr (mfd_watch_row_get_state (row), ==, "問題なし");
  g_assert_nonnull (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), !=, "");

  /* The row opens the timeline: three changes of state out of four checks,
   * the newest on top. */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  mfd_test_ui_iterate_until_idle ();
  history = NULL;
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (MFD_IS_WATCH_HISTORY_WINDOW (l->data))
        history = l->data;
  }
  g_assert_nonnull (history);
  g_assert_true (mfd_test_ui_wait_until (history_idle, history, WAIT_MS));
  g_assert_cmpuint (mfd_watch_history_window_get_n_rows (MFD_WATCH_HISTORY_WINDOW (history)), ==, 3);
  text = mfd_watch_history_window_get_row_text (MFD_WATCH_HISTORY_WINDOW (history), 0);
  g_assert_true (g_str_has_prefix (text, _("Came back: no problem")));
  g_clear_pointer (&text, g_free);
  text = mfd_watch_history_window_get_row_text (MFD_WATCH_HISTORY_WINDOW (history), 1);
  g_assert_nonnull (strstr (text, "4.4.316"));
  g_clear_pointer (&text, g_free);
  text = mfd_watch_history_window_get_row_text (MFD_WATCH_HISTORY_WINDOW (history), 2);
  g_assert_true (g_str_has_prefix (text, _("No problem")));

  /* Export CSV: every check, oldest first, one line per finding. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (csv_path);

    mfd_watch_history_window_export (MFD_WATCH_HISTORY_WINDOW (history), file);
  }
  g_assert_true (mfd_test_ui_wait_until (history_idle, history, WAIT_MS));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_no_error (error);
  /* RFC 4180 lines end in CRLF. */
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_cmpstr (lines[0], ==, "time,verdict,code,cause,host,severity,certificate_expiry,domain_expiry");
  g_assert_nonnull (strstr (lines[1], ",ok,"));
  g_assert_nonnull (strstr (lines[2], ",problem,4.4.316,tcp-refused,"));
  g_assert_nonnull (strstr (lines[3], ",problem,4.4.316,tcp-refused,"));
  g_assert_nonnull (strstr (lines[4], ",ok,"));
  g_assert_cmpstr (lines[5], ==, "");

  /* Switched off again: the list forgets it and the start page with it. */
  gtk_window_destroy (GTK_WINDOW (history));
  g_assert_true (mfd_connectors_page_set_watched (page, CONNECTOR, FALSE));
  g_assert_true (mfd_test_ui_wait_until (model_idle, model, WAIT_MS));
  g_assert_true (mfd_watch_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_false (mfd_watch_list_contains (list, WATCH_ID));
  g_assert_cmpuint (n_saved, ==, 2);
  g_signal_handlers_disconnect_by_func (model, on_list_saved_cb, &n_saved);
  g_assert_null (mfd_start_page_get_watch_row (start, 0));

  gtk_window_destroy (GTK_WINDOW (window));
  mfd_test_ui_iterate_until_idle ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *connectors = NULL;
  int status;

  /* Before anything asks GLib for it: the watch list and the history live there. */
  data_home = g_dir_make_tmp ("mfd-test-watch-ui-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  connectors = g_build_filename (data_home, "connectors.json", NULL);
  g_setenv ("MFD_CONNECTORS_FILE", connectors, TRUE);
  japanese = mfd_test_ui_init (&argc, &argv);

  g_test_add_func ("/watch-ui/watch-start-page-timeline-csv", test_watch_ui);

  status = g_test_run ();
  mfd_test_remove_tree (data_home);
  g_free (data_home);
  return status;
}
