/* mfd-connector-private.h — shared by the connector model and its store
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd-connector.h"

G_BEGIN_DECLS

/* The two halves of mfd_connector_matches_host(), so that the store can
 * prefer a smart-host match over a recipient-domain match. */
gboolean mfd_connector_smart_host_matches (MfdConnector *self,
                                           const char   *host);
gboolean mfd_connector_domain_matches     (MfdConnector *self,
                                           const char   *host);

G_END_DECLS
