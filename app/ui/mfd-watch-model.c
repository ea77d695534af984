/* mfd-watch-model.c — the watched targets and their last check, for the UI
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watch-model"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-watch-model.h"

/* The item ---------------------------------------------------------------- */

struct _MfdWatchItem
{
  GObject         parent_instance;

  char           *id;
  MfdWatchRecord *last;
};

G_DEFINE_FINAL_TYPE (MfdWatchItem, mfd_watch_item, G_TYPE_OBJECT)

static void
mfd_watch_item_finalize (GObject *object)
{
  MfdWatchItem *self = MFD_WATCH_ITEM (object);

  g_free (self->id);
  g_clear_pointer (&self->last, mfd_watch_record_free);

  G_OBJECT_CLASS (mfd_watch_item_parent_class)->finalize (object);
}

static void
mfd_watch_item_class_init (MfdWatchItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mfd_watch_item_finalize;
}

static void
mfd_watch_item_init (MfdWatchItem *self)
{
}

const char *
mfd_watch_item_get_id (MfdWatchItem *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_ITEM (self), NULL);

  return self->id;
}

const char *
mfd_watch_item_get_label (MfdWatchItem *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_ITEM (self), NULL);

  return mfd_watch_id_get_label (self->id);
}

MfdWatchRecord *
mfd_watch_item_get_last (MfdWatchItem *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_ITEM (self), NULL);

  return self->last;
}

/* The model --------------------------------------------------------------- */

struct _MfdWatchModel
{
  GObject       parent_instance;

  char         *list_path;
  char         *history_path;
  GPtrArray    *items;       /* (element-type MfdWatchItem) */
  GQueue        jobs;        /* (element-type Job) waiting; the head runs */
  gboolean      running;
  GCancellable *cancellable;
};

enum {
  FAILED,
  LIST_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void mfd_watch_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MfdWatchModel, mfd_watch_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mfd_watch_model_list_model_init))

typedef enum
{
  JOB_RELOAD,
  JOB_ADD,
  JOB_REMOVE,
} JobKind;

typedef struct
{
  JobKind  kind;
  char    *id;
  char    *list_path;
  char    *history_path;
} Job;

typedef struct
{
  GPtrArray *items;     /* (element-type MfdWatchItem) */
  char      *message;   /* what went wrong along the way, or NULL */
  gboolean   saved;     /* the watch list was changed and written */
} JobResult;

static void
job_free (Job *job)
{
  g_free (job->id);
  g_free (job->list_path);
  g_free (job->history_path);
  g_free (job);
}

static void
job_result_free (JobResult *result)
{
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_free (result->message);
  g_free (result);
}

/* Runs on the worker thread: every disk access of the model is here. */
static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(MfdWatchList) list = mfd_watch_list_new (job->list_path);
  g_autoptr(MfdWatchHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  JobResult *result = g_new0 (JobResult, 1);
  const char * const *ids;
  gboolean changed = FALSE;

  result->items = g_ptr_array_new_with_free_func (g_object_unref);

  if (!mfd_watch_list_load (list, &error))
    {
      /* A corrupt list was moved aside and an empty one started: that may
       * be written. An unreadable one is left alone and never written. */
      result->message = g_strdup (error->message);
      if (!g_error_matches (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_CORRUPT))
        {
          g_task_return_pointer (task, result, (GDestroyNotify) job_result_free);
          return;
        }
      g_clear_error (&error);
    }

  if (job->kind == JOB_ADD)
    changed = mfd_watch_list_add (list, job->id);
  else if (job->kind == JOB_REMOVE)
    changed = mfd_watch_list_remove (list, job->id);
  if (changed && !mfd_watch_list_save (list, &error))
    {
      g_free (result->message);
      result->message = g_strdup (error->message);
      g_clear_error (&error);
    }
  else
    result->saved = changed;

  ids = mfd_watch_list_get_ids (list);
  /* Without anything watched there is no history to read: no database is
   * created just because the window opened. */
  if (ids != NULL && ids[0] != NULL)
    {
      history = mfd_watch_history_open (job->history_path, &error);
      if (history == NULL)
        {
          g_free (result->message);
          result->message = g_strdup (error->message);
          g_clear_error (&error);
        }
    }

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      MfdWatchItem *item = g_object_new (MFD_TYPE_WATCH_ITEM, NULL);

      item->id = g_strdup (ids[i]);
      if (history != NULL)
        item->last = mfd_watch_history_get_last (history, ids[i], 0, NULL);
      g_ptr_array_add (result->items, item);
    }

  g_task_return_pointer (task, result, (GDestroyNotify) job_result_free);
}

static void run_next_job (MfdWatchModel *self);

static void
on_job_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  MfdWatchModel *self = MFD_WATCH_MODEL (source);
  JobResult *result = g_task_propagate_pointer (G_TASK (res), NULL);
  guint removed;

  job_free (g_queue_pop_head (&self->jobs));
  self->running = FALSE;

  if (result != NULL)
    {
      removed = self->items->len;
      g_ptr_array_set_size (self->items, 0);
      g_ptr_array_extend_and_steal (self->items, g_steal_pointer (&result->items));
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
      if (result->message != NULL)
        g_signal_emit (self, signals[FAILED], 0, result->message);
      if (result->saved)
        g_signal_emit (self, signals[LIST_SAVED], 0);
      job_result_free (result);
    }

  run_next_job (self);
}

static void
run_next_job (MfdWatchModel *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_queue_peek_head (&self->jobs);

  if (self->running || job == NULL)
    return;

  self->running = TRUE;
  task = g_task_new (self, self->cancellable, on_job_done_cb, NULL);
  g_task_set_source_tag (task, run_next_job);
  /* The queue owns the job until it is done. */
  g_task_set_task_data (task, job, NULL);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, job_thread);
}

static void
queue_job (MfdWatchModel *self,
           JobKind        kind,
           const char    *id)
{
  Job *job;

  /* A reload waiting behind the running job already reads what this
   * one would. */
  if (kind == JOB_RELOAD && g_queue_get_length (&self->jobs) > 1 &&
      ((Job *) g_queue_peek_tail (&self->jobs))->kind == JOB_RELOAD)
    return;

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->id = g_strdup (id);
  job->list_path = g_strdup (self->list_path);
  job->history_path = g_strdup (self->history_path);
  g_queue_push_tail (&self->jobs, job);
  run_next_job (self);
}

static GType
mfd_watch_model_get_item_type (GListModel *model)
{
  return MFD_TYPE_WATCH_ITEM;
}

static guint
mfd_watch_model_get_n_items (GListModel *model)
{
  return MFD_WATCH_MODEL (model)->items->len;
}

static gpointer
mfd_watch_model_get_item (GListModel *model,
                          guint       position)
{
  MfdWatchModel *self = MFD_WATCH_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (self->items->pdata[position]);
}

static void
mfd_watch_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mfd_watch_model_get_item_type;
  iface->get_n_items = mfd_watch_model_get_n_items;
  iface->get_item = mfd_watch_model_get_item;
}

static void
mfd_watch_model_dispose (GObject *object)
{
  MfdWatchModel *self = MFD_WATCH_MODEL (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (mfd_watch_model_parent_class)->dispose (object);
}

static void
mfd_watch_model_finalize (GObject *object)
{
  MfdWatchModel *self = MFD_WATCH_MODEL (object);

  g_queue_clear_full (&self->jobs, (GDestroyNotify) job_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_free (self->list_path);
  g_free (self->history_path);

  G_OBJECT_CLASS (mfd_watch_model_parent_class)->finalize (object);
}

static void
mfd_watch_model_class_init (MfdWatchModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mfd_watch_model_dispose;
  object_class->finalize = mfd_watch_model_finalize;

  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[LIST_SAVED] =
    g_signal_new ("list-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
mfd_watch_model_init (MfdWatchModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->jobs);
}

MfdWatchModel *
mfd_watch_model_new (const char *list_path,
                     const char *history_path)
{
  MfdWatchModel *self = g_object_new (MFD_TYPE_WATCH_MODEL, NULL);

  self->list_path = g_strdup (list_path);
  self->history_path = g_strdup (history_path);
  mfd_watch_model_reload (self);
  return self;
}

void
mfd_watch_model_reload (MfdWatchModel *self)
{
  g_return_if_fail (MFD_IS_WATCH_MODEL (self));

  queue_job (self, JOB_RELOAD, NULL);
}

gboolean
mfd_watch_model_contains (MfdWatchModel *self,
                          const char    *id)
{
  g_return_val_if_fail (MFD_IS_WATCH_MODEL (self), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (mfd_watch_item_get_id (self->items->pdata[i]), id))
      return TRUE;
  return FALSE;
}

void
mfd_watch_model_set_watched (MfdWatchModel *self,
                             const char    *id,
                             gboolean       watched)
{
  g_return_if_fail (MFD_IS_WATCH_MODEL (self));
  g_return_if_fail (id != NULL);

  queue_job (self, watched ? JOB_ADD : JOB_REMOVE, id);
}

gboolean
mfd_watch_model_is_busy (MfdWatchModel *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_MODEL (self), FALSE);

  return !g_queue_is_empty (&self->jobs);
}
