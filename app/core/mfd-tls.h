/* mfd-tls.h — a gnutls client session over the SMTP socket, the chain the
 * server sent, and its verification per the connector's TlsSettings.
 * Internal to the engine; blocking: call from worker threads only.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "mfd-observation.h"
#include "mfd-types.h"

G_BEGIN_DECLS

/* What EOP negotiates with connector destinations: TLS 1.2 or later. */
#define MFD_TLS_CLIENT_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

typedef struct _MfdTlsSession MfdTlsSession;

/* @server_name goes into SNI when it is a DNS name (NULL: none). */
MfdTlsSession  *mfd_tls_session_new        (GSocket        *socket,
                                            const char     *server_name,
                                            GCancellable   *cancellable);
void            mfd_tls_session_free       (MfdTlsSession  *self);

/* The handshake, never aborted for the certificate's sake: a TLS
 * observation with the protocol and cipher in the facts "tls-version",
 * "cipher". Failures: tls-handshake-failed (the detail says when the server
 * only speaks TLS 1.0/1.1), closed-abruptly when the peer closed or reset;
 * both only WARNING when @mode is opportunistic, since EOP then falls back
 * to plain SMTP. */
MfdObservation *mfd_tls_session_handshake  (MfdTlsSession  *self,
                                            const char     *host,
                                            const char     *ip,
                                            guint16         port,
                                            MfdTlsMode      mode,
                                            guint           timeout_ms);

/* The CERTIFICATE observation for the chain the server sent; see
 * mfd_tls_verify_chain(). */
MfdObservation *mfd_tls_session_verify     (MfdTlsSession  *self,
                                            const char     *host,
                                            const char     *ip,
                                            guint16         port,
                                            MfdTlsMode      mode,
                                            const char     *tls_domain,
                                            const char     *ca_file);

/* Verifies @chain (as sent, server certificate first) against the system's
 * trust store plus @ca_file (PEM, may be NULL) with gnutls, as a TLS client
 * verifies a server (key purpose serverAuth, gnutls's MEDIUM profile), and
 * applies @mode:
 *   opportunistic           trust and dates; a problem is a WARNING;
 *   encryption-only         OK whatever the certificate (facts still say);
 *   certificate-validation  trust, dates, revocation, strength, purpose;
 *                           no name;
 *   domain-validation       the same plus the name against @tls_domain
 *                           (or @host when there is none).
 * Every bit of gnutls's status becomes an issue (README, "Certificates"):
 * cert-revoked, cert-expired, cert-not-yet-valid, cert-untrusted,
 * cert-chain-invalid, cert-purpose-mismatch, cert-unknown-critical-extension,
 * cert-insecure, then cert-name-mismatch, in that order of precedence; a
 * bit without a name of its own, or a failing verification, is
 * cert-untrusted. Every issue is listed in the fact "issues"; gnutls's own
 * words are in "verify-status" (and the bits in "verify-status-bits"). The
 * fact "chain" describes each certificate (subject, issuer, names,
 * validity, key, signature). A chain that @ca_file alone leads to a trusted
 * root is verified without loading the system's store; the fact
 * "trust-store" says which list gave the verdict ("ca-file",
 * "system+ca-file" or "system"). */
MfdObservation *mfd_tls_verify_chain       (const gnutls_datum_t *chain,
                                            guint           n_certs,
                                            const char     *host,
                                            const char     *ip,
                                            guint16         port,
                                            MfdTlsMode      mode,
                                            const char     *tls_domain,
                                            const char     *ca_file);

/* Builds the shared trust lists that mfd_tls_verify_chain() uses, unless
 * they are built already: @ca_file's list, and without @ca_file the
 * system's store (with one, the system's store is loaded only when a chain
 * that file does not trust is verified). Blocking: call it from a worker,
 * early, so that the verification after the handshake does not have to
 * build it (it waits for a build in progress instead of starting a second
 * one). */
void            mfd_tls_prepare_trust      (const char     *ca_file);

/* For tests: the cause ids (space-separated, in order of precedence) that
 * the gnutls verification status @status becomes for @chain (DER, as sent),
 * as mfd_tls_verify_chain() would list them in the fact "issues". */
char           *mfd_tls_dup_issues_for_status (const gnutls_datum_t *chain,
                                               guint                 n_certs,
                                               unsigned int          status);

/* Adds the facts "sha256" and "sha1" (the server's certificate, upper-case
 * hex: SHA-1 is the Thumbprint that Get-ExchangeCertificate and the
 * Windows certificate store show) and "thumbprints" (both, for every
 * certificate of @chain, numbered as in the fact "chain"). Apart from the
 * verification: it judges nothing. */
void            mfd_tls_add_thumbprints    (MfdObservation       *obs,
                                            const gnutls_datum_t *chain,
                                            guint                 n_certs);
/* Whether @crt is valid for @tls_domain. A plain name is matched with
 * RFC 6125 rules (a "*" only as the whole left-most label, matching one
 * label). A wildcard TlsDomain "*.contoso.com" is what EOP's connector
 * means by "any single-label subdomain": the certificate must carry that
 * same wildcard or a name with exactly one more label ("mail.contoso.com"),
 * not "contoso.com" nor "a.b.contoso.com". Case and trailing dots are
 * ignored on both sides. */
gboolean        mfd_tls_certificate_matches_domain (gnutls_x509_crt_t  crt,
                                                    const char        *tls_domain);
/* Lower case, without trailing dots; NULL when nothing is left. */
char           *mfd_tls_normalize_domain   (const char     *domain);

/* (transfer none) the chain the server sent (DER, server certificate
 * first), valid while @self lives; NULL when there is none. */
const gnutls_datum_t *mfd_tls_session_get_peer_chain (MfdTlsSession *self,
                                                      guint         *n_certs);

/* Transport functions for mfd_smtp_connection_set_transport(). */
gssize          mfd_tls_session_read       (gpointer        session,
                                            guint8         *buffer,
                                            gsize           size,
                                            gint64          deadline,
                                            GCancellable   *cancellable,
                                            GError        **error);
gboolean        mfd_tls_session_write      (gpointer        session,
                                            const guint8   *data,
                                            gsize           size,
                                            gint64          deadline,
                                            GCancellable   *cancellable,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdTlsSession, mfd_tls_session_free)

G_END_DECLS
