/* mfd-check.c — the one check pipeline: target -> probe + internet view -> diagnosis (+ EOP ranges)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-check"

#include "config.h"

#include "mfd-check.h"
#include "mfd-probe.h"
#include "mfd-vantage.h"

struct _MfdCheck
{
  GObject       parent_instance;

  MfdTarget    *target;
  MfdNdrEntry  *ndr_entry;
  MfdWeb       *web;
  MfdProbe     *probe;          /* the current run's */
  gboolean      running;
};

typedef struct
{
  MfdDiagnosis *diagnosis;
  /* The probe and the vantage check run side by side; the diagnosis is
   * made when both have reported. */
  guint         pending;
  GPtrArray    *observations;
  MfdVantage   *vantage;
  GError       *error;
} RunData;

enum {
  PROP_0,
  PROP_TARGET,
  PROP_NDR_ENTRY,
  N_PROPS
};

enum {
  STEP_STARTED,
  STEP_FINISHED,
  DIAGNOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MfdCheck, mfd_check, G_TYPE_OBJECT)
G_DEFINE_QUARK (mfd-check-error-quark, mfd_check_error)

static void
run_data_free (gpointer data)
{
  RunData *run = data;

  g_clear_object (&run->diagnosis);
  g_clear_pointer (&run->observations, g_ptr_array_unref);
  g_clear_pointer (&run->vantage, mfd_vantage_unref);
  g_clear_error (&run->error);
  g_free (run);
}

static void
mfd_check_dispose (GObject *object)
{
  MfdCheck *self = MFD_CHECK (object);

  if (self->probe != NULL)
    g_signal_handlers_disconnect_by_data (self->probe, self);
  g_clear_object (&self->probe);
  g_clear_object (&self->web);

  G_OBJECT_CLASS (mfd_check_parent_class)->dispose (object);
}

static void
mfd_check_finalize (GObject *object)
{
  MfdCheck *self = MFD_CHECK (object);

  g_clear_object (&self->target);
  g_clear_pointer (&self->ndr_entry, mfd_ndr_entry_unref);

  G_OBJECT_CLASS (mfd_check_parent_class)->finalize (object);
}

static void
mfd_check_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MfdCheck *self = MFD_CHECK (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;

    case PROP_NDR_ENTRY:
      g_value_set_boxed (value, self->ndr_entry);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_check_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  MfdCheck *self = MFD_CHECK (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      self->target = g_value_dup_object (value);
      if (self->target != NULL && self->ndr_entry == NULL && mfd_target_get_ndr_entry (self->target) != NULL)
        self->ndr_entry = mfd_ndr_entry_ref (mfd_target_get_ndr_entry (self->target));
      break;

    case PROP_NDR_ENTRY:
      mfd_check_set_ndr_entry (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_check_class_init (MfdCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mfd_check_dispose;
  object_class->finalize = mfd_check_finalize;
  object_class->get_property = mfd_check_get_property;
  object_class->set_property = mfd_check_set_property;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL, MFD_TYPE_TARGET,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NDR_ENTRY] =
    g_param_spec_boxed ("ndr-entry", NULL, NULL, MFD_TYPE_NDR_ENTRY,
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
  signals[DIAGNOSED] =
    g_signal_new ("diagnosed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MFD_TYPE_DIAGNOSIS);
}

static void
mfd_check_init (MfdCheck *self)
{
}

MfdCheck *
mfd_check_new (MfdTarget *target)
{
  g_return_val_if_fail (MFD_IS_TARGET (target), NULL);

  return g_object_new (MFD_TYPE_CHECK, "target", target, NULL);
}

MfdTarget *
mfd_check_get_target (MfdCheck *self)
{
  g_return_val_if_fail (MFD_IS_CHECK (self), NULL);

  return self->target;
}

MfdNdrEntry *
mfd_check_get_ndr_entry (MfdCheck *self)
{
  g_return_val_if_fail (MFD_IS_CHECK (self), NULL);

  return self->ndr_entry;
}

void
mfd_check_set_ndr_entry (MfdCheck    *self,
                         MfdNdrEntry *entry)
{
  g_return_if_fail (MFD_IS_CHECK (self));
  g_return_if_fail (!self->running);

  if (entry == self->ndr_entry)
    return;
  g_clear_pointer (&self->ndr_entry, mfd_ndr_entry_unref);
  self->ndr_entry = entry != NULL ? mfd_ndr_entry_ref (entry) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NDR_ENTRY]);
}

MfdWeb *
mfd_check_get_web (MfdCheck *self)
{
  g_return_val_if_fail (MFD_IS_CHECK (self), NULL);

  /* One rule for every HTTP exchange of a check, whichever face runs it:
   * an exchange is a request and its reply, so it gets the reply timeout. */
  if (self->web == NULL)
    {
      self->web = mfd_web_new (mfd_target_get_doh_url (self->target),
                               mfd_target_get_rdap_bootstrap_url (self->target),
                               mfd_target_get_endpoints_url (self->target),
                               mfd_target_get_ca_file (self->target),
                               mfd_target_get_reply_timeout_ms (self->target));
      mfd_web_set_offline (self->web, mfd_target_get_offline (self->target));
    }
  return self->web;
}

gboolean
mfd_check_is_running (MfdCheck *self)
{
  g_return_val_if_fail (MFD_IS_CHECK (self), FALSE);

  return self->running;
}

static void
on_step_started_cb (MfdProbe   *probe,
                    MfdStage    stage,
                    const char *host,
                    const char *ip,
                    MfdCheck   *self)
{
  g_signal_emit (self, signals[STEP_STARTED], 0, stage, host, ip);
}

static void
on_step_finished_cb (MfdProbe       *probe,
                     MfdObservation *observation,
                     MfdCheck       *self)
{
  g_signal_emit (self, signals[STEP_FINISHED], 0, observation);
}

static void
run_return (GTask  *task,
            GError *error)
{
  MfdCheck *self = g_task_get_source_object (task);
  RunData *run = g_task_get_task_data (task);

  self->running = FALSE;
  if (self->probe != NULL)
    g_signal_handlers_disconnect_by_data (self->probe, self);
  g_clear_object (&self->probe);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (run->diagnosis), g_object_unref);
}

static void
on_ranges_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *run = g_task_get_task_data (task);
  g_autoptr(MfdEopRanges) ranges = NULL;
  g_autoptr(GError) error = NULL;
  GError *cancelled = NULL;

  ranges = mfd_web_get_eop_ranges_finish (MFD_WEB (source), result, &error);
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &cancelled))
    {
      run_return (task, cancelled);
      return;
    }

  /* Without the ranges (offline with nothing saved, the service down) the
   * diagnosis is still whole: its steps say where to find them. */
  if (ranges == NULL)
    g_debug ("No EOP address ranges: %s", error->message);
  else
    {
      mfd_diagnosis_set_eop_ranges (run->diagnosis, (const char * const *) ranges->ranges, ranges->fetched);
      mfd_diagnosis_set_eop_ranges_from_cache (run->diagnosis, ranges->from_cache);
    }

  run_return (task, NULL);
}

static void
diagnose (GTask *task)
{
  MfdCheck *self = g_task_get_source_object (task);
  RunData *run = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (run->observations == NULL)
    {
      run_return (task, g_steal_pointer (&run->error));
      return;
    }
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      run_return (task, error);
      return;
    }

  run->diagnosis = mfd_diagnosis_new (self->target, run->observations, self->ndr_entry);
  /* This computer's own view decides which findings it can vouch for. */
  if (run->vantage != NULL)
    mfd_diagnosis_set_vantage (run->diagnosis, run->vantage);
  g_signal_emit (self, signals[DIAGNOSED], 0, run->diagnosis);

  if (!mfd_diagnosis_needs_eop_ranges (run->diagnosis))
    {
      run_return (task, NULL);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  mfd_web_get_eop_ranges_async (mfd_check_get_web (self), mfd_target_get_offline (self->target),
                                cancellable, on_ranges_cb, g_object_ref (task));
}

static void
on_probe_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *run = g_task_get_task_data (task);

  run->observations = mfd_probe_run_finish (MFD_PROBE (source), result, &run->error);
  if (--run->pending == 0)
    diagnose (task);
}

static void
on_vantage_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Without a vantage (cancelled) the findings stand as they are; a
   * cancelled run ends with the cancellation anyway. */
  run->vantage = mfd_vantage_check_finish (result, &error);
  if (--run->pending == 0)
    diagnose (task);
}

void
mfd_check_run_async (MfdCheck            *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (MFD_IS_CHECK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_check_run_async);
  g_task_set_task_data (task, g_new0 (RunData, 1), run_data_free);

  if (self->running)
    {
      g_task_return_new_error (task, MFD_CHECK_ERROR, MFD_CHECK_ERROR_BUSY,
                               "The check is already running");
      return;
    }
  if (!mfd_target_validate (self->target, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  self->running = TRUE;
  self->probe = mfd_probe_new (self->target);
  mfd_probe_set_web (self->probe, mfd_check_get_web (self));
  mfd_probe_set_dns_authority_port (self->probe, mfd_target_get_dns_authority_port (self->target));
  g_signal_connect (self->probe, "step-started", G_CALLBACK (on_step_started_cb), self);
  g_signal_connect (self->probe, "step-finished", G_CALLBACK (on_step_finished_cb), self);
  ((RunData *) g_task_get_task_data (task))->pending = 2;
  mfd_probe_run_async (self->probe, cancellable, on_probe_done_cb, g_object_ref (task));
  /* Concurrently, so that a healthy network adds no wall time. */
  mfd_vantage_check_async (self->target, cancellable, on_vantage_done_cb, g_object_ref (task));
}

MfdDiagnosis *
mfd_check_run_finish (MfdCheck      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (MFD_IS_CHECK (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_check_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
