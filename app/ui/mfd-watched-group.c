/* mfd-watched-group.c — the watched connectors and their last checks
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watched-group"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-application.h"
#include "mfd-watched-group.h"

struct _MfdWatchedGroup
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *group;
  MfdWatchService     *service;
  GHashTable          *rows;     /* watch id -> AdwActionRow (unowned) */
};

G_DEFINE_FINAL_TYPE (MfdWatchedGroup, mfd_watched_group, ADW_TYPE_BIN)

static char *
describe (MfdWatchService *service,
          const char      *id,
          const char     **icon)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *time = NULL;
  MfdVerdict verdict;
  const char *problem;
  gint64 unix_time;

  if (!mfd_watch_service_get_last_check (service, id, &unix_time, &verdict, &problem))
    {
      *icon = "content-loading-symbolic";
      return g_strdup (_("Not checked yet"));
    }
  when = g_date_time_new_from_unix_local (unix_time);
  /* Translators: when a watched connector was last checked; a strftime format. */
  time = g_date_time_format (when, _("%Y-%m-%d %H:%M"));
  switch (verdict)
    {
    case MFD_VERDICT_OK:
      *icon = "emblem-ok-symbolic";
      /* Translators: %s is when it was checked. */
      return g_strdup_printf (_("No problem, checked %s"), time);
    case MFD_VERDICT_PROBLEM:
      *icon = "dialog-warning-symbolic";
      /* Translators: %1$s is the code (4.4.316 …), %2$s when it was checked. */
      return g_strdup_printf (_("Mail cannot be delivered (%1$s), checked %2$s"),
                              problem != NULL ? problem : "?", time);
    case MFD_VERDICT_INCONCLUSIVE:
    default:
      *icon = "dialog-question-symbolic";
      /* Translators: %s is when it was checked. */
      return g_strdup_printf (_("Could not be checked to the end, checked %s"), time);
    }
}

static void
rebuild (MfdWatchedGroup *self)
{
  const char * const *ids = self->service != NULL ? mfd_watch_service_get_ids (self->service) : NULL;
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    adw_preferences_group_remove (self->group, row);
  g_hash_table_remove_all (self->rows);

  gtk_widget_set_visible (GTK_WIDGET (self), ids != NULL && ids[0] != NULL);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      const char *icon = NULL;
      g_autofree char *subtitle = describe (self->service, ids[i], &icon);
      GtkWidget *new_row = adw_action_row_new ();

      /* A connector's name is the admin's text, not markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (new_row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (new_row), mfd_watch_id_get_label (ids[i]));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (new_row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (new_row), gtk_image_new_from_icon_name (icon));
      adw_action_row_add_suffix (ADW_ACTION_ROW (new_row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (new_row), "app.show-watch-result");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (new_row), "s", ids[i]);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (new_row), TRUE);
      adw_preferences_group_add (self->group, new_row);
      g_hash_table_insert (self->rows, g_strdup (ids[i]), new_row);
    }
}

void
mfd_watched_group_set_service (MfdWatchedGroup *self,
                               MfdWatchService *service)
{
  g_return_if_fail (MFD_IS_WATCHED_GROUP (self));

  if (self->service == service)
    return;
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_set_object (&self->service, service);
  if (service != NULL)
    g_signal_connect_swapped (service, "updated", G_CALLBACK (rebuild), self);
  rebuild (self);
}

const char *
mfd_watched_group_get_row_subtitle (MfdWatchedGroup *self,
                                    const char      *id)
{
  AdwActionRow *row;

  g_return_val_if_fail (MFD_IS_WATCHED_GROUP (self), NULL);

  row = g_hash_table_lookup (self->rows, id);
  return row != NULL ? adw_action_row_get_subtitle (row) : NULL;
}

/* In the window of an MfdApplication: that application's watch service
 * (the window gets its application after its template, so this also
 * follows the window's "application"). */
static void
follow_application (MfdWatchedGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  if (self->service == NULL && MFD_IS_APPLICATION (app))
    mfd_watched_group_set_service (self, mfd_application_get_watch_service (MFD_APPLICATION (app)));
}

static void
mfd_watched_group_root (GtkWidget *widget)
{
  MfdWatchedGroup *self = MFD_WATCHED_GROUP (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (mfd_watched_group_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    g_signal_connect_object (root, "notify::application", G_CALLBACK (follow_application),
                             self, G_CONNECT_SWAPPED);
  follow_application (self);
}

static void
mfd_watched_group_unroot (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_root (widget), follow_application, widget);

  GTK_WIDGET_CLASS (mfd_watched_group_parent_class)->unroot (widget);
}

static void
mfd_watched_group_dispose (GObject *object)
{
  MfdWatchedGroup *self = MFD_WATCHED_GROUP (object);

  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);
  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (mfd_watched_group_parent_class)->dispose (object);
}

static void
mfd_watched_group_class_init (MfdWatchedGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_watched_group_dispose;
  widget_class->root = mfd_watched_group_root;
  widget_class->unroot = mfd_watched_group_unroot;
}

static void
mfd_watched_group_init (MfdWatchedGroup *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Watched connectors"));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->group));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
mfd_watched_group_new (void)
{
  return g_object_new (MFD_TYPE_WATCHED_GROUP, NULL);
}
