/* test-cli-explain.c — `mail-flow-doctor explain` through the real binary
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "mfd/mfd.h"
#include "mfd-test-cli.h"

#define run_explain(run, ...) mfd_test_cli_run_va ((run), "explain", NULL, __VA_ARGS__)

static void
test_japanese (void)
{
  g_auto(MfdTestRun) run;

  run_explain (&run, "4.4.316", "--lang", "ja", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "450 4.4.316"));
  g_assert_nonnull (strstr (run.out, "Set-AcceptedDomain -Identity <domain> -DomainType Authoritative"));
  g_assert_nonnull (strstr (run.out, "Set-OutboundConnector -Identity \"<connector name>\" -Enabled $false"));
  /* The EAC's current label (po/ja-terms.md), and the domain type with its noun. */
  g_assert_nonnull (strstr (run.out, "承認済みドメイン"));
  g_assert_nonnull (strstr (run.out, "ファイアウォール"));
  g_assert_nonnull (strstr (run.out, "メール フロー > 承認済みドメイン"));
  g_assert_nonnull (strstr (run.out, "「権限のあるドメイン」"));
  g_assert_null (strstr (run.out, "受け入れドメイン"));
  /* Numbered steps. */
  g_assert_nonnull (strstr (run.out, "  1. "));
  g_assert_nonnull (strstr (run.out, "  2. "));
  g_assert_null (strstr (run.out, "Likely causes"));
}

static void
test_english_cause (void)
{
  g_auto(MfdTestRun) run;

  run_explain (&run, "450 4.4.317", "--cause", "starttls-missing", "--lang", "en", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "STARTTLS"));
  g_assert_nonnull (strstr (run.out, "starttls-missing"));
  g_assert_nonnull (strstr (run.out, "How to fix it:"));
}

static void
test_two_words (void)
{
  g_auto(MfdTestRun) run;
  g_auto(MfdTestRun) mismatch;

  run_explain (&run, "550", "5.4.312", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "550 5.4.312"));

  run_explain (&mismatch, "450 5.4.316", NULL);
  g_assert_cmpint (mismatch.status, ==, 2);
}

static void
test_unknown (void)
{
  g_auto(MfdTestRun) code;
  g_auto(MfdTestRun) cause;
  g_auto(MfdTestRun) none;
  g_auto(MfdTestRun) lang;

  run_explain (&code, "9.9.9", NULL);
  g_assert_cmpint (code.status, ==, 2);
  g_assert_cmpstr (code.out, ==, "");
  g_assert_nonnull (strstr (code.err, "9.9.9"));
  g_assert_nonnull (strstr (code.err, "4.4.316"));

  run_explain (&cause, "4.4.316", "--cause", "no-such-cause", NULL);
  g_assert_cmpint (cause.status, ==, 2);
  g_assert_nonnull (strstr (cause.err, "no-such-cause"));
  g_assert_nonnull (strstr (cause.err, "tcp-refused"));

  run_explain (&none, NULL);
  g_assert_cmpint (none.status, ==, 2);
  g_assert_cmpstr (none.err, !=, "");

  run_explain (&lang, "4.4.316", "--lang", "fr", NULL);
  g_assert_cmpint (lang.status, ==, 2);
}

static void
test_json (void)
{
  g_auto(MfdTestRun) run;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *steps;
  gboolean accepted_domain = FALSE;

  run_explain (&run, "4.4.316", "--cause", "tcp-refused", "--json", "--lang", "ja", NULL);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mail-flow-doctor/explain/1");
  g_assert_cmpstr (json_object_get_string_member (root, "code"), ==, "4.4.316");
  g_assert_cmpint (json_object_get_int_member (root, "reply"), ==, 450);
  g_assert_cmpstr (json_object_get_string_member (root, "cause"), ==, "tcp-refused");
  g_assert_cmpstr (json_object_get_string_member (root, "title"), !=, "");
  g_assert_cmpstr (json_object_get_string_member (root, "explanation"), !=, "");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "likely_causes")), >=, 1);

  steps = json_object_get_array_member (root, "steps");
  g_assert_cmpuint (json_array_get_length (steps), >=, 3);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);

      g_assert_true (json_object_has_member (step, "text"));
      g_assert_true (json_object_has_member (step, "command"));
      g_assert_true (json_object_has_member (step, "eac_path"));
      g_assert_nonnull (json_object_get_string_member (step, "text"));
      if (!json_object_get_null_member (step, "command") &&
          g_str_has_prefix (json_object_get_string_member (step, "command"), "Set-AcceptedDomain"))
        accepted_domain = TRUE;
    }
  g_assert_true (accepted_domain);
}

static void
test_other_json (void)
{
  g_auto(MfdTestRun) run;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  run_explain (&run, "other", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_null_member (root, "reply"));
  g_assert_true (json_object_get_null_member (root, "cause"));
}

static void
test_help (void)
{
  g_auto(MfdTestRun) ja;
  g_auto(MfdTestRun) en;

  run_explain (&ja, "--help", "--lang", "ja", NULL);
  run_explain (&en, "--help", NULL);
  g_assert_cmpint (ja.status, ==, 0);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_nonnull (strstr (en.out, "--cause"));
  g_assert_nonnull (strstr (en.out, "tcp-refused"));
  g_assert_nonnull (strstr (ja.out, "--cause"));
  g_assert_nonnull (strstr (ja.out, "エラー コード"));
}

/* The DANE causes, each with its own title and numbered steps in both
 * languages; the code alone gives the same cause's steps as the NDR does. */
static void
test_dane_causes (void)
{
  static const struct { const char *code, *cause, *en, *ja; } cases[] = {
    { "4.7.321", "dane-starttls-missing", "offers no STARTTLS", "STARTTLS を提供していません" },
    { "4.7.322", "dane-cert-expired", "has expired", "有効期限切れ" },
    { "4.7.323", "dane-tlsa-mismatch", "no TLSA record matches", "一致する TLSA レコードがありません" },
    { "4.7.324", "dane-dnssec-bogus", "do not validate", "検証できません" },
    { "4.7.325", "dane-name-mismatch", "not for the MX host", "MX ホスト用のものではありません" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(MfdTestRun) en;
      g_auto(MfdTestRun) ja;

      run_explain (&en, cases[i].code, "--cause", cases[i].cause, "--lang", "en", NULL);
      run_explain (&ja, cases[i].code, "--cause", cases[i].cause, "--lang", "ja", NULL);
      g_assert_cmpint (en.status, ==, 0);
      g_assert_cmpint (ja.status, ==, 0);
      g_assert_true (g_str_has_prefix (en.out, "450 "));
      g_assert_nonnull (strstr (en.out, cases[i].code));
      g_assert_nonnull (strstr (en.out, cases[i].cause));
      g_assert_nonnull (strstr (en.out, cases[i].en));
      g_assert_nonnull (strstr (ja.out, cases[i].ja));
      g_assert_nonnull (strstr (en.out, "  1. "));
      g_assert_nonnull (strstr (en.out, "  3. "));
      g_assert_nonnull (strstr (ja.out, "  3. "));
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/explain/japanese", test_japanese);
  g_test_add_func ("/cli/explain/english-cause", test_english_cause);
  g_test_add_func ("/cli/explain/two-words", test_two_words);
  g_test_add_func ("/cli/explain/unknown", test_unknown);
  g_test_add_func ("/cli/explain/json", test_json);
  g_test_add_func ("/cli/explain/other-json", test_other_json);
  g_test_add_func ("/cli/explain/help", test_help);
  g_test_add_func ("/cli/explain/dane-causes", test_dane_causes);

  return g_test_run ();
}
