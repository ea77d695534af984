/* mfd-bench-stall.c — the longest main-loop stall while the probe runs
 *
 *   mfd-bench-stall [N_HOSTS] [--by-name]
 *
 * Starts N_HOSTS practice servers (a mix of healthy and faulty scenarios),
 * runs one probe over all of them from the main context, and samples a 1 ms
 * timeout source on that context meanwhile. Prints the largest gap between
 * ticks, and the 99th percentile only when there are at least 100 gaps
 * (with fewer it would be the largest again). This is the engine alone, on
 * the context a window would use: the probe's blocking work must stay on
 * its threads.
 *
 * With --by-name the first server is also checked by its name and its
 * domain's MX through the practice DNS responder (local DNS, the authority
 * walk, MX), and the internet view is on: DoH and RDAP answered by a test
 * HTTPS server on loopback (libsoup on this same main context).
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "mfd/mfd.h"
#include "mfd-bench-mix.h"
#include "mfd-test-ca.h"
#include "mfd-test-web.h"

#define MIN_SAMPLES_FOR_P99 100

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

/* The test web server runs on its own thread and main context: its TLS
 * handshakes would otherwise count as stalls of the context measured. */
typedef struct
{
  MfdTestWeb    server;
  const char   *pem;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
} ServerThread;

static gpointer
server_thread (gpointer user_data)
{
  ServerThread *st = user_data;

  g_main_context_push_thread_default (st->context);
  mfd_test_web_init (&st->server, st->pem);
  g_mutex_lock (&st->mutex);
  st->ready = TRUE;
  g_cond_signal (&st->cond);
  g_mutex_unlock (&st->mutex);
  g_main_loop_run (st->loop);
  mfd_test_web_clear (&st->server);
  while (g_main_context_iteration (st->context, FALSE))
    ;
  g_main_context_pop_thread_default (st->context);
  return NULL;
}

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
  gboolean by_name = argc > 2 && g_str_equal (argv[2], "--by-name");
  g_autoptr(MfdWeb) web = NULL;
  ServerThread st = { { NULL, }, };
  GThread *thread = NULL;
  g_autofree char *dir = NULL;
  guint source_id;
  gint64 max_gap, p99_gap;
  g_autofree char *p99_text = NULL;

  for (guint i = 0; i < n_hosts; i++)
    {
      g_autoptr(GError) error = NULL;
      MfdLab *lab = mfd_lab_new (mfd_bench_mix[i % G_N_ELEMENTS (mfd_bench_mix)], &error);

      g_assert_no_error (error);
      g_ptr_array_add (labs, lab);
      mfd_target_add_smart_host (target, mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab));
    }
  mfd_target_set_tls_mode (target, MFD_TLS_CERTIFICATE_VALIDATION);
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (g_ptr_array_index (labs, 0)));
  mfd_target_set_timeout_seconds (target, 2);

  if (by_name)
    {
      MfdLab *lab = g_ptr_array_index (labs, 0);
      g_autoptr(MfdTestCa) ca = mfd_test_ca_new ("CN=Mail Flow Doctor Bench CA");
      g_autofree char *pem = mfd_test_ca_issue_server (ca, 2, NULL, -1, 7);
      g_autofree char *ca_file = NULL;
      g_autofree char *doh = NULL;
      g_autofree char *bootstrap = NULL;
      const char *names[] = { "mail.contoso.test", "contoso.test" };
      g_autoptr(GError) error = NULL;

      dir = g_dir_make_tmp ("mfd-bench-XXXXXX", &error);
      g_assert_no_error (error);
      ca_file = g_build_filename (dir, "ca.pem", NULL);
      g_file_set_contents (ca_file, mfd_test_ca_get_pem (ca), -1, &error);
      g_assert_no_error (error);
      st.pem = pem;
      st.context = g_main_context_new ();
      st.loop = g_main_loop_new (st.context, FALSE);
      g_mutex_init (&st.mutex);
      g_cond_init (&st.cond);
      thread = g_thread_new ("web-server", server_thread, &st);
      g_mutex_lock (&st.mutex);
      while (!st.ready)
        g_cond_wait (&st.cond, &st.mutex);
      g_mutex_unlock (&st.mutex);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        for (int type = 1; type <= 28; type += 27)
          {
            g_autofree char *key = g_strdup_printf ("/resolve?%s&%s", names[i], type == 1 ? "A" : "AAAA");
            g_autofree char *body = g_strdup_printf ("{\"Status\": 0, \"Question\": [{\"name\": \"%s.\", \"type\": %d}]%s}",
                                                     names[i], type,
                                                     type == 1 ? ", \"Answer\": [{\"name\": \"mail.contoso.test.\", "
                                                                 "\"type\": 1, \"TTL\": 300, \"data\": \"127.0.0.1\"}]" : "");
            mfd_test_web_serve (&st.server, key, 200, "application/dns-json", body);
          }
      doh = g_strconcat (st.server.base, "/resolve", NULL);
      bootstrap = g_strconcat (st.server.base, "/rdap/dns.json", NULL);
      web = mfd_web_new (doh, bootstrap, st.server.base, ca_file, 5000);
      mfd_web_set_cache_dir (web, dir);

      mfd_target_set_dns_server (target, mfd_lab_get_dns_server (lab));
      mfd_target_set_port (target, mfd_lab_get_smtp_port (lab));
      mfd_target_add_smart_host (target, mfd_lab_get_host_name (lab), mfd_lab_get_smtp_port (lab));
      mfd_target_add_mx_domain (target, "contoso.test");
    }

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  source_id = g_timeout_add (1, tick, &bench);

  probe = mfd_probe_new (target);
  if (web != NULL)
    {
      mfd_probe_set_web (probe, web);
      mfd_probe_set_dns_authority_port (probe, mfd_lab_get_dns_authority_port (g_ptr_array_index (labs, 0)));
    }
  bench.started = g_get_monotonic_time ();
  mfd_probe_run_async (probe, NULL, probe_done, &bench);
  g_main_loop_run (bench.loop);
  g_source_remove (source_id);

  g_array_sort (bench.gaps, compare_gaps);
  max_gap = bench.gaps->len ? g_array_index (bench.gaps, gint64, bench.gaps->len - 1) : 0;
  if (bench.gaps->len >= MIN_SAMPLES_FOR_P99)
    {
      p99_gap = g_array_index (bench.gaps, gint64, (bench.gaps->len * 99) / 100);
      p99_text = g_strdup_printf ("%.2f", p99_gap / 1000.0);
    }
  else
    p99_text = g_strdup ("none");
  g_print ("max_gap_ms=%.2f p99_gap_ms=%s samples=%u wall_ms=%.1f scope=%s observations=%u"
           " median_gap_ms=%.2f worst_at_ms=%.1f\n",
           max_gap / 1000.0, p99_text, bench.gaps->len,
           (bench.finished - bench.started) / 1000.0, by_name ? "engine+names+web" : "engine",
           bench.n_observations,
           bench.gaps->len ? g_array_index (bench.gaps, gint64, bench.gaps->len / 2) / 1000.0 : 0.0,
           bench.worst_at / 1000.0);

  g_array_unref (bench.gaps);
  g_main_loop_unref (bench.loop);
  g_clear_object (&probe);
  g_clear_object (&web);
  if (by_name)
    {
      g_main_loop_quit (st.loop);
      g_thread_join (thread);
      g_main_loop_unref (st.loop);
      g_main_context_unref (st.context);
      mfd_test_remove_tree (dir);
    }
  return 0;
}
