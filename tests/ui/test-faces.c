/* test-faces.c — the window and the command line give the same diagnosis:
 * each practice scenario is checked through the real window (to its
 * results page, then the JSON its Export writes) and through
 * `mail-flow-doctor check --practice SCENARIO --json`, and the two documents
 * must be identical bar the time fields
 *
 * Both faces build the practice target with mfd_lab_new_target() and drive
 * MfdCheck; each starts its own practice servers, so besides the clock
 * (the time of the check, step durations, a certificate's expiry minute)
 * the one thing that differs is the port the kernel gave each practice
 * SMTP server. Both are replaced by placeholders and nothing else is.
 * Both documents are also valid against the shipped schema (the command
 * line's through mfd_test_cli_run()).
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "mfd/mfd.h"
#include "mfd-results-page.h"
#include "mfd-window-private.h"
#include "mfd-test-ca.h"
#include "mfd-test-cli.h"
#include "mfd-test-json.h"
#include "mfd-test-ui.h"

/* Generous: the practice timeouts are 3 s and the machine is shared. */
#define WAIT_MS 30000

static char *test_dir;

typedef struct
{
  MfdWindow *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);

  /* The report in the language of the window, as out of the box. */
  g_settings_reset (settings, "report-language");
  g_settings_set_strv (settings, "recent", NULL);
  fixture->window = mfd_test_ui_new_window ();
  gtk_window_present (GTK_WINDOW (fixture->window));
  mfd_test_ui_iterate_until_idle ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  mfd_test_ui_iterate_until_idle ();
}

/* Normalisation --------------------------------------------------------------- */

typedef struct
{
  GRegex *duration;     /* "(12 ms)", "(12 ミリ秒)" */
  GRegex *timestamp;    /* "2026-12-06 18:54 UTC" */
  GRegex *port;         /* the practice server's port as a word */
  gint64  port_number;
} Normalizer;

static char *
normalize_string (Normalizer *n,
                  const char *text)
{
  g_autofree char *a = g_regex_replace_literal (n->duration, text, -1, 0, "<ms>", 0, NULL);
  g_autofree char *b = g_regex_replace_literal (n->timestamp, a, -1, 0, "<time>", 0, NULL);

  return g_regex_replace_literal (n->port, b, -1, 0, "<port>", 0, NULL);
}

static JsonNode *
normalize_node (Normalizer *n,
                JsonNode   *node,
                const char *member)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(JsonObject) out = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *value;

        json_object_iter_init (&iter, object);
        while (json_object_iter_next (&iter, &name, &value))
          {
            /* The time of the check. */
            if (g_str_equal (name, "time"))
              continue;
            json_object_set_member (out, name, normalize_node (n, value, name));
          }
        return json_node_init_object (json_node_alloc (), out);
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        g_autoptr(JsonArray) out = json_array_new ();

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (out, normalize_node (n, json_array_get_element (array, i), NULL));
        return json_node_init_array (json_node_alloc (), out);
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *text = normalize_string (n, json_node_get_string (node));

          return json_node_init_string (json_node_alloc (), text);
        }
      /* A step's duration. */
      if (g_strcmp0 (member, "ms") == 0)
        return json_node_init_string (json_node_alloc (), "<ms>");
      if (g_strcmp0 (member, "port") == 0 && json_node_get_int (node) == n->port_number)
        return json_node_init_string (json_node_alloc (), "<port>");
      return json_node_copy (node);

    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

/* The document as text with the clock and @port taken out. */
static char *
normalize (JsonNode *root,
           guint16   port)
{
  g_autofree char *pattern = g_strdup_printf ("\\b%u\\b", port);
  Normalizer n = {
    g_regex_new ("\\d+[ \\x{00A0}](ms|ミリ秒)", 0, 0, NULL),
    g_regex_new ("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2})?( UTC|Z)?", 0, 0, NULL),
    g_regex_new (pattern, 0, 0, NULL),
    port,
  };
  g_autoptr(JsonNode) normalized = normalize_node (&n, root, NULL);

  g_regex_unref (n.duration);
  g_regex_unref (n.timestamp);
  g_regex_unref (n.port);
  return json_to_string (normalized, TRUE);
}

/* The practice target names its host as "mail.contoso.test:PORT". */
static guint16
target_port (JsonNode *root)
{
  const char *target = json_object_get_string_member (json_node_get_object (root), "target");
  const char *colon = target != NULL ? strrchr (target, ':') : NULL;
  guint64 port = 0;

  g_assert_nonnull (colon);
  g_assert_true (g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &port, NULL));
  return (guint16) port;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The two faces ------------------------------------------------------------ */

static JsonNode *
check_in_window (Fixture        *fixture,
                 MfdLabScenario  scenario,
                 guint16        *port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("%s-%s.json", mfd_lab_scenario_get_id (scenario),
                                           mfd_text_get_process_lang ());
  g_autofree char *path = g_build_filename (test_dir, name, NULL);
  g_autofree char *contents = NULL;
  MfdResultsPage *page = MFD_RESULTS_PAGE (mfd_window_get_page (fixture->window, "results"));
  MfdTargetHost *host;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "practice"));
  g_assert_true (mfd_window_start_practice (fixture->window, scenario, &error));
  g_assert_no_error (error);
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));

  host = g_ptr_array_index (mfd_target_get_smart_hosts (mfd_diagnosis_get_target (mfd_results_page_get_diagnosis (page))), 0);
  *port = host->port;

  /* What the Export button writes, in the report language of the
   * preferences (the window's, out of the box). */
  contents = mfd_test_ui_export (page, path, MFD_REPORT_JSON, NULL, WAIT_MS);
  mfd_test_json_assert_valid (contents);
  return parse (contents);
}

static JsonNode *
check_on_command_line (MfdLabScenario scenario)
{
  g_auto(MfdTestRun) run = { NULL };
  const char *args[] = { "--practice", mfd_lab_scenario_get_id (scenario), "--json",
                         "--lang", mfd_text_get_process_lang (), NULL };

  mfd_test_cli_run (&run, "check", NULL, NULL, 0, args);
  g_test_message ("stderr: %s", run.err);
  g_assert_cmpint (run.status, ==, g_str_equal (mfd_lab_scenario_get_id (scenario), "healthy") ? 0 : 1);
  return parse (run.out);
}

static void
test_same_diagnosis (Fixture       *fixture,
                     gconstpointer  data)
{
  MfdLabScenario scenario = GPOINTER_TO_UINT (data);
  g_autoptr(JsonNode) window = NULL;
  g_autoptr(JsonNode) cli = NULL;
  g_autofree char *window_text = NULL;
  g_autofree char *cli_text = NULL;
  guint16 window_port;
  const char *cause = mfd_lab_scenario_get_cause (scenario);

  window = check_in_window (fixture, scenario, &window_port);
  cli = check_on_command_line (scenario);

  /* The window's port is the one its practice server got. */
  g_assert_cmpuint (target_port (window), ==, window_port);

  window_text = normalize (window, window_port);
  cli_text = normalize (cli, target_port (cli));
  g_assert_cmpstr (window_text, ==, cli_text);

  /* And the document says what the scenario is about: not two empty or
   * failed runs that happen to agree. */
  {
    JsonObject *root = json_node_get_object (window);
    JsonArray *findings = json_object_get_array_member (root, "findings");

    g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mail-flow-doctor/diagnosis/1");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "observations")), >, 0);
    if (cause == NULL)
      {
        g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "ok");
      }
    else
      {
        g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "problem");
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0), "cause"),
                         ==, cause);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  static const MfdLabScenario scenarios[] = {
    MFD_LAB_HEALTHY,
    MFD_LAB_REFUSE,
    MFD_LAB_CERT_EXPIRED,
    MFD_LAB_NO_STARTTLS,
    MFD_LAB_GREET_421,
    MFD_LAB_CERT_WRONG_NAME,
    MFD_LAB_DNS_NXDOMAIN,
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;
  int status;

  /* Both faces read (and may write) the saved EOP ranges: one empty
   * directory for this run, inherited by the command line. */
  test_dir = g_dir_make_tmp ("mfd-test-faces-XXXXXX", &error);
  g_assert_no_error (error);
  cache = g_build_filename (test_dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  mfd_test_ui_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *path = g_strdup_printf ("/faces/same-diagnosis/%s", mfd_lab_scenario_get_id (scenarios[i]));

      g_test_add (path, Fixture, GUINT_TO_POINTER (scenarios[i]), fixture_setup, test_same_diagnosis, fixture_teardown);
    }

  status = g_test_run ();

  mfd_test_remove_tree (test_dir);
  g_free (test_dir);
  return status;
}
