/* fuzz-json.c — checks the fuzz targets that read JSON share
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "mfd-json-shape.h"
#include "fuzz-json.h"

/* The scanner and json-glib must agree: whatever the shape check lets
 * through, json-glib must not nest deeper than the limit, nor make more
 * values than the check counted. A text the scanner misreads (a comment, a
 * quote json-glib reads differently) shows up here as a failed assertion
 * instead of waiting for an input deep enough to overflow the stack. */
static void
count_nodes (JsonNode *node,
             guint     depth,
             guint    *max_depth,
             guint    *n_nodes)
{
  (*n_nodes)++;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      *max_depth = MAX (*max_depth, depth + 1);
      for (guint i = 0; i < json_array_get_length (array); i++)
        count_nodes (json_array_get_element (array, i), depth + 1, max_depth, n_nodes);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

      *max_depth = MAX (*max_depth, depth + 1);
      for (GList *l = members; l != NULL; l = l->next)
        count_nodes (l->data, depth + 1, max_depth, n_nodes);
    }
}

void
fuzz_json_assert_shape_agrees (const uint8_t *data,
                               size_t         size,
                               guint          max_depth,
                               guint          max_items)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  guint depth = 0;
  guint n_nodes = 0;

  if (mfd_json_shape_check ((const char *) data, size, max_depth, max_items) != MFD_JSON_SHAPE_OK)
    return;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL)
      || (root = json_parser_get_root (parser)) == NULL)
    return;
  count_nodes (root, 0, &depth, &n_nodes);
  g_assert_cmpuint (depth, <=, max_depth);
  if (max_items != G_MAXUINT)
    g_assert_cmpuint (n_nodes, <=, max_items + 1);
}
