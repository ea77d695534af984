/* mfd-web-doh.c — what a public resolver says about a name
 *
 * EOP resolves the smart host from Microsoft's network, through public DNS.
 * A name that only the company's own resolvers know (split horizon) works
 * from the admin's desk and fails for EOP with 4.4.312; asking a public
 * DNS-over-HTTPS JSON resolver shows the difference.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-web"

#include "config.h"

#include <glib/gi18n.h>
#include <ldns/ldns.h>

#include "mfd-host.h"
#include "mfd-text.h"
#include "mfd-web-parse.h"

#define DNS_TYPE_A     1
#define DNS_TYPE_MX   15
#define DNS_TYPE_AAAA 28
#define RCODE_NOERROR  0
#define RCODE_NXDOMAIN 3

typedef enum
{
  VIEW_UNKNOWN,
  VIEW_RESOLVES,
  VIEW_NXDOMAIN,
  VIEW_NO_ADDRESS,
  VIEW_SERVFAIL,     /* any other failing rcode too */
} View;

typedef struct
{
  char           *host;
  MfdObservation *local;
  gboolean        mx;           /* @local is an MX lookup: compare MX with MX */
  gint64          started_us;
  MfdWebDohAnswer answers[2];   /* A, AAAA; or MX alone */
} DohCheck;

typedef struct
{
  GTask *task;
  int    rr_type;
} DohQuery;

static void
doh_check_free (DohCheck *check)
{
  for (guint i = 0; i < G_N_ELEMENTS (check->answers); i++)
    {
      g_clear_pointer (&check->answers[i].failure, mfd_web_failure_free);
      g_clear_pointer (&check->answers[i].addresses, g_ptr_array_unref);
    }
  g_clear_pointer (&check->local, mfd_observation_unref);
  g_free (check->host);
  g_free (check);
}

static const char *
view_to_string (View view)
{
  switch (view)
    {
    case VIEW_RESOLVES: return "resolves";
    case VIEW_NXDOMAIN: return "nxdomain";
    case VIEW_NO_ADDRESS: return "no-address";
    case VIEW_SERVFAIL: return "servfail";
    case VIEW_UNKNOWN:
    default:
      return "error";
    }
}

static char *
rcode_to_string (gint64 rcode)
{
  ldns_lookup_table *entry = NULL;

  if (rcode >= 0 && rcode <= G_MAXINT)
    entry = ldns_lookup_by_id (ldns_rcodes, (int) rcode);
  if (entry != NULL)
    return g_strdup (entry->name);
  return g_strdup_printf ("RCODE %" G_GINT64_FORMAT, rcode);
}

/* "10 mail.contoso.com." -> "mail.contoso.com" (lower case), or NULL for
 * a null MX or data that is no MX. */
static char *
mx_data_to_host (const char *data)
{
  g_autofree char *copy = g_strstrip (g_strdup (data));
  g_autofree char *host = NULL;
  char *space = strpbrk (copy, " \t");
  guint64 preference;
  gsize len;

  if (space == NULL)
    return NULL;
  *space = '\0';
  if (!g_ascii_string_to_unsigned (copy, 10, 0, G_MAXUINT16, &preference, NULL))
    return NULL;
  host = mfd_host_normalize (g_strchug (space + 1));
  len = strlen (host);
  if (len == 0 || len > 253 || strpbrk (host, " \t") != NULL || !g_utf8_validate (host, -1, NULL))
    return NULL;
  return mfd_text_sanitize (host, -1, 253);
}

/* Reads one DNS JSON answer. FALSE when it is not that shape. */
gboolean
mfd_web_doh_parse (JsonNode        *root,
                   int              rr_type,
                   MfdWebDohAnswer *answer)
{
  JsonObject *object;
  JsonArray *records;
  JsonNode *ad;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);

  answer->status = mfd_web_json_get_int (object, "Status", -1);
  if (answer->status < 0)
    return FALSE;

  ad = json_object_get_member (object, "AD");
  answer->ad = ad != NULL && JSON_NODE_HOLDS_VALUE (ad)
               && json_node_get_value_type (ad) == G_TYPE_BOOLEAN
               && json_node_get_boolean (ad);

  answer->addresses = g_ptr_array_new_with_free_func (g_free);
  answer->min_ttl = -1;

  records = mfd_web_json_get_array (object, "Answer");
  for (guint i = 0; records != NULL && i < json_array_get_length (records); i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      g_autoptr(GInetAddress) address = NULL;
      JsonObject *record;
      const char *data;
      gint64 ttl;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      record = json_node_get_object (node);

      /* CNAMEs on the way are listed too; only the addresses count. */
      if (mfd_web_json_get_int (record, "type", -1) != rr_type)
        continue;
      data = mfd_web_json_get_string (record, "data");
      if (data != NULL && rr_type == DNS_TYPE_MX)
        {
          g_autofree char *host = mx_data_to_host (data);

          /* A null MX ("0 .") names no host. */
          if (host == NULL)
            continue;
          g_ptr_array_add (answer->addresses, g_steal_pointer (&host));
          ttl = mfd_web_json_get_int (record, "TTL", -1);
          if (ttl >= 0 && (answer->min_ttl < 0 || ttl < answer->min_ttl))
            answer->min_ttl = ttl;
          continue;
        }
      if (data == NULL || (address = g_inet_address_new_from_string (data)) == NULL)
        continue;
      if (g_inet_address_get_family (address) != (rr_type == DNS_TYPE_A ? G_SOCKET_FAMILY_IPV4
                                                                       : G_SOCKET_FAMILY_IPV6))
        continue;

      g_ptr_array_add (answer->addresses, g_inet_address_to_string (address));
      ttl = mfd_web_json_get_int (record, "TTL", -1);
      if (ttl >= 0 && (answer->min_ttl < 0 || ttl < answer->min_ttl))
        answer->min_ttl = ttl;
    }

  return TRUE;
}

static View
local_view (MfdObservation *local)
{
  const char *answers;

  if (local == NULL)
    return VIEW_UNKNOWN;

  answers = mfd_observation_get_fact (local, "answers");
  if ((local->outcome == MFD_OUTCOME_OK || local->outcome == MFD_OUTCOME_WARNING)
      && answers != NULL && *answers != '\0')
    return VIEW_RESOLVES;

  if (g_strcmp0 (local->cause, "dns-nxdomain") == 0)
    return VIEW_NXDOMAIN;
  if (g_strcmp0 (local->cause, "dns-no-address") == 0)
    return VIEW_NO_ADDRESS;
  if (g_strcmp0 (local->cause, "dns-servfail") == 0)
    return VIEW_SERVFAIL;
  return VIEW_UNKNOWN;
}

/* "answers" facts are space and/or comma separated addresses. */
static char **
split_addresses (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return g_strv_builder_end (builder);

  parts = g_strsplit_set (text, " ,;", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (g_strstrip (parts[i]));
      g_autofree char *normal = NULL;

      if (address == NULL)
        continue;
      normal = g_inet_address_to_string (address);
      g_strv_builder_add (builder, normal);
    }
  return g_strv_builder_end (builder);
}

static gboolean
addresses_overlap (GPtrArray          *public_addresses,
                   const char * const *local_addresses)
{
  for (guint i = 0; i < public_addresses->len; i++)
    if (g_strv_contains (local_addresses, g_ptr_array_index (public_addresses, i)))
      return TRUE;
  return FALSE;
}

/* The resolver could not be asked or did not answer in form. */
static MfdObservation *
public_failure_observation (DohCheck      *check,
                            MfdWebFailure *failure)
{
  MfdObservation *observation = mfd_web_failure_to_observation (failure, MFD_STAGE_DNS_PUBLIC, check->host);

  mfd_observation_set_fact (observation, "public-view", view_to_string (VIEW_UNKNOWN));
  observation->ms = (g_get_monotonic_time () - check->started_us) / 1000;
  return observation;
}

/* The name resolves here but public DNS does not give it: a split
 * horizon whatever the record type. @no_address_msgid says it for the
 * type asked. */
static void
conclude_split (MfdObservation *observation,
                DohCheck       *check,
                View            view,
                const char     *local_text,
                const char     *rcode,
                const char     *no_address_msgid)
{
  switch (view)
    {
    case VIEW_NXDOMAIN:
      mfd_observation_set_finding (observation, MFD_OUTCOME_FAIL, "dns-split-horizon",
                                   N_("{1} resolves here ({2}) but does not exist on the public internet (NXDOMAIN), so EOP cannot find it."),
                                   check->host, local_text, NULL);
      break;
    case VIEW_NO_ADDRESS:
      mfd_observation_set_finding (observation, MFD_OUTCOME_FAIL, "dns-split-horizon", no_address_msgid,
                                   check->host, local_text, NULL);
      break;
    case VIEW_RESOLVES:
    case VIEW_SERVFAIL:
    case VIEW_UNKNOWN:
    default:
      mfd_observation_set_finding (observation, MFD_OUTCOME_FAIL, "dns-split-horizon",
                                   N_("{1} resolves here ({2}) but public resolvers fail to look it up ({3}), so EOP’s lookups fail too."),
                                   check->host, local_text, rcode, NULL);
      break;
    }
}

/* The lookup here failed and the DNS step reports it; this only tells
 * whether the internet agrees. */
static void
conclude_confirm (MfdObservation *observation,
                  DohCheck       *check,
                  View            view,
                  const char     *public_text,
                  const char     *rcode,
                  const char     *no_address_msgid)
{
  switch (view)
    {
    case VIEW_RESOLVES:
      mfd_observation_set_detail (observation,
                                  N_("{1} resolves on the public internet ({2}) but not through this network’s resolver. EOP uses public DNS, so the lookup failure here is likely specific to this network."),
                                  check->host, public_text, NULL);
      break;
    case VIEW_NXDOMAIN:
      mfd_observation_set_detail (observation,
                                  N_("Public DNS confirms it: {1} does not exist on the internet either (NXDOMAIN)."),
                                  check->host, NULL);
      break;
    case VIEW_NO_ADDRESS:
      mfd_observation_set_detail (observation, no_address_msgid, check->host, NULL);
      break;
    case VIEW_SERVFAIL:
    case VIEW_UNKNOWN:
    default:
      mfd_observation_set_detail (observation,
                                  N_("Public DNS confirms it: public resolvers fail to look up {1} too ({2})."),
                                  check->host, rcode, NULL);
      break;
    }
}

/* Nothing here to compare with: public DNS's failures are the findings.
 * FALSE for a view the caller describes itself. */
static gboolean
conclude_public_failure (MfdObservation *observation,
                         DohCheck       *check,
                         View            view,
                         const char     *rcode)
{
  switch (view)
    {
    case VIEW_NXDOMAIN:
      mfd_observation_set_finding (observation, MFD_OUTCOME_FAIL, "dns-nxdomain",
                                   N_("{1} does not exist on the public internet (NXDOMAIN)."),
                                   check->host, NULL);
      return TRUE;
    case VIEW_SERVFAIL:
    case VIEW_UNKNOWN:
      mfd_observation_set_finding (observation, MFD_OUTCOME_FAIL, "dns-servfail",
                                   N_("Public resolvers fail to look up {1} ({2})."),
                                   check->host, rcode, NULL);
      return TRUE;
    case VIEW_RESOLVES:
    case VIEW_NO_ADDRESS:
    default:
      return FALSE;
    }
}

/* The facts both kinds of lookup record. */
static void
set_public_facts (MfdWeb         *self,
                  DohCheck       *check,
                  MfdObservation *observation,
                  View            view,
                  const char     *rcode,
                  const char     *public_text,
                  const char     *local_text)
{
  g_autoptr(GUri) resolver = g_uri_parse (mfd_web_get_doh_url (self), SOUP_HTTP_URI_FLAGS, NULL);

  mfd_observation_set_fact (observation, "public-view", view_to_string (view));
  mfd_observation_set_fact (observation, "status", rcode);
  if (*public_text != '\0')
    mfd_observation_set_fact (observation, "answers", public_text);
  if (*local_text != '\0')
    mfd_observation_set_fact (observation, "local-answers", local_text);
  if (resolver != NULL && g_uri_get_host (resolver) != NULL)
    mfd_observation_set_fact (observation, "resolver", g_uri_get_host (resolver));
  observation->ms = (g_get_monotonic_time () - check->started_us) / 1000;
}

static MfdObservation *
doh_conclude (MfdWeb   *self,
              DohCheck *check)
{
  MfdWebDohAnswer *a = &check->answers[0];
  MfdWebDohAnswer *aaaa = &check->answers[1];
  g_autoptr(GPtrArray) addresses = g_ptr_array_new ();
  g_autoptr(MfdObservation) observation = NULL;
  g_auto(GStrv) local_addresses = NULL;
  g_autofree char *public_text = NULL;
  g_autofree char *local_text = NULL;
  g_autofree char *rcode = NULL;
  MfdWebFailure *failure = NULL;
  View view = VIEW_UNKNOWN;
  gboolean overlap;
  View local;
  gint64 min_ttl = -1;

  for (guint i = 0; i < G_N_ELEMENTS (check->answers); i++)
    {
      MfdWebDohAnswer *answer = &check->answers[i];

      if (answer->failure != NULL)
        {
          failure = failure ? failure : answer->failure;
          continue;
        }
      for (guint j = 0; j < answer->addresses->len; j++)
        g_ptr_array_add (addresses, g_ptr_array_index (answer->addresses, j));
      if (answer->min_ttl >= 0 && (min_ttl < 0 || answer->min_ttl < min_ttl))
        min_ttl = answer->min_ttl;
    }

  /* One answer is enough to say the name exists or does not; the absence
   * of an address needs both. */
  if (addresses->len > 0)
    view = VIEW_RESOLVES;
  else if ((a->failure == NULL && a->status == RCODE_NXDOMAIN)
           || (aaaa->failure == NULL && aaaa->status == RCODE_NXDOMAIN))
    view = VIEW_NXDOMAIN;
  else if (failure != NULL)
    view = VIEW_UNKNOWN;
  else if (a->status == RCODE_NOERROR && aaaa->status == RCODE_NOERROR)
    view = VIEW_NO_ADDRESS;
  else
    view = VIEW_SERVFAIL;

  if (view == VIEW_UNKNOWN)
    return public_failure_observation (check, failure);

  local = local_view (check->local);
  local_addresses = split_addresses (check->local ? mfd_observation_get_fact (check->local, "answers") : NULL);
  local_text = g_strjoinv (" ", local_addresses);
  overlap = addresses_overlap (addresses, (const char * const *) local_addresses);
  g_ptr_array_add (addresses, NULL);
  public_text = g_strjoinv (" ", (char **) addresses->pdata);
  rcode = rcode_to_string (a->failure == NULL && a->status != RCODE_NOERROR ? a->status
                           : aaaa->failure == NULL ? aaaa->status : a->status);

  observation = mfd_observation_new (MFD_STAGE_DNS_PUBLIC, MFD_OUTCOME_OK, check->host, NULL, 0);

  if (local == VIEW_RESOLVES && view == VIEW_RESOLVES)
    {
      if (overlap)
        mfd_observation_set_detail (observation,
                                    N_("Public DNS also resolves {1} ({2})."),
                                    check->host, public_text, NULL);
      else
        mfd_observation_set_finding (observation, MFD_OUTCOME_WARNING, "dns-split-horizon",
                                     N_("The public internet gets other addresses for {1} ({2}) than this network ({3}). EOP connects to the public ones, which the checks from here may not reach."),
                                     check->host, public_text, local_text, NULL);
    }
  else if (local == VIEW_RESOLVES)
    conclude_split (observation, check, view, local_text, rcode,
                    N_("{1} resolves here ({2}) but has no address on the public internet, so EOP cannot find it."));
  else if (local != VIEW_UNKNOWN)
    conclude_confirm (observation, check, view, public_text, rcode,
                      N_("Public DNS confirms it: {1} has no address on the internet either."));
  else if (view == VIEW_RESOLVES)
    mfd_observation_set_detail (observation,
                                N_("Public DNS resolves {1} ({2})."),
                                check->host, public_text, NULL);
  else if (view == VIEW_NO_ADDRESS)
    mfd_observation_set_finding (observation, MFD_OUTCOME_FAIL, "dns-no-address",
                                 N_("{1} has no address on the public internet."),
                                 check->host, NULL);
  else
    conclude_public_failure (observation, check, view, rcode);

  set_public_facts (self, check, observation, view, rcode, public_text, local_text);
  if (min_ttl >= 0)
    {
      g_autofree char *ttl = g_strdup_printf ("%" G_GINT64_FORMAT, min_ttl);

      mfd_observation_set_fact (observation, "ttl", ttl);
    }
  mfd_observation_set_fact (observation, "ad", (a->failure == NULL && a->ad) ? "true" : "false");

  return g_steal_pointer (&observation);
}

/* The local MX lookup's hosts from its "answers" fact ("10 a, 20 b");
 * none for an implicit MX (the domain's own address stands in). */
static char **
local_mx_hosts (MfdObservation *local)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) entries = NULL;
  const char *answers = mfd_observation_get_fact (local, "answers");

  if (answers == NULL || g_strcmp0 (mfd_observation_get_fact (local, "implicit_mx"), "true") == 0)
    return g_strv_builder_end (builder);
  entries = g_strsplit (answers, ",", -1);
  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_autofree char *host = mx_data_to_host (entries[i]);

      if (host != NULL)
        g_strv_builder_add (builder, host);
    }
  return g_strv_builder_end (builder);
}

/* Like with like for an MX lookup: the MX hosts here against the MX hosts
 * public DNS gives. No MX on either side is agreement (each host's own
 * addresses are compared by that host's check). */
static MfdObservation *
mx_conclude (MfdWeb   *self,
             DohCheck *check)
{
  MfdWebDohAnswer *mx = &check->answers[0];
  g_autoptr(MfdObservation) observation = NULL;
  g_auto(GStrv) local_hosts = NULL;
  g_autofree char *public_text = NULL;
  g_autofree char *local_text = NULL;
  g_autofree char *rcode = NULL;
  MfdObservation *local = check->local;
  View view, local_view_;
  gboolean overlap = FALSE;

  if (mx->failure != NULL)
    return public_failure_observation (check, mx->failure);

  if (mx->status == RCODE_NXDOMAIN)
    view = VIEW_NXDOMAIN;
  else if (mx->status != RCODE_NOERROR)
    view = VIEW_SERVFAIL;
  else if (mx->addresses->len > 0)
    view = VIEW_RESOLVES;
  else
    view = VIEW_NO_ADDRESS;   /* here: no MX record */

  local_hosts = local_mx_hosts (local);
  if (local == NULL || local->outcome == MFD_OUTCOME_INCONCLUSIVE || local->outcome == MFD_OUTCOME_SKIPPED)
    local_view_ = VIEW_UNKNOWN;
  else if (local->outcome == MFD_OUTCOME_OK || local->outcome == MFD_OUTCOME_WARNING)
    local_view_ = local_hosts[0] != NULL ? VIEW_RESOLVES : VIEW_NO_ADDRESS;
  else
    local_view_ = local_view (local);

  for (guint i = 0; i < mx->addresses->len && !overlap; i++)
    overlap = g_strv_contains ((const char * const *) local_hosts, g_ptr_array_index (mx->addresses, i));
  g_ptr_array_add (mx->addresses, NULL);
  public_text = g_strjoinv (" ", (char **) mx->addresses->pdata);
  g_ptr_array_remove_index (mx->addresses, mx->addresses->len - 1);
  local_text = g_strjoinv (" ", local_hosts);
  rcode = rcode_to_string (mx->status);

  observation = mfd_observation_new (MFD_STAGE_DNS_PUBLIC, MFD_OUTCOME_OK, check->host, NULL, 0);
  if (local_view_ == VIEW_RESOLVES && view == VIEW_RESOLVES)
    {
      if (overlap)
        mfd_observation_set_detail (observation, N_("Public DNS lists the same mail servers (MX) for {1} ({2})."),
                                    check->host, public_text, NULL);
      else
        mfd_observation_set_finding (observation, MFD_OUTCOME_WARNING, "dns-split-horizon",
                                     N_("Public DNS lists other mail servers (MX) for {1} ({2}) than this network ({3}). EOP delivers to the public ones, which the checks from here may not cover."),
                                     check->host, public_text, local_text, NULL);
    }
  else if (local_view_ == VIEW_RESOLVES)
    conclude_split (observation, check, view, local_text, rcode,
                    N_("{1} has mail servers (MX) here ({2}) but none on the public internet, so EOP does not deliver to them."));
  else if (local_view_ == VIEW_NO_ADDRESS && local->outcome != MFD_OUTCOME_FAIL)
    {
      /* No MX here: mail goes to the domain's own address. */
      switch (view)
        {
        case VIEW_RESOLVES:
          mfd_observation_set_finding (observation, MFD_OUTCOME_WARNING, "dns-split-horizon",
                                       N_("Public DNS lists mail servers (MX) for {1} ({2}) that this network’s resolver does not. EOP delivers to those, which the checks from here do not cover."),
                                       check->host, public_text, NULL);
          break;
        case VIEW_NO_ADDRESS:
          mfd_observation_set_detail (observation, N_("Public DNS has no MX record for {1} either."), check->host, NULL);
          break;
        case VIEW_NXDOMAIN:
          mfd_observation_set_finding (observation, MFD_OUTCOME_FAIL, "dns-split-horizon",
                                       N_("{1} exists here but not on the public internet (NXDOMAIN), so EOP cannot find it."),
                                       check->host, NULL);
          break;
        case VIEW_SERVFAIL:
        case VIEW_UNKNOWN:
        default:
          mfd_observation_set_finding (observation, MFD_OUTCOME_FAIL, "dns-split-horizon",
                                       N_("{1} exists here but public resolvers fail to look up its mail servers ({2}), so EOP’s lookups fail too."),
                                       check->host, rcode, NULL);
          break;
        }
    }
  else if (local_view_ != VIEW_UNKNOWN)
    conclude_confirm (observation, check, view, public_text, rcode,
                      N_("Public DNS has no MX record for {1} either."));
  else if (view == VIEW_RESOLVES)
    mfd_observation_set_detail (observation, N_("Public DNS lists mail servers (MX) for {1} ({2})."),
                                check->host, public_text, NULL);
  else if (view == VIEW_NO_ADDRESS)
    mfd_observation_set_detail (observation, N_("Public DNS has no MX record for {1}."), check->host, NULL);
  else
    conclude_public_failure (observation, check, view, rcode);

  mfd_observation_set_fact (observation, "rrtype", "MX");
  set_public_facts (self, check, observation, view, rcode, public_text, local_text);
  return g_steal_pointer (&observation);
}

static void
on_doh_fetched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DohQuery *query = user_data;
  g_autoptr(GTask) task = query->task;
  int rr_type = query->rr_type;
  MfdWeb *self = MFD_WEB (object);
  DohCheck *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  MfdWebFailure *failure = NULL;
  MfdWebDohAnswer *answer;

  g_free (query);
  root = mfd_web_fetch_json_finish (self, result, NULL, &failure);

  answer = &check->answers[rr_type == DNS_TYPE_AAAA ? 1 : 0];
  answer->done = TRUE;
  answer->failure = failure;

  if (failure == NULL && !mfd_web_doh_parse (root, rr_type, answer))
    {
      g_autoptr(GUri) uri = g_uri_parse (mfd_web_get_doh_url (self), SOUP_HTTP_URI_FLAGS, NULL);

      answer->failure = mfd_web_failure_new (MFD_WEB_ERROR_MALFORMED,
                                             N_("Could not check: the answer from {1} does not have the expected form."),
                                             uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "", NULL);
    }

  if (!check->answers[0].done || (!check->mx && !check->answers[1].done))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (check->answers); i++)
    if (check->answers[i].failure != NULL && mfd_web_failure_is_cancelled (check->answers[i].failure))
      {
        g_task_return_error (task, g_error_copy (check->answers[i].failure->error));
        return;
      }

  g_task_return_pointer (task, check->mx ? mx_conclude (self, check) : doh_conclude (self, check),
                         (GDestroyNotify) mfd_observation_unref);
}

static char *
doh_build_uri (const char *base,
               const char *name,
               const char *type)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

  return g_strconcat (base, strchr (base, '?') ? "&" : "?",
                      "name=", escaped, "&type=", type, NULL);
}

void
mfd_web_check_public_dns_async (MfdWeb              *self,
                                const char          *host,
                                MfdObservation      *local,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  g_autofree char *name = NULL;
  DohCheck *check;
  static const struct { int rr_type; const char *name; } queries[] = {
    { DNS_TYPE_A, "A" },
    { DNS_TYPE_AAAA, "AAAA" },
  };
  static const struct { int rr_type; const char *name; } mx_query[] = {
    { DNS_TYPE_MX, "MX" },
  };

  g_return_if_fail (MFD_IS_WEB (self));
  g_return_if_fail (host != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_web_check_public_dns_async);

  check = g_new0 (DohCheck, 1);
  check->host = mfd_text_sanitize (host, -1, 255);
  check->local = local ? mfd_observation_ref (local) : NULL;
  check->mx = local != NULL && g_strcmp0 (mfd_observation_get_fact (local, "rrtype"), "MX") == 0;
  check->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, check, (GDestroyNotify) doh_check_free);

  if (mfd_web_get_offline (self))
    {
      g_task_return_pointer (task, mfd_web_new_offline_observation (MFD_STAGE_DNS_PUBLIC, check->host),
                             (GDestroyNotify) mfd_observation_unref);
      return;
    }

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      MfdObservation *observation;

      observation = mfd_observation_new (MFD_STAGE_DNS_PUBLIC, MFD_OUTCOME_SKIPPED, check->host, NULL, 0);
      mfd_observation_set_detail (observation,
                                  N_("Not checked: {1} is an IP address, so there is no name to look up."),
                                  check->host, NULL);
      g_task_return_pointer (task, observation, (GDestroyNotify) mfd_observation_unref);
      return;
    }

  name = g_strdup (host);
  if (g_str_has_suffix (name, "."))
    name[strlen (name) - 1] = '\0';

  for (guint i = 0; i < (check->mx ? G_N_ELEMENTS (mx_query) : G_N_ELEMENTS (queries)); i++)
    {
      const char *type_name = check->mx ? mx_query[i].name : queries[i].name;
      g_autofree char *uri = doh_build_uri (mfd_web_get_doh_url (self), name, type_name);
      DohQuery *query = g_new0 (DohQuery, 1);

      query->task = g_object_ref (task);
      query->rr_type = check->mx ? mx_query[i].rr_type : queries[i].rr_type;
      mfd_web_fetch_json_async (self, uri, "application/dns-json", MFD_WEB_DOH_MAX_SIZE,
                                cancellable, on_doh_fetched_cb, query);
    }
}

MfdObservation *
mfd_web_check_public_dns_finish (MfdWeb        *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_web_check_public_dns_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
