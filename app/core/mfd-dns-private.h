/* mfd-dns-private.h — what the DNS files share: the resolver's insides,
 * one exchange with one server, lookups through the resolver and the
 * zone's own servers asked directly. Internal to the engine.
 *
 * mfd-dns-packet.c     one question to one server (UDP, TCP after TC)
 * mfd-dns-resolver.c   the resolver: its servers, retries, aliases
 * mfd-dns.c            the A/AAAA and MX checks
 * mfd-dns-zone.c       a zone's name servers found and asked directly
 * mfd-dns-authority.c  the authority check and its verdict
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <ldns/ldns.h>

#include "mfd-dns.h"

G_BEGIN_DECLS

#define MFD_DNS_PORT                 53
#define MFD_DNS_MIN_TRY_MS           150
#define MFD_DNS_MAX_ADDRESSES_PER_NS 2
#define MFD_DNS_UDP_BUFFER_SIZE      4096  /* we send no EDNS: replies are ≤ 512 */

struct _MfdDnsResolver
{
  GPtrArray *servers;        /* (element-type GInetSocketAddress) */
  char      *description;
  guint      timeout_ms;
  guint16    authority_port;
};

/* ------------------------------------------------------------------ */
/* One exchange with one server (mfd-dns-packet.c)                    */

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

void        _mfd_dns_reply_clear           (Reply              *reply);
/* Moves @src into @dest, leaving @src empty. */
void        _mfd_dns_reply_take            (Reply              *dest,
                                            Reply              *src);
/* A query for @name/@type with a random id, RD set when @recursion. */
ldns_pkt   *_mfd_dns_build_query           (const char         *name,
                                            ldns_rr_type        type,
                                            gboolean            recursion);
/* One query to @server, over UDP and over TCP when the reply is
 * truncated, until @deadline. */
void        _mfd_dns_exchange              (GInetSocketAddress *server,
                                            const ldns_pkt     *query,
                                            gint64              deadline,
                                            GCancellable       *cancellable,
                                            Reply              *reply);

/* Reading answers */
/* Lower case, no trailing dot ("" for the root). */
char       *_mfd_dns_dname_to_string       (const ldns_rdf     *dname);
/* The IP of an A or AAAA rdata, or NULL. */
char       *_mfd_dns_address_rdf_to_string (const ldns_rdf     *rdf);
const char *_mfd_dns_rcode_name            (const ldns_pkt     *pkt);

/* ------------------------------------------------------------------ */
/* Through the resolver (mfd-dns-resolver.c)                          */

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

/* Asks the resolver's servers, each retried once when it timed out, until
 * one gives an answer or @deadline passes. */
void        _mfd_dns_ask_resolver          (MfdDnsResolver     *self,
                                            const char         *name,
                                            ldns_rr_type        type,
                                            gint64              deadline,
                                            GCancellable       *cancellable,
                                            Reply              *best);
void        _mfd_dns_lookup_init           (Lookup             *lookup);
void        _mfd_dns_lookup_clear          (Lookup             *lookup);
/* @type records for @name through the resolver, following aliases. */
void        _mfd_dns_lookup_type           (MfdDnsResolver     *self,
                                            const char         *name,
                                            ldns_rr_type        type,
                                            gint64              deadline,
                                            GCancellable       *cancellable,
                                            Lookup             *lookup);

/* ------------------------------------------------------------------ */
/* Observations (mfd-dns.c)                                           */

/* The common start of each check: @host normalized into *@name, and an
 * observation when there is nothing to look up (SKIPPED for an IP
 * address, FAIL for a name DNS cannot hold); NULL when the lookup should
 * go ahead. */
MfdObservation *_mfd_dns_check_host        (MfdStage            stage,
                                            const char         *host,
                                            char              **name);
/* Sets outcome, cause and detail of @obs for a lookup that did not give
 * records. Returns TRUE when it did (the lookup failed). */
gboolean    _mfd_dns_report_lookup_failure (MfdDnsResolver     *self,
                                            MfdObservation     *obs,
                                            const char         *name,
                                            Lookup             *lookup);
/* The addresses of @lookup's records added to @out, each once. */
void        _mfd_dns_add_addresses         (Lookup             *lookup,
                                            GPtrArray          *out);
/* "a, b, c" */
char       *_mfd_dns_join_strings          (GPtrArray          *strings);
void        _mfd_dns_set_fact_uint         (MfdObservation     *obs,
                                            const char         *key,
                                            guint64             value);
void        _mfd_dns_finish_observation    (MfdObservation     *obs,
                                            gint64              started);

/* ------------------------------------------------------------------ */
/* The zone's own servers (mfd-dns-zone.c)                            */

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

typedef struct
{
  char      *name;
  GPtrArray *ips;           /* (element-type utf8) */
} NameServer;

void        _mfd_dns_auth_reply_free       (AuthReply          *reply);
NameServer *_mfd_dns_name_server_new       (const char         *name);
void        _mfd_dns_name_server_free      (NameServer         *ns);
/* For g_ptr_array_sort() of strings. */
gint        _mfd_dns_compare_strings       (gconstpointer       a,
                                            gconstpointer       b);
/* Walks up from @host until the resolver answers NS records for a name
 * (their names go to @name_servers); stops before the root. Returns the
 * zone, or NULL with the resolver's last reply in @last. */
char       *_mfd_dns_find_zone             (MfdDnsResolver     *self,
                                            const char         *host,
                                            GPtrArray          *name_servers,
                                            gint64              deadline,
                                            GCancellable       *cancellable,
                                            Reply              *last);
/* Fills in the addresses of @name_servers through the resolver. */
void        _mfd_dns_resolve_name_servers  (MfdDnsResolver     *self,
                                            GPtrArray          *name_servers,
                                            gint64              deadline,
                                            GCancellable       *cancellable);
gboolean    _mfd_dns_ask_servers           (MfdDnsResolver     *self,
                                            GPtrArray          *name_servers,
                                            const char         *host,
                                            const char         *zone,
                                            gint64              deadline,
                                            GCancellable       *cancellable,
                                            GPtrArray          *replies,
                                            char              **referral_zone,
                                            GPtrArray          *referral);
/* "ns1 (IP): authoritative 192.0.2.1; …", what each server said. */
char       *_mfd_dns_describe_servers      (GPtrArray          *replies);

G_END_DECLS
