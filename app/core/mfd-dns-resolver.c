/* mfd-dns-resolver.c — the resolver: its servers (resolv.conf or
 * --dns-server), retries and aliases
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dns"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mfd-dns-private.h"
#include "mfd-dnssec.h"
#include "mfd-socket.h"
#include "mfd-text.h"

#define MAX_SYSTEM_SERVERS  3     /* as glibc reads resolv.conf */
#define MAX_ALIAS_HOPS      8

G_DEFINE_QUARK (mfd-dns-error-quark, mfd_dns_error)

static GInetSocketAddress *
parse_server (const char  *server,
              GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) address = NULL;
  guint64 port = MFD_DNS_PORT;
  const char *port_str = NULL;

  if (server[0] == '[')
    {
      const char *end = strchr (server, ']');

      if (end == NULL)
        goto invalid;
      host = g_strndup (server + 1, end - server - 1);
      if (end[1] == ':')
        port_str = end + 2;
      else if (end[1] != '\0')
        goto invalid;
    }
  else if (strchr (server, ':') != NULL && strchr (server, ':') == strrchr (server, ':'))
    {
      const char *colon = strchr (server, ':');

      host = g_strndup (server, colon - server);
      port_str = colon + 1;
    }
  else
    {
      /* A bare IPv6 address has several colons and no port. */
      host = g_strdup (server);
    }

  if (port_str != NULL &&
      !g_ascii_string_to_unsigned (port_str, 10, 1, G_MAXUINT16, &port, NULL))
    goto invalid;

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    goto invalid;

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, (guint16) port));

invalid:
  {
    g_autofree char *message = mfd_text_render_va (NULL, N_("“{1}” is not a DNS server address: give an IP address with an optional port, such as 192.0.2.53:53 or [2001:db8::53]:53."),
                                                   server, NULL);

    g_set_error_literal (error, MFD_DNS_ERROR, MFD_DNS_ERROR_INVALID_SERVER, message);
  }
  return NULL;
}

GInetSocketAddress *
mfd_dns_server_parse (const char  *server,
                      GError     **error)
{
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_server (server, error);
}

static MfdDnsResolver *
resolver_alloc (guint timeout_ms)
{
  MfdDnsResolver *self = g_new0 (MfdDnsResolver, 1);

  self->servers = g_ptr_array_new_with_free_func (g_object_unref);
  self->timeout_ms = MAX (timeout_ms, MFD_DNS_MIN_TRY_MS);
  self->authority_port = MFD_DNS_PORT;
  return self;
}

MfdDnsResolver *
mfd_dns_resolver_new_from_resolv_conf (const char *resolv_conf,
                                       guint       timeout_ms)
{
  MfdDnsResolver *self = resolver_alloc (timeout_ms);
  g_autoptr(GString) description = g_string_new ("system (");
  ldns_resolver *res = NULL;

  /* ldns reads the file as glibc does; we only take its server list. */
  if (ldns_resolver_new_frm_file (&res, resolv_conf) == LDNS_STATUS_OK)
    {
      ldns_rdf **nameservers = ldns_resolver_nameservers (res);
      size_t n = ldns_resolver_nameserver_count (res);

      for (size_t i = 0; i < n && self->servers->len < MAX_SYSTEM_SERVERS; i++)
        {
          g_autofree char *ip = ldns_rdf2str (nameservers[i]);
          g_autoptr(GInetAddress) address = ip != NULL ? g_inet_address_new_from_string (ip) : NULL;

          if (address == NULL)
            continue;
          g_ptr_array_add (self->servers, g_inet_socket_address_new (address, MFD_DNS_PORT));
          if (self->servers->len > 1)
            g_string_append (description, ", ");
          g_string_append (description, ip);
        }
      ldns_resolver_deep_free (res);
    }

  g_string_append_c (description, ')');
  self->description = g_string_free (g_steal_pointer (&description), FALSE);
  return self;
}

MfdDnsResolver *
mfd_dns_resolver_new (const char  *server,
                      guint        timeout_ms,
                      GError     **error)
{
  MfdDnsResolver *self;
  GInetSocketAddress *address;

  if (server == NULL)
    return mfd_dns_resolver_new_from_resolv_conf (NULL, timeout_ms);

  address = parse_server (server, error);
  if (address == NULL)
    return NULL;

  self = resolver_alloc (timeout_ms);
  g_ptr_array_add (self->servers, address);
  self->description = mfd_socket_address_to_string (address);
  return self;
}

void
mfd_dns_resolver_free (MfdDnsResolver *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->servers);
  g_free (self->description);
  g_free (self);
}

const char *
mfd_dns_resolver_get_description (MfdDnsResolver *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->description;
}

void
mfd_dns_resolver_set_authority_port (MfdDnsResolver *self,
                                     guint16         port)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (port != 0);

  self->authority_port = port;
}

/* Asks the resolver's servers, each retried once when it timed out, until
 * one gives an answer or @deadline passes. */
void
_mfd_dns_ask_resolver (MfdDnsResolver *self,
                       const char     *name,
                       ldns_rr_type    type,
                       gint64          deadline,
                       GCancellable   *cancellable,
                       Reply          *best)
{
  guint n = self->servers->len;
  gint64 per_try = MAX ((gint64) self->timeout_ms * 1000 / MAX (n * 2, 1), MFD_DNS_MIN_TRY_MS * 1000);
  g_autofree gboolean *retry = g_new0 (gboolean, MAX (n, 1));

  _mfd_dns_reply_clear (best);
  deadline = MIN (deadline, g_get_monotonic_time () + (gint64) self->timeout_ms * 1000);

  for (guint round = 0; round < 2; round++)
    {
      for (guint i = 0; i < n; i++)
        {
          GInetSocketAddress *server = g_ptr_array_index (self->servers, i);
          Reply reply = { 0, };
          ldns_pkt *query;

          if (round == 1 && !retry[i])
            continue;
          if (g_get_monotonic_time () >= deadline)
            {
              /* The step's time ran out before this question's did. */
              if (best->status == REPLY_NONE)
                {
                  best->status = REPLY_TIMEOUT;
                  best->server = mfd_socket_address_to_string (server);
                }
              return;
            }

          query = _mfd_dns_build_query (name, type, TRUE);
          if (query == NULL)
            {
              best->status = REPLY_MALFORMED;
              return;
            }
          _mfd_dns_exchange (server, query, MIN (deadline, g_get_monotonic_time () + per_try),
                             cancellable, &reply);
          ldns_pkt_free (query);

          retry[i] = reply.status == REPLY_TIMEOUT;
          if (reply.status >= best->status)
            _mfd_dns_reply_take (best, &reply);
          _mfd_dns_reply_clear (&reply);
          if (best->status == REPLY_ANSWER || best->status == REPLY_CANCELLED)
            return;
        }
    }
}

static ldns_rr *
find_rr (ldns_rr_list   *list,
         const ldns_rdf *owner,
         ldns_rr_type    type)
{
  for (size_t i = 0; i < ldns_rr_list_rr_count (list); i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (list, i);

      if (ldns_rr_get_type (rr) == type && ldns_rr_rd_count (rr) > 0 &&
          ldns_dname_compare (ldns_rr_owner (rr), owner) == 0)
        return rr;
    }
  return NULL;
}

void
_mfd_dns_lookup_init (Lookup *lookup)
{
  memset (lookup, 0, sizeof *lookup);
  lookup->records = g_ptr_array_new_with_free_func ((GDestroyNotify) ldns_rr_free);
  lookup->chain = g_ptr_array_new_with_free_func (g_free);
  lookup->ttl = G_MAXUINT32;
}

void
_mfd_dns_lookup_clear (Lookup *lookup)
{
  _mfd_dns_reply_clear (&lookup->reply);
  g_clear_pointer (&lookup->records, g_ptr_array_unref);
  g_clear_pointer (&lookup->chain, g_ptr_array_unref);
}

static gboolean
chain_contains (GPtrArray  *chain,
                const char *name)
{
  for (guint i = 0; i < chain->len; i++)
    if (g_str_equal (g_ptr_array_index (chain, i), name))
      return TRUE;
  return FALSE;
}

/* @type records for @name through the resolver, following aliases both
 * within an answer and, when a resolver stops at a CNAME, by asking
 * again for its target. */
void
_mfd_dns_lookup_type (MfdDnsResolver *self,
                      const char     *name,
                      ldns_rr_type    type,
                      gint64          deadline,
                      GCancellable   *cancellable,
                      Lookup         *lookup)
{
  g_autofree char *current = g_strdup (name);

  g_ptr_array_add (lookup->chain, g_strdup (name));

  for (guint asked = 0; asked <= MAX_ALIAS_HOPS; asked++)
    {
      ldns_rdf *owner;
      ldns_rr_list *answer;

      _mfd_dns_ask_resolver (self, current, type, deadline, cancellable, &lookup->reply);
      if (lookup->reply.status != REPLY_ANSWER)
        {
          lookup->status = LOOKUP_FAILED;
          return;
        }
      if (ldns_pkt_get_rcode (lookup->reply.pkt) == LDNS_RCODE_NXDOMAIN)
        {
          lookup->status = LOOKUP_NXDOMAIN;
          return;
        }

      answer = ldns_pkt_answer (lookup->reply.pkt);
      owner = ldns_dname_new_frm_str (current);
      if (owner == NULL)
        {
          lookup->status = LOOKUP_NXDOMAIN;
          return;
        }

      for (;;)
        {
          ldns_rr *cname;
          g_autofree char *target = NULL;

          for (size_t i = 0; i < ldns_rr_list_rr_count (answer); i++)
            {
              ldns_rr *rr = ldns_rr_list_rr (answer, i);

              if (ldns_rr_get_type (rr) == type &&
                  ldns_dname_compare (ldns_rr_owner (rr), owner) == 0)
                {
                  g_ptr_array_add (lookup->records, ldns_rr_clone (rr));
                  lookup->ttl = MIN (lookup->ttl, ldns_rr_ttl (rr));
                }
            }
          if (lookup->records->len > 0)
            {
              ldns_rdf_deep_free (owner);
              lookup->status = LOOKUP_FOUND;
              return;
            }

          cname = type != LDNS_RR_TYPE_CNAME ? find_rr (answer, owner, LDNS_RR_TYPE_CNAME) : NULL;
          if (cname == NULL)
            break;
          target = _mfd_dns_dname_to_string (ldns_rr_rdf (cname, 0));
          if (chain_contains (lookup->chain, target) || lookup->chain->len > MAX_ALIAS_HOPS)
            {
              ldns_rdf_deep_free (owner);
              lookup->status = LOOKUP_ALIAS_LOOP;
              return;
            }
          lookup->ttl = MIN (lookup->ttl, ldns_rr_ttl (cname));
          g_ptr_array_add (lookup->chain, g_strdup (target));
          ldns_rdf_deep_free (owner);
          owner = ldns_rdf_clone (ldns_rr_rdf (cname, 0));
        }

      ldns_rdf_deep_free (owner);
      if (g_str_equal (current, g_ptr_array_index (lookup->chain, lookup->chain->len - 1)))
        {
          lookup->status = LOOKUP_NODATA;
          return;
        }
      /* The resolver stopped at an alias: ask for its target. */
      g_free (current);
      current = g_strdup (g_ptr_array_index (lookup->chain, lookup->chain->len - 1));
    }

  lookup->status = LOOKUP_ALIAS_LOOP;
}

/* Kept apart from _mfd_dns_ask_resolver() on purpose: the query carries
 * EDNS with the DO bit, so that the resolver returns the signatures (RRSIG)
 * along with the records, and our own validator (mfd-dnssec.c) judges
 * them. */
ldns_pkt *
mfd_dns_resolver_query_dnssec (MfdDnsResolver  *self,
                               const char      *name,
                               guint16          type,
                               GCancellable    *cancellable,
                               char           **error)
{
  guint n = self->servers->len;
  gint64 deadline = g_get_monotonic_time () + (gint64) self->timeout_ms * 1000;
  gint64 per_try = MAX ((gint64) self->timeout_ms * 1000 / MAX (n * 2, 1), MFD_DNS_MIN_TRY_MS * 1000);
  Reply best = { 0, };
  ldns_pkt *pkt = NULL;

  for (guint round = 0; round < 2 && best.status != REPLY_ANSWER; round++)
    for (guint i = 0; i < n && best.status != REPLY_ANSWER; i++)
      {
        GInetSocketAddress *server = g_ptr_array_index (self->servers, i);
        Reply reply = { 0, };
        ldns_pkt *query;

        if (g_get_monotonic_time () >= deadline || g_cancellable_is_cancelled (cancellable))
          break;
        query = _mfd_dns_build_query (name, (ldns_rr_type) type, TRUE);
        if (query == NULL)
          {
            if (error != NULL)
              *error = g_strdup_printf ("“%s” is not a valid DNS name", name);
            return NULL;
          }
        ldns_pkt_set_edns_udp_size (query, MFD_DNS_UDP_BUFFER_SIZE);
        ldns_pkt_set_edns_do (query, TRUE);
        /* Checking Disabled: a validating resolver must hand us bogus
         * data too, so that we can say what is wrong with it. */
        ldns_pkt_set_cd (query, TRUE);
        _mfd_dns_exchange (server, query, MIN (deadline, g_get_monotonic_time () + per_try),
                           cancellable, &reply);
        ldns_pkt_free (query);
        if (reply.status >= best.status)
          _mfd_dns_reply_take (&best, &reply);
        _mfd_dns_reply_clear (&reply);
        if (best.status == REPLY_CANCELLED)
          break;
      }

  if (best.status == REPLY_ANSWER)
    pkt = g_steal_pointer (&best.pkt);
  else if (error != NULL)
    *error = g_strdup_printf ("%s: %s", best.server != NULL ? best.server : "resolver",
                              best.status == REPLY_TIMEOUT ? "no reply in time" :
                              best.status == REPLY_CANCELLED ? "cancelled" :
                              best.status == REPLY_ERROR_RCODE && best.pkt != NULL ?
                                _mfd_dns_rcode_name (best.pkt) :
                              best.error != NULL ? best.error : "no answer");
  _mfd_dns_reply_clear (&best);
  return pkt;
}
