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
#include "mfd-results-page.h"
#include "mfd-start-page.h"
#include "mfd-window.h"
#include "mfd-test-ca.h"
#include "mfd-test-ui.h"

/* Generous: the practice timeouts are 3 s and the machine is shared. */
#define WAIT_MS 30000

typedef gboolean (*Condition) (gpointer data);

typedef struct
{
  MfdWindow *window;
  char      *dir;
} Fixture;

static gboolean
wait_until (Condition condition,
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      if (!g_main_context_pending (NULL))
        g_usleep (1000);
    }
  return TRUE;
}

static gboolean
on_page_results (gpointer data)
{
  return g_strcmp0 (mfd_window_get_page_name (data), "results") == 0;
}

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
  g_settings_set_uint (settings, "connect-timeout", 3);
  g_settings_set_uint (settings, "reply-timeout", 3);
  g_settings_set_uint (settings, "tls-timeout", 3);
  g_settings_set_uint (settings, "dns-timeout", 2);
  g_settings_set_strv (settings, "recent", NULL);

  fixture->window = mfd_window_new (NULL);
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

  g_assert_true (wait_until (on_page_results, fixture->window));
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
  g_assert_true (wait_until (on_page_results, fixture->window));
  assert_finding (fixture, "4.4.316", "tcp-refused");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "practice");

  /* Back to the start ends the practice. */
  mfd_window_show_page (fixture->window, "start");
  g_assert_false (mfd_window_is_practising (fixture->window));
}

static gboolean
on_checks_started (gpointer data)
{
  MfdChecksPage *page = data;

  return mfd_checks_page_get_n_finished_steps (page) > 0;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MfdChecksPage *page = checks_page (fixture);

  mfd_window_show_page (fixture->window, "practice");
  /* The silent server accepts and never greets: the checks wait. */
  g_assert_true (mfd_window_start_practice (fixture->window, MFD_LAB_SILENT, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (on_checks_started, page));
  g_assert_true (mfd_checks_page_is_running (page));

  /* Escape = win.back: cancels and returns to where we came from. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "practice");
  g_assert_true (wait_until ((Condition) mfd_checks_page_was_cancelled, page));
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
  g_assert_true (wait_until (ndr_parsed, page));

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

  mfd_ndr_page_run_checks (page);
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "checks");
  g_assert_true (wait_until (on_page_results, fixture->window));
  assert_finding (fixture, "4.4.317", "greeting-rejected");

  /* Back from the results returns to the NDR, not to the finished checks. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "ndr");
}

static gboolean
ndr_error_shown (gpointer data)
{
  return mfd_ndr_page_get_card_text (data, "error") != NULL;
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
  g_assert_true (wait_until (ndr_error_shown, page));
  g_assert_null (mfd_ndr_page_get_selected_entry (page));

  mfd_ndr_page_set_text (page,
                         "450 4.4.316 Connection refused [Message=Socket error code 10061] "
                         "[LastAttemptedServerName=mail.contoso.test] [LastAttemptedIP=192.0.2.25:25] "
                         "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2026-03-04T01:02:03.456Z 08DD5A1B2C3D4E5F]\n"
                         "450 4.4.315 Connection timed out [Message=Socket error code 10060] "
                         "[LastAttemptedServerName=mail2.contoso.test] [LastAttemptedIP=192.0.2.26:25] "
                         "[TYAPR01FT012.eop-APC01.prod.protection.outlook.com 2026-03-04T02:02:03.456Z 08DD5A1B2C3D4E60]\n");
  g_assert_true (wait_until (ndr_parsed, page));
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
  g_assert_true (wait_until (ndr_parsed, page));

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
  g_assert_true (wait_until (two_connectors, page));

  connector = mfd_connector_store_find (store, "Outbound to Contoso");
  g_assert_nonnull (connector);
  g_assert_cmpint (mfd_connector_get_tls_mode (connector), ==, MFD_TLS_DOMAIN_VALIDATION);
  g_assert_false (mfd_connector_get_enabled (mfd_connector_store_find (store, "Partner Fabrikam")));

  mfd_connectors_page_set_search (page, "fabri");
  g_assert_cmpuint (mfd_connectors_page_get_n_visible (page), ==, 1);
  mfd_connectors_page_set_search (page, "");
  g_assert_cmpuint (mfd_connectors_page_get_n_visible (page), ==, 2);

  /* The list was saved where the store lives. */
  g_assert_true (wait_until (saved, page));
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
  g_assert_true (wait_until (saved, page));
}

static gboolean
port_25_is_closed (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 2);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", 25, NULL, NULL);
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
   * practice DNS sends it to 127.0.0.1, where nothing may listen. */
  if (!port_25_is_closed ())
    {
      g_test_skip ("something listens on 127.0.0.1:25");
      return;
    }
  lab = mfd_lab_new (MFD_LAB_REFUSE, &error);
  g_assert_no_error (error);
  g_settings_set_string (settings, "dns-server", mfd_lab_get_dns_server (lab));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "connectors"));
  mfd_connectors_page_import_file (page, file);
  g_assert_true (wait_until (two_connectors, page));
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
  g_assert_true (wait_until (on_page_results, fixture->window));
  assert_finding (fixture, "4.4.316", "tcp-refused");
  g_assert_cmpstr (mfd_target_get_connector_name (mfd_diagnosis_get_target (mfd_results_page_get_diagnosis (results_page (fixture)))),
                   ==, "Outbound to Contoso");

  /* The diagnosis is listed on the start page, and reopens from there. */
  mfd_window_show_page (fixture->window, "start");
  g_assert_cmpuint (mfd_start_page_get_n_recent (start), ==, 1);
  g_assert_true (mfd_start_page_activate_recent (start, 0));
  g_assert_cmpstr (mfd_window_get_page_name (fixture->window), ==, "results");
  assert_finding (fixture, "4.4.316", "tcp-refused");
}

typedef struct
{
  gboolean done;
  GError  *error;
} ExportData;

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportData *export = user_data;

  mfd_results_page_export_finish (MFD_RESULTS_PAGE (source), result, &export->error);
  export->done = TRUE;
}

static gboolean
export_done (gpointer data)
{
  return ((ExportData *) data)->done;
}

static void
export_report (Fixture         *fixture,
               const char      *name,
               MfdReportFormat  format,
               const char      *lang,
               char           **contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  ExportData export = { FALSE, NULL };

  mfd_results_page_export_async (results_page (fixture), file, format, lang, NULL, on_exported_cb, &export);
  g_assert_true (wait_until (export_done, &export));
  g_assert_no_error (export.error);
  g_assert_true (g_file_get_contents (path, contents, NULL, &error));
  g_assert_no_error (error);
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

  mfd_window_show_page (fixture->window, "practice");
  g_assert_true (mfd_window_start_practice (fixture->window, MFD_LAB_REFUSE, &error));
  g_assert_true (wait_until (on_page_results, fixture->window));

  export_report (fixture, "report.json", MFD_REPORT_JSON, NULL, &json);
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
  g_autoptr(GError) error = NULL;
  MfdResultsPage *page = results_page (fixture);

  mfd_window_show_page (fixture->window, "practice");
  g_assert_true (mfd_window_start_practice (fixture->window, MFD_LAB_HEALTHY, &error));
  g_assert_true (wait_until (on_page_results, fixture->window));

  g_assert_cmpint (mfd_diagnosis_get_verdict (mfd_results_page_get_diagnosis (page)), ==, MFD_VERDICT_OK);
  g_assert_cmpuint (mfd_results_page_get_n_findings (page), ==, 0);
  g_assert_cmpstr (mfd_results_page_get_status_title (page), ==, _("No problem found from this computer"));
}

int
main (int   argc,
      char *argv[])
{
  mfd_test_ui_init (&argc, &argv);

  g_test_add ("/wizard/recent-hand-edited", Fixture, NULL, fixture_setup, test_recent_hand_edited, fixture_teardown);
  g_test_add ("/wizard/practice-connector-refused", Fixture, NULL, fixture_setup, test_practice_flow, fixture_teardown);
  g_test_add ("/wizard/practice-healthy", Fixture, NULL, fixture_setup, test_healthy, fixture_teardown);
  g_test_add ("/wizard/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/wizard/ndr-paste", Fixture, NULL, fixture_setup, test_ndr_flow, fixture_teardown);
  g_test_add ("/wizard/ndr-open-eml", Fixture, NULL, fixture_setup, test_ndr_open_eml, fixture_teardown);
  g_test_add ("/wizard/ndr-several", Fixture, NULL, fixture_setup, test_ndr_several, fixture_teardown);
  g_test_add ("/wizard/import-connectors", Fixture, NULL, fixture_setup, test_import_and_edit, fixture_teardown);
  g_test_add ("/wizard/connector-refused", Fixture, NULL, fixture_setup, test_connector_flow, fixture_teardown);
  g_test_add ("/wizard/export", Fixture, NULL, fixture_setup, test_export, fixture_teardown);

  return g_test_run ();
}
