/* mfd-report.c — a diagnosis as JSON, text or Markdown
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-report"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-report.h"
#include "mfd-remedy.h"
#include "mfd-text.h"
#include "mfd-util.h"

/* The NDR's own renderings live in mfd-report-ndr.c. */

#define DIAGNOSIS_SCHEMA "mail-flow-doctor/diagnosis/1"

typedef struct
{
  MfdVerdict  verdict;
  const char *label;
  const char *summary;
} VerdictText;

static const VerdictText verdict_texts[] = {
  { MFD_VERDICT_OK, N_("No problem found"),
    N_("No check found anything that would stop delivery.") },
  { MFD_VERDICT_PROBLEM, N_("Problem found"),
    N_("At least one check failed in a way that stops Exchange Online from delivering through this connector.") },
  { MFD_VERDICT_INCONCLUSIVE, N_("Inconclusive"),
    N_("Some checks could not be carried out from this computer, so the result neither confirms nor rules out a problem.") },
};

static const char *outcome_labels[] = {
  [MFD_OUTCOME_OK]           = NC_("report", "OK"),
  [MFD_OUTCOME_WARNING]      = NC_("report", "Warning"),
  [MFD_OUTCOME_FAIL]         = NC_("report", "Failed"),
  [MFD_OUTCOME_SKIPPED]      = NC_("report", "Skipped"),
  [MFD_OUTCOME_INCONCLUSIVE] = NC_("report", "Inconclusive"),
};

/* The remedy catalogue's placeholders, filled from what was checked. */
typedef struct
{
  MfdRemedyContext  context;
  char             *smart_host;
} RemedyFill;

static const VerdictText *
find_verdict_text (MfdVerdict verdict)
{
  for (guint i = 0; i < G_N_ELEMENTS (verdict_texts); i++)
    if (verdict_texts[i].verdict == verdict)
      return &verdict_texts[i];
  return &verdict_texts[0];
}

static void
remedy_fill_init_for (RemedyFill   *fill,
                      MfdDiagnosis *diagnosis,
                      const char   *host,
                      const char   *ip)
{
  MfdTarget *target = mfd_diagnosis_get_target (diagnosis);

  memset (fill, 0, sizeof *fill);
  fill->context.host = host;
  fill->context.ip = ip;
  fill->context.eop_ranges = mfd_diagnosis_get_eop_ranges (diagnosis);

  if (target != NULL)
  {
    MfdConnector *connector = mfd_target_get_connector (target);
    GPtrArray *smart_hosts = mfd_target_get_smart_hosts (target);
    const char * const *mx_domains = mfd_target_get_mx_domains (target);

    fill->context.connector_name = mfd_target_get_connector_name (target);
    fill->context.tls_domain = mfd_target_get_tls_domain (target);

    if (smart_hosts != NULL && smart_hosts->len > 0)
      {
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
        g_auto(GStrv) hosts = NULL;

        for (guint i = 0; i < smart_hosts->len; i++)
          g_strv_builder_add (builder, ((MfdTargetHost *) g_ptr_array_index (smart_hosts, i))->host);
        hosts = g_strv_builder_end (builder);
        /* Set-OutboundConnector -SmartHosts takes the whole list. */
        fill->smart_host = g_strjoinv (",", hosts);
        fill->context.smart_host = fill->smart_host;
      }

    if (connector != NULL)
      {
        const char * const *domains = mfd_connector_get_recipient_domains (connector);

        fill->context.partner = mfd_connector_get_connector_type (connector) == MFD_CONNECTOR_TYPE_PARTNER;
        if (domains != NULL && domains[0] != NULL)
          fill->context.domain = domains[0];
      }
    if (fill->context.domain == NULL && mx_domains != NULL && mx_domains[0] != NULL)
      fill->context.domain = mx_domains[0];
  }

  /* What the user gave fills only what the checks did not know. */
  {
    const char **slots[MFD_REMEDY_N_FILLS] = {
      [MFD_REMEDY_FILL_CONNECTOR_NAME] = &fill->context.connector_name,
      [MFD_REMEDY_FILL_SMART_HOST] = &fill->context.smart_host,
      [MFD_REMEDY_FILL_DOMAIN] = &fill->context.domain,
      [MFD_REMEDY_FILL_TLS_DOMAIN] = &fill->context.tls_domain,
      [MFD_REMEDY_FILL_RECIPIENT] = &fill->context.recipient,
      [MFD_REMEDY_FILL_THUMBPRINT] = &fill->context.thumbprint,
    };

    for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
      if (*slots[i] == NULL || **slots[i] == '\0')
        *slots[i] = mfd_diagnosis_get_fill (diagnosis, i);
  }
}

static void
remedy_fill_init (RemedyFill   *fill,
                  MfdDiagnosis *diagnosis,
                  MfdFinding   *finding)
{
  remedy_fill_init_for (fill, diagnosis, finding->host, finding->ip);
}

static void
remedy_fill_clear (RemedyFill *fill)
{
  g_clear_pointer (&fill->smart_host, g_free);
}

GPtrArray *
mfd_report_dup_microsoft_checks (MfdDiagnosis *diagnosis,
                                 const char   *lang)
{
  RemedyFill fill;
  GPtrArray *steps;

  g_return_val_if_fail (MFD_IS_DIAGNOSIS (diagnosis), NULL);

  remedy_fill_init_for (&fill, diagnosis, NULL, NULL);
  steps = mfd_remedy_render_microsoft_checks (lang, &fill.context);
  remedy_fill_clear (&fill);
  return steps;
}

MfdRemedy *
mfd_report_render_remedy (MfdDiagnosis *diagnosis,
                          MfdFinding   *finding,
                          const char   *lang)
{
  RemedyFill fill;
  MfdRemedy *remedy;

  remedy_fill_init (&fill, diagnosis, finding);
  remedy = mfd_remedy_render (finding->code, finding->cause, lang, &fill.context);
  /* An "other" finding named by the server's own code ("5.7.1") that the
   * catalogue does not explain still gets the cause's advice. */
  if (remedy == NULL)
    remedy = mfd_remedy_render (NULL, finding->cause, lang, &fill.context);
  remedy_fill_clear (&fill);

  return remedy;
}

char *
mfd_report_dup_certificate (MfdDiagnosis *diagnosis,
                            MfdFinding   *finding)
{
  GPtrArray *observations;

  g_return_val_if_fail (MFD_IS_DIAGNOSIS (diagnosis), NULL);
  g_return_val_if_fail (finding != NULL, NULL);

  if (finding->cause == NULL || !g_str_has_prefix (finding->cause, "cert-"))
    return NULL;

  observations = mfd_diagnosis_get_observations (diagnosis);
  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);
      const char *chain = mfd_observation_get_fact (o, "chain");
      const char *thumbprints = mfd_observation_get_fact (o, "thumbprints");

      if (o->stage != MFD_STAGE_CERTIFICATE || chain == NULL ||
          g_strcmp0 (o->host, finding->host) != 0 ||
          (finding->ip != NULL && g_strcmp0 (o->ip, finding->ip) != 0))
        continue;
      return g_strconcat (chain, thumbprints != NULL ? thumbprints : "", NULL);
    }
  return NULL;
}

/* "5.4.316" (the expired form) names the same failure as "4.4.316". */
static char *
ndr_code (MfdNdrEntry *entry)
{
  if (entry->status == NULL)
    return NULL;
  if (g_str_has_prefix (entry->status, "5.4.31"))
    return g_strconcat ("4", entry->status + 1, NULL);
  return g_strdup (entry->status);
}

/* What EOP itself said the failure means and how to fix it: the NDR's
 * code and likely cause through the same catalogue as the findings. */
static MfdRemedy *render_ndr_remedy (MfdDiagnosis *diagnosis,
                                     MfdNdrEntry  *entry,
                                     const char   *lang);

MfdRemedy *
mfd_report_render_ndr_remedy (MfdDiagnosis *diagnosis,
                              const char   *lang)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (diagnosis), NULL);

  if (mfd_diagnosis_get_ndr_entry (diagnosis) == NULL)
    return NULL;
  return render_ndr_remedy (diagnosis, mfd_diagnosis_get_ndr_entry (diagnosis), lang);
}

static MfdRemedy *
render_ndr_remedy (MfdDiagnosis *diagnosis,
                   MfdNdrEntry  *entry,
                   const char   *lang)
{
  g_autofree char *code = ndr_code (entry);
  MfdRemedy *remedy = NULL;
  RemedyFill fill;

  if (code == NULL && entry->cause == NULL)
    return NULL;
  remedy_fill_init_for (&fill, diagnosis, entry->server, entry->ip);
  if (code != NULL && mfd_remedy_knows_code (code))
    remedy = mfd_remedy_render (code, entry->cause, lang, &fill.context);
  if (remedy == NULL && entry->cause != NULL)
    remedy = mfd_remedy_render (NULL, entry->cause, lang, &fill.context);
  remedy_fill_clear (&fill);
  return remedy;
}

static char *
describe_ndr_reply (MfdNdrEntry *entry)
{
  if (entry->reply > 0 && entry->status != NULL)
    return g_strdup_printf ("%d %s", entry->reply, entry->status);
  if (entry->status != NULL)
    return g_strdup (entry->status);
  if (entry->reply > 0)
    return g_strdup_printf ("%d", entry->reply);
  return g_strdup (entry->text != NULL ? entry->text : "");
}

/* A warning is no reply EOP sent: say what it would become instead. */
char *
mfd_report_dup_warning_note (MfdFinding *finding,
                             const char *lang)
{
  g_autofree char *code = g_strdup_printf ("%d %s", finding->reply, finding->code);

  if (g_str_has_prefix (finding->cause, "cert-"))
    return mfd_text_render_va (lang, N_("EOP sends no error for this under the connector's TLS setting; it would become {1} if the connector required a valid certificate."),
                               code, NULL);
  return mfd_text_render_va (lang, N_("EOP sends no error for this today; it would show as {1} if it got worse."),
                             code, NULL);
}

static void
add_steps_json (JsonBuilder *builder,
                GPtrArray   *steps)
{
  json_builder_begin_array (builder);
  for (guint i = 0; steps != NULL && i < steps->len; i++)
    {
      MfdRemedyStep *step = g_ptr_array_index (steps, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, step->text);
      mfd_util_add_string_or_null (builder, "command", step->command);
      mfd_util_add_string_or_null (builder, "eac_path", step->eac_path);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static gboolean
offers_microsoft_checks (MfdDiagnosis *diagnosis)
{
  MfdVantage *vantage = mfd_diagnosis_get_vantage (diagnosis);

  return vantage != NULL && !mfd_vantage_is_clear (vantage);
}

static char *
describe_target (MfdDiagnosis *diagnosis,
                 const char   *lang)
{
  MfdTarget *target = mfd_diagnosis_get_target (diagnosis);
  GPtrArray *observations = mfd_diagnosis_get_observations (diagnosis);
  g_autoptr(GPtrArray) hosts = g_ptr_array_new ();

  if (target != NULL)
    return mfd_target_describe (target, lang);

  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);
      const char *name = o->host != NULL ? o->host : o->ip;

      if (name != NULL && !g_ptr_array_find_with_equal_func (hosts, name, g_str_equal, NULL))
        g_ptr_array_add (hosts, (gpointer) name);
    }
  g_ptr_array_add (hosts, NULL);

  return g_strjoinv (", ", (char **) hosts->pdata);
}

static char *
format_time (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;

  if (datetime == NULL)
    return NULL;
  utc = g_date_time_to_utc (datetime);
  return g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
}

static void
add_observation_json (JsonBuilder    *builder,
                      MfdObservation *o,
                      const char     *lang)
{
  g_autofree char *detail = mfd_observation_dup_detail (o, lang);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stage");
  json_builder_add_string_value (builder, mfd_stage_to_string (o->stage));
  mfd_util_add_string_or_null (builder, "host", o->host);
  mfd_util_add_string_or_null (builder, "ip", o->ip);
  json_builder_set_member_name (builder, "port");
  if (o->port > 0)
    json_builder_add_int_value (builder, o->port);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "outcome");
  json_builder_add_string_value (builder, mfd_outcome_to_string (o->outcome));
  json_builder_set_member_name (builder, "ms");
  if (o->ms >= 0)
    json_builder_add_int_value (builder, o->ms);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail);
  mfd_util_add_string_or_null (builder, "cause", o->cause);
  mfd_util_add_string_or_null (builder, "reply", o->reply_text);
  json_builder_end_object (builder);
}

static void
add_vantage_json (JsonBuilder  *builder,
                  MfdDiagnosis *diagnosis,
                  MfdVantage   *vantage,
                  const char   *lang)
{
  g_autofree char *detail = mfd_vantage_dup_detail (vantage, lang);

  json_builder_begin_object (builder);
  for (guint i = 0; i < MFD_VANTAGE_N_FACETS; i++)
    {
      json_builder_set_member_name (builder, mfd_vantage_facet_to_string (i));
      json_builder_add_string_value (builder, mfd_vantage_state_to_string (vantage->state[i]));
    }
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail);
  mfd_util_add_string_or_null (builder, "control_name", vantage->control_name);
  mfd_util_add_string_or_null (builder, "control_smtp", vantage->control_host);
  mfd_util_add_string_or_null (builder, "control_ip", vantage->control_ip);
  json_builder_set_member_name (builder, "control_port");
  if (vantage->control_port > 0)
    json_builder_add_int_value (builder, vantage->control_port);
  else
    json_builder_add_null_value (builder);
  mfd_util_add_string_or_null (builder, "issuer", vantage->issuer);
  json_builder_set_member_name (builder, "observations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < vantage->observations->len; i++)
    add_observation_json (builder, g_ptr_array_index (vantage->observations, i), lang);
  json_builder_end_array (builder);

  /* Where this computer cannot see what EOP sees: the checks that run
   * from Microsoft's side, filled in. */
  if (offers_microsoft_checks (diagnosis))
    {
      g_autoptr(GPtrArray) checks = mfd_report_dup_microsoft_checks (diagnosis, lang);

      json_builder_set_member_name (builder, "microsoft_checks");
      add_steps_json (builder, checks);
    }

  /* Smart host addresses EOP can never reach (a what-if from here). */
  {
    GPtrArray *unreachable = mfd_diagnosis_get_unreachable (diagnosis);

    json_builder_set_member_name (builder, "unreachable_from_eop");
    json_builder_begin_array (builder);
    for (guint i = 0; i < unreachable->len; i++)
      {
        MfdUnreachable *u = g_ptr_array_index (unreachable, i);
        g_autofree char *text = mfd_unreachable_dup_text (u, lang);

        json_builder_begin_object (builder);
        mfd_util_add_string_or_null (builder, "host", u->host);
        mfd_util_add_string_or_null (builder, "ip", u->ip);
        mfd_util_add_string_or_null (builder, "text", text);
        json_builder_end_object (builder);
      }
    json_builder_end_array (builder);
  }
  json_builder_end_object (builder);
}

/* What EOP's own code means and how to fix it, beside the entry itself
 * ("ndr", as explain-ndr gives it): the JSON leads with EOP's view as
 * the page and the text do. */
static void
add_ndr_remedy_json (JsonBuilder  *builder,
                     MfdDiagnosis *diagnosis,
                     MfdNdrEntry  *entry,
                     const char   *lang)
{
  g_autoptr(MfdRemedy) remedy = render_ndr_remedy (diagnosis, entry, lang);

  json_builder_begin_object (builder);
  mfd_util_add_string_or_null (builder, "code", entry->status);
  mfd_util_add_string_or_null (builder, "cause", entry->cause);
  mfd_util_add_string_or_null (builder, "title", remedy != NULL ? remedy->title : NULL);
  mfd_util_add_string_or_null (builder, "explanation", remedy != NULL ? remedy->explanation : NULL);
  json_builder_set_member_name (builder, "steps");
  add_steps_json (builder, remedy != NULL ? remedy->steps : NULL);
  json_builder_end_object (builder);
}

static void
add_finding_json (JsonBuilder  *builder,
                  MfdDiagnosis *diagnosis,
                  MfdFinding   *finding,
                  const char   *lang)
{
  GPtrArray *observations = mfd_diagnosis_get_observations (diagnosis);
  g_autoptr(MfdRemedy) remedy = mfd_report_render_remedy (diagnosis, finding, lang);
  g_autofree char *evidence = mfd_finding_dup_evidence (finding, lang);
  g_autofree char *not_verifiable = mfd_diagnosis_dup_not_verifiable (diagnosis, finding, lang);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, finding->code);
  json_builder_set_member_name (builder, "reply");
  json_builder_add_int_value (builder, finding->reply);
  mfd_util_add_string_or_null (builder, "host", finding->host);
  mfd_util_add_string_or_null (builder, "ip", finding->ip);
  json_builder_set_member_name (builder, "port");
  if (finding->port > 0)
    json_builder_add_int_value (builder, finding->port);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "cause");
  json_builder_add_string_value (builder, finding->cause);
  json_builder_set_member_name (builder, "warning");
  json_builder_add_boolean_value (builder, finding->warning);
  json_builder_set_member_name (builder, "inconclusive");
  json_builder_add_boolean_value (builder, finding->inconclusive);
  mfd_util_add_string_or_null (builder, "not_verifiable", not_verifiable);
  mfd_util_add_string_or_null (builder, "vantage",
                               finding->inconclusive ? mfd_vantage_facet_to_string (finding->vantage_facet) : NULL);
  if (finding->warning)
    {
      g_autofree char *note = mfd_report_dup_warning_note (finding, lang);

      mfd_util_add_string_or_null (builder, "would_become", note);
    }
  json_builder_set_member_name (builder, "stage");
  json_builder_add_string_value (builder, mfd_stage_to_string (finding->stage));
  mfd_util_add_string_or_null (builder, "title", remedy != NULL ? remedy->title : NULL);
  json_builder_set_member_name (builder, "evidence");
  json_builder_add_string_value (builder, evidence);

  json_builder_set_member_name (builder, "addresses");
  json_builder_begin_array (builder);
  for (guint i = 0; finding->addresses != NULL && finding->addresses[i] != NULL; i++)
    json_builder_add_string_value (builder, finding->addresses[i]);
  json_builder_end_array (builder);

  /* The fix, numbered as shown to people. */
  json_builder_set_member_name (builder, "steps");
  add_steps_json (builder, remedy != NULL ? remedy->steps : NULL);

  /* The evidence as indices into "observations", in order. */
  json_builder_set_member_name (builder, "evidence_observations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < finding->steps->len; i++)
    {
      guint index;

      if (g_ptr_array_find (observations, g_ptr_array_index (finding->steps, i), &index))
        json_builder_add_int_value (builder, index);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

JsonNode *
mfd_report_diagnosis_to_json (MfdDiagnosis *diagnosis,
                              const char   *lang)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *target = NULL;
  g_autofree char *comparison = NULL;
  g_autofree char *iso_time = NULL;
  MfdTarget *t;
  GPtrArray *findings;
  GPtrArray *observations;
  const char * const *ranges;

  g_return_val_if_fail (MFD_IS_DIAGNOSIS (diagnosis), NULL);

  t = mfd_diagnosis_get_target (diagnosis);
  findings = mfd_diagnosis_get_findings (diagnosis);
  observations = mfd_diagnosis_get_observations (diagnosis);
  ranges = mfd_diagnosis_get_eop_ranges (diagnosis);
  target = describe_target (diagnosis, lang);
  comparison = mfd_diagnosis_dup_comparison (diagnosis, lang);
  now = g_date_time_to_utc (mfd_diagnosis_get_time (diagnosis));
  iso_time = g_date_time_format_iso8601 (now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_string_value (builder, DIAGNOSIS_SCHEMA);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, mfd_verdict_to_string (mfd_diagnosis_get_verdict (diagnosis)));
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, iso_time);
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, target);
  if (t != NULL)
    {
      json_builder_set_member_name (builder, "tls");
      json_builder_add_string_value (builder, mfd_tls_mode_to_string (mfd_target_get_tls_mode (t)));
      mfd_util_add_string_or_null (builder, "connector", mfd_target_get_connector_name (t));
    }
  if (comparison != NULL)
    {
      json_builder_set_member_name (builder, "comparison");
      json_builder_add_string_value (builder, comparison);
    }
  /* The delivery error the check started from, as explain-ndr gives it. */
  if (mfd_diagnosis_get_ndr_entry (diagnosis) != NULL)
    {
      json_builder_set_member_name (builder, "ndr");
      mfd_report_add_ndr_entry_json (builder, mfd_diagnosis_get_ndr_entry (diagnosis));
    }
  if (mfd_diagnosis_get_ndr_entry (diagnosis) != NULL)
    {
      json_builder_set_member_name (builder, "ndr_remedy");
      add_ndr_remedy_json (builder, diagnosis, mfd_diagnosis_get_ndr_entry (diagnosis), lang);
    }
  if (mfd_diagnosis_get_vantage (diagnosis) != NULL)
    {
      json_builder_set_member_name (builder, "vantage");
      add_vantage_json (builder, diagnosis, mfd_diagnosis_get_vantage (diagnosis), lang);
    }

  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < findings->len; i++)
    add_finding_json (builder, diagnosis, g_ptr_array_index (findings, i), lang);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "observations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < observations->len; i++)
    add_observation_json (builder, g_ptr_array_index (observations, i), lang);
  json_builder_end_array (builder);

  if (ranges != NULL)
    {
      json_builder_set_member_name (builder, "eop_ranges");
      json_builder_begin_array (builder);
      for (guint i = 0; ranges[i] != NULL; i++)
        json_builder_add_string_value (builder, ranges[i]);
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Text and Markdown share one walk; only the decoration differs. */
typedef struct
{
  GString         *out;
  MfdReportFormat  format;
  const char      *lang;
} Writer;

static gboolean
is_markdown (const Writer *w)
{
  return w->format == MFD_REPORT_MARKDOWN;
}

/* Server replies and names are not trusted in Markdown: nothing in them may
 * open a link, an HTML tag, emphasis or a table cell. Line breaks become
 * @newline (a space in a table cell, an indented break in a list item). */
static char *
md_escape (const char *text,
           const char *newline)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        {
          g_string_append (out, newline);
          continue;
        }
      if (strchr ("\\`*_[]<|~", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static char *
escape_with (const Writer *w,
             const char   *text,
             const char   *newline)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL)
    return g_strdup ("");
  if (is_markdown (w))
    return md_escape (text, newline);
  lines = g_strsplit (text, "\n", -1);
  return g_strjoinv (newline, lines);
}

static char *
escape (const Writer *w,
        const char   *text)
{
  return escape_with (w, text, "\n");
}

static void
write_field (Writer     *w,
             const char *label,
             const char *value)
{
  g_autofree char *v = escape (w, value);

  if (is_markdown (w))
    g_string_append_printf (w->out, "**%s:** %s  \n", mfd_trc (w->lang, "report", label), v);
  else
    g_string_append_printf (w->out, "%s: %s\n", mfd_trc (w->lang, "report", label), v);
}

static void
write_heading (Writer     *w,
               int         level,
               const char *text)
{
  if (is_markdown (w))
    {
      g_autofree char *t = md_escape (text, " ");

      g_string_append_printf (w->out, "\n%.*s %s\n", level, "###", t);
    }
  else
    {
      g_string_append_printf (w->out, "\n%s\n", text);
      if (level <= 2)
        {
          /* As wide as the heading looks: CJK characters take two columns. */
          guint width = 0;

          for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
            width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
          for (guint i = 0; i < width; i++)
            g_string_append_c (w->out, level == 1 ? '=' : '-');
          g_string_append_c (w->out, '\n');
        }
    }
}

static void
write_paragraph (Writer     *w,
                 const char *text)
{
  g_autofree char *t = escape (w, text);

  g_string_append_printf (w->out, "\n%s\n", t);
}

static void
write_remedy_steps (Writer    *w,
                    MfdRemedy *remedy)
{
  for (guint i = 0; i < remedy->steps->len; i++)
    {
      MfdRemedyStep *step = g_ptr_array_index (remedy->steps, i);
      /* Continuation lines stay inside the numbered item. */
      g_autofree char *text = escape_with (w, step->text, is_markdown (w) ? "  \n   " : "\n     ");

      g_string_append_printf (w->out, "%s%u. %s\n", is_markdown (w) ? "" : "  ", i + 1, text);
      if (step->eac_path != NULL)
        {
          g_autofree char *path = escape (w, step->eac_path);
          g_autofree char *line = mfd_text_render_va (w->lang, N_("In the Exchange admin center: {1}"),
                                                      path, NULL);

          g_string_append_printf (w->out, "%s%s\n", is_markdown (w) ? "   " : "     ", line);
        }
      if (step->command != NULL)
        {
          /* Commands are copied as they are: never escaped. */
          if (is_markdown (w))
            g_string_append_printf (w->out, "\n   ```\n   %s\n   ```\n\n", step->command);
          else
            g_string_append_printf (w->out, "\n       %s\n\n", step->command);
        }
    }
}

static void
write_finding (Writer       *w,
               MfdDiagnosis *diagnosis,
               MfdFinding   *finding,
               guint         number)
{
  g_autoptr(MfdRemedy) remedy = mfd_report_render_remedy (diagnosis, finding, w->lang);
  g_autofree char *evidence = mfd_finding_dup_evidence (finding, w->lang);
  g_autofree char *n = g_strdup_printf ("%u", number);
  g_autofree char *code = g_strdup_printf ("%d %s", finding->reply, finding->code);
  g_autofree char *heading = NULL;
  const char *title = remedy != NULL ? remedy->title : finding->cause;

  /* Only a problem carries EOP's reply: a warning is no error EOP sends,
   * and what cannot be verified from here is no verdict at all. */
  if (finding->inconclusive)
    heading = mfd_text_render_va (w->lang, N_("Not verifiable from here {1}: {2}"), n, title, NULL);
  else if (finding->warning)
    heading = mfd_text_render_va (w->lang, N_("Warning {1}: {2}"), n, title, NULL);
  else
    heading = mfd_text_render_va (w->lang, N_("Finding {1}: {2} — {3}"), n, code, title, NULL);
  write_heading (w, 2, heading);

  if (finding->inconclusive)
    {
      g_autofree char *reason = mfd_diagnosis_dup_not_verifiable (diagnosis, finding, w->lang);

      if (reason != NULL)
        write_paragraph (w, reason);
    }
  else if (finding->warning)
    {
      g_autofree char *note = mfd_report_dup_warning_note (finding, w->lang);

      write_paragraph (w, note);
    }

  /* The cause in words, with its stable id for scripts and tickets. */
  {
    g_autoptr(MfdRemedy) cause = finding->cause != NULL ? mfd_remedy_render (NULL, finding->cause, w->lang, NULL) : NULL;
    const char *cause_title = cause != NULL ? cause->title : NULL;

    if (is_markdown (w))
      {
        g_autofree char *t = cause_title != NULL ? md_escape (cause_title, " ") : NULL;

        if (t != NULL)
          g_string_append_printf (w->out, "**%s:** %s (`%s`)  \n", mfd_trc (w->lang, "report", "Cause"), t, finding->cause);
        else
          g_string_append_printf (w->out, "**%s:** `%s`  \n", mfd_trc (w->lang, "report", "Cause"), finding->cause);
      }
    else
      {
        g_autofree char *value = cause_title != NULL
                                 ? g_strdup_printf ("%s (%s)", cause_title, finding->cause)
                                 : g_strdup (finding->cause);

        write_field (w, NC_("report", "Cause"), value);
      }
  }

  if (remedy != NULL && remedy->explanation != NULL)
    write_paragraph (w, remedy->explanation);

  if (is_markdown (w))
    {
      g_autofree char *e = md_escape (evidence, "\n");

      g_string_append_printf (w->out, "\n**%s:** %s\n", mfd_trc (w->lang, "report", "Evidence"), e);
    }
  else
    {
      g_string_append_printf (w->out, "\n%s: %s\n", mfd_trc (w->lang, "report", "Evidence"), evidence);
    }

  {
    g_autofree char *certificate = mfd_report_dup_certificate (diagnosis, finding);

    if (certificate != NULL)
      {
        g_string_append_printf (w->out, is_markdown (w) ? "\n**%s**\n\n```\n%s```\n" : "\n%s:\n%s",
                                mfd_tr (w->lang, N_("Certificate the server presented")), certificate);
        g_string_append_printf (w->out, is_markdown (w) ? "\n%s\n" : "%s\n",
                                mfd_tr (w->lang, N_("SHA-1 is the thumbprint that Exchange Server (Get-ExchangeCertificate) and the Windows certificate store show.")));
      }
  }

  if (remedy == NULL)
    return;

  if (remedy->likely_causes != NULL && remedy->likely_causes[0] != NULL)
    {
      g_string_append_printf (w->out, is_markdown (w) ? "\n**%s**\n\n" : "\n%s:\n",
                              mfd_tr (w->lang, N_("Likely causes")));
      for (guint i = 0; remedy->likely_causes[i] != NULL; i++)
        {
          g_autofree char *c = escape_with (w, remedy->likely_causes[i], " ");

          g_string_append_printf (w->out, "%s- %s\n", is_markdown (w) ? "" : "  ", c);
        }
    }

  if (remedy->steps->len > 0)
    {
      g_string_append_printf (w->out, is_markdown (w) ? "\n**%s**\n\n" : "\n%s:\n",
                              mfd_tr (w->lang, N_("What to do")));
      write_remedy_steps (w, remedy);
    }
}

/* What EOP reported, in its own terms and with its fix, before anything
 * the checks from here add. */
static void
write_ndr_lead (Writer       *w,
                MfdDiagnosis *diagnosis,
                MfdNdrEntry  *entry)
{
  g_autoptr(MfdRemedy) remedy = render_ndr_remedy (diagnosis, entry, w->lang);
  g_autofree char *reply = describe_ndr_reply (entry);
  g_autofree char *heading = NULL;
  g_autofree char *comparison = mfd_diagnosis_dup_comparison (diagnosis, w->lang);

  if (remedy != NULL && remedy->title != NULL)
    heading = mfd_text_render_va (w->lang, N_("What EOP reported: {1} — {2}"), reply, remedy->title, NULL);
  else
    heading = mfd_text_render_va (w->lang, N_("What EOP reported: {1}"), reply, NULL);
  write_heading (w, 2, heading);

  if (entry->server != NULL || entry->ip != NULL)
    {
      g_autofree char *where = entry->server != NULL && entry->ip != NULL
                               ? g_strdup_printf ("%s (%s)", entry->server, entry->ip)
                               : g_strdup (entry->server != NULL ? entry->server : entry->ip);

      write_field (w, NC_("report", "EOP tried"), where);
    }
  if (entry->text != NULL)
    write_field (w, NC_("report", "EOP's words"), entry->text);
  if (remedy != NULL && remedy->explanation != NULL)
    write_paragraph (w, remedy->explanation);
  if (remedy != NULL && remedy->steps->len > 0)
    {
      g_string_append_printf (w->out, is_markdown (w) ? "\n**%s**\n\n" : "\n%s:\n",
                              mfd_tr (w->lang, N_("What to do")));
      write_remedy_steps (w, remedy);
    }

  write_heading (w, 2, mfd_tr (w->lang, N_("What this computer confirms")));
  if (comparison != NULL)
    write_paragraph (w, comparison);
}

static void
write_vantage (Writer       *w,
               MfdDiagnosis *diagnosis)
{
  MfdVantage *vantage = mfd_diagnosis_get_vantage (diagnosis);
  g_autofree char *detail = NULL;

  if (vantage == NULL)
    return;
  detail = mfd_vantage_dup_detail (vantage, w->lang);
  write_heading (w, 2, mfd_tr (w->lang, N_("This computer's own view")));
  write_paragraph (w, detail);

  if (offers_microsoft_checks (diagnosis))
    {
      g_autoptr(GPtrArray) checks = mfd_report_dup_microsoft_checks (diagnosis, w->lang);
      MfdRemedy remedy = { .steps = checks };

      g_string_append_printf (w->out, is_markdown (w) ? "\n**%s**\n\n" : "\n%s:\n",
                              mfd_tr (w->lang, N_("Check from Microsoft's side")));
      write_remedy_steps (w, &remedy);
    }
}

static void
write_unreachable (Writer       *w,
                   MfdDiagnosis *diagnosis)
{
  GPtrArray *unreachable = mfd_diagnosis_get_unreachable (diagnosis);

  if (unreachable->len == 0)
    return;
  write_heading (w, 2, mfd_tr (w->lang, N_("Addresses EOP cannot reach")));
  for (guint i = 0; i < unreachable->len; i++)
    {
      g_autofree char *text = mfd_unreachable_dup_text (g_ptr_array_index (unreachable, i), w->lang);
      g_autofree char *escaped = escape_with (w, text, " ");

      g_string_append_printf (w->out, "%s- %s\n", is_markdown (w) ? "" : "  ", escaped);
    }
}

static void
write_eop_ranges (Writer       *w,
                  MfdDiagnosis *diagnosis)
{
  const char * const *ranges = mfd_diagnosis_get_eop_ranges (diagnosis);
  g_autofree char *fetched = format_time (mfd_diagnosis_get_eop_ranges_fetched (diagnosis));

  if (ranges == NULL || ranges[0] == NULL)
    return;

  write_heading (w, 3, mfd_tr (w->lang, N_("EOP address ranges that must reach TCP port 25")));
  if (fetched != NULL)
    {
      g_autofree char *line = mfd_text_render_va (w->lang, N_("As published by Microsoft; this copy is from {1}."),
                                                  fetched, NULL);
      write_paragraph (w, line);
    }
  for (guint i = 0; ranges[i] != NULL; i++)
    {
      if (is_markdown (w))
        g_string_append_printf (w->out, "- `%s`\n", ranges[i]);
      else
        g_string_append_printf (w->out, "  %s\n", ranges[i]);
    }
}

/* Why the verdict is not "ok": each step that could not be carried out. */
static void
write_not_checked (Writer    *w,
                   GPtrArray *observations)
{
  write_heading (w, 2, mfd_tr (w->lang, N_("Not checked from here")));

  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);
      g_autofree char *detail = NULL;
      g_autofree char *line = NULL;
      g_autofree char *escaped = NULL;

      if (o->outcome != MFD_OUTCOME_INCONCLUSIVE)
        continue;
      detail = mfd_observation_dup_detail (o, w->lang);
      line = g_strdup_printf ("%s — %s: %s", mfd_tr (w->lang, mfd_stage_get_label (o->stage)),
                              o->ip != NULL ? o->ip : (o->host != NULL ? o->host : ""), detail);
      escaped = escape_with (w, line, " ");
      g_string_append_printf (w->out, "%s- %s\n", is_markdown (w) ? "" : "  ", escaped);
    }
}

static void
write_observations (Writer    *w,
                    GPtrArray *observations)
{
  write_heading (w, 2, mfd_trc (w->lang, "report", "Checks"));

  if (is_markdown (w))
    {
      g_string_append_printf (w->out, "| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n",
                              mfd_trc (w->lang, "report", "Step"), mfd_trc (w->lang, "report", "Host"),
                              mfd_trc (w->lang, "report", "Address"), mfd_trc (w->lang, "report", "Result"),
                              mfd_trc (w->lang, "report", "Time"), mfd_trc (w->lang, "report", "Detail"));
    }

  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);
      g_autofree char *detail = mfd_observation_dup_detail (o, w->lang);
      g_autofree char *ms_number = g_strdup_printf ("%" G_GINT64_FORMAT, o->ms);
      g_autofree char *ms = o->ms >= 0 ? mfd_text_render_va (w->lang, N_("{1} ms"), ms_number, NULL) : g_strdup ("");
      const char *stage = mfd_tr (w->lang, mfd_stage_get_label (o->stage));
      const char *outcome = mfd_report_get_outcome_label (o->outcome, w->lang);

      if (is_markdown (w))
        {
          g_autofree char *host = md_escape (o->host != NULL ? o->host : "", " ");
          g_autofree char *ip = md_escape (o->ip != NULL ? o->ip : "", " ");
          g_autofree char *d = md_escape (detail, " ");

          g_string_append_printf (w->out, "| %s | %s | %s | %s | %s | %s |\n",
                                  stage, host, ip, outcome, ms, d);
        }
      else
        {
          g_autofree char *where = NULL;

          if (o->ip != NULL && o->host != NULL && !g_str_equal (o->host, o->ip))
            where = g_strdup_printf ("%s (%s)", o->host, o->ip);
          else
            where = g_strdup (o->host != NULL ? o->host : (o->ip != NULL ? o->ip : ""));
          g_string_append_printf (w->out, "  [%s] %s — %s: %s%s%s%s\n", outcome, stage, where, detail,
                                  o->ms >= 0 ? " (" : "", ms, o->ms >= 0 ? ")" : "");
        }
    }
}

char *
mfd_report_render_diagnosis (MfdDiagnosis    *diagnosis,
                             MfdReportFormat  format,
                             const char      *lang)
{
  Writer w = { NULL, format, lang };
  MfdTarget *target;
  MfdVerdict verdict;
  const VerdictText *vt;
  GPtrArray *findings;
  g_autofree char *destination = NULL;
  g_autofree char *when = NULL;

  g_return_val_if_fail (MFD_IS_DIAGNOSIS (diagnosis), NULL);

  if (format == MFD_REPORT_JSON)
    {
      g_autoptr(JsonNode) node = mfd_report_diagnosis_to_json (diagnosis, lang);
      g_autoptr(JsonGenerator) generator = json_generator_new ();

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_indent (generator, 2);
      json_generator_set_root (generator, node);
      return json_generator_to_data (generator, NULL);
    }

  w.out = g_string_new (NULL);
  target = mfd_diagnosis_get_target (diagnosis);
  verdict = mfd_diagnosis_get_verdict (diagnosis);
  vt = find_verdict_text (verdict);
  findings = mfd_diagnosis_get_findings (diagnosis);
  destination = describe_target (diagnosis, lang);
  when = format_time (mfd_diagnosis_get_time (diagnosis));

  write_heading (&w, 1, mfd_tr (lang, N_("Mail Flow Doctor report")));
  /* A report starts with its title, not a blank line. */
  g_string_erase (w.out, 0, 1);
  if (is_markdown (&w))
    g_string_append_c (w.out, '\n');

  write_field (&w, NC_("report", "Destination"), destination);
  if (target != NULL)
    {
      const char *connector = mfd_target_get_connector_name (target);

      if (connector != NULL)
        write_field (&w, NC_("report", "Connector"), connector);
      write_field (&w, NC_("report", "TLS setting"), mfd_tr (lang, mfd_tls_mode_get_label (mfd_target_get_tls_mode (target))));
    }
  write_field (&w, NC_("report", "Checked at"), when);

  /* Started from an NDR: EOP's code, explanation and fix lead; what this
   * computer confirmed, contradicted or could not check follows. */
  if (mfd_diagnosis_get_ndr_entry (diagnosis) != NULL)
    write_ndr_lead (&w, diagnosis, mfd_diagnosis_get_ndr_entry (diagnosis));

  if (is_markdown (&w) && mfd_diagnosis_get_ndr_entry (diagnosis) != NULL)
    g_string_append_c (w.out, '\n');
  write_field (&w, NC_("report", "Result"), mfd_tr (lang, vt->label));
  write_paragraph (&w, mfd_tr (lang, vt->summary));

  /* A result read without the settings behind it misleads (offline, a
   * test resolver, short timeouts). */
  if (target != NULL)
    {
      g_auto(GStrv) settings = mfd_target_dup_run_settings (target, lang);

      if (settings[0] != NULL)
        {
          write_heading (&w, 2, mfd_tr (lang, N_("Settings that changed this run")));
          g_string_append_c (w.out, '\n');
          for (guint i = 0; settings[i] != NULL; i++)
            {
              g_autofree char *line = escape_with (&w, settings[i], " ");

              g_string_append_printf (w.out, "%s- %s\n", is_markdown (&w) ? "" : "  ", line);
            }
        }
    }

  write_vantage (&w, diagnosis);
  write_unreachable (&w, diagnosis);

  for (guint i = 0; i < findings->len; i++)
    write_finding (&w, diagnosis, g_ptr_array_index (findings, i), i + 1);

  if (verdict == MFD_VERDICT_OK)
    {
      const char * const *ranges = mfd_diagnosis_get_eop_ranges (diagnosis);

      write_heading (&w, 2, mfd_tr (lang, N_("What these checks cannot see")));
      write_paragraph (&w, mfd_tr (lang, N_("These checks ran from this computer, not from Exchange Online. EOP connects from Microsoft's own addresses, and a firewall may treat those differently from this network.")));
      if (ranges != NULL && ranges[0] != NULL)
        write_paragraph (&w, mfd_tr (lang, N_("Make sure every address range below can reach the destination on TCP port 25.")));
      else
        write_paragraph (&w, mfd_tr (lang, N_("Make sure the EOP address ranges that Microsoft publishes for Exchange Online can reach the destination on TCP port 25.")));
      write_eop_ranges (&w, diagnosis);
    }
  else if (mfd_diagnosis_needs_eop_ranges (diagnosis))
    {
      write_eop_ranges (&w, diagnosis);
    }

  if (verdict == MFD_VERDICT_INCONCLUSIVE)
    write_not_checked (&w, mfd_diagnosis_get_observations (diagnosis));

  write_observations (&w, mfd_diagnosis_get_observations (diagnosis));

  return g_string_free (w.out, FALSE);
}

const char *
mfd_report_get_outcome_label (MfdOutcome  outcome,
                              const char *lang)
{
  g_return_val_if_fail (outcome < G_N_ELEMENTS (outcome_labels), NULL);

  return mfd_trc (lang, "report", outcome_labels[outcome]);
}
