/* mfd-connectors-page.c — the saved connectors: search, import, edit, check
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-connectors-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-connector-editor.h"
#include "mfd-connectors-page.h"
#include "mfd-ui-util.h"

struct _MfdConnectorsPage
{
  AdwBin              parent_instance;

  MfdConnectorStore  *store;
  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;
  char               *search;        /* casefolded */
  guint               saving;        /* saves in flight */
  gboolean            loaded;
  GPtrArray          *pending;       /* imported before the saved list was read */
  GCancellable       *cancellable;
  MfdWatchModel      *watch_model;
  gboolean            syncing;       /* switches set from the model, not the user */

  /* Template widgets */
  GtkSearchEntry     *search_entry;
  GtkListBox         *list_box;
};

enum {
  RUN_CHECKS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MfdConnectorsPage, mfd_connectors_page, ADW_TYPE_BIN)

static void
show_toast (MfdConnectorsPage *self,
            const char        *message)
{
  mfd_ui_show_toast (GTK_WIDGET (self), message);
}

/* The saved list cannot be read or written: this one stays until the user
 * closes it, since their connectors are at stake. */
static void
show_lasting_toast (MfdConnectorsPage *self,
                    const char        *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 0);
  mfd_ui_add_toast (GTK_WIDGET (self), toast);
}

static void
on_store_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MfdConnectorsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mfd_connector_store_save_finish (MFD_CONNECTOR_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the connectors: %s"), error->message);

      show_lasting_toast (self, message);
    }
  self->saving--;
}

static void
save_store (MfdConnectorsPage *self)
{
  self->saving++;
  mfd_connector_store_save_async (self->store, self->cancellable, on_store_saved_cb, g_object_ref (self));
}

static gboolean
match_connector (gpointer item,
                 gpointer user_data)
{
  MfdConnectorsPage *self = user_data;
  MfdConnector *connector = item;
  g_autofree char *name = NULL;
  const char * const *hosts;

  if (self->search == NULL || *self->search == '\0')
    return TRUE;

  name = g_utf8_casefold (mfd_connector_get_name (connector), -1);
  if (strstr (name, self->search) != NULL)
    return TRUE;

  hosts = mfd_connector_get_smart_hosts (connector);
  for (guint i = 0; hosts != NULL && hosts[i] != NULL; i++)
    {
      g_autofree char *host = g_utf8_casefold (hosts[i], -1);

      if (strstr (host, self->search) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
on_watch_switch_active_cb (GtkSwitch         *watch_switch,
                           GParamSpec        *pspec,
                           MfdConnectorsPage *self)
{
  MfdConnector *connector = g_object_get_data (G_OBJECT (watch_switch), "connector");
  g_autofree char *id = NULL;

  if (self->syncing || self->watch_model == NULL)
    return;
  id = mfd_watch_id_for_connector (mfd_connector_get_name (connector));
  mfd_watch_model_set_watched (self->watch_model, id, gtk_switch_get_active (watch_switch));
}

static GtkSwitch *
get_watch_switch (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "watch-switch");
}

/* The model read the list again: the switches show what it says. */
static void
sync_watch_switches (MfdConnectorsPage *self)
{
  self->syncing = TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      MfdConnector *connector = g_object_get_data (G_OBJECT (child), "connector");
      g_autofree char *id = NULL;

      if (connector == NULL || get_watch_switch (child) == NULL)
        continue;
      id = mfd_watch_id_for_connector (mfd_connector_get_name (connector));
      gtk_switch_set_active (get_watch_switch (child), mfd_watch_model_contains (self->watch_model, id));
    }
  self->syncing = FALSE;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  MfdConnectorsPage *self = user_data;
  MfdConnector *connector = item;
  g_autofree char *subtitle = mfd_ui_describe_connector (connector);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mfd_connector_get_name (connector));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "connector", g_object_ref (connector), g_object_unref);

  if (!mfd_connector_get_enabled (connector))
    {
      GtkWidget *tag = gtk_label_new (_("Disabled"));

      gtk_widget_add_css_class (tag, "code-chip");
      gtk_widget_add_css_class (tag, "dim-label");
      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
    }

  if (self->watch_model != NULL)
    {
      g_autofree char *id = mfd_watch_id_for_connector (mfd_connector_get_name (connector));
      GtkWidget *watch_switch = gtk_switch_new ();

      gtk_widget_set_valign (watch_switch, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (watch_switch), mfd_watch_model_contains (self->watch_model, id));
      /* Translators: a switch on a connector's row: check it again on an interval. */
      gtk_widget_set_tooltip_text (watch_switch, _("Watch: check it again on an interval"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (watch_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Watch"), -1);
      g_object_set_data_full (G_OBJECT (watch_switch), "connector", g_object_ref (connector), g_object_unref);
      g_signal_connect_object (watch_switch, "notify::active", G_CALLBACK (on_watch_switch_active_cb), self, 0);
      g_object_set_data (G_OBJECT (row), "watch-switch", watch_switch);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), watch_switch);

      button = gtk_button_new_from_icon_name ("document-open-recent-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("History"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("History"), -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.show-watch-history");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  button = gtk_button_new_from_icon_name ("document-edit-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Edit"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Edit"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "connectors.edit");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", mfd_connector_get_name (connector));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "connectors.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", mfd_connector_get_name (connector));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

/* Escape clears the search; from an empty search it goes back, as Escape
 * does everywhere else in the wizard. */
static void
on_stop_search_cb (MfdConnectorsPage *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
}

static void
on_search_changed_cb (MfdConnectorsPage *self)
{
  mfd_connectors_page_set_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_summary_response_cb (AdwMessageDialog  *dialog,
                        const char        *response,
                        MfdConnectorsPage *self)
{
  MfdConnector *connector = g_object_get_data (G_OBJECT (dialog), "connector");

  if (g_str_equal (response, "run"))
    mfd_connectors_page_run_checks (self, connector);
}

static void
on_row_activated_cb (MfdConnectorsPage *self,
                     GtkListBoxRow     *row)
{
  MfdConnector *connector = g_object_get_data (G_OBJECT (row), "connector");
  g_autoptr(MfdTarget) target = mfd_target_new_for_connector (connector);
  g_autofree char *where = mfd_target_describe (target, NULL);
  g_autofree char *what = NULL;
  g_autofree char *how = NULL;
  g_autofree char *body = NULL;
  MfdTlsMode mode = mfd_connector_get_tls_mode (connector);
  GtkWidget *dialog;

  /* Translators: the target summary: what will be checked. */
  what = g_strdup_printf (_("Checks %s on port 25, as Exchange Online would connect."), where);
  /* Translators: the target summary: the TLS setting and what it means. */
  how = g_strdup_printf (_("TLS: %s. %s"),
                         mfd_tr (NULL, mfd_tls_mode_get_label (mode)),
                         mfd_tr (NULL, mfd_tls_mode_get_summary (mode)));
  body = g_strconcat (what, "\n\n", how, NULL);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   mfd_connector_get_name (connector), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "run", _("_Run Checks"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "run", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "run");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "connector", g_object_ref (connector), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_summary_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_editor_saved_cb (MfdConnectorEditor *editor,
                    MfdConnector       *connector,
                    MfdConnector       *original,
                    MfdConnectorsPage  *self)
{
  /* Adding replaces a connector of the same name; a renamed one leaves
   * its old entry behind unless it is removed. */
  if (original != NULL &&
      g_ascii_strcasecmp (mfd_connector_get_name (original), mfd_connector_get_name (connector)) != 0)
    mfd_connector_store_remove (self->store, original);
  mfd_connector_store_add (self->store, connector);
  save_store (self);
}

static void
open_editor (MfdConnectorsPage *self,
             MfdConnector      *connector)
{
  MfdConnectorEditor *editor;

  editor = mfd_connector_editor_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                     self->store, connector);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
on_undo_remove_cb (AdwToast          *toast,
                   MfdConnectorsPage *self)
{
  MfdConnector *connector = g_object_get_data (G_OBJECT (toast), "connector");

  mfd_connector_store_add (self->store, connector);
  save_store (self);
}

static void
add_connectors (MfdConnectorsPage *self,
                GPtrArray         *connectors)
{
  /* A connector of the same name is replaced: a fresh export updates the list. */
  for (guint i = 0; i < connectors->len; i++)
    mfd_connector_store_add (self->store, connectors->pdata[i]);
  save_store (self);
}

static void
on_store_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MfdConnectorsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mfd_connector_store_load_finish (MFD_CONNECTOR_STORE (source), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* A corrupt list was kept aside by the store, or an unreadable one
       * left in place (and protected from saves): say so, and go on with
       * an empty one. */
      message = g_strdup_printf (_("Could not read the saved connectors: %s"), error->message);
      show_lasting_toast (self, message);
    }

  self->loaded = TRUE;
  if (self->pending->len > 0)
    add_connectors (self, self->pending);
  g_ptr_array_set_size (self->pending, 0);
}

static void
mfd_connectors_page_add_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  open_editor (MFD_CONNECTORS_PAGE (widget), NULL);
}

static void
mfd_connectors_page_edit_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  MfdConnectorsPage *self = MFD_CONNECTORS_PAGE (widget);
  MfdConnector *connector = mfd_connector_store_find (self->store, g_variant_get_string (parameter, NULL));

  if (connector != NULL)
    open_editor (self, connector);
}

static void
mfd_connectors_page_remove_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  MfdConnectorsPage *self = MFD_CONNECTORS_PAGE (widget);
  MfdConnector *found = mfd_connector_store_find (self->store, g_variant_get_string (parameter, NULL));
  g_autoptr(MfdConnector) connector = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (found == NULL)
    return;

  connector = g_object_ref (found);
  mfd_connector_store_remove (self->store, connector);
  save_store (self);

  title = g_strdup_printf (_("Connector “%s” removed"), mfd_connector_get_name (connector));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "connector", g_steal_pointer (&connector), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_remove_cb), self, 0);
  mfd_ui_add_toast (widget, toast);
}

static void
on_file_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MfdConnectorsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error) ||
      !mfd_connectors_page_import_json (self, contents, length, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not import the connectors: %s"), error->message);
      show_toast (self, message);
    }
}

static void
on_import_chooser_response_cb (GtkNativeDialog   *chooser,
                               int                response,
                               MfdConnectorsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      mfd_connectors_page_import_file (self, file);
    }
  g_object_unref (chooser);
}

static void
mfd_connectors_page_import_file_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  MfdConnectorsPage *self = MFD_CONNECTORS_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Connectors"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Get-OutboundConnector output (JSON or Format-List)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_import_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_paste_response_cb (AdwMessageDialog  *dialog,
                      const char        *response,
                      MfdConnectorsPage *self)
{
  GtkTextBuffer *buffer = g_object_get_data (G_OBJECT (dialog), "buffer");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  if (!g_str_equal (response, "import"))
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!mfd_connectors_page_import_json (self, text, -1, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not import the connectors: %s"), error->message);

      show_toast (self, message);
    }
}

static void
mfd_connectors_page_paste_json_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  MfdConnectorsPage *self = MFD_CONNECTORS_PAGE (widget);
  GtkWidget *dialog;
  GtkWidget *scrolled;
  GtkWidget *text_view;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Paste Connectors"),
                                   _("In Exchange Online PowerShell run Get-OutboundConnector | Format-List (or | ConvertTo-Json) and paste the output here."));
  text_view = gtk_text_view_new ();
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (text_view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text_view), GTK_WRAP_CHAR);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Connector list"), -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), text_view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 200);
  gtk_widget_add_css_class (scrolled, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "import", _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "import", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "buffer", gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_paste_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (text_view);
}

static void
mfd_connectors_page_dispose (GObject *object)
{
  MfdConnectorsPage *self = MFD_CONNECTORS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_CONNECTORS_PAGE);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  g_clear_object (&self->watch_model);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mfd_connectors_page_parent_class)->dispose (object);
}

static void
mfd_connectors_page_finalize (GObject *object)
{
  MfdConnectorsPage *self = MFD_CONNECTORS_PAGE (object);

  g_free (self->search);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (mfd_connectors_page_parent_class)->finalize (object);
}

static void
mfd_connectors_page_class_init (MfdConnectorsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_connectors_page_dispose;
  object_class->finalize = mfd_connectors_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-connectors-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MfdConnectorsPage, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);

  /* "run-checks" (MfdTarget *target): the window runs them. */
  signals[RUN_CHECKS] =
    g_signal_new ("run-checks", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, MFD_TYPE_TARGET);

  gtk_widget_class_install_action (widget_class, "connectors.add", NULL, mfd_connectors_page_add_action);
  gtk_widget_class_install_action (widget_class, "connectors.edit", "s", mfd_connectors_page_edit_action);
  gtk_widget_class_install_action (widget_class, "connectors.remove", "s", mfd_connectors_page_remove_action);
  gtk_widget_class_install_action (widget_class, "connectors.import-file", NULL,
                                   mfd_connectors_page_import_file_action);
  gtk_widget_class_install_action (widget_class, "connectors.paste-json", NULL,
                                   mfd_connectors_page_paste_json_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "connectors.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "connectors.import-file", NULL);
}

static void
mfd_connectors_page_init (MfdConnectorsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->filter = gtk_custom_filter_new (match_connector, self, NULL);
}


void
mfd_connectors_page_set_store (MfdConnectorsPage *self,
                               MfdConnectorStore *store)
{
  g_return_if_fail (MFD_IS_CONNECTORS_PAGE (self));
  g_return_if_fail (MFD_IS_CONNECTOR_STORE (store));

  g_set_object (&self->store, store);
  g_clear_object (&self->filtered);
  /* The filter model takes the filter; the page keeps a borrowed pointer. */
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (store)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->filtered), create_row, self, NULL);

  self->loaded = FALSE;
  mfd_connector_store_load_async (store, self->cancellable, on_store_loaded_cb, g_object_ref (self));
}

static void
on_watch_model_failed_cb (MfdConnectorsPage *self,
                          const char        *message)
{
  g_autofree char *text = g_strdup_printf (_("Could not read or save the watched connectors: %s"), message);

  show_lasting_toast (self, text);
}

void
mfd_connectors_page_set_watch_model (MfdConnectorsPage *self,
                                     MfdWatchModel     *model)
{
  g_return_if_fail (MFD_IS_CONNECTORS_PAGE (self));
  g_return_if_fail (MFD_IS_WATCH_MODEL (model));

  if (self->watch_model != NULL)
    g_signal_handlers_disconnect_by_data (self->watch_model, self);
  g_set_object (&self->watch_model, model);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (sync_watch_switches), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (model, "failed", G_CALLBACK (on_watch_model_failed_cb), self, G_CONNECT_SWAPPED);
  /* The rows are made again, now with their switch. */
  if (self->filtered != NULL)
    gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->filtered), create_row, self, NULL);
}

gboolean
mfd_connectors_page_set_watched (MfdConnectorsPage *self,
                                 const char        *name,
                                 gboolean           watched)
{
  g_return_val_if_fail (MFD_IS_CONNECTORS_PAGE (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      MfdConnector *connector = g_object_get_data (G_OBJECT (child), "connector");

      if (connector != NULL && get_watch_switch (child) != NULL &&
          g_ascii_strcasecmp (mfd_connector_get_name (connector), name) == 0)
        {
          gtk_switch_set_active (get_watch_switch (child), watched);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
mfd_connectors_page_import_json (MfdConnectorsPage  *self,
                                 const char         *json,
                                 gssize              len,
                                 GError            **error)
{
  g_autoptr(GPtrArray) connectors = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (MFD_IS_CONNECTORS_PAGE (self), FALSE);

  connectors = mfd_connector_import (json, len, error);
  if (connectors == NULL)
    return FALSE;

  /* Added now, the saved list would overwrite them when it arrives. */
  if (self->loaded)
    add_connectors (self, connectors);
  else
    g_ptr_array_extend (self->pending, connectors, (GCopyFunc) g_object_ref, NULL);

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u connector", "Imported %u connectors",
                                          connectors->len),
                             connectors->len);
  show_toast (self, message);
  return TRUE;
}

void
mfd_connectors_page_import_file (MfdConnectorsPage *self,
                                 GFile             *file)
{
  g_return_if_fail (MFD_IS_CONNECTORS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_contents_async (file, self->cancellable, on_file_loaded_cb, g_object_ref (self));
}

void
mfd_connectors_page_run_checks (MfdConnectorsPage *self,
                                MfdConnector      *connector)
{
  g_autoptr(MfdTarget) target = NULL;

  g_return_if_fail (MFD_IS_CONNECTORS_PAGE (self));
  g_return_if_fail (MFD_IS_CONNECTOR (connector));

  target = mfd_target_new_for_connector (connector);
  /* The window runs the checks. */
  g_signal_emit (self, signals[RUN_CHECKS], 0, target);
}

void
mfd_connectors_page_set_search (MfdConnectorsPage *self,
                                const char        *text)
{
  g_return_if_fail (MFD_IS_CONNECTORS_PAGE (self));

  g_free (self->search);
  self->search = text != NULL ? g_utf8_casefold (text, -1) : NULL;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

gboolean
mfd_connectors_page_is_saving (MfdConnectorsPage *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTORS_PAGE (self), FALSE);

  return !self->loaded || self->saving > 0;
}

guint
mfd_connectors_page_get_n_visible (MfdConnectorsPage *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTORS_PAGE (self), 0);

  return self->filtered != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) : 0;
}
