/* test-ndr.c — the NDR corpus, the cause table and hostile input
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
#include "mfd-test-json.h"

static JsonObject *expected_table;

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return json_node_get_string (node);
}

static char *
format_utc (GDateTime *when)
{
  return when != NULL ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static void
assert_valid_entry (const MfdNdrEntry *entry)
{
  const char *fields[] = { entry->status, entry->text, entry->message, entry->server, entry->ip,
                           entry->reporting_server, entry->cause, entry->raw };

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i] != NULL)
      g_assert_true (g_utf8_validate (fields[i], -1, NULL));
  for (gsize i = 0; entry->recipients != NULL && entry->recipients[i] != NULL; i++)
    g_assert_true (g_utf8_validate (entry->recipients[i], -1, NULL));
}

static void
test_corpus_file (gconstpointer data)
{
  const char *name = data;
  JsonObject *expected = json_object_get_object_member (expected_table, name);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", name, NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdNdrResult) result = NULL;
  g_autoptr(JsonNode) json = NULL;
  MfdNdrEntry *primary;
  g_autofree char *time = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  result = mfd_ndr_parse (contents, len, &error);

  if (json_object_has_member (expected, "error"))
    {
      g_assert_cmpstr (member_string (expected, "error"), ==, "no-entry");
      g_assert_error (error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY);
      g_assert_null (result);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (result);
  for (guint i = 0; i < result->entries->len; i++)
    assert_valid_entry (g_ptr_array_index (result->entries, i));

  g_assert_cmpint (result->entries->len, ==, json_object_get_int_member (expected, "entries"));
  primary = result->primary;
  g_assert_nonnull (primary);
  g_assert_cmpstr (primary->status, ==, member_string (expected, "status"));
  g_assert_cmpstr (primary->server, ==, member_string (expected, "server"));
  g_assert_cmpstr (primary->ip, ==, member_string (expected, "ip"));
  g_assert_cmpint (primary->port, ==, json_object_get_int_member (expected, "port"));
  g_assert_cmpint (primary->expired, ==, json_object_get_boolean_member (expected, "expired"));
  g_assert_cmpstr (primary->cause, ==, member_string (expected, "cause"));

  if (json_object_has_member (expected, "reply"))
    g_assert_cmpint (primary->reply, ==, json_object_get_int_member (expected, "reply"));
  if (json_object_has_member (expected, "source"))
    g_assert_cmpstr (mfd_ndr_source_to_string (primary->source), ==, member_string (expected, "source"));
  if (json_object_has_member (expected, "reporting_server"))
    g_assert_cmpstr (primary->reporting_server, ==, member_string (expected, "reporting_server"));
  if (json_object_has_member (expected, "message"))
    g_assert_cmpstr (primary->message, ==, member_string (expected, "message"));
  if (json_object_has_member (expected, "time"))
    {
      time = format_utc (primary->timestamp);
      g_assert_cmpstr (time, ==, member_string (expected, "time"));
    }
  if (json_object_has_member (expected, "recipients"))
    {
      JsonArray *want = json_object_get_array_member (expected, "recipients");

      g_assert_nonnull (primary->recipients);
      g_assert_cmpuint (g_strv_length (primary->recipients), ==, json_array_get_length (want));
      for (guint i = 0; i < json_array_get_length (want); i++)
        g_assert_cmpstr (primary->recipients[i], ==, json_array_get_string_element (want, i));
    }

  /* The JSON face says the same. */
  json = mfd_report_ndr_to_json (result);
  mfd_test_json_assert_node_valid (json);
  {
    JsonObject *root = json_node_get_object (json);
    JsonObject *p = json_object_get_object_member (root, "primary");

    g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mail-flow-doctor/ndr/1");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "entries")), ==,
                      result->entries->len);
    g_assert_cmpstr (member_string (p, "status"), ==, primary->status);
    g_assert_cmpstr (member_string (p, "server"), ==, primary->server);
    g_assert_cmpint (json_object_get_int_member (p, "port"), ==, primary->port);
  }
}

typedef struct
{
  const char *status;
  const char *message;
  const char *cause;
} ClassifyCase;

static const ClassifyCase classify_cases[] = {
  { "4.4.316", "Socket error code 10061", "tcp-refused" },
  { "4.4.315", "Socket error code 10060", "tcp-timeout" },
  { "4.4.317", "CertificateExpired", "cert-expired" },
  { "4.4.317", "SubjectMismatch Expected Subject: a Presented Subject: b", "cert-name-mismatch" },
  { "4.4.317", "451 5.7.3 STARTTLS is required to send mail", "starttls-missing" },
  { "4.4.317", "451 4.4.0 TLS negotiation failed with error SocketError", "tls-handshake-failed" },
  { "4.4.317", "421 4.3.2 Service not available", "greeting-rejected" },
  { "4.4.317", NULL, NULL },
  { "4.4.312", NULL, NULL },
  { "4.4.312", "NonExistentDomain", "dns-nxdomain" },
  { "4.4.312", "ServerFailure", "dns-servfail" },
  { "4.4.315", NULL, "tcp-timeout" },
  { "4.4.316", NULL, "tcp-refused" },
  { "5.4.316", "Socket error code 10061", "tcp-refused" },
  { "4.4.318", NULL, "closed-abruptly" },
  { "4.7.320", NULL, NULL },
  { "4.7.320", "CertificateExpired", "cert-expired" },
  { "4.7.321", NULL, "dane-starttls-missing" },
  { "5.7.322", NULL, "dane-cert-expired" },
  { "4.7.323", NULL, "dane-tlsa-mismatch" },
  { "4.7.324", NULL, "dane-dnssec-bogus" },
  { "5.7.325", NULL, "dane-name-mismatch" },
  { "5.4.310", NULL, "dns-nxdomain" },
  { "4.4.8", NULL, "other" },
  { "5.7.5", NULL, "other" },
  { "4.4.7", NULL, NULL },
  { "5.4.300", NULL, NULL },
  { "5.1.10", NULL, "other" },
  { NULL, "Socket error code 10061", "tcp-refused" },
  { NULL, NULL, NULL },
};

static void
test_classify (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (classify_cases); i++)
    {
      const ClassifyCase *c = &classify_cases[i];

      g_test_message ("%s / %s", c->status, c->message);
      g_assert_cmpstr (mfd_ndr_classify (c->status, c->message), ==, c->cause);
    }
  g_assert_true (mfd_ndr_status_is_generic_expiry ("4.4.7"));
  g_assert_true (mfd_ndr_status_is_generic_expiry ("5.4.7"));
  g_assert_true (mfd_ndr_status_is_generic_expiry ("5.4.300"));
  g_assert_false (mfd_ndr_status_is_generic_expiry ("5.4.316"));
  g_assert_false (mfd_ndr_status_is_generic_expiry (NULL));
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  MfdNdrResult *result;
  const char nuls[] = "\0\0 \n\0";

  result = mfd_ndr_parse ("", 0, &error);
  g_assert_null (result);
  g_assert_error (error, MFD_NDR_ERROR, MFD_NDR_ERROR_EMPTY);
  g_clear_error (&error);

  result = mfd_ndr_parse (nuls, sizeof nuls - 1, &error);
  g_assert_null (result);
  g_assert_error (error, MFD_NDR_ERROR, MFD_NDR_ERROR_EMPTY);
  g_clear_error (&error);

  result = mfd_ndr_parse ("just some words\n", 16, &error);
  g_assert_null (result);
  g_assert_error (error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
test_too_large (void)
{
  gsize len = MFD_NDR_MAX_INPUT + 1;
  g_autofree char *data = g_malloc (len);
  g_autoptr(GError) error = NULL;
  MfdNdrResult *result;

  memset (data, 'a', len);
  result = mfd_ndr_parse (data, len, &error);
  g_assert_null (result);
  g_assert_error (error, MFD_NDR_ERROR, MFD_NDR_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Exactly the cap is still read. */
  memcpy (data, "450 4.4.316 Connection refused ", 31);
  result = mfd_ndr_parse (data, MFD_NDR_MAX_INPUT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  mfd_ndr_result_unref (result);
}

/* Whatever comes back must be a result or one of our errors, with valid
 * strings; the suite's timeout bounds how long it may take. */
static void
parse_hostile (const char *data,
               gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdNdrResult) result = mfd_ndr_parse (data, len, &error);

  if (result == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == MFD_NDR_ERROR);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (result->entries->len, >, 0);
  g_assert_cmpuint (result->entries->len, <=, MFD_NDR_MAX_ENTRIES);
  for (guint i = 0; i < result->entries->len; i++)
    assert_valid_entry (g_ptr_array_index (result->entries, i));
}

static GString *
repeat (const char *piece,
        gsize       total)
{
  GString *s = g_string_sized_new (total + strlen (piece));

  while (s->len < total)
    g_string_append (s, piece);
  return s;
}

static void
test_hostile_junk (void)
{
  gsize len = 4 * 1024 * 1024;
  g_autofree guint8 *junk = g_malloc (len);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260301);

  for (gsize i = 0; i < len; i++)
    junk[i] = (guint8) g_rand_int_range (rand, 0, 256);
  parse_hostile ((const char *) junk, len);

  /* Junk made of the characters the parser cares about. */
  for (gsize i = 0; i < len; i++)
    junk[i] = "45 .[]{}='()\n:;-0123LED=Server at"[g_rand_int_range (rand, 0, 34)];
  parse_hostile ((const char *) junk, len);
}

static void
test_hostile_nul_and_utf8 (void)
{
  const char with_nul[] = "450 4.4.316 Connection\0 refused [LastAttemptedServerName=mail.contoso.com] "
                          "[LastAttemptedIP=203.0.113.25:25]\0\0";
  const char bad_utf8[] = "\xff\xfe" "450 4.4.316 Conn\xc3 refused [Message=Socket error \xe3\x81 code 10061] "
                          "[LastAttemptedServerName=mail.contoso.com\xff] [LastAttemptedIP=203.0.113.25:25]";
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdNdrResult) result = NULL;
  g_autoptr(MfdNdrResult) result2 = NULL;

  result = mfd_ndr_parse (with_nul, sizeof with_nul - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->primary->status, ==, "4.4.316");
  g_assert_cmpstr (result->primary->ip, ==, "203.0.113.25");
  assert_valid_entry (result->primary);

  result2 = mfd_ndr_parse (bad_utf8, sizeof bad_utf8 - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result2->primary->status, ==, "4.4.316");
  g_assert_cmpstr (result2->primary->cause, ==, "tcp-refused");
  g_assert_cmpstr (result2->primary->ip, ==, "203.0.113.25");
  assert_valid_entry (result2->primary);
}

static void
test_hostile_brackets (void)
{
  g_autoptr(GString) open = g_string_new ("450 4.4.316 Connection refused ");
  g_autoptr(GString) nested = g_string_new (NULL);
  g_autoptr(GString) lines = NULL;
  g_autoptr(GString) codes = NULL;
  g_autoptr(GString) traces = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (open, '[');
  parse_hostile (open->str, open->len);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '[');
  g_string_append (nested, "Message=450 4.4.316 inside");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, ']');
  g_string_prepend (nested, "450 4.4.317 Cannot connect to remote server ");
  parse_hostile (nested->str, nested->len);

  /* Every line opens a bracket, so a naive join would be quadratic. */
  lines = repeat ("450 4.4.316 a [Message=x\n", 4 * 1024 * 1024);
  parse_hostile (lines->str, lines->len);

  codes = repeat ("450 4.4.316 ", 4 * 1024 * 1024);
  parse_hostile (codes->str, codes->len);

  traces = repeat ("{LED=450 4.4.316 [[[{LED=};{", 2 * 1024 * 1024);
  parse_hostile (traces->str, traces->len);
}

static void
test_hostile_message (void)
{
  g_autoptr(GString) eml = g_string_new ("From: a@contoso.com\r\nDate: x\r\nMIME-Version: 1.0\r\n"
                                         "Content-Type: multipart/report; boundary=\"b\"\r\n\r\n");
  g_autoptr(GString) deep = g_string_new ("From: a@contoso.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                                          "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");

  for (guint i = 0; i < 20000; i++)
    g_string_append (eml, "--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.4.316\r\n"
                          "Diagnostic-Code: smtp; 550 5.4.316 [\r\n");
  parse_hostile (eml->str, eml->len);

  /* An empty delivery-status part next to a readable one. */
  {
    const char empty_part[] =
      "From: a@contoso.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; boundary=\"e\"\r\n\r\n"
      "--e\r\nContent-Type: message/delivery-status\r\n\r\n"
      "--e\r\nContent-Type: text/plain\r\n\r\n450 4.4.316 Connection refused\r\n--e--\r\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(MfdNdrResult) result = mfd_ndr_parse (empty_part, sizeof empty_part - 1, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (result->primary->status, ==, "4.4.316");
  }

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (deep, "--b%u\r\nContent-Type: multipart/mixed; boundary=\"b%u\"\r\n\r\n", i, i + 1);
  g_string_append (deep, "--b2000\r\nContent-Type: text/plain\r\n\r\n450 4.4.316 Connection refused\r\n");
  parse_hostile (deep->str, deep->len);
}

static gpointer
parse_in_thread (gpointer data)
{
  const char *name = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MfdNdrResult) result = mfd_ndr_parse (contents, len, &error);

      g_assert_no_error (error);
      g_assert_nonnull (result->primary);
    }
  return NULL;
}

/* GMime is initialised on first use, from whichever thread gets there. */
static void
test_threads (void)
{
  const char *names[] = { "eml-report-en.eml", "eml-ja-iso2022jp.eml", "eml-ja-base64-utf8.eml",
                          "dsn-pasted.txt" };
  GThread *threads[G_N_ELEMENTS (names)];

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    threads[i] = g_thread_new ("parse", parse_in_thread, (gpointer) names[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_thread_join (threads[i]);
}

static void
test_render (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", "ndr-body-en.txt", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdNdrResult) result = NULL;
  g_autofree char *en = NULL;
  g_autofree char *ja = NULL;
  g_autofree char *md = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  result = mfd_ndr_parse (contents, len, &error);
  g_assert_no_error (error);

  en = mfd_report_render_ndr (result, MFD_REPORT_TEXT, "en");
  g_assert_nonnull (strstr (en, "550 5.4.316"));
  g_assert_nonnull (strstr (en, "mail.contoso.com (203.0.113.25:25)"));
  g_assert_nonnull (strstr (en, "tcp-refused"));
  g_assert_nonnull (strstr (en, "Expired"));
  g_assert_nonnull (strstr (en, "Temporary"));

  ja = mfd_report_render_ndr (result, MFD_REPORT_TEXT, "ja");
  g_assert_true (g_utf8_validate (ja, -1, NULL));
  g_assert_nonnull (strstr (ja, "550 5.4.316"));
  g_assert_nonnull (strstr (ja, "tcp-refused"));
  g_assert_nonnull (strstr (ja, "宛先サーバー"));
  g_assert_null (strstr (ja, "Temporary"));

  md = mfd_report_render_ndr (result, MFD_REPORT_MARKDOWN, "en");
  g_assert_true (g_str_has_prefix (md, "## "));
  g_assert_nonnull (strstr (md, "- **Destination server**: mail.contoso.com"));
}

static void
on_parsed_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static GAsyncResult *
wait_for_parse (GBytes       *bytes,
                GCancellable *cancellable)
{
  GAsyncResult *res = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  mfd_ndr_parse_bytes_async (bytes, cancellable, on_parsed_cb, &res);
  while (res == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (res);
  return res;
}

/* The worker-thread form gives what the blocking one gives, reports errors
 * the same way, and answers a cancellation at once. */
static void
test_async (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", "queue-316-refused.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("  \n", 3);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) res_empty = NULL;
  g_autoptr(GAsyncResult) res_cancelled = NULL;
  g_autoptr(MfdNdrResult) result = NULL;
  g_autoptr(MfdNdrResult) sync_result = NULL;
  g_autoptr(MfdNdrResult) none = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new (contents, len);
  sync_result = mfd_ndr_parse_bytes (bytes, &error);
  g_assert_no_error (error);

  res = wait_for_parse (bytes, NULL);
  result = mfd_ndr_parse_bytes_finish (res, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result->primary);
  g_assert_cmpuint (result->entries->len, ==, sync_result->entries->len);
  g_assert_cmpstr (result->primary->status, ==, sync_result->primary->status);
  g_assert_cmpstr (result->primary->server, ==, sync_result->primary->server);
  g_assert_cmpstr (result->primary->ip, ==, sync_result->primary->ip);

  res_empty = wait_for_parse (empty, NULL);
  none = mfd_ndr_parse_bytes_finish (res_empty, &error);
  g_assert_error (error, MFD_NDR_ERROR, MFD_NDR_ERROR_EMPTY);
  g_assert_null (none);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  res_cancelled = wait_for_parse (bytes, cancellable);
  g_assert_null (mfd_ndr_parse_bytes_finish (res_cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) names = NULL;

  setlocale (LC_ALL, "");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);

  path = g_test_build_filename (G_TEST_DIST, "data", "ndr", "expected.json", NULL);
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s: %s", path, error->message);
  expected_table = json_node_get_object (json_parser_get_root (parser));

  names = json_object_get_members (expected_table);
  names = g_list_sort (names, (GCompareFunc) strcmp);
  g_assert_cmpuint (g_list_length (names), >=, 30);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *test_path = g_strconcat ("/ndr/corpus/", (const char *) l->data, NULL);

      g_test_add_data_func (test_path, l->data, test_corpus_file);
    }

  g_test_add_func ("/ndr/classify", test_classify);
  g_test_add_func ("/ndr/errors", test_errors);
  g_test_add_func ("/ndr/hostile/too-large", test_too_large);
  g_test_add_func ("/ndr/hostile/junk", test_hostile_junk);
  g_test_add_func ("/ndr/hostile/nul-and-utf8", test_hostile_nul_and_utf8);
  g_test_add_func ("/ndr/hostile/brackets", test_hostile_brackets);
  g_test_add_func ("/ndr/hostile/message", test_hostile_message);
  g_test_add_func ("/ndr/threads", test_threads);
  g_test_add_func ("/ndr/render", test_render);
  g_test_add_func ("/ndr/async", test_async);

  return g_test_run ();
}
