/* mfd-test-cli.h — running the real mail-flow-doctor binary from a test
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *out;
  char *err;
  int   status;
} MfdTestRun;

void mfd_test_run_clear     (MfdTestRun         *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MfdTestRun, mfd_test_run_clear)

/* Runs `$MFD_BINARY VERB ARGS…` (@args NULL-terminated) to its end, with
 * @input_len bytes of @input (or nothing) on standard input, in an English
 * process environment, so that every Japanese word must come from --lang;
 * with @cache_dir as XDG_CACHE_HOME when not NULL. Asserts that it exited
 * and wrote UTF-8. */
void mfd_test_cli_run       (MfdTestRun         *run,
                             const char         *verb,
                             const char         *cache_dir,
                             const char         *input,
                             gsize               input_len,
                             const char * const *args);
/* The same, with the arguments as a NULL-terminated list and no input. */
void mfd_test_cli_run_va    (MfdTestRun         *run,
                             const char         *verb,
                             const char         *cache_dir,
                             ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
