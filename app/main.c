/* main.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <glib/gi18n.h>
#include <gmodule.h>

#include "mfd/mfd.h"
#include "mfd-cli.h"
#include "mfd-ui-main.h"

/* The build tree's module is only trusted by the build tree's executable:
 * an installed copy must never pick up a stale build directory. */
static gboolean
running_from_build_tree (void)
{
  g_autofree char *self = realpath ("/proc/self/exe", NULL);
  g_autofree char *built = realpath (MFD_BUILD_EXECUTABLE, NULL);

  return self != NULL && built != NULL && g_str_equal (self, built);
}

static char *
ui_module_path (void)
{
  /* Never a path from the environment: the module runs with the user's
   * rights inside every window the app opens. */
  if (running_from_build_tree ())
    return g_build_filename (MFD_BUILD_UI_MODULE_DIR, MFD_UI_MODULE_NAME, NULL);
  return g_build_filename (MFD_UI_MODULE_DIR, MFD_UI_MODULE_NAME, NULL);
}

/* GTK lives in a module so that the command-line verbs start without
 * loading it and its dozens of libraries. */
static int
run_ui (int    argc,
        char **argv)
{
  g_autofree char *path = ui_module_path ();
  GModule *module;
  MfdUiMainFunc ui_main = NULL;

  module = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      /* TRANSLATORS: %s is the system's explanation, naming the file. */
      g_printerr (_("Cannot open the app's window: %s\n"), g_module_error ());
      return EXIT_FAILURE;
    }

  if (!g_module_symbol (module, MFD_UI_MAIN_SYMBOL, (gpointer *) &ui_main) || ui_main == NULL)
    {
      g_printerr (_("Cannot open the app's window: %s\n"), g_module_error ());
      return EXIT_FAILURE;
    }

  /* Never unloaded: types, resources and sanitizer stacks refer into it. */
  g_module_make_resident (module);

  return ui_main (argc, argv);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, mfd_text_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A verb selects the command-line face; everything else is the app. */
  if (argc > 1 && mfd_cli_is_verb (argv[1]))
    return mfd_cli_run (argc, argv);

  return run_ui (argc, argv);
}
