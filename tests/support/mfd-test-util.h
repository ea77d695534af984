/* mfd-test-util.h — what many GTest programs here do alike: a watchdog
 * on the main loop, and a table of cases registered one path per row
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A timeout on the global default main context that fails the test
 * (g_error) when @what has not finished within @seconds: a hang is a
 * failure that says what hung, not a suite stopped by meson's timeout.
 * Remove it with g_source_remove() once @what has finished. */
guint mfd_test_watchdog_add (guint          seconds,
                             const char    *what);

/* Registers @func once per row of @rows (@n_rows rows of @row_size bytes)
 * at "@prefix/NAME", NAME being the string at @name_offset in the row;
 * the row is @func's data. MFD_TEST_ADD_ROWS() takes a static array whose
 * rows have a "name" member. */
void  mfd_test_add_rows     (const char    *prefix,
                             gconstpointer  rows,
                             gsize          row_size,
                             gsize          n_rows,
                             gsize          name_offset,
                             GTestDataFunc  func);

#define MFD_TEST_ADD_ROWS(prefix, rows, func) \
  mfd_test_add_rows ((prefix), (rows), sizeof ((rows)[0]), G_N_ELEMENTS (rows), \
                     G_STRUCT_OFFSET (__typeof__ ((rows)[0]), name), (func))

G_END_DECLS
