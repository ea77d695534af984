/* test-web.c — DNS-over-HTTPS, RDAP and EOP's ranges against a real HTTPS
 * server on loopback
 *
 * A SoupServer on 127.0.0.1, port 0, with a certificate from a CA made at
 * test time, serves documents written here in the shapes the real services
 * use, and misbehaves on demand (429, 500, truncated, wrong type, huge,
 * silent).
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "mfd/mfd.h"
#include "../app/core/mfd-web-private.h"
#include "mfd-test-ca.h"
#include "mfd-test-web.h"
#include "mfd-test-util.h"

#define TEST_TIMEOUT_MS  3000
#define WATCHDOG_SECONDS 15

/* Made once per run by make_test_ca(). */
static char *test_dir;
static char *ca_path;
static char *server_pem;
static char *wrong_name_pem;
static char *expired_pem;

typedef struct
{
  MfdTestWeb    web;
  char         *cache_dir;
  GMainLoop    *loop;
  GAsyncResult *result;
} Fixture;

static void
make_test_ca (void)
{
  g_autoptr(MfdTestCa) ca = mfd_test_ca_new ("CN=Mail Flow Doctor Test CA,O=Tests");
  g_autoptr(GError) error = NULL;

  server_pem = mfd_test_ca_issue_server (ca, 2, NULL, -1, 7);
  wrong_name_pem = mfd_test_ca_issue_server (ca, 3, "mail.wrong.example", -1, 7);
  expired_pem = mfd_test_ca_issue_server (ca, 4, NULL, -10, -1);

  test_dir = g_dir_make_tmp ("mfd-test-web-XXXXXX", &error);
  g_assert_no_error (error);
  ca_path = g_build_filename (test_dir, "ca.pem", NULL);
  g_file_set_contents (ca_path, mfd_test_ca_get_pem (ca), -1, &error);
  g_assert_no_error (error);
}

/* The server ------------------------------------------------------------------- */

static void
serve_json (Fixture    *f,
            const char *key,
            const char *body)
{
  mfd_test_web_serve (&f->web, key, 200, "application/json", body);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *name = NULL;

  mfd_test_web_init (&f->web, server_pem);

  name = g_strdup_printf ("cache-%u", g_random_int ());
  f->cache_dir = g_build_filename (test_dir, name, NULL);
  f->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* The client hangs up on an answer it gave up on (too large, cancelled)
   * from the main context, after the check returned. Let it do so before
   * the server, on this same thread, closes its side: that close says
   * goodbye over TLS with a blocking write, which waits for a client that
   * stopped reading. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  mfd_test_web_clear (&f->web);
  g_main_loop_unref (f->loop);
  g_clear_object (&f->result);
  mfd_test_remove_tree (f->cache_dir);
  g_free (f->cache_dir);

  /* Let the cancelled exchanges and closed connections finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static MfdWeb *
fixture_web (Fixture    *f,
             const char *ca_file,
             guint       timeout_ms)
{
  g_autofree char *doh = g_strconcat (f->web.base, "/resolve", NULL);
  g_autofree char *bootstrap = g_strconcat (f->web.base, "/rdap/dns.json", NULL);
  MfdWeb *web = mfd_web_new (doh, bootstrap, f->web.base, ca_file, timeout_ms);

  mfd_web_set_cache_dir (web, f->cache_dir);
  return web;
}

static void
on_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  g_set_object (&f->result, result);
  g_main_loop_quit (f->loop);
}

static void
wait_for_result (Fixture *f)
{
  guint watchdog = mfd_test_watchdog_add (WATCHDOG_SECONDS, "The web check");

  g_clear_object (&f->result);
  g_main_loop_run (f->loop);
  g_source_remove (watchdog);
  g_assert_nonnull (f->result);
}

static MfdObservation *
check_public_dns (Fixture        *f,
                  MfdWeb         *web,
                  const char     *host,
                  MfdObservation *local)
{
  g_autoptr(GError) error = NULL;
  MfdObservation *observation;

  mfd_web_check_public_dns_async (web, host, local, NULL, on_done_cb, f);
  wait_for_result (f);
  observation = mfd_web_check_public_dns_finish (web, f->result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (observation);
  g_assert_cmpint (observation->stage, ==, MFD_STAGE_DNS_PUBLIC);
  return observation;
}

static MfdObservation *
check_registration (Fixture    *f,
                    MfdWeb     *web,
                    const char *host)
{
  g_autoptr(GError) error = NULL;
  MfdObservation *observation;

  mfd_web_check_registration_async (web, host, NULL, on_done_cb, f);
  wait_for_result (f);
  observation = mfd_web_check_registration_finish (web, f->result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (observation);
  g_assert_cmpint (observation->stage, ==, MFD_STAGE_REGISTRATION);
  return observation;
}

static MfdEopRanges *
get_eop_ranges (Fixture  *f,
                MfdWeb   *web,
                gboolean  offline,
                GError  **error)
{
  mfd_web_get_eop_ranges_async (web, offline, NULL, on_done_cb, f);
  wait_for_result (f);
  return mfd_web_get_eop_ranges_finish (web, f->result, error);
}

static void
assert_detail_contains (MfdObservation *observation,
                        const char     *needle)
{
  g_autofree char *detail = mfd_observation_dup_detail (observation, "en");

  if (strstr (detail, needle) == NULL)
    g_error ("“%s” not in “%s”", needle, detail);
}

/* DNS JSON in the shape Google's and Cloudflare's resolvers answer with;
 * the IPv6 answers here come signed (AD). */
static void
serve_doh (Fixture    *f,
           const char *name,
           const char *type,
           int         status,
           const char *answers)
{
  g_assert_true (g_str_equal (type, "A") || g_str_equal (type, "AAAA"));
  mfd_test_web_serve_doh (&f->web, name, type, status,
                          answers != NULL && strstr (answers, "2001:") != NULL, answers);
}

static MfdObservation *
local_resolved (const char *host,
                const char *answers)
{
  MfdObservation *local = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_OK, host, NULL, 0);

  mfd_observation_set_fact (local, "answers", answers);
  mfd_observation_set_fact (local, "ttl", "300");
  return local;
}

static MfdObservation *
local_failed (const char *host,
              const char *cause)
{
  MfdObservation *local = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_FAIL, host, NULL, 0);

  mfd_observation_set_cause (local, cause);
  return local;
}

/* One lookup's expectations: the outcome, the cause (NULL: none), facts,
 * parts of the English detail and how often the server was asked for a
 * path so far. A fact expected as ANY_VALUE must be there, with any value;
 * EXPIRATION_DATE stands for the day the row's first domain expires. */
#define ANY_VALUE       "\001any"
#define EXPIRATION_DATE "\001expiration"

typedef struct
{
  const char *key;
  const char *value;
} ExpectedFact;

typedef struct
{
  const char *key;
  guint       count;
} ExpectedHits;

typedef struct
{
  MfdOutcome   outcome;
  const char  *cause;
  ExpectedFact facts[5];
  const char  *details[3];
  ExpectedHits hits[2];
  gboolean     nothing_asked;   /* no request at all so far */
} Expected;

static void
assert_expected (Fixture        *f,
                 MfdObservation *observation,
                 const Expected *expected,
                 const char     *expiration_date)
{
  g_assert_cmpint (observation->outcome, ==, expected->outcome);
  g_assert_cmpstr (observation->cause, ==, expected->cause);
  g_assert_cmpint (observation->ms, >=, 0);

  for (guint i = 0; i < G_N_ELEMENTS (expected->facts) && expected->facts[i].key != NULL; i++)
    {
      const char *value = mfd_observation_get_fact (observation, expected->facts[i].key);

      if (g_strcmp0 (expected->facts[i].value, ANY_VALUE) == 0)
        g_assert_nonnull (value);
      else if (g_strcmp0 (expected->facts[i].value, EXPIRATION_DATE) == 0)
        g_assert_cmpstr (value, ==, expiration_date);
      else
        g_assert_cmpstr (value, ==, expected->facts[i].value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (expected->details) && expected->details[i] != NULL; i++)
    assert_detail_contains (observation, g_strcmp0 (expected->details[i], EXPIRATION_DATE) == 0
                                         ? expiration_date : expected->details[i]);

  for (guint i = 0; i < G_N_ELEMENTS (expected->hits) && expected->hits[i].key != NULL; i++)
    g_assert_cmpuint (mfd_test_web_hits (&f->web, expected->hits[i].key), ==, expected->hits[i].count);

  if (expected->nothing_asked)
    g_assert_cmpuint (g_hash_table_size (f->web.hits), ==, 0);
}

/* Public DNS ------------------------------------------------------------------- */

typedef enum
{
  LOCAL_NONE,
  LOCAL_RESOLVED,       /* the local DNS step found local_value (answers) */
  LOCAL_FAILED,         /* the local DNS step failed with local_value (a cause) */
} LocalView;

typedef struct
{
  const char *path;
  const char *name;           /* served, and the local view's host */
  const char *asked;          /* NULL: name */
  LocalView   local;
  const char *local_value;
  int         a_status;       /* DNS RCODE */
  const char *a_answers;
  int         aaaa_status;
  const char *aaaa_answers;
  Expected    expected;
  const char *ja_contains;    /* the detail in Japanese */
  const char *ja_lacks;
} DohCase;

static const DohCase doh_cases[] = {
  { .path = "/web/doh/split-horizon-nxdomain",
    .name = "mail.contoso.com", .local = LOCAL_RESOLVED, .local_value = "10.1.2.25",
    .a_status = 3, .aaaa_status = 3,
    .expected = { .outcome = MFD_OUTCOME_FAIL, .cause = "dns-split-horizon",
                  .facts = { { "public-view", "nxdomain" }, { "status", "NXDOMAIN" },
                             { "local-answers", "10.1.2.25" }, { "resolver", "127.0.0.1" } },
                  .details = { "10.1.2.25", "NXDOMAIN" },
                  .hits = { { "/resolve?mail.contoso.com&A", 1 }, { "/resolve?mail.contoso.com&AAAA", 1 } } },
    /* The same finding reads in Japanese. */
    .ja_contains = "mail.contoso.com", .ja_lacks = "does not exist" },
  { .path = "/web/doh/split-horizon-no-address",
    .name = "smtp.fabrikam.com", .local = LOCAL_RESOLVED, .local_value = "192.168.10.5, 192.168.10.6",
    .a_status = 0, .aaaa_status = 0,
    .expected = { .outcome = MFD_OUTCOME_FAIL, .cause = "dns-split-horizon",
                  .facts = { { "public-view", "no-address" }, { "local-answers", "192.168.10.5 192.168.10.6" } } } },
  /* A second opinion: the DNS step already reports the failure. */
  { .path = "/web/doh/confirms-nxdomain",
    .name = "mail.gone.com", .local = LOCAL_FAILED, .local_value = "dns-nxdomain",
    .a_status = 3, .aaaa_status = 3,
    .expected = { .outcome = MFD_OUTCOME_OK, .facts = { { "public-view", "nxdomain" } }, .details = { "confirms" } } },
  { .path = "/web/doh/confirms-servfail",
    .name = "mail.broken.com", .local = LOCAL_FAILED, .local_value = "dns-servfail",
    .a_status = 2, .aaaa_status = 2,
    .expected = { .outcome = MFD_OUTCOME_OK, .facts = { { "public-view", "servfail" } }, .details = { "SERVFAIL" } } },
  /* The CNAME's TTL does not count, the addresses' lowest does. */
  { .path = "/web/doh/resolves-alike",
    .name = "mail.contoso.com", .local = LOCAL_RESOLVED, .local_value = "203.0.113.25 2001:db8::25",
    .a_status = 0,
    .a_answers = "{\"name\": \"mail.contoso.com.\", \"type\": 5, \"TTL\": 60, \"data\": \"edge.contoso.com.\"},"
                 "{\"name\": \"edge.contoso.com.\", \"type\": 1, \"TTL\": 300, \"data\": \"203.0.113.25\"},"
                 "{\"name\": \"edge.contoso.com.\", \"type\": 1, \"TTL\": 300, \"data\": \"not an address\"}",
    .aaaa_status = 0,
    .aaaa_answers = "{\"name\": \"edge.contoso.com.\", \"type\": 28, \"TTL\": 600, \"data\": \"2001:db8::25\"}",
    .expected = { .outcome = MFD_OUTCOME_OK,
                  .facts = { { "public-view", "resolves" }, { "answers", "203.0.113.25 2001:db8::25" },
                             { "ttl", "300" }, { "status", "NOERROR" } } } },
  { .path = "/web/doh/other-addresses",
    .name = "mail.contoso.com", .local = LOCAL_RESOLVED, .local_value = "10.0.0.25",
    .a_status = 0,
    .a_answers = "{\"name\": \"mail.contoso.com.\", \"type\": 1, \"TTL\": 3600, \"data\": \"198.51.100.7\"}",
    .aaaa_status = 0,
    .expected = { .outcome = MFD_OUTCOME_WARNING, .cause = "dns-split-horizon",
                  .details = { "198.51.100.7", "10.0.0.25" } } },
  { .path = "/web/doh/without-local",
    .name = "mail.gone.com", .asked = "mail.gone.com.", .local = LOCAL_NONE,
    .a_status = 3, .aaaa_status = 3,
    .expected = { .outcome = MFD_OUTCOME_FAIL, .cause = "dns-nxdomain" } },
  { .path = "/web/doh/local-only-fails",
    .name = "mail.contoso.com", .local = LOCAL_FAILED, .local_value = "dns-nxdomain",
    .a_status = 0,
    .a_answers = "{\"name\": \"mail.contoso.com.\", \"type\": 1, \"TTL\": 300, \"data\": \"203.0.113.25\"}",
    .aaaa_status = 0,
    .expected = { .outcome = MFD_OUTCOME_OK, .facts = { { "public-view", "resolves" } },
                  .details = { "this network" } } },
};

static void
test_doh_case (gconstpointer data)
{
  const DohCase *c = data;
  Fixture f = { 0 };
  g_autoptr(MfdWeb) web = NULL;
  g_autoptr(MfdObservation) local = NULL;
  g_autoptr(MfdObservation) observation = NULL;

  fixture_setup (&f, NULL);
  web = fixture_web (&f, ca_path, TEST_TIMEOUT_MS);
  if (c->local == LOCAL_RESOLVED)
    local = local_resolved (c->name, c->local_value);
  else if (c->local == LOCAL_FAILED)
    local = local_failed (c->name, c->local_value);

  serve_doh (&f, c->name, "A", c->a_status, c->a_answers);
  serve_doh (&f, c->name, "AAAA", c->aaaa_status, c->aaaa_answers);

  observation = check_public_dns (&f, web, c->asked != NULL ? c->asked : c->name, local);
  assert_expected (&f, observation, &c->expected, NULL);

  if (c->ja_contains != NULL || c->ja_lacks != NULL)
    {
      g_autofree char *ja = mfd_observation_dup_detail (observation, "ja");

      g_assert_true (g_utf8_validate (ja, -1, NULL));
      if (c->ja_contains != NULL)
        g_assert_nonnull (strstr (ja, c->ja_contains));
      if (c->ja_lacks != NULL)
        g_assert_null (strstr (ja, c->ja_lacks));
    }

  g_clear_object (&web);
  fixture_teardown (&f, NULL);
}

static void
test_doh_ip_literal_and_offline (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(MfdWeb) web = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdObservation) literal = NULL;
  g_autoptr(MfdObservation) offline = NULL;
  g_autoptr(MfdObservation) registration = NULL;

  literal = check_public_dns (f, web, "203.0.113.25", NULL);
  g_assert_cmpint (literal->outcome, ==, MFD_OUTCOME_SKIPPED);

  mfd_web_set_offline (web, TRUE);
  g_assert_true (mfd_web_get_offline (web));
  offline = check_public_dns (f, web, "mail.contoso.com", NULL);
  g_assert_cmpint (offline->outcome, ==, MFD_OUTCOME_SKIPPED);
  assert_detail_contains (offline, "offline");
  registration = check_registration (f, web, "mail.contoso.com");
  g_assert_cmpint (registration->outcome, ==, MFD_OUTCOME_SKIPPED);
  g_assert_cmpuint (g_hash_table_size (f->web.hits), ==, 0);
}

/* RDAP -------------------------------------------------------------------------- */

static void
serve_bootstrap (Fixture *f)
{
  g_autofree char *body = NULL;

  /* The IANA file's shape; "co.jp" shows the longest match. */
  body = g_strdup_printf ("{\"description\": \"RDAP bootstrap file for Domain Name System registrations\","
                          " \"publication\": \"2026-01-01T00:00:00Z\", \"version\": \"1.0\","
                          " \"services\": ["
                          "  [[\"com\", \"net\"], [\"http://insecure.invalid/\", \"%s/rdap/com/\"]],"
                          "  [[\"jp\"], [\"%s/rdap/jp\"]],"
                          "  [[\"co.jp\"], [\"%s/rdap/cojp/\"]],"
                          "  [[], []], \"junk\", [[\"bad\"]]"
                          " ]}", f->web.base, f->web.base, f->web.base);
  serve_json (f, "/rdap/dns.json", body);
}

static void
serve_domain (Fixture    *f,
              const char *path,
              const char *domain,
              const char *statuses,
              GTimeSpan   expires_in)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = g_date_time_add (now, expires_in);
  g_autoptr(GDateTime) changed = g_date_time_add_days (now, -40);
  g_autofree char *expiration_text = g_date_time_format (expiration, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *changed_text = g_date_time_format (changed, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"objectClassName\": \"domain\", \"handle\": \"123_DOMAIN_COM-VRSN\","
                          " \"ldhName\": \"%s\", \"status\": [%s],"
                          " \"events\": [{\"eventAction\": \"registration\", \"eventDate\": \"2001-02-03T04:05:06Z\"},"
                          "  {\"eventAction\": \"expiration\", \"eventDate\": \"%s\"},"
                          "  {\"eventAction\": \"last changed\", \"eventDate\": \"%s\"}],"
                          " \"rdapConformance\": [\"rdap_level_0\"]}",
                          domain, statuses, expiration_text, changed_text);
  mfd_test_web_serve (&f->web, path, 200, "application/rdap+json", body);
}

/* Which bootstrap file a row's server gives out. */
typedef enum
{
  BOOTSTRAP_IANA,       /* serve_bootstrap(): .com/.net, .jp, .co.jp */
  BOOTSTRAP_NEW_TLD,    /* a TLD the public suffix list does not know */
} Bootstrap;

typedef struct
{
  const char *path;
  const char *ldh_name;
  const char *statuses;
  GTimeSpan   expires_in;
} RdapDomain;

typedef struct
{
  const char *host;
  Expected    expected;
} RdapLookup;

typedef struct
{
  const char *path;
  Bootstrap   bootstrap;
  RdapDomain  domains[2];
  const char *contoso_body;   /* served as contoso.com's answer as it is */
  RdapLookup  lookups[5];     /* asked in order, against one MfdWeb */
} RdapCase;

static const RdapCase rdap_cases[] = {
  /* HTTPS is preferred over the plain URL listed first. */
  { .path = "/web/rdap/expired-on-hold",
    .domains = { { "/rdap/com/domain/contoso.com", "CONTOSO.COM",
                   "\"client hold\", \"client transfer prohibited\"", -3 * G_TIME_SPAN_DAY } },
    .lookups = { { "mail.contoso.com",
                   { .outcome = MFD_OUTCOME_FAIL, .cause = "dns-domain-expired",
                     .facts = { { "registered-domain", "contoso.com" }, { "expiration", EXPIRATION_DATE },
                                { "rdap-status", "client hold, client transfer prohibited" },
                                { "last-changed", ANY_VALUE } },
                     .details = { EXPIRATION_DATE, "client hold" },
                     .hits = { { "/rdap/com/domain/contoso.com", 1 } } } } } },
  { .path = "/web/rdap/held-not-expired",
    .domains = { { "/rdap/com/domain/contoso.com", "contoso.com", "\"serverHold\"", 200 * G_TIME_SPAN_DAY } },
    .lookups = { { "contoso.com",
                   { .outcome = MFD_OUTCOME_FAIL, .cause = "dns-domain-expired", .details = { "serverHold" } } } } },
  { .path = "/web/rdap/inactive",
    .domains = { { "/rdap/com/domain/contoso.com", "contoso.com", "\"inactive\"", 200 * G_TIME_SPAN_DAY } },
    .lookups = { { "contoso.com",
                   { .outcome = MFD_OUTCOME_FAIL, .cause = "dns-domain-expired", .details = { "name servers" } } } } },
  /* A TLD the public suffix list does not know (new gTLDs appear every
   * year): the bootstrap file lists it, so the registered domain is its
   * longest listed suffix plus one label. A TLD for private use has no
   * registry: nothing is asked. */
  { .path = "/web/rdap/unknown-tld",
    .bootstrap = BOOTSTRAP_NEW_TLD,
    .domains = { { "/rdap/zzmfd/domain/contoso.zzmfd", "contoso.zzmfd", "\"active\"", 400 * G_TIME_SPAN_DAY },
                 { "/rdap/shop/domain/fabrikam.shop.zzmfd", "fabrikam.shop.zzmfd", "\"client hold\"",
                   -2 * G_TIME_SPAN_DAY } },
    .lookups = { { "mail.contoso.test",
                   { .outcome = MFD_OUTCOME_SKIPPED, .details = { "not a name under a registered domain" },
                     .nothing_asked = TRUE } },
                 { "MX1.mail.Contoso.zzmfd.",
                   { .outcome = MFD_OUTCOME_OK, .facts = { { "registered-domain", "contoso.zzmfd" } },
                     .hits = { { "/rdap/zzmfd/domain/contoso.zzmfd", 1 } } } },
                 { "mail.fabrikam.shop.zzmfd",
                   { .outcome = MFD_OUTCOME_FAIL, .cause = "dns-domain-expired",
                     .facts = { { "registered-domain", "fabrikam.shop.zzmfd" } } } },
                 { "shop.zzmfd",
                   { .outcome = MFD_OUTCOME_SKIPPED, .details = { "not a name under a registered domain" } } },
                 { "mail.contoso.zzother",
                   { .outcome = MFD_OUTCOME_SKIPPED, .details = { "not a name under a registered domain" },
                     .hits = { { "/rdap/dns.json", 1 } } } } } },
  { .path = "/web/rdap/expiring-soon",
    .domains = { { "/rdap/com/domain/contoso.com", "contoso.com", "\"active\"",
                   10 * G_TIME_SPAN_DAY + G_TIME_SPAN_HOUR } },
    .lookups = { { "mail.contoso.com",
                   { .outcome = MFD_OUTCOME_WARNING, .cause = "dns-domain-expired",
                     .facts = { { "days-left", "10" } }, .details = { "days left: 10" } } } } },
  /* The bootstrap file is asked once per session. */
  { .path = "/web/rdap/registered",
    .domains = { { "/rdap/com/domain/contoso.com", "contoso.com", "\"active\"", 400 * G_TIME_SPAN_DAY } },
    .lookups = { { "mail.contoso.com",
                   { .outcome = MFD_OUTCOME_OK, .facts = { { "rdap-server", "127.0.0.1" } } } },
                 { "mail2.contoso.com",
                   { .outcome = MFD_OUTCOME_OK,
                     .hits = { { "/rdap/dns.json", 1 }, { "/rdap/com/domain/contoso.com", 2 } } } } } },
  /* The longest suffix wins; a base URL without its closing slash (.jp)
   * still works. */
  { .path = "/web/rdap/longest-match",
    .domains = { { "/rdap/cojp/domain/contoso.co.jp", "contoso.co.jp", "\"active\"", 400 * G_TIME_SPAN_DAY },
                 { "/rdap/jp/domain/fabrikam.jp", "fabrikam.jp", "\"active\"", 400 * G_TIME_SPAN_DAY } },
    .lookups = { { "mx01.mail.contoso.co.jp",
                   { .outcome = MFD_OUTCOME_OK, .facts = { { "registered-domain", "contoso.co.jp" } },
                     .hits = { { "/rdap/cojp/domain/contoso.co.jp", 1 } } } },
                 { "mail.fabrikam.jp",
                   { .outcome = MFD_OUTCOME_OK, .hits = { { "/rdap/jp/domain/fabrikam.jp", 1 } } } } } },
  { .path = "/web/rdap/no-service",
    .lookups = { { "mail.contoso.de", { .outcome = MFD_OUTCOME_SKIPPED, .details = { "“.de”", "RDAP" } } },
                 { "203.0.113.25", { .outcome = MFD_OUTCOME_SKIPPED, .details = { "IP address" } } } } },
  { .path = "/web/rdap/not-registered",
    .lookups = { { "mail.lapsed.com",
                   { .outcome = MFD_OUTCOME_FAIL, .cause = "dns-domain-expired",
                     .facts = { { "rdap-status", "not found" } }, .details = { "not registered" },
                     .hits = { { "/rdap/com/domain/lapsed.com", 1 } } } } } },
  { .path = "/web/rdap/not-a-domain-object",
    .contoso_body = "{\"errorCode\": 400, \"title\": \"Bad request\"}",
    .lookups = { { "contoso.com",
                   { .outcome = MFD_OUTCOME_INCONCLUSIVE, .facts = { { "error", "malformed" } } } } } },
};

static void
serve_new_tld_bootstrap (Fixture *f)
{
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"description\": \"RDAP bootstrap file for Domain Name System registrations\","
                          " \"publication\": \"2026-01-01T00:00:00Z\", \"version\": \"1.0\","
                          " \"services\": ["
                          "  [[\"zzmfd\"], [\"%s/rdap/zzmfd/\"]],"
                          "  [[\"shop.zzmfd\"], [\"%s/rdap/shop/\"]]"
                          " ]}", f->web.base, f->web.base);
  serve_json (f, "/rdap/dns.json", body);
}

static void
test_rdap_case (gconstpointer data)
{
  const RdapCase *c = data;
  Fixture f = { 0 };
  g_autoptr(MfdWeb) web = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = g_date_time_add (now, c->domains[0].expires_in);
  g_autofree char *expiration_date = g_date_time_format (expiration, "%Y-%m-%d");

  fixture_setup (&f, NULL);
  web = fixture_web (&f, ca_path, TEST_TIMEOUT_MS);

  if (c->bootstrap == BOOTSTRAP_NEW_TLD)
    serve_new_tld_bootstrap (&f);
  else
    serve_bootstrap (&f);
  for (guint i = 0; i < G_N_ELEMENTS (c->domains) && c->domains[i].path != NULL; i++)
    serve_domain (&f, c->domains[i].path, c->domains[i].ldh_name, c->domains[i].statuses, c->domains[i].expires_in);
  if (c->contoso_body != NULL)
    mfd_test_web_serve (&f.web, "/rdap/com/domain/contoso.com", 200, "application/rdap+json", c->contoso_body);

  for (guint i = 0; i < G_N_ELEMENTS (c->lookups) && c->lookups[i].host != NULL; i++)
    {
      g_autoptr(MfdObservation) observation = check_registration (&f, web, c->lookups[i].host);

      assert_expected (&f, observation, &c->lookups[i].expected, expiration_date);
    }

  g_clear_object (&web);
  fixture_teardown (&f, NULL);
}

/* Back-dates the time stamp @member of the cache file @name by @age, as if
 * the copy had been fetched or checked that long ago. */
static void
age_cache_file (Fixture    *f,
                const char *name,
                const char *member,
                GTimeSpan   age)
{
  g_autofree char *path = g_build_filename (f->cache_dir, name, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) old = g_date_time_add (now, -age);
  g_autofree char *old_text = g_date_time_format_iso8601 (old);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (json_parser_get_root (parser)), member, old_text);
  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
}

static void
test_rdap_bootstrap_disk_cache (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(MfdWeb) first = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdWeb) second = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdWeb) third = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdWeb) other = NULL;
  g_autoptr(MfdObservation) o1 = NULL;
  g_autoptr(MfdObservation) o2 = NULL;
  g_autoptr(MfdObservation) o3 = NULL;
  g_autoptr(MfdObservation) o4 = NULL;
  g_autofree char *path = g_build_filename (f->cache_dir, "rdap-dns.json", NULL);
  g_autofree char *other_bootstrap = g_strconcat (f->web.base, "/other/dns.json", NULL);
  g_autofree char *doh = g_strconcat (f->web.base, "/resolve", NULL);

  serve_bootstrap (f);
  serve_domain (f, "/rdap/com/domain/contoso.com", "contoso.com", "\"active\"", 400 * G_TIME_SPAN_DAY);

  o1 = check_registration (f, first, "mail.contoso.com");
  g_assert_cmpint (o1->outcome, ==, MFD_OUTCOME_OK);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* A new session uses the fresh copy on disk without asking. */
  mfd_test_web_serve (&f->web, "/rdap/dns.json", 500, "text/html", "<h1>down</h1>");
  o2 = check_registration (f, second, "mail.contoso.com");
  g_assert_cmpint (o2->outcome, ==, MFD_OUTCOME_OK);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/rdap/dns.json"), ==, 1);

  /* An old copy is refreshed, and still serves when that fails. */
  age_cache_file (f, "rdap-dns.json", "fetched", 2 * G_TIME_SPAN_DAY);
  o3 = check_registration (f, third, "mail.contoso.com");
  g_assert_cmpint (o3->outcome, ==, MFD_OUTCOME_OK);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/rdap/dns.json"), ==, 2);

  /* A copy made from another bootstrap URL is not used. */
  other = mfd_web_new (doh, other_bootstrap, f->web.base, ca_path, TEST_TIMEOUT_MS);
  mfd_web_set_cache_dir (other, f->cache_dir);
  o4 = check_registration (f, other, "mail.contoso.com");
  g_assert_cmpint (o4->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/other/dns.json"), ==, 1);
}

/* 300,000 "[" behind a comment that holds a quote: json-glib skips the
 * comment and recurses into the brackets, so the pre-scan must not take
 * the quote for the start of a string. Served as an RDAP answer, and left
 * in both cache files, the process must survive and say the answer or the
 * copy was unusable. */
static char *
hidden_nesting (void)
{
  GString *text = g_string_new ("/* \" */");

  for (guint i = 0; i < 300000; i++)
    g_string_append_c (text, '[');
  return g_string_free (text, FALSE);
}

static void
test_hidden_nesting (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MfdWeb) web = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdObservation) observation = NULL;
  g_autoptr(MfdEopRanges) ranges = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hostile = hidden_nesting ();
  g_autofree char *rdap_cache = g_build_filename (f->cache_dir, "rdap-dns.json", NULL);
  g_autofree char *eop_cache = g_build_filename (f->cache_dir, "eop-ranges.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (f->cache_dir, 0700), ==, 0);
  g_file_set_contents (rdap_cache, hostile, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (eop_cache, hostile, -1, &error);
  g_assert_no_error (error);

  /* The bootstrap copy is unusable: downloaded again. The domain's answer
   * is the hostile text. */
  serve_bootstrap (f);
  mfd_test_web_serve (&f->web, "/rdap/com/domain/contoso.com", 200, "application/rdap+json", hostile);
  observation = check_registration (f, web, "mail.contoso.com");
  g_assert_cmpint (observation->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/rdap/dns.json"), ==, 1);

  /* The EOP copy is no copy. */
  ranges = get_eop_ranges (f, web, TRUE, &error);
  g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_OFFLINE);
  g_assert_null (ranges);
}

static void
test_domain_from_bootstrap (void)
{
  static const struct { const char *host; const char *domain; } cases[] = {
    { "mail.contoso.zzmfd", "contoso.zzmfd" },
    { "a.b.contoso.zzmfd.", "contoso.zzmfd" },
    { "contoso.zzmfd", "contoso.zzmfd" },
    { "x.contoso.shop.zzmfd", "contoso.shop.zzmfd" },
    { "shop.zzmfd", NULL },
    { "zzmfd", NULL },
    { "mail.contoso.zzother", NULL },
  };
  g_autoptr(GHashTable) services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (services, g_strdup ("zzmfd"), g_strdup ("https://rdap.zzmfd.invalid/"));
  g_hash_table_insert (services, g_strdup ("shop.zzmfd"), g_strdup ("https://rdap.shop.invalid/"));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *domain = mfd_web_rdap_domain_from_bootstrap (services, cases[i].host);

      g_assert_cmpstr (domain, ==, cases[i].domain);
    }
}

static void
test_registered_domain (void)
{
  static const struct { const char *host; const char *domain; } cases[] = {
    { "mail.contoso.com", "contoso.com" },
    { "MAIL.Contoso.COM.", "contoso.com" },
    { "contoso.com", "contoso.com" },
    { "mx01.mail.contoso.co.jp", "contoso.co.jp" },
    { "smtp.fabrikam.ne.jp", "fabrikam.ne.jp" },
    { "relay.example.co.uk", "example.co.uk" },
    { "a.b.c.tailspin.com.au", "tailspin.com.au" },
    { "203.0.113.25", NULL },
    { "co.jp", NULL },
    { "com", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *domain = mfd_web_rdap_registered_domain (cases[i].host, &error);

      g_assert_cmpstr (domain, ==, cases[i].domain);
      if (cases[i].domain == NULL)
        g_assert_nonnull (error);
    }
}

/* EOP ranges ---------------------------------------------------------------------- */

static void
serve_endpoints (Fixture    *f,
                 const char *version,
                 const char *mail_ips)
{
  g_autofree char *version_body = NULL;
  g_autofree char *endpoints_body = NULL;

  version_body = g_strdup_printf ("{\"instance\": \"Worldwide\", \"latest\": \"%s\"}", version);
  serve_json (f, "/version/Worldwide", version_body);

  endpoints_body = g_strdup_printf (
    "[{\"id\": 1, \"serviceArea\": \"Exchange\", \"serviceAreaDisplayName\": \"Exchange Online\","
    "  \"urls\": [\"outlook.cloud.microsoft\", \"outlook.office.com\"],"
    "  \"ips\": [\"13.107.6.152/31\"], \"tcpPorts\": \"80,443\", \"expressRoute\": true,"
    "  \"category\": \"Optimize\", \"required\": true},"
    " {\"id\": 9, \"serviceArea\": \"Exchange\", \"serviceAreaDisplayName\": \"Exchange Online\","
    "  \"urls\": [\"*.mail.protection.outlook.com\"], \"ips\": [%s], \"tcpPorts\": \"25\","
    "  \"expressRoute\": false, \"category\": \"Allow\", \"required\": true},"
    " {\"id\": 10, \"serviceArea\": \"Exchange\", \"urls\": [\"*.mail.protection.outlook.com\"],"
    "  \"ips\": [\"192.0.2.0/24\"], \"tcpPorts\": \"443\", \"category\": \"Allow\", \"required\": false},"
    " {\"id\": 11, \"serviceArea\": \"Exchange\", \"urls\": [\"*.protection.outlook.com\"],"
    "  \"ips\": [\"198.51.100.0/24\"], \"tcpPorts\": \"25,443\", \"category\": \"Allow\", \"required\": true},"
    " \"junk\", {\"id\": 12}]",
    mail_ips);
  serve_json (f, "/endpoints/Worldwide", endpoints_body);
}

static void
assert_ranges (MfdEopRanges *ranges,
               const char   *expected)
{
  g_autofree char *joined = g_strjoinv (" ", ranges->ranges);

  g_assert_cmpstr (joined, ==, expected);
}

static void
test_eop_ranges_cache (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MfdWeb) web = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdWeb) later = NULL;
  g_autoptr(MfdEopRanges) first = NULL;
  g_autoptr(MfdEopRanges) again = NULL;
  g_autoptr(MfdEopRanges) offline = NULL;
  g_autoptr(MfdEopRanges) same = NULL;
  g_autoptr(MfdEopRanges) changed = NULL;
  g_autoptr(MfdEopRanges) failing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->cache_dir, "eop-ranges.json", NULL);

  serve_endpoints (f, "2026010100",
                   "\"40.92.0.0/15\", \"40.107.0.0/16\", \"not-a-range\", \"40.92.0.0/15\", \"2a01:111:f400::/48\"");

  first = get_eop_ranges (f, web, FALSE, &error);
  g_assert_no_error (error);
  assert_ranges (first, "40.92.0.0/15 40.107.0.0/16 2a01:111:f400::/48");
  g_assert_cmpstr (first->version, ==, "2026010100");
  g_assert_false (first->from_cache);
  g_assert_false (first->stale);
  g_assert_nonnull (first->fetched);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/version/Worldwide"), ==, 1);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 1);

  /* Within the hour the service is not asked again. */
  again = get_eop_ranges (f, web, FALSE, &error);
  g_assert_no_error (error);
  assert_ranges (again, "40.92.0.0/15 40.107.0.0/16 2a01:111:f400::/48");
  g_assert_true (again->from_cache);
  g_assert_false (again->stale);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/version/Worldwide"), ==, 1);

  /* Offline: the copy, with its date. */
  offline = get_eop_ranges (f, web, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (offline->from_cache);
  g_assert_true (offline->stale);
  g_assert_cmpstr (offline->version, ==, "2026010100");
  g_assert_true (g_date_time_equal (offline->fetched, first->fetched));
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/version/Worldwide"), ==, 1);

  /* An hour later, same version: asked, not downloaded. A new session
   * reads the copy from disk. */
  age_cache_file (f, "eop-ranges.json", "checked", 2 * G_TIME_SPAN_HOUR);
  later = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  same = get_eop_ranges (f, later, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (same->from_cache);
  g_assert_false (same->stale);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/version/Worldwide"), ==, 2);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 1);

  /* A new version: downloaded again. */
  age_cache_file (f, "eop-ranges.json", "checked", 2 * G_TIME_SPAN_HOUR);
  serve_endpoints (f, "2026020200", "\"52.100.0.0/14\"");
  changed = get_eop_ranges (f, later, FALSE, &error);
  g_assert_no_error (error);
  assert_ranges (changed, "52.100.0.0/14");
  g_assert_cmpstr (changed->version, ==, "2026020200");
  g_assert_false (changed->from_cache);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 2);

  /* The service fails: the last copy, marked stale. */
  age_cache_file (f, "eop-ranges.json", "checked", 2 * G_TIME_SPAN_HOUR);
  mfd_test_web_serve (&f->web, "/version/Worldwide", 500, "text/html", "<h1>Internal Server Error</h1>");
  failing = get_eop_ranges (f, later, FALSE, &error);
  g_assert_no_error (error);
  assert_ranges (failing, "52.100.0.0/14");
  g_assert_true (failing->from_cache);
  g_assert_true (failing->stale);
}

/* The copy on disk belongs to the service it came from: a run against
 * another --endpoints-url (a test server, a mirror) neither uses the
 * default service's copy nor leaves its own ranges behind for the default
 * to show, online within the hour or offline. */
static void
test_eop_ranges_cache_source (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(MfdWeb) web = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdWeb) other_web = NULL;
  g_autoptr(MfdEopRanges) first = NULL;
  g_autoptr(MfdEopRanges) other = NULL;
  g_autoptr(MfdEopRanges) offline = NULL;
  g_autoptr(MfdEopRanges) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *doh = g_strconcat (f->web.base, "/resolve", NULL);
  g_autofree char *bootstrap = g_strconcat (f->web.base, "/rdap/dns.json", NULL);
  g_autofree char *other_base = g_strconcat (f->web.base, "/other", NULL);

  serve_endpoints (f, "2026010100", "\"40.92.0.0/15\"");
  serve_json (f, "/other/version/Worldwide", "{\"instance\": \"Worldwide\", \"latest\": \"2026010100\"}");
  serve_json (f, "/other/endpoints/Worldwide",
              "[{\"id\": 9, \"urls\": [\"*.mail.protection.outlook.com\"], \"tcpPorts\": \"25\","
              "  \"ips\": [\"203.0.113.0/24\"]}]");

  first = get_eop_ranges (f, web, FALSE, &error);
  g_assert_no_error (error);
  assert_ranges (first, "40.92.0.0/15");

  /* Another service within the hour: asked, not answered from the copy. */
  other_web = mfd_web_new (doh, bootstrap, other_base, ca_path, TEST_TIMEOUT_MS);
  mfd_web_set_cache_dir (other_web, f->cache_dir);
  other = get_eop_ranges (f, other_web, FALSE, &error);
  g_assert_no_error (error);
  assert_ranges (other, "203.0.113.0/24");
  g_assert_false (other->from_cache);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/other/version/Worldwide"), ==, 1);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/other/endpoints/Worldwide"), ==, 1);

  /* Back on the default service: the other copy is not shown, offline… */
  offline = get_eop_ranges (f, web, TRUE, &error);
  g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_OFFLINE);
  g_assert_null (offline);
  g_clear_error (&error);

  /* …nor online, where the default service is asked again. */
  back = get_eop_ranges (f, web, FALSE, &error);
  g_assert_no_error (error);
  assert_ranges (back, "40.92.0.0/15");
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/version/Worldwide"), ==, 2);
}

static void
test_eop_ranges_no_cache (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(MfdWeb) web = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdEopRanges) ranges = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->cache_dir, "eop-ranges.json", NULL);

  ranges = get_eop_ranges (f, web, TRUE, &error);
  g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_OFFLINE);
  g_assert_null (ranges);
  g_assert_cmpuint (g_hash_table_size (f->web.hits), ==, 0);
  g_clear_error (&error);

  mfd_test_web_serve (&f->web, "/version/Worldwide", 429, "application/json", "{}");
  ranges = get_eop_ranges (f, web, FALSE, &error);
  g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "429"));
  g_assert_null (ranges);
  g_clear_error (&error);

  /* A service that lists no TCP 25 entry teaches nothing and is not cached. */
  serve_json (f, "/version/Worldwide", "{\"instance\": \"Worldwide\", \"latest\": \"1\"}");
  serve_json (f, "/endpoints/Worldwide", "[{\"id\": 1, \"urls\": [\"x.example\"], \"tcpPorts\": \"25\", \"ips\": [\"192.0.2.0/24\"]}]");
  ranges = get_eop_ranges (f, web, FALSE, &error);
  g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_MALFORMED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A damaged cache file counts as none. */
  g_mkdir_with_parents (f->cache_dir, 0700);
  g_file_set_contents (path, "{\"schema\": \"mail-flow-doctor/eop-ranges/1\", \"ranges\": [", -1, NULL);
  ranges = get_eop_ranges (f, web, TRUE, &error);
  g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_OFFLINE);
}

/* Everything that can go wrong ------------------------------------------------------ */

typedef enum
{
  BREAK_429,
  BREAK_500,
  BREAK_TRUNCATED,
  BREAK_CONTENT_TYPE,
  BREAK_SLOW,
  BREAK_STALL,
  BREAK_HUGE,
  BREAK_HUGE_CHUNKED,
  BREAK_DEEP,
  BREAK_WIDE,
  BREAK_BINARY,
  BREAK_UNTRUSTED,
  BREAK_BAD_CA_FILE,
  BREAK_UNREACHABLE,
} Breakage;

typedef struct
{
  const char *name;
  Breakage    breakage;
  const char *error;    /* the "error" fact */
  const char *detail;   /* part of the English detail */
} BreakCase;

static const BreakCase break_cases[] = {
  { "429", BREAK_429, "http", "HTTP 429" },
  { "500", BREAK_500, "http", "HTTP status 500" },
  { "truncated", BREAK_TRUNCATED, "malformed", "not valid JSON" },
  { "content-type", BREAK_CONTENT_TYPE, "content-type", "text/html" },
  { "slow", BREAK_SLOW, "timeout", "did not answer within the timeout of 0.4 s" },
  { "stalled-body", BREAK_STALL, "timeout", "did not answer within the timeout of 0.4 s" },
  { "huge", BREAK_HUGE, "too-large", "KiB" },
  { "huge-chunked", BREAK_HUGE_CHUNKED, "too-large", "KiB" },
  { "deep", BREAK_DEEP, "malformed", "nested too deeply" },
  { "wide", BREAK_WIDE, "malformed", "too many values" },
  { "binary", BREAK_BINARY, "malformed", "not valid JSON" },
  { "untrusted", BREAK_UNTRUSTED, "tls", "CA certificate" },
  { "bad-ca-file", BREAK_BAD_CA_FILE, "ca-file", "could not be loaded" },
  { "unreachable", BREAK_UNREACHABLE, "network", "could not be reached" },
};

static void
break_route (Fixture     *f,
             const char  *key,
             Breakage     breakage)
{
  MfdTestRoute *route = g_new0 (MfdTestRoute, 1);
  GString *body = g_string_new (NULL);

  route->status = 200;
  route->content_type = g_strdup ("application/json");

  switch (breakage)
    {
    case BREAK_429:
      route->status = 429;
      g_string_append (body, "{\"error\": \"slow down\"}");
      break;
    case BREAK_500:
      route->status = 500;
      route->content_type = (g_free (route->content_type), g_strdup ("text/html"));
      g_string_append (body, "<h1>oops</h1>");
      break;
    case BREAK_TRUNCATED:
      g_string_append (body, "{\"Status\": 0, \"services\": [[[\"com\"], [\"https://rd");
      break;
    case BREAK_CONTENT_TYPE:
      route->content_type = (g_free (route->content_type), g_strdup ("text/html"));
      g_string_append (body, "<html><body>Sign in to the proxy</body></html>");
      break;
    case BREAK_SLOW:
      route->hang = TRUE;
      break;
    case BREAK_STALL:
      route->chunked = TRUE;
      route->stall = TRUE;
      g_string_append (body, "{\"Status\": 0, \"services\": [");
      break;
    case BREAK_HUGE:
    case BREAK_HUGE_CHUNKED:
      route->chunked = breakage == BREAK_HUGE_CHUNKED;
      g_string_append (body, "{\"Status\": 0, \"pad\": \"");
      for (guint i = 0; i < 5 * 1024; i++)
        g_string_append (body, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
      g_string_append (body, "\"}");
      break;
    case BREAK_DEEP:
      for (guint i = 0; i < 10000; i++)
        g_string_append_c (body, '[');
      break;
    case BREAK_WIDE:
      /* Small enough for every cap, but a node per value. */
      g_string_append_c (body, '[');
      for (guint i = 0; i < 30000; i++)
        g_string_append (body, "0,");
      g_string_append (body, "0]");
      break;
    case BREAK_BINARY:
      g_string_append_len (body, "{\"Status\": 0\0\xff\xfe\x01 }", 18);
      break;
    case BREAK_UNTRUSTED:
    case BREAK_BAD_CA_FILE:
    case BREAK_UNREACHABLE:
      g_string_append (body, "{\"Status\": 0}");
      break;
    default:
      g_assert_not_reached ();
    }

  route->body = g_string_free_to_bytes (body);
  mfd_test_web_route (&f->web, key, route);
}

static MfdWeb *
break_web (Fixture         *f,
           const BreakCase *c)
{
  g_autofree char *missing = g_build_filename (test_dir, "no-such-ca.pem", NULL);

  switch (c->breakage)
    {
    case BREAK_UNTRUSTED:
      /* The system's trust store alone does not know the test CA. */
      return fixture_web (f, NULL, TEST_TIMEOUT_MS);
    case BREAK_BAD_CA_FILE:
      return fixture_web (f, missing, TEST_TIMEOUT_MS);
    case BREAK_SLOW:
    case BREAK_STALL:
      return fixture_web (f, ca_path, 400);
    case BREAK_UNREACHABLE:
      {
        /* A port that was free a moment ago and has nobody listening. */
        g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                  G_SOCKET_PROTOCOL_TCP, NULL);
        g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
        g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
        g_autoptr(GSocketAddress) bound = NULL;
        g_autofree char *base = NULL;
        g_autofree char *doh = NULL;
        g_autofree char *bootstrap = NULL;
        MfdWeb *web;

        g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
        bound = g_socket_get_local_address (socket, NULL);
        base = g_strdup_printf ("https://127.0.0.1:%u",
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
        g_socket_close (socket, NULL);
        doh = g_strconcat (base, "/resolve", NULL);
        bootstrap = g_strconcat (base, "/rdap/dns.json", NULL);
        web = mfd_web_new (doh, bootstrap, base, ca_path, TEST_TIMEOUT_MS);
        mfd_web_set_cache_dir (web, f->cache_dir);
        return web;
      }
    case BREAK_429:
    case BREAK_500:
    case BREAK_TRUNCATED:
    case BREAK_CONTENT_TYPE:
    case BREAK_HUGE:
    case BREAK_HUGE_CHUNKED:
    case BREAK_DEEP:
    case BREAK_WIDE:
    case BREAK_BINARY:
    default:
      return fixture_web (f, ca_path, TEST_TIMEOUT_MS);
    }
}

static void
assert_broken (MfdObservation  *observation,
               const BreakCase *c)
{
  g_assert_cmpint (observation->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  g_assert_null (observation->cause);
  g_assert_cmpstr (mfd_observation_get_fact (observation, "error"), ==, c->error);
  assert_detail_contains (observation, "Could not check");
  assert_detail_contains (observation, c->detail);
}

static void
test_broken_doh (Fixture       *f,
                 gconstpointer  data)
{
  const BreakCase *c = data;
  g_autoptr(MfdWeb) web = break_web (f, c);
  g_autoptr(MfdObservation) local = local_resolved ("mail.contoso.com", "10.0.0.25");
  g_autoptr(MfdObservation) observation = NULL;
  gint64 started = g_get_monotonic_time ();

  break_route (f, "/resolve?mail.contoso.com&A", c->breakage);
  break_route (f, "/resolve?mail.contoso.com&AAAA", c->breakage);

  observation = check_public_dns (f, web, "mail.contoso.com", local);
  assert_broken (observation, c);
  /* Never longer than the timeout (with room for a loaded machine). */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_TIME_SPAN_SECOND);
}

static void
test_broken_rdap (Fixture       *f,
                  gconstpointer  data)
{
  const BreakCase *c = data;
  g_autoptr(MfdWeb) web = break_web (f, c);
  g_autoptr(MfdObservation) observation = NULL;

  break_route (f, "/rdap/dns.json", c->breakage);

  observation = check_registration (f, web, "mail.contoso.com");
  assert_broken (observation, c);
}

static void
test_broken_rdap_domain (Fixture       *f,
                         gconstpointer  data)
{
  const BreakCase *c = data;
  g_autoptr(MfdWeb) web = fixture_web (f, ca_path, (c->breakage == BREAK_SLOW || c->breakage == BREAK_STALL)
                                                 ? 400 : TEST_TIMEOUT_MS);
  g_autoptr(MfdObservation) observation = NULL;

  serve_bootstrap (f);
  break_route (f, "/rdap/com/domain/contoso.com", c->breakage);

  observation = check_registration (f, web, "mail.contoso.com");
  assert_broken (observation, c);
}

static void
test_broken_eop (Fixture       *f,
                 gconstpointer  data)
{
  const BreakCase *c = data;
  g_autoptr(MfdWeb) web = break_web (f, c);
  g_autoptr(MfdEopRanges) ranges = NULL;
  g_autoptr(GError) error = NULL;

  serve_json (f, "/version/Worldwide", "{\"instance\": \"Worldwide\", \"latest\": \"2026010100\"}");
  break_route (f, "/endpoints/Worldwide", c->breakage);

  ranges = get_eop_ranges (f, web, FALSE, &error);
  g_assert_null (ranges);
  g_assert_nonnull (error);
  g_assert_true (error->domain == MFD_WEB_ERROR);
  g_assert_cmpint (error->code, !=, MFD_WEB_ERROR_OFFLINE);
}

/* Giving up on an answer that is too large hangs up at once: the client
 * neither reads the rest nor leaves the server writing into a connection
 * nobody reads (which held the server, and the test, forever). */
static gboolean
on_hang_up_deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_huge_hangs_up (Fixture       *f,
                    gconstpointer  data)
{
  const BreakCase *c = data;
  g_autoptr(MfdWeb) web = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
  g_autoptr(MfdObservation) observation = NULL;
  guint asked;
  gboolean expired = FALSE;
  guint deadline;

  break_route (f, "/resolve?mail.contoso.com&A", c->breakage);
  break_route (f, "/resolve?mail.contoso.com&AAAA", c->breakage);

  observation = check_public_dns (f, web, "mail.contoso.com", NULL);
  assert_broken (observation, c);

  /* @web is still alive: closing it must not be what ends the exchange.
   * The deadline stays below the test server's own socket timeout. */
  asked = mfd_test_web_hits (&f->web, "/resolve?mail.contoso.com&A")
        + mfd_test_web_hits (&f->web, "/resolve?mail.contoso.com&AAAA");
  g_assert_cmpuint (asked, >, 0);
  deadline = g_timeout_add_seconds (4, on_hang_up_deadline_cb, &expired);
  while (f->web.aborted < asked && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);
  g_assert_cmpuint (f->web.aborted, ==, asked);
}

/* A certificate from the trusted CA that is still wrong says why. */
static void
test_tls_reasons (Fixture       *f,
                  gconstpointer  data)
{
  static const struct { const char **pem; const char *detail; } cases[] = {
    { (const char **) &wrong_name_pem, "another name" },
    { (const char **) &expired_pem, "validity" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MfdWeb) web = NULL;
      g_autoptr(MfdObservation) observation = NULL;

      mfd_test_web_restart (&f->web, *cases[i].pem);
      web = fixture_web (f, ca_path, TEST_TIMEOUT_MS);
      serve_doh (f, "mail.contoso.com", "A", 0, NULL);
      serve_doh (f, "mail.contoso.com", "AAAA", 0, NULL);

      observation = check_public_dns (f, web, "mail.contoso.com", NULL);
      g_assert_cmpint (observation->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
      g_assert_cmpstr (mfd_observation_get_fact (observation, "error"), ==, "tls");
      assert_detail_contains (observation, cases[i].detail);
    }
}

/* Cancellation ---------------------------------------------------------------------- */

static gboolean
on_cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(MfdWeb) web = fixture_web (f, ca_path, 60000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdObservation) observation = NULL;
  g_autoptr(MfdEopRanges) ranges = NULL;
  gint64 started = g_get_monotonic_time ();

  break_route (f, "/resolve?mail.contoso.com&A", BREAK_SLOW);
  break_route (f, "/resolve?mail.contoso.com&AAAA", BREAK_SLOW);
  break_route (f, "/version/Worldwide", BREAK_SLOW);

  g_timeout_add (100, on_cancel_cb, cancellable);
  mfd_web_check_public_dns_async (web, "mail.contoso.com", NULL, cancellable, on_done_cb, f);
  wait_for_result (f);
  observation = mfd_web_check_public_dns_finish (web, f->result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (observation);
  g_clear_error (&error);

  g_cancellable_reset (cancellable);
  g_timeout_add (100, on_cancel_cb, cancellable);
  mfd_web_get_eop_ranges_async (web, FALSE, cancellable, on_done_cb, f);
  wait_for_result (f);
  ranges = mfd_web_get_eop_ranges_finish (web, f->result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (ranges);

  /* Far less than the 60 s timeout. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_TIME_SPAN_SECOND);
}

/* Pure helpers ------------------------------------------------------------------------ */

static void
test_json_shape (void)
{
  static const struct { const char *json; guint depth; guint items; gboolean ok; } cases[] = {
    { "{}", 1, 10, TRUE },
    { "[[]]", 1, 10, FALSE },
    { "[[]]", 2, 10, TRUE },
    { "{\"a\": \"[[[[[[\"}", 1, 10, TRUE },
    { "{\"a\": \"\\\"[[[[\"}", 1, 10, TRUE },
    { "[\"]\", [[", 2, 10, FALSE },
    { "]]]]]][", 1, 10, TRUE },
    { "", 1, 10, TRUE },
    { "[1,2,3,4]", 1, 4, TRUE },
    { "[1,2,3,4,5]", 1, 4, FALSE },
    { "[\",,,,,,,,\"]", 1, 4, TRUE },
    /* What json-glib reads but JSON does not have is refused, so that no
     * bracket can hide from the count behind it. */
    { "[1 /* \" */ ]", 9, 10, FALSE },
    { "[1 // \"\n]", 9, 10, FALSE },
    { "[1 / \" / ]", 9, 10, FALSE },
    { "['\"']", 9, 10, FALSE },
    { "[$ff, 0x1f]", 9, 10, FALSE },
    { "var a = [1];", 9, 10, FALSE },
    { "[\"\\ud800\", 1]", 9, 10, FALSE },
    { "[\"\\udc00\"]", 9, 10, FALSE },
    { "[\"\\u12\"]", 9, 10, FALSE },
    { "[\"\\q\"]", 9, 10, FALSE },
    { "[\"\\ud83d\\ude00 \\u00e9 \\n\\/\"]", 9, 10, TRUE },
    { "\xEF\xBB\xBF[1]", 9, 10, TRUE },
    { "[1e-5, -2.5E+3, true, false, null]", 9, 10, TRUE },
    { "[\"/* '$ \"]", 9, 10, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (mfd_json_shape_check (cases[i].json, strlen (cases[i].json),
                                           cases[i].depth, cases[i].items) == MFD_JSON_SHAPE_OK,
                     ==, cases[i].ok);
}

static void
add_fixture_test (const char    *path,
                  gconstpointer  data,
                  void         (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* The tests run in English; Japanese is asked for explicitly. */
  g_setenv ("LANGUAGE", "en", TRUE);
  if (g_getenv ("MFD_LOCALEDIR") != NULL)
    mfd_text_set_localedir (g_getenv ("MFD_LOCALEDIR"));
  make_test_ca ();

  g_test_add_func ("/web/json-shape", test_json_shape);
  g_test_add_func ("/web/registered-domain", test_registered_domain);
  g_test_add_func ("/web/registered-domain/from-bootstrap", test_domain_from_bootstrap);

  for (guint i = 0; i < G_N_ELEMENTS (doh_cases); i++)
    g_test_add_data_func (doh_cases[i].path, &doh_cases[i], test_doh_case);
  add_fixture_test ("/web/doh/ip-literal-and-offline", NULL, test_doh_ip_literal_and_offline);

  for (guint i = 0; i < G_N_ELEMENTS (rdap_cases); i++)
    g_test_add_data_func (rdap_cases[i].path, &rdap_cases[i], test_rdap_case);
  add_fixture_test ("/web/rdap/bootstrap-disk-cache", NULL, test_rdap_bootstrap_disk_cache);

  add_fixture_test ("/web/eop/cache", NULL, test_eop_ranges_cache);
  add_fixture_test ("/web/eop/no-cache", NULL, test_eop_ranges_no_cache);
  add_fixture_test ("/web/eop/cache-source", NULL, test_eop_ranges_cache_source);
  add_fixture_test ("/web/hidden-nesting", NULL, test_hidden_nesting);

  for (guint i = 0; i < G_N_ELEMENTS (break_cases); i++)
    {
      g_autofree char *doh = g_strdup_printf ("/web/broken/doh/%s", break_cases[i].name);
      g_autofree char *rdap = g_strdup_printf ("/web/broken/rdap-bootstrap/%s", break_cases[i].name);
      g_autofree char *domain = g_strdup_printf ("/web/broken/rdap-domain/%s", break_cases[i].name);
      g_autofree char *eop = g_strdup_printf ("/web/broken/eop/%s", break_cases[i].name);

      add_fixture_test (doh, &break_cases[i], test_broken_doh);
      add_fixture_test (rdap, &break_cases[i], test_broken_rdap);
      if (break_cases[i].breakage != BREAK_UNTRUSTED && break_cases[i].breakage != BREAK_BAD_CA_FILE
          && break_cases[i].breakage != BREAK_UNREACHABLE)
        add_fixture_test (domain, &break_cases[i], test_broken_rdap_domain);
      add_fixture_test (eop, &break_cases[i], test_broken_eop);
    }

  add_fixture_test ("/web/huge-hangs-up/plain", &break_cases[6], test_huge_hangs_up);
  add_fixture_test ("/web/huge-hangs-up/chunked", &break_cases[7], test_huge_hangs_up);
  add_fixture_test ("/web/tls-reasons", NULL, test_tls_reasons);
  add_fixture_test ("/web/cancel", NULL, test_cancel);

  status = g_test_run ();

  mfd_test_remove_tree (test_dir);
  g_free (test_dir);
  g_free (ca_path);
  g_free (server_pem);
  g_free (wrong_name_pem);
  g_free (expired_pem);
  return status;
}
