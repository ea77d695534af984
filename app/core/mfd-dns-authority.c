/* mfd-dns-authority.c — the authority check: the zone's own servers asked
 * directly and compared with the resolver (stale cache, lame delegation)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dns"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mfd-dns-private.h"

#define MAX_REFERRALS       3

/* What one authority check has learnt so far, handed from step to step. */
typedef struct
{
  MfdDnsResolver *resolver;
  MfdObservation *obs;
  GCancellable   *cancellable;
  gint64          deadline;
  const char     *name;

  /* What the resolver says about the name. */
  GPtrArray      *resolver_sorted;   /* (element-type utf8) */
  gboolean        resolver_known;    /* a clear answer to compare with */
  char           *resolver_answers;
  char           *resolver_ttl;

  /* The zone, its servers and what each said. */
  char           *zone;
  GPtrArray      *name_servers;      /* (element-type NameServer) */
  GPtrArray      *replies;           /* (element-type AuthReply) */
  gboolean        referred;          /* reached through a referral */
  gboolean        cancelled;
} AuthCheck;

/* What the parent zone's servers say about @zone when none of @zone's own
 * servers answers: the proof that direct DNS works from here. */
typedef enum
{
  PARENT_UNKNOWN,    /* no parent zone found, or its servers have no address */
  PARENT_SILENT,     /* its servers do not answer either */
  PARENT_ANSWERS,    /* they answer, but do not refer to @zone */
  PARENT_REFERS,     /* they answer with a referral to @zone */
  PARENT_CANCELLED,
} ParentView;

static gboolean
same_answers (GPtrArray *a,
              GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!g_str_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

static char *
describe_name_servers (GPtrArray *name_servers)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < name_servers->len; i++)
    g_ptr_array_add (names, ((NameServer *) g_ptr_array_index (name_servers, i))->name);
  return _mfd_dns_join_strings (names);
}

static void
copy_sorted (GPtrArray *from,
             GPtrArray *to)
{
  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (to, g_strdup (g_ptr_array_index (from, i)));
  g_ptr_array_sort (to, _mfd_dns_compare_strings);
}

/* Finds the parent of @zone through the resolver (the NS of the name one
 * label up, walking further up when that has none) and asks its servers
 * for @host as the zone's own servers were asked. */
static ParentView
ask_parent (MfdDnsResolver  *self,
            const char      *host,
            const char      *zone,
            gint64           deadline,
            GCancellable    *cancellable,
            char           **parent_zone,
            char           **parent_servers)
{
  g_autoptr(GPtrArray) name_servers = g_ptr_array_new_with_free_func ((GDestroyNotify) _mfd_dns_name_server_free);
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func ((GDestroyNotify) _mfd_dns_auth_reply_free);
  g_autoptr(GPtrArray) referral = g_ptr_array_new_with_free_func ((GDestroyNotify) _mfd_dns_name_server_free);
  g_autofree char *referral_zone = NULL;
  const char *above = strchr (zone, '.');
  ParentView view = PARENT_SILENT;
  Reply last = { 0, };

  *parent_zone = NULL;
  *parent_servers = NULL;
  if (above == NULL || above[1] == '\0')
    return PARENT_UNKNOWN;

  *parent_zone = _mfd_dns_find_zone (self, above + 1, name_servers, deadline, cancellable, &last);
  _mfd_dns_reply_clear (&last);
  if (g_cancellable_is_cancelled (cancellable))
    return PARENT_CANCELLED;
  if (*parent_zone == NULL)
    return PARENT_UNKNOWN;

  _mfd_dns_resolve_name_servers (self, name_servers, deadline, cancellable);
  if (!_mfd_dns_ask_servers (self, name_servers, host, *parent_zone, deadline, cancellable,
                             replies, &referral_zone, referral))
    return PARENT_CANCELLED;
  if (replies->len == 0)
    return PARENT_UNKNOWN;

  for (guint i = 0; i < replies->len; i++)
    {
      AuthReply *reply = g_ptr_array_index (replies, i);

      if (reply->status == AUTH_REFERRAL && g_strcmp0 (referral_zone, zone) == 0)
        view = PARENT_REFERS;
      else if (reply->status != AUTH_TIMEOUT && reply->status != AUTH_UNREACHABLE && view != PARENT_REFERS)
        view = PARENT_ANSWERS;
    }
  *parent_servers = _mfd_dns_describe_servers (replies);
  return view;
}

/* Judges a zone none of whose servers answered authoritatively: lame when
 * direct DNS provably works from here, inconclusive when nothing at all
 * answers (this network probably blocks direct DNS). */
static void
judge_unanswered_zone (AuthCheck  *check,
                       const char *ns_list)
{
  MfdObservation *obs = check->obs;
  const char *name = check->name;
  const char *zone = check->zone;
  g_autofree char *parent_zone = NULL;
  g_autofree char *parent_servers = NULL;
  ParentView parent = PARENT_REFERS;
  gboolean any_response = FALSE;

  for (guint i = 0; i < check->replies->len; i++)
    {
      AuthReply *reply = g_ptr_array_index (check->replies, i);

      if (reply->status != AUTH_TIMEOUT && reply->status != AUTH_UNREACHABLE)
        any_response = TRUE;
    }

  /* Reached through a referral, the servers above have answered already. */
  if (!check->referred)
    parent = ask_parent (check->resolver, name, zone, check->deadline, check->cancellable,
                         &parent_zone, &parent_servers);
  if (parent_zone != NULL)
    mfd_observation_set_fact (obs, "parent_zone", parent_zone);
  if (parent_servers != NULL)
    mfd_observation_set_fact (obs, "parent_servers", parent_servers);

  switch (parent)
    {
    case PARENT_CANCELLED:
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_fact (obs, "cancelled", "true");
      mfd_observation_set_detail (obs, N_("The DNS lookup of {1} was cancelled."), name, NULL);
      return;

    case PARENT_REFERS:
      mfd_observation_set_fact (obs, "direct_dns", "works");
      mfd_observation_set_finding (obs, MFD_OUTCOME_FAIL, "dns-lame-delegation",
                                   N_("None of the name servers of {1} ({2}) answered authoritatively for {3}, "
                                      "although the servers of the zone above answer from here and delegate {1} to them: "
                                      "the delegation is lame."),
                                   zone, ns_list, name, NULL);
      return;

    case PARENT_ANSWERS:
      mfd_observation_set_fact (obs, "direct_dns", "works");
      mfd_observation_set_finding (obs, MFD_OUTCOME_FAIL, "dns-lame-delegation",
                                   N_("None of the name servers of {1} ({2}) answered authoritatively for {3}. "
                                      "The servers of the parent zone {4} answer from here, so DNS queries do get through, "
                                      "but they do not delegate {1} to these servers."),
                                   zone, ns_list, name, parent_zone, NULL);
      return;

    case PARENT_SILENT:
    case PARENT_UNKNOWN:
    default:
      break;
    }

  if (!any_response)
    {
      g_autofree char *tried = _mfd_dns_describe_servers (check->replies);

      /* Not one packet back from any authoritative server. */
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      if (parent == PARENT_SILENT)
        mfd_observation_set_detail (obs, N_("No name server answered queries from this computer: neither those of {1} ({2}) "
                                            "nor those of the parent zone {3} ({4}). This network probably blocks DNS queries "
                                            "sent directly to name servers, so the delegation could not be checked."),
                                    zone, tried, parent_zone, parent_servers, NULL);
      else
        mfd_observation_set_detail (obs, N_("None of the name servers of {1} ({2}) answered queries from this computer, "
                                            "and no servers of a parent zone could be asked. This network may block DNS queries "
                                            "sent directly to name servers, so the delegation could not be checked."),
                                    zone, tried, NULL);
      return;
    }

  mfd_observation_set_fact (obs, "caveat", "direct-dns-may-be-blocked");
  mfd_observation_set_finding (obs, MFD_OUTCOME_FAIL, "dns-lame-delegation",
                               N_("None of the name servers of {1} ({2}) answered authoritatively for {3}. "
                                  "Some networks block DNS queries to anything but their own resolver, "
                                  "so compare with the public DNS check."),
                               zone, ns_list, name, NULL);
}

static void
auth_check_clear (AuthCheck *check)
{
  g_clear_pointer (&check->resolver_sorted, g_ptr_array_unref);
  g_clear_pointer (&check->resolver_answers, g_free);
  g_clear_pointer (&check->resolver_ttl, g_free);
  g_clear_pointer (&check->zone, g_free);
  g_clear_pointer (&check->name_servers, g_ptr_array_unref);
  g_clear_pointer (&check->replies, g_ptr_array_unref);
}

/* Step 1: the resolver's answer, from the caller or asked now. */
static void
learn_resolver_answer (AuthCheck *check,
                       GPtrArray *resolver_addresses)
{
  if (resolver_addresses != NULL)
    {
      copy_sorted (resolver_addresses, check->resolver_sorted);
      check->resolver_known = TRUE;
    }
  else
    {
      g_autoptr(MfdObservation) now = NULL;
      g_autoptr(GPtrArray) found = NULL;

      /* The caller did not say: ask, and compare only with a clear answer. */
      now = mfd_dns_resolve_addresses (check->resolver, check->name, &found, check->cancellable);
      check->resolver_known = now->outcome == MFD_OUTCOME_OK ||
                              g_strcmp0 (now->cause, "dns-nxdomain") == 0 ||
                              g_strcmp0 (now->cause, "dns-no-address") == 0;
      check->resolver_ttl = g_strdup (mfd_observation_get_fact (now, "ttl"));
      copy_sorted (found, check->resolver_sorted);
    }
  check->resolver_answers = _mfd_dns_join_strings (check->resolver_sorted);
}

/* Step 2: the zone that holds the name and its name servers, through the
 * resolver. FALSE, with the verdict set, when there is none to ask. */
static gboolean
find_zone_servers (AuthCheck *check)
{
  Lookup failed;

  _mfd_dns_lookup_init (&failed);
  check->zone = _mfd_dns_find_zone (check->resolver, check->name, check->name_servers,
                                    check->deadline, check->cancellable, &failed.reply);
  if (check->zone != NULL)
    {
      _mfd_dns_lookup_clear (&failed);
      return TRUE;
    }

  failed.status = LOOKUP_FAILED;
  if (failed.reply.status == REPLY_ANSWER || failed.reply.status == REPLY_NONE)
    {
      /* The resolver works but knows no name servers above the name:
       * a private name (or the practice lab) that has no public
       * delegation to compare with. */
      check->obs->outcome = MFD_OUTCOME_SKIPPED;
      mfd_observation_set_detail (check->obs, N_("No name servers were found for {1} or the domains above it, so there are no authoritative servers to compare with."),
                                  check->name, NULL);
    }
  else
    {
      _mfd_dns_report_lookup_failure (check->resolver, check->obs, check->name, &failed);
      /* The resolver failing is the dns step's finding, not this one's. */
      if (check->obs->outcome == MFD_OUTCOME_FAIL)
        check->obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_cause (check->obs, NULL);
    }
  _mfd_dns_lookup_clear (&failed);
  return FALSE;
}

/* Step 3: every server of the zone asked directly; when they only
 * delegate further down, the servers they point to, as a resolver would. */
static void
ask_zone_servers (AuthCheck *check)
{
  for (guint level = 0; level <= MAX_REFERRALS; level++)
    {
      g_autoptr(GPtrArray) referral = g_ptr_array_new_with_free_func ((GDestroyNotify) _mfd_dns_name_server_free);
      g_autofree char *referral_zone = NULL;
      gboolean any_answer = FALSE;

      _mfd_dns_resolve_name_servers (check->resolver, check->name_servers,
                                     check->deadline, check->cancellable);
      g_ptr_array_set_size (check->replies, 0);
      check->cancelled = !_mfd_dns_ask_servers (check->resolver, check->name_servers, check->name,
                                                check->zone, check->deadline, check->cancellable,
                                                check->replies, &referral_zone, referral);
      for (guint i = 0; i < check->replies->len; i++)
        any_answer |= ((AuthReply *) g_ptr_array_index (check->replies, i))->status == AUTH_ANSWER;

      if (check->cancelled || any_answer || referral->len == 0 || level == MAX_REFERRALS)
        return;
      g_free (check->zone);
      check->zone = g_steal_pointer (&referral_zone);
      g_ptr_array_unref (check->name_servers);
      check->name_servers = g_steal_pointer (&referral);
      check->referred = TRUE;
    }
}

/* Step 4: the first authoritative answer, whether the others agree with
 * it, and the servers that answered without authority (@lame). */
static AuthReply *
compare_answers (AuthCheck *check,
                 gboolean  *disagree,
                 GPtrArray *lame)
{
  AuthReply *reference = NULL;

  *disagree = FALSE;
  for (guint i = 0; i < check->replies->len; i++)
    {
      AuthReply *reply = g_ptr_array_index (check->replies, i);

      if (reply->status == AUTH_ANSWER)
        {
          if (reference == NULL)
            reference = reply;
          else if (reference->nxdomain != reply->nxdomain ||
                   !same_answers (reference->addresses, reply->addresses))
            *disagree = TRUE;
        }
      else if (reply->status != AUTH_UNREACHABLE)
        g_ptr_array_add (lame, g_strdup_printf ("%s (%s)", reply->ns_name, reply->ip));
    }
  return reference;
}

/* The verdict when the zone's servers answer otherwise than the resolver:
 * it holds an older answer (or an older failure) until its TTL ends. */
static void
judge_stale_cache (AuthCheck  *check,
                   AuthReply  *reference,
                   const char *auth_answers)
{
  MfdObservation *obs = check->obs;
  gboolean auth_has = !reference->nxdomain && reference->addresses->len > 0;
  gboolean resolver_has = check->resolver_sorted->len > 0;
  const char *ttl;

  obs->outcome = MFD_OUTCOME_FAIL;
  mfd_observation_set_cause (obs, "dns-stale-cache");
  if (resolver_has && check->resolver_ttl == NULL)
    {
      g_autoptr(MfdObservation) now = mfd_dns_resolve_addresses (check->resolver, check->name, NULL,
                                                                 check->cancellable);

      check->resolver_ttl = g_strdup (mfd_observation_get_fact (now, "ttl"));
    }
  if (check->resolver_ttl != NULL)
    mfd_observation_set_fact (obs, "resolver_ttl", check->resolver_ttl);
  ttl = check->resolver_ttl != NULL ? check->resolver_ttl : "?";

  if (!resolver_has)
    mfd_observation_set_detail (obs, N_("The resolver has no address for {1}, but the name servers of {2} say {3}. "
                                        "The resolver may remember an earlier failure until its time to live ends."),
                                check->name, check->zone, auth_answers, NULL);
  else if (!auth_has)
    mfd_observation_set_detail (obs, reference->nxdomain
                                ? N_("The resolver answers {1} with {2}, but the name servers of {3} say the name does not exist. "
                                     "The resolver may keep its answer until its time to live runs out in {4} s.")
                                : N_("The resolver answers {1} with {2}, but the name servers of {3} say it has no address. "
                                     "The resolver may keep its answer until its time to live runs out in {4} s."),
                                check->name, check->resolver_answers, check->zone, ttl, NULL);
  else
    mfd_observation_set_detail (obs, N_("The resolver answers {1} with {2}, but the name servers of {3} say {4}. "
                                        "The resolver may keep the old answer until its time to live runs out in {5} s."),
                                check->name, check->resolver_answers, check->zone, auth_answers, ttl, NULL);
}

/* Step 5: the verdict when at least one server answered with authority. */
static void
judge_answer (AuthCheck  *check,
              AuthReply  *reference,
              gboolean    disagree,
              GPtrArray  *lame,
              const char *servers,
              const char *ns_list)
{
  MfdObservation *obs = check->obs;
  g_autofree char *auth_answers = _mfd_dns_join_strings (reference->addresses);
  gboolean auth_has = !reference->nxdomain && reference->addresses->len > 0;
  gboolean resolver_has = check->resolver_sorted->len > 0;

  mfd_observation_set_fact (obs, "authoritative_answers", reference->nxdomain ? "NXDOMAIN" : auth_answers);
  if (reference->ttl != G_MAXUINT32)
    _mfd_dns_set_fact_uint (obs, "ttl", reference->ttl);
  if (reference->alias != NULL)
    mfd_observation_set_fact (obs, "cname", reference->alias);

  if (disagree)
    {
      obs->outcome = MFD_OUTCOME_WARNING;
      mfd_observation_set_cause (obs, "dns-stale-cache");
      mfd_observation_set_detail (obs, N_("The name servers of {1} give different answers for {2}: {3}. "
                                          "Resolvers may hold either answer."),
                                  check->zone, check->name, servers, NULL);
    }
  else if (reference->alias != NULL && reference->addresses->len == 0)
    {
      /* The addresses live in another zone; comparing them is the
       * target's own check. */
      mfd_observation_set_detail (obs, N_("The name servers of {1} answer authoritatively that {2} is an alias of {3}."),
                                  check->zone, check->name, reference->alias, NULL);
    }
  else if (check->resolver_known &&
           (auth_has != resolver_has ||
            (auth_has && !same_answers (reference->addresses, check->resolver_sorted))))
    judge_stale_cache (check, reference, auth_answers);
  else if (lame->len > 0)
    {
      g_autofree char *lame_list = _mfd_dns_join_strings (lame);

      obs->outcome = MFD_OUTCOME_WARNING;
      mfd_observation_set_cause (obs, "dns-lame-delegation");
      mfd_observation_set_fact (obs, "lame_servers", lame_list);
      /* Another server of the zone answered: direct DNS works here. */
      mfd_observation_set_fact (obs, "direct_dns", "works");
      mfd_observation_set_detail (obs, N_("Some name servers of {1} do not answer authoritatively: {2}."),
                                  check->zone, lame_list, NULL);
    }
  else if (!auth_has)
    mfd_observation_set_detail (obs, N_("The name servers of {1} agree that {2} has no address."),
                                check->zone, check->name, NULL);
  else
    mfd_observation_set_detail (obs, N_("The name servers of {1} ({2}) give the same answer as the resolver: {3}."),
                                check->zone, ns_list, auth_answers, NULL);
}

/* Steps 4 and 5 after the servers were asked: the facts every verdict
 * carries, then the verdict. */
static void
judge_zone (AuthCheck *check)
{
  MfdObservation *obs = check->obs;
  g_autoptr(GPtrArray) lame = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *servers = _mfd_dns_describe_servers (check->replies);
  g_autofree char *ns_list = describe_name_servers (check->name_servers);
  AuthReply *reference;
  gboolean disagree;

  mfd_observation_set_fact (obs, "zone", check->zone);
  mfd_observation_set_fact (obs, "nameservers", ns_list);
  mfd_observation_set_fact (obs, "servers", servers);
  mfd_observation_set_fact (obs, "resolver", check->resolver->description);
  mfd_observation_set_fact (obs, "resolver_answers", check->resolver_answers);

  if (check->cancelled)
    {
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_fact (obs, "cancelled", "true");
      mfd_observation_set_detail (obs, N_("The DNS lookup of {1} was cancelled."), check->name, NULL);
      return;
    }

  reference = compare_answers (check, &disagree, lame);
  if (check->replies->len == 0)
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-lame-delegation");
      mfd_observation_set_detail (obs, N_("The name servers of {1} ({2}) have no address, so they cannot be asked."),
                                  check->zone, ns_list, NULL);
    }
  else if (reference == NULL)
    judge_unanswered_zone (check, ns_list);
  else
    judge_answer (check, reference, disagree, lame, servers, ns_list);
}

MfdObservation *
mfd_dns_check_authority (MfdDnsResolver *self,
                         const char     *host,
                         GPtrArray      *resolver_addresses,
                         GCancellable   *cancellable)
{
  g_autofree char *name = NULL;
  AuthCheck check = { 0, };
  MfdObservation *obs;
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  obs = _mfd_dns_check_host (MFD_STAGE_DNS_AUTHORITY, host, &name);
  if (obs != NULL)
    return obs;

  obs = mfd_observation_new (MFD_STAGE_DNS_AUTHORITY, MFD_OUTCOME_OK, host, NULL, 0);
  check.resolver = self;
  check.obs = obs;
  check.cancellable = cancellable;
  /* A cap over the whole step; each question has its own timeout too. */
  check.deadline = started + 8 * (gint64) self->timeout_ms * 1000;
  check.name = name;
  check.resolver_sorted = g_ptr_array_new_with_free_func (g_free);
  check.name_servers = g_ptr_array_new_with_free_func ((GDestroyNotify) _mfd_dns_name_server_free);
  check.replies = g_ptr_array_new_with_free_func ((GDestroyNotify) _mfd_dns_auth_reply_free);

  learn_resolver_answer (&check, resolver_addresses);
  if (find_zone_servers (&check))
    {
      ask_zone_servers (&check);
      judge_zone (&check);
    }

  auth_check_clear (&check);
  _mfd_dns_finish_observation (obs, started);
  return obs;
}
