/* mfd-report-ndr.c — an NDR's entries as JSON, text or Markdown
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-report"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mfd-remedy.h"
#include "mfd-report.h"
#include "mfd-text.h"
#include "mfd-util.h"

#define NDR_SCHEMA "mail-flow-doctor/ndr/1"

static char *
format_time (GDateTime *when)
{
  if (when == NULL)
    return NULL;
  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}

/* "203.0.113.25:25", "[2001:db8::25]:25" */
static char *
format_address (const MfdNdrEntry *entry)
{
  if (entry->ip == NULL)
    return NULL;
  if (strchr (entry->ip, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", entry->ip, entry->port);
  return g_strdup_printf ("%s:%u", entry->ip, entry->port);
}

void
mfd_report_add_ndr_entry_json (JsonBuilder       *builder,
                               const MfdNdrEntry *entry)
{
  g_autofree char *time = format_time (entry->timestamp);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reply");
  if (entry->reply != 0)
    json_builder_add_int_value (builder, entry->reply);
  else
    json_builder_add_null_value (builder);
  mfd_util_add_string_or_null (builder, "status", entry->status);
  mfd_util_add_string_or_null (builder, "text", entry->text);
  mfd_util_add_string_or_null (builder, "message", entry->message);
  mfd_util_add_string_or_null (builder, "server", entry->server);
  mfd_util_add_string_or_null (builder, "ip", entry->ip);
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, entry->port);
  json_builder_set_member_name (builder, "expired");
  json_builder_add_boolean_value (builder, entry->expired);
  json_builder_set_member_name (builder, "delayed");
  json_builder_add_boolean_value (builder, entry->delayed);
  mfd_util_add_string_or_null (builder, "cause", entry->cause);
  mfd_util_add_string_or_null (builder, "source", mfd_ndr_source_to_string (entry->source));
  mfd_util_add_string_or_null (builder, "reporting_server", entry->reporting_server);
  mfd_util_add_string_or_null (builder, "time", time);
  json_builder_set_member_name (builder, "recipients");
  json_builder_begin_array (builder);
  for (gsize i = 0; entry->recipients != NULL && entry->recipients[i] != NULL; i++)
    json_builder_add_string_value (builder, entry->recipients[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

JsonNode *
mfd_report_ndr_to_json (MfdNdrResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (builder);
  mfd_util_add_string_or_null (builder, "schema", NDR_SCHEMA);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->entries->len; i++)
    mfd_report_add_ndr_entry_json (builder, g_ptr_array_index (result->entries, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "primary");
  if (result->primary != NULL)
    mfd_report_add_ndr_entry_json (builder, result->primary);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static const char *
state_msgid (const MfdNdrEntry *entry)
{
  if (mfd_ndr_entry_is_success (entry))
    return N_("Delivered or relayed: a success notice, not an error.");
  if (entry->expired)
    return N_("Expired: Exchange Online stopped retrying and returned the message to the sender.");
  if (entry->delayed)
    return N_("Delayed: the sending server keeps trying; the message is not lost yet.");
  /* Without an enhanced status code the reply's class is all there is. */
  if (entry->status == NULL)
    return entry->reply / 100 == 4
           ? N_("Temporary failure: a 4xx reply without an enhanced status code; the receiving server asked to try again later.")
           : N_("Failed permanently: a 5xx reply without an enhanced status code; the receiving server refused the message for good.");
  if (entry->reply / 100 == 4 || entry->status[0] == '4')
    return N_("Temporary: Exchange Online retries for up to 24 hours, then returns the message to the sender.");
  return N_("Failed permanently: this error is not retried.");
}

/* The cause in words, with its stable id kept for tickets and scripts:
 * a bare id means nothing to the admin reading the report. */
static char *
likely_cause_text (const char *cause,
                   const char *lang)
{
  g_autoptr(MfdRemedy) remedy = NULL;

  if (cause == NULL)
    return NULL;
  remedy = mfd_remedy_render (NULL, cause, lang, NULL);
  if (remedy == NULL || remedy->title == NULL)
    return g_strdup (cause);
  return g_strdup_printf ("%s (%s)", remedy->title, cause);
}

/* One "label: value" line; Markdown makes it a bullet with a bold label. */
static void
append_field (GString         *out,
              MfdReportFormat  format,
              const char      *lang,
              const char      *label_msgid,
              const char      *value)
{
  g_autofree char *safe = NULL;

  if (value == NULL)
    return;
  safe = mfd_text_sanitize (value, -1, 1024);
  if (format == MFD_REPORT_MARKDOWN)
    g_string_append_printf (out, "- **%s**: %s\n", mfd_tr (lang, label_msgid), safe);
  else
    g_string_append_printf (out, "   %s: %s\n", mfd_tr (lang, label_msgid), safe);
}

static void
append_entry (GString           *out,
              MfdReportFormat    format,
              const char        *lang,
              const MfdNdrEntry *entry,
              guint              number,
              gboolean           primary)
{
  g_autofree char *address = format_address (entry);
  g_autofree char *server = NULL;
  g_autofree char *when = NULL;
  g_autoptr(GString) code_line = NULL;
  g_autofree char *code = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *recipients = NULL;
  g_autofree char *cause = NULL;
  g_autofree char *number_str = g_strdup_printf ("%u", number);

  code_line = g_string_new (NULL);
  /* A bare reply code stands alone: no status is invented for it. */
  if (entry->reply != 0)
    g_string_append_printf (code_line, "%d", entry->reply);
  if (entry->status != NULL)
    g_string_append_printf (code_line, "%s%s", entry->reply != 0 ? " " : "", entry->status);
  else if (entry->reply == 0)
    g_string_append_c (code_line, '?');
  if (entry->text != NULL)
    g_string_append_printf (code_line, " %s", entry->text);
  code = g_string_free (g_steal_pointer (&code_line), FALSE);
  heading = mfd_text_render_va (lang,
                                primary ? N_("Error {1} (the one to diagnose): {2}")
                                        : N_("Error {1}: {2}"),
                                number_str, code, NULL);
  if (format == MFD_REPORT_MARKDOWN)
    {
      g_autofree char *safe = mfd_text_sanitize (heading, -1, 1024);

      g_string_append_printf (out, "\n### %s\n\n", safe);
    }
  else
    {
      g_autofree char *safe = mfd_text_sanitize (heading, -1, 1024);

      g_string_append_printf (out, "\n%s\n", safe);
    }

  if (entry->server != NULL && address != NULL)
    server = g_strdup_printf ("%s (%s)", entry->server, address);
  else if (entry->server != NULL)
    server = g_strdup (entry->server);
  else
    server = g_steal_pointer (&address);
  append_field (out, format, lang, N_("Destination server"), server);

  if (entry->timestamp != NULL)
    when = g_date_time_format (entry->timestamp, "%Y-%m-%d %H:%M:%S UTC");
  append_field (out, format, lang, N_("When"), when);
  append_field (out, format, lang, N_("State"), mfd_tr (lang, state_msgid (entry)));
  append_field (out, format, lang, N_("Detail"), entry->message);
  cause = likely_cause_text (entry->cause, lang);
  /* A success notice has nothing to look for. */
  if (!mfd_ndr_entry_is_success (entry))
    append_field (out, format, lang, N_("Likely cause"),
                  cause != NULL ? cause
                                : mfd_tr (lang, N_("not known from the text alone; run the checks")));
  append_field (out, format, lang, N_("Reported by"), entry->reporting_server);
  if (entry->recipients != NULL && entry->recipients[0] != NULL)
    recipients = g_strjoinv (", ", entry->recipients);
  append_field (out, format, lang, N_("Recipients"), recipients);
}

char *
mfd_report_render_ndr (MfdNdrResult    *result,
                       MfdReportFormat  format,
                       const char      *lang)
{
  GString *out;
  g_autofree char *count = NULL;
  g_autofree char *summary = NULL;

  g_return_val_if_fail (result != NULL, NULL);

  if (format == MFD_REPORT_JSON)
    {
      g_autoptr(JsonNode) node = mfd_report_ndr_to_json (result);
      g_autoptr(JsonGenerator) generator = json_generator_new ();

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, node);
      return json_generator_to_data (generator, NULL);
    }

  out = g_string_new (NULL);
  count = g_strdup_printf ("%u", result->entries->len);
  summary = result->entries->len == 1
            ? g_strdup (mfd_tr (lang, N_("One delivery error was found in the text.")))
            : mfd_text_render_va (lang, N_("{1} delivery errors were found in the text."), count, NULL);

  if (format == MFD_REPORT_MARKDOWN)
    g_string_append_printf (out, "## %s\n\n%s\n", mfd_tr (lang, N_("Delivery errors")), summary);
  else
    g_string_append_printf (out, "%s\n", summary);

  for (guint i = 0; i < result->entries->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (result->entries, i);

      append_entry (out, format, lang, entry, i + 1, entry == result->primary);
    }

  return g_string_free (out, FALSE);
}
