/* mfd-cli-explain-ndr.c — `mail-flow-doctor explain-ndr`
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-cli"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>

#include "mfd/mfd.h"
#include "mfd-cli-private.h"

static const char *
translate_option (const char *str,
                  gpointer    user_data)
{
  const char *lang = user_data;

  if (lang != NULL && !g_str_equal (lang, "ja") && !g_str_equal (lang, "en"))
    lang = NULL;
  return mfd_tr (lang, str);
}

/* Reads at most MFD_NDR_MAX_INPUT + 1 bytes, so that a larger input is
 * recognised as too large without being read whole. */
static GBytes *
read_input (const char  *path,
            GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[64 * 1024];

  if (path == NULL || g_str_equal (path, "-"))
    stream = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      stream = G_INPUT_STREAM (g_file_read (file, NULL, error));
      if (stream == NULL)
        return NULL;
    }

  while (data->len <= MFD_NDR_MAX_INPUT)
    {
      gsize want = MIN (sizeof buffer, MFD_NDR_MAX_INPUT + 1 - data->len);
      gssize got = g_input_stream_read (stream, buffer, want, NULL, error);

      if (got < 0)
        return NULL;
      if (got == 0)
        break;
      g_byte_array_append (data, buffer, got);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static const char *
parse_error_msgid (const GError *error)
{
  if (error->domain == MFD_NDR_ERROR)
    {
      switch ((MfdNdrError) error->code)
        {
        case MFD_NDR_ERROR_EMPTY:
          return N_("The input is empty. Paste an NDR, a queue error or a message-trace line, "
                    "or give a file.");
        case MFD_NDR_ERROR_TOO_LARGE:
          return N_("The input is larger than 8 MB. Give only the error text or the NDR message itself.");
        case MFD_NDR_ERROR_NO_ENTRY:
          return N_("No delivery error (such as “450 4.4.316”) was found in the input.");
        case MFD_NDR_ERROR_DELAY_NOTICE:
          return N_("This is a delay notice, not an error: Exchange Online is still retrying the message. "
                    "The error that makes it wait is in the queue (Get-QueueMessage) or the message trace: paste that.");
        case MFD_NDR_ERROR_INVALID:
          return N_("The input looks like an e-mail message but could not be read.");
        default:
          break;
        }
    }
  return N_("The input could not be read.");
}

int
mfd_cli_explain_ndr (int    argc,
                     char **argv)
{
  gboolean json = FALSE;
  g_autofree char *lang = NULL;
  g_auto(GStrv) files = NULL;
  const char *early_lang = mfd_cli_find_lang (argc, argv);
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(MfdNdrResult) result = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the entries as JSON (schema mail-flow-doctor/ndr/1)"), NULL },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang,
      N_("Language of the output: ja or en"), N_("LANG") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("[FILE|-]") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_translate_func (context, translate_option, (gpointer) early_lang, NULL);
  g_option_context_set_summary (context,
                                N_("Reads an NDR (.eml or pasted text), a queue error or a message-trace "
                                   "line from FILE, or from standard input when FILE is “-” or absent, "
                                   "and explains every delivery error in it."));
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_group_set_translate_func (g_option_context_get_main_group (context),
                                     translate_option, (gpointer) early_lang, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("mail-flow-doctor: %s\n", error->message);
      return MFD_CLI_EXIT_USAGE;
    }
  if (!mfd_cli_check_lang (lang))
    return MFD_CLI_EXIT_USAGE;
  if (files != NULL && g_strv_length (files) > 1)
    {
      mfd_cli_printerr (lang, N_("Give one file at a time."));
      return MFD_CLI_EXIT_USAGE;
    }

  bytes = read_input (files != NULL ? files[0] : NULL, &error);
  if (bytes == NULL)
    {
      g_autofree char *message = mfd_text_render_va (lang, N_("Cannot read {1}: {2}"),
                                                     files != NULL ? files[0] : "-",
                                                     error->message, NULL);

      g_printerr ("mail-flow-doctor: %s\n", message);
      return MFD_CLI_EXIT_USAGE;
    }

  result = mfd_ndr_parse_bytes (bytes, &error);
  if (result == NULL)
    {
      /* Scripts get a document either way: "nothing found" is an answer. */
      if (json && (g_error_matches (error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY) ||
                   g_error_matches (error, MFD_NDR_ERROR, MFD_NDR_ERROR_DELAY_NOTICE)))
        {
          g_autoptr(GPtrArray) no_entries = g_ptr_array_new ();
          MfdNdrResult none = { .entries = no_entries, .primary = NULL };
          g_autoptr(JsonNode) node = mfd_report_ndr_to_json (&none);

          mfd_cli_print_json (node);
        }
      mfd_cli_printerr (lang, parse_error_msgid (error));
      return MFD_CLI_EXIT_USAGE;
    }

  if (json)
    {
      g_autoptr(JsonNode) node = mfd_report_ndr_to_json (result);

      mfd_cli_print_json (node);
    }
  else
    {
      g_autofree char *text = mfd_report_render_ndr (result, MFD_REPORT_TEXT, lang);

      g_print ("%s", text);
    }

  return MFD_CLI_EXIT_OK;
}
