/* mfd-ui-main.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ui-main"

#include "config.h"

#include <gmodule.h>

#include "mfd-application.h"
#include "mfd-ui-main.h"

/* For tests/bench: when MFD_BENCH_FIRST_FRAME is set, print on stderr the
 * CLOCK_MONOTONIC time (µs) at which the first window finished painting its
 * first frame, so the cold-start figure is a frame the app drew rather than
 * the moment X mapped the window. Prints a number and nothing else. */
static void
on_first_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  g_printerr ("mfd-first-frame-monotonic-us=%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, on_first_paint_cb, user_data);
}

static void
on_window_realize_cb (GtkWidget *window,
                      gpointer   user_data)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_first_paint_cb), NULL);
  g_signal_handlers_disconnect_by_func (window, on_window_realize_cb, user_data);
}

static void
on_window_added_cb (GtkApplication *app,
                    GtkWindow      *window,
                    gpointer        user_data)
{
  g_signal_connect (window, "realize", G_CALLBACK (on_window_realize_cb), NULL);
  g_signal_handlers_disconnect_by_func (app, on_window_added_cb, user_data);
}

/* The executable has already set the locale and bound the text domain;
 * the resource bundle registered itself when the module was loaded. */
G_MODULE_EXPORT int
mfd_ui_main (int    argc,
             char **argv)
{
  g_autoptr(MfdApplication) app = NULL;

  app = mfd_application_new (APP_ID, G_APPLICATION_HANDLES_OPEN);
  if (g_getenv ("MFD_BENCH_FIRST_FRAME") != NULL)
    g_signal_connect (app, "window-added", G_CALLBACK (on_window_added_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
