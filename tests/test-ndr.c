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

/* Every field of an entry as the corpus table writes it. */
static JsonNode *
entry_to_json (const MfdNdrEntry *entry)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *time = format_utc (entry->timestamp);

#define STR(name, value) \
  json_builder_set_member_name (b, name); \
  if ((value) != NULL) json_builder_add_string_value (b, value); else json_builder_add_null_value (b)
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reply");
  json_builder_add_int_value (b, entry->reply);
  STR ("status", entry->status);
  STR ("text", entry->text);
  STR ("message", entry->message);
  STR ("server", entry->server);
  STR ("ip", entry->ip);
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, entry->port);
  STR ("reporting_server", entry->reporting_server);
  STR ("time", time);
  json_builder_set_member_name (b, "expired");
  json_builder_add_boolean_value (b, entry->expired);
  json_builder_set_member_name (b, "delayed");
  json_builder_add_boolean_value (b, entry->delayed);
  json_builder_set_member_name (b, "recipients");
  json_builder_begin_array (b);
  for (gsize i = 0; entry->recipients != NULL && entry->recipients[i] != NULL; i++)
    json_builder_add_string_value (b, entry->recipients[i]);
  json_builder_end_array (b);
  STR ("cause", entry->cause);
  STR ("source", mfd_ndr_source_to_string (entry->source));
  STR ("raw", entry->raw);
  json_builder_end_object (b);
#undef STR
  return json_builder_get_root (b);
}

static gboolean
parse_corpus_file (const char     *name,
                   MfdNdrResult  **result,
                   GError        **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  *result = mfd_ndr_parse (contents, len, error);
  return *result != NULL;
}

static guint
primary_index (MfdNdrResult *result)
{
  for (guint i = 0; i < result->entries->len; i++)
    if (result->entries->pdata[i] == result->primary)
      return i;
  g_assert_not_reached ();
}

/* Every field of every entry, and which one is primary. */
static void
test_corpus_file (gconstpointer data)
{
  const char *name = data;
  JsonObject *expected = json_object_get_object_member (expected_table, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdNdrResult) result = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonArray *want;

  parse_corpus_file (name, &result, &error);

  if (json_object_has_member (expected, "error"))
    {
      g_assert_cmpstr (member_string (expected, "error"), ==, "no-entry");
      g_assert_error (error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY);
      g_assert_null (result);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (result);
  want = json_object_get_array_member (expected, "entries");
  g_assert_cmpuint (result->entries->len, ==, json_array_get_length (want));
  for (guint i = 0; i < result->entries->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (result->entries, i);
      g_autoptr(JsonNode) got = entry_to_json (entry);
      JsonObject *got_object = json_node_get_object (got);
      JsonObject *want_object = json_array_get_object_element (want, i);
      g_autoptr(GList) fields = json_object_get_members (got_object);

      assert_valid_entry (entry);
      /* The table names every field: one left out is a field nobody checks. */
      g_assert_cmpuint (json_object_get_size (want_object), ==, json_object_get_size (got_object));
      for (GList *l = fields; l != NULL; l = l->next)
        {
          JsonNode *w = json_object_get_member (want_object, l->data);
          JsonNode *g = json_object_get_member (got_object, l->data);

          g_test_message ("%s entry %u field %s", name, i, (const char *) l->data);
          g_assert_nonnull (w);
          g_assert_true (json_node_equal (w, g));
        }
    }
  g_assert_cmpint (primary_index (result), ==, json_object_get_int_member (expected, "primary"));

  /* The JSON face says the same. */
  json = mfd_report_ndr_to_json (result);
  mfd_test_json_assert_node_valid (json);
  {
    JsonObject *root = json_node_get_object (json);
    JsonObject *p = json_object_get_object_member (root, "primary");
    MfdNdrEntry *primary = result->primary;

    g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mail-flow-doctor/ndr/1");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "entries")), ==,
                      result->entries->len);
    g_assert_cmpstr (member_string (p, "status"), ==, primary->status);
    g_assert_cmpstr (member_string (p, "server"), ==, primary->server);
    g_assert_cmpint (json_object_get_int_member (p, "port"), ==, primary->port);
    g_assert_cmpint (json_object_get_boolean_member (p, "expired"), ==, primary->expired);
    g_assert_cmpint (json_object_get_boolean_member (p, "delayed"), ==, primary->delayed);
  }
}

/* The corpus's own promise: no text that writes an enhanced status code in
 * its own words ends as "no delivery error", and each parses quickly. The
 * time is reported, not asserted: the machines are shared. */
static void
test_corpus_all (void)
{
  g_autoptr(GList) names = json_object_get_members (expected_table);
  GRegex *status_re = g_regex_new ("(?<![\\w.])[245]\\.\\d{1,3}\\.\\d{1,3}(?![\\w])", 0, 0, NULL);
  gint64 slowest = 0;
  const char *slowest_name = NULL;
  guint n = 0;

  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", l->data, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(MfdNdrResult) result = NULL;
      gsize len;
      gint64 start, took;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      /* The best of five: what the parser costs, not what a busy machine
       * added to one run. */
      took = G_MAXINT64;
      for (guint k = 0; k < 5; k++)
        {
          g_clear_error (&error);
          g_clear_pointer (&result, mfd_ndr_result_unref);
          start = g_get_monotonic_time ();
          result = mfd_ndr_parse (contents, len, &error);
          took = MIN (took, g_get_monotonic_time () - start);
        }
      if (took > slowest)
        slowest = took, slowest_name = l->data;
      n++;
      if (result == NULL && g_regex_match (status_re, contents, 0, NULL) &&
          !g_str_has_prefix (l->data, "no-error"))
        g_error ("%s writes a status code but parsed to: %s", (const char *) l->data, error->message);
    }
  g_regex_unref (status_re);
  g_test_message ("%u samples; slowest parse (best of 5) %" G_GINT64_FORMAT " µs (%s)", n, slowest, slowest_name);
  g_assert_cmpuint (n, >=, 150);
}

/* What the person who wrote each bounce says it holds (status, server and
 * address per entry, and the primary; bounce-intent.json from
 * make-bounces.py) is what expected.json expects. */
static void
test_corpus_intent (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", "bounce-intent.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GList) names = NULL;
  JsonObject *intent;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  intent = json_node_get_object (json_parser_get_root (parser));
  names = json_object_get_members (intent);
  g_assert_cmpuint (g_list_length (names), >=, 150);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *want = json_object_get_object_member (intent, l->data);
      JsonObject *have = json_object_get_object_member (expected_table, l->data);
      JsonArray *want_entries = json_object_get_array_member (want, "entries");
      JsonArray *have_entries;

      g_test_message ("%s", (const char *) l->data);
      g_assert_nonnull (have);
      have_entries = json_object_get_array_member (have, "entries");
      g_assert_cmpint (json_object_get_int_member (have, "primary"), ==, json_object_get_int_member (want, "primary"));
      g_assert_cmpuint (json_array_get_length (have_entries), ==, json_array_get_length (want_entries));
      for (guint i = 0; i < json_array_get_length (want_entries); i++)
        {
          JsonArray *w = json_array_get_array_element (want_entries, i);
          JsonObject *h = json_array_get_object_element (have_entries, i);

          g_assert_cmpstr (member_string (h, "status"), ==, json_array_get_null_element (w, 0) ? NULL : json_array_get_string_element (w, 0));
          g_assert_cmpstr (member_string (h, "server"), ==, json_array_get_null_element (w, 1) ? NULL : json_array_get_string_element (w, 1));
          g_assert_cmpstr (member_string (h, "ip"), ==, json_array_get_null_element (w, 2) ? NULL : json_array_get_string_element (w, 2));
        }
    }
}

/* MFD_NDR_WRITE_EXPECTED=FILE writes the table as the parser reads the corpus
 * today, for a person to review before it replaces expected.json. */
static void
write_expected (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "ndr", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GList) names = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    if (g_str_has_suffix (name, ".txt") || g_str_has_suffix (name, ".eml"))
      names = g_list_prepend (names, g_strdup (name));
  names = g_list_sort (names, (GCompareFunc) strcmp);
  json_builder_begin_object (b);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MfdNdrResult) result = NULL;

      json_builder_set_member_name (b, l->data);
      json_builder_begin_object (b);
      if (!parse_corpus_file (l->data, &result, &error))
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, "no-entry");
        }
      else
        {
          json_builder_set_member_name (b, "primary");
          json_builder_add_int_value (b, primary_index (result));
          json_builder_set_member_name (b, "entries");
          json_builder_begin_array (b);
          for (guint i = 0; i < result->entries->len; i++)
            json_builder_add_value (b, entry_to_json (result->entries->pdata[i]));
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  g_list_free_full (g_steal_pointer (&names), g_free);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 1);
  text = json_generator_to_data (gen, NULL);
  if (!g_file_set_contents (g_getenv ("MFD_NDR_WRITE_EXPECTED"), text, -1, NULL))
    g_error ("cannot write %s", g_getenv ("MFD_NDR_WRITE_EXPECTED"));
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

  if (g_getenv ("MFD_NDR_WRITE_EXPECTED") != NULL)
    {
      write_expected ();
      return 0;
    }

  names = json_object_get_members (expected_table);
  names = g_list_sort (names, (GCompareFunc) strcmp);
  g_assert_cmpuint (g_list_length (names), >=, 150);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *test_path = g_strconcat ("/ndr/corpus/", (const char *) l->data, NULL);

      g_test_add_data_func (test_path, l->data, test_corpus_file);
    }

  g_test_add_func ("/ndr/corpus-all", test_corpus_all);
  g_test_add_func ("/ndr/corpus-intent", test_corpus_intent);
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
