/* mfd-web-tls.c — the system's trust store plus the user's extra CA file
 *
 * A company that inspects HTTPS re-signs every site with its own CA: the
 * user names that CA with --ca-file, and it must be trusted *in addition*
 * to the public ones, not instead of them. GTlsFileDatabase alone would
 * replace the system's anchors, so this database asks both.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-web"

#include "config.h"

#include "mfd-web-private.h"

struct _MfdWebTlsDatabase
{
  GTlsDatabase  parent_instance;

  GTlsDatabase *system;
  GTlsDatabase *extra;
};

G_DEFINE_FINAL_TYPE (MfdWebTlsDatabase, mfd_web_tls_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
mfd_web_tls_database_verify_chain (GTlsDatabase             *database,
                                   GTlsCertificate          *chain,
                                   const char               *purpose,
                                   GSocketConnectable       *identity,
                                   GTlsInteraction          *interaction,
                                   GTlsDatabaseVerifyFlags   flags,
                                   GCancellable             *cancellable,
                                   GError                  **error)
{
  MfdWebTlsDatabase *self = MFD_WEB_TLS_DATABASE (database);
  GTlsCertificateFlags system_flags;
  GTlsCertificateFlags extra_flags;
  g_autoptr(GError) extra_error = NULL;

  system_flags = g_tls_database_verify_chain (self->system, chain, purpose, identity,
                                              interaction, flags, cancellable, error);
  if (system_flags == 0 || (error != NULL && *error != NULL))
    return system_flags;

  extra_flags = g_tls_database_verify_chain (self->extra, chain, purpose, identity,
                                             interaction, flags, cancellable, &extra_error);
  if (extra_error != NULL)
    return system_flags;

  /* When the extra file knows the anchor, its verdict (dates, name) is the
   * one that applies; otherwise the system's explains the failure. */
  if ((extra_flags & G_TLS_CERTIFICATE_UNKNOWN_CA) == 0)
    return extra_flags;
  return system_flags;
}

static char *
mfd_web_tls_database_create_certificate_handle (GTlsDatabase    *database,
                                                GTlsCertificate *certificate)
{
  MfdWebTlsDatabase *self = MFD_WEB_TLS_DATABASE (database);

  return g_tls_database_create_certificate_handle (self->system, certificate);
}

static GTlsCertificate *
mfd_web_tls_database_lookup_certificate_for_handle (GTlsDatabase             *database,
                                                    const char               *handle,
                                                    GTlsInteraction          *interaction,
                                                    GTlsDatabaseLookupFlags   flags,
                                                    GCancellable             *cancellable,
                                                    GError                  **error)
{
  MfdWebTlsDatabase *self = MFD_WEB_TLS_DATABASE (database);

  return g_tls_database_lookup_certificate_for_handle (self->system, handle, interaction,
                                                       flags, cancellable, error);
}

static GTlsCertificate *
mfd_web_tls_database_lookup_certificate_issuer (GTlsDatabase             *database,
                                                GTlsCertificate          *certificate,
                                                GTlsInteraction          *interaction,
                                                GTlsDatabaseLookupFlags   flags,
                                                GCancellable             *cancellable,
                                                GError                  **error)
{
  MfdWebTlsDatabase *self = MFD_WEB_TLS_DATABASE (database);
  GTlsCertificate *issuer;

  issuer = g_tls_database_lookup_certificate_issuer (self->extra, certificate, interaction,
                                                     flags, cancellable, NULL);
  if (issuer != NULL)
    return issuer;
  return g_tls_database_lookup_certificate_issuer (self->system, certificate, interaction,
                                                   flags, cancellable, error);
}

static GList *
mfd_web_tls_database_lookup_certificates_issued_by (GTlsDatabase             *database,
                                                    GByteArray               *issuer_raw_dn,
                                                    GTlsInteraction          *interaction,
                                                    GTlsDatabaseLookupFlags   flags,
                                                    GCancellable             *cancellable,
                                                    GError                  **error)
{
  MfdWebTlsDatabase *self = MFD_WEB_TLS_DATABASE (database);
  GList *extra;
  GList *system;

  extra = g_tls_database_lookup_certificates_issued_by (self->extra, issuer_raw_dn, interaction,
                                                        flags, cancellable, NULL);
  system = g_tls_database_lookup_certificates_issued_by (self->system, issuer_raw_dn, interaction,
                                                         flags, cancellable, error);
  return g_list_concat (extra, system);
}

static void
mfd_web_tls_database_finalize (GObject *object)
{
  MfdWebTlsDatabase *self = MFD_WEB_TLS_DATABASE (object);

  g_clear_object (&self->system);
  g_clear_object (&self->extra);

  G_OBJECT_CLASS (mfd_web_tls_database_parent_class)->finalize (object);
}

static void
mfd_web_tls_database_class_init (MfdWebTlsDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  object_class->finalize = mfd_web_tls_database_finalize;

  database_class->verify_chain = mfd_web_tls_database_verify_chain;
  database_class->create_certificate_handle = mfd_web_tls_database_create_certificate_handle;
  database_class->lookup_certificate_for_handle = mfd_web_tls_database_lookup_certificate_for_handle;
  database_class->lookup_certificate_issuer = mfd_web_tls_database_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = mfd_web_tls_database_lookup_certificates_issued_by;
}

static void
mfd_web_tls_database_init (MfdWebTlsDatabase *self)
{
}

/* Without @ca_file this is simply the system's database. */
GTlsDatabase *
mfd_web_tls_database_new (const char  *ca_file,
                          GError     **error)
{
  g_autoptr(GTlsDatabase) extra = NULL;
  MfdWebTlsDatabase *self;
  GTlsDatabase *system;

  system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  if (ca_file == NULL || *ca_file == '\0')
    return system;

  extra = g_tls_file_database_new (ca_file, error);
  if (extra == NULL)
    {
      g_clear_object (&system);
      return NULL;
    }
  /* Without a TLS backend there is no system store to combine with. */
  if (system == NULL)
    return g_steal_pointer (&extra);

  self = g_object_new (MFD_TYPE_WEB_TLS_DATABASE, NULL);
  self->system = system;
  self->extra = g_steal_pointer (&extra);
  return G_TLS_DATABASE (self);
}
