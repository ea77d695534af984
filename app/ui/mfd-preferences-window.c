/* mfd-preferences-window.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-preferences"

#include "config.h"

#include <glib/gi18n.h>

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

static void
bind_settings (MfdPreferencesWindow *self)
{
  g_settings_bind (self->settings, "connect-timeout", self->connect_timeout, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "reply-timeout", self->reply_timeout, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "tls-timeout", self->tls_timeout, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "dns-timeout", self->dns_timeout, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "dns-server", self->dns_server, "text", G_SETTINGS_BIND_DEFAULT);
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
  gtk_widget_init_template (GTK_WIDGET (self));
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
