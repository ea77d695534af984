/* mfd-dnssec.h — DNSSEC validation of our own (ldns), from a trust anchor
 * down to one answer, as Exchange Online does it before using TLSA records:
 * the resolver's AD bit is not trusted. Blocking: call from worker threads.
 * Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <ldns/ldns.h>

#include "mfd-dns.h"

G_BEGIN_DECLS

/* Debian's dns-root-data, and the copy the Flatpak installs under /app
 * (flatpak/…json, module dns-root-data), looked for in this order. */
#define MFD_DNSSEC_ROOT_ANCHOR_KEY "/usr/share/dns/root.key"
#define MFD_DNSSEC_ROOT_ANCHOR_DS  "/usr/share/dns/root.ds"
#define MFD_DNSSEC_FLATPAK_ANCHOR_KEY "/app/share/dns/root.key"
#define MFD_DNSSEC_FLATPAK_ANCHOR_DS  "/app/share/dns/root.ds"

/* At most this many zones are walked from the anchor down to an answer,
 * and at most this many questions asked for one lookup. */
#define MFD_DNSSEC_MAX_DEPTH   16
#define MFD_DNSSEC_MAX_QUERIES 40
/* At most this many NSEC (or NSEC3) records of a negative answer are
 * looked at. */
#define MFD_DNSSEC_MAX_DENIAL_RRS 32
/* NSEC3 records hashed more often than this prove nothing. */
#define MFD_DNSSEC_MAX_NSEC3_ITERATIONS 100

typedef enum
{
  MFD_DNSSEC_SECURE,         /* the chain from the anchor holds */
  MFD_DNSSEC_INSECURE,       /* a parent zone has no DS for the zone: DNSSEC (and DANE) does not apply */
  MFD_DNSSEC_BOGUS,          /* the zone is meant to be signed, but a signature or key fails */
  MFD_DNSSEC_INDETERMINATE,  /* could not ask (timeout, cancelled) or no anchor covers the name */
} MfdDnssecStatus;

/* Why a BOGUS answer is bogus. */
typedef enum
{
  MFD_DNSSEC_FAILURE_NONE,
  MFD_DNSSEC_FAILURE_SIGNATURE_MISSING,   /* records of a signed zone without RRSIG */
  MFD_DNSSEC_FAILURE_SIGNATURE_EXPIRED,
  MFD_DNSSEC_FAILURE_SIGNATURE_NOT_YET_VALID,
  MFD_DNSSEC_FAILURE_SIGNATURE_INVALID,   /* does not verify with the key it names */
  MFD_DNSSEC_FAILURE_DNSKEY_MISSING,      /* no DNSKEY for the key tag, or none at all */
  MFD_DNSSEC_FAILURE_DS_MISMATCH,         /* the parent's DS matches no DNSKEY of the zone */
  MFD_DNSSEC_FAILURE_ANCHOR_MISMATCH,     /* the trust anchor matches no DNSKEY of its zone */
  /* A negative answer (no TLSA, no DS…) from a signed zone without NSEC
   * or NSEC3 records, or with ones that do not cover the name or type. */
  MFD_DNSSEC_FAILURE_DENIAL_MISSING,
  MFD_DNSSEC_FAILURE_DENIAL_NOT_PROVEN,
  /* INDETERMINATE only: the resolver passes no DNSSEC records on (no
   * DNSKEY for the anchor's zone), so nothing can be validated through it. */
  MFD_DNSSEC_FAILURE_RESOLVER_WITHOUT_DNSSEC,
} MfdDnssecFailure;

typedef struct
{
  MfdDnssecStatus   status;
  MfdDnssecFailure  failure;
  int               rcode;    /* of the answer (LDNS_RCODE_*), -1 when none came */
  /* INSECURE: the zone without DS; BOGUS: the zone whose records or keys
   * failed; SECURE: the zone that signed the answer. Lower case, no
   * trailing dot, "" for the root. */
  char             *zone;
  /* BOGUS: which records' signature or key failed ("contoso.test/DNSKEY",
   * "_25._tcp.mail.contoso.test/TLSA"). */
  char             *rrset;
  /* One English sentence for the log and the evidence (not translated). */
  char             *detail;
  /* The records of the asked type at the name (never NULL; empty for
   * NODATA/NXDOMAIN). For INSECURE and BOGUS they are what the resolver
   * said, unproven. */
  ldns_rr_list     *answer;
  guint             n_queries;  /* questions sent to the resolver */
  guint             n_cached;   /* questions answered by the check's cache */
} MfdDnssecResult;

/* What the lookups of one check share (thread-safe, bounded): answers,
 * and the keys of the zones whose chain from the anchor held. */
typedef struct _MfdDnssecCache MfdDnssecCache;

MfdDnssecCache  *mfd_dnssec_cache_new            (void);
void             mfd_dnssec_cache_free           (MfdDnssecCache    *cache);
/* Questions sent to the resolver, and answered from the cache, so far. */
void             mfd_dnssec_cache_get_counts     (MfdDnssecCache    *cache,
                                                  guint             *n_queries,
                                                  guint             *n_cached);

/* Reads DS and/or DNSKEY records in zone-file presentation format, for any
 * zone(s); comments and other types are skipped. NULL @file = the root's
 * (dns-root-data). Fails when the file cannot be read or holds no DS or
 * DNSKEY record. */
ldns_rr_list    *mfd_dnssec_read_anchors         (const char        *file,
                                                  GError           **error);
/* The root's anchor file read when none is named: the first of the paths
 * above that exists (the first when none does). */
const char      *mfd_dnssec_root_anchor_file     (void);

/* Asks @name/@type with the DO bit through @resolver and validates the
 * answer from the closest enclosing anchor in @anchors down, fetching DS
 * and DNSKEY on the way. A NODATA/NXDOMAIN answer from a signed zone, and
 * a missing DS on the way, must be proven by the zone's signed NSEC or
 * NSEC3 records, else the result is BOGUS. */
MfdDnssecResult *mfd_dnssec_lookup               (MfdDnsResolver    *resolver,
                                                  const ldns_rr_list *anchors,
                                                  const char        *name,
                                                  ldns_rr_type       type,
                                                  GCancellable      *cancellable);
/* The same, sharing @cache (may be NULL) with the other lookups of a
 * check. */
MfdDnssecResult *mfd_dnssec_lookup_cached        (MfdDnsResolver    *resolver,
                                                  const ldns_rr_list *anchors,
                                                  const char        *name,
                                                  ldns_rr_type       type,
                                                  MfdDnssecCache    *cache,
                                                  GCancellable      *cancellable);
void             mfd_dnssec_result_free          (MfdDnssecResult   *result);

/* "secure", "insecure", "bogus", "indeterminate" */
const char      *mfd_dnssec_status_to_string     (MfdDnssecStatus    status);
/* "none", "signature-missing", "signature-expired", … */
const char      *mfd_dnssec_failure_to_string    (MfdDnssecFailure   failure);

/* Checks @rrset against @sigs (RRSIGs, any mix; only those covering the
 * set's type count) with @keys at time @now. Returns TRUE when one
 * signature verifies; else FALSE with @failure set. Exposed for the fuzz
 * target and the tests. */
gboolean         mfd_dnssec_verify_rrset         (const ldns_rr_list *rrset,
                                                  const ldns_rr_list *sigs,
                                                  const ldns_rr_list *keys,
                                                  time_t             now,
                                                  MfdDnssecFailure  *failure,
                                                  char             **why);

/* Whether the NSEC/NSEC3 records of @zone in @pkt's authority section
 * prove that @name has no @type (signatures not looked at). Exposed for
 * the fuzz target. */
ldns_status      mfd_dnssec_judge_denial         (const ldns_pkt    *pkt,
                                                  const char        *name,
                                                  ldns_rr_type       type,
                                                  const char        *zone);
/* The same with the records' signatures checked against @keys at @now:
 * TRUE when the denial is proven, else FALSE with @failure (denial-missing,
 * denial-not-proven, or what failed in the signatures). */
gboolean         mfd_dnssec_prove_denial         (const ldns_pkt    *pkt,
                                                  const char        *name,
                                                  ldns_rr_type       type,
                                                  const char        *zone,
                                                  const ldns_rr_list *keys,
                                                  time_t             now,
                                                  MfdDnssecFailure  *failure,
                                                  char             **why);

/* In mfd-dns.c, next to the other exchanges: @name/@type with EDNS, DO and
 * CD set, through the resolver's servers (retries, timeout, TCP fallback
 * as for any lookup). NULL with @error (English) when no server answered
 * NOERROR or NXDOMAIN. */
ldns_pkt        *mfd_dns_resolver_query_dnssec   (MfdDnsResolver    *self,
                                                  const char        *name,
                                                  guint16            type,
                                                  GCancellable      *cancellable,
                                                  char             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdDnssecResult, mfd_dnssec_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdDnssecCache, mfd_dnssec_cache_free)

G_END_DECLS
