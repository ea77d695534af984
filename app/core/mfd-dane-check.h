/* mfd-dane-check.h — the DANE verdict for one MX host, as Exchange Online
 * reaches it (RFC 7672 with EOP's codes): the host's addresses and its
 * TLSA records validated with our own DNSSEC validator, then STARTTLS and
 * the presented chain against the records. Blocking: worker threads only.
 * Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd-dane.h"
#include "mfd-dnssec.h"

G_BEGIN_DECLS

typedef enum
{
  MFD_DANE_CHECK_NOT_APPLICABLE, /* no secure TLSA (insecure zone, or none published): DANE does not apply */
  MFD_DANE_CHECK_OK,             /* secure TLSA and a match (or only unusable records and TLS offered) */
  MFD_DANE_CHECK_PROBLEM,        /* EOP would defer with @eop_code */
  MFD_DANE_CHECK_INCONCLUSIVE,   /* the DNS could not be asked, or cancelled */
  MFD_DANE_CHECK_UNAVAILABLE,    /* this computer's resolver passes no DNSSEC records on */
} MfdDaneCheckOutcome;

typedef struct
{
  MfdDaneCheckOutcome  outcome;
  /* PROBLEM: dane-starttls-missing (4.7.321), dane-cert-expired (4.7.322),
   * dane-tlsa-mismatch (4.7.323), dane-dnssec-bogus (4.7.324),
   * dane-name-mismatch (4.7.325); else NULL. Static strings. */
  const char          *cause;
  const char          *eop_code;
  char                *tlsa_name;   /* "_25._tcp.mail.contoso.test" */
  /* The validation that decided (of the MX set or the addresses when
   * they were not secure, else of the TLSA records); NULL when none ran. */
  MfdDnssecResult     *dnssec;
  GPtrArray           *records;     /* (element-type MfdTlsaRecord) the TLSA records, may be empty */
  MfdDaneVerdict       verdict;     /* when the chain was matched */
  int                  matched;     /* index in @records, or -1 */
  char                *detail;      /* one English sentence */
} MfdDaneCheck;

/* @mx_domain the domain whose MX set named @host (its validation comes
 * first: an insecure MX set means DANE does not apply, a bogus one is a
 * DNSSEC failure; NULL skips it); @cache (may be NULL) is shared by the
 * check's lookups; @host the MX host, @port the SMTP port; @starttls_offered whether the
 * server offered STARTTLS (and the handshake worked); @chain the chain it
 * presented (DER, server certificate first; may be NULL/0 when there was
 * no TLS). */
MfdDaneCheck *mfd_dane_check_host          (MfdDnsResolver       *resolver,
                                            const ldns_rr_list   *anchors,
                                            MfdDnssecCache       *cache,
                                            const char           *mx_domain,
                                            const char           *host,
                                            guint16               port,
                                            gboolean              starttls_offered,
                                            const gnutls_datum_t *chain,
                                            guint                 n_certs,
                                            GCancellable         *cancellable);
void          mfd_dane_check_free          (MfdDaneCheck         *check);

/* The EOP code a DANE cause id brings (NULL for other ids). */
const char   *mfd_dane_cause_to_eop_code   (const char           *cause);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdDaneCheck, mfd_dane_check_free)

G_END_DECLS
