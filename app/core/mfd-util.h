/* mfd-util.h — small helpers the engine's modules share
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdarg.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The strings of a NULL-terminated argument list, borrowed (not copied),
 * as a NULL-terminated array: pdata is a `const char * const *`. */
GPtrArray *mfd_util_collect_args        (va_list      ap);

/* Replaces *@field with a copy of @value unless the two are equal, and
 * says whether it did: g_set_str() of GLib 2.76, which Debian 12 lacks. */
gboolean   mfd_util_set_str             (char       **field,
                                         const char  *value);

/* @key: @value, or @key: null when @value is NULL. */
void       mfd_util_add_string_or_null  (JsonBuilder *builder,
                                         const char  *key,
                                         const char  *value);

/* Renames the unreadable file @path to "<path>.corrupt-<UTC timestamp>[-N]"
 * without ever replacing a file (RENAME_NOREPLACE); returns the new path.
 * (Defined in mfd-connector-store.c, whose rules it is.) */
char      *mfd_util_move_aside          (const char  *path,
                                         GError     **error);

G_END_DECLS
