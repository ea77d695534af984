/* mfd-cli-watch.c — `mail-flow-doctor watch`: the watch list, and one round
 * of checks for a timer
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-cli"

#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "mfd/mfd.h"
#include "mfd-cli-private.h"

#define EXIT_INTERRUPTED 130

typedef struct
{
  MfdCliSettings settings;     /* first: the option callbacks find it here */
  gboolean  once;
  gboolean  list;
  gboolean  json;
  char    **add;
  char    **add_mx;
  char    **remove;
  char     *lang;
  MfdConnectorStore *store;
} WatchOptions;

static void
watch_options_clear (WatchOptions *o)
{
  g_clear_pointer (&o->add, g_strfreev);
  g_clear_pointer (&o->add_mx, g_strfreev);
  g_clear_pointer (&o->remove, g_strfreev);
  g_clear_pointer (&o->lang, g_free);
  g_clear_object (&o->store);
  mfd_cli_settings_clear (&o->settings);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WatchOptions, watch_options_clear)

static int
usage_error (const char *lang,
             const char *message)
{
  g_printerr ("mail-flow-doctor: %s\n", message);
  g_printerr ("%s\n", mfd_tr (lang, N_("Run “mail-flow-doctor watch --help” to see the options.")));
  return MFD_CLI_EXIT_USAGE;
}

static void
print_error (const char *lang,
             const char *msgid,
             const char *arg)
{
  g_autofree char *text = mfd_text_render_va (lang, msgid, arg, NULL);

  g_printerr ("mail-flow-doctor: %s\n", text);
}

/* The target of @id with this computer's settings from the options, the
 * same settings `check` takes. */
static MfdTarget *
build_target_cb (const char  *id,
                 gpointer     user_data,
                 GError     **error)
{
  WatchOptions *o = user_data;
  g_autoptr(MfdTarget) target = mfd_watch_build_target (id, o->store, error);

  if (target == NULL)
    return NULL;
  mfd_cli_settings_apply (&o->settings, target);

  if (!mfd_target_validate (target, o->lang, error))
    return NULL;
  return g_steal_pointer (&target);
}

static void
add_time_or_null (JsonBuilder *builder,
                  const char  *key,
                  gint64       t)
{
  json_builder_set_member_name (builder, key);
  if (t == 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
      g_autofree char *text = g_date_time_format_iso8601 (dt);

      json_builder_add_string_value (builder, text);
    }
}

static JsonNode *
result_to_json (MfdWatchResult *result,
                const char     *lang)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  MfdWatchRecord *record = result->record;
  MfdVerdict verdict = record != NULL ? record->verdict : MFD_VERDICT_INCONCLUSIVE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_string_value (builder, "mail-flow-doctor/watch-result/1");
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, result->target);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, mfd_watch_id_get_label (result->target));
  add_time_or_null (builder, "time", record != NULL ? record->time : g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, mfd_verdict_to_string (verdict));
  json_builder_set_member_name (builder, "error");
  if (result->error != NULL)
    json_builder_add_string_value (builder, result->error->message);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; record != NULL && i < record->findings->len; i++)
    {
      MfdWatchFinding *finding = g_ptr_array_index (record->findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      if (finding->code != NULL)
        json_builder_add_string_value (builder, finding->code);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "cause");
      json_builder_add_string_value (builder, finding->cause != NULL ? finding->cause : "");
      json_builder_set_member_name (builder, "host");
      if (finding->host != NULL)
        json_builder_add_string_value (builder, finding->host);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "warning");
      json_builder_add_boolean_value (builder, finding->warning);
      json_builder_set_member_name (builder, "inconclusive");
      json_builder_add_boolean_value (builder, finding->inconclusive);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_time_or_null (builder, "certificate_expiry", record != NULL ? record->cert_expiry : 0);
  add_time_or_null (builder, "domain_expiry", record != NULL ? record->domain_expiry : 0);

  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; result->events != NULL && i < result->events->len; i++)
    {
      MfdWatchEvent *event = g_ptr_array_index (result->events, i);
      g_autofree char *text = mfd_watch_event_describe (event, lang);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, mfd_watch_event_kind_to_string (event->kind));
      json_builder_set_member_name (builder, "code");
      if (event->code != NULL)
        json_builder_add_string_value (builder, event->code);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "days");
      if (event->days != 0)
        json_builder_add_int_value (builder, event->days);
      else
        json_builder_add_null_value (builder);
      add_time_or_null (builder, "expiry", event->expiry);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_result_line (MfdWatchResult *result,
                   const char     *lang)
{
  MfdWatchRecord *record = result->record;
  MfdVerdict verdict = record != NULL ? record->verdict : MFD_VERDICT_INCONCLUSIVE;
  const char *problem = record != NULL ? mfd_watch_record_get_problem (record) : NULL;
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "%s\t%s", mfd_verdict_to_string (verdict),
                          mfd_watch_id_get_label (result->target));
  if (problem != NULL)
    g_string_append_printf (line, "\t%s", problem);
  else if (result->error != NULL)
    g_string_append_printf (line, "\t%s", result->error->message);
  for (guint i = 0; result->events != NULL && i < result->events->len; i++)
    {
      g_autofree char *text = mfd_watch_event_describe (g_ptr_array_index (result->events, i), lang);

      g_string_append_printf (line, "\t%s", text);
    }
  g_print ("%s\n", line->str);
}

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  GPtrArray    *results;
  GError       *error;
  gboolean      interrupted;
} WatchRun;

static gboolean
on_interrupt_cb (gpointer user_data)
{
  WatchRun *run = user_data;

  run->interrupted = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
on_checked_all_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  WatchRun *run = user_data;

  run->results = mfd_watcher_check_finish (MFD_WATCHER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static int
run_once (WatchOptions *o,
          MfdWatchList *list)
{
  const char *lang = o->lang;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdWatchHistory) history = NULL;
  g_autoptr(MfdWatcher) watcher = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  WatchRun run = { loop, cancellable, NULL, NULL, FALSE };
  guint sigint_id, sigterm_id;
  gboolean all_ok = TRUE;

  if (mfd_watch_list_get_ids (list)[0] == NULL)
    {
      g_printerr ("mail-flow-doctor: %s\n",
                  mfd_tr (lang, N_("Nothing is watched. Add a saved connector with “watch --add NAME” or a domain with “watch --add-mx DOMAIN”.")));
      return MFD_CLI_EXIT_USAGE;
    }

  o->store = mfd_connector_store_new (g_getenv ("MFD_CONNECTORS_FILE"));
  if (!mfd_connector_store_load (o->store, &error))
    {
      /* The watched domains can still be checked; the connectors show up
       * as not checkable, each with this reason. */
      print_error (lang, N_("The saved connectors could not be read: {1}"), error->message);
      g_clear_error (&error);
    }

  history = mfd_watch_history_open (NULL, &error);
  if (history == NULL)
    {
      print_error (lang, N_("The watch history could not be opened: {1}"), error->message);
      return MFD_CLI_EXIT_PROBLEM;
    }
  if (mfd_watch_history_get_moved_aside (history) != NULL)
    print_error (lang, N_("The watch history was damaged. It was kept as “{1}”, and a new history was started."),
                 mfd_watch_history_get_moved_aside (history));

  watcher = mfd_watcher_new (list, history);
  mfd_watcher_set_target_func (watcher, build_target_cb, o, NULL);

  sigint_id = g_unix_signal_add (SIGINT, on_interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt_cb, &run);
  mfd_watcher_check_async (watcher, NULL, cancellable, on_checked_all_cb, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  if (run.interrupted || run.results == NULL)
    {
      g_clear_error (&run.error);
      g_printerr ("mail-flow-doctor: %s\n", mfd_tr (lang, N_("The check was cancelled.")));
      return EXIT_INTERRUPTED;
    }

  for (guint i = 0; i < run.results->len; i++)
    {
      MfdWatchResult *result = g_ptr_array_index (run.results, i);

      if (result->record == NULL || result->record->verdict != MFD_VERDICT_OK)
        all_ok = FALSE;
      if (result->record == NULL && result->error != NULL)
        print_error (lang, N_("The result could not be kept in the history: {1}"), result->error->message);

      if (o->json)
        {
          g_autoptr(JsonNode) node = result_to_json (result, lang);
          g_autoptr(JsonGenerator) generator = json_generator_new ();
          g_autofree char *text = NULL;

          /* One object per line: a log collector reads it line by line. */
          json_generator_set_root (generator, node);
          text = json_generator_to_data (generator, NULL);
          g_print ("%s\n", text);
        }
      else
        print_result_line (result, lang);
    }
  g_ptr_array_unref (run.results);

  return all_ok ? MFD_CLI_EXIT_OK : MFD_CLI_EXIT_PROBLEM;
}

static int
edit_list (WatchOptions *o,
           MfdWatchList *list)
{
  const char *lang = o->lang;
  g_autoptr(GError) error = NULL;

  if (o->add != NULL)
    {
      o->store = mfd_connector_store_new (g_getenv ("MFD_CONNECTORS_FILE"));
      if (!mfd_connector_store_load (o->store, &error))
        {
          print_error (lang, N_("The saved connectors could not be read: {1}"), error->message);
          return MFD_CLI_EXIT_USAGE;
        }
    }

  for (guint i = 0; o->add != NULL && o->add[i] != NULL; i++)
    {
      g_autofree char *id = NULL;

      if (mfd_connector_store_find (o->store, o->add[i]) == NULL)
        {
          print_error (lang, N_("No saved connector is named “{1}”."), o->add[i]);
          return MFD_CLI_EXIT_USAGE;
        }
      id = mfd_watch_id_for_connector (o->add[i]);
      mfd_watch_list_add (list, id);
    }

  for (guint i = 0; o->add_mx != NULL && o->add_mx[i] != NULL; i++)
    {
      g_autofree char *reason = mfd_target_check_mx_domain (o->add_mx[i], lang);
      g_autofree char *id = NULL;

      if (reason != NULL)
        {
          g_autofree char *message = g_strdup_printf ("--add-mx: %s", reason);

          return usage_error (lang, message);
        }
      id = mfd_watch_id_for_mx (o->add_mx[i]);
      mfd_watch_list_add (list, id);
    }

  for (guint i = 0; o->remove != NULL && o->remove[i] != NULL; i++)
    {
      g_autofree char *as_connector = mfd_watch_id_for_connector (o->remove[i]);
      g_autofree char *as_mx = mfd_watch_id_for_mx (o->remove[i]);

      if (!mfd_watch_list_remove (list, o->remove[i]) &&
          !mfd_watch_list_remove (list, as_connector) &&
          !mfd_watch_list_remove (list, as_mx))
        {
          print_error (lang, N_("“{1}” is not watched."), o->remove[i]);
          return MFD_CLI_EXIT_USAGE;
        }
    }

  if (!mfd_watch_list_save (list, &error))
    {
      print_error (lang, N_("The list of watched connectors could not be saved: {1}"), error->message);
      return MFD_CLI_EXIT_PROBLEM;
    }
  return MFD_CLI_EXIT_OK;
}

int
mfd_cli_watch (int    argc,
               char **argv)
{
  g_auto(WatchOptions) o = { { NULL } };
  const GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &o.once,
      N_("Check every watched connector and domain once, keep the results in the history, and print one line each"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json,
      N_("With --once: print one JSON object per line"), NULL },
    { "list", 0, 0, G_OPTION_ARG_NONE, &o.list,
      N_("Print the watched connectors and domains"), NULL },
    { "add", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.add,
      N_("Watch the saved connector with this name"), "NAME" },
    { "add-mx", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.add_mx,
      N_("Watch the MX hosts of this recipient domain"), "DOMAIN" },
    { "remove", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.remove,
      N_("Stop watching this connector or domain"), "NAME" },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &o.lang,
      N_("The language of the output"), "ja|en" },
    { NULL }
  };
  const char *help_lang = mfd_cli_find_lang (argc, argv);
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionGroup *group = g_option_group_new ("watch", "", "", &o, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdWatchList) list = NULL;
  gboolean editing;

  if (help_lang != NULL && !g_str_equal (help_lang, "ja") && !g_str_equal (help_lang, "en"))
    help_lang = NULL;
  o.settings.help_lang = help_lang;
  g_option_group_add_entries (group, entries);
  mfd_cli_settings_add_entries (group, &o.settings);
  g_option_group_set_translate_func (group, mfd_cli_translate_option_cb, (gpointer) help_lang, NULL);
  g_option_context_set_main_group (context, group);
  g_option_context_set_translate_func (context, mfd_cli_translate_option_cb, (gpointer) help_lang, NULL);
  g_option_context_set_summary (context,
                                mfd_tr (help_lang, N_("Watches saved connectors and domains: which ones, and one round of checks for a timer. The window checks them on its own interval.")));
  g_option_context_set_description (context,
                                    mfd_tr (help_lang, N_("Exit status of --once: 0 every watched target is fine, 1 at least one has a problem or an inconclusive result, 2 bad usage or nothing watched, 130 cancelled.")));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (help_lang, error->message);
  if (!mfd_cli_check_lang (o.lang))
    return MFD_CLI_EXIT_USAGE;
  if (argc > 1)
    {
      g_autofree char *message = mfd_text_render_va (o.lang, N_("Unexpected argument “{1}”."), argv[1], NULL);
      return usage_error (o.lang, message);
    }

  editing = o.add != NULL || o.add_mx != NULL || o.remove != NULL;
  if ((int) o.once + (int) o.list + (int) editing != 1)
    return usage_error (o.lang, mfd_tr (o.lang, N_("Say what to do: --once, --list, or --add / --add-mx / --remove.")));
  if (o.json && !o.once)
    return usage_error (o.lang, mfd_tr (o.lang, N_("--json goes with --once.")));
  if (!mfd_cli_settings_check (&o.settings, o.lang, &error))
    return usage_error (o.lang, error->message);

  list = mfd_watch_list_new (NULL);
  if (!mfd_watch_list_load (list, &error))
    {
      print_error (o.lang, "{1}", error->message);
      /* A list moved aside was reported; an unreadable one is still in
       * place and stays so (saving is refused). */
      if (!g_error_matches (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_CORRUPT))
        return MFD_CLI_EXIT_PROBLEM;
      g_clear_error (&error);
    }

  if (editing)
    return edit_list (&o, list);

  if (o.list)
    {
      const char * const *ids = mfd_watch_list_get_ids (list);

      for (guint i = 0; ids[i] != NULL; i++)
        g_print ("%s\n", ids[i]);
      return MFD_CLI_EXIT_OK;
    }

  return run_once (&o, list);
}
