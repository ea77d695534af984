/* mfd-connectors-page.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd/mfd.h"
#include "mfd-watch-model.h"

G_BEGIN_DECLS

#define MFD_TYPE_CONNECTORS_PAGE (mfd_connectors_page_get_type ())
G_DECLARE_FINAL_TYPE (MfdConnectorsPage, mfd_connectors_page, MFD, CONNECTORS_PAGE, AdwBin)

/* Reads the saved list (asynchronously) and shows it. */
void     mfd_connectors_page_set_store     (MfdConnectorsPage  *self,
                                            MfdConnectorStore  *store);
/* Gives every row a "Watch" switch that adds or removes the connector in
 * @model's watch list. */
void     mfd_connectors_page_set_watch_model (MfdConnectorsPage *self,
                                              MfdWatchModel     *model);
/* Imports every connector in @json (Get-OutboundConnector | ConvertTo-Json),
 * replacing saved ones of the same name (after the saved list is read);
 * shows the outcome in a toast. */
gboolean mfd_connectors_page_import_json   (MfdConnectorsPage  *self,
                                            const char         *json,
                                            gssize              len,
                                            GError            **error);
void     mfd_connectors_page_import_file   (MfdConnectorsPage  *self,
                                            GFile              *file);
/* What "Run checks" in the target summary does. */
void     mfd_connectors_page_run_checks    (MfdConnectorsPage  *self,
                                            MfdConnector       *connector);
void     mfd_connectors_page_set_search    (MfdConnectorsPage  *self,
                                            const char         *text);
/* Test hooks: whether the list is still being read or written, and the connectors
 * the list shows now (after the search). */
gboolean mfd_connectors_page_is_saving     (MfdConnectorsPage  *self);
guint    mfd_connectors_page_get_n_visible (MfdConnectorsPage  *self);
/* Test hook: turns the "Watch" switch of connector @name on or off, as a
 * click does; FALSE when no row shows it. */
gboolean mfd_connectors_page_set_watched   (MfdConnectorsPage  *self,
                                            const char         *name,
                                            gboolean            watched);

G_END_DECLS
