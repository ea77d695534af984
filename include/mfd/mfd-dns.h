/* mfd-dns.h — resolver and authoritative lookups (ldns), blocking: call
 * them from worker threads only.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd-observation.h"

G_BEGIN_DECLS

#define MFD_DNS_ERROR (mfd_dns_error_quark ())

typedef enum
{
  MFD_DNS_ERROR_INVALID_SERVER,
} MfdDnsError;

/* At most this many name servers of a zone are asked directly. */
#define MFD_DNS_MAX_AUTHORITY_SERVERS 4
/* A domain may list thousands of MX records and a name thousands of
 * addresses: only the first MFD_DNS_MAX_MX_HOSTS MX hosts (by preference)
 * and MFD_DNS_MAX_ADDRESSES addresses of each host are checked, and the
 * DNS observation says how many were left out. */
#define MFD_DNS_MAX_MX_HOSTS          10
#define MFD_DNS_MAX_ADDRESSES         8

/* Immutable once set up: worker threads may share one resolver. */
typedef struct _MfdDnsResolver MfdDnsResolver;

GQuark          mfd_dns_error_quark               (void);

/* The address a "DNS server" setting names ("IP", "IP:PORT" or
 * "[IPv6]:PORT"; port 53 when none is given), or NULL with
 * MFD_DNS_ERROR_INVALID_SERVER and a message in the process language: the
 * one check the CLI, Preferences and the resolver share. */
GInetSocketAddress *mfd_dns_server_parse          (const char      *server,
                                                   GError         **error);

/* @server: "IP", "IP:PORT", "[IPv6]:PORT" or NULL for the system's
 * resolvers (/etc/resolv.conf). Fails only on a malformed @server.
 * @timeout_ms bounds one question (retries included); a lookup that
 * follows aliases or asks A then AAAA takes at most twice that. */
MfdDnsResolver *mfd_dns_resolver_new              (const char      *server,
                                                   guint            timeout_ms,
                                                   GError         **error);
/* The system's resolvers as listed in @resolv_conf (a resolv.conf file);
 * a missing or empty file gives a resolver whose lookups are
 * INCONCLUSIVE. For tests of that case. */
MfdDnsResolver *mfd_dns_resolver_new_from_resolv_conf (const char  *resolv_conf,
                                                   guint            timeout_ms);
void            mfd_dns_resolver_free             (MfdDnsResolver  *self);
/* What the "resolver" fact says: "IP:PORT" of the given server, or
 * "system (IP, …)". */
const char     *mfd_dns_resolver_get_description  (MfdDnsResolver  *self);
/* Test and lab use only: the port the authoritative servers are asked on
 * (default 53), so that loopback responders on another port can play a
 * zone's name servers. Real checks never change it. */
void            mfd_dns_resolver_set_authority_port (MfdDnsResolver *self,
                                                   guint16          port);

/* A and AAAA for @host. Returns a DNS observation (cause dns-nxdomain,
 * dns-no-address, dns-servfail, dns-timeout on failure; INCONCLUSIVE when
 * no resolver could be reached at all or on cancellation; SKIPPED when
 * @host is an IP address, which is then the only address); @addresses
 * (may be NULL) receives the IP strings (IPv4 first), facts include "ttl"
 * (the smallest TTL of the records used, seconds), "answers" ("IP, IP"),
 * "rcode", "resolver", "cname" (the alias chain "a -> b") when aliased,
 * "transport" = "tcp" when a truncated reply was asked again over TCP.
 * More than MFD_DNS_MAX_ADDRESSES addresses: all of them in @addresses and
 * "answers" (to compare with other views), but the detail says that only
 * the first MFD_DNS_MAX_ADDRESSES are checked, fact "left_out" = how many
 * are not (the probe connects to those first ones only). */
MfdObservation *mfd_dns_resolve_addresses         (MfdDnsResolver  *self,
                                                   const char      *host,
                                                   GPtrArray      **addresses,
                                                   GCancellable    *cancellable);
/* MX for @domain, hosts in preference order, ties in the order received
 * (RFC 5321 implicit MX when there is none but an address: fact
 * "implicit_mx" = "true"). A null MX (RFC 7505) is dns-no-address with
 * fact "null_mx" = "true" and no hosts. Facts "answers" ("10 a, 20 b",
 * every record), "ttl", "rcode", "resolver", "rrtype" = "MX". @hosts holds
 * at most MFD_DNS_MAX_MX_HOSTS; when there were more, the detail says so
 * and fact "left_out" says how many. */
MfdObservation *mfd_dns_resolve_mx                (MfdDnsResolver  *self,
                                                   const char      *domain,
                                                   GPtrArray      **hosts,
                                                   GCancellable    *cancellable);
/* The zone's NS asked directly, without recursion, compared with what the
 * resolver said (@resolver_addresses, may be NULL or empty): a
 * DNS_AUTHORITY observation. When no name server answers authoritatively,
 * the parent zone's servers (NS of the name one label up, through the
 * resolver) are asked too: FAIL dns-lame-delegation with fact "direct_dns"
 * = "works" when they answer (facts "parent_zone", "parent_servers");
 * INCONCLUSIVE, naming every server tried, when no server answers at all;
 * FAIL dns-lame-delegation with fact "caveat" = "direct-dns-may-be-blocked"
 * when the zone's servers answer without authority and no parent can
 * vouch that direct DNS works. WARNING dns-lame-delegation when only some
 * answer ("lame_servers", "direct_dns" = "works"); FAIL
 * dns-stale-cache when the authoritative answer differs from the
 * resolver's ("authoritative_answers", "resolver_answers",
 * "resolver_ttl" = what the resolver has left); WARNING dns-stale-cache
 * when the authoritative servers disagree among themselves. SKIPPED when
 * the resolver knows no name servers for the name or any domain above it
 * (a private name); INCONCLUSIVE when the resolver cannot be reached.
 * Also facts "zone", "nameservers", "servers" (what
 * each said). The name servers are asked on port 53 (see
 * mfd_dns_resolver_set_authority_port()). */
MfdObservation *mfd_dns_check_authority           (MfdDnsResolver  *self,
                                                   const char      *host,
                                                   GPtrArray       *resolver_addresses,
                                                   GCancellable    *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdDnsResolver, mfd_dns_resolver_free)

G_END_DECLS
