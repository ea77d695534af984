/* mfd-connector-editor.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd/mfd.h"

G_BEGIN_DECLS

#define MFD_TYPE_CONNECTOR_EDITOR (mfd_connector_editor_get_type ())
G_DECLARE_FINAL_TYPE (MfdConnectorEditor, mfd_connector_editor, MFD, CONNECTOR_EDITOR, AdwWindow)

/* Edits a copy of @connector (NULL = a new one); "saved" (MfdConnector *edited,
 * MfdConnector *original or NULL) is emitted on Save. */
MfdConnectorEditor *mfd_connector_editor_new       (GtkWindow          *parent,
                                                    MfdConnectorStore  *store,
                                                    MfdConnector       *connector);
/* Test hooks: whether Save is possible, and the reason shown for a field
 * ("name", "hosts", "domains", "tls-domain"), or NULL; "hosts-warning" is the
 * warning (not an error) about smart hosts EOP can never reach. */
gboolean            mfd_connector_editor_is_valid  (MfdConnectorEditor *self);
const char         *mfd_connector_editor_get_reason (MfdConnectorEditor *self,
                                                    const char         *field);
void                mfd_connector_editor_save      (MfdConnectorEditor *self);

G_END_DECLS
