/* test-watch-notify.c — a watched connector that breaks and comes back
 * gives exactly one notification each way, which opens its results
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <libglib-testing/dbus-queue.h>

#include "mfd/mfd.h"
#include "mfd-application.h"
#include "mfd-preferences-window.h"
#include "mfd-test-ca.h"
#include "mfd-test-ui.h"
#include "mfd-watch-service.h"
#include "mfd-start-page-private.h"
#include "mfd-watch-row.h"
#include "mfd-window.h"

#define WATCHED "connector:Contoso on-premises"

/* The notification server GLib talks to outside a sandbox when nobody
 * owns org.gtk.Notifications: the freedesktop one, played on a private
 * session bus by GtDBusQueue. */
static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "  </interface>"
  "</node>";

/* The Background portal, played the same way. */
static const char background_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "      <arg type='o' direction='out'/>"
  "    </method>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "</node>";

static gboolean japanese;
static GtDBusQueue *queue;

typedef struct
{
  GtDBusQueue    *queue;
  MfdApplication *app;
  MfdLab         *lab;
  MfdTarget      *target;
  guint           n_checked;
  int             switch_to;   /* 0: leave the server, 1: refuse, 2: answer */
} Fixture;

static MfdTarget *
lab_target_cb (const char  *id,
               gpointer     user_data,
               GError     **error)
{
  Fixture *f = user_data;

  return mfd_target_copy (f->target);
}

/* A check that has just finished may still hold its connection to the
 * practice server for a moment; then the port cannot be taken over yet and
 * the switch waits for the end of the next check. */
static void
switch_server_cb (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;

  if (f->switch_to == 0)
    return;
  if (mfd_lab_set_refusing (f->lab, f->switch_to == 1, &error))
    f->switch_to = 0;
  else
    g_test_message ("The practice server cannot switch yet: %s", error->message);
}

static void
on_checked_cb (MfdWatcher     *watcher,
               MfdWatchResult *result,
               Fixture        *f)
{
  g_assert_cmpstr (result->target, ==, WATCHED);
  f->n_checked++;

  /* The server changes between two checks, not while one talks to it. */
  if (f->switch_to != 0)
    g_timeout_add_once (50, switch_server_cb, f);
}

/* As soon as the application has loaded its watch list: check every
 * 300 ms (the test-only minimum) instead of every hour. */
static void
on_watcher_cb (MfdWatchService *service,
               GParamSpec      *pspec,
               Fixture         *f)
{
  MfdWatcher *watcher = mfd_watch_service_get_watcher (service);

  mfd_watcher_set_interval (watcher, 0);
  g_assert_cmpuint (mfd_watcher_get_effective_interval_ms (watcher), ==, 300);
  g_signal_connect (watcher, "checked", G_CALLBACK (on_checked_cb), f);
}

static gboolean
has_message (gpointer data)
{
  Fixture *f = data;

  return gt_dbus_queue_get_n_messages (f->queue) > 0;
}

typedef struct
{
  Fixture *f;
  guint    n;
} Checks;

static gboolean
checked_enough (gpointer data)
{
  Checks *checks = data;

  return checks->f->n_checked >= checks->n;
}

/* Lets @n more checks happen and asserts that they sent nothing. */
static void
assert_quiet_for_checks (Fixture *f,
                         guint    n)
{
  Checks checks = { f, f->n_checked + n };

  g_assert_true (mfd_test_ui_wait_until (checked_enough, &checks, 60000));
  mfd_test_ui_iterate_until_idle ();
  gt_dbus_queue_assert_no_messages (f->queue);
}

/* Waits for the next Notify call, checks where it comes from and answers
 * it with @reply_id. */
static GDBusMethodInvocation *
pop_notify (Fixture  *f,
            guint     reply_id,
            guint    *replaces_id,
            char    **summary,
            char    **body,
            GStrv    *actions)
{
  g_autoptr(GDBusMethodInvocation) invocation = NULL;
  g_autoptr(GVariant) hints = NULL;
  g_autofree char *app_name = NULL;
  g_autofree char *icon = NULL;
  gint32 timeout;

  g_assert_true (mfd_test_ui_wait_until (has_message, f, 60000));
  /* (not try_pop: glib-testing 0.1.1's never pops without waiting) */
  g_assert_true (gt_dbus_queue_pop_message (f->queue, &invocation));
  g_assert_cmpstr (g_dbus_method_invocation_get_sender (invocation), ==,
                   g_dbus_connection_get_unique_name (g_application_get_dbus_connection (G_APPLICATION (f->app))));
  g_assert_cmpstr (g_dbus_method_invocation_get_object_path (invocation), ==, "/org/freedesktop/Notifications");
  g_assert_cmpstr (g_dbus_method_invocation_get_interface_name (invocation), ==, "org.freedesktop.Notifications");
  g_assert_cmpstr (g_dbus_method_invocation_get_method_name (invocation), ==, "Notify");
  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(susss^as@a{sv}i)",
                 &app_name, replaces_id, &icon, summary, body, actions, &hints, &timeout);
  g_dbus_method_invocation_return_value (g_object_ref (invocation), g_variant_new ("(u)", reply_id));
  return g_steal_pointer (&invocation);
}

/* The start page's row of the watched connector shows how its last check
 * went, once the application's watch model has read the history again. */
static gboolean
start_page_says_no_problem (gpointer data)
{
  MfdStartPage *start = data;
  GtkWidget *row = mfd_start_page_get_watch_row (start, 0);

  return row != NULL && gtk_widget_get_visible (row) &&
         g_strcmp0 (mfd_watch_row_get_state (MFD_WATCH_ROW (row)), _("No problem")) == 0;
}

static void
assert_start_page_row (GtkWindow *window)
{
  GtkWidget *start = mfd_window_get_page (MFD_WINDOW (window), "start");

  g_assert_true (mfd_test_ui_wait_until (start_page_says_no_problem, start, 30000));
  g_assert_cmpstr (mfd_watch_item_get_id (mfd_watch_row_get_item (MFD_WATCH_ROW (mfd_start_page_get_watch_row (MFD_START_PAGE (start), 0)))),
                   ==, WATCHED);
}

static gboolean
shows_results (gpointer data)
{
  Fixture *f = data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (f->app));

  return MFD_IS_WINDOW (window) && g_strcmp0 (mfd_window_get_page_name (MFD_WINDOW (window)), "results") == 0;
}

static void
test_watch_notify_breaks_and_comes_back (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autoptr(MfdWatchList) list = mfd_watch_list_new (NULL);
  g_autoptr(GDBusMethodInvocation) problem = NULL;
  g_autoptr(GDBusMethodInvocation) recovered = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) actions = NULL;
  MfdWatchService *service;
  GtkWindow *window;
  guint replaces_id = 0;

  g_assert_no_error (error);

  /* The watch list the application finds in the data dir (a temporary
   * XDG_DATA_HOME, see main()). */
  g_assert_true (mfd_watch_list_load (list, &error));
  mfd_watch_list_add (list, WATCHED);
  g_assert_true (mfd_watch_list_save (list, &error));
  g_assert_no_error (error);

  f->lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_assert_no_error (error);
  f->target = mfd_lab_new_target (f->lab, japanese ? "ja" : "en");

  f->queue = queue;
  gt_dbus_queue_own_name (f->queue, "org.freedesktop.Notifications");
  gt_dbus_queue_export_object (f->queue, "/org/freedesktop/Notifications", node->interfaces[0], &error);
  g_assert_no_error (error);

  /* The application, registered on the private bus: startup creates the
   * watch service, which loads the list on a worker thread. */
  f->app = mfd_application_new ("io.github.mailflowdoctor.WatchNotifyTest", G_APPLICATION_DEFAULT_FLAGS);
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  service = mfd_application_get_watch_service (f->app);
  g_assert_nonnull (service);
  mfd_watch_service_set_target_func (service, lab_target_cb, f, NULL);
  g_signal_connect (service, "notify::watcher", G_CALLBACK (on_watcher_cb), f);

  /* Healthy: checked again and again, nothing to say. */
  assert_quiet_for_checks (f, 2);

  /* Refusing: exactly one notification, with the code. */
  f->switch_to = 1;
  problem = pop_notify (f, 1, &replaces_id, &summary, &body, &actions);
  g_assert_cmpstr (summary, ==, _("Mail cannot be delivered"));
  if (japanese)
    g_assert_cmpstr (summary, !=, "Mail cannot be delivered");
  g_assert_nonnull (strstr (body, "Contoso on-premises"));
  g_assert_nonnull (strstr (body, "4.4.316"));
  g_assert_true (g_strv_contains ((const char * const *) actions, "default"));
  g_test_message ("problem: %s — %s", summary, body);
  g_clear_pointer (&summary, g_free);
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&actions, g_strfreev);
  assert_quiet_for_checks (f, 3);

  /* Back: exactly one more, in place of the first. */
  f->switch_to = 2;
  recovered = pop_notify (f, 2, &replaces_id, &summary, &body, &actions);
  g_assert_cmpstr (summary, ==, _("Mail is delivered again"));
  g_assert_cmpuint (replaces_id, ==, 1);
  g_assert_nonnull (strstr (body, "Contoso on-premises"));
  g_test_message ("recovered: %s — %s", summary, body);
  assert_quiet_for_checks (f, 3);

  /* Clicking it opens the window on the results of that check. */
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  g_assert_nonnull (mfd_watch_service_get_diagnosis (service, WATCHED));
  g_dbus_connection_emit_signal (g_dbus_method_invocation_get_connection (recovered), NULL,
                                 "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                                 "ActionInvoked", g_variant_new ("(us)", 2, "default"), &error);
  g_assert_no_error (error);
  g_assert_true (mfd_test_ui_wait_until (shows_results, f, 30000));

  mfd_watcher_stop (mfd_watch_service_get_watcher (service));
  window = gtk_application_get_active_window (GTK_APPLICATION (f->app));
  assert_start_page_row (window);
  gtk_window_destroy (window);
  mfd_test_ui_iterate_until_idle ();
  /* GTK keeps the application alive a while after its window is gone:
   * its watch service must not answer the next test's settings. */
  g_object_run_dispose (G_OBJECT (service));
  g_application_quit (G_APPLICATION (f->app));
  g_clear_object (&f->app);
  mfd_test_ui_iterate_until_idle ();

  g_clear_object (&f->target);
  g_clear_pointer (&f->lab, mfd_lab_free);
}

static AdwActionRow *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_ACTION_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_ACTION_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwActionRow *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
background_is (gpointer data)
{
  gpointer *args = data;

  return mfd_watch_service_get_background (args[0]) == GPOINTER_TO_INT (args[1]);
}

static gboolean
watcher_loaded (gpointer data)
{
  return mfd_watch_service_get_watcher (data) != NULL;
}

/* Waits for RequestBackground, checks what it asks for and answers it as
 * xdg-desktop-portal does: a Request object, then its Response signal. */
static void
answer_background_request (MfdApplication *app,
                           guint32         response,
                           gboolean        allowed)
{
  g_autoptr(GDBusMethodInvocation) invocation = NULL;
  g_autoptr(GVariant) options = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *path = NULL;
  g_autofree const char **commandline = NULL;
  g_autoptr(GError) error = NULL;
  const char *token = NULL;
  const char *reason = NULL;
  gboolean autostart = FALSE;
  GVariantBuilder results;

  g_assert_true (gt_dbus_queue_pop_message (queue, &invocation));
  g_assert_cmpstr (g_dbus_method_invocation_get_sender (invocation), ==,
                   g_dbus_connection_get_unique_name (g_application_get_dbus_connection (G_APPLICATION (app))));
  g_assert_cmpstr (g_dbus_method_invocation_get_object_path (invocation), ==, "/org/freedesktop/portal/desktop");
  g_assert_cmpstr (g_dbus_method_invocation_get_interface_name (invocation), ==, "org.freedesktop.portal.Background");
  g_assert_cmpstr (g_dbus_method_invocation_get_method_name (invocation), ==, "RequestBackground");
  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(s@a{sv})", &parent, &options);
  g_assert_true (g_variant_lookup (options, "handle_token", "&s", &token));
  g_assert_true (g_variant_lookup (options, "autostart", "b", &autostart));
  g_assert_true (autostart);
  g_assert_true (g_variant_lookup (options, "commandline", "^a&s", &commandline));
  g_assert_cmpstr (commandline[0], ==, "mail-flow-doctor");
  g_assert_cmpstr (commandline[1], ==, "--background");
  g_assert_null (commandline[2]);
  g_assert_true (g_variant_lookup (options, "reason", "&s", &reason));
  g_assert_cmpstr (reason, !=, "");

  /* /org/freedesktop/portal/desktop/request/SENDER/TOKEN, SENDER being the
   * unique name without ':' and with '_' for '.' */
  sender = g_strdup (g_dbus_method_invocation_get_sender (invocation) + 1);
  g_strdelimit (sender, ".", '_');
  path = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", sender, token);
  g_dbus_method_invocation_return_value (g_object_ref (invocation), g_variant_new ("(o)", path));

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (allowed));
  g_variant_builder_add (&results, "{sv}", "autostart", g_variant_new_boolean (allowed));
  /* (to the caller alone, as the portal does: libportal adds no match rule) */
  g_dbus_connection_emit_signal (g_dbus_method_invocation_get_connection (invocation),
                                 g_dbus_method_invocation_get_sender (invocation), path,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(ua{sv})", response, &results), &error);
  g_assert_no_error (error);
}

/* Turning "watch in the background" on asks the Background portal for
 * autostart with --background; a refusal, and no portal at all, turn it
 * off again and say why. */
static void
test_watch_notify_background_portal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (background_xml, &error);
  g_autoptr(MfdWatchList) list = mfd_watch_list_new (NULL);
  g_autoptr(MfdApplication) app = NULL;
  MfdWatchService *service;
  GSettings *settings;
  gpointer args[2];
  guint name_id;

  g_assert_no_error (error);
  g_assert_true (mfd_watch_list_load (list, &error));
  mfd_watch_list_add (list, WATCHED);
  g_assert_true (mfd_watch_list_save (list, &error));
  g_assert_no_error (error);

  name_id = gt_dbus_queue_own_name (queue, "org.freedesktop.portal.Desktop");
  gt_dbus_queue_export_object (queue, "/org/freedesktop/portal/desktop", node->interfaces[0], &error);
  g_assert_no_error (error);

  app = mfd_application_new ("io.github.mailflowdoctor.WatchBackgroundTest", G_APPLICATION_DEFAULT_FLAGS);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  service = mfd_application_get_watch_service (app);
  settings = mfd_application_get_settings (app);
  g_assert_true (mfd_test_ui_wait_until (watcher_loaded, service, 30000));
  mfd_watcher_stop (mfd_watch_service_get_watcher (service));
  /* The last check of the previous test's run, read back from the history
   * for the start page. */
  {
    gint64 when = 0;
    MfdVerdict verdict = MFD_VERDICT_INCONCLUSIVE;
    const char *problem = "?";

    g_assert_true (mfd_watch_service_get_last_check (service, WATCHED, &when, &verdict, &problem));
    g_assert_cmpint (verdict, ==, MFD_VERDICT_OK);
    g_assert_null (problem);
    g_assert_cmpint (when, >, 0);
  }
  g_assert_cmpint (mfd_watch_service_get_background (service), ==, MFD_WATCH_BACKGROUND_OFF);
  g_assert_null (mfd_watch_service_get_background_text (service));
  args[0] = service;

  /* Allowed. */
  g_settings_set_boolean (settings, "watch-in-background", TRUE);
  g_assert_cmpint (mfd_watch_service_get_background (service), ==, MFD_WATCH_BACKGROUND_ASKING);
  answer_background_request (app, 0, TRUE);
  args[1] = GINT_TO_POINTER (MFD_WATCH_BACKGROUND_ALLOWED);
  g_assert_true (mfd_test_ui_wait_until (background_is, args, 30000));
  g_assert_true (g_settings_get_boolean (settings, "watch-in-background"));

  /* Turned off: nothing to ask. */
  g_settings_set_boolean (settings, "watch-in-background", FALSE);
  g_assert_cmpint (mfd_watch_service_get_background (service), ==, MFD_WATCH_BACKGROUND_OFF);
  mfd_test_ui_iterate_until_idle ();
  gt_dbus_queue_assert_no_messages (queue);

  /* The user says no in the portal's dialog. */
  g_settings_set_boolean (settings, "watch-in-background", TRUE);
  answer_background_request (app, 1, FALSE);
  args[1] = GINT_TO_POINTER (MFD_WATCH_BACKGROUND_DENIED);
  g_assert_true (mfd_test_ui_wait_until (background_is, args, 30000));
  g_assert_false (g_settings_get_boolean (settings, "watch-in-background"));
  g_assert_nonnull (mfd_watch_service_get_background_text (service));
  g_test_message ("denied: %s", mfd_watch_service_get_background_text (service));

  /* No portal on the bus at all. */
  gt_dbus_queue_unown_name (queue, name_id);
  mfd_test_ui_iterate_until_idle ();
  g_settings_set_boolean (settings, "watch-in-background", TRUE);
  args[1] = GINT_TO_POINTER (MFD_WATCH_BACKGROUND_UNAVAILABLE);
  g_assert_true (mfd_test_ui_wait_until (background_is, args, 30000));
  g_assert_false (g_settings_get_boolean (settings, "watch-in-background"));
  g_test_message ("unavailable: %s", mfd_watch_service_get_background_text (service));
  gt_dbus_queue_assert_no_messages (queue);

  /* The preferences say so on the row, and show both keys. */
  {
    MfdPreferencesWindow *preferences = mfd_preferences_window_new (NULL, settings);
    AdwActionRow *row;

    mfd_preferences_window_set_watch_service (preferences, service);
    gtk_window_present (GTK_WINDOW (preferences));
    mfd_test_ui_iterate_until_idle ();
    row = find_row (GTK_WIDGET (preferences), _("Keep watching when the window is closed"));
    g_assert_nonnull (row);
    g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, mfd_watch_service_get_background_text (service));
    g_assert_false (gtk_switch_get_active (GTK_SWITCH (adw_action_row_get_activatable_widget (row))));
    row = find_row (GTK_WIDGET (preferences), _("Check every (minutes)"));
    g_assert_nonnull (row);
    g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (adw_action_row_get_activatable_widget (row))), ==, 60);
    gtk_window_destroy (GTK_WINDOW (preferences));
    mfd_test_ui_iterate_until_idle ();
  }

  g_object_run_dispose (G_OBJECT (service));
  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  mfd_test_ui_iterate_until_idle ();
}

typedef struct
{
  Fixture  fixture;
  gboolean turned_off;
} Hidden;

static void
on_hidden_startup_cb (GApplication *app,
                      Hidden       *h)
{
  MfdWatchService *service = mfd_application_get_watch_service (MFD_APPLICATION (app));

  mfd_watch_service_set_target_func (service, lab_target_cb, &h->fixture, NULL);
  g_signal_connect (service, "notify::watcher", G_CALLBACK (on_watcher_cb), &h->fixture);
}

/* Once it has watched a while with no window, the user turns watching in
 * the background off: the application then ends by itself. */
static gboolean
hidden_poll_cb (gpointer data)
{
  Hidden *h = data;

  if (h->fixture.n_checked < 3)
    return G_SOURCE_CONTINUE;
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (h->fixture.app)));
  h->turned_off = TRUE;
  g_settings_set_boolean (mfd_application_get_settings (h->fixture.app), "watch-in-background", FALSE);
  return G_SOURCE_REMOVE;
}

/* Started at login ("--background", the portal's autostart command line)
 * with watching in the background on: no window, the application stays
 * and watches until that is turned off. */
static void
test_watch_notify_hidden (void)
{
  Hidden h = { { 0 }, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  g_autoptr(MfdWatchList) list = mfd_watch_list_new (NULL);
  char *argv[] = { (char *) "mail-flow-doctor", (char *) "--background", NULL };
  int status;

  g_assert_true (mfd_watch_list_load (list, &error));
  mfd_watch_list_add (list, WATCHED);
  g_assert_true (mfd_watch_list_save (list, &error));
  g_assert_no_error (error);
  /* (set before the application exists: nothing asks the portal) */
  g_settings_set_boolean (settings, "watch-in-background", TRUE);

  h.fixture.lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_assert_no_error (error);
  h.fixture.target = mfd_lab_new_target (h.fixture.lab, "en");
  h.fixture.app = mfd_application_new ("io.github.mailflowdoctor.WatchHiddenTest", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect_after (h.fixture.app, "startup", G_CALLBACK (on_hidden_startup_cb), &h);
  g_timeout_add (100, hidden_poll_cb, &h);
  status = g_application_run (G_APPLICATION (h.fixture.app), 2, argv);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (h.turned_off);
  g_assert_cmpuint (h.fixture.n_checked, >=, 3);
  g_assert_false (g_settings_get_boolean (settings, "watch-in-background"));
  gt_dbus_queue_assert_no_messages (queue);

  g_clear_object (&h.fixture.app);
  g_clear_object (&h.fixture.target);
  g_clear_pointer (&h.fixture.lab, mfd_lab_free);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mfd-watch-notify-XXXXXX", &error);
  g_autofree char *connectors = NULL;
  g_autofree char *display = NULL;
  int ret;

  g_assert_no_error (error);
  /* Before anything asks GLib for the user data dir (it keeps the first
   * answer): the watch list and history live here. */
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  connectors = g_build_filename (dir, "connectors.json", NULL);
  g_setenv ("MFD_CONNECTORS_FILE", connectors, TRUE);
  g_setenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS", "300", TRUE);

  /* The private session bus comes first: GTK's start-up already connects
   * to the session bus, and a process keeps its first one. */
  display = g_strdup (g_getenv ("DISPLAY"));
  queue = gt_dbus_queue_new ();
  if (!gt_dbus_queue_connect (queue, &error))
    g_error ("Cannot start a private session bus: %s", error->message);
  /* (GTestDBus unsets it so that nothing starts an X11 bus) */
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  japanese = mfd_test_ui_init (&argc, &argv);

  g_test_add_func ("/watch-notify/breaks-and-comes-back", test_watch_notify_breaks_and_comes_back);
  g_test_add_func ("/watch-notify/background-portal", test_watch_notify_background_portal);
  g_test_add_func ("/watch-notify/hidden", test_watch_notify_hidden);

  ret = g_test_run ();
  /* Not gt_dbus_queue_disconnect(): it waits for the process's session bus
   * connection to be finalized, and GTK keeps its references to it until
   * exit. GTestDBus's watcher ends the private bus when the process does. */
  gt_dbus_queue_assert_no_messages (queue);
  mfd_test_remove_tree (dir);
  return ret;
}
