/* mfd-window.c — the wizard frame
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-checks-page.h"
#include "mfd-connectors-page.h"
#include "mfd-ndr-page.h"
#include "mfd-practice-page.h"
#include "mfd-results-page.h"
#include "mfd-start-page.h"
#include "mfd-ui-util.h"
#include "mfd-watch-history-window.h"
#include "mfd-window-private.h"

/* A page's light news: gone after this long, or when the page is left. */
#define TOAST_SECONDS 5
/* libadwaita 1.2 frees a toast's state when its hide animation ends, even
 * while its show animation (up to 500 ms when it replaces another) still
 * runs: dismissing a toast that young crashed now and then. Our own
 * dismissals wait until it has been shown this long. */
#define TOAST_SETTLE_MS 700

struct _MfdWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GPtrArray            *history;      /* page names we came from, for Back */
  MfdConnectorStore    *store;
  MfdLab               *lab;          /* the practice server, while practising */
  MfdRecentList        *recent;       /* the application's */
  GPtrArray            *toasts;       /* (element-type AdwToast) shown by mfd_window_add_toast */
  char                 *last_toast;   /* for tests */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkButton            *back_button;
  AdwWindowTitle       *title;
  GtkRevealer          *practice_revealer;
  GtkLabel             *practice_label;
  MfdStartPage         *start_page;
  MfdConnectorsPage    *connectors_page;
  MfdNdrPage           *ndr_page;
  MfdChecksPage        *checks_page;
  MfdResultsPage       *results_page;
  MfdPracticePage      *practice_page;
};

G_DEFINE_FINAL_TYPE (MfdWindow, mfd_window, ADW_TYPE_APPLICATION_WINDOW)

static void on_page_changed_cb (MfdWindow *self);
static void forget_toast   (gpointer   data);

static void
update_header (MfdWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);
  GtkStackPage *page = gtk_stack_get_page (self->stack, child);

  adw_window_title_set_title (self->title, gtk_stack_page_get_title (page));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->history->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", self->history->len > 0);
}

static void
stop_practice (MfdWindow *self)
{
  g_clear_pointer (&self->lab, mfd_lab_free);
  gtk_revealer_set_reveal_child (self->practice_revealer, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop-practice", FALSE);
}

static void
go_back (MfdWindow *self)
{
  g_autofree char *previous = NULL;

  if (self->history->len == 0)
    return;

  /* Leaving the checks stops them: nothing keeps running unseen. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "checks") == 0)
    mfd_checks_page_cancel (self->checks_page);

  previous = g_ptr_array_steal_index (self->history, self->history->len - 1);
  if (g_str_equal (previous, "start"))
    stop_practice (self);

  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT);
  gtk_stack_set_visible_child_name (self->stack, previous);
  update_header (self);
}

static void
on_checks_finished_cb (MfdWindow     *self,
                       MfdDiagnosis  *diagnosis,
                       MfdChecksPage *page)
{
  /* A practice run is no diagnosis of the user's mail flow, and its
   * server is gone once the practice ends. */
  if (self->lab == NULL)
    mfd_recent_list_add (self->recent, diagnosis);
  mfd_window_show_diagnosis (self, diagnosis);
}

static void
on_checks_failed_cb (MfdWindow     *self,
                     const char    *message,
                     MfdChecksPage *page)
{
  mfd_window_add_toast (self, message);
}

static void
mfd_window_back_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  go_back (MFD_WINDOW (widget));
}

static void
mfd_window_show_page_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  mfd_window_show_page (MFD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
mfd_window_stop_practice_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  MfdWindow *self = MFD_WINDOW (widget);

  mfd_checks_page_cancel (self->checks_page);
  stop_practice (self);
  mfd_window_show_page (self, "start");
}

/* Pages ask for a toast through this action rather than calling in. */
static void
mfd_window_toast_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  mfd_window_add_toast (MFD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* The start page's watched rows and the connectors' history buttons: the
 * timeline of one watched target. */
static void
mfd_window_show_watch_history_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  GtkWidget *history = mfd_watch_history_window_new (GTK_WINDOW (widget),
                                                     g_variant_get_string (parameter, NULL), NULL);

  gtk_window_present (GTK_WINDOW (history));
}

/* The connectors and NDR pages ask for checks with a signal. */
static void
on_connector_checks_cb (MfdWindow *self,
                        MfdTarget *target)
{
  mfd_window_run_checks (self, target, NULL);
}

static void
on_ndr_checks_cb (MfdWindow   *self,
                  MfdTarget   *target,
                  MfdNdrEntry *entry)
{
  mfd_window_run_checks (self, target, entry);
}

/* The practice page's rows: a scenario's id. */
static void
mfd_window_start_practice_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  MfdWindow *self = MFD_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  MfdLabScenario scenario;

  if (!mfd_lab_scenario_from_id (g_variant_get_string (parameter, NULL), &scenario))
    return;
  if (!mfd_window_start_practice (self, scenario, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not start the practice server: %s"), error->message);

      mfd_window_add_toast (self, message);
    }
}

/* The start page's recent rows: (id, connector name or ""). */
static void
mfd_window_reopen_recent_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  MfdWindow *self = MFD_WINDOW (widget);
  const char *id, *connector;

  g_variant_get (parameter, "(&s&s)", &id, &connector);
  if (!mfd_window_reopen_recent (self, id, *connector != '\0' ? connector : NULL))
    mfd_window_add_toast (self, _("This diagnosis is from an earlier session and its connector is no longer saved"));
}

/* The results page's Re-check: the same target and NDR entry again. */
static void
mfd_window_recheck_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  MfdWindow *self = MFD_WINDOW (widget);
  MfdDiagnosis *diagnosis = mfd_results_page_get_diagnosis (self->results_page);

  if (diagnosis != NULL)
    mfd_window_run_checks (self, mfd_diagnosis_get_target (diagnosis), mfd_diagnosis_get_ndr_entry (diagnosis));
}

static void
save_window_state (MfdWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
mfd_window_close_request (GtkWindow *window)
{
  save_window_state (MFD_WINDOW (window));

  return GTK_WINDOW_CLASS (mfd_window_parent_class)->close_request (window);
}

static void
mfd_window_dispose (GObject *object)
{
  MfdWindow *self = MFD_WINDOW (object);

  g_clear_pointer (&self->toasts, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_WINDOW);
  g_clear_pointer (&self->lab, mfd_lab_free);

  G_OBJECT_CLASS (mfd_window_parent_class)->dispose (object);
}

static void
mfd_window_finalize (GObject *object)
{
  MfdWindow *self = MFD_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_object (&self->recent);
  g_clear_pointer (&self->last_toast, g_free);

  G_OBJECT_CLASS (mfd_window_parent_class)->finalize (object);
}

/* The application owns the settings: known once "application" is set,
 * which is after construction. */
static void
load_window_state (MfdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  int width, height;

  self->settings = g_object_ref (mfd_application_get_settings (MFD_APPLICATION (app)));
  self->recent = g_object_ref (mfd_application_get_recent (MFD_APPLICATION (app)));
  mfd_start_page_set_recent (self->start_page, G_LIST_MODEL (self->recent));
  mfd_start_page_set_watched (self->start_page,
                              G_LIST_MODEL (mfd_application_get_watch_model (MFD_APPLICATION (app))));
  mfd_connectors_page_set_watch_model (self->connectors_page,
                                       mfd_application_get_watch_model (MFD_APPLICATION (app)));
  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
mfd_window_class_init (MfdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mfd_window_dispose;
  object_class->finalize = mfd_window_finalize;
  window_class->close_request = mfd_window_close_request;

  g_type_ensure (MFD_TYPE_START_PAGE);
  g_type_ensure (MFD_TYPE_CONNECTORS_PAGE);
  g_type_ensure (MFD_TYPE_NDR_PAGE);
  g_type_ensure (MFD_TYPE_CHECKS_PAGE);
  g_type_ensure (MFD_TYPE_RESULTS_PAGE);
  g_type_ensure (MFD_TYPE_PRACTICE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, title);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, practice_revealer);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, practice_label);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, connectors_page);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, ndr_page);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, checks_page);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, results_page);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, practice_page);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, mfd_window_back_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", mfd_window_show_page_action);
  gtk_widget_class_install_action (widget_class, "win.stop-practice", NULL, mfd_window_stop_practice_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", mfd_window_toast_action);
  gtk_widget_class_install_action (widget_class, "win.recheck", NULL, mfd_window_recheck_action);
  gtk_widget_class_install_action (widget_class, "win.start-practice", "s", mfd_window_start_practice_action);
  gtk_widget_class_install_action (widget_class, "win.reopen-recent", "(ss)", mfd_window_reopen_recent_action);
  gtk_widget_class_install_action (widget_class, "win.show-watch-history", "s",
                                   mfd_window_show_watch_history_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
}

static void
mfd_window_init (MfdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->history = g_ptr_array_new_with_free_func (g_free);
  self->toasts = g_ptr_array_new_with_free_func (forget_toast);
  g_signal_connect_object (self->stack, "notify::visible-child", G_CALLBACK (on_page_changed_cb), self, G_CONNECT_SWAPPED);

  /* MFD_CONNECTORS_FILE lets tests and screenshots use their own list. */
  self->store = mfd_connector_store_new (g_getenv ("MFD_CONNECTORS_FILE"));

  mfd_connectors_page_set_store (self->connectors_page, self->store);
  mfd_ndr_page_set_store (self->ndr_page, self->store);
  g_signal_connect_object (self->connectors_page, "run-checks",
                           G_CALLBACK (on_connector_checks_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ndr_page, "run-checks",
                           G_CALLBACK (on_ndr_checks_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->checks_page, "finished",
                           G_CALLBACK (on_checks_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->checks_page, "failed",
                           G_CALLBACK (on_checks_failed_cb), self, G_CONNECT_SWAPPED);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop-practice", FALSE);
  update_header (self);
}

MfdWindow *
mfd_window_new (MfdApplication *application)
{
  MfdWindow *self;

  g_return_val_if_fail (MFD_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (mfd_application_get_settings (application) != NULL, NULL);

  self = g_object_new (MFD_TYPE_WINDOW,
                       "application", application,
                       NULL);
  load_window_state (self);
  return self;
}

void
mfd_window_show_page (MfdWindow  *self,
                      const char *name)
{
  const char *current;

  g_return_if_fail (MFD_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (gtk_stack_get_child_by_name (self->stack, name) == NULL)
    {
      g_warning ("No page named “%s”", name);
      return;
    }

  current = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (current, name) == 0)
    return;

  if (g_str_equal (name, "start"))
    {
      g_ptr_array_set_size (self->history, 0);
      stop_practice (self);
    }
  else if (g_str_equal (current, "checks"))
    {
      /* The checks are a passing state: Back from the results skips them. */
    }
  else
    {
      g_ptr_array_add (self->history, g_strdup (current));
    }

  /* Coming back to a page by going forward (Re-check from the results)
   * must not leave it twice on the way back. */
  if (self->history->len > 0 &&
      g_str_equal (g_ptr_array_index (self->history, self->history->len - 1), name))
    g_ptr_array_set_size (self->history, self->history->len - 1);

  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT);
  gtk_stack_set_visible_child_name (self->stack, name);
  update_header (self);
}

const char *
mfd_window_get_page_name (MfdWindow *self)
{
  g_return_val_if_fail (MFD_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
mfd_window_open_file (MfdWindow *self,
                      GFile     *file)
{
  g_return_if_fail (MFD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  mfd_window_show_page (self, "ndr");
  mfd_ndr_page_open_file (self->ndr_page, file);
}

static void
forget_toast (gpointer data)
{
  guint source = GPOINTER_TO_UINT (g_object_get_data (data, "mfd-timeout"));

  if (source != 0)
    g_source_remove (source);
  g_object_set_data (data, "mfd-timeout", NULL);
  g_object_unref (data);
}

static void
on_toast_dismissed_cb (AdwToast  *toast,
                       MfdWindow *self)
{
  if (self->toasts != NULL)
    g_ptr_array_remove (self->toasts, toast);
}

static gboolean
dismiss_toast_cb (gpointer user_data)
{
  g_object_set_data (user_data, "mfd-timeout", NULL);
  adw_toast_dismiss (ADW_TOAST (user_data));
  return G_SOURCE_REMOVE;
}

/* Toasts about one page do not follow the user to the next. */
static void
dismiss_toasts (MfdWindow *self)
{
  g_autoptr(GPtrArray) toasts = NULL;

  if (self->toasts == NULL)
    return;
  toasts = g_ptr_array_copy (self->toasts, (GCopyFunc) g_object_ref, NULL);
  g_ptr_array_set_free_func (toasts, g_object_unref);
  for (guint i = 0; i < toasts->len; i++)
    {
      AdwToast *toast = toasts->pdata[i];
      gint64 *added = g_object_get_data (G_OBJECT (toast), "mfd-added");
      gint64 age_ms = added != NULL ? (g_get_monotonic_time () - *added) / 1000 : TOAST_SETTLE_MS;
      guint source;

      if (age_ms >= TOAST_SETTLE_MS)
        {
          adw_toast_dismiss (toast);
          continue;
        }
      /* Too young: the toast's own timer goes off sooner instead. */
      source = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toast), "mfd-timeout"));
      if (source != 0)
        g_source_remove (source);
      g_object_set_data (G_OBJECT (toast), "mfd-timeout",
                         GUINT_TO_POINTER (g_timeout_add (TOAST_SETTLE_MS - age_ms, dismiss_toast_cb, toast)));
    }
}

static gboolean
dismiss_toasts_cb (gpointer user_data)
{
  g_autoptr(MfdWindow) self = user_data;

  dismiss_toasts (self);
  return G_SOURCE_REMOVE;
}

/* Once the page has changed, not in the middle of the change: the
 * overlay's hide animation must not start while widgets are unmapped. */
static void
on_page_changed_cb (MfdWindow *self)
{
  if (self->toasts != NULL && self->toasts->len > 0)
    g_idle_add (dismiss_toasts_cb, g_object_ref (self));
}

void
mfd_window_add_toast (MfdWindow  *self,
                      const char *title)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_if_fail (MFD_IS_WINDOW (self));

  /* The title is markup in libadwaita 1.2; ours is plain text ("<domain>",
   * a server's reply). */
  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  g_free (self->last_toast);
  self->last_toast = g_strdup (title);
  adw_toast_set_timeout (toast, TOAST_SECONDS);
  g_ptr_array_add (self->toasts, g_object_ref (toast));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self, 0);
  /* AdwToast's own timeout pauses while the window is not focused, which
   * left the toast up for good on a desktop in the background. */
  g_object_set_data (G_OBJECT (toast), "mfd-timeout",
                     GUINT_TO_POINTER (g_timeout_add_seconds (TOAST_SECONDS + 1, dismiss_toast_cb, toast)));
  {
    gint64 *added = g_new (gint64, 1);

    *added = g_get_monotonic_time ();
    g_object_set_data_full (G_OBJECT (toast), "mfd-added", added, g_free);
  }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
mfd_window_get_last_toast (MfdWindow *self)
{
  g_return_val_if_fail (MFD_IS_WINDOW (self), NULL);

  return self->last_toast;
}

guint
mfd_window_get_n_toasts (MfdWindow *self)
{
  g_return_val_if_fail (MFD_IS_WINDOW (self), 0);

  return self->toasts != NULL ? self->toasts->len : 0;
}

MfdConnectorStore *
mfd_window_get_connector_store (MfdWindow *self)
{
  g_return_val_if_fail (MFD_IS_WINDOW (self), NULL);

  return self->store;
}

void
mfd_window_run_checks (MfdWindow   *self,
                       MfdTarget   *target,
                       MfdNdrEntry *ndr_entry)
{
  g_return_if_fail (MFD_IS_WINDOW (self));
  g_return_if_fail (MFD_IS_TARGET (target));

  /* A practice target carries the lab's resolver, name servers and CA. */
  if (self->lab == NULL)
    mfd_ui_apply_settings (self->settings, target);

  mfd_window_show_page (self, "checks");
  mfd_checks_page_run (self->checks_page, target, ndr_entry);
}

gboolean
mfd_window_start_practice (MfdWindow       *self,
                           MfdLabScenario   scenario,
                           GError         **error)
{
  g_autoptr(MfdTarget) target = NULL;
  g_autofree char *banner = NULL;
  MfdLab *lab;

  g_return_val_if_fail (MFD_IS_WINDOW (self), FALSE);

  stop_practice (self);
  lab = mfd_lab_new (scenario, error);
  if (lab == NULL)
    return FALSE;
  self->lab = lab;

  /* The same practice target as `mail-flow-doctor check --practice`. */
  target = mfd_lab_new_target (lab, NULL);

  banner = g_strdup_printf (_("Practice: “%s”. The server runs on this computer and fails on purpose; nothing is sent to the internet."),
                            mfd_trc (NULL, "practice", mfd_lab_scenario_get_title (scenario)));
  gtk_label_set_label (self->practice_label, banner);
  gtk_revealer_set_reveal_child (self->practice_revealer, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop-practice", TRUE);

  mfd_window_run_checks (self, target, NULL);
  return TRUE;
}

gboolean
mfd_window_is_practising (MfdWindow *self)
{
  g_return_val_if_fail (MFD_IS_WINDOW (self), FALSE);

  return self->lab != NULL;
}

void
mfd_window_show_diagnosis (MfdWindow    *self,
                           MfdDiagnosis *diagnosis)
{
  g_return_if_fail (MFD_IS_WINDOW (self));
  g_return_if_fail (diagnosis != NULL);

  mfd_results_page_set_diagnosis (self->results_page, diagnosis);
  mfd_window_show_page (self, "results");
}

gboolean
mfd_window_reopen_recent (MfdWindow  *self,
                          const char *id,
                          const char *connector_name)
{
  MfdDiagnosis *diagnosis;
  MfdConnector *connector;

  g_return_val_if_fail (MFD_IS_WINDOW (self), FALSE);

  diagnosis = mfd_recent_list_lookup (self->recent, id);
  if (diagnosis != NULL)
    {
      mfd_results_page_set_diagnosis (self->results_page, diagnosis);
      mfd_window_show_page (self, "results");
      return TRUE;
    }

  /* From an earlier session only the connector is known: check it afresh. */
  connector = connector_name != NULL ? mfd_connector_store_find (self->store, connector_name) : NULL;
  if (connector != NULL)
    {
      g_autoptr(MfdTarget) target = mfd_target_new_for_connector (connector);

      mfd_window_run_checks (self, target, NULL);
      return TRUE;
    }

  return FALSE;
}

GtkWidget *
mfd_window_get_page (MfdWindow  *self,
                     const char *name)
{
  g_return_val_if_fail (MFD_IS_WINDOW (self), NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
}
