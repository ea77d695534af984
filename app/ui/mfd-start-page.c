/* mfd-start-page.c — the three ways in, and the recent diagnoses
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-start-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mfd-start-page.h"
#include "mfd-watched-group.h"
#include "mfd-ui-util.h"

struct _MfdStartPage
{
  AdwBin                parent_instance;

  GSettings            *settings;
  GPtrArray            *recent_rows;

  /* Template widgets */
  AdwPreferencesGroup  *recent_group;
};

G_DEFINE_FINAL_TYPE (MfdStartPage, mfd_start_page, ADW_TYPE_BIN)

static char *
format_when (const char *iso)
{
  g_autoptr(GDateTime) time = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  /* Translators: when a diagnosis was made; a strftime format. */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static void
on_recent_row_activated_cb (AdwActionRow *row,
                            MfdStartPage *self)
{
  MfdWindow *window = mfd_ui_get_window (GTK_WIDGET (self));
  const char *id = g_object_get_data (G_OBJECT (row), "recent-id");
  const char *connector = g_object_get_data (G_OBJECT (row), "recent-connector");

  if (window == NULL)
    return;
  if (!mfd_window_reopen_recent (window, id, connector))
    mfd_window_add_toast (window, _("This diagnosis is from an earlier session and its connector is no longer saved"));
}

/* A hand-edited value may hold anything: text members only, else @fallback
 * (json-glib's own _with_default getters complain about other types). */
static const char *
member_text (JsonObject *object,
             const char *member,
             const char *fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return fallback;
}

static GtkWidget *
create_recent_row (JsonObject *object)
{
  const char *code = member_text (object, "code", "");
  const char *verdict = member_text (object, "verdict", "");
  const char *target = member_text (object, "target", "");
  const char *connector = member_text (object, "connector", NULL);
  g_autofree char *when = format_when (member_text (object, "time", NULL));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *chip;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), target);
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

  g_object_set_data_full (G_OBJECT (row), "recent-id",
                          g_strdup (member_text (object, "id", NULL)), g_free);
  g_object_set_data_full (G_OBJECT (row), "recent-connector", g_strdup (connector), g_free);
  return row;
}

static void
rebuild_recent (MfdStartPage *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent");

  for (guint i = 0; i < self->recent_rows->len; i++)
    adw_preferences_group_remove (self->recent_group, self->recent_rows->pdata[i]);
  g_ptr_array_set_size (self->recent_rows, 0);

  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      GtkWidget *row;

      /* The key is ours, but a hand-edited value must not break the page. */
      if (!json_parser_load_from_data (parser, recent[i], -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;

      row = create_recent_row (json_node_get_object (root));
      g_signal_connect (row, "activated", G_CALLBACK (on_recent_row_activated_cb), self);
      adw_preferences_group_add (self->recent_group, row);
      g_ptr_array_add (self->recent_rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), self->recent_rows->len > 0);
}

static void
mfd_start_page_dispose (GObject *object)
{
  MfdStartPage *self = MFD_START_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_START_PAGE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mfd_start_page_parent_class)->dispose (object);
}

static void
mfd_start_page_finalize (GObject *object)
{
  MfdStartPage *self = MFD_START_PAGE (object);

  g_clear_pointer (&self->recent_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (mfd_start_page_parent_class)->finalize (object);
}

static void
mfd_start_page_class_init (MfdStartPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_start_page_dispose;
  object_class->finalize = mfd_start_page_finalize;

  g_type_ensure (MFD_TYPE_WATCHED_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdStartPage, recent_group);
}

static void
mfd_start_page_init (MfdStartPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->recent_rows = g_ptr_array_new ();
  self->settings = g_settings_new (BASE_APP_ID);
  g_signal_connect_object (self->settings, "changed::recent",
                           G_CALLBACK (rebuild_recent), self, G_CONNECT_SWAPPED);
  rebuild_recent (self);
}

guint
mfd_start_page_get_n_recent (MfdStartPage *self)
{
  g_return_val_if_fail (MFD_IS_START_PAGE (self), 0);

  return self->recent_rows->len;
}

gboolean
mfd_start_page_activate_recent (MfdStartPage *self,
                                guint         index)
{
  g_return_val_if_fail (MFD_IS_START_PAGE (self), FALSE);
  g_return_val_if_fail (index < self->recent_rows->len, FALSE);

  return gtk_widget_activate (self->recent_rows->pdata[index]);
}
