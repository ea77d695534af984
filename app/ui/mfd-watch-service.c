/* mfd-watch-service.c — the application's watcher and its notifications
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watch-service"

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <libportal/portal.h>
#include <libportal-gtk4/portal-gtk4.h>

#include "mfd-ui-util.h"
#include "mfd-watch-service.h"
#include "mfd-window.h"

struct _MfdWatchService
{
  GObject             parent_instance;

  GApplication       *application;   /* (unowned) (nullable): it owns us */
  GSettings          *settings;
  GCancellable       *cancellable;

  MfdConnectorStore  *store;
  MfdWatchList       *list;
  MfdWatchHistory    *history;
  MfdWatcher         *watcher;
  GHashTable         *diagnoses;     /* watch id -> MfdDiagnosis */
  GHashTable         *last_checks;   /* watch id -> LastCheck */

  MfdWatchTargetFunc  target_func;
  gpointer            target_data;
  GDestroyNotify      target_destroy;

  XdpPortal          *portal;
  MfdWatchBackground  background;

  guint               loading : 1;
  guint               held : 1;
};

/* What the start page shows of a watched target: its last check. */
typedef struct
{
  gint64      time;
  MfdVerdict  verdict;
  char       *problem;
} LastCheck;

static void
last_check_free (LastCheck *last)
{
  g_free (last->problem);
  g_free (last);
}

static LastCheck *
last_check_new (MfdWatchRecord *record)
{
  LastCheck *last = g_new0 (LastCheck, 1);

  last->time = record->time;
  last->verdict = record->verdict;
  last->problem = g_strdup (mfd_watch_record_get_problem (record));
  return last;
}

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_WATCHER,
  PROP_BACKGROUND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MfdWatchService, mfd_watch_service, G_TYPE_OBJECT)

char *
mfd_watch_service_notification_id (const char *id)
{
  return g_strconcat ("watch:", id, NULL);
}

static MfdTarget *
build_target_cb (const char  *id,
                 gpointer     user_data,
                 GError     **error)
{
  MfdWatchService *self = user_data;
  MfdTarget *target;

  if (self->target_func != NULL)
    return self->target_func (id, self->target_data, error);

  target = mfd_watch_build_target (id, self->store, error);
  if (target != NULL)
    mfd_ui_apply_settings (self->settings, target);
  return target;
}

static const char *
event_title (MfdWatchEventKind kind)
{
  switch (kind)
    {
    case MFD_WATCH_EVENT_PROBLEM:
      return _("Mail cannot be delivered");
    case MFD_WATCH_EVENT_RECOVERED:
      return _("Mail is delivered again");
    case MFD_WATCH_EVENT_CERT_EXPIRY:
      return _("A certificate expires soon");
    case MFD_WATCH_EVENT_DOMAIN_EXPIRY:
      return _("A domain registration expires soon");
    default:
      return _("A watched connector changed");
    }
}

static void
on_changed_cb (MfdWatcher      *watcher,
               MfdWatchEvent   *event,
               MfdWatchService *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = mfd_watch_event_describe (event, NULL);
  g_autofree char *id = mfd_watch_service_notification_id (event->target);

  notification = g_notification_new (event_title (event->kind));
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification,
                               event->kind == MFD_WATCH_EVENT_PROBLEM
                                 ? G_NOTIFICATION_PRIORITY_HIGH
                                 : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target (notification, "app.show-watch-result",
                                                "s", event->target);
  /* One notification per target: a recovery replaces the problem. */
  if (self->application != NULL)
    g_application_send_notification (self->application, id, notification);
}

static void
on_checked_cb (MfdWatcher      *watcher,
               MfdWatchResult  *result,
               MfdWatchService *self)
{
  if (result->diagnosis != NULL)
    g_hash_table_replace (self->diagnoses, g_strdup (result->target),
                          g_object_ref (result->diagnosis));
  if (result->record != NULL)
    g_hash_table_replace (self->last_checks, g_strdup (result->target),
                          last_check_new (result->record));
  g_signal_emit (self, signals[UPDATED], 0);
}

static void
update_interval (MfdWatchService *self)
{
  if (self->watcher != NULL)
    mfd_watcher_set_interval (self->watcher,
                              g_settings_get_uint (self->settings, "watch-interval-minutes") * 60);
}

static void
on_interval_changed_cb (GSettings       *settings,
                        const char      *key,
                        MfdWatchService *self)
{
  update_interval (self);
}

/* Watching with no window ------------------------------------------------- */

/* Held while the user wants watching in the background and something is
 * watched: GtkApplication releases its own hold with the last window. */
static void
update_hold (MfdWatchService *self)
{
  gboolean hold = self->watcher != NULL
                  && g_settings_get_boolean (self->settings, "watch-in-background");

  if (hold == self->held || self->application == NULL)
    return;
  self->held = hold;
  if (hold)
    g_application_hold (self->application);
  else
    g_application_release (self->application);
}

static void
set_background (MfdWatchService    *self,
                MfdWatchBackground  background)
{
  if (self->background == background)
    return;
  self->background = background;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND]);
}

static void
request_background_cb (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(MfdWatchService) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean allowed = xdp_portal_request_background_finish (XDP_PORTAL (source_object), result, &error);

  if (self->settings == NULL)
    return;  /* disposed meanwhile */

  if (allowed)
    {
      set_background (self, MFD_WATCH_BACKGROUND_ALLOWED);
      return;
    }

  /* The portal's Request said no (or the user closed the dialog); any
   * D-Bus error means there is no portal to ask. */
  if (error != NULL && error->domain != G_IO_ERROR)
    g_debug ("No Background portal: %s", error->message);
  set_background (self, error == NULL || error->domain == G_IO_ERROR
                          ? MFD_WATCH_BACKGROUND_DENIED
                          : MFD_WATCH_BACKGROUND_UNAVAILABLE);
  g_settings_set_boolean (self->settings, "watch-in-background", FALSE);
}

static void
request_background (MfdWatchService *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self->application));
  XdpParent *parent = window != NULL ? xdp_parent_new_gtk (window) : NULL;
  GPtrArray *commandline = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (commandline, g_strdup ("mail-flow-doctor"));
  g_ptr_array_add (commandline, g_strdup ("--background"));
  if (self->portal == NULL)
    self->portal = xdp_portal_new ();
  set_background (self, MFD_WATCH_BACKGROUND_ASKING);
  /* (the command line is handed over: libportal 0.6 frees it) */
  xdp_portal_request_background (self->portal, parent,
                                 (char *) _("Mail Flow Doctor keeps watching your connectors after its window is closed, and from when you log in."),
                                 commandline, XDP_BACKGROUND_FLAG_AUTOSTART,
                                 self->cancellable, request_background_cb, g_object_ref (self));
  if (parent != NULL)
    xdp_parent_free (parent);
}

static void
on_background_changed_cb (GSettings       *settings,
                          const char      *key,
                          MfdWatchService *self)
{
  if (g_settings_get_boolean (settings, "watch-in-background"))
    {
      if (self->background != MFD_WATCH_BACKGROUND_ASKING)
        request_background (self);
    }
  else if (self->background == MFD_WATCH_BACKGROUND_ALLOWED
           || self->background == MFD_WATCH_BACKGROUND_ASKING)
    set_background (self, MFD_WATCH_BACKGROUND_OFF);
  update_hold (self);
}

MfdWatchBackground
mfd_watch_service_get_background (MfdWatchService *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_SERVICE (self), MFD_WATCH_BACKGROUND_OFF);

  return self->background;
}

const char *
mfd_watch_service_get_background_text (MfdWatchService *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_SERVICE (self), NULL);

  switch (self->background)
    {
    case MFD_WATCH_BACKGROUND_ASKING:
      return _("Asking for permission to run in the background…");
    case MFD_WATCH_BACKGROUND_DENIED:
      return _("Running in the background was not allowed: connectors are watched only while the window is open.");
    case MFD_WATCH_BACKGROUND_UNAVAILABLE:
      return _("This system offers no way to run in the background (no Background portal): connectors are watched only while the window is open.");
    case MFD_WATCH_BACKGROUND_OFF:
    case MFD_WATCH_BACKGROUND_ALLOWED:
    default:
      return NULL;
    }
}

/* Loading ------------------------------------------------------------------ */

typedef struct
{
  MfdConnectorStore *store;
  MfdWatchList      *list;
  MfdWatchHistory   *history;
  GHashTable        *last_checks;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->store);
  g_clear_object (&loaded->list);
  g_clear_object (&loaded->history);
  g_clear_pointer (&loaded->last_checks, g_hash_table_unref);
  g_free (loaded);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Loaded *loaded = g_new0 (Loaded, 1);
  g_autoptr(GError) error = NULL;

  /* A damaged connector or watch list is moved aside by the engine; the
   * window reports the connector list, the watcher carries on with what
   * could be read. */
  loaded->store = mfd_connector_store_new (g_getenv ("MFD_CONNECTORS_FILE"));
  if (!mfd_connector_store_load (loaded->store, &error))
    g_warning ("Cannot read the connector list: %s", error->message);
  g_clear_error (&error);

  loaded->list = mfd_watch_list_new (NULL);
  if (!mfd_watch_list_load (loaded->list, &error))
    g_warning ("Cannot read the watch list: %s", error->message);
  g_clear_error (&error);

  /* Nothing watched: no history database is created for nothing. */
  if (mfd_watch_list_get_ids (loaded->list)[0] == NULL)
    {
      g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
      return;
    }

  loaded->history = mfd_watch_history_open (NULL, &error);
  if (loaded->history == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (mfd_watch_history_get_moved_aside (loaded->history) != NULL)
    g_warning ("The watch history could not be read and was moved to %s",
               mfd_watch_history_get_moved_aside (loaded->history));

  /* Each target's last check, from an earlier run of the app or the CLI. */
  loaded->last_checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) last_check_free);
  for (const char * const *id = mfd_watch_list_get_ids (loaded->list); *id != NULL; id++)
    {
      g_autoptr(MfdWatchRecord) record = mfd_watch_history_get_last (loaded->history, *id, 0, NULL);

      if (record != NULL)
        g_hash_table_replace (loaded->last_checks, g_strdup (*id), last_check_new (record));
    }

  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
load_finish (MfdWatchService *self,
             GAsyncResult    *result)
{
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot open the watch history, not watching: %s", error->message);
      return;
    }

  if (loaded->history == NULL)
    {
      g_debug ("Nothing is watched");
      loaded_free (loaded);
      return;
    }

  self->store = g_steal_pointer (&loaded->store);
  self->list = g_steal_pointer (&loaded->list);
  self->history = g_steal_pointer (&loaded->history);
  g_clear_pointer (&self->last_checks, g_hash_table_unref);
  self->last_checks = g_steal_pointer (&loaded->last_checks);
  loaded_free (loaded);

  self->watcher = mfd_watcher_new (self->list, self->history);
  mfd_watcher_set_target_func (self->watcher, build_target_cb, self, NULL);
  g_signal_connect_object (self->watcher, "changed", G_CALLBACK (on_changed_cb), self, 0);
  g_signal_connect_object (self->watcher, "checked", G_CALLBACK (on_checked_cb), self, 0);
  update_interval (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHER]);
  g_signal_emit (self, signals[UPDATED], 0);
  mfd_watcher_start (self->watcher);
}

static void
load_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  MfdWatchService *self = MFD_WATCH_SERVICE (source_object);

  self->loading = FALSE;
  load_finish (self, result);
  if (self->application == NULL)
    return;
  update_hold (self);
  /* (after update_hold, so that the count does not drop to 0 between) */
  g_application_release (self->application);
}

void
mfd_watch_service_start (MfdWatchService *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MFD_IS_WATCH_SERVICE (self));

  if (self->loading || self->watcher != NULL || self->application == NULL)
    return;
  self->loading = TRUE;
  /* Started with --background there is no window to keep the application
   * alive while the lists load. */
  g_application_hold (self->application);
  task = g_task_new (self, self->cancellable, load_cb, NULL);
  g_task_set_source_tag (task, mfd_watch_service_start);
  g_task_run_in_thread (task, load_thread);
}

void
mfd_watch_service_reload (MfdWatchService *self)
{
  g_return_if_fail (MFD_IS_WATCH_SERVICE (self));

  /* A load under way reads the lists as they are now anyway; a disposed
   * service watches nothing any more. */
  if (self->loading || self->application == NULL)
    return;
  if (self->watcher != NULL)
    {
      mfd_watcher_stop (self->watcher);
      g_signal_handlers_disconnect_by_data (self->watcher, self);
      g_clear_object (&self->watcher);
    }
  g_clear_object (&self->list);
  g_clear_object (&self->history);
  g_clear_object (&self->store);
  mfd_watch_service_start (self);
}

/* The notification's action ------------------------------------------------ */

static void
show_watch_result_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  MfdWatchService *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);
  MfdDiagnosis *diagnosis = g_hash_table_lookup (self->diagnoses, id);
  GtkWindow *window;

  /* activate opens the window when there is none (watching in the
   * background) and presents it otherwise. */
  if (self->application == NULL)
    return;
  g_application_activate (self->application);
  window = gtk_application_get_active_window (GTK_APPLICATION (self->application));
  if (!MFD_IS_WINDOW (window))
    return;

  if (diagnosis != NULL)
    {
      mfd_window_show_diagnosis (MFD_WINDOW (window), diagnosis);
    }
  else
    {
      /* Clicked after a restart: only the target is known, check it afresh. */
      g_autoptr(GError) error = NULL;
      g_autoptr(MfdTarget) target =
        mfd_watch_build_target (id, self->store, &error);

      if (target != NULL)
        mfd_window_run_checks (MFD_WINDOW (window), target, NULL);
      else
        mfd_window_add_toast (MFD_WINDOW (window), _("This connector is no longer saved."));
    }
}

/* GObject ------------------------------------------------------------------ */

MfdWatcher *
mfd_watch_service_get_watcher (MfdWatchService *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_SERVICE (self), NULL);

  return self->watcher;
}

const char * const *
mfd_watch_service_get_ids (MfdWatchService *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_SERVICE (self), NULL);

  return self->list != NULL && self->watcher != NULL ? mfd_watch_list_get_ids (self->list) : NULL;
}

gboolean
mfd_watch_service_get_last_check (MfdWatchService  *self,
                                  const char       *id,
                                  gint64           *time,
                                  MfdVerdict       *verdict,
                                  const char      **problem)
{
  LastCheck *last;

  g_return_val_if_fail (MFD_IS_WATCH_SERVICE (self), FALSE);

  last = self->last_checks != NULL ? g_hash_table_lookup (self->last_checks, id) : NULL;
  if (last == NULL)
    return FALSE;
  *time = last->time;
  *verdict = last->verdict;
  *problem = last->problem;
  return TRUE;
}

MfdDiagnosis *
mfd_watch_service_get_diagnosis (MfdWatchService *self,
                                 const char      *id)
{
  g_return_val_if_fail (MFD_IS_WATCH_SERVICE (self), NULL);

  return g_hash_table_lookup (self->diagnoses, id);
}

void
mfd_watch_service_set_target_func (MfdWatchService    *self,
                                   MfdWatchTargetFunc  func,
                                   gpointer            user_data,
                                   GDestroyNotify      destroy)
{
  g_return_if_fail (MFD_IS_WATCH_SERVICE (self));

  if (self->target_destroy != NULL)
    self->target_destroy (self->target_data);
  self->target_func = func;
  self->target_data = user_data;
  self->target_destroy = destroy;
}

static void
mfd_watch_service_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MfdWatchService *self = MFD_WATCH_SERVICE (object);

  switch (prop_id)
    {
    case PROP_WATCHER:
      g_value_set_object (value, self->watcher);
      break;
    case PROP_BACKGROUND:
      g_value_set_int (value, self->background);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_watch_service_dispose (GObject *object)
{
  MfdWatchService *self = MFD_WATCH_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->held && self->application != NULL)
    g_application_release (self->application);
  self->held = FALSE;
  if (self->application != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->application), (gpointer *) &self->application);
  self->application = NULL;
  g_clear_object (&self->portal);
  if (self->watcher != NULL)
    mfd_watcher_stop (self->watcher);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->watcher);
  g_clear_object (&self->history);
  g_clear_object (&self->list);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->diagnoses, g_hash_table_unref);
  g_clear_pointer (&self->last_checks, g_hash_table_unref);
  mfd_watch_service_set_target_func (self, NULL, NULL, NULL);

  G_OBJECT_CLASS (mfd_watch_service_parent_class)->dispose (object);
}

static void
mfd_watch_service_class_init (MfdWatchServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mfd_watch_service_dispose;
  object_class->get_property = mfd_watch_service_get_property;

  properties[PROP_WATCHER] =
    g_param_spec_object ("watcher", NULL, NULL, MFD_TYPE_WATCHER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BACKGROUND] =
    g_param_spec_int ("background", NULL, NULL,
                      MFD_WATCH_BACKGROUND_OFF, MFD_WATCH_BACKGROUND_UNAVAILABLE, MFD_WATCH_BACKGROUND_OFF,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The watched targets or their last checks changed. */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mfd_watch_service_init (MfdWatchService *self)
{
  self->cancellable = g_cancellable_new ();
  self->diagnoses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->last_checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) last_check_free);
}

MfdWatchService *
mfd_watch_service_new (GApplication *application,
                       GSettings    *settings)
{
  MfdWatchService *self;
  static const GActionEntry actions[] = {
    { "show-watch-result", show_watch_result_action, "s" },
  };

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MFD_TYPE_WATCH_SERVICE, NULL);
  self->application = application;
  g_object_add_weak_pointer (G_OBJECT (application), (gpointer *) &self->application);
  self->settings = g_object_ref (settings);
  g_signal_connect (settings, "changed::watch-interval-minutes",
                    G_CALLBACK (on_interval_changed_cb), self);
  g_signal_connect (settings, "changed::watch-in-background",
                    G_CALLBACK (on_background_changed_cb), self);
  g_action_map_add_action_entries (G_ACTION_MAP (application), actions,
                                   G_N_ELEMENTS (actions), self);
  return self;
}
