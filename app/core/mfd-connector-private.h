/* mfd-connector-private.h — shared by the connector model, its JSON
 * import/export, its validation and the store
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd-connector.h"

G_BEGIN_DECLS

/* Only the model and the JSON import write these directly; the import
 * validates first, so the model only ever holds what would load again. */
struct _MfdConnector
{
  GObject           parent_instance;

  char             *name;
  char             *identity;
  char             *comment;
  char             *tls_domain;
  char            **smart_hosts;
  char            **recipient_domains;
  gboolean          enabled;
  gboolean          use_mx_record;
  MfdConnectorType  connector_type;
  MfdTlsMode        tls_mode;

  /* Members of the imported object that the model does not know, written
   * back verbatim so that a round trip loses nothing. */
  JsonObject       *extra;
};


/* The two halves of mfd_connector_matches_host(), so that the store can
 * prefer a smart-host match over a recipient-domain match. */
gboolean mfd_connector_smart_host_matches (MfdConnector *self,
                                           const char   *host);
gboolean mfd_connector_domain_matches     (MfdConnector *self,
                                           const char   *host);

/* Get-OutboundConnector | Format-List (mfd-connector-list.c): whether @text
 * looks like it, and its objects as the JSON import would read them, so
 * that both forms go through the same validation. */
gboolean   mfd_connector_text_is_format_list (const char  *text,
                                              gsize        len);
JsonArray *mfd_connector_format_list_read    (const char  *text,
                                              gsize        len,
                                              GError     **error);
/* How many times the store has written its file: for the tests, which
 * check that saves asked for while one runs are folded into one write. */
guint    mfd_connector_store_get_writes   (MfdConnectorStore *self);

G_END_DECLS
