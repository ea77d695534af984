/* mfd-results-page-lead.c — what comes before the findings: EOP's own
 * report, this computer's view, the settings of the run, the EOP ranges
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-results-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-results-page-private.h"
#include "mfd-ui-util.h"

void
_mfd_results_page_show_ranges (MfdResultsPage *self)
{
  GtkWidget *child;
  g_autofree char *subtitle = NULL;
  const char * const *ranges;
  GDateTime *fetched;

  /* Expander rows keep their rows in an inner list; rebuilding the
   * whole expander is the only way to empty it in libadwaita 1.2. */
  adw_preferences_group_remove (self->ranges_group, GTK_WIDGET (self->ranges_row));
  self->ranges_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->ranges_row), _("Address ranges"));
  child = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_valign (child, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (child, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (child), "results.copy-ranges");
  gtk_widget_set_tooltip_text (child, _("Copy all address ranges"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Copy all address ranges"), -1);
  adw_expander_row_add_action (self->ranges_row, child);
  adw_preferences_group_add (self->ranges_group, GTK_WIDGET (self->ranges_row));

  /* The check gave the diagnosis the ranges when it needs them
   * (mfd_diagnosis_needs_eop_ranges()). */
  ranges = mfd_diagnosis_get_eop_ranges (self->diagnosis);
  fetched = mfd_diagnosis_get_eop_ranges_fetched (self->diagnosis);
  if (ranges == NULL || ranges[0] == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->ranges_group), FALSE);
      return;
    }

  for (guint i = 0; ranges[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ranges[i]);
      gtk_widget_set_focusable (row, FALSE);
      gtk_widget_add_css_class (row, "monospace");
      adw_expander_row_add_row (self->ranges_row, row);
    }

  if (fetched != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (fetched);
      /* Translators: a strftime format for when the address list was fetched. */
      g_autofree char *when = g_date_time_format (local, _("%Y-%m-%d"));

      subtitle = g_strdup_printf (mfd_diagnosis_get_eop_ranges_from_cache (self->diagnosis)
                                  ? _("%u ranges, saved copy from %s")
                                  : _("%u ranges, fetched %s"),
                                  g_strv_length ((char **) ranges), when);
    }
  else
    {
      subtitle = g_strdup_printf (_("%u ranges"), g_strv_length ((char **) ranges));
    }
  adw_expander_row_set_subtitle (self->ranges_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->ranges_group), TRUE);
}

/* When the checks ran (a result reopened from Recent may be old) and the
 * settings that made this run differ from a default one. */
void
_mfd_results_page_show_run_facts (MfdResultsPage *self)
{
  GDateTime *time = mfd_diagnosis_get_time (self->diagnosis);
  MfdTarget *target = mfd_diagnosis_get_target (self->diagnosis);
  g_auto(GStrv) settings = NULL;
  g_autofree char *checked = NULL;

  if (time != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (time);
      /* Translators: a strftime format for when the checks ran. */
      g_autofree char *when = g_date_time_format (local, _("%Y-%m-%d %H:%M"));

      checked = g_strdup_printf (_("Checked %s"), when);
    }
  gtk_label_set_label (self->checked_label, checked != NULL ? checked : "");
  gtk_widget_set_visible (GTK_WIDGET (self->checked_label), checked != NULL);

  settings = target != NULL ? mfd_target_dup_run_settings (target, NULL) : NULL;
  if (settings != NULL && settings[0] != NULL)
    {
      g_autoptr(GString) text = g_string_new (_("Settings that changed this run:"));

      for (guint i = 0; settings[i] != NULL; i++)
        g_string_append_printf (text, "\n• %s", settings[i]);
      gtk_label_set_label (self->settings_label, text->str);
      gtk_widget_set_visible (GTK_WIDGET (self->settings_label), TRUE);
    }
  else
    {
      gtk_label_set_label (self->settings_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->settings_label), FALSE);
    }
}

void
_mfd_results_page_clear_lead (MfdResultsPage *self)
{
  for (guint i = 0; i < self->lead_widgets->len; i++)
    {
      GtkWidget *widget = self->lead_widgets->pdata[i];
      GtkWidget *parent = gtk_widget_get_parent (widget);

      if (parent == GTK_WIDGET (self->ndr_box))
        gtk_box_remove (self->ndr_box, widget);
      else
        adw_preferences_group_remove (self->vantage_group, widget);
    }
  g_ptr_array_set_size (self->lead_widgets, 0);
  g_clear_pointer (&self->ndr_lead, g_free);
  self->n_microsoft_checks = 0;
}

static void
add_to_ndr_box (MfdResultsPage *self,
                GtkWidget      *widget)
{
  gtk_box_append (self->ndr_box, widget);
  g_ptr_array_add (self->lead_widgets, widget);
}

static void
add_to_vantage_group (MfdResultsPage *self,
                      GtkWidget      *widget)
{
  adw_preferences_group_add (self->vantage_group, widget);
  g_ptr_array_add (self->lead_widgets, widget);
}

static void
add_step_rows (MfdResultsPage *self,
               GtkWidget      *group,
               GPtrArray      *steps,
               gboolean        to_vantage)
{
  for (guint i = 0; i < steps->len; i++)
    {
      MfdRemedyStep *step = steps->pdata[i];
      g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, step->text);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      /* Read-only: Tab goes to the commands' copy buttons. */
      gtk_widget_set_focusable (row, FALSE);
      if (step->eac_path != NULL)
        {
          g_autofree char *where = g_strdup_printf (_("Exchange admin center: %s"), step->eac_path);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where);
        }
      if (to_vantage)
        add_to_vantage_group (self, row);
      else
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      if (step->command != NULL)
        {
          /* EOP's own steps and the Microsoft-side checks belong to no
           * finding: the form does not fill them. */
          GtkWidget *command = mfd_command_row_new (step->command);

          if (to_vantage)
            add_to_vantage_group (self, command);
          else
            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), command);
        }
    }
}

/* Started from an NDR: EOP's code, what it means and its fix come first;
 * what this computer confirmed, contradicted or could not check follows. */
gboolean
_mfd_results_page_show_ndr_lead (MfdResultsPage *self)
{
  MfdNdrEntry *entry = mfd_diagnosis_get_ndr_entry (self->diagnosis);
  g_autoptr(MfdRemedy) remedy = NULL;
  g_autofree char *comparison = NULL;
  g_autofree char *code = NULL;
  GtkWidget *header, *heading, *group, *label;

  if (entry == NULL)
    return FALSE;

  remedy = mfd_report_render_ndr_remedy (self->diagnosis, NULL);
  comparison = mfd_diagnosis_dup_comparison (self->diagnosis, NULL);
  if (entry->reply > 0 && entry->status != NULL)
    code = g_strdup_printf ("%d %s", entry->reply, entry->status);
  else
    code = g_strdup (entry->status != NULL ? entry->status : (entry->text != NULL ? entry->text : ""));

  self->ndr_lead = remedy != NULL && remedy->title != NULL
                   ? g_strdup_printf (_("What EOP reported: %s"), remedy->title)
                   : g_strdup (_("What EOP reported"));
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  heading = mfd_ui_wrapping_label_new (self->ndr_lead, "title-4");
  gtk_widget_set_hexpand (heading, TRUE);
  gtk_box_append (GTK_BOX (header), heading);
  gtk_box_append (GTK_BOX (header), mfd_ui_code_chip_new (0, code, entry->reply > 0 && entry->reply < 500));
  add_to_ndr_box (self, header);

  group = adw_preferences_group_new ();
  if (entry->server != NULL || entry->ip != NULL)
    {
      g_autofree char *where = entry->server != NULL && entry->ip != NULL
                               ? g_strdup_printf ("%s (%s)", entry->server, entry->ip)
                               : g_strdup (entry->server != NULL ? entry->server : entry->ip);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 mfd_ui_subtitle_row_new (_("EOP tried"), where, "network-server-symbolic"));
    }
  if (remedy != NULL && remedy->explanation != NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               mfd_ui_subtitle_row_new (_("What this means"), remedy->explanation,
                                                    "dialog-information-symbolic"));
  if (remedy != NULL)
    add_step_rows (self, group, remedy->steps, FALSE);
  add_to_ndr_box (self, group);

  if (comparison != NULL)
    {
      label = mfd_ui_wrapping_label_new (_("What this computer confirms"), "heading");
      add_to_ndr_box (self, label);
      label = mfd_ui_wrapping_label_new (comparison, NULL);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      add_to_ndr_box (self, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->ndr_box), TRUE);
  return TRUE;
}

/* This computer's own view: a banner when it cannot see what EOP sees,
 * and the checks that run from Microsoft's side. */
void
_mfd_results_page_show_vantage (MfdResultsPage *self)
{
  MfdVantage *vantage = mfd_diagnosis_get_vantage (self->diagnosis);
  GPtrArray *unreachable = mfd_diagnosis_get_unreachable (self->diagnosis);
  gboolean show_group = FALSE;

  gtk_widget_set_visible (self->vantage_banner, vantage != NULL && mfd_vantage_is_impaired (vantage));
  if (vantage != NULL && mfd_vantage_is_impaired (vantage))
    {
      g_autofree char *detail = mfd_vantage_dup_detail (vantage, NULL);
      g_autofree char *text = g_strdup_printf ("%s\n%s\n%s", _("This computer cannot see what Exchange Online sees."),
                                               detail,
                                               _("Findings marked “Not verifiable from here” say nothing about the destination: use the checks from Microsoft's side below."));

      gtk_label_set_label (self->vantage_banner_label, text);
    }

  if (vantage != NULL && !mfd_vantage_is_clear (vantage))
    {
      g_autofree char *detail = mfd_vantage_dup_detail (vantage, NULL);
      g_autoptr(GPtrArray) checks = mfd_report_dup_microsoft_checks (self->diagnosis, NULL);
      GtkWidget *row = mfd_ui_subtitle_row_new (mfd_vantage_is_skipped (vantage) ? _("Not checked") : _("Control checks"),
                                            detail, "dialog-question-symbolic");

      add_to_vantage_group (self, row);
      row = mfd_ui_subtitle_row_new (_("Check from Microsoft's side"),
                                 _("These checks run from Microsoft's servers, so what this computer cannot see does not matter to them."),
                                 "network-workgroup-symbolic");
      add_to_vantage_group (self, row);
      add_step_rows (self, NULL, checks, TRUE);
      self->n_microsoft_checks = checks->len;
      show_group = TRUE;
    }

  for (guint i = 0; i < unreachable->len; i++)
    {
      g_autofree char *text = mfd_unreachable_dup_text (unreachable->pdata[i], NULL);

      add_to_vantage_group (self, mfd_ui_subtitle_row_new (_("Exchange Online cannot reach this address"), text,
                                                       "dialog-warning-symbolic"));
      show_group = TRUE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->vantage_group), show_group);
}
