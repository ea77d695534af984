/* mfd-connector-store.c — the user's saved list of connectors
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-connector-store"

/* renameat2() and RENAME_NOREPLACE */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mfd-connector.h"
#include "mfd-connector-private.h"
#include "mfd-text.h"
#include "mfd-util.h"

struct _MfdConnectorStore
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *items;

  /* A file that exists but could not be read (permissions, I/O, or a
   * corrupt one that could not be moved aside) is still at @path; saving
   * is refused so that it is never overwritten. */
  gboolean   save_blocked;

  /* One write at a time, so that an older list never lands after a newer
   * one: the tasks the running write will answer, and those that asked
   * while it ran, which one write of the list as it is then serves. */
  GPtrArray *writing;
  GPtrArray *queued;
  guint      writes;
};

static void mfd_connector_store_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MfdConnectorStore, mfd_connector_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      mfd_connector_store_list_model_init))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GPtrArray *connectors;   /* what was read, or NULL */
  gboolean   blocked;      /* the file is unreadable and still in place */
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->connectors, g_ptr_array_unref);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadResult, load_result_free)

/* Renames @from to @to unless @to exists, in one step: a test for the name
 * followed by rename() could still replace a file that appeared in between,
 * and takes a dangling symbolic link for a free name. RENAME_NOREPLACE
 * where the file system has it; otherwise a hard link (which never
 * replaces either) and the removal of the old name. */
static gboolean
rename_no_replace (const char *from,
                   const char *to)
{
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return TRUE;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return FALSE;

  if (link (from, to) != 0)
    return FALSE;
  if (g_unlink (from) != 0)
    {
      int saved_errno = errno;

      g_unlink (to);
      errno = saved_errno;
      return FALSE;
    }
  return TRUE;
}

/* Moves an unreadable file to "<path>.corrupt-<timestamp>[-N]", never onto
 * an existing file. Returns the new path. Shared with the watch history
 * (mfd-util.h). */
char *
mfd_util_move_aside (const char  *path,
                     GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  for (guint attempt = 1; attempt <= 100; attempt++)
    {
      g_autofree char *aside = attempt == 1
        ? g_strdup_printf ("%s.corrupt-%s", path, stamp)
        : g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, attempt);
      int saved_errno;

      if (rename_no_replace (path, aside))
        return g_steal_pointer (&aside);

      saved_errno = errno;
      if (saved_errno == EEXIST)
        continue;
      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return NULL;
    }

  g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, g_strerror (EEXIST));
  return NULL;
}

/* The file is there but cannot be read: it is left where it is, the list
 * shows empty, and no save replaces it (see write_file()) until a later
 * load can read it or it has been moved away. */
static LoadResult *
unreadable (const char  *reason,
            GError     **error)
{
  LoadResult *result = g_new0 (LoadResult, 1);
  g_autofree char *message = mfd_text_render_va (NULL, N_("The saved connector list could not be read ({1}). It was left as it is, and nothing will be saved over it until it can be read."),
                                                 reason, NULL);

  result->blocked = TRUE;
  g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_UNREADABLE, message);
  return result;
}

/* Blocking; runs in a worker thread for the async call. */
static LoadResult *
read_file (const char  *path,
           GError     **error)
{
  g_autoptr(LoadResult) result = g_new0 (LoadResult, 1);
  g_autoptr(GError) read_error = NULL;
  g_autoptr(GError) move_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *message = NULL;
  GStatBuf st;
  gsize len = 0;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_autofree char *reason = NULL;

      if (saved_errno == ENOENT)
        {
          result->connectors = g_ptr_array_new_with_free_func (g_object_unref);
          return g_steal_pointer (&result);
        }

      /* Not "no such file": it may well exist (a directory on the way
       * that cannot be searched, an I/O error). */
      reason = g_strdup_printf ("%s: %s", path, g_strerror (saved_errno));
      return unreadable (reason, error);
    }

  if (st.st_size > MFD_CONNECTOR_MAX_INPUT)
    {
      g_autofree char *max = g_strdup_printf ("%d", MFD_CONNECTOR_MAX_INPUT / (1024 * 1024));

      g_autofree char *reason = mfd_text_render_va (NULL, N_("The text is larger than {1} MB, so it is not a connector export."), max, NULL);
      read_error = g_error_new_literal (MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE, reason);
    }
  else if (!g_file_get_contents (path, &contents, &len, &read_error))
    {
      /* Permission denied, an I/O error, a directory in its place: what
       * is in the file is unknown, so it must not be replaced. */
      return unreadable (read_error->message, error);
    }
  else
    result->connectors = mfd_connector_import (contents, len, &read_error);

  if (read_error == NULL)
    return g_steal_pointer (&result);

  aside = mfd_util_move_aside (path, &move_error);
  if (aside != NULL)
    message = mfd_text_render_va (NULL, N_("The saved connector list could not be read ({1}). It was kept as “{2}”, and an empty list was started."),
                                  read_error->message, aside, NULL);
  else
    message = mfd_text_render_va (NULL, N_("The saved connector list could not be read ({1}), and it could not be moved aside ({2}). It will not be overwritten until it can be read."),
                                  read_error->message, move_error->message, NULL);

  result->blocked = aside == NULL;
  g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_CORRUPT, message);
  return g_steal_pointer (&result);
}

static void
replace_items (MfdConnectorStore *self,
               GPtrArray         *connectors)
{
  guint removed = self->items->len;

  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; connectors != NULL && i < connectors->len; i++)
    g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (connectors, i)));

  if (removed > 0 || self->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
}

/* A corrupt file leaves the list empty: what is shown is what would be saved. */
static gboolean
apply_load_result (MfdConnectorStore  *self,
                   LoadResult         *result,
                   GError            **error,
                   GError             *read_error)
{
  if (result == NULL)
    {
      g_propagate_error (error, read_error);
      return FALSE;
    }

  self->save_blocked = result->blocked;
  replace_items (self, result->connectors);

  if (read_error != NULL)
    {
      g_propagate_error (error, read_error);
      return FALSE;
    }

  return TRUE;
}

gboolean
mfd_connector_store_load (MfdConnectorStore  *self,
                          GError            **error)
{
  g_autoptr(LoadResult) result = NULL;
  GError *read_error = NULL;

  g_return_val_if_fail (MFD_IS_CONNECTOR_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = read_file (self->path, &read_error);
  return apply_load_result (self, result, error, read_error);
}

typedef struct
{
  LoadResult *result;
  GError     *error;
} LoadTaskData;

static void
load_task_data_free (LoadTaskData *data)
{
  g_clear_pointer (&data->result, load_result_free);
  g_clear_error (&data->error);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  LoadTaskData *data = g_new0 (LoadTaskData, 1);

  data->result = read_file (path, &data->error);
  g_task_return_pointer (task, data, (GDestroyNotify) load_task_data_free);
}

void
mfd_connector_store_load_async (MfdConnectorStore   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MFD_IS_CONNECTOR_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_connector_store_load_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
mfd_connector_store_load_finish (MfdConnectorStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  LoadTaskData *data;
  gboolean ok;

  g_return_val_if_fail (MFD_IS_CONNECTOR_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_connector_store_load_async, FALSE);

  data = g_task_propagate_pointer (G_TASK (result), error);
  if (data == NULL)
    return FALSE;

  /* The list changes here, on the caller's thread, never in the worker. */
  ok = apply_load_result (self, data->result, error, g_steal_pointer (&data->error));
  load_task_data_free (data);
  return ok;
}

static GBytes *
serialize (MfdConnectorStore *self)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  char *data;
  gsize len;

  for (guint i = 0; i < self->items->len; i++)
    json_array_add_object_element (array, mfd_connector_to_json (g_ptr_array_index (self->items, i)));

  json_node_take_array (root, array);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  data = json_generator_to_data (generator, &len);

  return g_bytes_new_take (data, len);
}

static void
set_refused_error (const char  *path,
                   GError     **error)
{
  g_autofree char *message = mfd_text_render_va (NULL, N_("The connector list was not saved, so that the unreadable file “{1}” is not overwritten. Move or delete it, then try again."),
                                                 path, NULL);

  g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_UNREADABLE, message);
}

static gboolean
set_errno_error (const char  *path,
                 int          saved_errno,
                 GError     **error)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: %s", path, g_strerror (saved_errno));
  return FALSE;
}

/* The whole list into a new file beside @path, synced; then moved to @path
 * only if nothing is there (the unreadable file has been moved or deleted
 * since), so that it cannot replace one that is still there or has just
 * appeared. */
static gboolean
write_file_no_replace (const char  *path,
                       const char  *data,
                       gsize        len,
                       GError     **error)
{
  g_autofree char *tmp = g_strconcat (path, ".new-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  int saved_errno;

  if (fd < 0)
    return set_errno_error (tmp, errno, error);

  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      data += n;
      len -= n;
    }
  if (len > 0 || fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_unlink (tmp);
      return set_errno_error (tmp, saved_errno, error);
    }
  if (close (fd) != 0)
    {
      saved_errno = errno;
      g_unlink (tmp);
      return set_errno_error (tmp, saved_errno, error);
    }

  if (rename_no_replace (tmp, path))
    return TRUE;

  saved_errno = errno;
  g_unlink (tmp);
  if (saved_errno == EEXIST)
    {
      set_refused_error (path, error);
      return FALSE;
    }
  return set_errno_error (path, saved_errno, error);
}

/* Blocking; runs in a worker thread for the async call. @only_if_absent:
 * the file at @path could not be read, so it may only be written if it is
 * gone by now. */
static gboolean
write_file (const char  *path,
            GBytes      *bytes,
            gboolean     only_if_absent,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return set_errno_error (dir, errno, error);

  if (only_if_absent)
    return write_file_no_replace (path, data, len, error);

  /* Written to a temporary file, synced and renamed over the old one, so a
   * crash leaves either the old list or the new one, never half of one. */
  return g_file_set_contents_full (path, data, len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

guint
mfd_connector_store_get_writes (MfdConnectorStore *self)
{
  return self->writes;
}

gboolean
mfd_connector_store_save (MfdConnectorStore  *self,
                          GError            **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (MFD_IS_CONNECTOR_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = serialize (self);
  if (!write_file (self->path, bytes, self->save_blocked, error))
    return FALSE;
  self->save_blocked = FALSE;
  return TRUE;
}

typedef struct
{
  char     *path;
  GBytes   *bytes;
  gboolean  only_if_absent;
} SaveTaskData;

static void
save_task_data_free (SaveTaskData *data)
{
  g_free (data->path);
  g_bytes_unref (data->bytes);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveTaskData *data = task_data;
  GError *error = NULL;

  if (write_file (data->path, data->bytes, data->only_if_absent, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void start_write (MfdConnectorStore *self);

static void
on_write_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MfdConnectorStore *self = MFD_CONNECTOR_STORE (object);
  SaveTaskData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) answered = g_steal_pointer (&self->writing);
  g_autoptr(GError) error = NULL;

  /* The unreadable file was gone, and the list now stands in its place. */
  if (g_task_propagate_boolean (G_TASK (result), &error) && data->only_if_absent)
    self->save_blocked = FALSE;

  for (guint i = 0; i < answered->len; i++)
    {
      GTask *task = g_ptr_array_index (answered, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }

  if (self->queued->len > 0)
    start_write (self);
}

/* Writes the list as it is now for every queued task. */
static void
start_write (MfdConnectorStore *self)
{
  g_autoptr(GTask) write = NULL;
  SaveTaskData *data;

  /* Serialised here, so the worker never touches the connectors. */
  data = g_new0 (SaveTaskData, 1);
  data->path = g_strdup (self->path);
  data->bytes = serialize (self);
  data->only_if_absent = self->save_blocked;
  self->writes++;
  self->writing = g_steal_pointer (&self->queued);
  self->queued = g_ptr_array_new_with_free_func (g_object_unref);

  write = g_task_new (self, NULL, on_write_done_cb, NULL);
  g_task_set_source_tag (write, start_write);
  g_task_set_task_data (write, data, (GDestroyNotify) save_task_data_free);
  g_task_run_in_thread (write, save_thread);
}

void
mfd_connector_store_save_async (MfdConnectorStore   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MFD_IS_CONNECTOR_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_connector_store_save_async);

  g_ptr_array_add (self->queued, g_steal_pointer (&task));
  if (self->writing == NULL)
    start_write (self);
}

gboolean
mfd_connector_store_save_finish (MfdConnectorStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_connector_store_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static int
find_index (MfdConnectorStore *self,
            const char        *name)
{
  g_autofree char *wanted = NULL;

  if (name == NULL)
    return -1;

  wanted = g_utf8_casefold (name, -1);
  for (guint i = 0; i < self->items->len; i++)
    {
      const char *candidate_name = mfd_connector_get_name (g_ptr_array_index (self->items, i));
      g_autofree char *candidate = candidate_name ? g_utf8_casefold (candidate_name, -1) : NULL;

      if (g_strcmp0 (candidate, wanted) == 0)
        return i;
    }

  return -1;
}

void
mfd_connector_store_add (MfdConnectorStore *self,
                         MfdConnector      *connector)
{
  const char *name;
  int index;

  g_return_if_fail (MFD_IS_CONNECTOR_STORE (self));
  g_return_if_fail (MFD_IS_CONNECTOR (connector));

  /* A nameless connector would save into a file that no longer loads. */
  name = mfd_connector_get_name (connector);
  g_return_if_fail (name != NULL && *name != '\0');

  index = find_index (self, name);
  if (index >= 0)
    {
      if (g_ptr_array_index (self->items, index) == (gpointer) connector)
        return;

      g_object_unref (g_ptr_array_index (self->items, index));
      g_ptr_array_index (self->items, index) = g_object_ref (connector);
      g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 1);
      return;
    }

  g_ptr_array_add (self->items, g_object_ref (connector));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
}

void
mfd_connector_store_remove (MfdConnectorStore *self,
                            MfdConnector      *connector)
{
  guint index;

  g_return_if_fail (MFD_IS_CONNECTOR_STORE (self));
  g_return_if_fail (MFD_IS_CONNECTOR (connector));

  if (!g_ptr_array_find (self->items, connector, &index))
    return;

  g_ptr_array_remove_index (self->items, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
}

MfdConnector *
mfd_connector_store_find (MfdConnectorStore *self,
                          const char        *name)
{
  int index;

  g_return_val_if_fail (MFD_IS_CONNECTOR_STORE (self), NULL);

  index = find_index (self, name);
  return index >= 0 ? g_ptr_array_index (self->items, index) : NULL;
}

MfdConnector *
mfd_connector_store_match_host (MfdConnectorStore *self,
                                const char        *host)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR_STORE (self), NULL);

  if (host == NULL)
    return NULL;

  for (guint i = 0; i < self->items->len; i++)
    if (mfd_connector_smart_host_matches (g_ptr_array_index (self->items, i), host))
      return g_ptr_array_index (self->items, i);

  for (guint i = 0; i < self->items->len; i++)
    if (mfd_connector_domain_matches (g_ptr_array_index (self->items, i), host))
      return g_ptr_array_index (self->items, i);

  return NULL;
}

const char *
mfd_connector_store_get_path (MfdConnectorStore *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR_STORE (self), NULL);

  return self->path;
}

MfdConnectorStore *
mfd_connector_store_new (const char *path)
{
  return g_object_new (MFD_TYPE_CONNECTOR_STORE, "path", path, NULL);
}

static GType
mfd_connector_store_get_item_type (GListModel *model)
{
  return MFD_TYPE_CONNECTOR;
}

static guint
mfd_connector_store_get_n_items (GListModel *model)
{
  return MFD_CONNECTOR_STORE (model)->items->len;
}

static gpointer
mfd_connector_store_get_item (GListModel *model,
                              guint       position)
{
  MfdConnectorStore *self = MFD_CONNECTOR_STORE (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
mfd_connector_store_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mfd_connector_store_get_item_type;
  iface->get_n_items = mfd_connector_store_get_n_items;
  iface->get_item = mfd_connector_store_get_item;
}

static void
mfd_connector_store_finalize (GObject *object)
{
  MfdConnectorStore *self = (MfdConnectorStore *) object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->queued, g_ptr_array_unref);

  G_OBJECT_CLASS (mfd_connector_store_parent_class)->finalize (object);
}

static void
mfd_connector_store_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MfdConnectorStore *self = MFD_CONNECTOR_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_connector_store_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  MfdConnectorStore *self = MFD_CONNECTOR_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_get_string (value) != NULL
        ? g_value_dup_string (value)
        : g_build_filename (g_get_user_data_dir (), "mail-flow-doctor", "connectors.json", NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_connector_store_class_init (MfdConnectorStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mfd_connector_store_finalize;
  object_class->get_property = mfd_connector_store_get_property;
  object_class->set_property = mfd_connector_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mfd_connector_store_init (MfdConnectorStore *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->queued = g_ptr_array_new_with_free_func (g_object_unref);
}
