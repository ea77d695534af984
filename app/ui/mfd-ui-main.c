/* mfd-ui-main.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ui-main"

#include "config.h"

#include <gmodule.h>

#include "mfd-application.h"
#include "mfd-ui-main.h"

/* The executable has already set the locale and bound the text domain;
 * the resource bundle registered itself when the module was loaded. */
G_MODULE_EXPORT int
mfd_ui_main (int    argc,
             char **argv)
{
  g_autoptr(MfdApplication) app = NULL;

  app = mfd_application_new (APP_ID, G_APPLICATION_HANDLES_OPEN);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
