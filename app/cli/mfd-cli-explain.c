/* mfd-cli-explain.c — `mail-flow-doctor explain`
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mfd/mfd.h"
#include "mfd-cli-private.h"

/* Accepts "4.4.316", "450 4.4.316", "450-4.4.316" and "other". The reply,
 * when given, must agree with the code's class. Returns the bare code or
 * NULL. */
static char *
parse_code (const char *arg)
{
  g_autofree char *text = g_strstrip (g_ascii_strdown (arg, -1));
  const char *code = text;

  if (g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) && g_ascii_isdigit (text[2]) &&
      (text[3] == ' ' || text[3] == '-'))
    {
      code = text + 4;
      while (*code == ' ')
        code++;
      if (text[0] != code[0])
        return NULL;
    }

  if (!mfd_remedy_knows_code (code))
    return NULL;
  return g_strdup (code);
}

static JsonNode *
remedy_to_json (const MfdRemedy *remedy)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_string_value (builder, "mail-flow-doctor/explain/1");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, remedy->code);
  json_builder_set_member_name (builder, "reply");
  if (remedy->reply != 0)
    json_builder_add_int_value (builder, remedy->reply);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "cause");
  if (remedy->cause != NULL)
    json_builder_add_string_value (builder, remedy->cause);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, remedy->title);
  json_builder_set_member_name (builder, "explanation");
  json_builder_add_string_value (builder, remedy->explanation);

  json_builder_set_member_name (builder, "likely_causes");
  json_builder_begin_array (builder);
  for (guint i = 0; remedy->likely_causes[i] != NULL; i++)
    json_builder_add_string_value (builder, remedy->likely_causes[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < remedy->steps->len; i++)
    {
      const MfdRemedyStep *step = g_ptr_array_index (remedy->steps, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, step->text);
      json_builder_set_member_name (builder, "command");
      if (step->command != NULL)
        json_builder_add_string_value (builder, step->command);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "eac_path");
      if (step->eac_path != NULL)
        json_builder_add_string_value (builder, step->eac_path);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Continuation lines of a paragraph keep the indent of its first line. */
static void
append_indented (GString    *out,
                 const char *indent,
                 const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, indent);
      g_string_append (out, lines[i]);
      g_string_append_c (out, '\n');
    }
}

static char *
remedy_to_text (const MfdRemedy *remedy,
                const char      *lang)
{
  GString *out = g_string_new (NULL);

  if (remedy->reply != 0)
    g_string_append_printf (out, "%d %s — %s\n", remedy->reply, remedy->code, remedy->title);
  else
    g_string_append_printf (out, "%s\n", remedy->title);
  if (remedy->cause != NULL)
    {
      g_autofree char *line = mfd_text_render_va (lang, N_("Cause: {1}"), remedy->cause, NULL);

      g_string_append_printf (out, "%s\n", line);
    }
  g_string_append_c (out, '\n');
  append_indented (out, "", remedy->explanation);

  g_string_append_printf (out, "\n%s\n", mfd_tr (lang, N_("Likely causes:")));
  for (guint i = 0; remedy->likely_causes[i] != NULL; i++)
    {
      g_string_append (out, "  • ");
      append_indented (out, "    ", remedy->likely_causes[i]);
    }

  g_string_append_printf (out, "\n%s\n", mfd_tr (lang, N_("How to fix it:")));
  for (guint i = 0; i < remedy->steps->len; i++)
    {
      const MfdRemedyStep *step = g_ptr_array_index (remedy->steps, i);

      g_string_append_printf (out, "%3u. ", i + 1);
      append_indented (out, "     ", step->text);
      if (step->command != NULL)
        g_string_append_printf (out, "       %s\n", step->command);
      if (step->eac_path != NULL)
        {
          g_autofree char *line = mfd_text_render_va (lang, N_("Exchange admin center (EAC): {1}"),
                                                      step->eac_path, NULL);

          g_string_append_printf (out, "     %s\n", line);
        }
    }

  return g_string_free (out, FALSE);
}

static const char *
translate_option_cb (const char *str,
                     gpointer    data)
{
  return mfd_tr (data, str);
}

static char *
known_list (const char * const *list)
{
  return g_strjoinv (", ", (char **) list);
}

int
mfd_cli_explain (int    argc,
                 char **argv)
{
  g_autofree char *opt_cause = NULL;
  g_autofree char *opt_lang = NULL;
  gboolean opt_json = FALSE;
  const GOptionEntry entries[] = {
    { "cause", 0, 0, G_OPTION_ARG_STRING, &opt_cause,
      N_("Explain this cause (a stable id such as tcp-refused)"), N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
      N_("Print JSON (schema mail-flow-doctor/explain/1)"), NULL },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &opt_lang,
      N_("Language of the output: ja or en"), N_("LANG") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdRemedy) remedy = NULL;
  g_autofree char *code = NULL;
  g_autofree char *codes = NULL;
  g_autofree char *causes = NULL;
  g_autofree char *codes_line = NULL;
  g_autofree char *causes_line = NULL;
  g_autofree char *description = NULL;
  const char *help_lang = mfd_cli_find_lang (argc, argv);
  const char *lang;

  if (help_lang != NULL && !g_str_equal (help_lang, "ja") && !g_str_equal (help_lang, "en"))
    help_lang = NULL;

  codes = known_list (mfd_remedy_list_codes ());
  causes = known_list (mfd_remedy_list_causes ());
  codes_line = mfd_text_render_va (help_lang, N_("Codes: {1}"), codes, NULL);
  causes_line = mfd_text_render_va (help_lang, N_("Causes: {1}"), causes, NULL);
  description = g_strconcat (codes_line, "\n\n", causes_line, NULL);

  context = g_option_context_new (mfd_tr (help_lang, N_("CODE")));
  g_option_context_set_summary (context, mfd_tr (help_lang, N_("Explains an Exchange Online delivery error code (such as 4.4.316) and how to fix it.")));
  g_option_context_set_translate_func (context, translate_option_cb, (gpointer) help_lang, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, description);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("mail-flow-doctor: %s\n", error->message);
      return MFD_CLI_EXIT_USAGE;
    }
  if (!mfd_cli_check_lang (opt_lang))
    return MFD_CLI_EXIT_USAGE;
  lang = opt_lang;

  /* "explain 450 4.4.316" unquoted: the reply and the code as two words. */
  if (argc == 3 && strlen (argv[1]) == 3 && strspn (argv[1], "0123456789") == 3)
    {
      char *joined = g_strconcat (argv[1], " ", argv[2], NULL);

      code = parse_code (joined);
      g_free (joined);
      if (code != NULL)
        argc = 1;
    }
  if (argc > 2)
    {
      mfd_cli_printerr (lang, N_("Give one code at a time."));
      return MFD_CLI_EXIT_USAGE;
    }
  if (argc < 2 && code == NULL && opt_cause == NULL)
    {
      mfd_cli_printerr (lang, N_("Give a code to explain, for example “mail-flow-doctor explain 4.4.316”."));
      return MFD_CLI_EXIT_USAGE;
    }
  if (argc == 2)
    {
      code = parse_code (argv[1]);
      if (code == NULL)
        {
          g_autofree char *shown = mfd_text_sanitize (argv[1], -1, 64);
          g_autofree char *message = mfd_text_render_va (lang, N_("“{1}” is not a code this tool knows. Known codes: {2}"),
                                                         shown, codes, NULL);

          g_printerr ("mail-flow-doctor: %s\n", message);
          return MFD_CLI_EXIT_USAGE;
        }
    }
  if (opt_cause != NULL && mfd_remedy_code_for_cause (opt_cause) == NULL)
    {
      g_autofree char *shown = mfd_text_sanitize (opt_cause, -1, 64);
      g_autofree char *message = mfd_text_render_va (lang, N_("“{1}” is not a known cause. Known causes: {2}"),
                                                     shown, causes, NULL);

      g_printerr ("mail-flow-doctor: %s\n", message);
      return MFD_CLI_EXIT_USAGE;
    }

  remedy = mfd_remedy_render (code, opt_cause, lang, NULL);
  g_assert (remedy != NULL);

  if (opt_json)
    {
      g_autoptr(JsonNode) node = remedy_to_json (remedy);

      mfd_cli_print_json (node);
    }
  else
    {
      g_autofree char *text = remedy_to_text (remedy, lang);

      g_print ("%s", text);
    }

  return MFD_CLI_EXIT_OK;
}
