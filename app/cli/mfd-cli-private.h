/* mfd-cli-private.h — shared by the verbs
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mfd-cli.h"

G_BEGIN_DECLS

/* Each verb gets argv with argv[0] = "mail-flow-doctor VERB". */
int   mfd_cli_check        (int          argc,
                            char       **argv);
int   mfd_cli_explain_ndr  (int          argc,
                            char       **argv);
int   mfd_cli_explain      (int          argc,
                            char       **argv);
int   mfd_cli_watch        (int          argc,
                            char       **argv);

/* --lang: validates "ja" / "en" (NULL = the process language); on a bad value
 * prints the reason and returns FALSE. */
gboolean mfd_cli_check_lang (const char  *lang);
/* The value of the first --lang before "--", unchecked, or NULL: --help
 * must come out in the language asked for, but GOption prints it while
 * parsing, before --lang is known. */
const char *mfd_cli_find_lang (int          argc,
                               char       **argv);
/* Prints a translated error ("mail-flow-doctor: …") to stderr. */
void     mfd_cli_printerr   (const char  *lang,
                             const char  *message);
/* Pretty JSON to stdout, with a final newline. */
void     mfd_cli_print_json (JsonNode    *node);

G_END_DECLS
