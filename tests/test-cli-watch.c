/* test-cli-watch.c — `mail-flow-doctor watch` through the real binary, with
 * a practice server on loopback that breaks and comes back
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mfd/mfd.h"
#include "mfd-test-ca.h"
#include "mfd-test-cli.h"
#include "mfd-test-json.h"

static char *data_dir;
static char *cache_dir;

#define run_watch(run, ...) mfd_test_cli_run_va ((run), "watch", cache_dir, __VA_ARGS__)

/* Every line a JSON document of the schema; returns them parsed. */
static GPtrArray *
parse_lines (const char *out)
{
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      if (lines[i][0] == '\0')
        {
          /* Only the end of the output is empty. */
          g_assert_null (lines[i + 1]);
          break;
        }
      mfd_test_json_assert_valid (lines[i]);
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      g_ptr_array_add (objects, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }
  return objects;
}

static JsonObject *
single_event (JsonObject *result)
{
  JsonArray *events = json_object_get_array_member (result, "events");

  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  return json_array_get_object_element (events, 0);
}

static void
test_cli_watch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autofree char *dir = g_build_filename (data_dir, "mail-flow-doctor", NULL);
  g_autofree char *connectors = g_build_filename (dir, "connectors.json", NULL);
  g_autofree char *history = g_build_filename (dir, "history.sqlite3", NULL);
  g_autofree char *port = NULL;
  const char *ca_file;

  g_assert_no_error (error);
  port = g_strdup_printf ("%u", mfd_lab_get_smtp_port (lab));
  ca_file = mfd_lab_get_ca_file (lab);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (connectors,
                       "[{\"Name\": \"Contoso on-premises\", \"ConnectorType\": \"OnPremises\","
                       "  \"SmartHosts\": [\"127.0.0.1\"], \"Enabled\": true}]", -1, &error);
  g_assert_no_error (error);

#define ONCE_ARGS "--port", port, "--ca-file", ca_file, "--offline", "--no-control", "--timeout", "3"

  /* Nothing watched yet: bad input, said on stderr. */
  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--once", ONCE_ARGS, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Nothing is watched"));
    g_assert_cmpstr (run.out, ==, "");
  }
  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--add", "Fabrikam", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Fabrikam"));
  }
  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--json", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--add", "Contoso on-premises", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--list", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "connector:Contoso on-premises\n");
  }

  /* Healthy: 0, one line, no event. */
  {
    g_auto(MfdTestRun) run = { 0 };
    g_autoptr(GPtrArray) lines = NULL;
    JsonObject *result;

    run_watch (&run, "--once", "--json", ONCE_ARGS, NULL);
    g_assert_cmpint (run.status, ==, 0);
    lines = parse_lines (run.out);
    g_assert_cmpuint (lines->len, ==, 1);
    result = g_ptr_array_index (lines, 0);
    g_assert_cmpstr (json_object_get_string_member (result, "target"), ==, "connector:Contoso on-premises");
    g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==, "ok");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "events")), ==, 0);
    g_assert_false (json_object_get_null_member (result, "certificate_expiry"));
  }

  /* Refusing: 1, one "problem" event the first time only. */
  g_assert_true (mfd_lab_set_refusing (lab, TRUE, &error));
  g_assert_no_error (error);
  for (guint round = 0; round < 2; round++)
    {
      g_auto(MfdTestRun) run = { 0 };
      g_autoptr(GPtrArray) lines = NULL;
      JsonObject *result;

      run_watch (&run, "--once", "--json", ONCE_ARGS, NULL);
      g_assert_cmpint (run.status, ==, 1);
      lines = parse_lines (run.out);
      g_assert_cmpuint (lines->len, ==, 1);
      result = g_ptr_array_index (lines, 0);
      g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==, "problem");
      if (round == 0)
        {
          JsonObject *event = single_event (result);

          g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "problem");
          g_assert_cmpstr (json_object_get_string_member (event, "code"), ==, "4.4.316");
        }
      else
        g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "events")), ==, 0);
    }

  /* Back: 0, one "recovered" event, in the text form. */
  g_assert_true (mfd_lab_set_refusing (lab, FALSE, &error));
  g_assert_no_error (error);
  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--once", ONCE_ARGS, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "ok\tContoso on-premises\tContoso on-premises: the check passes again.\n");
  }
  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--once", ONCE_ARGS, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "ok\tContoso on-premises\n");
  }

  /* A damaged history is set aside, said so, and a new one started. */
  {
    g_auto(MfdTestRun) run = { 0 };
    g_autofree char *wal = g_strconcat (history, "-wal", NULL);
    g_autofree char *shm = g_strconcat (history, "-shm", NULL);
    g_autoptr(GDir) listing = NULL;
    const char *name;
    guint aside = 0;

    g_unlink (wal);
    g_unlink (shm);
    g_file_set_contents (history, "not a database at all", -1, &error);
    g_assert_no_error (error);
    run_watch (&run, "--once", ONCE_ARGS, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.err, "The watch history was damaged"));
    g_assert_nonnull (strstr (run.err, "history.sqlite3.corrupt-"));
    listing = g_dir_open (dir, 0, NULL);
    while ((name = g_dir_read_name (listing)) != NULL)
      if (g_str_has_prefix (name, "history.sqlite3.corrupt-") && !g_str_has_suffix (name, "-wal"))
        aside++;
    g_assert_cmpuint (aside, ==, 1);
  }

  /* In Japanese, the event text is Japanese; the ids stay as they are. */
  g_assert_true (mfd_lab_set_refusing (lab, TRUE, &error));
  {
    g_auto(MfdTestRun) run = { 0 };
    g_autoptr(GPtrArray) lines = NULL;
    JsonObject *event;

    run_watch (&run, "--once", "--json", "--lang", "ja", ONCE_ARGS, NULL);
    g_assert_cmpint (run.status, ==, 1);
    lines = parse_lines (run.out);
    event = single_event (g_ptr_array_index (lines, 0));
    g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "problem");
    g_assert_null (strstr (json_object_get_string_member (event, "text"), "cannot be delivered"));
    g_assert_nonnull (strstr (json_object_get_string_member (event, "text"), "4.4.316"));
  }

  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--remove", "Contoso on-premises", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(MfdTestRun) run = { 0 };

    run_watch (&run, "--list", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "");
  }
#undef ONCE_ARGS
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  data_dir = g_dir_make_tmp ("mfd-cli-watch-data-XXXXXX", &error);
  g_assert_no_error (error);
  cache_dir = g_dir_make_tmp ("mfd-cli-watch-cache-XXXXXX", &error);
  g_assert_no_error (error);
  /* The binary's user data directory: the connectors, the watch list and
   * the history all live there. */
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  g_unsetenv ("MFD_CONNECTORS_FILE");

  g_test_add_func ("/cli/watch/once", test_cli_watch);
  status = g_test_run ();

  mfd_test_remove_tree (data_dir);
  mfd_test_remove_tree (cache_dir);
  g_free (data_dir);
  g_free (cache_dir);
  return status;
}
