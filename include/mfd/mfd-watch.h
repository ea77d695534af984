/* mfd-watch.h — watching connectors: the watch list, the history, the watcher
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd-check.h"
#include "mfd-connector.h"
#include "mfd-diagnosis.h"
#include "mfd-target.h"

G_BEGIN_DECLS

#define MFD_WATCH_ERROR (mfd_watch_error_quark ())

typedef enum
{
  MFD_WATCH_ERROR_CORRUPT,       /* unreadable: moved aside, an empty one started */
  MFD_WATCH_ERROR_UNREADABLE,    /* unreadable and still in place: not written over */
  MFD_WATCH_ERROR_DATABASE,      /* SQLite said no (full disk, locked, …) */
  MFD_WATCH_ERROR_NEWER,         /* written by a newer version: left alone */
  MFD_WATCH_ERROR_UNKNOWN_TARGET,
} MfdWatchError;

GQuark mfd_watch_error_quark (void);

/* The shortest interval between two checks of one target, in seconds,
 * whatever the preference says: a watched server is somebody's production
 * mail server. The environment variable MFD_TEST_WATCH_MIN_INTERVAL_MS
 * lowers it, for tests only. */
#define MFD_WATCH_MIN_INTERVAL     (5 * 60)
#define MFD_WATCH_DEFAULT_INTERVAL (60 * 60)

/* Watched targets are named by an id: "connector:NAME" for a saved
 * connector, "mx:DOMAIN" for a recipient domain checked by its MX hosts. */
char      *mfd_watch_id_for_connector   (const char *name);
char      *mfd_watch_id_for_mx          (const char *domain);
/* A target for @id: the connector from @store, or the MX domain; NULL with
 * MFD_WATCH_ERROR_UNKNOWN_TARGET when the connector is not saved (any more)
 * or @id is not an id. */
MfdTarget *mfd_watch_build_target       (const char         *id,
                                         MfdConnectorStore  *store,
                                         GError            **error);
/* What a person reads for @id: the connector's name or the domain. */
const char *mfd_watch_id_get_label      (const char *id);

/* The watch list --------------------------------------------------------- */

#define MFD_TYPE_WATCH_LIST (mfd_watch_list_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatchList, mfd_watch_list, MFD, WATCH_LIST, GObject)

/* The ids of the watched targets, saved as JSON beside the connector list
 * ($XDG_DATA_HOME/mail-flow-doctor/watch.json for @path NULL), with the
 * connector list's rules: written atomically; a file that cannot be parsed
 * is moved aside (MFD_WATCH_ERROR_CORRUPT) and an empty list started; a
 * file that cannot be read at all is left in place and never written over
 * (MFD_WATCH_ERROR_UNREADABLE). Blocking file I/O: call it off the UI
 * thread. "changed" is emitted when ids are added or removed. */
MfdWatchList        *mfd_watch_list_new      (const char    *path);
const char          *mfd_watch_list_get_path (MfdWatchList  *self);
gboolean             mfd_watch_list_load     (MfdWatchList  *self,
                                              GError       **error);
gboolean             mfd_watch_list_save     (MfdWatchList  *self,
                                              GError       **error);
/* FALSE when it was already there / not there. */
gboolean             mfd_watch_list_add      (MfdWatchList  *self,
                                              const char    *id);
gboolean             mfd_watch_list_remove   (MfdWatchList  *self,
                                              const char    *id);
gboolean             mfd_watch_list_contains (MfdWatchList  *self,
                                              const char    *id);
/* (transfer none) NULL-terminated, in the order added */
const char * const  *mfd_watch_list_get_ids  (MfdWatchList  *self);

/* One check of a watched target, as the history keeps it ------------------ */

typedef struct
{
  char     *code;        /* "4.4.316", may be NULL */
  char     *cause;       /* stable cause id */
  char     *host;        /* may be NULL */
  gboolean  warning;
  gboolean  inconclusive;
} MfdWatchFinding;

typedef struct
{
  gint64      id;             /* the row, 0 before it is stored */
  char       *target;         /* the watch id */
  gint64      time;           /* unix seconds, UTC */
  MfdVerdict  verdict;
  char       *error;          /* the check could not run: why (verdict inconclusive) */
  gint64      cert_expiry;    /* the earliest leaf certificate end, unix seconds; 0 none seen */
  gint64      domain_expiry;  /* the earliest registration end (RDAP); 0 none known */
  GPtrArray  *findings;       /* (element-type MfdWatchFinding) */
} MfdWatchRecord;

MfdWatchRecord *mfd_watch_record_new            (const char     *target);
/* The record of @diagnosis: its time, verdict, findings and the expiry
 * dates the certificate and registration steps saw. */
MfdWatchRecord *mfd_watch_record_new_from_diagnosis (const char *target,
                                                     MfdDiagnosis *diagnosis);
void            mfd_watch_record_free           (MfdWatchRecord *record);
void            mfd_watch_record_add_finding    (MfdWatchRecord *record,
                                                 const char     *code,
                                                 const char     *cause,
                                                 const char     *host,
                                                 gboolean        warning,
                                                 gboolean        inconclusive);
/* The code of the first blocking finding (or its cause when it has no
 * code), NULL when none: what "the problem" is for change detection. */
const char     *mfd_watch_record_get_problem    (MfdWatchRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdWatchRecord, mfd_watch_record_free)

/* The history ------------------------------------------------------------ */

#define MFD_TYPE_WATCH_HISTORY (mfd_watch_history_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatchHistory, mfd_watch_history, MFD, WATCH_HISTORY, GObject)

/* Every check of a watched target, in SQLite at @path (NULL:
 * $XDG_DATA_HOME/mail-flow-doctor/history.sqlite3), WAL mode, the schema
 * version in PRAGMA user_version and migrated forward on open. A database
 * that SQLite cannot read (not a database, corrupt) is moved aside as the
 * connector list is and a new one started: mfd_watch_history_get_moved_aside()
 * says where it went, so the face reports it. A database written by a newer
 * version is left alone (MFD_WATCH_ERROR_NEWER). Blocking disk I/O: the
 * connection is serialized, so a worker thread may use it. */
MfdWatchHistory *mfd_watch_history_open            (const char       *path,
                                                    GError          **error);
const char      *mfd_watch_history_get_path        (MfdWatchHistory  *self);
/* (nullable) where an unreadable database was moved to on open */
const char      *mfd_watch_history_get_moved_aside (MfdWatchHistory  *self);
/* Sets @record->id. */
gboolean         mfd_watch_history_add             (MfdWatchHistory  *self,
                                                    MfdWatchRecord   *record,
                                                    GError          **error);
/* (element-type MfdWatchRecord) newest first, at most @limit (0: all) */
GPtrArray       *mfd_watch_history_list            (MfdWatchHistory  *self,
                                                    const char       *target,
                                                    guint             limit,
                                                    GError          **error);
/* The last check before @before_id (0: the last one), or NULL. */
MfdWatchRecord  *mfd_watch_history_get_last        (MfdWatchHistory  *self,
                                                    const char       *target,
                                                    gint64            before_id,
                                                    GError          **error);
/* The last threshold (30, 14, 7, 1 days) warned about for @kind
 * ("certificate" or "domain") of @target; 0 when none. */
guint            mfd_watch_history_get_warned      (MfdWatchHistory  *self,
                                                    const char       *target,
                                                    const char       *kind,
                                                    GError          **error);
gboolean         mfd_watch_history_set_warned      (MfdWatchHistory  *self,
                                                    const char       *target,
                                                    const char       *kind,
                                                    guint             days,
                                                    GError          **error);
/* The history of @target as CSV (RFC 4180, a header line), oldest first:
 * time (ISO 8601 UTC), verdict, code, cause, host, certificate expiry,
 * domain expiry; one line per finding (one for a check without any). */
char            *mfd_watch_history_to_csv          (MfdWatchHistory  *self,
                                                    const char       *target,
                                                    GError          **error);

/* Change events ----------------------------------------------------------- */

typedef enum
{
  MFD_WATCH_EVENT_PROBLEM,        /* ok (or a different problem) -> problem */
  MFD_WATCH_EVENT_RECOVERED,      /* problem -> ok */
  MFD_WATCH_EVENT_CERT_EXPIRY,    /* the certificate ends within @days */
  MFD_WATCH_EVENT_DOMAIN_EXPIRY,  /* the registration ends within @days */
} MfdWatchEventKind;

typedef struct
{
  MfdWatchEventKind kind;
  char   *target;      /* the watch id */
  char   *code;        /* PROBLEM: the code (or cause) */
  guint   days;        /* *_EXPIRY: the threshold crossed (30, 14, 7, 1) */
  gint64  expiry;      /* *_EXPIRY: when, unix seconds */
  gint64  record_id;   /* the history row of the check */
} MfdWatchEvent;

void        mfd_watch_event_free       (MfdWatchEvent *event);
const char *mfd_watch_event_kind_to_string (MfdWatchEventKind kind);
/* One line for a notification body or a log, in @lang. */
char       *mfd_watch_event_describe   (MfdWatchEvent *event,
                                        const char    *lang);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdWatchEvent, mfd_watch_event_free)

/* Stores @record in @history and compares it with the previous check of
 * the same target and with the thresholds already warned about: returns
 * (element-type MfdWatchEvent) the changes only, and records the warned
 * thresholds, so the same state never gives the same event twice.
 * @now: unix seconds. Blocking. */
GPtrArray  *mfd_watch_history_record       (MfdWatchHistory  *self,
                                            MfdWatchRecord   *record,
                                            gint64            now,
                                            GError          **error);

/* The watcher ------------------------------------------------------------ */

/* Builds the target for @id, with this computer's settings (DNS server,
 * CA file, …) applied; NULL with @error when it cannot be checked. */
typedef MfdTarget *(*MfdWatchTargetFunc) (const char  *id,
                                          gpointer     user_data,
                                          GError     **error);

typedef struct
{
  char         *target;      /* the watch id */
  MfdDiagnosis *diagnosis;   /* NULL when the check could not run */
  GError       *error;
  MfdWatchRecord *record;    /* as stored (NULL when it could not be stored) */
  GPtrArray    *events;      /* (element-type MfdWatchEvent) */
} MfdWatchResult;

void mfd_watch_result_free (MfdWatchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdWatchResult, mfd_watch_result_free)

#define MFD_TYPE_WATCHER (mfd_watcher_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatcher, mfd_watcher, MFD, WATCHER, GObject)

/* Checks watched targets through MfdCheck (the one pipeline), one at a
 * time, writes every result to the history and emits the changes:
 *   "checked" (MfdWatchResult *result)   after every check of a target
 *   "changed" (MfdWatchEvent *event)     for every change event
 * on the main context it was created on. */
MfdWatcher *mfd_watcher_new               (MfdWatchList        *list,
                                           MfdWatchHistory     *history);
void        mfd_watcher_set_target_func   (MfdWatcher          *self,
                                           MfdWatchTargetFunc   func,
                                           gpointer             user_data,
                                           GDestroyNotify       destroy);
/* Seconds; raised to the minimum (MFD_WATCH_MIN_INTERVAL). */
void        mfd_watcher_set_interval      (MfdWatcher          *self,
                                           guint                seconds);
guint       mfd_watcher_get_interval      (MfdWatcher          *self);
/* The interval actually used, in milliseconds, after the minimum. */
guint64     mfd_watcher_get_effective_interval_ms (MfdWatcher  *self);
/* Start / stop checking due targets on the interval. */
void        mfd_watcher_start             (MfdWatcher          *self);
void        mfd_watcher_stop              (MfdWatcher          *self);
gboolean    mfd_watcher_is_running        (MfdWatcher          *self);
/* Checks @ids (NULL: every watched target) once, whether due or not.
 * Returns (element-type MfdWatchResult) in list order. */
void        mfd_watcher_check_async       (MfdWatcher          *self,
                                           const char * const  *ids,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GPtrArray  *mfd_watcher_check_finish      (MfdWatcher          *self,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
