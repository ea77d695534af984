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

/* A command on the page, refilled in place when a value is typed above
 * the steps (rebuilding the findings would untick the steps). */
typedef struct
{
  guint      view;
  guint      step;
  GtkLabel  *label;
  GtkWidget *button;
  GtkWidget *mark;
} CommandRow;

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
  GArray         *command_rows;   /* (element-type CommandRow) */
  guint           asked;          /* (MfdRemedyFill bits) the form asks for */
  AdwEntryRow    *fill_rows[MFD_REMEDY_N_FILLS];
  guint           remind_source;
  char           *status_title;

  /* Template widgets */
  GtkLabel       *target_label;
  GtkLabel       *summary_label;
  GtkLabel       *comparison_label;
  GtkLabel       *checked_label;
  GtkLabel       *settings_label;
  AdwStatusPage  *status_page;
  AdwPreferencesGroup *fill_group;
  GtkBox         *findings_box;
  AdwPreferencesGroup *ranges_group;
  AdwExpanderRow *ranges_row;
  GtkWidget      *vantage_banner;
  GtkLabel       *vantage_banner_label;
  GtkBox         *ndr_box;
  AdwPreferencesGroup *vantage_group;

  GPtrArray      *lead_widgets;   /* what rebuild() put in ndr_box and vantage_group */
  char           *ndr_lead;
  guint           n_microsoft_checks;
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
copy_command (MfdResultsPage *self,
              const char     *command)
{
  g_autofree char *placeholder = mfd_remedy_command_dup_placeholder (command);

  if (placeholder != NULL)
    {
      /* Translators: %s is what is still to be replaced, e.g. "<domain>". */
      g_autofree char *message = g_strdup_printf (_("Copied, but the command still contains %s: replace it before you run it"),
                                                  placeholder);

      copy_text (self, command, message);
    }
  else
    {
      copy_text (self, command, _("Command copied"));
    }
}

static void
on_copy_command_cb (GtkButton      *button,
                    MfdResultsPage *self)
{
  copy_command (self, g_object_get_data (G_OBJECT (button), "command"));
}

static void
show_command (CommandRow *row,
              const char *command)
{
  gboolean unfilled = mfd_remedy_command_has_placeholder (command);

  gtk_label_set_label (row->label, command);
  g_object_set_data_full (G_OBJECT (row->button), "command", g_strdup (command), g_free);
  gtk_widget_set_visible (row->mark, unfilled);
}

/* A command wraps between its words ("-Identity", "\"Contoso\"", "$false"),
 * never inside one: the text's own break rules would split
 * "Set-OutboundConnector" after "Set-" and "postmaster@" anywhere. A
 * word too long for a line (a long -Properties list) may still break
 * inside, so nothing is cut off at 360 px. */
#define MAX_UNBROKEN_WORD 32

static void
add_command_breaks (PangoAttrList *attributes,
                    const char    *command)
{
  const char *word = command;

  while (*word != '\0')
    {
      const char *end = word;

      while (*end != '\0' && *end != ' ')
        end++;
      if (end - word > 1 && end - word <= MAX_UNBROKEN_WORD)
        {
          PangoAttribute *keep = pango_attr_allow_breaks_new (FALSE);

          keep->start_index = word - command;
          keep->end_index = end - command;
          pango_attr_list_insert (attributes, keep);
        }
      word = *end == ' ' ? end + 1 : end;
    }
}

static GtkWidget *
create_command_row (MfdResultsPage *self,
                    guint           view,
                    guint           step,
                    const char     *command)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = mfd_ui_wrapping_label_new (command, "monospace");
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkWidget *mark = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  g_autoptr(PangoAttrList) attributes = NULL;
  CommandRow command_row = { view, step, GTK_LABEL (label), button, mark };

  /* A hyphen added at a line break would read as part of the command. */
  attributes = pango_attr_list_new ();
  pango_attr_list_insert (attributes, pango_attr_insert_hyphens_new (FALSE));
  add_command_breaks (attributes, command);
  gtk_label_set_attributes (GTK_LABEL (label), attributes);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
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
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_copy_command_cb), self, 0);
  /* A command that still holds a <placeholder> fails in PowerShell. */
  gtk_widget_add_css_class (mark, "warning");
  gtk_widget_set_valign (mark, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (mark, _("Still contains a placeholder: fill in the values above the findings"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Still contains a placeholder: fill in the values above the findings"), -1);
  gtk_box_append (GTK_BOX (box), mark);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);
  show_command (&command_row, command);
  /* Only a finding's commands are filled from the form; EOP's own steps and
   * the Microsoft-side checks keep their mark when a value is missing. */
  if (view != G_MAXUINT)
    g_array_append_val (self->command_rows, command_row);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
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
  /* Read-only: Tab goes to what can be acted on. */
  gtk_widget_set_focusable (row, FALSE);
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
                                                              "view-list-bullet-symbolic"));
    }
}

static void
build_step (MfdResultsPage *self,
            AdwExpanderRow *details,
            guint           view_index,
            guint           i)
{
  FindingView *view = self->views->pdata[view_index];
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
    adw_expander_row_add_row (details, create_command_row (self, view_index, i, step->command));
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

/* The chain as the server presented it: on Windows there is no openssl to
 * look with, and the SHA-1 thumbprint is what Exchange lists. */
static GtkWidget *
create_certificate_row (MfdResultsPage *self,
                        MfdFinding     *finding,
                        const char     *certificate)
{
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  GtkWidget *inner = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *text = mfd_ui_wrapping_label_new (certificate, "monospace");
  GtkWidget *note = mfd_ui_wrapping_label_new (_("SHA-1 is the thumbprint that Exchange Server (Get-ExchangeCertificate) and the Windows certificate store show."),
                                               "dim-label");
  GPtrArray *observations = mfd_diagnosis_get_observations (self->diagnosis);
  const char *sha1 = NULL;

  for (guint i = 0; i < observations->len && sha1 == NULL; i++)
    {
      MfdObservation *o = observations->pdata[i];

      if (o->stage == MFD_STAGE_CERTIFICATE && g_strcmp0 (o->host, finding->host) == 0 &&
          (finding->ip == NULL || g_strcmp0 (o->ip, finding->ip) == 0))
        sha1 = mfd_observation_get_fact (o, "sha1");
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Certificate the server presented"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
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

/* Only a problem carries EOP's reply ("450 4.4.316"): a warning is no
 * error EOP sends, and what this computer cannot see is no verdict. */
static char *
dup_chip_text (MfdFinding *finding)
{
  if (finding->inconclusive)
    return g_strdup (_("Not verifiable from here"));
  if (finding->warning)
    return g_strdup (_("Warning"));
  return g_strdup_printf ("%d %s", finding->reply, finding->code);
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
  {
    GtkWidget *chip = mfd_ui_code_chip_new (finding->reply, finding->code, finding->warning);
    g_autofree char *text = dup_chip_text (finding);

    gtk_label_set_label (GTK_LABEL (chip), text);
    if (finding->inconclusive)
      {
        gtk_widget_remove_css_class (chip, "error");
        gtk_widget_remove_css_class (chip, "warning");
        gtk_widget_add_css_class (chip, "dim-label");
      }
    gtk_box_append (GTK_BOX (header), chip);
  }
  gtk_box_append (GTK_BOX (box), header);

  if (finding->inconclusive)
    {
      g_autofree char *reason = mfd_diagnosis_dup_not_verifiable (self->diagnosis, finding, NULL);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (about),
                                 create_subtitle_row (_("Not verifiable from here"), reason != NULL ? reason : "",
                                                      "dialog-question-symbolic"));
    }
  else if (finding->warning)
    {
      g_autofree char *note = mfd_report_dup_warning_note (finding, NULL);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (about),
                                 create_subtitle_row (_("What EOP does with it"), note, "dialog-information-symbolic"));
    }

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (about),
                             create_subtitle_row (_("What we saw"), view->evidence != NULL ? view->evidence : "",
                                                  "system-search-symbolic"));

  {
    g_autofree char *certificate = mfd_report_dup_certificate (self->diagnosis, finding);

    if (certificate != NULL)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (about), create_certificate_row (self, finding, certificate));
  }

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
      build_step (self, build->details, build->index, build->step++);
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
  GSettings *settings = get_settings (self);
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
  GSettings *settings = get_settings (self);
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
  for (guint i = 0; i < self->command_rows->len; i++)
    {
      CommandRow *row = &g_array_index (self->command_rows, CommandRow, i);
      FindingView *view;

      /* EOP's own steps and the Microsoft-side checks belong to no finding. */
      if (row->view >= self->views->len)
        continue;
      view = self->views->pdata[row->view];
      if (view->remedy != NULL && row->step < view->remedy->steps->len)
        show_command (row, ((MfdRemedyStep *) view->remedy->steps->pdata[row->step])->command);
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
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mfd_tr (NULL, mfd_remedy_fill_get_label (i)));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
      g_object_set_data (G_OBJECT (row), "mfd-fill", GUINT_TO_POINTER (i));
      g_signal_connect_object (row, "changed", G_CALLBACK (on_fill_changed_cb), self, 0);
      adw_preferences_group_add (self->fill_group, GTK_WIDGET (row));
      self->fill_rows[i] = row;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fill_group), self->asked != 0);
}

static void
show_ranges (MfdResultsPage *self)
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

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ranges[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
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
static void
show_run_facts (MfdResultsPage *self)
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

static void
clear_lead (MfdResultsPage *self)
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

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
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
          GtkWidget *command = create_command_row (self, G_MAXUINT, i, step->command);

          if (to_vantage)
            add_to_vantage_group (self, command);
          else
            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), command);
        }
    }
}

/* Started from an NDR: EOP's code, what it means and its fix come first;
 * what this computer confirmed, contradicted or could not check follows. */
static gboolean
show_ndr_lead (MfdResultsPage *self)
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
                                 create_subtitle_row (_("EOP tried"), where, "network-server-symbolic"));
    }
  if (remedy != NULL && remedy->explanation != NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               create_subtitle_row (_("What this means"), remedy->explanation,
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
static void
show_vantage (MfdResultsPage *self)
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
      GtkWidget *row = create_subtitle_row (mfd_vantage_is_skipped (vantage) ? _("Not checked") : _("Control checks"),
                                            detail, "dialog-question-symbolic");

      add_to_vantage_group (self, row);
      row = create_subtitle_row (_("Check from Microsoft's side"),
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

      add_to_vantage_group (self, create_subtitle_row (_("Exchange Online cannot reach this address"), text,
                                                       "dialog-warning-symbolic"));
      show_group = TRUE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->vantage_group), show_group);
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
  clear_lead (self);
  gtk_widget_set_visible (GTK_WIDGET (self->ndr_box), FALSE);
  /* With an NDR the comparison belongs to the lead, under EOP's words. */
  if (show_ndr_lead (self))
    g_clear_pointer (&comparison, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->comparison_label), comparison != NULL);
  gtk_label_set_label (self->comparison_label, comparison != NULL ? comparison : "");
  show_run_facts (self);
  show_vantage (self);

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
  const char * const *ranges;

  ranges = self->diagnosis != NULL ? mfd_diagnosis_get_eop_ranges (self->diagnosis) : NULL;
  if (ranges == NULL)
    return;
  text = g_strjoinv ("\n", (char **) ranges);
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
      GFile *file = g_task_get_task_data (G_TASK (result));
      g_autofree char *where = g_file_get_parse_name (file);
      g_autofree char *message = g_strdup_printf (_("Report saved to %s"), where);

      show_toast (self, message);
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
      g_autofree char *basename = g_file_get_basename (file);

      /* The suggested name ends in .md; JSON chosen afterwards gets its own. */
      if (g_strcmp0 (format, "json") == 0 && basename != NULL && g_str_has_suffix (basename, ".md"))
        {
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *stem = g_strndup (basename, strlen (basename) - 3);
          g_autofree char *json_name = g_strconcat (stem, ".json", NULL);

          if (parent != NULL)
            g_set_object (&file, g_file_get_child (parent, json_name));
        }

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
  {
    g_autofree char *name = mfd_results_page_dup_export_name (self, "md");

    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  }
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"), format_ids, format_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "markdown");
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "language", _("Language"), lang_ids, lang_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "language", lang);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* "mail-flow-doctor-mail.contoso.com-2026-12-07.md": which server, and
 * when, without opening the file. */
char *
mfd_results_page_dup_export_name (MfdResultsPage *self,
                                  const char     *extension)
{
  MfdTarget *target;
  GPtrArray *hosts;
  const char * const *domains;
  const char *name = NULL;
  g_autofree char *safe = NULL;
  g_autofree char *date = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);
  g_return_val_if_fail (self->diagnosis != NULL, NULL);

  target = mfd_diagnosis_get_target (self->diagnosis);
  hosts = target != NULL ? mfd_target_get_smart_hosts (target) : NULL;
  domains = target != NULL ? mfd_target_get_mx_domains (target) : NULL;
  if (hosts != NULL && hosts->len > 0)
    name = ((MfdTargetHost *) hosts->pdata[0])->host;
  else if (domains != NULL && domains[0] != NULL)
    name = domains[0];
  else if (target != NULL)
    name = mfd_target_get_connector_name (target);

  /* Only what every file system takes in a name. */
  safe = g_strdup (name != NULL ? name : "report");
  for (char *p = safe; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      *p = '-';
  if (strlen (safe) > 64)
    safe[64] = '\0';

  local = g_date_time_to_local (mfd_diagnosis_get_time (self->diagnosis));
  date = g_date_time_format (local, "%Y-%m-%d");

  return g_strdup_printf ("mail-flow-doctor-%s-%s.%s", safe, date, extension);
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
  if (self->remind_source != 0)
    {
      g_clear_handle_id (&self->remind_source, g_source_remove);
      if (g_application_get_default () != NULL)
        g_application_release (g_application_get_default ());
    }
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
  self->command_rows = g_array_new (FALSE, TRUE, sizeof (CommandRow));
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
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

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
  copy_command (self, command);
}

guint
mfd_results_page_count_marked_commands (MfdResultsPage *self)
{
  guint n = 0;

  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), 0);

  for (guint i = 0; i < self->command_rows->len; i++)
    if (gtk_widget_get_visible (g_array_index (self->command_rows, CommandRow, i).mark))
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

  return view != NULL ? dup_chip_text (view->finding) : NULL;
}
