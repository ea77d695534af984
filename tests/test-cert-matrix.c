/* test-cert-matrix.c — the certificate verdict against gnutls's own: a
 * matrix of certificate defects and shapes, each served by a practice
 * SMTP server on loopback, checked by the probe's TLS step in every TLS
 * mode and by a gnutls client of the test's own (verify_peers with the
 * same CA, the same key purpose and the same host name).
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "mfd-smtp.h"
#include "mfd-tls.h"
#include "mfd-test-ca.h"
#include "mfd-test-util.h"

/* The certificates, made once per run -------------------------------------- */

typedef enum
{
  K_ROOT, K_ROOT_OLD, K_OTHER_ROOT, K_INT, K_INT_EXPIRED, K_INT_OLD, K_INT_TOP, K_INT_LOW,
  K_NOT_CA, K_PATH0, K_PATH_SUB, K_NC_FAB, K_NC_CONTOSO, K_INT_CRIT, K_INT_EMAIL,
  K_INT_REKEYED, K_LEAF, K_SELF, K_RSA2048, K_RSA1024,
  N_KEYS
} KeyId;

typedef enum
{
  /* Authorities: trusted roots (the CA file), intermediates, strangers. */
  C_ROOT, C_ROOT_OLD, C_OTHER_ROOT,
  C_INT, C_INT_EXPIRED, C_INT_OLD, C_INT_TOP, C_INT_LOW,
  C_NOT_CA, C_PATH0, C_PATH_SUB, C_NC_FAB, C_NC_CONTOSO, C_INT_CRIT, C_INT_EMAIL, C_INT_RSA,
  C_INT_REKEYED,
  /* Server certificates. */
  C_GOOD, C_EXPIRED, C_NOT_YET, C_UNDER_EXPIRED_INT, C_UNDER_OLD_ROOT, C_UNDER_LOW,
  C_SELF, C_PRIVATE, C_OTHER_EXPIRED, C_UNDER_NOT_CA, C_UNDER_PATH_SUB, C_UNDER_NC_FAB,
  C_UNDER_NC_CONTOSO, C_CRIT, C_UNDER_INT_CRIT, C_EMAIL, C_CLIENT, C_NO_EKU, C_SERVER_EMAIL,
  C_UNDER_INT_EMAIL, C_SHA1, C_MD5, C_RSA1024, C_RSA2048, C_WILD, C_PARTIAL_WILD, C_WILD_TLD,
  C_IP, C_CN_ONLY, C_CN_SAN_OTHER, C_IDN, C_UPPER, C_TRAILING_DOT, C_WRONG_NAME,
  C_EXPIRED_WRONG_NAME, C_NO_KEY_IDS,
  N_CERTS,
  C_END = N_CERTS
} CertId;

#define CERT_NAMES(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define MAIL "mail.contoso.com"
#define UNKNOWN_OID "1.3.6.1.4.1.55555.1.1"

typedef struct
{
  CertId          id;
  KeyId           key;
  CertId          issuer;   /* C_END: self-signed */
  MfdTestCertSpec spec;
} CertDef;

/* In issuing order: an issuer comes before what it signs. */
static const CertDef cert_defs[] = {
  { C_ROOT, K_ROOT, C_END, { .common_name = "MFD Test Root CA", .ca = TRUE, .from_days = -3650, .to_days = 3650 } },
  { C_ROOT_OLD, K_ROOT_OLD, C_END, { .common_name = "MFD Test Old Root CA", .ca = TRUE, .from_days = -3650, .to_days = -1 } },
  { C_OTHER_ROOT, K_OTHER_ROOT, C_END, { .common_name = "Unrelated Private Root CA", .ca = TRUE, .from_days = -30, .to_days = 3650 } },
  { C_INT, K_INT, C_ROOT, { .common_name = "MFD Test Issuing CA", .ca = TRUE, .from_days = -30, .to_days = 1825 } },
  { C_INT_EXPIRED, K_INT_EXPIRED, C_ROOT, { .common_name = "MFD Test Expired Issuing CA", .ca = TRUE, .from_days = -400, .to_days = -1 } },
  { C_INT_OLD, K_INT_OLD, C_ROOT_OLD, { .common_name = "MFD Test Issuing CA under the old root", .ca = TRUE, .from_days = -400, .to_days = 1825 } },
  { C_INT_TOP, K_INT_TOP, C_ROOT, { .common_name = "MFD Test Policy CA", .ca = TRUE, .from_days = -30, .to_days = 1825 } },
  { C_INT_LOW, K_INT_LOW, C_INT_TOP, { .common_name = "MFD Test Second-level Issuing CA", .ca = TRUE, .from_days = -30, .to_days = 1825 } },
  { C_NOT_CA, K_NOT_CA, C_INT, { .common_name = "MFD Test Not A CA", .not_ca = TRUE, .no_key_purpose = TRUE, .from_days = -30, .to_days = 365 } },
  { C_PATH0, K_PATH0, C_ROOT, { .common_name = "MFD Test Path-length-0 CA", .ca = TRUE, .path_len = 0, .path_len_set = TRUE, .from_days = -30, .to_days = 1825 } },
  { C_PATH_SUB, K_PATH_SUB, C_PATH0, { .common_name = "MFD Test CA below the path length", .ca = TRUE, .from_days = -30, .to_days = 1825 } },
  { C_NC_FAB, K_NC_FAB, C_ROOT, { .common_name = "MFD Test CA for fabrikam.com only", .ca = TRUE, .permitted_dns = CERT_NAMES ("fabrikam.com"), .from_days = -30, .to_days = 1825 } },
  { C_NC_CONTOSO, K_NC_CONTOSO, C_ROOT, { .common_name = "MFD Test CA for contoso.com only", .ca = TRUE, .permitted_dns = CERT_NAMES ("contoso.com"), .from_days = -30, .to_days = 1825 } },
  { C_INT_CRIT, K_INT_CRIT, C_ROOT, { .common_name = "MFD Test CA with an unknown critical extension", .ca = TRUE, .critical_oid = UNKNOWN_OID, .from_days = -30, .to_days = 1825 } },
  { C_INT_EMAIL, K_INT_EMAIL, C_ROOT, { .common_name = "MFD Test e-mail protection CA", .ca = TRUE, .key_purposes = CERT_NAMES (GNUTLS_KP_EMAIL_PROTECTION), .from_days = -30, .to_days = 1825 } },
  /* SHA-1 and MD5 signatures exist only for RSA issuers. */
  { C_INT_RSA, K_RSA2048, C_ROOT, { .common_name = "MFD Test RSA Issuing CA", .ca = TRUE, .from_days = -30, .to_days = 1825 } },
  /* The issuing CA's name on another key: an intermediate that does not
   * belong with the server's certificate. */
  { C_INT_REKEYED, K_INT_REKEYED, C_ROOT, { .common_name = "MFD Test Issuing CA", .ca = TRUE, .from_days = -30, .to_days = 1825 } },

  { C_GOOD, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_EXPIRED, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -90, .to_days = -1 } },
  { C_NOT_YET, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = 1, .to_days = 90 } },
  { C_UNDER_EXPIRED_INT, K_LEAF, C_INT_EXPIRED, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_UNDER_OLD_ROOT, K_LEAF, C_INT_OLD, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_UNDER_LOW, K_LEAF, C_INT_LOW, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_SELF, K_SELF, C_END, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_PRIVATE, K_LEAF, C_OTHER_ROOT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_OTHER_EXPIRED, K_SELF, C_OTHER_ROOT, { .common_name = "old.fabrikam.com", .dns_names = CERT_NAMES ("old.fabrikam.com"), .from_days = -90, .to_days = -1 } },
  { C_UNDER_NOT_CA, K_LEAF, C_NOT_CA, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_UNDER_PATH_SUB, K_LEAF, C_PATH_SUB, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_UNDER_NC_FAB, K_LEAF, C_NC_FAB, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_UNDER_NC_CONTOSO, K_LEAF, C_NC_CONTOSO, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_CRIT, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .critical_oid = UNKNOWN_OID, .from_days = -1, .to_days = 90 } },
  { C_UNDER_INT_CRIT, K_LEAF, C_INT_CRIT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_EMAIL, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .key_purposes = CERT_NAMES (GNUTLS_KP_EMAIL_PROTECTION), .from_days = -1, .to_days = 90 } },
  { C_CLIENT, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .key_purposes = CERT_NAMES (GNUTLS_KP_TLS_WWW_CLIENT), .from_days = -1, .to_days = 90 } },
  { C_NO_EKU, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .no_key_purpose = TRUE, .from_days = -1, .to_days = 90 } },
  { C_SERVER_EMAIL, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .key_purposes = CERT_NAMES (GNUTLS_KP_EMAIL_PROTECTION, GNUTLS_KP_TLS_WWW_SERVER), .from_days = -1, .to_days = 90 } },
  { C_UNDER_INT_EMAIL, K_LEAF, C_INT_EMAIL, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_SHA1, K_LEAF, C_INT_RSA, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .digest = GNUTLS_DIG_SHA1, .from_days = -1, .to_days = 90 } },
  { C_MD5, K_LEAF, C_INT_RSA, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .digest = GNUTLS_DIG_MD5, .from_days = -1, .to_days = 90 } },
  { C_RSA1024, K_RSA1024, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_RSA2048, K_RSA2048, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .from_days = -1, .to_days = 90 } },
  { C_WILD, K_LEAF, C_INT, { .common_name = "*.contoso.com", .dns_names = CERT_NAMES ("*.contoso.com"), .from_days = -1, .to_days = 90 } },
  { C_PARTIAL_WILD, K_LEAF, C_INT, { .common_name = "a*.contoso.com", .dns_names = CERT_NAMES ("a*.contoso.com"), .from_days = -1, .to_days = 90 } },
  { C_WILD_TLD, K_LEAF, C_INT, { .common_name = "*.com", .dns_names = CERT_NAMES ("*.com"), .from_days = -1, .to_days = 90 } },
  { C_IP, K_LEAF, C_INT, { .common_name = "127.0.0.1", .ip_addresses = CERT_NAMES ("127.0.0.1"), .from_days = -1, .to_days = 90 } },
  { C_CN_ONLY, K_LEAF, C_INT, { .common_name = MAIL, .from_days = -1, .to_days = 90 } },
  { C_CN_SAN_OTHER, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES ("www.fabrikam.com"), .from_days = -1, .to_days = 90 } },
  { C_IDN, K_LEAF, C_INT, { .common_name = "xn--mnchen-3ya.contoso.com", .dns_names = CERT_NAMES ("xn--mnchen-3ya.contoso.com"), .from_days = -1, .to_days = 90 } },
  { C_UPPER, K_LEAF, C_INT, { .common_name = "MAIL.CONTOSO.COM", .dns_names = CERT_NAMES ("MAIL.CONTOSO.COM"), .from_days = -1, .to_days = 90 } },
  { C_TRAILING_DOT, K_LEAF, C_INT, { .common_name = MAIL ".", .dns_names = CERT_NAMES (MAIL "."), .from_days = -1, .to_days = 90 } },
  { C_WRONG_NAME, K_LEAF, C_INT, { .common_name = "www.fabrikam.com", .dns_names = CERT_NAMES ("www.fabrikam.com"), .from_days = -1, .to_days = 90 } },
  { C_EXPIRED_WRONG_NAME, K_LEAF, C_INT, { .common_name = "www.fabrikam.com", .dns_names = CERT_NAMES ("www.fabrikam.com"), .from_days = -90, .to_days = -1 } },
  { C_NO_KEY_IDS, K_LEAF, C_INT, { .common_name = MAIL, .dns_names = CERT_NAMES (MAIL), .no_key_ids = TRUE, .from_days = -1, .to_days = 90 } },
};

typedef struct
{
  gnutls_x509_privkey_t  keys[N_KEYS];
  gnutls_x509_crt_t      certs[N_CERTS];
  KeyId                  key_of[N_CERTS];
  char                  *pem[N_CERTS];
  char                  *key_pem[N_KEYS];
  char                  *tmpdir;
  char                  *ca_file;       /* the trusted roots: C_ROOT and C_ROOT_OLD */
} Pki;

static Pki pki;

static void
pki_make (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *roots = NULL;
  unsigned int ec = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1);

  for (guint k = 0; k < N_KEYS; k++)
    {
      pki.keys[k] = k == K_RSA2048 ? mfd_test_key_new (GNUTLS_PK_RSA, 2048)
                  : k == K_RSA1024 ? mfd_test_key_new (GNUTLS_PK_RSA, 1024)
                  : mfd_test_key_new (GNUTLS_PK_ECDSA, ec);
      pki.key_pem[k] = mfd_test_key_to_pem (pki.keys[k]);
    }

  g_assert_cmpuint (G_N_ELEMENTS (cert_defs), ==, N_CERTS);
  for (guint i = 0; i < G_N_ELEMENTS (cert_defs); i++)
    {
      const CertDef *def = &cert_defs[i];

      g_assert_null (pki.certs[def->id]);
      g_assert_true (def->issuer == C_END || pki.certs[def->issuer] != NULL);
      pki.certs[def->id] = mfd_test_cert_new (&def->spec, pki.keys[def->key],
                                              def->issuer == C_END ? NULL : pki.certs[def->issuer],
                                              def->issuer == C_END ? NULL : pki.keys[cert_defs[def->issuer].key]);
      pki.key_of[def->id] = def->key;
      pki.pem[def->id] = mfd_test_cert_to_pem (pki.certs[def->id]);
    }

  pki.tmpdir = g_dir_make_tmp ("mfd-cert-matrix-XXXXXX", &error);
  g_assert_no_error (error);
  pki.ca_file = g_build_filename (pki.tmpdir, "roots.pem", NULL);
  roots = g_strconcat (pki.pem[C_ROOT], pki.pem[C_ROOT_OLD], NULL);
  g_assert_true (g_file_set_contents (pki.ca_file, roots, -1, &error));
  g_assert_no_error (error);
}

static void
pki_free (void)
{
  for (guint i = 0; i < N_CERTS; i++)
    {
      gnutls_x509_crt_deinit (pki.certs[i]);
      g_free (pki.pem[i]);
    }
  for (guint k = 0; k < N_KEYS; k++)
    {
      gnutls_x509_privkey_deinit (pki.keys[k]);
      g_free (pki.key_pem[k]);
    }
  g_unlink (pki.ca_file);
  g_rmdir (pki.tmpdir);
  g_free (pki.ca_file);
  g_free (pki.tmpdir);
}

/* The cases ------------------------------------------------------------------ */

#define CHAIN(...) { __VA_ARGS__, C_END }
#define MAX_SENT 6

typedef struct
{
  const char *name;
  CertId      chain[MAX_SENT];    /* as the server sends it, C_END-terminated */
  const char *tls_domain;
  /* The cause we report: under certificate-validation (trust and dates,
   * which opportunistic TLS reports as a warning), and under
   * domain-validation (the same plus the name). NULL: none. */
  const char *cert_cause;
  const char *dom_cause;
} CertCase;

static const CertCase cert_cases[] = {
  { "good", CHAIN (C_GOOD, C_INT), MAIL, NULL, NULL },
  { "good-root-sent-too", CHAIN (C_GOOD, C_INT, C_ROOT), MAIL, NULL, NULL },
  { "good-tls-domain-wildcard", CHAIN (C_GOOD, C_INT), "*.contoso.com", NULL, NULL },
  { "leaf-expired", CHAIN (C_EXPIRED, C_INT), MAIL, "cert-expired", "cert-expired" },
  { "leaf-not-yet-valid", CHAIN (C_NOT_YET, C_INT), MAIL, "cert-not-yet-valid", "cert-not-yet-valid" },
  { "intermediate-expired", CHAIN (C_UNDER_EXPIRED_INT, C_INT_EXPIRED), MAIL, "cert-expired", "cert-expired" },
  { "root-expired-not-sent", CHAIN (C_UNDER_OLD_ROOT, C_INT_OLD), MAIL, "cert-expired", "cert-expired" },
  { "missing-intermediate", CHAIN (C_GOOD), MAIL, "cert-untrusted", "cert-untrusted" },
  { "chain-out-of-order", CHAIN (C_UNDER_LOW, C_INT_TOP, C_INT_LOW), MAIL, NULL, NULL },
  { "extra-unrelated-certificates", CHAIN (C_GOOD, C_INT, C_OTHER_EXPIRED, C_OTHER_ROOT), MAIL, NULL, NULL },
  { "self-signed-leaf", CHAIN (C_SELF), MAIL, "cert-untrusted", "cert-untrusted" },
  { "private-root-sent", CHAIN (C_PRIVATE, C_OTHER_ROOT), MAIL, "cert-untrusted", "cert-untrusted" },
  { "issuer-not-a-ca", CHAIN (C_UNDER_NOT_CA, C_NOT_CA, C_INT), MAIL, "cert-chain-invalid", "cert-chain-invalid" },
  { "path-length-exceeded", CHAIN (C_UNDER_PATH_SUB, C_PATH_SUB, C_PATH0), MAIL, "cert-chain-invalid", "cert-chain-invalid" },
  { "name-constraints-violated", CHAIN (C_UNDER_NC_FAB, C_NC_FAB), MAIL, "cert-chain-invalid", "cert-chain-invalid" },
  { "name-constraints-kept", CHAIN (C_UNDER_NC_CONTOSO, C_NC_CONTOSO), MAIL, NULL, NULL },
  { "leaf-unknown-critical-extension", CHAIN (C_CRIT, C_INT), MAIL,
    "cert-unknown-critical-extension", "cert-unknown-critical-extension" },
  { "intermediate-unknown-critical-extension", CHAIN (C_UNDER_INT_CRIT, C_INT_CRIT), MAIL,
    "cert-unknown-critical-extension", "cert-unknown-critical-extension" },
  { "eku-email-protection-only", CHAIN (C_EMAIL, C_INT), MAIL, "cert-purpose-mismatch", "cert-purpose-mismatch" },
  { "eku-client-auth-only", CHAIN (C_CLIENT, C_INT), MAIL, "cert-purpose-mismatch", "cert-purpose-mismatch" },
  { "eku-none", CHAIN (C_NO_EKU, C_INT), MAIL, NULL, NULL },
  { "eku-email-and-server", CHAIN (C_SERVER_EMAIL, C_INT), MAIL, NULL, NULL },
  { "intermediate-eku-email-only", CHAIN (C_UNDER_INT_EMAIL, C_INT_EMAIL), MAIL,
    "cert-purpose-mismatch", "cert-purpose-mismatch" },
  { "sha1-signature", CHAIN (C_SHA1, C_INT_RSA), MAIL, "cert-insecure", "cert-insecure" },
  { "md5-signature", CHAIN (C_MD5, C_INT_RSA), MAIL, "cert-insecure", "cert-insecure" },
  { "rsa-1024", CHAIN (C_RSA1024, C_INT), MAIL, "cert-insecure", "cert-insecure" },
  { "rsa-2048", CHAIN (C_RSA2048, C_INT), MAIL, NULL, NULL },
  { "wildcard", CHAIN (C_WILD, C_INT), MAIL, NULL, NULL },
  { "wildcard-two-labels-down", CHAIN (C_WILD, C_INT), "a.b.contoso.com", NULL, "cert-name-mismatch" },
  { "wildcard-apex", CHAIN (C_WILD, C_INT), "contoso.com", NULL, "cert-name-mismatch" },
  { "wildcard-tls-domain-wildcard", CHAIN (C_WILD, C_INT), "*.contoso.com", NULL, NULL },
  { "partial-wildcard", CHAIN (C_PARTIAL_WILD, C_INT), "abc.contoso.com", NULL, "cert-name-mismatch" },
  { "partial-wildcard-tls-domain-wildcard", CHAIN (C_PARTIAL_WILD, C_INT), "*.contoso.com", NULL, "cert-name-mismatch" },
  { "wildcard-tld", CHAIN (C_WILD_TLD, C_INT), "contoso.com", NULL, "cert-name-mismatch" },
  { "ip-san", CHAIN (C_IP, C_INT), "127.0.0.1", NULL, NULL },
  { "ip-san-vs-name", CHAIN (C_IP, C_INT), MAIL, NULL, "cert-name-mismatch" },
  { "cn-only", CHAIN (C_CN_ONLY, C_INT), MAIL, NULL, NULL },
  { "cn-ignored-beside-san", CHAIN (C_CN_SAN_OTHER, C_INT), MAIL, NULL, "cert-name-mismatch" },
  { "idn-a-label", CHAIN (C_IDN, C_INT), "xn--mnchen-3ya.contoso.com", NULL, NULL },
  { "idn-u-label", CHAIN (C_IDN, C_INT), "münchen.contoso.com", NULL, NULL },
  { "upper-case-certificate", CHAIN (C_UPPER, C_INT), MAIL, NULL, NULL },
  { "upper-case-tls-domain", CHAIN (C_GOOD, C_INT), "MAIL.Contoso.COM", NULL, NULL },
  { "trailing-dot-tls-domain", CHAIN (C_GOOD, C_INT), MAIL ".", NULL, NULL },
  { "trailing-dot-certificate", CHAIN (C_TRAILING_DOT, C_INT), MAIL, NULL, "cert-name-mismatch" },
  { "wrong-name", CHAIN (C_WRONG_NAME, C_INT), MAIL, NULL, "cert-name-mismatch" },
  { "intermediate-same-name-other-key", CHAIN (C_GOOD, C_INT_REKEYED), MAIL, "cert-untrusted", "cert-untrusted" },
  { "intermediate-same-name-other-key-no-key-ids", CHAIN (C_NO_KEY_IDS, C_INT_REKEYED), MAIL,
    "cert-chain-invalid", "cert-chain-invalid" },
  { "no-key-ids", CHAIN (C_NO_KEY_IDS, C_INT), MAIL, NULL, NULL },
  { "expired-and-wrong-name", CHAIN (C_EXPIRED_WRONG_NAME, C_INT), MAIL, "cert-expired", "cert-expired" },
};

/* Where our verdict is not gnutls's, on purpose: one row per case. For a
 * wildcard TlsDomain gnutls has no equivalent at all (it checks a host
 * name, not a pattern); we follow EOP's connector semantics (PRODUCT.md). */
typedef struct
{
  const char *name;
  gboolean    trust;    /* the difference is in trust (else in the name) */
  const char *reason;
} KnownDifference;

static const KnownDifference known_differences[] = {
  { "good-tls-domain-wildcard", FALSE,
    "A TlsDomain of *.contoso.com means any single-label subdomain to EOP; mail.contoso.com is one. "
    "gnutls can only compare a host name, and \"*.contoso.com\" as a host name matches no name but the wildcard itself." },
  { "wildcard-tls-domain-wildcard", FALSE,
    "Same wildcard in the TlsDomain and in the certificate: EOP accepts it. (gnutls happens to agree here.)" },
  { "partial-wildcard-tls-domain-wildcard", FALSE,
    "a*.contoso.com does not cover every single-label subdomain that the TlsDomain *.contoso.com stands for." },
  { "rsa-1024", TRUE,
    "We verify with gnutls's MEDIUM profile (RSA keys of at least 2048 bits, as public CAs have issued since 2013); "
    "a gnutls client with its default priorities still accepts a 1024-bit key." },
  { "trailing-dot-tls-domain", FALSE,
    "A trailing dot only marks a fully qualified name; we compare names without it on both sides." },
};

static const KnownDifference *
find_known_difference (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_differences); i++)
    if (g_str_equal (known_differences[i].name, name))
      return &known_differences[i];
  return NULL;
}

/* Which cause each gnutls verification bit becomes (README, "Certificates"):
 * no bit may go without a finding. */
typedef struct
{
  unsigned int  bit;
  const char   *cause;
} BitCause;

static const BitCause bit_causes[] = {
  { GNUTLS_CERT_REVOKED, "cert-revoked" },
  { GNUTLS_CERT_EXPIRED, "cert-expired" },
  { GNUTLS_CERT_NOT_ACTIVATED, "cert-not-yet-valid" },
  { GNUTLS_CERT_SIGNER_NOT_FOUND, "cert-untrusted" },
  { GNUTLS_CERT_SIGNER_NOT_CA, "cert-chain-invalid" },
  { GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE, "cert-chain-invalid" },
  { GNUTLS_CERT_SIGNATURE_FAILURE, "cert-chain-invalid" },
  { GNUTLS_CERT_PURPOSE_MISMATCH, "cert-purpose-mismatch" },
  { GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS, "cert-unknown-critical-extension" },
  { GNUTLS_CERT_INSECURE_ALGORITHM, "cert-insecure" },
  { GNUTLS_CERT_UNEXPECTED_OWNER, "cert-name-mismatch" },
};

/* gnutls's own verdict ------------------------------------------------------- */

typedef struct
{
  unsigned int  trust_status;     /* purpose only */
  unsigned int  name_status;      /* purpose and host name; only for a plain TlsDomain */
  gboolean      name_checked;
  char         *trust_text;
  char         *name_text;
  GPtrArray    *received;         /* DER of the chain as received, GBytes */
} Reference;

static void
reference_clear (Reference *ref)
{
  g_clear_pointer (&ref->trust_text, g_free);
  g_clear_pointer (&ref->name_text, g_free);
  g_clear_pointer (&ref->received, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reference, reference_clear)

static char *
status_text (unsigned int status)
{
  gnutls_datum_t out = { NULL, 0 };
  char *text;

  g_assert_cmpint (gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0), ==, 0);
  text = g_strstrip (g_strndup ((const char *) out.data, out.size));
  gnutls_free (out.data);
  return text;
}

/* Up to STARTTLS with our SMTP code, then gnutls alone: a client with
 * only the test roots as trust, verifying as a web browser would (the
 * server purpose) and, for a host name, that name. */
static void
reference_verify (MfdLab     *lab,
                  const char *tls_domain,
                  Reference  *ref)
{
  g_autoptr(MfdSmtpConnection) connection = NULL;
  gnutls_certificate_credentials_t credentials;
  gnutls_session_t session;
  const gnutls_datum_t *peers;
  unsigned int n_peers = 0;
  gnutls_typed_vdata_st data[2] = {
    { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *) GNUTLS_KP_TLS_WWW_SERVER, 0 },
    { GNUTLS_DT_DNS_HOSTNAME, (unsigned char *) tls_domain, 0 },
  };
  GSocket *socket;
  int ret;

  connection = mfd_smtp_connection_new (mfd_lab_get_host_name (lab), mfd_lab_get_address (lab),
                                        mfd_lab_get_smtp_port (lab), 5000, NULL);
  mfd_observation_unref (mfd_smtp_connection_connect (connection, 5000));
  mfd_observation_unref (mfd_smtp_connection_greeting (connection));
  mfd_observation_unref (mfd_smtp_connection_ehlo (connection));
  mfd_observation_unref (mfd_smtp_connection_starttls (connection, MFD_TLS_CERTIFICATE_VALIDATION));
  socket = mfd_smtp_connection_get_socket (connection);
  g_socket_set_blocking (socket, TRUE);
  g_socket_set_timeout (socket, 10);

  g_assert_cmpint (gnutls_certificate_allocate_credentials (&credentials), ==, 0);
  g_assert_cmpint (gnutls_certificate_set_x509_trust_file (credentials, pki.ca_file, GNUTLS_X509_FMT_PEM), ==, 2);
  g_assert_cmpint (gnutls_init (&session, GNUTLS_CLIENT), ==, 0);
  g_assert_cmpint (gnutls_set_default_priority (session), ==, 0);
  gnutls_credentials_set (session, GNUTLS_CRD_CERTIFICATE, credentials);
  gnutls_transport_set_int (session, g_socket_get_fd (socket));
  gnutls_handshake_set_timeout (session, 10000);
  do
    ret = gnutls_handshake (session);
  while (ret < 0 && !gnutls_error_is_fatal (ret));
  g_assert_cmpint (ret, ==, GNUTLS_E_SUCCESS);

  g_assert_cmpint (gnutls_certificate_verify_peers (session, data, 1, &ref->trust_status), ==, 0);
  ref->trust_text = status_text (ref->trust_status);
  /* A TlsDomain pattern is not a host name gnutls could check. */
  ref->name_checked = strchr (tls_domain, '*') == NULL;
  if (ref->name_checked)
    {
      g_assert_cmpint (gnutls_certificate_verify_peers (session, data, 2, &ref->name_status), ==, 0);
      ref->name_text = status_text (ref->name_status);
    }

  ref->received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  peers = gnutls_certificate_get_peers (session, &n_peers);
  for (unsigned int i = 0; i < n_peers; i++)
    g_ptr_array_add (ref->received, g_bytes_new (peers[i].data, peers[i].size));

  gnutls_bye (session, GNUTLS_SHUT_WR);
  gnutls_deinit (session);
  gnutls_certificate_free_credentials (credentials);
}

/* gnutls alone on the chain as received, as mfd_tls_verify_chain() asks it
 * (the server purpose, the MEDIUM profile), against the test roots alone
 * or against the system's store plus the test roots. */
static unsigned int
trust_list_status (GPtrArray *received,
                   gboolean   with_system)
{
  gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *) GNUTLS_KP_TLS_WWW_SERVER, 0 };
  gnutls_x509_crt_t crts[16];
  gnutls_x509_trust_list_t list;
  unsigned int status = 0;

  g_assert_cmpuint (received->len, <=, G_N_ELEMENTS (crts));
  g_assert_cmpint (gnutls_x509_trust_list_init (&list, 0), ==, 0);
  if (with_system)
    g_assert_cmpint (gnutls_x509_trust_list_add_system_trust (list, 0, 0), >, 0);
  g_assert_cmpint (gnutls_x509_trust_list_add_trust_file (list, pki.ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0), ==, 2);
  for (guint i = 0; i < received->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (received, i);
      gnutls_datum_t der = { (unsigned char *) g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) };

      g_assert_cmpint (gnutls_x509_crt_init (&crts[i]), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_import (crts[i], &der, GNUTLS_X509_FMT_DER), ==, 0);
    }
  g_assert_cmpint (gnutls_x509_trust_list_verify_crt2 (list, crts, received->len, &purpose, 1,
                                                       GNUTLS_PROFILE_TO_VFLAGS (GNUTLS_PROFILE_MEDIUM),
                                                       &status, NULL), ==, 0);
  for (guint i = 0; i < received->len; i++)
    gnutls_x509_crt_deinit (crts[i]);
  gnutls_x509_trust_list_deinit (list, 1);
  return status;
}

/* Our verdict ---------------------------------------------------------------- */

/* The probe's steps for one address in @mode, then the diagnosis of them. */
static MfdDiagnosis *
our_check (MfdLab     *lab,
           MfdTlsMode  mode,
           const char *tls_domain)
{
  g_autoptr(GPtrArray) observations = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdTlsSession) tls = NULL;
  g_autoptr(MfdTarget) target = mfd_target_new ();
  const char *host = mfd_lab_get_host_name (lab);
  const char *ip = mfd_lab_get_address (lab);
  guint16 port = mfd_lab_get_smtp_port (lab);
  MfdObservation *obs;

  mfd_target_set_tls_mode (target, mode);
  if (mode == MFD_TLS_DOMAIN_VALIDATION)
    mfd_target_set_tls_domain (target, tls_domain);

  connection = mfd_smtp_connection_new (host, ip, port, 5000, NULL);
  g_ptr_array_add (observations, mfd_smtp_connection_connect (connection, 5000));
  g_ptr_array_add (observations, mfd_smtp_connection_greeting (connection));
  g_ptr_array_add (observations, mfd_smtp_connection_ehlo (connection));
  g_ptr_array_add (observations, obs = mfd_smtp_connection_starttls (connection, mode));
  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);

      g_assert_true (o->outcome == MFD_OUTCOME_OK ||
                     (o->stage == MFD_STAGE_STARTTLS && mode == MFD_TLS_NONE && o->outcome == MFD_OUTCOME_SKIPPED));
    }

  if (mode != MFD_TLS_NONE)
    {
      tls = mfd_tls_session_new (mfd_smtp_connection_get_socket (connection), host, NULL);
      g_ptr_array_add (observations, obs = mfd_tls_session_handshake (tls, host, ip, port, mode, 5000));
      g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
      g_ptr_array_add (observations, mfd_tls_session_verify (tls, host, ip, port, mode,
                                                              mode == MFD_TLS_DOMAIN_VALIDATION ? tls_domain : NULL,
                                                              pki.ca_file));
      mfd_smtp_connection_set_transport (connection, mfd_tls_session_read, mfd_tls_session_write, tls);
    }
  g_ptr_array_add (observations, obs = mfd_smtp_connection_quit (connection, mode != MFD_TLS_NONE));
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);

  return mfd_diagnosis_new (target, observations, NULL);
}

static MfdObservation *
find_certificate (MfdDiagnosis *diagnosis)
{
  GPtrArray *observations = mfd_diagnosis_get_observations (diagnosis);

  for (guint i = 0; i < observations->len; i++)
    {
      MfdObservation *o = g_ptr_array_index (observations, i);

      if (o->stage == MFD_STAGE_CERTIFICATE)
        return o;
    }
  return NULL;
}

static gboolean
has_issue (MfdObservation *cert,
           const char     *cause)
{
  const char *issues = mfd_observation_get_fact (cert, "issues");
  g_auto(GStrv) ids = g_strsplit (issues != NULL ? issues : "", " ", -1);

  return g_strv_contains ((const char * const *) ids, cause);
}

static guint
chain_length (const CertCase *c)
{
  guint n = 0;

  while (c->chain[n] != C_END)
    n++;
  return n;
}

static const MfdTlsMode all_modes[] = {
  MFD_TLS_NONE, MFD_TLS_OPPORTUNISTIC, MFD_TLS_ENCRYPTION_ONLY,
  MFD_TLS_CERTIFICATE_VALIDATION, MFD_TLS_DOMAIN_VALIDATION,
};

static void
test_case (gconstpointer data)
{
  const CertCase *c = data;
  const KnownDifference *known = find_known_difference (c->name);
  g_autoptr(GString) chain_pem = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = NULL;
  g_auto(Reference) ref = { 0, };
  gboolean gnutls_trusts, gnutls_name_ok;

  for (guint i = 0; c->chain[i] != C_END; i++)
    g_string_append (chain_pem, pki.pem[c->chain[i]]);
  lab = mfd_lab_new_with_certificate (chain_pem->str, pki.key_pem[pki.key_of[c->chain[0]]], &error);
  g_assert_no_error (error);

  reference_verify (lab, c->tls_domain, &ref);
  g_test_message ("gnutls (purpose): %s", ref.trust_text);
  if (ref.name_checked)
    g_test_message ("gnutls (purpose, %s): %s", c->tls_domain, ref.name_text);

  /* The peer really sent the chain as built, in that order. */
  g_assert_cmpuint (ref.received->len, ==, chain_length (c));
  for (guint i = 0; i < ref.received->len; i++)
    {
      gnutls_datum_t der;
      GBytes *got = g_ptr_array_index (ref.received, i);

      g_assert_cmpint (gnutls_x509_crt_export2 (pki.certs[c->chain[i]], GNUTLS_X509_FMT_DER, &der), ==, 0);
      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), der.data, der.size);
      gnutls_free (der.data);
    }

  gnutls_trusts = ref.trust_status == 0;

  /* The check verifies against the test roots alone first and loads the
   * system's store only when they do not trust the chain: gnutls must
   * give the same verdict either way for a chain the roots alone trust. */
  if (trust_list_status (ref.received, FALSE) == 0)
    g_assert_cmpuint (trust_list_status (ref.received, TRUE), ==, 0);
  gnutls_name_ok = ref.name_checked ? (ref.name_status & GNUTLS_CERT_UNEXPECTED_OWNER) == 0 : TRUE;

  /* Our table says what gnutls says, unless a known difference says why not. */
  if (known == NULL || !known->trust)
    g_assert_cmpint (gnutls_trusts, ==, c->cert_cause == NULL);
  if (known == NULL && ref.name_checked && c->cert_cause == NULL)
    g_assert_cmpint (gnutls_name_ok, ==, c->dom_cause == NULL);
  if (known != NULL)
    g_test_message ("known difference from gnutls: %s", known->reason);

  for (guint m = 0; m < G_N_ELEMENTS (all_modes); m++)
    {
      MfdTlsMode mode = all_modes[m];
      g_autoptr(MfdDiagnosis) diagnosis = our_check (lab, mode, c->tls_domain);
      MfdObservation *cert = find_certificate (diagnosis);
      GPtrArray *findings = mfd_diagnosis_get_findings (diagnosis);
      MfdVerdict verdict = mfd_diagnosis_get_verdict (diagnosis);
      const char *expected = mode == MFD_TLS_DOMAIN_VALIDATION ? c->dom_cause
                           : mode == MFD_TLS_NONE || mode == MFD_TLS_ENCRYPTION_ONLY ? NULL
                           : c->cert_cause;
      gboolean gnutls_ok = mode == MFD_TLS_NONE || mode == MFD_TLS_ENCRYPTION_ONLY ? TRUE
                         : mode == MFD_TLS_DOMAIN_VALIDATION ? gnutls_trusts && gnutls_name_ok
                         : gnutls_trusts;

      g_test_message ("%s: verdict %s, cause %s, issues %s", mfd_tls_mode_to_string (mode),
                      mfd_verdict_to_string (verdict), cert != NULL && cert->cause ? cert->cause : "-",
                      cert != NULL && mfd_observation_get_fact (cert, "issues") ? mfd_observation_get_fact (cert, "issues") : "-");

      if (mode == MFD_TLS_NONE)
        {
          /* No TLS, no certificate: nothing to judge. */
          g_assert_null (cert);
          g_assert_cmpint (verdict, ==, MFD_VERDICT_OK);
          continue;
        }
      g_assert_nonnull (cert);

      /* Every root here is in the CA file: a trusted chain was trusted by
       * it alone, without the system's store, and no chain is called
       * untrusted before the system's store was asked too. */
      g_assert_cmpstr (mfd_observation_get_fact (cert, "trust-store"), ==,
                       mfd_observation_get_fact (cert, "verify-status") == NULL ? "ca-file" : "system+ca-file");

      /* The verdict. Opportunistic TLS and encryption-only never stop
       * delivery for a certificate: at most a warning. */
      if (mode == MFD_TLS_OPPORTUNISTIC || mode == MFD_TLS_ENCRYPTION_ONLY)
        g_assert_cmpint (verdict, ==, MFD_VERDICT_OK);
      else
        {
          if (known == NULL && (mode != MFD_TLS_DOMAIN_VALIDATION || ref.name_checked))
            g_assert_cmpint (verdict == MFD_VERDICT_OK, ==, gnutls_ok);
          g_assert_cmpint (verdict == MFD_VERDICT_OK, ==, expected == NULL);
        }

      /* The finding, and what it is called. */
      g_assert_cmpstr (cert->cause, ==, expected);
      if (expected == NULL)
        {
          g_assert_cmpuint (findings->len, ==, 0);
          g_assert_cmpint (cert->outcome, ==, MFD_OUTCOME_OK);
        }
      else
        {
          MfdFinding *finding = g_ptr_array_index (findings, 0);
          g_autofree char *evidence = mfd_finding_dup_evidence (finding, "en");
          g_autofree char *evidence_ja = NULL;

          g_assert_cmpuint (findings->len, ==, 1);
          g_assert_cmpstr (finding->cause, ==, expected);
          g_assert_cmpstr (finding->code, ==, "4.7.320");
          g_assert_cmpint (finding->warning, ==, mode == MFD_TLS_OPPORTUNISTIC);
          g_assert_cmpint (cert->outcome, ==, mode == MFD_TLS_OPPORTUNISTIC ? MFD_OUTCOME_WARNING : MFD_OUTCOME_FAIL);
          /* gnutls's own words are part of the evidence. */
          if (!gnutls_trusts)
            {
              g_assert_nonnull (strstr (evidence, ref.trust_text));
              g_assert_cmpstr (mfd_observation_get_fact (cert, "verify-status"), ==, ref.trust_text);
            }
          /* The same in Japanese, with gnutls's words as they are. */
          evidence_ja = mfd_finding_dup_evidence (finding, "ja");
          g_assert_cmpstr (evidence_ja, !=, evidence);
          if (!gnutls_trusts)
            g_assert_nonnull (strstr (evidence_ja, ref.trust_text));
          g_test_message ("evidence: %s", evidence);
          g_test_message ("evidence (ja): %s", evidence_ja);
        }

      /* No gnutls bit goes without its finding. */
      if (mode != MFD_TLS_ENCRYPTION_ONLY && (known == NULL || !known->trust))
        for (guint b = 0; b < G_N_ELEMENTS (bit_causes); b++)
          if (ref.trust_status & bit_causes[b].bit)
            g_assert_true (has_issue (cert, bit_causes[b].cause));
    }
}

static gboolean
ids_contain (const char *ids,
             const char *cause)
{
  g_auto(GStrv) list = g_strsplit (ids != NULL ? ids : "", " ", -1);

  return g_strv_contains ((const char * const *) list, cause);
}

/* No bit of gnutls's status may go without a finding, not even one gnutls
 * adds after this code was written. */
static void
test_every_status_bit (void)
{
  gnutls_datum_t chain[2];
  g_autofree char *none = NULL;
  g_autofree char *invalid = NULL;

  g_assert_cmpint (gnutls_x509_crt_export2 (pki.certs[C_GOOD], GNUTLS_X509_FMT_DER, &chain[0]), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (pki.certs[C_INT], GNUTLS_X509_FMT_DER, &chain[1]), ==, 0);

  none = mfd_tls_dup_issues_for_status (chain, 2, 0);
  g_assert_null (none);
  invalid = mfd_tls_dup_issues_for_status (chain, 2, GNUTLS_CERT_INVALID);
  g_assert_cmpstr (invalid, ==, "cert-untrusted");

  for (guint b = 0; b < 32; b++)
    {
      unsigned int bit = 1u << b;
      g_autofree char *ids = NULL;
      const char *cause = "cert-untrusted";

      if (bit == GNUTLS_CERT_INVALID)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (bit_causes); i++)
        if (bit_causes[i].bit == bit)
          cause = bit_causes[i].cause;
      ids = mfd_tls_dup_issues_for_status (chain, 2, bit | GNUTLS_CERT_INVALID);
      g_test_message ("bit 0x%x: %s", bit, ids);
      g_assert_nonnull (ids);
      g_assert_true (ids_contain (ids, cause));
    }

  gnutls_free (chain[0].data);
  gnutls_free (chain[1].data);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  pki_make ();

  g_assert_cmpuint (G_N_ELEMENTS (cert_cases), >=, 30);
  MFD_TEST_ADD_ROWS ("/cert-matrix", cert_cases, test_case);
  g_test_add_func ("/cert-matrix/every-status-bit", test_every_status_bit);
  /* Every known difference names a case. */
  for (guint i = 0; i < G_N_ELEMENTS (known_differences); i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (cert_cases); j++)
        found = found || g_str_equal (cert_cases[j].name, known_differences[i].name);
      g_assert_true (found);
    }

  ret = g_test_run ();
  pki_free ();
  return ret;
}
