/* main.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "mfd/mfd.h"
#include "mfd-application.h"
#include "mfd-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MfdApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, mfd_text_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A verb selects the command-line face; everything else is the app. */
  if (argc > 1 && mfd_cli_is_verb (argv[1]))
    return mfd_cli_run (argc, argv);

  app = mfd_application_new (APP_ID, G_APPLICATION_HANDLES_OPEN);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
