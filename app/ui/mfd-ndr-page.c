/* mfd-ndr-page.c — paste or open an NDR, read it live, check its server
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-ndr-page.h"
#include "mfd-ui-util.h"

/* Parsing is cheap, but not on every keystroke of a long paste. */
#define PARSE_DELAY_MS 150

struct _MfdNdrPage
{
  AdwBin          parent_instance;

  MfdNdrResult   *result;
  MfdNdrEntry    *selected;
  MfdConnector   *matched;
  MfdConnectorStore *store;           /* the window's, to match the server with */
  GCancellable   *cancellable;
  GCancellable   *parse_cancellable;  /* the parse under way, replaced by the next */
  guint           parse_source;
  gulong          changed_handler;

  /* Template widgets */
  GtkTextView    *text_view;
  GtkLabel       *error_label;
  AdwPreferencesGroup *card_group;
  AdwPreferencesGroup *entries_group;
  GtkListBox     *entries_list;
  AdwActionRow   *title_row;
  GtkLabel       *code_chip;
  AdwActionRow   *server_row;
  AdwActionRow   *state_row;
  GtkImage       *state_icon;
  AdwActionRow   *cause_row;
  AdwPreferencesGroup *check_group;
  AdwActionRow   *match_row;
  AdwComboRow    *tls_row;
  AdwEntryRow    *tls_domain_row;
};

enum {
  RUN_CHECKS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MfdNdrPage, mfd_ndr_page, ADW_TYPE_BIN)

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return NULL;
  local = g_date_time_to_local (time);
  /* Translators: when EOP last tried; a strftime format. */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

/* Whether Exchange Online wrote the error: its queue and trace forms, or
 * an NDR that one of its servers generated. */
static gboolean
from_eop (MfdNdrEntry *entry)
{
  if (entry->source == MFD_NDR_SOURCE_QUEUE || entry->source == MFD_NDR_SOURCE_MESSAGE_TRACE)
    return TRUE;
  return entry->reporting_server != NULL &&
         (g_str_has_suffix (entry->reporting_server, ".outlook.com") ||
          g_str_has_suffix (entry->reporting_server, ".OUTLOOK.COM"));
}

static char *
describe_server (MfdNdrEntry *entry)
{
  g_autofree char *when = format_time (entry->timestamp);
  g_autofree char *address = NULL;
  const char *host = entry->server != NULL ? entry->server : entry->ip;

  if (host == NULL)
    return g_strdup (_("The error does not name the server EOP tried."));

  if (entry->ip != NULL)
    address = g_strdup_printf (strchr (entry->ip, ':') != NULL ? "[%s]:%u" : "%s:%u", entry->ip, entry->port);

  /* Another server's bounce (Postfix, Exim, Gmail…) names the server that
   * answered that server, not one EOP tried. */
  if (!from_eop (entry))
    return address != NULL ? g_strdup_printf (_("The server that answered: %s (%s)"), host, address)
                           : g_strdup_printf (_("The server that answered: %s"), host);

  if (address != NULL && when != NULL)
    /* Translators: host, its address and port, and when. */
    return g_strdup_printf (_("EOP last tried %s (%s) at %s"), host, address, when);
  if (address != NULL)
    return g_strdup_printf (_("EOP last tried %s (%s)"), host, address);
  if (when != NULL)
    return g_strdup_printf (_("EOP last tried %s at %s"), host, when);
  return g_strdup_printf (_("EOP last tried %s"), host);
}

/* What an entry is, in a few words: a bounce from another server can be a
 * permanent failure, a delay or only a success notice. */
static const char *
describe_entry_kind (MfdNdrEntry *entry)
{
  if (mfd_ndr_entry_is_success (entry))
    return _("Delivered or relayed — not an error");
  if (entry->expired)
    return _("Expired");
  if (entry->delayed)
    return _("Delayed — still being retried");
  if (entry->status != NULL ? entry->status[0] == '5' : entry->reply / 100 == 5)
    return _("Failed permanently");
  return _("Temporary — still being retried");
}

/* One line of the list of errors: the code and whom it is about, then
 * what it is and where. */
static char *
describe_entry_title (MfdNdrEntry *entry)
{
  g_autoptr(GString) title = g_string_new (NULL);

  if (entry->reply != 0)
    g_string_append_printf (title, "%d", entry->reply);
  if (entry->status != NULL)
    g_string_append_printf (title, "%s%s", title->len > 0 ? " " : "", entry->status);
  if (entry->recipients != NULL && entry->recipients[0] != NULL)
    g_string_append_printf (title, " · %s", entry->recipients[0]);
  else if (entry->text != NULL)
    g_string_append_printf (title, " · %s", entry->text);
  return g_string_free (g_steal_pointer (&title), FALSE);
}

static char *
describe_entry_subtitle (MfdNdrEntry *entry)
{
  g_autofree char *when = format_time (entry->timestamp);
  const char *where = entry->server != NULL ? entry->server : entry->ip;

  return g_strdup_printf ("%s%s%s%s%s", describe_entry_kind (entry),
                          where != NULL ? " · " : "", where != NULL ? where : "",
                          when != NULL ? " · " : "", when != NULL ? when : "");
}

/* The cause the detail points to, in plain words, and EOP's detail itself. */
static char *
describe_likely_cause (MfdNdrEntry *entry,
                       MfdRemedy   *remedy,
                       MfdRemedy   *cause)
{
  GString *text = g_string_new (NULL);

  if (cause != NULL && (remedy == NULL || g_strcmp0 (cause->title, remedy->title) != 0))
    g_string_append (text, cause->title);
  else if (cause != NULL && cause->likely_causes != NULL && cause->likely_causes[0] != NULL)
    g_string_append (text, cause->likely_causes[0]);

  if (entry->message != NULL)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: the [Message=…] detail of an EOP error, quoted. */
      g_string_append_printf (text, _("EOP's detail: %s"), entry->message);
    }

  return g_string_free (text, text->len == 0);
}

static MfdTarget *
build_target (MfdNdrPage *self)
{
  MfdTarget *target;

  if (self->selected == NULL)
    return NULL;

  if (self->matched != NULL)
    {
      target = mfd_target_new_for_ndr_entry (self->selected, mfd_connector_get_tls_mode (self->matched));
      mfd_target_set_tls_domain (target, mfd_connector_get_tls_domain (self->matched));
      mfd_target_set_connector_name (target, mfd_connector_get_name (self->matched));
    }
  else
    {
      MfdTlsMode mode = mfd_ui_tls_mode_from_index (adw_combo_row_get_selected (self->tls_row));
      const char *domain = gtk_editable_get_text (GTK_EDITABLE (self->tls_domain_row));

      target = mfd_target_new_for_ndr_entry (self->selected, mode);
      if (mode == MFD_TLS_DOMAIN_VALIDATION && *domain != '\0')
        mfd_target_set_tls_domain (target, domain);
    }
  return target;
}

static void
update_check_group (MfdNdrPage *self)
{
  MfdTlsMode mode = mfd_ui_tls_mode_from_index (adw_combo_row_get_selected (self->tls_row));
  const char *host;
  gboolean can_run;

  g_clear_object (&self->matched);
  host = self->selected != NULL ? (self->selected->server != NULL ? self->selected->server : self->selected->ip) : NULL;
  if (host != NULL && self->store != NULL)
    {
      MfdConnector *connector = mfd_connector_store_match_host (self->store, host);

      if (connector != NULL)
        self->matched = g_object_ref (connector);
    }

  if (self->matched != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Matches connector “%s”"), mfd_connector_get_name (self->matched));
      g_autofree char *subtitle = mfd_ui_describe_connector (self->matched);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->match_row), title);
      adw_action_row_set_subtitle (self->match_row, subtitle);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->match_row), _("No saved connector delivers to this server"));
      adw_action_row_set_subtitle (self->match_row, _("Choose the TLS setting of the connector that sends there, so the certificate is judged the same way."));
    }

  mfd_ui_set_tls_subtitle (self->tls_row, mode);
  gtk_widget_set_visible (GTK_WIDGET (self->tls_row), self->matched == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->tls_domain_row),
                          self->matched == NULL && mode == MFD_TLS_DOMAIN_VALIDATION);

  can_run = host != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->check_group), self->selected != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ndr.run-checks", can_run);
}

static void
show_entry (MfdNdrPage  *self,
            MfdNdrEntry *entry)
{
  g_autoptr(MfdRemedy) remedy = NULL;
  g_autoptr(MfdRemedy) cause = NULL;
  g_autofree char *server = NULL;
  g_autofree char *likely = NULL;

  g_clear_pointer (&self->selected, mfd_ndr_entry_unref);
  self->selected = entry != NULL ? mfd_ndr_entry_ref (entry) : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->card_group), entry != NULL);

  if (entry != NULL)
    {
      if (entry->status != NULL || entry->cause != NULL)
        remedy = mfd_remedy_render (entry->status, entry->cause, NULL, NULL);
      if (entry->cause != NULL)
        cause = mfd_remedy_render (NULL, entry->cause, NULL, NULL);

      /* Red for an error that is final, amber for one still retried. */
      mfd_ui_code_chip_update (self->code_chip, entry->reply, entry->status,
                               !entry->expired && (entry->status != NULL ? entry->status[0] != '5'
                                                                         : entry->reply / 100 != 5));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->title_row),
                                     remedy != NULL ? remedy->title : (entry->text != NULL ? entry->text : ""));
      /* EOP's own words, when they say more than the title. */
      adw_action_row_set_subtitle (self->title_row,
                                   remedy != NULL && g_strcmp0 (entry->text, remedy->title) != 0 && entry->text != NULL
                                   ? entry->text : "");

      server = describe_server (entry);
      adw_action_row_set_subtitle (self->server_row, server);

      if (mfd_ndr_entry_is_success (entry))
        {
          adw_action_row_set_subtitle (self->state_row, _("Delivered or relayed — this notice is not an error, and nothing needs fixing"));
          gtk_image_set_from_icon_name (self->state_icon, "mail-send-symbolic");
        }
      else if (entry->expired)
        {
          adw_action_row_set_subtitle (self->state_row, _("Expired — EOP gave up and the sender got an NDR"));
          gtk_image_set_from_icon_name (self->state_icon, "mail-mark-junk-symbolic");
        }
      else if (entry->delayed)
        {
          adw_action_row_set_subtitle (self->state_row, _("Delayed — the sending server keeps trying; the message is not lost yet"));
          gtk_image_set_from_icon_name (self->state_icon, "mail-send-receive-symbolic");
        }
      else if (entry->status == NULL)
        {
          g_autofree char *state = NULL;

          /* No enhanced status code: the reply's class is all there is. */
          if (entry->reply / 100 == 5)
            state = g_strdup_printf (_("Failed permanently — reply code %d without an enhanced status code: a 5xx reply means the receiving server refused the message for good"), entry->reply);
          else
            state = g_strdup_printf (_("Temporary failure — reply code %d without an enhanced status code: a 4xx reply means the receiving server asked to try again later"), entry->reply);
          adw_action_row_set_subtitle (self->state_row, state);
          gtk_image_set_from_icon_name (self->state_icon, entry->reply / 100 == 5 ? "mail-mark-junk-symbolic" : "mail-send-receive-symbolic");
        }
      else if (entry->status[0] == '5')
        {
          adw_action_row_set_subtitle (self->state_row, _("Failed permanently — the receiving server refused the message; it is not retried"));
          gtk_image_set_from_icon_name (self->state_icon, "mail-mark-junk-symbolic");
        }
      else
        {
          adw_action_row_set_subtitle (self->state_row, _("Still retrying — EOP keeps the message queued for up to 24 hours"));
          gtk_image_set_from_icon_name (self->state_icon, "mail-send-receive-symbolic");
        }

      likely = describe_likely_cause (entry, remedy, cause);
      gtk_widget_set_visible (GTK_WIDGET (self->cause_row), likely != NULL);
      adw_action_row_set_subtitle (self->cause_row, likely != NULL ? likely : "");
    }

  update_check_group (self);
}

static void
show_result (MfdNdrPage   *self,
             MfdNdrResult *result,
             const GError *error)
{
  GtkWidget *child;

  g_clear_pointer (&self->result, mfd_ndr_result_unref);
  self->result = result != NULL ? mfd_ndr_result_ref (result) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  if (error != NULL)
    {
      if (g_error_matches (error, MFD_NDR_ERROR, MFD_NDR_ERROR_DELAY_NOTICE))
        gtk_label_set_label (self->error_label, _("This is a delay notice, not an error: Exchange Online is still retrying the message. The error that makes it wait is in the queue or the message trace (Get-QueueMessage, or the message trace's details): paste that line."));
      else if (g_error_matches (error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY))
        gtk_label_set_label (self->error_label, _("No delivery error found in this text yet. Paste the whole NDR or the error line with its code, such as 450 4.4.316."));
      else
        gtk_label_set_label (self->error_label, error->message);
    }

  g_signal_handlers_block_matched (self->entries_list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->entries_list))) != NULL)
    gtk_list_box_remove (self->entries_list, child);
  g_signal_handlers_unblock_matched (self->entries_list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);

  if (result == NULL || result->entries->len == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->entries_group), FALSE);
      show_entry (self, NULL);
      return;
    }

  /* Every error of a bounce for several recipients, the primary first and
   * the rest in the order of the text. */
  for (guint k = 0; k <= result->entries->len; k++)
    {
      MfdNdrEntry *entry;
      GtkWidget *row;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      if (k == 0)
        entry = result->primary;
      else if ((entry = result->entries->pdata[k - 1]) == result->primary)
        continue;

      title = describe_entry_title (entry);
      subtitle = describe_entry_subtitle (entry);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      if (k == 0)
        {
          GtkWidget *tag = gtk_label_new (_("To diagnose"));

          gtk_widget_add_css_class (tag, "accent");
          gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
        }
      g_object_set_data_full (G_OBJECT (row), "mfd-entry", mfd_ndr_entry_ref (entry),
                              (GDestroyNotify) mfd_ndr_entry_unref);
      gtk_list_box_append (self->entries_list, row);
    }

  g_signal_handlers_block_matched (self->entries_list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_list_box_select_row (self->entries_list, gtk_list_box_get_row_at_index (self->entries_list, 0));
  g_signal_handlers_unblock_matched (self->entries_list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_widget_set_visible (GTK_WIDGET (self->entries_group), result->entries->len > 1);

  show_entry (self, result->primary);
}

static void
on_parsed_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(MfdNdrPage) self = user_data;
  g_autoptr(MfdNdrResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = mfd_ndr_parse_bytes_finish (res, &error);
  /* A newer text (or the page going away) made this result stale. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* An empty box is a fresh start, not a mistake to point out. */
  if (g_error_matches (error, MFD_NDR_ERROR, MFD_NDR_ERROR_EMPTY))
    g_clear_error (&error);
  show_result (self, result, error);
}

/* Parses in a worker thread: a pasted message of several megabytes must not
 * stall the window. */
static void
parse_bytes (MfdNdrPage *self,
             GBytes     *bytes)
{
  g_cancellable_cancel (self->parse_cancellable);
  g_clear_object (&self->parse_cancellable);
  self->parse_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->cancellable, "cancelled",
                           G_CALLBACK (g_cancellable_cancel), self->parse_cancellable,
                           G_CONNECT_SWAPPED);
  mfd_ndr_parse_bytes_async (bytes, self->parse_cancellable, on_parsed_cb, g_object_ref (self));
}

static void
parse_text (MfdNdrPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_autoptr(GBytes) bytes = NULL;
  char *text;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));
  parse_bytes (self, bytes);
}

static gboolean
parse_timeout_cb (gpointer user_data)
{
  MfdNdrPage *self = user_data;

  self->parse_source = 0;
  parse_text (self);
  return G_SOURCE_REMOVE;
}

static void
on_buffer_changed_cb (MfdNdrPage *self)
{
  g_clear_handle_id (&self->parse_source, g_source_remove);
  self->parse_source = g_timeout_add (PARSE_DELAY_MS, parse_timeout_cb, self);
}

static void
on_entry_row_selected_cb (MfdNdrPage    *self,
                          GtkListBoxRow *row)
{
  MfdNdrEntry *entry = row != NULL ? g_object_get_data (G_OBJECT (row), "mfd-entry") : NULL;

  if (entry != NULL)
    show_entry (self, entry);
}

static void
on_tls_selected_cb (MfdNdrPage *self)
{
  update_check_group (self);
}

static void
on_file_loaded_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr(MfdNdrPage) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  GtkTextBuffer *buffer;

  bytes = g_file_load_bytes_finish (G_FILE (source), res, NULL, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_result (self, NULL, error);
      return;
    }

  /* The file is parsed as bytes (charsets, MIME parts); the box shows a
   * readable copy without reparsing it. */
  shown = mfd_text_sanitize (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 200000);
  buffer = gtk_text_view_get_buffer (self->text_view);
  g_signal_handler_block (buffer, self->changed_handler);
  gtk_text_buffer_set_text (buffer, shown, -1);
  g_signal_handler_unblock (buffer, self->changed_handler);
  g_clear_handle_id (&self->parse_source, g_source_remove);
  parse_bytes (self, bytes);
}

static void
on_open_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     MfdNdrPage      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      mfd_ndr_page_open_file (self, file);
    }
  g_object_unref (chooser);
}

static void
mfd_ndr_page_open_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) eml = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) any = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open an NDR"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (eml, _("Messages (.eml) and text"));
  gtk_file_filter_add_mime_type (eml, "message/rfc822");
  gtk_file_filter_add_pattern (eml, "*.eml");
  gtk_file_filter_add_pattern (eml, "*.txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), eml);
  gtk_file_filter_set_name (any, _("All files"));
  gtk_file_filter_add_pattern (any, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), any);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_open_response_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
mfd_ndr_page_run_checks_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  mfd_ndr_page_run_checks (MFD_NDR_PAGE (widget));
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            MfdNdrPage    *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files == NULL)
        return FALSE;
      mfd_ndr_page_open_file (self, files->data);
      return TRUE;
    }
  if (G_VALUE_HOLDS_STRING (value))
    {
      mfd_ndr_page_set_text (self, g_value_get_string (value));
      return TRUE;
    }
  return FALSE;
}

static void
mfd_ndr_page_dispose (GObject *object)
{
  MfdNdrPage *self = MFD_NDR_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->parse_source, g_source_remove);
  g_clear_object (&self->parse_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_NDR_PAGE);
  g_clear_pointer (&self->result, mfd_ndr_result_unref);
  g_clear_pointer (&self->selected, mfd_ndr_entry_unref);
  g_clear_object (&self->matched);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mfd_ndr_page_parent_class)->dispose (object);
}

static void
mfd_ndr_page_class_init (MfdNdrPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mfd_ndr_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-ndr-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, text_view);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, card_group);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, entries_group);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, entries_list);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, title_row);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, code_chip);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, state_icon);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, cause_row);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, check_group);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, match_row);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, tls_row);
  gtk_widget_class_bind_template_child (widget_class, MfdNdrPage, tls_domain_row);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tls_selected_cb);

  gtk_widget_class_install_action (widget_class, "ndr.open", NULL, mfd_ndr_page_open_action);
  gtk_widget_class_install_action (widget_class, "ndr.run-checks", NULL, mfd_ndr_page_run_checks_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "ndr.open", NULL);

  /* "run-checks" (MfdTarget *target, MfdNdrEntry *entry): the window runs them. */
  signals[RUN_CHECKS] =
    g_signal_new ("run-checks", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, MFD_TYPE_TARGET, MFD_TYPE_NDR_ENTRY);
}

static void
mfd_ndr_page_init (MfdNdrPage *self)
{
  g_autoptr(GListModel) modes = mfd_ui_tls_mode_model_new ();
  GtkDropTarget *drop;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  adw_combo_row_set_model (self->tls_row, modes);
  self->changed_handler = g_signal_connect_swapped (gtk_text_view_get_buffer (self->text_view), "changed",
                                                    G_CALLBACK (on_buffer_changed_cb), self);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* The saved connectors may have changed since the text was read. */
  g_signal_connect (self, "map", G_CALLBACK (update_check_group), NULL);
  update_check_group (self);

  /* The page is for pasting: Ctrl+V works as soon as it opens. */
  g_signal_connect_swapped (self, "map", G_CALLBACK (gtk_widget_grab_focus), self->text_view);

  /* Caught before the text view, which would take Ctrl+Enter as a newline. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                                                       gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                                                          gtk_named_action_new ("ndr.run-checks")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

void
mfd_ndr_page_set_text (MfdNdrPage *self,
                       const char *text)
{
  g_return_if_fail (MFD_IS_NDR_PAGE (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text != NULL ? text : "", -1);
}

void
mfd_ndr_page_open_file (MfdNdrPage *self,
                        GFile      *file)
{
  g_return_if_fail (MFD_IS_NDR_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_bytes_async (file, self->cancellable, on_file_loaded_cb, g_object_ref (self));
}

void
mfd_ndr_page_run_checks (MfdNdrPage *self)
{
  g_autoptr(MfdTarget) target = NULL;

  g_return_if_fail (MFD_IS_NDR_PAGE (self));

  target = build_target (self);
  if (target == NULL)
    return;
  /* The window runs the checks. */
  g_signal_emit (self, signals[RUN_CHECKS], 0, target, self->selected);
}

void
mfd_ndr_page_set_store (MfdNdrPage        *self,
                        MfdConnectorStore *store)
{
  g_return_if_fail (MFD_IS_NDR_PAGE (self));

  g_set_object (&self->store, store);
}

MfdNdrResult *
mfd_ndr_page_get_result (MfdNdrPage *self)
{
  g_return_val_if_fail (MFD_IS_NDR_PAGE (self), NULL);

  return self->result;
}

MfdNdrEntry *
mfd_ndr_page_get_selected_entry (MfdNdrPage *self)
{
  g_return_val_if_fail (MFD_IS_NDR_PAGE (self), NULL);

  return self->selected;
}

void
mfd_ndr_page_select_entry (MfdNdrPage *self,
                           guint       index)
{
  g_return_if_fail (MFD_IS_NDR_PAGE (self));

  if (self->result == NULL || index >= self->result->entries->len)
    return;
  for (int i = 0; ; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->entries_list, i);

      if (row == NULL)
        break;
      if (g_object_get_data (G_OBJECT (row), "mfd-entry") == self->result->entries->pdata[index])
        {
          gtk_list_box_select_row (self->entries_list, row);
          return;
        }
    }
}

char **
mfd_ndr_page_get_entry_list (MfdNdrPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MFD_IS_NDR_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->entries_group)))
    return g_strv_builder_end (builder);
  for (int i = 0; ; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->entries_list, i);
      g_autofree char *line = NULL;

      if (row == NULL)
        break;
      line = g_strdup_printf ("%s\n%s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
      g_strv_builder_add (builder, line);
    }
  return g_strv_builder_end (builder);
}

MfdConnector *
mfd_ndr_page_get_matched_connector (MfdNdrPage *self)
{
  g_return_val_if_fail (MFD_IS_NDR_PAGE (self), NULL);

  return self->matched;
}

const char *
mfd_ndr_page_get_card_text (MfdNdrPage *self,
                            const char *line)
{
  g_return_val_if_fail (MFD_IS_NDR_PAGE (self), NULL);

  if (g_str_equal (line, "error"))
    return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_label (self->error_label) : NULL;
  if (self->selected == NULL)
    return NULL;
  if (g_str_equal (line, "code"))
    return gtk_label_get_label (self->code_chip);
  if (g_str_equal (line, "title"))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->title_row));
  if (g_str_equal (line, "server"))
    return adw_action_row_get_subtitle (self->server_row);
  if (g_str_equal (line, "state"))
    return adw_action_row_get_subtitle (self->state_row);
  if (g_str_equal (line, "cause"))
    return gtk_widget_get_visible (GTK_WIDGET (self->cause_row)) ? adw_action_row_get_subtitle (self->cause_row) : NULL;
  g_return_val_if_reached (NULL);
}
