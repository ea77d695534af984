/* test-text.c — rendering in a chosen language
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <locale.h>
#include <glib/gi18n.h>

#include "mfd/mfd.h"

static void
test_render_placeholders (void)
{
  const char *args[] = { "mail.contoso.com", "203.0.113.25", NULL };
  g_autofree char *out = NULL;
  g_autofree char *hostile = NULL;
  const char *evil[] = { "%s%n{2}", NULL };

  out = mfd_text_render ("en", "{1} ({2}) and {1} again, {3} missing, {x} kept", args);
  g_assert_cmpstr (out, ==, "mail.contoso.com (203.0.113.25) and mail.contoso.com again,  missing, {x} kept");

  /* An argument is never a format. */
  hostile = mfd_text_render ("en", "<{1}>", evil);
  g_assert_cmpstr (hostile, ==, "<%s%n{2}>");
}

static void
test_normalize_lang (void)
{
  g_assert_cmpstr (mfd_text_normalize_lang ("ja_JP.UTF-8"), ==, "ja");
  g_assert_cmpstr (mfd_text_normalize_lang ("JA"), ==, "ja");
  g_assert_cmpstr (mfd_text_normalize_lang ("C"), ==, "en");
  g_assert_cmpstr (mfd_text_normalize_lang ("C.UTF-8"), ==, "en");
  g_assert_cmpstr (mfd_text_normalize_lang ("en_GB"), ==, "en");
  g_assert_null (mfd_text_normalize_lang (NULL));
}

static void
test_other_language (void)
{
  /* The process runs in English here; Japanese comes from the .mo file
   * built from po/ja.po (MFD_LOCALEDIR), whatever the process's locale. */
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "en");
  g_assert_cmpstr (_("Connection refused"), ==, "Connection refused");
  g_assert_cmpstr (mfd_tr ("ja", "Connection refused"), ==, "接続が拒否されました");
  g_assert_cmpstr (mfd_tr ("en", "Public DNS"), ==, "Public DNS");
  g_assert_cmpstr (mfd_tr ("ja", mfd_stage_get_label (MFD_STAGE_DNS_PUBLIC)), ==, "パブリック DNS");
  /* Unknown strings and unknown languages fall back to English. */
  g_assert_cmpstr (mfd_tr ("ja", "no such message id 1234"), ==, "no such message id 1234");
  g_assert_cmpstr (mfd_tr ("xx", "Public DNS"), ==, "Public DNS");
}

static gpointer
translate_in_loop (gpointer data)
{
  gint *stop = data;

  while (!g_atomic_int_get (stop))
    g_assert_true (g_utf8_validate (mfd_tr ("ja", "Public DNS"), -1, NULL));
  return NULL;
}

/* Moving the catalogue directory must not pull text from under anyone:
 * strings mfd_tr() returned earlier, the directory's name, and other
 * threads translating at the same moment all stay valid. */
static void
test_localedir_change (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = g_dir_make_tmp ("mfd-text-XXXXXX", &error);
  g_autofree char *build_dir = g_strdup (mfd_text_get_localedir ());
  g_autofree char *ja_copy = NULL;
  const char *ja;
  const char *dir;
  gint stop = 0;
  GThread *thread;

  g_assert_no_error (error);
  mfd_text_set_localedir (build_dir);
  dir = mfd_text_get_localedir ();
  ja = mfd_tr ("ja", "Public DNS");
  g_assert_cmpstr (ja, !=, "Public DNS");
  ja_copy = g_strdup (ja);

  /* A directory without catalogues: English, and the old text still reads. */
  mfd_text_set_localedir (empty);
  g_assert_cmpstr (mfd_tr ("ja", "Public DNS"), ==, "Public DNS");
  g_assert_cmpstr (ja, ==, ja_copy);
  g_assert_cmpstr (dir, ==, build_dir);

  thread = g_thread_new ("translate", translate_in_loop, &stop);
  for (guint i = 0; i < 200; i++)
    mfd_text_set_localedir (i % 2 ? empty : build_dir);
  g_atomic_int_set (&stop, 1);
  g_thread_join (thread);

  mfd_text_set_localedir (build_dir);
  g_assert_cmpstr (mfd_tr ("ja", "Public DNS"), ==, ja_copy);
  g_assert_cmpstr (ja, ==, ja_copy);
  g_assert_cmpint (g_rmdir (empty), ==, 0);
}

static void
test_context (void)
{
  /* An untranslated string with a context comes back as the msgid itself,
   * still valid after the call (the lookup key is freed inside). */
  const char *msgid = "no such message with a context";
  const char *out = mfd_trc (NULL, "some context", msgid);

  g_assert_true (out == msgid);
  g_assert_cmpstr (mfd_trc ("ja", "shortcut window", "Quit"), ==, "終了");
  g_assert_cmpstr (mfd_trc ("en", "shortcut window", "Quit"), ==, "Quit");
}

static void
test_sanitize (void)
{
  const char raw[] = "ok\x01\x7f\xff\xfe line\nnext\ttab";
  g_autofree char *out = mfd_text_sanitize (raw, sizeof raw - 1, 0);
  g_autofree char *cut = mfd_text_sanitize ("abcdef", -1, 3);

  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_null (strchr (out, '\x01'));
  g_assert_nonnull (strstr (out, "line\nnext\ttab"));
  g_assert_cmpstr (cut, ==, "abc…");
}

static void
test_enums (void)
{
  MfdTlsMode mode;
  MfdStage stage;

  g_assert_true (mfd_tls_mode_from_string ("DomainValidation", &mode));
  g_assert_cmpint (mode, ==, MFD_TLS_DOMAIN_VALIDATION);
  g_assert_true (mfd_tls_mode_from_string ("encryption-only", &mode));
  g_assert_cmpint (mode, ==, MFD_TLS_ENCRYPTION_ONLY);
  g_assert_false (mfd_tls_mode_from_string ("sometimes", &mode));
  g_assert_true (mfd_tls_mode_requires_tls (MFD_TLS_CERTIFICATE_VALIDATION));
  g_assert_false (mfd_tls_mode_requires_tls (MFD_TLS_OPPORTUNISTIC));
  g_assert_cmpstr (mfd_tls_mode_to_connector (MFD_TLS_CERTIFICATE_VALIDATION), ==, "CertificateValidation");
  g_assert_null (mfd_tls_mode_to_connector (MFD_TLS_OPPORTUNISTIC));

  for (guint i = 0; i < MFD_N_STAGES; i++)
    {
      g_assert_true (mfd_stage_from_string (mfd_stage_to_string (i), &stage));
      g_assert_cmpint (stage, ==, i);
    }
  g_assert_cmpstr (mfd_outcome_to_string (MFD_OUTCOME_INCONCLUSIVE), ==, "inconclusive");
  g_assert_cmpstr (mfd_verdict_to_string (MFD_VERDICT_PROBLEM), ==, "problem");
}

static void
test_observation (void)
{
  g_autoptr(MfdObservation) obs = mfd_observation_new (MFD_STAGE_TCP, MFD_OUTCOME_FAIL,
                                                       "mail.contoso.com", "203.0.113.25", 25);
  g_autofree char *detail = NULL;
  g_autofree char *detail_ja = NULL;
  g_autofree char *long_reply = g_strnfill (3000, 'a');

  mfd_observation_set_detail (obs, "Refused by {1} after {2} ms", "203.0.113.25", "3", NULL);
  detail = mfd_observation_dup_detail (obs, "en");
  g_assert_cmpstr (detail, ==, "Refused by 203.0.113.25 after 3 ms");
  /* A detail with no translation keeps its English words in Japanese,
   * with the arguments filled in the same way. */
  detail_ja = mfd_observation_dup_detail (obs, "ja");
  g_assert_cmpstr (detail_ja, ==, "Refused by 203.0.113.25 after 3 ms");

  /* What a server said is cleaned on the way in: control characters go,
   * invalid UTF-8 becomes U+FFFD, and the length is bounded. */
  mfd_observation_set_reply (obs, 421, "421 busy\x01\xff\r");
  g_assert_cmpint (obs->reply_code, ==, 421);
  g_assert_cmpstr (obs->reply_text, ==, "421 busy\xef\xbf\xbd");
  mfd_observation_set_reply (obs, 250, long_reply);
  g_assert_cmpuint (g_utf8_strlen (obs->reply_text, -1), ==, 1024 + 1);
  g_assert_true (g_str_has_suffix (obs->reply_text, "a…"));

  /* Setting a fact to NULL removes it. */
  mfd_observation_set_fact (obs, "errno", "ECONNREFUSED");
  mfd_observation_set_fact (obs, "errno", NULL);
  g_assert_null (mfd_observation_get_fact (obs, "errno"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/render", test_render_placeholders);
  g_test_add_func ("/text/normalize", test_normalize_lang);
  g_test_add_func ("/text/other-language", test_other_language);
  g_test_add_func ("/text/sanitize", test_sanitize);
  g_test_add_func ("/text/context", test_context);
  g_test_add_func ("/text/localedir-change", test_localedir_change);
  g_test_add_func ("/types/enums", test_enums);
  g_test_add_func ("/observation/basics", test_observation);

  return g_test_run ();
}
