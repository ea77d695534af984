/* test-cli-ndr.c — `mail-flow-doctor explain-ndr` through the real executable
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mfd-test-cli.h"

#define run_cli(run, input, input_len, args) \
  mfd_test_cli_run ((run), "explain-ndr", NULL, (input), (input_len), (args))

static const char queue_text[] =
  "450 4.4.316 Connection refused [Message=Socket error code 10061] "
  "[LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.25:25] "
  "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2025-03-04T01:02:03.456Z 08DD5A1B2C3D4E5F]\n";

static void
test_json_stdin (void)
{
  g_auto(MfdTestRun) run = { 0 };
  const char *args[] = { "--json", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *primary, *entry;
  JsonArray *entries;

  run_cli (&run, queue_text, strlen (queue_text), args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, run.out, -1, &error));
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mail-flow-doctor/ndr/1");
  entries = json_object_get_array_member (root, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_array_get_object_element (entries, 0);
  g_assert_cmpint (json_object_get_int_member (entry, "reply"), ==, 450);
  g_assert_cmpstr (json_object_get_string_member (entry, "status"), ==, "4.4.316");
  g_assert_cmpstr (json_object_get_string_member (entry, "text"), ==, "Connection refused");
  g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, "Socket error code 10061");
  g_assert_cmpstr (json_object_get_string_member (entry, "server"), ==, "mail.contoso.com");
  g_assert_cmpstr (json_object_get_string_member (entry, "ip"), ==, "203.0.113.25");
  g_assert_cmpint (json_object_get_int_member (entry, "port"), ==, 25);
  g_assert_false (json_object_get_boolean_member (entry, "expired"));
  g_assert_cmpstr (json_object_get_string_member (entry, "cause"), ==, "tcp-refused");

  primary = json_object_get_object_member (root, "primary");
  g_assert_nonnull (primary);
  g_assert_cmpstr (json_object_get_string_member (primary, "status"), ==, "4.4.316");
}

static void
test_file_and_lang (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", "eml-ja-iso2022jp.eml", NULL);
  g_auto(MfdTestRun) ja = { 0 };
  g_auto(MfdTestRun) en = { 0 };
  g_auto(MfdTestRun) dash = { 0 };
  const char *ja_args[] = { path, "--lang", "ja", NULL };
  const char *en_args[] = { path, NULL };
  const char *dash_args[] = { "-", "--lang=en", NULL };

  run_cli (&ja, NULL, 0, ja_args);
  g_assert_cmpint (ja.status, ==, 0);
  g_assert_true (g_utf8_validate (ja.out, -1, NULL));
  g_assert_nonnull (strstr (ja.out, "4.7.320"));
  g_assert_nonnull (strstr (ja.out, "cert-expired"));
  g_assert_nonnull (strstr (ja.out, "宛先サーバー"));
  /* The likely cause is named in words, the id kept beside it. */
  g_assert_nonnull (strstr (ja.out, "サーバーの証明書の有効期限が切れています (cert-expired)"));

  /* Without --lang the process language (English here) is used. */
  run_cli (&en, NULL, 0, en_args);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_nonnull (strstr (en.out, "Destination server: mail.fabrikam.com (198.51.100.80:25)"));
  g_assert_nonnull (strstr (en.out, "Likely cause: The server's certificate has expired (cert-expired)"));
  g_assert_null (strstr (en.out, "宛先サーバー"));

  run_cli (&dash, queue_text, strlen (queue_text), dash_args);
  g_assert_cmpint (dash.status, ==, 0);
  g_assert_nonnull (strstr (dash.out, "mail.contoso.com (203.0.113.25:25)"));
}

static void
test_bad_input (void)
{
  g_autofree char *missing = g_test_build_filename (G_TEST_DIST, "data", "ndr", "no-such-file.txt", NULL);
  g_autofree char *no_error = g_test_build_filename (G_TEST_DIST, "data", "ndr", "no-error.txt", NULL);
  g_autofree char *big = g_malloc (8 * 1024 * 1024 + 1);
  g_auto(MfdTestRun) empty = { 0 };
  g_auto(MfdTestRun) absent = { 0 };
  g_auto(MfdTestRun) none = { 0 };
  g_auto(MfdTestRun) none_ja = { 0 };
  g_auto(MfdTestRun) large = { 0 };
  g_auto(MfdTestRun) bad_lang = { 0 };
  const char *no_args[] = { NULL };
  const char *missing_args[] = { missing, NULL };
  const char *none_args[] = { no_error, NULL };
  const char *none_ja_args[] = { no_error, "--lang", "ja", NULL };
  const char *bad_lang_args[] = { "--lang", "fr", NULL };

  run_cli (&empty, " \n\t\n", 4, no_args);
  g_assert_cmpint (empty.status, ==, 2);
  g_assert_nonnull (strstr (empty.err, "empty"));
  g_assert_cmpstr (empty.out, ==, "");

  run_cli (&absent, NULL, 0, missing_args);
  g_assert_cmpint (absent.status, ==, 2);
  g_assert_nonnull (strstr (absent.err, "no-such-file.txt"));

  run_cli (&none, NULL, 0, none_args);
  g_assert_cmpint (none.status, ==, 2);
  g_assert_nonnull (strstr (none.err, "No delivery error"));

  /* --json: the contract's empty document, still exit 2 with the reason. */
  {
    g_auto(MfdTestRun) none_json = { 0 };
    const char *none_json_args[] = { no_error, "--json", NULL };
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *root;

    run_cli (&none_json, NULL, 0, none_json_args);
    g_assert_cmpint (none_json.status, ==, 2);
    g_assert_nonnull (strstr (none_json.err, "No delivery error"));
    g_assert_true (json_parser_load_from_data (parser, none_json.out, -1, &error));
    g_assert_no_error (error);
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mail-flow-doctor/ndr/1");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "entries")), ==, 0);
    g_assert_true (json_object_get_null_member (root, "primary"));
  }

  /* A delay notice without a code: said in words, not "nothing found". */
  {
    g_auto(MfdTestRun) delay = { 0 };
    const char *delay_text = "Subject: Delivery Status Notification (Delay)\n\n"
                             "Delivery is delayed to these recipients or groups:\n"
                             "user@contoso.com\n"
                             "This message hasn't been delivered yet. Delivery will continue to be attempted.\n";
    const char *delay_args[] = { "--json", NULL };
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;

    run_cli (&delay, delay_text, strlen (delay_text), delay_args);
    g_assert_cmpint (delay.status, ==, 2);
    g_assert_nonnull (strstr (delay.err, "delay notice, not an error"));
    g_assert_true (json_parser_load_from_data (parser, delay.out, -1, &error));
    g_assert_no_error (error);
    g_assert_true (json_object_get_null_member (json_node_get_object (json_parser_get_root (parser)), "primary"));
  }

  run_cli (&none_ja, NULL, 0, none_ja_args);
  g_assert_cmpint (none_ja.status, ==, 2);
  g_assert_null (strstr (none_ja.err, "No delivery error"));
  g_assert_true (g_utf8_validate (none_ja.err, -1, NULL));

  memset (big, 'x', 8 * 1024 * 1024 + 1);
  run_cli (&large, big, 8 * 1024 * 1024 + 1, no_args);
  g_assert_cmpint (large.status, ==, 2);
  g_assert_nonnull (strstr (large.err, "8 MB"));

  run_cli (&bad_lang, queue_text, strlen (queue_text), bad_lang_args);
  g_assert_cmpint (bad_lang.status, ==, 2);
}

static void
test_help_translated (void)
{
  g_auto(MfdTestRun) ja = { 0 };
  g_auto(MfdTestRun) en = { 0 };
  const char *ja_args[] = { "--help", "--lang", "ja", NULL };
  const char *en_args[] = { "--help", NULL };

  run_cli (&en, NULL, 0, en_args);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_nonnull (strstr (en.out, "--json"));
  g_assert_nonnull (strstr (en.out, "Print the entries as JSON"));

  run_cli (&ja, NULL, 0, ja_args);
  g_assert_cmpint (ja.status, ==, 0);
  g_assert_nonnull (strstr (ja.out, "--json"));
  g_assert_null (strstr (ja.out, "Print the entries as JSON"));
  g_assert_true (g_utf8_validate (ja.out, -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/explain-ndr/json-stdin", test_json_stdin);
  g_test_add_func ("/cli/explain-ndr/file-and-lang", test_file_and_lang);
  g_test_add_func ("/cli/explain-ndr/bad-input", test_bad_input);
  g_test_add_func ("/cli/explain-ndr/help-translated", test_help_translated);

  return g_test_run ();
}
