/* mfd-bench-stall.c — the longest main-loop stall while the probe runs
 *
 *   mfd-bench-stall [N_HOSTS]
 *
 * Starts N_HOSTS practice servers (a mix of healthy and faulty scenarios),
 * runs one probe over all of them from the main context, and samples a 1 ms
 * timeout source on that context meanwhile. Prints the largest and the 99th
 * percentile gap between ticks. This is the engine alone, on the context a
 * window would use: the probe's blocking work must stay on its threads.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "mfd/mfd.h"

typedef struct
{
  GMainLoop *loop;
  GArray    *gaps;       /* gint64 µs between ticks */
  gint64     worst_gap;
  gint64     worst_at;   /* µs after the probe started, where the worst gap ended */
  gint64     last_tick;
  gint64     started;
  gint64     finished;
  guint      n_observations;
} Bench;

static const MfdLabScenario mix[] = {
  MFD_LAB_HEALTHY,
  MFD_LAB_CERT_EXPIRED,
  MFD_LAB_NO_STARTTLS,
  MFD_LAB_CERT_WRONG_NAME,
  MFD_LAB_GREET_421,
  MFD_LAB_STARTTLS_454,
  MFD_LAB_CERT_SELF_SIGNED,
  MFD_LAB_CLOSE_AFTER_EHLO,
  MFD_LAB_TLS10_ONLY,
  MFD_LAB_REFUSE,
};

static gboolean
tick (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();

  if (bench->last_tick != 0)
    {
      gint64 gap = now - bench->last_tick;

      g_array_append_val (bench->gaps, gap);
      if (gap > bench->worst_gap && bench->started != 0)
        {
          bench->worst_gap = gap;
          bench->worst_at = now - bench->started;
        }
    }
  bench->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
probe_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) observations = mfd_probe_run_finish (MFD_PROBE (source), result, &error);

  g_assert_no_error (error);
  bench->n_observations = observations->len;
  bench->finished = g_get_monotonic_time ();
  g_main_loop_quit (bench->loop);
}

static int
compare_gaps (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) labs = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_lab_free);
  g_autoptr(MfdTarget) target = mfd_target_new ();
  g_autoptr(MfdProbe) probe = NULL;
  Bench bench = { 0 };
  guint n_hosts = argc > 1 ? (guint) atoi (argv[1]) : 20;
  guint source_id;
  gint64 max_gap, p99_gap;

  for (guint i = 0; i < n_hosts; i++)
    {
      g_autoptr(GError) error = NULL;
      MfdLab *lab = mfd_lab_new (mix[i % G_N_ELEMENTS (mix)], &error);

      g_assert_no_error (error);
      g_ptr_array_add (labs, lab);
      mfd_target_add_smart_host (target, mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab));
    }
  mfd_target_set_tls_mode (target, MFD_TLS_CERTIFICATE_VALIDATION);
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (g_ptr_array_index (labs, 0)));
  mfd_target_set_timeout_seconds (target, 2);

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  source_id = g_timeout_add (1, tick, &bench);

  probe = mfd_probe_new (target);
  bench.started = g_get_monotonic_time ();
  mfd_probe_run_async (probe, NULL, probe_done, &bench);
  g_main_loop_run (bench.loop);
  g_source_remove (source_id);

  g_array_sort (bench.gaps, compare_gaps);
  max_gap = bench.gaps->len ? g_array_index (bench.gaps, gint64, bench.gaps->len - 1) : 0;
  p99_gap = bench.gaps->len ? g_array_index (bench.gaps, gint64, (bench.gaps->len * 99) / 100) : 0;
  g_print ("max_gap_ms=%.2f p99_gap_ms=%.2f samples=%u wall_ms=%.1f scope=engine observations=%u"
           " median_gap_ms=%.2f worst_at_ms=%.1f\n",
           max_gap / 1000.0, p99_gap / 1000.0, bench.gaps->len,
           (bench.finished - bench.started) / 1000.0, bench.n_observations,
           bench.gaps->len ? g_array_index (bench.gaps, gint64, bench.gaps->len / 2) / 1000.0 : 0.0,
           bench.worst_at / 1000.0);

  g_array_unref (bench.gaps);
  g_main_loop_unref (bench.loop);
  return 0;
}
