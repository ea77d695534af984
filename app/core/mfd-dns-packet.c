/* mfd-dns-packet.c — one question to one DNS server
 *
 * ldns builds and parses the packets; the exchange itself runs on GSockets
 * waited on with g_socket_condition_timed_wait(), so that a cancellation
 * ends a query in flight at once instead of after its timeout. A reply is
 * read only when it answers exactly the question asked; a truncated one
 * (TC) is asked again over TCP.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dns"

#include "config.h"

#include "mfd-dns-private.h"
#include "mfd-host.h"
#include "mfd-socket.h"

#define MAX_STRAY_PACKETS   16    /* replies to other queries ignored per try */

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
  socket = mfd_socket_new (G_SOCKET_ADDRESS (server), G_SOCKET_TYPE_STREAM, &error);
  if (socket == NULL ||
      !mfd_socket_connect (socket, G_SOCKET_ADDRESS (server), deadline, cancellable, &error))
    return reply_set_error (reply, error);

  framed = g_malloc (wire_len + 2);
  framed[0] = (wire_len >> 8) & 0xff;
  framed[1] = wire_len & 0xff;
  memcpy (framed + 2, wire, wire_len);
  if (!mfd_socket_write_all (socket, framed, wire_len + 2, deadline, cancellable, &error) ||
      !mfd_socket_read_exactly (socket, length, 2, deadline, cancellable, &error))
    return reply_set_error (reply, error);

  message_len = ((gsize) length[0] << 8) | length[1];
  message = g_malloc (MAX (message_len, 1));
  if (!mfd_socket_read_exactly (socket, message, message_len, deadline, cancellable, &error))
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
void
_mfd_dns_exchange (GInetSocketAddress *server,
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

  _mfd_dns_reply_clear (reply);
  reply->server = mfd_socket_address_to_string (server);

  if (ldns_pkt2wire (&wire, query, &wire_len) != LDNS_STATUS_OK)
    {
      reply->status = REPLY_MALFORMED;
      reply->error = g_strdup ("The query could not be built");
      return;
    }

  socket = mfd_socket_new (G_SOCKET_ADDRESS (server), G_SOCKET_TYPE_DATAGRAM, &error);
  /* Connected, so that an ICMP "port unreachable" comes back as an error
   * and replies from other addresses are dropped by the kernel. */
  if (socket == NULL ||
      !g_socket_connect (socket, G_SOCKET_ADDRESS (server), cancellable, &error) ||
      !mfd_socket_write_all (socket, wire, wire_len, deadline, cancellable, &error))
    {
      reply_set_error (reply, error);
      goto out;
    }

  buffer = g_malloc (MFD_DNS_UDP_BUFFER_SIZE);
  for (;;)
    {
      gboolean malformed;
      gssize n;

      if (!mfd_socket_wait (socket, G_IO_IN, deadline, cancellable, &error))
        {
          reply_set_error (reply, error);
          goto out;
        }
      n = g_socket_receive (socket, (char *) buffer, MFD_DNS_UDP_BUFFER_SIZE, cancellable, &error);
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

ldns_pkt *
_mfd_dns_build_query (const char   *name,
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

char *
_mfd_dns_dname_to_string (const ldns_rdf *dname)
{
  g_autofree char *str = ldns_rdf2str (dname);

  return str != NULL ? mfd_host_normalize (str) : g_strdup ("");
}

char *
_mfd_dns_address_rdf_to_string (const ldns_rdf *rdf)
{
  g_autoptr(GInetAddress) address = NULL;

  if (ldns_rdf_get_type (rdf) == LDNS_RDF_TYPE_A && ldns_rdf_size (rdf) == 4)
    address = g_inet_address_new_from_bytes (ldns_rdf_data (rdf), G_SOCKET_FAMILY_IPV4);
  else if (ldns_rdf_get_type (rdf) == LDNS_RDF_TYPE_AAAA && ldns_rdf_size (rdf) == 16)
    address = g_inet_address_new_from_bytes (ldns_rdf_data (rdf), G_SOCKET_FAMILY_IPV6);
  return address != NULL ? g_inet_address_to_string (address) : NULL;
}

const char *
_mfd_dns_rcode_name (const ldns_pkt *pkt)
{
  ldns_lookup_table *entry = ldns_lookup_by_id (ldns_rcodes, ldns_pkt_get_rcode (pkt));

  return entry != NULL ? entry->name : "UNKNOWN";
}

void
_mfd_dns_reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->pkt, ldns_pkt_free);
  g_clear_pointer (&reply->server, g_free);
  g_clear_pointer (&reply->error, g_free);
  reply->status = REPLY_NONE;
  reply->tcp = FALSE;
}

void
_mfd_dns_reply_take (Reply *dest,
                     Reply *src)
{
  _mfd_dns_reply_clear (dest);
  *dest = *src;
  memset (src, 0, sizeof *src);
}
