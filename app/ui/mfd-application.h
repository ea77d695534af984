/* mfd-application.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd-recent-list.h"
#include "mfd-watch-service.h"
#include "mfd-watch-model.h"

G_BEGIN_DECLS

#define MFD_TYPE_APPLICATION (mfd_application_get_type ())
G_DECLARE_FINAL_TYPE (MfdApplication, mfd_application, MFD, APPLICATION, AdwApplication)

MfdApplication *mfd_application_new          (const char        *application_id,
                                              GApplicationFlags  flags);
/* The one GSettings object: every window and page reads it from here. */
GSettings      *mfd_application_get_settings (MfdApplication    *self);
/* The recent diagnoses, kept in the settings: the start page lists them. */
MfdRecentList  *mfd_application_get_recent   (MfdApplication    *self);
/* The watched targets and their last check: the start page lists them,
 * the connectors page switches them on and off. */
MfdWatchModel  *mfd_application_get_watch_model (MfdApplication *self);
/* Arms (once) the notification that asks to check @where again in an
 * hour; the application stays alive until then. Returns when it is due. */
GDateTime      *mfd_application_remind       (MfdApplication    *self,
                                              const char        *where);
/* When the reminder is due, or NULL when none is armed. */
GDateTime      *mfd_application_get_reminder (MfdApplication    *self);
/* (nullable) the watcher of watched connectors, from startup on */
MfdWatchService *mfd_application_get_watch_service (MfdApplication *self);

G_END_DECLS
