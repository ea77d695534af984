/* test-wizard.c — the real window, driven through every path of the wizard
 * against the practice servers on loopback, in English and in Japanese
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
#include "mfd-connector-editor.h"
#include "mfd-connectors-page.h"
#include "mfd-ndr-page.h"
#include "mfd-preferences-window.h"
#include "mfd-results-page.h"
#include "mfd-start-page-private.h"
#include "mfd-ui-util.h"
#include "mfd-window-private.h"
#include "mfd-test-ca.h"
#include "mfd-test-json.h"
#include "mfd-test-ui.h"

#ifndef MFD_WIZARD_PART
#define MFD_WIZARD_PART 1
#endif
static const int wizard_part = MFD_WIZARD_PART;
/* GLib's quark block (gquark.c's QUARK_BLOCK_SIZE). */
#define QUARK_BLOCK 2048

/* Generous: the practice timeouts are 3 s and the machine is shared. */
#define WAIT_MS 30000

typedef struct
{
  MfdWindow *window;
  char      *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  g_autofree char *store = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("mfd-wizard-XXXXXX", &error);
  g_assert_no_error (error);
  store = g_build_filename (fixture->dir, "connectors.json", NULL);
  g_setenv ("MFD_CONNECTORS_FILE", store, TRUE);

  /* Nothing in these tests may ask the internet. */
  g_settings_set_boolean (settings, "offline", TRUE);
  /* The control probes too: a test that wants them points them at its
   * own loopback peers. */
  g_settings_set_boolean (settings, "control-probes", FALSE);
  g_settings_set_uint (settings, "connect-timeout", 3);
  g_settings_set_uint (settings, "reply-timeout", 3);
  g_settings_set_uint (settings, "tls-timeout", 3);
  g_settings_set_uint (settings, "dns-timeout", 2);
  g_settings_set_strv (settings, "recent", NULL);
  g_settings_reset (settings, "command-values");

  fixture->window = mfd_test_ui_new_window ();
  gtk_window_present (GTK_WINDOW (fixture->window));
  mfd_test_ui_iterate_until_idle ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  mfd_test_ui_iterate_until_idle ();
  g_settings_reset (settings, "dns-server");
  mfd_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static MfdResultsPage *
results_page (Fixture *fixture)
{
  return MFD_RESULTS_PAGE (mfd_window_get_page (fixture->window, "results"));
}

static MfdChecksPage *
checks_page (Fixture *fixture)
{
  return MFD_CHECKS_PAGE (mfd_window_get_page (fixture->window, "checks"));
}

static gboolean
on_checks_started (gpointer data)
{
  MfdChecksPage *page = data;

  return mfd_checks_page_get_n_finished_steps (page) > 0;
}

static gboolean
results_built (gpointer data)
{
  return mfd_results_page_is_built (data);
}

typedef enum
{
  PRACTICE_STARTED,     /* a step of the checks has finished */
  PRACTICE_RESULTS,     /* the results page shows */
  PRACTICE_BUILT,       /* and its first screen is built */
} PracticeUntil;

/* Starts the practice @scenario from its page, as its button does, and
 * waits until @until holds. */
static void
practise (Fixture        *fixture,
          MfdLabScenario  scenario,
          PracticeUntil   until)
{
  g_autoptr(GError) error = NULL;

  mfd_window_show_page (fixture->window, "practice");
  g_assert_true (mfd_window_start_practice (fixture->window, scenario, &error));
  g_assert_no_error (error);
  if (until == PRACTICE_STARTED)
    g_assert_true (mfd_test_ui_wait_until (on_checks_started, checks_page (fixture), WAIT_MS));
  else
    g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));
  if (until == PRACTICE_BUILT)
    g_assert_true (mfd_test_ui_wait_until (results_built, results_page (fixture), WAIT_MS));
}

/* The finding's title is the catalogue's, in the language of the run. */
static void
assert_finding (Fixture    *fixture,
                const char *code,
                const char *cause)
{
  MfdResultsPage *page = results_page (fixture);
  g_autoptr(MfdRemedy) remedy = mfd_remedy_render (code, cause, NULL, NULL);
  g_autoptr(MfdRemedy) english = mfd_remedy_render (code, cause, "en", NULL);

  g_assert_nonnull (remedy);
  g_assert_cmpuint (mfd_results_page_get_n_findings (page), >=, 1);
  g_assert_cmpstr (mfd_results_page_get_finding_code (page, 0), ==, code);
  g_assert_cmpstr (mfd_results_page_get_finding_cause (page, 0), ==, cause);
  g_assert_cmpstr (mfd_results_page_get_finding_title (page, 0), ==, remedy->title);
  g_assert_cmpuint (mfd_results_page_get_n_steps (page, 0), ==, remedy->steps->len);
  g_assert_cmpuint (mfd_results_page_get_n_steps (page, 0), >, 0);
  g_assert_null (mfd_results_page_get_status_title (page));

  if (g_strcmp0 (mfd_text_get_process_lang (), "ja") == 0)
    g_assert_cmpstr (remedy->title, !=, english->title);
}

/* The recent list lives in GSettings, where anyone can edit it: members of
 * the wrong JSON type are read as missing, not handed to json-glib's
 * string getters (a GLib critical, and a NULL code read as text). */
static void
test_recent_hand_edited (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  MfdStartPage *start = MFD_START_PAGE (mfd_window_get_page (fixture->window, "start"));
  const char * const recent[] = {
    "{\"id\": [], \"code\": [], \"verdict\": {}, \"target\": 25, \"connector\": true, \"time\": []}",
    "{\"id\": 7, \"code\": 5, \"verdict\": null, \"target\": \"mail.contoso.com\"}",
    "[\"not an object\"]",
    NULL
  };

  g_settings_set_strv (settings, "recent", recent);
  mfd_test_ui_iterate_until_idle ();
  g_assert_cmpuint (mfd_start_page_get_n_recent (start), ==, 2);
}

static void
test_practice_flow (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MfdStartPage *start = MFD_START_PAGE (mfd_window_get_page (fixture->window, "start"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "practice"));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "practice");

  g_assert_true (mfd_window_start_practice (fixture->window, MFD_LAB_REFUSE, &error));
  g_assert_no_error (error);
  g_assert_true (mfd_window_is_practising (fixture->window));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "checks");

  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));
  g_assert_cmpuint (mfd_checks_page_get_n_groups (checks_page (fixture)), >, 0);
  g_assert_cmpuint (mfd_checks_page_get_n_done (checks_page (fixture)), ==,
                    mfd_checks_page_get_n_groups (checks_page (fixture)));
  assert_finding (fixture, "4.4.316", "tcp-refused");

  /* Practice is no diagnosis of the user's mail flow. */
  g_assert_cmpuint (mfd_start_page_get_n_recent (start), ==, 0);

  /* Re-check runs the same target again and comes back to the results;
   * Back then leaves them in one step. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_page (fixture)), "results.recheck", NULL));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "checks");
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));
  assert_finding (fixture, "4.4.316", "tcp-refused");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "practice");

  /* Back to the start ends the practice. */
  mfd_window_show_page (fixture->window, "start");
  g_assert_false (mfd_window_is_practising (fixture->window));
}

/* The MTA-STS lesson is checked by MX of the practice domain, with its
 * policy served over HTTPS on loopback: the wizard ends in EOP's 4.4.8
 * with the cause and its steps in the language of the run. */
static void
test_practice_mta_sts (Fixture       *fixture,
                       gconstpointer  data)
{
  practise (fixture, MFD_LAB_MTA_STS_MX_NOT_IN_POLICY, PRACTICE_BUILT);
  g_assert_cmpuint (mfd_checks_page_get_n_done (checks_page (fixture)), ==,
                    mfd_checks_page_get_n_groups (checks_page (fixture)));
  assert_finding (fixture, "4.4.8", "mta-sts-mx-not-in-policy");
  g_assert_cmpuint (mfd_results_page_get_n_findings (results_page (fixture)), ==, 1);
}

/* DANE from the Practice page: the lab's signed domain by MX, whose TLSA
 * record pins a key the server no longer uses. The checks page shows the
 * DANE group, the results page EOP's 4.7.323 with the catalogue's title
 * and steps in the language of the run. */
static void
test_practice_dane (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *title = NULL;

  practise (fixture, MFD_LAB_DANE_TLSA_MISMATCH, PRACTICE_BUILT);
  g_assert_cmpuint (mfd_checks_page_get_n_policy_rows (checks_page (fixture), MFD_STAGE_DANE, &title), >=, 1);
  g_assert_nonnull (title);
  g_assert_nonnull (strstr (title, "DANE"));
  assert_finding (fixture, "4.7.323", "dane-tlsa-mismatch");
  g_assert_cmpuint (mfd_results_page_get_n_findings (results_page (fixture)), ==, 1);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  MfdChecksPage *page = checks_page (fixture);

  /* The silent server accepts and never greets: the checks wait. */
  practise (fixture, MFD_LAB_SILENT, PRACTICE_STARTED);
  g_assert_true (mfd_checks_page_is_running (page));

  /* Escape = win.back: cancels and returns to where we came from. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "practice");
  g_assert_true (mfd_test_ui_wait_until ((MfdTestUiCondition) mfd_checks_page_was_cancelled, page, WAIT_MS));
  g_assert_false (mfd_checks_page_is_running (page));

  /* Nothing moves on to the results after a cancel. */
  mfd_test_ui_iterate_until_idle ();
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "practice");
}

static const char ndr_template[] =
  "Delivery has failed to these recipients or groups:\n\n"
  "Diagnostic information for administrators:\n"
  "Remote Server returned '451 4.4.0 Message failed to be delivered'\n\n"
  "450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] "
  "[LastAttemptedServerName=mail.contoso.test] [LastAttemptedIP=127.0.0.1:%u] "
  "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2026-03-04T01:02:03.456Z 08DD5A1B2C3D4E5F]\n";

static gboolean
ndr_parsed (gpointer data)
{
  return mfd_ndr_page_get_selected_entry (data) != NULL;
}

static void
test_ndr_flow (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_GREET_421, &error);
  g_autofree char *text = NULL;
  g_autoptr(MfdRemedy) remedy = NULL;
  MfdNdrPage *page = MFD_NDR_PAGE (mfd_window_get_page (fixture->window, "ndr"));
  MfdNdrEntry *entry;

  g_assert_no_error (error);
  g_settings_set_string (settings, "dns-server", mfd_lab_get_dns_server (lab));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "ndr"));
  text = g_strdup_printf (ndr_template, mfd_lab_get_smtp_port (lab));
  mfd_ndr_page_set_text (page, text);
  g_assert_true (mfd_test_ui_wait_until (ndr_parsed, page, WAIT_MS));

  entry = mfd_ndr_page_get_selected_entry (page);
  g_assert_cmpstr (entry->status, ==, "4.4.317");
  g_assert_cmpstr (entry->server, ==, "mail.contoso.test");
  g_assert_cmpuint (entry->port, ==, mfd_lab_get_smtp_port (lab));
  g_assert_false (entry->expired);

  /* The live card, as the user reads it. */
  remedy = mfd_remedy_render (entry->status, entry->cause, NULL, NULL);
  g_assert_cmpstr (mfd_ndr_page_get_card_text (page, "code"), ==, "450 4.4.317");
  g_assert_cmpstr (mfd_ndr_page_get_card_text (page, "title"), ==, remedy->title);
  g_assert_nonnull (strstr (mfd_ndr_page_get_card_text (page, "server"), "mail.contoso.test"));
  g_assert_null (mfd_ndr_page_get_matched_connector (page));

  /* The TLS setting is shown whole in the wrapping subtitle, not in the
   * value label that ellipsizes ("Certificate vali…" at 360 px). */
  {
    AdwComboRow *tls = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (page), MFD_TYPE_NDR_PAGE, "tls_row"));
    guint before = adw_combo_row_get_selected (tls);
    MfdTlsMode mode;

    adw_combo_row_set_selected (tls, mfd_ui_tls_mode_to_index (MFD_TLS_CERTIFICATE_VALIDATION));
    mode = mfd_ui_tls_mode_from_index (adw_combo_row_get_selected (tls));
    g_assert_cmpint (mode, ==, MFD_TLS_CERTIFICATE_VALIDATION);
    g_assert_true (adw_combo_row_get_use_subtitle (tls));
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (tls)),
                                     mfd_tr (NULL, mfd_tls_mode_get_label (mode))));
    adw_combo_row_set_selected (tls, before);
  }

  mfd_ndr_page_run_checks (page);
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "checks");
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));
  assert_finding (fixture, "4.4.317", "greeting-rejected");

  /* Back from the results returns to the NDR, not to the finished checks. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "ndr");
}

/* A help-desk network that lets nothing out on port 25 and resolves no
 * public name: the refusal EOP reported is not confirmed or denied from
 * here, the page says why at the top, leads with EOP's own report and
 * offers the checks from Microsoft's side. The control servers are the
 * practice servers on loopback. */
static void
test_vantage_banner (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_REFUSE, &error);
  g_autoptr(MfdLab) control = NULL;
  g_autofree char *text = NULL;
  g_autofree char *control_smtp = NULL;
  g_autoptr(MfdRemedy) remedy = mfd_remedy_render ("4.4.316", "tcp-refused", NULL, NULL);
  MfdNdrPage *page = MFD_NDR_PAGE (mfd_window_get_page (fixture->window, "ndr"));
  MfdResultsPage *results;
  const char *banner;

  g_assert_no_error (error);
  control = mfd_lab_new (MFD_LAB_REFUSE, &error);
  g_assert_no_error (error);
  control_smtp = g_strdup_printf ("127.0.0.1:%u", mfd_lab_get_smtp_port (control));
  g_settings_set_string (settings, "dns-server", mfd_lab_get_dns_server (lab));
  g_settings_set_boolean (settings, "control-probes", TRUE);
  /* The lab's resolver has never heard of it: DNS blind, port 25 shut. */
  g_settings_set_string (settings, "control-name", "control.test");
  g_settings_set_string (settings, "control-smtp", control_smtp);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "ndr"));
  text = g_strdup_printf ("450 4.4.316 Connection refused [Message=Socket error code 10061] "
                          "[LastAttemptedServerName=mail.contoso.test] [LastAttemptedIP=127.0.0.1:%u] "
                          "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2026-03-04T01:02:03.456Z 08DD5A1B2C3D4E5F]\n",
                          mfd_lab_get_smtp_port (lab));
  mfd_ndr_page_set_text (page, text);
  g_assert_true (mfd_test_ui_wait_until (ndr_parsed, page, WAIT_MS));
  mfd_ndr_page_run_checks (page);
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));

  results = results_page (fixture);
  g_assert_true (mfd_results_page_has_vantage_banner (results));
  banner = mfd_results_page_get_vantage_banner_text (results);
  g_assert_nonnull (banner);
  g_assert_nonnull (strstr (banner, control_smtp));
  g_assert_nonnull (strstr (banner, "control.test"));
  if (g_strcmp0 (mfd_text_get_process_lang (), "ja") == 0)
    g_assert_null (strstr (banner, "port 25"));
  else
    g_assert_nonnull (strstr (banner, "port 25"));

  g_assert_cmpuint (mfd_results_page_get_n_findings (results), >=, 1);
  g_assert_cmpstr (mfd_results_page_get_finding_cause (results, 0), ==, "tcp-refused");
  g_assert_true (mfd_results_page_get_finding_inconclusive (results, 0));
  g_assert_cmpuint (mfd_results_page_get_n_microsoft_checks (results), ==, 2);

  /* EOP's own report leads, in the language of the run. */
  g_assert_nonnull (mfd_results_page_get_ndr_lead (results));
  g_assert_nonnull (strstr (mfd_results_page_get_ndr_lead (results), remedy->title));

  g_settings_reset (settings, "control-name");
  g_settings_reset (settings, "control-smtp");
}

static gboolean
ndr_error_shown (gpointer data)
{
  return mfd_ndr_page_get_card_text (data, "error") != NULL;
}

/* Under opportunistic TLS EOP never sends 4.7.320: the page shows the
 * untrusted certificate as a warning without EOP's reply, and says what
 * it would become. */
static void
test_warning_without_reply (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(MfdTarget) target = mfd_target_new ();
  g_autoptr(GPtrArray) observations = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);
  g_autoptr(MfdDiagnosis) diagnosis = NULL;
  MfdObservation *o;
  MfdResultsPage *page = results_page (fixture);
  g_autofree char *problem = NULL;
  g_autofree char *warning = NULL;

  mfd_target_add_smart_host (target, "mail.contoso.test", 0);
  o = mfd_observation_new (MFD_STAGE_TCP, MFD_OUTCOME_FAIL, "mail.contoso.test", "192.0.2.25", 25);
  mfd_observation_set_cause (o, "tcp-refused");
  g_ptr_array_add (observations, o);
  o = mfd_observation_new (MFD_STAGE_CERTIFICATE, MFD_OUTCOME_WARNING, "mail.contoso.test", "192.0.2.26", 25);
  mfd_observation_set_cause (o, "cert-untrusted");
  g_ptr_array_add (observations, o);
  diagnosis = mfd_diagnosis_new (target, observations, NULL);

  mfd_results_page_set_diagnosis (page, diagnosis);
  mfd_window_show_page (fixture->window, "results");
  g_assert_cmpuint (mfd_results_page_get_n_findings (page), ==, 2);
  problem = mfd_results_page_dup_finding_chip (page, 0);
  warning = mfd_results_page_dup_finding_chip (page, 1);
  g_assert_cmpstr (problem, ==, "450 4.4.316");
  g_assert_null (strstr (warning, "4.7.320"));
  g_assert_cmpstr (warning, ==, _("Warning"));
}

static gboolean
ndr_delay_shown (gpointer data)
{
  const char *error = mfd_ndr_page_get_card_text (data, "error");
  const char *delay = _("This is a delay notice, not an error: Exchange Online is still retrying the message. The error that makes it wait is in the queue or the message trace (Get-QueueMessage, or the message trace's details): paste that line.");

  return error != NULL && g_str_equal (error, delay);
}

static gboolean
one_entry_parsed (gpointer data)
{
  MfdNdrResult *result = mfd_ndr_page_get_result (data);

  return result != NULL && result->entries->len == 1;
}

static void
test_ndr_several (Fixture       *fixture,
                  gconstpointer  data)
{
  MfdNdrPage *page = MFD_NDR_PAGE (mfd_window_get_page (fixture->window, "ndr"));
  MfdNdrEntry *first;

  mfd_window_show_page (fixture->window, "ndr");

  /* Text without a delivery error says so, and offers nothing to check. */
  mfd_ndr_page_set_text (page, "Hello, the printer on the third floor is out of toner.");
  g_assert_true (mfd_test_ui_wait_until (ndr_error_shown, page, WAIT_MS));
  g_assert_null (mfd_ndr_page_get_selected_entry (page));

  /* A delay notice without a code is said to be one, not "nothing found". */
  mfd_ndr_page_set_text (page, "Delivery is delayed to these recipients or groups:\n\nuser@contoso.test\n\n"
                               "This message hasn't been delivered yet. Delivery will continue to be attempted.\n");
  g_assert_true (mfd_test_ui_wait_until (ndr_delay_shown, page, WAIT_MS));
  g_assert_null (mfd_ndr_page_get_selected_entry (page));
  if (g_strcmp0 (mfd_text_get_process_lang (), "ja") == 0)
    g_assert_nonnull (strstr (mfd_ndr_page_get_card_text (page, "error"), "配信遅延の通知"));
  else
    g_assert_nonnull (strstr (mfd_ndr_page_get_card_text (page, "error"), "delay notice, not an error"));

  mfd_ndr_page_set_text (page,
                         "450 4.4.316 Connection refused [Message=Socket error code 10061] "
                         "[LastAttemptedServerName=mail.contoso.test] [LastAttemptedIP=192.0.2.25:25] "
                         "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2026-03-04T01:02:03.456Z 08DD5A1B2C3D4E5F]\n"
                         "450 4.4.315 Connection timed out [Message=Socket error code 10060] "
                         "[LastAttemptedServerName=mail2.contoso.test] [LastAttemptedIP=192.0.2.26:25] "
                         "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2026-03-04T02:02:03.456Z 08DD5A1B2C3D4E60]\n");
  g_assert_true (mfd_test_ui_wait_until (ndr_parsed, page, WAIT_MS));
  g_assert_null (mfd_ndr_page_get_card_text (page, "error"));
  g_assert_cmpuint (mfd_ndr_page_get_result (page)->entries->len, ==, 2);

  /* The primary entry is shown first; choosing the other one shows it. */
  first = mfd_ndr_page_get_selected_entry (page);
  g_assert_true (first == mfd_ndr_page_get_result (page)->primary);
  mfd_ndr_page_select_entry (page, first == mfd_ndr_page_get_result (page)->entries->pdata[0] ? 1 : 0);
  g_assert_true (mfd_ndr_page_get_selected_entry (page) != first);
  g_assert_nonnull (strstr (mfd_ndr_page_get_card_text (page, "code"),
                            mfd_ndr_page_get_selected_entry (page)->status));
}

/* A bounce for several recipients with different errors: every error is
 * listed, the primary (a permanent failure, not the delay) first, each
 * saying what it is in the language of the run. */
static void
test_ndr_multi_recipient (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ndr", "bounce-postfix-multi-1.txt", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) rows = NULL;
  MfdNdrPage *page = MFD_NDR_PAGE (mfd_window_get_page (fixture->window, "ndr"));
  MfdNdrResult *result;
  const char *order[3];

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  mfd_window_show_page (fixture->window, "ndr");
  mfd_ndr_page_set_text (page, text);
  g_assert_true (mfd_test_ui_wait_until (ndr_parsed, page, WAIT_MS));

  result = mfd_ndr_page_get_result (page);
  g_assert_cmpuint (result->entries->len, ==, 3);
  g_assert_true (result->primary == result->entries->pdata[2]);
  g_assert_true (mfd_ndr_page_get_selected_entry (page) == result->primary);

  rows = mfd_ndr_page_get_entry_list (page);
  g_assert_cmpuint (g_strv_length (rows), ==, 3);
  order[0] = ((MfdNdrEntry *) result->entries->pdata[2])->status;
  order[1] = ((MfdNdrEntry *) result->entries->pdata[0])->status;
  order[2] = ((MfdNdrEntry *) result->entries->pdata[1])->status;
  for (guint i = 0; i < 3; i++)
    {
      g_test_message ("row %u: %s", i, rows[i]);
      g_assert_nonnull (strstr (rows[i], order[i]));
    }
  /* The recipient each error is about, and what kind of error it is. */
  g_assert_nonnull (strstr (rows[0], ((MfdNdrEntry *) result->primary)->recipients[0]));
  g_assert_nonnull (strstr (rows[0], _("Failed permanently")));
  g_assert_nonnull (strstr (rows[1], _("Temporary — still being retried")));
  g_assert_nonnull (strstr (rows[2], _("Failed permanently")));
  g_assert_cmpstr (mfd_ndr_page_get_card_text (page, "state"), ==,
                   _("Failed permanently — the receiving server refused the message; it is not retried"));
  if (g_strcmp0 (mfd_text_get_process_lang (), "ja") == 0)
    g_assert_null (strstr (rows[0], "Failed permanently"));

  /* Choosing the delay shows it below. */
  mfd_ndr_page_select_entry (page, 0);
  g_assert_true (mfd_ndr_page_get_selected_entry (page) == result->entries->pdata[0]);
  g_assert_nonnull (strstr (mfd_ndr_page_get_card_text (page, "code"), order[1]));

  /* A single error needs no list. */
  mfd_ndr_page_set_text (page, "450 4.4.316 Connection refused [LastAttemptedServerName=mail.contoso.test]\n");
  g_assert_true (mfd_test_ui_wait_until (one_entry_parsed, page, WAIT_MS));
  g_strfreev (rows);
  rows = mfd_ndr_page_get_entry_list (page);
  g_assert_cmpuint (g_strv_length (rows), ==, 0);
}

/* Opening a file (the app's "open", the Open… button, a drop) reads it as
 * bytes: a Japanese NDR in ISO-2022-JP arrives intact. Nothing is checked. */
static void
test_ndr_open_eml (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_test_get_filename (G_TEST_DIST, "data", "ndr", "eml-ja-iso2022jp.eml", NULL));
  MfdNdrPage *page = MFD_NDR_PAGE (mfd_window_get_page (fixture->window, "ndr"));
  g_autoptr(MfdRemedy) remedy = NULL;
  MfdNdrEntry *entry;

  mfd_window_open_file (fixture->window, file);
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "ndr");
  g_assert_true (mfd_test_ui_wait_until (ndr_parsed, page, WAIT_MS));

  entry = mfd_ndr_page_get_selected_entry (page);
  g_assert_cmpstr (entry->status, ==, "4.7.320");
  g_assert_cmpstr (entry->server, ==, "mail.fabrikam.com");
  g_assert_cmpstr (entry->cause, ==, "cert-expired");
  remedy = mfd_remedy_render (entry->status, entry->cause, NULL, NULL);
  g_assert_cmpstr (mfd_ndr_page_get_card_text (page, "title"), ==, remedy->title);
  g_assert_nonnull (strstr (mfd_ndr_page_get_card_text (page, "cause"), "CertificateExpired"));
  g_assert_nonnull (strstr (mfd_ndr_page_get_card_text (page, "server"), "198.51.100.80"));
}

static gboolean
two_connectors (gpointer data)
{
  return mfd_connectors_page_get_n_visible (data) == 2;
}

static gpointer
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static void
set_editor_text (MfdConnectorEditor *editor,
                 const char         *row,
                 const char         *text)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (editor), MFD_TYPE_CONNECTOR_EDITOR, row);

  gtk_editable_set_text (GTK_EDITABLE (child), text);
}

static gboolean
saved (gpointer data)
{
  return !mfd_connectors_page_is_saving (data);
}

static void
test_import_and_edit (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_test_get_filename (G_TEST_DIST, "data", "ui", "connectors.json", NULL));
  MfdConnectorsPage *page = MFD_CONNECTORS_PAGE (mfd_window_get_page (fixture->window, "connectors"));
  MfdConnectorStore *store = mfd_window_get_connector_store (fixture->window);
  MfdConnectorEditor *editor;
  GtkWindow *paste;
  g_autoptr(MfdConnectorStore) reread = NULL;
  g_autoptr(GError) error = NULL;
  MfdConnector *connector;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "connectors"));
  g_assert_cmpuint (mfd_connectors_page_get_n_visible (page), ==, 0);

  mfd_connectors_page_import_file (page, file);
  g_assert_true (mfd_test_ui_wait_until (two_connectors, page, WAIT_MS));

  connector = mfd_connector_store_find (store, "Outbound to Contoso");
  g_assert_nonnull (connector);
  g_assert_cmpint (mfd_connector_get_tls_mode (connector), ==, MFD_TLS_DOMAIN_VALIDATION);
  g_assert_false (mfd_connector_get_enabled (mfd_connector_store_find (store, "Partner Fabrikam")));

  mfd_connectors_page_set_search (page, "fabri");
  g_assert_cmpuint (mfd_connectors_page_get_n_visible (page), ==, 1);
  mfd_connectors_page_set_search (page, "");
  g_assert_cmpuint (mfd_connectors_page_get_n_visible (page), ==, 2);

  /* The list was saved where the store lives. */
  g_assert_true (mfd_test_ui_wait_until (saved, page, WAIT_MS));
  reread = mfd_connector_store_new (g_getenv ("MFD_CONNECTORS_FILE"));
  g_assert_true (mfd_connector_store_load (reread, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reread)), ==, 2);

  /* The editor explains what is wrong, and saves only what is right. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "connectors.add", NULL));
  editor = find_toplevel (MFD_TYPE_CONNECTOR_EDITOR);
  g_assert_nonnull (editor);
  g_assert_false (mfd_connector_editor_is_valid (editor));
  g_assert_nonnull (mfd_connector_editor_get_reason (editor, "name"));
  g_assert_nonnull (mfd_connector_editor_get_reason (editor, "hosts"));
  g_assert_null (mfd_connector_editor_get_reason (editor, "tls-domain"));

  set_editor_text (editor, "name_row", "Outbound to Contoso");
  g_assert_nonnull (mfd_connector_editor_get_reason (editor, "name"));
  set_editor_text (editor, "name_row", "Lab");
  g_assert_null (mfd_connector_editor_get_reason (editor, "name"));
  set_editor_text (editor, "hosts_row", "mail.contoso.test, bad host!");
  g_assert_nonnull (mfd_connector_editor_get_reason (editor, "hosts"));
  set_editor_text (editor, "hosts_row", "mail.contoso.test, 192.0.2.0/24");
  g_assert_null (mfd_connector_editor_get_reason (editor, "hosts"));
  /* A documentation (or private, loopback…) address: a warning, not an error. */
  g_assert_nonnull (mfd_connector_editor_get_reason (editor, "hosts-warning"));
  g_assert_nonnull (strstr (mfd_connector_editor_get_reason (editor, "hosts-warning"), "192.0.2.0/24"));
  set_editor_text (editor, "hosts_row", "mail.contoso.test");
  g_assert_null (mfd_connector_editor_get_reason (editor, "hosts-warning"));
  set_editor_text (editor, "hosts_row", "mail.contoso.test, 10.1.2.3");
  g_assert_nonnull (mfd_connector_editor_get_reason (editor, "hosts-warning"));
  g_assert_null (mfd_connector_editor_get_reason (editor, "hosts"));
  set_editor_text (editor, "hosts_row", "mail.contoso.test, 192.0.2.0/24");

  /* Domain validation asks for the TLS domain, and checks its wildcard. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (editor),
                                                                            MFD_TYPE_CONNECTOR_EDITOR,
                                                                            "tls_row")), 3);
  g_assert_nonnull (mfd_connector_editor_get_reason (editor, "tls-domain"));
  set_editor_text (editor, "tls_domain_row", "*.*.contoso.test");
  g_assert_nonnull (mfd_connector_editor_get_reason (editor, "tls-domain"));
  set_editor_text (editor, "tls_domain_row", "*.contoso.test");
  g_assert_null (mfd_connector_editor_get_reason (editor, "tls-domain"));
  g_assert_true (mfd_connector_editor_is_valid (editor));
  mfd_connector_editor_save (editor);

  connector = mfd_connector_store_find (store, "Lab");
  g_assert_nonnull (connector);
  g_assert_cmpint (mfd_connector_get_tls_mode (connector), ==, MFD_TLS_DOMAIN_VALIDATION);
  g_assert_cmpstr (mfd_connector_get_tls_domain (connector), ==, "*.contoso.test");
  g_assert_cmpstr (mfd_connector_get_smart_hosts (connector)[1], ==, "192.0.2.0/24");
  g_assert_cmpuint (mfd_connectors_page_get_n_visible (page), ==, 3);

  /* Pasting an export imports it too: the same name replaces, a new one adds. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "connectors.paste-json", NULL));
  paste = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (paste);
  gtk_text_buffer_set_text (g_object_get_data (G_OBJECT (paste), "buffer"),
                            "{\"Name\": \"Pasted\", \"SmartHosts\": [\"relay.contoso.test\"], \"TlsSettings\": null}", -1);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (paste), "import");
  g_assert_nonnull (mfd_connector_store_find (store, "Pasted"));
  g_assert_cmpuint (mfd_connectors_page_get_n_visible (page), ==, 4);

  /* Removing takes it off the list (the toast offers an undo). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "connectors.remove", "s", "Partner Fabrikam"));
  g_assert_cmpuint (mfd_connectors_page_get_n_visible (page), ==, 3);
  g_assert_null (mfd_connector_store_find (store, "Partner Fabrikam"));
  g_assert_true (mfd_test_ui_wait_until (saved, page, WAIT_MS));
}

/* Not 127.0.0.1: a mail server on the host often listens there. Only a
 * server bound to every address would also answer on this one. */
#define REFUSING_ADDRESS "127.77.0.25"

static gboolean
port_25_is_closed (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 2);
  connection = g_socket_client_connect_to_host (client, REFUSING_ADDRESS, 25, NULL, NULL);
  return connection == NULL;
}

static void
test_connector_flow (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  g_autoptr(GFile) file = g_file_new_for_path (g_test_get_filename (G_TEST_DIST, "data", "ui", "connectors.json", NULL));
  MfdConnectorsPage *page = MFD_CONNECTORS_PAGE (mfd_window_get_page (fixture->window, "connectors"));
  MfdStartPage *start = MFD_START_PAGE (mfd_window_get_page (fixture->window, "start"));
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = NULL;
  GtkListBox *list_box;
  GtkListBoxRow *row;
  GtkWindow *dialog;
  int i = 0;
  MfdConnector *connector;

  /* A connector's smart host is checked on port 25, as EOP does: the
   * practice DNS sends it to a loopback address of its own, where nothing
   * listens. */
  if (!port_25_is_closed ())
    {
      g_test_skip ("a server listening on every address holds port 25, "
                   "so " REFUSING_ADDRESS ":25 cannot refuse");
      return;
    }
  lab = mfd_lab_new_full (MFD_LAB_REFUSE, REFUSING_ADDRESS, &error);
  g_assert_no_error (error);
  g_settings_set_string (settings, "dns-server", mfd_lab_get_dns_server (lab));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "connectors"));
  mfd_connectors_page_import_file (page, file);
  g_assert_true (mfd_test_ui_wait_until (two_connectors, page, WAIT_MS));
  connector = mfd_connector_store_find (mfd_window_get_connector_store (fixture->window), "Outbound to Contoso");
  g_assert_nonnull (connector);

  /* Activating the row shows the target summary; its Run Checks starts them. */
  list_box = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (page), MFD_TYPE_CONNECTORS_PAGE, "list_box"));
  for (row = gtk_list_box_get_row_at_index (list_box, 0); row != NULL; row = gtk_list_box_get_row_at_index (list_box, ++i))
    if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Outbound to Contoso") == 0)
      break;
  g_assert_nonnull (row);
  g_signal_emit_by_name (list_box, "row-activated", row);
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Outbound to Contoso");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "run");
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "checks");
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));
  assert_finding (fixture, "4.4.316", "tcp-refused");
  g_assert_cmpstr (mfd_target_get_connector_name (mfd_diagnosis_get_target (mfd_results_page_get_diagnosis (results_page (fixture)))),
                   ==, "Outbound to Contoso");

  /* The diagnosis is listed on the start page, and reopens from there. */
  mfd_window_show_page (fixture->window, "start");
  g_assert_cmpuint (mfd_start_page_get_n_recent (start), ==, 1);
  g_assert_true (mfd_start_page_activate_recent (start, 0));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "results");
  assert_finding (fixture, "4.4.316", "tcp-refused");
  /* A reopened result says when it was checked. */
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (mfd_diagnosis_get_time (mfd_results_page_get_diagnosis (results_page (fixture))));
    g_autofree char *day = g_date_time_format (local, g_dgettext (GETTEXT_PACKAGE, "%Y-%m-%d"));

    g_assert_nonnull (strstr (mfd_results_page_get_checked_text (results_page (fixture)), day));
  }

  /* A re-check replaces the entry for the same connector: no duplicates. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_page (fixture)), "results.recheck", NULL));
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_page (fixture)), "results.recheck", NULL));
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));
  mfd_window_show_page (fixture->window, "start");
  g_assert_cmpuint (mfd_start_page_get_n_recent (start), ==, 1);
}

static void
export_report (Fixture         *fixture,
               const char      *name,
               MfdReportFormat  format,
               const char      *lang,
               char           **contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  *contents = mfd_test_ui_export (results_page (fixture), path, format, lang, WAIT_MS);
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  g_autofree char *markdown_en = NULL;
  g_autofree char *markdown_ja = NULL;
  g_autoptr(MfdRemedy) english = mfd_remedy_render ("4.4.316", "tcp-refused", "en", NULL);
  g_autoptr(MfdRemedy) japanese = mfd_remedy_render ("4.4.316", "tcp-refused", "ja", NULL);
  JsonObject *root;
  JsonArray *findings;

  practise (fixture, MFD_LAB_REFUSE, PRACTICE_RESULTS);

  export_report (fixture, "report.json", MFD_REPORT_JSON, NULL, &json);
  mfd_test_json_assert_valid (json);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mail-flow-doctor/diagnosis/1");
  g_assert_cmpstr (json_object_get_string_member (root, "verdict"), ==, "problem");
  findings = json_object_get_array_member (root, "findings");
  g_assert_cmpuint (json_array_get_length (findings), >=, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0), "code"), ==, "4.4.316");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0), "cause"), ==, "tcp-refused");

  /* Either language, whatever the UI speaks. */
  export_report (fixture, "report-en.md", MFD_REPORT_MARKDOWN, "en", &markdown_en);
  export_report (fixture, "report-ja.md", MFD_REPORT_MARKDOWN, "ja", &markdown_ja);
  g_assert_nonnull (strstr (markdown_en, "4.4.316"));
  g_assert_nonnull (strstr (markdown_en, english->title));
  g_assert_nonnull (strstr (markdown_ja, "4.4.316"));
  g_assert_nonnull (strstr (markdown_ja, japanese->title));
  g_assert_cmpstr (english->title, !=, japanese->title);

  /* The reminder is armed once, and the page says so. */
  g_assert_false (mfd_results_page_has_reminder (results_page (fixture)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_page (fixture)), "results.remind", NULL));
  g_assert_true (mfd_results_page_has_reminder (results_page (fixture)));
}

static void
test_healthy (Fixture       *fixture,
              gconstpointer  data)
{
  MfdResultsPage *page = results_page (fixture);

  practise (fixture, MFD_LAB_HEALTHY, PRACTICE_RESULTS);

  g_assert_cmpint (mfd_diagnosis_get_verdict (mfd_results_page_get_diagnosis (page)), ==, MFD_VERDICT_OK);
  g_assert_cmpuint (mfd_results_page_get_n_findings (page), ==, 0);
  g_assert_cmpstr (mfd_results_page_get_status_title (page), ==, _("No problem found from this computer"));
}

/* The step of the first finding whose command contains @needle, or -1. */
static int
find_command (MfdResultsPage *page,
              const char     *needle)
{
  for (guint i = 0; i < mfd_results_page_get_n_steps (page, 0); i++)
    {
      const char *command = mfd_results_page_get_command (page, 0, i);

      if (command != NULL && strstr (command, needle) != NULL)
        return i;
    }
  return -1;
}

/* Copied commands never carry a <placeholder> silently: the form above
 * the findings asks once, fills every command (and the report), and is
 * remembered for the connector. */
static void
test_placeholders (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MfdResultsPage *page = results_page (fixture);
  GtkEditable *domain;
  g_autofree char *report = NULL;
  int accepted;
  int validate;

  practise (fixture, MFD_LAB_REFUSE, PRACTICE_BUILT);

  /* The practice connector has no recipient domain: that is asked, and the
   * commands that need it are marked. */
  accepted = find_command (page, "Set-AcceptedDomain");
  validate = find_command (page, "Validate-OutboundConnector");
  g_assert_cmpint (accepted, >=, 0);
  g_assert_cmpint (validate, >=, 0);
  g_assert_nonnull (strstr (mfd_results_page_get_command (page, 0, accepted), "<domain>"));
  g_assert_nonnull (strstr (mfd_results_page_get_command (page, 0, validate), "<recipient>"));
  domain = mfd_results_page_get_fill_entry (page, MFD_REMEDY_FILL_DOMAIN);
  g_assert_nonnull (domain);
  g_assert_nonnull (mfd_results_page_get_fill_entry (page, MFD_REMEDY_FILL_RECIPIENT));
  /* The connector's name is known: not asked. */
  g_assert_null (mfd_results_page_get_fill_entry (page, MFD_REMEDY_FILL_CONNECTOR_NAME));
  g_assert_cmpuint (mfd_results_page_count_marked_commands (page), >=, 2);

  /* Copying an unfilled command says what is missing. */
  mfd_results_page_copy_command (page, 0, accepted);
  g_assert_nonnull (strstr (mfd_window_get_last_toast (fixture->window), "<domain>"));

  /* A value that could break out of the command is not taken. */
  gtk_editable_set_text (domain, "contoso.test; Remove-Mailbox");
  g_assert_nonnull (strstr (mfd_results_page_get_command (page, 0, accepted), "<domain>"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (domain), "error"));

  gtk_editable_set_text (domain, "contoso.test");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (domain), "error"));
  g_assert_cmpstr (mfd_results_page_get_command (page, 0, accepted), ==,
                   "Set-AcceptedDomain -Identity contoso.test -DomainType Authoritative");
  /* The domain's postmaster stands in for the recipient. */
  g_assert_nonnull (strstr (mfd_results_page_get_command (page, 0, validate), "-Recipients postmaster@contoso.test"));
  g_assert_cmpuint (mfd_results_page_count_marked_commands (page), ==, 0);
  mfd_results_page_copy_command (page, 0, accepted);
  g_assert_cmpstr (mfd_window_get_last_toast (fixture->window), ==, _("Command copied"));

  gtk_editable_set_text (mfd_results_page_get_fill_entry (page, MFD_REMEDY_FILL_RECIPIENT), "admin@contoso.test");
  g_assert_nonnull (strstr (mfd_results_page_get_command (page, 0, validate), "-Recipients admin@contoso.test"));

  /* The report fills the same commands. */
  report = mfd_report_render_diagnosis (mfd_results_page_get_diagnosis (page), MFD_REPORT_TEXT, NULL);
  g_assert_nonnull (strstr (report, "Set-AcceptedDomain -Identity contoso.test -DomainType Authoritative"));
  g_assert_nonnull (strstr (report, "-Recipients admin@contoso.test"));
  g_assert_null (strstr (report, "<domain>"));

  /* Remembered for the connector: a new run has them filled at once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "results.recheck", NULL));
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));
  g_assert_cmpstr (gtk_editable_get_text (mfd_results_page_get_fill_entry (page, MFD_REMEDY_FILL_DOMAIN)), ==, "contoso.test");
  g_assert_cmpstr (mfd_results_page_get_command (page, 0, find_command (page, "Set-AcceptedDomain")), ==,
                   "Set-AcceptedDomain -Identity contoso.test -DomainType Authoritative");
}

/* A certificate finding shows the chain the server presented, with the
 * thumbprints Windows and Exchange use, and the Exchange command. */
static void
test_certificate (Fixture       *fixture,
                  gconstpointer  data)
{
  MfdResultsPage *page = results_page (fixture);
  MfdDiagnosis *diagnosis;
  MfdFinding *finding;
  g_autofree char *certificate = NULL;
  g_autofree char *report = NULL;

  practise (fixture, MFD_LAB_CERT_EXPIRED, PRACTICE_BUILT);

  diagnosis = mfd_results_page_get_diagnosis (page);
  finding = mfd_diagnosis_get_findings (diagnosis)->pdata[0];
  g_assert_cmpstr (finding->cause, ==, "cert-expired");
  certificate = mfd_report_dup_certificate (diagnosis, finding);
  g_assert_nonnull (certificate);
  g_assert_nonnull (strstr (certificate, "subject: "));
  g_assert_nonnull (strstr (certificate, "issuer: "));
  g_assert_nonnull (strstr (certificate, "names: "));
  g_assert_nonnull (strstr (certificate, "valid: "));
  g_assert_nonnull (strstr (certificate, "SHA-256: "));
  g_assert_nonnull (strstr (certificate, "SHA-1: "));
  g_assert_cmpint (find_command (page, "Get-ExchangeCertificate | Format-List Thumbprint,Subject,NotAfter,Services"), >=, 0);

  report = mfd_report_render_diagnosis (diagnosis, MFD_REPORT_MARKDOWN, NULL);
  g_assert_nonnull (strstr (report, "SHA-1: "));
  g_assert_nonnull (strstr (report, "Get-ExchangeCertificate"));
}

/* When it ran and with which settings, on the page and in the report;
 * hosts counted as hosts; the export's name says what and when. */
static void
test_run_facts (Fixture       *fixture,
                gconstpointer  data)
{
  MfdResultsPage *page = results_page (fixture);
  MfdChecksPage *checks = checks_page (fixture);
  g_autofree char *report = NULL;
  g_autofree char *name = NULL;
  g_autofree char *one_host = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u host done", "%u of %u hosts done", 1), 0, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, g_dgettext (GETTEXT_PACKAGE, "%Y-%m-%d"));
  g_autofree char *today_iso = g_date_time_format (now, "%Y-%m-%d");
  g_auto(GStrv) run_settings = NULL;
  const char *settings;

  /* The silent server keeps the checks running long enough to read the
   * progress: one host, whatever rows its name and address have. */
  practise (fixture, MFD_LAB_SILENT, PRACTICE_STARTED);
  g_assert_cmpstr (mfd_checks_page_get_progress_text (checks), ==, one_host);
  g_assert_true (mfd_test_ui_wait_until (mfd_test_ui_shows_results, fixture->window, WAIT_MS));

  g_assert_nonnull (strstr (mfd_results_page_get_checked_text (page), today));
  settings = mfd_results_page_get_settings_text (page);
  /* The fixture runs offline with 3 s timeouts; practice uses its own DNS. */
  g_assert_nonnull (strstr (settings, mfd_target_get_dns_server (mfd_diagnosis_get_target (mfd_results_page_get_diagnosis (page)))));
  run_settings = mfd_target_dup_run_settings (mfd_diagnosis_get_target (mfd_results_page_get_diagnosis (page)), NULL);
  g_assert_cmpuint (g_strv_length (run_settings), >=, 3);

  report = mfd_report_render_diagnosis (mfd_results_page_get_diagnosis (page), MFD_REPORT_TEXT, "en");
  g_assert_nonnull (strstr (report, "Settings that changed this run"));
  g_assert_nonnull (strstr (report, "Offline"));
  g_assert_nonnull (strstr (report, "Timeouts: connection "));
  /* The cause in words, its id beside it. */
  g_assert_nonnull (strstr (report, "(greeting-timeout)"));

  name = mfd_results_page_dup_export_name (page, "md");
  g_assert_true (g_str_has_prefix (name, "mail-flow-doctor-"));
  g_assert_nonnull (strstr (name, "mail.contoso.test"));
  g_assert_nonnull (strstr (name, today_iso));
  g_assert_true (g_str_has_suffix (name, ".md"));
  g_assert_null (strchr (name, '/'));
  g_assert_null (strchr (name, ':'));
}

static gboolean
no_toasts (gpointer data)
{
  return mfd_window_get_n_toasts (data) == 0;
}

/* "Remind me" says when, then gets out of the way: it times out (also in a
 * window without focus) and does not follow to other pages. */
static void
test_toasts (Fixture       *fixture,
             gconstpointer  data)
{
  MfdResultsPage *page = results_page (fixture);

  practise (fixture, MFD_LAB_REFUSE, PRACTICE_RESULTS);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "results.remind", NULL));
  g_assert_cmpuint (mfd_window_get_n_toasts (fixture->window), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  /* Gone soon after the page changed (not at once: a toast still sliding
   * in is left to settle, see TOAST_SETTLE_MS). */
  g_assert_true (mfd_test_ui_wait_until (no_toasts, fixture->window, WAIT_MS));

  mfd_window_show_page (fixture->window, "results");
  mfd_results_page_copy_command (page, 0, find_command (page, "Set-OutboundConnector"));
  g_assert_cmpuint (mfd_window_get_n_toasts (fixture->window), ==, 1);
  g_assert_true (mfd_test_ui_wait_until (no_toasts, fixture->window, WAIT_MS));
}

static gboolean
is_focus_inside (GtkWidget *focus,
                 GtkWidget *widget)
{
  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_descendant (child, type)) != NULL)
        return found;
    }
  return NULL;
}

/* Read-only rows (what we saw, what it means, the step rows) are no tab
 * stops; only rows that do something are. */
static guint
count_focusable_readonly_rows (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_ACTION_ROW (child) && !ADW_IS_COMBO_ROW (child) &&
          adw_action_row_get_activatable_widget (ADW_ACTION_ROW (child)) == NULL &&
          !gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (child)) &&
          gtk_widget_get_focusable (child))
        n++;
      n += count_focusable_readonly_rows (child);
    }
  return n;
}

static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  MfdConnectorsPage *connectors = MFD_CONNECTORS_PAGE (mfd_window_get_page (fixture->window, "connectors"));
  GtkWidget *ndr = mfd_window_get_page (fixture->window, "ndr");
  GtkEditable *search;
  GtkWindow *editor;

  /* The NDR page opens ready for Ctrl+V. */
  mfd_window_show_page (fixture->window, "ndr");
  mfd_test_ui_iterate_until_idle ();
  g_assert_true (is_focus_inside (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                  find_descendant (ndr, GTK_TYPE_TEXT_VIEW)));
  mfd_window_show_page (fixture->window, "start");

  /* Escape in the search clears it; in the empty search it goes back. */
  mfd_window_show_page (fixture->window, "connectors");
  search = GTK_EDITABLE (find_descendant (GTK_WIDGET (connectors), GTK_TYPE_SEARCH_ENTRY));
  g_assert_nonnull (search);
  gtk_editable_set_text (search, "contoso");
  g_signal_emit_by_name (search, "stop-search");
  g_assert_cmpstr (gtk_editable_get_text (search), ==, "");
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "connectors");
  g_signal_emit_by_name (search, "stop-search");
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "start");

  /* The new connector dialog starts at its name. */
  mfd_window_show_page (fixture->window, "connectors");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (connectors), "connectors.add", NULL));
  editor = find_toplevel (MFD_TYPE_CONNECTOR_EDITOR);
  g_assert_nonnull (editor);
  mfd_test_ui_iterate_until_idle ();
  g_assert_true (is_focus_inside (gtk_root_get_focus (GTK_ROOT (editor)),
                                  GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (editor), MFD_TYPE_CONNECTOR_EDITOR, "name_row"))));
  gtk_window_destroy (editor);

  /* The results page and the checks page keep Tab for what acts. */
  practise (fixture, MFD_LAB_REFUSE, PRACTICE_BUILT);
  g_assert_cmpuint (count_focusable_readonly_rows (GTK_WIDGET (results_page (fixture))), ==, 0);
  g_assert_cmpuint (count_focusable_readonly_rows (GTK_WIDGET (checks_page (fixture))), ==, 0);
  g_assert_cmpuint (count_focusable_readonly_rows (ndr), ==, 0);
}

/* "not a server" never reaches the settings, and the field says why. */
static void
test_preferences_dns_server (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  MfdPreferencesWindow *preferences = mfd_preferences_window_new (GTK_WINDOW (fixture->window), settings);
  GtkEditable *entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (preferences), MFD_TYPE_PREFERENCES_WINDOW, "dns_server"));
  g_autofree char *stored = NULL;

  gtk_window_present (GTK_WINDOW (preferences));
  g_settings_set_string (settings, "dns-server", "");

  gtk_editable_set_text (entry, "127.0.0.1:5353");
  g_assert_true (mfd_preferences_window_get_dns_server_valid (preferences));
  stored = g_settings_get_string (settings, "dns-server");
  g_assert_cmpstr (stored, ==, "127.0.0.1:5353");

  gtk_editable_set_text (entry, "not a server");
  g_assert_false (mfd_preferences_window_get_dns_server_valid (preferences));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  /* (Replacing the text passes through "": this computer's resolvers.) */
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "dns-server");
  g_assert_cmpstr (stored, !=, "not a server");
  g_assert_true (*stored == '\0' || g_str_equal (stored, "127.0.0.1:5353"));

  gtk_editable_set_text (entry, "");
  g_assert_true (mfd_preferences_window_get_dns_server_valid (preferences));
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "dns-server");
  g_assert_cmpstr (stored, ==, "");

  /* Escape in a field leaves the field; the window stays open. GTK 4 has
   * no synthetic key events: the window's own key controller is asked, as
   * GTK would in the capture phase. */
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  mfd_test_ui_iterate_until_idle ();
  g_assert_true (GTK_IS_TEXT (gtk_root_get_focus (GTK_ROOT (preferences))));
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (preferences));
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
            gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Escape, 0, 0, &handled);
      }
    g_assert_true (handled);
  }
  g_assert_false (GTK_IS_TEXT (gtk_root_get_focus (GTK_ROOT (preferences))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (preferences)));

  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* Commands wrap between their words at 360 px, never inside
 * "Set-OutboundConnector" or "postmaster@…". */
static void
assert_wraps_between_words (GtkWidget *widget,
                            guint     *n_wrapped)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "monospace") &&
          strstr (gtk_label_get_label (GTK_LABEL (child)), "Connector") != NULL)
        {
          PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (child));
          const char *text = pango_layout_get_text (layout);

          for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
            {
              PangoLayoutLine *line = l->data;
              const char *word_start;
              const char *word_end;

              if (line->start_index == 0)
                continue;
              (*n_wrapped)++;
              if (text[line->start_index - 1] == ' ')
                continue;
              /* Only a word too long for any line may break inside. */
              word_start = text + line->start_index;
              while (word_start > text && word_start[-1] != ' ')
                word_start--;
              word_end = strchr (text + line->start_index, ' ');
              if (word_end == NULL)
                word_end = text + strlen (text);
              g_assert_cmpint (word_end - word_start, >, 32);
            }
        }
      assert_wraps_between_words (child, n_wrapped);
    }
}

static void
test_command_wrap (Fixture       *fixture,
                   gconstpointer  data)
{
  guint n_wrapped = 0;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 700);
  practise (fixture, MFD_LAB_REFUSE, PRACTICE_BUILT);
  mfd_test_ui_iterate_until_idle ();

  assert_wraps_between_words (GTK_WIDGET (results_page (fixture)), &n_wrapped);
  /* At 360 px the long commands do wrap: the test saw breaks. */
  g_assert_cmpuint (n_wrapped, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mfd_test_ui_init (&argc, &argv);

  /* The paths run in three processes (the rows test-wizard, test-wizard-2
   * and test-wizard-policy build this file with MFD_WIZARD_PART 1, 2, 3):
   * GLib keeps its quarks in blocks of 2,048 and, by design, never frees the
   * first block once it grows past it (gquark.c, for lock-free lookups), and
   * LeakSanitizer rightly reports that 16 KiB block. One process running
   * every path registered 2,056 quarks. */
  switch (wizard_part)
    {
    case 1:
      g_test_add ("/wizard/recent-hand-edited", Fixture, NULL, fixture_setup, test_recent_hand_edited, fixture_teardown);
      g_test_add ("/wizard/practice-connector-refused", Fixture, NULL, fixture_setup, test_practice_flow, fixture_teardown);
      g_test_add ("/wizard/practice-healthy", Fixture, NULL, fixture_setup, test_healthy, fixture_teardown);
      g_test_add ("/wizard/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
      g_test_add ("/wizard/ndr-paste", Fixture, NULL, fixture_setup, test_ndr_flow, fixture_teardown);
      g_test_add ("/wizard/ndr-open-eml", Fixture, NULL, fixture_setup, test_ndr_open_eml, fixture_teardown);
      g_test_add ("/wizard/ndr-several", Fixture, NULL, fixture_setup, test_ndr_several, fixture_teardown);
      g_test_add ("/wizard/vantage-banner", Fixture, NULL, fixture_setup, test_vantage_banner, fixture_teardown);
      g_test_add ("/wizard/warning-without-reply", Fixture, NULL, fixture_setup, test_warning_without_reply, fixture_teardown);
      g_test_add ("/wizard/ndr-multi-recipient", Fixture, NULL, fixture_setup, test_ndr_multi_recipient, fixture_teardown);
      break;
    case 2:
      g_test_add ("/wizard/import-connectors", Fixture, NULL, fixture_setup, test_import_and_edit, fixture_teardown);
      g_test_add ("/wizard/connector-refused", Fixture, NULL, fixture_setup, test_connector_flow, fixture_teardown);
      g_test_add ("/wizard/export", Fixture, NULL, fixture_setup, test_export, fixture_teardown);
      g_test_add ("/wizard/placeholders", Fixture, NULL, fixture_setup, test_placeholders, fixture_teardown);
      g_test_add ("/wizard/certificate", Fixture, NULL, fixture_setup, test_certificate, fixture_teardown);
      g_test_add ("/wizard/run-facts", Fixture, NULL, fixture_setup, test_run_facts, fixture_teardown);
      g_test_add ("/wizard/toasts", Fixture, NULL, fixture_setup, test_toasts, fixture_teardown);
      g_test_add ("/wizard/keyboard", Fixture, NULL, fixture_setup, test_keyboard, fixture_teardown);
      g_test_add ("/wizard/preferences-dns-server", Fixture, NULL, fixture_setup, test_preferences_dns_server, fixture_teardown);
      g_test_add ("/wizard/command-wrap", Fixture, NULL, fixture_setup, test_command_wrap, fixture_teardown);
      break;
    default:
      g_test_add ("/wizard/practice-mta-sts", Fixture, NULL, fixture_setup, test_practice_mta_sts, fixture_teardown);
      g_test_add ("/wizard/practice-dane", Fixture, NULL, fixture_setup, test_practice_dane, fixture_teardown);
      break;
    }

  status = g_test_run ();
  /* Quarks are numbered from 1: a 2,048th means the first block is gone. */
  if (g_quark_to_string (QUARK_BLOCK) != NULL)
    {
      g_printerr ("test-wizard: more than %d quarks in one process; LeakSanitizer will report GLib's first "
                  "quark block: move paths to another MFD_WIZARD_PART\n", QUARK_BLOCK - 1);
      return 1;
    }
  return status;
}
