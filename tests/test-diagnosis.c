/* test-diagnosis.c — observations (+ NDR) -> findings, verdict, ranking
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "mfd/mfd.h"
#include "mfd-test-util.h"

#define H1  "mail.contoso.com"
#define H2  "mail2.contoso.com"
#define IP1 "203.0.113.25"
#define IP2 "2001:db8::25"
#define IP3 "203.0.113.26"

#define OK    MFD_OUTCOME_OK
#define WARN  MFD_OUTCOME_WARNING
#define FAIL  MFD_OUTCOME_FAIL
#define SKIP  MFD_OUTCOME_SKIPPED
#define INCON MFD_OUTCOME_INCONCLUSIVE

/* One observation as a probe would emit it; ip NULL = a name-level step. */
typedef struct
{
  MfdStage    stage;
  MfdOutcome  outcome;
  const char *host;
  const char *ip;
  const char *cause;
  const char *reply;
  gint64      ms;
  const char *public_view;    /* DNS_PUBLIC: its "public-view" fact */
} Obs;

#define MAX_OBS 8

static GPtrArray *
make_observations (const Obs *list,
                   guint      n)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);

  for (guint i = 0; i < n; i++)
    {
      MfdObservation *o = mfd_observation_new (list[i].stage, list[i].outcome, list[i].host,
                                               list[i].ip, list[i].ip != NULL ? 25 : 0);

      o->ms = list[i].ms;
      mfd_observation_set_cause (o, list[i].cause);
      if (list[i].reply != NULL)
        mfd_observation_set_reply (o, atoi (list[i].reply), list[i].reply);
      if (list[i].public_view != NULL)
        mfd_observation_set_fact (o, "public-view", list[i].public_view);
      if (list[i].outcome == FAIL)
        mfd_observation_set_detail (o, "It failed.", NULL);
      g_ptr_array_add (array, o);
    }

  return array;
}

static guint
count_obs (const Obs *list)
{
  guint n = 0;

  while (n < MAX_OBS && (list[n].host != NULL || list[n].ip != NULL))
    n++;
  return n;
}

static MfdDiagnosis *
diagnose (MfdTarget   *target,
          const Obs   *list,
          MfdNdrEntry *entry)
{
  g_autoptr(GPtrArray) observations = make_observations (list, count_obs (list));

  return mfd_diagnosis_new (target, observations, entry);
}

static MfdNdrEntry *
make_ndr_entry (int         reply,
                const char *status,
                const char *cause,
                const char *server,
                const char *ip,
                const char *iso_time)
{
  MfdNdrEntry *entry = g_new0 (MfdNdrEntry, 1);

  g_atomic_ref_count_init (&entry->ref_count);
  entry->reply = reply;
  entry->status = g_strdup (status);
  entry->cause = g_strdup (cause);
  entry->server = g_strdup (server);
  entry->ip = g_strdup (ip);
  entry->port = 25;
  if (iso_time != NULL)
    entry->timestamp = g_date_time_new_from_iso8601 (iso_time, NULL);
  entry->expired = status != NULL && status[0] == '5';
  return entry;
}

static MfdFinding *
finding_at (MfdDiagnosis *d,
            guint         i)
{
  GPtrArray *findings = mfd_diagnosis_get_findings (d);

  g_assert_cmpuint (i, <, findings->len);
  return g_ptr_array_index (findings, i);
}

/* The table of docs/cli.md, cause by cause, with the step where the probe sees it. */
typedef struct
{
  const char *cause;
  const char *code;
  MfdStage    stage;
  gboolean    name_level;
} CauseCase;

static const CauseCase cause_cases[] = {
  { "dns-nxdomain",         "4.4.312", MFD_STAGE_DNS,           TRUE },
  { "dns-no-address",       "4.4.312", MFD_STAGE_DNS,           TRUE },
  { "dns-domain-expired",   "4.4.312", MFD_STAGE_REGISTRATION,  TRUE },
  { "dns-servfail",         "4.4.312", MFD_STAGE_DNS,           TRUE },
  { "dns-timeout",          "4.4.312", MFD_STAGE_DNS,           TRUE },
  { "dns-lame-delegation",  "4.4.312", MFD_STAGE_DNS_AUTHORITY, TRUE },
  { "dns-stale-cache",      "4.4.312", MFD_STAGE_DNS_AUTHORITY, TRUE },
  { "dns-split-horizon",    "4.4.312", MFD_STAGE_DNS_PUBLIC,    TRUE },
  { "tcp-timeout",          "4.4.315", MFD_STAGE_TCP,           FALSE },
  { "greeting-timeout",     "4.4.315", MFD_STAGE_GREETING,      FALSE },
  { "tcp-refused",          "4.4.316", MFD_STAGE_TCP,           FALSE },
  { "greeting-rejected",    "4.4.317", MFD_STAGE_GREETING,      FALSE },
  { "ehlo-rejected",        "4.4.317", MFD_STAGE_EHLO,          FALSE },
  { "starttls-missing",     "4.4.317", MFD_STAGE_STARTTLS,      FALSE },
  { "starttls-rejected",    "4.4.317", MFD_STAGE_STARTTLS,      FALSE },
  { "tls-handshake-failed", "4.4.317", MFD_STAGE_TLS,           FALSE },
  { "closed-abruptly",      "4.4.318", MFD_STAGE_EHLO,          FALSE },
  { "cert-expired",         "4.7.320", MFD_STAGE_CERTIFICATE,   FALSE },
  { "cert-not-yet-valid",   "4.7.320", MFD_STAGE_CERTIFICATE,   FALSE },
  { "cert-untrusted",       "4.7.320", MFD_STAGE_CERTIFICATE,   FALSE },
  { "cert-name-mismatch",   "4.7.320", MFD_STAGE_CERTIFICATE,   FALSE },
  { "cert-insecure",        "4.7.320", MFD_STAGE_CERTIFICATE,   FALSE },
  { "cert-revoked",         "4.7.320", MFD_STAGE_CERTIFICATE,   FALSE },
  { "cert-chain-invalid",   "4.7.320", MFD_STAGE_CERTIFICATE,   FALSE },
  { "cert-purpose-mismatch", "4.7.320", MFD_STAGE_CERTIFICATE,  FALSE },
  { "cert-unknown-critical-extension", "4.7.320", MFD_STAGE_CERTIFICATE, FALSE },
};

static void
test_cause_code (gconstpointer data)
{
  const CauseCase *c = data;
  Obs list[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 3 },
  };
  g_autoptr(MfdDiagnosis) d = NULL;
  MfdFinding *f;

  /* The failing step, after a passing lookup unless the lookup itself fails. */
  list[c->stage == MFD_STAGE_DNS ? 0 : 1] = (Obs) { c->stage, FAIL, H1, c->name_level ? NULL : IP1,
                                                  c->cause, NULL, 7 };

  /* No target: no TLS-setting rule softens a certificate failure. */
  d = diagnose (NULL, list, NULL);

  g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, MFD_VERDICT_PROBLEM);
  g_assert_cmpuint (mfd_diagnosis_get_findings (d)->len, ==, 1);
  f = finding_at (d, 0);
  g_assert_cmpstr (f->code, ==, c->code);
  g_assert_cmpstr (mfd_remedy_code_for_cause (c->cause), ==, c->code);
  g_assert_cmpint (f->reply, ==, 450);
  g_assert_cmpstr (f->cause, ==, c->cause);
  g_assert_false (f->warning);
  g_assert_cmpstr (f->host, ==, H1);
  g_assert_cmpint (f->stage, ==, c->stage);
  if (c->name_level)
    {
      g_assert_null (f->ip);
      g_assert_cmpuint (f->port, ==, 0);
      g_assert_null (f->addresses);
    }
  else
    {
      g_assert_cmpstr (f->ip, ==, IP1);
      g_assert_cmpuint (f->port, ==, 25);
      g_assert_cmpstrv (f->addresses, ((const char *[]) { IP1, NULL }));
    }
  /* The evidence ends with the failing step. */
  g_assert_nonnull (f->failure);
  g_assert_true (g_ptr_array_index (f->steps, f->steps->len - 1) == f->failure);
  g_assert_cmpstr (f->failure->cause, ==, c->cause);
}

static void
test_catalogue_causes (void)
{
  const char * const *causes = mfd_remedy_list_causes ();

  g_assert_nonnull (causes);

  /* Every cause docs/cli.md names is in the catalogue … */
  for (guint i = 0; i < G_N_ELEMENTS (cause_cases); i++)
    g_assert_true (g_strv_contains (causes, cause_cases[i].cause));

  /* … and every catalogue cause becomes a finding with the catalogue's code. */
  for (guint i = 0; causes[i] != NULL; i++)
    {
      const Obs list[MAX_OBS] = {
        { MFD_STAGE_TCP, FAIL, H1, IP1, causes[i], NULL, 1 },
      };
      g_autoptr(MfdDiagnosis) d = diagnose (NULL, list, NULL);
      const char *expected = mfd_remedy_code_for_cause (causes[i]);
      MfdFinding *f = finding_at (d, 0);

      g_test_message ("cause %s", causes[i]);
      g_assert_cmpstr (f->cause, ==, causes[i]);
      g_assert_cmpstr (f->code, ==, expected != NULL ? expected : "other");
      g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, MFD_VERDICT_PROBLEM);
    }
}

static void
test_other_cause (void)
{
  /* A failure the probe could not name, or named with an unknown id, still
   * blocks delivery; the server's own code names it. */
  const Obs list[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 1 },
    { MFD_STAGE_EHLO, FAIL, H1, IP1, NULL, "550 5.7.1 Go away", 4 },
    { MFD_STAGE_EHLO, FAIL, H2, IP3, "no-such-cause-id", NULL, 4 },
    /* A dotted triple that is part of an address is no status code. */
    { MFD_STAGE_EHLO, FAIL, "mail3.contoso.com", IP2, NULL, "421 busy at 5.10.20.30", 4 },
  };
  g_autoptr(MfdDiagnosis) d = diagnose (NULL, list, NULL);
  const char *other = mfd_remedy_code_for_cause ("other");

  g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, MFD_VERDICT_PROBLEM);
  g_assert_cmpuint (mfd_diagnosis_get_findings (d)->len, ==, 3);
  g_assert_cmpstr (finding_at (d, 2)->code, ==, other != NULL ? other : "other");
  g_assert_cmpint (finding_at (d, 2)->reply, ==, 450);
  g_assert_cmpstr (finding_at (d, 0)->cause, ==, "other");
  g_assert_cmpstr (finding_at (d, 0)->code, ==, "5.7.1");
  g_assert_cmpint (finding_at (d, 0)->reply, ==, 550);
  g_assert_cmpstr (finding_at (d, 1)->cause, ==, "other");
  g_assert_cmpstr (finding_at (d, 1)->code, ==, other != NULL ? other : "other");
}

typedef struct
{
  const char *name;
  Obs         obs[MAX_OBS];
  MfdVerdict  verdict;
  guint       n_findings;
  guint       n_warnings;
} VerdictCase;

static const VerdictCase verdict_cases[] = {
  { "all-ok", {
      { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
      { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 },
      { MFD_STAGE_GREETING, OK, H1, IP1, NULL, "220 ready", 5 },
      { MFD_STAGE_EHLO, OK, H1, IP1, NULL, NULL, 1 },
      { MFD_STAGE_QUIT, OK, H1, IP1, NULL, "221 bye", 1 },
    }, MFD_VERDICT_OK, 0, 0 },
  { "nothing-checked", { { 0 } }, MFD_VERDICT_INCONCLUSIVE, 0, 0 },
  { "all-skipped", {
      { MFD_STAGE_DNS_PUBLIC, SKIP, H1, NULL, NULL, NULL, -1 },
      { MFD_STAGE_REGISTRATION, SKIP, H1, NULL, NULL, NULL, -1 },
    }, MFD_VERDICT_INCONCLUSIVE, 0, 0 },
  { "resolver-unreachable", {
      { MFD_STAGE_DNS, INCON, H1, NULL, NULL, NULL, 5000 },
    }, MFD_VERDICT_INCONCLUSIVE, 0, 0 },
  { "ok-but-one-step-inconclusive", {
      { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
      { MFD_STAGE_DNS_PUBLIC, INCON, H1, NULL, NULL, NULL, 10 },
      { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 },
      { MFD_STAGE_QUIT, OK, H1, IP1, NULL, NULL, 1 },
    }, MFD_VERDICT_INCONCLUSIVE, 0, 0 },
  { "failure-beats-inconclusive", {
      { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
      { MFD_STAGE_DNS_PUBLIC, INCON, H1, NULL, NULL, NULL, 10 },
      { MFD_STAGE_TCP, FAIL, H1, IP1, "tcp-refused", NULL, 1 },
    }, MFD_VERDICT_PROBLEM, 1, 0 },
  { "warning-is-not-a-problem", {
      { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
      { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 },
      { MFD_STAGE_TLS, OK, H1, IP1, NULL, NULL, 9 },
      { MFD_STAGE_CERTIFICATE, WARN, H1, IP1, "cert-untrusted", NULL, 0 },
      { MFD_STAGE_QUIT, OK, H1, IP1, NULL, NULL, 1 },
    }, MFD_VERDICT_OK, 1, 1 },
  { "warning-and-inconclusive", {
      { MFD_STAGE_DNS, INCON, H1, NULL, NULL, NULL, 5000 },
      { MFD_STAGE_CERTIFICATE, WARN, H2, IP3, "cert-expired", NULL, 0 },
    }, MFD_VERDICT_INCONCLUSIVE, 1, 1 },
  { "one-host-fails-one-passes", {
      { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 },
      { MFD_STAGE_QUIT, OK, H1, IP1, NULL, NULL, 1 },
      { MFD_STAGE_TCP, FAIL, H2, IP3, "tcp-timeout", NULL, 15000 },
    }, MFD_VERDICT_PROBLEM, 1, 0 },
};

static void
test_verdict (gconstpointer data)
{
  const VerdictCase *c = data;
  g_autoptr(MfdDiagnosis) d = diagnose (NULL, c->obs, NULL);
  GPtrArray *findings = mfd_diagnosis_get_findings (d);
  guint n_warnings = 0;
  gboolean seen_warning = FALSE;

  g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, c->verdict);
  g_assert_cmpuint (findings->len, ==, c->n_findings);
  for (guint i = 0; i < findings->len; i++)
    {
      MfdFinding *f = g_ptr_array_index (findings, i);

      /* Problems first, then warnings. */
      if (seen_warning)
        g_assert_true (f->warning);
      seen_warning = f->warning;
      n_warnings += f->warning;
    }
  g_assert_cmpuint (n_warnings, ==, c->n_warnings);
  g_assert_cmpuint (mfd_diagnosis_get_observations (d)->len, ==, count_obs (c->obs));
  g_assert_null (mfd_diagnosis_dup_comparison (d, "en"));
}

typedef struct
{
  MfdTlsMode mode;
  gboolean   warning;
} TlsCase;

static const TlsCase tls_cases[] = {
  { MFD_TLS_OPPORTUNISTIC,          TRUE },
  { MFD_TLS_ENCRYPTION_ONLY,        TRUE },
  { MFD_TLS_CERTIFICATE_VALIDATION, FALSE },
  { MFD_TLS_DOMAIN_VALIDATION,      FALSE },
};

static void
test_tls_setting (gconstpointer data)
{
  const TlsCase *c = data;
  const Obs list[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
    { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 },
    { MFD_STAGE_TLS, OK, H1, IP1, NULL, NULL, 9 },
    /* As a probe that did not soften it would report it. */
    { MFD_STAGE_CERTIFICATE, FAIL, H1, IP1, "cert-expired", NULL, 0 },
    { MFD_STAGE_QUIT, OK, H1, IP1, NULL, NULL, 1 },
  };
  g_autoptr(MfdTarget) target = mfd_target_new ();
  g_autoptr(MfdDiagnosis) d = NULL;
  g_autofree char *evidence = NULL;
  MfdFinding *f;

  mfd_target_add_smart_host (target, H1, 0);
  mfd_target_set_tls_mode (target, c->mode);
  if (c->mode == MFD_TLS_DOMAIN_VALIDATION)
    mfd_target_set_tls_domain (target, H1);

  d = diagnose (target, list, NULL);
  g_assert_true (mfd_diagnosis_get_target (d) == target);
  f = finding_at (d, 0);
  g_assert_cmpstr (f->code, ==, "4.7.320");
  g_assert_cmpint (f->warning, ==, c->warning);
  g_assert_cmpint (mfd_diagnosis_get_verdict (d), ==, c->warning ? MFD_VERDICT_OK : MFD_VERDICT_PROBLEM);

  evidence = mfd_finding_dup_evidence (f, "en");
  g_assert_cmpint (strstr (evidence, "does not require a valid certificate") != NULL, ==, c->warning);
}

static void
test_lame_delegation (void)
{
  const Obs public_ok[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
    { MFD_STAGE_DNS_AUTHORITY, FAIL, H1, NULL, "dns-lame-delegation", NULL, 5000 },
    { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 },
    { MFD_STAGE_QUIT, OK, H1, IP1, NULL, NULL, 1 },
    /* The public view arrives last: it still explains the warning. */
    { MFD_STAGE_DNS_PUBLIC, OK, H1, NULL, NULL, NULL, 40, "resolves" },
  };
  /* Public resolvers fail alike: an OK second opinion, yet no reason to
   * call the lame zone harmless. */
  const Obs public_confirms_failure[MAX_OBS] = {
    { MFD_STAGE_DNS, FAIL, H1, NULL, "dns-servfail", NULL, 2 },
    { MFD_STAGE_DNS_AUTHORITY, FAIL, H1, NULL, "dns-lame-delegation", NULL, 5000 },
    { MFD_STAGE_DNS_PUBLIC, OK, H1, NULL, NULL, NULL, 40, "servfail" },
  };
  const Obs public_fails[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
    { MFD_STAGE_DNS_AUTHORITY, FAIL, H1, NULL, "dns-lame-delegation", NULL, 5000 },
    { MFD_STAGE_DNS_PUBLIC, FAIL, H1, NULL, "dns-split-horizon", NULL, 40 },
  };
  const Obs public_other_host[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
    { MFD_STAGE_DNS_AUTHORITY, FAIL, H1, NULL, "dns-lame-delegation", NULL, 5000 },
    { MFD_STAGE_DNS_PUBLIC, OK, H2, NULL, NULL, NULL, 40, "resolves" },
  };
  g_autoptr(MfdDiagnosis) d1 = diagnose (NULL, public_ok, NULL);
  g_autoptr(MfdDiagnosis) d2 = diagnose (NULL, public_fails, NULL);
  g_autoptr(MfdDiagnosis) d3 = diagnose (NULL, public_other_host, NULL);
  g_autoptr(MfdDiagnosis) d4 = diagnose (NULL, public_confirms_failure, NULL);
  g_autofree char *evidence = NULL;
  g_autofree char *evidence4 = NULL;
  MfdFinding *f;

  g_assert_cmpint (mfd_diagnosis_get_verdict (d1), ==, MFD_VERDICT_OK);
  f = finding_at (d1, 0);
  g_assert_cmpstr (f->cause, ==, "dns-lame-delegation");
  g_assert_true (f->warning);
  g_assert_cmpuint (f->steps->len, ==, 3);
  g_assert_cmpint (((MfdObservation *) g_ptr_array_index (f->steps, 2))->stage, ==, MFD_STAGE_DNS_PUBLIC);
  evidence = mfd_finding_dup_evidence (f, "en");
  g_assert_nonnull (strstr (evidence, "block DNS queries sent directly"));
  g_assert_nonnull (strstr (evidence, "public DNS still resolves"));

  g_assert_cmpint (mfd_diagnosis_get_verdict (d2), ==, MFD_VERDICT_PROBLEM);
  g_assert_cmpuint (mfd_diagnosis_get_findings (d2)->len, ==, 2);
  g_assert_false (finding_at (d2, 0)->warning);
  g_assert_false (finding_at (d2, 1)->warning);

  g_assert_cmpint (mfd_diagnosis_get_verdict (d3), ==, MFD_VERDICT_PROBLEM);
  g_assert_false (finding_at (d3, 0)->warning);

  g_assert_cmpuint (mfd_diagnosis_get_findings (d4)->len, ==, 2);
  f = finding_at (d4, 1);
  g_assert_cmpstr (f->cause, ==, "dns-lame-delegation");
  g_assert_false (f->warning);
  evidence4 = mfd_finding_dup_evidence (f, "en");
  g_assert_null (strstr (evidence4, "public DNS still resolves"));
}

/* An expired or held domain explains the host's DNS failure: one finding,
 * named by the registration, with the DNS failure among its steps. Another
 * host's DNS failure, or a registration that only warns, explains nothing. */
static void
test_expired_domain_explains_dns (void)
{
  const Obs expired[MAX_OBS] = {
    { MFD_STAGE_DNS, FAIL, H1, NULL, "dns-nxdomain", NULL, 2 },
    { MFD_STAGE_DNS_PUBLIC, OK, H1, NULL, NULL, NULL, 40 },
    { MFD_STAGE_REGISTRATION, FAIL, H1, NULL, "dns-domain-expired", NULL, 60 },
    { MFD_STAGE_DNS, FAIL, H2, NULL, "dns-servfail", NULL, 2 },
  };
  const Obs expiring[MAX_OBS] = {
    { MFD_STAGE_DNS, FAIL, H1, NULL, "dns-servfail", NULL, 2 },
    { MFD_STAGE_REGISTRATION, WARN, H1, NULL, "dns-domain-expired", NULL, 60 },
  };
  g_autoptr(MfdDiagnosis) d1 = diagnose (NULL, expired, NULL);
  g_autoptr(MfdDiagnosis) d2 = diagnose (NULL, expiring, NULL);
  MfdFinding *f;

  g_assert_cmpuint (mfd_diagnosis_get_findings (d1)->len, ==, 2);
  f = finding_at (d1, 0);
  g_assert_cmpstr (f->cause, ==, "dns-domain-expired");
  g_assert_cmpstr (f->code, ==, "4.4.312");
  g_assert_false (f->warning);
  g_assert_cmpint (((MfdObservation *) g_ptr_array_index (f->steps, 0))->stage, ==, MFD_STAGE_DNS);
  g_assert_cmpstr (finding_at (d1, 1)->cause, ==, "dns-servfail");
  g_assert_cmpstr (finding_at (d1, 1)->host, ==, H2);

  g_assert_cmpuint (mfd_diagnosis_get_findings (d2)->len, ==, 2);
  g_assert_cmpstr (finding_at (d2, 0)->cause, ==, "dns-servfail");
  g_assert_cmpstr (finding_at (d2, 1)->cause, ==, "dns-domain-expired");
  g_assert_true (finding_at (d2, 1)->warning);
}

static void
test_grouping (void)
{
  const Obs list[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
    { MFD_STAGE_TCP, FAIL, H1, IP1, "tcp-refused", NULL, 1 },
    { MFD_STAGE_TCP, FAIL, H1, IP2, "tcp-refused", NULL, 1 },
    { MFD_STAGE_TCP, FAIL, H1, IP3, "tcp-timeout", NULL, 15000 },
    { MFD_STAGE_DNS, OK, H2, NULL, NULL, NULL, 2 },
    { MFD_STAGE_TCP, FAIL, H2, IP1, "tcp-refused", NULL, 1 },
  };
  g_autoptr(MfdDiagnosis) d = diagnose (NULL, list, NULL);
  g_autofree char *evidence = NULL;
  MfdFinding *f;

  /* One host, one cause = one finding; other causes and hosts stay apart. */
  g_assert_cmpuint (mfd_diagnosis_get_findings (d)->len, ==, 3);
  f = finding_at (d, 0);
  g_assert_cmpstr (f->host, ==, H1);
  g_assert_cmpstr (f->cause, ==, "tcp-refused");
  g_assert_cmpstr (f->ip, ==, IP1);
  g_assert_cmpstrv (f->addresses, ((const char *[]) { IP1, IP2, NULL }));
  g_assert_cmpuint (f->steps->len, ==, 3);
  g_assert_cmpstr (((MfdObservation *) g_ptr_array_index (f->steps, 2))->ip, ==, IP2);
  evidence = mfd_finding_dup_evidence (f, "en");
  g_assert_nonnull (strstr (evidence, "The same was seen on " IP2 "."));

  g_assert_cmpstr (finding_at (d, 1)->cause, ==, "tcp-timeout");
  g_assert_cmpstr (finding_at (d, 1)->host, ==, H1);
  g_assert_cmpstr (finding_at (d, 2)->host, ==, H2);
}

static void
test_steps (void)
{
  /* The other address's steps are not this address's evidence. */
  const Obs list[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
    { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 },
    { MFD_STAGE_TCP, OK, H1, IP3, NULL, NULL, 1 },
    { MFD_STAGE_GREETING, OK, H1, IP1, NULL, "220 hi", 3 },
    { MFD_STAGE_GREETING, FAIL, H1, IP3, "greeting-rejected", "421 4.3.2 Busy", 3 },
    { MFD_STAGE_EHLO, OK, H1, IP1, NULL, NULL, 1 },
    { MFD_STAGE_DNS, OK, H2, NULL, NULL, NULL, 2 },
  };
  g_autoptr(MfdDiagnosis) d = diagnose (NULL, list, NULL);
  MfdFinding *f = finding_at (d, 0);
  const MfdStage stages[] = { MFD_STAGE_DNS, MFD_STAGE_TCP, MFD_STAGE_GREETING };

  g_assert_cmpuint (f->steps->len, ==, G_N_ELEMENTS (stages));
  for (guint i = 0; i < f->steps->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (f->steps, i);

      g_assert_cmpint (o->stage, ==, stages[i]);
      g_assert_cmpstr (o->host, ==, H1);
      g_assert_true (o->ip == NULL || g_str_equal (o->ip, IP3));
    }
}

typedef struct
{
  const char *name;
  int         reply;
  const char *status;
  const char *cause;
  const char *server;
  const char *first_cause;
} RankCase;

static const RankCase rank_cases[] = {
  { "no-ndr",           0,   NULL,      NULL,           NULL, "tcp-refused" },
  { "ndr-cause",        450, "4.4.317", "cert-expired", H2,   "cert-expired" },
  { "ndr-code",         450, "4.7.320", NULL,           NULL, "cert-expired" },
  { "ndr-expired-form", 550, "5.4.316", NULL,           NULL, "tcp-refused" },
  { "ndr-host-only",    450, "4.4.318", NULL,           H2,   "cert-expired" },
};

static void
test_ranking (gconstpointer data)
{
  const RankCase *c = data;
  const Obs list[MAX_OBS] = {
    { MFD_STAGE_CERTIFICATE, WARN, H1, IP2, "cert-untrusted", NULL, 0 },
    { MFD_STAGE_TCP, FAIL, H1, IP1, "tcp-refused", NULL, 1 },
    { MFD_STAGE_CERTIFICATE, FAIL, H2, IP3, "cert-expired", NULL, 0 },
  };
  g_autoptr(MfdNdrEntry) entry = NULL;
  g_autoptr(MfdDiagnosis) d = NULL;

  if (c->status != NULL)
    entry = make_ndr_entry (c->reply, c->status, c->cause, c->server, NULL, NULL);
  d = diagnose (NULL, list, entry);

  g_assert_true (mfd_diagnosis_get_ndr_entry (d) == entry);
  g_assert_cmpuint (mfd_diagnosis_get_findings (d)->len, ==, 3);
  g_assert_cmpstr (finding_at (d, 0)->cause, ==, c->first_cause);
  /* Whatever EOP said, the warning comes last. */
  g_assert_cmpstr (finding_at (d, 2)->cause, ==, "cert-untrusted");
  g_assert_true (finding_at (d, 2)->warning);
}

typedef struct
{
  const char *name;
  const char *status;
  const char *cause;
  const char *server;
  const char *ip;
  const char *time;
  Obs         obs[MAX_OBS];
  const char *expect[3];
  const char *reject;
} ComparisonCase;

#define ALL_OK \
  { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 }, \
  { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 }, \
  { MFD_STAGE_QUIT, OK, H1, IP1, NULL, NULL, 1 }

static const ComparisonCase comparison_cases[] = {
  { "refused-now-accepted", "4.4.316", "tcp-refused", H1, IP1, "2025-03-04T01:02:03.456Z",
    { ALL_OK },
    { "EOP reported 450 4.4.316 at 2025-03-04 01:02 UTC.", "specific to Microsoft's addresses", NULL },
    "did not include" },
  { "refused-still", "4.4.316", "tcp-refused", H1, IP1, NULL,
    { { MFD_STAGE_TCP, FAIL, H1, IP1, "tcp-refused", NULL, 1 } },
    { "EOP reported 450 4.4.316.", "same problem now: 4.4.316 at " H1 " (" IP1 "), port 25", NULL },
    "different" },
  { "expired-form-still", "5.4.316", NULL, H1, NULL, NULL,
    { { MFD_STAGE_TCP, FAIL, H1, IP1, "tcp-refused", NULL, 1 } },
    { "EOP reported 550 5.4.316.", "same problem", NULL },
    NULL },
  { "different-now", "4.4.316", "tcp-refused", H1, NULL, NULL,
    { { MFD_STAGE_CERTIFICATE, FAIL, H1, IP1, "cert-expired", NULL, 1 } },
    { "different problem now: 4.7.320", NULL, NULL },
    "same problem" },
  { "dns-now-resolves", "4.4.312", "dns-nxdomain", H1, NULL, NULL,
    { ALL_OK },
    { "name resolves from here", NULL, NULL },
    NULL },
  { "cert-now-passes", "4.4.317", "cert-expired", H1, NULL, NULL,
    { ALL_OK },
    { "completes the SMTP and TLS checks", NULL, NULL },
    NULL },
  { "unknown-code-passes", "4.4.399", NULL, H1, NULL, NULL,
    { ALL_OK },
    { "find no problem", NULL, NULL },
    NULL },
  { "inconclusive", "4.4.315", "tcp-timeout", H1, NULL, NULL,
    { { MFD_STAGE_DNS, INCON, H1, NULL, NULL, NULL, 5000 } },
    { "could not be completed", NULL, NULL },
    "accepts connections" },
  { "other-server", "4.4.316", "tcp-refused", "old.contoso.com", "198.51.100.9", NULL,
    { ALL_OK },
    { "EOP last tried old.contoso.com (198.51.100.9), which these checks did not include.", NULL, NULL },
    NULL },
};

static void
test_comparison (gconstpointer data)
{
  const ComparisonCase *c = data;
  int reply = c->status[0] == '5' ? 550 : 450;
  g_autoptr(MfdNdrEntry) entry = make_ndr_entry (reply, c->status, c->cause, c->server, c->ip, c->time);
  g_autoptr(MfdDiagnosis) d = diagnose (NULL, c->obs, entry);
  g_autofree char *en = mfd_diagnosis_dup_comparison (d, "en");
  g_autofree char *ja = mfd_diagnosis_dup_comparison (d, "ja");

  g_test_message ("en: %s", en);
  g_test_message ("ja: %s", ja);
  g_assert_nonnull (en);
  for (guint i = 0; i < G_N_ELEMENTS (c->expect) && c->expect[i] != NULL; i++)
    g_assert_nonnull (strstr (en, c->expect[i]));
  if (c->reject != NULL)
    g_assert_null (strstr (en, c->reject));

  /* Japanese: its own sentences, with the same facts in them. */
  g_assert_nonnull (ja);
  g_assert_true (g_utf8_validate (ja, -1, NULL));
  g_assert_cmpstr (ja, !=, en);
  g_assert_nonnull (strstr (ja, c->status));
  g_assert_null (strstr (ja, "EOP reported"));
}

/* What EOP wrote, read by the NDR parser, against today's checks. */
static void
test_parsed_ndr (void)
{
  static const char queue[] =
    "450 4.4.316 Connection refused [Message=Socket error code 10061] "
    "[LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.25:25] [SmtpSecurity=-2;-2] "
    "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2025-03-04T01:02:03.456Z 08DD5A1B2C3D4E5F]";
  static const char cert[] =
    "450 4.4.317 Cannot connect to remote server [Message=CertificateExpired Certificate expired] "
    "[LastAttemptedServerName=mail2.contoso.com] [LastAttemptedIP=203.0.113.26:25]";
  const Obs passing[MAX_OBS] = { ALL_OK };
  const Obs two_problems[MAX_OBS] = {
    { MFD_STAGE_TCP, FAIL, H1, IP1, "tcp-refused", NULL, 1 },
    { MFD_STAGE_CERTIFICATE, FAIL, H2, IP3, "cert-expired", NULL, 3 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdNdrResult) refused = mfd_ndr_parse (queue, sizeof queue - 1, &error);
  g_autoptr(MfdNdrResult) expired = NULL;
  g_autoptr(MfdDiagnosis) d1 = NULL;
  g_autoptr(MfdDiagnosis) d2 = NULL;
  g_autofree char *comparison = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (refused->primary);
  d1 = diagnose (NULL, passing, refused->primary);
  comparison = mfd_diagnosis_dup_comparison (d1, "en");
  g_test_message ("%s", comparison);
  g_assert_cmpint (mfd_diagnosis_get_verdict (d1), ==, MFD_VERDICT_OK);
  g_assert_true (g_str_has_prefix (comparison, "EOP reported 450 4.4.316 at 2025-03-04 01:02 UTC. "));
  g_assert_nonnull (strstr (comparison, "specific to Microsoft's addresses"));

  /* A certificate failure reported as 4.4.317 ranks the certificate first. */
  expired = mfd_ndr_parse (cert, sizeof cert - 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (expired->primary);
  d2 = diagnose (NULL, two_problems, expired->primary);
  g_assert_cmpstr (finding_at (d2, 0)->cause, ==, "cert-expired");
  g_assert_cmpstr (finding_at (d2, 1)->cause, ==, "tcp-refused");
}

/* Concurrent checks report interleaved; the diagnosis lists them per host
 * (name-level steps first), then per address in step order, keeping the
 * order in which hosts and addresses first appeared. */
static void
test_observation_order (void)
{
  const Obs list[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 1 },
    { MFD_STAGE_DNS, OK, H2, NULL, NULL, NULL, 1 },
    { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 1 },
    { MFD_STAGE_DNS_AUTHORITY, OK, H1, NULL, NULL, NULL, 1 },
    { MFD_STAGE_TCP, OK, H2, IP3, NULL, NULL, 1 },
    { MFD_STAGE_TCP, OK, H1, IP2, NULL, NULL, 1 },
    { MFD_STAGE_GREETING, OK, H1, IP1, NULL, NULL, 1 },
    { MFD_STAGE_GREETING, OK, H1, IP2, NULL, NULL, 1 },
  };
  static const struct { const char *host; const char *ip; MfdStage stage; } expected[] = {
    { H1, NULL, MFD_STAGE_DNS },
    { H1, NULL, MFD_STAGE_DNS_AUTHORITY },
    { H1, IP1, MFD_STAGE_TCP },
    { H1, IP1, MFD_STAGE_GREETING },
    { H1, IP2, MFD_STAGE_TCP },
    { H1, IP2, MFD_STAGE_GREETING },
    { H2, NULL, MFD_STAGE_DNS },
    { H2, IP3, MFD_STAGE_TCP },
  };
  g_autoptr(MfdDiagnosis) d = diagnose (NULL, list, NULL);
  GPtrArray *observations = mfd_diagnosis_get_observations (d);

  g_assert_cmpuint (observations->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);

      g_assert_cmpstr (o->host, ==, expected[i].host);
      g_assert_cmpstr (o->ip, ==, expected[i].ip);
      g_assert_cmpint (o->stage, ==, expected[i].stage);
    }
}

static void
test_evidence (void)
{
  const Obs list[MAX_OBS] = {
    { MFD_STAGE_DNS, OK, H1, NULL, NULL, NULL, 2 },
    { MFD_STAGE_TCP, OK, H1, IP1, NULL, NULL, 2 },
    { MFD_STAGE_GREETING, FAIL, H1, IP1, "greeting-rejected", "421 4.3.2 Service not available", 12 },
    { MFD_STAGE_TCP, FAIL, NULL, IP3, "tcp-refused", NULL, -1 },
  };
  g_autoptr(MfdDiagnosis) d = diagnose (NULL, list, NULL);
  g_autofree char *en = mfd_finding_dup_evidence (finding_at (d, 0), "en");
  g_autofree char *ja = mfd_finding_dup_evidence (finding_at (d, 0), "ja");
  g_autofree char *bare = mfd_finding_dup_evidence (finding_at (d, 1), "en");
  g_autofree char *location = mfd_finding_dup_location (finding_at (d, 0), "en");

  g_assert_cmpstr (location, ==, H1 " (" IP1 "), port 25");
  g_assert_cmpstr (en, ==, H1 " (" IP1 "), port 25: It failed (12 ms). "
                   "The server replied “421 4.3.2 Service not available”.");
  /* The sentence frames come from ja.po; the step's own detail (the
   * test's "It failed") and the server's words stay as they were. */
  g_assert_cmpstr (ja, ==, H1 " (" IP1 ")、ポート 25: It failed (12\u00a0ミリ秒)。"
                   "サーバーの応答は「421 4.3.2 Service not available」でした。");

  /* No host name, no time: still says where. */
  g_assert_cmpstr (bare, ==, IP3 ", port 25: It failed.");
}

static void
test_eop_ranges (void)
{
  const Obs list[MAX_OBS] = { ALL_OK };
  g_auto(GStrv) ranges = g_strsplit ("40.92.0.0/15 52.100.0.0/14", " ", -1);
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(MfdDiagnosis) d = diagnose (NULL, list, NULL);
  g_autoptr(GDateTime) after = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) fetched = g_date_time_new_utc (2026, 11, 1, 8, 0, 0);
  GDateTime *time = mfd_diagnosis_get_time (d);

  /* Stamped when it was made, in UTC (the report prints it as such). */
  g_assert_nonnull (time);
  g_assert_cmpint (g_date_time_compare (before, time), <=, 0);
  g_assert_cmpint (g_date_time_compare (time, after), <=, 0);
  g_assert_cmpint (g_date_time_get_utc_offset (time), ==, 0);

  /* The diagnosis keeps its own copy: the web's list may go away. */
  g_assert_null (mfd_diagnosis_get_eop_ranges (d));
  mfd_diagnosis_set_eop_ranges (d, (const char * const *) ranges, fetched);
  g_free (ranges[0]);
  ranges[0] = g_strdup ("changed");
  g_assert_cmpstrv (mfd_diagnosis_get_eop_ranges (d), ((const char *[]) { "40.92.0.0/15", "52.100.0.0/14", NULL }));
  g_assert_true (g_date_time_equal (mfd_diagnosis_get_eop_ranges_fetched (d), fetched));

  /* A later list without a fetch time does not keep the old time. */
  mfd_diagnosis_set_eop_ranges (d, (const char * const *) ranges, NULL);
  g_assert_cmpstrv (mfd_diagnosis_get_eop_ranges (d), ((const char *[]) { "changed", "52.100.0.0/14", NULL }));
  g_assert_null (mfd_diagnosis_get_eop_ranges_fetched (d));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cause_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/diagnosis/cause/%s", cause_cases[i].cause);
      g_test_add_data_func (path, &cause_cases[i], test_cause_code);
    }
  g_test_add_func ("/diagnosis/catalogue-causes", test_catalogue_causes);
  g_test_add_func ("/diagnosis/other-cause", test_other_cause);
  MFD_TEST_ADD_ROWS ("/diagnosis/verdict", verdict_cases, test_verdict);
  for (guint i = 0; i < G_N_ELEMENTS (tls_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/diagnosis/tls-setting/%s",
                                               mfd_tls_mode_to_string (tls_cases[i].mode));
      g_test_add_data_func (path, &tls_cases[i], test_tls_setting);
    }
  g_test_add_func ("/diagnosis/lame-delegation", test_lame_delegation);
  g_test_add_func ("/diagnosis/grouping", test_grouping);
  g_test_add_func ("/diagnosis/expired-domain-explains-dns", test_expired_domain_explains_dns);
  g_test_add_func ("/diagnosis/steps", test_steps);
  MFD_TEST_ADD_ROWS ("/diagnosis/ranking", rank_cases, test_ranking);
  MFD_TEST_ADD_ROWS ("/diagnosis/comparison", comparison_cases, test_comparison);
  g_test_add_func ("/diagnosis/parsed-ndr", test_parsed_ndr);
  g_test_add_func ("/diagnosis/evidence", test_evidence);
  g_test_add_func ("/diagnosis/observation-order", test_observation_order);
  g_test_add_func ("/diagnosis/eop-ranges", test_eop_ranges);

  return g_test_run ();
}
