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

typedef struct
{
  char *out;
  char *err;
  int   status;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs the binary with @args (NULL-terminated) in an English process
 * environment, so that every Japanese word must come from --lang. */
static void
run_explain (Run        *run,
             const char *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("MFD_BINARY");
  const char *arg;
  va_list ap;
  int wait_status;

  g_assert_nonnull (binary);
  envp = g_environ_setenv (envp, "LANGUAGE", "en", TRUE);
  envp = g_environ_setenv (envp, "LANG", "C.UTF-8", TRUE);
  envp = g_environ_unsetenv (envp, "LC_ALL");

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "explain");
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  memset (run, 0, sizeof *run);
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  g_assert_true (g_utf8_validate (run->out, -1, NULL));
  g_assert_true (g_utf8_validate (run->err, -1, NULL));
}

static void
test_japanese (void)
{
  g_auto(Run) run;

  run_explain (&run, "4.4.316", "--lang", "ja", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "450 4.4.316"));
  g_assert_nonnull (strstr (run.out, "Set-AcceptedDomain -Identity <domain> -DomainType Authoritative"));
  g_assert_nonnull (strstr (run.out, "Set-OutboundConnector -Identity \"<connector name>\" -Enabled $false"));
  g_assert_nonnull (strstr (run.out, "受け入れドメイン"));
  g_assert_nonnull (strstr (run.out, "ファイアウォール"));
  g_assert_nonnull (strstr (run.out, "メール フロー > 受け入れドメイン"));
  /* Numbered steps. */
  g_assert_nonnull (strstr (run.out, "  1. "));
  g_assert_nonnull (strstr (run.out, "  2. "));
  g_assert_null (strstr (run.out, "Likely causes"));
}

static void
test_english_cause (void)
{
  g_auto(Run) run;

  run_explain (&run, "450 4.4.317", "--cause", "starttls-missing", "--lang", "en", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "STARTTLS"));
  g_assert_nonnull (strstr (run.out, "starttls-missing"));
  g_assert_nonnull (strstr (run.out, "How to fix it:"));
}

static void
test_two_words (void)
{
  g_auto(Run) run;
  g_auto(Run) mismatch;

  run_explain (&run, "550", "5.4.312", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "550 5.4.312"));

  run_explain (&mismatch, "450 5.4.316", NULL);
  g_assert_cmpint (mismatch.status, ==, 2);
}

static void
test_unknown (void)
{
  g_auto(Run) code;
  g_auto(Run) cause;
  g_auto(Run) none;
  g_auto(Run) lang;

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
  g_auto(Run) run;
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
  g_auto(Run) run;
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
  g_auto(Run) ja;
  g_auto(Run) en;

  run_explain (&ja, "--help", "--lang", "ja", NULL);
  run_explain (&en, "--help", NULL);
  g_assert_cmpint (ja.status, ==, 0);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_nonnull (strstr (en.out, "--cause"));
  g_assert_nonnull (strstr (en.out, "tcp-refused"));
  g_assert_nonnull (strstr (ja.out, "--cause"));
  g_assert_nonnull (strstr (ja.out, "エラー コード"));
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

  return g_test_run ();
}
