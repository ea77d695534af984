/* mfd-lab-dns.c — a small DNS responder on loopback for the practice
 * mode and the tests
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-lab-dns"

#include "config.h"

#include <errno.h>
#include <ldns/ldns.h>

#include "mfd-lab-dns.h"
#include "mfd-dns-private.h"
#include "mfd-host.h"
#include "mfd-socket.h"

#define MAX_MESSAGE         65535
#define UDP_REPLY_LIMIT     512     /* no EDNS: larger answers are truncated */
#define MAX_ALIAS_HOPS      8
#define MAX_TCP_QUERIES     8       /* per connection */
#define TCP_IDLE_US         (G_USEC_PER_SEC)
#define MAX_BIND_TRIES      16

typedef struct
{
  char    *owner;   /* lower case, no trailing dot */
  ldns_rr *rr;
  char    *zone;    /* denial records only: the zone whose chain they are */
} LabRecord;

typedef struct
{
  char          *name;  /* NULL = every name */
  MfdLabDnsMode  mode;
} LabMode;

struct _MfdLabDns
{
  GMutex        lock;
  GPtrArray    *records;   /* (element-type LabRecord) */
  GPtrArray    *denials;   /* (element-type LabRecord) NSEC/NSEC3 and their RRSIGs */
  GPtrArray    *modes;     /* (element-type LabMode) */
  gboolean      authoritative;
  gint          n_queries; /* atomic */

  GSocket      *udp;
  GSocket      *tcp;
  GCancellable *stop;
  GThread      *thread;
  char         *server;
  guint16       port;
};

static void
lab_record_free (LabRecord *record)
{
  g_free (record->owner);
  g_free (record->zone);
  ldns_rr_free (record->rr);
  g_free (record);
}

static void
lab_mode_free (LabMode *mode)
{
  g_free (mode->name);
  g_free (mode);
}

/* ------------------------------------------------------------------ */
/* Answers                                                            */

/* Called with the lock held. */
static MfdLabDnsMode
find_mode (MfdLabDns  *self,
           const char *name)
{
  MfdLabDnsMode mode = MFD_LAB_DNS_MODE_ANSWER;
  gssize best = -1;

  for (guint i = 0; i < self->modes->len; i++)
    {
      LabMode *entry = g_ptr_array_index (self->modes, i);
      gssize len = entry->name != NULL ? (gssize) strlen (entry->name) : 0;

      if (entry->name != NULL && !mfd_host_is_same_or_below (name, entry->name))
        continue;
      if (len > best)
        {
          best = len;
          mode = entry->mode;
        }
    }
  return mode;
}

static LabRecord *
find_record (MfdLabDns    *self,
             const char   *owner,
             ldns_rr_type  type)
{
  for (guint i = 0; i < self->records->len; i++)
    {
      LabRecord *record = g_ptr_array_index (self->records, i);

      if (ldns_rr_get_type (record->rr) == type && g_str_equal (record->owner, owner))
        return record;
    }
  return NULL;
}

static gboolean
name_exists (MfdLabDns  *self,
             const char *name)
{
  for (guint i = 0; i < self->records->len; i++)
    {
      LabRecord *record = g_ptr_array_index (self->records, i);

      if (mfd_host_is_same_or_below (record->owner, name))
        return TRUE;
    }
  return FALSE;
}

/* The longest added name of @type at or above @name. */
static const char *
find_enclosing (MfdLabDns    *self,
                const char   *name,
                ldns_rr_type  type)
{
  const char *best = NULL;

  for (guint i = 0; i < self->records->len; i++)
    {
      LabRecord *record = g_ptr_array_index (self->records, i);

      if (ldns_rr_get_type (record->rr) == type && mfd_host_is_same_or_below (name, record->owner) &&
          (best == NULL || strlen (record->owner) > strlen (best)))
        best = record->owner;
    }
  return best;
}

static void
push_all (MfdLabDns     *self,
          ldns_pkt      *reply,
          ldns_pkt_section section,
          const char    *owner,
          ldns_rr_type   type)
{
  for (guint i = 0; i < self->records->len; i++)
    {
      LabRecord *record = g_ptr_array_index (self->records, i);

      if (ldns_rr_get_type (record->rr) == type && g_str_equal (record->owner, owner))
        ldns_pkt_push_rr (reply, section, ldns_rr_clone (record->rr));
    }
}

static void
push_glue (MfdLabDns *self,
           ldns_pkt  *reply,
           const char *zone)
{
  for (guint i = 0; i < self->records->len; i++)
    {
      LabRecord *record = g_ptr_array_index (self->records, i);
      g_autofree char *target = NULL;

      if (ldns_rr_get_type (record->rr) != LDNS_RR_TYPE_NS || !g_str_equal (record->owner, zone))
        continue;
      target = _mfd_dns_dname_to_string (ldns_rr_rdf (record->rr, 0));
      push_all (self, reply, LDNS_SECTION_ADDITIONAL, target, LDNS_RR_TYPE_A);
      push_all (self, reply, LDNS_SECTION_ADDITIONAL, target, LDNS_RR_TYPE_AAAA);
    }
}

/* Fills @reply's sections for @qname/@qtype from the records. Called with
 * the lock held. */
static void
answer_from_records (MfdLabDns    *self,
                     ldns_pkt     *reply,
                     const char   *qname,
                     ldns_rr_type  qtype)
{
  g_autofree char *current = g_strdup (qname);
  const char *soa_zone;
  guint pushed = 0;

  /* A parent zone's server refers queries at or below a delegation. */
  if (self->authoritative)
    {
      const char *cut = find_enclosing (self, qname, LDNS_RR_TYPE_NS);
      const char *apex = find_enclosing (self, qname, LDNS_RR_TYPE_SOA);

      if (cut != NULL && apex != NULL && strlen (apex) < strlen (cut))
        {
          ldns_pkt_set_aa (reply, FALSE);
          push_all (self, reply, LDNS_SECTION_AUTHORITY, cut, LDNS_RR_TYPE_NS);
          push_glue (self, reply, cut);
          return;
        }
    }

  for (guint hop = 0; hop <= MAX_ALIAS_HOPS; hop++)
    {
      LabRecord *cname;
      guint before = ldns_pkt_ancount (reply);

      push_all (self, reply, LDNS_SECTION_ANSWER, current, qtype);
      if (ldns_pkt_ancount (reply) > before)
        return;

      cname = qtype != LDNS_RR_TYPE_CNAME ? find_record (self, current, LDNS_RR_TYPE_CNAME) : NULL;
      if (cname == NULL)
        break;
      ldns_pkt_push_rr (reply, LDNS_SECTION_ANSWER, ldns_rr_clone (cname->rr));
      pushed++;
      g_free (current);
      current = _mfd_dns_dname_to_string (ldns_rr_rdf (cname->rr, 0));
    }

  if (pushed > 0 && find_enclosing (self, current, LDNS_RR_TYPE_SOA) == NULL &&
      !name_exists (self, current))
    return;  /* an alias to a name we do not serve: the chain is the answer */

  /* A wildcard ("*.zone") stands for any name below the zone that has no
   * records of its own (RFC 4592): what a resolver that rewrites "no such
   * name" looks like from the outside. */
  for (const char *dot = strchr (current, '.'); pushed == 0 && dot != NULL && !name_exists (self, current);
       dot = strchr (dot + 1, '.'))
    {
      g_autofree char *wild = g_strconcat ("*", dot, NULL);
      gboolean wild_exists = FALSE;

      for (guint i = 0; i < self->records->len; i++)
        {
          LabRecord *record = g_ptr_array_index (self->records, i);
          ldns_rr *rr;

          if (!g_str_equal (record->owner, wild))
            continue;
          wild_exists = TRUE;
          if (ldns_rr_get_type (record->rr) != qtype)
            continue;
          rr = ldns_rr_clone (record->rr);
          ldns_rdf_deep_free (ldns_rr_owner (rr));
          ldns_rr_set_owner (rr, ldns_dname_new_frm_str (qname));
          ldns_pkt_push_rr (reply, LDNS_SECTION_ANSWER, rr);
        }
      if (wild_exists)
        return;
    }

  if (!name_exists (self, current))
    ldns_pkt_set_rcode (reply, LDNS_RCODE_NXDOMAIN);
  /* A DS record lives in the parent zone: "no DS" comes from there. */
  if (qtype == LDNS_RR_TYPE_DS && pushed == 0 && strchr (current, '.') != NULL)
    soa_zone = find_enclosing (self, strchr (current, '.') + 1, LDNS_RR_TYPE_SOA);
  else
    soa_zone = find_enclosing (self, current, LDNS_RR_TYPE_SOA);
  if (soa_zone != NULL)
    push_all (self, reply, LDNS_SECTION_AUTHORITY, soa_zone, LDNS_RR_TYPE_SOA);
}

static GBytes *
pkt_to_bytes (ldns_pkt *pkt)
{
  uint8_t *wire = NULL;
  size_t len = 0;
  GBytes *bytes;

  if (ldns_pkt2wire (&wire, pkt, &len) != LDNS_STATUS_OK)
    return NULL;
  bytes = g_bytes_new (wire, len);
  free (wire);
  return bytes;
}

/* The header and question of a reply, with @ancount announced and
 * @tail appended as the answer section. */
static GBytes *
craft_reply (ldns_pkt     *reply,
             guint16       ancount,
             const guint8 *tail,
             gsize         tail_len)
{
  g_autoptr(GBytes) head = pkt_to_bytes (reply);
  GByteArray *out;
  gsize head_len;

  if (head == NULL)
    return NULL;
  head_len = g_bytes_get_size (head);
  out = g_byte_array_sized_new (head_len + tail_len);
  g_byte_array_append (out, g_bytes_get_data (head, NULL), head_len);
  out->data[6] = ancount >> 8;
  out->data[7] = ancount & 0xff;
  g_byte_array_append (out, tail, tail_len);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
hostile_reply (ldns_pkt      *reply,
               const guint8  *query,
               MfdLabDnsMode  mode)
{
  g_autoptr(GBytes) head = pkt_to_bytes (reply);
  gsize at;

  if (head == NULL)
    return NULL;
  at = g_bytes_get_size (head);

  if (mode == MFD_LAB_DNS_MODE_CUT_SHORT)
    {
      /* A pointer to the question's name, type A, then half a class. */
      static const guint8 tail[] = { 0xc0, 0x0c, 0x00, 0x01, 0x00 };

      return craft_reply (reply, 1, tail, sizeof tail);
    }
  else if (mode == MFD_LAB_DNS_MODE_COMPRESSION_LOOP)
    {
      /* "abc" followed by a pointer back to itself: an endless name. */
      guint8 tail[] = { 3, 'a', 'b', 'c', 0xc0 | ((at >> 8) & 0x3f), at & 0xff,
                        0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
                        0x00, 0x04, 203, 0, 113, 66 };

      return craft_reply (reply, 1, tail, sizeof tail);
    }
  else
    {
      guint8 bytes[64];
      g_autoptr(GRand) rand = g_rand_new_with_seed (0x4d464420);

      g_assert (mode == MFD_LAB_DNS_MODE_GARBAGE);
      for (gsize i = 0; i < sizeof bytes; i++)
        bytes[i] = g_rand_int_range (rand, 0, 256);
      /* Our query's id and QR, so the client takes it for its reply;
       * every count at its maximum, which no 64 bytes can hold. */
      bytes[0] = query[0];
      bytes[1] = query[1];
      bytes[2] = 0x81;
      bytes[3] = 0x80;
      memset (bytes + 4, 0xff, 8);
      return g_bytes_new (bytes, sizeof bytes);
    }
}

/* Makes @reply answer another question than the one asked. */
static void
tamper_question (ldns_pkt      *reply,
                 MfdLabDnsMode  mode)
{
  ldns_rr *question = ldns_rr_list_rr (ldns_pkt_question (reply), 0);

  if (mode == MFD_LAB_DNS_MODE_TCP_OTHER_ID)
    ldns_pkt_set_id (reply, ldns_pkt_id (reply) ^ 0x5a5a);
  else if (mode == MFD_LAB_DNS_MODE_TCP_OTHER_NAME)
    {
      ldns_rdf_deep_free (ldns_rr_owner (question));
      ldns_rr_set_owner (question, ldns_dname_new_frm_str ("other.invalid."));
    }
  else if (mode == MFD_LAB_DNS_MODE_TCP_OTHER_TYPE)
    ldns_rr_set_type (question, ldns_rr_get_type (question) == LDNS_RR_TYPE_TXT ? LDNS_RR_TYPE_A
                                                                               : LDNS_RR_TYPE_TXT);
  else if (mode == MFD_LAB_DNS_MODE_TCP_OTHER_CLASS)
    ldns_rr_set_class (question, LDNS_RR_CLASS_CH);
  else
    {
      g_assert (mode == MFD_LAB_DNS_MODE_TCP_NO_QUESTION);
      ldns_rr_free (ldns_rr_list_pop_rr (ldns_pkt_question (reply)));
      ldns_pkt_set_qdcount (reply, 0);
      ldns_pkt_set_tc (reply, TRUE);
    }
}

/* A negative answer from a zone with a denial chain carries the whole
 * chain (NSEC or NSEC3, with their RRSIGs): our zones are a handful of
 * names, and the validator must find the records that prove the denial
 * among them, as it would among a server's pick. Called with the lock
 * held. */
static void
push_denial (MfdLabDns *self,
             ldns_pkt  *reply)
{
  ldns_rr_list *auth = ldns_pkt_authority (reply);
  g_autofree char *zone = NULL;

  if (ldns_pkt_ancount (reply) > 0 && ldns_pkt_get_rcode (reply) != LDNS_RCODE_NXDOMAIN)
    return;
  for (size_t i = 0; auth != NULL && i < ldns_rr_list_rr_count (auth) && zone == NULL; i++)
    if (ldns_rr_get_type (ldns_rr_list_rr (auth, i)) == LDNS_RR_TYPE_SOA)
      zone = _mfd_dns_dname_to_string (ldns_rr_owner (ldns_rr_list_rr (auth, i)));
  if (zone == NULL)
    return;
  for (guint i = 0; i < self->denials->len; i++)
    {
      LabRecord *record = g_ptr_array_index (self->denials, i);

      if (g_str_equal (record->zone, zone))
        ldns_pkt_push_rr (reply, LDNS_SECTION_AUTHORITY, ldns_rr_clone (record->rr));
    }
}

/* DNSSEC: a query with EDNS gets EDNS back and, with the DO bit, the
 * RRSIG records added (mfd_lab_dns_add_rr()) that cover the records of the
 * answer and authority sections, as a signed zone's server gives them.
 * Called with the lock held. */
static void
answer_edns (MfdLabDns *self,
             ldns_pkt  *query,
             ldns_pkt  *reply)
{
  static const ldns_pkt_section sections[] = { LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY };

  ldns_pkt_set_edns_udp_size (reply, 4096);
  ldns_pkt_set_edns_do (reply, ldns_pkt_edns_do (query));
  if (!ldns_pkt_edns_do (query))
    return;

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      ldns_rr_list *list = ldns_pkt_get_section_clone (reply, sections[s]);

      for (size_t i = 0; i < ldns_rr_list_rr_count (list); i++)
        {
          ldns_rr *rr = ldns_rr_list_rr (list, i);
          g_autofree char *owner = _mfd_dns_dname_to_string (ldns_rr_owner (rr));
          gboolean first = TRUE;

          /* Once per RRset: skip when an earlier record had the same set. */
          for (size_t j = 0; j < i && first; j++)
            {
              ldns_rr *earlier = ldns_rr_list_rr (list, j);

              if (ldns_rr_get_type (earlier) == ldns_rr_get_type (rr) &&
                  ldns_dname_compare (ldns_rr_owner (earlier), ldns_rr_owner (rr)) == 0)
                first = FALSE;
            }
          if (!first || ldns_rr_get_type (rr) == LDNS_RR_TYPE_RRSIG)
            continue;

          for (guint k = 0; k < self->records->len; k++)
            {
              LabRecord *record = g_ptr_array_index (self->records, k);
              ldns_rdf *covered;

              if (ldns_rr_get_type (record->rr) != LDNS_RR_TYPE_RRSIG ||
                  !g_str_equal (record->owner, owner))
                continue;
              covered = ldns_rr_rrsig_typecovered (record->rr);
              if (covered != NULL && ldns_rdf2rr_type (covered) == ldns_rr_get_type (rr))
                ldns_pkt_push_rr (reply, sections[s], ldns_rr_clone (record->rr));
            }
        }
      ldns_rr_list_deep_free (list);
    }
  push_denial (self, reply);
}

/* What fits in a UDP reply: 512 bytes, or what the query's EDNS offers. */
static gsize
udp_limit (const ldns_pkt *query)
{
  if (ldns_pkt_edns (query) && ldns_pkt_edns_udp_size (query) > UDP_REPLY_LIMIT)
    return MIN (ldns_pkt_edns_udp_size (query), 4096);
  return UDP_REPLY_LIMIT;
}

/* The reply to one query, or NULL to stay silent. */
static GBytes *
respond (MfdLabDns    *self,
         const guint8 *data,
         gsize         len,
         gboolean      tcp)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *qname = NULL;
  ldns_pkt *query = NULL;
  ldns_pkt *reply = NULL;
  ldns_rr *question;
  MfdLabDnsMode mode;
  GBytes *out = NULL;

  g_atomic_int_inc (&self->n_queries);

  if (ldns_wire2pkt (&query, data, len) != LDNS_STATUS_OK || query == NULL)
    return NULL;
  if (ldns_pkt_qr (query) || ldns_pkt_qdcount (query) != 1)
    goto out;

  question = ldns_rr_list_rr (ldns_pkt_question (query), 0);
  qname = _mfd_dns_dname_to_string (ldns_rr_owner (question));

  locker = g_mutex_locker_new (&self->lock);
  mode = find_mode (self, qname);
  if (mode == MFD_LAB_DNS_MODE_SILENT)
    goto out;

  reply = ldns_pkt_new ();
  ldns_pkt_set_id (reply, ldns_pkt_id (query));
  ldns_pkt_set_qr (reply, TRUE);
  ldns_pkt_set_opcode (reply, ldns_pkt_get_opcode (query));
  ldns_pkt_set_rd (reply, ldns_pkt_rd (query));
  ldns_pkt_set_aa (reply, self->authoritative);
  ldns_pkt_set_ra (reply, !self->authoritative);
  ldns_pkt_push_rr (reply, LDNS_SECTION_QUESTION, ldns_rr_clone (question));

  switch (mode)
    {
    case MFD_LAB_DNS_MODE_NXDOMAIN:
      ldns_pkt_set_rcode (reply, LDNS_RCODE_NXDOMAIN);
      break;
    case MFD_LAB_DNS_MODE_SERVFAIL:
      ldns_pkt_set_aa (reply, FALSE);
      ldns_pkt_set_rcode (reply, LDNS_RCODE_SERVFAIL);
      break;
    case MFD_LAB_DNS_MODE_REFUSED:
      ldns_pkt_set_aa (reply, FALSE);
      ldns_pkt_set_rcode (reply, LDNS_RCODE_REFUSED);
      break;
    case MFD_LAB_DNS_MODE_TRUNCATED:
      if (!tcp)
        {
          ldns_pkt_set_tc (reply, TRUE);
          break;
        }
      answer_from_records (self, reply, qname, ldns_rr_get_type (question));
      break;
    case MFD_LAB_DNS_MODE_TCP_OTHER_ID:
    case MFD_LAB_DNS_MODE_TCP_OTHER_NAME:
    case MFD_LAB_DNS_MODE_TCP_OTHER_TYPE:
    case MFD_LAB_DNS_MODE_TCP_OTHER_CLASS:
    case MFD_LAB_DNS_MODE_TCP_NO_QUESTION:
      if (!tcp)
        {
          ldns_pkt_set_tc (reply, TRUE);
          break;
        }
      answer_from_records (self, reply, qname, ldns_rr_get_type (question));
      tamper_question (reply, mode);
      break;
    case MFD_LAB_DNS_MODE_CUT_SHORT:
    case MFD_LAB_DNS_MODE_COMPRESSION_LOOP:
    case MFD_LAB_DNS_MODE_GARBAGE:
      out = hostile_reply (reply, data, mode);
      goto out;
    case MFD_LAB_DNS_MODE_TRUNCATED_CUT:
    case MFD_LAB_DNS_MODE_ANSWER:
    case MFD_LAB_DNS_MODE_SILENT:
    default:
      answer_from_records (self, reply, qname, ldns_rr_get_type (question));
      break;
    }

  if (ldns_pkt_edns (query))
    answer_edns (self, query, reply);

  out = pkt_to_bytes (reply);
  if (out != NULL && !tcp && mode == MFD_LAB_DNS_MODE_TRUNCATED_CUT)
    {
      /* As some servers and middleboxes do: the datagram simply ends, the
       * counts still promise every record. */
      gsize size = g_bytes_get_size (out);
      gsize keep = size > UDP_REPLY_LIMIT ? UDP_REPLY_LIMIT : MAX (size, LDNS_HEADER_SIZE + 3) - 3;
      guint8 *cut = g_memdup2 (g_bytes_get_data (out, NULL), keep);

      cut[2] |= 0x02;  /* TC */
      g_bytes_unref (out);
      out = g_bytes_new_take (cut, keep);
      goto out;
    }
  if (out != NULL && g_bytes_get_size (out) > (tcp ? MAX_MESSAGE : udp_limit (query)))
    {
      /* Too big for plain UDP: say so, as a server does, and let the
       * client come back over TCP. Too big even for TCP: the same, with
       * nowhere left to go. */
      ldns_pkt *truncated = ldns_pkt_new ();

      ldns_pkt_set_id (truncated, ldns_pkt_id (reply));
      ldns_pkt_set_qr (truncated, TRUE);
      ldns_pkt_set_aa (truncated, ldns_pkt_aa (reply));
      ldns_pkt_set_ra (truncated, ldns_pkt_ra (reply));
      ldns_pkt_set_rd (truncated, ldns_pkt_rd (reply));
      ldns_pkt_set_tc (truncated, TRUE);
      ldns_pkt_push_rr (truncated, LDNS_SECTION_QUESTION, ldns_rr_clone (question));
      g_bytes_unref (out);
      out = pkt_to_bytes (truncated);
      ldns_pkt_free (truncated);
    }

out:
  if (reply != NULL)
    ldns_pkt_free (reply);
  ldns_pkt_free (query);
  return out;
}

/* ------------------------------------------------------------------ */
/* The thread                                                         */

static void
serve_udp (MfdLabDns *self)
{
  guint8 buffer[MAX_MESSAGE];
  g_autoptr(GSocketAddress) from = NULL;
  g_autoptr(GBytes) reply = NULL;
  gssize n;

  n = g_socket_receive_from (self->udp, &from, (char *) buffer, sizeof buffer, NULL, NULL);
  if (n <= 0)
    return;
  reply = respond (self, buffer, n, FALSE);
  if (reply != NULL)
    g_socket_send_to (self->udp, from, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL, NULL);
}

/* One connection at a time: this serves tests, not the internet, and
 * every wait is bounded and ends when the responder stops. */
static void
serve_tcp (MfdLabDns *self)
{
  g_autoptr(GSocket) conn = g_socket_accept (self->tcp, NULL, NULL);
  g_autofree guint8 *buffer = NULL;

  if (conn == NULL)
    return;
  g_socket_set_blocking (conn, FALSE);
  buffer = g_malloc (MAX_MESSAGE + 2);

  for (guint i = 0; i < MAX_TCP_QUERIES; i++)
    {
      g_autoptr(GBytes) reply = NULL;
      gsize len;

      if (!mfd_socket_read_exactly (conn, buffer, 2, g_get_monotonic_time () + TCP_IDLE_US, self->stop, NULL))
        break;
      len = ((gsize) buffer[0] << 8) | buffer[1];
      if (!mfd_socket_read_exactly (conn, buffer, len, g_get_monotonic_time () + TCP_IDLE_US, self->stop, NULL))
        break;
      reply = respond (self, buffer, len, TRUE);
      if (reply == NULL)
        break;
      len = MIN (g_bytes_get_size (reply), MAX_MESSAGE);
      buffer[0] = len >> 8;
      buffer[1] = len & 0xff;
      memcpy (buffer + 2, g_bytes_get_data (reply, NULL), len);
      if (!mfd_socket_write_all (conn, buffer, len + 2, g_get_monotonic_time () + TCP_IDLE_US, self->stop, NULL))
        break;
    }
  g_socket_close (conn, NULL);
}

static gpointer
serve (gpointer data)
{
  MfdLabDns *self = data;
  GPollFD fds[3] = {
    { g_socket_get_fd (self->udp), G_IO_IN, 0 },
    { g_socket_get_fd (self->tcp), G_IO_IN, 0 },
    { -1, 0, 0 },
  };

  g_cancellable_make_pollfd (self->stop, &fds[2]);

  while (!g_cancellable_is_cancelled (self->stop))
    {
      if (g_poll (fds, G_N_ELEMENTS (fds), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          g_warning ("poll: %s", g_strerror (errno));
          break;
        }
      if (g_cancellable_is_cancelled (self->stop))
        break;
      if (fds[0].revents & G_IO_IN)
        serve_udp (self);
      if (fds[1].revents & G_IO_IN)
        serve_tcp (self);
    }

  g_cancellable_release_fd (self->stop);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Public                                                             */

static GSocket *
bind_socket (GInetAddress  *address,
             guint16        port,
             GSocketType    type,
             GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) where = g_inet_socket_address_new (address, port);

  socket = mfd_socket_new (where, type, error);
  if (socket == NULL)
    return NULL;
  if (!g_socket_bind (socket, where, type == G_SOCKET_TYPE_STREAM, error))
    return NULL;
  if (type == G_SOCKET_TYPE_STREAM && !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

MfdLabDns *
mfd_lab_dns_new (const char  *address,
                 guint16      port,
                 GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocket) udp = NULL;
  g_autoptr(GSocket) tcp = NULL;
  g_autofree char *ip = NULL;
  MfdLabDns *self;
  guint16 bound = 0;

  inet = g_inet_address_new_from_string (address != NULL ? address : "127.0.0.1");
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", address);
      return NULL;
    }

  /* UDP and TCP on the same port: with port 0 the TCP side may find the
   * UDP port taken by someone else, so try again with another. */
  for (guint i = 0; i < MAX_BIND_TRIES; i++)
    {
      g_autoptr(GSocketAddress) local = NULL;
      g_autoptr(GError) local_error = NULL;

      g_clear_object (&udp);
      udp = bind_socket (inet, port, G_SOCKET_TYPE_DATAGRAM, error);
      if (udp == NULL)
        return NULL;
      local = g_socket_get_local_address (udp, error);
      if (local == NULL)
        return NULL;
      bound = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
      tcp = bind_socket (inet, bound, G_SOCKET_TYPE_STREAM, &local_error);
      if (tcp != NULL)
        break;
      if (port != 0 || i + 1 == MAX_BIND_TRIES)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  self = g_new0 (MfdLabDns, 1);
  g_mutex_init (&self->lock);
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_record_free);
  self->denials = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_record_free);
  self->modes = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_mode_free);
  self->udp = g_steal_pointer (&udp);
  self->tcp = g_steal_pointer (&tcp);
  self->port = bound;
  ip = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    self->server = g_strdup_printf ("[%s]:%u", ip, bound);
  else
    self->server = g_strdup_printf ("%s:%u", ip, bound);
  self->stop = g_cancellable_new ();
  self->thread = g_thread_new ("mfd-lab-dns", serve, self);
  return self;
}

void
mfd_lab_dns_free (MfdLabDns *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->stop);
  g_thread_join (self->thread);
  g_socket_close (self->udp, NULL);
  g_socket_close (self->tcp, NULL);
  g_object_unref (self->udp);
  g_object_unref (self->tcp);
  g_object_unref (self->stop);
  g_ptr_array_unref (self->records);
  g_ptr_array_unref (self->denials);
  g_ptr_array_unref (self->modes);
  g_mutex_clear (&self->lock);
  g_free (self->server);
  g_free (self);
}

const char *
mfd_lab_dns_get_server (MfdLabDns *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->server;
}

guint16
mfd_lab_dns_get_port (MfdLabDns *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

void
mfd_lab_dns_add_record (MfdLabDns  *self,
                        const char *name,
                        const char *type,
                        const char *data,
                        guint32     ttl)
{
  g_autofree char *owner = NULL;
  g_autofree char *text = NULL;
  ldns_rdf *origin = NULL;
  ldns_rr *rr = NULL;
  ldns_status status;
  LabRecord *record;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && type != NULL && data != NULL);

  owner = mfd_host_normalize (name);
  text = g_strdup_printf ("%s. %u IN %s %s", owner, ttl, type, data);
  /* Relative names in @data are taken as absolute. */
  origin = ldns_dname_new_frm_str (".");
  status = ldns_rr_new_frm_str (&rr, text, ttl, origin, NULL);
  ldns_rdf_deep_free (origin);
  if (status != LDNS_STATUS_OK)
    {
      g_critical ("Cannot add the DNS record “%s”: %s", text, ldns_get_errorstr_by_id (status));
      return;
    }

  record = g_new0 (LabRecord, 1);
  record->owner = g_steal_pointer (&owner);
  record->rr = rr;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->records, record);
  g_mutex_unlock (&self->lock);
}

void
mfd_lab_dns_add_rr (MfdLabDns     *self,
                    const ldns_rr *rr)
{
  LabRecord *record;

  g_return_if_fail (self != NULL && rr != NULL);

  record = g_new0 (LabRecord, 1);
  record->owner = _mfd_dns_dname_to_string (ldns_rr_owner (rr));
  record->rr = ldns_rr_clone (rr);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->records, record);
  g_mutex_unlock (&self->lock);
}

void
mfd_lab_dns_set_denial (MfdLabDns          *self,
                        const char         *zone,
                        const ldns_rr_list *rrs)
{
  g_autofree char *apex = NULL;

  g_return_if_fail (self != NULL && zone != NULL);

  apex = mfd_host_normalize (zone);
  g_mutex_lock (&self->lock);
  for (guint i = self->denials->len; i > 0; i--)
    {
      LabRecord *record = g_ptr_array_index (self->denials, i - 1);

      if (g_str_equal (record->zone, apex))
        g_ptr_array_remove_index (self->denials, i - 1);
    }
  for (size_t i = 0; rrs != NULL && i < ldns_rr_list_rr_count (rrs); i++)
    {
      LabRecord *record = g_new0 (LabRecord, 1);

      record->owner = _mfd_dns_dname_to_string (ldns_rr_owner (ldns_rr_list_rr (rrs, i)));
      record->rr = ldns_rr_clone (ldns_rr_list_rr (rrs, i));
      record->zone = g_strdup (apex);
      g_ptr_array_add (self->denials, record);
    }
  g_mutex_unlock (&self->lock);
}

void
mfd_lab_dns_set_mode (MfdLabDns     *self,
                      const char    *name,
                      MfdLabDnsMode  mode)
{
  g_autofree char *key = NULL;
  LabMode *entry = NULL;

  g_return_if_fail (self != NULL);

  key = name != NULL ? mfd_host_normalize (name) : NULL;
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->modes->len && entry == NULL; i++)
    {
      LabMode *candidate = g_ptr_array_index (self->modes, i);

      if (g_strcmp0 (candidate->name, key) == 0)
        entry = candidate;
    }
  if (entry == NULL)
    {
      entry = g_new0 (LabMode, 1);
      entry->name = g_steal_pointer (&key);
      g_ptr_array_add (self->modes, entry);
    }
  entry->mode = mode;
  g_mutex_unlock (&self->lock);
}

void
mfd_lab_dns_set_authoritative (MfdLabDns *self,
                               gboolean   authoritative)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->authoritative = authoritative;
  g_mutex_unlock (&self->lock);
}

guint
mfd_lab_dns_get_n_queries (MfdLabDns *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_atomic_int_get (&self->n_queries);
}
