/* mfd-cli-explain.c — `mail-flow-doctor explain`
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd/mfd.h"
#include "mfd-cli-private.h"

int
mfd_cli_explain (int    argc,
                 char **argv)
{
  mfd_cli_printerr (NULL, N_("The “explain” command is not available in this build yet."));
  return MFD_CLI_EXIT_USAGE;
}
