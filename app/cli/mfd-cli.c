/* mfd-cli.c — verb dispatch and helpers shared by the verbs
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

typedef int (*VerbFunc) (int argc, char **argv);

static const struct
{
  const char *name;
  VerbFunc    func;
} verbs[] = {
  { "check",       mfd_cli_check },
  { "explain-ndr", mfd_cli_explain_ndr },
  { "explain",     mfd_cli_explain },
  { "watch",       mfd_cli_watch },
};

gboolean
mfd_cli_is_verb (const char *arg)
{
  if (arg == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (arg, verbs[i].name))
      return TRUE;
  return FALSE;
}

int
mfd_cli_run (int    argc,
             char **argv)
{
  g_return_val_if_fail (argc > 1, MFD_CLI_EXIT_USAGE);

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      if (g_str_equal (argv[1], verbs[i].name))
        {
          g_autofree char *prgname = g_strdup_printf ("mail-flow-doctor %s", verbs[i].name);
          g_autofree char **sub_argv = g_new0 (char *, argc);

          sub_argv[0] = prgname;
          for (int j = 2; j < argc; j++)
            sub_argv[j - 1] = argv[j];
          g_set_prgname (prgname);
          return verbs[i].func (argc - 1, sub_argv);
        }
    }

  return MFD_CLI_EXIT_USAGE;
}

gboolean
mfd_cli_check_lang (const char *lang)
{
  if (lang == NULL || g_str_equal (lang, "ja") || g_str_equal (lang, "en"))
    return TRUE;

  mfd_cli_printerr (NULL, N_("--lang takes “ja” or “en”."));
  return FALSE;
}

const char *
mfd_cli_find_lang (int    argc,
                   char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_equal (argv[i], "--lang") && i + 1 < argc)
        return argv[i + 1];
      if (g_str_has_prefix (argv[i], "--lang="))
        return argv[i] + strlen ("--lang=");
    }
  return NULL;
}

void
mfd_cli_printerr (const char *lang,
                  const char *message)
{
  g_printerr ("mail-flow-doctor: %s\n", mfd_tr (lang, message));
}

void
mfd_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}
