/* mfd-watch-list.c — which saved connectors and domains are watched
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-watch-list"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mfd-text.h"
#include "mfd-util.h"
#include "mfd-watch.h"

#define WATCH_SCHEMA "mail-flow-doctor/watch-list/1"
/* A list of names, not a data set: anything bigger is not ours. */
#define WATCH_MAX_INPUT (1024 * 1024)

struct _MfdWatchList
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *ids;            /* NULL-terminated */
  /* The file exists but could not be read: never written over. */
  gboolean   save_blocked;
};

G_DEFINE_FINAL_TYPE (MfdWatchList, mfd_watch_list, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (mfd-watch-error-quark, mfd_watch_error)

char *
mfd_watch_id_for_connector (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  return g_strconcat ("connector:", name, NULL);
}

char *
mfd_watch_id_for_mx (const char *domain)
{
  g_return_val_if_fail (domain != NULL, NULL);
  return g_strconcat ("mx:", domain, NULL);
}

const char *
mfd_watch_id_get_label (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  if (g_str_has_prefix (id, "connector:"))
    return id + strlen ("connector:");
  if (g_str_has_prefix (id, "mx:"))
    return id + strlen ("mx:");
  return id;
}

static gboolean
id_is_valid (const char *id)
{
  return id != NULL && g_utf8_validate (id, -1, NULL) &&
         ((g_str_has_prefix (id, "connector:") && id[strlen ("connector:")] != '\0') ||
          (g_str_has_prefix (id, "mx:") && id[strlen ("mx:")] != '\0'));
}

MfdTarget *
mfd_watch_build_target (const char         *id,
                        MfdConnectorStore  *store,
                        GError            **error)
{
  g_return_val_if_fail (id != NULL, NULL);

  if (g_str_has_prefix (id, "mx:") && id_is_valid (id))
    {
      MfdTarget *target = mfd_target_new ();

      mfd_target_add_mx_domain (target, id + strlen ("mx:"));
      return target;
    }

  if (g_str_has_prefix (id, "connector:") && id_is_valid (id) && store != NULL)
    {
      MfdConnector *connector = mfd_connector_store_find (store, id + strlen ("connector:"));

      if (connector != NULL)
        return mfd_target_new_for_connector (connector);
    }

  {
    g_autofree char *message = mfd_text_render_va (NULL, N_("“{1}” is watched but is not a saved connector any more."),
                                                   mfd_watch_id_get_label (id), NULL);

    g_set_error_literal (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_UNKNOWN_TARGET, message);
  }
  return NULL;
}

MfdWatchList *
mfd_watch_list_new (const char *path)
{
  MfdWatchList *self = g_object_new (MFD_TYPE_WATCH_LIST, NULL);

  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_data_dir (), "mail-flow-doctor", "watch.json", NULL);
  return self;
}

const char *
mfd_watch_list_get_path (MfdWatchList *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_LIST (self), NULL);
  return self->path;
}

static void
clear_ids (MfdWatchList *self)
{
  g_ptr_array_set_size (self->ids, 0);
  g_ptr_array_add (self->ids, NULL);
}

static gboolean
parse (MfdWatchList  *self,
       const char    *contents,
       gsize          len,
       GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  JsonArray *array;
  const char *schema;

  if (!json_parser_load_from_data (parser, contents, len, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  object = json_node_get_object (root);
  schema = json_object_get_string_member_with_default (object, "schema", NULL);
  if (g_strcmp0 (schema, WATCH_SCHEMA) != 0)
    goto bad;
  if (!json_object_has_member (object, "targets") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "targets")))
    goto bad;
  array = json_object_get_array_member (object, "targets");

  clear_ids (self);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        goto bad;
      id = json_node_get_string (node);
      if (!id_is_valid (id))
        goto bad;
      if (!mfd_watch_list_contains (self, id))
        g_ptr_array_insert (self->ids, self->ids->len - 1, g_strdup (id));
    }
  return TRUE;

bad:
  clear_ids (self);
  g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       mfd_tr (NULL, N_("It is not a list of watched targets.")));
  return FALSE;
}

gboolean
mfd_watch_list_load (MfdWatchList  *self,
                     GError       **error)
{
  g_autoptr(GError) read_error = NULL;
  g_autoptr(GError) move_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *message = NULL;
  GStatBuf st;
  gsize len = 0;

  g_return_val_if_fail (MFD_IS_WATCH_LIST (self), FALSE);

  clear_ids (self);
  self->save_blocked = FALSE;

  if (g_stat (self->path, &st) != 0 && errno == ENOENT)
    {
      g_signal_emit (self, signals[CHANGED], 0);
      return TRUE;
    }

  if (!g_file_get_contents (self->path, &contents, &len, &read_error))
    {
      /* What is in it is unknown: it must not be replaced. */
      self->save_blocked = TRUE;
      message = mfd_text_render_va (NULL, N_("The list of watched connectors could not be read ({1}). It was left as it is, and nothing will be saved over it until it can be read."),
                                    read_error->message, NULL);
      g_set_error_literal (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_UNREADABLE, message);
      g_signal_emit (self, signals[CHANGED], 0);
      return FALSE;
    }

  if (len <= WATCH_MAX_INPUT && parse (self, contents, len, &read_error))
    {
      g_signal_emit (self, signals[CHANGED], 0);
      return TRUE;
    }
  if (read_error == NULL)
    read_error = g_error_new_literal (JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                                      mfd_tr (NULL, N_("It is not a list of watched targets.")));

  aside = mfd_util_move_aside (self->path, &move_error);
  if (aside != NULL)
    message = mfd_text_render_va (NULL, N_("The list of watched connectors could not be read ({1}). It was kept as “{2}”, and an empty list was started."),
                                  read_error->message, aside, NULL);
  else
    message = mfd_text_render_va (NULL, N_("The list of watched connectors could not be read ({1}), and it could not be moved aside ({2}). It will not be overwritten until it can be read."),
                                  read_error->message, move_error->message, NULL);
  self->save_blocked = aside == NULL;
  g_set_error_literal (error, MFD_WATCH_ERROR,
                       aside != NULL ? MFD_WATCH_ERROR_CORRUPT : MFD_WATCH_ERROR_UNREADABLE, message);
  g_signal_emit (self, signals[CHANGED], 0);
  return FALSE;
}

gboolean
mfd_watch_list_save (MfdWatchList  *self,
                     GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_return_val_if_fail (MFD_IS_WATCH_LIST (self), FALSE);

  if (self->save_blocked && g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = mfd_text_render_va (NULL, N_("The list of watched connectors was not saved, so that the unreadable file “{1}” is not overwritten. Move or delete it, then try again."),
                                                     self->path, NULL);

      g_set_error_literal (error, MFD_WATCH_ERROR, MFD_WATCH_ERROR_UNREADABLE, message);
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_string_value (builder, WATCH_SCHEMA);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i + 1 < self->ids->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->ids, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  data = json_generator_to_data (generator, &len);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  /* Temporary file, fsync, rename: a crash leaves the old list or the new. */
  if (!g_file_set_contents_full (self->path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  self->save_blocked = FALSE;
  return TRUE;
}

gboolean
mfd_watch_list_contains (MfdWatchList *self,
                         const char   *id)
{
  g_return_val_if_fail (MFD_IS_WATCH_LIST (self), FALSE);

  for (guint i = 0; i + 1 < self->ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->ids, i), id) == 0)
      return TRUE;
  return FALSE;
}

gboolean
mfd_watch_list_add (MfdWatchList *self,
                    const char   *id)
{
  g_return_val_if_fail (MFD_IS_WATCH_LIST (self), FALSE);
  g_return_val_if_fail (id_is_valid (id), FALSE);

  if (mfd_watch_list_contains (self, id))
    return FALSE;
  g_ptr_array_insert (self->ids, self->ids->len - 1, g_strdup (id));
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
mfd_watch_list_remove (MfdWatchList *self,
                       const char   *id)
{
  g_return_val_if_fail (MFD_IS_WATCH_LIST (self), FALSE);

  for (guint i = 0; i + 1 < self->ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->ids, i), id) == 0)
      {
        g_ptr_array_remove_index (self->ids, i);
        g_signal_emit (self, signals[CHANGED], 0);
        return TRUE;
      }
  return FALSE;
}

const char * const *
mfd_watch_list_get_ids (MfdWatchList *self)
{
  g_return_val_if_fail (MFD_IS_WATCH_LIST (self), NULL);
  return (const char * const *) self->ids->pdata;
}

static void
mfd_watch_list_finalize (GObject *object)
{
  MfdWatchList *self = MFD_WATCH_LIST (object);

  g_free (self->path);
  g_ptr_array_unref (self->ids);

  G_OBJECT_CLASS (mfd_watch_list_parent_class)->finalize (object);
}

static void
mfd_watch_list_class_init (MfdWatchListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mfd_watch_list_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mfd_watch_list_init (MfdWatchList *self)
{
  self->ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->ids, NULL);
}
