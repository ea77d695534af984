/* mfd-ndr-page.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd/mfd.h"

G_BEGIN_DECLS

#define MFD_TYPE_NDR_PAGE (mfd_ndr_page_get_type ())
G_DECLARE_FINAL_TYPE (MfdNdrPage, mfd_ndr_page, MFD, NDR_PAGE, AdwBin)

void          mfd_ndr_page_set_text             (MfdNdrPage *self,
                                                 const char *text);
void          mfd_ndr_page_open_file            (MfdNdrPage *self,
                                                 GFile      *file);
/* The saved connectors, to say which one the NDR's server belongs to. */
void          mfd_ndr_page_set_store            (MfdNdrPage        *self,
                                                 MfdConnectorStore *store);
/* What Run Checks does: emits "run-checks" with the target and entry. */
void          mfd_ndr_page_run_checks           (MfdNdrPage *self);

/* The page state, for tests: the parse (NULL before any text or on an
 * error), the entry the card shows, and the connector it matched. */
MfdNdrResult *mfd_ndr_page_get_result           (MfdNdrPage *self);
MfdNdrEntry  *mfd_ndr_page_get_selected_entry   (MfdNdrPage *self);
void          mfd_ndr_page_select_entry         (MfdNdrPage *self,
                                                 guint       index);
MfdConnector *mfd_ndr_page_get_matched_connector (MfdNdrPage *self);
/* The card's lines as shown: "title", "server", "state", "cause", "error". */
/* Test hook: the list of errors as shown, "title\nsubtitle" per row, the
 * primary first; empty when the text holds one error. */
char        **mfd_ndr_page_get_entry_list       (MfdNdrPage *self);
const char   *mfd_ndr_page_get_card_text        (MfdNdrPage *self,
                                                 const char *line);

G_END_DECLS
