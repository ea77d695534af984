/* mfd-finding-row.c — one finding's card: title, chip, evidence, fix steps
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-finding-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-command-row.h"
#include "mfd-finding-row.h"
#include "mfd-ui-util.h"

struct _MfdFindingRow
{
  GtkBox               parent_instance;

  AdwExpanderRow      *details;       /* NULL without anything to explain */
  gboolean             asked;         /* "details-wanted" was emitted */

  /* Template widgets */
  GtkLabel            *heading;
  GtkLabel            *chip;
  AdwPreferencesGroup *about;
};

enum {
  DETAILS_WANTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MfdFindingRow, mfd_finding_row, GTK_TYPE_BOX)

/* The chain as the server presented it: on Windows there is no openssl to
 * look with, and the SHA-1 thumbprint is what Exchange lists. */
static GtkWidget *
create_certificate_row (MfdDiagnosis *diagnosis,
                        MfdFinding   *finding,
                        const char   *certificate)
{
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  GtkWidget *inner = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *text = mfd_ui_wrapping_label_new (certificate, "monospace");
  GtkWidget *note = mfd_ui_wrapping_label_new (_("SHA-1 is the thumbprint that Exchange Server (Get-ExchangeCertificate) and the Windows certificate store show."),
                                               "dim-label");
  GPtrArray *observations = mfd_diagnosis_get_observations (diagnosis);
  const char *sha1 = NULL;

  for (guint i = 0; i < observations->len && sha1 == NULL; i++)
    {
      MfdObservation *o = observations->pdata[i];

      if (o->stage == MFD_STAGE_CERTIFICATE && g_strcmp0 (o->host, finding->host) == 0 &&
          (finding->ip == NULL || g_strcmp0 (o->ip, finding->ip) == 0))
        sha1 = mfd_observation_get_fact (o, "sha1");
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Certificate the server presented"));
  if (sha1 != NULL)
    {
      /* Translators: %s is 40 hexadecimal digits. */
      g_autofree char *subtitle = g_strdup_printf (_("Thumbprint (SHA-1): %s"), sha1);

      adw_expander_row_set_subtitle (row, subtitle);
    }
  adw_expander_row_set_icon_name (row, "channel-secure-symbolic");
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), note);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (inner), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (inner), FALSE);
  gtk_widget_set_focusable (inner, FALSE);
  adw_expander_row_add_row (row, inner);
  return GTK_WIDGET (row);
}

static void
on_details_expanded_cb (MfdFindingRow *self)
{
  if (!adw_expander_row_get_expanded (self->details) || self->asked)
    return;
  self->asked = TRUE;
  g_signal_emit (self, signals[DETAILS_WANTED], 0);
}

static void
add_details (MfdFindingRow *self,
             MfdRemedy     *remedy)
{
  guint n_steps = remedy->steps != NULL ? remedy->steps->len : 0;

  if (remedy->explanation == NULL && n_steps == 0 &&
      (remedy->likely_causes == NULL || remedy->likely_causes[0] == NULL))
    return;

  self->details = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->details), _("What it means and how to fix it"));
  if (n_steps > 0)
    {
      g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u step", "%u steps", n_steps),
                                                   n_steps);

      adw_expander_row_set_subtitle (self->details, subtitle);
    }
  adw_expander_row_set_icon_name (self->details, "dialog-information-symbolic");
  g_signal_connect_object (self->details, "notify::expanded",
                           G_CALLBACK (on_details_expanded_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->about, GTK_WIDGET (self->details));
}

static void
mfd_finding_row_class_init (MfdFindingRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-finding-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdFindingRow, heading);
  gtk_widget_class_bind_template_child (widget_class, MfdFindingRow, chip);
  gtk_widget_class_bind_template_child (widget_class, MfdFindingRow, about);

  signals[DETAILS_WANTED] =
    g_signal_new ("details-wanted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mfd_finding_row_init (MfdFindingRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mfd_finding_row_new (MfdDiagnosis *diagnosis,
                     MfdFinding   *finding,
                     MfdRemedy    *remedy,
                     const char   *evidence)
{
  MfdFindingRow *self;
  g_autofree char *chip = NULL;
  g_autofree char *certificate = NULL;

  g_return_val_if_fail (MFD_IS_DIAGNOSIS (diagnosis), NULL);
  g_return_val_if_fail (finding != NULL, NULL);

  self = g_object_new (MFD_TYPE_FINDING_ROW, NULL);
  gtk_label_set_label (self->heading, remedy != NULL ? remedy->title : finding->code);
  chip = mfd_finding_row_dup_chip_text (finding);
  gtk_label_set_label (self->chip, chip);
  gtk_widget_add_css_class (GTK_WIDGET (self->chip),
                            finding->inconclusive ? "dim-label" : finding->warning ? "warning" : "error");

  if (finding->inconclusive)
    {
      g_autofree char *reason = mfd_diagnosis_dup_not_verifiable (diagnosis, finding, NULL);

      adw_preferences_group_add (self->about, mfd_ui_subtitle_row_new (_("Not verifiable from here"),
                                                                       reason != NULL ? reason : "",
                                                                       "dialog-question-symbolic"));
    }
  else if (finding->warning)
    {
      g_autofree char *note = mfd_report_dup_warning_note (finding, NULL);

      adw_preferences_group_add (self->about, mfd_ui_subtitle_row_new (_("What EOP does with it"), note,
                                                                       "dialog-information-symbolic"));
    }

  adw_preferences_group_add (self->about, mfd_ui_subtitle_row_new (_("What we saw"), evidence != NULL ? evidence : "",
                                                                   "system-search-symbolic"));

  certificate = mfd_report_dup_certificate (diagnosis, finding);
  if (certificate != NULL)
    adw_preferences_group_add (self->about, create_certificate_row (diagnosis, finding, certificate));

  if (remedy != NULL)
    add_details (self, remedy);
  return GTK_WIDGET (self);
}

void
mfd_finding_row_expand_details (MfdFindingRow *self)
{
  g_return_if_fail (MFD_IS_FINDING_ROW (self));

  if (self->details != NULL)
    adw_expander_row_set_expanded (self->details, TRUE);
}

void
mfd_finding_row_add_about (MfdFindingRow *self,
                           MfdRemedy     *remedy,
                           guint          part)
{
  g_return_if_fail (MFD_IS_FINDING_ROW (self));

  if (remedy == NULL || self->details == NULL)
    return;

  if (part == 0 && remedy->explanation != NULL)
    adw_expander_row_add_row (self->details, mfd_ui_subtitle_row_new (_("What this means"), remedy->explanation,
                                                                      "dialog-information-symbolic"));

  if (part == 1 && remedy->likely_causes != NULL && remedy->likely_causes[0] != NULL)
    {
      g_autoptr(GString) causes = g_string_new (NULL);

      for (guint i = 0; remedy->likely_causes[i] != NULL; i++)
        g_string_append_printf (causes, "%s• %s", i > 0 ? "\n" : "", remedy->likely_causes[i]);
      adw_expander_row_add_row (self->details, mfd_ui_subtitle_row_new (_("Possible causes"), causes->str,
                                                                        "view-list-bullet-symbolic"));
    }
}

GtkWidget *
mfd_finding_row_add_step (MfdFindingRow *self,
                          guint          index,
                          MfdRemedyStep *step)
{
  g_autofree char *title = NULL;
  g_autofree char *done = NULL;
  GtkWidget *check;
  GtkWidget *row;
  GtkWidget *command = NULL;

  g_return_val_if_fail (MFD_IS_FINDING_ROW (self), NULL);
  g_return_val_if_fail (self->details != NULL, NULL);

  title = g_strdup_printf ("%u. %s", index + 1, step->text);
  done = g_strdup_printf (_("Step %u done"), index + 1);
  check = gtk_check_button_new ();
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (step->eac_path != NULL)
    {
      g_autofree char *where = g_strdup_printf (_("Exchange admin center: %s"), step->eac_path);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where);
    }
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, done);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, done, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_expander_row_add_row (self->details, row);

  if (step->command != NULL)
    {
      command = mfd_command_row_new (step->command);
      adw_expander_row_add_row (self->details, command);
    }
  return command;
}

/* Only a problem carries EOP's reply ("450 4.4.316"): a warning is no
 * error EOP sends, and what this computer cannot see is no verdict. */
char *
mfd_finding_row_dup_chip_text (MfdFinding *finding)
{
  g_return_val_if_fail (finding != NULL, NULL);

  if (finding->inconclusive)
    return g_strdup (_("Not verifiable from here"));
  if (finding->warning)
    return g_strdup (_("Warning"));
  return g_strdup_printf ("%d %s", finding->reply, finding->code);
}
