/* test-cli-check-internet.c — the DNS causes of 4.4.312 and the internet's
 * view (DNS-over-HTTPS, RDAP, EOP's ranges) end to end through
 * `mail-flow-doctor check --json`, the real binary
 *
 * Everything the binary talks to runs in this process on loopback: a
 * resolver (MfdLabDns, 127.0.0.1, any port) given with --dns-server, the
 * zone's authoritative servers (MfdLabDns with AA), a practice SMTP server
 * (MfdLab) where a host must answer, and a SoupServer over HTTPS with a CA
 * made at test time that serves the DoH, RDAP and endpoints documents.
 *
 * The authority step asks name servers on port 53, as EOP's resolvers do,
 * and the command line rightly has no way to change that. Rather than add a
 * test-only hook to the product, the authoritative servers listen on port
 * 53 of random addresses in 127/8. meson runs this program through
 * tests/netns-run.sh, in a user + network namespace of its own (unshare
 * -rn: root inside, its own loopback, port 53 free) for any user and in
 * CI. Where no namespace can be made and port 53 is not ours either, those
 * cases say "# SKIP" with the reason; inside the namespace they fail.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "mfd/mfd.h"
#include "mfd-lab-dns.h"
#include "mfd-test-ca.h"
#include "mfd-test-json.h"
#include "mfd-test-web.h"
#include "mfd-test-util.h"

#define HOST          "mail.contoso.com"
#define ZONE          "contoso.com"
#define N_AUTH        2
#define WATCHDOG_SECONDS 40

/* Made once per run. */
static char *test_dir;
static char *web_ca_pem;
static char *server_pem;

typedef struct
{
  MfdTestWeb  web;
  char       *cache_dir;      /* XDG_CACHE_HOME of the runs */
  char       *ca_file;        /* the web CA and the lab CA */
  MfdLab     *lab;            /* healthy SMTP on 127.0.0.1 */
  MfdLabDns  *resolver;
  MfdLabDns  *auth[N_AUTH];
  char       *auth_ip[N_AUTH];
  MfdLabDns  *parent;         /* the zone "com", when a test starts it */
  char       *parent_ip;
} Fixture;

typedef struct
{
  char       *out;
  char       *err;
  int         status;
  JsonParser *parser;
  JsonObject *root;           /* --json runs only */
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_clear_object (&run->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
make_test_ca (void)
{
  g_autoptr(MfdTestCa) ca = mfd_test_ca_new ("CN=Mail Flow Doctor CLI Test CA,O=Tests");
  g_autoptr(GError) error = NULL;

  web_ca_pem = g_strdup (mfd_test_ca_get_pem (ca));
  server_pem = mfd_test_ca_issue_server (ca, 2, NULL, -1, 7);

  test_dir = g_dir_make_tmp ("mfd-test-cli-internet-XXXXXX", &error);
  g_assert_no_error (error);
}

/* The HTTPS server ----------------------------------------------------------- */

static void
serve_hang (Fixture    *f,
            const char *key)
{
  mfd_test_web_serve (&f->web, key, 200, "application/json", "{}")->hang = TRUE;
}

static void
serve_doh (Fixture    *f,
           const char *type,
           int         status,
           const char *answers)
{
  mfd_test_web_serve_doh (&f->web, HOST, type, status, FALSE, answers);
}

/* The internet sees HOST at 127.0.0.1 (TTL 300), no IPv6. */
static void
serve_doh_resolves (Fixture *f)
{
  serve_doh (f, "A", 0, "{\"name\": \"" HOST ".\", \"type\": 1, \"TTL\": 300, \"data\": \"127.0.0.1\"}");
  serve_doh (f, "AAAA", 0, NULL);
}

static void
serve_doh_nxdomain (Fixture *f)
{
  serve_doh (f, "A", 3, NULL);
  serve_doh (f, "AAAA", 3, NULL);
}

/* The IANA bootstrap file's shape, "com" served here. */
static void
serve_bootstrap (Fixture *f)
{
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"description\": \"RDAP bootstrap file for Domain Name System registrations\","
                          " \"publication\": \"2026-01-01T00:00:00Z\", \"version\": \"1.0\","
                          " \"services\": [[[\"com\", \"net\"], [\"%s/rdap/\"]]]}", f->web.base);
  mfd_test_web_serve (&f->web, "/rdap/dns.json", 200, "application/json", body);
}

/* @expires_in from now; returns the expiration date as the evidence says it
 * (free it). */
static char *
serve_domain (Fixture    *f,
              const char *statuses,
              GTimeSpan   expires_in)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = g_date_time_add (now, expires_in);
  g_autofree char *expiration_text = g_date_time_format (expiration, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"objectClassName\": \"domain\", \"handle\": \"42_DOMAIN_COM-VRSN\","
                          " \"ldhName\": \"CONTOSO.COM\", \"status\": [%s],"
                          " \"events\": [{\"eventAction\": \"registration\", \"eventDate\": \"2001-02-03T04:05:06Z\"},"
                          "  {\"eventAction\": \"expiration\", \"eventDate\": \"%s\"}],"
                          " \"rdapConformance\": [\"rdap_level_0\"]}",
                          statuses, expiration_text);
  mfd_test_web_serve (&f->web, "/rdap/domain/" ZONE, 200, "application/rdap+json", body);
  return g_date_time_format (expiration, "%Y-%m-%d");
}

/* RDAP knows ZONE, registered and active for a good while yet. */
static void
serve_registered (Fixture *f)
{
  serve_bootstrap (f);
  g_free (serve_domain (f, "\"active\"", 400 * G_TIME_SPAN_DAY));
}

static void
serve_endpoints (Fixture *f)
{
  mfd_test_web_serve (&f->web, "/version/Worldwide", 200, "application/json",
         "{\"instance\": \"Worldwide\", \"latest\": \"2026112900\"}");
  mfd_test_web_serve (&f->web, "/endpoints/Worldwide", 200, "application/json",
         "[{\"id\": 1, \"serviceArea\": \"Exchange\", \"urls\": [\"outlook.office.com\"],"
         "  \"ips\": [\"13.107.6.152/31\"], \"tcpPorts\": \"80,443\", \"category\": \"Optimize\", \"required\": true},"
         " {\"id\": 9, \"serviceArea\": \"Exchange\", \"urls\": [\"*.mail.protection.outlook.com\"],"
         "  \"ips\": [\"40.92.0.0/15\", \"52.100.0.0/14\", \"2a01:111:f400::/48\"], \"tcpPorts\": \"25\","
         "  \"category\": \"Allow\", \"required\": true}]");
}

/* Fixture -------------------------------------------------------------------- */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("run-%08x", g_random_int ());
  g_autofree char *dir = g_build_filename (test_dir, name, NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  f->cache_dir = g_build_filename (dir, "cache", NULL);

  mfd_test_web_init (&f->web, server_pem);

  f->lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_assert_no_error (error);

  f->ca_file = g_build_filename (dir, "ca.pem", NULL);
  mfd_test_ca_write_bundle (f->ca_file, mfd_lab_get_ca_file (f->lab), web_ca_pem);

  f->resolver = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->cache_dir);

  mfd_test_web_clear (&f->web);
  for (guint i = 0; i < N_AUTH; i++)
    {
      g_clear_pointer (&f->auth[i], mfd_lab_dns_free);
      g_free (f->auth_ip[i]);
    }
  g_clear_pointer (&f->parent, mfd_lab_dns_free);
  g_free (f->parent_ip);
  mfd_lab_dns_free (f->resolver);
  mfd_lab_free (f->lab);
  g_free (f->ca_file);
  g_free (f->cache_dir);
  mfd_test_remove_tree (dir);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The zone's name servers on port 53 of a random corner of 127/8, known to
 * the resolver by NS and glue. FALSE (the test skipped, visibly) when this
 * process may not bind port 53 outside a namespace. */
static gboolean
start_authorities (Fixture *f)
{
  for (guint attempt = 0; attempt < 20 && f->auth[N_AUTH - 1] == NULL; attempt++)
    {
      guint net = g_random_int_range (1, 255);
      guint sub = g_random_int_range (0, 255);
      guint host = g_random_int_range (2, 250);

      for (guint i = 0; i < N_AUTH; i++)
        {
          g_autoptr(GError) error = NULL;

          g_clear_pointer (&f->auth[i], mfd_lab_dns_free);
          g_clear_pointer (&f->auth_ip[i], g_free);
          f->auth_ip[i] = g_strdup_printf ("127.%u.%u.%u", net, sub, host + i);
          f->auth[i] = mfd_lab_dns_new (f->auth_ip[i], 53, &error);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
            {
              if (g_getenv ("MFD_TEST_NETNS") != NULL)
                g_error ("port 53 should be ours in this network namespace: %s", error->message);
              g_test_skip ("cannot bind port 53 here and no network namespace (unshare -rn) could be made: "
                           "the authoritative servers need it");
              return FALSE;
            }
          if (f->auth[i] == NULL)
            break;
          mfd_lab_dns_set_authoritative (f->auth[i], TRUE);
        }
    }
  g_assert_nonnull (f->auth[N_AUTH - 1]);

  mfd_lab_dns_add_record (f->resolver, ZONE, "NS", "ns1." ZONE, 86400);
  mfd_lab_dns_add_record (f->resolver, ZONE, "NS", "ns2." ZONE, 86400);
  mfd_lab_dns_add_record (f->resolver, "ns1." ZONE, "A", f->auth_ip[0], 86400);
  mfd_lab_dns_add_record (f->resolver, "ns2." ZONE, "A", f->auth_ip[1], 86400);
  for (guint i = 0; i < N_AUTH; i++)
    {
      mfd_lab_dns_add_record (f->auth[i], ZONE, "SOA",
                              "ns1." ZONE ". hostmaster." ZONE ". 2026112901 3600 600 86400 300", 3600);
      mfd_lab_dns_add_record (f->auth[i], ZONE, "NS", "ns1." ZONE, 86400);
      mfd_lab_dns_add_record (f->auth[i], ZONE, "NS", "ns2." ZONE, 86400);
      mfd_lab_dns_add_record (f->auth[i], "ns1." ZONE, "A", f->auth_ip[0], 86400);
      mfd_lab_dns_add_record (f->auth[i], "ns2." ZONE, "A", f->auth_ip[1], 86400);
    }
  return TRUE;
}

/* The parent zone "com" on port 53 beside the zone's servers (start
 * them first), known to the resolver: it delegates ZONE to ns1 and ns2. */
static void
start_parent (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = g_strsplit (f->auth_ip[N_AUTH - 1], ".", 4);

  /* The next address after the zone's servers (theirs end below .251). */
  f->parent_ip = g_strdup_printf ("127.%s.%s.%u", parts[1], parts[2], (guint) atoi (parts[3]) + 1);
  f->parent = mfd_lab_dns_new (f->parent_ip, 53, &error);
  g_assert_no_error (error);
  mfd_lab_dns_set_authoritative (f->parent, TRUE);
  mfd_lab_dns_add_record (f->parent, "com", "SOA", "ns.nic.com. hostmaster.nic.com. 1 1800 900 604800 86400", 86400);
  mfd_lab_dns_add_record (f->parent, "com", "NS", "ns.nic.com", 172800);
  mfd_lab_dns_add_record (f->parent, "ns.nic.com", "A", f->parent_ip, 172800);
  mfd_lab_dns_add_record (f->parent, ZONE, "NS", "ns1." ZONE, 172800);
  mfd_lab_dns_add_record (f->parent, ZONE, "NS", "ns2." ZONE, 172800);
  mfd_lab_dns_add_record (f->parent, "ns1." ZONE, "A", f->auth_ip[0], 172800);
  mfd_lab_dns_add_record (f->parent, "ns2." ZONE, "A", f->auth_ip[1], 172800);
  mfd_lab_dns_add_record (f->resolver, "com", "NS", "ns.nic.com", 172800);
  mfd_lab_dns_add_record (f->resolver, "ns.nic.com", "A", f->parent_ip, 172800);
}

/* The zone's servers all in @mode, the resolver still answering HOST
 * with 127.0.0.1; FALSE as start_authorities(). */
static gboolean
start_lame_zone (Fixture       *f,
                 MfdLabDnsMode  mode)
{
  if (!start_authorities (f))
    return FALSE;
  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 300);
  for (guint i = 0; i < N_AUTH; i++)
    mfd_lab_dns_set_mode (f->auth[i], NULL, mode);
  return TRUE;
}

/* Running the binary ------------------------------------------------------------ */

static void
on_communicated_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
}

/* Runs `mail-flow-doctor check ARGS…` in English with the fixture's cache,
 * while this process's main context keeps serving HTTPS. */
static void
run_checkv (Fixture            *f,
            Run                *run,
            const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("MFD_BINARY");
  gboolean json = FALSE;
  guint watchdog;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "check");
  /* The control probes would ask the real internet: test-cli-vantage
   * plays them on loopback. */
  g_ptr_array_add (argv, (gpointer) "--no-control");
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (gpointer) args[i]);
      json = json || g_str_equal (args[i], "--json");
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANG", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LC_ALL");
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", f->cache_dir, TRUE);

  memset (run, 0, sizeof *run);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  watchdog = mfd_test_watchdog_add (WATCHDOG_SECONDS, "mail-flow-doctor check");
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated_cb, run);
  while (run->out == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_source_remove (watchdog);

  g_test_message ("stderr: %s", run->err);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);

  if (json)
    {
      JsonNode *root;

      run->parser = json_parser_new ();
      if (!json_parser_load_from_data (run->parser, run->out, -1, &error))
        g_error ("not JSON (%s): %s", error->message, run->out);
      root = json_parser_get_root (run->parser);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      run->root = json_node_get_object (root);
      g_assert_cmpstr (json_object_get_string_member (run->root, "schema"), ==, "mail-flow-doctor/diagnosis/1");
      mfd_test_json_assert_valid (run->out);
    }
}

/* The lab's resolver, the web services on loopback and JSON output. */
static void
add_service_args (Fixture   *f,
                  GPtrArray *args)
{
  g_ptr_array_add (args, g_strdup ("--dns-server"));
  g_ptr_array_add (args, g_strdup (mfd_lab_dns_get_server (f->resolver)));
  g_ptr_array_add (args, g_strdup ("--doh-url"));
  g_ptr_array_add (args, g_strconcat (f->web.base, "/resolve", NULL));
  g_ptr_array_add (args, g_strdup ("--rdap-bootstrap"));
  g_ptr_array_add (args, g_strconcat (f->web.base, "/rdap/dns.json", NULL));
  g_ptr_array_add (args, g_strdup ("--endpoints-url"));
  g_ptr_array_add (args, g_strdup (f->web.base));
  g_ptr_array_add (args, g_strdup ("--ca-file"));
  g_ptr_array_add (args, g_strdup (f->ca_file));
  /* Every wait here ends within this; nothing leaves loopback. */
  g_ptr_array_add (args, g_strdup ("--timeout"));
  g_ptr_array_add (args, g_strdup ("2"));
  g_ptr_array_add (args, g_strdup ("--json"));
}

/* The usual command line for HOST through the fixture's resolver and web
 * services, then @extra (NULL-terminated), with --json. */
static void
run_check (Fixture    *f,
           Run        *run,
           const char *first_extra,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  va_list ap;

  g_ptr_array_add (args, g_strdup ("--smart-host"));
  g_ptr_array_add (args, g_strdup_printf ("%s:%u", HOST, mfd_lab_get_smtp_port (f->lab)));
  add_service_args (f, args);

  va_start (ap, first_extra);
  for (const char *arg = first_extra; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (args, NULL);

  run_checkv (f, run, (const char * const *) args->pdata);
}

/* `check --mx @domain` on the lab's SMTP port, with the same services. */
static void
run_check_mx (Fixture    *f,
              Run        *run,
              const char *domain)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (args, g_strdup ("--mx"));
  g_ptr_array_add (args, g_strdup (domain));
  g_ptr_array_add (args, g_strdup ("--port"));
  g_ptr_array_add (args, g_strdup_printf ("%u", mfd_lab_get_smtp_port (f->lab)));
  add_service_args (f, args);
  g_ptr_array_add (args, NULL);

  run_checkv (f, run, (const char * const *) args->pdata);
}


/* Assertions on the JSON ------------------------------------------------------- */

static JsonArray *
findings (Run *run)
{
  return json_object_get_array_member (run->root, "findings");
}

/* The finding with @cause, which must be there. */
static JsonObject *
find_finding (Run        *run,
              const char *cause)
{
  JsonArray *array = findings (run);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *finding = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (finding, "cause"), cause) == 0)
        return finding;
    }
  g_error ("no finding %s in %s", cause, run->out);
  return NULL;
}

static gboolean
has_finding (Run        *run,
             const char *cause)
{
  JsonArray *array = findings (run);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "cause"), cause) == 0)
      return TRUE;
  return FALSE;
}

/* The one observation of @stage, which must be there. */
static JsonObject *
find_observation (Run        *run,
                  const char *stage)
{
  JsonArray *array = json_object_get_array_member (run->root, "observations");
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (o, "stage"), stage))
        {
          g_assert_null (found);
          found = o;
        }
    }
  if (found == NULL)
    g_error ("no %s observation in %s", stage, run->out);
  return found;
}

/* How many observations of @stage the run has for @host (NULL: any). */
static guint
count_observations (Run        *run,
                    const char *stage,
                    const char *host)
{
  JsonArray *array = json_object_get_array_member (run->root, "observations");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (o, "stage"), stage) &&
          (host == NULL || g_strcmp0 (json_object_get_string_member (o, "host"), host) == 0))
        n++;
    }
  return n;
}

/* The one observation of @stage for @host. */
static JsonObject *
find_host_observation (Run        *run,
                       const char *stage,
                       const char *host)
{
  JsonArray *array = json_object_get_array_member (run->root, "observations");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (o, "stage"), stage) &&
          g_strcmp0 (json_object_get_string_member (o, "host"), host) == 0)
        return o;
    }
  g_error ("no %s observation for %s in %s", stage, host, run->out);
  return NULL;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” not in “%s”", needle, haystack ? haystack : "(null)");
}

static void
assert_observation (Run        *run,
                    const char *stage,
                    const char *outcome,
                    const char *detail_part)
{
  JsonObject *o = find_observation (run, stage);

  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, outcome);
  if (detail_part != NULL)
    assert_contains (json_object_get_string_member (o, "detail"), detail_part);
}

static void
assert_verdict (Run        *run,
                const char *verdict)
{
  g_assert_cmpstr (json_object_get_string_member (run->root, "verdict"), ==, verdict);
  g_assert_cmpint (run->status, ==, g_str_equal (verdict, "ok") ? 0 : 1);
}

/* The finding with @cause: its code, its weight and its evidence. */
static JsonObject *
assert_finding (Run        *run,
                const char *cause,
                gboolean    warning,
                const char *evidence_part,
                ...)
{
  JsonObject *finding = find_finding (run, cause);
  const char *evidence = json_object_get_string_member (finding, "evidence");
  va_list ap;

  g_test_message ("%s: %s", cause, evidence);

  g_assert_cmpstr (json_object_get_string_member (finding, "code"), ==, mfd_remedy_code_for_cause (cause));
  g_assert_cmpstr (json_object_get_string_member (finding, "host"), ==, HOST);
  g_assert_cmpint (json_object_get_int_member (finding, "reply"), ==, 450);
  g_assert_true (json_object_get_boolean_member (finding, "warning") == warning);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (finding, "steps")), >, 0);

  va_start (ap, evidence_part);
  for (const char *part = evidence_part; part != NULL; part = va_arg (ap, const char *))
    assert_contains (evidence, part);
  va_end (ap);

  return finding;
}

/* The SMTP server itself is fine in these cases: only DNS is to blame. */
static void
assert_smtp_ok (Run *run)
{
  assert_observation (run, "tcp", "ok", NULL);
  assert_observation (run, "quit", "ok", NULL);
}

/* The first finding is @cause and no other finding is a problem. */
static void
assert_first (Run        *run,
              const char *cause)
{
  JsonArray *array = findings (run);

  g_assert_cmpuint (json_array_get_length (array), >, 0);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "cause"), ==, cause);
}

static void
assert_ranges (Run *run)
{
  JsonArray *ranges;

  g_assert_true (json_object_has_member (run->root, "eop_ranges"));
  ranges = json_object_get_array_member (run->root, "eop_ranges");
  g_assert_cmpuint (json_array_get_length (ranges), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (ranges, 0), ==, "40.92.0.0/15");
  g_assert_cmpstr (json_array_get_string_element (ranges, 1), ==, "52.100.0.0/14");
  g_assert_cmpstr (json_array_get_string_element (ranges, 2), ==, "2a01:111:f400::/48");
}

/* 4.4.312 through the CLI ------------------------------------------------------- */

/* No name server of the zone answers: a problem, with the caveat that
 * direct DNS may be blocked; the public view is not asked (offline). */
static void
test_lame_delegation (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Run) run = { NULL };
  JsonObject *finding;
  const char *evidence;

  if (!start_lame_zone (f, MFD_LAB_DNS_MODE_REFUSED))
    return;

  run_check (f, &run, "--offline", NULL);
  assert_verdict (&run, "problem");
  assert_first (&run, "dns-lame-delegation");
  finding = assert_finding (&run, "dns-lame-delegation", FALSE, "ns1." ZONE, "ns2." ZONE, "block DNS", NULL);
  /* The caveat is said once, not by the DNS step and the diagnosis both. */
  evidence = json_object_get_string_member (finding, "evidence");
  g_assert_null (strstr (strstr (evidence, "block DNS") + 1, "block DNS"));
  assert_observation (&run, "dns", "ok", "127.0.0.1");
  assert_observation (&run, "dns-authority", "fail", NULL);
  assert_observation (&run, "dns-public", "skipped", "offline");
  assert_observation (&run, "registration", "skipped", "offline");
  assert_smtp_ok (&run);
  for (guint i = 0; i < N_AUTH; i++)
    g_assert_cmpuint (mfd_lab_dns_get_n_queries (f->auth[i]), >, 0);
  g_assert_cmpuint (g_hash_table_size (f->web.hits), ==, 0);
}

/* Every server of the zone silent, while the servers of "com" answer and
 * refer to them: direct DNS works from here, so this is a lame delegation
 * for certain, said without the caveat about blocked DNS. */
static void
test_lame_delegation_parent_answers (Fixture       *f,
                                     gconstpointer  data)
{
  g_auto(Run) run = { NULL };
  JsonObject *finding;

  if (!start_lame_zone (f, MFD_LAB_DNS_MODE_SILENT))
    return;
  start_parent (f);

  run_check (f, &run, "--offline", NULL);
  assert_verdict (&run, "problem");
  assert_first (&run, "dns-lame-delegation");
  finding = assert_finding (&run, "dns-lame-delegation", FALSE, "ns1." ZONE, "delegate " ZONE, NULL);
  g_assert_null (strstr (json_object_get_string_member (finding, "evidence"), "block DNS"));
  assert_observation (&run, "dns-authority", "fail", "lame");
  assert_smtp_ok (&run);
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (f->parent), >, 0);
  for (guint i = 0; i < N_AUTH; i++)
    g_assert_cmpuint (mfd_lab_dns_get_n_queries (f->auth[i]), >, 0);
}

/* Not one authoritative server answers, the parent's included: this
 * network probably blocks direct DNS. Inconclusive, naming the servers. */
static void
test_lame_delegation_nothing_answers (Fixture       *f,
                                      gconstpointer  data)
{
  g_auto(Run) run = { NULL };

  if (!start_lame_zone (f, MFD_LAB_DNS_MODE_SILENT))
    return;
  start_parent (f);
  mfd_lab_dns_set_mode (f->parent, NULL, MFD_LAB_DNS_MODE_SILENT);

  run_check (f, &run, "--offline", NULL);
  assert_verdict (&run, "inconclusive");
  g_assert_false (has_finding (&run, "dns-lame-delegation"));
  assert_observation (&run, "dns-authority", "inconclusive", "ns1." ZONE);
  assert_observation (&run, "dns-authority", "inconclusive", "ns.nic.com");
  assert_observation (&run, "dns-authority", "inconclusive", f->parent_ip);
  assert_smtp_ok (&run);
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (f->parent), >, 0);
}

/* One of the two servers silent: EOP's resolvers retry the other, slowly. */
static void
test_lame_delegation_one_silent (Fixture       *f,
                                 gconstpointer  data)
{
  g_auto(Run) run = { NULL };

  if (!start_authorities (f))
    return;
  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 300);
  for (guint i = 0; i < N_AUTH; i++)
    mfd_lab_dns_add_record (f->auth[i], HOST, "A", "127.0.0.1", 300);
  mfd_lab_dns_set_mode (f->auth[1], NULL, MFD_LAB_DNS_MODE_SILENT);

  run_check (f, &run, "--offline", NULL);
  assert_verdict (&run, "ok");
  g_assert_cmpuint (json_array_get_length (findings (&run)), ==, 1);
  assert_finding (&run, "dns-lame-delegation", TRUE, "ns2." ZONE, f->auth_ip[1], NULL);
  assert_observation (&run, "dns-authority", "warning", f->auth_ip[1]);
  assert_smtp_ok (&run);
}

/* The same lame zone while public DNS still resolves the name: a warning,
 * the verdict ok, the public answer in the evidence. */
static void
test_lame_delegation_public_resolves (Fixture       *f,
                                      gconstpointer  data)
{
  g_auto(Run) run = { NULL };

  if (!start_lame_zone (f, MFD_LAB_DNS_MODE_REFUSED))
    return;
  serve_doh_resolves (f);
  serve_registered (f);
  serve_endpoints (f);

  run_check (f, &run, NULL);
  assert_verdict (&run, "ok");
  g_assert_cmpuint (json_array_get_length (findings (&run)), ==, 1);
  assert_finding (&run, "dns-lame-delegation", TRUE, "public DNS still resolves", NULL);
  assert_observation (&run, "dns-authority", "fail", NULL);
  assert_observation (&run, "dns-public", "ok", "127.0.0.1");
  assert_observation (&run, "registration", "ok", NULL);
  assert_smtp_ok (&run);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/resolve?" HOST "&A"), ==, 1);
}

/* A lame zone makes resolvers fail, here and on the internet alike: the
 * public view then confirms the failure, which does not soften the lame
 * delegation into a warning. */
static void
test_lame_delegation_public_fails (Fixture       *f,
                                   gconstpointer  data)
{
  g_auto(Run) run = { NULL };
  JsonObject *finding;

  if (!start_authorities (f))
    return;
  mfd_lab_dns_set_mode (f->resolver, HOST, MFD_LAB_DNS_MODE_SERVFAIL);
  for (guint i = 0; i < N_AUTH; i++)
    mfd_lab_dns_set_mode (f->auth[i], NULL, MFD_LAB_DNS_MODE_REFUSED);
  serve_doh (f, "A", 2, NULL);
  serve_doh (f, "AAAA", 2, NULL);
  serve_registered (f);

  run_check (f, &run, NULL);
  assert_verdict (&run, "problem");
  assert_first (&run, "dns-servfail");
  finding = assert_finding (&run, "dns-lame-delegation", FALSE, "ns1." ZONE, NULL);
  g_assert_null (strstr (json_object_get_string_member (finding, "evidence"), "still resolves"));
  assert_observation (&run, "dns", "fail", NULL);
  assert_observation (&run, "dns-authority", "fail", NULL);
  assert_observation (&run, "dns-public", "ok", "fail to look up");
  g_assert_cmpuint (mfd_lab_get_n_connections (f->lab), ==, 0);
}

/* The resolver still holds the old address; the zone's servers give the
 * new one: both answers and the TTL the resolver has left. */
static void
test_stale_cache (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Run) run = { NULL };
  g_auto(Run) ja = { NULL };
  JsonObject *finding;

  if (!start_authorities (f))
    return;
  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 1234);
  for (guint i = 0; i < N_AUTH; i++)
    mfd_lab_dns_add_record (f->auth[i], HOST, "A", "198.51.100.25", 3600);

  run_check (f, &run, "--offline", NULL);
  assert_verdict (&run, "problem");
  assert_first (&run, "dns-stale-cache");
  assert_finding (&run, "dns-stale-cache", FALSE, "127.0.0.1", "198.51.100.25", "1234", NULL);
  assert_observation (&run, "dns", "ok", "127.0.0.1");
  assert_observation (&run, "dns-authority", "fail", "198.51.100.25");
  assert_smtp_ok (&run);
  g_assert_false (has_finding (&run, "dns-lame-delegation"));

  /* The same evidence for a Japanese ticket: ids stay, the words do not. */
  run_check (f, &ja, "--offline", "--lang", "ja", NULL);
  assert_verdict (&ja, "problem");
  /* A no-break space keeps the number with its unit (po/ja-terms.md). */
  finding = assert_finding (&ja, "dns-stale-cache", FALSE, "127.0.0.1", "198.51.100.25", "1234\u00a0秒", NULL);
  g_assert_null (strstr (json_object_get_string_member (finding, "evidence"), "resolver"));
}

/* Resolves through --dns-server, NXDOMAIN on the public internet. */
static void
test_split_horizon (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Run) run = { NULL };

  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 300);
  serve_doh_nxdomain (f);
  serve_registered (f);

  run_check (f, &run, NULL);
  assert_verdict (&run, "problem");
  assert_first (&run, "dns-split-horizon");
  assert_finding (&run, "dns-split-horizon", FALSE, "127.0.0.1", "NXDOMAIN", NULL);
  assert_observation (&run, "dns", "ok", "127.0.0.1");
  assert_observation (&run, "dns-public", "fail", "NXDOMAIN");
  assert_observation (&run, "registration", "ok", NULL);
  assert_smtp_ok (&run);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/resolve?" HOST "&A"), ==, 1);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/resolve?" HOST "&AAAA"), ==, 1);
}

static void
serve_doh_name (Fixture    *f,
                const char *name,
                const char *type,
                int         status,
                const char *answers)
{
  mfd_test_web_serve_doh (&f->web, name, type, status, FALSE, answers);
}

/* `check --mx` for a domain with MX records and no address of its own, the
 * same on both sides: the MX lookup is compared with the public MX lookup
 * and the host's addresses with its public addresses, so nothing differs.
 * Then public DNS without those MX records: a split horizon. */
static void
test_split_horizon_mx (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Run) run = { NULL };
  g_auto(Run) split = { NULL };
  JsonObject *o;

  mfd_lab_dns_add_record (f->resolver, ZONE, "MX", "10 " HOST, 300);
  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 300);
  serve_doh_name (f, ZONE, "MX", 0, "{\"name\": \"" ZONE ".\", \"type\": 15, \"TTL\": 300, \"data\": \"10 " HOST ".\"}");
  /* As public resolvers answer for the apex: it exists, but has no address. */
  serve_doh_name (f, ZONE, "A", 0, NULL);
  serve_doh_name (f, ZONE, "AAAA", 0, NULL);
  serve_doh_resolves (f);
  serve_registered (f);
  serve_endpoints (f);

  run_check_mx (f, &run, ZONE);
  assert_verdict (&run, "ok");
  g_assert_false (has_finding (&run, "dns-split-horizon"));
  o = find_host_observation (&run, "dns-public", ZONE);
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "ok");
  assert_contains (json_object_get_string_member (o, "detail"), "same mail servers");
  o = find_host_observation (&run, "dns-public", HOST);
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "ok");
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/resolve?" ZONE "&MX"), ==, 1);
  /* Addresses of the domain itself are not what the MX lookup is about. */
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/resolve?" ZONE "&A"), ==, 0);
  assert_smtp_ok (&run);

  serve_doh_name (f, ZONE, "MX", 0, NULL);
  run_check_mx (f, &split, ZONE);
  assert_verdict (&split, "problem");
  assert_first (&split, "dns-split-horizon");
  o = find_finding (&split, "dns-split-horizon");
  g_assert_cmpstr (json_object_get_string_member (o, "host"), ==, ZONE);
  assert_contains (json_object_get_string_member (o, "evidence"), "none on the public internet");
  assert_contains (json_object_get_string_member (o, "evidence"), HOST);
}

/* A domain without MX records, whose own address takes the mail (implicit
 * MX), and the same on the internet: no MX on either side is agreement,
 * and the domain's addresses are compared as a host's. */
static void
test_split_horizon_implicit_mx (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(Run) run = { NULL };
  JsonArray *observations;
  guint n_public = 0;

  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 300);
  serve_doh_name (f, HOST, "MX", 0, NULL);
  serve_doh_resolves (f);
  serve_registered (f);
  serve_endpoints (f);

  run_check_mx (f, &run, HOST);
  assert_verdict (&run, "ok");
  g_assert_false (has_finding (&run, "dns-split-horizon"));
  /* Two public views of the one name: its MX lookup, then its addresses. */
  observations = json_object_get_array_member (run.root, "observations");
  for (guint i = 0; i < json_array_get_length (observations); i++)
    {
      JsonObject *o = json_array_get_object_element (observations, i);

      if (!g_str_equal (json_object_get_string_member (o, "stage"), "dns-public"))
        continue;
      n_public++;
      g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "ok");
    }
  g_assert_cmpuint (n_public, ==, 2);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/resolve?" HOST "&MX"), ==, 1);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/resolve?" HOST "&A"), ==, 1);
  assert_contains (run.out, "no MX record for " HOST " either");
  assert_smtp_ok (&run);
}

/* The name is gone, and RDAP says why: client hold, expired three days ago. */
static void
test_domain_expired (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Run) run = { NULL };
  g_autofree char *date = NULL;

  mfd_lab_dns_set_mode (f->resolver, ZONE, MFD_LAB_DNS_MODE_NXDOMAIN);
  serve_doh_nxdomain (f);
  serve_bootstrap (f);
  date = serve_domain (f, "\"client hold\", \"client transfer prohibited\"", -3 * G_TIME_SPAN_DAY);

  run_check (f, &run, NULL);
  assert_verdict (&run, "problem");
  assert_first (&run, "dns-domain-expired");
  assert_finding (&run, "dns-domain-expired", FALSE, ZONE, date, "client hold", NULL);
  assert_observation (&run, "dns", "fail", NULL);
  assert_observation (&run, "registration", "fail", date);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/rdap/domain/" ZONE), ==, 1);
  /* No address, so no connection was tried. */
  g_assert_cmpuint (mfd_lab_get_n_connections (f->lab), ==, 0);
}

/* A healthy server whose domain runs out in ten days: a warning only. */
static void
test_domain_expiring (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Run) run = { NULL };
  g_autofree char *date = NULL;

  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 300);
  serve_doh_resolves (f);
  serve_bootstrap (f);
  date = serve_domain (f, "\"active\"", 10 * G_TIME_SPAN_DAY + G_TIME_SPAN_HOUR);
  serve_endpoints (f);

  run_check (f, &run, NULL);
  assert_verdict (&run, "ok");
  g_assert_cmpuint (json_array_get_length (findings (&run)), ==, 1);
  assert_finding (&run, "dns-domain-expired", TRUE, ZONE, date, NULL);
  assert_observation (&run, "registration", "warning", date);
  assert_observation (&run, "dns-public", "ok", NULL);
  assert_smtp_ok (&run);
  /* Fine from here: what EOP's addresses must reach is part of the answer. */
  assert_ranges (&run);
}

/* The name exists but has no A or AAAA record. */
static void
test_no_address (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Run) run = { NULL };

  mfd_lab_dns_add_record (f->resolver, HOST, "TXT", "\"v=spf1 -all\"", 300);

  run_check (f, &run, "--offline", NULL);
  assert_verdict (&run, "problem");
  assert_first (&run, "dns-no-address");
  assert_finding (&run, "dns-no-address", FALSE, HOST, NULL);
  assert_observation (&run, "dns", "fail", NULL);
  g_assert_cmpuint (mfd_lab_get_n_connections (f->lab), ==, 0);
}

/* Fan-out ------------------------------------------------------------------------- */

/* 3,000 MX records, and a host with 1,000 addresses, from a real DNS
 * responder (over TCP: they do not fit in a datagram): ten MX hosts and
 * eight addresses of each are checked, and the report says what was left
 * out. Then the text report in Japanese says it too. */
static void
test_fan_out_mx (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *port = g_strdup_printf ("%u", mfd_lab_get_smtp_port (f->lab));
  g_auto(Run) run = { NULL };
  g_auto(Run) text = { NULL };
  const char *detail;

  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *mx = g_strdup_printf ("%u %u." ZONE, i, i);

      mfd_lab_dns_add_record (f->resolver, ZONE, "MX", mx, 300);
    }
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *ip = g_strdup_printf ("127.0.%u.%u", 10 + i / 250, 1 + i % 250);

      mfd_lab_dns_add_record (f->resolver, "0." ZONE, "A", ip, 300);
    }
  for (guint i = 1; i < 12; i++)
    {
      g_autofree char *host = g_strdup_printf ("%u." ZONE, i);

      mfd_lab_dns_add_record (f->resolver, host, "A", "127.0.0.1", 300);
    }

  {
    const char *args[] = { "--mx", ZONE, "--port", port, "--dns-server", mfd_lab_dns_get_server (f->resolver),
                           "--ca-file", f->ca_file, "--timeout", "2", "--offline", "--json", NULL };

    run_checkv (f, &run, args);
  }
  detail = json_object_get_string_member (find_host_observation (&run, "dns", ZONE), "detail");
  assert_contains (detail, "3000 mail servers");
  assert_contains (detail, "first 10");
  assert_contains (detail, "(0." ZONE ", 1." ZONE);
  assert_contains (detail, ", 9." ZONE ")");
  assert_contains (detail, "the other 2990 were left out");
  g_assert_null (strstr (detail, "10." ZONE));
  /* The domain, then ten hosts: no eleventh. */
  g_assert_cmpuint (count_observations (&run, "dns", NULL), ==, 11);
  g_assert_cmpuint (count_observations (&run, "dns", "10." ZONE), ==, 0);
  for (guint i = 1; i < 10; i++)
    {
      g_autofree char *host = g_strdup_printf ("%u." ZONE, i);

      g_assert_cmpuint (count_observations (&run, "tcp", host), ==, 1);
      g_assert_cmpuint (count_observations (&run, "quit", host), ==, 1);
    }

  detail = json_object_get_string_member (find_host_observation (&run, "dns", "0." ZONE), "detail");
  assert_contains (detail, "1000 addresses");
  assert_contains (detail, "first 8");
  assert_contains (detail, "the other 992 were left out");
  g_assert_cmpuint (count_observations (&run, "tcp", "0." ZONE), ==, 8);
  g_assert_cmpuint (count_observations (&run, "tcp", NULL), ==, 8 + 9);
  /* Nine healthy hosts: the refused addresses of the first are the problem. */
  assert_verdict (&run, "problem");

  {
    const char *args[] = { "--mx", ZONE, "--port", port, "--dns-server", mfd_lab_dns_get_server (f->resolver),
                           "--ca-file", f->ca_file, "--timeout", "2", "--offline", "--lang", "ja", NULL };

    run_checkv (f, &text, args);
  }
  assert_contains (text.out, "3000");
  assert_contains (text.out, "2990");
  assert_contains (text.out, "992");
}

/* The one observation (at @stage; NULL: at any) that says what was left
 * out, a skipped step. */
static JsonObject *
find_left_out (Run        *run,
               const char *stage)
{
  JsonArray *observations = json_object_get_array_member (run->root, "observations");
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (observations); i++)
    {
      JsonObject *o = json_array_get_object_element (observations, i);

      if (strstr (json_object_get_string_member (o, "detail"), "were left out") == NULL
          || (stage != NULL && !g_str_equal (json_object_get_string_member (o, "stage"), stage)))
        continue;
      g_assert_null (found);
      found = o;
    }
  g_assert_nonnull (found);
  g_assert_cmpstr (json_object_get_string_member (found, "outcome"), ==, "skipped");
  return found;
}

/* More smart hosts than one check takes: the first ones are checked, and a
 * skipped step says how many were left out. */
static void
test_fan_out_jobs (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_auto(Run) run = { NULL };
  JsonObject *left_out;
  const char *detail;

  for (guint i = 1; i <= 40; i++)
    {
      g_ptr_array_add (args, g_strdup ("--smart-host"));
      g_ptr_array_add (args, g_strdup_printf ("127.0.9.%u:%u", i, mfd_lab_get_smtp_port (f->lab)));
    }
  g_ptr_array_add (args, g_strdup ("--timeout"));
  g_ptr_array_add (args, g_strdup ("2"));
  g_ptr_array_add (args, g_strdup ("--offline"));
  g_ptr_array_add (args, g_strdup ("--json"));
  g_ptr_array_add (args, NULL);

  run_checkv (f, &run, (const char * const *) args->pdata);
  g_assert_cmpuint (count_observations (&run, "tcp", NULL), ==, 32);
  left_out = find_left_out (&run, NULL);
  detail = json_object_get_string_member (left_out, "detail");
  assert_contains (detail, "at most 32 names");
  assert_contains (detail, "8 more");
  g_assert_cmpstr (json_object_get_string_member (left_out, "stage"), ==, "dns");
}

/* Thirteen hosts of eight addresses each: 96 connections, the other eight
 * left out, said as a skipped TCP step of the host whose addresses were cut. */
static void
test_fan_out_connections (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_auto(Run) run = { NULL };
  JsonObject *left_out;
  const char *detail;

  for (guint h = 1; h <= 13; h++)
    {
      g_autofree char *host = g_strdup_printf ("h%u." ZONE, h);

      for (guint a = 1; a <= 8; a++)
        {
          g_autofree char *ip = g_strdup_printf ("127.0.%u.%u", 20 + h, a);

          mfd_lab_dns_add_record (f->resolver, host, "A", ip, 300);
        }
      g_ptr_array_add (args, g_strdup ("--smart-host"));
      g_ptr_array_add (args, g_strdup_printf ("%s:%u", host, mfd_lab_get_smtp_port (f->lab)));
    }
  g_ptr_array_add (args, g_strdup ("--dns-server"));
  g_ptr_array_add (args, g_strdup (mfd_lab_dns_get_server (f->resolver)));
  g_ptr_array_add (args, g_strdup ("--timeout"));
  g_ptr_array_add (args, g_strdup ("2"));
  g_ptr_array_add (args, g_strdup ("--offline"));
  g_ptr_array_add (args, g_strdup ("--json"));
  g_ptr_array_add (args, NULL);

  run_checkv (f, &run, (const char * const *) args->pdata);
  g_assert_cmpuint (count_observations (&run, "tcp", NULL), ==, 96 + 1);
  left_out = find_left_out (&run, "tcp");
  detail = json_object_get_string_member (left_out, "detail");
  g_assert_true (json_object_get_null_member (left_out, "ip"));
  assert_contains (detail, "at most 96 addresses");
  assert_contains (detail, "8 more");
}

/* The internet's view failing ---------------------------------------------------- */

typedef struct
{
  const char *name;
  guint       status;
  const char *content_type;
  const char *body;
  gboolean    hang;
  const char *detail;         /* in the "could not check" observations */
} WebFailure;

static const WebFailure web_failures[] = {
  { "429", 429, "application/json", "{}", FALSE, "HTTP 429" },
  { "500", 500, "text/html", "<h1>Internal Server Error</h1>", FALSE, "HTTP status 500" },
  { "truncated", 200, "application/json", "{\"Status\": 0, \"Answer\": [{\"name\": \"mail.", FALSE, "not valid JSON" },
  { "content-type", 200, "text/html", "<html>Sign in to continue</html>", FALSE, "instead of JSON" },
  { "slow", 0, NULL, NULL, TRUE, "did not answer within the timeout of 2 s" },
};

static void
serve_failure (Fixture          *f,
               const char       *key,
               const WebFailure *c)
{
  if (c->hang)
    serve_hang (f, key);
  else
    mfd_test_web_serve (&f->web, key, c->status, c->content_type, c->body);
}

/* A healthy server, and the web services broken: "could not check", and the
 * verdict inconclusive rather than ok. */
static void
test_web_failure (Fixture       *f,
                  gconstpointer  data)
{
  const WebFailure *c = data;
  g_auto(Run) run = { NULL };
  gint64 started;

  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 300);
  serve_failure (f, "/resolve?" HOST "&A", c);
  serve_failure (f, "/resolve?" HOST "&AAAA", c);
  serve_failure (f, "/rdap/dns.json", c);

  started = g_get_monotonic_time ();
  run_check (f, &run, NULL);
  /* The slow server costs the timeout, not more (room for a loaded machine). */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_TIME_SPAN_SECOND);

  assert_verdict (&run, "inconclusive");
  g_assert_cmpuint (json_array_get_length (findings (&run)), ==, 0);
  assert_observation (&run, "dns-public", "inconclusive", "Could not check");
  assert_observation (&run, "dns-public", "inconclusive", c->detail);
  assert_observation (&run, "registration", "inconclusive", "Could not check");
  assert_observation (&run, "registration", "inconclusive", c->detail);
  assert_smtp_ok (&run);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/resolve?" HOST "&A"), ==, 1);
}

/* A broken web service never hides a real problem either. */
static void
test_web_failure_keeps_problem (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(Run) run = { NULL };

  mfd_lab_dns_add_record (f->resolver, HOST, "TXT", "\"nothing here\"", 300);
  mfd_test_web_serve (&f->web, "/resolve?" HOST "&A", 500, "text/html", "<h1>down</h1>");
  mfd_test_web_serve (&f->web, "/resolve?" HOST "&AAAA", 500, "text/html", "<h1>down</h1>");
  mfd_test_web_serve (&f->web, "/rdap/dns.json", 429, "application/json", "{}");

  run_check (f, &run, NULL);
  assert_verdict (&run, "problem");
  assert_first (&run, "dns-no-address");
  assert_observation (&run, "dns-public", "inconclusive", "Could not check");
  assert_observation (&run, "registration", "inconclusive", "Could not check");
}

/* --offline asks no web service and says so in each skipped step. */
static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Run) run = { NULL };

  mfd_lab_dns_add_record (f->resolver, HOST, "A", "127.0.0.1", 300);
  serve_doh_nxdomain (f);
  serve_bootstrap (f);
  serve_endpoints (f);

  run_check (f, &run, "--offline", NULL);
  assert_verdict (&run, "ok");
  g_assert_cmpuint (json_array_get_length (findings (&run)), ==, 0);
  assert_observation (&run, "dns-public", "skipped", "offline");
  assert_observation (&run, "registration", "skipped", "offline");
  assert_smtp_ok (&run);
  g_assert_cmpuint (g_hash_table_size (f->web.hits), ==, 0);
  /* Nothing cached yet, and offline nothing is fetched. */
  g_assert_false (json_object_has_member (run.root, "eop_ranges"));
}

/* EOP's ranges in the 4.4.316 report ------------------------------------------- */

/* A refused connection: the ranges the firewall must allow, from
 * --endpoints-url, in the JSON and the text; then offline, from the cache. */
static void
test_refused_with_ranges (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) refuse = mfd_lab_new (MFD_LAB_REFUSE, &error);
  g_autofree char *smart_host = NULL;
  g_autofree char *doh = g_strconcat (f->web.base, "/resolve", NULL);
  g_autofree char *bootstrap = g_strconcat (f->web.base, "/rdap/dns.json", NULL);
  g_auto(Run) json = { NULL };
  g_auto(Run) text = { NULL };
  g_auto(Run) offline = { NULL };
  JsonObject *finding;

  g_assert_no_error (error);
  smart_host = g_strdup_printf ("127.0.0.1:%u", mfd_lab_get_smtp_port (refuse));
  serve_endpoints (f);

  {
    const char *args[] = { "--smart-host", smart_host, "--doh-url", doh, "--rdap-bootstrap", bootstrap,
                           "--endpoints-url", f->web.base, "--ca-file", f->ca_file, "--timeout", "2",
                           "--json", NULL };

    run_checkv (f, &json, args);
  }
  assert_verdict (&json, "problem");
  assert_first (&json, "tcp-refused");
  finding = find_finding (&json, "tcp-refused");
  g_assert_cmpstr (json_object_get_string_member (finding, "code"), ==, "4.4.316");
  assert_ranges (&json);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/version/Worldwide"), ==, 1);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 1);

  /* The text report lists them under their heading, within the hour
   * without asking again. */
  {
    const char *args[] = { "--smart-host", smart_host, "--endpoints-url", f->web.base, "--ca-file", f->ca_file,
                           "--timeout", "2", "--lang", "en", NULL };

    run_checkv (f, &text, args);
  }
  g_assert_cmpint (text.status, ==, 1);
  assert_contains (text.out, "4.4.316");
  assert_contains (text.out, "EOP address ranges that must reach TCP port 25");
  assert_contains (text.out, "  40.92.0.0/15\n");
  assert_contains (text.out, "  52.100.0.0/14\n");
  assert_contains (text.out, "  2a01:111:f400::/48\n");
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 1);

  /* Offline, with the service gone: the cached copy. */
  mfd_test_web_serve (&f->web, "/version/Worldwide", 500, "text/html", "<h1>down</h1>");
  mfd_test_web_serve (&f->web, "/endpoints/Worldwide", 500, "text/html", "<h1>down</h1>");
  {
    const char *args[] = { "--smart-host", smart_host, "--endpoints-url", f->web.base, "--ca-file", f->ca_file,
                           "--timeout", "2", "--offline", "--json", NULL };

    run_checkv (f, &offline, args);
  }
  assert_verdict (&offline, "problem");
  assert_first (&offline, "tcp-refused");
  assert_ranges (&offline);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/version/Worldwide"), ==, 1);
  g_assert_cmpuint (mfd_test_web_hits (&f->web, "/endpoints/Worldwide"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  make_test_ca ();

#define ADD(path, func) \
  g_test_add ("/cli/check-internet/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("dns-lame-delegation", test_lame_delegation);
  ADD ("dns-lame-delegation/parent-answers", test_lame_delegation_parent_answers);
  ADD ("dns-lame-delegation/nothing-answers", test_lame_delegation_nothing_answers);
  ADD ("dns-lame-delegation/one-silent", test_lame_delegation_one_silent);
  ADD ("dns-lame-delegation/public-resolves", test_lame_delegation_public_resolves);
  ADD ("dns-lame-delegation/public-fails", test_lame_delegation_public_fails);
  ADD ("dns-stale-cache", test_stale_cache);
  ADD ("dns-split-horizon", test_split_horizon);
  ADD ("dns-split-horizon/mx", test_split_horizon_mx);
  ADD ("dns-split-horizon/implicit-mx", test_split_horizon_implicit_mx);
  ADD ("dns-domain-expired", test_domain_expired);
  ADD ("dns-domain-expired/expiring-soon", test_domain_expiring);
  ADD ("dns-no-address", test_no_address);
  for (guint i = 0; i < G_N_ELEMENTS (web_failures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/check-internet/web-failure/%s", web_failures[i].name);

      g_test_add (path, Fixture, &web_failures[i], fixture_setup, test_web_failure, fixture_teardown);
    }
  ADD ("web-failure/keeps-problem", test_web_failure_keeps_problem);
  ADD ("offline", test_offline);
  ADD ("fan-out/mx", test_fan_out_mx);
  ADD ("fan-out/jobs", test_fan_out_jobs);
  ADD ("fan-out/connections", test_fan_out_connections);
  ADD ("eop-ranges/refused", test_refused_with_ranges);

#undef ADD

  status = g_test_run ();

  mfd_test_remove_tree (test_dir);
  g_free (test_dir);
  g_free (web_ca_pem);
  g_free (server_pem);
  return status;
}
