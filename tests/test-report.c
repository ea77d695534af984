/* test-report.c — a diagnosis as JSON, text and Markdown
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "mfd/mfd.h"
#include "mfd-test-json.h"

#define H1        "mail.contoso.com"
#define IP1       "203.0.113.25"
#define IP2       "203.0.113.26"
#define CONNECTOR "Contoso Hybrid Outbound"

static MfdObservation *
observation (MfdStage    stage,
             MfdOutcome  outcome,
             const char *ip,
             const char *cause,
             const char *reply,
             gint64      ms)
{
  MfdObservation *o = mfd_observation_new (stage, outcome, H1, ip, ip != NULL ? 25 : 0);

  o->ms = ms;
  mfd_observation_set_cause (o, cause);
  if (reply != NULL)
    mfd_observation_set_reply (o, 421, reply);
  mfd_observation_set_detail (o, outcome == MFD_OUTCOME_OK ? "Step {1} passed." : "Step {1} did not pass.",
                              mfd_stage_to_string (stage), NULL);
  return o;
}

static MfdTarget *
make_target (MfdTlsMode mode)
{
  g_autoptr(MfdConnector) connector = mfd_connector_new (CONNECTOR);
  const char *hosts[] = { H1, NULL };
  const char *domains[] = { "contoso.com", NULL };
  MfdTarget *target;

  mfd_connector_set_smart_hosts (connector, hosts);
  mfd_connector_set_recipient_domains (connector, domains);
  mfd_connector_set_tls_mode (connector, mode);
  /* A partner's destination would put "contact the partner" first. */
  mfd_connector_set_connector_type (connector, MFD_CONNECTOR_TYPE_ON_PREMISES);
  target = mfd_target_new_for_connector (connector);
  g_assert_cmpstr (mfd_target_get_connector_name (target), ==, CONNECTOR);
  return target;
}

/* tcp-refused on two addresses, a certificate warning, a skipped step. */
static MfdDiagnosis *
make_problem (void)
{
  g_autoptr(MfdTarget) target = make_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(GPtrArray) obs = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);

  g_ptr_array_add (obs, observation (MFD_STAGE_DNS, MFD_OUTCOME_OK, NULL, NULL, NULL, 3));
  g_ptr_array_add (obs, observation (MFD_STAGE_REGISTRATION, MFD_OUTCOME_SKIPPED, NULL, NULL, NULL, -1));
  g_ptr_array_add (obs, observation (MFD_STAGE_TCP, MFD_OUTCOME_FAIL, IP1, "tcp-refused", NULL, 1));
  g_ptr_array_add (obs, observation (MFD_STAGE_TCP, MFD_OUTCOME_OK, IP2, NULL, NULL, 1));
  g_ptr_array_add (obs, observation (MFD_STAGE_GREETING, MFD_OUTCOME_OK, IP2, NULL, NULL, 4));
  g_ptr_array_add (obs, observation (MFD_STAGE_CERTIFICATE, MFD_OUTCOME_WARNING, IP2, "cert-untrusted", NULL, 0));

  return mfd_diagnosis_new (target, obs, NULL);
}

/* Everything passed, with a hostile greeting for the Markdown escaping. */
static MfdDiagnosis *
make_ok (void)
{
  g_autoptr(MfdTarget) target = make_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(GPtrArray) obs = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);
  const char *ranges[] = { "40.92.0.0/15", "52.100.0.0/14", NULL };
  MfdObservation *greeting;
  MfdDiagnosis *d;

  greeting = observation (MFD_STAGE_GREETING, MFD_OUTCOME_OK, IP1, NULL, NULL, 4);
  mfd_observation_set_detail (greeting, "The server greeted with “{1}”.", "220 | `evil` [x](http://x)", NULL);
  g_ptr_array_add (obs, observation (MFD_STAGE_DNS, MFD_OUTCOME_OK, NULL, NULL, NULL, 3));
  g_ptr_array_add (obs, observation (MFD_STAGE_TCP, MFD_OUTCOME_OK, IP1, NULL, NULL, 1));
  g_ptr_array_add (obs, greeting);
  g_ptr_array_add (obs, observation (MFD_STAGE_QUIT, MFD_OUTCOME_OK, IP1, NULL, NULL, 1));
  d = mfd_diagnosis_new (target, obs, NULL);
  mfd_diagnosis_set_eop_ranges (d, ranges, NULL);
  return d;
}

static void
assert_member_string (JsonObject *object,
                      const char *key,
                      const char *expected)
{
  JsonNode *node = json_object_get_member (object, key);

  g_assert_nonnull (node);
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  if (expected != NULL)
    g_assert_cmpstr (json_node_get_string (node), ==, expected);
}

static void
assert_member_null (JsonObject *object,
                    const char *key)
{
  g_assert_true (json_object_has_member (object, key));
  g_assert_true (json_object_get_null_member (object, key));
}

static JsonObject *
reparse (JsonNode *node)
{
  /* What scripts see is the serialised text, not our tree. */
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  mfd_test_json_assert_valid (text);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_json_problem (void)
{
  g_autoptr(MfdDiagnosis) d = make_problem ();
  g_autoptr(JsonNode) node = mfd_report_diagnosis_to_json (d, "en");
  g_autoptr(JsonObject) root = reparse (node);
  g_autoptr(MfdRemedy) remedy = mfd_remedy_render ("4.4.316", "tcp-refused", "en", NULL);
  JsonArray *findings, *observations, *steps, *addresses, *trail;
  JsonObject *f;
  gboolean connector_named = FALSE;

  assert_member_string (root, "schema", "mail-flow-doctor/diagnosis/1");
  assert_member_string (root, "verdict", "problem");
  assert_member_string (root, "tls", "opportunistic");
  assert_member_string (root, "connector", CONNECTOR);
  assert_member_string (root, "target", NULL);
  assert_member_string (root, "time", NULL);
  g_assert_false (json_object_has_member (root, "comparison"));

  findings = json_object_get_array_member (root, "findings");
  g_assert_cmpuint (json_array_get_length (findings), ==, 2);

  f = json_array_get_object_element (findings, 0);
  assert_member_string (f, "code", "4.4.316");
  g_assert_cmpint (json_object_get_int_member (f, "reply"), ==, 450);
  assert_member_string (f, "host", H1);
  assert_member_string (f, "ip", IP1);
  g_assert_cmpint (json_object_get_int_member (f, "port"), ==, 25);
  assert_member_string (f, "cause", "tcp-refused");
  assert_member_string (f, "stage", "tcp");
  g_assert_false (json_object_get_boolean_member (f, "warning"));
  assert_member_string (f, "title", remedy->title);
  assert_member_string (f, "evidence", NULL);
  g_assert_nonnull (strstr (json_object_get_string_member (f, "evidence"), IP1));

  addresses = json_object_get_array_member (f, "addresses");
  g_assert_cmpuint (json_array_get_length (addresses), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (addresses, 0), ==, IP1);

  steps = json_object_get_array_member (f, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, remedy->steps->len);
  g_assert_cmpuint (json_array_get_length (steps), >, 0);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      MfdRemedyStep *expected = g_ptr_array_index (remedy->steps, i);

      assert_member_string (step, "text", NULL);
      g_assert_true (json_object_has_member (step, "command"));
      g_assert_true (json_object_has_member (step, "eac_path"));
      if (!json_object_get_null_member (step, "command"))
        {
          const char *command = json_object_get_string_member (step, "command");

          g_assert_nonnull (expected->command);
          connector_named |= strstr (command, CONNECTOR) != NULL;
        }
    }
  /* The commands name the real connector, ready to copy. */
  g_assert_true (connector_named);

  /* The evidence: the lookup, then that address's connection. */
  trail = json_object_get_array_member (f, "evidence_observations");
  g_assert_cmpuint (json_array_get_length (trail), ==, 2);
  g_assert_cmpint (json_array_get_int_element (trail, 0), ==, 0);
  g_assert_cmpint (json_array_get_int_element (trail, 1), ==, 2);

  f = json_array_get_object_element (findings, 1);
  assert_member_string (f, "code", "4.7.320");
  assert_member_string (f, "cause", "cert-untrusted");
  g_assert_true (json_object_get_boolean_member (f, "warning"));

  observations = json_object_get_array_member (root, "observations");
  g_assert_cmpuint (json_array_get_length (observations), ==, 6);
  for (guint i = 0; i < json_array_get_length (observations); i++)
    {
      JsonObject *o = json_array_get_object_element (observations, i);
      const char *outcome;
      MfdStage stage;

      g_assert_true (mfd_stage_from_string (json_object_get_string_member (o, "stage"), &stage));
      assert_member_string (o, "host", H1);
      g_assert_true (json_object_has_member (o, "ip"));
      outcome = json_object_get_string_member (o, "outcome");
      g_assert_true (g_strv_contains ((const char *[]) { "ok", "warning", "fail", "skipped", "inconclusive", NULL },
                                      outcome));
      g_assert_true (json_object_has_member (o, "ms"));
      assert_member_string (o, "detail", NULL);
    }

  /* Name-level steps have no address and no port; unknown times are null. */
  {
    JsonObject *dns = json_array_get_object_element (observations, 0);
    JsonObject *registration = json_array_get_object_element (observations, 1);
    JsonObject *tcp = json_array_get_object_element (observations, 2);

    assert_member_string (dns, "stage", "dns");
    assert_member_null (dns, "ip");
    assert_member_null (dns, "port");
    g_assert_cmpint (json_object_get_int_member (dns, "ms"), ==, 3);
    assert_member_string (dns, "detail", "Step dns passed.");
    assert_member_string (registration, "outcome", "skipped");
    assert_member_null (registration, "ms");
    assert_member_string (tcp, "ip", IP1);
    g_assert_cmpint (json_object_get_int_member (tcp, "port"), ==, 25);
    assert_member_string (tcp, "outcome", "fail");
    assert_member_string (tcp, "cause", "tcp-refused");
  }
}

static void
test_json_comparison (void)
{
  g_autoptr(MfdTarget) target = mfd_target_new ();
  g_autoptr(GPtrArray) obs = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);
  MfdNdrEntry *entry = g_new0 (MfdNdrEntry, 1);
  g_autoptr(MfdNdrEntry) owned = entry;
  g_autoptr(MfdDiagnosis) d = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *comparison = NULL;
  JsonObject *f;

  g_atomic_ref_count_init (&entry->ref_count);
  entry->reply = 450;
  entry->status = g_strdup ("4.4.312");
  entry->cause = g_strdup ("dns-nxdomain");
  entry->server = g_strdup (H1);
  entry->port = 25;

  mfd_target_add_smart_host (target, H1, 0);
  g_ptr_array_add (obs, observation (MFD_STAGE_DNS, MFD_OUTCOME_FAIL, NULL, "dns-nxdomain", NULL, 8));
  d = mfd_diagnosis_new (target, obs, entry);
  node = mfd_report_diagnosis_to_json (d, "ja");
  root = reparse (node);
  comparison = mfd_diagnosis_dup_comparison (d, "ja");

  assert_member_string (root, "verdict", "problem");
  assert_member_string (root, "comparison", comparison);
  f = json_array_get_object_element (json_object_get_array_member (root, "findings"), 0);
  assert_member_string (f, "code", "4.4.312");
  assert_member_string (f, "cause", "dns-nxdomain");
  assert_member_null (f, "ip");
  assert_member_null (f, "port");
  /* Keys and ids stay English in any language. */
  assert_member_string (f, "stage", "dns");
}

typedef struct
{
  const char      *name;
  MfdReportFormat  format;
  const char      *lang;
} RenderCase;

static const RenderCase render_cases[] = {
  { "text-en",     MFD_REPORT_TEXT,     "en" },
  { "text-ja",     MFD_REPORT_TEXT,     "ja" },
  { "markdown-en", MFD_REPORT_MARKDOWN, "en" },
  { "markdown-ja", MFD_REPORT_MARKDOWN, "ja" },
};

static void
test_render_problem (gconstpointer data)
{
  const RenderCase *c = data;
  g_autoptr(MfdDiagnosis) d = make_problem ();
  g_autoptr(MfdRemedy) remedy = mfd_remedy_render ("4.4.316", "tcp-refused", c->lang, NULL);
  g_autofree char *report = mfd_report_render_diagnosis (d, c->format, c->lang);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *steps;
  gboolean named = FALSE;

  g_test_message ("%s", report);
  g_assert_true (g_utf8_validate (report, -1, NULL));
  g_assert_nonnull (strstr (report, "450 4.4.316"));
  g_assert_nonnull (strstr (report, "tcp-refused"));
  g_assert_nonnull (strstr (report, remedy->title));
  g_assert_nonnull (strstr (report, H1));
  g_assert_nonnull (strstr (report, CONNECTOR));
  /* The warning is there too, after the problem. */
  g_assert_nonnull (strstr (report, "4.7.320"));
  g_assert_true (strstr (report, "4.4.316") < strstr (report, "4.7.320"));

  /* Numbered steps as the catalogue words them for this connector and
   * host, commands copied verbatim with the connector's real name. */
  g_assert_cmpuint (remedy->steps->len, >, 0);
  g_assert_nonnull (strstr (report, c->format == MFD_REPORT_MARKDOWN ? "\n1. " : "  1. "));
  node = mfd_report_diagnosis_to_json (d, c->lang);
  mfd_test_json_assert_node_valid (node);
  steps = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (node), "findings"), 0), "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, remedy->steps->len);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      const char *command = json_object_get_string_member (step, "command");

      if (c->format == MFD_REPORT_TEXT)
        g_assert_nonnull (strstr (report, json_object_get_string_member (step, "text")));
      if (command != NULL)
        g_assert_nonnull (strstr (report, command));
      if (command != NULL && strstr (command, "Set-OutboundConnector") != NULL)
        {
          g_assert_nonnull (strstr (command, "Set-OutboundConnector -Identity \"" CONNECTOR "\""));
          named = TRUE;
        }
    }
  g_assert_true (named);

  if (c->format == MFD_REPORT_MARKDOWN)
    {
      g_assert_true (g_str_has_prefix (report, "# "));
      g_assert_nonnull (strstr (report, "\n## "));
      g_assert_nonnull (strstr (report, "|---|"));
    }

  if (g_str_equal (c->lang, "ja"))
    {
      g_assert_null (strstr (report, "Problem found"));
      g_assert_null (strstr (report, "What to do"));
      g_assert_nonnull (strstr (report, mfd_tr ("ja", "Problem found")));
      g_assert_cmpstr (mfd_tr ("ja", "Problem found"), !=, "Problem found");
    }
  else
    {
      g_assert_nonnull (strstr (report, "Problem found"));
      g_assert_nonnull (strstr (report, "What to do"));
    }

  /* Labels in the report's language, the checks listed with their result. */
  g_assert_nonnull (strstr (report, mfd_trc (c->lang, "report", "Destination")));
  g_assert_nonnull (strstr (report, mfd_trc (c->lang, "report", "Failed")));
  if (c->format == MFD_REPORT_TEXT)
    {
      g_autofree char *failed_tcp = g_strdup_printf ("[%s] TCP", mfd_trc (c->lang, "report", "Failed"));

      g_assert_nonnull (strstr (report, failed_tcp));
    }

  /* Not the "all passed" caveat: something did fail. */
  g_assert_null (strstr (report, mfd_tr (c->lang, "What these checks cannot see")));
}

static void
test_render_ok (gconstpointer data)
{
  const RenderCase *c = data;
  g_autoptr(MfdDiagnosis) d = make_ok ();
  g_autofree char *report = mfd_report_render_diagnosis (d, c->format, c->lang);

  g_test_message ("%s", report);
  g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, MFD_VERDICT_OK);
  g_assert_nonnull (strstr (report, mfd_tr (c->lang, "No problem found")));
  /* Honest about what a check from here cannot see, with EOP's ranges. */
  g_assert_nonnull (strstr (report, mfd_tr (c->lang, "What these checks cannot see")));
  g_assert_nonnull (strstr (report, "40.92.0.0/15"));
  g_assert_nonnull (strstr (report, "52.100.0.0/14"));

  if (c->format == MFD_REPORT_MARKDOWN)
    {
      /* A server's reply cannot break the table or add a link. */
      g_assert_null (strstr (report, "[x](http://x)"));
      g_assert_null (strstr (report, "| `evil`"));
      g_assert_nonnull (strstr (report, "\\`evil\\`"));
    }
}

static void
test_render_json_format (void)
{
  g_autoptr(MfdDiagnosis) d = make_ok ();
  g_autofree char *text = mfd_report_render_diagnosis (d, MFD_REPORT_JSON, "en");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  mfd_test_json_assert_valid (text);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  assert_member_string (root, "schema", "mail-flow-doctor/diagnosis/1");
  assert_member_string (root, "verdict", "ok");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "findings")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "eop_ranges")), ==, 2);
}

/* The remedy the results page shows and the report prints come from one
 * place, filled from the target: the connector's name, its smart host and
 * recipient domain, and the EOP ranges once known. */
static void
test_render_remedy (void)
{
  g_autoptr(MfdDiagnosis) diagnosis = make_problem ();
  MfdFinding *finding = g_ptr_array_index (mfd_diagnosis_get_findings (diagnosis), 0);
  const char *ranges[] = { "40.92.0.0/15", NULL };
  g_autoptr(MfdRemedy) remedy = NULL;
  g_autoptr(MfdRemedy) with_ranges = NULL;
  gboolean named = FALSE, domain = FALSE, listed = FALSE;

  g_assert_cmpstr (finding->cause, ==, "tcp-refused");
  remedy = mfd_report_render_remedy (diagnosis, finding, "en");
  g_assert_nonnull (remedy);
  g_assert_cmpstr (remedy->code, ==, "4.4.316");
  for (guint i = 0; i < remedy->steps->len; i++)
    {
      MfdRemedyStep *step = g_ptr_array_index (remedy->steps, i);

      named |= step->command != NULL && strstr (step->command, CONNECTOR) != NULL;
      domain |= step->command != NULL && strstr (step->command, "contoso.com") != NULL;
    }
  g_assert_true (named);
  g_assert_true (domain);

  mfd_diagnosis_set_eop_ranges (diagnosis, ranges, NULL);
  with_ranges = mfd_report_render_remedy (diagnosis, finding, "en");
  for (guint i = 0; i < with_ranges->steps->len; i++)
    {
      MfdRemedyStep *step = g_ptr_array_index (with_ranges->steps, i);

      listed |= strstr (step->text, "40.92.0.0/15") != NULL ||
                (step->command != NULL && strstr (step->command, "40.92.0.0/15") != NULL);
    }
  g_assert_true (listed);
}

static gssize
position (const char *text,
          const char *needle)
{
  const char *at = strstr (text, needle);

  if (at == NULL)
    g_printerr ("“%s” not found in:\n%s\n", needle, text);
  g_assert_nonnull (at);
  return at - text;
}

/* Started from an NDR: EOP's code, its explanation and its fix lead; what
 * the checks from here make of it follows, then the findings. */
static void
test_ndr_leads (void)
{
  static const char queue[] =
    "450 4.4.316 Connection refused [Message=Socket error code 10061] "
    "[LastAttemptedServerName=" H1 "] [LastAttemptedIP=" IP1 ":25]";
  g_autoptr(MfdTarget) target = make_target (MFD_TLS_OPPORTUNISTIC);
  g_autoptr(GPtrArray) obs = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdNdrResult) ndr = mfd_ndr_parse (queue, sizeof queue - 1, &error);
  g_autoptr(MfdDiagnosis) d = NULL;
  g_autoptr(MfdRemedy) remedy = mfd_remedy_render ("4.4.316", "tcp-refused", "en", NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *japanese = NULL;
  g_autofree char *lead = NULL;
  JsonObject *root, *entry, *remedy_json;

  g_assert_no_error (error);
  g_ptr_array_add (obs, observation (MFD_STAGE_DNS, MFD_OUTCOME_OK, NULL, NULL, NULL, 3));
  g_ptr_array_add (obs, observation (MFD_STAGE_TCP, MFD_OUTCOME_FAIL, IP1, "tcp-timeout", NULL, 1));
  d = mfd_diagnosis_new (target, obs, ndr->primary);

  text = mfd_report_render_diagnosis (d, MFD_REPORT_TEXT, "en");
  lead = g_strdup_printf ("What EOP reported: 450 4.4.316 — %s", remedy->title);
  g_assert_cmpint (position (text, lead), <, position (text, "What this computer confirms"));
  g_assert_cmpint (position (text, "What this computer confirms"), <, position (text, "Result: "));
  g_assert_cmpint (position (text, "Result: "), <, position (text, "Finding 1: "));
  /* EOP's fix is there, ahead of ours. */
  g_assert_cmpint (position (text, remedy->explanation), <, position (text, "Finding 1: "));
  g_assert_cmpint (position (text, "EOP reported 450 4.4.316"), <, position (text, "Finding 1: "));

  markdown = mfd_report_render_diagnosis (d, MFD_REPORT_MARKDOWN, "en");
  g_assert_cmpint (position (markdown, "## What EOP reported: 450 4.4.316"), <, position (markdown, "## Finding 1: "));

  japanese = mfd_report_render_diagnosis (d, MFD_REPORT_TEXT, "ja");
  g_assert_null (strstr (japanese, "What EOP reported"));
  g_assert_cmpint (position (japanese, "450 4.4.316"), <, position (japanese, "450 4.4.315"));

  node = mfd_report_diagnosis_to_json (d, "en");
  root = json_node_get_object (node);
  /* The entry as explain-ndr gives it, and what EOP's code means. */
  entry = json_object_get_object_member (root, "ndr");
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "status"), ==, "4.4.316");
  g_assert_cmpint (json_object_get_int_member (entry, "reply"), ==, 450);
  g_assert_cmpstr (json_object_get_string_member (entry, "ip"), ==, IP1);
  remedy_json = json_object_get_object_member (root, "ndr_remedy");
  g_assert_nonnull (remedy_json);
  g_assert_cmpstr (json_object_get_string_member (remedy_json, "code"), ==, "4.4.316");
  g_assert_cmpstr (json_object_get_string_member (remedy_json, "title"), ==, remedy->title);
  g_assert_cmpstr (json_object_get_string_member (remedy_json, "explanation"), ==, remedy->explanation);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (remedy_json, "steps")), ==, remedy->steps->len);
  g_assert_nonnull (strstr (json_object_get_string_member (root, "comparison"), "EOP reported 450 4.4.316"));
  g_assert_true (json_object_has_member (root, "findings"));
}

/* Under opportunistic TLS EOP never sends 4.7.320: a warning carries no
 * reply line, only what it would become. */
static void
test_warning_without_reply (void)
{
  g_autoptr(MfdDiagnosis) d = make_problem ();
  g_autofree char *text = mfd_report_render_diagnosis (d, MFD_REPORT_TEXT, "en");
  g_autofree char *markdown = mfd_report_render_diagnosis (d, MFD_REPORT_MARKDOWN, "en");
  g_autoptr(JsonNode) node = mfd_report_diagnosis_to_json (d, "en");
  JsonArray *findings = json_object_get_array_member (json_node_get_object (node), "findings");
  JsonObject *warning = json_array_get_object_element (findings, 1);

  g_assert_null (strstr (text, "Warning 2: 450 4.7.320"));
  g_assert_null (strstr (markdown, "Warning 2: 450 4.7.320"));
  g_assert_nonnull (strstr (text, "Warning 2: "));
  g_assert_nonnull (strstr (text, "it would become 450 4.7.320 if the connector required a valid certificate"));
  g_assert_nonnull (strstr (markdown, "it would become 450 4.7.320 if the connector required a valid certificate"));
  /* A real problem keeps EOP's reply. */
  g_assert_nonnull (strstr (text, "Finding 1: 450 4.4.316"));

  g_assert_true (json_object_get_boolean_member (warning, "warning"));
  g_assert_cmpstr (json_object_get_string_member (warning, "code"), ==, "4.7.320");
  g_assert_nonnull (strstr (json_object_get_string_member (warning, "would_become"), "450 4.7.320"));
}

/* The vantage applied to the findings: what this computer cannot see is
 * no verdict, each affected finding says why, and the Microsoft-side
 * checks are offered, filled in. */
static void
test_vantage_applied (void)
{
  g_autoptr(MfdDiagnosis) d = make_problem ();
  g_autoptr(MfdVantage) v = mfd_vantage_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  GPtrArray *findings;
  MfdFinding *refused = NULL, *cert = NULL;
  JsonObject *root, *vantage;

  g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, MFD_VERDICT_PROBLEM);
  mfd_vantage_set_state (v, MFD_VANTAGE_DNS, MFD_VANTAGE_OK, NULL, NULL);
  mfd_vantage_set_state (v, MFD_VANTAGE_SMTP25, MFD_VANTAGE_BLOCKED,
                         "This network does not let connections to port 25 out: the control server {1}, which always answers, could not be reached either. The result says nothing about what EOP sees.",
                         "192.0.2.99:25", NULL);
  mfd_vantage_set_state (v, MFD_VANTAGE_TLS, MFD_VANTAGE_INTERCEPTED,
                         "A device on this network intercepts TLS: the control server {1} presented a certificate issued by “{2}”, which does not chain to a public root. The certificates seen here are not the ones EOP sees.",
                         "192.0.2.99:25", "CN=Contoso Inspection CA", NULL);
  mfd_diagnosis_set_vantage (d, v);

  findings = mfd_diagnosis_get_findings (d);
  for (guint i = 0; i < findings->len; i++)
    {
      MfdFinding *f = findings->pdata[i];

      if (g_str_equal (f->cause, "tcp-refused"))
        refused = f;
      else if (g_str_equal (f->cause, "cert-untrusted"))
        cert = f;
    }
  g_assert_nonnull (refused);
  g_assert_nonnull (cert);
  g_assert_true (refused->inconclusive);
  g_assert_cmpint (refused->vantage_facet, ==, MFD_VANTAGE_SMTP25);
  g_assert_true (cert->inconclusive);
  g_assert_cmpint (cert->vantage_facet, ==, MFD_VANTAGE_TLS);
  g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, MFD_VERDICT_INCONCLUSIVE);

  text = mfd_report_render_diagnosis (d, MFD_REPORT_TEXT, "en");
  g_assert_nonnull (strstr (text, "Not verifiable from here 1: "));
  g_assert_null (strstr (text, "Finding 1: 450 4.4.316"));
  g_assert_nonnull (strstr (text, "does not let connections to port 25 out"));
  g_assert_nonnull (strstr (text, "CN=Contoso Inspection CA"));
  g_assert_nonnull (strstr (text, "Validate-OutboundConnector -Identity \"" CONNECTOR "\" -Recipients postmaster@contoso.com"));
  g_assert_nonnull (strstr (text, "Inbound SMTP Email"));

  node = mfd_report_diagnosis_to_json (d, "en");
  root = json_node_get_object (node);
  vantage = json_object_get_object_member (root, "vantage");
  g_assert_cmpstr (json_object_get_string_member (vantage, "dns"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (vantage, "smtp25"), ==, "blocked");
  g_assert_cmpstr (json_object_get_string_member (vantage, "tls"), ==, "intercepted");
  g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "inconclusive");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (vantage, "microsoft_checks")), ==, 2);
}

/* A resolver that rewrites "no such name" may have given its own address
 * for the destination: what was seen there decides nothing. */
static void
test_vantage_hijacked_addresses (void)
{
  g_autoptr(MfdDiagnosis) d = make_problem ();
  g_autoptr(MfdVantage) v = mfd_vantage_new ();
  GPtrArray *findings;

  mfd_vantage_set_state (v, MFD_VANTAGE_DNS, MFD_VANTAGE_HIJACKED,
                         "This computer's DNS answers {1} for {2}, a name that does not exist: a resolver here rewrites answers, so its answers about the destination say nothing about what EOP sees.",
                         "198.18.0.1", "mfd-absent-0.outlook.com", NULL);
  mfd_vantage_set_state (v, MFD_VANTAGE_SMTP25, MFD_VANTAGE_OK, NULL, NULL);
  mfd_vantage_set_state (v, MFD_VANTAGE_TLS, MFD_VANTAGE_OK, NULL, NULL);
  mfd_diagnosis_set_vantage (d, v);

  findings = mfd_diagnosis_get_findings (d);
  for (guint i = 0; i < findings->len; i++)
    {
      MfdFinding *f = findings->pdata[i];
      g_autofree char *reason = mfd_diagnosis_dup_not_verifiable (d, f, "en");

      g_assert_true (f->inconclusive);
      g_assert_cmpint (f->vantage_facet, ==, MFD_VANTAGE_DNS);
      g_assert_nonnull (strstr (reason, "rewrites answers"));
    }
  g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, MFD_VERDICT_INCONCLUSIVE);
}

/* Addresses EOP can never reach, and some it can. */
static void
test_address_is_public (void)
{
  const struct { const char *ip; gboolean public; } cases[] = {
    { "127.0.0.1", FALSE }, { "::1", FALSE }, { "10.0.0.5", FALSE }, { "172.16.3.4", FALSE },
    { "172.32.0.1", TRUE }, { "192.168.1.1", FALSE }, { "169.254.10.10", FALSE },
    { "100.64.0.1", FALSE }, { "100.128.0.1", TRUE }, { "192.0.2.25", FALSE },
    { "198.51.100.7", FALSE }, { "203.0.113.10", FALSE }, { "2001:db8::25", FALSE },
    { "fd00::1", FALSE }, { "fe80::1", FALSE }, { "::ffff:10.1.2.3", FALSE },
    { "::ffff:40.92.0.1", TRUE }, { "40.92.0.1", TRUE }, { "2603:1036::1", TRUE },
    { "0.0.0.0", FALSE }, { "224.0.0.1", FALSE }, { "mail.contoso.com", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *why = NULL;
      gboolean public = mfd_vantage_address_is_public (cases[i].ip, &why);

      g_test_message ("%s", cases[i].ip);
      g_assert_cmpint (public, ==, cases[i].public);
      g_assert_true ((why == NULL) == public);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/json/problem", test_json_problem);
  g_test_add_func ("/report/json/comparison", test_json_comparison);
  g_test_add_func ("/report/json/format", test_render_json_format);
  g_test_add_func ("/report/remedy", test_render_remedy);
  g_test_add_func ("/report/ndr-leads", test_ndr_leads);
  g_test_add_func ("/report/warning-without-reply", test_warning_without_reply);
  g_test_add_func ("/report/vantage-applied", test_vantage_applied);
  g_test_add_func ("/report/vantage-hijacked-addresses", test_vantage_hijacked_addresses);
  g_test_add_func ("/report/address-is-public", test_address_is_public);
  for (guint i = 0; i < G_N_ELEMENTS (render_cases); i++)
    {
      g_autofree char *problem = g_strdup_printf ("/report/render/problem/%s", render_cases[i].name);
      g_autofree char *ok = g_strdup_printf ("/report/render/ok/%s", render_cases[i].name);

      g_test_add_data_func (problem, &render_cases[i], test_render_problem);
      g_test_add_data_func (ok, &render_cases[i], test_render_ok);
    }

  return g_test_run ();
}
