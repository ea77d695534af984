/* test-target.c — what to check, from connectors, NDR entries and options
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "mfd/mfd.h"

/* An entry as the NDR parser would hand it over: the public fields only. */
static MfdNdrEntry *
make_entry (const char *server,
            const char *ip,
            guint16     port)
{
  MfdNdrEntry *entry = g_new0 (MfdNdrEntry, 1);

  g_atomic_ref_count_init (&entry->ref_count);
  entry->reply = 450;
  entry->status = g_strdup ("4.4.316");
  entry->text = g_strdup ("Connection refused");
  entry->server = g_strdup (server);
  entry->ip = g_strdup (ip);
  entry->port = port;
  return entry;
}

static GPtrArray *
load_sample (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "connectors", "connectors.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *connectors;
  gsize len;

  g_file_get_contents (path, &json, &len, &error);
  g_assert_no_error (error);
  connectors = mfd_connector_import (json, len, &error);
  g_assert_no_error (error);
  return connectors;
}

typedef struct
{
  const char *connector;
  const char *hosts;          /* joined with ",", "" = none */
  const char *mx_domains;     /* joined with ",", "" = none */
  MfdTlsMode  tls;
  const char *tls_domain;
  const char *description;
} ConnectorCase;

static const ConnectorCase connector_cases[] = {
  { "Outbound to Contoso on-premises", "mail.contoso.co.jp,mail2.contoso.co.jp", "",
    MFD_TLS_DOMAIN_VALIDATION, "*.contoso.co.jp", "mail.contoso.co.jp, mail2.contoso.co.jp" },
  { "Partner - Fabrikam (forced TLS)", "203.0.113.40,smtp.fabrikam.com", "",
    MFD_TLS_CERTIFICATE_VALIDATION, NULL, "203.0.113.40, smtp.fabrikam.com" },
  { "Partner - Northwind by MX", "", "northwindtraders.com",
    MFD_TLS_OPPORTUNISTIC, NULL, "MX of northwindtraders.com" },
};

static char *
join_hosts (MfdTarget *target)
{
  GPtrArray *hosts = mfd_target_get_smart_hosts (target);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < hosts->len; i++)
    {
      MfdTargetHost *host = g_ptr_array_index (hosts, i);

      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, host->host);
      g_assert_cmpuint (host->port, ==, 0);
      g_assert_null (host->ip);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_from_sample_connectors (void)
{
  g_autoptr(GPtrArray) connectors = load_sample ();

  g_assert_cmpuint (connectors->len, ==, G_N_ELEMENTS (connector_cases));

  for (guint i = 0; i < connectors->len; i++)
    {
      const ConnectorCase *c = &connector_cases[i];
      MfdConnector *connector = g_ptr_array_index (connectors, i);
      g_autoptr(MfdTarget) target = mfd_target_new_for_connector (connector);
      g_autofree char *hosts = join_hosts (target);
      g_autofree char *mx = g_strjoinv (",", (char **) mfd_target_get_mx_domains (target));
      g_autofree char *description = mfd_target_describe (target, "en");

      g_assert_cmpstr (mfd_connector_get_name (connector), ==, c->connector);
      g_assert_cmpstr (hosts, ==, c->hosts);
      g_assert_cmpstr (mx, ==, c->mx_domains);
      g_assert_cmpuint (mfd_target_get_port (target), ==, 25);
      g_assert_cmpint (mfd_target_get_tls_mode (target), ==, c->tls);
      g_assert_cmpstr (mfd_target_get_tls_domain (target), ==, c->tls_domain);
      g_assert_cmpstr (mfd_target_get_connector_name (target), ==, c->connector);
      g_assert_cmpstr (description, ==, c->description);
      g_assert_null (mfd_target_get_ndr_entry (target));

      /* A snapshot: editing the connector later does not change the target. */
      g_assert_nonnull (mfd_target_get_connector (target));
      g_assert_true (mfd_target_get_connector (target) != connector);
      mfd_connector_set_name (connector, "Renamed");
      g_assert_cmpstr (mfd_connector_get_name (mfd_target_get_connector (target)), ==, c->connector);
    }
}

static void
test_use_mx_record (void)
{
  g_autoptr(MfdConnector) connector = mfd_connector_new ("By MX");
  const char *domains[] = { "fabrikam.com", "*.fabrikam.com", "*.contoso.com", "*", "Contoso.com", NULL };
  const char *hosts[] = { "ignored.fabrikam.com", NULL };
  g_autoptr(MfdTarget) target = NULL;
  g_autofree char *mx = NULL;
  g_autofree char *description = NULL;
  g_autofree char *description_ja = NULL;

  mfd_connector_set_recipient_domains (connector, domains);
  mfd_connector_set_smart_hosts (connector, hosts);
  mfd_connector_set_use_mx_record (connector, TRUE);

  target = mfd_target_new_for_connector (connector);
  mx = g_strjoinv (",", (char **) mfd_target_get_mx_domains (target));

  /* Smart hosts do not count when UseMXRecord; wildcards stand for their
   * base domain, duplicates (in any case) collapse, "*" is no domain. */
  g_assert_cmpuint (mfd_target_get_smart_hosts (target)->len, ==, 0);
  g_assert_cmpstr (mx, ==, "fabrikam.com,contoso.com");

  description = mfd_target_describe (target, "en");
  g_assert_cmpstr (description, ==, "MX of fabrikam.com, contoso.com");
  description_ja = mfd_target_describe (target, "ja");
  g_assert_nonnull (strstr (description_ja, "fabrikam.com, contoso.com"));
  g_assert_cmpstr (description_ja, !=, description);
}

typedef struct
{
  const char *server;
  const char *ip;
  guint16     port;
  const char *host;
  const char *host_ip;
  guint16     target_port;
  const char *description;
} NdrCase;

static const NdrCase ndr_cases[] = {
  { "mail.contoso.com", "203.0.113.25", 25, "mail.contoso.com", "203.0.113.25", 25,
    "mail.contoso.com (203.0.113.25)" },
  { "mail.contoso.com", NULL, 25, "mail.contoso.com", NULL, 25, "mail.contoso.com" },
  { NULL, "203.0.113.25", 25, "203.0.113.25", "203.0.113.25", 25, "203.0.113.25" },
  { "mail.contoso.com", "2001:db8::25", 2525, "mail.contoso.com", "2001:db8::25", 2525,
    "mail.contoso.com (2001:db8::25)" },
  { "mail.contoso.com", "203.0.113.25", 0, "mail.contoso.com", "203.0.113.25", 25,
    "mail.contoso.com (203.0.113.25)" },
  { NULL, NULL, 25, NULL, NULL, 25, "No destination to check" },
};

static void
test_from_ndr_entry (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (ndr_cases); i++)
    {
      const NdrCase *c = &ndr_cases[i];
      g_autoptr(MfdNdrEntry) entry = make_entry (c->server, c->ip, c->port);
      g_autoptr(MfdTarget) target = mfd_target_new_for_ndr_entry (entry, MFD_TLS_ENCRYPTION_ONLY);
      g_autoptr(MfdTarget) copy = NULL;
      g_autofree char *description = mfd_target_describe (target, "en");
      GPtrArray *hosts = mfd_target_get_smart_hosts (target);
      MfdNdrEntry *held = NULL;

      g_assert_cmpint (mfd_target_get_tls_mode (target), ==, MFD_TLS_ENCRYPTION_ONLY);
      g_assert_cmpuint (mfd_target_get_port (target), ==, c->target_port);
      g_assert_true (mfd_target_get_ndr_entry (target) == entry);
      g_assert_null (mfd_target_get_connector (target));
      g_assert_cmpstr (description, ==, c->description);

      g_object_get (target, "ndr-entry", &held, NULL);
      g_assert_true (held == entry);
      mfd_ndr_entry_unref (held);

      if (c->host == NULL)
        {
          g_assert_cmpuint (hosts->len, ==, 0);
          continue;
        }

      g_assert_cmpuint (hosts->len, ==, 1);
      g_assert_cmpstr (((MfdTargetHost *) hosts->pdata[0])->host, ==, c->host);
      g_assert_cmpstr (((MfdTargetHost *) hosts->pdata[0])->ip, ==, c->host_ip);

      copy = mfd_target_copy (target);
      g_assert_true (mfd_target_get_ndr_entry (copy) == entry);
      g_assert_cmpstr (((MfdTargetHost *) mfd_target_get_smart_hosts (copy)->pdata[0])->ip, ==, c->host_ip);
    }
}

/* An MTA-STS or DANE code names the recipient domain's policy: the check
 * goes by MX of the recipients' domains, not to the one server. */
static void
test_from_ndr_policy_code (void)
{
  static const struct { const char *status; gboolean by_mx; } cases[] = {
    { "4.4.8", TRUE }, { "5.4.8", TRUE }, { "4.7.5", TRUE }, { "5.7.5", TRUE },
    { "4.7.321", TRUE }, { "5.7.325", TRUE }, { "4.4.316", FALSE }, { "4.7.320", FALSE }, { "4.4.80", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MfdNdrEntry) entry = make_entry ("mx1.fabrikam.com", "198.51.100.7", 25);
      g_autoptr(MfdTarget) target = NULL;
      const char * const *domains;

      g_free (entry->status);
      entry->status = g_strdup (cases[i].status);
      entry->recipients = g_strsplit ("pat@fabrikam.com,lee@fabrikam.com,kim@contoso.net", ",", -1);
      target = mfd_target_new_for_ndr_entry (entry, MFD_TLS_OPPORTUNISTIC);
      domains = mfd_target_get_mx_domains (target);
      if (cases[i].by_mx)
        {
          g_assert_cmpuint (g_strv_length ((char **) domains), ==, 2);
          g_assert_cmpstr (domains[0], ==, "fabrikam.com");
          g_assert_cmpstr (domains[1], ==, "contoso.net");
          g_assert_cmpuint (mfd_target_get_smart_hosts (target)->len, ==, 0);
        }
      else
        {
          g_assert_cmpuint (g_strv_length ((char **) domains), ==, 0);
          g_assert_cmpuint (mfd_target_get_smart_hosts (target)->len, ==, 1);
        }
    }

  /* Without a recipient the server EOP tried is all there is. */
  {
    g_autoptr(MfdNdrEntry) entry = make_entry ("mx1.fabrikam.com", NULL, 25);
    g_autoptr(MfdTarget) target = NULL;

    g_free (entry->status);
    entry->status = g_strdup ("4.4.8");
    target = mfd_target_new_for_ndr_entry (entry, MFD_TLS_OPPORTUNISTIC);
    g_assert_cmpuint (mfd_target_get_smart_hosts (target)->len, ==, 1);
  }
}

static void
test_explicit_values (void)
{
  g_autoptr(MfdTarget) target = mfd_target_new ();
  g_autoptr(MfdTarget) copy = NULL;
  g_autofree char *description = NULL;
  g_autofree char *doh = NULL;
  guint port;

  g_assert_cmpstr (mfd_target_get_doh_url (target), ==, MFD_TARGET_DEFAULT_DOH_URL);
  g_assert_cmpstr (mfd_target_get_rdap_bootstrap_url (target), ==, MFD_TARGET_DEFAULT_RDAP_BOOTSTRAP_URL);
  g_assert_cmpstr (mfd_target_get_endpoints_url (target), ==, MFD_TARGET_DEFAULT_ENDPOINTS_URL);
  g_assert_false (mfd_target_get_offline (target));
  g_assert_null (mfd_target_get_dns_server (target));
  g_assert_null (mfd_target_get_connector_name (target));

  description = mfd_target_describe (target, "en");
  g_assert_cmpstr (description, ==, "No destination to check");
  g_clear_pointer (&description, g_free);

  mfd_target_add_smart_host (target, "mail.contoso.com", 0);
  mfd_target_add_smart_host (target, "2001:db8::25", 2525);
  mfd_target_add_smart_host (target, "relay.contoso.com", 587);
  mfd_target_add_mx_domain (target, "contoso.com");
  g_object_set (target,
                "port", 587,
                "tls-mode", MFD_TLS_NONE,
                "tls-domain", "mail.contoso.com",
                "ca-file", "/tmp/ca.pem",
                "dns-server", "127.0.0.1:5353",
                "doh-url", "https://127.0.0.1:8443/resolve",
                "offline", TRUE,
                "connector-name", "Explicit",
                NULL);

  g_object_get (target, "port", &port, "doh-url", &doh, NULL);
  g_assert_cmpuint (port, ==, 587);
  g_assert_cmpstr (doh, ==, "https://127.0.0.1:8443/resolve");
  g_assert_cmpint (mfd_target_get_tls_mode (target), ==, MFD_TLS_NONE);
  g_assert_cmpstr (mfd_target_get_ca_file (target), ==, "/tmp/ca.pem");
  g_assert_cmpstr (mfd_target_get_dns_server (target), ==, "127.0.0.1:5353");
  g_assert_true (mfd_target_get_offline (target));

  /* Ports that differ from the target's show; IPv6 gets brackets. */
  description = mfd_target_describe (target, "en");
  g_assert_cmpstr (description, ==, "mail.contoso.com, [2001:db8::25]:2525, relay.contoso.com; MX of contoso.com");

  /* Resetting a URL to NULL brings the default back. */
  mfd_target_set_doh_url (target, NULL);
  g_assert_cmpstr (mfd_target_get_doh_url (target), ==, MFD_TARGET_DEFAULT_DOH_URL);

  copy = mfd_target_copy (target);
  g_clear_pointer (&description, g_free);
  description = mfd_target_describe (copy, "en");
  g_assert_cmpstr (description, ==, "mail.contoso.com, [2001:db8::25]:2525, relay.contoso.com; MX of contoso.com");
  g_assert_cmpuint (mfd_target_get_port (copy), ==, 587);
  g_assert_cmpstr (mfd_target_get_connector_name (copy), ==, "Explicit");
  g_assert_cmpstr (mfd_target_get_dns_server (copy), ==, "127.0.0.1:5353");
}

typedef struct
{
  double seconds;
  guint  connect_ms;
  guint  dns_ms;
} TimeoutCase;

static const TimeoutCase timeout_cases[] = {
  { 10, 10000, 5000 },
  { 2, 2000, 2000 },
  { 0.25, 250, 250 },
  { 0.0001, 1, 1 },
  { 120, 120000, 5000 },
  { 1e12, 24u * 60u * 60u * 1000u, 5000 },
};

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_timeouts (void)
{
  g_autoptr(MfdTarget) defaults = mfd_target_new ();

  g_assert_cmpuint (mfd_target_get_connect_timeout_ms (defaults), ==, MFD_TARGET_DEFAULT_CONNECT_MS);
  g_assert_cmpuint (mfd_target_get_reply_timeout_ms (defaults), ==, MFD_TARGET_DEFAULT_REPLY_MS);
  g_assert_cmpuint (mfd_target_get_tls_timeout_ms (defaults), ==, MFD_TARGET_DEFAULT_TLS_MS);
  g_assert_cmpuint (mfd_target_get_dns_timeout_ms (defaults), ==, MFD_TARGET_DEFAULT_DNS_MS);

  for (guint i = 0; i < G_N_ELEMENTS (timeout_cases); i++)
    {
      g_autoptr(MfdTarget) target = mfd_target_new ();

      mfd_target_set_timeout_seconds (target, timeout_cases[i].seconds);
      g_assert_cmpuint (mfd_target_get_connect_timeout_ms (target), ==, timeout_cases[i].connect_ms);
      g_assert_cmpuint (mfd_target_get_reply_timeout_ms (target), ==, timeout_cases[i].connect_ms);
      g_assert_cmpuint (mfd_target_get_tls_timeout_ms (target), ==, timeout_cases[i].connect_ms);
      g_assert_cmpuint (mfd_target_get_dns_timeout_ms (target), ==, timeout_cases[i].dns_ms);
    }

  {
    g_autoptr(MfdTarget) target = mfd_target_new ();
    guint notified = 0;

    g_signal_connect (target, "notify", G_CALLBACK (notify_cb), &notified);
    mfd_target_set_reply_timeout_ms (target, 1234);
    g_assert_cmpuint (notified, ==, 1);
    mfd_target_set_reply_timeout_ms (target, 1234);
    g_assert_cmpuint (notified, ==, 1);
    g_assert_cmpuint (mfd_target_get_reply_timeout_ms (target), ==, 1234);
    g_assert_cmpuint (mfd_target_get_connect_timeout_ms (target), ==, MFD_TARGET_DEFAULT_CONNECT_MS);
  }
}

/* Every setting that changes what the check sees is named in the report,
 * the DNSSEC trust anchor too (a lab's own root changes every DANE verdict). */
static void
test_run_settings_name_the_anchor (void)
{
  g_autoptr(MfdTarget) target = mfd_target_new ();
  g_auto(GStrv) plain = NULL;
  g_auto(GStrv) lines = NULL;

  mfd_target_add_mx_domain (target, "contoso.test");
  plain = mfd_target_dup_run_settings (target, "en");
  for (guint i = 0; plain[i] != NULL; i++)
    g_assert_null (strstr (plain[i], "trust anchor"));

  mfd_target_set_trust_anchor_file (target, "/tmp/lab/root.ds");
  lines = mfd_target_dup_run_settings (target, "en");
  g_assert_true (g_strv_contains ((const char * const *) lines,
                                  "DNSSEC trust anchor: /tmp/lab/root.ds, instead of the root's."));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/target/connector/sample", test_from_sample_connectors);
  g_test_add_func ("/target/connector/use-mx-record", test_use_mx_record);
  g_test_add_func ("/target/ndr-entry", test_from_ndr_entry);
  g_test_add_func ("/target/ndr-entry/policy-code", test_from_ndr_policy_code);
  g_test_add_func ("/target/explicit", test_explicit_values);
  g_test_add_func ("/target/timeouts", test_timeouts);
  g_test_add_func ("/target/run-settings/trust-anchor", test_run_settings_name_the_anchor);

  return g_test_run ();
}
