/* test-connector.c — connector import, validation, matching and the store
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <grp.h>
#include <locale.h>
#include <unistd.h>
#include <string.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>

#include "mfd/mfd.h"
#include "mfd-connector-private.h"
#include "mfd-test-util.h"

/* Import cases */

typedef struct
{
  const char       *name;
  const char       *json;
  guint             n_connectors;
  int               error_code;         /* -1 = success */
  /* Checked on the first connector when it imports. */
  const char       *first_name;
  const char       *first_identity;
  MfdConnectorType  type;
  MfdTlsMode        tls;
  gboolean          enabled;
  gboolean          use_mx;
  const char       *smart_hosts;        /* joined with "," */
  const char       *recipient_domains;  /* joined with "," */
  const char       *tls_domain;
} ImportCase;

static const ImportCase import_cases[] = {
  { "single-object",
    "{\"Name\":\"To Contoso\",\"Identity\":\"To Contoso\",\"Enabled\":true,\"ConnectorType\":\"OnPremises\","
    "\"UseMXRecord\":false,\"SmartHosts\":[\"mail.contoso.com\"],\"RecipientDomains\":[],"
    "\"TlsSettings\":\"DomainValidation\",\"TlsDomain\":\"mail.contoso.com\"}",
    1, -1, "To Contoso", "To Contoso", MFD_CONNECTOR_TYPE_ON_PREMISES, MFD_TLS_DOMAIN_VALIDATION,
    TRUE, FALSE, "mail.contoso.com", "", "mail.contoso.com" },
  { "array",
    "[{\"Name\":\"A\",\"SmartHosts\":[\"a.contoso.com\"]},{\"Name\":\"B\",\"SmartHosts\":[\"b.contoso.com\"]}]",
    2, -1, "A", "A", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "a.contoso.com", "", NULL },
  { "empty-array", "[]", 0, -1 },
  { "integer-enums-on-premises",
    "{\"Name\":\"Int\",\"ConnectorType\":1,\"TlsSettings\":1,\"SmartHosts\":[\"203.0.113.7\"]}",
    1, -1, "Int", "Int", MFD_CONNECTOR_TYPE_ON_PREMISES, MFD_TLS_ENCRYPTION_ONLY,
    TRUE, FALSE, "203.0.113.7", "", NULL },
  { "integer-enums-partner",
    "{\"Name\":\"Int\",\"ConnectorType\":2,\"TlsSettings\":2}",
    1, -1, "Int", "Int", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_CERTIFICATE_VALIDATION,
    TRUE, FALSE, "", "", NULL },
  { "integer-domain-validation",
    "{\"Name\":\"Int\",\"TlsSettings\":4,\"TlsDomain\":\"*.contoso.com\"}",
    1, -1, "Int", "Int", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_DOMAIN_VALIDATION,
    TRUE, FALSE, "", "", "*.contoso.com" },
  { "enum-case-insensitive",
    "{\"Name\":\"C\",\"connectortype\":\"onpremises\",\"tlssettings\":\"encryptiononly\"}",
    1, -1, "C", "C", MFD_CONNECTOR_TYPE_ON_PREMISES, MFD_TLS_ENCRYPTION_ONLY,
    TRUE, FALSE, "", "", NULL },
  { "missing-fields-defaults",
    "{\"Identity\":\"Only an identity\"}",
    1, -1, "Only an identity", "Only an identity", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "", "", NULL },
  { "nulls",
    "{\"Name\":\"N\",\"SmartHosts\":null,\"RecipientDomains\":null,\"TlsSettings\":null,\"TlsDomain\":null,\"Comment\":null}",
    1, -1, "N", "N", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "", "", NULL },
  { "string-booleans-and-mx",
    "{\"Name\":\"MX\",\"Enabled\":\"False\",\"UseMxRecord\":\"True\",\"RecipientDomains\":[\"fabrikam.com\",\"*.fabrikam.com\"]}",
    1, -1, "MX", "MX", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    FALSE, TRUE, "", "fabrikam.com,*.fabrikam.com", NULL },
  { "single-string-list",
    "{\"Name\":\"S\",\"SmartHosts\":\"mail.contoso.com\"}",
    1, -1, "S", "S", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "mail.contoso.com", "", NULL },
  { "smart-host-objects",
    "{\"Name\":\"O\",\"SmartHosts\":[{\"IsIPAddress\":false,\"Domain\":{\"HostnameString\":\"mail.contoso.com\"},\"Address\":null},"
    "{\"IsIPAddress\":true,\"Address\":{\"IPAddressToString\":\"198.51.100.9\"},\"Domain\":null},"
    "{\"Domain\":\"smtp.contoso.com\"}],"
    "\"RecipientDomains\":[{\"Domain\":\"fabrikam.com\",\"IncludeSubDomains\":true},{\"Address\":\"contoso.com\"}]}",
    1, -1, "O", "O", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "mail.contoso.com,198.51.100.9,smtp.contoso.com", "*.fabrikam.com,contoso.com", NULL },
  /* Members of the wrong JSON type are read as absent, not handed to
   * json-glib getters that expect another type (a GLib critical). */
  { "smart-host-objects-wrong-types",
    "{\"Name\":\"T\",\"SmartHosts\":[{\"IsIPAddress\":[],\"Domain\":\"mail.contoso.com\"},"
    "{\"IsIPAddress\":\"yes\",\"Domain\":{\"HostnameString\":[]},\"Address\":{\"IPAddressToString\":\"198.51.100.9\"}}],"
    "\"RecipientDomains\":[{\"Domain\":\"fabrikam.com\",\"IncludeSubDomains\":{}},"
    "{\"Domain\":\"contoso.com\",\"IncludeSubDomains\":7}]}",
    1, -1, "T", "T", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "mail.contoso.com,198.51.100.9", "fabrikam.com,contoso.com", NULL },
  { "powershell-value-wrapper",
    "{\"value\":[{\"Name\":\"W\",\"SmartHosts\":{\"value\":[\"192.0.2.0/24\"],\"Count\":1}}],\"Count\":1}",
    1, -1, "W", "W", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "192.0.2.0/24", "", NULL },
  { "format-list-one-line",
    "Name : Outbound to Contoso",
    1, -1, "Outbound to Contoso", "Outbound to Contoso", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "", "", NULL },
  { "utf8-bom",
    "\xEF\xBB\xBF{\"Name\":\"BOM\"}",
    1, -1, "BOM", "BOM", MFD_CONNECTOR_TYPE_PARTNER, MFD_TLS_OPPORTUNISTIC,
    TRUE, FALSE, "", "", NULL },

  /* Refused, each with its own code. */
  { "empty", "", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "blank", "  \n\t ", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "not-json-nor-list", "Outbound to Contoso via mail.contoso.com", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "list-without-value-colon", "Name Outbound to Contoso\nSmartHosts : {a.contoso.com}", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "truncated", "[{\"Name\":\"A\",\"SmartHosts\":[\"a.contoso", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "scalar", "42", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "no-name", "{\"Enabled\":true}", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "array-of-strings", "[\"a\",\"b\"]", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "invalid-utf8", "{\"Name\":\"\xC3\x28\"}", 0, MFD_CONNECTOR_ERROR_PARSE },
  { "bad-connector-type", "{\"Name\":\"X\",\"ConnectorType\":\"Internet\"}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "bad-connector-type-int", "{\"Name\":\"X\",\"ConnectorType\":7}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "bad-tls-int", "{\"Name\":\"X\",\"TlsSettings\":3}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "bad-enabled", "{\"Name\":\"X\",\"Enabled\":\"maybe\"}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "name-not-text", "{\"Name\":[1,2]}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "smart-host-number", "{\"Name\":\"X\",\"SmartHosts\":[42]}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "smart-host-garbage", "{\"Name\":\"X\",\"SmartHosts\":[\"not a host!\"]}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "smart-host-empty-object", "{\"Name\":\"X\",\"SmartHosts\":[{}]}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "tls-domain-bad-wildcard", "{\"Name\":\"X\",\"TlsDomain\":\"mail.*.contoso.com\"}", 0, MFD_CONNECTOR_ERROR_INVALID },
  { "too-deep", NULL, 0, MFD_CONNECTOR_ERROR_TOO_LARGE },
};

static char *
join_strv (const char * const *strv)
{
  return g_strjoinv (",", (char **) strv);
}

static void
test_import_case (gconstpointer data)
{
  const ImportCase *c = data;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = NULL;
  const char *json = c->json;
  MfdConnector *first;
  g_autofree char *hosts = NULL;
  g_autofree char *domains = NULL;

  if (json == NULL)
    {
      /* 10,000 levels: json-glib's parser recurses per level. */
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < 10000; i++)
        g_string_append_c (s, '[');
      for (guint i = 0; i < 10000; i++)
        g_string_append_c (s, ']');
      json = deep = g_string_free (s, FALSE);
    }

  connectors = mfd_connector_import (json, strlen (json), &error);

  if (c->error_code >= 0)
    {
      g_assert_error (error, MFD_CONNECTOR_ERROR, c->error_code);
      g_assert_null (connectors);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 10);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (connectors);
  g_assert_cmpuint (connectors->len, ==, c->n_connectors);
  if (c->n_connectors == 0)
    return;

  first = g_ptr_array_index (connectors, 0);
  hosts = join_strv (mfd_connector_get_smart_hosts (first));
  domains = join_strv (mfd_connector_get_recipient_domains (first));

  g_assert_cmpstr (mfd_connector_get_name (first), ==, c->first_name);
  g_assert_cmpstr (mfd_connector_get_identity (first), ==, c->first_identity);
  g_assert_cmpint (mfd_connector_get_connector_type (first), ==, c->type);
  g_assert_cmpint (mfd_connector_get_tls_mode (first), ==, c->tls);
  g_assert_cmpint (mfd_connector_get_enabled (first), ==, c->enabled);
  g_assert_cmpint (mfd_connector_get_use_mx_record (first), ==, c->use_mx);
  g_assert_cmpstr (hosts, ==, c->smart_hosts);
  g_assert_cmpstr (domains, ==, c->recipient_domains);
  g_assert_cmpstr (mfd_connector_get_tls_domain (first), ==, c->tls_domain);
}

static char *
read_sample (gsize *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "connectors", "connectors.json", NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_import_sample (void)
{
  gsize len;
  g_autofree char *json = read_sample (&len);
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GError) error = NULL;
  MfdConnector *hybrid, *fabrikam, *northwind;

  connectors = mfd_connector_import (json, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (connectors->len, ==, 3);

  hybrid = g_ptr_array_index (connectors, 0);
  fabrikam = g_ptr_array_index (connectors, 1);
  northwind = g_ptr_array_index (connectors, 2);

  g_assert_cmpstr (mfd_connector_get_name (hybrid), ==, "Outbound to Contoso on-premises");
  g_assert_cmpint (mfd_connector_get_connector_type (hybrid), ==, MFD_CONNECTOR_TYPE_ON_PREMISES);
  g_assert_cmpint (mfd_connector_get_tls_mode (hybrid), ==, MFD_TLS_DOMAIN_VALIDATION);
  g_assert_cmpstr (mfd_connector_get_tls_domain (hybrid), ==, "*.contoso.co.jp");
  g_assert_cmpstr (mfd_connector_get_comment (hybrid), ==, "Hybrid mail flow to the Tokyo Exchange servers");
  g_assert_cmpuint (g_strv_length ((char **) mfd_connector_get_smart_hosts (hybrid)), ==, 2);

  g_assert_cmpint (mfd_connector_get_connector_type (fabrikam), ==, MFD_CONNECTOR_TYPE_PARTNER);
  g_assert_cmpint (mfd_connector_get_tls_mode (fabrikam), ==, MFD_TLS_CERTIFICATE_VALIDATION);
  g_assert_null (mfd_connector_get_tls_domain (fabrikam));
  g_assert_null (mfd_connector_get_comment (fabrikam));
  g_assert_cmpstr (mfd_connector_get_smart_hosts (fabrikam)[0], ==, "203.0.113.40");

  g_assert_false (mfd_connector_get_enabled (northwind));
  g_assert_true (mfd_connector_get_use_mx_record (northwind));
  g_assert_cmpint (mfd_connector_get_tls_mode (northwind), ==, MFD_TLS_OPPORTUNISTIC);
  g_assert_cmpstr (mfd_connector_get_recipient_domains (northwind)[0], ==, "northwindtraders.com");
}

static void
test_import_utf16 (void)
{
  /* Windows PowerShell's "> file" writes UTF-16LE with a BOM. */
  const char *utf8 = "[{\"Name\":\"Tokyo コネクタ\",\"SmartHosts\":[\"mail.contoso.co.jp\"]}]";
  g_autofree char *utf16 = NULL;
  g_autofree char *input = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GError) error = NULL;
  gsize utf16_len;

  utf16 = g_convert (utf8, -1, "UTF-16LE", "UTF-8", NULL, &utf16_len, &error);
  g_assert_no_error (error);
  input = g_malloc (utf16_len + 2);
  memcpy (input, "\xFF\xFE", 2);
  memcpy (input + 2, utf16, utf16_len);

  connectors = mfd_connector_import (input, utf16_len + 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (connectors->len, ==, 1);
  g_assert_cmpstr (mfd_connector_get_name (g_ptr_array_index (connectors, 0)), ==, "Tokyo コネクタ");
}

static void
test_import_hostile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  gsize huge_len = MFD_CONNECTOR_MAX_INPUT + 1;
  g_autofree char *huge = NULL;
  guint8 binary[4096];
  char with_nul[] = "{\"Name\":\"A\"}\0{\"Name\":\"B\"}";
  g_autofree char *deep_objects = NULL;

  /* Over the cap: refused before anything is parsed. The bytes are valid
   * JSON, so only the size check can refuse them. */
  huge = g_malloc (huge_len);
  memset (huge, ' ', huge_len);
  huge[0] = '[';
  huge[huge_len - 1] = ']';
  connectors = mfd_connector_import (huge, huge_len, &error);
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE);
  g_assert_null (connectors);
  g_clear_error (&error);

  /* Random bytes. */
  for (guint i = 0; i < sizeof binary; i++)
    binary[i] = (guint8) g_test_rand_int_range (0, 256);
  connectors = mfd_connector_import ((const char *) binary, sizeof binary, &error);
  g_assert_null (connectors);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* NUL bytes inside otherwise valid text. */
  connectors = mfd_connector_import (with_nul, sizeof with_nul - 1, &error);
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE);
  g_clear_error (&error);

  /* Deep objects, with brackets inside strings that must not count. */
  {
    GString *s = g_string_new ("{\"Name\":\"[[[[{{{{\",\"x\":");

    for (guint i = 0; i < 10000; i++)
      g_string_append (s, "{\"a\":");
    g_string_append (s, "1");
    for (guint i = 0; i < 10000; i++)
      g_string_append_c (s, '}');
    g_string_append_c (s, '}');
    deep_objects = g_string_free (s, FALSE);
  }
  connectors = mfd_connector_import (deep_objects, -1, &error);
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Brackets inside strings are not nesting. */
  connectors = mfd_connector_import ("{\"Name\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (connectors->len, ==, 1);
}

/* Validation */

typedef struct
{
  const char *input;
  gboolean    valid;
  const char *reason_part;   /* a word the reason must contain, or NULL */
} ValidationCase;

static const ValidationCase smart_host_cases[] = {
  { "mail.contoso.com", TRUE },
  { "MAIL.Contoso.COM.", TRUE },
  { "  mail.contoso.com ", TRUE },
  { "xn--r8jz45g.jp", TRUE },
  { "メール.例え.jp", TRUE },
  { "203.0.113.25", TRUE },
  { "2001:db8::25", TRUE },
  { "::1", TRUE },
  { "192.0.2.0/24", TRUE },
  { "192.168.0.1/25", TRUE },           /* host bits set: Exchange takes it */
  { "2001:db8::/32", TRUE },
  { "10.0.0.0/0", TRUE },
  { "", FALSE, "Enter" },
  { NULL, FALSE, "Enter" },
  { "mail", FALSE, "fully qualified" },
  { "mail.contoso.com:25", FALSE, "port" },
  { "*.contoso.com", FALSE, "wildcard" },
  { "mail .contoso.com", FALSE, "space" },
  { "mail_1.contoso.com", FALSE, "characters" },
  { "-mail.contoso.com", FALSE, NULL },
  { "mail..contoso.com", FALSE, NULL },
  { "203.0.113.256", FALSE, "IP address" },
  { "203.0.113", FALSE, "IP address" },
  { "192.0.2.0/33", FALSE, "range" },
  { "192.0.2.0/", FALSE, "range" },
  { "192.0.2.0/-1", FALSE, "range" },
  { "2001:db8::/129", FALSE, "range" },
  { "mail.contoso.com/24", FALSE, "range" },
  { "2001:db8::zz", FALSE, NULL },
};

static const ValidationCase tls_domain_cases[] = {
  { "mail.contoso.com", TRUE },
  { "*.contoso.com", TRUE },
  { "*.contoso.co.jp", TRUE },
  { "", FALSE, "Enter" },
  { "*", FALSE, NULL },
  { "*.com", FALSE, "two labels" },
  { "mail.*.contoso.com", FALSE, "leftmost" },
  { "mail*.contoso.com", FALSE, "leftmost" },
  { "*.*.contoso.com", FALSE, "leftmost" },
  { "203.0.113.25", FALSE, "IP address" },
  { "contoso", FALSE, "fully qualified" },
};

static const ValidationCase recipient_domain_cases[] = {
  { "fabrikam.com", TRUE },
  { "*.fabrikam.com", TRUE },
  { "*", TRUE },
  { "", FALSE, "Enter" },
  { "fab*.com", FALSE, "leftmost" },
  { "198.51.100.1", FALSE, "IP address" },
};

static void
check_validation (const ValidationCase *cases,
                  gsize                 n_cases,
                  char               *(*validate) (const char *))
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_autofree char *reason = validate (cases[i].input);

      if (cases[i].valid != (reason == NULL))
        g_error ("“%s”: expected %s, got “%s”", cases[i].input,
                 cases[i].valid ? "valid" : "invalid", reason);

      if (reason != NULL)
        {
          g_assert_true (g_utf8_validate (reason, -1, NULL));
          if (cases[i].reason_part != NULL && strstr (reason, cases[i].reason_part) == NULL)
            g_error ("“%s”: reason “%s” lacks “%s”", cases[i].input, reason, cases[i].reason_part);
        }
    }
}

static void
test_validate_smart_host (void)
{
  check_validation (smart_host_cases, G_N_ELEMENTS (smart_host_cases),
                    mfd_connector_validate_smart_host);
}

static void
test_validate_tls_domain (void)
{
  check_validation (tls_domain_cases, G_N_ELEMENTS (tls_domain_cases),
                    mfd_connector_validate_tls_domain);
}

static void
test_validate_recipient_domain (void)
{
  check_validation (recipient_domain_cases, G_N_ELEMENTS (recipient_domain_cases),
                    mfd_connector_validate_recipient_domain);
}

static void
test_validation_japanese (void)
{
  g_autofree char *reason = NULL;

  /* The editor's reasons follow the process language; this test runs in
   * English, so switch to Japanese for one call. */
  g_setenv ("LANGUAGE", "ja", TRUE);
  setlocale (LC_ALL, "");
  reason = mfd_connector_validate_smart_host ("mail.contoso.com:25");
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");

  g_assert_nonnull (reason);
  g_assert_null (strstr (reason, "Exchange Online always"));
  g_assert_nonnull (strstr (reason, "25"));
}

/* Model */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_properties (void)
{
  g_autoptr(MfdConnector) connector = mfd_connector_new ("To Contoso");
  const char *hosts[] = { "mail.contoso.com", "192.0.2.0/24", NULL };
  g_auto(GStrv) got = NULL;
  guint notified = 0;
  MfdTlsMode mode;

  g_signal_connect (connector, "notify", G_CALLBACK (count_notify), &notified);

  g_object_set (connector,
                "smart-hosts", hosts,
                "tls-mode", MFD_TLS_DOMAIN_VALIDATION,
                "tls-domain", "*.contoso.com",
                "connector-type", MFD_CONNECTOR_TYPE_ON_PREMISES,
                NULL);
  g_assert_cmpuint (notified, ==, 4);

  /* Setting the same values again notifies nothing. */
  g_object_set (connector, "smart-hosts", hosts, "tls-mode", MFD_TLS_DOMAIN_VALIDATION, NULL);
  mfd_connector_set_name (connector, "To Contoso");
  g_assert_cmpuint (notified, ==, 4);

  g_object_get (connector, "smart-hosts", &got, "tls-mode", &mode, NULL);
  g_assert_cmpstrv (got, hosts);
  g_assert_cmpint (mode, ==, MFD_TLS_DOMAIN_VALIDATION);
  g_assert_cmpstr (mfd_connector_get_identity (connector), ==, "To Contoso");
  g_assert_true (mfd_connector_get_enabled (connector));

  mfd_connector_set_enabled (connector, FALSE);
  g_assert_cmpuint (notified, ==, 5);
}

static void
test_invalid_setter (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(MfdConnector) connector = mfd_connector_new ("X");
      const char *hosts[] = { "not a host", NULL };

      mfd_connector_set_smart_hosts (connector, hosts);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*not a host*");
}

static void
test_roundtrip_unknown_fields (void)
{
  gsize len;
  g_autofree char *json = read_sample (&len);
  g_autoptr(GPtrArray) connectors = mfd_connector_import (json, len, NULL);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(MfdConnector) copy = NULL;
  MfdConnector *hybrid = g_ptr_array_index (connectors, 0);

  object = mfd_connector_to_json (hybrid);
  g_assert_cmpstr (json_object_get_string_member (object, "ConnectorSource"), ==, "HybridWizard");
  g_assert_cmpstr (json_object_get_string_member (object, "Guid"), ==, "7d6f3f0e-2a4b-4c1e-9d55-3c8e1b0a9f21");
  g_assert_true (json_object_get_boolean_member (object, "CloudServicesMailEnabled"));
  g_assert_cmpstr (json_object_get_string_member (object, "TlsSettings"), ==, "DomainValidation");
  g_assert_cmpstr (json_object_get_string_member (object, "ConnectorType"), ==, "OnPremises");

  copy = mfd_connector_copy (hybrid);
  g_clear_pointer (&object, json_object_unref);
  object = mfd_connector_to_json (copy);
  g_assert_cmpstr (json_object_get_string_member (object, "LastValidationTimestamp"), ==, "2026-06-01T02:10:44.0000000");
  g_assert_cmpstr (mfd_connector_get_tls_domain (copy), ==, "*.contoso.co.jp");
}

/* Matching */

typedef struct
{
  const char *host;
  const char *connector;   /* NULL = no match */
} MatchCase;

static const MatchCase match_cases[] = {
  { "mail.contoso.co.jp", "Outbound to Contoso on-premises" },
  { "MAIL2.contoso.co.jp.", "Outbound to Contoso on-premises" },
  { "203.0.113.40", "Partner - Fabrikam (forced TLS)" },
  { "smtp.fabrikam.com", "Partner - Fabrikam (forced TLS)" },
  { "mx1.fabrikam.com", "Partner - Fabrikam (forced TLS)" },     /* recipient domain */
  { "fabrikam.com", "Partner - Fabrikam (forced TLS)" },
  { "mx.eu.fabrikam.com", "Partner - Fabrikam (forced TLS)" },   /* *.fabrikam.com */
  { "mx.northwindtraders.com", "Partner - Northwind by MX" },
  { "198.51.100.77", "Range" },                                  /* inside a CIDR */
  { "2001:db8:0:0::1", "Range" },
  { "mx.eu.northwindtraders.com", NULL },   /* no wildcard for Northwind */
  { "notfabrikam.com", NULL },
  { "mail3.contoso.co.jp", NULL },          /* TlsDomain is not a route */
  { "198.51.101.1", NULL },
  { "", NULL },
};

static void
test_match_host (void)
{
  gsize len;
  g_autofree char *json = read_sample (&len);
  g_autoptr(GPtrArray) connectors = mfd_connector_import (json, len, NULL);
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new ("/nonexistent/connectors.json");
  g_autoptr(MfdConnector) range = mfd_connector_new ("Range");
  const char *range_hosts[] = { "198.51.100.0/24", "2001:db8::/64", NULL };

  for (guint i = 0; i < connectors->len; i++)
    mfd_connector_store_add (store, g_ptr_array_index (connectors, i));
  mfd_connector_set_smart_hosts (range, range_hosts);
  mfd_connector_store_add (store, range);

  for (guint i = 0; i < G_N_ELEMENTS (match_cases); i++)
    {
      MfdConnector *match = mfd_connector_store_match_host (store, match_cases[i].host);

      g_assert_cmpstr (match ? mfd_connector_get_name (match) : NULL, ==, match_cases[i].connector);
    }

  g_assert_null (mfd_connector_store_match_host (store, NULL));
}

static void
test_match_prefers_smart_host (void)
{
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new ("/nonexistent/connectors.json");
  g_autoptr(MfdConnector) by_domain = mfd_connector_new ("By domain");
  g_autoptr(MfdConnector) by_host = mfd_connector_new ("By host");
  const char *domains[] = { "contoso.com", NULL };
  const char *hosts[] = { "mail.contoso.com", NULL };

  mfd_connector_set_recipient_domains (by_domain, domains);
  mfd_connector_set_smart_hosts (by_host, hosts);
  mfd_connector_store_add (store, by_domain);
  mfd_connector_store_add (store, by_host);

  g_assert_true (mfd_connector_store_match_host (store, "mail.contoso.com") == by_host);
  g_assert_true (mfd_connector_store_match_host (store, "mail2.contoso.com") == by_domain);
}

/* Store */

typedef struct
{
  char *dir;
  char *path;
} StoreFixture;

static void
store_setup (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("mfd-connector-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "connectors.json", NULL);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
store_teardown (StoreFixture  *fixture,
                gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static GStrv
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_strv_builder_add (builder, name);

  return g_strv_builder_end (builder);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_store_roundtrip (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new (fixture->path);
  g_autoptr(MfdConnectorStore) again = mfd_connector_store_new (fixture->path);
  g_autoptr(GError) error = NULL;
  gsize len;
  g_autofree char *json = read_sample (&len);
  g_autoptr(GPtrArray) connectors = mfd_connector_import (json, len, NULL);
  g_autoptr(MfdConnector) loaded = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *subdir = g_path_get_dirname (fixture->path);
  g_auto(GStrv) files = NULL;
  guint changes = 0;

  /* No file yet: an empty list, not an error. */
  g_assert_true (mfd_connector_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == MFD_TYPE_CONNECTOR);

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  for (guint i = 0; i < connectors->len; i++)
    mfd_connector_store_add (store, g_ptr_array_index (connectors, i));
  g_assert_cmpuint (changes, ==, 3);

  g_assert_true (mfd_connector_store_save (store, &error));
  g_assert_no_error (error);

  /* Atomic: only the file itself, no temporary left beside it. */
  files = list_dir (subdir);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
  g_assert_cmpstr (files[0], ==, "connectors.json");

  g_assert_true (mfd_connector_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);

  loaded = g_list_model_get_item (G_LIST_MODEL (again), 0);
  object = mfd_connector_to_json (loaded);
  /* Unknown fields survive save and load. */
  g_assert_cmpstr (json_object_get_string_member (object, "ConnectorSource"), ==, "HybridWizard");
  g_assert_cmpstr (json_object_get_string_member (object, "WhenCreatedUTC"), ==, "2024-04-15T07:30:00.0000000Z");
  g_assert_false (json_object_get_boolean_member (object, "TestMode"));
  g_assert_cmpstr (mfd_connector_get_tls_domain (loaded), ==, "*.contoso.co.jp");

  g_assert_nonnull (mfd_connector_store_find (again, "partner - fabrikam (FORCED TLS)"));
  g_assert_null (mfd_connector_store_find (again, "nope"));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (again), 3));

  /* Adding a connector with an existing name replaces it in place. */
  {
    g_autoptr(MfdConnector) replacement = mfd_connector_new ("Partner - Northwind by MX");

    mfd_connector_store_add (again, replacement);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
    g_assert_true (mfd_connector_store_find (again, "Partner - Northwind by MX") == replacement);
    mfd_connector_store_remove (again, replacement);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  }

  g_file_get_contents (fixture->path, &saved, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (saved, "\"Guid\" : \"1b0c44a2-8f7e-4d0b-a3c6-55e2f9d7c013\""));
}

static void
test_store_corrupt (StoreFixture  *fixture,
                    gconstpointer  data)
{
  static const char *garbage[] = {
    "{\"Name\": \"half a file",
    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "[{\"Name\":\"X\",\"ConnectorType\":\"Martian\"}]",
  };
  g_autofree char *subdir = g_path_get_dirname (fixture->path);

  g_assert_cmpint (g_mkdir_with_parents (subdir, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(MfdConnectorStore) store = mfd_connector_store_new (fixture->path);
      g_autoptr(MfdConnector) connector = mfd_connector_new ("New");
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) files = NULL;
      g_autofree char *aside = NULL;
      g_autofree char *kept = NULL;
      gsize kept_len;
      gsize garbage_len = i == 1 ? 16 : strlen (garbage[i]);

      g_file_set_contents (fixture->path, garbage[i], garbage_len, &error);
      g_assert_no_error (error);

      g_assert_false (mfd_connector_store_load (store, &error));
      g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, ".corrupt-"));
      g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

      /* The bad file is kept, byte for byte, beside the new one. */
      files = list_dir (subdir);
      g_assert_cmpuint (g_strv_length (files), ==, i + 1);
      for (guint j = 0; files[j] != NULL; j++)
        {
          g_autofree char *candidate = g_build_filename (subdir, files[j], NULL);
          g_autofree char *contents = NULL;
          gsize contents_len;

          g_assert_true (g_str_has_prefix (files[j], "connectors.json.corrupt-"));
          g_file_get_contents (candidate, &contents, &contents_len, NULL);
          if (contents_len == garbage_len && memcmp (contents, garbage[i], garbage_len) == 0)
            {
              aside = g_steal_pointer (&candidate);
              kept = g_steal_pointer (&contents);
              kept_len = contents_len;
            }
        }
      g_assert_nonnull (aside);
      g_assert_cmpmem (kept, kept_len, garbage[i], garbage_len);

      /* Saving afterwards writes a new file, never onto the kept one. */
      mfd_connector_store_add (store, connector);
      g_clear_error (&error);
      g_assert_true (mfd_connector_store_save (store, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));

      g_unlink (fixture->path);
    }
}

static void
test_store_too_large (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *subdir = g_path_get_dirname (fixture->path);
  FILE *f;

  g_assert_cmpint (g_mkdir_with_parents (subdir, 0700), ==, 0);

  /* A sparse 100 MB file: the store must refuse it by its size. */
  f = g_fopen (fixture->path, "wb");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, 100 * 1024 * 1024, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc (']', f), !=, EOF);
  fclose (f);

  g_assert_false (mfd_connector_store_load (store, &error));
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_CORRUPT);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static void
test_store_save_failure (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(MfdConnectorStore) store = NULL;
  g_autoptr(MfdConnector) connector = mfd_connector_new ("To Contoso");
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (fixture->dir, "sub", NULL);
  g_autofree char *target_dir = g_build_filename (fixture->dir, "target", NULL);
  g_autofree char *target = g_build_filename (target_dir, "connectors.json", NULL);
  g_auto(GStrv) files = NULL;

  /* The parent is a file: nothing can be written. */
  g_file_set_contents (blocker, "x", 1, &error);
  g_assert_no_error (error);
  store = mfd_connector_store_new (fixture->path);
  mfd_connector_store_add (store, connector);
  g_assert_false (mfd_connector_store_save (store, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&store);

  /* The target is a directory: the rename fails, and the temporary file
   * is not left behind. */
  g_assert_cmpint (g_mkdir_with_parents (target, 0700), ==, 0);
  store = mfd_connector_store_new (target);
  mfd_connector_store_add (store, connector);
  g_assert_false (mfd_connector_store_save (store, &error));
  g_assert_nonnull (error);
  files = list_dir (target_dir);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
  g_assert_cmpstr (files[0], ==, "connectors.json");
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_DIR));
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_store_async (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new (fixture->path);
  g_autoptr(MfdConnectorStore) again = mfd_connector_store_new (fixture->path);
  g_autoptr(MfdConnector) connector = mfd_connector_new ("Async");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  mfd_connector_store_add (store, connector);
  mfd_connector_store_save_async (store, NULL, async_done_cb, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  g_assert_true (mfd_connector_store_save_finish (store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  mfd_connector_store_load_async (again, NULL, async_done_cb, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  g_assert_true (mfd_connector_store_load_finish (again, result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (mfd_connector_store_find (again, "async"));
}

static JsonObject *format_list_expected;

static void
assert_strv_json (const char * const *got,
                  JsonArray          *want)
{
  g_assert_cmpuint (got != NULL ? g_strv_length ((char **) got) : 0, ==, json_array_get_length (want));
  for (guint i = 0; i < json_array_get_length (want); i++)
    g_assert_cmpstr (got[i], ==, json_array_get_string_element (want, i));
}

/* Get-OutboundConnector | Format-List as help desks copy it: every sample
 * reads to the connectors it shows, or fails as the JSON of the same
 * content would. */
static void
test_format_list_file (gconstpointer data)
{
  const char *name = data;
  JsonObject *want = json_object_get_object_member (format_list_expected, name);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "connectors", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  JsonArray *list;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  connectors = mfd_connector_import (contents, len, &error);

  if (json_object_has_member (want, "error"))
    {
      const char *kind = json_object_get_string_member (want, "error");

      g_assert_null (connectors);
      g_assert_error (error, MFD_CONNECTOR_ERROR,
                      g_str_equal (kind, "parse") ? MFD_CONNECTOR_ERROR_PARSE : MFD_CONNECTOR_ERROR_INVALID);
      g_test_message ("%s: %s", name, error->message);
      return;
    }

  g_assert_no_error (error);
  list = json_object_get_array_member (want, "connectors");
  g_assert_cmpuint (connectors->len, ==, json_array_get_length (list));
  for (guint i = 0; i < connectors->len; i++)
    {
      MfdConnector *c = connectors->pdata[i];
      JsonObject *w = json_array_get_object_element (list, i);
      JsonNode *tls = json_object_get_member (w, "tls_settings");
      JsonNode *tls_domain = json_object_get_member (w, "tls_domain");

      g_assert_cmpstr (mfd_connector_get_name (c), ==, json_object_get_string_member (w, "name"));
      g_assert_cmpint (mfd_connector_get_enabled (c), ==, json_object_get_boolean_member (w, "enabled"));
      g_assert_cmpint (mfd_connector_get_use_mx_record (c), ==, json_object_get_boolean_member (w, "use_mx_record"));
      g_assert_cmpstr (mfd_connector_type_to_string (mfd_connector_get_connector_type (c)), ==,
                       json_object_get_string_member (w, "connector_type"));
      assert_strv_json (mfd_connector_get_smart_hosts (c), json_object_get_array_member (w, "smart_hosts"));
      assert_strv_json (mfd_connector_get_recipient_domains (c), json_object_get_array_member (w, "recipient_domains"));
      g_assert_cmpstr (mfd_tls_mode_to_connector (mfd_connector_get_tls_mode (c)), ==,
                       JSON_NODE_HOLDS_NULL (tls) ? NULL : json_node_get_string (tls));
      g_assert_cmpstr (mfd_connector_get_tls_domain (c), ==,
                       JSON_NODE_HOLDS_NULL (tls_domain) ? NULL : json_node_get_string (tls_domain));
    }
}

/* A value wrapped over two million lines, and a megabyte of one-line
 * connectors: read in time linear in the text (the suite's timeout would
 * catch a quadratic join), and either read or refused with our error. */
static void
test_format_list_hostile (void)
{
  g_autoptr(GString) wrapped = g_string_new ("Name : Wrapped\nComment : a\n");
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < 2000000; i++)
    g_string_append (wrapped, "      bb\n");
  connectors = mfd_connector_import (wrapped->str, wrapped->len, &error);
  g_assert_true (connectors != NULL || error->domain == MFD_CONNECTOR_ERROR);
  g_clear_pointer (&connectors, g_ptr_array_unref);
  g_clear_error (&error);
  g_test_message ("the wrapped value took %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);

  for (guint i = 0; many->len < 1024 * 1024; i++)
    g_string_append_printf (many, "Name : c%u\n\n", i);
  connectors = mfd_connector_import (many->str, many->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (connectors->len, >, 50000);
  g_test_message ("both took %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
}

/* A file that exists but cannot be read must survive: the list loads
 * empty with an error that says so, and no save may replace the file.
 * Permission denied is real here: the tests may run as root, whom
 * permissions do not stop, so the case runs in a child process that first
 * gives up root for the unprivileged "nobody" (65534). */
static void
assert_save_refused (MfdConnectorStore *store,
                     const char        *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_false (mfd_connector_store_save (store, &error));
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  mfd_connector_store_save_async (store, NULL, async_done_cb, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  g_assert_false (mfd_connector_store_save_finish (store, result, &error));
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_UNREADABLE);
}

static void
test_store_unreadable_permission (void)
{
  static const char saved[] = "[{\"Name\": \"Kept\", \"SmartHosts\": [\"mail.contoso.com\"]}]";
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdConnectorStore) store = NULL;
  g_autoptr(MfdConnector) connector = mfd_connector_new ("New");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  if (getuid () == 0)
    {
      g_assert_cmpint (setgroups (0, NULL), ==, 0);
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
    }

  dir = g_dir_make_tmp ("mfd-connector-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "connectors.json", NULL);
  g_file_set_contents (path, saved, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0), ==, 0);

  /* The case is only meaningful if the file really is unreadable now. */
  g_assert_false (g_file_get_contents (path, &contents, &len, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
  g_clear_error (&error);

  store = mfd_connector_store_new (path);
  g_assert_false (mfd_connector_store_load (store, &error));
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_clear_error (&error);

  mfd_connector_store_add (store, connector);
  assert_save_refused (store, path);

  /* Still there, untouched, and nothing moved beside it. */
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, len, saved, strlen (saved));
  {
    g_auto(GStrv) files = list_dir (dir);

    g_assert_cmpuint (g_strv_length (files), ==, 1);
  }

  /* Readable again: a new load brings the list back and saving works. */
  g_assert_true (mfd_connector_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_nonnull (mfd_connector_store_find (store, "Kept"));
  mfd_connector_store_add (store, connector);
  g_assert_true (mfd_connector_store_save (store, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Another way to be unreadable that no user can read through: a directory
 * where the file should be (EISDIR). */
static void
test_store_unreadable_directory (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new (fixture->path);
  g_autoptr(MfdConnector) connector = mfd_connector_new ("New");
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_cmpint (g_mkdir_with_parents (fixture->path, 0700), ==, 0);

  mfd_connector_store_load_async (store, NULL, async_done_cb, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  g_assert_false (mfd_connector_store_load_finish (store, result, &error));
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_UNREADABLE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  mfd_connector_store_add (store, connector);
  assert_save_refused (store, fixture->path);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_DIR));

  /* Moved out of the way, as the message asks: the next save writes. */
  {
    g_autofree char *moved = g_strconcat (fixture->path, ".old", NULL);
    g_autoptr(MfdConnectorStore) again = mfd_connector_store_new (fixture->path);

    g_clear_error (&error);
    g_assert_cmpint (g_rename (fixture->path, moved), ==, 0);
    g_assert_true (mfd_connector_store_save (store, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (moved, G_FILE_TEST_IS_DIR));
    g_assert_true (mfd_connector_store_load (again, &error));
    g_assert_nonnull (mfd_connector_store_find (again, "New"));
    g_assert_cmpint (g_rmdir (moved), ==, 0);
  }
}

/* Saves land in order: while one write runs, later requests wait and are
 * served together by one write of the list as it is when that write
 * starts, so an older list can never land after a newer one. */
static void
saved_count_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (mfd_connector_store_save_finish (MFD_CONNECTOR_STORE (source), result, &error));
  g_assert_no_error (error);
  (*done)++;
}

static void
test_store_saves_in_order (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new (fixture->path);
  g_autoptr(MfdConnectorStore) again = mfd_connector_store_new (fixture->path);
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint done = 0;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("Connector %02u", i);
      g_autoptr(MfdConnector) connector = mfd_connector_new (name);

      mfd_connector_store_add (store, connector);
      mfd_connector_store_save_async (store, NULL, saved_count_cb, &done);
    }
  while (done < 20 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (done, ==, 20);

  /* One write for the first request, one for the nineteen folded after it. */
  g_assert_cmpuint (mfd_connector_store_get_writes (store), <=, 2);

  g_assert_true (mfd_connector_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 20);
}

/* Moving a corrupt file aside never replaces whatever already has the
 * name it would get: here dangling symbolic links, which a test for
 * existence that follows links takes for free names. */
static void
test_store_move_aside_no_replace (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  g_autoptr(MfdConnectorStore) store = mfd_connector_store_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *subdir = g_path_get_dirname (fixture->path);
  g_autofree char *aside = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) files = NULL;

  g_assert_cmpint (g_mkdir_with_parents (subdir, 0700), ==, 0);
  g_file_set_contents (fixture->path, "{\"Name\": \"half", -1, &error);
  g_assert_no_error (error);

  /* The names the next few seconds would give. */
  for (int s = -1; s <= 5; s++)
    {
      g_autoptr(GDateTime) then = g_date_time_add_seconds (now, s);
      g_autofree char *stamp = g_date_time_format (then, "%Y%m%dT%H%M%SZ");
      char *name = g_strdup_printf ("%s.corrupt-%s", fixture->path, stamp);

      g_assert_cmpint (symlink ("/nonexistent/connector-list", name), ==, 0);
      g_ptr_array_add (links, name);
    }

  g_assert_false (mfd_connector_store_load (store, &error));
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_CORRUPT);

  for (guint i = 0; i < links->len; i++)
    {
      g_autofree char *target = g_file_read_link (g_ptr_array_index (links, i), NULL);

      g_assert_cmpstr (target, ==, "/nonexistent/connector-list");
    }

  /* The corrupt file went to a free name, whole. */
  files = list_dir (subdir);
  g_assert_cmpuint (g_strv_length (files), ==, links->len + 1);
  for (guint j = 0; files[j] != NULL; j++)
    {
      g_autofree char *candidate = g_build_filename (subdir, files[j], NULL);

      if (!g_file_test (candidate, G_FILE_TEST_IS_SYMLINK))
        aside = g_steal_pointer (&candidate);
    }
  g_assert_nonnull (aside);
  g_assert_nonnull (strstr (error->message, aside));
  g_file_get_contents (aside, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "{\"Name\": \"half");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) fl_parser = json_parser_new ();
  g_autofree char *fl_path = NULL;
  g_autoptr(GList) fl_names = NULL;

  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, mfd_text_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, NULL);

  MFD_TEST_ADD_ROWS ("/connector/import", import_cases, test_import_case);
  fl_path = g_test_build_filename (G_TEST_DIST, "data", "connectors", "formatlist-expected.json", NULL);
  if (!json_parser_load_from_file (fl_parser, fl_path, NULL))
    g_error ("cannot read %s", fl_path);
  format_list_expected = json_node_get_object (json_parser_get_root (fl_parser));
  fl_names = g_list_sort (json_object_get_members (format_list_expected), (GCompareFunc) strcmp);
  g_assert_cmpuint (g_list_length (fl_names), >=, 10);
  for (GList *l = fl_names; l != NULL; l = l->next)
    {
      g_autofree char *test_path = g_strconcat ("/connector/format-list/", (const char *) l->data, NULL);

      g_test_add_data_func (test_path, l->data, test_format_list_file);
    }

  g_test_add_func ("/connector/format-list/hostile", test_format_list_hostile);
  g_test_add_func ("/connector/import/sample", test_import_sample);
  g_test_add_func ("/connector/import/utf16", test_import_utf16);
  g_test_add_func ("/connector/import/hostile", test_import_hostile);
  g_test_add_func ("/connector/validate/smart-host", test_validate_smart_host);
  g_test_add_func ("/connector/validate/tls-domain", test_validate_tls_domain);
  g_test_add_func ("/connector/validate/recipient-domain", test_validate_recipient_domain);
  g_test_add_func ("/connector/validate/japanese", test_validation_japanese);
  g_test_add_func ("/connector/properties", test_properties);
  g_test_add_func ("/connector/invalid-setter", test_invalid_setter);
  g_test_add_func ("/connector/roundtrip-unknown-fields", test_roundtrip_unknown_fields);
  g_test_add_func ("/connector/match/hosts", test_match_host);
  g_test_add_func ("/connector/match/prefers-smart-host", test_match_prefers_smart_host);
  g_test_add ("/connector/store/roundtrip", StoreFixture, NULL, store_setup, test_store_roundtrip, store_teardown);
  g_test_add ("/connector/store/corrupt", StoreFixture, NULL, store_setup, test_store_corrupt, store_teardown);
  g_test_add ("/connector/store/too-large", StoreFixture, NULL, store_setup, test_store_too_large, store_teardown);
  g_test_add ("/connector/store/save-failure", StoreFixture, NULL, store_setup, test_store_save_failure, store_teardown);
  g_test_add ("/connector/store/async", StoreFixture, NULL, store_setup, test_store_async, store_teardown);
  g_test_add_func ("/connector/store/unreadable-permission", test_store_unreadable_permission);
  g_test_add ("/connector/store/unreadable-directory", StoreFixture, NULL, store_setup, test_store_unreadable_directory, store_teardown);
  g_test_add ("/connector/store/saves-in-order", StoreFixture, NULL, store_setup, test_store_saves_in_order, store_teardown);
  g_test_add ("/connector/store/move-aside-no-replace", StoreFixture, NULL, store_setup, test_store_move_aside_no_replace, store_teardown);

  return g_test_run ();
}
