/* mfd-application.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd-watch-service.h"

G_BEGIN_DECLS

#define MFD_TYPE_APPLICATION (mfd_application_get_type ())
G_DECLARE_FINAL_TYPE (MfdApplication, mfd_application, MFD, APPLICATION, AdwApplication)

MfdApplication *mfd_application_new          (const char        *application_id,
                                              GApplicationFlags  flags);
GSettings      *mfd_application_get_settings (MfdApplication    *self);
/* (nullable) the watcher of watched connectors, from startup on */
MfdWatchService *mfd_application_get_watch_service (MfdApplication *self);

G_END_DECLS
