/* mfd-application.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-application"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-application.h"
#include "mfd-preferences-window.h"
#include "mfd-watch-service.h"
#include "mfd-window.h"

#define REMIND_AFTER_SECONDS (60 * 60)

struct _MfdApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  MfdRecentList  *recent;
  MfdWatchModel  *watch_model;
  guint           remind_source;
  GDateTime      *remind_due;
  char           *remind_where;
  MfdWatchService *watch;
  gboolean        background;   /* --background: no window this time */
};

G_DEFINE_FINAL_TYPE (MfdApplication, mfd_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "version", 'v', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { "background", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start without a window and watch the watched connectors (at login)"), NULL },
  { NULL }
};

static MfdWindow *
get_or_create_window (MfdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (mfd_window_new (self));
  return MFD_WINDOW (window);
}

static void
mfd_application_about_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  MfdApplication *self = user_data;
  static const char *developers[] = { "The Mail Flow Doctor authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Mail Flow Doctor"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Mail Flow Doctor authors"),
                        "version", PACKAGE_VERSION,
                        "website", PACKAGE_WEBSITE,
                        "developers", developers,
                        "copyright", "© 2026 The Mail Flow Doctor authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        "comments", _("Finds out why Microsoft 365 cannot deliver mail through an outbound connector, and how to fix it."),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
mfd_application_preferences_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  MfdApplication *self = user_data;
  MfdPreferencesWindow *preferences;

  preferences = mfd_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                            self->settings);
  mfd_preferences_window_set_watch_service (preferences, self->watch);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
mfd_application_quit_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", mfd_application_about_action },
  { "preferences", mfd_application_preferences_action },
  { "quit", mfd_application_quit_action },
};

static gboolean
remind_cb (gpointer user_data)
{
  MfdApplication *self = user_data;
  g_autoptr(GNotification) notification = g_notification_new (_("Time to check the connector again"));
  g_autofree char *body = g_strdup_printf (_("An hour has passed since you checked %s. Changes in Exchange Online should be in effect now: run the checks again to confirm the fix."),
                                           self->remind_where);

  self->remind_source = 0;
  g_clear_pointer (&self->remind_due, g_date_time_unref);
  g_notification_set_body (notification, body);
  g_application_send_notification (G_APPLICATION (self), "recheck", notification);
  g_application_release (G_APPLICATION (self));
  return G_SOURCE_REMOVE;
}

static int
mfd_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "mail-flow-doctor", PACKAGE_VERSION);
      return 0;
    }
  MFD_APPLICATION (app)->background = g_variant_dict_contains (options, "background");
  /* With no window to draw, GTK 4.8 would still load the GL driver when it
   * opens the display (with Mesa's llvmpipe ~50 MB of LLVM): a login start
   * does without GL (GTK is initialised in startup, after this); a window
   * opened later from a notification is drawn with cairo. */
  if (MFD_APPLICATION (app)->background)
    g_setenv ("GDK_DEBUG", "gl-disable", FALSE);

  return -1;
}

static void
mfd_application_activate (GApplication *app)
{
  /* Started at login: the watch service holds the application while
   * something is watched in the background; no window. */
  if (MFD_APPLICATION (app)->background)
    {
      MFD_APPLICATION (app)->background = FALSE;
      return;
    }
  gtk_window_present (GTK_WINDOW (get_or_create_window (MFD_APPLICATION (app))));
}

static void
mfd_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  MfdWindow *window = get_or_create_window (MFD_APPLICATION (app));

  if (n_files > 0)
    mfd_window_open_file (window, files[0]);
  gtk_window_present (GTK_WINDOW (window));
}

static void
mfd_application_startup (GApplication *app)
{
  MfdApplication *self = MFD_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (mfd_application_parent_class)->startup (app);

  /* Created here rather than in init so that --version and --help work
   * without the schema. The schema id stays the same for the .Devel build. */
  self->settings = g_settings_new (BASE_APP_ID);
  self->recent = mfd_recent_list_new (self->settings);
  self->watch_model = mfd_watch_model_new (NULL, NULL);
  /* Watched connectors are checked while the application runs. */
  self->watch = mfd_watch_service_new (app, self->settings);
  mfd_watch_service_start (self->watch);
  /* What the window shows follows what the service records, and what the
   * service watches follows what the window saves. */
  g_signal_connect_object (self->watch, "updated", G_CALLBACK (mfd_watch_model_reload),
                           self->watch_model, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->watch_model, "list-saved", G_CALLBACK (mfd_watch_service_reload),
                           self->watch, G_CONNECT_SWAPPED);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
}

static void
mfd_application_shutdown (GApplication *app)
{
  /* Stops watching (and lets go of the application) before GTK goes. */
  g_clear_object (&MFD_APPLICATION (app)->watch);

  G_APPLICATION_CLASS (mfd_application_parent_class)->shutdown (app);
}

static void
mfd_application_dispose (GObject *object)
{
  MfdApplication *self = MFD_APPLICATION (object);

  g_clear_object (&self->recent);
  g_clear_object (&self->watch);
  g_clear_object (&self->watch_model);
  g_clear_object (&self->settings);
  g_clear_handle_id (&self->remind_source, g_source_remove);
  g_clear_pointer (&self->remind_due, g_date_time_unref);
  g_clear_pointer (&self->remind_where, g_free);

  G_OBJECT_CLASS (mfd_application_parent_class)->dispose (object);
}

static void
mfd_application_class_init (MfdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = mfd_application_dispose;

  app_class->activate = mfd_application_activate;
  app_class->open = mfd_application_open;
  app_class->startup = mfd_application_startup;
  app_class->shutdown = mfd_application_shutdown;
  app_class->handle_local_options = mfd_application_handle_local_options;
}

static void
mfd_application_init (MfdApplication *self)
{
  g_autofree char *summary = NULL;

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _("[FILE.eml] | COMMAND …"));
  summary = g_strdup_printf ("%s\n\n%s\n  %s\n  %s\n  %s\n\n%s",
                             _("Finds out why Microsoft 365 cannot deliver mail through an outbound connector."),
                             _("Commands:"),
                             _("check …           check a destination server (see “check --help”)"),
                             _("explain-ndr FILE  explain an NDR, queue error or message-trace text"),
                             _("explain CODE      explain an error code such as 4.4.316"),
                             _("Without a command the app window opens."));
  g_application_set_option_context_summary (G_APPLICATION (self), summary);
  gtk_window_set_default_icon_name (APP_ID);
}

MfdApplication *
mfd_application_new (const char        *application_id,
                     GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (MFD_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

GSettings *
mfd_application_get_settings (MfdApplication *self)
{
  g_return_val_if_fail (MFD_IS_APPLICATION (self), NULL);

  return self->settings;
}

GDateTime *
mfd_application_remind (MfdApplication *self,
                        const char     *where)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (MFD_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (where != NULL, NULL);

  if (self->remind_source != 0)
    return self->remind_due;

  now = g_date_time_new_now_local ();
  self->remind_due = g_date_time_add_seconds (now, REMIND_AFTER_SECONDS);
  g_free (self->remind_where);
  self->remind_where = g_strdup (where);
  /* The reminder must outlive the window if the user closes it. */
  g_application_hold (G_APPLICATION (self));
  self->remind_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, REMIND_AFTER_SECONDS, remind_cb,
                                                    g_object_ref (self), g_object_unref);
  return self->remind_due;
}

GDateTime *
mfd_application_get_reminder (MfdApplication *self)
{
  g_return_val_if_fail (MFD_IS_APPLICATION (self), NULL);

  return self->remind_due;
}

MfdRecentList *
mfd_application_get_recent (MfdApplication *self)
{
  g_return_val_if_fail (MFD_IS_APPLICATION (self), NULL);

  return self->recent;
}

MfdWatchService *
mfd_application_get_watch_service (MfdApplication *self)
{
  g_return_val_if_fail (MFD_IS_APPLICATION (self), NULL);

  return self->watch;
}

MfdWatchModel *
mfd_application_get_watch_model (MfdApplication *self)
{
  g_return_val_if_fail (MFD_IS_APPLICATION (self), NULL);

  return self->watch_model;
}
