/* mfd-watch-record.c — one check of a watched target as the history keeps
 * it, the change events, and how a new check is compared with the last
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watch-record"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "mfd-text.h"
#include "mfd-watch.h"

/* Records ------------------------------------------------------------------ */

static void
watch_finding_free (MfdWatchFinding *finding)
{
  g_free (finding->code);
  g_free (finding->cause);
  g_free (finding->host);
  g_free (finding);
}

MfdWatchRecord *
mfd_watch_record_new (const char *target)
{
  MfdWatchRecord *record = g_new0 (MfdWatchRecord, 1);

  record->target = g_strdup (target);
  record->verdict = MFD_VERDICT_INCONCLUSIVE;
  record->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_finding_free);
  return record;
}

void
mfd_watch_record_free (MfdWatchRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->target);
  g_free (record->error);
  g_ptr_array_unref (record->findings);
  g_free (record);
}

void
mfd_watch_record_add_finding (MfdWatchRecord *record,
                              const char     *code,
                              const char     *cause,
                              const char     *host,
                              gboolean        warning,
                              gboolean        inconclusive)
{
  MfdWatchFinding *finding = g_new0 (MfdWatchFinding, 1);

  finding->code = g_strdup (code);
  finding->cause = g_strdup (cause);
  finding->host = g_strdup (host);
  finding->warning = warning;
  finding->inconclusive = inconclusive;
  g_ptr_array_add (record->findings, finding);
}

const char *
mfd_watch_record_get_problem (MfdWatchRecord *record)
{
  for (guint i = 0; i < record->findings->len; i++)
    {
      MfdWatchFinding *finding = g_ptr_array_index (record->findings, i);

      if (finding->warning || finding->inconclusive)
        continue;
      return finding->code != NULL ? finding->code : finding->cause;
    }
  return NULL;
}

/* "2026-12-07 21:00 UTC" (the certificate step) or "2026-12-07" (RDAP). */
static gint64
parse_fact_time (const char *text)
{
  int year, month, day, hour = 0, minute = 0;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return 0;
  if (sscanf (text, "%d-%d-%d %d:%d", &year, &month, &day, &hour, &minute) < 3)
    return 0;
  dt = g_date_time_new_utc (year, month, day, hour, minute, 0);
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static void
keep_earliest (gint64 *earliest,
               gint64  t)
{
  if (t != 0 && (*earliest == 0 || t < *earliest))
    *earliest = t;
}

MfdWatchRecord *
mfd_watch_record_new_from_diagnosis (const char   *target,
                                     MfdDiagnosis *diagnosis)
{
  MfdWatchRecord *record = mfd_watch_record_new (target);
  GPtrArray *findings = mfd_diagnosis_get_findings (diagnosis);
  GPtrArray *observations = mfd_diagnosis_get_observations (diagnosis);
  GDateTime *time = mfd_diagnosis_get_time (diagnosis);

  record->time = time != NULL ? g_date_time_to_unix (time) : g_get_real_time () / G_USEC_PER_SEC;
  record->verdict = mfd_diagnosis_get_verdict (diagnosis);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      MfdFinding *finding = g_ptr_array_index (findings, i);

      mfd_watch_record_add_finding (record, finding->code, finding->cause, finding->host,
                                    finding->warning, finding->inconclusive);
    }

  for (guint i = 0; observations != NULL && i < observations->len; i++)
    {
      MfdObservation *obs = g_ptr_array_index (observations, i);

      if (obs->stage == MFD_STAGE_CERTIFICATE || obs->stage == MFD_STAGE_TLS)
        keep_earliest (&record->cert_expiry, parse_fact_time (mfd_observation_get_fact (obs, "not-after")));
      else if (obs->stage == MFD_STAGE_REGISTRATION)
        keep_earliest (&record->domain_expiry, parse_fact_time (mfd_observation_get_fact (obs, "expiration")));
    }

  return record;
}

/* Events ------------------------------------------------------------------- */

void
mfd_watch_event_free (MfdWatchEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->target);
  g_free (event->code);
  g_free (event);
}

const char *
mfd_watch_event_kind_to_string (MfdWatchEventKind kind)
{
  switch (kind)
    {
    case MFD_WATCH_EVENT_PROBLEM:       return "problem";
    case MFD_WATCH_EVENT_RECOVERED:     return "recovered";
    case MFD_WATCH_EVENT_CERT_EXPIRY:   return "certificate-expiry";
    case MFD_WATCH_EVENT_DOMAIN_EXPIRY: return "domain-expiry";
    default:                            return "unknown";
    }
}

static char *
format_day (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
}

char *
mfd_watch_event_describe (MfdWatchEvent *event,
                          const char    *lang)
{
  const char *label = mfd_watch_id_get_label (event->target);
  g_autofree char *days = g_strdup_printf ("%u", event->days);
  g_autofree char *day = format_day (event->expiry);

  switch (event->kind)
    {
    case MFD_WATCH_EVENT_PROBLEM:
      return mfd_text_render_va (lang, N_("{1}: mail cannot be delivered now ({2})."),
                                 label, event->code != NULL ? event->code : "?", NULL);
    case MFD_WATCH_EVENT_RECOVERED:
      return mfd_text_render_va (lang, N_("{1}: the check passes again."), label, NULL);
    case MFD_WATCH_EVENT_CERT_EXPIRY:
      return mfd_text_render_va (lang, event->days == 1
                                         ? N_("{1}: the server's certificate expires within a day ({3}).")
                                         : N_("{1}: the server's certificate expires within {2} days ({3})."),
                                 label, days, day, NULL);
    case MFD_WATCH_EVENT_DOMAIN_EXPIRY:
      return mfd_text_render_va (lang, event->days == 1
                                         ? N_("{1}: the domain registration expires within a day ({3}).")
                                         : N_("{1}: the domain registration expires within {2} days ({3})."),
                                 label, days, day, NULL);
    default:
      return g_strdup (label);
    }
}

/* Change detection ----------------------------------------------------------- */

static const guint thresholds[] = { 1, 7, 14, 30 };

/* The smallest threshold @expiry is within, 0 when further than all. */
static guint
threshold_for (gint64 expiry,
               gint64 now)
{
  for (guint i = 0; i < G_N_ELEMENTS (thresholds); i++)
    if (expiry - now <= (gint64) thresholds[i] * 24 * 60 * 60)
      return thresholds[i];
  return 0;
}

static MfdWatchEvent *
event_new (MfdWatchEventKind  kind,
           MfdWatchRecord    *record)
{
  MfdWatchEvent *event = g_new0 (MfdWatchEvent, 1);

  event->kind = kind;
  event->target = g_strdup (record->target);
  event->record_id = record->id;
  return event;
}

static gboolean
compare_expiry (MfdWatchHistory  *self,
                MfdWatchRecord   *record,
                MfdWatchEventKind kind,
                gint64            expiry,
                gint64            now,
                GPtrArray        *events,
                GError          **error)
{
  const char *key = kind == MFD_WATCH_EVENT_CERT_EXPIRY ? "certificate" : "domain";
  g_autoptr(GError) local_error = NULL;
  guint warned, level;

  /* Not seen this time (the server did not get that far, RDAP did not
   * answer): nothing is known to have changed. */
  if (expiry == 0)
    return TRUE;

  warned = mfd_watch_history_get_warned (self, record->target, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  level = threshold_for (expiry, now);

  if (level == 0)
    {
      /* Renewed: the next approach is warned about again. */
      return warned == 0 || mfd_watch_history_set_warned (self, record->target, key, 0, error);
    }
  if (warned != 0 && warned <= level)
    return TRUE;

  {
    MfdWatchEvent *event = event_new (kind, record);

    event->days = level;
    event->expiry = expiry;
    g_ptr_array_add (events, event);
  }
  return mfd_watch_history_set_warned (self, record->target, key, level, error);
}

GPtrArray *
mfd_watch_history_record (MfdWatchHistory  *self,
                          MfdWatchRecord   *record,
                          gint64            now,
                          GError          **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_watch_event_free);
  g_autoptr(MfdWatchRecord) previous = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (MFD_IS_WATCH_HISTORY (self), NULL);
  g_return_val_if_fail (record != NULL, NULL);

  if (!mfd_watch_history_add (self, record, error))
    return NULL;

  /* An inconclusive check says neither "broken" nor "fine": the state
   * stays what the last conclusive check said. */
  if (record->verdict != MFD_VERDICT_INCONCLUSIVE)
    {
      gint64 before = record->id;

      for (;;)
        {
          g_clear_pointer (&previous, mfd_watch_record_free);
          previous = mfd_watch_history_get_last (self, record->target, before, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (previous == NULL || previous->verdict != MFD_VERDICT_INCONCLUSIVE)
            break;
          before = previous->id;
        }

      if (record->verdict == MFD_VERDICT_PROBLEM)
        {
          const char *problem = mfd_watch_record_get_problem (record);

          if (previous == NULL || previous->verdict == MFD_VERDICT_OK ||
              g_strcmp0 (problem, mfd_watch_record_get_problem (previous)) != 0)
            {
              MfdWatchEvent *event = event_new (MFD_WATCH_EVENT_PROBLEM, record);

              event->code = g_strdup (problem);
              g_ptr_array_add (events, event);
            }
        }
      else if (previous != NULL && previous->verdict == MFD_VERDICT_PROBLEM)
        g_ptr_array_add (events, event_new (MFD_WATCH_EVENT_RECOVERED, record));
    }

  if (!compare_expiry (self, record, MFD_WATCH_EVENT_CERT_EXPIRY, record->cert_expiry, now, events, error) ||
      !compare_expiry (self, record, MFD_WATCH_EVENT_DOMAIN_EXPIRY, record->domain_expiry, now, events, error))
    return NULL;

  return g_steal_pointer (&events);
}

