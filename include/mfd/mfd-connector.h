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
} MfdConnectorError;

typedef enum
{
  MFD_CONNECTOR_TYPE_ON_PREMISES,
  MFD_CONNECTOR_TYPE_PARTNER,
} MfdConnectorType;

#define MFD_TYPE_CONNECTOR (mfd_connector_get_type ())
G_DECLARE_FINAL_TYPE (MfdConnector, mfd_connector, MFD, CONNECTOR, GObject)

/* Properties: name, identity, enabled, connector-type, use-mx-record,
 * smart-hosts (GStrv), recipient-domains (GStrv), tls-mode (MfdTlsMode),
 * tls-domain, comment. Unknown fields of an import are kept and written back. */
MfdConnector       *mfd_connector_new                   (const char          *name);
MfdConnector       *mfd_connector_new_from_json         (JsonObject          *object,
                                                         GError             **error);
JsonObject         *mfd_connector_to_json               (MfdConnector        *self);
MfdConnector       *mfd_connector_copy                  (MfdConnector        *self);

const char         *mfd_connector_get_name              (MfdConnector        *self);
void                mfd_connector_set_name              (MfdConnector        *self,
                                                         const char          *name);
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

/* Get-OutboundConnector | ConvertTo-Json: one object or an array. */
GPtrArray          *mfd_connector_import                (const char          *json,
                                                         gssize               len,
                                                         GError             **error);

#define MFD_TYPE_CONNECTOR_STORE (mfd_connector_store_get_type ())
G_DECLARE_FINAL_TYPE (MfdConnectorStore, mfd_connector_store, MFD, CONNECTOR_STORE, GObject)

/* A GListModel of MfdConnector, saved as JSON (atomic write). @path NULL =
 * $XDG_DATA_HOME/mail-flow-doctor/connectors.json. */
MfdConnectorStore  *mfd_connector_store_new             (const char          *path);
gboolean            mfd_connector_store_load            (MfdConnectorStore   *self,
                                                         GError             **error);
gboolean            mfd_connector_store_save            (MfdConnectorStore   *self,
                                                         GError             **error);
void                mfd_connector_store_add             (MfdConnectorStore   *self,
                                                         MfdConnector        *connector);
void                mfd_connector_store_remove          (MfdConnectorStore   *self,
                                                         MfdConnector        *connector);
MfdConnector       *mfd_connector_store_find            (MfdConnectorStore   *self,
                                                         const char          *name);
/* The connector whose smart hosts (or recipient domains) cover @host, or NULL. */
MfdConnector       *mfd_connector_store_match_host      (MfdConnectorStore   *self,
                                                         const char          *host);

GQuark              mfd_connector_error_quark           (void);

G_END_DECLS
