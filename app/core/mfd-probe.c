/* mfd-probe.c — runs the checks for every host and address
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-probe"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-probe.h"
#include "mfd-smtp.h"
#include "mfd-tls.h"
#include "mfd-web.h"
#include "mfd-dns.h"
#include "mfd-dane-check.h"
#include "mfd-mta-sts-check.h"
#include "mfd-web-private.h"

/* Hosts and addresses are checked side by side, but a connector with many
 * smart hosts must not open dozens of connections at once. */
#define MAX_WORKERS 8
/* Nor may a long list make one check run for hours and ask the web
 * services thousands of times: per run at most MAX_NAMES names (MX domains
 * and hosts, each with its DNS and web lookups) and MAX_CONNECTIONS
 * addresses to talk SMTP with; what does not fit is left out, and the run
 * says so. One MX domain needs at most 1 + MFD_DNS_MAX_MX_HOSTS names and
 * MFD_DNS_MAX_MX_HOSTS × MFD_DNS_MAX_ADDRESSES connections. */
#define MAX_NAMES        32
#define MAX_CONNECTIONS  96

struct _MfdProbe
{
  GObject           parent_instance;

  MfdTarget        *target;
  GPtrArray        *observations;
  struct _Run      *run;            /* while running */

  MfdWeb           *web;
  guint16           authority_port;   /* 0: port 53 */
};

G_DEFINE_FINAL_TYPE (MfdProbe, mfd_probe, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TARGET,
  PROP_WEB,
  N_PROPS
};

enum {
  STEP_STARTED,
  STEP_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* One run: what the workers share. Everything here but the event queue and
 * the counters is fixed before the first worker starts. */
typedef struct _Run
{
  gatomicrefcount  ref_count;
  GTask           *task;            /* main context only */
  MfdProbe        *probe;           /* main context only */
  GMainContext    *context;
  GCancellable    *cancellable;
  GThreadPool     *pool;

  MfdTlsMode       mode;
  char            *tls_domain;
  char            *ca_file;
  char            *dns_server;
  /* DANE, for hosts that come from MX records: the DNSSEC trust anchors
   * (read by the first worker that needs them, under @mutex), or why they
   * could not be read (the DANE step is then inconclusive). */
  char            *trust_anchor_file;
  gboolean         anchors_read;
  ldns_rr_list    *anchors;
  char            *anchors_error;
  MfdDnssecCache  *dnssec_cache;    /* what the DANE steps of the run share */
  MfdDnsResolver  *resolver;        /* shared by the workers; NULL: see resolver_error */
  char            *resolver_error;
  guint            connect_ms;
  guint            reply_ms;
  guint            tls_ms;
  guint            dns_ms;
  gboolean         has_web_checks;

  /* MTA-STS: one state per MX domain (domain -> MtaStsState), under
   * @mutex; the address jobs wait on @mta_sts_cond for their domain's
   * policy. @web_offline: the policy is not fetched. */
  GHashTable      *mta_sts;
  GCond            mta_sts_cond;
  gboolean         web_offline;
  guint16          policy_port;     /* practice: see lab_policy_host() */

  gint             pending;         /* jobs queued or running, plus holds */
  gint             n_names;         /* name jobs queued so far (atomic) */
  gint             n_connections;   /* address jobs queued so far (atomic) */
  gint             n_left_out;      /* jobs refused by those limits (atomic) */
  char            *first_left_out;  /* the host of the first refused job (under mutex) */
  MfdStage         first_left_out_stage; /* the step it would have started with */
  GMutex           mutex;
  GQueue           events;
  gboolean         dispatch_scheduled;
  gboolean         completed;
} Run;

typedef enum
{
  JOB_MX,          /* MX of a domain, then a host job per MX host */
  JOB_HOST,        /* addresses of a host (plus the one EOP tried, if known),
                    * then an address job per address */
  JOB_ADDRESS,     /* TCP to QUIT for one address */
  JOB_TRUST,       /* the trust list, built while DNS, TCP and SMTP run */
} JobKind;

typedef struct
{
  JobKind  kind;
  Run     *run;
  char    *name;   /* domain or host */
  char    *ip;
  guint16  port;
  gboolean from_mx;  /* the host is an MX host: DANE applies */
  char    *mx_domain; /* then the domain whose MX set named it */
} Job;

/* A domain's MTA-STS policy as the address jobs need it. */
typedef struct
{
  gboolean          done;
  gboolean          published;   /* a v=STSv1 record was found */
  MfdMtaStsPolicy  *policy;      /* NULL: none to apply */
} MtaStsState;

/* The policy fetch, started on the main context (libsoup's). */
typedef struct
{
  struct _Run        *run;
  char               *domain;
  MfdMtaStsTxt       *txt;
  GSocketConnectable *connectable;
  gint64              started;     /* monotonic, when the step started */
} MtaStsFetch;

typedef struct
{
  gboolean        started;
  MfdStage        stage;
  char           *host;
  char           *ip;
  MfdObservation *observation;
  gboolean        call_web_checks;
  MtaStsFetch    *mta_sts_fetch;
} Event;

static Run *
run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;
  g_main_context_unref (run->context);
  g_clear_object (&run->cancellable);
  g_free (run->tls_domain);
  g_free (run->ca_file);
  g_free (run->dns_server);
  g_free (run->trust_anchor_file);
  g_clear_pointer (&run->anchors, ldns_rr_list_deep_free);
  g_free (run->anchors_error);
  g_clear_pointer (&run->dnssec_cache, mfd_dnssec_cache_free);
  g_clear_pointer (&run->resolver, mfd_dns_resolver_free);
  g_free (run->resolver_error);
  g_free (run->first_left_out);
  g_clear_pointer (&run->mta_sts, g_hash_table_unref);
  g_cond_clear (&run->mta_sts_cond);
  g_mutex_clear (&run->mutex);
  g_free (run);
}

static void mta_sts_fetch_free (MtaStsFetch *fetch);

static void
event_free (Event *event)
{
  g_clear_pointer (&event->mta_sts_fetch, mta_sts_fetch_free);
  g_free (event->host);
  g_free (event->ip);
  g_clear_pointer (&event->observation, mfd_observation_unref);
  g_free (event);
}

/* Delivering results on the caller's main context ------------------------- */

static void complete_run (Run *run);

static void push_event (Run   *run,
                        Event *event);
static void emit_finished (Run            *run,
                           MfdObservation *observation,
                           gboolean        call_web_checks);
static void schedule_dispatch (Run *run);

/* Ends one hold on the run, handing over what the check found. */
static void
run_release (Run            *run,
             MfdObservation *observation)
{
  if (observation != NULL)
    emit_finished (run, mfd_observation_ref (observation), FALSE);
  if (g_atomic_int_dec_and_test (&run->pending))
    schedule_dispatch (run);
}

static void
on_public_dns_checked_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(MfdObservation) obs = mfd_web_check_public_dns_finish (MFD_WEB (source), result, NULL);

  run_release (run, obs);
  run_unref (run);
}

static void
on_registration_checked_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(MfdObservation) obs = mfd_web_check_registration_finish (MFD_WEB (source), result, NULL);

  run_release (run, obs);
  run_unref (run);
}

/* The internet's view of a name, next to what the local resolver said. */
static void
start_web_checks (Run            *run,
                  MfdWeb         *web,
                  const char     *host,
                  MfdObservation *local_dns)
{
  g_atomic_int_add (&run->pending, 2);
  mfd_web_check_public_dns_async (web, host, local_dns, run->cancellable,
                                  on_public_dns_checked_cb, run_ref (run));
  mfd_web_check_registration_async (web, host, run->cancellable,
                                    on_registration_checked_cb, run_ref (run));
}

/* MTA-STS ------------------------------------------------------------------- */

static void
mta_sts_state_free (MtaStsState *state)
{
  g_clear_pointer (&state->policy, mfd_mta_sts_policy_free);
  g_free (state);
}

static void
mta_sts_fetch_free (MtaStsFetch *fetch)
{
  g_free (fetch->domain);
  g_clear_pointer (&fetch->txt, mfd_mta_sts_txt_free);
  g_clear_object (&fetch->connectable);
  g_clear_pointer (&fetch->run, run_unref);
  g_free (fetch);
}

/* @domain's policy is known (or known to be missing): the address jobs
 * waiting for it go on. Takes @policy. */
static void
mta_sts_finish (Run             *run,
                const char      *domain,
                gboolean         published,
                MfdMtaStsPolicy *policy)
{
  MtaStsState *state;

  g_mutex_lock (&run->mutex);
  state = g_hash_table_lookup (run->mta_sts, domain);
  if (state != NULL && !state->done)
    {
      state->done = TRUE;
      state->published = published;
      state->policy = policy;
      policy = NULL;
    }
  g_cond_broadcast (&run->mta_sts_cond);
  g_mutex_unlock (&run->mutex);
  g_clear_pointer (&policy, mfd_mta_sts_policy_free);
}

static void
on_mta_sts_fetched_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  MtaStsFetch *fetch = user_data;
  Run *run = fetch->run;
  g_autoptr(MfdWebFailure) failure = NULL;
  g_autoptr(GBytes) body = NULL;
  GTlsCertificateFlags tls_errors = 0;
  MfdMtaStsPolicy *policy = NULL;
  MfdObservation *obs;
  guint status = 0;

  body = mfd_web_fetch_text_finish (MFD_WEB (source), result, &status, &tls_errors, &failure);
  obs = mfd_mta_sts_judge_fetch (fetch->txt, fetch->domain, body, failure, status, tls_errors, &policy);
  obs->ms = (g_get_monotonic_time () - fetch->started) / 1000;
  mta_sts_finish (run, fetch->domain, TRUE, policy);
  run_release (run, obs);
  mfd_observation_unref (obs);
  mta_sts_fetch_free (fetch);
}

/* Main context: the policy over HTTPS, with the web's trust store (and
 * --ca-file) and timeout. Takes @fetch and the hold on the run. */
static void
start_mta_sts_fetch (Run         *run,
                     MtaStsFetch *fetch)
{
  MfdProbe *probe = run->probe;
  g_autofree char *url = g_strdup_printf ("https://mta-sts.%s/.well-known/mta-sts.txt", fetch->domain);

  if (probe->web == NULL || g_cancellable_is_cancelled (run->cancellable))
    {
      mta_sts_finish (run, fetch->domain, TRUE, NULL);
      run_release (run, NULL);
      mta_sts_fetch_free (fetch);
      return;
    }
  mfd_web_fetch_text_async (probe->web, url, fetch->connectable, MFD_MTA_STS_FETCH_MAX_SIZE,
                            run->cancellable, on_mta_sts_fetched_cb, fetch);
}

/* The jobs the limits refused, said once at the end of the run as a
 * skipped step of the first host left out: the report and the checks page
 * show that the list was cut, and by how much. */
static void
report_left_out (Run *run)
{
  gint n = g_atomic_int_get (&run->n_left_out);
  g_autoptr(MfdObservation) obs = NULL;
  char count[16], names[16], connections[16];

  if (n == 0 || g_cancellable_is_cancelled (run->cancellable))
    return;
  g_snprintf (count, sizeof count, "%d", n);
  g_snprintf (names, sizeof names, "%d", MAX_NAMES);
  g_snprintf (connections, sizeof connections, "%d", MAX_CONNECTIONS);
  /* A step that host has no row for yet: an address left out of a host
   * whose name was looked up is a TCP step, not its DNS step again. */
  obs = mfd_observation_new (run->first_left_out_stage, MFD_OUTCOME_SKIPPED, run->first_left_out, NULL, 0);
  obs->ms = 0;
  mfd_observation_set_fact (obs, "left_out", count);
  mfd_observation_set_detail (obs, N_("Not checked: one check looks up at most {1} names and connects to at most {2} addresses, "
                                      "so {3} more (from {4} on) were left out."),
                              names, connections, count,
                              run->first_left_out != NULL ? run->first_left_out : "", NULL);
  g_ptr_array_add (run->probe->observations, mfd_observation_ref (obs));
  g_signal_emit (run->probe, signals[STEP_FINISHED], 0, obs);
}

static gboolean
dispatch_events_cb (gpointer user_data)
{
  Run *run = user_data;

  for (;;)
    {
      Event *event;

      g_mutex_lock (&run->mutex);
      event = g_queue_pop_head (&run->events);
      if (event == NULL)
        run->dispatch_scheduled = FALSE;
      g_mutex_unlock (&run->mutex);
      if (event == NULL)
        break;

      if (run->completed)
        ;
      else if (event->mta_sts_fetch != NULL)
        start_mta_sts_fetch (run, g_steal_pointer (&event->mta_sts_fetch));
      else if (event->started)
        g_signal_emit (run->probe, signals[STEP_STARTED], 0,
                       event->stage, event->host, event->ip);
      else
        {
          g_ptr_array_add (run->probe->observations, mfd_observation_ref (event->observation));
          g_signal_emit (run->probe, signals[STEP_FINISHED], 0, event->observation);
          if (event->call_web_checks)
            {
              MfdProbe *probe = run->probe;

              if (probe->web != NULL && !g_cancellable_is_cancelled (run->cancellable))
                start_web_checks (run, probe->web, event->host, event->observation);
              /* The reference the worker took for this call. */
              g_atomic_int_add (&run->pending, -1);
            }
        }
      event_free (event);
    }

  if (!run->completed && g_atomic_int_get (&run->pending) == 0)
    {
      report_left_out (run);
      complete_run (run);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_dispatch (Run *run)
{
  gboolean schedule;

  g_mutex_lock (&run->mutex);
  schedule = !run->dispatch_scheduled;
  run->dispatch_scheduled = TRUE;
  g_mutex_unlock (&run->mutex);

  /* Always through a source: g_main_context_invoke() would run the
   * callback right here in the worker when nobody holds the context. */
  if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, dispatch_events_cb, run_ref (run), (GDestroyNotify) run_unref);
      g_source_set_static_name (source, "[mfd] probe results");
      g_source_attach (source, run->context);
    }
}

static void
push_event (Run   *run,
            Event *event)
{
  g_mutex_lock (&run->mutex);
  g_queue_push_tail (&run->events, event);
  g_mutex_unlock (&run->mutex);
  schedule_dispatch (run);
}

static void
emit_started (Run        *run,
              MfdStage    stage,
              const char *host,
              const char *ip)
{
  Event *event = g_new0 (Event, 1);

  event->started = TRUE;
  event->stage = stage;
  event->host = g_strdup (host);
  event->ip = g_strdup (ip);
  push_event (run, event);
}

/* Takes @observation. */
static void
emit_finished (Run            *run,
               MfdObservation *observation,
               gboolean        call_web_checks)
{
  Event *event = g_new0 (Event, 1);

  event->observation = observation;
  event->host = g_strdup (observation->host);
  event->call_web_checks = call_web_checks && run->has_web_checks;
  if (event->call_web_checks)
    g_atomic_int_inc (&run->pending);
  push_event (run, event);
}

/* Jobs ---------------------------------------------------------------------- */

/* FALSE (and counted) when the run already has as many jobs of that kind
 * as it may. */
static gboolean
queue_job_full (Run        *run,
                JobKind     kind,
                const char *name,
                const char *ip,
                guint16     port,
                const char *mx_domain)
{
  Job *job;

  /* The trust list is the run's own work, not a name or an address of the
   * destination: it counts against neither cap. */
  if (kind != JOB_TRUST &&
      (kind == JOB_ADDRESS ? g_atomic_int_add (&run->n_connections, 1) >= MAX_CONNECTIONS
                           : g_atomic_int_add (&run->n_names, 1) >= MAX_NAMES))
    {
      g_atomic_int_inc (&run->n_left_out);
      g_mutex_lock (&run->mutex);
      if (run->first_left_out == NULL)
        {
          run->first_left_out = g_strdup (name);
          run->first_left_out_stage = kind == JOB_ADDRESS ? MFD_STAGE_TCP : MFD_STAGE_DNS;
        }
      g_mutex_unlock (&run->mutex);
      return FALSE;
    }

  job = g_new0 (Job, 1);

  job->kind = kind;
  job->from_mx = mx_domain != NULL;
  job->mx_domain = g_strdup (mx_domain);
  job->run = run_ref (run);
  job->name = g_strdup (name);
  job->ip = g_strdup (ip);
  job->port = port;
  g_atomic_int_inc (&run->pending);
  g_thread_pool_push (run->pool, job, NULL);
  return TRUE;
}

static gboolean
queue_job (Run        *run,
           JobKind     kind,
           const char *name,
           const char *ip,
           guint16     port)
{
  return queue_job_full (run, kind, name, ip, port, NULL);
}

static void
skip_stages (Run        *run,
             const char *host,
             const char *ip,
             guint16     port,
             MfdStage    from,
             MfdStage    to,
             const char *msgid)
{
  for (MfdStage stage = from; stage <= to; stage++)
    {
      MfdObservation *obs = mfd_observation_new (stage, MFD_OUTCOME_SKIPPED, host, ip, port);

      mfd_observation_set_detail (obs, msgid, NULL);
      emit_finished (run, obs, FALSE);
    }
}

static void
skip_rest (Run      *run,
           Job      *job,
           MfdStage  from)
{
  skip_stages (run, job->name, job->ip, job->port, from, MFD_STAGE_QUIT,
               N_("Not checked because an earlier step failed."));
}

static gboolean
stops_dialogue (const MfdObservation *obs)
{
  return obs->outcome == MFD_OUTCOME_FAIL || obs->outcome == MFD_OUTCOME_INCONCLUSIVE;
}

/* Runs one step: announces it, hands over its observation, and says whether
 * the dialogue may go on. */
#define RUN_STEP(stage, call)                                          \
  G_STMT_START {                                                       \
    emit_started (run, (stage), job->name, job->ip);                   \
    obs = (call);                                                      \
    failed = stops_dialogue (obs);                                     \
    outcome = obs->outcome;                                            \
    emit_finished (run, obs, FALSE);                                   \
  } G_STMT_END

/* The SMTP dialogue with one address. Returns whether it got as far as
 * knowing whether the server offers STARTTLS; @tls_out gets the TLS
 * session when one was started. */
static gboolean
check_smtp (Run            *run,
            Job            *job,
            MfdTlsSession **tls_out)
{
  g_autoptr(MfdSmtpConnection) connection = NULL;
  MfdTlsSession *tls = NULL;
  const char *sni = run->tls_domain != NULL && !g_str_has_prefix (run->tls_domain, "*.")
                    ? run->tls_domain : job->name;
  MfdObservation *obs;
  MfdOutcome outcome;
  gboolean failed;

  connection = mfd_smtp_connection_new (job->name, job->ip, job->port,
                                        run->reply_ms, run->cancellable);

  RUN_STEP (MFD_STAGE_TCP, mfd_smtp_connection_connect (connection, run->connect_ms));
  if (failed)
    {
      skip_rest (run, job, MFD_STAGE_GREETING);
      return FALSE;
    }
  RUN_STEP (MFD_STAGE_GREETING, mfd_smtp_connection_greeting (connection));
  if (failed)
    {
      skip_rest (run, job, MFD_STAGE_EHLO);
      return FALSE;
    }
  RUN_STEP (MFD_STAGE_EHLO, mfd_smtp_connection_ehlo (connection));
  if (failed)
    {
      skip_rest (run, job, MFD_STAGE_STARTTLS);
      return FALSE;
    }
  RUN_STEP (MFD_STAGE_STARTTLS, mfd_smtp_connection_starttls (connection, run->mode));
  if (failed)
    {
      skip_rest (run, job, MFD_STAGE_TLS);
      return FALSE;
    }

  if (outcome != MFD_OUTCOME_OK)
    {
      /* No STARTTLS here (off, not offered, or refused while TLS is only
       * opportunistic): the session goes on in plain text. */
      skip_stages (run, job->name, job->ip, job->port, MFD_STAGE_TLS, MFD_STAGE_CERTIFICATE,
                   N_("Not checked: no TLS session was started."));
      RUN_STEP (MFD_STAGE_QUIT, mfd_smtp_connection_quit (connection, FALSE));
      return TRUE;
    }

  tls = mfd_tls_session_new (mfd_smtp_connection_get_socket (connection), sni, run->cancellable);
  *tls_out = tls;
  RUN_STEP (MFD_STAGE_TLS, mfd_tls_session_handshake (tls, job->name, job->ip, job->port,
                                                      run->mode, run->tls_ms));
  /* After a failed handshake (even one opportunistic TLS shrugs off) the
   * connection is unusable. */
  if (failed || outcome != MFD_OUTCOME_OK)
    {
      skip_rest (run, job, MFD_STAGE_CERTIFICATE);
      return TRUE;
    }

  /* A certificate EOP would not accept is a verdict on the certificate,
   * not on the connection: we still end the session politely. */
  RUN_STEP (MFD_STAGE_CERTIFICATE,
            mfd_tls_session_verify (tls, job->name, job->ip, job->port,
                                    run->mode, run->tls_domain, run->ca_file));
  mfd_smtp_connection_set_transport (connection, mfd_tls_session_read,
                                     mfd_tls_session_write, tls);
  RUN_STEP (MFD_STAGE_QUIT, mfd_smtp_connection_quit (connection, TRUE));
  return TRUE;
}

/* DANE for an MX host's address (RFC 7672, as EOP applies it): after the
 * dialogue, so that the presented chain is known. */
static void
check_dane (Run           *run,
            Job           *job,
            gboolean       reached,
            MfdTlsSession *tls)
{
  g_autoptr(MfdDaneCheck) check = NULL;
  const gnutls_datum_t *chain = NULL;
  MfdObservation *obs;
  guint n_certs = 0;

  if (!reached)
    {
      skip_stages (run, job->name, job->ip, job->port, MFD_STAGE_DANE, MFD_STAGE_DANE,
                   N_("Not checked because an earlier step failed."));
      return;
    }

  emit_started (run, MFD_STAGE_DANE, job->name, job->ip);

  /* A file, read here in a worker rather than where the run starts (the
   * caller's thread may be the UI's). Read once, kept for the run. */
  g_mutex_lock (&run->mutex);
  if (!run->anchors_read)
    {
      g_autoptr(GError) anchor_error = NULL;

      run->anchors = mfd_dnssec_read_anchors (run->trust_anchor_file, &anchor_error);
      if (run->anchors == NULL)
        run->anchors_error = g_strdup (anchor_error->message);
      run->dnssec_cache = mfd_dnssec_cache_new ();
      run->anchors_read = TRUE;
    }
  g_mutex_unlock (&run->mutex);

  if (run->anchors == NULL || run->resolver == NULL)
    {
      obs = mfd_observation_new (MFD_STAGE_DANE, MFD_OUTCOME_INCONCLUSIVE, job->name, job->ip, job->port);
      mfd_observation_set_detail (obs, N_("DANE could not be checked: {1}"),
                                  run->anchors_error != NULL ? run->anchors_error
                                  : run->resolver_error != NULL ? run->resolver_error : "",
                                  NULL);
      emit_finished (run, obs, FALSE);
      return;
    }

  if (tls != NULL)
    chain = mfd_tls_session_get_peer_chain (tls, &n_certs);
  check = mfd_dane_check_host (run->resolver, run->anchors, run->dnssec_cache, job->mx_domain,
                               job->name, job->port,
                               chain != NULL, chain, n_certs, run->cancellable);

  switch (check->outcome)
    {
    case MFD_DANE_CHECK_PROBLEM:
      obs = mfd_observation_new (MFD_STAGE_DANE, MFD_OUTCOME_FAIL, job->name, job->ip, job->port);
      mfd_observation_set_cause (obs, check->cause);
      mfd_observation_set_detail (obs, N_("DANE check failed ({1}, EOP {2}): {3}"),
                                  check->cause, check->eop_code, check->detail, NULL);
      break;
    case MFD_DANE_CHECK_INCONCLUSIVE:
      obs = mfd_observation_new (MFD_STAGE_DANE, MFD_OUTCOME_INCONCLUSIVE, job->name, job->ip, job->port);
      mfd_observation_set_detail (obs, N_("DANE could not be checked: {1}"), check->detail, NULL);
      break;
    case MFD_DANE_CHECK_UNAVAILABLE:
      /* Like the internet view when offline: not carried out, and said so,
       * rather than every check by MX turning inconclusive on a resolver
       * that strips DNSSEC. */
      obs = mfd_observation_new (MFD_STAGE_DANE, MFD_OUTCOME_SKIPPED, job->name, job->ip, job->port);
      mfd_observation_set_detail (obs, N_("DANE was not checked from here: this computer's DNS resolver passes no DNSSEC records on, while Exchange Online validates them itself. To check DANE, name a resolver that validates DNSSEC (--dns-server, or the DNS server in Preferences)."), NULL);
      break;
    case MFD_DANE_CHECK_NOT_APPLICABLE:
      obs = mfd_observation_new (MFD_STAGE_DANE, MFD_OUTCOME_OK, job->name, job->ip, job->port);
      mfd_observation_set_detail (obs, N_("DANE does not apply: {1}"), check->detail, NULL);
      break;
    case MFD_DANE_CHECK_OK:
    default:
      obs = mfd_observation_new (MFD_STAGE_DANE, MFD_OUTCOME_OK, job->name, job->ip, job->port);
      mfd_observation_set_detail (obs, N_("DANE check passed: {1}"), check->detail, NULL);
      break;
    }
  mfd_observation_set_fact (obs, "tlsa-name", check->tlsa_name);
  if (check->dnssec != NULL)
    {
      mfd_observation_set_fact (obs, "dnssec", mfd_dnssec_status_to_string (check->dnssec->status));
      if (check->dnssec->status == MFD_DNSSEC_BOGUS)
        {
          mfd_observation_set_fact (obs, "dnssec-failure", mfd_dnssec_failure_to_string (check->dnssec->failure));
          mfd_observation_set_fact (obs, "dnssec-records", check->dnssec->rrset);
        }
      mfd_observation_set_fact (obs, "dnssec-zone", check->dnssec->zone[0] != '\0' ? check->dnssec->zone : ".");
    }
  if (check->records->len > 0)
    {
      g_autoptr(GString) records = g_string_new (NULL);

      for (guint i = 0; i < check->records->len; i++)
        {
          g_autofree char *text = mfd_tlsa_record_to_string (g_ptr_array_index (check->records, i), TRUE);

          if (i > 0)
            g_string_append (records, ", ");
          g_string_append (records, text);
        }
      mfd_observation_set_fact (obs, "tlsa", records->str);
      if (check->outcome == MFD_DANE_CHECK_OK || check->outcome == MFD_DANE_CHECK_PROBLEM)
        mfd_observation_set_fact (obs, "tlsa-verdict", mfd_dane_verdict_to_string (check->verdict));
    }
  emit_finished (run, obs, FALSE);
}

static void check_mta_sts_mx (Run           *run,
                              Job           *job,
                              gboolean       reached,
                              MfdTlsSession *tls);

static void
check_address (Run *run,
               Job *job)
{
  g_autoptr(MfdTlsSession) tls = NULL;
  gboolean reached = check_smtp (run, job, &tls);

  if (job->from_mx && !g_cancellable_is_cancelled (run->cancellable))
    check_dane (run, job, reached, tls);
  if (job->mx_domain != NULL && !g_cancellable_is_cancelled (run->cancellable))
    check_mta_sts_mx (run, job, reached, tls);
}

/* MTA-STS for an MX host's address: waits for its domain's policy (fetched
 * while this address was being checked; the fetch is bounded in time),
 * then judges the host's name and the chain it presented. */
static void
check_mta_sts_mx (Run           *run,
                  Job           *job,
                  gboolean       reached,
                  MfdTlsSession *tls)
{
  const gnutls_datum_t *chain = NULL;
  guint n_certs = 0;
  gint64 deadline = g_get_monotonic_time () + 120 * G_TIME_SPAN_SECOND;
  MtaStsState *state;
  gboolean done = FALSE;
  gboolean published = FALSE;
  MfdMtaStsPolicy *policy = NULL;
  MfdObservation *obs;
  gint64 started;

  g_mutex_lock (&run->mutex);
  state = g_hash_table_lookup (run->mta_sts, job->mx_domain);
  while (state != NULL && !state->done && !g_cancellable_is_cancelled (run->cancellable) &&
         g_get_monotonic_time () < deadline)
    g_cond_wait_until (&run->mta_sts_cond, &run->mutex,
                       MIN (deadline, g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND));
  if (state != NULL && state->done)
    {
      done = TRUE;
      published = state->published;
      /* The state lives as long as the run, and is not changed once done. */
      policy = state->policy;
    }
  g_mutex_unlock (&run->mutex);
  if (!done || g_cancellable_is_cancelled (run->cancellable))
    return;

  emit_started (run, MFD_STAGE_MTA_STS, job->name, job->ip);
  if (tls != NULL)
    chain = mfd_tls_session_get_peer_chain (tls, &n_certs);
  started = g_get_monotonic_time ();
  obs = mfd_mta_sts_judge_mx (policy, published, job->mx_domain, job->name, job->ip, job->port,
                              reached, chain, n_certs, run->ca_file);
  obs->ms = (g_get_monotonic_time () - started) / 1000;
  emit_finished (run, obs, FALSE);
}

/* The practice policy host (mfd_target_set_mta_sts_policy_port()): a port
 * of its own, fetched even offline, but only when every address the name
 * resolved to is on loopback, so that no setting can send a request to
 * another port or off this computer. */
static gboolean
lab_policy_host (Run       *run,
                 GPtrArray *found)
{
  if (run->policy_port == 0 || found == NULL || found->len == 0)
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (g_ptr_array_index (found, i));

      if (address == NULL || !g_inet_address_get_is_loopback (address))
        return FALSE;
    }
  return TRUE;
}

/* The domain's own MTA-STS step: the TXT records, then the policy host
 * through our resolver, then the fetch on the main context. */
static void
check_mta_sts_domain (Run        *run,
                      const char *domain)
{
  g_autoptr(MfdMtaStsTxt) txt = NULL;
  g_autofree char *policy_host = g_strdup_printf ("mta-sts.%s", domain);
  g_autoptr(MfdObservation) dns = NULL;
  g_autoptr(GPtrArray) found = NULL;
  MfdObservation *obs;
  MtaStsFetch *fetch;
  Event *event;
  gboolean lab = FALSE;
  gint64 started = g_get_monotonic_time ();

  emit_started (run, MFD_STAGE_MTA_STS, domain, NULL);
  txt = mfd_mta_sts_lookup (run->resolver, domain, run->cancellable);
  obs = mfd_mta_sts_txt_observation (txt, domain);
  if (obs == NULL && run->web_offline && run->policy_port == 0)
    obs = mfd_mta_sts_offline_observation (txt, domain);
  if (obs == NULL)
    {
      dns = mfd_dns_resolve_addresses (run->resolver, policy_host, &found, run->cancellable);
      lab = lab_policy_host (run, found);
      if (found == NULL || found->len == 0)
        obs = mfd_mta_sts_host_observation (txt, domain, dns);
      else if (run->web_offline && !lab)
        obs = mfd_mta_sts_offline_observation (txt, domain);
    }
  if (obs != NULL || g_cancellable_is_cancelled (run->cancellable))
    {
      mta_sts_finish (run, domain, txt->status != MFD_MTA_STS_TXT_NONE, NULL);
      if (obs != NULL)
        {
          obs->ms = (g_get_monotonic_time () - started) / 1000;
          emit_finished (run, obs, FALSE);
        }
      return;
    }

  fetch = g_new0 (MtaStsFetch, 1);
  fetch->run = run_ref (run);
  fetch->domain = g_strdup (domain);
  fetch->connectable = mfd_mta_sts_connectable_new (policy_host, lab ? run->policy_port : 443, found);
  fetch->txt = g_steal_pointer (&txt);
  fetch->started = started;
  /* A hold on the run until the fetch has answered. */
  g_atomic_int_inc (&run->pending);
  event = g_new0 (Event, 1);
  event->mta_sts_fetch = fetch;
  push_event (run, event);
}

/* Every name check says so when the resolver setting itself is unusable. */
static MfdObservation *
new_resolver_error (Run        *run,
                    const char *name)
{
  MfdObservation *dns = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_INCONCLUSIVE, name, NULL, 0);

  mfd_observation_set_detail (dns, N_("The DNS server setting {1} is not usable: {2}"),
                              run->dns_server != NULL ? run->dns_server : "",
                              run->resolver_error, NULL);
  return dns;
}

static gboolean
is_address_range (const char *host)
{
  const char *slash = strchr (host, '/');
  g_autofree char *address = slash != NULL ? g_strndup (host, slash - host) : NULL;

  return address != NULL && g_hostname_is_ip_address (address);
}

static void
check_host (Run *run,
            Job *job)
{
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *found = NULL;
  MfdObservation *dns;
  MfdOutcome dns_outcome;
  gboolean name_ok = FALSE;

  emit_started (run, MFD_STAGE_DNS, job->name, NULL);
  if (is_address_range (job->name))
    {
      /* A connector may name a range; which of its addresses answers is
       * not ours to guess. */
      dns = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_INCONCLUSIVE, job->name, NULL, 0);
      mfd_observation_set_detail (dns, N_("{1} is an address range: check the addresses of the servers in it one by one."),
                                  job->name, NULL);
    }
  else if (g_hostname_is_ip_address (job->name))
    {
      dns = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_SKIPPED, job->name, NULL, 0);
      mfd_observation_set_detail (dns, N_("{1} is an IP address: there is nothing to look up."),
                                  job->name, NULL);
      g_ptr_array_add (addresses, g_strdup (job->name));
    }
  else if (run->resolver == NULL)
    dns = new_resolver_error (run, job->name);
  else
    {
      dns = mfd_dns_resolve_addresses (run->resolver, job->name, &found, run->cancellable);
      name_ok = TRUE;
      /* The first addresses only: the DNS step says how many were left
       * out. The authority step still compares all of them. */
      for (guint i = 0; found != NULL && i < found->len && i < MFD_DNS_MAX_ADDRESSES; i++)
        g_ptr_array_add (addresses, g_strdup (g_ptr_array_index (found, i)));
    }
  dns_outcome = dns->outcome;

  /* The address EOP itself last tried is worth checking even when today's
   * DNS says something else (or nothing). */
  if (job->ip != NULL &&
      !g_ptr_array_find_with_equal_func (addresses, job->ip, g_str_equal, NULL))
    g_ptr_array_add (addresses, g_strdup (job->ip));

  emit_finished (run, dns, name_ok);

  for (guint i = 0; i < addresses->len && !g_cancellable_is_cancelled (run->cancellable); i++)
    queue_job_full (run, JOB_ADDRESS, job->name, g_ptr_array_index (addresses, i), job->port, job->mx_domain);

  if (name_ok && dns_outcome != MFD_OUTCOME_INCONCLUSIVE &&
      !g_cancellable_is_cancelled (run->cancellable))
    {
      emit_started (run, MFD_STAGE_DNS_AUTHORITY, job->name, NULL);
      emit_finished (run, mfd_dns_check_authority (run->resolver, job->name, found, run->cancellable),
                     FALSE);
    }
  g_clear_pointer (&found, g_ptr_array_unref);
}

static void
check_mx (Run *run,
          Job *job)
{
  MfdObservation *dns;
  GPtrArray *hosts = NULL;

  emit_started (run, MFD_STAGE_DNS, job->name, NULL);
  if (run->resolver == NULL)
    {
      emit_finished (run, new_resolver_error (run, job->name), FALSE);
      return;
    }

  dns = mfd_dns_resolve_mx (run->resolver, job->name, &hosts, run->cancellable);
  emit_finished (run, dns, TRUE);
  if (hosts != NULL && hosts->len > 0)
    {
      g_mutex_lock (&run->mutex);
      if (!g_hash_table_contains (run->mta_sts, job->name))
        g_hash_table_insert (run->mta_sts, g_strdup (job->name), g_new0 (MtaStsState, 1));
      g_mutex_unlock (&run->mutex);
    }
  for (guint i = 0; hosts != NULL && i < hosts->len; i++)
    if (!g_cancellable_is_cancelled (run->cancellable))
      queue_job_full (run, JOB_HOST, g_ptr_array_index (hosts, i), NULL, job->port, job->name);
  /* While the hosts are checked: the domain's MTA-STS policy, which their
   * address jobs wait for at the end. */
  if (hosts != NULL && hosts->len > 0)
    check_mta_sts_domain (run, job->name);
  g_clear_pointer (&hosts, g_ptr_array_unref);
}

static void
job_func (gpointer data,
          gpointer user_data)
{
  Job *job = data;
  Run *run = job->run;

  if (!g_cancellable_is_cancelled (run->cancellable))
    {
      switch (job->kind)
        {
        case JOB_MX:
          check_mx (run, job);
          break;
        case JOB_HOST:
          check_host (run, job);
          break;
        case JOB_ADDRESS:
          check_address (run, job);
          break;
        case JOB_TRUST:
          mfd_tls_prepare_trust (run->ca_file);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  if (g_atomic_int_dec_and_test (&run->pending))
    schedule_dispatch (run);
  g_free (job->name);
  g_free (job->ip);
  g_free (job->mx_domain);
  g_free (job);
  run_unref (run);
}

static void
complete_run (Run *run)
{
  MfdProbe *self = run->probe;
  g_autoptr(GTask) task = g_steal_pointer (&run->task);
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);

  run->completed = TRUE;
  self->run = NULL;
  g_thread_pool_free (run->pool, FALSE, FALSE);
  run->pool = NULL;

  if (run->dnssec_cache != NULL)
    {
      guint n_queries, n_cached;

      mfd_dnssec_cache_get_counts (run->dnssec_cache, &n_queries, &n_cached);
      g_debug ("DNSSEC for DANE: %u questions sent to the resolver, %u answered from the check's cache",
               n_queries, n_cached);
    }

  for (guint i = 0; i < self->observations->len; i++)
    g_ptr_array_add (result, mfd_observation_ref (g_ptr_array_index (self->observations, i)));
  g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
  run_unref (run);
}

/* GObject ------------------------------------------------------------------- */

static void
mfd_probe_finalize (GObject *object)
{
  MfdProbe *self = MFD_PROBE (object);

  g_clear_object (&self->target);
  g_clear_object (&self->web);
  g_ptr_array_unref (self->observations);

  G_OBJECT_CLASS (mfd_probe_parent_class)->finalize (object);
}

static void
mfd_probe_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MfdProbe *self = MFD_PROBE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;
    case PROP_WEB:
      g_value_set_object (value, self->web);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_probe_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  MfdProbe *self = MFD_PROBE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      self->target = g_value_dup_object (value);
      break;
    case PROP_WEB:
      mfd_probe_set_web (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_probe_class_init (MfdProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mfd_probe_finalize;
  object_class->get_property = mfd_probe_get_property;
  object_class->set_property = mfd_probe_set_property;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL, MFD_TYPE_TARGET,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WEB] =
    g_param_spec_object ("web", NULL, NULL, MFD_TYPE_WEB,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STEP_STARTED] =
    g_signal_new ("step-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  MFD_TYPE_STAGE, G_TYPE_STRING, G_TYPE_STRING);
  signals[STEP_FINISHED] =
    g_signal_new ("step-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  MFD_TYPE_OBSERVATION | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
mfd_probe_init (MfdProbe *self)
{
  self->observations = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);
}

/* Public API ---------------------------------------------------------------- */

MfdProbe *
mfd_probe_new (MfdTarget *target)
{
  g_return_val_if_fail (MFD_IS_TARGET (target), NULL);

  return g_object_new (MFD_TYPE_PROBE, "target", target, NULL);
}

MfdTarget *
mfd_probe_get_target (MfdProbe *self)
{
  g_return_val_if_fail (MFD_IS_PROBE (self), NULL);

  return self->target;
}

GPtrArray *
mfd_probe_get_observations (MfdProbe *self)
{
  g_return_val_if_fail (MFD_IS_PROBE (self), NULL);

  return self->observations;
}

MfdWeb *
mfd_probe_get_web (MfdProbe *self)
{
  g_return_val_if_fail (MFD_IS_PROBE (self), NULL);

  return self->web;
}

void
mfd_probe_set_web (MfdProbe *self,
                   MfdWeb   *web)
{
  g_return_if_fail (MFD_IS_PROBE (self));
  g_return_if_fail (web == NULL || MFD_IS_WEB (web));
  g_return_if_fail (self->run == NULL);

  if (g_set_object (&self->web, web))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WEB]);
}

void
mfd_probe_set_dns_authority_port (MfdProbe *self,
                                  guint16   port)
{
  g_return_if_fail (MFD_IS_PROBE (self));
  g_return_if_fail (self->run == NULL);

  self->authority_port = port;
}

void
mfd_probe_run_async (MfdProbe            *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  MfdTarget *target;
  GPtrArray *hosts;
  const char * const *domains;
  Run *run;

  g_return_if_fail (MFD_IS_PROBE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_probe_run_async);

  if (self->run != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The checks are already running");
      return;
    }

  g_ptr_array_set_size (self->observations, 0);
  target = self->target;

  run = g_new0 (Run, 1);
  g_atomic_ref_count_init (&run->ref_count);
  g_mutex_init (&run->mutex);
  g_queue_init (&run->events);
  run->task = g_object_ref (task);
  run->probe = self;
  run->context = g_main_context_ref_thread_default ();
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->mode = mfd_target_get_tls_mode (target);
  run->tls_domain = g_strdup (mfd_target_get_tls_domain (target));
  run->ca_file = g_strdup (mfd_target_get_ca_file (target));
  run->dns_server = g_strdup (mfd_target_get_dns_server (target));
  run->trust_anchor_file = g_strdup (mfd_target_get_trust_anchor_file (target));
  run->connect_ms = mfd_target_get_connect_timeout_ms (target);
  run->reply_ms = mfd_target_get_reply_timeout_ms (target);
  run->tls_ms = mfd_target_get_tls_timeout_ms (target);
  run->dns_ms = mfd_target_get_dns_timeout_ms (target);
  run->resolver = mfd_dns_resolver_new (run->dns_server, run->dns_ms, &error);
  if (run->resolver == NULL)
    run->resolver_error = g_strdup (error->message);
  else if (self->authority_port != 0)
    mfd_dns_resolver_set_authority_port (run->resolver, self->authority_port);
  run->has_web_checks = self->web != NULL;
  run->web_offline = self->web == NULL || mfd_web_get_offline (self->web);
  run->policy_port = mfd_target_get_mta_sts_policy_port (target);
  run->mta_sts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) mta_sts_state_free);
  g_cond_init (&run->mta_sts_cond);
  run->pool = g_thread_pool_new (job_func, NULL, MAX_WORKERS, FALSE, NULL);
  self->run = run;

  /* Hold the run open until every job is queued. */
  g_atomic_int_inc (&run->pending);

  hosts = mfd_target_get_smart_hosts (target);
  domains = mfd_target_get_mx_domains (target);
  /* Building the system's trust list costs more CPU than a handshake;
   * queued first, a worker builds it while the others resolve, connect and
   * talk SMTP, and the first verification after a handshake finds it
   * ready. A job of the run, so the run never ends while it is built. */
  if ((hosts != NULL && hosts->len > 0) || (domains != NULL && domains[0] != NULL))
    queue_job (run, JOB_TRUST, NULL, NULL, 0);
  for (guint i = 0; hosts != NULL && i < hosts->len; i++)
    {
      MfdTargetHost *host = g_ptr_array_index (hosts, i);

      queue_job (run, JOB_HOST, host->host, host->ip,
                 host->port != 0 ? host->port : mfd_target_get_port (target));
    }
  for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
    queue_job (run, JOB_MX, domains[i], NULL, mfd_target_get_port (target));

  if (g_atomic_int_dec_and_test (&run->pending))
    schedule_dispatch (run);
}

GPtrArray *
mfd_probe_run_finish (MfdProbe      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (MFD_IS_PROBE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
