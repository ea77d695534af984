/* test-mta-sts.c — the MTA-STS TXT record and policy parser, and MX
 * patterns
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "mfd-mta-sts.h"

static void
test_txt (void)
{
  static const struct { const char *txt, *id; } good[] = {
    { "v=STSv1; id=20160831085700Z;", "20160831085700Z" },
    { "v=STSv1;id=abc", "abc" },
    { "v=STSv1; id=1; ext=whatever;", "1" },
    { "v=STSv1;  id=ABCDEFabcdef0123456789ABCDEFabcd  ; ", "ABCDEFabcdef0123456789ABCDEFabcd" },
  };
  static const char *bad[] = {
    "", "v=STSv2; id=1;", "id=1; v=STSv1;", "v=STSv1;", "v=STSv1; id=;", "v=STSv1; id=a-b;",
    "v=STSv1; id=ABCDEFabcdef0123456789ABCDEFabcdX;", "v=STSv1; id=1; id=2;", "v=STSv1;; id=1",
    "v=STSv1; id", "STSv1; id=1", "v=stsv1; id=1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *id = NULL;
      g_autofree char *error = NULL;

      g_test_message ("%s", good[i].txt);
      g_assert_true (mfd_mta_sts_parse_txt (good[i].txt, &id, &error));
      g_assert_null (error);
      g_assert_cmpstr (id, ==, good[i].id);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *id = NULL;
      g_autofree char *error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_false (mfd_mta_sts_parse_txt (bad[i], &id, &error));
      g_assert_null (id);
      g_assert_nonnull (error);
    }
}

static MfdMtaStsPolicy *
parse (const char *text,
       char      **error)
{
  return mfd_mta_sts_policy_parse (text, strlen (text), error);
}

static void
test_policy (void)
{
  g_autofree char *error = NULL;
  g_autoptr(MfdMtaStsPolicy) policy =
    parse ("version: STSv1\r\nmode: enforce\r\nmx: mail.contoso.com\r\nmx: *.Backup.Contoso.com.\r\n"
           "max_age: 604800\r\nextension_key: anything goes\r\n", &error);

  g_assert_null (error);
  g_assert_nonnull (policy);
  g_assert_cmpint (policy->mode, ==, MFD_MTA_STS_MODE_ENFORCE);
  g_assert_cmpuint (policy->max_age, ==, 604800);
  g_assert_cmpuint (policy->mx->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (policy->mx, 1), ==, "*.backup.contoso.com");
  g_assert_cmpstr (mfd_mta_sts_mode_to_string (policy->mode), ==, "enforce");

  g_assert_true (mfd_mta_sts_policy_allows_mx (policy, "mail.contoso.com"));
  g_assert_true (mfd_mta_sts_policy_allows_mx (policy, "MAIL.contoso.com."));
  g_assert_true (mfd_mta_sts_policy_allows_mx (policy, "mx1.backup.contoso.com"));
  g_assert_false (mfd_mta_sts_policy_allows_mx (policy, "backup.contoso.com"));
  g_assert_false (mfd_mta_sts_policy_allows_mx (policy, "a.b.backup.contoso.com"));
  g_assert_false (mfd_mta_sts_policy_allows_mx (policy, "mail2.contoso.com"));
  g_assert_false (mfd_mta_sts_policy_allows_mx (policy, "evilcontoso.com"));
}

static void
test_policy_modes (void)
{
  g_autofree char *error = NULL;
  g_autoptr(MfdMtaStsPolicy) testing =
    parse ("version: STSv1\nmode: testing\nmx: mail.contoso.com\nmax_age: 86400", &error);
  g_autoptr(MfdMtaStsPolicy) none = NULL;

  g_assert_null (error);
  g_assert_cmpint (testing->mode, ==, MFD_MTA_STS_MODE_TESTING);
  /* mode: none needs no mx line (it withdraws the policy). */
  none = parse ("version: STSv1\nmode: none\nmax_age: 0\n\n", &error);
  g_assert_null (error);
  g_assert_cmpint (none->mode, ==, MFD_MTA_STS_MODE_NONE);
  g_assert_cmpuint (none->mx->len, ==, 0);
}

static void
test_policy_errors (void)
{
  static const struct { const char *text, *says; } bad[] = {
    { "", "no version" },
    { "mode: enforce\nmx: a.example\nmax_age: 1\n", "no version" },
    { "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "version other than STSv1" },
    { "version: STSv1\nmx: a.example\nmax_age: 1\n", "no mode" },
    { "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n", "mode other than" },
    { "version: STSv1\nmode: enforce\nmax_age: 1\n", "no mx pattern" },
    { "version: STSv1\nmode: enforce\nmx: a.example\n", "no max_age" },
    { "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", "max_age" },
    { "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", "max_age" },
    { "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999\n", "max_age" },
    { "version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 1\n", "mx pattern" },
    { "version: STSv1\nmode: enforce\nmx: *\nmax_age: 1\n", "mx pattern" },
    { "version: STSv1\nmode: enforce\nmx: -a.example\nmax_age: 1\n", "mx pattern" },
    { "version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n", "mx pattern" },
    { "version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 1\n", "second mode" },
    { "version: STSv1\nthis line has no colon\n", "Line 2" },
    { "<html><body>Not found</body></html>", "Line 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *error = NULL;
      g_autoptr(MfdMtaStsPolicy) policy = parse (bad[i].text, &error);

      g_test_message ("%s -> %s", bad[i].text, error);
      g_assert_null (policy);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error, bad[i].says));
    }

  /* Bounded: too many mx lines, too large a file. */
  {
    g_autoptr(GString) text = g_string_new ("version: STSv1\nmode: enforce\nmax_age: 1\n");
    g_autofree char *error = NULL;
    g_autoptr(MfdMtaStsPolicy) policy = NULL;

    for (guint i = 0; i <= MFD_MTA_STS_MAX_MX; i++)
      g_string_append_printf (text, "mx: mx%u.example\n", i);
    policy = parse (text->str, &error);
    g_assert_null (policy);
    g_assert_nonnull (strstr (error, "too many mx"));
  }
  {
    g_autofree char *big = g_strnfill (MFD_MTA_STS_MAX_POLICY + 1, 'x');
    g_autofree char *error = NULL;
    g_autoptr(MfdMtaStsPolicy) policy = parse (big, &error);

    g_assert_null (policy);
    g_assert_nonnull (strstr (error, "64 KiB"));
  }
}

static void
test_patterns (void)
{
  g_assert_true (mfd_mta_sts_pattern_matches ("mail.contoso.com", "mail.contoso.com"));
  g_assert_true (mfd_mta_sts_pattern_matches ("mail.contoso.com.", "Mail.Contoso.Com"));
  g_assert_true (mfd_mta_sts_pattern_matches ("*.contoso.com", "mx.contoso.com"));
  g_assert_false (mfd_mta_sts_pattern_matches ("*.contoso.com", "contoso.com"));
  g_assert_false (mfd_mta_sts_pattern_matches ("*.contoso.com", "a.mx.contoso.com"));
  g_assert_false (mfd_mta_sts_pattern_matches ("*.contoso.com", ".contoso.com"));
  g_assert_false (mfd_mta_sts_pattern_matches ("mail.contoso.com", "mail.contoso.com.evil"));
  g_assert_false (mfd_mta_sts_pattern_matches (NULL, "a"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mta-sts/txt", test_txt);
  g_test_add_func ("/mta-sts/policy", test_policy);
  g_test_add_func ("/mta-sts/policy-modes", test_policy_modes);
  g_test_add_func ("/mta-sts/policy-errors", test_policy_errors);
  g_test_add_func ("/mta-sts/patterns", test_patterns);

  return g_test_run ();
}
