/* mfd-start-page.c — the three ways in, and the recent diagnoses
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-start-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-recent-list.h"
#include "mfd-start-page-private.h"
#include "mfd-ui-util.h"
#include "mfd-watch-row.h"

struct _MfdStartPage
{
  AdwBin                parent_instance;

  GListModel           *recent;
  GListModel           *watched;

  /* Template widgets */
  AdwPreferencesGroup  *recent_group;
  GtkListBox           *recent_list;
  AdwPreferencesGroup  *watch_group;
  GtkListBox           *watch_list;
};

G_DEFINE_FINAL_TYPE (MfdStartPage, mfd_start_page, ADW_TYPE_BIN)

static char *
format_when (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  /* Translators: when a diagnosis was made; a strftime format. */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

/* The window reopens it (or checks its connector afresh, or says why it
 * cannot). */
static void
on_recent_row_activated_cb (AdwActionRow *row,
                            MfdStartPage *self)
{
  MfdRecentItem *item = g_object_get_data (G_OBJECT (row), "mfd-recent-item");
  const char *id = mfd_recent_item_get_id (item);
  const char *connector = mfd_recent_item_get_connector (item);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.reopen-recent", "(ss)",
                              id != NULL ? id : "", connector != NULL ? connector : "");
}

static GtkWidget *
create_recent_row (gpointer item,
                   gpointer user_data)
{
  MfdStartPage *self = user_data;
  const char *code = mfd_recent_item_get_code (item);
  const char *verdict = mfd_recent_item_get_verdict (item);
  const char *connector = mfd_recent_item_get_connector (item);
  g_autofree char *when = format_when (mfd_recent_item_get_time (item));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *chip;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mfd_recent_item_get_target (item));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  subtitle = connector != NULL ? g_strdup_printf ("%s · %s", connector, when) : g_strdup (when);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  if (*code != '\0')
    {
      chip = mfd_ui_code_chip_new (0, code, FALSE);
    }
  else
    {
      chip = gtk_label_new (g_str_equal (verdict, "ok") ? _("No problem") : _("Inconclusive"));
      gtk_widget_add_css_class (chip, "code-chip");
      gtk_widget_add_css_class (chip, g_str_equal (verdict, "ok") ? "success" : "warning");
      gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
    }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), chip);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  g_object_set_data_full (G_OBJECT (row), "mfd-recent-item", g_object_ref (item), g_object_unref);
  g_signal_connect_object (row, "activated", G_CALLBACK (on_recent_row_activated_cb), self, 0);
  return row;
}

static void
on_recent_changed_cb (MfdStartPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), g_list_model_get_n_items (self->recent) > 0);
}

/* The window shows the target's history. */
static void
on_watch_row_activated_cb (MfdWatchRow  *row,
                           MfdStartPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-watch-history", "s",
                              mfd_watch_item_get_id (mfd_watch_row_get_item (row)));
}

static GtkWidget *
create_watch_row (gpointer item,
                  gpointer user_data)
{
  GtkWidget *row = mfd_watch_row_new (item);

  g_signal_connect_object (row, "activated", G_CALLBACK (on_watch_row_activated_cb), user_data, 0);
  return row;
}

static void
on_watched_changed_cb (MfdStartPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->watch_group), g_list_model_get_n_items (self->watched) > 0);
}

static void
mfd_start_page_dispose (GObject *object)
{
  MfdStartPage *self = MFD_START_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_START_PAGE);
  g_clear_object (&self->recent);
  g_clear_object (&self->watched);

  G_OBJECT_CLASS (mfd_start_page_parent_class)->dispose (object);
}

static void
mfd_start_page_class_init (MfdStartPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_start_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdStartPage, recent_group);
  gtk_widget_class_bind_template_child (widget_class, MfdStartPage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, MfdStartPage, watch_group);
  gtk_widget_class_bind_template_child (widget_class, MfdStartPage, watch_list);
}

static void
mfd_start_page_init (MfdStartPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
mfd_start_page_set_recent (MfdStartPage *self,
                           GListModel   *recent)
{
  g_return_if_fail (MFD_IS_START_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (recent));

  if (self->recent != NULL)
    g_signal_handlers_disconnect_by_func (self->recent, on_recent_changed_cb, self);
  g_set_object (&self->recent, recent);
  gtk_list_box_bind_model (self->recent_list, recent, create_recent_row, self, NULL);
  g_signal_connect_object (recent, "items-changed", G_CALLBACK (on_recent_changed_cb), self, G_CONNECT_SWAPPED);
  on_recent_changed_cb (self);
}

guint
mfd_start_page_get_n_recent (MfdStartPage *self)
{
  g_return_val_if_fail (MFD_IS_START_PAGE (self), 0);

  return self->recent != NULL ? g_list_model_get_n_items (self->recent) : 0;
}

gboolean
mfd_start_page_activate_recent (MfdStartPage *self,
                                guint         index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (MFD_IS_START_PAGE (self), FALSE);

  row = gtk_list_box_get_row_at_index (self->recent_list, index);
  g_return_val_if_fail (row != NULL, FALSE);
  return gtk_widget_activate (GTK_WIDGET (row));
}

void
mfd_start_page_set_watched (MfdStartPage *self,
                            GListModel   *watched)
{
  g_return_if_fail (MFD_IS_START_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (watched));

  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, on_watched_changed_cb, self);
  g_set_object (&self->watched, watched);
  gtk_list_box_bind_model (self->watch_list, watched, create_watch_row, self, NULL);
  g_signal_connect_object (watched, "items-changed", G_CALLBACK (on_watched_changed_cb), self, G_CONNECT_SWAPPED);
  on_watched_changed_cb (self);
}

GtkWidget *
mfd_start_page_get_watch_row (MfdStartPage *self,
                              guint         index)
{
  g_return_val_if_fail (MFD_IS_START_PAGE (self), NULL);

  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->watch_list, index));
}
