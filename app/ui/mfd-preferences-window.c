/* mfd-preferences-window.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-preferences"

#include "config.h"

#include <glib/gi18n.h>

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
  else if (row == self->dns_server)
    show_reason (row, mfd_target_check_dns_server (text, NULL));
  else if (row == self->ca_file)
    show_reason (row, mfd_target_check_ca_file (text, NULL));
  else
    show_reason (row, mfd_target_check_url (text, NULL));
}

static void
bind_settings (MfdPreferencesWindow *self)
{
  AdwEntryRow *checked[] = { self->dns_server, self->ca_file, self->doh_url,
                             self->rdap_bootstrap_url, self->endpoints_url };

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
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  if (self->settings == NULL)
    return;

  if (*text != '\0')
    address = mfd_dns_server_parse (text, &error);

  if (error != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->dns_server), "error");
      gtk_label_set_label (self->dns_server_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->dns_server_error), TRUE);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->dns_server), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->dns_server), "error");
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

  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_PREFERENCES_WINDOW);
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
}

static void
mfd_preferences_window_init (MfdPreferencesWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

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
