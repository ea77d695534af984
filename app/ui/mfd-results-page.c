/* mfd-results-page.c — findings, their meaning and numbered fixes
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-results-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-results-page.h"
#include "mfd-ui-util.h"

#define REMIND_AFTER_SECONDS (60 * 60)

/* What the page shows for one finding: computed from the diagnosis first,
 * then turned into widgets, so tests can read it without pixels. */
typedef struct
{
  MfdFinding *finding;
  MfdRemedy  *remedy;
  char       *evidence;
} FindingView;

/* The page is built a little per frame: laying out a finding's wrapped
 * text takes milliseconds, and twenty findings at once would stall the
 * window for over a second. A finding first shows its title and what was
 * seen; what it means and how to fix it is built when its expander opens
 * (the first finding's is open from the start). */
typedef enum
{
  BUILD_CARD,
  BUILD_ABOUT,
  BUILD_STEP,
} BuildStage;

typedef struct
{
  guint           index;          /* into views */
  BuildStage      stage;
  guint           step;           /* the piece of BUILD_ABOUT, the step of BUILD_STEP */
  AdwExpanderRow *details;        /* for BUILD_ABOUT and BUILD_STEP */
} Build;

struct _MfdResultsPage
{
  AdwBin          parent_instance;

  MfdDiagnosis   *diagnosis;
  GPtrArray      *views;          /* (element-type FindingView) */
  GPtrArray      *finding_widgets;
  GQueue          pending;        /* (element-type Build) what is still to be built */
  guint           build_tick;
  MfdEopRanges   *ranges;
  GCancellable   *cancellable;    /* the address-range lookup */
  guint           remind_source;
  char           *status_title;

  /* Template widgets */
  GtkLabel       *target_label;
  GtkLabel       *summary_label;
  GtkLabel       *comparison_label;
  AdwStatusPage  *status_page;
  GtkBox         *findings_box;
  AdwPreferencesGroup *ranges_group;
  AdwExpanderRow *ranges_row;
};

G_DEFINE_FINAL_TYPE (MfdResultsPage, mfd_results_page, ADW_TYPE_BIN)

static void
finding_view_free (gpointer data)
{
  FindingView *view = data;

  g_clear_pointer (&view->finding, mfd_finding_unref);
  g_clear_pointer (&view->remedy, mfd_remedy_free);
  g_free (view->evidence);
  g_free (view);
}

static void
show_toast (MfdResultsPage *self,
            const char     *message)
{
  MfdWindow *window = mfd_ui_get_window (GTK_WIDGET (self));

  if (window != NULL)
    mfd_window_add_toast (window, message);
}

static void
copy_text (MfdResultsPage *self,
           const char     *text,
           const char     *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  show_toast (self, toast);
}

static GSettings *
get_settings (MfdResultsPage *self)
{
  MfdWindow *window = mfd_ui_get_window (GTK_WIDGET (self));

  return window != NULL ? mfd_window_get_settings (window) : NULL;
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

static void
on_copy_command_cb (GtkButton      *button,
                    MfdResultsPage *self)
{
  copy_text (self, g_object_get_data (G_OBJECT (button), "command"), _("Command copied"));
}

static GtkWidget *
create_command_row (MfdResultsPage *self,
                    const char     *command)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = mfd_ui_wrapping_label_new (command, "monospace");
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autoptr(PangoAttrList) attributes = NULL;

  /* A hyphen added at a line break would read as part of the command. */
  attributes = pango_attr_list_new ();
  pango_attr_list_insert (attributes, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (GTK_LABEL (label), attributes);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Copy command"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy command"), -1);
  g_object_set_data_full (G_OBJECT (button), "command", g_strdup (command), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_copy_command_cb), self, 0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "command-row");
  return row;
}

static GtkWidget *
create_subtitle_row (const char *title,
                     const char *subtitle,
                     const char *icon_name)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon_name));
  return row;
}

/* Piece @part of what a finding means: 0 the explanation, 1 the possible
 * causes. */
static void
build_about (AdwExpanderRow *details,
             FindingView    *view,
             guint           part)
{
  MfdRemedy *remedy = view->remedy;

  if (remedy == NULL)
    return;

  if (part == 0 && remedy->explanation != NULL)
    adw_expander_row_add_row (details, create_subtitle_row (_("What this means"), remedy->explanation,
                                                            "dialog-information-symbolic"));

  if (part == 1 && remedy->likely_causes != NULL && remedy->likely_causes[0] != NULL)
    {
      g_autoptr(GString) causes = g_string_new (NULL);

      for (guint i = 0; remedy->likely_causes[i] != NULL; i++)
        g_string_append_printf (causes, "%s• %s", i > 0 ? "\n" : "", remedy->likely_causes[i]);
      adw_expander_row_add_row (details, create_subtitle_row (_("Possible causes"), causes->str,
                                                              "dialog-question-symbolic"));
    }
}

static void
build_step (MfdResultsPage *self,
            AdwExpanderRow *details,
            FindingView    *view,
            guint           i)
{
  MfdRemedyStep *step = view->remedy->steps->pdata[i];
  g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, step->text);
  g_autofree char *done = g_strdup_printf (_("Step %u done"), i + 1);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
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
  adw_expander_row_add_row (details, row);

  if (step->command != NULL)
    adw_expander_row_add_row (details, create_command_row (self, step->command));
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

static void
queue_details (MfdResultsPage *self,
               AdwExpanderRow *details,
               guint           index,
               gboolean        first)
{
  Build *build = g_new0 (Build, 1);

  g_object_set_data (G_OBJECT (details), "mfd-built", GINT_TO_POINTER (TRUE));
  build->index = index;
  build->stage = BUILD_ABOUT;
  build->details = g_object_ref (details);
  queue_build (self, build, first);
}

static void
on_details_expanded_cb (AdwExpanderRow *details,
                        GParamSpec     *pspec,
                        MfdResultsPage *self)
{
  if (!adw_expander_row_get_expanded (details) ||
      g_object_get_data (G_OBJECT (details), "mfd-built") != NULL)
    return;
  /* Asked for: before the findings still waiting to appear. */
  queue_details (self, details, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (details), "mfd-index")), TRUE);
}

static GtkWidget *
create_finding_widget (MfdResultsPage *self,
                       guint           index)
{
  FindingView *view = self->views->pdata[index];
  MfdFinding *finding = view->finding;
  MfdRemedy *remedy = view->remedy;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *about = adw_preferences_group_new ();
  GtkWidget *header;
  GtkWidget *heading;
  guint n_steps = count_steps (view);

  /* A title of our own: the group's title does not wrap in libadwaita 1.2,
   * and a Japanese title is long. */
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  heading = mfd_ui_wrapping_label_new (remedy != NULL ? remedy->title : finding->code, "title-4");
  gtk_widget_set_hexpand (heading, TRUE);
  gtk_box_append (GTK_BOX (header), heading);
  gtk_box_append (GTK_BOX (header), mfd_ui_code_chip_new (finding->reply, finding->code, finding->warning));
  gtk_box_append (GTK_BOX (box), header);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (about),
                             create_subtitle_row (_("What we saw"), view->evidence != NULL ? view->evidence : "",
                                                  "system-search-symbolic"));

  if (remedy != NULL && (remedy->explanation != NULL || n_steps > 0 ||
                         (remedy->likely_causes != NULL && remedy->likely_causes[0] != NULL)))
    {
      AdwExpanderRow *details = ADW_EXPANDER_ROW (adw_expander_row_new ());

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (details), _("What it means and how to fix it"));
      if (n_steps > 0)
        {
          g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u step", "%u steps", n_steps),
                                                       n_steps);

          adw_expander_row_set_subtitle (details, subtitle);
        }
      adw_expander_row_set_icon_name (details, "dialog-information-symbolic");
      g_object_set_data (G_OBJECT (details), "mfd-index", GUINT_TO_POINTER (index));
      g_signal_connect_object (details, "notify::expanded", G_CALLBACK (on_details_expanded_cb), self, 0);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (about), GTK_WIDGET (details));
      /* The first (most important) finding's steps are shown at once. */
      if (index == 0)
        {
          queue_details (self, details, index, TRUE);
          adw_expander_row_set_expanded (details, TRUE);
        }
    }

  gtk_box_append (GTK_BOX (box), about);
  return box;
}

static void
build_free (gpointer data)
{
  Build *build = data;

  g_clear_object (&build->details);
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
      {
        GtkWidget *card = create_finding_widget (self, build->index);

        gtk_box_append (self->findings_box, card);
        g_ptr_array_add (self->finding_widgets, card);
        build_free (build);
      }
      break;

    case BUILD_ABOUT:
      build_about (build->details, view, build->step++);
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
      build_step (self, build->details, view, build->step++);
      if (build->step < count_steps (view))
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

static gboolean
needs_ranges (MfdResultsPage *self)
{
  /* The ranges matter when a firewall may be the cause, and when
   * everything passed from here (EOP connects from elsewhere). */
  if (mfd_diagnosis_get_verdict (self->diagnosis) == MFD_VERDICT_OK)
    return TRUE;
  for (guint i = 0; i < self->views->len; i++)
    {
      FindingView *view = self->views->pdata[i];

      if (g_strcmp0 (view->finding->code, "4.4.315") == 0 ||
          g_strcmp0 (view->finding->code, "4.4.316") == 0 ||
          g_strcmp0 (view->finding->code, "4.4.318") == 0)
        return TRUE;
    }
  return FALSE;
}

/* The copied and exported report lists the ranges too. */
static void
give_ranges_to_report (MfdResultsPage *self)
{
  if (self->diagnosis != NULL && self->ranges != NULL)
    mfd_diagnosis_set_eop_ranges (self->diagnosis, (const char * const *) self->ranges->ranges,
                                  self->ranges->fetched);
}

static void
show_ranges (MfdResultsPage *self)
{
  GtkWidget *child;
  g_autofree char *subtitle = NULL;

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

  if (self->ranges == NULL || self->ranges->ranges == NULL || !needs_ranges (self))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->ranges_group), FALSE);
      return;
    }

  for (guint i = 0; self->ranges->ranges[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), self->ranges->ranges[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "monospace");
      adw_expander_row_add_row (self->ranges_row, row);
    }

  if (self->ranges->fetched != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (self->ranges->fetched);
      /* Translators: a strftime format for when the address list was fetched. */
      g_autofree char *when = g_date_time_format (local, _("%Y-%m-%d"));

      subtitle = g_strdup_printf (self->ranges->from_cache
                                  ? _("%u ranges, saved copy from %s")
                                  : _("%u ranges, fetched %s"),
                                  g_strv_length (self->ranges->ranges), when);
    }
  else
    {
      subtitle = g_strdup_printf (_("%u ranges"), g_strv_length (self->ranges->ranges));
    }
  adw_expander_row_set_subtitle (self->ranges_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->ranges_group), TRUE);
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

  compute_views (self);

  cancel_build (self);
  for (guint i = 0; i < self->finding_widgets->len; i++)
    gtk_box_remove (self->findings_box, self->finding_widgets->pdata[i]);
  g_ptr_array_set_size (self->finding_widgets, 0);

  for (guint i = 0; i < self->views->len; i++)
    {
      Build *build = g_new0 (Build, 1);

      if (!((FindingView *) self->views->pdata[i])->finding->warning)
        problems++;
      build->index = i;
      build->stage = BUILD_CARD;
      queue_build (self, build, FALSE);
    }

  gtk_label_set_label (self->target_label, where);
  gtk_widget_set_visible (GTK_WIDGET (self->comparison_label), comparison != NULL);
  gtk_label_set_label (self->comparison_label, comparison != NULL ? comparison : "");

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

  show_ranges (self);
}

static void
on_ranges_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MfdResultsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  MfdEopRanges *ranges;

  ranges = mfd_web_get_eop_ranges_finish (MFD_WEB (source), result, &error);
  if (ranges == NULL)
    {
      /* Without a saved copy offline there is nothing to show; the
       * steps still name the ranges' source. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No EOP address ranges: %s", error->message);
      return;
    }

  g_clear_pointer (&self->ranges, mfd_eop_ranges_free);
  self->ranges = ranges;
  give_ranges_to_report (self);
  /* Only the ranges group: rebuilding the findings would untick the steps. */
  if (self->diagnosis != NULL)
    show_ranges (self);
}

static void
fetch_ranges (MfdResultsPage *self)
{
  MfdTarget *target = mfd_diagnosis_get_target (self->diagnosis);
  g_autoptr(MfdWeb) web = NULL;

  if (self->ranges != NULL || self->cancellable != NULL || !needs_ranges (self))
    return;

  self->cancellable = g_cancellable_new ();
  web = mfd_ui_web_new_for_target (target);
  mfd_web_get_eop_ranges_async (web, mfd_target_get_offline (target), self->cancellable,
                                on_ranges_cb, g_object_ref (self));
}

static void
mfd_results_page_recheck_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  MfdWindow *window = mfd_ui_get_window (widget);

  if (window == NULL || self->diagnosis == NULL)
    return;
  mfd_window_run_checks (window, mfd_diagnosis_get_target (self->diagnosis),
                         mfd_diagnosis_get_ndr_entry (self->diagnosis));
}

static void
mfd_results_page_copy_report_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  GSettings *settings = get_settings (self);
  g_autofree char *report = NULL;

  if (self->diagnosis == NULL)
    return;
  report = mfd_report_render_diagnosis (self->diagnosis, MFD_REPORT_TEXT,
                                        settings != NULL ? mfd_ui_report_language (settings) : NULL);
  copy_text (self, report, _("Report copied"));
}

static void
mfd_results_page_copy_ranges_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  g_autofree char *text = NULL;

  if (self->ranges == NULL || self->ranges->ranges == NULL)
    return;
  text = g_strjoinv ("\n", self->ranges->ranges);
  copy_text (self, text, _("Address ranges copied"));
}

static void
on_export_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (source);
  g_autoptr(GError) error = NULL;

  if (mfd_results_page_export_finish (self, result, &error))
    {
      show_toast (self, _("Report saved"));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the report: %s"), error->message);

      show_toast (self, message);
    }
}

static void
on_export_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       MfdResultsPage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      const char *format = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "format");
      const char *lang = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "language");

      mfd_results_page_export_async (self, file,
                                     g_strcmp0 (format, "json") == 0 ? MFD_REPORT_JSON : MFD_REPORT_MARKDOWN,
                                     g_strcmp0 (lang, "ui") == 0 ? NULL : lang,
                                     NULL, on_export_done_cb, NULL);
    }
  g_object_unref (chooser);
}

static void
mfd_results_page_export_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  GSettings *settings = get_settings (self);
  g_autofree char *lang = settings != NULL ? g_settings_get_string (settings, "report-language") : g_strdup ("ui");
  GtkFileChooserNative *chooser;
  const char *format_ids[] = { "markdown", "json", NULL };
  const char *format_labels[] = { _("Markdown (.md)"), _("JSON (.json)"), NULL };
  const char *lang_ids[] = { "ui", "en", "ja", NULL };
  const char *lang_labels[] = { _("The app's language"), _("English"), _("Japanese"), NULL };

  if (self->diagnosis == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Export Report"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "mail-flow-doctor-report.md");
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"), format_ids, format_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "markdown");
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "language", _("Language"), lang_ids, lang_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "language", lang);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
remind_cb (gpointer user_data)
{
  MfdResultsPage *self = user_data;
  GApplication *app = g_application_get_default ();

  self->remind_source = 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.remind", TRUE);

  if (app != NULL)
    {
      g_autoptr(GNotification) notification = g_notification_new (_("Time to check the connector again"));
      g_autofree char *where = self->diagnosis != NULL
                               ? mfd_target_describe (mfd_diagnosis_get_target (self->diagnosis), NULL)
                               : g_strdup ("");
      g_autofree char *body = g_strdup_printf (_("An hour has passed since you checked %s. Changes in Exchange Online should be in effect now: run the checks again to confirm the fix."),
                                               where);

      g_notification_set_body (notification, body);
      g_application_send_notification (app, "recheck", notification);
      g_application_release (app);
    }
  return G_SOURCE_REMOVE;
}

static void
mfd_results_page_remind_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  GApplication *app = g_application_get_default ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, REMIND_AFTER_SECONDS);
  /* Translators: a strftime format for the reminder's time. */
  g_autofree char *when = g_date_time_format (then, _("%H:%M"));
  g_autofree char *message = g_strdup_printf (_("You will be reminded at %s. Keep the app running."), when);

  if (self->remind_source != 0)
    return;

  /* The reminder must outlive the window if the user closes it. */
  if (app != NULL)
    g_application_hold (app);
  self->remind_source = g_timeout_add_seconds (REMIND_AFTER_SECONDS, remind_cb, self);
  gtk_widget_action_set_enabled (widget, "results.remind", FALSE);
  show_toast (self, message);
}

static void
mfd_results_page_dispose (GObject *object)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (object);

  cancel_build (self);
  g_cancellable_cancel (self->cancellable);
  if (self->remind_source != 0)
    {
      g_clear_handle_id (&self->remind_source, g_source_remove);
      if (g_application_get_default () != NULL)
        g_application_release (g_application_get_default ());
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_RESULTS_PAGE);
  g_clear_object (&self->diagnosis);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->ranges, mfd_eop_ranges_free);

  G_OBJECT_CLASS (mfd_results_page_parent_class)->dispose (object);
}

static void
mfd_results_page_finalize (GObject *object)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (object);

  g_clear_pointer (&self->views, g_ptr_array_unref);
  g_clear_pointer (&self->finding_widgets, g_ptr_array_unref);
  g_free (self->status_title);

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
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, findings_box);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, ranges_group);
  gtk_widget_class_bind_template_child (widget_class, MfdResultsPage, ranges_row);

  gtk_widget_class_install_action (widget_class, "results.recheck", NULL, mfd_results_page_recheck_action);
  gtk_widget_class_install_action (widget_class, "results.copy-report", NULL, mfd_results_page_copy_report_action);
  gtk_widget_class_install_action (widget_class, "results.copy-ranges", NULL, mfd_results_page_copy_ranges_action);
  gtk_widget_class_install_action (widget_class, "results.export", NULL, mfd_results_page_export_action);
  gtk_widget_class_install_action (widget_class, "results.remind", NULL, mfd_results_page_remind_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "results.recheck", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "results.export", NULL);
}

static void
mfd_results_page_init (MfdResultsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->views = g_ptr_array_new_with_free_func (finding_view_free);
  self->finding_widgets = g_ptr_array_new ();
  g_queue_init (&self->pending);
}

void
mfd_results_page_set_diagnosis (MfdResultsPage *self,
                                MfdDiagnosis   *diagnosis)
{
  g_return_if_fail (MFD_IS_RESULTS_PAGE (self));
  g_return_if_fail (MFD_IS_DIAGNOSIS (diagnosis));

  g_set_object (&self->diagnosis, diagnosis);
  give_ranges_to_report (self);
  rebuild (self);
  fetch_ranges (self);
}

MfdDiagnosis *
mfd_results_page_get_diagnosis (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);

  return self->diagnosis;
}

static void
on_report_written_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
mfd_results_page_export_async (MfdResultsPage      *self,
                               GFile               *file,
                               MfdReportFormat      format,
                               const char          *lang,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *report;

  g_return_if_fail (MFD_IS_RESULTS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->diagnosis != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_results_page_export_async);

  report = mfd_report_render_diagnosis (self->diagnosis, format, lang);
  bytes = g_bytes_new_take (report, strlen (report));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_report_written_cb, g_steal_pointer (&task));
}

gboolean
mfd_results_page_export_finish (MfdResultsPage  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_results_page_export_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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

  return self->remind_source != 0;
}

/* Whether every finding is on the page (their closed details aside). */
gboolean
mfd_results_page_is_built (MfdResultsPage *self)
{
  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), FALSE);

  return g_queue_is_empty (&self->pending);
}
