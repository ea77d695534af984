/* mfd-diagnosis.c — observations (+ NDR) -> findings
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-diagnosis"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-diagnosis.h"
#include "mfd-remedy.h"
#include "mfd-text.h"

/* How the observations become findings:
 *
 * - every FAIL or WARNING observation with a cause id is a finding; its code
 *   comes from the remedy catalogue (the one cause -> code table);
 * - the same cause on several addresses of one host (and port) is one
 *   finding listing the addresses: the admin fixes one thing, not three;
 * - a FAIL is downgraded to a warning when a rule below says it does not
 *   stop delivery (a certificate the connector does not authenticate, a
 *   lame delegation the public DNS still resolves around);
 * - verdict: problem when any finding is not a warning; inconclusive when a
 *   step could not be carried out on our side, or nothing was carried out at
 *   all; ok otherwise;
 * - order: problems before warnings, then the finding that matches what EOP
 *   reported in the NDR, then the hosts in the order they were checked, then
 *   the step. */

struct _MfdDiagnosis
{
  GObject      parent_instance;

  MfdTarget   *target;
  GPtrArray   *observations;
  MfdNdrEntry *ndr_entry;
  GPtrArray   *findings;
  MfdVerdict   verdict;
  GDateTime   *time;
  char       **eop_ranges;
  GDateTime   *eop_ranges_fetched;
  gboolean     eop_ranges_from_cache;
  char        *fills[MFD_REMEDY_N_FILLS];  /* what the user gave for the commands */
  MfdVantage  *vantage;
  GPtrArray   *unreachable;   /* (element-type MfdUnreachable) */
};

G_DEFINE_FINAL_TYPE (MfdDiagnosis, mfd_diagnosis, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (MfdFinding, mfd_finding, mfd_finding_ref, mfd_finding_unref)

typedef gboolean (*DowngradeFunc) (MfdDiagnosis   *self,
                                   MfdObservation *failure);

typedef struct
{
  const char    *cause_prefix;
  DowngradeFunc  applies;
  const char    *note;        /* said in the evidence of the warning */
} DowngradeRule;

typedef struct
{
  const char *cause;
  const char *note;           /* said in the evidence whenever the cause shows */
} CauseCaveat;

typedef struct
{
  const char *code;
  const char *not_reproduced; /* what it means that today's checks pass */
} ComparisonText;

static gboolean certificate_not_authenticated (MfdDiagnosis   *self,
                                               MfdObservation *failure);
static gboolean public_dns_resolves           (MfdDiagnosis   *self,
                                               MfdObservation *failure);

static const DowngradeRule downgrade_rules[] = {
  { "cert-", certificate_not_authenticated,
    N_("The connector's TLS setting does not require a valid certificate, so this does not stop delivery.") },
  { "dns-lame-delegation", public_dns_resolves,
    N_("The public DNS still resolves the name normally, so this is reported as a warning.") },
};

static const CauseCaveat cause_caveats[] = {
  { "dns-lame-delegation",
    N_("Some networks block DNS queries sent directly to name servers; if this computer's network does, this result is not reliable.") },
};

static const ComparisonText comparison_texts[] = {
  { "4.4.312",
    N_("Now the name resolves from here. The problem may have been fixed, or resolvers may still hold the old answer until its TTL runs out.") },
  { "4.4.315",
    N_("Now the server accepts connections from here. A block or route that only affects Microsoft's addresses is likely, or the problem has been fixed.") },
  { "4.4.316",
    N_("Now the server accepts connections from here. The block is likely specific to Microsoft's addresses, or already fixed.") },
  { "4.4.317",
    N_("Now the server completes the SMTP and TLS checks from here. It may treat Microsoft's addresses differently, or the problem has been fixed.") },
  { "4.4.318",
    N_("Now the server completes the whole conversation from here. The failure may come and go (load, a firewall's SMTP inspection), or it has been fixed.") },
  { "4.7.320",
    N_("Now the certificate passes the checks from here for this TLS setting. It may have been replaced already, or the server may present a different one to Microsoft.") },
};

static const char *comparison_default =
  N_("Now the checks from here find no problem. The problem may have been fixed, or it may depend on where the connection comes from.");

MfdFinding *
mfd_finding_ref (MfdFinding *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mfd_finding_unref (MfdFinding *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->code);
  g_free (self->cause);
  g_free (self->host);
  g_free (self->ip);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_strfreev (self->addresses);
  g_clear_pointer (&self->failure, mfd_observation_unref);
  g_free (self);
}

static gboolean
same_host (const char *a,
           const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_ascii_strcasecmp (a, b) == 0;
}

/* Japanese runs sentences together; English separates them by a space. */
static const char *
sentence_separator (const char *lang)
{
  const char *norm = mfd_text_normalize_lang (lang != NULL ? lang : mfd_text_get_process_lang ());

  return g_strcmp0 (norm, "ja") == 0 ? "" : " ";
}

static gboolean
certificate_not_authenticated (MfdDiagnosis   *self,
                               MfdObservation *failure G_GNUC_UNUSED)
{
  MfdTlsMode mode;

  if (self->target == NULL)
    return FALSE;

  mode = mfd_target_get_tls_mode (self->target);
  return mode == MFD_TLS_OPPORTUNISTIC || mode == MFD_TLS_NONE || mode == MFD_TLS_ENCRYPTION_ONLY;
}

static gboolean
public_dns_resolves (MfdDiagnosis   *self,
                     MfdObservation *failure)
{
  for (guint i = 0; i < self->observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (self->observations, i);

      /* A public view that passes by confirming a failure ("public
       * resolvers fail too") is no reason to relax. */
      if (o->stage == MFD_STAGE_DNS_PUBLIC && o->outcome == MFD_OUTCOME_OK && same_host (o->host, failure->host) &&
          g_strcmp0 (mfd_observation_get_fact (o, "public-view"), "resolves") == 0)
        return TRUE;
    }
  return FALSE;
}

static const DowngradeRule *
find_downgrade_rule (const char *cause)
{
  for (guint i = 0; i < G_N_ELEMENTS (downgrade_rules); i++)
    if (g_str_has_prefix (cause, downgrade_rules[i].cause_prefix))
      return &downgrade_rules[i];
  return NULL;
}

/* "450 5.7.1 Relay denied" -> "5.7.1": an "other" finding is named by the
 * server's own enhanced status code when it gave one. */
static char *
extract_enhanced_code (const char *reply)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;

  if (reply == NULL)
    return NULL;

  /* RFC 3463: the enhanced code follows the reply code on a reply line;
   * anywhere else a dotted triple may be part of an address. */
  regex = g_regex_new ("^[245][0-9][0-9][ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3})(?:\\s|$)",
                       G_REGEX_MULTILINE, 0, NULL);
  if (!g_regex_match (regex, reply, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

/* The observations of the failing host/address up to and including the
 * failure: name-level steps of that host, then that address's own steps;
 * skipped steps left out. */
static GPtrArray *
collect_steps (GPtrArray *observations,
               guint      failure_index)
{
  MfdObservation *failure = g_ptr_array_index (observations, failure_index);
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);

  for (guint i = 0; i <= failure_index; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);

      /* A step that was not run is no evidence either way. */
      if (o->outcome == MFD_OUTCOME_SKIPPED || !same_host (o->host, failure->host))
        continue;
      if (o->ip != NULL && (g_strcmp0 (o->ip, failure->ip) != 0 || o->port != failure->port))
        continue;
      g_ptr_array_add (steps, mfd_observation_ref (o));
    }

  return steps;
}

static MfdFinding *
find_group (GPtrArray      *findings,
            const char     *cause,
            MfdObservation *failure)
{
  for (guint i = 0; i < findings->len; i++)
    {
      MfdFinding *f = g_ptr_array_index (findings, i);

      if (g_str_equal (f->cause, cause) &&
          same_host (f->host, failure->host) &&
          f->port == failure->port &&
          (f->ip == NULL) == (failure->ip == NULL))
        return f;
    }
  return NULL;
}

static void
add_to_group (MfdFinding     *finding,
              MfdObservation *failure)
{
  if (failure->ip != NULL && !g_strv_contains ((const char * const *) finding->addresses, failure->ip))
    {
      guint n = g_strv_length (finding->addresses);

      finding->addresses = g_renew (char *, finding->addresses, n + 2);
      finding->addresses[n] = g_strdup (failure->ip);
      finding->addresses[n + 1] = NULL;
    }
  g_ptr_array_add (finding->steps, mfd_observation_ref (failure));
}

static MfdFinding *
finding_new (MfdDiagnosis *self,
             guint         failure_index)
{
  MfdObservation *failure = g_ptr_array_index (self->observations, failure_index);
  MfdFinding *finding = g_new0 (MfdFinding, 1);
  const char *cause = failure->cause;
  const char *code = NULL;

  g_atomic_ref_count_init (&finding->ref_count);

  if (cause != NULL)
    code = mfd_remedy_code_for_cause (cause);
  if (code == NULL)
    {
      /* A FAIL without a known cause still blocks delivery; name it "other"
       * and let the server's reply speak. */
      cause = "other";
      code = mfd_remedy_code_for_cause (cause);
    }

  finding->cause = g_strdup (cause);
  if (g_str_equal (cause, "other"))
    finding->code = extract_enhanced_code (failure->reply_text);
  if (finding->code == NULL)
    finding->code = g_strdup (code != NULL ? code : "other");
  /* EOP queues and retries whatever the cause: its reply is transient
   * unless the code itself is permanent. */
  finding->reply = mfd_remedy_reply_for_code (finding->code);
  if (finding->reply == 0)
    finding->reply = 450;
  finding->host = g_strdup (failure->host);
  finding->ip = g_strdup (failure->ip);
  finding->port = failure->port;
  finding->stage = failure->stage;
  finding->failure = mfd_observation_ref (failure);
  finding->steps = collect_steps (self->observations, failure_index);
  if (failure->ip != NULL)
    finding->addresses = g_strdupv ((char *[]) { failure->ip, NULL });
  finding->warning = failure->outcome == MFD_OUTCOME_WARNING;

  if (!finding->warning)
    {
      const DowngradeRule *rule = find_downgrade_rule (finding->cause);

      if (rule != NULL && rule->applies (self, failure))
        finding->warning = TRUE;
    }

  /* The public DNS answer is why a lame delegation is only a warning: it
   * belongs to the evidence even when it came in after the failure. */
  if (finding->warning && g_str_equal (finding->cause, "dns-lame-delegation"))
    {
      for (guint i = 0; i < self->observations->len; i++)
        {
          MfdObservation *o = g_ptr_array_index (self->observations, i);

          if (o->stage == MFD_STAGE_DNS_PUBLIC && same_host (o->host, failure->host) &&
              !g_ptr_array_find (finding->steps, o, NULL))
            g_ptr_array_add (finding->steps, mfd_observation_ref (o));
        }
    }

  return finding;
}

/* "5.4.316" (the expired form) names the same failure as "4.4.316". */
static char *
normalize_ndr_code (const char *status)
{
  if (status == NULL)
    return NULL;
  if (g_str_has_prefix (status, "5.4.31"))
    return g_strconcat ("4", status + 1, NULL);
  return g_strdup (status);
}

static guint
ndr_score (MfdFinding  *finding,
           MfdNdrEntry *entry)
{
  g_autofree char *code = NULL;
  guint score = 0;

  if (entry == NULL)
    return 0;

  code = normalize_ndr_code (entry->status);
  if (entry->cause != NULL && g_strcmp0 (entry->cause, finding->cause) == 0)
    score += 4;
  if (code != NULL && g_strcmp0 (code, finding->code) == 0)
    score += 2;
  if ((entry->server != NULL && same_host (entry->server, finding->host)) ||
      (entry->ip != NULL && finding->addresses != NULL &&
       g_strv_contains ((const char * const *) finding->addresses, entry->ip)))
    score += 1;

  return score;
}

static guint
host_rank (GPtrArray  *observations,
           const char *host)
{
  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);

      if (same_host (o->host, host))
        return i;
    }
  return observations->len;
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  MfdDiagnosis *self = user_data;
  MfdFinding *fa = *(MfdFinding * const *) a;
  MfdFinding *fb = *(MfdFinding * const *) b;
  guint sa, sb, ha, hb, ra, rb;

  /* Problems, then what cannot be verified from here, then warnings. */
  ra = fa->inconclusive ? 1 : fa->warning ? 2 : 0;
  rb = fb->inconclusive ? 1 : fb->warning ? 2 : 0;
  if (ra != rb)
    return ra < rb ? -1 : 1;

  sa = ndr_score (fa, self->ndr_entry);
  sb = ndr_score (fb, self->ndr_entry);
  if (sa != sb)
    return sa > sb ? -1 : 1;

  ha = host_rank (self->observations, fa->host);
  hb = host_rank (self->observations, fb->host);
  if (ha != hb)
    return ha < hb ? -1 : 1;

  if (fa->stage != fb->stage)
    return fa->stage < fb->stage ? -1 : 1;

  return 0;
}

/* A name that fails to resolve because its domain expired or is held is
 * one problem, named by the registration: the DNS failure is evidence of
 * the dns-domain-expired finding (its steps hold it), not a second finding
 * that would send the admin to the DNS host instead of the registrar. */
static gboolean
explained_by_registration (MfdDiagnosis   *self,
                           MfdObservation *failure)
{
  if (failure->stage != MFD_STAGE_DNS || failure->outcome != MFD_OUTCOME_FAIL)
    return FALSE;

  for (guint i = 0; i < self->observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (self->observations, i);

      if (o->stage == MFD_STAGE_REGISTRATION && o->outcome == MFD_OUTCOME_FAIL &&
          g_strcmp0 (o->cause, "dns-domain-expired") == 0 && same_host (o->host, failure->host))
        return TRUE;
    }
  return FALSE;
}

static void
build_findings (MfdDiagnosis *self)
{
  for (guint i = 0; i < self->observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (self->observations, i);
      g_autoptr(MfdFinding) finding = NULL;
      MfdFinding *group;

      if (o->outcome != MFD_OUTCOME_FAIL && o->outcome != MFD_OUTCOME_WARNING)
        continue;
      if (explained_by_registration (self, o))
        continue;

      finding = finding_new (self, i);
      group = find_group (self->findings, finding->cause, o);
      if (group != NULL)
        {
          add_to_group (group, o);
          /* One address that really fails makes the host's finding real. */
          group->warning = group->warning && finding->warning;
        }
      else
        {
          g_ptr_array_add (self->findings, g_steal_pointer (&finding));
        }
    }

  /* g_ptr_array_sort_with_data() is stable: equal keys keep step order. */
  g_ptr_array_sort_with_data (self->findings, compare_findings, self);
}

static MfdVerdict
decide_verdict (MfdDiagnosis *self)
{
  gboolean carried_out = FALSE;

  for (guint i = 0; i < self->findings->len; i++)
    {
      MfdFinding *f = g_ptr_array_index (self->findings, i);

      if (!f->warning && !f->inconclusive)
        return MFD_VERDICT_PROBLEM;
    }

  for (guint i = 0; i < self->findings->len; i++)
    if (((MfdFinding *) g_ptr_array_index (self->findings, i))->inconclusive)
      return MFD_VERDICT_INCONCLUSIVE;

  for (guint i = 0; i < self->observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (self->observations, i);

      if (o->outcome == MFD_OUTCOME_INCONCLUSIVE)
        return MFD_VERDICT_INCONCLUSIVE;
      if (o->outcome != MFD_OUTCOME_SKIPPED)
        carried_out = TRUE;
    }

  /* Nothing checked is not the same as nothing wrong. */
  return carried_out ? MFD_VERDICT_OK : MFD_VERDICT_INCONCLUSIVE;
}

static void
unreachable_free (gpointer data)
{
  MfdUnreachable *u = data;

  g_free (u->host);
  g_free (u->ip);
  g_free (u);
}

static void
add_unreachable (MfdDiagnosis *self,
                 const char   *host,
                 const char   *ip)
{
  const char *why = NULL;
  MfdUnreachable *u;

  if (ip == NULL || mfd_vantage_address_is_public (ip, &why))
    return;
  for (guint i = 0; i < self->unreachable->len; i++)
    if (g_str_equal (((MfdUnreachable *) g_ptr_array_index (self->unreachable, i))->ip, ip))
      return;

  u = g_new0 (MfdUnreachable, 1);
  u->host = g_strdup (host != NULL && !g_str_equal (host, ip) ? host : NULL);
  u->ip = g_strdup (ip);
  u->why = why;
  g_ptr_array_add (self->unreachable, u);
}

/* EOP connects from the internet: an address that only exists inside a
 * network (or on this computer) is one it can never reach, whatever the
 * checks from here say. */
static void
find_unreachable (MfdDiagnosis *self)
{
  GPtrArray *hosts = self->target != NULL ? mfd_target_get_smart_hosts (self->target) : NULL;

  for (guint i = 0; hosts != NULL && i < hosts->len; i++)
    {
      MfdTargetHost *host = g_ptr_array_index (hosts, i);

      if (g_hostname_is_ip_address (host->host))
        add_unreachable (self, NULL, host->host);
    }
  for (guint i = 0; i < self->observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (self->observations, i);

      if (o->stage == MFD_STAGE_TCP)
        add_unreachable (self, o->host, o->ip);
    }
}

static void
mfd_diagnosis_finalize (GObject *object)
{
  MfdDiagnosis *self = (MfdDiagnosis *) object;

  g_clear_object (&self->target);
  g_clear_pointer (&self->observations, g_ptr_array_unref);
  g_clear_pointer (&self->ndr_entry, mfd_ndr_entry_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->eop_ranges, g_strfreev);
  g_clear_pointer (&self->eop_ranges_fetched, g_date_time_unref);
  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    g_clear_pointer (&self->fills[i], g_free);
  g_clear_pointer (&self->vantage, mfd_vantage_unref);
  g_clear_pointer (&self->unreachable, g_ptr_array_unref);

  G_OBJECT_CLASS (mfd_diagnosis_parent_class)->finalize (object);
}

static void
mfd_diagnosis_class_init (MfdDiagnosisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mfd_diagnosis_finalize;
}

static void
mfd_diagnosis_init (MfdDiagnosis *self)
{
  self->observations = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);
  self->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_finding_unref);
  self->time = g_date_time_new_now_utc ();
  self->unreachable = g_ptr_array_new_with_free_func (unreachable_free);
}

typedef struct
{
  GHashTable *host_rank;   /* host -> first appearance + 1 */
  GHashTable *ip_rank;     /* ip -> first appearance + 1 */
} ObservationOrder;

static guint
rank_of (GHashTable *ranks,
         const char *key)
{
  return key != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (ranks, key)) : 0;
}

static int
compare_observations (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  const MfdObservation *oa = *(MfdObservation * const *) a;
  const MfdObservation *ob = *(MfdObservation * const *) b;
  ObservationOrder *order = user_data;
  guint ha = rank_of (order->host_rank, oa->host ? oa->host : "");
  guint hb = rank_of (order->host_rank, ob->host ? ob->host : "");
  guint ia = rank_of (order->ip_rank, oa->ip);
  guint ib = rank_of (order->ip_rank, ob->ip);

  if (ha != hb)
    return ha < hb ? -1 : 1;
  if (ia != ib)
    return ia < ib ? -1 : 1;
  return (int) oa->stage - (int) ob->stage;
}

/* Hosts and addresses are checked concurrently, so observations arrive
 * interleaved. Everything that reads the diagnosis (evidence, report, JSON)
 * wants them per host, its name-level steps first, then per address in
 * step order; hosts and addresses keep the order they first appeared in. */
static void
sort_observations (GPtrArray *observations)
{
  ObservationOrder order = {
    g_hash_table_new (g_str_hash, g_str_equal),
    g_hash_table_new (g_str_hash, g_str_equal),
  };

  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);

      /* An observation without a host name (an address given as such)
       * keeps its place among the hosts. */
      const char *host = o->host != NULL ? o->host : "";

      if (!g_hash_table_contains (order.host_rank, host))
        g_hash_table_insert (order.host_rank, (gpointer) host,
                             GUINT_TO_POINTER (g_hash_table_size (order.host_rank) + 1));
      if (o->ip != NULL && !g_hash_table_contains (order.ip_rank, o->ip))
        g_hash_table_insert (order.ip_rank, o->ip,
                             GUINT_TO_POINTER (g_hash_table_size (order.ip_rank) + 1));
    }
  /* A stable sort: equal keys keep their arrival order. */
  g_ptr_array_sort_with_data (observations, compare_observations, &order);
  g_hash_table_unref (order.host_rank);
  g_hash_table_unref (order.ip_rank);
}

MfdDiagnosis *
mfd_diagnosis_new (MfdTarget   *target,
                   GPtrArray   *observations,
                   MfdNdrEntry *ndr_entry)
{
  MfdDiagnosis *self;

  g_return_val_if_fail (target == NULL || MFD_IS_TARGET (target), NULL);
  g_return_val_if_fail (observations != NULL, NULL);

  self = g_object_new (MFD_TYPE_DIAGNOSIS, NULL);
  if (target != NULL)
    self->target = g_object_ref (target);
  if (ndr_entry != NULL)
    self->ndr_entry = mfd_ndr_entry_ref (ndr_entry);
  for (guint i = 0; i < observations->len; i++)
    g_ptr_array_add (self->observations, mfd_observation_ref (g_ptr_array_index (observations, i)));
  sort_observations (self->observations);

  build_findings (self);
  find_unreachable (self);
  self->verdict = decide_verdict (self);

  return self;
}

/* Which control, when it failed, undermines @finding. */
static gboolean
vantage_facet_for (MfdFinding      *finding,
                   MfdVantageFacet *facet)
{
  const char *cause = finding->cause;

  if (finding->stage == MFD_STAGE_DNS || finding->stage == MFD_STAGE_DNS_AUTHORITY ||
      finding->stage == MFD_STAGE_DNS_PUBLIC ||
      (g_str_has_prefix (cause, "dns-") && finding->stage != MFD_STAGE_REGISTRATION))
    *facet = MFD_VANTAGE_DNS;
  else if (finding->stage == MFD_STAGE_TCP ||
           (finding->stage == MFD_STAGE_GREETING &&
            (g_str_equal (cause, "greeting-timeout") || g_str_equal (cause, "closed-abruptly"))))
    *facet = MFD_VANTAGE_SMTP25;
  else if (g_str_has_prefix (cause, "cert-") ||
           /* A TLS-inspecting device would fail these certificates too. */
           g_str_equal (cause, "mta-sts-mx-cert-invalid") ||
           g_str_equal (cause, "mta-sts-policy-cert-invalid"))
    *facet = MFD_VANTAGE_TLS;
  else
    return FALSE;
  return TRUE;
}

void
mfd_diagnosis_set_vantage (MfdDiagnosis *self,
                           MfdVantage   *vantage)
{
  g_return_if_fail (MFD_IS_DIAGNOSIS (self));
  g_return_if_fail (vantage != NULL);
  g_return_if_fail (self->vantage == NULL);

  self->vantage = mfd_vantage_ref (vantage);
  for (guint i = 0; i < self->findings->len; i++)
    {
      MfdFinding *f = g_ptr_array_index (self->findings, i);
      MfdVantageFacet facet;
      MfdVantageState state;

      if (vantage_facet_for (f, &facet))
        {
          state = vantage->state[facet];
          if (state != MFD_VANTAGE_OK && state != MFD_VANTAGE_SKIPPED)
            {
              f->inconclusive = TRUE;
              f->vantage_facet = facet;
              continue;
            }
        }

      /* A resolver that answers for names that do not exist may have
       * handed out its own address for the destination too: what was
       * seen there says nothing about the destination, unless it is the
       * very address EOP reported. */
      if (vantage->state[MFD_VANTAGE_DNS] == MFD_VANTAGE_HIJACKED &&
          f->ip != NULL && f->host != NULL && !g_hostname_is_ip_address (f->host) &&
          (self->ndr_entry == NULL || g_strcmp0 (self->ndr_entry->ip, f->ip) != 0))
        {
          f->inconclusive = TRUE;
          f->vantage_facet = MFD_VANTAGE_DNS;
        }
    }
  g_ptr_array_sort_with_data (self->findings, compare_findings, self);
  self->verdict = decide_verdict (self);
}

MfdVantage *
mfd_diagnosis_get_vantage (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return self->vantage;
}

char *
mfd_diagnosis_dup_not_verifiable (MfdDiagnosis *self,
                                  MfdFinding   *finding,
                                  const char   *lang)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);
  g_return_val_if_fail (finding != NULL, NULL);

  if (!finding->inconclusive || self->vantage == NULL)
    return NULL;
  return mfd_vantage_dup_reason (self->vantage, finding->vantage_facet, lang);
}

GPtrArray *
mfd_diagnosis_get_unreachable (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return self->unreachable;
}

char *
mfd_unreachable_dup_text (const MfdUnreachable *u,
                          const char           *lang)
{
  g_autofree char *where = NULL;

  g_return_val_if_fail (u != NULL, NULL);

  where = u->host != NULL ? g_strdup_printf ("%s (%s)", u->host, u->ip) : g_strdup (u->ip);
  return mfd_text_render_va (lang, N_("{1} is {2}: Exchange Online connects from the internet and can never reach it. Checking it from here is only a what-if (a practice or lab server)."),
                             where, mfd_tr (lang, u->why), NULL);
}

MfdVerdict
mfd_diagnosis_get_verdict (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), MFD_VERDICT_INCONCLUSIVE);

  return self->verdict;
}

GPtrArray *
mfd_diagnosis_get_findings (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return self->findings;
}

GPtrArray *
mfd_diagnosis_get_observations (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return self->observations;
}

MfdTarget *
mfd_diagnosis_get_target (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return self->target;
}

MfdNdrEntry *
mfd_diagnosis_get_ndr_entry (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return self->ndr_entry;
}

GDateTime *
mfd_diagnosis_get_time (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return self->time;
}

void
mfd_diagnosis_set_eop_ranges (MfdDiagnosis       *self,
                              const char * const *ranges,
                              GDateTime          *fetched)
{
  g_return_if_fail (MFD_IS_DIAGNOSIS (self));

  g_clear_pointer (&self->eop_ranges, g_strfreev);
  g_clear_pointer (&self->eop_ranges_fetched, g_date_time_unref);
  self->eop_ranges = g_strdupv ((char **) ranges);
  if (fetched != NULL)
    self->eop_ranges_fetched = g_date_time_ref (fetched);
}

const char * const *
mfd_diagnosis_get_eop_ranges (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return (const char * const *) self->eop_ranges;
}

GDateTime *
mfd_diagnosis_get_eop_ranges_fetched (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  return self->eop_ranges_fetched;
}

void
mfd_diagnosis_set_eop_ranges_from_cache (MfdDiagnosis *self,
                                         gboolean      from_cache)
{
  g_return_if_fail (MFD_IS_DIAGNOSIS (self));

  self->eop_ranges_from_cache = !!from_cache;
}

gboolean
mfd_diagnosis_get_eop_ranges_from_cache (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), FALSE);

  return self->eop_ranges_from_cache;
}

gboolean
mfd_diagnosis_needs_eop_ranges (MfdDiagnosis *self)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), FALSE);

  if (self->verdict == MFD_VERDICT_OK)
    return TRUE;
  for (guint i = 0; i < self->findings->len; i++)
    {
      MfdFinding *finding = g_ptr_array_index (self->findings, i);

      if (mfd_remedy_uses_eop_ranges (finding->code, finding->cause))
        return TRUE;
    }
  return FALSE;
}

char *
mfd_finding_dup_location (MfdFinding *self,
                          const char *lang)
{
  g_autofree char *port = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->ip == NULL)
    return g_strdup (self->host != NULL ? self->host : "");

  port = g_strdup_printf ("%u", self->port);
  if (self->host == NULL || g_str_equal (self->host, self->ip))
    return mfd_text_render_va (lang, N_("{1}, port {2}"), self->ip, port, NULL);
  return mfd_text_render_va (lang, N_("{1} ({2}), port {3}"), self->host, self->ip, port, NULL);
}

/* The probe's detail lines are sentences; inside ours they lose the stop. */
static char *
strip_sentence_end (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gsize len = strlen (copy);

  if (len > 0 && copy[len - 1] == '.')
    copy[len - 1] = '\0';
  else if (g_str_has_suffix (copy, "。"))
    copy[len - strlen ("。")] = '\0';

  return g_steal_pointer (&copy);
}

char *
mfd_finding_dup_evidence (MfdFinding *self,
                          const char *lang)
{
  const char *sep = sentence_separator (lang);
  MfdObservation *failure;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *location = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *what = NULL;
  const char *verify_status;
  guint n_addresses;

  g_return_val_if_fail (self != NULL, NULL);

  failure = self->failure;
  location = mfd_finding_dup_location (self, lang);
  detail = mfd_observation_dup_detail (failure, lang);
  if (detail[0] == '\0')
    {
      g_free (detail);
      detail = mfd_text_render_va (lang, N_("the {1} step did not succeed"),
                                   mfd_tr (lang, mfd_stage_get_label (failure->stage)), NULL);
    }
  what = strip_sentence_end (detail);

  if (failure->ms >= 0)
    {
      g_autofree char *ms = g_strdup_printf ("%" G_GINT64_FORMAT, failure->ms);
      g_autofree char *line = mfd_text_render_va (lang, N_("{1}: {2} ({3} ms)."),
                                                  location, what, ms, NULL);
      g_string_append (out, line);
    }
  else
    {
      g_autofree char *line = mfd_text_render_va (lang, N_("{1}: {2}."), location, what, NULL);
      g_string_append (out, line);
    }

  if (failure->reply_text != NULL && failure->reply_text[0] != '\0')
    {
      g_autofree char *line = mfd_text_render_va (lang, N_("The server replied “{1}”."),
                                                  failure->reply_text, NULL);
      g_string_append_printf (out, "%s%s", sep, line);
    }
  else if (failure->reply_code > 0)
    {
      g_autofree char *code = g_strdup_printf ("%d", failure->reply_code);
      g_autofree char *line = mfd_text_render_va (lang, N_("The server replied “{1}”."), code, NULL);
      g_string_append_printf (out, "%s%s", sep, line);
    }

  /* A certificate rejected by gnutls: its own words back our reading of
   * them (unless the detail already quotes them). */
  verify_status = mfd_observation_get_fact (failure, "verify-status");
  if (verify_status != NULL && strstr (detail, verify_status) == NULL)
    {
      g_autofree char *line = mfd_text_render_va (lang, N_("gnutls's verdict: “{1}”"),
                                                  verify_status, NULL);
      g_string_append_printf (out, "%s%s", sep, line);
    }

  n_addresses = self->addresses != NULL ? g_strv_length (self->addresses) : 0;
  if (n_addresses > 1)
    {
      g_autofree char *others = g_strjoinv (", ", self->addresses + 1);
      g_autofree char *line = mfd_text_render_va (lang, N_("The same was seen on {1}."), others, NULL);
      g_string_append_printf (out, "%s%s", sep, line);
    }

  /* An observation with a "caveat" fact already says it in its detail; one
   * that proved direct DNS works from here (another name server, or the
   * parent zone's, answered) needs no caveat about blocked DNS. */
  for (guint i = 0; i < G_N_ELEMENTS (cause_caveats) && mfd_observation_get_fact (failure, "caveat") == NULL &&
       g_strcmp0 (mfd_observation_get_fact (failure, "direct_dns"), "works") != 0; i++)
    if (g_str_equal (cause_caveats[i].cause, self->cause))
      g_string_append_printf (out, "%s%s", sep, mfd_tr (lang, cause_caveats[i].note));

  if (self->warning)
    {
      const DowngradeRule *rule = find_downgrade_rule (self->cause);

      if (rule != NULL)
        g_string_append_printf (out, "%s%s", sep, mfd_tr (lang, rule->note));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* "450 4.4.316" from the NDR entry, or its text when it has no code. */
static char *
describe_ndr_code (MfdNdrEntry *entry)
{
  if (entry->status != NULL && entry->reply > 0)
    return g_strdup_printf ("%d %s", entry->reply, entry->status);
  if (entry->status != NULL)
    return g_strdup (entry->status);
  if (entry->reply > 0)
    return g_strdup_printf ("%d", entry->reply);
  return g_strdup (entry->text != NULL ? entry->text : "?");
}

static gboolean
ndr_destination_checked (MfdDiagnosis *self)
{
  MfdNdrEntry *entry = self->ndr_entry;

  if (entry->server == NULL && entry->ip == NULL)
    return TRUE;

  for (guint i = 0; i < self->observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (self->observations, i);

      if ((entry->server != NULL && same_host (o->host, entry->server)) ||
          (entry->ip != NULL && g_strcmp0 (o->ip, entry->ip) == 0))
        return TRUE;
    }
  return FALSE;
}

static const char *
find_comparison_text (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (comparison_texts); i++)
    if (g_strcmp0 (comparison_texts[i].code, code) == 0)
      return comparison_texts[i].not_reproduced;
  return comparison_default;
}

char *
mfd_diagnosis_dup_comparison (MfdDiagnosis *self,
                              const char   *lang)
{
  const char *sep = sentence_separator (lang);
  MfdNdrEntry *entry;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *seen = NULL;
  g_autofree char *saw = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);

  entry = self->ndr_entry;
  if (entry == NULL)
    return NULL;

  seen = describe_ndr_code (entry);
  if (entry->timestamp != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (entry->timestamp);
      g_autofree char *when = g_date_time_format (utc, "%Y-%m-%d %H:%M");

      saw = mfd_text_render_va (lang, N_("EOP reported {1} at {2} UTC."), seen, when, NULL);
    }
  else
    {
      saw = mfd_text_render_va (lang, N_("EOP reported {1}."), seen, NULL);
    }
  g_string_append (out, saw);

  if (self->verdict == MFD_VERDICT_PROBLEM)
    {
      MfdFinding *first = g_ptr_array_index (self->findings, 0);
      g_autofree char *location = mfd_finding_dup_location (first, lang);

      /* Findings are sorted with the best match to the NDR first. */
      if (ndr_score (first, entry) >= 2)
        now = mfd_text_render_va (lang, N_("The checks from here see the same problem now: {1} at {2}. It has not been fixed yet."),
                                  first->code, location, NULL);
      else
        now = mfd_text_render_va (lang, N_("The checks from here see a different problem now: {1} at {2}. Fix that first, then check again."),
                                  first->code, location, NULL);
    }
  else if (self->verdict == MFD_VERDICT_INCONCLUSIVE && self->vantage != NULL &&
           mfd_vantage_is_impaired (self->vantage))
    {
      now = g_strdup (mfd_tr (lang, N_("This computer cannot see what EOP sees (its own control checks failed, see below), so the checks from here neither confirm nor rule out what EOP reported: rely on EOP's report and on the checks from Microsoft's side.")));
    }
  else if (self->verdict == MFD_VERDICT_INCONCLUSIVE)
    {
      now = g_strdup (mfd_tr (lang, N_("The checks from here could not be completed, so they neither confirm nor rule out what EOP saw.")));
    }
  else
    {
      g_autofree char *code = normalize_ndr_code (entry->status);

      now = g_strdup (mfd_tr (lang, find_comparison_text (code)));
    }
  g_string_append_printf (out, "%s%s", sep, now);

  if (!ndr_destination_checked (self))
    {
      g_autofree char *where = NULL;
      g_autofree char *line = NULL;

      if (entry->server != NULL && entry->ip != NULL)
        where = g_strdup_printf ("%s (%s)", entry->server, entry->ip);
      else
        where = g_strdup (entry->server != NULL ? entry->server : entry->ip);
      line = mfd_text_render_va (lang, N_("EOP last tried {1}, which these checks did not include."), where, NULL);
      g_string_append_printf (out, "%s%s", sep, line);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
mfd_diagnosis_set_fill (MfdDiagnosis  *self,
                        MfdRemedyFill  fill,
                        const char    *value)
{
  g_return_if_fail (MFD_IS_DIAGNOSIS (self));
  g_return_if_fail (fill < MFD_REMEDY_N_FILLS);

  g_free (self->fills[fill]);
  self->fills[fill] = value != NULL && *value != '\0' ? g_strstrip (g_strdup (value)) : NULL;
}

const char *
mfd_diagnosis_get_fill (MfdDiagnosis  *self,
                        MfdRemedyFill  fill)
{
  g_return_val_if_fail (MFD_IS_DIAGNOSIS (self), NULL);
  g_return_val_if_fail (fill < MFD_REMEDY_N_FILLS, NULL);

  return self->fills[fill];
}
