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

typedef struct _MfdDnsResolver MfdDnsResolver;

/* @server: "IP", "IP:PORT", "[IPv6]:PORT" or NULL for the system's
 * resolvers (/etc/resolv.conf). Fails only on a malformed @server. */
MfdDnsResolver *mfd_dns_resolver_new              (const char      *server,
                                                   guint            timeout_ms,
                                                   GError         **error);
void            mfd_dns_resolver_free             (MfdDnsResolver  *self);

/* A and AAAA for @host. Returns a DNS observation (cause dns-nxdomain,
 * dns-no-address, dns-servfail, dns-timeout on failure; INCONCLUSIVE when
 * no resolver could be reached at all); @addresses receives the IP strings
 * (IPv4 first), facts include "ttl", "answers", "rcode". */
MfdObservation *mfd_dns_resolve_addresses         (MfdDnsResolver  *self,
                                                   const char      *host,
                                                   GPtrArray      **addresses,
                                                   GCancellable    *cancellable);
/* MX for @domain, hosts in preference order (RFC 5321 implicit MX when
 * there is none but an address). */
MfdObservation *mfd_dns_resolve_mx                (MfdDnsResolver  *self,
                                                   const char      *domain,
                                                   GPtrArray      **hosts,
                                                   GCancellable    *cancellable);
/* The zone's NS asked directly, without recursion, compared with what the
 * resolver said (@resolver_addresses, may be empty): a DNS_AUTHORITY
 * observation (dns-lame-delegation, dns-stale-cache with the TTL left). */
MfdObservation *mfd_dns_check_authority           (MfdDnsResolver  *self,
                                                   const char      *host,
                                                   GPtrArray       *resolver_addresses,
                                                   GCancellable    *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdDnsResolver, mfd_dns_resolver_free)

G_END_DECLS
