/* mfd-command-row.c — one command of a fix: monospace, selectable, copyable
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-command-row"

#include "config.h"

#include "mfd/mfd.h"

#include "mfd-command-row.h"

/* A command wraps between its words ("-Identity", "\"Contoso\"", "$false"),
 * never inside one: the text's own break rules would split
 * "Set-OutboundConnector" after "Set-" and "postmaster@" anywhere. A
 * word too long for a line (a long -Properties list) may still break
 * inside, so nothing is cut off at 360 px. */
#define MAX_UNBROKEN_WORD 32

struct _MfdCommandRow
{
  AdwPreferencesRow  parent_instance;

  /* Template widgets */
  GtkImage          *mark;
  GtkLabel          *label;
  GtkButton         *button;
};

G_DEFINE_FINAL_TYPE (MfdCommandRow, mfd_command_row, ADW_TYPE_PREFERENCES_ROW)

static void
add_command_breaks (PangoAttrList *attributes,
                    const char    *command)
{
  const char *word = command;

  while (*word != '\0')
    {
      const char *end = word;

      while (*end != '\0' && *end != ' ')
        end++;
      if (end - word > 1 && end - word <= MAX_UNBROKEN_WORD)
        {
          PangoAttribute *keep = pango_attr_allow_breaks_new (FALSE);

          keep->start_index = word - command;
          keep->end_index = end - command;
          pango_attr_list_insert (attributes, keep);
        }
      word = *end == ' ' ? end + 1 : end;
    }
}

static void
mfd_command_row_class_init (MfdCommandRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mfd-command-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MfdCommandRow, mark);
  gtk_widget_class_bind_template_child (widget_class, MfdCommandRow, label);
  gtk_widget_class_bind_template_child (widget_class, MfdCommandRow, button);
}

static void
mfd_command_row_init (MfdCommandRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mfd_command_row_new (const char *command)
{
  MfdCommandRow *self = g_object_new (MFD_TYPE_COMMAND_ROW, NULL);

  mfd_command_row_set_command (self, command);
  return GTK_WIDGET (self);
}

const char *
mfd_command_row_get_command (MfdCommandRow *self)
{
  g_return_val_if_fail (MFD_IS_COMMAND_ROW (self), NULL);

  return gtk_label_get_label (self->label);
}

void
mfd_command_row_set_command (MfdCommandRow *self,
                             const char    *command)
{
  g_autoptr(PangoAttrList) attributes = NULL;

  g_return_if_fail (MFD_IS_COMMAND_ROW (self));
  g_return_if_fail (command != NULL);

  /* A hyphen added at a line break would read as part of the command. */
  attributes = pango_attr_list_new ();
  pango_attr_list_insert (attributes, pango_attr_insert_hyphens_new (FALSE));
  add_command_breaks (attributes, command);
  gtk_label_set_label (self->label, command);
  gtk_label_set_attributes (self->label, attributes);
  /* The page's results.copy-command copies it and warns about what is
   * still a placeholder. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->button), "s", command);
  gtk_widget_set_visible (GTK_WIDGET (self->mark), mfd_remedy_command_has_placeholder (command));
}

gboolean
mfd_command_row_is_marked (MfdCommandRow *self)
{
  g_return_val_if_fail (MFD_IS_COMMAND_ROW (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->mark));
}
