/* mfd-web-rdap.c — is the domain still registered?
 *
 * A domain that expired, or that its registrar put on hold, loses its
 * delegation: every lookup fails and EOP reports 4.4.312 although nothing
 * changed on the mail server. RDAP (RFC 9083) says so directly; IANA's
 * bootstrap file (RFC 9224) says which registry to ask.
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

#include "mfd-host.h"
#include "mfd-text.h"
#include "mfd-web-parse.h"

#define BOOTSTRAP_CACHE_NAME   "rdap-dns.json"
#define BOOTSTRAP_CACHE_SCHEMA "mail-flow-doctor/rdap-bootstrap/1"
/* IANA changes the file a few times a year. */
#define BOOTSTRAP_MAX_AGE      G_TIME_SPAN_DAY

typedef struct
{
  char       *host;
  char       *domain;       /* the registered domain */
  char       *server;       /* the registry's RDAP host, for the evidence */
  gint64      started_us;

  /* The bootstrap table on disk (read and written in worker threads). */
  char       *cache_path;
  char       *bootstrap_url;
  GHashTable *disk_services;
  gboolean    disk_fresh;
  char       *serialized;
} RdapCheck;

static void
rdap_check_free (RdapCheck *check)
{
  g_free (check->host);
  g_free (check->domain);
  g_free (check->server);
  g_free (check->cache_path);
  g_free (check->bootstrap_url);
  g_clear_pointer (&check->disk_services, g_hash_table_unref);
  g_free (check->serialized);
  g_free (check);
}

static void
rdap_return (GTask          *task,
             MfdObservation *observation)
{
  RdapCheck *check = g_task_get_task_data (task);

  observation->ms = (g_get_monotonic_time () - check->started_us) / 1000;
  if (check->domain != NULL)
    mfd_observation_set_fact (observation, "registered-domain", check->domain);
  if (check->server != NULL)
    mfd_observation_set_fact (observation, "rdap-server", check->server);
  g_task_return_pointer (task, observation, (GDestroyNotify) mfd_observation_unref);
}

static void
rdap_return_failure (GTask         *task,
                     MfdWebFailure *failure)
{
  RdapCheck *check = g_task_get_task_data (task);
  g_autoptr(MfdWebFailure) owned = failure;

  if (mfd_web_failure_is_cancelled (owned))
    {
      g_task_return_error (task, g_steal_pointer (&owned->error));
      return;
    }
  rdap_return (task, mfd_web_failure_to_observation (owned, MFD_STAGE_REGISTRATION, check->host));
}

/* The domain someone registered: "contoso.co.jp" for "mail.contoso.co.jp",
 * from the Public Suffix List that libsoup carries. */
char *
mfd_web_rdap_registered_domain (const char  *host,
                                GError     **error)
{
  g_autofree char *lower = mfd_host_normalize (host);
  const char *base;

  base = soup_tld_get_base_domain (lower, error);
  if (base == NULL)
    return NULL;
  return g_strdup (base);
}

/* Names under a TLD set aside for tests, documentation and private networks
 * (RFC 2606, 6761, 6762, 7686, 9476, ICANN's .internal). */
static gboolean
is_special_use (const char *host)
{
  static const char * const reserved[] = {
    "test", "example", "invalid", "localhost", "local", "onion", "alt", "internal", "arpa", NULL
  };
  g_autofree char *lower = mfd_host_normalize (host);
  const char *tld;

  tld = strrchr (lower, '.');
  return g_strv_contains (reserved, tld != NULL ? tld + 1 : lower);
}

char *
mfd_web_rdap_domain_from_bootstrap (GHashTable *services,
                                    const char *host)
{
  g_autofree char *lower = mfd_host_normalize (host);
  const char *label = NULL;

  /* From the longest suffix down, as rdap_find_base_url() matches. */
  for (const char *suffix = lower; suffix != NULL; )
    {
      const char *dot = strchr (suffix, '.');

      if (g_hash_table_contains (services, suffix))
        return label != NULL ? g_strdup (label) : NULL;
      label = suffix;
      suffix = dot ? dot + 1 : NULL;
    }
  return NULL;
}

/* Bootstrap ---------------------------------------------------------------- */

/* services: [ [ ["tld", …], ["https://rdap.example/", …] ], … ] -> label -> base URL */
GHashTable *
mfd_web_rdap_parse_bootstrap (JsonNode *root)
{
  g_autoptr(GHashTable) services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonArray *entries;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  entries = mfd_web_json_get_array (json_node_get_object (root), "services");
  if (entries == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      JsonArray *pair;
      JsonNode *labels_node;
      JsonNode *urls_node;
      JsonArray *labels;
      JsonArray *urls;
      const char *chosen = NULL;

      if (!JSON_NODE_HOLDS_ARRAY (entry))
        continue;
      pair = json_node_get_array (entry);
      if (json_array_get_length (pair) < 2)
        continue;
      labels_node = json_array_get_element (pair, 0);
      urls_node = json_array_get_element (pair, 1);
      if (!JSON_NODE_HOLDS_ARRAY (labels_node) || !JSON_NODE_HOLDS_ARRAY (urls_node))
        continue;
      labels = json_node_get_array (labels_node);
      urls = json_node_get_array (urls_node);

      /* RFC 9224: prefer HTTPS when a registry lists several. */
      for (guint j = 0; j < json_array_get_length (urls); j++)
        {
          JsonNode *url = json_array_get_element (urls, j);

          if (!JSON_NODE_HOLDS_VALUE (url) || json_node_get_value_type (url) != G_TYPE_STRING)
            continue;
          if (chosen == NULL || g_str_has_prefix (json_node_get_string (url), "https://"))
            chosen = json_node_get_string (url);
          if (g_str_has_prefix (chosen, "https://"))
            break;
        }
      if (chosen == NULL)
        continue;

      for (guint j = 0; j < json_array_get_length (labels); j++)
        {
          JsonNode *label = json_array_get_element (labels, j);
          g_autofree char *key = NULL;

          if (!JSON_NODE_HOLDS_VALUE (label) || json_node_get_value_type (label) != G_TYPE_STRING)
            continue;
          key = g_utf8_strdown (json_node_get_string (label), -1);
          g_strstrip (key);
          if (*key == '\0')
            continue;
          g_hash_table_replace (services, g_steal_pointer (&key),
                                g_str_has_suffix (chosen, "/") ? g_strdup (chosen)
                                                               : g_strconcat (chosen, "/", NULL));
        }
    }

  return g_steal_pointer (&services);
}

/* The longest listed label sequence that ends @domain wins (RFC 9224 §4). */
static const char *
rdap_find_base_url (GHashTable *services,
                    const char *domain)
{
  for (const char *suffix = domain; suffix != NULL; )
    {
      const char *base = g_hash_table_lookup (services, suffix);
      const char *dot;

      if (base != NULL)
        return base;
      dot = strchr (suffix, '.');
      suffix = dot ? dot + 1 : NULL;
    }
  return NULL;
}

/* The domain object ---------------------------------------------------------- */

/* "client hold", "clientHold", "client_hold" all name the same EPP status. */
static char *
status_key (const char *status)
{
  GString *key = g_string_new (NULL);

  for (const char *p = status; *p != '\0'; p++)
    if (g_ascii_isalpha (*p))
      g_string_append_c (key, g_ascii_tolower (*p));
  return g_string_free (key, FALSE);
}

static gboolean
status_is_suspension (const char *status)
{
  g_autofree char *key = status_key (status);

  return g_str_equal (key, "clienthold")
      || g_str_equal (key, "serverhold")
      || g_str_equal (key, "redemptionperiod")
      || g_str_equal (key, "pendingdelete")
      || g_str_equal (key, "inactive");
}

static GDateTime *
rdap_event_date (JsonArray  *events,
                 const char *action)
{
  for (guint i = 0; events != NULL && i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      JsonObject *event;
      const char *date;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      event = json_node_get_object (node);
      if (g_strcmp0 (mfd_web_json_get_string (event, "eventAction"), action) != 0)
        continue;
      date = mfd_web_json_get_string (event, "eventDate");
      if (date != NULL)
        {
          g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

          return g_date_time_new_from_iso8601 (date, utc);
        }
    }
  return NULL;
}

/* ISO 8601 with a four-digit year: "%Y" does not pad, and a registry's
 * answer may carry any year (fuzz-web-documents found "708-01-01"). */
static char *
format_date (GDateTime *date)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (date);

  return g_strdup_printf ("%04d-%02d-%02d", g_date_time_get_year (utc),
                          g_date_time_get_month (utc), g_date_time_get_day_of_month (utc));
}

/* An RDAP domain answer (RFC 9083) for @host under @domain: the
 * registration step's observation, or NULL when @root is not one. */
MfdObservation *
mfd_web_rdap_parse_domain (JsonNode   *root,
                           const char *host,
                           const char *domain)
{
  g_autoptr(MfdObservation) observation = NULL;
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) expiration = NULL;
  g_autoptr(GDateTime) changed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *status_text = NULL;
  g_autofree char *expiration_text = NULL;
  const char *suspension = NULL;
  JsonObject *object;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  /* An RDAP domain answer says what it is; anything else is not one. */
  if (g_strcmp0 (mfd_web_json_get_string (object, "objectClassName"), "domain") != 0)
    return NULL;

  array = mfd_web_json_get_array (object, "status");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      char *status;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      status = mfd_text_sanitize (json_node_get_string (node), -1, 60);
      g_ptr_array_add (statuses, status);
      if (suspension == NULL && status_is_suspension (status))
        suspension = status;
    }
  g_ptr_array_add (statuses, NULL);
  status_text = g_strjoinv (", ", (char **) statuses->pdata);

  array = mfd_web_json_get_array (object, "events");
  expiration = rdap_event_date (array, "expiration");
  changed = rdap_event_date (array, "last changed");
  if (expiration != NULL)
    expiration_text = format_date (expiration);

  observation = mfd_observation_new (MFD_STAGE_REGISTRATION, MFD_OUTCOME_OK, host, NULL, 0);
  if (*status_text != '\0')
    mfd_observation_set_fact (observation, "rdap-status", status_text);
  if (expiration_text != NULL)
    mfd_observation_set_fact (observation, "expiration", expiration_text);
  if (changed != NULL)
    {
      g_autofree char *changed_text = format_date (changed);

      mfd_observation_set_fact (observation, "last-changed", changed_text);
    }

  if (suspension != NULL)
    {
      g_autofree char *key = status_key (suspension);

      observation->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (observation, "dns-domain-expired");
      if (expiration != NULL && g_date_time_compare (expiration, now) <= 0)
        mfd_observation_set_detail (observation,
                                    N_("The registration of {1} expired on {2} and the registry lists it as “{3}”: its DNS no longer works on the internet. Renew the domain with its registrar."),
                                    domain, expiration_text, suspension, NULL);
      else if (g_str_equal (key, "inactive"))
        mfd_observation_set_detail (observation,
                                    N_("The registry lists {1} as “{2}”: no name servers are delegated for the domain, so its names do not resolve on the internet. Set its name servers at the registrar."),
                                    domain, suspension, NULL);
      else
        mfd_observation_set_detail (observation,
                                    N_("The registry lists {1} as “{2}”: the domain is suspended or being deleted, so its DNS no longer works on the internet. Contact its registrar."),
                                    domain, suspension, NULL);
    }
  else if (expiration != NULL && g_date_time_compare (expiration, now) <= 0)
    {
      observation->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (observation, "dns-domain-expired");
      mfd_observation_set_detail (observation,
                                  N_("The registration of {1} expired on {2}. Renew the domain with its registrar before its DNS stops working."),
                                  domain, expiration_text, NULL);
    }
  else if (expiration != NULL
           && g_date_time_difference (expiration, now) < (GTimeSpan) MFD_WEB_EXPIRY_WARNING_DAYS * G_TIME_SPAN_DAY)
    {
      g_autofree char *days = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               g_date_time_difference (expiration, now) / G_TIME_SPAN_DAY);

      observation->outcome = MFD_OUTCOME_WARNING;
      mfd_observation_set_cause (observation, "dns-domain-expired");
      mfd_observation_set_fact (observation, "days-left", days);
      mfd_observation_set_detail (observation,
                                  N_("The registration of {1} expires on {2} (days left: {3}). Renew it so that mail keeps flowing."),
                                  domain, expiration_text, days, NULL);
    }
  else if (expiration != NULL)
    mfd_observation_set_detail (observation,
                                N_("{1} is registered until {2}."),
                                domain, expiration_text, NULL);
  else
    mfd_observation_set_detail (observation,
                                N_("{1} is registered; the registry gives no expiration date."),
                                domain, NULL);

  return g_steal_pointer (&observation);
}

static MfdObservation *
rdap_conclude (RdapCheck *check,
               JsonNode  *root)
{
  return mfd_web_rdap_parse_domain (root, check->host, check->domain);
}

static void
on_rdap_domain_fetched_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = MFD_WEB (object);
  RdapCheck *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  MfdWebFailure *failure = NULL;
  MfdObservation *observation;
  gboolean not_found = FALSE;

  root = mfd_web_fetch_json_finish (self, result, &not_found, &failure);
  if (failure != NULL)
    {
      rdap_return_failure (task, failure);
      return;
    }

  if (not_found)
    {
      observation = mfd_observation_new (MFD_STAGE_REGISTRATION, MFD_OUTCOME_FAIL, check->host, NULL, 0);
      mfd_observation_set_cause (observation, "dns-domain-expired");
      mfd_observation_set_fact (observation, "rdap-status", "not found");
      mfd_observation_set_detail (observation,
                                  N_("The registry ({1}) has no record of {2}: the domain is not registered. It has lapsed and been deleted, or it never existed."),
                                  check->server, check->domain, NULL);
      rdap_return (task, observation);
      return;
    }

  observation = rdap_conclude (check, root);
  if (observation == NULL)
    {
      rdap_return_failure (task,
                           mfd_web_failure_new (MFD_WEB_ERROR_MALFORMED,
                                                N_("Could not check: the answer from {1} does not have the expected form."),
                                                check->server, NULL));
      return;
    }
  rdap_return (task, observation);
}

static void
rdap_query_domain (GTask      *task,
                   GHashTable *services)
{
  MfdWeb *self = g_task_get_source_object (task);
  RdapCheck *check = g_task_get_task_data (task);
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *escaped = NULL;
  const char *base;

  if (check->domain == NULL)
    {
      /* The public suffix list does not know the TLD: the bootstrap
       * file, which lists every TLD that has a registry, says where the
       * registered name starts. */
      check->domain = mfd_web_rdap_domain_from_bootstrap (services, check->host);
      if (check->domain == NULL)
        {
          MfdObservation *observation;

          observation = mfd_observation_new (MFD_STAGE_REGISTRATION, MFD_OUTCOME_SKIPPED, check->host, NULL, 0);
          mfd_observation_set_detail (observation,
                                      N_("Not checked: {1} is not a name under a registered domain."),
                                      check->host, NULL);
          rdap_return (task, observation);
          return;
        }
    }

  base = rdap_find_base_url (services, check->domain);
  if (base == NULL)
    {
      const char *tld = strrchr (check->domain, '.');
      MfdObservation *observation;

      observation = mfd_observation_new (MFD_STAGE_REGISTRATION, MFD_OUTCOME_SKIPPED, check->host, NULL, 0);
      mfd_observation_set_detail (observation,
                                  N_("Not checked: the registry of “.{1}” offers no RDAP service, so the registration of {2} could not be looked up."),
                                  tld ? tld + 1 : check->domain, check->domain, NULL);
      rdap_return (task, observation);
      return;
    }

  parsed = g_uri_parse (base, SOUP_HTTP_URI_FLAGS, NULL);
  check->server = mfd_text_sanitize (parsed && g_uri_get_host (parsed) ? g_uri_get_host (parsed) : base,
                                     -1, 120);
  escaped = g_uri_escape_string (check->domain, NULL, FALSE);
  uri = g_strconcat (base, "domain/", escaped, NULL);
  mfd_web_fetch_json_async (self, uri, "application/rdap+json", MFD_WEB_RDAP_MAX_SIZE,
                            g_task_get_cancellable (task),
                            on_rdap_domain_fetched_cb, g_object_ref (task));
}

/* The bootstrap table on disk ---------------------------------------------------- */

static void
add_service_member (JsonObject *object,
                    const char *label,
                    JsonNode   *base,
                    gpointer    user_data)
{
  GHashTable *table = user_data;

  if (JSON_NODE_HOLDS_VALUE (base) && json_node_get_value_type (base) == G_TYPE_STRING)
    g_hash_table_replace (table, g_strdup (label), g_strdup (json_node_get_string (base)));
}

/* {"schema", "source": the bootstrap URL, "fetched", "services": {label: base}};
 * a copy from another bootstrap URL (a test server, another provider) is
 * not used. */
static void
rdap_cache_load_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  RdapCheck *check = task_data;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GDateTime) fetched = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *data = NULL;
  JsonObject *object;
  JsonObject *services;
  JsonNode *root;
  JsonNode *node;
  GStatBuf st;
  gsize len = 0;

  if (g_stat (check->cache_path, &st) != 0 || st.st_size > MFD_WEB_RDAP_MAX_SIZE
      || !g_file_get_contents (check->cache_path, &data, &len, NULL)
      || mfd_json_shape_check (data, len, MFD_WEB_MAX_JSON_DEPTH, MFD_WEB_MAX_JSON_ITEMS) != MFD_JSON_SHAPE_OK
      || !json_parser_load_from_data (parser, data, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  object = json_node_get_object (root);
  node = json_object_get_member (object, "services");
  if (g_strcmp0 (mfd_web_json_get_string (object, "schema"), BOOTSTRAP_CACHE_SCHEMA) != 0
      || g_strcmp0 (mfd_web_json_get_string (object, "source"), check->bootstrap_url) != 0
      || mfd_web_json_get_string (object, "fetched") == NULL
      || (fetched = g_date_time_new_from_iso8601 (mfd_web_json_get_string (object, "fetched"), NULL)) == NULL
      || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  services = json_node_get_object (node);
  check->disk_services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_foreach_member (services, add_service_member, check->disk_services);
  check->disk_fresh = g_date_time_difference (now, fetched) >= 0
                      && g_date_time_difference (now, fetched) < BOOTSTRAP_MAX_AGE;

  g_task_return_boolean (task, TRUE);
}

static char *
rdap_cache_serialize (GHashTable *services,
                      const char *bootstrap_url)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *fetched = g_date_time_format_iso8601 (now);
  GHashTableIter iter;
  gpointer label;
  gpointer base;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_string_value (builder, BOOTSTRAP_CACHE_SCHEMA);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, bootstrap_url);
  json_builder_set_member_name (builder, "fetched");
  json_builder_add_string_value (builder, fetched);
  json_builder_set_member_name (builder, "services");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, services);
  while (g_hash_table_iter_next (&iter, &label, &base))
    {
      json_builder_set_member_name (builder, label);
      json_builder_add_string_value (builder, base);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
rdap_cache_save_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  RdapCheck *check = task_data;
  g_autofree char *dir = g_path_get_dirname (check->cache_path);
  g_autoptr(GError) error = NULL;

  /* Without a copy on disk the next session downloads the file again. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_debug ("Cannot create %s: %s", dir, g_strerror (errno));
  else if (!g_file_set_contents (check->cache_path, check->serialized, -1, &error))
    g_debug ("Cannot write the RDAP bootstrap cache: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
on_rdap_cache_saved_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  rdap_query_domain (task, mfd_web_get_rdap_services (MFD_WEB (object)));
}

static void
on_rdap_bootstrap_fetched_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = MFD_WEB (object);
  RdapCheck *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) services = NULL;
  g_autoptr(GTask) save = NULL;
  MfdWebFailure *failure = NULL;

  root = mfd_web_fetch_json_finish (self, result, NULL, &failure);
  if (failure == NULL && (services = mfd_web_rdap_parse_bootstrap (root)) == NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (check->bootstrap_url, SOUP_HTTP_URI_FLAGS, NULL);

      failure = mfd_web_failure_new (MFD_WEB_ERROR_MALFORMED,
                                     N_("Could not check: the answer from {1} does not have the expected form."),
                                     uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "", NULL);
    }

  if (failure != NULL)
    {
      /* An old copy still names the right registry for nearly every TLD. */
      if (check->disk_services != NULL && !mfd_web_failure_is_cancelled (failure))
        {
          mfd_web_failure_free (failure);
          rdap_query_domain (task, check->disk_services);
          return;
        }
      rdap_return_failure (task, failure);
      return;
    }

  mfd_web_set_rdap_services (self, services);
  check->serialized = rdap_cache_serialize (services, check->bootstrap_url);
  save = g_task_new (self, NULL, on_rdap_cache_saved_cb, g_steal_pointer (&task));
  g_task_set_source_tag (save, rdap_cache_save_thread);
  g_task_set_task_data (save, check, NULL);
  g_task_run_in_thread (save, rdap_cache_save_thread);
}

static void
on_rdap_cache_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = MFD_WEB (object);
  RdapCheck *check = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (check->disk_services != NULL && check->disk_fresh)
    {
      mfd_web_set_rdap_services (self, check->disk_services);
      rdap_query_domain (task, check->disk_services);
      return;
    }

  mfd_web_fetch_json_async (self, check->bootstrap_url, "application/json",
                            MFD_WEB_RDAP_MAX_SIZE, cancellable, on_rdap_bootstrap_fetched_cb,
                            g_steal_pointer (&task));
}

void
mfd_web_check_registration_async (MfdWeb              *self,
                                  const char          *host,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) load = NULL;
  g_autoptr(GError) error = NULL;
  RdapCheck *check;

  g_return_if_fail (MFD_IS_WEB (self));
  g_return_if_fail (host != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_web_check_registration_async);

  check = g_new0 (RdapCheck, 1);
  check->host = mfd_text_sanitize (host, -1, 255);
  check->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, check, (GDestroyNotify) rdap_check_free);

  if (mfd_web_get_offline (self))
    {
      rdap_return (task, mfd_web_new_offline_observation (MFD_STAGE_REGISTRATION, check->host));
      return;
    }

  check->domain = mfd_web_rdap_registered_domain (host, &error);
  /* A TLD the list does not know is settled once the bootstrap file is at
   * hand, unless it is one reserved for private use, which no registry
   * serves. */
  if (check->domain == NULL &&
      (!g_error_matches (error, SOUP_TLD_ERROR, SOUP_TLD_ERROR_NO_BASE_DOMAIN) || is_special_use (host)))
    {
      MfdObservation *observation;

      observation = mfd_observation_new (MFD_STAGE_REGISTRATION, MFD_OUTCOME_SKIPPED, check->host, NULL, 0);
      if (g_error_matches (error, SOUP_TLD_ERROR, SOUP_TLD_ERROR_IS_IP_ADDRESS))
        mfd_observation_set_detail (observation,
                                    N_("Not checked: {1} is an IP address, so there is no domain registration to look up."),
                                    check->host, NULL);
      else
        mfd_observation_set_detail (observation,
                                    N_("Not checked: {1} is not a name under a registered domain."),
                                    check->host, NULL);
      rdap_return (task, observation);
      return;
    }

  if (mfd_web_get_rdap_services (self) != NULL)
    {
      rdap_query_domain (task, mfd_web_get_rdap_services (self));
      return;
    }

  check->bootstrap_url = g_strdup (mfd_web_get_rdap_bootstrap_url (self));
  check->cache_path = g_build_filename (mfd_web_get_cache_dir (self), BOOTSTRAP_CACHE_NAME, NULL);
  load = g_task_new (self, NULL, on_rdap_cache_loaded_cb, g_steal_pointer (&task));
  g_task_set_source_tag (load, rdap_cache_load_thread);
  g_task_set_task_data (load, check, NULL);
  g_task_run_in_thread (load, rdap_cache_load_thread);
}

MfdObservation *
mfd_web_check_registration_finish (MfdWeb        *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_web_check_registration_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
