/* mfd-dns-zone.c — a zone's name servers, found through the resolver and
 * asked directly
 *
 * Each server address is asked without recursion in its own thread, so
 * that a zone whose servers are all silent costs one timeout, not one each.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dns"

#include "config.h"

#include "mfd-dns-private.h"
#include "mfd-host.h"

#define MAX_AUTHORITY_TRY_MS 2000

void
_mfd_dns_auth_reply_free (AuthReply *reply)
{
  g_free (reply->ns_name);
  g_free (reply->ip);
  g_free (reply->rcode);
  g_clear_pointer (&reply->addresses, g_ptr_array_unref);
  g_free (reply->alias);
  g_free (reply);
}

void
_mfd_dns_name_server_free (NameServer *ns)
{
  g_free (ns->name);
  g_ptr_array_unref (ns->ips);
  g_free (ns);
}

NameServer *
_mfd_dns_name_server_new (const char *name)
{
  NameServer *ns = g_new0 (NameServer, 1);

  ns->name = g_strdup (name);
  ns->ips = g_ptr_array_new_with_free_func (g_free);
  return ns;
}

static const char *
auth_status_to_string (AuthStatus status)
{
  switch (status)
    {
    case AUTH_ANSWER:            return "authoritative";
    case AUTH_NOT_AUTHORITATIVE: return "not-authoritative";
    case AUTH_REFERRAL:          return "referral";
    case AUTH_ERROR_RCODE:       return "error";
    case AUTH_TIMEOUT:           return "timeout";
    case AUTH_MALFORMED:         return "malformed";
    case AUTH_UNREACHABLE:       return "unreachable";
    default:                     return "unknown";
    }
}

/* The addresses the glue in @additional gives for @ns. */
static void
read_glue (ldns_rr_list *additional,
           NameServer   *ns)
{
  for (size_t j = 0; j < ldns_rr_list_rr_count (additional) && ns->ips->len < MFD_DNS_MAX_ADDRESSES_PER_NS; j++)
    {
      ldns_rr *glue = ldns_rr_list_rr (additional, j);
      g_autofree char *glue_owner = NULL;
      char *ip;

      if ((ldns_rr_get_type (glue) != LDNS_RR_TYPE_A && ldns_rr_get_type (glue) != LDNS_RR_TYPE_AAAA) ||
          ldns_rr_rd_count (glue) < 1)
        continue;
      glue_owner = _mfd_dns_dname_to_string (ldns_rr_owner (glue));
      if (!g_str_equal (glue_owner, ns->name))
        continue;
      ip = _mfd_dns_address_rdf_to_string (ldns_rr_rdf (glue, 0));
      if (ip != NULL)
        g_ptr_array_add (ns->ips, ip);
    }
}

/* A parent's referral: NS for a zone between @zone and @host, into
 * @referral_zone and @referral (glue included); one zone only. */
static void
read_referral (ldns_pkt    *pkt,
               const char  *host,
               const char  *zone,
               char       **referral_zone,
               GPtrArray   *referral)
{
  ldns_rr_list *authority = ldns_pkt_authority (pkt);

  for (size_t i = 0; i < ldns_rr_list_rr_count (authority) && referral->len < MFD_DNS_MAX_AUTHORITY_SERVERS; i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (authority, i);
      g_autofree char *rr_owner = NULL;
      g_autofree char *ns_name = NULL;
      NameServer *ns;

      if (ldns_rr_get_type (rr) != LDNS_RR_TYPE_NS || ldns_rr_rd_count (rr) < 1)
        continue;
      rr_owner = _mfd_dns_dname_to_string (ldns_rr_owner (rr));
      if (!mfd_host_is_same_or_below (host, rr_owner) || !mfd_host_is_same_or_below (rr_owner, zone) ||
          g_str_equal (rr_owner, zone) ||
          (*referral_zone != NULL && !g_str_equal (*referral_zone, rr_owner)))
        continue;
      if (*referral_zone == NULL)
        *referral_zone = g_strdup (rr_owner);
      ns_name = _mfd_dns_dname_to_string (ldns_rr_rdf (rr, 0));
      ns = _mfd_dns_name_server_new (ns_name);
      read_glue (ldns_pkt_additional (pkt), ns);
      g_ptr_array_add (referral, ns);
    }
}

/* Reads one authoritative reply for @host/@type into @out; on a referral
 * fills @referral with the delegated zone's servers (glue included). */
static AuthStatus
read_auth_reply (Reply       *reply,
                 const char  *host,
                 ldns_rr_type type,
                 AuthReply   *out,
                 const char  *zone,
                 char       **referral_zone,
                 GPtrArray   *referral)
{
  ldns_pkt *pkt = reply->pkt;
  ldns_rr_list *answer;
  ldns_rdf *host_dname;

  switch (reply->status)
    {
    case REPLY_ANSWER:
      break;
    case REPLY_ERROR_RCODE:
      g_free (out->rcode);
      out->rcode = g_strdup (_mfd_dns_rcode_name (pkt));
      return AUTH_ERROR_RCODE;
    case REPLY_TIMEOUT:
      return AUTH_TIMEOUT;
    case REPLY_MALFORMED:
      return AUTH_MALFORMED;
    case REPLY_NONE:
    case REPLY_UNREACHABLE:
    case REPLY_CANCELLED:
    default:
      return AUTH_UNREACHABLE;
    }

  g_free (out->rcode);
  out->rcode = g_strdup (_mfd_dns_rcode_name (pkt));
  answer = ldns_pkt_answer (pkt);

  if (!ldns_pkt_aa (pkt))
    {
      read_referral (pkt, host, zone, referral_zone, referral);
      return referral->len > 0 ? AUTH_REFERRAL : AUTH_NOT_AUTHORITATIVE;
    }

  if (ldns_pkt_get_rcode (pkt) == LDNS_RCODE_NXDOMAIN)
    {
      out->nxdomain = TRUE;
      return AUTH_ANSWER;
    }

  host_dname = ldns_dname_new_frm_str (host);
  if (host_dname == NULL)
    return AUTH_MALFORMED;
  for (size_t i = 0; i < ldns_rr_list_rr_count (answer); i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (answer, i);
      char *ip;

      if (ldns_dname_compare (ldns_rr_owner (rr), host_dname) != 0 || ldns_rr_rd_count (rr) < 1)
        continue;
      if (ldns_rr_get_type (rr) == LDNS_RR_TYPE_CNAME && out->alias == NULL)
        {
          out->alias = _mfd_dns_dname_to_string (ldns_rr_rdf (rr, 0));
          out->ttl = MIN (out->ttl, ldns_rr_ttl (rr));
        }
      if (ldns_rr_get_type (rr) != type)
        continue;
      ip = _mfd_dns_address_rdf_to_string (ldns_rr_rdf (rr, 0));
      if (ip != NULL)
        {
          g_ptr_array_add (out->addresses, ip);
          out->ttl = MIN (out->ttl, ldns_rr_ttl (rr));
        }
    }
  ldns_rdf_deep_free (host_dname);
  return AUTH_ANSWER;
}

gint
_mfd_dns_compare_strings (gconstpointer a,
                          gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* One authoritative server address to ask, in its own thread so that a
 * zone whose servers are all silent costs one timeout, not one each. */
typedef struct
{
  MfdDnsResolver *resolver;
  const char     *ns_name;
  const char     *ip;
  const char     *host;
  const char     *zone;
  gint64          deadline;
  GCancellable   *cancellable;

  AuthReply      *reply;
  char           *referral_zone;
  GPtrArray      *referral;      /* (element-type NameServer) */
  gboolean        cancelled;
} AuthJob;

/* Asks one authoritative server for A and AAAA of the host without
 * recursion. */
static gpointer
ask_authority (gpointer data)
{
  static const ldns_rr_type types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
  AuthJob *job = data;
  AuthReply *out = g_new0 (AuthReply, 1);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (job->ip);
  g_autoptr(GSocketAddress) server = NULL;
  gint64 per_try = CLAMP ((gint64) job->resolver->timeout_ms / 2, MFD_DNS_MIN_TRY_MS, MAX_AUTHORITY_TRY_MS) * 1000;

  job->reply = out;
  out->ns_name = g_strdup (job->ns_name);
  out->ip = g_strdup (job->ip);
  out->addresses = g_ptr_array_new_with_free_func (g_free);
  out->ttl = G_MAXUINT32;
  out->status = AUTH_UNREACHABLE;
  if (address == NULL)
    return NULL;
  server = g_inet_socket_address_new (address, job->resolver->authority_port);

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      Reply reply = { 0, };
      ldns_pkt *query = _mfd_dns_build_query (job->host, types[t], FALSE);
      AuthStatus status;

      if (query == NULL)
        {
          out->status = AUTH_MALFORMED;
          break;
        }
      _mfd_dns_exchange (G_INET_SOCKET_ADDRESS (server), query,
                         MIN (job->deadline, g_get_monotonic_time () + per_try), job->cancellable, &reply);
      ldns_pkt_free (query);

      if (reply.status == REPLY_CANCELLED)
        {
          job->cancelled = TRUE;
          _mfd_dns_reply_clear (&reply);
          break;
        }
      status = read_auth_reply (&reply, job->host, types[t], out, job->zone,
                                &job->referral_zone, job->referral);
      _mfd_dns_reply_clear (&reply);
      /* The answer to A says what kind of server this is; AAAA only adds
       * addresses. */
      if (t == 0)
        out->status = status;
      if (out->status != AUTH_ANSWER || out->nxdomain)
        break;
    }
  g_ptr_array_sort (out->addresses, _mfd_dns_compare_strings);
  return NULL;
}

void
_mfd_dns_resolve_name_servers (MfdDnsResolver *self,
                               GPtrArray      *name_servers,
                               gint64          deadline,
                               GCancellable   *cancellable)
{
  for (guint i = 0; i < name_servers->len; i++)
    {
      NameServer *ns = g_ptr_array_index (name_servers, i);
      static const ldns_rr_type types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };

      for (guint t = 0; t < G_N_ELEMENTS (types) && ns->ips->len < MFD_DNS_MAX_ADDRESSES_PER_NS; t++)
        {
          Lookup lookup;

          if (g_cancellable_is_cancelled (cancellable))
            return;
          _mfd_dns_lookup_init (&lookup);
          _mfd_dns_lookup_type (self, ns->name, types[t], deadline, cancellable, &lookup);
          if (lookup.status == LOOKUP_FOUND)
            _mfd_dns_add_addresses (&lookup, ns->ips);
          _mfd_dns_lookup_clear (&lookup);
        }
      if (ns->ips->len > MFD_DNS_MAX_ADDRESSES_PER_NS)
        g_ptr_array_set_size (ns->ips, MFD_DNS_MAX_ADDRESSES_PER_NS);
    }
}

/* Walks up from @host until the resolver answers NS records for a name;
 * stops before the root. */
char *
_mfd_dns_find_zone (MfdDnsResolver *self,
                    const char     *host,
                    GPtrArray      *name_servers,
                    gint64          deadline,
                    GCancellable   *cancellable,
                    Reply          *last)
{
  const char *name = host;

  while (name != NULL && name[0] != '\0')
    {
      Lookup lookup;

      _mfd_dns_lookup_init (&lookup);
      _mfd_dns_ask_resolver (self, name, LDNS_RR_TYPE_NS, deadline, cancellable, &lookup.reply);
      if (lookup.reply.status == REPLY_CANCELLED || lookup.reply.status <= REPLY_TIMEOUT)
        {
          _mfd_dns_reply_take (last, &lookup.reply);
          _mfd_dns_lookup_clear (&lookup);
          return NULL;
        }
      if (lookup.reply.status == REPLY_ANSWER)
        {
          ldns_rr_list *answer = ldns_pkt_answer (lookup.reply.pkt);
          ldns_rdf *owner = ldns_dname_new_frm_str (name);

          for (size_t i = 0; owner != NULL && i < ldns_rr_list_rr_count (answer); i++)
            {
              ldns_rr *rr = ldns_rr_list_rr (answer, i);
              g_autofree char *ns_name = NULL;

              if (ldns_rr_get_type (rr) != LDNS_RR_TYPE_NS || ldns_rr_rd_count (rr) < 1 ||
                  ldns_dname_compare (ldns_rr_owner (rr), owner) != 0 ||
                  name_servers->len >= MFD_DNS_MAX_AUTHORITY_SERVERS)
                continue;
              ns_name = _mfd_dns_dname_to_string (ldns_rr_rdf (rr, 0));
              g_ptr_array_add (name_servers, _mfd_dns_name_server_new (ns_name));
            }
          if (owner != NULL)
            ldns_rdf_deep_free (owner);
        }
      _mfd_dns_reply_take (last, &lookup.reply);
      _mfd_dns_lookup_clear (&lookup);
      if (name_servers->len > 0)
        return g_strdup (name);

      name = strchr (name, '.');
      if (name != NULL)
        name++;
    }
  return NULL;
}

char *
_mfd_dns_describe_servers (GPtrArray *replies)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < replies->len; i++)
    {
      AuthReply *reply = g_ptr_array_index (replies, i);

      if (i > 0)
        g_string_append (out, "; ");
      g_string_append_printf (out, "%s (%s): %s", reply->ns_name, reply->ip,
                              auth_status_to_string (reply->status));
      if (reply->status == AUTH_ANSWER)
        {
          g_autofree char *answers = _mfd_dns_join_strings (reply->addresses);

          g_string_append_printf (out, " %s", reply->nxdomain ? "NXDOMAIN" : answers);
          if (reply->alias != NULL)
            g_string_append_printf (out, " CNAME %s", reply->alias);
        }
      else if (reply->status == AUTH_ERROR_RCODE && reply->rcode != NULL)
        g_string_append_printf (out, " %s", reply->rcode);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Asks every address of @name_servers for @host at once, without
 * recursion: a zone whose servers are all silent costs one timeout, not one
 * each. Their replies go to @replies in the zone's order (so the facts list
 * the servers as the zone does); the first referral below @zone to
 * @referral_zone and @referral. FALSE when cancelled. */
gboolean
_mfd_dns_ask_servers (MfdDnsResolver *self,
                      GPtrArray      *name_servers,
                      const char     *host,
                      const char     *zone,
                      gint64          deadline,
                      GCancellable   *cancellable,
                      GPtrArray      *replies,
                      char          **referral_zone,
                      GPtrArray      *referral)
{
  AuthJob jobs[MFD_DNS_MAX_AUTHORITY_SERVERS * MFD_DNS_MAX_ADDRESSES_PER_NS] = { { 0, }, };
  GThread *threads[G_N_ELEMENTS (jobs)] = { 0, };
  guint n_jobs = 0;
  gboolean cancelled = FALSE;

  for (guint i = 0; i < name_servers->len; i++)
    {
      NameServer *ns = g_ptr_array_index (name_servers, i);

      for (guint j = 0; j < ns->ips->len && n_jobs < G_N_ELEMENTS (jobs); j++)
        {
          AuthJob *job = &jobs[n_jobs++];

          job->resolver = self;
          job->ns_name = ns->name;
          job->ip = g_ptr_array_index (ns->ips, j);
          job->host = host;
          job->zone = zone;
          job->deadline = deadline;
          job->cancellable = cancellable;
          job->referral = g_ptr_array_new_with_free_func ((GDestroyNotify) _mfd_dns_name_server_free);
          threads[n_jobs - 1] = g_thread_try_new ("mfd-dns-authority", ask_authority, job, NULL);
          if (threads[n_jobs - 1] == NULL)
            ask_authority (job);
        }
    }

  for (guint i = 0; i < n_jobs; i++)
    {
      AuthJob *job = &jobs[i];

      if (threads[i] != NULL)
        g_thread_join (threads[i]);
      cancelled |= job->cancelled;
      g_ptr_array_add (replies, job->reply);
      if (*referral_zone == NULL && job->referral_zone != NULL)
        {
          *referral_zone = g_steal_pointer (&job->referral_zone);
          g_ptr_array_extend_and_steal (referral, g_steal_pointer (&job->referral));
        }
      g_free (job->referral_zone);
      g_clear_pointer (&job->referral, g_ptr_array_unref);
    }
  return !cancelled;
}
