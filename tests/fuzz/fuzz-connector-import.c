/* fuzz-connector-import.c — libFuzzer target for the connector JSON import
 *
 * Feeds arbitrary bytes to mfd_connector_import() (every encoding it
 * sniffs: UTF-8 with or without BOM, UTF-16 with BOM) and writes each
 * connector it accepts back to JSON, so the round trip of the unknown fields
 * it keeps is exercised too.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "mfd/mfd.h"
#include "mfd-connector-private.h"
#include "mfd-json-shape.h"
#include "fuzz-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) connectors = NULL;

  /* JSON is never taken for Format-List text. */
  for (gsize i = 0; i < size && i < 64; i++)
    if (!g_ascii_isspace (data[i]))
      {
        if (data[i] == '{' || data[i] == '[')
          g_assert_false (mfd_connector_text_is_format_list ((const char *) data, size));
        break;
      }
  fuzz_json_assert_shape_agrees (data, size, MFD_CONNECTOR_MAX_DEPTH, G_MAXUINT);

  connectors = mfd_connector_import ((const char *) data, size, &error);
  if (connectors == NULL)
    {
      g_assert (error != NULL);
      g_assert (error->domain == MFD_CONNECTOR_ERROR);
      return 0;
    }
  g_assert (error == NULL);

  for (guint i = 0; i < connectors->len; i++)
    {
      MfdConnector *connector = g_ptr_array_index (connectors, i);
      g_autoptr(JsonObject) object = mfd_connector_to_json (connector);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
      g_autofree char *text = json_to_string (node, FALSE);
      g_autoptr(GError) again_error = NULL;
      g_autoptr(GPtrArray) again = mfd_connector_import (text, -1, &again_error);

      /* What we write must read back as exactly one connector. */
      g_assert_no_error (again_error);
      g_assert_cmpuint (again->len, ==, 1);
      g_assert_cmpstr (mfd_connector_get_name (g_ptr_array_index (again, 0)), ==,
                       mfd_connector_get_name (connector));
    }

  return 0;
}
