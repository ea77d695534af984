/* mfd-tls-trust.c — the trust lists: the user's extra CA file first, the
 * system's store only when a chain needs it, built once and shared
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-tls"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-text.h"
#include "mfd-tls.h"
#include "mfd-tls-private.h"


/* Trust: the user's extra CA file first, the system's store when needed ----- */

/* Loading the system's store parses every CA certificate of the machine
 * (about 140 on Debian), which costs several times more CPU than the whole
 * SMTP dialogue and handshake. A chain that the extra CA file alone leads
 * to a trusted root does not need it: gnutls verifies it against the CA
 * file's list and that is the verdict. Only a chain that list does not
 * trust is verified again against the system's store plus the CA file,
 * built once, on first need, and shared until the CA file's content
 * changes. gnutls only reads a trust list while verifying, so threads may
 * share one. (Adding the system's certificates to a list that already
 * trusts a chain could only change gnutls's verdict through a system
 * certificate with the same name as one on the chain's path, where gnutls
 * may prefer the system's copy; test-cert-matrix checks that both lists
 * agree on every chain it builds.)
 *
 * The system's list gets a hash table larger than gnutls's default (127
 * buckets for 140 certificates): loading with GNUTLS_TL_NO_DUPLICATES
 * compares every new certificate with the others in its bucket, and two
 * different names in one bucket are compared as formatted strings, which
 * took a third of the load. A certificate's bucket is the hash of its name,
 * so the issuers gnutls can find for a chain are the same at any size. */
#define SYSTEM_TRUST_BUCKETS 1021

G_LOCK_DEFINE_STATIC (shared_trust);
static Trust *shared_trust;

void
_mfd_tls_trust_unref (Trust *trust)
{
  if (!g_atomic_ref_count_dec (&trust->ref_count))
    return;
  if (trust->ca_list != NULL)
    gnutls_x509_trust_list_deinit (trust->ca_list, 1);
  if (trust->full_list != NULL)
    gnutls_x509_trust_list_deinit (trust->full_list, 1);
  g_mutex_clear (&trust->lock);
  g_clear_pointer (&trust->ca_data, g_bytes_unref);
  g_free (trust);
}

static int
trust_add_ca_data (gnutls_x509_trust_list_t  list,
                   GBytes                   *ca_data)
{
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (ca_data, NULL),
                           g_bytes_get_size (ca_data) };

  return gnutls_x509_trust_list_add_trust_mem (list, &datum, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
}

static gboolean
trust_matches (Trust  *trust,
               GBytes *ca_data)
{
  if (trust->ca_data == NULL || ca_data == NULL)
    return trust->ca_data == ca_data;
  return g_bytes_equal (trust->ca_data, ca_data);
}

/* Returns NULL with @ca_ret set when @ca_file cannot be read or parsed.
 * Cheap: the system's store is loaded by _mfd_tls_trust_get_full(). */
Trust *
_mfd_tls_trust_get (const char *ca_file,
           int        *ca_ret)
{
  g_autoptr(GBytes) ca_data = NULL;
  Trust *trust;

  *ca_ret = GNUTLS_E_SUCCESS;
  if (ca_file != NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (ca_file, &contents, &length, NULL))
        {
          *ca_ret = GNUTLS_E_FILE_ERROR;
          return NULL;
        }
      ca_data = g_bytes_new_take (g_steal_pointer (&contents), length);
    }

  G_LOCK (shared_trust);
  if (shared_trust != NULL && trust_matches (shared_trust, ca_data))
    {
      g_atomic_ref_count_inc (&shared_trust->ref_count);
      trust = shared_trust;
      G_UNLOCK (shared_trust);
      return trust;
    }

  trust = g_new0 (Trust, 1);
  g_atomic_ref_count_init (&trust->ref_count);
  g_mutex_init (&trust->lock);
  if (ca_data != NULL)
    {
      gnutls_x509_trust_list_init (&trust->ca_list, 0);
      *ca_ret = trust_add_ca_data (trust->ca_list, ca_data);
      if (*ca_ret < 0)
        {
          G_UNLOCK (shared_trust);
          _mfd_tls_trust_unref (trust);
          return NULL;
        }
      trust->ca_data = g_steal_pointer (&ca_data);
    }

  if (shared_trust != NULL)
    _mfd_tls_trust_unref (shared_trust);
  shared_trust = trust;
  g_atomic_ref_count_inc (&trust->ref_count);
  G_UNLOCK (shared_trust);
  return trust;
}

/* The system's store plus the extra CA file (after it, as gnutls-cli and
 * GLib add a file to the system's store); built by the first caller, the
 * others wait for it. */
gnutls_x509_trust_list_t
_mfd_tls_trust_get_full (Trust *trust)
{
  gnutls_x509_trust_list_t list;

  g_mutex_lock (&trust->lock);
  if (trust->full_list == NULL)
    {
      gnutls_x509_trust_list_init (&list, SYSTEM_TRUST_BUCKETS);
      trust->system_ret = gnutls_x509_trust_list_add_system_trust (list, 0, 0);
      /* Parsed once already, in _mfd_tls_trust_get(). */
      if (trust->ca_data != NULL)
        trust_add_ca_data (list, trust->ca_data);
      trust->full_list = list;
    }
  list = trust->full_list;
  g_mutex_unlock (&trust->lock);
  return list;
}

void
mfd_tls_prepare_trust (const char *ca_file)
{
  int ca_ret;
  Trust *trust = _mfd_tls_trust_get (ca_file, &ca_ret);

  /* A CA file that cannot be loaded is reported by the verification.
   * Without one every chain needs the system's store; with one it may not
   * be needed at all. */
  if (trust != NULL && trust->ca_list == NULL)
    _mfd_tls_trust_get_full (trust);
  if (trust != NULL)
    _mfd_tls_trust_unref (trust);
}
