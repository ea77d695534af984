/* mfd-lab-dns.h — a small DNS responder on loopback (ldns packets) for the
 * practice mode and the tests. Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <ldns/ldns.h>

G_BEGIN_DECLS

/* The values are MFD_LAB_DNS_MODE_*: mfd-lab.h already has scenarios
 * called MFD_LAB_DNS_NXDOMAIN and MFD_LAB_DNS_SERVFAIL. */
typedef enum
{
  MFD_LAB_DNS_MODE_ANSWER,      /* answer from the records added */
  MFD_LAB_DNS_MODE_NXDOMAIN,
  MFD_LAB_DNS_MODE_SERVFAIL,
  MFD_LAB_DNS_MODE_REFUSED,
  MFD_LAB_DNS_MODE_SILENT,      /* read the query, never answer */
  /* Hostile or unusual answers, for robustness tests: */
  MFD_LAB_DNS_MODE_TRUNCATED,   /* TC bit and no records over UDP; full answer over TCP */
  MFD_LAB_DNS_MODE_CUT_SHORT,   /* a reply that ends in the middle of its answer record */
  MFD_LAB_DNS_MODE_COMPRESSION_LOOP, /* the answer's name is a compression pointer loop */
  MFD_LAB_DNS_MODE_GARBAGE,     /* the query's id, then bytes that are no DNS message */
  MFD_LAB_DNS_MODE_TRUNCATED_CUT, /* over UDP the answer cut at 512 bytes (or short of its
                                   * end) with TC set, its counts unchanged, a record cut in
                                   * two; the full answer over TCP */
  /* TC over UDP, then over TCP an answer to another question: */
  MFD_LAB_DNS_MODE_TCP_OTHER_ID,
  MFD_LAB_DNS_MODE_TCP_OTHER_NAME,
  MFD_LAB_DNS_MODE_TCP_OTHER_TYPE,
  MFD_LAB_DNS_MODE_TCP_OTHER_CLASS,
  MFD_LAB_DNS_MODE_TCP_NO_QUESTION, /* no question section, TC set */
} MfdLabDnsMode;

typedef struct _MfdLabDns MfdLabDns;

/* Listens on UDP and TCP at @address (e.g. "127.0.0.1", "127.0.0.2",
 * "::1"; NULL = 127.0.0.1) port @port (0 = any free port), answering in
 * its own thread until mfd_lab_dns_free(). Everything it answers comes
 * from the records added (an answer follows CNAMEs among them; a name with
 * no record, nor any below it, is NXDOMAIN; the SOA of the enclosing zone,
 * if added, goes in the authority section of negative answers). When
 * authoritative, a name below an added NS set that is not a zone apex (no
 * SOA there) gets a referral with glue, as a parent zone's server does. */
MfdLabDns  *mfd_lab_dns_new          (const char     *address,
                                      guint16         port,
                                      GError        **error);
void        mfd_lab_dns_free         (MfdLabDns      *self);
/* "127.0.0.1:PORT" or "[::1]:PORT" */
const char *mfd_lab_dns_get_server   (MfdLabDns      *self);
guint16     mfd_lab_dns_get_port     (MfdLabDns      *self);

/* A record in presentation format, e.g. ("mail.contoso.test", "A",
 * "127.0.0.1", 300) or ("contoso.test", "MX", "10 mail.contoso.test", 300)
 * (names in @data are absolute; a trailing dot is optional). Types: A,
 * AAAA, MX, NS, CNAME, SOA (and anything else ldns reads). Invalid data
 * is a programming error (g_critical). */
void        mfd_lab_dns_add_record   (MfdLabDns      *self,
                                      const char     *name,
                                      const char     *type,
                                      const char     *data,
                                      guint32         ttl);
/* Any record, as ldns holds it (copied): DNSKEY, DS, RRSIG, TLSA… for a
 * zone signed at run time. A query with the DO bit also gets the RRSIGs
 * that cover the records of its answer and authority sections; a query
 * with EDNS gets EDNS back (its UDP size honoured up to 4096 bytes). */
void        mfd_lab_dns_add_rr       (MfdLabDns      *self,
                                      const ldns_rr  *rr);
/* Replaces @zone's denial chain: NSEC or NSEC3 records and their RRSIGs
 * (copied; NULL or empty = none). A negative answer whose SOA is @zone's
 * carries them in its authority section when the query has the DO bit.
 * They answer no query of their own. */
void        mfd_lab_dns_set_denial   (MfdLabDns          *self,
                                      const char         *zone,
                                      const ldns_rr_list *rrs);
/* How to answer queries for @name and below (NULL = every name). */
void        mfd_lab_dns_set_mode     (MfdLabDns      *self,
                                      const char     *name,
                                      MfdLabDnsMode   mode);
/* Set the AA flag on answers (authoritative server) or not (resolver,
 * the default: RA set, AA clear). */
void        mfd_lab_dns_set_authoritative (MfdLabDns *self,
                                      gboolean        authoritative);
/* How many queries it has received. */
guint       mfd_lab_dns_get_n_queries (MfdLabDns     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdLabDns, mfd_lab_dns_free)

G_END_DECLS
