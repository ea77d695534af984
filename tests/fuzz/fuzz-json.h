/* fuzz-json.h — checks the fuzz targets that read JSON share
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

void fuzz_json_assert_shape_agrees (const uint8_t *data,
                                    size_t         size,
                                    guint          max_depth,
                                    guint          max_items);

G_END_DECLS
