/* test-watch.c — the watch list, the SQLite history and the watcher, with
 * practice servers on loopback and real database files
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "mfd-test-ca.h"

static char *self_path;

typedef struct
{
  char            *dir;
  MfdWatchList    *list;
  MfdWatchHistory *history;
  MfdWatcher      *watcher;
  MfdTarget       *target;       /* what every id is checked as */
  GPtrArray       *events;       /* (element-type MfdWatchEvent) copies */
  guint            n_checked;
} Fixture;

static MfdTarget *
fixture_target_cb (const char  *id,
                   gpointer     user_data,
                   GError     **error)
{
  Fixture *f = user_data;

  return mfd_target_copy (f->target);
}

static void
on_changed_cb (MfdWatcher    *watcher,
               MfdWatchEvent *event,
               Fixture       *f)
{
  MfdWatchEvent *copy = g_new0 (MfdWatchEvent, 1);

  *copy = *event;
  copy->target = g_strdup (event->target);
  copy->code = g_strdup (event->code);
  g_ptr_array_add (f->events, copy);
}

static void
on_checked_cb (MfdWatcher     *watcher,
               MfdWatchResult *result,
               Fixture        *f)
{
  f->n_checked++;
}

static void
fixture_open (Fixture *f)
{
  g_autofree char *history_path = g_build_filename (f->dir, "history.sqlite3", NULL);
  g_autofree char *list_path = g_build_filename (f->dir, "watch.json", NULL);
  g_autoptr(GError) error = NULL;

  f->list = mfd_watch_list_new (list_path);
  g_assert_true (mfd_watch_list_load (f->list, &error));
  g_assert_no_error (error);
  f->history = mfd_watch_history_open (history_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->history);
  g_assert_null (mfd_watch_history_get_moved_aside (f->history));
  f->watcher = mfd_watcher_new (f->list, f->history);
  mfd_watcher_set_target_func (f->watcher, fixture_target_cb, f, NULL);
  g_signal_connect (f->watcher, "changed", G_CALLBACK (on_changed_cb), f);
  g_signal_connect (f->watcher, "checked", G_CALLBACK (on_checked_cb), f);
}

static void
fixture_close (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  /* As a face does when the list changes: it is there after a restart. */
  g_assert_true (mfd_watch_list_save (f->list, &error));
  g_assert_no_error (error);
  g_clear_object (&f->watcher);
  g_clear_object (&f->history);
  g_clear_object (&f->list);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("mfd-watch-XXXXXX", &error);
  g_assert_no_error (error);
  f->events = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_watch_event_free);
  fixture_open (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fixture_close (f);
  g_clear_object (&f->target);
  g_ptr_array_unref (f->events);
  mfd_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
on_checked_all_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = mfd_watcher_check_finish (MFD_WATCHER (object), result, &error);
  g_assert_no_error (error);
}

/* One round over every watched target; returns the results. */
static GPtrArray *
check_all (Fixture *f)
{
  GPtrArray *results = NULL;

  mfd_watcher_check_async (f->watcher, NULL, NULL, on_checked_all_cb, &results);
  while (results == NULL)
    g_main_context_iteration (NULL, TRUE);
  return results;
}

static guint
count_events (Fixture           *f,
              MfdWatchEventKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < f->events->len; i++)
    if (((MfdWatchEvent *) g_ptr_array_index (f->events, i))->kind == kind)
      n++;
  return n;
}

static MfdVerdict
check_once (Fixture *f)
{
  g_autoptr(GPtrArray) results = check_all (f);
  MfdWatchResult *result;

  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);
  g_assert_no_error (result->error);
  g_assert_nonnull (result->diagnosis);
  g_assert_nonnull (result->record);
  g_assert_cmpint (result->record->id, >, 0);
  return result->record->verdict;
}

/* A practice server that refuses, then answers again, on the same port:
 * one event each way, nothing while nothing changes. */
static void
test_watch_server_breaks_and_comes_back (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  MfdWatchEvent *event;

  g_assert_no_error (error);
  f->target = mfd_lab_new_target (lab, "en");
  g_assert_true (mfd_watch_list_add (f->list, "connector:Contoso on-premises"));

  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_OK);
  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_OK);
  g_assert_cmpuint (f->events->len, ==, 0);

  g_assert_true (mfd_lab_set_refusing (lab, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_PROBLEM);
  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_PROBLEM);
  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_PROBLEM);
  g_assert_cmpuint (f->events->len, ==, 1);
  event = g_ptr_array_index (f->events, 0);
  g_assert_cmpint (event->kind, ==, MFD_WATCH_EVENT_PROBLEM);
  g_assert_cmpstr (event->code, ==, "4.4.316");
  g_assert_cmpstr (event->target, ==, "connector:Contoso on-premises");

  g_assert_true (mfd_lab_set_refusing (lab, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_OK);
  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_OK);
  g_assert_cmpuint (f->events->len, ==, 2);
  g_assert_cmpint (count_events (f, MFD_WATCH_EVENT_PROBLEM), ==, 1);
  g_assert_cmpint (count_events (f, MFD_WATCH_EVENT_RECOVERED), ==, 1);
  g_assert_cmpuint (f->n_checked, ==, 7);

  /* The history has every check, newest first, with the finding. */
  {
    g_autoptr(GPtrArray) records = mfd_watch_history_list (f->history, "connector:Contoso on-premises", 0, &error);
    MfdWatchRecord *broken;

    g_assert_no_error (error);
    g_assert_cmpuint (records->len, ==, 7);
    broken = g_ptr_array_index (records, 2);
    g_assert_cmpint (broken->verdict, ==, MFD_VERDICT_PROBLEM);
    g_assert_cmpstr (mfd_watch_record_get_problem (broken), ==, "4.4.316");
    g_assert_cmpstr (((MfdWatchFinding *) g_ptr_array_index (broken->findings, 0))->cause, ==, "tcp-refused");
    /* The practice certificate has 90 days left: no expiry warning, but
     * its end date is kept. */
    g_assert_cmpint (((MfdWatchRecord *) g_ptr_array_index (records, 0))->cert_expiry, >,
                     g_get_real_time () / G_USEC_PER_SEC + 80 * 24 * 3600);
  }
}

static char *
write_ca_file (const char *dir,
               MfdTestCa  *ca)
{
  char *path = g_build_filename (dir, "ca.pem", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, mfd_test_ca_get_pem (ca), -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A certificate that ends in 6 days: one "7 days" warning, however often it
 * is checked, also after a restart. */
static void
test_watch_certificate_expiry (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(MfdTestCa) ca = mfd_test_ca_new ("CN=Watch Test CA");
  g_autofree char *pem = mfd_test_ca_issue_server (ca, 2, NULL, -1, 6);
  g_autofree char *ca_file = write_ca_file (f->dir, ca);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new_with_certificate (pem, pem, &error);
  MfdWatchEvent *event;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  f->target = mfd_target_new ();
  mfd_target_add_smart_host (f->target, mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab));
  mfd_target_set_tls_mode (f->target, MFD_TLS_CERTIFICATE_VALIDATION);
  mfd_target_set_ca_file (f->target, ca_file);
  mfd_target_set_offline (f->target, TRUE);
  mfd_target_set_control (f->target, FALSE);
  mfd_target_set_timeout_seconds (f->target, 3);
  g_assert_true (mfd_watch_list_add (f->list, "mx:contoso.test"));

  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (check_once (f), ==, MFD_VERDICT_OK);
  g_assert_cmpuint (f->events->len, ==, 1);
  event = g_ptr_array_index (f->events, 0);
  g_assert_cmpint (event->kind, ==, MFD_WATCH_EVENT_CERT_EXPIRY);
  g_assert_cmpuint (event->days, ==, 7);
  g_assert_cmpint (event->expiry, >, now + 5 * 24 * 3600);
  g_assert_cmpint (event->expiry, <=, now + 6 * 24 * 3600 + 120);
  {
    g_autofree char *text = mfd_watch_event_describe (event, "en");

    g_assert_nonnull (strstr (text, "within 7 days"));
  }

  /* The warned threshold is in the database, not in memory. */
  fixture_close (f);
  fixture_open (f);
  g_assert_cmpuint (mfd_watch_history_get_warned (f->history, "mx:contoso.test", "certificate", NULL), ==, 7);
  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_OK);
  g_assert_cmpuint (f->events->len, ==, 1);
}

/* Thresholds, renewal and the domain registration, on records as the
 * watcher stores them. */
static void
test_watch_expiry_thresholds (Fixture       *f,
                              gconstpointer  data)
{
  const gint64 day = 24 * 3600;
  const gint64 now = 1800000000;
  const struct { gint64 left; guint expect; } steps[] = {
    { 40 * day, 0 }, { 29 * day, 30 }, { 28 * day, 0 }, { 13 * day, 14 }, { 12 * day, 0 },
    { 6 * day, 7 }, { 5 * day, 0 }, { day / 2, 1 }, { day / 3, 0 },
    /* Renewed, then approaching again: warned again. */
    { 365 * day, 0 }, { 20 * day, 30 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(MfdWatchRecord) record = mfd_watch_record_new ("mx:fabrikam.test");
      g_autoptr(GPtrArray) events = NULL;
      g_autoptr(GError) error = NULL;

      record->time = now;
      record->verdict = MFD_VERDICT_OK;
      record->domain_expiry = now + steps[i].left;
      events = mfd_watch_history_record (f->history, record, now, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (events->len, ==, steps[i].expect != 0 ? 1 : 0);
      if (steps[i].expect != 0)
        {
          MfdWatchEvent *event = g_ptr_array_index (events, 0);

          g_assert_cmpint (event->kind, ==, MFD_WATCH_EVENT_DOMAIN_EXPIRY);
          g_assert_cmpuint (event->days, ==, steps[i].expect);
        }
    }
}

/* A different problem is a change; an inconclusive check is not. */
static void
test_watch_problem_changes (Fixture       *f,
                            gconstpointer  data)
{
  const struct { MfdVerdict verdict; const char *code; MfdWatchEventKind expect; gboolean event; } steps[] = {
    { MFD_VERDICT_OK, NULL, 0, FALSE },
    { MFD_VERDICT_PROBLEM, "4.4.316", MFD_WATCH_EVENT_PROBLEM, TRUE },
    { MFD_VERDICT_INCONCLUSIVE, NULL, 0, FALSE },
    { MFD_VERDICT_PROBLEM, "4.4.316", 0, FALSE },
    { MFD_VERDICT_PROBLEM, "4.7.320", MFD_WATCH_EVENT_PROBLEM, TRUE },
    { MFD_VERDICT_INCONCLUSIVE, NULL, 0, FALSE },
    { MFD_VERDICT_OK, NULL, MFD_WATCH_EVENT_RECOVERED, TRUE },
    { MFD_VERDICT_INCONCLUSIVE, NULL, 0, FALSE },
    { MFD_VERDICT_OK, NULL, 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(MfdWatchRecord) record = mfd_watch_record_new ("connector:Partner");
      g_autoptr(GPtrArray) events = NULL;
      g_autoptr(GError) error = NULL;

      record->time = 1800000000 + i;
      record->verdict = steps[i].verdict;
      if (steps[i].code != NULL)
        mfd_watch_record_add_finding (record, steps[i].code, "some-cause", "mail.partner.test", FALSE, FALSE);
      events = mfd_watch_history_record (f->history, record, record->time, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (events->len, ==, steps[i].event ? 1 : 0);
      if (steps[i].event)
        g_assert_cmpint (((MfdWatchEvent *) g_ptr_array_index (events, 0))->kind, ==, steps[i].expect);
    }
}

static void
add_sample (MfdWatchHistory *history,
            const char      *target,
            guint            n)
{
  g_autoptr(MfdWatchRecord) record = mfd_watch_record_new (target);
  g_autoptr(GError) error = NULL;

  record->time = 1800000000 + n;
  record->verdict = n % 2 ? MFD_VERDICT_PROBLEM : MFD_VERDICT_OK;
  record->cert_expiry = 1800000000 + 90 * 24 * 3600;
  if (n % 2)
    mfd_watch_record_add_finding (record, "4.4.316", "tcp-refused", "=cmd|' /C calc'!A0", FALSE, FALSE);
  g_assert_true (mfd_watch_history_add (history, record, &error));
  g_assert_no_error (error);
}

/* The history survives closing and opening again; CSV comes out quoted and
 * without anything a spreadsheet would run. */
static void
test_watch_history_restart (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < 5; i++)
    add_sample (f->history, "connector:A", i);
  fixture_close (f);
  fixture_open (f);

  records = mfd_watch_history_list (f->history, "connector:A", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 5);
  g_assert_cmpint (((MfdWatchRecord *) g_ptr_array_index (records, 0))->time, ==, 1800000004);
  g_assert_cmpuint (((MfdWatchRecord *) g_ptr_array_index (records, 1))->findings->len, ==, 1);

  csv = mfd_watch_history_to_csv (f->history, "connector:A", &error);
  g_assert_no_error (error);
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 7);
  g_assert_cmpstr (lines[0], ==, "time,verdict,code,cause,host,severity,certificate_expiry,domain_expiry");
  g_assert_true (g_str_has_prefix (lines[1], "2027-01-15T08:00:00Z,ok,,,,,"));
  g_assert_cmpstr (lines[2], ==, "2027-01-15T08:00:01Z,problem,4.4.316,tcp-refused,'=cmd|' /C calc'!A0,problem,2027-04-15T08:00:00Z,");
  g_assert_cmpstr (lines[6], ==, "");
}

/* The writer a test kills: adds checks to the history until killed. */
static int
run_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdWatchHistory) history = mfd_watch_history_open (path, &error);

  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  /* Never outlive the test, whatever happens to it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    return 1;
  if (history == NULL)
    g_error ("writer: %s", error->message);
  for (guint n = 0; g_get_monotonic_time () < deadline; n++)
    add_sample (history, "connector:Killed", n);
  return 0;
}

static guint
count_rows (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdWatchHistory) history = mfd_watch_history_open (path, &error);
  g_autoptr(GPtrArray) records = NULL;

  g_assert_no_error (error);
  g_assert_null (mfd_watch_history_get_moved_aside (history));
  records = mfd_watch_history_list (history, "connector:Killed", 0, &error);
  g_assert_no_error (error);
  return records->len;
}

/* SIGKILL in the middle of writing leaves a database that opens, passes
 * its integrity check and holds every committed check. */
static void
test_watch_history_killed_writer (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "killed.sqlite3", NULL);
  const char *argv[] = { self_path, "--writer", path, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;
  int status;
  guint before, after;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (guint round = 0; round < 3; round++)
    {
      before = g_file_test (path, G_FILE_TEST_EXISTS) ? count_rows (path) : 0;
      g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                    NULL, NULL, &pid, &error));
      g_assert_no_error (error);

      /* Until it has written a good number of checks: it is then writing
       * another one more or less all the time. */
      do
        {
          g_usleep (50 * 1000);
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        }
      while (!g_file_test (path, G_FILE_TEST_EXISTS) || count_rows (path) < before + 50);

      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

      after = count_rows (path);
      g_assert_cmpuint (after, >=, before + 50);
    }

  /* And it takes new checks. */
  {
    g_autoptr(MfdWatchHistory) history = mfd_watch_history_open (path, &error);

    g_assert_no_error (error);
    add_sample (history, "connector:Killed", 1);
  }
  g_assert_cmpuint (count_rows (path), ==, after + 1);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* A file that is not a database, and a database with a damaged page: both
 * are moved aside untouched, reported, and a new history starts. */
static void
test_watch_history_corrupt (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "corrupt.sqlite3", NULL);
  const char *garbage = "This is not an SQLite database, and it must not be emptied.\n";
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, garbage, -1, &error);
  g_assert_no_error (error);
  {
    g_autoptr(MfdWatchHistory) history = mfd_watch_history_open (path, &error);
    g_autofree char *kept = NULL;
    g_autoptr(GPtrArray) records = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (mfd_watch_history_get_moved_aside (history));
    g_assert_true (g_str_has_prefix (mfd_watch_history_get_moved_aside (history), path));
    g_assert_nonnull (strstr (mfd_watch_history_get_moved_aside (history), ".corrupt-"));
    kept = read_file (mfd_watch_history_get_moved_aside (history));
    g_assert_cmpstr (kept, ==, garbage);
    records = mfd_watch_history_list (history, "connector:A", 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (records->len, ==, 0);
    for (guint i = 0; i < 200; i++)
      add_sample (history, "connector:A", i);
  }

  /* A real database whose pages are damaged in the middle. */
  {
    g_autoptr(MfdWatchHistory) history = NULL;
    g_autofree char *contents = NULL;
    gsize len;
    const char *aside;

    g_assert_true (g_file_get_contents (path, &contents, &len, &error));
    g_assert_cmpuint (len, >, 8192);
    memset (contents + 4096, 0xa5, len - 4096 - 1);
    g_file_set_contents (path, contents, len, &error);
    g_assert_no_error (error);

    history = mfd_watch_history_open (path, &error);
    g_assert_no_error (error);
    aside = mfd_watch_history_get_moved_aside (history);
    g_assert_nonnull (aside);
    {
      g_autofree char *kept = NULL;
      gsize kept_len;

      g_assert_true (g_file_get_contents (aside, &kept, &kept_len, &error));
      g_assert_cmpmem (kept, kept_len, contents, len);
    }
  }
}

/* A database from a newer version is left alone. */
static void
test_watch_history_newer (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "newer.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdWatchHistory) history = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  history = mfd_watch_history_open (path, &error);
  g_assert_error (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_NEWER);
  g_assert_null (history);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "SELECT x FROM future", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The list: saved, read back, a broken file moved aside. */
static void
test_watch_list_file (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "list.json", NULL);
  g_autoptr(MfdWatchList) list = mfd_watch_list_new (path);
  g_autoptr(MfdWatchList) again = mfd_watch_list_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_true (mfd_watch_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_true (mfd_watch_list_add (list, "connector:Contoso"));
  g_assert_false (mfd_watch_list_add (list, "connector:Contoso"));
  g_assert_true (mfd_watch_list_add (list, "mx:fabrikam.test"));
  g_assert_true (mfd_watch_list_save (list, &error));
  g_assert_no_error (error);

  g_assert_true (mfd_watch_list_load (again, &error));
  g_assert_cmpstrv (mfd_watch_list_get_ids (again), ((const char *[]) { "connector:Contoso", "mx:fabrikam.test", NULL }));
  g_assert_true (mfd_watch_list_remove (again, "connector:Contoso"));
  g_assert_false (mfd_watch_list_remove (again, "connector:Contoso"));

  g_file_set_contents (path, "{\"schema\": \"mail-flow-doctor/watch-list/1\", \"targets\": [42]}", -1, &error);
  g_assert_no_error (error);
  g_assert_false (mfd_watch_list_load (again, &error));
  g_assert_error (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_CORRUPT);
  g_assert_null (mfd_watch_list_get_ids (again)[0]);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "list.json.corrupt-"))
      aside = g_build_filename (f->dir, name, NULL);
  g_assert_nonnull (aside);
  {
    g_autofree char *kept = read_file (aside);

    g_assert_nonnull (strstr (kept, "[42]"));
  }
}

/* The interval: never under five minutes unless a test says so, and the
 * periodic run checks a due target again once the interval has passed. */
static void
test_watch_interval (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  gint64 deadline;

  g_assert_no_error (error);
  g_unsetenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS");
  mfd_watcher_set_interval (f->watcher, 10);
  g_assert_cmpuint (mfd_watcher_get_effective_interval_ms (f->watcher), ==, 5 * 60 * 1000);
  mfd_watcher_set_interval (f->watcher, 2 * 60 * 60);
  g_assert_cmpuint (mfd_watcher_get_effective_interval_ms (f->watcher), ==, 2 * 60 * 60 * 1000);

  g_setenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS", "300", TRUE);
  mfd_watcher_set_interval (f->watcher, 0);
  g_assert_cmpuint (mfd_watcher_get_effective_interval_ms (f->watcher), ==, 300);

  f->target = mfd_lab_new_target (lab, "en");
  mfd_watch_list_add (f->list, "connector:Periodic");
  mfd_watcher_start (f->watcher);
  g_assert_true (mfd_watcher_is_running (f->watcher));
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (f->n_checked < 3)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  mfd_watcher_stop (f->watcher);
  g_assert_false (mfd_watcher_is_running (f->watcher));
  g_assert_cmpuint (f->events->len, ==, 0);
  g_unsetenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS");
}

/* A target checked a moment ago (by an earlier run of the app, say) is not
 * checked again before the interval has passed since then. */
static void
test_watch_interval_after_restart (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  gint64 started, deadline;

  g_assert_no_error (error);
  f->target = mfd_lab_new_target (lab, "en");
  mfd_watch_list_add (f->list, "connector:Restarted");
  g_assert_cmpint (check_once (f), ==, MFD_VERDICT_OK);
  fixture_close (f);
  fixture_open (f);
  f->n_checked = 0;

  g_setenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS", "5000", TRUE);
  mfd_watcher_set_interval (f->watcher, 0);
  started = g_get_monotonic_time ();
  mfd_watcher_start (f->watcher);
  deadline = started + 30 * G_USEC_PER_SEC;
  while (f->n_checked < 1)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  /* Not at once (a check takes well under a second here), but once the
   * interval has passed since the last check; the history keeps whole
   * seconds, so up to one second early. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 2500 * 1000);
  mfd_watcher_stop (f->watcher);
  g_unsetenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS");
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2]);

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  self_path = g_canonicalize_filename (argv[0], NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/watch/list-file", test_watch_list_file);
  ADD ("/watch/history/restart", test_watch_history_restart);
  ADD ("/watch/history/killed-writer", test_watch_history_killed_writer);
  ADD ("/watch/history/corrupt", test_watch_history_corrupt);
  ADD ("/watch/history/newer", test_watch_history_newer);
  ADD ("/watch/changes/problem", test_watch_problem_changes);
  ADD ("/watch/changes/expiry-thresholds", test_watch_expiry_thresholds);
  ADD ("/watch/server-breaks-and-comes-back", test_watch_server_breaks_and_comes_back);
  ADD ("/watch/certificate-expiry", test_watch_certificate_expiry);
  ADD ("/watch/interval", test_watch_interval);
  ADD ("/watch/interval-after-restart", test_watch_interval_after_restart);
#undef ADD

  return g_test_run ();
}
