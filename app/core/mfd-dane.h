/* mfd-dane.h — TLSA records (RFC 6698) matched against the chain an SMTP
 * server presented, the way RFC 7672 has an SMTP client do it. Our own
 * small matcher on gnutls (hashes, X.509, chain verification): see the
 * README, "DANE", for why not libgnutls-dane. Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <ldns/ldns.h>

G_BEGIN_DECLS

/* At most this many TLSA records of one name are looked at. */
#define MFD_DANE_MAX_RECORDS 32

typedef enum
{
  MFD_DANE_USAGE_PKIX_TA = 0,
  MFD_DANE_USAGE_PKIX_EE = 1,
  MFD_DANE_USAGE_DANE_TA = 2,
  MFD_DANE_USAGE_DANE_EE = 3,
} MfdDaneUsage;

typedef struct
{
  guint8  usage;
  guint8  selector;      /* 0 full certificate, 1 SubjectPublicKeyInfo */
  guint8  matching;      /* 0 exact, 1 SHA-256, 2 SHA-512 */
  GBytes *data;
  /* RFC 7672 §3.1.3: only DANE-TA(2) and DANE-EE(3) with known selector
   * and matching type count for SMTP. */
  gboolean usable;
} MfdTlsaRecord;

typedef enum
{
  MFD_DANE_MATCH,                /* a usable record matches */
  MFD_DANE_NO_USABLE_RECORDS,    /* none usable: TLS is still required, not authenticated */
  MFD_DANE_MISMATCH,             /* no record matches the presented chain */
  MFD_DANE_CERT_EXPIRED,         /* DANE-TA matched, but a certificate of the chain expired (or is not yet valid) */
  MFD_DANE_NAME_MISMATCH,        /* DANE-TA matched, but the server certificate is not for the MX host */
  MFD_DANE_CHAIN_INVALID,        /* DANE-TA matched a certificate the server's does not chain to */
} MfdDaneVerdict;

void        mfd_tlsa_record_free           (MfdTlsaRecord        *record);
/* The TLSA records in @rrs (others are skipped, as are malformed ones),
 * at most MFD_DANE_MAX_RECORDS. (element-type MfdTlsaRecord) */
GPtrArray  *mfd_dane_records_from_rr_list  (const ldns_rr_list   *rrs);
/* "3 1 1 0c72…" (the data cut after 16 hex digits when @short_form). */
char       *mfd_tlsa_record_to_string      (const MfdTlsaRecord  *record,
                                            gboolean              short_form);
/* The record @usage/@selector/@matching for @cert_der, e.g. to tell the
 * domain owner what to publish ("3 1 1 <SHA-256 of the key>"). NULL when
 * the certificate cannot be read. */
MfdTlsaRecord *mfd_dane_record_for_cert    (const gnutls_datum_t *cert_der,
                                            guint8                usage,
                                            guint8                selector,
                                            guint8                matching);

/* Matches @records against @chain (DER, as sent, server certificate
 * first). DANE-EE(3): the server certificate itself, names and dates do
 * not matter. DANE-TA(2): a certificate of the chain is the anchor; the
 * server certificate must chain to it, be within its dates and carry one
 * of @names (the MX host; RFC 7672 §3.2.2) checked at @now (0: now).
 * @matched (may be NULL) gets the index of the matching record or -1;
 * @detail (may be NULL) one English sentence. */
MfdDaneVerdict mfd_dane_verify             (GPtrArray            *records,
                                            const gnutls_datum_t *chain,
                                            guint                 n_certs,
                                            const char * const   *names,
                                            time_t                now,
                                            int                  *matched,
                                            char                **detail);

const char *mfd_dane_verdict_to_string     (MfdDaneVerdict        verdict);

G_END_DECLS
