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
#include "mfd-test-ca.h"
#include "mfd-test-ui.h"
#include "mfd-watch-service.h"
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
  g_assert_true (mfd_watch_list_add (list, WATCHED));
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
  gtk_window_destroy (window);
  mfd_test_ui_iterate_until_idle ();
  g_application_quit (G_APPLICATION (f->app));
  g_clear_object (&f->app);
  mfd_test_ui_iterate_until_idle ();

  g_clear_object (&f->target);
  g_clear_pointer (&f->lab, mfd_lab_free);
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

  ret = g_test_run ();
  /* Not gt_dbus_queue_disconnect(): it waits for the process's session bus
   * connection to be finalized, and GTK keeps its references to it until
   * exit. GTestDBus's watcher ends the private bus when the process does. */
  gt_dbus_queue_assert_no_messages (queue);
  mfd_test_remove_tree (dir);
  return ret;
}
