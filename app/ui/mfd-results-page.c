/* mfd-results-page.c — findings, their meaning and numbered fixes
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-results-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-application.h"
#include "mfd-finding-row.h"
#include "mfd-results-page-private.h"
#include "mfd-ui-util.h"

G_DEFINE_FINAL_TYPE (MfdResultsPage, mfd_results_page, ADW_TYPE_BIN)

/* The page is built a little per frame: laying out a finding's wrapped
 * text takes milliseconds, and twenty findings at once would stall the
 * window for over a second. A finding first shows its title and what was
 * seen; what it means and how to fix it is built when its details open
 * (the first finding's are open from the start). */
typedef enum
{
  BUILD_CARD,
  BUILD_ABOUT,
  BUILD_STEP,
} BuildStage;

typedef struct
{
  guint          index;          /* into views */
  BuildStage     stage;
  guint          step;           /* the piece of BUILD_ABOUT, the step of BUILD_STEP */
  MfdFindingRow *card;           /* for BUILD_ABOUT and BUILD_STEP */
} Build;


static void
finding_view_free (gpointer data)
{
  FindingView *view = data;

  g_clear_pointer (&view->finding, mfd_finding_unref);
  g_clear_pointer (&view->remedy, mfd_remedy_free);
  g_free (view->evidence);
  g_free (view);
}

/* The window shows toasts: asked through its action, not called. */
void
_mfd_results_page_show_toast (MfdResultsPage *self,
                              const char     *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

/* The application's one GSettings object. */
GSettings *
_mfd_results_page_get_settings (MfdResultsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  return MFD_IS_APPLICATION (app) ? mfd_application_get_settings (MFD_APPLICATION (app)) : NULL;
}

static void
compute_views (MfdResultsPage *self)
{
  GPtrArray *findings = mfd_diagnosis_get_findings (self->diagnosis);

  g_ptr_array_set_size (self->views, 0);
  for (guint i = 0; i < findings->len; i++)
    {
      MfdFinding *finding = findings->pdata[i];
      FindingView *view = g_new0 (FindingView, 1);

      view->finding = mfd_finding_ref (finding);
      view->remedy = mfd_report_render_remedy (self->diagnosis, finding, NULL);
      view->evidence = mfd_finding_dup_evidence (finding, NULL);
      g_ptr_array_add (self->views, view);
    }
}

static guint
count_steps (FindingView *view)
{
  return view->remedy != NULL && view->remedy->steps != NULL ? view->remedy->steps->len : 0;
}

static gboolean build_next_cb (GtkWidget     *widget,
                               GdkFrameClock *frame_clock,
                               gpointer       user_data);

static void
queue_build (MfdResultsPage *self,
             Build          *build,
             gboolean        first)
{
  if (first)
    g_queue_push_head (&self->pending, build);
  else
    g_queue_push_tail (&self->pending, build);
  if (self->build_tick == 0)
    self->build_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), build_next_cb, NULL, NULL);
}

/* Asked for: before the findings still waiting to appear. */
static void
on_details_wanted_cb (MfdFindingRow  *card,
                      MfdResultsPage *self)
{
  Build *build = g_new0 (Build, 1);

  build->index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (card), "mfd-index"));
  build->stage = BUILD_ABOUT;
  build->card = g_object_ref (card);
  queue_build (self, build, TRUE);
}

static void
build_free (gpointer data)
{
  Build *build = data;

  g_clear_object (&build->card);
  g_free (build);
}

static void
cancel_build (MfdResultsPage *self)
{
  if (self->build_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->build_tick);
  self->build_tick = 0;
  g_queue_clear_full (&self->pending, build_free);
}

static void
build_card (MfdResultsPage *self,
            guint           index)
{
  FindingView *view = self->views->pdata[index];
  GtkWidget *card = mfd_finding_row_new (self->diagnosis, view->finding, view->remedy, view->evidence);

  g_object_set_data (G_OBJECT (card), "mfd-index", GUINT_TO_POINTER (index));
  g_signal_connect_object (card, "details-wanted", G_CALLBACK (on_details_wanted_cb), self, 0);
  gtk_box_append (self->findings_box, card);
  g_ptr_array_add (self->finding_widgets, card);
  /* The first (most important) finding's steps are shown at once. */
  if (index == 0)
    mfd_finding_row_expand_details (MFD_FINDING_ROW (card));
}

static void
build_step (MfdResultsPage *self,
            Build          *build)
{
  FindingView *view = self->views->pdata[build->index];
  GtkWidget *command = mfd_finding_row_add_step (build->card, build->step,
                                                 view->remedy->steps->pdata[build->step]);

  if (command != NULL)
    {
      CommandRef ref = { build->index, build->step, MFD_COMMAND_ROW (command) };

      g_array_append_val (self->command_rows, ref);
    }
}

/* One piece per frame, so that each frame lays out only what is new. */
static gboolean
build_next_cb (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  Build *build = g_queue_pop_head (&self->pending);
  FindingView *view;

  if (build == NULL)
    {
      self->build_tick = 0;
      return G_SOURCE_REMOVE;
    }

  view = self->views->pdata[build->index];
  switch (build->stage)
    {
    case BUILD_CARD:
      build_card (self, build->index);
      build_free (build);
      break;

    case BUILD_ABOUT:
      mfd_finding_row_add_about (build->card, view->remedy, build->step++);
      if (build->step < 2)
        g_queue_push_head (&self->pending, build);
      else if (count_steps (view) > 0)
        {
          build->stage = BUILD_STEP;
          build->step = 0;
          g_queue_push_head (&self->pending, build);
        }
      else
        build_free (build);
      break;

    case BUILD_STEP:
    default:
      build_step (self, build);
      if (++build->step < count_steps (view))
        g_queue_push_head (&self->pending, build);
      else
        build_free (build);
      break;
    }

  if (g_queue_is_empty (&self->pending))
    {
      self->build_tick = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The commands' values are remembered per connector, or per destination
 * for a check that did not start from one. */
static char *
dup_fill_store_key (MfdResultsPage *self)
{
  MfdTarget *target = mfd_diagnosis_get_target (self->diagnosis);
  const char *connector = target != NULL ? mfd_target_get_connector_name (target) : NULL;

  if (connector != NULL)
    return g_strdup (connector);
  return target != NULL ? mfd_target_describe (target, "en") : NULL;
}

static void
load_fills (MfdResultsPage *self)
{
  GSettings *settings = _mfd_results_page_get_settings (self);
  g_autofree char *key = dup_fill_store_key (self);
  g_autoptr(GVariant) all = NULL;
  g_autoptr(GVariant) values = NULL;

  if (settings == NULL || key == NULL)
    return;
  all = g_settings_get_value (settings, "command-values");
  values = g_variant_lookup_value (all, key, G_VARIANT_TYPE ("a{ss}"));
  if (values == NULL)
    return;
  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    {
      const char *value = NULL;

      if (mfd_diagnosis_get_fill (self->diagnosis, i) == NULL &&
          g_variant_lookup (values, mfd_remedy_fill_get_key (i), "&s", &value))
        mfd_diagnosis_set_fill (self->diagnosis, i, value);
    }
}

static void
save_fills (MfdResultsPage *self)
{
  GSettings *settings = _mfd_results_page_get_settings (self);
  g_autofree char *key = dup_fill_store_key (self);
  g_autoptr(GVariant) all = NULL;
  GVariantBuilder builder;
  GVariantBuilder mine;
  GVariantIter iter;
  const char *name;
  GVariant *values;

  if (settings == NULL || key == NULL)
    return;

  all = g_settings_get_value (settings, "command-values");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sa{ss}}"));
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_next (&iter, "{&s@a{ss}}", &name, &values))
    {
      if (!g_str_equal (name, key))
        g_variant_builder_add (&builder, "{s@a{ss}}", name, values);
      g_variant_unref (values);
    }
  g_variant_builder_init (&mine, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    if (mfd_diagnosis_get_fill (self->diagnosis, i) != NULL)
      g_variant_builder_add (&mine, "{ss}", mfd_remedy_fill_get_key (i), mfd_diagnosis_get_fill (self->diagnosis, i));
  g_variant_builder_add (&builder, "{sa{ss}}", key, &mine);
  g_settings_set_value (settings, "command-values", g_variant_builder_end (&builder));
}

/* The values the shown commands need that the checks did not learn: what
 * they miss with nothing typed in. */
static guint
compute_asked (MfdResultsPage *self)
{
  char *typed[MFD_REMEDY_N_FILLS];
  GPtrArray *findings = mfd_diagnosis_get_findings (self->diagnosis);
  guint asked = 0;

  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    {
      typed[i] = g_strdup (mfd_diagnosis_get_fill (self->diagnosis, i));
      mfd_diagnosis_set_fill (self->diagnosis, i, NULL);
    }
  for (guint f = 0; f < findings->len; f++)
    {
      g_autoptr(MfdRemedy) remedy = mfd_report_render_remedy (self->diagnosis, findings->pdata[f], NULL);

      for (guint i = 0; remedy != NULL && i < remedy->steps->len; i++)
        asked |= ((MfdRemedyStep *) remedy->steps->pdata[i])->missing;
    }
  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    {
      mfd_diagnosis_set_fill (self->diagnosis, i, typed[i]);
      g_free (typed[i]);
    }
  return asked;
}

/* Every command on the page again, with what was typed. */
static void
refill_commands (MfdResultsPage *self)
{
  guint still_missing = 0;

  for (guint i = 0; i < self->views->len; i++)
    {
      FindingView *view = self->views->pdata[i];

      g_clear_pointer (&view->remedy, mfd_remedy_free);
      view->remedy = mfd_report_render_remedy (self->diagnosis, view->finding, NULL);
      for (guint s = 0; view->remedy != NULL && s < view->remedy->steps->len; s++)
        still_missing |= ((MfdRemedyStep *) view->remedy->steps->pdata[s])->missing;
    }
  /* Only a finding's commands are filled from the form; EOP's own steps
   * and the Microsoft-side checks keep their mark when a value is missing. */
  for (guint i = 0; i < self->command_rows->len; i++)
    {
      CommandRef *ref = &g_array_index (self->command_rows, CommandRef, i);
      FindingView *view = self->views->pdata[ref->view];

      if (view->remedy != NULL && ref->step < view->remedy->steps->len)
        mfd_command_row_set_command (ref->row, ((MfdRemedyStep *) view->remedy->steps->pdata[ref->step])->command);
    }
  /* A value typed but not usable in a command (a space, a quote) is not
   * taken: the field says so. */
  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    {
      GtkWidget *entry = GTK_WIDGET (self->fill_rows[i]);

      if (entry == NULL)
        continue;
      if ((still_missing & (1u << i)) && mfd_diagnosis_get_fill (self->diagnosis, i) != NULL)
        gtk_widget_add_css_class (entry, "error");
      else
        gtk_widget_remove_css_class (entry, "error");
    }
}

static void
on_fill_changed_cb (GtkEditable    *editable,
                    MfdResultsPage *self)
{
  MfdRemedyFill fill = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (editable), "mfd-fill"));

  if (self->diagnosis == NULL)
    return;
  mfd_diagnosis_set_fill (self->diagnosis, fill, gtk_editable_get_text (editable));
  save_fills (self);
  refill_commands (self);
}

static void
build_fill_form (MfdResultsPage *self)
{
  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    {
      AdwEntryRow *row;
      const char *value;

      if (self->fill_rows[i] != NULL)
        adw_preferences_group_remove (self->fill_group, GTK_WIDGET (self->fill_rows[i]));
      self->fill_rows[i] = NULL;
      if (!(self->asked & (1u << i)))
        continue;

      row = ADW_ENTRY_ROW (adw_entry_row_new ());
      value = mfd_diagnosis_get_fill (self->diagnosis, i);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mfd_tr (NULL, mfd_remedy_fill_get_label (i)));
      gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
      g_object_set_data (G_OBJECT (row), "mfd-fill", GUINT_TO_POINTER (i));
      g_signal_connect_object (row, "changed", G_CALLBACK (on_fill_changed_cb), self, 0);
      adw_preferences_group_add (self->fill_group, GTK_WIDGET (row));
      self->fill_rows[i] = row;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fill_group), self->asked != 0);
}

static void
rebuild (MfdResultsPage *self)
{
  MfdTarget *target = mfd_diagnosis_get_target (self->diagnosis);
  MfdVerdict verdict = mfd_diagnosis_get_verdict (self->diagnosis);
  g_autofree char *where = mfd_target_describe (target, NULL);
  g_autofree char *comparison = mfd_diagnosis_dup_comparison (self->diagnosis, NULL);
  g_autofree char *summary = NULL;
  guint problems = 0;

  load_fills (self);
  self->asked = compute_asked (self);
  compute_views (self);

  cancel_build (self);
  g_array_set_size (self->command_rows, 0);
  build_fill_form (self);
  for (guint i = 0; i < self->finding_widgets->len; i++)
    gtk_box_remove (self->findings_box, self->finding_widgets->pdata[i]);
  g_ptr_array_set_size (self->finding_widgets, 0);

  for (guint i = 0; i < self->views->len; i++)
    {
      Build *build = g_new0 (Build, 1);

      MfdFinding *f = ((FindingView *) self->views->pdata[i])->finding;

      if (!f->warning && !f->inconclusive)
        problems++;
      build->index = i;
      build->stage = BUILD_CARD;
      queue_build (self, build, FALSE);
    }

  gtk_label_set_label (self->target_label, where);
  _mfd_results_page_clear_lead (self);
  gtk_widget_set_visible (GTK_WIDGET (self->ndr_box), FALSE);
  /* With an NDR the comparison belongs to the lead, under EOP's words. */
  if (_mfd_results_page_show_ndr_lead (self))
    g_clear_pointer (&comparison, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->comparison_label), comparison != NULL);
  gtk_label_set_label (self->comparison_label, comparison != NULL ? comparison : "");
  _mfd_results_page_show_run_facts (self);
  _mfd_results_page_show_vantage (self);

  g_clear_pointer (&self->status_title, g_free);
  switch (verdict)
    {
    case MFD_VERDICT_PROBLEM:
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u problem found. Work through the steps, then check again.",
                                              "%u problems found. Work through the steps, then check again.",
                                              problems),
                                 problems);
      break;

    case MFD_VERDICT_INCONCLUSIVE:
      self->status_title = g_strdup (_("Some checks could not be carried out"));
      adw_status_page_set_icon_name (self->status_page, "dialog-question-symbolic");
      adw_status_page_set_description (self->status_page,
                                       _("Something on this computer's side stopped part of the checks, for example no network or an unreachable DNS server. This does not mean the destination is fine. Look at the details, fix the local problem and check again."));
      summary = g_strdup (_("The result is inconclusive."));
      break;

    case MFD_VERDICT_OK:
    default:
      self->status_title = g_strdup (_("No problem found from this computer"));
      adw_status_page_set_icon_name (self->status_page, "mfd-passed-symbolic");
      adw_status_page_set_description (self->status_page,
                                       _("The destination answered every check as Exchange Online expects. But this computer is not Microsoft's network: a firewall can let this computer in and still block the addresses Exchange Online connects from. Make sure the ranges below can reach TCP port 25, and check the connector's settings in the Exchange admin center."));
      summary = g_strdup (_("Every check passed."));
      break;
    }

  adw_status_page_set_title (self->status_page, self->status_title != NULL ? self->status_title : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_page), self->status_title != NULL && self->views->len == 0);
  gtk_label_set_label (self->summary_label, summary);

  _mfd_results_page_show_ranges (self);
}

static void
mfd_results_page_dispose (GObject *object)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (object);

  cancel_build (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_RESULTS_PAGE);
  g_clear_object (&self->diagnosis);

  G_OBJECT_CLASS (mfd_results_page_parent_class)->dispose (object);
}

static void
mfd_results_page_finalize (GObject *object)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (object);

  g_clear_pointer (&self->views, g_ptr_array_unref);
  g_clear_pointer (&self->finding_widgets, g_ptr_array_unref);
  g_clear_pointer (&self->command_rows, g_array_unref);

  g_clear_pointer (&self->lead_widgets, g_ptr_array_unref);
  g_free (self->status_title);
  g_free (self->ndr_lead);

  G_OBJECT_CLASS (mfd_results_page_parent_class)->finalize (object);
}

static void
mfd_results_page_class_init (MfdResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_results_page_dispose;
  object_class->finalize = mfd_results_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-results-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, target_label);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, comparison_label);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, checked_label);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, settings_label);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, vantage_banner);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, vantage_banner_label);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, ndr_box);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, vantage_group);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, fill_group);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, findings_box);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, ranges_group);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, ranges_row);

  _mfd_results_page_class_install_actions (widget_class);
}

static void
mfd_results_page_init (MfdResultsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->views = g_ptr_array_new_with_free_func (finding_view_free);
  self->finding_widgets = g_ptr_array_new ();
  self->command_rows = g_array_new (FALSE, TRUE, sizeof (CommandRef));

  self->lead_widgets = g_ptr_array_new ();
  g_queue_init (&self->pending);
}

void
mfd_results_page_set_diagnosis (MfdResultsPage *self,
                                MfdDiagnosis   *diagnosis)
{
  g_return_if_fail (MFD_IS_RESULTS_PAGE (self));
  g_return_if_fail (MFD_IS_DIAGNOSIS (diagnosis));

  g_set_object (&self->diagnosis, diagnosis);
  rebuild (self);

  /* A new result starts at its top, where the banner and EOP's report are,
   * not where the last one was left scrolled. */
  {
    GtkWidget *scrolled = adw_bin_get_child (ADW_BIN (self));

    if (GTK_IS_SCROLLED_WINDOW (scrolled))
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), 0);
  }
}

MfdDiagnosis *
mfd_results_page_get_diagnosis (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);

  return self->diagnosis;
}

guint
mfd_results_page_get_n_findings (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), 0);

  return self->views->len;
}

static FindingView *
get_view (MfdResultsPage *self,
          guint           index)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);
  g_return_val_if_fail (index < self->views->len, NULL);

  return self->views->pdata[index];
}

const char *
mfd_results_page_get_finding_code (MfdResultsPage *self,
                                   guint           index)
{
  FindingView *view = get_view (self, index);

  return view != NULL ? view->finding->code : NULL;
}

const char *
mfd_results_page_get_finding_cause (MfdResultsPage *self,
                                    guint           index)
{
  FindingView *view = get_view (self, index);

  return view != NULL ? view->finding->cause : NULL;
}

const char *
mfd_results_page_get_finding_title (MfdResultsPage *self,
                                    guint           index)
{
  FindingView *view = get_view (self, index);

  return view != NULL && view->remedy != NULL ? view->remedy->title : NULL;
}

guint
mfd_results_page_get_n_steps (MfdResultsPage *self,
                              guint           index)
{
  FindingView *view = get_view (self, index);

  return view != NULL && view->remedy != NULL && view->remedy->steps != NULL ? view->remedy->steps->len : 0;
}

const char *
mfd_results_page_get_status_title (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);

  return self->views->len == 0 ? self->status_title : NULL;
}

gboolean
mfd_results_page_has_reminder (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), FALSE);

  {
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
    GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

    return MFD_IS_APPLICATION (app) && mfd_application_get_reminder (MFD_APPLICATION (app)) != NULL;
  }
}

/* Whether every finding is on the page (their closed details aside). */
gboolean
mfd_results_page_is_built (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), FALSE);

  return g_queue_is_empty (&self->pending);
}

const char *
mfd_results_page_get_checked_text (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);

  return gtk_label_get_label (self->checked_label);
}

const char *
mfd_results_page_get_settings_text (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);

  return gtk_label_get_label (self->settings_label);
}

const char *
mfd_results_page_get_command (MfdResultsPage *self,
                              guint           index,
                              guint           step)
{
  FindingView *view = get_view (self, index);

  if (view == NULL || view->remedy == NULL || step >= view->remedy->steps->len)
    return NULL;
  return ((MfdRemedyStep *) view->remedy->steps->pdata[step])->command;
}

GtkEditable *
mfd_results_page_get_fill_entry (MfdResultsPage *self,
                                 MfdRemedyFill   fill)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);
  g_return_val_if_fail (fill < MFD_REMEDY_N_FILLS, NULL);

  return self->fill_rows[fill] != NULL ? GTK_EDITABLE (self->fill_rows[fill]) : NULL;
}

void
mfd_results_page_copy_command (MfdResultsPage *self,
                               guint           index,
                               guint           step)
{
  const char *command = mfd_results_page_get_command (self, index, step);

  g_return_if_fail (command != NULL);
  _mfd_results_page_copy_command (self, command);
}

guint
mfd_results_page_count_marked_commands (MfdResultsPage *self)
{
  guint n = 0;

  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), 0);

  for (guint i = 0; i < self->command_rows->len; i++)
    if (mfd_command_row_is_marked (g_array_index (self->command_rows, CommandRef, i).row))
      n++;

  return n;
}

gboolean
mfd_results_page_has_vantage_banner (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->vantage_banner);
}

const char *
mfd_results_page_get_vantage_banner_text (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);

  return gtk_widget_get_visible (self->vantage_banner) ? gtk_label_get_label (self->vantage_banner_label) : NULL;
}

gboolean
mfd_results_page_get_finding_inconclusive (MfdResultsPage *self,
                                           guint           index)
{
  FindingView *view = get_view (self, index);

  return view != NULL && view->finding->inconclusive;
}

guint
mfd_results_page_get_n_microsoft_checks (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), 0);

  return self->n_microsoft_checks;
}

const char *
mfd_results_page_get_ndr_lead (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);

  return self->ndr_lead;
}

/* What the finding's chip says: EOP's reply for a problem only. */
char *
mfd_results_page_dup_finding_chip (MfdResultsPage *self,
                                   guint           index)
{
  FindingView *view = get_view (self, index);

  return view != NULL ? mfd_finding_row_dup_chip_text (view->finding) : NULL;
}
