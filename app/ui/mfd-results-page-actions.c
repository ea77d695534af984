/* mfd-results-page-actions.c — what the results page does: re-check, copy,
 * export, remind
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-results-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-application.h"
#include "mfd-results-page-private.h"
#include "mfd-ui-util.h"

static void
copy_text (MfdResultsPage *self,
           const char     *text,
           const char     *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  _mfd_results_page_show_toast (self, toast);
}

void
_mfd_results_page_copy_command (MfdResultsPage *self,
                                const char     *command)
{
  g_autofree char *placeholder = mfd_remedy_command_dup_placeholder (command);

  if (placeholder != NULL)
    {
      /* Translators: %s is what is still to be replaced, e.g. "<domain>". */
      g_autofree char *message = g_strdup_printf (_("Copied, but the command still contains %s: replace it before you run it"),
                                                  placeholder);

      copy_text (self, command, message);
    }
  else
    {
      copy_text (self, command, _("Command copied"));
    }
}

static void
mfd_results_page_copy_command_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  _mfd_results_page_copy_command (MFD_RESULTS_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
mfd_results_page_recheck_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);

  /* The window runs checks (it applies the preferences, or the practice
   * lab's): it re-checks what this page shows. */
  if (self->diagnosis != NULL)
    gtk_widget_activate_action (widget, "win.recheck", NULL);
}

static void
mfd_results_page_copy_report_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  GSettings *settings = _mfd_results_page_get_settings (self);
  g_autofree char *report = NULL;

  if (self->diagnosis == NULL)
    return;
  report = mfd_report_render_diagnosis (self->diagnosis, MFD_REPORT_TEXT,
                                        settings != NULL ? mfd_ui_report_language (settings) : NULL);
  copy_text (self, report, _("Report copied"));
}

static void
mfd_results_page_copy_ranges_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  g_autofree char *text = NULL;
  const char * const *ranges;

  ranges = self->diagnosis != NULL ? mfd_diagnosis_get_eop_ranges (self->diagnosis) : NULL;
  if (ranges == NULL)
    return;
  text = g_strjoinv ("\n", (char **) ranges);
  copy_text (self, text, _("Address ranges copied"));
}

static void
on_export_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (source);
  g_autoptr(GError) error = NULL;

  if (mfd_results_page_export_finish (self, result, &error))
    {
      GFile *file = g_task_get_task_data (G_TASK (result));
      g_autofree char *where = g_file_get_parse_name (file);
      g_autofree char *message = g_strdup_printf (_("Report saved to %s"), where);

      _mfd_results_page_show_toast (self, message);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the report: %s"), error->message);

      _mfd_results_page_show_toast (self, message);
    }
}

static void
on_export_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       MfdResultsPage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      const char *format = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "format");
      const char *lang = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "language");
      g_autofree char *basename = g_file_get_basename (file);

      /* The suggested name ends in .md; JSON chosen afterwards gets its own. */
      if (g_strcmp0 (format, "json") == 0 && basename != NULL && g_str_has_suffix (basename, ".md"))
        {
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *stem = g_strndup (basename, strlen (basename) - 3);
          g_autofree char *json_name = g_strconcat (stem, ".json", NULL);

          if (parent != NULL)
            g_set_object (&file, g_file_get_child (parent, json_name));
        }

      mfd_results_page_export_async (self, file,
                                     g_strcmp0 (format, "json") == 0 ? MFD_REPORT_JSON : MFD_REPORT_MARKDOWN,
                                     g_strcmp0 (lang, "ui") == 0 ? NULL : lang,
                                     NULL, on_export_done_cb, NULL);
    }
  g_object_unref (chooser);
}

static void
mfd_results_page_export_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  GSettings *settings = _mfd_results_page_get_settings (self);
  g_autofree char *lang = settings != NULL ? g_settings_get_string (settings, "report-language") : g_strdup ("ui");
  GtkFileChooserNative *chooser;
  const char *format_ids[] = { "markdown", "json", NULL };
  const char *format_labels[] = { _("Markdown (.md)"), _("JSON (.json)"), NULL };
  const char *lang_ids[] = { "ui", "en", "ja", NULL };
  const char *lang_labels[] = { _("The app's language"), _("English"), _("Japanese"), NULL };

  if (self->diagnosis == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Export Report"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  {
    g_autofree char *name = mfd_results_page_dup_export_name (self, "md");

    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  }
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"), format_ids, format_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "markdown");
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "language", _("Language"), lang_ids, lang_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "language", lang);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* "mail-flow-doctor-mail.contoso.com-2026-12-07.md": which server, and
 * when, without opening the file. */
char *
mfd_results_page_dup_export_name (MfdResultsPage *self,
                                  const char     *extension)
{
  MfdTarget *target;
  GPtrArray *hosts;
  const char * const *domains;
  const char *name = NULL;
  g_autofree char *safe = NULL;
  g_autofree char *date = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (MFD_IS_RESULTS_PAGE (self), NULL);
  g_return_val_if_fail (self->diagnosis != NULL, NULL);

  target = mfd_diagnosis_get_target (self->diagnosis);
  hosts = target != NULL ? mfd_target_get_smart_hosts (target) : NULL;
  domains = target != NULL ? mfd_target_get_mx_domains (target) : NULL;
  if (hosts != NULL && hosts->len > 0)
    name = ((MfdTargetHost *) hosts->pdata[0])->host;
  else if (domains != NULL && domains[0] != NULL)
    name = domains[0];
  else if (target != NULL)
    name = mfd_target_get_connector_name (target);

  /* Only what every file system takes in a name. */
  safe = g_strdup (name != NULL ? name : "report");
  for (char *p = safe; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      *p = '-';
  if (strlen (safe) > 64)
    safe[64] = '\0';

  local = g_date_time_to_local (mfd_diagnosis_get_time (self->diagnosis));
  date = g_date_time_format (local, "%Y-%m-%d");

  return g_strdup_printf ("mail-flow-doctor-%s-%s.%s", safe, date, extension);
}

static void
mfd_results_page_remind_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  MfdResultsPage *self = MFD_RESULTS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  g_autofree char *where = NULL;
  g_autofree char *when = NULL;
  g_autofree char *message = NULL;
  GDateTime *due;

  if (!MFD_IS_APPLICATION (app) || self->diagnosis == NULL)
    return;

  /* The application keeps the reminder: it outlives this window. */
  where = mfd_target_describe (mfd_diagnosis_get_target (self->diagnosis), NULL);
  due = mfd_application_remind (MFD_APPLICATION (app), where);
  /* Translators: a strftime format for the reminder's time. */
  when = g_date_time_format (due, _("%H:%M"));
  message = g_strdup_printf (_("You will be reminded at %s. Keep the app running."), when);
  _mfd_results_page_show_toast (self, message);
}

static void
on_report_written_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
mfd_results_page_export_async (MfdResultsPage      *self,
                               GFile               *file,
                               MfdReportFormat      format,
                               const char          *lang,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *report;

  g_return_if_fail (MFD_IS_RESULTS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->diagnosis != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_results_page_export_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  report = mfd_report_render_diagnosis (self->diagnosis, format, lang);
  bytes = g_bytes_new_take (report, strlen (report));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_report_written_cb, g_steal_pointer (&task));
}

gboolean
mfd_results_page_export_finish (MfdResultsPage  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_results_page_export_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_mfd_results_page_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "results.recheck", NULL, mfd_results_page_recheck_action);
  gtk_widget_class_install_action (widget_class, "results.copy-report", NULL, mfd_results_page_copy_report_action);
  gtk_widget_class_install_action (widget_class, "results.copy-ranges", NULL, mfd_results_page_copy_ranges_action);
  gtk_widget_class_install_action (widget_class, "results.copy-command", "s", mfd_results_page_copy_command_action);
  gtk_widget_class_install_action (widget_class, "results.export", NULL, mfd_results_page_export_action);
  gtk_widget_class_install_action (widget_class, "results.remind", NULL, mfd_results_page_remind_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "results.recheck", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "results.export", NULL);
}
