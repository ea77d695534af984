/* mfd-connector.h — an EOP outbound connector and the user's saved list
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mfd-types.h"

G_BEGIN_DECLS

#define MFD_CONNECTOR_ERROR (mfd_connector_error_quark ())

typedef enum
{
  MFD_CONNECTOR_ERROR_PARSE,      /* not JSON, or not connector-shaped */
  MFD_CONNECTOR_ERROR_INVALID,    /* a field with an impossible value */
  MFD_CONNECTOR_ERROR_CORRUPT,    /* the saved file was unreadable; kept aside */
  MFD_CONNECTOR_ERROR_TOO_LARGE,  /* beyond MFD_CONNECTOR_MAX_INPUT or MFD_CONNECTOR_MAX_DEPTH */
  MFD_CONNECTOR_ERROR_UNREADABLE, /* the saved file exists but cannot be read (permissions, I/O); left in place, not overwritten */
} MfdConnectorError;

/* Imports and the saved list are refused beyond this size, and beyond this
 * nesting of arrays/objects (a real export nests three or four levels), so a
 * hostile file cannot exhaust memory or json-glib's recursive parser. */
#define MFD_CONNECTOR_MAX_INPUT (16 * 1024 * 1024)
#define MFD_CONNECTOR_MAX_DEPTH 64

/* Exchange's TenantConnectorType; ConvertTo-Json writes it as 1 / 2. */
typedef enum
{
  MFD_CONNECTOR_TYPE_ON_PREMISES,
  MFD_CONNECTOR_TYPE_PARTNER,
} MfdConnectorType;

#define MFD_TYPE_CONNECTOR_TYPE (mfd_connector_type_get_type ())
GType               mfd_connector_type_get_type         (void) G_GNUC_CONST;
/* "OnPremises" / "Partner" */
const char         *mfd_connector_type_to_string        (MfdConnectorType     type);

#define MFD_TYPE_CONNECTOR (mfd_connector_get_type ())
G_DECLARE_FINAL_TYPE (MfdConnector, mfd_connector, MFD, CONNECTOR, GObject)

/* Properties: name, identity, enabled, connector-type, use-mx-record,
 * smart-hosts (GStrv), recipient-domains (GStrv), tls-mode (MfdTlsMode),
 * tls-domain, comment. Unknown fields of an import are kept and written back.
 * TlsSettings null is MFD_TLS_OPPORTUNISTIC; MFD_TLS_NONE is not a connector
 * setting and is refused. Integer enums on import: ConnectorType 1 OnPremises,
 * 2 Partner; TlsSettings 1 EncryptionOnly, 2 CertificateValidation,
 * 4 DomainValidation (Exchange's TenantConnectorType / TlsAuthLevel). */
MfdConnector       *mfd_connector_new                   (const char          *name);
MfdConnector       *mfd_connector_new_from_json         (JsonObject          *object,
                                                         GError             **error);
JsonObject         *mfd_connector_to_json               (MfdConnector        *self);
MfdConnector       *mfd_connector_copy                  (MfdConnector        *self);

const char         *mfd_connector_get_name              (MfdConnector        *self);
void                mfd_connector_set_name              (MfdConnector        *self,
                                                         const char          *name);
/* Identity defaults to the name when an import has none. */
const char         *mfd_connector_get_identity          (MfdConnector        *self);
void                mfd_connector_set_identity          (MfdConnector        *self,
                                                         const char          *identity);
const char         *mfd_connector_get_comment           (MfdConnector        *self);
void                mfd_connector_set_comment           (MfdConnector        *self,
                                                         const char          *comment);
gboolean            mfd_connector_get_enabled           (MfdConnector        *self);
void                mfd_connector_set_enabled           (MfdConnector        *self,
                                                         gboolean             enabled);
MfdConnectorType    mfd_connector_get_connector_type    (MfdConnector        *self);
void                mfd_connector_set_connector_type    (MfdConnector        *self,
                                                         MfdConnectorType     type);
gboolean            mfd_connector_get_use_mx_record     (MfdConnector        *self);
void                mfd_connector_set_use_mx_record     (MfdConnector        *self,
                                                         gboolean             use_mx);
const char * const *mfd_connector_get_smart_hosts       (MfdConnector        *self);
void                mfd_connector_set_smart_hosts       (MfdConnector        *self,
                                                         const char * const  *hosts);
const char * const *mfd_connector_get_recipient_domains (MfdConnector        *self);
void                mfd_connector_set_recipient_domains (MfdConnector        *self,
                                                         const char * const  *domains);
MfdTlsMode          mfd_connector_get_tls_mode          (MfdConnector        *self);
void                mfd_connector_set_tls_mode          (MfdConnector        *self,
                                                         MfdTlsMode           mode);
const char         *mfd_connector_get_tls_domain        (MfdConnector        *self);
void                mfd_connector_set_tls_domain        (MfdConnector        *self,
                                                         const char          *domain);

/* Validation for the editor: NULL when fine, else a translated reason. */
char               *mfd_connector_validate_smart_host   (const char          *host);
char               *mfd_connector_validate_tls_domain   (const char          *domain);
/* A domain, "*.domain" or "*" (all domains). */
char               *mfd_connector_validate_recipient_domain (const char      *domain);

/* Whether @host (a name or an IP literal) is one of the smart hosts (or inside
 * a CIDR smart host), or a host of one of the recipient domains: its parent
 * domain is the domain, or a subdomain of it for a "*.domain" entry. */
gboolean            mfd_connector_matches_host          (MfdConnector        *self,
                                                         const char          *host);

/* Get-OutboundConnector | ConvertTo-Json: one object or an array (also
 * Windows PowerShell's {"value": [...], "Count": n} wrapper), UTF-8 with or
 * without a BOM, or UTF-16 with a BOM (what Windows PowerShell's ">" writes).
 * @len -1 = NUL-terminated. Returns (element-type MfdConnector). */
GPtrArray          *mfd_connector_import                (const char          *json,
                                                         gssize               len,
                                                         GError             **error);

#define MFD_TYPE_CONNECTOR_STORE (mfd_connector_store_get_type ())
G_DECLARE_FINAL_TYPE (MfdConnectorStore, mfd_connector_store, MFD, CONNECTOR_STORE, GObject)

/* A GListModel of MfdConnector, saved as JSON (atomic write) in the same
 * shape as an export (an array), so an export can also be dropped in place.
 * @path NULL = $XDG_DATA_HOME/mail-flow-doctor/connectors.json. A missing
 * file loads as an empty list. A file that cannot be read as connectors is
 * renamed to "<path>.corrupt-<UTC timestamp>" (never overwritten) and
 * reported with MFD_CONNECTOR_ERROR_CORRUPT (moved without ever replacing
 * another file). A file that exists but cannot be read at all (permission
 * denied, an I/O error, a directory in its place) is left where it is and
 * reported with MFD_CONNECTOR_ERROR_UNREADABLE. In both cases, when the
 * file is still at @path, saving is refused (MFD_CONNECTOR_ERROR_UNREADABLE)
 * so that it is never overwritten; once it has been moved or deleted, a save
 * writes the list in its place (and a later load reads it again).
 * Async saves are written one at a time, in the order asked: saves asked
 * for while one is being written are served together by one write of the
 * list as it is when that write starts. Do not mix them with the sync save.
 * The sync calls block on disk I/O; the UI uses the _async pairs, whose
 * file work runs in a worker thread (the list changes on the caller's
 * main context). */
MfdConnectorStore  *mfd_connector_store_new             (const char          *path);
const char         *mfd_connector_store_get_path        (MfdConnectorStore   *self);
gboolean            mfd_connector_store_load            (MfdConnectorStore   *self,
                                                         GError             **error);
gboolean            mfd_connector_store_save            (MfdConnectorStore   *self,
                                                         GError             **error);
void                mfd_connector_store_load_async      (MfdConnectorStore   *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            mfd_connector_store_load_finish     (MfdConnectorStore   *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void                mfd_connector_store_save_async      (MfdConnectorStore   *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            mfd_connector_store_save_finish     (MfdConnectorStore   *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
/* Appends, or replaces in place a connector with the same name
 * (case-insensitive), so importing a fresh export updates the list. */
void                mfd_connector_store_add             (MfdConnectorStore   *self,
                                                         MfdConnector        *connector);
void                mfd_connector_store_remove          (MfdConnectorStore   *self,
                                                         MfdConnector        *connector);
MfdConnector       *mfd_connector_store_find            (MfdConnectorStore   *self,
                                                         const char          *name);
/* The connector whose smart hosts (or recipient domains) cover @host, or
 * NULL; a smart-host match wins over a recipient-domain match. */
MfdConnector       *mfd_connector_store_match_host      (MfdConnectorStore   *self,
                                                         const char          *host);

GQuark              mfd_connector_error_quark           (void);

G_END_DECLS
