/* mfd-bench-watch-hidden.c — the memory of the app watching with no window
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mfd-bench-watch-hidden HOST DNS PORT CA ROUNDS
 *
 * Runs the real application as a login start does ("--background", watching
 * in the background on, one saved connector watched) against a practice
 * server of tests/bench/mfd-lab-serve, lets ROUNDS checks happen (the
 * interval shortened through MFD_TEST_WATCH_MIN_INTERVAL_MS), then prints
 * its resident memory from /proc/self/status and quits. Not a test.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "mfd/mfd.h"
#include "mfd-application.h"
#include "mfd-test-ca.h"

typedef struct
{
  MfdApplication *app;
  char          **args;   /* HOST DNS PORT CA ROUNDS */
  guint           n_checked;
  guint           rounds;
} Bench;

static MfdTarget *
target_cb (const char  *id,
           gpointer     user_data,
           GError     **error)
{
  Bench *b = user_data;
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new (g_getenv ("MFD_CONNECTORS_FILE"));
  MfdTarget *target;

  /* The saved connector, with what the preferences would hold for the
   * practice server (its resolver, CA and port). */
  if (!mfd_connector_store_load (store, error))
    return NULL;
  target = mfd_watch_build_target (id, store, error);
  if (target == NULL)
    return NULL;
  mfd_target_set_dns_server (target, b->args[1]);
  mfd_target_set_port (target, (guint16) g_ascii_strtoull (b->args[2], NULL, 10));
  mfd_target_set_ca_file (target, b->args[3]);
  mfd_target_set_offline (target, TRUE);
  mfd_target_set_control (target, FALSE);
  mfd_target_set_timeout_seconds (target, 5);
  return target;
}

static char *
status_field (const char *status,
              const char *name)
{
  const char *line = strstr (status, name);

  if (line == NULL)
    return g_strdup ("?");
  line += strlen (name);
  while (*line == ' ' || *line == '\t')
    line++;
  return g_strndup (line, strcspn (line, " \n"));
}

static void
on_checked_cb (MfdWatcher     *watcher,
               MfdWatchResult *result,
               Bench          *b)
{
  g_autofree char *status = NULL;
  g_autofree char *rss = NULL;
  g_autofree char *hwm = NULL;

  if (++b->n_checked < b->rounds)
    return;
  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  rss = status_field (status, "VmRSS:");
  hwm = status_field (status, "VmHWM:");
  g_print ("mfd-watch-hidden rss-kb=%s hwm-kb=%s checks=%u verdict=%s windows=%u\n",
           rss, hwm, b->n_checked,
           result->diagnosis != NULL ? mfd_verdict_to_string (mfd_diagnosis_get_verdict (result->diagnosis)) : "none",
           g_list_length (gtk_application_get_windows (GTK_APPLICATION (b->app))));
  g_application_quit (G_APPLICATION (b->app));
}

static void
on_watcher_cb (MfdWatchService *service,
               GParamSpec      *pspec,
               Bench           *b)
{
  MfdWatcher *watcher = mfd_watch_service_get_watcher (service);

  /* Rounds one after the other at the shortened minimum, not hourly. */
  mfd_watcher_set_interval (watcher, 0);
  g_signal_connect (watcher, "checked", G_CALLBACK (on_checked_cb), b);
}

static void
on_startup_cb (GApplication *app,
               Bench        *b)
{
  MfdWatchService *service = mfd_application_get_watch_service (MFD_APPLICATION (app));

  mfd_watch_service_set_target_func (service, target_cb, b, NULL);
  g_signal_connect (service, "notify::watcher", G_CALLBACK (on_watcher_cb), b);
}

int
main (int   argc,
      char *argv[])
{
  Bench b = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  g_autofree char *connectors = NULL;
  g_autofree char *json = NULL;
  g_autoptr(MfdWatchList) list = NULL;
  g_autoptr(GSettings) settings = NULL;
  char *app_argv[] = { (char *) "mail-flow-doctor", (char *) "--background", NULL };
  int status;

  if (argc != 6)
    {
      g_printerr ("usage: %s HOST DNS PORT CA ROUNDS\n", argv[0]);
      return 2;
    }
  b.args = argv + 1;
  b.rounds = MAX (1, (guint) g_ascii_strtoull (argv[5], NULL, 10));

  dir = g_dir_make_tmp ("mfd-bench-watch-XXXXXX", &error);
  g_assert_no_error (error);
  data = g_build_filename (dir, "mail-flow-doctor", NULL);
  g_mkdir_with_parents (data, 0700);
  connectors = g_build_filename (data, "connectors.json", NULL);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  g_setenv ("MFD_CONNECTORS_FILE", connectors, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (g_getenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS") == NULL)
    g_setenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS", "1000", TRUE);

  json = g_strdup_printf ("[{\"Name\": \"Bench\", \"ConnectorType\": \"OnPremises\","
                          " \"SmartHosts\": [\"%s\"], \"Enabled\": true}]", argv[1]);
  g_file_set_contents (connectors, json, -1, &error);
  g_assert_no_error (error);
  list = mfd_watch_list_new (NULL);
  mfd_watch_list_load (list, NULL);
  mfd_watch_list_add (list, "connector:Bench");
  mfd_watch_list_save (list, &error);
  g_assert_no_error (error);

  settings = g_settings_new (BASE_APP_ID);
  g_settings_set_boolean (settings, "watch-in-background", TRUE);

  b.app = mfd_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (b.app, "startup", G_CALLBACK (on_startup_cb), &b);
  /* The interval is the shortest allowed (the environment above). */
  status = g_application_run (G_APPLICATION (b.app), 2, app_argv);

  g_clear_object (&b.app);
  mfd_test_remove_tree (dir);
  return status == 0 && b.n_checked >= b.rounds ? 0 : 1;
}
