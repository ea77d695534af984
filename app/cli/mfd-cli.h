/* mfd-cli.h — the command-line face
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of the command-line contract (docs/cli.md). */
#define MFD_CLI_EXIT_OK        0
#define MFD_CLI_EXIT_PROBLEM   1
#define MFD_CLI_EXIT_USAGE     2

gboolean mfd_cli_is_verb (const char *arg);
int      mfd_cli_run     (int         argc,
                          char      **argv);

G_END_DECLS
