/* mfd-practice-page.c — the lab's failures, one row each
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-practice-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-practice-page.h"
#include "mfd-ui-util.h"

struct _MfdPracticePage
{
  AdwBin               parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *scenarios_group;
};

G_DEFINE_FINAL_TYPE (MfdPracticePage, mfd_practice_page, ADW_TYPE_BIN)

static void
mfd_practice_page_start_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  MfdLabScenario scenario;

  /* The window starts the lab (and says so when it cannot). */
  if (mfd_lab_scenario_from_id (g_variant_get_string (parameter, NULL), &scenario))
    gtk_widget_activate_action (widget, "win.start-practice", "s", g_variant_get_string (parameter, NULL));
}

static void
mfd_practice_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MFD_TYPE_PRACTICE_PAGE);

  G_OBJECT_CLASS (mfd_practice_page_parent_class)->dispose (object);
}

static void
mfd_practice_page_class_init (MfdPracticePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_practice_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-practice-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdPracticePage, scenarios_group);

  gtk_widget_class_install_action (widget_class, "practice.start", "s", mfd_practice_page_start_action);
}

static void
mfd_practice_page_init (MfdPracticePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < MFD_LAB_N_SCENARIOS; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      const char *cause = mfd_lab_scenario_get_cause (i);
      const char *code = cause != NULL ? mfd_remedy_code_for_cause (cause) : NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mfd_trc (NULL, "practice", mfd_lab_scenario_get_title (i)));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), mfd_tr (NULL, mfd_lab_scenario_get_summary (i)));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "practice.start");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", mfd_lab_scenario_get_id (i));
      if (code != NULL)
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), mfd_ui_code_chip_new (0, code, FALSE));
      else
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("mfd-passed-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      adw_preferences_group_add (self->scenarios_group, row);
    }
}
