/* mfd-ui-util.c — small helpers shared by the pages
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-ui-util.h"

static const MfdTlsMode connector_tls_modes[MFD_UI_N_CONNECTOR_TLS_MODES] = {
  MFD_TLS_OPPORTUNISTIC,
  MFD_TLS_ENCRYPTION_ONLY,
  MFD_TLS_CERTIFICATE_VALIDATION,
  MFD_TLS_DOMAIN_VALIDATION,
};

void
mfd_ui_show_toast (GtkWidget  *widget,
                   const char *message)
{
  gtk_widget_activate_action (widget, "win.toast", "s", message);
}

/* Takes @toast (floating or not). */
void
mfd_ui_add_toast (GtkWidget *widget,
                  AdwToast  *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

void
mfd_ui_code_chip_update (GtkLabel   *chip,
                         int         reply,
                         const char *code,
                         gboolean    warning)
{
  g_autofree char *text = NULL;

  if (reply > 0 && code != NULL)
    text = g_strdup_printf ("%d %s", reply, code);
  else if (code != NULL)
    text = g_strdup (code);
  else
    text = g_strdup_printf ("%d", reply);

  gtk_label_set_label (chip, text);
  gtk_widget_remove_css_class (GTK_WIDGET (chip), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (chip), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (chip), warning ? "warning" : "error");
}

GtkWidget *
mfd_ui_code_chip_new (int         reply,
                      const char *code,
                      gboolean    warning)
{
  GtkWidget *chip = gtk_label_new (NULL);

  gtk_widget_add_css_class (chip, "code-chip");
  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  gtk_label_set_selectable (GTK_LABEL (chip), TRUE);
  mfd_ui_code_chip_update (GTK_LABEL (chip), reply, code, warning);
  return chip;
}

GtkWidget *
mfd_ui_wrapping_label_new (const char *text,
                           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_natural_wrap_mode (GTK_LABEL (label), GTK_NATURAL_WRAP_WORD);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

GtkWidget *
mfd_ui_subtitle_row_new (const char *title,
                         const char *subtitle,
                         const char *icon_name)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon_name));
  /* Read-only: Tab goes to what can be acted on. */
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

GListModel *
mfd_ui_tls_mode_model_new (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < MFD_UI_N_CONNECTOR_TLS_MODES; i++)
    gtk_string_list_append (list, mfd_tr (NULL, mfd_tls_mode_get_label (connector_tls_modes[i])));
  return G_LIST_MODEL (list);
}

MfdTlsMode
mfd_ui_tls_mode_from_index (guint index)
{
  return index < MFD_UI_N_CONNECTOR_TLS_MODES ? connector_tls_modes[index] : MFD_TLS_OPPORTUNISTIC;
}

guint
mfd_ui_tls_mode_to_index (MfdTlsMode mode)
{
  for (guint i = 0; i < MFD_UI_N_CONNECTOR_TLS_MODES; i++)
    if (connector_tls_modes[i] == mode)
      return i;
  return 0;
}

/* The chosen setting in the wrapping subtitle (the row's use-subtitle is
 * on), not in the value label that libadwaita ellipsizes ("Certificate
 * vali…" at 360 px), followed by what it means. */
void
mfd_ui_set_tls_subtitle (AdwComboRow *row,
                         MfdTlsMode   mode)
{
  g_autofree char *subtitle = NULL;

  /* Translators: a TLS setting and what it means, e.g. "Domain validation — TLS is required …". */
  subtitle = g_strdup_printf (_("%s — %s"), mfd_tr (NULL, mfd_tls_mode_get_label (mode)),
                              mfd_tr (NULL, mfd_tls_mode_get_summary (mode)));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

char *
mfd_ui_describe_connector (MfdConnector *connector)
{
  g_autofree char *tls = NULL;
  g_autofree char *where = NULL;
  MfdTlsMode mode = mfd_connector_get_tls_mode (connector);
  const char *tls_label = mfd_tr (NULL, mfd_tls_mode_get_label (mode));

  if (mode == MFD_TLS_DOMAIN_VALIDATION && mfd_connector_get_tls_domain (connector) != NULL)
    tls = g_strdup_printf ("%s (%s)", tls_label, mfd_connector_get_tls_domain (connector));
  else
    tls = g_strdup (tls_label);

  if (mfd_connector_get_use_mx_record (connector))
    {
      where = g_strdup (_("By MX"));
    }
  else
    {
      const char * const *hosts = mfd_connector_get_smart_hosts (connector);
      g_autofree char *list = hosts != NULL ? g_strjoinv (", ", (char **) hosts) : g_strdup ("");

      /* Translators: the list of a connector's smart hosts. */
      where = g_strdup_printf (_("Smart hosts: %s"), list);
    }

  /* Translators: a connector's row: where it delivers, and its TLS setting. */
  return g_strdup_printf (_("%s · TLS: %s"), where, tls);
}

const char *
mfd_ui_report_language (GSettings *settings)
{
  g_autofree char *lang = g_settings_get_string (settings, "report-language");

  return g_str_equal (lang, "ui") ? NULL : mfd_text_normalize_lang (lang);
}

/* The user's preferences (how this computer checks), on a target built from
 * a connector, an NDR or the watch list: the window's checks and the
 * watcher's use this one function. */
void
mfd_ui_apply_settings (GSettings *settings,
                       MfdTarget *target)
{
  g_autofree char *dns_server = g_settings_get_string (settings, "dns-server");
  g_autofree char *ca_file = g_settings_get_string (settings, "ca-file");
  g_autofree char *doh_url = g_settings_get_string (settings, "doh-url");
  g_autofree char *rdap_url = g_settings_get_string (settings, "rdap-bootstrap-url");
  g_autofree char *endpoints_url = g_settings_get_string (settings, "endpoints-url");
  g_autofree char *control_smtp = g_settings_get_string (settings, "control-smtp");
  g_autofree char *control_name = g_settings_get_string (settings, "control-name");

  if (*dns_server != '\0')
    mfd_target_set_dns_server (target, dns_server);
  if (*ca_file != '\0')
    mfd_target_set_ca_file (target, ca_file);
  mfd_target_set_connect_timeout_ms (target, g_settings_get_uint (settings, "connect-timeout") * 1000);
  mfd_target_set_reply_timeout_ms (target, g_settings_get_uint (settings, "reply-timeout") * 1000);
  mfd_target_set_tls_timeout_ms (target, g_settings_get_uint (settings, "tls-timeout") * 1000);
  mfd_target_set_dns_timeout_ms (target, g_settings_get_uint (settings, "dns-timeout") * 1000);
  mfd_target_set_doh_url (target, doh_url);
  mfd_target_set_rdap_bootstrap_url (target, rdap_url);
  mfd_target_set_endpoints_url (target, endpoints_url);
  mfd_target_set_offline (target, g_settings_get_boolean (settings, "offline"));
  mfd_target_set_control (target, g_settings_get_boolean (settings, "control-probes"));
  mfd_target_set_control_smtp (target, control_smtp);
  mfd_target_set_control_name (target, control_name);
}
