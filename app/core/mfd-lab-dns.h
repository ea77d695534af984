/* mfd-lab-dns.h — a small DNS responder on loopback (ldns packets) for the
 * practice mode and the tests. Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  MFD_LAB_DNS_ANSWER,      /* answer from the records added */
  MFD_LAB_DNS_NXDOMAIN,
  MFD_LAB_DNS_SERVFAIL,
  MFD_LAB_DNS_REFUSED,
  MFD_LAB_DNS_SILENT,      /* read the query, never answer */
} MfdLabDnsMode;

typedef struct _MfdLabDns MfdLabDns;

/* Listens on UDP and TCP at @address (e.g. "127.0.0.1"; NULL = 127.0.0.1)
 * port @port (0 = any free port), answering in its own thread. */
MfdLabDns  *mfd_lab_dns_new          (const char     *address,
                                      guint16         port,
                                      GError        **error);
void        mfd_lab_dns_free         (MfdLabDns      *self);
/* "127.0.0.1:PORT" */
const char *mfd_lab_dns_get_server   (MfdLabDns      *self);
guint16     mfd_lab_dns_get_port     (MfdLabDns      *self);

/* A record in presentation format, e.g. ("mail.contoso.test", "A",
 * "127.0.0.1", 300) or ("contoso.test", "MX", "10 mail.contoso.test", 300). */
void        mfd_lab_dns_add_record   (MfdLabDns      *self,
                                      const char     *name,
                                      const char     *type,
                                      const char     *data,
                                      guint32         ttl);
/* How to answer queries for @name and below (NULL = every name). */
void        mfd_lab_dns_set_mode     (MfdLabDns      *self,
                                      const char     *name,
                                      MfdLabDnsMode   mode);
/* Set the AA flag on answers (authoritative server) or not (resolver). */
void        mfd_lab_dns_set_authoritative (MfdLabDns *self,
                                      gboolean        authoritative);
/* How many queries it has received. */
guint       mfd_lab_dns_get_n_queries (MfdLabDns     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdLabDns, mfd_lab_dns_free)

G_END_DECLS
