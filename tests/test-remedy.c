/* test-remedy.c — the remedy catalogue, in both languages
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mfd/mfd.h"

static const char * const eop_ranges[] = { "40.92.0.0/15", "52.100.0.0/14", "2a01:111:f400::/48", NULL };

static const MfdRemedyContext full_context = {
  .connector_name = "Outbound to Contoso",
  .smart_host = "mail.contoso.com",
  .domain = "contoso.com",
  .tls_domain = "mail.contoso.com",
  .host = "mx1.contoso.com",
  .ip = "203.0.113.25",
  .partner = FALSE,
  .eop_ranges = eop_ranges,
};

/* "{1}" and friends must never reach the admin. */
static void
assert_filled (const char *text)
{
  if (text == NULL)
    return;
  for (const char *p = strchr (text, '{'); p != NULL; p = strchr (p + 1, '{'))
    if (g_ascii_isdigit (p[1]))
      g_error ("Unfilled placeholder in “%s”", text);
}

static void
assert_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpstr (text, !=, "");
  g_assert_true (g_utf8_validate (text, -1, NULL));
  assert_filled (text);
}

static void
check_remedy (const MfdRemedy        *en,
              const MfdRemedy        *ja,
              const MfdRemedyContext *context)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_nonnull (en);
  g_assert_nonnull (ja);
  g_assert_cmpstr (en->code, ==, ja->code);
  g_assert_cmpint (en->reply, ==, ja->reply);
  g_assert_cmpint (en->reply, ==, mfd_remedy_reply_for_code (en->code));

  assert_text (en->title);
  assert_text (ja->title);
  assert_text (en->explanation);
  assert_text (ja->explanation);
  g_assert_cmpstr (en->title, !=, ja->title);
  g_assert_cmpstr (en->explanation, !=, ja->explanation);

  g_assert_cmpuint (g_strv_length (en->likely_causes), >=, 1);
  g_assert_cmpuint (g_strv_length (en->likely_causes), ==, g_strv_length (ja->likely_causes));
  for (guint i = 0; en->likely_causes[i] != NULL; i++)
    {
      assert_text (en->likely_causes[i]);
      assert_text (ja->likely_causes[i]);
      g_assert_cmpstr (en->likely_causes[i], !=, ja->likely_causes[i]);
    }

  g_assert_cmpuint (en->steps->len, >=, 1);
  g_assert_cmpuint (en->steps->len, ==, ja->steps->len);
  for (guint i = 0; i < en->steps->len; i++)
    {
      const MfdRemedyStep *s_en = g_ptr_array_index (en->steps, i);
      const MfdRemedyStep *s_ja = g_ptr_array_index (ja->steps, i);

      assert_text (s_en->text);
      assert_text (s_ja->text);
      g_assert_cmpstr (s_en->text, !=, s_ja->text);
      /* Nothing is said twice in one remedy. */
      g_assert_false (g_hash_table_contains (seen, s_en->text));
      g_hash_table_add (seen, s_en->text);

      /* Commands are the same in every language. */
      g_assert_cmpstr (s_en->command, ==, s_ja->command);
      assert_filled (s_en->command);
      if (s_en->command != NULL && strstr (s_en->command, "-Identity \"") != NULL)
        {
          if (context != NULL && context->connector_name != NULL)
            g_assert_nonnull (strstr (s_en->command, context->connector_name));
          else
            g_assert_nonnull (strstr (s_en->command, "<connector name>"));
        }
      g_assert_true ((s_en->eac_path == NULL) == (s_ja->eac_path == NULL));
      if (s_en->eac_path != NULL)
        {
          assert_text (s_ja->eac_path);
          g_assert_cmpstr (s_en->eac_path, !=, s_ja->eac_path);
        }
    }
}

static void
check_pair (const char             *code,
            const char             *cause,
            const MfdRemedyContext *context)
{
  g_autoptr(MfdRemedy) en = mfd_remedy_render (code, cause, "en", context);
  g_autoptr(MfdRemedy) ja = mfd_remedy_render (code, cause, "ja", context);

  if (en == NULL)
    g_error ("No remedy for %s / %s", code, cause);
  check_remedy (en, ja, context);
  g_assert_cmpstr (en->cause, ==, cause);
}

static void
test_every_code_and_cause (gconstpointer data)
{
  const MfdRemedyContext *context = data;
  const char * const *codes = mfd_remedy_list_codes ();
  const char * const *causes = mfd_remedy_list_causes ();

  g_assert_cmpuint (g_strv_length ((char **) codes), >=, 30);
  g_assert_cmpuint (g_strv_length ((char **) causes), ==, 37);

  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_assert_true (mfd_remedy_knows_code (codes[i]));
      check_pair (codes[i], NULL, context);
      for (guint j = 0; causes[j] != NULL; j++)
        check_pair (codes[i], causes[j], context);
    }
  for (guint j = 0; causes[j] != NULL; j++)
    {
      g_autoptr(MfdRemedy) remedy = mfd_remedy_render (NULL, causes[j], "en", context);

      check_pair (NULL, causes[j], context);
      g_assert_cmpstr (remedy->code, ==, mfd_remedy_code_for_cause (causes[j]));
    }
}

static void
test_code_for_cause (void)
{
  static const struct { const char *cause, *code; } expected[] = {
    { "dns-nxdomain", "4.4.312" }, { "dns-no-address", "4.4.312" }, { "dns-domain-expired", "4.4.312" },
    { "dns-servfail", "4.4.312" }, { "dns-timeout", "4.4.312" }, { "dns-lame-delegation", "4.4.312" },
    { "dns-stale-cache", "4.4.312" }, { "dns-split-horizon", "4.4.312" },
    { "tcp-timeout", "4.4.315" }, { "greeting-timeout", "4.4.315" },
    { "tcp-refused", "4.4.316" },
    { "greeting-rejected", "4.4.317" }, { "ehlo-rejected", "4.4.317" }, { "starttls-missing", "4.4.317" },
    { "starttls-rejected", "4.4.317" }, { "tls-handshake-failed", "4.4.317" },
    { "closed-abruptly", "4.4.318" },
    { "cert-expired", "4.7.320" }, { "cert-not-yet-valid", "4.7.320" }, { "cert-untrusted", "4.7.320" },
    { "cert-name-mismatch", "4.7.320" }, { "cert-insecure", "4.7.320" }, { "cert-revoked", "4.7.320" },
    { "cert-chain-invalid", "4.7.320" }, { "cert-purpose-mismatch", "4.7.320" },
    { "cert-unknown-critical-extension", "4.7.320" },
    { "dane-starttls-missing", "4.7.321" }, { "dane-cert-expired", "4.7.322" },
    { "dane-tlsa-mismatch", "4.7.323" }, { "dane-dnssec-bogus", "4.7.324" },
    { "dane-name-mismatch", "4.7.325" },
    { "mta-sts-mx-not-in-policy", "4.4.8" }, { "mta-sts-mx-cert-invalid", "4.7.5" },
    { "mta-sts-policy-unreachable", "4.4.8" }, { "mta-sts-policy-cert-invalid", "4.4.8" },
    { "mta-sts-policy-invalid", "4.4.8" },
    { "other", "other" },
  };
  const char * const *causes = mfd_remedy_list_causes ();

  g_assert_cmpuint (g_strv_length ((char **) causes), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpstr (mfd_remedy_code_for_cause (expected[i].cause), ==, expected[i].code);
      g_assert_true (g_strv_contains (causes, expected[i].cause));
    }
  g_assert_null (mfd_remedy_code_for_cause ("no-such-cause"));
  g_assert_null (mfd_remedy_code_for_cause (NULL));
}

static void
test_codes (void)
{
  static const struct { const char *code; int reply; } known[] = {
    { "4.4.312", 450 }, { "4.4.315", 450 }, { "4.4.316", 450 }, { "4.4.317", 450 }, { "4.4.318", 450 },
    { "4.7.320", 450 }, { "5.4.312", 550 }, { "5.4.316", 550 }, { "4.4.7", 550 }, { "5.4.7", 550 },
    { "5.4.300", 550 }, { "4.4.8", 450 }, { "5.4.8", 550 }, { "4.7.5", 450 }, { "5.7.5", 550 },
    { "4.7.321", 450 }, { "4.7.325", 450 }, { "5.7.321", 550 }, { "5.7.325", 550 }, { "5.4.310", 550 },
    { "other", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_assert_true (mfd_remedy_knows_code (known[i].code));
      g_assert_cmpint (mfd_remedy_reply_for_code (known[i].code), ==, known[i].reply);
    }
  g_assert_false (mfd_remedy_knows_code ("9.9.9"));
  g_assert_false (mfd_remedy_knows_code ("4.4.31"));
  g_assert_false (mfd_remedy_knows_code (""));
  g_assert_false (mfd_remedy_knows_code (NULL));
  g_assert_null (mfd_remedy_render ("9.9.9", NULL, "en", NULL));
  g_assert_null (mfd_remedy_render ("4.4.316", "no-such-cause", "en", NULL));
}

static gboolean
has_command (const MfdRemedy *remedy,
             const char      *needle)
{
  for (guint i = 0; i < remedy->steps->len; i++)
    {
      const MfdRemedyStep *step = g_ptr_array_index (remedy->steps, i);

      if (step->command != NULL && strstr (step->command, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_text (const MfdRemedy *remedy,
          const char      *needle)
{
  for (guint i = 0; i < remedy->steps->len; i++)
    {
      const MfdRemedyStep *step = g_ptr_array_index (remedy->steps, i);

      if (strstr (step->text, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_commands_filled (void)
{
  g_autoptr(MfdRemedy) refused = mfd_remedy_render ("4.4.316", NULL, "ja", &full_context);
  g_autoptr(MfdRemedy) mismatch = mfd_remedy_render ("4.7.320", "cert-name-mismatch", "en", &full_context);
  g_autoptr(MfdRemedy) timeout = mfd_remedy_render (NULL, "tcp-timeout", "en", &full_context);
  g_autoptr(MfdRemedy) bare = mfd_remedy_render ("4.4.316", NULL, "en", NULL);

  g_assert_true (has_command (refused, "Set-OutboundConnector -Identity \"Outbound to Contoso\" -Enabled $false"));
  g_assert_true (has_command (refused, "Set-AcceptedDomain -Identity contoso.com -DomainType Authoritative"));
  g_assert_true (has_command (refused, "Validate-OutboundConnector -Identity \"Outbound to Contoso\""));
  g_assert_true (has_command (refused, "Test-NetConnection mx1.contoso.com -Port 25"));
  g_assert_true (has_command (mismatch, "-TlsSettings DomainValidation -TlsDomain mail.contoso.com"));
  g_assert_true (has_command (mismatch, "openssl s_client -starttls smtp -connect mx1.contoso.com:25"));
  g_assert_true (has_command (timeout, "-SmartHosts mail.contoso.com"));

  /* Without a context, readable placeholders stand in. */
  g_assert_true (has_command (bare, "Set-OutboundConnector -Identity \"<connector name>\" -Enabled $false"));
  g_assert_true (has_command (bare, "Set-AcceptedDomain -Identity <domain> -DomainType Authoritative"));

  /* The steps' texts name the connector and the server they are about. */
  g_assert_true (has_text (mismatch, "Outbound to Contoso"));
  g_assert_true (has_text (timeout, "mx1.contoso.com"));
  /* Japanese sets names off in 「」 and names the connector in its own words. */
  g_assert_true (has_text (refused, "「mx1.contoso.com」"));
  g_assert_true (has_text (refused, "コネクタ「Outbound to Contoso」"));
}

static void
test_eop_ranges (void)
{
  g_autoptr(MfdRemedy) with = mfd_remedy_render ("4.4.316", NULL, "en", &full_context);
  g_autoptr(MfdRemedy) without = mfd_remedy_render ("4.4.315", NULL, "en", NULL);

  g_assert_true (has_text (with, "40.92.0.0/15, 52.100.0.0/14, 2a01:111:f400::/48"));
  g_assert_true (has_text (without, "*.mail.protection.outlook.com"));
  g_assert_false (has_text (without, "40.92.0.0/15"));
}

static void
test_partner_first (void)
{
  MfdRemedyContext partner = full_context;
  g_autoptr(MfdRemedy) own = mfd_remedy_render ("4.4.316", NULL, "en", &full_context);
  g_autoptr(MfdRemedy) theirs = NULL;
  g_autoptr(MfdRemedy) dane = NULL;
  const MfdRemedyStep *first, *last;

  partner.partner = TRUE;
  theirs = mfd_remedy_render ("4.4.316", NULL, "en", &partner);

  first = g_ptr_array_index (theirs->steps, 0);
  g_assert_nonnull (strstr (first->text, "partner organization"));
  first = g_ptr_array_index (own->steps, 0);
  g_assert_null (strstr (first->text, "partner organization"));
  g_assert_cmpuint (own->steps->len, ==, theirs->steps->len);

  /* The order of the other steps is kept. */
  last = g_ptr_array_index (theirs->steps, theirs->steps->len - 1);
  g_assert_nonnull (strstr (last->text, "validate"));

  dane = mfd_remedy_render ("5.7.323", NULL, "en", &partner);
  first = g_ptr_array_index (dane->steps, 0);
  g_assert_nonnull (strstr (first->text, "administrators"));
}

static void
test_expired_forms (void)
{
  g_autoptr(MfdRemedy) queued = mfd_remedy_render ("4.4.316", "tcp-refused", "en", NULL);
  g_autoptr(MfdRemedy) expired = mfd_remedy_render ("5.4.316", "tcp-refused", "en", NULL);
  const MfdRemedyStep *step;

  g_assert_cmpint (expired->reply, ==, 550);
  g_assert_cmpstr (expired->code, ==, "5.4.316");
  g_assert_true (g_str_has_prefix (expired->title, "Message expired: "));
  g_assert_nonnull (strstr (expired->title, queued->title));
  g_assert_nonnull (strstr (queued->explanation, "24 hours"));
  g_assert_null (strstr (expired->explanation, "24 hours"));
  g_assert_true (has_text (expired, "send the message again"));
  g_assert_false (has_text (queued, "send the message again"));
  g_assert_cmpuint (expired->steps->len, ==, queued->steps->len + 1);

  /* The cause's own first step leads. */
  step = g_ptr_array_index (queued->steps, 0);
  g_assert_nonnull (strstr (step->text, "EOP"));
}

static void
test_hostile_context (void)
{
  const char * const bad_ranges[] = { "1.2.3.0/24; rm -rf /", "198.51.100.0/24", NULL };
  const MfdRemedyContext hostile = {
    .connector_name = "x\"; Remove-OutboundConnector `$a\n",
    .smart_host = "mail.contoso.com; calc",
    .domain = "contoso.com\n| evil",
    .tls_domain = "{1}",
    .host = "\xff\xfe",
    .ip = "203.0.113.25 && x",
    .eop_ranges = bad_ranges,
  };
  g_autoptr(MfdRemedy) remedy = mfd_remedy_render ("4.4.316", NULL, "en", &hostile);
  g_autoptr(MfdRemedy) tls = mfd_remedy_render ("4.7.320", "cert-name-mismatch", "en", &hostile);
  g_autoptr(MfdRemedy) dns = mfd_remedy_render ("4.4.315", NULL, "en", &hostile);
  const MfdRemedyContext smart_quotes = { .connector_name = "a“b”" };
  g_autoptr(MfdRemedy) quoted = mfd_remedy_render ("4.4.316", NULL, "en", &smart_quotes);

  g_assert_true (has_command (remedy, "-Identity \"x`\"; Remove-OutboundConnector ```$a\" -Enabled $false"));
  g_assert_true (has_command (quoted, "-Identity \"a`“b`”\" -Enabled $false"));
  g_assert_true (has_command (remedy, "Set-AcceptedDomain -Identity <domain> "));
  g_assert_true (has_command (remedy, "Test-NetConnection <host> -Port 25"));
  g_assert_true (has_command (tls, "-TlsDomain <certificate name>"));
  g_assert_true (has_command (dns, "-SmartHosts <smart host>"));
  g_assert_true (has_text (remedy, "198.51.100.0/24"));
  g_assert_false (has_text (remedy, "rm -rf"));
  for (guint i = 0; i < remedy->steps->len; i++)
    {
      const MfdRemedyStep *step = g_ptr_array_index (remedy->steps, i);

      g_assert_true (g_utf8_validate (step->text, -1, NULL));
      if (step->command != NULL)
        g_assert_null (strchr (step->command, '\n'));
    }
}

static guint
missing_of (const MfdRemedy *remedy,
            const char      *needle)
{
  for (guint i = 0; i < remedy->steps->len; i++)
    {
      const MfdRemedyStep *step = g_ptr_array_index (remedy->steps, i);

      if (step->command != NULL && strstr (step->command, needle) != NULL)
        return step->missing;
    }
  g_assert_not_reached ();
}

/* Which values a command still needs, so that the page can ask for them
 * and say so when such a command is copied. */
static void
test_placeholders (void)
{
  const MfdRemedyContext known = {
    .connector_name = "Outbound to Contoso",
    .domain = "contoso.com",
    .recipient = "admin@contoso.com",
    .thumbprint = "0123456789abcdef0123 456789ABCDEF01:234567",
  };
  const MfdRemedyContext bad = {
    .connector_name = "Outbound to Contoso",
    .domain = "contoso.com",
    .recipient = "a b@contoso.com",
    .thumbprint = "0123; Remove-Item",
  };
  g_autoptr(MfdRemedy) bare = mfd_remedy_render ("4.4.316", "tcp-refused", "en", NULL);
  g_autoptr(MfdRemedy) filled = mfd_remedy_render ("4.4.316", "tcp-refused", "en", &known);
  g_autoptr(MfdRemedy) cert = mfd_remedy_render (NULL, "cert-expired", "en", &known);
  g_autoptr(MfdRemedy) cert_bad = mfd_remedy_render (NULL, "cert-expired", "en", &bad);
  g_autoptr(MfdRemedy) validate_bad = mfd_remedy_render ("4.4.316", "tcp-refused", "en", &bad);

  g_assert_cmpuint (missing_of (bare, "Set-AcceptedDomain"), ==, 1u << MFD_REMEDY_FILL_DOMAIN);
  g_assert_cmpuint (missing_of (bare, "Validate-OutboundConnector"), ==,
                    (1u << MFD_REMEDY_FILL_CONNECTOR_NAME) | (1u << MFD_REMEDY_FILL_RECIPIENT));
  g_assert_true (has_command (bare, "-Recipients <recipient>"));
  g_assert_true (mfd_remedy_command_has_placeholder ("Set-AcceptedDomain -Identity <domain> -DomainType Authoritative"));
  /* A shell redirection is no placeholder. */
  g_assert_false (mfd_remedy_command_has_placeholder ("openssl s_client -connect mail.contoso.com:25 </dev/null"));
  g_assert_false (mfd_remedy_command_has_placeholder ("a < b > c"));

  g_assert_cmpuint (missing_of (filled, "Set-AcceptedDomain"), ==, 0);
  g_assert_true (has_command (filled, "Validate-OutboundConnector -Identity \"Outbound to Contoso\" -Recipients admin@contoso.com"));

  /* Exchange's own view of the certificate, and the thumbprint as it
   * writes it (40 upper-case hex digits). */
  g_assert_true (has_command (cert, "Get-ExchangeCertificate | Format-List Thumbprint,Subject,NotAfter,Services"));
  g_assert_true (has_command (cert, "Enable-ExchangeCertificate -Thumbprint 0123456789ABCDEF0123456789ABCDEF01234567 -Services SMTP"));
  g_assert_cmpuint (missing_of (cert, "Enable-ExchangeCertificate"), ==, 0);

  /* Values that could break out of the command stay placeholders. */
  g_assert_true (has_command (cert_bad, "Enable-ExchangeCertificate -Thumbprint <thumbprint> -Services SMTP"));
  g_assert_cmpuint (missing_of (cert_bad, "Enable-ExchangeCertificate"), ==, 1u << MFD_REMEDY_FILL_THUMBPRINT);
  /* A bad recipient falls back to the domain's postmaster. */
  g_assert_true (has_command (validate_bad, "-Recipients postmaster@contoso.com"));

  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    {
      g_assert_nonnull (mfd_remedy_fill_get_key (i));
      g_assert_true (g_str_has_prefix (mfd_remedy_fill_get_placeholder (i), "<"));
      g_assert_cmpstr (mfd_tr ("ja", mfd_remedy_fill_get_label (i)), !=, mfd_remedy_fill_get_label (i));
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/remedy/every/without-context", NULL, test_every_code_and_cause);
  g_test_add_data_func ("/remedy/every/with-context", &full_context, test_every_code_and_cause);
  g_test_add_func ("/remedy/code-for-cause", test_code_for_cause);
  g_test_add_func ("/remedy/codes", test_codes);
  g_test_add_func ("/remedy/commands", test_commands_filled);
  g_test_add_func ("/remedy/eop-ranges", test_eop_ranges);
  g_test_add_func ("/remedy/partner-first", test_partner_first);
  g_test_add_func ("/remedy/expired", test_expired_forms);
  g_test_add_func ("/remedy/hostile-context", test_hostile_context);
  g_test_add_func ("/remedy/placeholders", test_placeholders);

  return g_test_run ();
}
