/* mfd-bench-window-stall.c — the window's longest main-loop stall during checks
 *
 *   mfd-bench-window-stall [N_HOSTS]     (needs a display, e.g. Xvfb)
 *
 * Opens the main window, starts N_HOSTS practice servers (the same mix as
 * mfd-bench-stall), runs the checks through mfd_window_run_checks() and
 * samples a 1 ms timeout source on the main context, where GTK also lays
 * out and draws, until the results page has built all its findings and
 * been shown for 200 ms more. switch_ms is the time from the checks
 * page's "finished" to the first frame painted with the results page
 * (switch_cpu_ms: the main thread's CPU time in it). The
 * window is offline and asks the first lab's DNS, so nothing leaves
 * loopback.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <adwaita.h>

#include "mfd/mfd.h"
#include "mfd-application.h"
#include "mfd-bench-mix.h"
#include "mfd-checks-page.h"
#include "mfd-results-page.h"
#include "mfd-window-private.h"

typedef struct
{
  GMainLoop *loop;
  MfdWindow *window;
  GArray    *gaps;
  gint64     last_tick;
  gint64     started;
  gint64     results_at;
  gint64     built_at;
  gint64     worst_gap;
  gint64     worst_at;
  gint64     finished_at;    /* the checks page said "finished" */
  gint64     switched_at;    /* the first frame painted with the results page */
  gint64     finished_cpu;   /* this thread's CPU time then, and at the switch: */
  gint64     switched_cpu;   /* on a loaded machine, wall time mostly waits */
} Bench;

static gboolean
tick (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 gap = now - bench->last_tick;

  g_array_append_val (bench->gaps, gap);
  if (gap > bench->worst_gap)
    {
      bench->worst_gap = gap;
      bench->worst_at = now - bench->started;
    }
  bench->last_tick = now;

  if (bench->results_at == 0 && g_strcmp0 (mfd_window_get_page_name (bench->window), "results") == 0)
    bench->results_at = now;
  /* The page builds its findings over several frames: sample until all of
   * them are there, and 200 ms more. */
  if (bench->results_at != 0 && bench->built_at == 0 &&
      mfd_results_page_is_built (MFD_RESULTS_PAGE (mfd_window_get_page (bench->window, "results"))))
    bench->built_at = now;
  if ((bench->built_at != 0 && now - bench->built_at > 200 * 1000) ||
      now - bench->started > 60 * G_USEC_PER_SEC)
    {
      g_main_loop_quit (bench->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gint64
thread_cpu_usec (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

/* An emission hook runs before every handler, the window's included: the
 * switch is timed from the moment the diagnosis is handed over. */
static gboolean
on_finished_hook (GSignalInvocationHint *hint,
                  guint                  n_values,
                  const GValue          *values,
                  gpointer               user_data)
{
  Bench *bench = user_data;

  if (bench->finished_at == 0)
    {
      bench->finished_at = g_get_monotonic_time ();
      bench->finished_cpu = thread_cpu_usec ();
    }
  return TRUE;
}

/* The switch ends when a frame showing the results page has been painted. */
static void
on_after_paint_cb (GdkFrameClock *clock,
                   Bench         *bench)
{
  if (bench->finished_at != 0 && bench->switched_at == 0 &&
      g_strcmp0 (mfd_window_get_page_name (bench->window), "results") == 0)
    {
      bench->switched_at = g_get_monotonic_time ();
      bench->switched_cpu = thread_cpu_usec ();
    }
}

static int
compare_gaps (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gboolean
start_checks (gpointer user_data)
{
  Bench *bench = user_data;
  MfdTarget *target = g_object_get_data (G_OBJECT (bench->window), "bench-target");

  bench->started = bench->last_tick = g_get_monotonic_time ();
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (bench->window)), "after-paint",
                    G_CALLBACK (on_after_paint_cb), bench);
  g_signal_add_emission_hook (g_signal_lookup ("finished", MFD_TYPE_CHECKS_PAGE), 0,
                              on_finished_hook, bench, NULL);
  g_timeout_add (1, tick, bench);
  mfd_window_run_checks (bench->window, target, NULL);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) labs = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_lab_free);
  MfdTarget *target = mfd_target_new ();
  GSettings *settings;
  MfdApplication *app;
  Bench bench = { 0 };
  guint n_hosts = argc > 1 ? (guint) atoi (argv[1]) : 20;
  gint64 max_gap, p99_gap;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();

  for (guint i = 0; i < n_hosts; i++)
    {
      g_autoptr(GError) error = NULL;
      MfdLab *lab = mfd_lab_new (mfd_bench_mix[i % G_N_ELEMENTS (mfd_bench_mix)], &error);

      g_assert_no_error (error);
      g_ptr_array_add (labs, lab);
      mfd_target_add_smart_host (target, mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab));
    }
  mfd_target_set_tls_mode (target, MFD_TLS_CERTIFICATE_VALIDATION);

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  app = mfd_application_new (BASE_APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  bench.window = mfd_window_new (app);
  settings = mfd_application_get_settings (app);
  g_settings_set_boolean (settings, "offline", TRUE);
  g_settings_set_boolean (settings, "control-probes", FALSE);
  g_settings_set_string (settings, "ca-file", mfd_lab_get_ca_file (g_ptr_array_index (labs, 0)));
  g_settings_set_string (settings, "dns-server", mfd_lab_get_dns_server (g_ptr_array_index (labs, 0)));
  g_object_set_data_full (G_OBJECT (bench.window), "bench-target", target, g_object_unref);
  gtk_window_present (GTK_WINDOW (bench.window));

  /* Once the window is up and idle: the cold start is benchmark (d). */
  g_timeout_add (500, start_checks, &bench);
  g_main_loop_run (bench.loop);

  g_array_sort (bench.gaps, compare_gaps);
  max_gap = g_array_index (bench.gaps, gint64, bench.gaps->len - 1);
  p99_gap = g_array_index (bench.gaps, gint64, (bench.gaps->len * 99) / 100);
  g_print ("max_gap_ms=%.2f p99_gap_ms=%.2f samples=%u wall_ms=%.1f scope=window"
           " results=%s median_gap_ms=%.2f worst_at_ms=%.1f built_ms=%.1f switch_ms=%.2f switch_cpu_ms=%.2f\n",
           max_gap / 1000.0, p99_gap / 1000.0, bench.gaps->len,
           ((bench.results_at ? bench.results_at : g_get_monotonic_time ()) - bench.started) / 1000.0,
           bench.results_at ? "yes" : "no",
           g_array_index (bench.gaps, gint64, bench.gaps->len / 2) / 1000.0,
           bench.worst_at / 1000.0,
           bench.built_at != 0 ? (bench.built_at - bench.started) / 1000.0 : -1.0,
           bench.switched_at != 0 ? (bench.switched_at - bench.finished_at) / 1000.0 : -1.0,
           bench.switched_at != 0 ? (bench.switched_cpu - bench.finished_cpu) / 1000.0 : -1.0);

  gtk_window_destroy (GTK_WINDOW (bench.window));
  g_array_unref (bench.gaps);
  g_main_loop_unref (bench.loop);
  return 0;
}
