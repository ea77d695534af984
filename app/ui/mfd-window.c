/* mfd-window.c — the wizard frame
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-window.h"

struct _MfdWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GPtrArray            *history;      /* page names we came from, for Back */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkButton            *back_button;
  AdwWindowTitle       *title;
};

G_DEFINE_FINAL_TYPE (MfdWindow, mfd_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_header (MfdWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);
  GtkStackPage *page = gtk_stack_get_page (self->stack, child);

  adw_window_title_set_title (self->title, gtk_stack_page_get_title (page));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->history->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", self->history->len > 0);
}

static void
go_back (MfdWindow *self)
{
  g_autofree char *previous = NULL;

  if (self->history->len == 0)
    return;

  previous = g_ptr_array_steal_index (self->history, self->history->len - 1);
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT);
  gtk_stack_set_visible_child_name (self->stack, previous);
  update_header (self);
}

static void
mfd_window_back_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  go_back (MFD_WINDOW (widget));
}

static void
mfd_window_show_page_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  mfd_window_show_page (MFD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
save_window_state (MfdWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
mfd_window_close_request (GtkWindow *window)
{
  save_window_state (MFD_WINDOW (window));

  return GTK_WINDOW_CLASS (mfd_window_parent_class)->close_request (window);
}

static void
mfd_window_dispose (GObject *object)
{
  MfdWindow *self = MFD_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MFD_TYPE_WINDOW);

  G_OBJECT_CLASS (mfd_window_parent_class)->dispose (object);
}

static void
mfd_window_finalize (GObject *object)
{
  MfdWindow *self = MFD_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->history, g_ptr_array_unref);

  G_OBJECT_CLASS (mfd_window_parent_class)->finalize (object);
}

static void
mfd_window_class_init (MfdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mfd_window_dispose;
  object_class->finalize = mfd_window_finalize;
  window_class->close_request = mfd_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, MfdWindow, title);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, mfd_window_back_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", mfd_window_show_page_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
}

static void
mfd_window_init (MfdWindow *self)
{
  int width, height;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->history = g_ptr_array_new_with_free_func (g_free);
  self->settings = g_settings_new (BASE_APP_ID);

  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  update_header (self);
}

MfdWindow *
mfd_window_new (MfdApplication *application)
{
  return g_object_new (MFD_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

void
mfd_window_show_page (MfdWindow  *self,
                      const char *name)
{
  const char *current;

  g_return_if_fail (MFD_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (gtk_stack_get_child_by_name (self->stack, name) == NULL)
    {
      g_warning ("No page named “%s”", name);
      return;
    }

  current = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (current, name) == 0)
    return;

  if (g_str_equal (name, "start"))
    g_ptr_array_set_size (self->history, 0);
  else
    g_ptr_array_add (self->history, g_strdup (current));

  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT);
  gtk_stack_set_visible_child_name (self->stack, name);
  update_header (self);
}

const char *
mfd_window_get_page_name (MfdWindow *self)
{
  g_return_val_if_fail (MFD_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
mfd_window_open_file (MfdWindow *self,
                      GFile     *file)
{
  g_return_if_fail (MFD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* The NDR page reads the file once it exists; until then tell the user. */
  mfd_window_show_page (self, "ndr");
}

void
mfd_window_add_toast (MfdWindow  *self,
                      const char *title)
{
  g_return_if_fail (MFD_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}
