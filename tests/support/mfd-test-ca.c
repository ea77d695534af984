/* mfd-test-ca.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <time.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "mfd-test-ca.h"

struct _MfdTestCa
{
  gnutls_x509_privkey_t  key;
  gnutls_x509_crt_t      crt;
  char                  *pem;
};

static char *
datum_to_string (gnutls_datum_t *datum)
{
  char *text = g_strndup ((const char *) datum->data, datum->size);

  gnutls_free (datum->data);
  return text;
}

static gnutls_x509_privkey_t
make_key (void)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  return key;
}

static gnutls_x509_crt_t
make_cert (gnutls_x509_privkey_t key,
           const char           *dn,
           guint                 serial,
           gboolean              is_ca,
           const char           *dns_name,
           int                   from_days,
           int                   to_days)
{
  gnutls_x509_crt_t crt;
  time_t now = time (NULL);
  unsigned char serial_bytes[1] = { serial };

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, serial_bytes, sizeof serial_bytes);
  gnutls_x509_crt_set_activation_time (crt, now + from_days * 24 * 3600);
  gnutls_x509_crt_set_expiration_time (crt, now + to_days * 24 * 3600);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, dn, NULL), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  gnutls_x509_crt_set_basic_constraints (crt, is_ca, -1);
  if (is_ca)
    gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  else if (dns_name != NULL)
    {
      gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
      gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
      gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, dns_name,
                                            strlen (dns_name), GNUTLS_FSAN_APPEND);
    }
  else
    {
      const unsigned char loopback[4] = { 127, 0, 0, 1 };

      gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
      gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
      gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback,
                                            sizeof loopback, GNUTLS_FSAN_APPEND);
      gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                            strlen ("localhost"), GNUTLS_FSAN_APPEND);
    }
  return crt;
}

MfdTestCa *
mfd_test_ca_new (const char *dn)
{
  MfdTestCa *ca = g_new0 (MfdTestCa, 1);
  gnutls_datum_t datum;

  ca->key = make_key ();
  ca->crt = make_cert (ca->key, dn, 1, TRUE, NULL, -1, 7);
  g_assert_cmpint (gnutls_x509_crt_sign2 (ca->crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (ca->crt, GNUTLS_X509_FMT_PEM, &datum), ==, 0);
  ca->pem = datum_to_string (&datum);
  return ca;
}

void
mfd_test_ca_free (MfdTestCa *ca)
{
  gnutls_x509_crt_deinit (ca->crt);
  gnutls_x509_privkey_deinit (ca->key);
  g_free (ca->pem);
  g_free (ca);
}

const char *
mfd_test_ca_get_pem (MfdTestCa *ca)
{
  return ca->pem;
}

char *
mfd_test_ca_issue_server (MfdTestCa  *ca,
                          guint       serial,
                          const char *dns_name,
                          int         from_days,
                          int         to_days)
{
  gnutls_x509_privkey_t key = make_key ();
  gnutls_x509_crt_t crt = make_cert (key, "CN=127.0.0.1,O=Tests", serial, FALSE,
                                     dns_name, from_days, to_days);
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  gnutls_datum_t datum;

  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &datum), ==, 0);
  cert_pem = datum_to_string (&datum);
  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &datum), ==, 0);
  key_pem = datum_to_string (&datum);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);

  return g_strconcat (cert_pem, key_pem, NULL);
}

void
mfd_test_ca_write_bundle (const char *path,
                          const char *pem_file,
                          const char *pem)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *both = NULL;

  g_file_get_contents (pem_file, &first, NULL, &error);
  g_assert_no_error (error);
  both = g_strconcat (first, pem, NULL);
  g_file_set_contents (path, both, -1, &error);
  g_assert_no_error (error);
}

void
mfd_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        mfd_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

gnutls_x509_privkey_t
mfd_test_key_new (gnutls_pk_algorithm_t algorithm,
                  unsigned int          bits)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, algorithm, bits, 0), ==, 0);
  return key;
}

gnutls_x509_crt_t
mfd_test_cert_new (const MfdTestCertSpec *spec,
                   gnutls_x509_privkey_t  key,
                   gnutls_x509_crt_t      issuer,
                   gnutls_x509_privkey_t  issuer_key)
{
  static const char organization[] = "Mail Flow Doctor tests";
  static guint32 next_serial = 1;
  gnutls_x509_crt_t crt;
  time_t now = time (NULL);
  guint32 serial = g_atomic_int_add (&next_serial, 1);
  guint8 serial_bytes[4] = { 0x20 | ((serial >> 24) & 0x0f), serial >> 16, serial >> 8, serial };
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  unsigned int usage;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, serial_bytes, sizeof serial_bytes);
  gnutls_x509_crt_set_activation_time (crt, now + (time_t) spec->from_days * 86400);
  gnutls_x509_crt_set_expiration_time (crt, now + (time_t) spec->to_days * 86400);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                                  organization, strlen (organization)), ==, 0);
  if (spec->common_name != NULL)
    g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                    spec->common_name, strlen (spec->common_name)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  if (!spec->no_key_ids && gnutls_x509_crt_get_key_id (crt, 0, key_id, &key_id_size) == GNUTLS_E_SUCCESS)
    gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size);
  key_id_size = sizeof key_id;
  if (!spec->no_key_ids && issuer != NULL &&
      gnutls_x509_crt_get_subject_key_id (issuer, key_id, &key_id_size, NULL) == GNUTLS_E_SUCCESS)
    gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_size);

  if (spec->ca)
    {
      gnutls_x509_crt_set_basic_constraints (crt, 1, spec->path_len_set ? spec->path_len : -1);
      usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN | GNUTLS_KEY_DIGITAL_SIGNATURE;
    }
  else
    {
      gnutls_x509_crt_set_basic_constraints (crt, 0, -1);
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT;
      /* An issuer that is no CA still signs: give it the usage to do so,
       * so the one defect is its basic constraints. */
      if (spec->not_ca)
        usage |= GNUTLS_KEY_KEY_CERT_SIGN;
    }
  gnutls_x509_crt_set_key_usage (crt, usage);

  if (spec->key_purposes != NULL)
    {
      for (guint i = 0; spec->key_purposes[i] != NULL; i++)
        g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, spec->key_purposes[i], 0), ==, 0);
    }
  else if (!spec->ca && !spec->no_key_purpose)
    gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0);

  for (guint i = 0; spec->dns_names != NULL && spec->dns_names[i] != NULL; i++)
    g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, spec->dns_names[i],
                                                           strlen (spec->dns_names[i]), GNUTLS_FSAN_APPEND), ==, 0);
  for (guint i = 0; spec->ip_addresses != NULL && spec->ip_addresses[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (spec->ip_addresses[i]);

      g_assert_nonnull (address);
      g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
                                                             g_inet_address_to_bytes (address),
                                                             g_inet_address_get_native_size (address),
                                                             GNUTLS_FSAN_APPEND), ==, 0);
    }

  if (spec->permitted_dns != NULL)
    {
      gnutls_x509_name_constraints_t constraints;

      g_assert_cmpint (gnutls_x509_name_constraints_init (&constraints), ==, 0);
      for (guint i = 0; spec->permitted_dns[i] != NULL; i++)
        {
          gnutls_datum_t name = { (unsigned char *) spec->permitted_dns[i], strlen (spec->permitted_dns[i]) };

          g_assert_cmpint (gnutls_x509_name_constraints_add_permitted (constraints, GNUTLS_SAN_DNSNAME, &name), ==, 0);
        }
      g_assert_cmpint (gnutls_x509_crt_set_name_constraints (crt, constraints, 1), ==, 0);
      gnutls_x509_name_constraints_deinit (constraints);
    }

  if (spec->critical_oid != NULL)
    {
      /* DER NULL: the content does not matter, nobody knows the OID. */
      static const guint8 der_null[] = { 0x05, 0x00 };

      g_assert_cmpint (gnutls_x509_crt_set_extension_by_oid (crt, spec->critical_oid, der_null,
                                                             sizeof der_null, 1), ==, 0);
    }

  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, issuer != NULL ? issuer : crt,
                                          issuer_key != NULL ? issuer_key : key,
                                          spec->digest != 0 ? spec->digest : GNUTLS_DIG_SHA256, 0), ==, 0);
  return crt;
}

char *
mfd_test_cert_to_pem (gnutls_x509_crt_t crt)
{
  gnutls_datum_t datum;

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &datum), ==, 0);
  return datum_to_string (&datum);
}

char *
mfd_test_key_to_pem (gnutls_x509_privkey_t key)
{
  gnutls_datum_t datum;

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &datum), ==, 0);
  return datum_to_string (&datum);
}

gnutls_datum_t
mfd_test_cert_der (gnutls_x509_crt_t crt)
{
  gnutls_datum_t out = { NULL, 0 };

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out), ==, 0);
  return out;
}

void
mfd_test_dane_pki_init (MfdTestDanePki *pki,
                        const char     *mx)
{
  unsigned int ec = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1);
  const char *mx_names[] = { mx, NULL };
  const char *other_names[] = { "www.fabrikam.test", NULL };
  MfdTestCertSpec root = { .common_name = "DANE test root", .ca = TRUE, .from_days = -10, .to_days = 100 };
  MfdTestCertSpec inter = { .common_name = "DANE test intermediate", .ca = TRUE, .from_days = -10, .to_days = 100 };
  MfdTestCertSpec leaf = { .common_name = mx, .dns_names = mx_names, .from_days = -1, .to_days = 30 };
  MfdTestCertSpec expired = { .common_name = mx, .dns_names = mx_names, .from_days = -30, .to_days = -2 };
  MfdTestCertSpec other = { .common_name = "www.fabrikam.test", .dns_names = other_names,
                            .from_days = -1, .to_days = 30 };

  pki->root_key = mfd_test_key_new (GNUTLS_PK_ECDSA, ec);
  pki->inter_key = mfd_test_key_new (GNUTLS_PK_ECDSA, ec);
  pki->leaf_key = mfd_test_key_new (GNUTLS_PK_ECDSA, ec);
  pki->other_key = mfd_test_key_new (GNUTLS_PK_ECDSA, ec);
  pki->root = mfd_test_cert_new (&root, pki->root_key, NULL, NULL);
  pki->inter = mfd_test_cert_new (&inter, pki->inter_key, pki->root, pki->root_key);
  pki->leaf = mfd_test_cert_new (&leaf, pki->leaf_key, pki->inter, pki->inter_key);
  pki->leaf_expired = mfd_test_cert_new (&expired, pki->leaf_key, pki->inter, pki->inter_key);
  pki->leaf_other_name = mfd_test_cert_new (&other, pki->leaf_key, pki->inter, pki->inter_key);
  /* Another root on another key, and under it a leaf whose issuer has the
   * intermediate's name. */
  pki->other_root = mfd_test_cert_new (&root, pki->other_key, NULL, NULL);
  pki->leaf_other_ca = mfd_test_cert_new (&leaf, pki->leaf_key, pki->other_root, pki->other_key);
  /* The same name as the leaf, on another key. */
  pki->other = mfd_test_cert_new (&leaf, pki->other_key, pki->inter, pki->inter_key);
}
