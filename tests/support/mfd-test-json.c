/* mfd-test-json.c — every JSON document a test sees is checked against the
 * shipped JSON Schemas (data/schemas)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "mfd-test-json.h"

/* One validator for the whole test binary: starting Python and importing
 * jsonschema costs far more than validating a document. It ends when this
 * process does (its input closes). */
static GSubprocess      *validator;
static GOutputStream    *requests;
static GDataInputStream *answers;

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  /* Loud, not skipped: a document nobody validated proves nothing. */
  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run the tests through meson test (./dev test), which says where "
             "the JSON Schema validator and the schemas are", name);
  return value;
}

static void
start_validator (void)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    require_env ("MFD_TEST_PYTHON"),
    require_env ("MFD_TEST_VALIDATOR"),
    "--serve",
    require_env ("MFD_TEST_SCHEMA_DIR"),
    NULL
  };

  validator = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  requests = g_subprocess_get_stdin_pipe (validator);
  answers = g_data_input_stream_new (g_subprocess_get_stdout_pipe (validator));
}

void
mfd_test_json_assert_valid (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  g_autofree char *answer = NULL;
  gsize len;

  g_assert_nonnull (json);
  if (validator == NULL)
    start_validator ();

  len = strlen (json);
  header = g_strdup_printf ("%" G_GSIZE_FORMAT "\n", len);
  g_output_stream_write_all (requests, header, strlen (header), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (requests, json, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (requests, NULL, &error);
  g_assert_no_error (error);

  answer = g_data_input_stream_read_line_utf8 (answers, NULL, NULL, &error);
  g_assert_no_error (error);
  if (answer == NULL)
    g_error ("The JSON Schema validator stopped (is python3-jsonschema installed?)");
  if (!g_str_equal (answer, "ok"))
    g_test_message ("document: %s", json);
  g_assert_cmpstr (answer, ==, "ok");
}

void
mfd_test_json_assert_node_valid (JsonNode *node)
{
  g_autofree char *json = json_to_string (node, FALSE);

  mfd_test_json_assert_valid (json);
}

gboolean
mfd_test_json_is_document (const char *text)
{
  while (text != NULL && g_ascii_isspace (*text))
    text++;
  return text != NULL && *text == '{';
}
