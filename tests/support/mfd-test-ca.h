/* mfd-test-ca.h — a throwaway certificate authority for tests that run
 * their own TLS servers on loopback
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

typedef struct _MfdTestCa MfdTestCa;

/* A self-signed CA named @dn, valid from yesterday for a week, so the
 * suite never rots. */
MfdTestCa  *mfd_test_ca_new             (const char *dn);
void        mfd_test_ca_free            (MfdTestCa  *ca);
/* The CA certificate, PEM. */
const char *mfd_test_ca_get_pem         (MfdTestCa  *ca);
/* A server certificate signed by @ca and its key, PEM, valid from
 * @from_days to @to_days from now: for @dns_name, or with @dns_name NULL
 * for 127.0.0.1 and localhost. */
char       *mfd_test_ca_issue_server    (MfdTestCa  *ca,
                                         guint       serial,
                                         const char *dns_name,
                                         int         from_days,
                                         int         to_days);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdTestCa, mfd_test_ca_free)

/* Any certificate shape a test needs, made with gnutls's X.509 API. Times
 * are days relative to now, so the suite never rots. */
typedef struct
{
  const char                *common_name;      /* NULL: no CN */
  const char * const        *dns_names;        /* subjectAltName dNSName, as given */
  const char * const        *ip_addresses;     /* subjectAltName iPAddress, as text */
  gboolean                   ca;               /* basicConstraints CA:TRUE, keyCertSign */
  gboolean                   not_ca;           /* basicConstraints CA:FALSE on a would-be issuer */
  int                        path_len;         /* for a CA; 0 means "none" unless path_len_set */
  gboolean                   path_len_set;
  int                        from_days;        /* notBefore */
  int                        to_days;          /* notAfter */
  const char * const        *key_purposes;     /* EKU OIDs; NULL: serverAuth for a leaf, none for a CA */
  gboolean                   no_key_purpose;   /* no EKU extension at all */
  const char * const        *permitted_dns;    /* nameConstraints, permitted dNSName subtrees */
  const char                *critical_oid;     /* an extension nobody knows, marked critical */
  gnutls_digest_algorithm_t  digest;           /* 0: SHA-256 */
  gboolean                   no_key_ids;       /* no subject/authority key identifiers */
} MfdTestCertSpec;

/* Keys are slow to make (RSA): make them once and share them. */
gnutls_x509_privkey_t  mfd_test_key_new      (gnutls_pk_algorithm_t  algorithm,
                                              unsigned int           bits);
/* Signs with @issuer_key as @issuer (both NULL: self-signed with @key). */
gnutls_x509_crt_t      mfd_test_cert_new     (const MfdTestCertSpec *spec,
                                              gnutls_x509_privkey_t  key,
                                              gnutls_x509_crt_t      issuer,
                                              gnutls_x509_privkey_t  issuer_key);
char                  *mfd_test_cert_to_pem  (gnutls_x509_crt_t      crt);
char                  *mfd_test_key_to_pem   (gnutls_x509_privkey_t  key);

/* Writes @path with the certificates of the file @pem_file and then @pem:
 * one CA file for every TLS connection of a check (a lab's SMTP server
 * and the test web services), as a face gives it. */
void        mfd_test_ca_write_bundle    (const char *path,
                                         const char *pem_file,
                                         const char *pem);

/* Removes @path and what is below it, without following symbolic links. */
void        mfd_test_remove_tree        (const char *path);

/* The certificates the DANE tests share: a root and an intermediate, leaves
 * for @mx (valid, expired, named for another host, under another CA with the
 * intermediate's name) and a leaf on another key; every key ECDSA P-256,
 * every date relative to now. */
typedef struct
{
  gnutls_x509_privkey_t root_key, inter_key, leaf_key, other_key;
  gnutls_x509_crt_t     root, inter, leaf, leaf_expired, leaf_other_name;
  gnutls_x509_crt_t     other_root, leaf_other_ca, other;
} MfdTestDanePki;

void             mfd_test_dane_pki_init (MfdTestDanePki    *pki,
                                         const char        *mx);
/* @crt in DER; free .data with gnutls_free(). */
gnutls_datum_t   mfd_test_cert_der      (gnutls_x509_crt_t  crt);

G_END_DECLS
