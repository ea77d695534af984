/* mfd-json-shape.h — what json-glib would make of a text, checked before it
 * recurses into it
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MFD_JSON_SHAPE_OK,
  MFD_JSON_SHAPE_NUL,          /* a NUL byte */
  MFD_JSON_SHAPE_BAD_ESCAPE,   /* an escape JSON does not allow, or an unpaired surrogate */
  MFD_JSON_SHAPE_NOT_JSON,     /* outside a string: a comment, a single quote, … */
  MFD_JSON_SHAPE_TOO_DEEP,     /* more than max_depth levels of [ and { */
  MFD_JSON_SHAPE_TOO_MANY,     /* more than max_items values */
} MfdJsonShape;

MfdJsonShape mfd_json_shape_check (const char *data,
                                   gsize       len,
                                   guint       max_depth,
                                   guint       max_items);

G_END_DECLS
