/* mfd-watcher.c — re-checks watched targets and reports what changed
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watcher"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mfd-text.h"
#include "mfd-watch.h"

struct _MfdWatcher
{
  GObject             parent_instance;

  MfdWatchList       *list;
  MfdWatchHistory    *history;
  GMainContext       *context;

  MfdWatchTargetFunc  target_func;
  gpointer            target_data;
  GDestroyNotify      target_destroy;

  guint               interval;       /* seconds, as set */
  guint               timeout_id;
  GCancellable       *cancellable;    /* of the periodic runs */
  gboolean            busy;           /* a periodic run is going on */
  GHashTable         *last_run;       /* id -> gint64 monotonic µs of its last check */
};

G_DEFINE_FINAL_TYPE (MfdWatcher, mfd_watcher, G_TYPE_OBJECT)

enum {
  CHECKED,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* How often the periodic timer looks for due targets, at most. */
#define TICK_MS_MAX (60 * 1000)

void
mfd_watch_result_free (MfdWatchResult *result)
{
  if (result == NULL)
    return;
  g_free (result->target);
  g_clear_object (&result->diagnosis);
  g_clear_error (&result->error);
  g_clear_pointer (&result->record, mfd_watch_record_free);
  g_clear_pointer (&result->events, g_ptr_array_unref);
  g_free (result);
}

static guint64
minimum_interval_ms (void)
{
  const char *test = g_getenv ("MFD_TEST_WATCH_MIN_INTERVAL_MS");

  if (test != NULL && *test != '\0')
    return g_ascii_strtoull (test, NULL, 10);
  return (guint64) MFD_WATCH_MIN_INTERVAL * 1000;
}

guint64
mfd_watcher_get_effective_interval_ms (MfdWatcher *self)
{
  g_return_val_if_fail (MFD_IS_WATCHER (self), 0);

  return MAX ((guint64) self->interval * 1000, minimum_interval_ms ());
}

static MfdTarget *
default_target_func (const char  *id,
                     gpointer     user_data,
                     GError     **error)
{
  return mfd_watch_build_target (id, NULL, error);
}

MfdWatcher *
mfd_watcher_new (MfdWatchList    *list,
                 MfdWatchHistory *history)
{
  MfdWatcher *self;

  g_return_val_if_fail (MFD_IS_WATCH_LIST (list), NULL);
  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (history), NULL);

  self = g_object_new (MFD_TYPE_WATCHER, NULL);
  self->list = g_object_ref (list);
  self->history = g_object_ref (history);
  return self;
}

void
mfd_watcher_set_target_func (MfdWatcher         *self,
                             MfdWatchTargetFunc  func,
                             gpointer            user_data,
                             GDestroyNotify      destroy)
{
  g_return_if_fail (MFD_IS_WATCHER (self));

  if (self->target_destroy != NULL)
    self->target_destroy (self->target_data);
  self->target_func = func != NULL ? func : default_target_func;
  self->target_data = user_data;
  self->target_destroy = destroy;
}

void
mfd_watcher_set_interval (MfdWatcher *self,
                          guint       seconds)
{
  g_return_if_fail (MFD_IS_WATCHER (self));

  self->interval = seconds;
  /* Re-arm with the new interval. */
  if (self->timeout_id != 0)
    {
      mfd_watcher_stop (self);
      mfd_watcher_start (self);
    }
}

guint
mfd_watcher_get_interval (MfdWatcher *self)
{
  g_return_val_if_fail (MFD_IS_WATCHER (self), 0);
  return self->interval;
}

/* Running checks, one target after the other -------------------------------- */

typedef struct
{
  GStrv       ids;
  guint       next;
  GPtrArray  *results;     /* (element-type MfdWatchResult) */
  MfdCheck   *check;
  MfdWatchResult *current;
} RunData;

static void
run_data_free (RunData *data)
{
  g_strfreev (data->ids);
  g_ptr_array_unref (data->results);
  g_clear_object (&data->check);
  g_clear_pointer (&data->current, mfd_watch_result_free);
  g_free (data);
}

static void run_next (GTask *task);

typedef struct
{
  MfdWatchHistory *history;
  MfdWatchRecord  *record;
} RecordData;

static void
record_data_free (RecordData *data)
{
  g_object_unref (data->history);
  mfd_watch_record_free (data->record);
  g_free (data);
}

/* Disk I/O off the caller's thread: the window's main loop never waits on
 * SQLite. */
static void
record_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RecordData *data = task_data;
  GError *error = NULL;
  GPtrArray *events = mfd_watch_history_record (data->history, data->record,
                                                g_get_real_time () / G_USEC_PER_SEC, &error);

  if (events == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, events, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_recorded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWatcher *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  RecordData *record_data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  MfdWatchResult *current = g_steal_pointer (&data->current);
  GPtrArray *events = g_task_propagate_pointer (G_TASK (result), &error);

  if (events != NULL)
    {
      current->events = events;
      current->record = g_steal_pointer (&record_data->record);
    }
  else
    {
      current->events = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_watch_event_free);
      /* The check ran but its result could not be kept: say so with the
       * result rather than drop the check. */
      if (current->error == NULL)
        current->error = g_steal_pointer (&error);
    }

  g_ptr_array_add (data->results, current);
  g_hash_table_insert (self->last_run, g_strdup (current->target),
                       g_memdup2 (&(gint64) { g_get_monotonic_time () }, sizeof (gint64)));

  g_signal_emit (self, signals[CHECKED], 0, current);
  for (guint i = 0; i < current->events->len; i++)
    g_signal_emit (self, signals[CHANGED], 0, g_ptr_array_index (current->events, i));

  run_next (g_steal_pointer (&task));
}

static void
store_result (GTask *task)
{
  MfdWatcher *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  MfdWatchResult *current = data->current;
  GTask *record_task = g_task_new (self, g_task_get_cancellable (task), on_recorded_cb, task);
  RecordData *record_data = g_new0 (RecordData, 1);

  record_data->history = g_object_ref (self->history);
  if (current->diagnosis != NULL)
    record_data->record = mfd_watch_record_new_from_diagnosis (current->target, current->diagnosis);
  else
    {
      /* A check that could not run is history too (a connector deleted
       * since, a setting that makes it uncheckable), but no verdict. */
      record_data->record = mfd_watch_record_new (current->target);
      record_data->record->time = g_get_real_time () / G_USEC_PER_SEC;
      record_data->record->error = g_strdup (current->error->message);
    }
  g_task_set_task_data (record_task, record_data, (GDestroyNotify) record_data_free);
  g_task_run_in_thread (record_task, record_thread);
  g_object_unref (record_task);
}

static void
on_check_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->current->diagnosis = mfd_check_run_finish (MFD_CHECK (object), result, &error);
  g_clear_object (&data->check);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&data->current, mfd_watch_result_free);
      g_task_return_error (task, error);
      return;
    }
  data->current->error = error;
  store_result (g_steal_pointer (&task));
}

static void
run_next (GTask *task)
{
  MfdWatcher *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(MfdTarget) target = NULL;
  GError *error = NULL;
  const char *id;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (data->ids[data->next] == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  id = data->ids[data->next++];
  data->current = g_new0 (MfdWatchResult, 1);
  data->current->target = g_strdup (id);

  target = self->target_func (id, self->target_data, &error);
  if (target == NULL)
    {
      data->current->error = error;
      store_result (task);
      return;
    }

  data->check = mfd_check_new (target);
  mfd_check_run_async (data->check, g_task_get_cancellable (task), on_check_done_cb, task);
}

void
mfd_watcher_check_async (MfdWatcher          *self,
                         const char * const  *ids,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  RunData *data;

  g_return_if_fail (MFD_IS_WATCHER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_watcher_check_async);
  data = g_new0 (RunData, 1);
  data->ids = g_strdupv ((char **) (ids != NULL ? ids : mfd_watch_list_get_ids (self->list)));
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_watch_result_free);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  run_next (task);
}

GPtrArray *
mfd_watcher_check_finish (MfdWatcher    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_watcher_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The periodic run ----------------------------------------------------------- */

static gboolean on_tick_cb (gpointer user_data);

static void
arm (MfdWatcher *self,
     guint64     delay_ms)
{
  GSource *source = g_timeout_source_new (MIN (delay_ms, (guint64) G_MAXUINT));

  g_source_set_callback (source, on_tick_cb, self, NULL);
  g_source_set_name (source, "[mfd] watcher tick");
  self->timeout_id = g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Milliseconds until the next target is due, 0 when one is. */
static guint64
collect_due (MfdWatcher *self,
             GPtrArray  *due)
{
  const char * const *ids = mfd_watch_list_get_ids (self->list);
  guint64 interval_ms = mfd_watcher_get_effective_interval_ms (self);
  gint64 now = g_get_monotonic_time ();
  guint64 next = interval_ms;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      gint64 *last = g_hash_table_lookup (self->last_run, ids[i]);
      gint64 elapsed_ms = last != NULL ? (now - *last) / 1000 : G_MAXINT64;

      if (elapsed_ms >= (gint64) interval_ms)
        g_ptr_array_add (due, (gpointer) ids[i]);
      else
        next = MIN (next, interval_ms - (guint64) elapsed_ms);
    }
  g_ptr_array_add (due, NULL);
  return next;
}

static void
on_periodic_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  MfdWatcher *self = MFD_WATCHER (object);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  guint64 next;

  results = mfd_watcher_check_finish (self, result, &error);
  self->busy = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->timeout_id == 0 && self->cancellable == NULL)
    return;

  next = collect_due (self, due);
  arm (self, MIN (next, (guint64) TICK_MS_MAX));
}

static gboolean
on_tick_cb (gpointer user_data)
{
  MfdWatcher *self = user_data;
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  guint64 next;

  self->timeout_id = 0;
  next = collect_due (self, due);
  if (due->len > 1)
    {
      self->busy = TRUE;
      mfd_watcher_check_async (self, (const char * const *) due->pdata, self->cancellable,
                               on_periodic_done_cb, NULL);
    }
  else
    arm (self, MIN (next, (guint64) TICK_MS_MAX));
  return G_SOURCE_REMOVE;
}

/* When each target was last checked, from the history: the minimum
 * interval holds across restarts of the app too. Disk I/O, so in a
 * worker thread. */
static void
seed_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MfdWatcher *self = source_object;
  GStrv ids = task_data;
  GHashTable *times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(MfdWatchRecord) last = mfd_watch_history_get_last (self->history, ids[i], 0, NULL);

      if (last != NULL)
        g_hash_table_insert (times, g_strdup (ids[i]), g_memdup2 (&last->time, sizeof (gint64)));
    }
  g_task_return_pointer (task, times, (GDestroyNotify) g_hash_table_unref);
}

static void
on_seeded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MfdWatcher *self = MFD_WATCHER (object);
  g_autoptr(GHashTable) times = g_task_propagate_pointer (G_TASK (result), NULL);
  gint64 now_real = g_get_real_time ();
  gint64 now_mono = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;

  if (times == NULL || self->cancellable == NULL || self->timeout_id != 0 || self->busy)
    return;

  g_hash_table_iter_init (&iter, times);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 ago = MAX (0, now_real - *(gint64 *) value * G_USEC_PER_SEC);

      if (!g_hash_table_contains (self->last_run, key))
        g_hash_table_insert (self->last_run, g_strdup (key),
                             g_memdup2 (&(gint64) { now_mono - ago }, sizeof (gint64)));
    }
  arm (self, 0);
}

void
mfd_watcher_start (MfdWatcher *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MFD_IS_WATCHER (self));

  if (self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_seeded_cb, NULL);
  g_task_set_source_tag (task, mfd_watcher_start);
  g_task_set_task_data (task, g_strdupv ((char **) mfd_watch_list_get_ids (self->list)),
                        (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, seed_thread);
}

void
mfd_watcher_stop (MfdWatcher *self)
{
  g_return_if_fail (MFD_IS_WATCHER (self));

  if (self->timeout_id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, self->timeout_id);

      if (source != NULL)
        g_source_destroy (source);
      self->timeout_id = 0;
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

gboolean
mfd_watcher_is_running (MfdWatcher *self)
{
  g_return_val_if_fail (MFD_IS_WATCHER (self), FALSE);
  return self->cancellable != NULL;
}

/* GObject -------------------------------------------------------------------- */

static void
mfd_watcher_dispose (GObject *object)
{
  MfdWatcher *self = MFD_WATCHER (object);

  mfd_watcher_stop (self);

  G_OBJECT_CLASS (mfd_watcher_parent_class)->dispose (object);
}

static void
mfd_watcher_finalize (GObject *object)
{
  MfdWatcher *self = MFD_WATCHER (object);

  if (self->target_destroy != NULL)
    self->target_destroy (self->target_data);
  g_clear_object (&self->list);
  g_clear_object (&self->history);
  g_hash_table_unref (self->last_run);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (mfd_watcher_parent_class)->finalize (object);
}

static void
mfd_watcher_class_init (MfdWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mfd_watcher_dispose;
  object_class->finalize = mfd_watcher_finalize;

  signals[CHECKED] = g_signal_new ("checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
mfd_watcher_init (MfdWatcher *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->interval = MFD_WATCH_DEFAULT_INTERVAL;
  self->target_func = default_target_func;
  self->last_run = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
