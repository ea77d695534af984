/* mfd-recent-list.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd/mfd.h"

G_BEGIN_DECLS

#define MFD_TYPE_RECENT_ITEM (mfd_recent_item_get_type ())
G_DECLARE_FINAL_TYPE (MfdRecentItem, mfd_recent_item, MFD, RECENT_ITEM, GObject)

/* One recent diagnosis as the start page lists it. */
const char *mfd_recent_item_get_id        (MfdRecentItem *self);
/* "problem", "ok", "inconclusive" (mfd_verdict_to_string()). */
const char *mfd_recent_item_get_verdict   (MfdRecentItem *self);
/* The first finding's code, or "". */
const char *mfd_recent_item_get_code      (MfdRecentItem *self);
const char *mfd_recent_item_get_target    (MfdRecentItem *self);
/* (nullable) */
GDateTime  *mfd_recent_item_get_time      (MfdRecentItem *self);
/* (nullable) the saved connector it was checked from */
const char *mfd_recent_item_get_connector (MfdRecentItem *self);

#define MFD_TYPE_RECENT_LIST (mfd_recent_list_get_type ())
G_DECLARE_FINAL_TYPE (MfdRecentList, mfd_recent_list, MFD, RECENT_LIST, GObject)

/* The recent diagnoses: a GListModel of MfdRecentItem, newest first, kept
 * in @settings' "recent" key (the one place that reads and writes it) and
 * reloaded when the key changes. The diagnoses of this session are kept
 * too, so that they reopen as they were. */
MfdRecentList *mfd_recent_list_new    (GSettings     *settings);
/* Puts @diagnosis first; a re-check replaces the entry for the same
 * destination. */
void           mfd_recent_list_add    (MfdRecentList *self,
                                       MfdDiagnosis  *diagnosis);
/* (nullable) the diagnosis of this session with @id */
MfdDiagnosis  *mfd_recent_list_lookup (MfdRecentList *self,
                                       const char    *id);

G_END_DECLS
