/* mfd-web-endpoints.c — the addresses EOP connects from
 *
 * A firewall that lets the admin's desk reach TCP 25 may still refuse EOP.
 * Microsoft publishes EOP's ranges in its IP/URL web service: the entry for
 * *.mail.protection.outlook.com on TCP 25. The service asks clients to look
 * at /version first (at most hourly) and download the list only when it
 * changed, so the last copy is kept in the user's cache, which also serves
 * when offline.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-web"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mfd-text.h"
#include "mfd-web-parse.h"

#define CACHE_FILE_NAME   "eop-ranges.json"
#define CACHE_SCHEMA      "mail-flow-doctor/eop-ranges/1"
#define EOP_MAIL_URL      "*.mail.protection.outlook.com"
#define VERSION_INTERVAL  G_TIME_SPAN_HOUR

typedef struct
{
  gboolean       offline;
  char          *source;       /* the endpoints URL the copy must come from */
  char          *cache_path;
  MfdEopRanges  *cached;       /* NULL when there is no usable copy */
  char          *client_request_id;
  char          *latest;       /* the version the service names */
  MfdEopRanges  *result;
} EopFetch;

static void
eop_fetch_free (EopFetch *fetch)
{
  g_clear_pointer (&fetch->cached, mfd_eop_ranges_free);
  g_clear_pointer (&fetch->result, mfd_eop_ranges_free);
  g_free (fetch->source);
  g_free (fetch->cache_path);
  g_free (fetch->client_request_id);
  g_free (fetch->latest);
  g_free (fetch);
}

void
mfd_eop_ranges_free (MfdEopRanges *ranges)
{
  if (ranges == NULL)
    return;
  g_strfreev (ranges->ranges);
  g_free (ranges->version);
  g_clear_pointer (&ranges->fetched, g_date_time_unref);
  g_clear_pointer (&ranges->checked, g_date_time_unref);
  g_free (ranges);
}

static MfdEopRanges *
eop_ranges_copy (const MfdEopRanges *ranges)
{
  MfdEopRanges *copy = g_new0 (MfdEopRanges, 1);

  copy->ranges = g_strdupv (ranges->ranges);
  copy->version = g_strdup (ranges->version);
  copy->fetched = ranges->fetched ? g_date_time_ref (ranges->fetched) : NULL;
  copy->checked = ranges->checked ? g_date_time_ref (ranges->checked) : NULL;
  copy->from_cache = ranges->from_cache;
  copy->stale = ranges->stale;
  return copy;
}

/* Ranges from the service's endpoint list ----------------------------------- */

static gboolean
ports_include_25 (const char *ports)
{
  g_auto(GStrv) parts = NULL;

  if (ports == NULL)
    return FALSE;
  parts = g_strsplit (ports, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (g_strstrip (parts[i]), "25"))
      return TRUE;
  return FALSE;
}

static gboolean
urls_include_eop (JsonArray *urls)
{
  for (guint i = 0; urls != NULL && i < json_array_get_length (urls); i++)
    {
      JsonNode *url = json_array_get_element (urls, i);

      if (JSON_NODE_HOLDS_VALUE (url) && json_node_get_value_type (url) == G_TYPE_STRING
          && g_ascii_strcasecmp (json_node_get_string (url), EOP_MAIL_URL) == 0)
        return TRUE;
    }
  return FALSE;
}

/* GLib 2.74 warns (a GObject property out of range) instead of failing on
 * a prefix length over 128, so the length is checked first. */
static GInetAddressMask *
mask_from_string (const char *text)
{
  const char *slash = strchr (text, '/');
  guint64 length;

  if (slash != NULL && !g_ascii_string_to_unsigned (slash + 1, 10, 0, 128, &length, NULL))
    return NULL;
  return g_inet_address_mask_new_from_string (text, NULL);
}

/* Adds the valid CIDRs of @ips to @ranges, once each, in the service's order. */
static void
collect_ranges (JsonArray *ips,
                GPtrArray *ranges)
{
  for (guint i = 0; ips != NULL && i < json_array_get_length (ips); i++)
    {
      JsonNode *ip = json_array_get_element (ips, i);
      g_autoptr(GInetAddressMask) mask = NULL;
      g_autofree char *text = NULL;

      if (!JSON_NODE_HOLDS_VALUE (ip) || json_node_get_value_type (ip) != G_TYPE_STRING)
        continue;
      mask = mask_from_string (json_node_get_string (ip));
      if (mask == NULL)
        continue;
      text = g_inet_address_mask_to_string (mask);
      if (!g_ptr_array_find_with_equal_func (ranges, text, g_str_equal, NULL))
        g_ptr_array_add (ranges, g_steal_pointer (&text));
    }
}

char **
mfd_web_eop_parse_endpoints (JsonNode *root)
{
  g_autoptr(GPtrArray) ranges = g_ptr_array_new_with_free_func (g_free);
  JsonArray *entries;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  entries = json_node_get_array (root);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      if (!urls_include_eop (mfd_web_json_get_array (entry, "urls"))
          || !ports_include_25 (mfd_web_json_get_string (entry, "tcpPorts")))
        continue;
      collect_ranges (mfd_web_json_get_array (entry, "ips"), ranges);
    }

  if (ranges->len == 0)
    return NULL;
  g_ptr_array_add (ranges, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&ranges), FALSE);
}

/* The cache file ------------------------------------------------------------- */

static GDateTime *
parse_time (JsonObject *object,
            const char *member)
{
  const char *text = mfd_web_json_get_string (object, member);

  if (text == NULL)
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}

/* A damaged or foreign cache file is treated as no cache, and so is a copy
 * from another service than @source (another --endpoints-url): its ranges
 * say nothing about the service asked now. */
MfdEopRanges *
mfd_web_eop_cache_parse (const char  *data,
                         gsize        len,
                         const char  *source,
                         char       **client_request_id)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(MfdEopRanges) ranges = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  JsonObject *object;
  JsonNode *root;
  const char *id;

  if (mfd_json_shape_check (data, len, MFD_WEB_MAX_JSON_DEPTH, MFD_WEB_MAX_JSON_ITEMS) != MFD_JSON_SHAPE_OK
      || !json_parser_load_from_data (parser, data, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (g_strcmp0 (mfd_web_json_get_string (object, "schema"), CACHE_SCHEMA) != 0
      || g_strcmp0 (mfd_web_json_get_string (object, "source"), source) != 0)
    return NULL;

  id = mfd_web_json_get_string (object, "client-request-id");
  if (id != NULL && g_uuid_string_is_valid (id))
    *client_request_id = g_strdup (id);

  ranges = g_new0 (MfdEopRanges, 1);
  ranges->version = g_strdup (mfd_web_json_get_string (object, "version"));
  ranges->fetched = parse_time (object, "fetched");
  ranges->checked = parse_time (object, "checked");
  collect_ranges (mfd_web_json_get_array (object, "ranges"), list);
  if (ranges->version == NULL || ranges->fetched == NULL || list->len == 0)
    return NULL;
  g_ptr_array_add (list, NULL);
  ranges->ranges = (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
  ranges->from_cache = TRUE;

  return g_steal_pointer (&ranges);
}

static char *
eop_cache_serialize (const MfdEopRanges *ranges,
                     const char         *source,
                     const char         *client_request_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *fetched = g_date_time_format_iso8601 (ranges->fetched);
  g_autofree char *checked = g_date_time_format_iso8601 (ranges->checked);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_string_value (builder, CACHE_SCHEMA);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source);
  json_builder_set_member_name (builder, "client-request-id");
  json_builder_add_string_value (builder, client_request_id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, ranges->version);
  json_builder_set_member_name (builder, "fetched");
  json_builder_add_string_value (builder, fetched);
  json_builder_set_member_name (builder, "checked");
  json_builder_add_string_value (builder, checked);
  json_builder_set_member_name (builder, "ranges");
  json_builder_begin_array (builder);
  for (guint i = 0; ranges->ranges[i] != NULL; i++)
    json_builder_add_string_value (builder, ranges->ranges[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static void
eop_cache_load_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  EopFetch *fetch = task_data;
  g_autofree char *data = NULL;
  GStatBuf st;
  gsize len = 0;

  if (g_stat (fetch->cache_path, &st) == 0 && st.st_size <= MFD_WEB_MAX_BODY_SIZE
      && g_file_get_contents (fetch->cache_path, &data, &len, NULL))
    fetch->cached = mfd_web_eop_cache_parse (data, len, fetch->source, &fetch->client_request_id);

  g_task_return_boolean (task, TRUE);
}

static void
eop_cache_save_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  EopFetch *fetch = task_data;
  g_autofree char *dir = g_path_get_dirname (fetch->cache_path);
  g_autofree char *data = eop_cache_serialize (fetch->result, fetch->source, fetch->client_request_id);
  g_autoptr(GError) error = NULL;

  /* A cache that cannot be written costs a download next time, nothing more. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_debug ("Cannot create %s: %s", dir, g_strerror (errno));
  else if (!g_file_set_contents (fetch->cache_path, data, -1, &error))
    g_debug ("Cannot write the EOP ranges cache: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

/* The exchange ----------------------------------------------------------------- */

static void
on_eop_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EopFetch *fetch = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&fetch->result), (GDestroyNotify) mfd_eop_ranges_free);
}

static void
eop_save_and_return (GTask        *task,
                     MfdEopRanges *result)
{
  EopFetch *fetch = g_task_get_task_data (task);
  g_autoptr(GTask) save = NULL;

  fetch->result = result;
  save = g_task_new (g_task_get_source_object (task), NULL, on_eop_saved_cb, g_object_ref (task));
  g_task_set_source_tag (save, eop_save_and_return);
  g_task_set_task_data (save, fetch, NULL);
  g_task_run_in_thread (save, eop_cache_save_thread);
}

/* The service could not tell: the last copy, said to be stale, or why not. */
static void
eop_return_cached_or_fail (GTask         *task,
                           MfdWebFailure *failure)
{
  EopFetch *fetch = g_task_get_task_data (task);
  g_autoptr(MfdWebFailure) owned = failure;

  if (owned != NULL && mfd_web_failure_is_cancelled (owned))
    {
      g_task_return_error (task, g_steal_pointer (&owned->error));
      return;
    }

  if (fetch->cached != NULL)
    {
      MfdEopRanges *ranges = eop_ranges_copy (fetch->cached);

      ranges->from_cache = TRUE;
      ranges->stale = TRUE;
      g_task_return_pointer (task, ranges, (GDestroyNotify) mfd_eop_ranges_free);
      return;
    }

  if (owned != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&owned->error));
      return;
    }

  g_task_return_new_error (task, MFD_WEB_ERROR, MFD_WEB_ERROR_OFFLINE, "%s",
                           mfd_tr (NULL, N_("The EOP address ranges have not been downloaded yet, and lookups on the internet are turned off (offline).")));
}

static char *
eop_build_uri (MfdWeb     *self,
               const char *path,
               const char *client_request_id)
{
  g_autofree char *base = g_strdup (mfd_web_get_endpoints_url (self));
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  return g_strconcat (base, path, "?ClientRequestId=", client_request_id, NULL);
}

static MfdWebFailure *
eop_shape_failure (MfdWeb *self)
{
  g_autoptr(GUri) uri = g_uri_parse (mfd_web_get_endpoints_url (self), SOUP_HTTP_URI_FLAGS, NULL);

  return mfd_web_failure_new (MFD_WEB_ERROR_MALFORMED,
                              N_("Could not check: the answer from {1} does not have the expected form."),
                              uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "", NULL);
}

static void
on_eop_endpoints_fetched_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = MFD_WEB (object);
  EopFetch *fetch = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  MfdWebFailure *failure = NULL;
  MfdEopRanges *ranges;
  char **list;

  root = mfd_web_fetch_json_finish (self, result, NULL, &failure);
  if (failure != NULL)
    {
      eop_return_cached_or_fail (task, failure);
      return;
    }

  list = mfd_web_eop_parse_endpoints (root);
  if (list == NULL)
    {
      eop_return_cached_or_fail (task, eop_shape_failure (self));
      return;
    }

  ranges = g_new0 (MfdEopRanges, 1);
  ranges->ranges = list;
  ranges->version = g_strdup (fetch->latest);
  ranges->fetched = g_date_time_new_now_utc ();
  ranges->checked = g_date_time_ref (ranges->fetched);
  eop_save_and_return (task, ranges);
}

static void
on_eop_version_fetched_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = MFD_WEB (object);
  EopFetch *fetch = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *uri = NULL;
  MfdWebFailure *failure = NULL;
  GCancellable *cancellable;
  const char *latest = NULL;

  root = mfd_web_fetch_json_finish (self, result, NULL, &failure);
  if (failure != NULL)
    {
      eop_return_cached_or_fail (task, failure);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (root))
    latest = mfd_web_json_get_string (json_node_get_object (root), "latest");
  if (latest == NULL || *latest == '\0')
    {
      eop_return_cached_or_fail (task, eop_shape_failure (self));
      return;
    }
  fetch->latest = mfd_text_sanitize (latest, -1, 40);

  if (fetch->cached != NULL && g_strcmp0 (fetch->cached->version, fetch->latest) == 0)
    {
      MfdEopRanges *ranges = eop_ranges_copy (fetch->cached);

      g_clear_pointer (&ranges->checked, g_date_time_unref);
      ranges->checked = g_date_time_new_now_utc ();
      ranges->from_cache = TRUE;
      ranges->stale = FALSE;
      eop_save_and_return (task, ranges);
      return;
    }

  uri = eop_build_uri (self, "/endpoints/Worldwide", fetch->client_request_id);
  cancellable = g_task_get_cancellable (task);
  mfd_web_fetch_json_async (self, uri, "application/json", MFD_WEB_ENDPOINTS_MAX_SIZE,
                            cancellable,                             on_eop_endpoints_fetched_cb, g_steal_pointer (&task));
}

static void
on_eop_cache_loaded_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = MFD_WEB (object);
  EopFetch *fetch = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *uri = NULL;
  GCancellable *cancellable;
  GTimeSpan since;

  if (fetch->client_request_id == NULL)
    fetch->client_request_id = g_uuid_string_random ();

  if (fetch->offline)
    {
      eop_return_cached_or_fail (task, NULL);
      return;
    }

  /* Asked less than an hour ago: the service asks not to be polled more. */
  if (fetch->cached != NULL && fetch->cached->checked != NULL)
    {
      since = g_date_time_difference (now, fetch->cached->checked);
      if (since >= 0 && since < VERSION_INTERVAL)
        {
          MfdEopRanges *ranges = eop_ranges_copy (fetch->cached);

          ranges->from_cache = TRUE;
          ranges->stale = FALSE;
          g_task_return_pointer (task, ranges, (GDestroyNotify) mfd_eop_ranges_free);
          return;
        }
    }

  uri = eop_build_uri (self, "/version/Worldwide", fetch->client_request_id);
  cancellable = g_task_get_cancellable (task);
  mfd_web_fetch_json_async (self, uri, "application/json", MFD_WEB_ENDPOINTS_MAX_SIZE,
                            cancellable,                             on_eop_version_fetched_cb, g_steal_pointer (&task));
}

void
mfd_web_get_eop_ranges_async (MfdWeb              *self,
                              gboolean             offline,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) load = NULL;
  EopFetch *fetch;

  g_return_if_fail (MFD_IS_WEB (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_web_get_eop_ranges_async);

  fetch = g_new0 (EopFetch, 1);
  fetch->offline = offline || mfd_web_get_offline (self);
  fetch->source = g_strdup (mfd_web_get_endpoints_url (self));
  fetch->cache_path = g_build_filename (mfd_web_get_cache_dir (self), CACHE_FILE_NAME, NULL);
  g_task_set_task_data (task, fetch, (GDestroyNotify) eop_fetch_free);

  load = g_task_new (self, NULL, on_eop_cache_loaded_cb, g_steal_pointer (&task));
  g_task_set_source_tag (load, mfd_web_get_eop_ranges_async);
  g_task_set_task_data (load, fetch, NULL);
  g_task_run_in_thread (load, eop_cache_load_thread);
}

MfdEopRanges *
mfd_web_get_eop_ranges_finish (MfdWeb        *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_web_get_eop_ranges_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
