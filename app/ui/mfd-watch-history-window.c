/* mfd-watch-history-window.c — a watched target's history as a timeline:
 * one row per change of state, exportable as CSV
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watch-history-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd/mfd.h"
#include "mfd-ui-util.h"
#include "mfd-watch-history-window.h"

struct _MfdWatchHistoryWindow
{
  AdwWindow        parent_instance;

  char            *id;
  char            *history_path;
  guint            busy;
  GCancellable    *cancellable;

  AdwToastOverlay *toast_overlay;
  GtkListBox      *list_box;
  GtkWidget       *export_button;
};

G_DEFINE_FINAL_TYPE (MfdWatchHistoryWindow, mfd_watch_history_window, ADW_TYPE_WINDOW)

/* The state a check left the target in: two checks in a row with the same
 * state are one stretch of time, not two rows. */
static char *
state_key (MfdWatchRecord *record)
{
  const char *problem = mfd_watch_record_get_problem (record);

  return g_strdup_printf ("%d:%s", record->verdict, problem != NULL ? problem : "");
}

/* On the worker thread: the checks that changed the state, oldest first. */
static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MfdWatchHistoryWindow *self = source_object;
  g_autoptr(MfdWatchHistory) history = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_watch_record_free);
  g_autofree char *previous = NULL;
  GError *error = NULL;

  history = mfd_watch_history_open (self->history_path, &error);
  if (history == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  records = mfd_watch_history_list (history, self->id, 0, &error);
  if (records == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* newest first from the history */
  for (guint i = records->len; i > 0; i--)
    {
      MfdWatchRecord *record = records->pdata[i - 1];
      g_autofree char *key = state_key (record);

      if (previous != NULL && g_str_equal (previous, key))
        continue;
      g_free (previous);
      previous = g_steal_pointer (&key);
      g_ptr_array_add (changes, g_steal_pointer (&records->pdata[i - 1]));
    }
  g_task_return_pointer (task, g_steal_pointer (&changes), (GDestroyNotify) g_ptr_array_unref);
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  /* Translators: when a watched target's state changed; a strftime format. */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static GtkWidget *
create_change_row (MfdWatchRecord *record,
                   gboolean        first)
{
  const char *problem = mfd_watch_record_get_problem (record);
  g_autofree char *when = format_time (record->time);
  g_autofree char *title = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *chip;
  const char *state;
  const char *css;

  switch (record->verdict)
    {
    case MFD_VERDICT_OK:
      /* Translators: a timeline row: the first check found no problem, or
       * a later one found that the problem was gone. */
      title = g_strdup (first ? _("No problem") : _("Came back: no problem"));
      state = _("OK");
      css = "success";
      break;
    case MFD_VERDICT_PROBLEM:
      /* Translators: a timeline row: a check found a problem (the code). */
      title = g_strdup_printf (_("Broke: %s"), problem != NULL ? problem : _("Problem"));
      state = problem != NULL ? problem : _("Problem");
      css = "error";
      break;
    case MFD_VERDICT_INCONCLUSIVE:
    default:
      title = g_strdup (record->error != NULL ? record->error : _("The check could not finish"));
      state = _("Inconclusive");
      css = "warning";
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
  chip = gtk_label_new (state);
  gtk_widget_add_css_class (chip, "code-chip");
  gtk_widget_add_css_class (chip, css);
  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), chip);
  return row;
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  MfdWatchHistoryWindow *self = MFD_WATCH_HISTORY_WINDOW (source);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;

  self->busy--;
  changes = g_task_propagate_pointer (G_TASK (result), &error);
  if (changes == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not read the history: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
      return;
    }

  /* The newest change on top, as the start page reads. */
  for (guint i = changes->len; i > 0; i--)
    gtk_list_box_append (self->list_box, create_change_row (changes->pdata[i - 1], i == 1));
  gtk_widget_set_sensitive (self->export_button, changes->len > 0);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  MfdWatchHistoryWindow *self = source_object;
  GFile *file = task_data;
  g_autoptr(MfdWatchHistory) history = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *path = g_file_get_path (file);
  GError *error = NULL;

  history = mfd_watch_history_open (self->history_path, &error);
  if (history != NULL)
    csv = mfd_watch_history_to_csv (history, self->id, &error);
  /* g_file_set_contents writes a temporary file and renames it: a reader
   * never sees half a file. */
  if (csv != NULL && path == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be written"));
  if (csv != NULL && path != NULL && g_file_set_contents (path, csv, -1, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_return_error (task, error);
}

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  MfdWatchHistoryWindow *self = MFD_WATCH_HISTORY_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  self->busy--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not export the history: %s"), error->message);
    }
  else
    message = g_strdup (_("History exported"));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
on_export_chooser_response_cb (GtkNativeDialog       *chooser,
                               int                    response,
                               MfdWatchHistoryWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      mfd_watch_history_window_export (self, file);
    }
  g_object_unref (chooser);
}

static void
on_export_clicked_cb (MfdWatchHistoryWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_strdup_printf ("%s.csv", mfd_watch_id_get_label (self->id));

  chooser = gtk_file_chooser_native_new (_("Export History"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
mfd_watch_history_window_dispose (GObject *object)
{
  MfdWatchHistoryWindow *self = MFD_WATCH_HISTORY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (mfd_watch_history_window_parent_class)->dispose (object);
}

static void
mfd_watch_history_window_finalize (GObject *object)
{
  MfdWatchHistoryWindow *self = MFD_WATCH_HISTORY_WINDOW (object);

  g_free (self->id);
  g_free (self->history_path);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mfd_watch_history_window_parent_class)->finalize (object);
}

static void
mfd_watch_history_window_class_init (MfdWatchHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_watch_history_window_dispose;
  object_class->finalize = mfd_watch_history_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-watch-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdWatchHistoryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MfdWatchHistoryWindow, list_box);
  gtk_widget_class_bind_template_child (widget_class, MfdWatchHistoryWindow, export_button);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mfd_watch_history_window_init (MfdWatchHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
mfd_watch_history_window_new (GtkWindow  *parent,
                              const char *id,
                              const char *history_path)
{
  MfdWatchHistoryWindow *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (MFD_TYPE_WATCH_HISTORY_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       "title", mfd_watch_id_get_label (id),
                       NULL);
  self->id = g_strdup (id);
  self->history_path = g_strdup (history_path);

  self->busy++;
  task = g_task_new (self, self->cancellable, on_loaded_cb, NULL);
  g_task_set_source_tag (task, mfd_watch_history_window_new);
  g_task_run_in_thread (task, load_thread);
  return GTK_WIDGET (self);
}

void
mfd_watch_history_window_export (MfdWatchHistoryWindow *self,
                                 GFile                 *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MFD_IS_WATCH_HISTORY_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  self->busy++;
  task = g_task_new (self, self->cancellable, on_exported_cb, NULL);
  g_task_set_source_tag (task, mfd_watch_history_window_export);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, export_thread);
}

gboolean
mfd_watch_history_window_is_busy (MfdWatchHistoryWindow *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_HISTORY_WINDOW (self), FALSE);

  return self->busy > 0;
}

guint
mfd_watch_history_window_get_n_rows (MfdWatchHistoryWindow *self)
{
  guint n = 0;

  g_return_val_if_fail (MFD_IS_WATCH_HISTORY_WINDOW (self), 0);

  while (gtk_list_box_get_row_at_index (self->list_box, n) != NULL)
    n++;
  return n;
}

char *
mfd_watch_history_window_get_row_text (MfdWatchHistoryWindow *self,
                                       guint                  index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (MFD_IS_WATCH_HISTORY_WINDOW (self), NULL);

  row = gtk_list_box_get_row_at_index (self->list_box, index);
  if (row == NULL)
    return NULL;
  return g_strdup_printf ("%s\n%s",
                          adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                          adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
}
