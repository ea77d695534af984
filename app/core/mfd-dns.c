/* mfd-dns.c — resolver and authoritative lookups
 *
 * ldns builds and parses the packets; the exchange itself runs on GSockets
 * waited on with g_socket_condition_timed_wait(), so that a cancellation
 * ends a query in flight at once instead of after its timeout.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dns"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <ldns/ldns.h>

#include "mfd-dns.h"
#include "mfd-dnssec.h"
#include "mfd-smtp.h"
#include "mfd-text.h"

#define DNS_PORT            53
#define MAX_SYSTEM_SERVERS  3     /* as glibc reads resolv.conf */
#define MAX_ALIAS_HOPS      8
#define MAX_STRAY_PACKETS   16    /* replies to other queries ignored per try */
#define MAX_REFERRALS       3
#define MAX_ADDRESSES_PER_NS 2
#define MIN_TRY_MS          150
#define MAX_AUTHORITY_TRY_MS 2000
#define UDP_BUFFER_SIZE     4096  /* we send no EDNS: replies are ≤ 512 */

struct _MfdDnsResolver
{
  GPtrArray *servers;        /* (element-type GInetSocketAddress) */
  char      *description;
  guint      timeout_ms;
  guint16    authority_port;
};

G_DEFINE_QUARK (mfd-dns-error-quark, mfd_dns_error)

/* How one exchange with one server, or one question to the resolver,
 * ended. Ordered: when several servers were tried, the best is kept. */
typedef enum
{
  REPLY_NONE,
  REPLY_UNREACHABLE,
  REPLY_TIMEOUT,
  REPLY_MALFORMED,
  REPLY_ERROR_RCODE,   /* SERVFAIL, REFUSED, … */
  REPLY_ANSWER,        /* NOERROR or NXDOMAIN */
  REPLY_CANCELLED,
} ReplyStatus;

typedef struct
{
  ReplyStatus  status;
  ldns_pkt    *pkt;
  char        *server;   /* "IP:PORT" that answered, or was tried last */
  char        *error;    /* why, for UNREACHABLE and MALFORMED */
  gboolean     tcp;      /* the UDP reply was truncated: asked again over TCP */
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->pkt, ldns_pkt_free);
  g_clear_pointer (&reply->server, g_free);
  g_clear_pointer (&reply->error, g_free);
  reply->status = REPLY_NONE;
  reply->tcp = FALSE;
}

static void
reply_take (Reply *dest,
            Reply *src)
{
  reply_clear (dest);
  *dest = *src;
  memset (src, 0, sizeof *src);
}

static char *
address_to_server_string (GInetSocketAddress *address)
{
  g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  guint16 port = g_inet_socket_address_get_port (address);

  if (g_inet_socket_address_get_address (address) != NULL &&
      g_inet_address_get_family (g_inet_socket_address_get_address (address)) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", ip, port);
  return g_strdup_printf ("%s:%u", ip, port);
}

/* ------------------------------------------------------------------ */
/* The resolver                                                       */

static GInetSocketAddress *
parse_server (const char  *server,
              GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) address = NULL;
  guint64 port = DNS_PORT;
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
  self->timeout_ms = MAX (timeout_ms, MIN_TRY_MS);
  self->authority_port = DNS_PORT;
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
          g_ptr_array_add (self->servers, g_inet_socket_address_new (address, DNS_PORT));
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
  self->description = address_to_server_string (address);
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

/* ------------------------------------------------------------------ */
/* One exchange with one server                                       */

/* Fills @reply from @error; returns FALSE so callers can return it. */
static gboolean
reply_set_error (Reply  *reply,
                 GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reply->status = REPLY_CANCELLED;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    reply->status = REPLY_TIMEOUT;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    reply->status = REPLY_MALFORMED;  /* the server broke off its reply */
  else
    /* Refused (nothing listens there), no route, no such address family,
     * no socket: this computer could not ask. */
    reply->status = REPLY_UNREACHABLE;
  g_free (reply->error);
  reply->error = g_strdup (error->message);
  return FALSE;
}

/* Checks that @data is the reply to @query: the same id, a response, and
 * exactly the question asked (name, type and class). Returns the parsed
 * packet, or NULL with @malformed set when it is ours but unreadable or
 * answers another question (left FALSE for someone else's). */
static ldns_pkt *
parse_reply (const guint8   *data,
             gsize           len,
             const ldns_pkt *query,
             gboolean       *malformed)
{
  ldns_pkt *pkt = NULL;
  ldns_rr *q, *a;

  *malformed = FALSE;
  if (len < LDNS_HEADER_SIZE || LDNS_ID_WIRE (data) != ldns_pkt_id (query) || !LDNS_QR_WIRE (data))
    return NULL;

  *malformed = TRUE;
  if (ldns_wire2pkt (&pkt, data, len) != LDNS_STATUS_OK || pkt == NULL)
    return NULL;

  if (ldns_pkt_qdcount (pkt) != 1 || ldns_rr_list_rr_count (ldns_pkt_question (pkt)) != 1)
    goto bad;
  q = ldns_rr_list_rr (ldns_pkt_question (query), 0);
  a = ldns_rr_list_rr (ldns_pkt_question (pkt), 0);
  if (ldns_rr_get_type (q) != ldns_rr_get_type (a) ||
      ldns_rr_get_class (q) != ldns_rr_get_class (a) ||
      ldns_dname_compare (ldns_rr_owner (q), ldns_rr_owner (a)) != 0)
    goto bad;

  *malformed = FALSE;
  return pkt;

bad:
  ldns_pkt_free (pkt);
  return NULL;
}

/* A UDP reply to @query that says it was cut short (TC): whatever follows
 * the header may end in the middle of a record, so it is not read at all.
 * Only the id and QR bit are checked; a forged one can do no more than
 * send us to TCP, where the whole question must match. */
static gboolean
is_truncated_reply (const guint8   *data,
                    gsize           len,
                    const ldns_pkt *query)
{
  return len >= LDNS_HEADER_SIZE && LDNS_ID_WIRE (data) == ldns_pkt_id (query) &&
         LDNS_QR_WIRE (data) && LDNS_TC_WIRE (data);
}

static gboolean
receive_exactly (GSocket       *socket,
                 guint8        *buffer,
                 gsize          len,
                 gint64         deadline,
                 GCancellable  *cancellable,
                 GError       **error)
{
  while (len > 0)
    {
      gssize n = mfd_smtp_socket_read (socket, buffer, len, deadline, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                               "The server closed the connection before the reply was complete");
          return FALSE;
        }
      buffer += n;
      len -= n;
    }
  return TRUE;
}

static GSocket *
open_socket (GInetSocketAddress  *server,
             GSocketType          type,
             GError             **error)
{
  GSocket *socket;
  GSocketFamily family = g_inet_address_get_family (g_inet_socket_address_get_address (server));

  socket = g_socket_new (family, type,
                         type == G_SOCKET_TYPE_STREAM ? G_SOCKET_PROTOCOL_TCP : G_SOCKET_PROTOCOL_UDP,
                         error);
  if (socket != NULL)
    g_socket_set_blocking (socket, FALSE);
  return socket;
}

static gboolean
exchange_tcp (GInetSocketAddress *server,
              const ldns_pkt     *query,
              const guint8       *wire,
              gsize               wire_len,
              gint64              deadline,
              GCancellable       *cancellable,
              Reply              *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autofree guint8 *message = NULL;
  g_autofree guint8 *framed = NULL;
  guint8 length[2];
  gsize message_len;
  gboolean malformed;

  reply->tcp = TRUE;
  socket = open_socket (server, G_SOCKET_TYPE_STREAM, &error);
  if (socket == NULL)
    return reply_set_error (reply, error);

  if (!g_socket_connect (socket, G_SOCKET_ADDRESS (server), cancellable, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
        return reply_set_error (reply, error);
      g_clear_error (&error);
      if (!mfd_smtp_socket_wait (socket, G_IO_OUT, deadline, cancellable, &error) ||
          !g_socket_check_connect_result (socket, &error))
        return reply_set_error (reply, error);
    }

  framed = g_malloc (wire_len + 2);
  framed[0] = (wire_len >> 8) & 0xff;
  framed[1] = wire_len & 0xff;
  memcpy (framed + 2, wire, wire_len);
  if (!mfd_smtp_socket_write_all (socket, framed, wire_len + 2, deadline, cancellable, &error) ||
      !receive_exactly (socket, length, 2, deadline, cancellable, &error))
    return reply_set_error (reply, error);

  message_len = ((gsize) length[0] << 8) | length[1];
  message = g_malloc (MAX (message_len, 1));
  if (!receive_exactly (socket, message, message_len, deadline, cancellable, &error))
    return reply_set_error (reply, error);

  reply->pkt = parse_reply (message, message_len, query, &malformed);
  if (reply->pkt == NULL)
    {
      /* One connection, one question: anything but its answer is wrong. */
      reply->status = REPLY_MALFORMED;
      reply->error = g_strdup (malformed ? "The reply over TCP could not be read or answers another question"
                                         : "The reply over TCP belongs to another query");
      return FALSE;
    }
  if (ldns_pkt_tc (reply->pkt))
    {
      /* Cut short even over TCP (more than 64 KiB): what is left of the
       * answer is no answer. */
      g_clear_pointer (&reply->pkt, ldns_pkt_free);
      reply->status = REPLY_MALFORMED;
      reply->error = g_strdup ("The reply does not fit in one DNS message");
      return FALSE;
    }
  return TRUE;
}

/* One query to @server, over UDP and over TCP when the reply is truncated,
 * until @deadline. */
static void
exchange (GInetSocketAddress *server,
          const ldns_pkt     *query,
          gint64              deadline,
          GCancellable       *cancellable,
          Reply              *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autofree guint8 *buffer = NULL;
  guint8 *wire = NULL;
  size_t wire_len = 0;
  guint strays = 0;
  gboolean truncated = FALSE;

  reply_clear (reply);
  reply->server = address_to_server_string (server);

  if (ldns_pkt2wire (&wire, query, &wire_len) != LDNS_STATUS_OK)
    {
      reply->status = REPLY_MALFORMED;
      reply->error = g_strdup ("The query could not be built");
      return;
    }

  socket = open_socket (server, G_SOCKET_TYPE_DATAGRAM, &error);
  /* Connected, so that an ICMP "port unreachable" comes back as an error
   * and replies from other addresses are dropped by the kernel. */
  if (socket == NULL ||
      !g_socket_connect (socket, G_SOCKET_ADDRESS (server), cancellable, &error) ||
      !mfd_smtp_socket_write_all (socket, wire, wire_len, deadline, cancellable, &error))
    {
      reply_set_error (reply, error);
      goto out;
    }

  buffer = g_malloc (UDP_BUFFER_SIZE);
  for (;;)
    {
      gboolean malformed;
      gssize n;

      if (!mfd_smtp_socket_wait (socket, G_IO_IN, deadline, cancellable, &error))
        {
          reply_set_error (reply, error);
          goto out;
        }
      n = g_socket_receive (socket, (char *) buffer, UDP_BUFFER_SIZE, cancellable, &error);
      if (n < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_clear_error (&error);
              continue;
            }
          reply_set_error (reply, error);
          goto out;
        }

      if (is_truncated_reply (buffer, n, query))
        {
          truncated = TRUE;
          break;
        }
      reply->pkt = parse_reply (buffer, n, query, &malformed);
      if (reply->pkt != NULL)
        break;
      if (malformed)
        {
          reply->status = REPLY_MALFORMED;
          reply->error = g_strdup ("The reply could not be read");
          goto out;
        }
      if (++strays > MAX_STRAY_PACKETS)
        {
          reply->status = REPLY_MALFORMED;
          reply->error = g_strdup ("Too many replies that do not match the query");
          goto out;
        }
    }

  if (truncated && !exchange_tcp (server, query, wire, wire_len, deadline, cancellable, reply))
    goto out;

  if (ldns_pkt_get_rcode (reply->pkt) == LDNS_RCODE_NOERROR ||
      ldns_pkt_get_rcode (reply->pkt) == LDNS_RCODE_NXDOMAIN)
    reply->status = REPLY_ANSWER;
  else
    reply->status = REPLY_ERROR_RCODE;

out:
  free (wire);
}

static ldns_pkt *
build_query (const char   *name,
             ldns_rr_type  type,
             gboolean      recursion)
{
  ldns_rdf *dname = ldns_dname_new_frm_str (name);
  ldns_pkt *query;

  if (dname == NULL)
    return NULL;
  query = ldns_pkt_query_new (dname, type, LDNS_RR_CLASS_IN, recursion ? LDNS_RD : 0);
  if (query != NULL)
    ldns_pkt_set_id (query, (uint16_t) g_random_int_range (0, 0x10000));
  return query;
}

/* Asks the resolver's servers, each retried once when it timed out, until
 * one gives an answer or @deadline passes. */
static void
ask_resolver (MfdDnsResolver *self,
              const char     *name,
              ldns_rr_type    type,
              gint64          deadline,
              GCancellable   *cancellable,
              Reply          *best)
{
  guint n = self->servers->len;
  gint64 per_try = MAX ((gint64) self->timeout_ms * 1000 / MAX (n * 2, 1), MIN_TRY_MS * 1000);
  g_autofree gboolean *retry = g_new0 (gboolean, MAX (n, 1));

  reply_clear (best);
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
                  best->server = address_to_server_string (server);
                }
              return;
            }

          query = build_query (name, type, TRUE);
          if (query == NULL)
            {
              best->status = REPLY_MALFORMED;
              return;
            }
          exchange (server, query, MIN (deadline, g_get_monotonic_time () + per_try),
                    cancellable, &reply);
          ldns_pkt_free (query);

          retry[i] = reply.status == REPLY_TIMEOUT;
          if (reply.status >= best->status)
            reply_take (best, &reply);
          reply_clear (&reply);
          if (best->status == REPLY_ANSWER || best->status == REPLY_CANCELLED)
            return;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Reading answers                                                    */

/* Lower case, no trailing dot ("" for the root). */
static char *
dname_to_string (const ldns_rdf *dname)
{
  g_autofree char *str = ldns_rdf2str (dname);
  gsize len;

  if (str == NULL)
    return g_strdup ("");
  len = strlen (str);
  if (len > 0 && str[len - 1] == '.')
    str[len - 1] = '\0';
  return g_ascii_strdown (str, -1);
}

static char *
address_rdf_to_string (const ldns_rdf *rdf)
{
  g_autoptr(GInetAddress) address = NULL;

  if (ldns_rdf_get_type (rdf) == LDNS_RDF_TYPE_A && ldns_rdf_size (rdf) == 4)
    address = g_inet_address_new_from_bytes (ldns_rdf_data (rdf), G_SOCKET_FAMILY_IPV4);
  else if (ldns_rdf_get_type (rdf) == LDNS_RDF_TYPE_AAAA && ldns_rdf_size (rdf) == 16)
    address = g_inet_address_new_from_bytes (ldns_rdf_data (rdf), G_SOCKET_FAMILY_IPV6);
  return address != NULL ? g_inet_address_to_string (address) : NULL;
}

static const char *
rcode_name (const ldns_pkt *pkt)
{
  ldns_lookup_table *entry = ldns_lookup_by_id (ldns_rcodes, ldns_pkt_get_rcode (pkt));

  return entry != NULL ? entry->name : "UNKNOWN";
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

typedef enum
{
  LOOKUP_FOUND,
  LOOKUP_NODATA,
  LOOKUP_NXDOMAIN,
  LOOKUP_ALIAS_LOOP,
  LOOKUP_FAILED,     /* see reply.status */
} LookupStatus;

typedef struct
{
  LookupStatus  status;
  Reply         reply;     /* the last reply */
  GPtrArray    *records;   /* (element-type ldns_rr) clones of the records found */
  GPtrArray    *chain;     /* (element-type utf8) the names, from the one asked */
  guint32       ttl;       /* smallest TTL of everything used */
} Lookup;

static void
lookup_init (Lookup *lookup)
{
  memset (lookup, 0, sizeof *lookup);
  lookup->records = g_ptr_array_new_with_free_func ((GDestroyNotify) ldns_rr_free);
  lookup->chain = g_ptr_array_new_with_free_func (g_free);
  lookup->ttl = G_MAXUINT32;
}

static void
lookup_clear (Lookup *lookup)
{
  reply_clear (&lookup->reply);
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
static void
lookup_type (MfdDnsResolver *self,
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

      ask_resolver (self, current, type, deadline, cancellable, &lookup->reply);
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
          target = dname_to_string (ldns_rr_rdf (cname, 0));
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

static char *
join_with (GPtrArray  *strings,
           const char *separator)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < strings->len; i++)
    {
      if (i > 0)
        g_string_append (out, separator);
      g_string_append (out, g_ptr_array_index (strings, i));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
join_chain (GPtrArray *chain)
{
  return join_with (chain, " -> ");
}

static char *
join_strings (GPtrArray *strings)
{
  return join_with (strings, ", ");
}

static void
set_fact_uint (MfdObservation *obs,
               const char     *key,
               guint64         value)
{
  char buffer[32];

  g_snprintf (buffer, sizeof buffer, "%" G_GUINT64_FORMAT, value);
  mfd_observation_set_fact (obs, key, buffer);
}

static void
finish_observation (MfdObservation *obs,
                    gint64          started)
{
  obs->ms = (g_get_monotonic_time () - started) / 1000;
}

/* Sets outcome, cause and detail of @obs for a lookup that did not give
 * records. Returns TRUE when it did (the lookup failed). */
static gboolean
report_lookup_failure (MfdDnsResolver *self,
                       MfdObservation *obs,
                       const char     *name,
                       Lookup         *lookup)
{
  Reply *reply = &lookup->reply;
  const char *server = reply->server != NULL ? reply->server : self->description;

  mfd_observation_set_fact (obs, "resolver", server);
  if (reply->pkt != NULL)
    mfd_observation_set_fact (obs, "rcode", rcode_name (reply->pkt));
  if (reply->tcp)
    mfd_observation_set_fact (obs, "transport", "tcp");
  if (lookup->chain->len > 1)
    {
      g_autofree char *chain = join_chain (lookup->chain);
      mfd_observation_set_fact (obs, "cname", chain);
    }

  switch (lookup->status)
    {
    case LOOKUP_FOUND:
    case LOOKUP_NODATA:
      return FALSE;

    case LOOKUP_NXDOMAIN:
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-nxdomain");
      if (lookup->chain->len > 1)
        mfd_observation_set_detail (obs, N_("{1} is an alias of {2}, which does not exist in DNS (NXDOMAIN)."),
                                    name, g_ptr_array_index (lookup->chain, lookup->chain->len - 1), NULL);
      else
        mfd_observation_set_detail (obs, N_("According to DNS, {1} does not exist (NXDOMAIN)."), name, NULL);
      return TRUE;

    case LOOKUP_ALIAS_LOOP:
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-no-address");
      mfd_observation_set_detail (obs, N_("The aliases (CNAME) of {1} loop or are too long to follow."), name, NULL);
      return TRUE;

    case LOOKUP_FAILED:
    default:
      break;
    }

  switch (reply->status)
    {
    case REPLY_ERROR_RCODE:
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-servfail");
      mfd_observation_set_detail (obs, N_("The DNS server {2} could not answer for {1} ({3})."),
                                  name, server, rcode_name (reply->pkt), NULL);
      break;

    case REPLY_MALFORMED:
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-servfail");
      mfd_observation_set_fact (obs, "malformed", "true");
      if (reply->error != NULL)
        mfd_observation_set_fact (obs, "error", reply->error);
      mfd_observation_set_detail (obs, N_("The DNS server {2} sent a reply for {1} that could not be read."),
                                  name, server, NULL);
      break;

    case REPLY_TIMEOUT:
      {
        char seconds[32];

        g_snprintf (seconds, sizeof seconds, "%g", self->timeout_ms / 1000.0);
        obs->outcome = MFD_OUTCOME_FAIL;
        mfd_observation_set_cause (obs, "dns-timeout");
        mfd_observation_set_detail (obs, N_("The DNS server {2} did not answer for {1} within the timeout of {3} s."),
                                    name, server, seconds, NULL);
      }
      break;

    case REPLY_CANCELLED:
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_fact (obs, "cancelled", "true");
      mfd_observation_set_detail (obs, N_("The DNS lookup of {1} was cancelled."), name, NULL);
      break;

    case REPLY_UNREACHABLE:
    case REPLY_NONE:
    case REPLY_ANSWER:
    default:
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      if (self->servers->len == 0)
        mfd_observation_set_detail (obs, N_("No DNS server is configured on this computer, so {1} could not be looked up."),
                                    name, NULL);
      else
        {
          if (reply->error != NULL)
            mfd_observation_set_fact (obs, "error", reply->error);
          mfd_observation_set_detail (obs, N_("The DNS server {2} could not be reached from this computer to look up {1}."),
                                      name, server, NULL);
        }
      break;
    }
  return TRUE;
}

/* "mail.contoso.com." or "[::1]" -> a name or address to work with. */
static char *
normalize_host (const char *host)
{
  gsize len = strlen (host);

  if (len > 2 && host[0] == '[' && host[len - 1] == ']')
    return g_strndup (host + 1, len - 2);
  if (len > 1 && host[len - 1] == '.')
    return g_ascii_strdown (host, len - 1);
  return g_ascii_strdown (host, len);
}

static gboolean
is_valid_name (const char *name)
{
  ldns_rdf *dname;

  if (name[0] == '\0' || strlen (name) > 253 || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == '\\' || *p == '"' || *p == '(' || *p == ')' || *p == ';' || *p == '@')
      return FALSE;
  dname = ldns_dname_new_frm_str (name);
  if (dname == NULL)
    return FALSE;
  ldns_rdf_deep_free (dname);
  return TRUE;
}

/* The common start of each check: SKIPPED for an IP address, FAIL for a
 * name DNS cannot hold. Returns NULL when the lookup should go ahead. */
static MfdObservation *
check_host (MfdStage    stage,
            const char *original,
            const char *host)
{
  MfdObservation *obs;

  if (g_hostname_is_ip_address (host))
    {
      obs = mfd_observation_new (stage, MFD_OUTCOME_SKIPPED, original, host, 0);
      mfd_observation_set_detail (obs, N_("{1} is an IP address, so there is nothing to look up in DNS."),
                                  host, NULL);
      obs->ms = 0;
      return obs;
    }
  if (!is_valid_name (host))
    {
      /* Whatever was typed or pasted: keep it showable. */
      g_autofree char *shown = mfd_text_sanitize (original, -1, 255);

      obs = mfd_observation_new (stage, MFD_OUTCOME_FAIL, shown, NULL, 0);
      mfd_observation_set_cause (obs, "dns-nxdomain");
      mfd_observation_set_detail (obs, N_("{1} is not a valid DNS name."), shown, NULL);
      obs->ms = 0;
      return obs;
    }
  return NULL;
}

static void
add_addresses (Lookup    *lookup,
               GPtrArray *out)
{
  for (guint i = 0; i < lookup->records->len; i++)
    {
      ldns_rr *rr = g_ptr_array_index (lookup->records, i);
      g_autofree char *ip = address_rdf_to_string (ldns_rr_rdf (rr, 0));
      gboolean seen = FALSE;

      if (ip == NULL)
        continue;
      for (guint j = 0; j < out->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (out, j), ip);
      if (!seen)
        g_ptr_array_add (out, g_steal_pointer (&ip));
    }
}

MfdObservation *
mfd_dns_resolve_addresses (MfdDnsResolver  *self,
                           const char      *host,
                           GPtrArray      **addresses,
                           GCancellable    *cancellable)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *answers = NULL;
  MfdObservation *obs;
  Lookup a, aaaa;
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + 2 * (gint64) self->timeout_ms * 1000;
  guint32 ttl;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  if (addresses != NULL)
    *addresses = NULL;

  name = normalize_host (host);
  obs = check_host (MFD_STAGE_DNS, host, name);
  if (obs != NULL)
    {
      if (addresses != NULL && obs->outcome == MFD_OUTCOME_SKIPPED)
        {
          *addresses = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (*addresses, g_strdup (name));
        }
      return obs;
    }

  obs = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_OK, host, NULL, 0);
  lookup_init (&a);
  lookup_init (&aaaa);

  lookup_type (self, name, LDNS_RR_TYPE_A, deadline, cancellable, &a);
  if (report_lookup_failure (self, obs, name, &a))
    goto out;

  /* One answer for the name is enough to know the resolver works; AAAA
   * trouble then does not hide the IPv4 addresses. */
  lookup_type (self, name, LDNS_RR_TYPE_AAAA, deadline, cancellable, &aaaa);
  if (aaaa.status == LOOKUP_FAILED && aaaa.reply.status == REPLY_CANCELLED)
    {
      report_lookup_failure (self, obs, name, &aaaa);
      goto out;
    }
  if (a.status == LOOKUP_NODATA && report_lookup_failure (self, obs, name, &aaaa))
    goto out;

  add_addresses (&a, found);
  add_addresses (&aaaa, found);
  ttl = MIN (a.status == LOOKUP_FOUND ? a.ttl : G_MAXUINT32,
             aaaa.status == LOOKUP_FOUND ? aaaa.ttl : G_MAXUINT32);
  if (aaaa.status != LOOKUP_FOUND && aaaa.status != LOOKUP_NODATA && aaaa.reply.pkt != NULL)
    mfd_observation_set_fact (obs, "aaaa_rcode", rcode_name (aaaa.reply.pkt));
  else if (aaaa.status == LOOKUP_FAILED)
    mfd_observation_set_fact (obs, "aaaa_error", aaaa.reply.error != NULL ? aaaa.reply.error : "timeout");

  if (found->len == 0)
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-no-address");
      if (a.chain->len > 1)
        mfd_observation_set_detail (obs, N_("{1} is an alias of {2}, which has no IPv4 or IPv6 address."),
                                    name, g_ptr_array_index (a.chain, a.chain->len - 1), NULL);
      else
        mfd_observation_set_detail (obs, N_("{1} exists in DNS but has no IPv4 or IPv6 address."), name, NULL);
      goto out;
    }

  answers = join_strings (found);
  mfd_observation_set_fact (obs, "answers", answers);
  if (ttl != G_MAXUINT32)
    set_fact_uint (obs, "ttl", ttl);
  if (found->len > MFD_DNS_MAX_ADDRESSES)
    {
      g_autoptr(GPtrArray) first = g_ptr_array_new ();
      g_autofree char *checked = NULL;
      char total[16], kept[16], left_out[16];

      for (guint i = 0; i < MFD_DNS_MAX_ADDRESSES; i++)
        g_ptr_array_add (first, g_ptr_array_index (found, i));
      checked = join_strings (first);
      g_snprintf (total, sizeof total, "%u", found->len);
      g_snprintf (kept, sizeof kept, "%u", MFD_DNS_MAX_ADDRESSES);
      g_snprintf (left_out, sizeof left_out, "%u", found->len - MFD_DNS_MAX_ADDRESSES);
      mfd_observation_set_fact (obs, "left_out", left_out);
      mfd_observation_set_detail (obs, N_("{1} resolves to {2} addresses. Only the first {3} are checked ({4}); "
                                          "the other {5} were left out."),
                                  name, total, kept, checked, left_out, NULL);
    }
  else
    mfd_observation_set_detail (obs, N_("{1} resolves to {2}."), name, answers, NULL);
  if (addresses != NULL)
    *addresses = g_steal_pointer (&found);

out:
  lookup_clear (&a);
  lookup_clear (&aaaa);
  finish_observation (obs, started);
  return obs;
}

/* ------------------------------------------------------------------ */
/* MX                                                                 */

typedef struct
{
  guint16  preference;
  char    *host;
} MxEntry;

static gint
compare_mx (gconstpointer a,
            gconstpointer b)
{
  const MxEntry *x = *(MxEntry * const *) a;
  const MxEntry *y = *(MxEntry * const *) b;

  return (gint) x->preference - (gint) y->preference;
}

static void
mx_entry_free (MxEntry *entry)
{
  g_free (entry->host);
  g_free (entry);
}

MfdObservation *
mfd_dns_resolve_mx (MfdDnsResolver  *self,
                    const char      *domain,
                    GPtrArray      **hosts,
                    GCancellable    *cancellable)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mx_entry_free);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) answers = g_string_new (NULL);
  g_autofree char *name = NULL;
  MfdObservation *obs;
  Lookup mx;
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + 2 * (gint64) self->timeout_ms * 1000;
  guint n_left_out = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  if (hosts != NULL)
    *hosts = NULL;

  name = normalize_host (domain);
  obs = check_host (MFD_STAGE_DNS, domain, name);
  if (obs != NULL)
    return obs;

  obs = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_OK, domain, NULL, 0);
  /* The public view compares it with the MX lookup there, not addresses. */
  mfd_observation_set_fact (obs, "rrtype", "MX");
  lookup_init (&mx);
  lookup_type (self, name, LDNS_RR_TYPE_MX, deadline, cancellable, &mx);
  if (report_lookup_failure (self, obs, name, &mx))
    goto out;

  if (mx.status == LOOKUP_NODATA)
    {
      g_autoptr(MfdObservation) address = NULL;
      g_autoptr(GPtrArray) implicit = NULL;

      address = mfd_dns_resolve_addresses (self, name, &implicit, cancellable);
      if (address->outcome != MFD_OUTCOME_OK)
        {
          obs->outcome = address->outcome;
          mfd_observation_set_cause (obs, address->cause);
          if (address->facts != NULL)
            {
              GHashTableIter iter;
              gpointer key, value;

              g_hash_table_iter_init (&iter, address->facts);
              while (g_hash_table_iter_next (&iter, &key, &value))
                mfd_observation_set_fact (obs, key, value);
            }
          if (g_strcmp0 (address->cause, "dns-no-address") == 0)
            mfd_observation_set_detail (obs, N_("{1} has neither an MX record nor an address, so it cannot receive mail."),
                                        name, NULL);
          else
            mfd_observation_set_detailv (obs, address->detail_msgid,
                                         (const char * const *) address->detail_args);
          goto out;
        }
      mfd_observation_set_fact (obs, "implicit_mx", "true");
      mfd_observation_set_fact (obs, "resolver", mfd_observation_get_fact (address, "resolver"));
      mfd_observation_set_fact (obs, "ttl", mfd_observation_get_fact (address, "ttl"));
      mfd_observation_set_fact (obs, "answers", name);
      mfd_observation_set_detail (obs, N_("{1} has no MX record, so mail goes to the domain's own address ({2})."),
                                  name, mfd_observation_get_fact (address, "answers"), NULL);
      g_ptr_array_add (found, g_strdup (name));
      goto done;
    }

  for (guint i = 0; i < mx.records->len; i++)
    {
      ldns_rr *rr = g_ptr_array_index (mx.records, i);
      MxEntry *entry;

      if (ldns_rr_rd_count (rr) < 2)
        continue;
      entry = g_new0 (MxEntry, 1);
      entry->preference = ldns_rdf2native_int16 (ldns_rr_rdf (rr, 0));
      entry->host = dname_to_string (ldns_rr_rdf (rr, 1));
      g_ptr_array_add (entries, entry);
    }
  /* GLib's sort is stable: equal preferences keep the resolver's order. */
  g_ptr_array_sort (entries, compare_mx);

  for (guint i = 0; i < entries->len; i++)
    {
      MxEntry *entry = g_ptr_array_index (entries, i);

      if (i > 0)
        g_string_append (answers, ", ");
      g_string_append_printf (answers, "%u %s", entry->preference,
                              entry->host[0] != '\0' ? entry->host : ".");
    }
  mfd_observation_set_fact (obs, "answers", answers->str);
  set_fact_uint (obs, "ttl", mx.ttl);

  if (entries->len == 1 && ((MxEntry *) g_ptr_array_index (entries, 0))->host[0] == '\0')
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-no-address");
      mfd_observation_set_fact (obs, "null_mx", "true");
      mfd_observation_set_detail (obs, N_("{1} publishes a null MX record: the domain says it accepts no mail."),
                                  name, NULL);
      goto out;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      MxEntry *entry = g_ptr_array_index (entries, i);

      /* A "." among real hosts is meaningless (RFC 7505 §3); skip it. A
       * host listed twice is checked once. */
      if (entry->host[0] == '\0' ||
          g_ptr_array_find_with_equal_func (found, entry->host, g_str_equal, NULL))
        continue;
      if (found->len < MFD_DNS_MAX_MX_HOSTS)
        g_ptr_array_add (found, g_strdup (entry->host));
      else
        n_left_out++;
    }
  if (n_left_out > 0)
    {
      g_autofree char *checked = join_strings (found);
      char total[16], kept[16], left_out[16];

      /* Thousands of MX records would otherwise become thousands of
       * connections and web lookups. */
      g_snprintf (total, sizeof total, "%u", found->len + n_left_out);
      g_snprintf (kept, sizeof kept, "%u", found->len);
      g_snprintf (left_out, sizeof left_out, "%u", n_left_out);
      mfd_observation_set_fact (obs, "left_out", left_out);
      mfd_observation_set_detail (obs, N_("{1} lists {2} mail servers (MX). Only the first {3} by preference are checked "
                                          "({4}); the other {5} were left out."),
                                  name, total, kept, checked, left_out, NULL);
    }
  else
    mfd_observation_set_detail (obs, N_("Mail for {1} goes to {2}."), name, answers->str, NULL);

done:
  if (hosts != NULL)
    *hosts = g_steal_pointer (&found);
out:
  lookup_clear (&mx);
  finish_observation (obs, started);
  return obs;
}

/* ------------------------------------------------------------------ */
/* The authoritative servers                                          */

typedef enum
{
  AUTH_ANSWER,          /* AA set, NOERROR or NXDOMAIN */
  AUTH_NOT_AUTHORITATIVE,
  AUTH_REFERRAL,
  AUTH_ERROR_RCODE,
  AUTH_TIMEOUT,
  AUTH_MALFORMED,
  AUTH_UNREACHABLE,
} AuthStatus;

typedef struct
{
  char        *ns_name;
  char        *ip;
  AuthStatus   status;
  char        *rcode;
  gboolean     nxdomain;
  GPtrArray   *addresses;   /* (element-type utf8) sorted */
  char        *alias;       /* CNAME target when the name is an alias */
  guint32      ttl;
} AuthReply;

static void
auth_reply_free (AuthReply *reply)
{
  g_free (reply->ns_name);
  g_free (reply->ip);
  g_free (reply->rcode);
  g_clear_pointer (&reply->addresses, g_ptr_array_unref);
  g_free (reply->alias);
  g_free (reply);
}

typedef struct
{
  char      *name;
  GPtrArray *ips;           /* (element-type utf8) */
} NameServer;

static void
name_server_free (NameServer *ns)
{
  g_free (ns->name);
  g_ptr_array_unref (ns->ips);
  g_free (ns);
}

static NameServer *
name_server_new (const char *name)
{
  NameServer *ns = g_new0 (NameServer, 1);

  ns->name = g_strdup (name);
  ns->ips = g_ptr_array_new_with_free_func (g_free);
  return ns;
}

static gboolean
is_same_or_below (const char *name,
                  const char *zone)
{
  gsize name_len = strlen (name), zone_len = strlen (zone);

  if (zone_len == 0)
    return TRUE;
  if (name_len < zone_len)
    return FALSE;
  if (!g_str_equal (name + name_len - zone_len, zone))
    return FALSE;
  return name_len == zone_len || name[name_len - zone_len - 1] == '.';
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
  ldns_rr_list *answer, *authority, *additional;
  ldns_rdf *host_dname;

  switch (reply->status)
    {
    case REPLY_ANSWER:
      break;
    case REPLY_ERROR_RCODE:
      g_free (out->rcode);
      out->rcode = g_strdup (rcode_name (pkt));
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
  out->rcode = g_strdup (rcode_name (pkt));
  answer = ldns_pkt_answer (pkt);
  authority = ldns_pkt_authority (pkt);
  additional = ldns_pkt_additional (pkt);

  if (!ldns_pkt_aa (pkt))
    {
      /* A parent's referral: NS for a zone between ours and the host. */
      for (size_t i = 0; i < ldns_rr_list_rr_count (authority) && referral->len < MFD_DNS_MAX_AUTHORITY_SERVERS; i++)
        {
          ldns_rr *rr = ldns_rr_list_rr (authority, i);
          g_autofree char *rr_owner = NULL;
          g_autofree char *ns_name = NULL;
          NameServer *ns;

          if (ldns_rr_get_type (rr) != LDNS_RR_TYPE_NS || ldns_rr_rd_count (rr) < 1)
            continue;
          rr_owner = dname_to_string (ldns_rr_owner (rr));
          if (!is_same_or_below (host, rr_owner) || !is_same_or_below (rr_owner, zone) ||
              g_str_equal (rr_owner, zone) ||
              (*referral_zone != NULL && !g_str_equal (*referral_zone, rr_owner)))
            continue;
          if (*referral_zone == NULL)
            *referral_zone = g_strdup (rr_owner);
          ns_name = dname_to_string (ldns_rr_rdf (rr, 0));
          ns = name_server_new (ns_name);
          for (size_t j = 0; j < ldns_rr_list_rr_count (additional) && ns->ips->len < MAX_ADDRESSES_PER_NS; j++)
            {
              ldns_rr *glue = ldns_rr_list_rr (additional, j);
              g_autofree char *glue_owner = NULL;
              char *ip;

              if ((ldns_rr_get_type (glue) != LDNS_RR_TYPE_A && ldns_rr_get_type (glue) != LDNS_RR_TYPE_AAAA) ||
                  ldns_rr_rd_count (glue) < 1)
                continue;
              glue_owner = dname_to_string (ldns_rr_owner (glue));
              if (!g_str_equal (glue_owner, ns_name))
                continue;
              ip = address_rdf_to_string (ldns_rr_rdf (glue, 0));
              if (ip != NULL)
                g_ptr_array_add (ns->ips, ip);
            }
          g_ptr_array_add (referral, ns);
        }
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
          out->alias = dname_to_string (ldns_rr_rdf (rr, 0));
          out->ttl = MIN (out->ttl, ldns_rr_ttl (rr));
        }
      if (ldns_rr_get_type (rr) != type)
        continue;
      ip = address_rdf_to_string (ldns_rr_rdf (rr, 0));
      if (ip != NULL)
        {
          g_ptr_array_add (out->addresses, ip);
          out->ttl = MIN (out->ttl, ldns_rr_ttl (rr));
        }
    }
  ldns_rdf_deep_free (host_dname);
  return AUTH_ANSWER;
}

static gint
compare_strings (gconstpointer a,
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
  gint64 per_try = CLAMP ((gint64) job->resolver->timeout_ms / 2, MIN_TRY_MS, MAX_AUTHORITY_TRY_MS) * 1000;

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
      ldns_pkt *query = build_query (job->host, types[t], FALSE);
      AuthStatus status;

      if (query == NULL)
        {
          out->status = AUTH_MALFORMED;
          break;
        }
      exchange (G_INET_SOCKET_ADDRESS (server), query,
                MIN (job->deadline, g_get_monotonic_time () + per_try), job->cancellable, &reply);
      ldns_pkt_free (query);

      if (reply.status == REPLY_CANCELLED)
        {
          job->cancelled = TRUE;
          reply_clear (&reply);
          break;
        }
      status = read_auth_reply (&reply, job->host, types[t], out, job->zone,
                                &job->referral_zone, job->referral);
      reply_clear (&reply);
      /* The answer to A says what kind of server this is; AAAA only adds
       * addresses. */
      if (t == 0)
        out->status = status;
      if (out->status != AUTH_ANSWER || out->nxdomain)
        break;
    }
  g_ptr_array_sort (out->addresses, compare_strings);
  return NULL;
}

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

static void
resolve_name_servers (MfdDnsResolver *self,
                      GPtrArray      *name_servers,
                      gint64          deadline,
                      GCancellable   *cancellable)
{
  for (guint i = 0; i < name_servers->len; i++)
    {
      NameServer *ns = g_ptr_array_index (name_servers, i);
      static const ldns_rr_type types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };

      for (guint t = 0; t < G_N_ELEMENTS (types) && ns->ips->len < MAX_ADDRESSES_PER_NS; t++)
        {
          Lookup lookup;

          if (g_cancellable_is_cancelled (cancellable))
            return;
          lookup_init (&lookup);
          lookup_type (self, ns->name, types[t], deadline, cancellable, &lookup);
          if (lookup.status == LOOKUP_FOUND)
            add_addresses (&lookup, ns->ips);
          lookup_clear (&lookup);
        }
      if (ns->ips->len > MAX_ADDRESSES_PER_NS)
        g_ptr_array_set_size (ns->ips, MAX_ADDRESSES_PER_NS);
    }
}

/* Walks up from @host until the resolver answers NS records for a name;
 * stops before the root. */
static char *
find_zone (MfdDnsResolver *self,
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

      lookup_init (&lookup);
      ask_resolver (self, name, LDNS_RR_TYPE_NS, deadline, cancellable, &lookup.reply);
      if (lookup.reply.status == REPLY_CANCELLED || lookup.reply.status <= REPLY_TIMEOUT)
        {
          reply_take (last, &lookup.reply);
          lookup_clear (&lookup);
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
              ns_name = dname_to_string (ldns_rr_rdf (rr, 0));
              g_ptr_array_add (name_servers, name_server_new (ns_name));
            }
          if (owner != NULL)
            ldns_rdf_deep_free (owner);
        }
      reply_take (last, &lookup.reply);
      lookup_clear (&lookup);
      if (name_servers->len > 0)
        return g_strdup (name);

      name = strchr (name, '.');
      if (name != NULL)
        name++;
    }
  return NULL;
}

static char *
describe_servers (GPtrArray *replies)
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
          g_autofree char *answers = join_strings (reply->addresses);

          g_string_append_printf (out, " %s", reply->nxdomain ? "NXDOMAIN" : answers);
          if (reply->alias != NULL)
            g_string_append_printf (out, " CNAME %s", reply->alias);
        }
      else if (reply->status == AUTH_ERROR_RCODE && reply->rcode != NULL)
        g_string_append_printf (out, " %s", reply->rcode);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
describe_name_servers (GPtrArray *name_servers)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < name_servers->len; i++)
    g_ptr_array_add (names, ((NameServer *) g_ptr_array_index (name_servers, i))->name);
  return join_strings (names);
}

static void
copy_sorted (GPtrArray *from,
             GPtrArray *to)
{
  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (to, g_strdup (g_ptr_array_index (from, i)));
  g_ptr_array_sort (to, compare_strings);
}

/* Asks every address of @name_servers for @host at once, without
 * recursion: a zone whose servers are all silent costs one timeout, not one
 * each. Their replies go to @replies in the zone's order (so the facts list
 * the servers as the zone does); the first referral below @zone to
 * @referral_zone and @referral. FALSE when cancelled. */
static gboolean
ask_servers (MfdDnsResolver *self,
             GPtrArray      *name_servers,
             const char     *host,
             const char     *zone,
             gint64          deadline,
             GCancellable   *cancellable,
             GPtrArray      *replies,
             char          **referral_zone,
             GPtrArray      *referral)
{
  AuthJob jobs[MFD_DNS_MAX_AUTHORITY_SERVERS * MAX_ADDRESSES_PER_NS] = { { 0, }, };
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
          job->referral = g_ptr_array_new_with_free_func ((GDestroyNotify) name_server_free);
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
  g_autoptr(GPtrArray) name_servers = g_ptr_array_new_with_free_func ((GDestroyNotify) name_server_free);
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func ((GDestroyNotify) auth_reply_free);
  g_autoptr(GPtrArray) referral = g_ptr_array_new_with_free_func ((GDestroyNotify) name_server_free);
  g_autofree char *referral_zone = NULL;
  const char *above = strchr (zone, '.');
  ParentView view = PARENT_SILENT;
  Reply last = { 0, };

  *parent_zone = NULL;
  *parent_servers = NULL;
  if (above == NULL || above[1] == '\0')
    return PARENT_UNKNOWN;

  *parent_zone = find_zone (self, above + 1, name_servers, deadline, cancellable, &last);
  reply_clear (&last);
  if (g_cancellable_is_cancelled (cancellable))
    return PARENT_CANCELLED;
  if (*parent_zone == NULL)
    return PARENT_UNKNOWN;

  resolve_name_servers (self, name_servers, deadline, cancellable);
  if (!ask_servers (self, name_servers, host, *parent_zone, deadline, cancellable,
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
  *parent_servers = describe_servers (replies);
  return view;
}

/* Judges a zone none of whose servers answered authoritatively: lame when
 * direct DNS provably works from here, inconclusive when nothing at all
 * answers (this network probably blocks direct DNS). */
static void
judge_unanswered_zone (MfdDnsResolver *self,
                       MfdObservation *obs,
                       const char     *name,
                       const char     *zone,
                       const char     *ns_list,
                       GPtrArray      *replies,
                       gboolean        referred,
                       gint64          deadline,
                       GCancellable   *cancellable)
{
  g_autofree char *parent_zone = NULL;
  g_autofree char *parent_servers = NULL;
  ParentView parent = PARENT_REFERS;
  gboolean any_response = FALSE;

  for (guint i = 0; i < replies->len; i++)
    {
      AuthReply *reply = g_ptr_array_index (replies, i);

      if (reply->status != AUTH_TIMEOUT && reply->status != AUTH_UNREACHABLE)
        any_response = TRUE;
    }

  /* Reached through a referral, the servers above have answered already. */
  if (!referred)
    parent = ask_parent (self, name, zone, deadline, cancellable, &parent_zone, &parent_servers);
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
      g_autofree char *tried = describe_servers (replies);

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

MfdObservation *
mfd_dns_check_authority (MfdDnsResolver *self,
                         const char     *host,
                         GPtrArray      *resolver_addresses,
                         GCancellable   *cancellable)
{
  g_autoptr(GPtrArray) name_servers = g_ptr_array_new_with_free_func ((GDestroyNotify) name_server_free);
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func ((GDestroyNotify) auth_reply_free);
  g_autoptr(GPtrArray) resolver_sorted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lame = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *servers = NULL;
  g_autofree char *ns_list = NULL;
  g_autofree char *resolver_answers = NULL;
  g_autofree char *resolver_ttl = NULL;
  gboolean resolver_known = FALSE;
  AuthReply *reference = NULL;
  MfdObservation *obs;
  Reply last = { 0, };
  gint64 started = g_get_monotonic_time ();
  /* A cap over the whole step; each question has its own timeout too. */
  gint64 deadline = started + 8 * (gint64) self->timeout_ms * 1000;
  gboolean cancelled = FALSE;
  gboolean disagree = FALSE;
  guint level;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  name = normalize_host (host);
  obs = check_host (MFD_STAGE_DNS_AUTHORITY, host, name);
  if (obs != NULL)
    return obs;

  obs = mfd_observation_new (MFD_STAGE_DNS_AUTHORITY, MFD_OUTCOME_OK, host, NULL, 0);
  if (resolver_addresses != NULL)
    {
      copy_sorted (resolver_addresses, resolver_sorted);
      resolver_known = TRUE;
    }
  else
    {
      g_autoptr(MfdObservation) now = NULL;
      g_autoptr(GPtrArray) found = NULL;

      /* The caller did not say: ask, and compare only with a clear answer. */
      now = mfd_dns_resolve_addresses (self, name, &found, cancellable);
      resolver_known = now->outcome == MFD_OUTCOME_OK ||
                       g_strcmp0 (now->cause, "dns-nxdomain") == 0 ||
                       g_strcmp0 (now->cause, "dns-no-address") == 0;
      resolver_ttl = g_strdup (mfd_observation_get_fact (now, "ttl"));
      copy_sorted (found, resolver_sorted);
    }
  resolver_answers = join_strings (resolver_sorted);

  zone = find_zone (self, name, name_servers, deadline, cancellable, &last);
  if (zone == NULL)
    {
      Lookup failed;

      lookup_init (&failed);
      failed.status = LOOKUP_FAILED;
      reply_take (&failed.reply, &last);
      if (failed.reply.status == REPLY_ANSWER || failed.reply.status == REPLY_NONE)
        {
          /* The resolver works but knows no name servers above the name:
           * a private name (or the practice lab) that has no public
           * delegation to compare with. */
          obs->outcome = MFD_OUTCOME_SKIPPED;
          mfd_observation_set_detail (obs, N_("No name servers were found for {1} or the domains above it, so there are no authoritative servers to compare with."),
                                      name, NULL);
        }
      else
        {
          report_lookup_failure (self, obs, name, &failed);
          /* The resolver failing is the dns step's finding, not this one's. */
          if (obs->outcome == MFD_OUTCOME_FAIL)
            obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
          mfd_observation_set_cause (obs, NULL);
        }
      lookup_clear (&failed);
      goto out;
    }
  reply_clear (&last);

  for (level = 0; level <= MAX_REFERRALS; level++)
    {
      g_autoptr(GPtrArray) referral = g_ptr_array_new_with_free_func ((GDestroyNotify) name_server_free);
      g_autofree char *referral_zone = NULL;
      gboolean any_answer = FALSE;

      resolve_name_servers (self, name_servers, deadline, cancellable);
      g_ptr_array_set_size (replies, 0);
      cancelled = !ask_servers (self, name_servers, name, zone, deadline, cancellable,
                                replies, &referral_zone, referral);
      for (guint i = 0; i < replies->len; i++)
        any_answer |= ((AuthReply *) g_ptr_array_index (replies, i))->status == AUTH_ANSWER;

      if (cancelled || any_answer || referral->len == 0 || level == MAX_REFERRALS)
        break;
      /* The zone we found only delegates further down: ask the servers
       * it points to, which is what a resolver would do. */
      g_free (zone);
      zone = g_steal_pointer (&referral_zone);
      g_ptr_array_unref (name_servers);
      name_servers = g_steal_pointer (&referral);
    }

  servers = describe_servers (replies);
  ns_list = describe_name_servers (name_servers);
  mfd_observation_set_fact (obs, "zone", zone);
  mfd_observation_set_fact (obs, "nameservers", ns_list);
  mfd_observation_set_fact (obs, "servers", servers);
  mfd_observation_set_fact (obs, "resolver", self->description);
  mfd_observation_set_fact (obs, "resolver_answers", resolver_answers);

  if (cancelled)
    {
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_fact (obs, "cancelled", "true");
      mfd_observation_set_detail (obs, N_("The DNS lookup of {1} was cancelled."), name, NULL);
      goto out;
    }

  for (guint i = 0; i < replies->len; i++)
    {
      AuthReply *reply = g_ptr_array_index (replies, i);

      if (reply->status == AUTH_ANSWER)
        {
          if (reference == NULL)
            reference = reply;
          else if (reference->nxdomain != reply->nxdomain ||
                   !same_answers (reference->addresses, reply->addresses))
            disagree = TRUE;
        }
      else if (reply->status != AUTH_UNREACHABLE)
        g_ptr_array_add (lame, g_strdup_printf ("%s (%s)", reply->ns_name, reply->ip));
    }

  if (replies->len == 0)
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-lame-delegation");
      mfd_observation_set_detail (obs, N_("The name servers of {1} ({2}) have no address, so they cannot be asked."),
                                  zone, ns_list, NULL);
      goto out;
    }
  if (reference == NULL)
    {
      judge_unanswered_zone (self, obs, name, zone, ns_list, replies, level > 0, deadline, cancellable);
      goto out;
    }

  {
    g_autofree char *auth_answers = join_strings (reference->addresses);
    gboolean auth_has = !reference->nxdomain && reference->addresses->len > 0;
    gboolean resolver_has = resolver_sorted->len > 0;

    mfd_observation_set_fact (obs, "authoritative_answers", reference->nxdomain ? "NXDOMAIN" : auth_answers);
    if (reference->ttl != G_MAXUINT32)
      set_fact_uint (obs, "ttl", reference->ttl);
    if (reference->alias != NULL)
      mfd_observation_set_fact (obs, "cname", reference->alias);

    if (disagree)
      {
        obs->outcome = MFD_OUTCOME_WARNING;
        mfd_observation_set_cause (obs, "dns-stale-cache");
        mfd_observation_set_detail (obs, N_("The name servers of {1} give different answers for {2}: {3}. "
                                            "Resolvers may hold either answer."),
                                    zone, name, servers, NULL);
      }
    else if (reference->alias != NULL && reference->addresses->len == 0)
      {
        /* The addresses live in another zone; comparing them is the
         * target's own check. */
        mfd_observation_set_detail (obs, N_("The name servers of {1} answer authoritatively that {2} is an alias of {3}."),
                                    zone, name, reference->alias, NULL);
      }
    else if (resolver_known && (auth_has != resolver_has || (auth_has && !same_answers (reference->addresses, resolver_sorted))))
      {
        obs->outcome = MFD_OUTCOME_FAIL;
        mfd_observation_set_cause (obs, "dns-stale-cache");
        if (resolver_has && resolver_ttl == NULL)
          {
            g_autoptr(MfdObservation) now = mfd_dns_resolve_addresses (self, name, NULL, cancellable);

            resolver_ttl = g_strdup (mfd_observation_get_fact (now, "ttl"));
          }
        if (resolver_ttl != NULL)
          mfd_observation_set_fact (obs, "resolver_ttl", resolver_ttl);

        if (!resolver_has)
          mfd_observation_set_detail (obs, N_("The resolver has no address for {1}, but the name servers of {2} say {3}. "
                                              "The resolver may remember an earlier failure until its time to live ends."),
                                      name, zone, auth_answers, NULL);
        else if (reference->nxdomain)
          mfd_observation_set_detail (obs, N_("The resolver answers {1} with {2}, but the name servers of {3} say the name does not exist. "
                                              "The resolver may keep its answer until its time to live runs out in {4} s."),
                                      name, resolver_answers, zone, resolver_ttl != NULL ? resolver_ttl : "?", NULL);
        else if (!auth_has)
          mfd_observation_set_detail (obs, N_("The resolver answers {1} with {2}, but the name servers of {3} say it has no address. "
                                              "The resolver may keep its answer until its time to live runs out in {4} s."),
                                      name, resolver_answers, zone, resolver_ttl != NULL ? resolver_ttl : "?", NULL);
        else
          mfd_observation_set_detail (obs, N_("The resolver answers {1} with {2}, but the name servers of {3} say {4}. "
                                              "The resolver may keep the old answer until its time to live runs out in {5} s."),
                                      name, resolver_answers, zone, auth_answers,
                                      resolver_ttl != NULL ? resolver_ttl : "?", NULL);
      }
    else if (lame->len > 0)
      {
        g_autofree char *lame_list = join_strings (lame);

        obs->outcome = MFD_OUTCOME_WARNING;
        mfd_observation_set_cause (obs, "dns-lame-delegation");
        mfd_observation_set_fact (obs, "lame_servers", lame_list);
        /* Another server of the zone answered: direct DNS works here. */
        mfd_observation_set_fact (obs, "direct_dns", "works");
        mfd_observation_set_detail (obs, N_("Some name servers of {1} do not answer authoritatively: {2}."),
                                    zone, lame_list, NULL);
      }
    else if (!auth_has)
      mfd_observation_set_detail (obs, N_("The name servers of {1} agree that {2} has no address."),
                                  zone, name, NULL);
    else
      mfd_observation_set_detail (obs, N_("The name servers of {1} ({2}) give the same answer as the resolver: {3}."),
                                  zone, ns_list, auth_answers, NULL);
  }

out:
  reply_clear (&last);
  finish_observation (obs, started);
  return obs;
}

/* ------------------------------------------------------------------ */
/* Raw answers for DNSSEC validation                                  */

/* Kept apart from ask_resolver() on purpose: the query carries EDNS with
 * the DO bit, so that the resolver returns the signatures (RRSIG) along
 * with the records, and our own validator (mfd-dnssec.c) judges them. */
ldns_pkt *
mfd_dns_resolver_query_dnssec (MfdDnsResolver  *self,
                               const char      *name,
                               guint16          type,
                               GCancellable    *cancellable,
                               char           **error)
{
  guint n = self->servers->len;
  gint64 deadline = g_get_monotonic_time () + (gint64) self->timeout_ms * 1000;
  gint64 per_try = MAX ((gint64) self->timeout_ms * 1000 / MAX (n * 2, 1), MIN_TRY_MS * 1000);
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
        query = build_query (name, (ldns_rr_type) type, TRUE);
        if (query == NULL)
          {
            if (error != NULL)
              *error = g_strdup_printf ("“%s” is not a valid DNS name", name);
            return NULL;
          }
        ldns_pkt_set_edns_udp_size (query, UDP_BUFFER_SIZE);
        ldns_pkt_set_edns_do (query, TRUE);
        /* Checking Disabled: a validating resolver must hand us bogus
         * data too, so that we can say what is wrong with it. */
        ldns_pkt_set_cd (query, TRUE);
        exchange (server, query, MIN (deadline, g_get_monotonic_time () + per_try),
                  cancellable, &reply);
        ldns_pkt_free (query);
        if (reply.status >= best.status)
          reply_take (&best, &reply);
        reply_clear (&reply);
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
                                rcode_name (best.pkt) :
                              best.error != NULL ? best.error : "no answer");
  reply_clear (&best);
  return pkt;
}
