/* mfd-util.h — small helpers the engine's modules share
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdarg.h>
#include <glib.h>

G_BEGIN_DECLS

/* The strings of a NULL-terminated argument list, borrowed (not copied),
 * as a NULL-terminated array: pdata is a `const char * const *`. */
GPtrArray *mfd_util_collect_args        (va_list      ap);

G_END_DECLS
