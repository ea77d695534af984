/* mfd-connector-editor.c — add or edit a connector, validated as you type
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-connector-editor"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mfd-connector-editor.h"
#include "mfd-ui-util.h"

struct _MfdConnectorEditor
{
  AdwWindow            parent_instance;

  MfdConnectorStore   *store;
  MfdConnector        *original;     /* NULL for a new connector */

  /* Template widgets */
  GtkButton           *save_button;
  AdwEntryRow         *name_row;
  GtkLabel            *name_reason;
  GtkSwitch           *enabled_switch;
  GtkSwitch           *partner_switch;
  GtkSwitch           *mx_switch;
  AdwPreferencesGroup *hosts_group;
  AdwEntryRow         *hosts_row;
  GtkLabel            *hosts_reason;
  GtkLabel            *hosts_warning;
  AdwPreferencesGroup *domains_group;
  AdwEntryRow         *domains_row;
  GtkLabel            *domains_reason;
  AdwComboRow         *tls_row;
  AdwPreferencesGroup *tls_domain_group;
  AdwEntryRow         *tls_domain_row;
  GtkLabel            *tls_domain_reason;
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MfdConnectorEditor, mfd_connector_editor, ADW_TYPE_WINDOW)

static GStrv
split_list (const char *text)
{
  g_auto(GStrv) parts = g_regex_split_simple ("[,;\\s]+", text, 0, 0);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

static void
show_reason (AdwEntryRow *row,
             GtkLabel    *label,
             char        *reason)
{
  g_autofree char *owned = reason;

  gtk_label_set_label (label, owned != NULL ? owned : "");
  gtk_widget_set_visible (GTK_WIDGET (label), owned != NULL);
  if (owned != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static char *
validate_name (MfdConnectorEditor *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  MfdConnector *existing;

  if (*name == '\0')
    return g_strdup (_("Give the connector the name it has in Exchange Online."));
  existing = mfd_connector_store_find (self->store, name);
  if (existing != NULL && existing != self->original)
    return g_strdup (_("Another saved connector already has this name."));
  return NULL;
}

static char *
validate_hosts (MfdConnectorEditor *self)
{
  g_auto(GStrv) hosts = split_list (gtk_editable_get_text (GTK_EDITABLE (self->hosts_row)));

  if (hosts[0] == NULL)
    return g_strdup (_("Enter at least one smart host: a host name, an IP address or an address range."));
  for (guint i = 0; hosts[i] != NULL; i++)
    {
      char *reason = mfd_connector_validate_smart_host (hosts[i]);

      if (reason != NULL)
        return reason;
    }
  return NULL;
}

/* Not an error (a what-if check of a practice or lab server is fine), but
 * EOP connects from the internet and can never reach such an address. */
static char *
warn_hosts (MfdConnectorEditor *self)
{
  g_auto(GStrv) hosts = split_list (gtk_editable_get_text (GTK_EDITABLE (self->hosts_row)));

  for (guint i = 0; hosts[i] != NULL; i++)
    {
      g_autofree char *address = g_strndup (hosts[i], strcspn (hosts[i], "/"));
      const char *why = NULL;

      if (!mfd_vantage_address_is_public (address, &why) && why != NULL)
        return g_strdup_printf (_("Exchange Online can never connect to %s: it is %s. Checking it from this computer is only a what-if, for example of a practice or lab server."),
                                hosts[i], mfd_tr (NULL, why));
    }
  return NULL;
}

static char *
validate_domains (MfdConnectorEditor *self)
{
  g_auto(GStrv) domains = split_list (gtk_editable_get_text (GTK_EDITABLE (self->domains_row)));

  if (domains[0] == NULL)
    return g_strdup (_("Enter at least one recipient domain whose MX records the connector uses."));
  for (guint i = 0; domains[i] != NULL; i++)
    {
      char *reason = mfd_connector_validate_smart_host (domains[i]);

      if (reason != NULL)
        return reason;
    }
  return NULL;
}

static void
update_state (MfdConnectorEditor *self)
{
  MfdTlsMode mode = mfd_ui_tls_mode_from_index (adw_combo_row_get_selected (self->tls_row));
  gboolean use_mx = gtk_switch_get_active (self->mx_switch);
  gboolean domain_validation = mode == MFD_TLS_DOMAIN_VALIDATION;

  mfd_ui_set_tls_subtitle (self->tls_row, mode);
  gtk_widget_set_visible (GTK_WIDGET (self->hosts_group), !use_mx);
  gtk_widget_set_visible (GTK_WIDGET (self->domains_group), use_mx);
  gtk_widget_set_visible (GTK_WIDGET (self->tls_domain_group), domain_validation);

  show_reason (self->name_row, self->name_reason, validate_name (self));
  show_reason (self->hosts_row, self->hosts_reason, use_mx ? NULL : validate_hosts (self));
  {
    g_autofree char *warning = use_mx || gtk_widget_get_visible (GTK_WIDGET (self->hosts_reason))
                               ? NULL : warn_hosts (self);

    gtk_label_set_label (self->hosts_warning, warning != NULL ? warning : "");
    gtk_widget_set_visible (GTK_WIDGET (self->hosts_warning), warning != NULL);
  }
  show_reason (self->domains_row, self->domains_reason, use_mx ? validate_domains (self) : NULL);
  show_reason (self->tls_domain_row, self->tls_domain_reason,
               domain_validation
               ? mfd_connector_validate_tls_domain (gtk_editable_get_text (GTK_EDITABLE (self->tls_domain_row)))
               : NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", mfd_connector_editor_is_valid (self));
}

static void
on_field_changed_cb (MfdConnectorEditor *self)
{
  update_state (self);
}

static void
load_connector (MfdConnectorEditor *self,
                MfdConnector       *connector)
{
  const char * const *hosts = mfd_connector_get_smart_hosts (connector);
  const char * const *domains = mfd_connector_get_recipient_domains (connector);
  g_autofree char *hosts_text = hosts != NULL ? g_strjoinv (", ", (char **) hosts) : g_strdup ("");
  g_autofree char *domains_text = domains != NULL ? g_strjoinv (", ", (char **) domains) : g_strdup ("");
  const char *tls_domain = mfd_connector_get_tls_domain (connector);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), mfd_connector_get_name (connector));
  gtk_switch_set_active (self->enabled_switch, mfd_connector_get_enabled (connector));
  gtk_switch_set_active (self->partner_switch,
                         mfd_connector_get_connector_type (connector) == MFD_CONNECTOR_TYPE_PARTNER);
  gtk_switch_set_active (self->mx_switch, mfd_connector_get_use_mx_record (connector));
  gtk_editable_set_text (GTK_EDITABLE (self->hosts_row), hosts_text);
  gtk_editable_set_text (GTK_EDITABLE (self->domains_row), domains_text);
  adw_combo_row_set_selected (self->tls_row, mfd_ui_tls_mode_to_index (mfd_connector_get_tls_mode (connector)));
  gtk_editable_set_text (GTK_EDITABLE (self->tls_domain_row), tls_domain != NULL ? tls_domain : "");
}

static void
mfd_connector_editor_save_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  mfd_connector_editor_save (MFD_CONNECTOR_EDITOR (widget));
}

static void
mfd_connector_editor_dispose (GObject *object)
{
  MfdConnectorEditor *self = MFD_CONNECTOR_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_CONNECTOR_EDITOR);
  g_clear_object (&self->store);
  g_clear_object (&self->original);

  G_OBJECT_CLASS (mfd_connector_editor_parent_class)->dispose (object);
}

static void
mfd_connector_editor_class_init (MfdConnectorEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_connector_editor_dispose;

  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, MFD_TYPE_CONNECTOR, MFD_TYPE_CONNECTOR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-connector-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, name_reason);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, partner_switch);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, mx_switch);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, hosts_group);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, hosts_row);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, hosts_reason);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, hosts_warning);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, domains_group);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, domains_row);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, domains_reason);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, tls_row);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, tls_domain_group);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, tls_domain_row);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorEditor, tls_domain_reason);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, mfd_connector_editor_save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mfd_connector_editor_init (MfdConnectorEditor *self)
{
  g_autoptr(GListModel) modes = mfd_ui_tls_mode_model_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  adw_combo_row_set_model (self->tls_row, modes);
  gtk_switch_set_active (self->enabled_switch, TRUE);
}

MfdConnectorEditor *
mfd_connector_editor_new (GtkWindow         *parent,
                          MfdConnectorStore *store,
                          MfdConnector      *connector)
{
  MfdConnectorEditor *self;

  g_return_val_if_fail (MFD_IS_CONNECTOR_STORE (store), NULL);

  self = g_object_new (MFD_TYPE_CONNECTOR_EDITOR,
                       "transient-for", parent,
                       NULL);
  /* The first thing to type (or check) is the name. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->name_row));
  self->store = g_object_ref (store);
  if (connector != NULL)
    {
      self->original = g_object_ref (connector);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Connector"));
      load_connector (self, connector);
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("New Connector"));
    }
  update_state (self);
  return self;
}

gboolean
mfd_connector_editor_is_valid (MfdConnectorEditor *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR_EDITOR (self), FALSE);

  return !gtk_widget_get_visible (GTK_WIDGET (self->name_reason)) &&
         !gtk_widget_get_visible (GTK_WIDGET (self->hosts_reason)) &&
         !gtk_widget_get_visible (GTK_WIDGET (self->domains_reason)) &&
         !gtk_widget_get_visible (GTK_WIDGET (self->tls_domain_reason));
}

const char *
mfd_connector_editor_get_reason (MfdConnectorEditor *self,
                                 const char         *field)
{
  GtkLabel *label = NULL;

  g_return_val_if_fail (MFD_IS_CONNECTOR_EDITOR (self), NULL);

  if (g_str_equal (field, "name"))
    label = self->name_reason;
  else if (g_str_equal (field, "hosts"))
    label = self->hosts_reason;
  else if (g_str_equal (field, "hosts-warning"))
    label = self->hosts_warning;
  else if (g_str_equal (field, "domains"))
    label = self->domains_reason;
  else if (g_str_equal (field, "tls-domain"))
    label = self->tls_domain_reason;
  g_return_val_if_fail (label != NULL, NULL);

  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_label (label) : NULL;
}

void
mfd_connector_editor_save (MfdConnectorEditor *self)
{
  g_autoptr(MfdConnector) connector = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) hosts = NULL;
  g_auto(GStrv) domains = NULL;
  MfdTlsMode mode;

  g_return_if_fail (MFD_IS_CONNECTOR_EDITOR (self));

  if (!mfd_connector_editor_is_valid (self))
    return;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  hosts = split_list (gtk_editable_get_text (GTK_EDITABLE (self->hosts_row)));
  domains = split_list (gtk_editable_get_text (GTK_EDITABLE (self->domains_row)));
  mode = mfd_ui_tls_mode_from_index (adw_combo_row_get_selected (self->tls_row));

  /* A copy keeps the fields of an import that this form does not show. */
  connector = self->original != NULL ? mfd_connector_copy (self->original) : mfd_connector_new (name);
  mfd_connector_set_name (connector, name);
  mfd_connector_set_enabled (connector, gtk_switch_get_active (self->enabled_switch));
  mfd_connector_set_connector_type (connector, gtk_switch_get_active (self->partner_switch)
                                               ? MFD_CONNECTOR_TYPE_PARTNER
                                               : MFD_CONNECTOR_TYPE_ON_PREMISES);
  mfd_connector_set_use_mx_record (connector, gtk_switch_get_active (self->mx_switch));
  mfd_connector_set_smart_hosts (connector, (const char * const *) hosts);
  mfd_connector_set_recipient_domains (connector, (const char * const *) domains);
  mfd_connector_set_tls_mode (connector, mode);
  mfd_connector_set_tls_domain (connector, mode == MFD_TLS_DOMAIN_VALIDATION
                                           ? gtk_editable_get_text (GTK_EDITABLE (self->tls_domain_row))
                                           : NULL);

  g_signal_emit (self, signals[SAVED], 0, connector, self->original);
  gtk_window_close (GTK_WINDOW (self));
}
