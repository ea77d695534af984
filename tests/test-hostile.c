/* test-hostile.c — hostile inputs end with a clear error, within bounds
 *
 * Each case feeds a module something built to exhaust it (a 100 MB
 * document, 10,000 levels of nesting) and asserts a clear GError, a time
 * bound and a bound on the process's peak resident memory (ru_maxrss) above
 * what it was before the case.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "mfd-tls.h"
#include "mfd-web-parse.h"

#define HUNDRED_MB (100 * 1024 * 1024)
#define DEEP 10000

/* The memory a case may add to the peak: the caps of the parsers (16 MB of
 * connector text, decoded once and parsed) with room for the allocator. */
#define MAX_GROWTH_KB (64 * 1024)

/* The peak (ru_maxrss) only grows: each memory-bound case runs in a fresh
 * process of its own so that an earlier case's peak cannot hide its own. */
#define RUN_IN_OWN_PROCESS()                                                 \
  G_STMT_START {                                                             \
    if (!g_test_subprocess ())                                               \
      {                                                                      \
        g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);  \
        g_test_trap_assert_passed ();                                        \
        return;                                                              \
      }                                                                      \
  } G_STMT_END

static glong
peak_rss_kb (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* Reports how much the peak grew since @before and asserts the bound. */
static void
assert_growth_bounded (glong before)
{
  glong grown = peak_rss_kb () - before;

  g_printerr ("# %s: peak RSS grew by %ld KB\n", g_test_get_path (), grown);
  g_assert_cmpint (grown, <, MAX_GROWTH_KB);
}

/* @depth copies of @open, a value, then @depth copies of @close. */
static GString *
nested_document (const char *open,
                 const char *close,
                 guint       depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  g_string_append (text, "1");
  for (guint i = 0; i < depth; i++)
    g_string_append (text, close);
  return text;
}

/* A file of @size bytes that is valid JSON (an array padded with spaces),
 * written in chunks so that the test itself never holds it in memory. */
static char *
write_huge_json (const char *dir,
                 gsize       size)
{
  char *path = g_build_filename (dir, "huge.json", NULL);
  char chunk[65536];
  FILE *f = g_fopen (path, "wb");
  gsize written = 0;

  g_assert_nonnull (f);
  memset (chunk, ' ', sizeof chunk);
  fputc ('[', f);
  written++;
  while (written < size - 1)
    {
      gsize n = MIN (sizeof chunk, size - 1 - written);

      g_assert_cmpuint (fwrite (chunk, 1, n, f), ==, n);
      written += n;
    }
  fputc (']', f);
  g_assert_cmpint (fclose (f), ==, 0);
  return path;
}

static void
test_connector_store_100mb (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mfd-hostile-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(MfdConnectorStore) store = NULL;
  glong before;
  gint64 start;

  RUN_IN_OWN_PROCESS ();

  g_assert_no_error (error);
  path = write_huge_json (dir, HUNDRED_MB);

  before = peak_rss_kb ();
  start = g_get_monotonic_time ();
  store = mfd_connector_store_new (path);
  g_assert_false (mfd_connector_store_load (store, &error));
  g_assert_true (error->domain == MFD_CONNECTOR_ERROR);
  g_assert_true (error->code == MFD_CONNECTOR_ERROR_TOO_LARGE ||
                 error->code == MFD_CONNECTOR_ERROR_CORRUPT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  assert_growth_bounded (before);

  /* Whatever the store did with the file (kept, or set aside), remove it. */
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);

        g_assert_cmpint (g_unlink (child), ==, 0);
      }
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_connector_import_100mb (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autofree char *huge = g_malloc (HUNDRED_MB);
  glong before;
  gint64 start;

  RUN_IN_OWN_PROCESS ();

  memset (huge, ' ', HUNDRED_MB);
  huge[0] = '[';
  huge[HUNDRED_MB - 1] = ']';

  before = peak_rss_kb ();
  start = g_get_monotonic_time ();
  connectors = mfd_connector_import (huge, HUNDRED_MB, &error);
  g_assert_error (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE);
  g_assert_null (connectors);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  assert_growth_bounded (before);
}

typedef gpointer (*ParseFunc) (const char *text,
                               gsize       len,
                               GError    **error);

static gpointer
import_connectors (const char *text,
                   gsize       len,
                   GError    **error)
{
  return mfd_connector_import (text, len, error);
}

static gpointer
parse_web_body (const char *text,
                gsize       len,
                GError    **error)
{
  return mfd_web_parse_json_body (text, len, error);
}

/* @open … @close nested DEEP times must be refused by @parse with @domain
 * and @code before memory grows; with @unclosed, the same document cut
 * after its opening half gets the same answer, not a parse error from deep
 * inside. */
static void
assert_deep_refused (ParseFunc   parse,
                     const char *open,
                     const char *close,
                     GQuark      domain,
                     int         code,
                     gboolean    unclosed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = nested_document (open, close, DEEP);
  gpointer result;
  glong before;

  before = peak_rss_kb ();
  result = parse (text->str, text->len, &error);
  g_assert_error (error, domain, code);
  g_assert_null (result);
  assert_growth_bounded (before);

  if (unclosed)
    {
      g_clear_error (&error);
      g_string_truncate (text, DEEP * strlen (open));
      result = parse (text->str, text->len, &error);
      g_assert_error (error, domain, code);
      g_assert_null (result);
    }
}

/* Arrays, objects and both interleaved, each 10,000 deep, inside the size
 * cap: only the depth check can refuse them, before json-glib recurses. */
static void
test_connector_import_deep (void)
{
  static const char * const opens[] = { "[", "{\"a\":", "[{\"b\":" };
  static const char * const closes[] = { "]", "}", "}]" };

  RUN_IN_OWN_PROCESS ();

  for (guint kind = 0; kind < G_N_ELEMENTS (opens); kind++)
    assert_deep_refused (import_connectors, opens[kind], closes[kind],
                         MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE, TRUE);
}

/* The web's documents: what an HTTP body may be once the fetch has let it
 * through. 10,000 levels and 100 MB of values are refused by the shape check
 * before json-glib allocates a node for them. */
static void
test_web_body_deep (void)
{
  static const char * const opens[] = { "[", "{\"a\":" };
  static const char * const closes[] = { "]", "}" };

  RUN_IN_OWN_PROCESS ();

  for (guint kind = 0; kind < G_N_ELEMENTS (opens); kind++)
    assert_deep_refused (parse_web_body, opens[kind], closes[kind], MFD_WEB_ERROR, MFD_WEB_ERROR_TOO_LARGE, FALSE);
}

static void
test_web_body_100mb (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *huge = g_malloc (HUNDRED_MB);
  glong before;
  gint64 start;

  RUN_IN_OWN_PROCESS ();

  /* [1,1,1,…]: 50 million values, valid JSON. */
  huge[0] = '[';
  for (gsize i = 1; i < HUNDRED_MB - 1; i += 2)
    {
      huge[i] = '1';
      huge[i + 1] = ',';
    }
  huge[HUNDRED_MB - 2] = '1';
  huge[HUNDRED_MB - 1] = ']';

  before = peak_rss_kb ();
  start = g_get_monotonic_time ();
  root = mfd_web_parse_json_body (huge, HUNDRED_MB, &error);
  g_assert_error (error, MFD_WEB_ERROR, MFD_WEB_ERROR_TOO_LARGE);
  g_assert_null (root);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  assert_growth_bounded (before);
}

/* What json-glib reads differently from JSON, in front of 300,000 "[":
 * json-glib 1.6 skips "/ … /" as a comment and reads 'single-quoted'
 * strings, and after a high surrogate it swallows the next two characters
 * whatever they are (here the closing quote). A scanner that takes the
 * quote inside for the start of a string misses every bracket after it,
 * and json-glib's recursion then overflows the stack. */
#define HIDDEN_DEPTH 300000

static const char * const hiding_prefixes[] = {
  "/* \" */",
  "// \"\n",
  "'\"'",
  "[\"\\ud800\", \"",
};

static GString *
hidden_nesting (const char *prefix)
{
  GString *text = g_string_new (prefix);

  for (guint i = 0; i < HIDDEN_DEPTH; i++)
    g_string_append_c (text, '[');
  return text;
}

static void
test_connector_import_hidden_nesting (void)
{
  RUN_IN_OWN_PROCESS ();

  for (guint i = 0; i < G_N_ELEMENTS (hiding_prefixes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) connectors = NULL;
      g_autoptr(GString) text = hidden_nesting (hiding_prefixes[i]);

      g_test_message ("prefix %s", hiding_prefixes[i]);
      connectors = mfd_connector_import (text->str, text->len, &error);
      g_assert_null (connectors);
      g_assert_nonnull (error);
      g_assert_true (error->domain == MFD_CONNECTOR_ERROR);
      g_assert_true (error->code == MFD_CONNECTOR_ERROR_PARSE ||
                     error->code == MFD_CONNECTOR_ERROR_TOO_LARGE);
    }
}

static void
test_web_body_hidden_nesting (void)
{
  RUN_IN_OWN_PROCESS ();

  for (guint i = 0; i < G_N_ELEMENTS (hiding_prefixes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GString) text = hidden_nesting (hiding_prefixes[i]);
      g_autofree char *id = NULL;

      g_test_message ("prefix %s", hiding_prefixes[i]);
      root = mfd_web_parse_json_body (text->str, text->len, &error);
      g_assert_null (root);
      g_assert_nonnull (error);
      g_assert_true (error->domain == MFD_WEB_ERROR);

      /* The endpoints cache file goes through the same check. */
      g_assert_null (mfd_web_eop_cache_parse (text->str, text->len, "https://endpoints.office.com", &id));
    }
}

/* Certificates built here with gnutls: a key per certificate (P-256, fast
 * to make), signed by the previous one, with whatever fields a case wants. */
typedef struct
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t     crt;
  gnutls_datum_t        der;
} Cert;

static void
cert_clear (Cert *cert)
{
  gnutls_free (cert->der.data);
  gnutls_x509_crt_deinit (cert->crt);
  gnutls_x509_privkey_deinit (cert->key);
}

typedef struct
{
  const char *cn;
  gsize       cn_len;          /* 0 = strlen */
  guint       n_sans;          /* copies of mail.contoso.test, and then some */
  time_t      not_before;      /* 0 = an hour ago */
  time_t      not_after;       /* 0 = in a day */
  gboolean    ca;
} CertSpec;

static void
cert_make (Cert           *cert,
           const CertSpec *spec,
           Cert           *issuer,
           guint           serial)
{
  time_t now = time (NULL);
  guint8 serial_bytes[4] = { serial >> 24, serial >> 16, serial >> 8, serial };

  g_assert_cmpint (gnutls_x509_privkey_init (&cert->key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (cert->key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&cert->crt), ==, 0);
  gnutls_x509_crt_set_version (cert->crt, 3);
  gnutls_x509_crt_set_serial (cert->crt, serial_bytes, sizeof serial_bytes);
  gnutls_x509_crt_set_activation_time (cert->crt, spec->not_before ? spec->not_before : now - 3600);
  gnutls_x509_crt_set_expiration_time (cert->crt, spec->not_after ? spec->not_after : now + 86400);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (cert->crt, GNUTLS_OID_X520_COMMON_NAME, 0, spec->cn,
                                                  spec->cn_len ? spec->cn_len : strlen (spec->cn)), ==, 0);
  gnutls_x509_crt_set_key (cert->crt, cert->key);
  gnutls_x509_crt_set_basic_constraints (cert->crt, spec->ca, -1);
  if (spec->ca)
    gnutls_x509_crt_set_key_usage (cert->crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  for (guint i = 0; i < spec->n_sans; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup ("mail.contoso.test") : g_strdup_printf ("n%u.contoso.test", i);

      gnutls_x509_crt_set_subject_alt_name (cert->crt, GNUTLS_SAN_DNSNAME, name, strlen (name), GNUTLS_FSAN_APPEND);
    }
  g_assert_cmpint (gnutls_x509_crt_sign2 (cert->crt, issuer ? issuer->crt : cert->crt,
                                          issuer ? issuer->key : cert->key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (cert->crt, GNUTLS_X509_FMT_DER, &cert->der), ==, 0);
}

static char *
write_ca_file (const char *dir,
               Cert       *root)
{
  char *path = g_build_filename (dir, "ca.pem", NULL);
  gnutls_datum_t pem = { NULL, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gnutls_x509_crt_export2 (root->crt, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  g_file_set_contents (path, (const char *) pem.data, pem.size, &error);
  g_assert_no_error (error);
  gnutls_free (pem.data);
  return path;
}

/* Every observation a hostile certificate yields is a finished, readable
 * one: text in UTF-8, a cause when it is not OK. */
static void
assert_readable (MfdObservation *obs)
{
  g_autofree char *detail = mfd_observation_dup_detail (obs, "en");

  g_assert_nonnull (obs);
  g_assert_cmpint (obs->stage, ==, MFD_STAGE_CERTIFICATE);
  g_assert_true (detail == NULL || g_utf8_validate (detail, -1, NULL));
  g_assert_true (obs->outcome == MFD_OUTCOME_OK || obs->cause != NULL);
  for (const char * const *key = (const char * const[]) { "chain", "not-after", NULL }; *key; key++)
    {
      const char *fact = mfd_observation_get_fact (obs, *key);

      g_assert_true (fact == NULL || g_utf8_validate (fact, -1, NULL));
    }
}

/* A server that sends a root, 48 intermediates and its own certificate:
 * the check reads what it can (at most a TLS chain's worth) and says the
 * chain cannot be trusted, quickly, instead of walking it all. */
static void
test_tls_chain_of_50 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mfd-hostile-XXXXXX", &error);
  g_autofree char *ca_file = NULL;
  g_autoptr(MfdObservation) obs = NULL;
  Cert certs[50];
  gnutls_datum_t chain[50];
  gint64 start;

  g_assert_no_error (error);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *cn = i == 49 ? g_strdup ("mail.contoso.test") : g_strdup_printf ("Hostile CA %u", i);
      CertSpec spec = { .cn = cn, .ca = i < 49, .n_sans = i == 49 };

      cert_make (&certs[i], &spec, i > 0 ? &certs[i - 1] : NULL, i + 1);
      chain[49 - i] = certs[i].der;   /* the server's own certificate first */
    }
  ca_file = write_ca_file (dir, &certs[0]);

  start = g_get_monotonic_time ();
  obs = mfd_tls_verify_chain (chain, G_N_ELEMENTS (chain), "mail.contoso.test", "127.0.0.1", 25,
                              MFD_TLS_DOMAIN_VALIDATION, "mail.contoso.test", ca_file);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  assert_readable (obs);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);

  for (guint i = 0; i < 50; i++)
    cert_clear (&certs[i]);
  g_assert_cmpint (g_unlink (ca_file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Fields no CA would issue: each yields a readable finding, and a name
 * with a NUL inside never matches the name before the NUL. */
static void
test_tls_absurd_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mfd-hostile-XXXXXX", &error);
  g_autofree char *ca_file = NULL;
  g_autofree char *long_cn = g_strnfill (60000, 'a');
  static const char nul_cn[] = "mail.contoso.test\0.evil.test";
  static const char bad_utf8_cn[] = "mail.\xff\xfe.contoso.test";
  Cert root;
  CertSpec root_spec = { .cn = "Hostile root", .ca = TRUE };
  const struct
  {
    const char *name;
    CertSpec    spec;
    gboolean    must_fail;
  } cases[] = {
    { "60 KB common name", { .cn = long_cn }, TRUE },
    { "500 alternative names", { .cn = "mail.contoso.test", .n_sans = 500 }, FALSE },
    { "NUL inside the name", { .cn = nul_cn, .cn_len = sizeof nul_cn - 1 }, TRUE },
    { "not UTF-8", { .cn = bad_utf8_cn }, TRUE },
    { "valid from 9999", { .cn = "mail.contoso.test", .n_sans = 1, .not_before = (time_t) 253402300000 }, TRUE },
    { "expired in 1950", { .cn = "mail.contoso.test", .n_sans = 1, .not_before = (time_t) -631152000, .not_after = (time_t) -631000000 }, TRUE },
    { "ends before it starts", { .cn = "mail.contoso.test", .n_sans = 1, .not_before = time (NULL), .not_after = time (NULL) - 86400 }, TRUE },
  };

  g_assert_no_error (error);
  cert_make (&root, &root_spec, NULL, 1);
  ca_file = write_ca_file (dir, &root);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MfdObservation) obs = NULL;
      gnutls_datum_t chain[2];
      Cert leaf;
      gint64 start;

      g_test_message ("%s", cases[i].name);
      cert_make (&leaf, &cases[i].spec, &root, i + 2);
      chain[0] = leaf.der;
      chain[1] = root.der;

      start = g_get_monotonic_time ();
      obs = mfd_tls_verify_chain (chain, G_N_ELEMENTS (chain), "mail.contoso.test", "127.0.0.1", 25,
                                  MFD_TLS_DOMAIN_VALIDATION, "mail.contoso.test", ca_file);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
      assert_readable (obs);
      if (cases[i].must_fail)
        g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
      else
        g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
      cert_clear (&leaf);
    }

  cert_clear (&root);
  g_assert_cmpint (g_unlink (ca_file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile/connector/import-100mb", test_connector_import_100mb);
  g_test_add_func ("/hostile/connector/store-100mb", test_connector_store_100mb);
  g_test_add_func ("/hostile/connector/import-10000-deep", test_connector_import_deep);
  g_test_add_func ("/hostile/connector/import-hidden-nesting", test_connector_import_hidden_nesting);

  g_test_add_func ("/hostile/web/body-10000-deep", test_web_body_deep);
  g_test_add_func ("/hostile/web/body-100mb", test_web_body_100mb);
  g_test_add_func ("/hostile/web/body-hidden-nesting", test_web_body_hidden_nesting);

  g_test_add_func ("/hostile/tls/chain-of-50", test_tls_chain_of_50);
  g_test_add_func ("/hostile/tls/absurd-fields", test_tls_absurd_fields);

  return g_test_run ();
}
