/* mfd-lab-zone.h — a DNSSEC-signed zone made at run time (ldns: a new
 * ECDSA P-256 key per zone and run), served by the lab DNS responder, for
 * the practice mode and the tests. Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <ldns/ldns.h>

#include "mfd-lab-dns.h"

G_BEGIN_DECLS

typedef struct _MfdLabZone MfdLabZone;

/* How the zone proves that a name or type does not exist: every record
 * served re-makes and re-signs the chain over the zone's names. */
typedef enum
{
  MFD_LAB_ZONE_DENIAL_NSEC,        /* the default */
  MFD_LAB_ZONE_DENIAL_NSEC3,       /* SHA-1, no salt, no extra iterations, no opt-out */
  MFD_LAB_ZONE_DENIAL_NSEC3_OPT_OUT, /* the same, opt-out: unsigned delegations have no NSEC3 */
  MFD_LAB_ZONE_DENIAL_NONE,        /* a signed zone whose negative answers prove nothing */
  MFD_LAB_ZONE_DENIAL_NSEC_FORGED, /* NSEC records changed after signing (widened spans) */
} MfdLabZoneDenial;

/* A zone at @apex (e.g. "contoso.test") with one new key (flags 257,
 * ECDSAP256SHA256) that signs everything; signatures valid from an hour
 * ago for a day. NULL (with a g_warning) when ldns cannot make the key. */
MfdLabZone *mfd_lab_zone_new              (const char   *apex);
void        mfd_lab_zone_free             (MfdLabZone   *self);
const char *mfd_lab_zone_get_apex         (MfdLabZone   *self);
/* (transfer none) the zone's DNSKEY record */
const ldns_rr *mfd_lab_zone_get_dnskey    (MfdLabZone   *self);
/* (transfer full) the DS (SHA-256) of the zone's key, for the parent */
ldns_rr    *mfd_lab_zone_make_ds          (MfdLabZone   *self);
/* The validity of the signatures made from now on, in seconds from now
 * (negative = in the past): (-86400, -3600) makes expired signatures. */
void        mfd_lab_zone_set_validity     (MfdLabZone   *self,
                                           gint64        inception,
                                           gint64        expiration);
/* Chooses the denial chain; call before serving records. */
void        mfd_lab_zone_set_denial       (MfdLabZone       *self,
                                           MfdLabZoneDenial  denial);
/* Serves the RRset in @lines (presentation format, "owner TTL IN TYPE
 * data", one owner and type) from @dns, with its RRSIG by this zone's key
 * unless @sign is FALSE. FALSE when a line cannot be read or signed. */
gboolean    mfd_lab_zone_serve            (MfdLabZone   *self,
                                           MfdLabDns    *dns,
                                           gboolean      sign,
                                           const char   *const *lines);
/* Serves the apex: an SOA and the DNSKEY set, both signed. */
gboolean    mfd_lab_zone_serve_apex       (MfdLabZone   *self,
                                           MfdLabDns    *dns);
/* Serves the NS record of the delegation to @child (an apex below this
 * zone) in this (parent) zone, unsigned as NS sets at a cut are: with no
 * DS next to it, an unsigned delegation, proven by this zone's chain. */
gboolean    mfd_lab_zone_serve_delegation (MfdLabZone   *self,
                                           MfdLabDns    *dns,
                                           const char   *child);
/* Serves @child's delegation (NS) and DS record in this (parent) zone,
 * the DS signed. */
gboolean    mfd_lab_zone_serve_ds         (MfdLabZone   *self,
                                           MfdLabDns    *dns,
                                           MfdLabZone   *child);
/* Writes the zone's DS record as a trust anchor file (for
 * --trust-anchor). */
gboolean    mfd_lab_zone_write_anchor     (MfdLabZone   *self,
                                           const char   *path,
                                           GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdLabZone, mfd_lab_zone_free)

G_END_DECLS
