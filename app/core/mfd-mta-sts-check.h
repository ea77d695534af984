/* mfd-mta-sts-check.h — MTA-STS (RFC 8461) checked live for a domain that
 * receives mail by MX: the _mta-sts and _smtp._tls TXT records through our
 * own resolver, the policy fetched over HTTPS, and each MX host judged
 * against it. Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "mfd-dns.h"
#include "mfd-mta-sts.h"
#include "mfd-observation.h"

G_BEGIN_DECLS

/* The policy file is small; anything bigger is not a policy. */
#define MFD_MTA_STS_FETCH_MAX_SIZE  MFD_MTA_STS_MAX_POLICY

typedef enum
{
  MFD_MTA_STS_TXT_NONE,      /* no v=STSv1 record: MTA-STS not published */
  MFD_MTA_STS_TXT_FOUND,
  MFD_MTA_STS_TXT_INVALID,   /* a v=STSv1 record that senders cannot use */
  MFD_MTA_STS_TXT_FAILED,    /* the lookup could not be carried out */
} MfdMtaStsTxtStatus;

typedef struct
{
  MfdMtaStsTxtStatus  status;
  char               *name;    /* "_mta-sts.contoso.com" */
  char               *record;  /* the v=STSv1 record(s) as published */
  char               *id;      /* FOUND */
  char               *error;   /* INVALID / FAILED, English */
  char               *tls_rpt; /* the v=TLSRPTv1 record, NULL when none */
} MfdMtaStsTxt;

/* Blocking (worker threads): the TXT records at _mta-sts.@domain and
 * _smtp._tls.@domain through @resolver (its deadline, @cancellable). */
MfdMtaStsTxt       *mfd_mta_sts_lookup          (MfdDnsResolver      *resolver,
                                                 const char          *domain,
                                                 GCancellable        *cancellable);
void                mfd_mta_sts_txt_free        (MfdMtaStsTxt        *txt);

/* The domain's MTA-STS step before the fetch: NULL when the policy is to be
 * fetched, else the step (not published, invalid record, lookup failed). */
MfdObservation     *mfd_mta_sts_txt_observation (const MfdMtaStsTxt  *txt,
                                                 const char          *domain);
/* The step when the policy is not fetched because the web is off. */
MfdObservation     *mfd_mta_sts_offline_observation (const MfdMtaStsTxt *txt,
                                                 const char          *domain);
/* The step when the policy host's name did not resolve (@dns: its DNS
 * observation). */
MfdObservation     *mfd_mta_sts_host_observation (const MfdMtaStsTxt *txt,
                                                 const char          *domain,
                                                 MfdObservation      *dns);

/* "mta-sts.@domain" resolved to @ips (our resolver), on @port: what libsoup
 * connects to, while the certificate is checked against the name. */
GSocketConnectable *mfd_mta_sts_connectable_new (const char          *hostname,
                                                 guint16              port,
                                                 GPtrArray           *ips);

/* The domain's step after the fetch (main context): @body the policy, or
 * NULL with @failure (an MfdWebFailure), @status and @tls_errors as
 * mfd_web_fetch_text_finish() gave them. @policy receives the parsed
 * policy when it is usable. */
MfdObservation     *mfd_mta_sts_judge_fetch     (const MfdMtaStsTxt  *txt,
                                                 const char          *domain,
                                                 GBytes              *body,
                                                 gconstpointer        failure,
                                                 guint                status,
                                                 GTlsCertificateFlags tls_errors,
                                                 MfdMtaStsPolicy    **policy);

/* One MX host address under the domain's policy (worker): @policy NULL
 * when there is none to apply (@published: whether a TXT record was
 * found); @chain the chain the host presented (NULL: no TLS session). */
MfdObservation     *mfd_mta_sts_judge_mx        (const MfdMtaStsPolicy *policy,
                                                 gboolean             published,
                                                 const char          *domain,
                                                 const char          *host,
                                                 const char          *ip,
                                                 guint16              port,
                                                 gboolean             reached,
                                                 const gnutls_datum_t *chain,
                                                 guint                n_certs,
                                                 const char          *ca_file);

/* The EOP code an MTA-STS cause id brings (NULL for other ids). */
const char         *mfd_mta_sts_cause_to_eop_code (const char        *cause);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdMtaStsTxt, mfd_mta_sts_txt_free)

G_END_DECLS
