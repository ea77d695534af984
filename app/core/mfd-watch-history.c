/* mfd-watch-history.c — every check of a watched target, in SQLite
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watch-history"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mfd-text.h"
#include "mfd-util.h"
#include "mfd-watch.h"

struct _MfdWatchHistory
{
  GObject  parent_instance;

  char    *path;
  char    *moved_aside;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (MfdWatchHistory, mfd_watch_history, G_TYPE_OBJECT)

/* The schema, one step per version: PRAGMA user_version is the number of
 * steps applied. Never edit a step that has shipped; add one. */
static const char * const migrations[] = {
  /* 1 */
  "CREATE TABLE checks ("
  "  id INTEGER PRIMARY KEY,"
  "  target TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  verdict TEXT NOT NULL,"
  "  error TEXT,"
  "  cert_expiry INTEGER,"
  "  domain_expiry INTEGER);"
  "CREATE INDEX checks_by_target ON checks (target, id);"
  "CREATE TABLE findings ("
  "  check_id INTEGER NOT NULL REFERENCES checks (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  code TEXT,"
  "  cause TEXT,"
  "  host TEXT,"
  "  warning INTEGER NOT NULL DEFAULT 0,"
  "  inconclusive INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX findings_by_check ON findings (check_id);"
  "CREATE TABLE warned ("
  "  target TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  days INTEGER NOT NULL,"
  "  PRIMARY KEY (target, kind));",
};

/* Opening ------------------------------------------------------------------ */

static gboolean
set_db_error (sqlite3     *db,
              int          rc,
              GError     **error)
{
  g_set_error (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_DATABASE, "%s",
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_db_error (db, rc, error);
  return TRUE;
}

static int
get_user_version (sqlite3 *db,
                  int     *version)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *version = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* Reads every page: SQLite notices most damage only when it reads it. */
static int
check_integrity (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        rc = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0 ? SQLITE_OK : SQLITE_CORRUPT;
    }
  sqlite3_finalize (stmt);
  return rc;
}

static gboolean
is_corruption (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

typedef enum { OPEN_OK, OPEN_CORRUPT, OPEN_FAILED } OpenResult;

static OpenResult
try_open (MfdWatchHistory  *self,
          GError          **error)
{
  int rc, version = 0;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    goto failed;
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  /* Turning a new file to WAL needs it to itself, and SQLite answers
   * "busy" at once, without its busy handler, while another connection
   * (the window's and the watcher's, or another process) opens it too:
   * wait as the busy timeout would. Only ever called off the UI thread. */
  for (guint tries = 0;; tries++)
    {
      rc = sqlite3_exec (self->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
      if ((rc & 0xff) != SQLITE_BUSY || tries >= 50)
        break;
      g_usleep (100 * G_TIME_SPAN_MILLISECOND);
    }
  if (rc != SQLITE_OK)
    goto failed;
  rc = check_integrity (self->db);
  if (rc != SQLITE_OK)
    goto failed;
  rc = get_user_version (self->db, &version);
  if (rc != SQLITE_OK)
    goto failed;

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_autofree char *message = mfd_text_render_va (NULL, N_("The watch history “{1}” was written by a newer version of Mail Flow Doctor. It was left as it is."),
                                                     self->path, NULL);

      g_set_error_literal (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_NEWER, message);
      return OPEN_FAILED;
    }

  /* Each step and its version number in one transaction, the version read
   * again under the write lock: a crash leaves the schema before the step
   * or after it, and two processes opening a new file at once apply each
   * step once. */
  while (version < (int) G_N_ELEMENTS (migrations))
    {
      g_autofree char *bump = NULL;

      if (!exec (self->db, "BEGIN IMMEDIATE", error))
        return OPEN_FAILED;
      rc = get_user_version (self->db, &version);
      if (rc != SQLITE_OK)
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          goto failed;
        }
      if (version >= (int) G_N_ELEMENTS (migrations))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          break;
        }
      bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!exec (self->db, migrations[version], error) || !exec (self->db, bump, error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return OPEN_FAILED;
        }
      if (!exec (self->db, "COMMIT", error))
        return OPEN_FAILED;
      version++;
    }

  exec (self->db, "PRAGMA foreign_keys = ON", NULL);
  exec (self->db, "PRAGMA synchronous = NORMAL", NULL);
  return OPEN_OK;

failed:
  if (is_corruption (rc) || is_corruption (sqlite3_errcode (self->db)))
    return OPEN_CORRUPT;
  set_db_error (self->db, rc, error);
  return OPEN_FAILED;
}

static void
close_db (MfdWatchHistory *self)
{
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  self->db = NULL;
}

/* The write-ahead log belongs to the database it was written for: it goes
 * aside with it, and the shared-memory index is rebuilt from nothing. */
static void
move_companions (const char *path,
                 const char *aside)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *wal_aside = g_strconcat (aside, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    g_rename (wal, wal_aside);
  g_unlink (shm);
}

MfdWatchHistory *
mfd_watch_history_open (const char  *path,
                        GError     **error)
{
  g_autoptr(MfdWatchHistory) self = g_object_new (MFD_TYPE_WATCH_HISTORY, NULL);
  g_autofree char *dir = NULL;
  g_autoptr(GError) move_error = NULL;
  OpenResult result;

  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_data_dir (), "mail-flow-doctor", "history.sqlite3", NULL);
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", dir, g_strerror (saved_errno));
      return NULL;
    }

  result = try_open (self, error);
  if (result == OPEN_OK)
    return g_steal_pointer (&self);
  close_db (self);
  if (result == OPEN_FAILED)
    return NULL;

  /* Never emptied in place: the damaged file is kept for whoever wants
   * to recover it, under a name nothing else uses. */
  self->moved_aside = mfd_util_move_aside (self->path, &move_error);
  if (self->moved_aside == NULL)
    {
      g_autofree char *message = mfd_text_render_va (NULL, N_("The watch history “{1}” is damaged and could not be moved aside ({2}). It was left as it is."),
                                                     self->path, move_error->message, NULL);

      g_set_error_literal (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_UNREADABLE, message);
      return NULL;
    }
  move_companions (self->path, self->moved_aside);

  result = try_open (self, error);
  if (result != OPEN_OK)
    {
      if (result == OPEN_CORRUPT)
        set_db_error (self->db, SQLITE_CORRUPT, error);
      close_db (self);
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
mfd_watch_history_get_path (MfdWatchHistory *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), NULL);
  return self->path;
}

const char *
mfd_watch_history_get_moved_aside (MfdWatchHistory *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), NULL);
  return self->moved_aside;
}

/* Rows --------------------------------------------------------------------- */

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_time_or_null (sqlite3_stmt *stmt,
                   int           index,
                   gint64        t)
{
  if (t != 0)
    sqlite3_bind_int64 (stmt, index, t);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
verdict_from_string (const char *text,
                     MfdVerdict *verdict)
{
  for (MfdVerdict v = MFD_VERDICT_OK; v <= MFD_VERDICT_INCONCLUSIVE; v++)
    if (g_strcmp0 (text, mfd_verdict_to_string (v)) == 0)
      {
        *verdict = v;
        return TRUE;
      }
  return FALSE;
}

static gboolean
insert_record (MfdWatchHistory  *self,
               MfdWatchRecord   *record,
               GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO checks (target, time, verdict, error, cert_expiry, domain_expiry)"
                           " VALUES (?, ?, ?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self->db, rc, error);
  sqlite3_bind_text (stmt, 1, record->target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, record->time);
  sqlite3_bind_text (stmt, 3, mfd_verdict_to_string (record->verdict), -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 4, record->error);
  bind_time_or_null (stmt, 5, record->cert_expiry);
  bind_time_or_null (stmt, 6, record->domain_expiry);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_db_error (self->db, rc, error);
  record->id = sqlite3_last_insert_rowid (self->db);

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO findings (check_id, position, code, cause, host, warning, inconclusive)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self->db, rc, error);
  for (guint i = 0; i < record->findings->len; i++)
    {
      MfdWatchFinding *finding = g_ptr_array_index (record->findings, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, record->id);
      sqlite3_bind_int (stmt, 2, i);
      bind_text_or_null (stmt, 3, finding->code);
      bind_text_or_null (stmt, 4, finding->cause);
      bind_text_or_null (stmt, 5, finding->host);
      sqlite3_bind_int (stmt, 6, finding->warning);
      sqlite3_bind_int (stmt, 7, finding->inconclusive);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        {
          set_db_error (self->db, rc, error);
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

gboolean
mfd_watch_history_add (MfdWatchHistory  *self,
                       MfdWatchRecord   *record,
                       GError          **error)
{
  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), FALSE);
  g_return_val_if_fail (record != NULL && record->target != NULL, FALSE);

  /* The check and its findings together, or nothing. */
  if (!exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!insert_record (self, record, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      record->id = 0;
      return FALSE;
    }
  return exec (self->db, "COMMIT", error);
}

static gboolean
load_findings (MfdWatchHistory  *self,
               MfdWatchRecord   *record,
               GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db,
                               "SELECT code, cause, host, warning, inconclusive FROM findings"
                               " WHERE check_id = ? ORDER BY position", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return set_db_error (self->db, rc, error);
  sqlite3_bind_int64 (stmt, 1, record->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    mfd_watch_record_add_finding (record,
                                  (const char *) sqlite3_column_text (stmt, 0),
                                  (const char *) sqlite3_column_text (stmt, 1),
                                  (const char *) sqlite3_column_text (stmt, 2),
                                  sqlite3_column_int (stmt, 3),
                                  sqlite3_column_int (stmt, 4));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_db_error (self->db, rc, error);
  return TRUE;
}

static GPtrArray *
query_records (MfdWatchHistory  *self,
               const char       *target,
               gint64            before_id,
               guint             limit,
               gboolean          oldest_first,
               GError          **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_watch_record_free);
  g_autofree char *sql = g_strdup_printf ("SELECT id, time, verdict, error, cert_expiry, domain_expiry FROM checks"
                                          " WHERE target = ? AND id < ? ORDER BY id %s LIMIT ?",
                                          oldest_first ? "ASC" : "DESC");
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_db_error (self->db, rc, error);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, before_id > 0 ? before_id : G_MAXINT64);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (sqlite3_int64) limit : -1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MfdWatchRecord *record = mfd_watch_record_new (target);

      record->id = sqlite3_column_int64 (stmt, 0);
      record->time = sqlite3_column_int64 (stmt, 1);
      if (!verdict_from_string ((const char *) sqlite3_column_text (stmt, 2), &record->verdict))
        record->verdict = MFD_VERDICT_INCONCLUSIVE;
      record->error = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      record->cert_expiry = sqlite3_column_int64 (stmt, 4);
      record->domain_expiry = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (records, record);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self->db, rc, error);
      return NULL;
    }

  for (guint i = 0; i < records->len; i++)
    if (!load_findings (self, g_ptr_array_index (records, i), error))
      return NULL;
  return g_steal_pointer (&records);
}

GPtrArray *
mfd_watch_history_list (MfdWatchHistory  *self,
                        const char       *target,
                        guint             limit,
                        GError          **error)
{
  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  return query_records (self, target, 0, limit, FALSE, error);
}

MfdWatchRecord *
mfd_watch_history_get_last (MfdWatchHistory  *self,
                            const char       *target,
                            gint64            before_id,
                            GError          **error)
{
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  records = query_records (self, target, before_id, 1, FALSE, error);
  if (records == NULL || records->len == 0)
    return NULL;
  return g_ptr_array_steal_index (records, 0);
}

guint
mfd_watch_history_get_warned (MfdWatchHistory  *self,
                              const char       *target,
                              const char       *kind,
                              GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  guint days = 0;
  int rc;

  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), 0);

  rc = sqlite3_prepare_v2 (self->db, "SELECT days FROM warned WHERE target = ? AND kind = ?",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self->db, rc, error);
      return 0;
    }
  sqlite3_bind_text (stmt, 1, target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    days = sqlite3_column_int (stmt, 0);
  else if (rc != SQLITE_DONE)
    set_db_error (self->db, rc, error);
  sqlite3_finalize (stmt);
  return days;
}

gboolean
mfd_watch_history_set_warned (MfdWatchHistory  *self,
                              const char       *target,
                              const char       *kind,
                              guint             days,
                              GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), FALSE);

  rc = sqlite3_prepare_v2 (self->db,
                           days > 0 ? "INSERT OR REPLACE INTO warned (target, kind, days) VALUES (?, ?, ?)"
                                    : "DELETE FROM warned WHERE target = ? AND kind = ?",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self->db, rc, error);
  sqlite3_bind_text (stmt, 1, target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  if (days > 0)
    sqlite3_bind_int (stmt, 3, days);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_db_error (self->db, rc, error);
  return TRUE;
}

/* CSV ---------------------------------------------------------------------- */

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (text == NULL)
    text = "";
  /* A spreadsheet runs a cell that starts with = + - @ as a formula: a
   * server's name must not be able to do that. */
  if (strchr ("=+-@", text[0]) != NULL && text[0] != '\0')
    g_string_append_c (out, '\'');
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static char *
format_iso (gint64 t)
{
  g_autoptr(GDateTime) dt = NULL;

  if (t == 0)
    return NULL;
  dt = g_date_time_new_from_unix_utc (t);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static void
append_csv_line (GString        *out,
                 MfdWatchRecord *record,
                 MfdWatchFinding *finding)
{
  g_autofree char *time = format_iso (record->time);
  g_autofree char *cert = format_iso (record->cert_expiry);
  g_autofree char *domain = format_iso (record->domain_expiry);

  append_csv_field (out, time);
  g_string_append_c (out, ',');
  append_csv_field (out, mfd_verdict_to_string (record->verdict));
  g_string_append_c (out, ',');
  append_csv_field (out, finding != NULL ? finding->code : NULL);
  g_string_append_c (out, ',');
  append_csv_field (out, finding != NULL ? finding->cause : record->error);
  g_string_append_c (out, ',');
  append_csv_field (out, finding != NULL ? finding->host : NULL);
  g_string_append_c (out, ',');
  append_csv_field (out, finding != NULL ? (finding->inconclusive ? "inconclusive" : finding->warning ? "warning" : "problem") : NULL);
  g_string_append_c (out, ',');
  append_csv_field (out, cert);
  g_string_append_c (out, ',');
  append_csv_field (out, domain);
  g_string_append (out, "\r\n");
}

char *
mfd_watch_history_to_csv (MfdWatchHistory  *self,
                          const char       *target,
                          GError          **error)
{
  g_autoptr(GPtrArray) records = NULL;
  GString *out;

  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), NULL);

  records = query_records (self, target, 0, 0, TRUE, error);
  if (records == NULL)
    return NULL;

  out = g_string_new ("time,verdict,code,cause,host,severity,certificate_expiry,domain_expiry\r\n");
  for (guint i = 0; i < records->len; i++)
    {
      MfdWatchRecord *record = g_ptr_array_index (records, i);

      if (record->findings->len == 0)
        append_csv_line (out, record, NULL);
      for (guint j = 0; j < record->findings->len; j++)
        append_csv_line (out, record, g_ptr_array_index (record->findings, j));
    }
  return g_string_free (out, FALSE);
}

/* GObject -------------------------------------------------------------------- */

static void
mfd_watch_history_finalize (GObject *object)
{
  MfdWatchHistory *self = MFD_WATCH_HISTORY (object);

  close_db (self);
  g_free (self->path);
  g_free (self->moved_aside);

  G_OBJECT_CLASS (mfd_watch_history_parent_class)->finalize (object);
}

static void
mfd_watch_history_class_init (MfdWatchHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mfd_watch_history_finalize;
}

static void
mfd_watch_history_init (MfdWatchHistory *self)
{
}
