/* mfd-test-json.h — every JSON document a test sees is checked against the
 * shipped JSON Schemas (data/schemas)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Fails the test unless @json is a document that validates against the
 * schema its "schema" member names. One validator process
 * (tests/support/mfd-validate-json.py, python3-jsonschema) serves the
 * whole test binary; meson test tells where it and the schemas are
 * (MFD_TEST_PYTHON, MFD_TEST_VALIDATOR, MFD_TEST_SCHEMA_DIR). */
void     mfd_test_json_assert_valid      (const char *json);
void     mfd_test_json_assert_node_valid (JsonNode   *node);
/* Whether @text looks like a JSON document (an object), so that the
 * command-line helpers validate what the --json runs print. */
gboolean mfd_test_json_is_document       (const char *text);

G_END_DECLS
