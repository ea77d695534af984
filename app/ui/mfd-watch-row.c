/* mfd-watch-row.c — one watched target on the start page: its state and
 * when it was last checked
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watch-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-watch-row.h"

struct _MfdWatchRow
{
  AdwActionRow  parent_instance;

  MfdWatchItem *item;

  /* Template widgets */
  GtkLabel     *state_chip;
};

G_DEFINE_FINAL_TYPE (MfdWatchRow, mfd_watch_row, ADW_TYPE_ACTION_ROW)

static void
mfd_watch_row_dispose (GObject *object)
{
  MfdWatchRow *self = MFD_WATCH_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_WATCH_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (mfd_watch_row_parent_class)->dispose (object);
}

static void
mfd_watch_row_class_init (MfdWatchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_watch_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-watch-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdWatchRow, state_chip);
}

static void
mfd_watch_row_init (MfdWatchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Where the row says when: the local time, as the recent list does. */
static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  /* Translators: when a watched target was last checked; a strftime format. */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static void
show_item (MfdWatchRow *self)
{
  MfdWatchRecord *last = mfd_watch_item_get_last (self->item);
  const char *problem;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  const char *css = "dim-label";
  const char *state;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), mfd_watch_item_get_label (self->item));

  if (last == NULL)
    {
      state = _("Not checked yet");
      subtitle = g_strdup (_("Waiting for the first check"));
    }
  else
    {
      problem = mfd_watch_record_get_problem (last);
      when = format_time (last->time);
      switch (last->verdict)
        {
        case MFD_VERDICT_OK:
          state = _("No problem");
          css = "success";
          break;
        case MFD_VERDICT_PROBLEM:
          state = problem != NULL ? problem : _("Problem");
          css = "error";
          break;
        case MFD_VERDICT_INCONCLUSIVE:
        default:
          state = _("Inconclusive");
          css = "warning";
          break;
        }
      /* Translators: under a watched connector on the start page. */
      subtitle = g_strdup_printf (_("Last checked %s"), when);
    }

  gtk_label_set_label (self->state_chip, state);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_chip), css);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
}

GtkWidget *
mfd_watch_row_new (MfdWatchItem *item)
{
  MfdWatchRow *self;

  g_return_val_if_fail (MFD_IS_WATCH_ITEM (item), NULL);

  self = g_object_new (MFD_TYPE_WATCH_ROW, "activatable", TRUE, NULL);
  self->item = g_object_ref (item);
  show_item (self);
  return GTK_WIDGET (self);
}

MfdWatchItem *
mfd_watch_row_get_item (MfdWatchRow *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_ROW (self), NULL);

  return self->item;
}

const char *
mfd_watch_row_get_state (MfdWatchRow *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_ROW (self), NULL);

  return gtk_label_get_label (self->state_chip);
}
