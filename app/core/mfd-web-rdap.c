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

#include <glib/gi18n.h>

#include "mfd-text.h"
#include "mfd-web-private.h"

typedef struct
{
  char   *host;
  char   *domain;     /* the registered domain */
  char   *server;     /* the registry's RDAP host, for the evidence */
  gint64  started_us;
} RdapCheck;

static void
rdap_check_free (RdapCheck *check)
{
  g_free (check->host);
  g_free (check->domain);
  g_free (check->server);
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
  g_autofree char *lower = g_utf8_strdown (host, -1);
  const char *base;
  gsize len = strlen (lower);

  if (len > 0 && lower[len - 1] == '.')
    lower[len - 1] = '\0';

  base = soup_tld_get_base_domain (lower, error);
  if (base == NULL)
    return NULL;
  return g_strdup (base);
}

/* Bootstrap ---------------------------------------------------------------- */

/* services: [ [ ["tld", …], ["https://rdap.example/", …] ], … ] -> label -> base URL */
static GHashTable *
rdap_parse_bootstrap (JsonNode *root)
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

static gboolean
status_is_suspension (const char *status)
{
  g_autoptr(GString) key = g_string_new (NULL);

  /* "client hold", "clientHold", "client_hold" all name the same EPP status. */
  for (const char *p = status; *p != '\0'; p++)
    if (g_ascii_isalpha (*p))
      g_string_append_c (key, g_ascii_tolower (*p));

  return g_str_equal (key->str, "clienthold")
      || g_str_equal (key->str, "serverhold")
      || g_str_equal (key->str, "redemptionperiod")
      || g_str_equal (key->str, "pendingdelete")
      || g_str_equal (key->str, "inactive");
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

static char *
format_date (GDateTime *date)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (date);

  return g_date_time_format (utc, "%Y-%m-%d");
}

static MfdObservation *
rdap_conclude (RdapCheck *check,
               JsonNode  *root)
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

  observation = mfd_observation_new (MFD_STAGE_REGISTRATION, MFD_OUTCOME_OK, check->host, NULL, 0);
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
      observation->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (observation, "dns-domain-expired");
      if (expiration != NULL && g_date_time_compare (expiration, now) <= 0)
        mfd_observation_set_detail (observation,
                                    N_("The registration of {1} expired on {2} and the registry lists it as “{3}”: its DNS no longer works on the internet. Renew the domain with its registrar."),
                                    check->domain, expiration_text, suspension, NULL);
      else
        mfd_observation_set_detail (observation,
                                    N_("The registry lists {1} as “{2}”: the domain is suspended or being deleted, so its DNS no longer works on the internet. Contact its registrar."),
                                    check->domain, suspension, NULL);
    }
  else if (expiration != NULL && g_date_time_compare (expiration, now) <= 0)
    {
      observation->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (observation, "dns-domain-expired");
      mfd_observation_set_detail (observation,
                                  N_("The registration of {1} expired on {2}. Renew the domain with its registrar before its DNS stops working."),
                                  check->domain, expiration_text, NULL);
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
                                  N_("The registration of {1} expires on {2}, in {3} days. Renew it so that mail keeps flowing."),
                                  check->domain, expiration_text, days, NULL);
    }
  else if (expiration != NULL)
    mfd_observation_set_detail (observation,
                                N_("{1} is registered until {2}."),
                                check->domain, expiration_text, NULL);
  else
    mfd_observation_set_detail (observation,
                                N_("{1} is registered; the registry gives no expiration date."),
                                check->domain, NULL);

  return g_steal_pointer (&observation);
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

static void
on_rdap_bootstrap_fetched_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = MFD_WEB (object);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) services = NULL;
  MfdWebFailure *failure = NULL;

  root = mfd_web_fetch_json_finish (self, result, NULL, &failure);
  if (failure != NULL)
    {
      rdap_return_failure (task, failure);
      return;
    }

  services = rdap_parse_bootstrap (root);
  if (services == NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (mfd_web_get_rdap_bootstrap_url (self), SOUP_HTTP_URI_FLAGS, NULL);

      rdap_return_failure (task,
                           mfd_web_failure_new (MFD_WEB_ERROR_MALFORMED,
                                                N_("Could not check: the answer from {1} does not have the expected form."),
                                                uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "", NULL));
      return;
    }

  /* The file changes a few times a year: one copy serves the session. */
  mfd_web_set_rdap_services (self, services);
  rdap_query_domain (task, services);
}

void
mfd_web_check_registration_async (MfdWeb              *self,
                                  const char          *host,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
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
  if (check->domain == NULL)
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

  mfd_web_fetch_json_async (self, mfd_web_get_rdap_bootstrap_url (self), "application/json",
                            MFD_WEB_RDAP_MAX_SIZE, cancellable, on_rdap_bootstrap_fetched_cb, g_steal_pointer (&task));
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
