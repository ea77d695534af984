/* mfd-ui-util.h — small helpers shared by the pages
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mfd/mfd.h"

G_BEGIN_DECLS

/* The TLS settings a connector can have, in the order the combo rows list them. */
#define MFD_UI_N_CONNECTOR_TLS_MODES 4

/* Pages do not call into the window: a toast is asked for through its
 * win.toast action, and one with a button goes to the nearest toast
 * overlay (the window's). */
void         mfd_ui_show_toast          (GtkWidget   *widget,
                                         const char  *message);
void         mfd_ui_add_toast           (GtkWidget   *widget,
                                         AdwToast    *toast);
/* "450 4.4.316" as a chip coloured by severity (error / warning). */
GtkWidget   *mfd_ui_code_chip_new       (int          reply,
                                         const char  *code,
                                         gboolean     warning);
void         mfd_ui_code_chip_update    (GtkLabel    *chip,
                                         int          reply,
                                         const char  *code,
                                         gboolean     warning);
/* A label that wraps Japanese and English alike. */
GtkWidget   *mfd_ui_wrapping_label_new  (const char  *text,
                                         const char  *css_class);
/* A read-only row: a title over wrapped text, with an icon. */
GtkWidget   *mfd_ui_subtitle_row_new    (const char  *title,
                                         const char  *subtitle,
                                         const char  *icon_name);
GListModel  *mfd_ui_tls_mode_model_new  (void);
MfdTlsMode   mfd_ui_tls_mode_from_index (guint        index);
void         mfd_ui_set_tls_subtitle    (AdwComboRow *row,
                                         MfdTlsMode   mode);
guint        mfd_ui_tls_mode_to_index   (MfdTlsMode   mode);
/* "Smart hosts: a, b · TLS: Domain validation (*.contoso.com)" */
char        *mfd_ui_describe_connector  (MfdConnector *connector);
/* The report language the preferences ask for, as "en" / "ja" / NULL. */
const char  *mfd_ui_report_language     (GSettings   *settings);

/* The preferences in @settings applied to @target, for the window and the
 * watcher alike. */
void        mfd_ui_apply_settings      (GSettings   *settings,
                                        MfdTarget   *target);

G_END_DECLS
