/* mfd-preferences-window.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-preferences"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "mfd-preferences-window.h"

struct _MfdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  GtkSpinButton        *connect_timeout;
  GtkSpinButton        *reply_timeout;
  GtkSpinButton        *tls_timeout;
  GtkSpinButton        *dns_timeout;
  AdwEntryRow          *dns_server;
  GtkLabel             *dns_server_error;
  AdwEntryRow          *doh_url;
  AdwEntryRow          *rdap_bootstrap_url;
  AdwEntryRow          *endpoints_url;
  GtkSwitch            *offline;
  AdwEntryRow          *ca_file;
  AdwComboRow          *report_language;
  GtkSwitch            *control_probes;
  AdwEntryRow          *control_smtp;
  AdwEntryRow          *control_name;
  GtkSpinButton        *watch_interval;
  AdwActionRow         *watch_in_background_row;
  GtkSwitch            *watch_in_background;
  MfdWatchService      *watch_service;

  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
};

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *report_languages[] = { "ui", "en", "ja" };

G_DEFINE_FINAL_TYPE (MfdPreferencesWindow, mfd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
language_to_index (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *lang = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (report_languages); i++)
    {
      if (g_str_equal (lang, report_languages[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
index_to_language (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  if (index >= G_N_ELEMENTS (report_languages))
    index = 0;
  return g_variant_new_string (report_languages[index]);
}

/* The engine says what is wrong with a value, in the same words the
 * command line uses (mfd_target_check_*()); an empty row means "the
 * default" and is always fine. */
static void
show_reason (AdwEntryRow *row,
             char        *reason)
{
  g_autofree char *owned = reason;

  if (reason != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), reason);
}

static void
on_row_changed_cb (AdwEntryRow          *row,
                   MfdPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (*text == '\0')
    show_reason (row, NULL);
  else if (row == self->ca_file)
    show_reason (row, mfd_target_check_ca_file (text, NULL));
  else if (row == self->control_smtp)
    show_reason (row, mfd_target_check_control_smtp (text, NULL));
  else if (row == self->control_name)
    show_reason (row, mfd_target_check_mx_domain (text, NULL));
  else
    show_reason (row, mfd_target_check_url (text, NULL));
}

/* The CA file ------------------------------------------------------------- */

/* Where a chosen CA file is kept: the app's own data folder, which a
 * sandboxed app can always read (the file the portal handed over may not be
 * readable after this session). */
static char *
dup_ca_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "mail-flow-doctor", "ca", NULL);
}

/* A CA file is small; anything larger is not one. */
#define CA_FILE_MAX_SIZE (4 * 1024 * 1024)

static void
import_ca_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = dup_ca_dir ();
  g_autofree char *name = NULL;
  g_autofree char *dest = NULL;
  gsize len = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_file_info_get_size (info) > CA_FILE_MAX_SIZE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The file is too large for a CA file."));
      return;
    }
  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_strstr_len (contents, len, "-----BEGIN CERTIFICATE-----") == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The file holds no PEM certificate."));
      return;
    }

  name = g_file_get_basename (file);
  if (name == NULL || *name == '.' || strchr (name, G_DIR_SEPARATOR) != NULL)
    {
      g_free (name);
      name = g_strdup ("ca.pem");
    }
  dest = g_build_filename (dir, name, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (dest, contents, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&dest), g_free);
}

static void
on_ca_imported_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MfdPreferencesWindow *self = MFD_PREFERENCES_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (path == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot use that CA file: %s"), error->message);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
      return;
    }
  /* The setting follows the row (bound). */
  gtk_editable_set_text (GTK_EDITABLE (self->ca_file), path);
}

/**
 * mfd_preferences_window_import_ca_file:
 * @self: the window
 * @file: a PEM file the user chose
 *
 * Copies @file into the app's data folder in a worker thread and, once it
 * is there, makes the copy the CA file setting. What the "Choose…" button
 * does with the file the chooser (the portal in a sandbox) returns.
 */
void
mfd_preferences_window_import_ca_file (MfdPreferencesWindow *self,
                                       GFile                *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MFD_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, self->cancellable, on_ca_imported_cb, NULL);
  g_task_set_source_tag (task, mfd_preferences_window_import_ca_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, import_ca_thread);
}

static void
on_chooser_response_cb (GtkNativeDialog      *chooser,
                        int                   response,
                        MfdPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        mfd_preferences_window_import_ca_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
on_choose_ca_clicked_cb (MfdPreferencesWindow *self)
{
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  /* GtkFileChooserNative goes through the file chooser portal inside a
   * sandbox, so the app needs no access to the user's files. */
  self->chooser = gtk_file_chooser_native_new (_("Choose a CA File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (pem, _("PEM certificates"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_pattern (pem, "*.cer");
  gtk_file_filter_add_mime_type (pem, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pem);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* What the Background portal said, in place of the row's explanation. */
static void
on_watch_background_cb (MfdPreferencesWindow *self)
{
  const char *text = self->watch_service != NULL
                     ? mfd_watch_service_get_background_text (self->watch_service) : NULL;

  adw_action_row_set_subtitle (self->watch_in_background_row,
                               text != NULL ? text : _("Also starts watching, without a window, when you log in"));
}

void
mfd_preferences_window_set_watch_service (MfdPreferencesWindow *self,
                                          MfdWatchService      *service)
{
  g_return_if_fail (MFD_IS_PREFERENCES_WINDOW (self));

  if (self->watch_service != NULL)
    g_signal_handlers_disconnect_by_data (self->watch_service, self);
  g_set_object (&self->watch_service, service);
  if (service != NULL)
    g_signal_connect_swapped (service, "notify::background", G_CALLBACK (on_watch_background_cb), self);
  on_watch_background_cb (self);
}

static void
bind_settings (MfdPreferencesWindow *self)
{
  /* The DNS server has its own handler (on_dns_server_changed_cb). */
  AdwEntryRow *checked[] = { self->ca_file, self->doh_url,
                             self->rdap_bootstrap_url, self->endpoints_url,
                             self->control_smtp, self->control_name };

  g_settings_bind (self->settings, "watch-interval-minutes", self->watch_interval, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "watch-in-background", self->watch_in_background, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "connect-timeout", self->connect_timeout, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "reply-timeout", self->reply_timeout, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "tls-timeout", self->tls_timeout, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "dns-timeout", self->dns_timeout, "value", G_SETTINGS_BIND_DEFAULT);
  /* Not bound: only a server the checks can use is stored (see
   * on_dns_server_changed_cb). */
  {
    g_autofree char *dns_server = g_settings_get_string (self->settings, "dns-server");

    gtk_editable_set_text (GTK_EDITABLE (self->dns_server), dns_server);
  }
  g_settings_bind (self->settings, "doh-url", self->doh_url, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "rdap-bootstrap-url", self->rdap_bootstrap_url, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "endpoints-url", self->endpoints_url, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "offline", self->offline, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ca-file", self->ca_file, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "control-probes", self->control_probes, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "control-smtp", self->control_smtp, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "control-name", self->control_name, "text", G_SETTINGS_BIND_DEFAULT);
  /* The control servers matter only while the probes are on. */
  g_settings_bind (self->settings, "control-probes", self->control_smtp, "sensitive", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "control-probes", self->control_name, "sensitive", G_SETTINGS_BIND_GET);
  g_settings_bind_with_mapping (self->settings, "report-language",
                                self->report_language, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                language_to_index, index_to_language, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (checked); i++)
    {
      g_signal_connect_object (checked[i], "changed", G_CALLBACK (on_row_changed_cb), self, 0);
      on_row_changed_cb (checked[i], self);
    }
}

/* Checked as typed, with the check the resolver itself applies: a value
 * that is not a server is shown as such and never reaches the settings,
 * where it would make every later run fail. */
static void
on_dns_server_changed_cb (MfdPreferencesWindow *self,
                          GtkEditable          *editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  char *reason;

  if (self->settings == NULL)
    return;

  /* The same check, and words, as `check --dns-server`; the reason shows
   * under the row as well as in its tooltip. */
  reason = *text != '\0' ? mfd_target_check_dns_server (text, NULL) : NULL;
  if (reason != NULL)
    {
      gtk_label_set_label (self->dns_server_error, reason);
      gtk_widget_set_visible (GTK_WIDGET (self->dns_server_error), TRUE);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->dns_server), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
      show_reason (self->dns_server, reason);
      return;
    }

  show_reason (self->dns_server, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->dns_server_error), FALSE);
  gtk_accessible_reset_state (GTK_ACCESSIBLE (self->dns_server), GTK_ACCESSIBLE_STATE_INVALID);
  g_settings_set_string (self->settings, "dns-server", text);
}

/* Escape in a text field leaves the field (a second one closes the
 * window): a half-typed value is not lost by reflex. */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   MfdPreferencesWindow  *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (keyval != GDK_KEY_Escape || focus == NULL || !GTK_IS_TEXT (focus))
    return GDK_EVENT_PROPAGATE;
  /* The search entry has its own use for Escape. */
  if (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY) != NULL)
    return GDK_EVENT_PROPAGATE;

  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  return GDK_EVENT_STOP;
}

static void
mfd_preferences_window_constructed (GObject *object)
{
  MfdPreferencesWindow *self = MFD_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (mfd_preferences_window_parent_class)->constructed (object);

  bind_settings (self);
}

static void
mfd_preferences_window_dispose (GObject *object)
{
  MfdPreferencesWindow *self = MFD_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_PREFERENCES_WINDOW);
  if (self->watch_service != NULL)
    g_signal_handlers_disconnect_by_data (self->watch_service, self);
  g_clear_object (&self->watch_service);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mfd_preferences_window_parent_class)->dispose (object);
}

static void
mfd_preferences_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  MfdPreferencesWindow *self = MFD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_preferences_window_class_init (MfdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mfd_preferences_window_constructed;
  object_class->dispose = mfd_preferences_window_dispose;
  object_class->set_property = mfd_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, connect_timeout);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, reply_timeout);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, tls_timeout);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, dns_timeout);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, dns_server);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, dns_server_error);
  gtk_widget_class_bind_template_callback (widget_class, on_dns_server_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, doh_url);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, rdap_bootstrap_url);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, endpoints_url);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, offline);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, ca_file);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, report_language);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, control_probes);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, control_smtp);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, control_name);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, watch_interval);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, watch_in_background_row);
  gtk_widget_class_bind_template_child (widget_class, MfdPreferencesWindow, watch_in_background);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_ca_clicked_cb);
}

static void
mfd_preferences_window_init (MfdPreferencesWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

gboolean
mfd_preferences_window_get_dns_server_valid (MfdPreferencesWindow *self)
{
  g_return_val_if_fail (MFD_IS_PREFERENCES_WINDOW (self), FALSE);

  return !gtk_widget_get_visible (GTK_WIDGET (self->dns_server_error));
}

MfdPreferencesWindow *
mfd_preferences_window_new (GtkWindow *transient_for,
                            GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (MFD_TYPE_PREFERENCES_WINDOW,
                       "transient-for", transient_for,
                       "modal", transient_for != NULL,
                       "settings", settings,
                       NULL);
}
