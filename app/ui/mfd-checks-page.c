/* mfd-checks-page.c — the check (MfdCheck), live: one expander per host/address
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-checks-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-checks-page.h"
#include "mfd-ui-util.h"

typedef struct
{
  AdwActionRow *row;
  GtkStack     *state;         /* "spinner" or "icon" */
  GtkSpinner   *spinner;
  GtkImage     *icon;
  GtkLabel     *ms;
  gboolean      finished;
} StepRow;

/* A row of a policy group: one host (or address, or domain). */
typedef struct
{
  char    *host;
  char    *ip;
  StepRow  step;
} PolicyRow;

typedef struct
{
  char           *host;
  char           *ip;
  AdwExpanderRow *row;
  StepRow         steps[MFD_N_STAGES];
  guint           running;
  gboolean        reached_end;  /* its last step finished */
  MfdOutcome      worst;
  gboolean        any_finished;
  /* DANE and MTA-STS are the recipient domain's policies, not steps of a
   * conversation: each has a group of its own ("DANE", "MTA-STS") with a
   * row per MX host address (and the domain, for MTA-STS). */
  MfdStage        policy;       /* MFD_N_STAGES: a host/address group */
  GPtrArray      *policy_rows;  /* (element-type PolicyRow) */
} Group;

struct _MfdChecksPage
{
  AdwBin          parent_instance;

  MfdCheck       *check;           /* the one pipeline; this page only shows it */
  GCancellable   *cancellable;
  GPtrArray      *groups;          /* (element-type Group) in order of appearance */
  gboolean        running;
  gboolean        cancelled;

  /* Template widgets */
  GtkLabel       *target_label;
  GtkLabel       *tls_label;
  GtkLabel       *progress_label;
  GtkProgressBar *progress_bar;
  GtkListBox     *hosts_list;
};

enum {
  FINISHED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MfdChecksPage, mfd_checks_page, ADW_TYPE_BIN)

static void
policy_row_free (gpointer data)
{
  PolicyRow *row = data;

  g_free (row->host);
  g_free (row->ip);
  g_free (row);
}

static void
group_free (gpointer data)
{
  Group *group = data;

  g_free (group->host);
  g_free (group->ip);
  g_clear_pointer (&group->policy_rows, g_ptr_array_unref);
  g_free (group);
}

static gboolean
stage_is_policy (MfdStage stage)
{
  return stage == MFD_STAGE_DANE || stage == MFD_STAGE_MTA_STS;
}

static gboolean
group_is_done (MfdChecksPage *self,
               Group         *group)
{
  if (!self->running)
    return TRUE;
  if (group->running > 0)
    return FALSE;
  if (group->policy != MFD_N_STAGES)
    return group->any_finished;
  return group->reached_end || (group->any_finished && group->worst == MFD_OUTCOME_FAIL);
}

static int
outcome_severity (MfdOutcome outcome)
{
  switch (outcome)
    {
    case MFD_OUTCOME_FAIL:
      return 3;
    case MFD_OUTCOME_INCONCLUSIVE:
    case MFD_OUTCOME_WARNING:
      return 2;
    case MFD_OUTCOME_OK:
      return 1;
    case MFD_OUTCOME_SKIPPED:
    default:
      return 0;
    }
}

/* Hosts, not rows: a host's name lookup and each of its addresses have a
 * row each, and "1 of 2 hosts" for one server confused. A host is done
 * when all of its rows are. */
static void
count_hosts (MfdChecksPage *self,
             guint         *done,
             guint         *total)
{
  g_autoptr(GHashTable) pending = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) hosts = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *group = self->groups->pdata[i];
      const char *name = group->host != NULL ? group->host : (group->ip != NULL ? group->ip : "");

      if (group->policy != MFD_N_STAGES)
        continue;
      g_hash_table_add (hosts, (gpointer) name);
      if (!group_is_done (self, group))
        g_hash_table_add (pending, (gpointer) name);
    }
  *total = g_hash_table_size (hosts);
  *done = *total - g_hash_table_size (pending);
}

static void
update_progress (MfdChecksPage *self)
{
  g_autofree char *text = NULL;
  guint done;
  guint total;

  count_hosts (self, &done, &total);

  if (self->cancelled)
    text = g_strdup (_("Checks cancelled"));
  else if (!self->running && total > 0)
    text = g_strdup (_("All checks done"));
  else if (total == 0)
    text = g_strdup (_("Starting the checks…"));
  else
    /* Translators: progress of the checks, e.g. "3 of 5 hosts done". */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u host done", "%u of %u hosts done", total),
                            done, total);

  gtk_label_set_label (self->progress_label, text);
  if (self->running && total == 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0.0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checks.cancel", self->running);
}

static void
update_group_subtitle (MfdChecksPage *self,
                       Group         *group)
{
  const char *subtitle;

  if (!group_is_done (self, group))
    subtitle = _("Checking…");
  else if (group->worst == MFD_OUTCOME_FAIL)
    subtitle = _("Problem found");
  else if (group->worst == MFD_OUTCOME_WARNING || group->worst == MFD_OUTCOME_INCONCLUSIVE)
    subtitle = _("Passed with warnings");
  else if (group->any_finished)
    subtitle = _("All steps passed");
  else
    subtitle = _("Not checked");

  adw_expander_row_set_subtitle (group->row, subtitle);
}

static Group *
find_group (MfdChecksPage *self,
            const char    *host,
            const char    *ip)
{
  Group *group;

  for (guint i = 0; i < self->groups->len; i++)
    {
      group = self->groups->pdata[i];
      if (group->policy == MFD_N_STAGES &&
          g_strcmp0 (group->host, host) == 0 && g_strcmp0 (group->ip, ip) == 0)
        return group;
    }

  group = g_new0 (Group, 1);
  group->policy = MFD_N_STAGES;
  group->host = g_strdup (host);
  group->ip = g_strdup (ip);
  group->worst = MFD_OUTCOME_SKIPPED;
  group->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (group->row), FALSE);
  if (ip != NULL)
    {
      g_autofree char *title = g_strdup_printf ("%s (%s)", host != NULL ? host : ip, ip);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (group->row), title);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (group->row), host != NULL ? host : "");
    }
  adw_expander_row_set_expanded (group->row, TRUE);
  gtk_list_box_append (self->hosts_list, GTK_WIDGET (group->row));
  g_ptr_array_add (self->groups, group);
  return group;
}

static void
build_step_row (Group      *group,
                StepRow    *step,
                const char *title);

/* The group of @stage's policy, made when its first step arrives. */
static Group *
find_policy_group (MfdChecksPage *self,
                   MfdStage       stage)
{
  Group *group;

  for (guint i = 0; i < self->groups->len; i++)
    {
      group = self->groups->pdata[i];
      if (group->policy == stage)
        return group;
    }

  group = g_new0 (Group, 1);
  group->policy = stage;
  group->policy_rows = g_ptr_array_new_with_free_func (policy_row_free);
  group->worst = MFD_OUTCOME_SKIPPED;
  group->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (group->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (group->row), mfd_tr (NULL, mfd_stage_get_label (stage)));
  adw_expander_row_set_expanded (group->row, TRUE);
  gtk_list_box_append (self->hosts_list, GTK_WIDGET (group->row));
  g_ptr_array_add (self->groups, group);
  return group;
}

static StepRow *
ensure_policy_row (Group      *group,
                   const char *host,
                   const char *ip)
{
  PolicyRow *row;
  g_autofree char *title = NULL;

  for (guint i = 0; i < group->policy_rows->len; i++)
    {
      row = group->policy_rows->pdata[i];
      if (g_strcmp0 (row->host, host) == 0 && g_strcmp0 (row->ip, ip) == 0)
        return &row->step;
    }
  row = g_new0 (PolicyRow, 1);
  row->host = g_strdup (host);
  row->ip = g_strdup (ip);
  g_ptr_array_add (group->policy_rows, row);
  if (ip != NULL)
    title = g_strdup_printf ("%s (%s)", host != NULL ? host : ip, ip);
  else
    title = g_strdup (host != NULL ? host : "");
  build_step_row (group, &row->step, title);
  return &row->step;
}

static StepRow *
ensure_step_row (Group    *group,
                 MfdStage  stage)
{
  StepRow *step = &group->steps[stage];

  if (step->row == NULL)
    build_step_row (group, step, mfd_tr (NULL, mfd_stage_get_label (stage)));
  return step;
}

static void
build_step_row (Group      *group,
                StepRow    *step,
                const char *title)
{
  GtkWidget *box;

  step->row = ADW_ACTION_ROW (adw_action_row_new ());
  /* Read-only: Tab goes to what can be acted on. */
  gtk_widget_set_focusable (GTK_WIDGET (step->row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (step->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (step->row), title);
  adw_action_row_set_subtitle_lines (step->row, 0);

  step->state = GTK_STACK (gtk_stack_new ());
  step->spinner = GTK_SPINNER (gtk_spinner_new ());
  step->icon = GTK_IMAGE (gtk_image_new ());
  gtk_stack_add_named (step->state, GTK_WIDGET (step->spinner), "spinner");
  gtk_stack_add_named (step->state, GTK_WIDGET (step->icon), "icon");
  gtk_widget_set_valign (GTK_WIDGET (step->state), GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (step->row, GTK_WIDGET (step->state));

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  step->ms = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (step->ms), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (step->ms), "numeric");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (step->ms));
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (step->row, box);

  /* Rows arrive in step order, so appending keeps DNS … QUIT in order. */
  adw_expander_row_add_row (group->row, GTK_WIDGET (step->row));
}

static void
on_step_started_cb (MfdCheck      *check,
                    MfdStage       stage,
                    const char    *host,
                    const char    *ip,
                    MfdChecksPage *self)
{
  Group *group;
  StepRow *step;

  if (check != self->check || stage >= MFD_N_STAGES)
    return;

  if (stage_is_policy (stage))
    {
      group = find_policy_group (self, stage);
      step = ensure_policy_row (group, host, ip);
    }
  else
    {
      group = find_group (self, host, ip);
      step = ensure_step_row (group, stage);
    }
  if (!step->finished)
    {
      group->running++;
      gtk_spinner_start (step->spinner);
      gtk_stack_set_visible_child_name (step->state, "spinner");
      gtk_label_set_label (step->ms, "");
      adw_action_row_set_subtitle (step->row, _("Running…"));
    }
  update_group_subtitle (self, group);
  update_progress (self);
}

static void
show_outcome (StepRow              *step,
              const MfdObservation *observation)
{
  g_autofree char *detail = mfd_observation_dup_detail (observation, NULL);
  const char *icon = NULL;
  const char *style = NULL;
  const char *tooltip = NULL;

  switch (observation->outcome)
    {
    case MFD_OUTCOME_OK:
      icon = "mfd-passed-symbolic", style = "success", tooltip = _("Passed");
      break;
    case MFD_OUTCOME_WARNING:
      icon = "dialog-warning-symbolic", style = "warning", tooltip = _("Warning");
      break;
    case MFD_OUTCOME_FAIL:
      icon = "dialog-error-symbolic", style = "error", tooltip = _("Failed");
      break;
    case MFD_OUTCOME_INCONCLUSIVE:
      icon = "dialog-question-symbolic", style = "warning", tooltip = _("Could not be checked from here");
      break;
    case MFD_OUTCOME_SKIPPED:
    default:
      icon = "media-skip-forward-symbolic", style = "dim-label", tooltip = _("Skipped");
      break;
    }

  gtk_spinner_stop (step->spinner);
  gtk_image_set_from_icon_name (step->icon, icon);
  gtk_widget_set_css_classes (GTK_WIDGET (step->icon), (const char *[]) { style, NULL });
  gtk_widget_set_tooltip_text (GTK_WIDGET (step->icon), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (step->icon), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_stack_set_visible_child_name (step->state, "icon");

  if (observation->outcome == MFD_OUTCOME_SKIPPED)
    {
      gtk_label_set_label (step->ms, _("skipped"));
    }
  else if (observation->ms >= 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, observation->ms);
      /* Translators: elapsed time of a step in milliseconds. */
      g_autofree char *ms = g_strdup_printf (_("%s ms"), number);

      gtk_label_set_label (step->ms, ms);
    }
  adw_action_row_set_subtitle (step->row, detail != NULL ? detail : "");
}

static void
on_step_finished_cb (MfdCheck       *check,
                     MfdObservation *observation,
                     MfdChecksPage  *self)
{
  Group *group;
  StepRow *step;

  if (check != self->check || observation->stage >= MFD_N_STAGES)
    return;

  if (stage_is_policy (observation->stage))
    {
      group = find_policy_group (self, observation->stage);
      step = ensure_policy_row (group, observation->host, observation->ip);
    }
  else
    {
      group = find_group (self, observation->host, observation->ip);
      step = ensure_step_row (group, observation->stage);
    }
  if (!step->finished && gtk_spinner_get_spinning (step->spinner))
    group->running--;
  step->finished = TRUE;
  group->any_finished = TRUE;
  if (outcome_severity (observation->outcome) > outcome_severity (group->worst))
    group->worst = observation->outcome;
  if (observation->stage == MFD_STAGE_QUIT ||
      (observation->ip == NULL && observation->stage == MFD_STAGE_REGISTRATION))
    group->reached_end = TRUE;

  show_outcome (step, observation);
  update_group_subtitle (self, group);
  update_progress (self);
}

static void
stop_spinners (MfdChecksPage *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *group = self->groups->pdata[i];

      guint n_rows = group->policy_rows != NULL ? group->policy_rows->len : MFD_N_STAGES;

      for (guint s = 0; s < n_rows; s++)
        {
          StepRow *step = group->policy_rows != NULL
                          ? &((PolicyRow *) group->policy_rows->pdata[s])->step : &group->steps[s];

          if (step->row != NULL && !step->finished)
            {
              gtk_spinner_stop (step->spinner);
              gtk_image_set_from_icon_name (step->icon, "media-playback-stop-symbolic");
              gtk_widget_set_tooltip_text (GTK_WIDGET (step->icon), _("Stopped"));
              gtk_stack_set_visible_child_name (step->state, "icon");
              adw_action_row_set_subtitle (step->row, _("Stopped before it finished"));
            }
        }
      group->running = 0;
      update_group_subtitle (self, group);
    }
}

static void
on_check_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MfdChecksPage) self = user_data;
  g_autoptr(MfdDiagnosis) diagnosis = NULL;
  g_autoptr(GError) error = NULL;

  diagnosis = mfd_check_run_finish (MFD_CHECK (source), result, &error);

  /* A newer run replaced this one: its result belongs to nobody. */
  if (MFD_CHECK (source) != self->check)
    return;

  self->running = FALSE;
  stop_spinners (self);

  if (diagnosis == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->cancelled = TRUE;
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("The checks could not run: %s"), error->message);

          g_signal_emit (self, signals[FAILED], 0, message);
        }
      update_progress (self);
      return;
    }

  update_progress (self);
  g_signal_emit (self, signals[FINISHED], 0, diagnosis);
}

static void
mfd_checks_page_cancel_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  /* The window's Back cancels the checks on its way. */
  gtk_widget_activate_action (widget, "win.back", NULL);
}

static void
mfd_checks_page_dispose (GObject *object)
{
  MfdChecksPage *self = MFD_CHECKS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->check != NULL)
    g_signal_handlers_disconnect_by_data (self->check, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_CHECKS_PAGE);
  g_clear_object (&self->check);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mfd_checks_page_parent_class)->dispose (object);
}

static void
mfd_checks_page_finalize (GObject *object)
{
  MfdChecksPage *self = MFD_CHECKS_PAGE (object);

  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (mfd_checks_page_parent_class)->finalize (object);
}

static void
mfd_checks_page_class_init (MfdChecksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_checks_page_dispose;
  object_class->finalize = mfd_checks_page_finalize;

  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, MFD_TYPE_DIAGNOSIS);
  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-checks-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdChecksPage, target_label);
  gtk_widget_class_bind_template_child (widget_class, MfdChecksPage, tls_label);
  gtk_widget_class_bind_template_child (widget_class, MfdChecksPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, MfdChecksPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MfdChecksPage, hosts_list);

  gtk_widget_class_install_action (widget_class, "checks.cancel", NULL, mfd_checks_page_cancel_action);
}

static void
mfd_checks_page_init (MfdChecksPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->groups = g_ptr_array_new_with_free_func (group_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checks.cancel", FALSE);
}

void
mfd_checks_page_run (MfdChecksPage *self,
                     MfdTarget     *target,
                     MfdNdrEntry   *ndr_entry)
{
  g_autofree char *where = NULL;
  g_autofree char *tls = NULL;
  MfdTlsMode mode;
  GtkWidget *child;

  g_return_if_fail (MFD_IS_CHECKS_PAGE (self));
  g_return_if_fail (MFD_IS_TARGET (target));

  mfd_checks_page_cancel (self);
  if (self->check != NULL)
    g_signal_handlers_disconnect_by_data (self->check, self);
  g_clear_object (&self->check);
  g_clear_object (&self->cancellable);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->hosts_list))) != NULL)
    gtk_list_box_remove (self->hosts_list, child);
  g_ptr_array_set_size (self->groups, 0);

  self->check = mfd_check_new (target);
  if (ndr_entry != NULL)
    mfd_check_set_ndr_entry (self->check, ndr_entry);
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  self->cancelled = FALSE;

  where = mfd_target_describe (target, NULL);
  gtk_label_set_label (self->target_label, where);
  mode = mfd_target_get_tls_mode (target);
  if (mode == MFD_TLS_DOMAIN_VALIDATION && mfd_target_get_tls_domain (target) != NULL)
    tls = g_strdup_printf (_("TLS: %s (%s)"), mfd_tr (NULL, mfd_tls_mode_get_label (mode)),
                           mfd_target_get_tls_domain (target));
  else
    tls = g_strdup_printf (_("TLS: %s"), mfd_tr (NULL, mfd_tls_mode_get_label (mode)));
  gtk_label_set_label (self->tls_label, tls);

  g_signal_connect (self->check, "step-started", G_CALLBACK (on_step_started_cb), self);
  g_signal_connect (self->check, "step-finished", G_CALLBACK (on_step_finished_cb), self);
  update_progress (self);
  mfd_check_run_async (self->check, self->cancellable, on_check_done_cb, g_object_ref (self));
}

void
mfd_checks_page_cancel (MfdChecksPage *self)
{
  g_return_if_fail (MFD_IS_CHECKS_PAGE (self));

  if (self->running)
    g_cancellable_cancel (self->cancellable);
}

gboolean
mfd_checks_page_is_running (MfdChecksPage *self)
{
  g_return_val_if_fail (MFD_IS_CHECKS_PAGE (self), FALSE);

  return self->running;
}

gboolean
mfd_checks_page_was_cancelled (MfdChecksPage *self)
{
  g_return_val_if_fail (MFD_IS_CHECKS_PAGE (self), FALSE);

  return self->cancelled;
}

const char *
mfd_checks_page_get_progress_text (MfdChecksPage *self)
{
  g_return_val_if_fail (MFD_IS_CHECKS_PAGE (self), NULL);

  return gtk_label_get_label (self->progress_label);
}

guint
mfd_checks_page_get_n_groups (MfdChecksPage *self)
{
  g_return_val_if_fail (MFD_IS_CHECKS_PAGE (self), 0);

  return self->groups->len;
}

guint
mfd_checks_page_get_n_done (MfdChecksPage *self)
{
  guint done = 0;

  g_return_val_if_fail (MFD_IS_CHECKS_PAGE (self), 0);

  for (guint i = 0; i < self->groups->len; i++)
    if (group_is_done (self, self->groups->pdata[i]))
      done++;
  return done;
}

guint
mfd_checks_page_get_n_finished_steps (MfdChecksPage *self)
{
  guint n = 0;

  g_return_val_if_fail (MFD_IS_CHECKS_PAGE (self), 0);

  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *group = self->groups->pdata[i];

      for (guint s = 0; s < MFD_N_STAGES; s++)
        if (group->steps[s].finished)
          n++;
      for (guint r = 0; group->policy_rows != NULL && r < group->policy_rows->len; r++)
        if (((PolicyRow *) group->policy_rows->pdata[r])->step.finished)
          n++;
    }
  return n;
}

guint
mfd_checks_page_get_n_policy_rows (MfdChecksPage *self,
                                   MfdStage       stage,
                                   const char   **title)
{
  g_return_val_if_fail (MFD_IS_CHECKS_PAGE (self), 0);

  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *group = self->groups->pdata[i];

      if (group->policy == stage)
        {
          if (title != NULL)
            *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (group->row));
          return group->policy_rows->len;
        }
    }
  if (title != NULL)
    *title = NULL;
  return 0;
}
