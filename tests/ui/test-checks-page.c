/* test-checks-page.c — the checks page shows the recipient domain's
 * policies (DANE, MTA-STS) as groups of their own, apart from the
 * host/address groups, with a row per MX host address (and the domain for
 * MTA-STS); a real check by MX against the practice server on loopback.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "mfd/mfd.h"
#include "mfd-checks-page.h"
#include "mfd-test-ui.h"

#define WAIT_MS 30000

static gboolean japanese;

static gboolean
page_is_idle (gpointer data)
{
  return !mfd_checks_page_is_running (data);
}

static void
test_policy_groups (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdTarget) target = mfd_target_new ();
  GtkWidget *window = gtk_window_new ();
  MfdChecksPage *page = g_object_new (MFD_TYPE_CHECKS_PAGE, NULL);
  const char *title = NULL;
  guint n_groups;

  g_assert_no_error (error);
  mfd_target_add_mx_domain (target, "contoso.test");
  mfd_target_set_port (target, mfd_lab_get_smtp_port (lab));
  mfd_target_set_dns_server (target, mfd_lab_get_dns_server (lab));
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (lab));
  mfd_target_set_offline (target, TRUE);
  mfd_target_set_control (target, FALSE);
  mfd_target_set_timeout_seconds (target, 3);

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  mfd_checks_page_run (page, target, NULL);
  g_assert_true (mfd_test_ui_wait_until (page_is_idle, page, WAIT_MS));

  /* One MX host with one address: a row in each policy group, plus the
   * domain's own MTA-STS row. */
  g_assert_cmpuint (mfd_checks_page_get_n_policy_rows (page, MFD_STAGE_DANE, &title), ==, 1);
  g_assert_cmpstr (title, ==, "DANE");
  g_assert_cmpuint (mfd_checks_page_get_n_policy_rows (page, MFD_STAGE_MTA_STS, &title), ==, 2);
  g_assert_cmpstr (title, ==, "MTA-STS");
  /* The policy groups are not hosts: the domain, the MX host and its
   * address, and the two policies. */
  n_groups = mfd_checks_page_get_n_groups (page);
  g_assert_cmpuint (n_groups, ==, 5);
  g_assert_cmpuint (mfd_checks_page_get_n_done (page), ==, n_groups);
  g_assert_cmpstr (mfd_checks_page_get_progress_text (page), ==,
                   japanese ? "すべてのチェックが完了しました" : "All checks done");

  gtk_window_destroy (GTK_WINDOW (window));
  mfd_test_ui_iterate_until_idle ();
}

int
main (int   argc,
      char *argv[])
{
  japanese = mfd_test_ui_init (&argc, &argv);
  g_test_add_func ("/checks-page/policy-groups", test_policy_groups);
  return g_test_run ();
}
