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
/* Serves @child's DS record in this (parent) zone, signed. */
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
