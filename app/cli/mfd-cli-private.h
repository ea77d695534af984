/* mfd-cli-private.h — shared by the verbs
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mfd/mfd.h"
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

/* How this computer checks, the options `check` and `watch` share
 * (mfd-cli-settings.c). A verb's options struct starts with one, so the
 * option callbacks, which get the group's data, find it there. */
typedef struct
{
  const char *help_lang;     /* --lang as found before parsing */
  guint16     port;
  gboolean    have_port;
  char       *ca_file;
  char       *trust_anchor;
  char       *dns_server;
  double      timeout;
  gboolean    have_timeout;
  char       *doh_url;
  char       *rdap_bootstrap;
  char       *endpoints_url;
  gboolean    offline;
  char       *control_smtp;
  char       *control_name;
  gboolean    no_control;
} MfdCliSettings;

void     mfd_cli_settings_add_entries   (GOptionGroup          *group,
                                         MfdCliSettings        *s);
void     mfd_cli_settings_clear         (MfdCliSettings        *s);
/* FALSE with a usage error when the options contradict each other. */
gboolean mfd_cli_settings_check         (const MfdCliSettings  *s,
                                         const char            *lang,
                                         GError               **error);
/* Whether any option that describes a destination was given. */
gboolean mfd_cli_settings_name_a_target (const MfdCliSettings  *s);
void     mfd_cli_settings_apply         (const MfdCliSettings  *s,
                                         MfdTarget             *target);
/* A GOption translate function: @data is the language or NULL. */
const char *mfd_cli_translate_option_cb (const char            *str,
                                         gpointer               data);

G_END_DECLS
