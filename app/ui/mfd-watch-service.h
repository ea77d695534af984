/* mfd-watch-service.h — the application's watcher and its notifications
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd/mfd.h"

G_BEGIN_DECLS

#define MFD_TYPE_WATCH_SERVICE (mfd_watch_service_get_type ())
G_DECLARE_FINAL_TYPE (MfdWatchService, mfd_watch_service, MFD, WATCH_SERVICE, GObject)

/* Watches the targets of the watch list (beside the connector list) with
 * the user's preferences and turns every change event into one
 * notification of @application, whose default action,
 * "app.show-watch-result" with the watch id, opens the results of that
 * check. Adds that action to @application. Loading the list, the history
 * and the connectors happens on a worker thread; watching starts when it is
 * done. */
MfdWatchService *mfd_watch_service_new           (GApplication       *application,
                                                  GSettings          *settings);
void             mfd_watch_service_start         (MfdWatchService    *self);
/* Reads the watch list again (the window changed it) and watches that. */
void             mfd_watch_service_reload        (MfdWatchService    *self);
/* (nullable) the watcher, NULL until loaded ("notify::watcher") */
MfdWatcher      *mfd_watch_service_get_watcher   (MfdWatchService    *self);
/* (nullable) the watched ids once loaded, NULL when nothing is watched */
const char * const *mfd_watch_service_get_ids    (MfdWatchService    *self);
/* The last check of @id (this run or an earlier one): FALSE when none.
 * @problem: (out) (nullable): its code or cause. "updated" is emitted when
 * the ids or a last check change. */
gboolean         mfd_watch_service_get_last_check (MfdWatchService  *self,
                                                   const char       *id,
                                                   gint64           *time,
                                                   MfdVerdict       *verdict,
                                                   const char      **problem);
/* (nullable) the last diagnosis of @id seen by this process */
MfdDiagnosis    *mfd_watch_service_get_diagnosis (MfdWatchService    *self,
                                                  const char         *id);
/* Test hook: builds the targets instead of the connector list; set it
 * before the watcher is loaded. */
void             mfd_watch_service_set_target_func (MfdWatchService  *self,
                                                    MfdWatchTargetFunc func,
                                                    gpointer          user_data,
                                                    GDestroyNotify    destroy);
/* Watching with no window ("watch-in-background"): the Background
 * portal's answer to the last request. */
typedef enum
{
  MFD_WATCH_BACKGROUND_OFF,          /* not asked for */
  MFD_WATCH_BACKGROUND_ASKING,
  MFD_WATCH_BACKGROUND_ALLOWED,
  MFD_WATCH_BACKGROUND_DENIED,       /* the user said no */
  MFD_WATCH_BACKGROUND_UNAVAILABLE,  /* no portal answered */
} MfdWatchBackground;

/* When the user turns "watch-in-background" on, the service asks the
 * Background portal (with autostart: "mail-flow-doctor --background");
 * when the portal says no or is not there the key is turned off again and
 * the state says why. While the key is on and something is watched the
 * application is held, so closing the window keeps it watching. */
MfdWatchBackground mfd_watch_service_get_background      (MfdWatchService *self);
/* (nullable) a sentence for the preferences about the state, translated */
const char        *mfd_watch_service_get_background_text (MfdWatchService *self);

/* The notification id of @event's target: "watch:ID". */
char            *mfd_watch_service_notification_id (const char       *id);

G_END_DECLS
