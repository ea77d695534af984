/* mfd-recent-list.c — the recent diagnoses, as a list model kept in GSettings
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-recent-list"

#include "config.h"

#include <json-glib/json-glib.h>

#include "mfd-recent-list.h"

#define MAX_RECENT 8

struct _MfdRecentItem
{
  GObject    parent_instance;

  char      *id;
  char      *verdict;
  char      *code;
  char      *target;
  GDateTime *time;
  char      *connector;
  char      *json;        /* as stored: a hand-edited entry is kept as it is */
};

G_DEFINE_FINAL_TYPE (MfdRecentItem, mfd_recent_item, G_TYPE_OBJECT)

struct _MfdRecentList
{
  GObject     parent_instance;

  GSettings  *settings;
  GPtrArray  *items;          /* (element-type MfdRecentItem) */
  GHashTable *diagnoses;      /* id -> MfdDiagnosis of this session */
};

static void mfd_recent_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MfdRecentList, mfd_recent_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mfd_recent_list_model_init))

static void
mfd_recent_item_finalize (GObject *object)
{
  MfdRecentItem *self = MFD_RECENT_ITEM (object);

  g_free (self->id);
  g_free (self->verdict);
  g_free (self->code);
  g_free (self->target);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->connector);
  g_free (self->json);

  G_OBJECT_CLASS (mfd_recent_item_parent_class)->finalize (object);
}

static void
mfd_recent_item_class_init (MfdRecentItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mfd_recent_item_finalize;
}

static void
mfd_recent_item_init (MfdRecentItem *self)
{
}

/* A hand-edited value may hold anything: text members only, else @fallback
 * (json-glib's own _with_default getters complain about other types). */
static const char *
member_text (JsonObject *object,
             const char *member,
             const char *fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return fallback;
}

static MfdRecentItem *
item_from_json (const char *text)
{
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  JsonObject *object;
  MfdRecentItem *item;
  const char *time;

  /* The key is ours, but a hand-edited value must not break the page. */
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  item = g_object_new (MFD_TYPE_RECENT_ITEM, NULL);
  item->id = g_strdup (member_text (object, "id", NULL));
  item->verdict = g_strdup (member_text (object, "verdict", ""));
  item->code = g_strdup (member_text (object, "code", ""));
  item->target = g_strdup (member_text (object, "target", ""));
  time = member_text (object, "time", NULL);
  item->time = time != NULL ? g_date_time_new_from_iso8601 (time, NULL) : NULL;
  item->connector = g_strdup (member_text (object, "connector", NULL));
  item->json = g_strdup (text);
  return item;
}

static char *
item_to_json (MfdRecentItem *item)
{
  g_autoptr(JsonBuilder) json = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *time = item->time != NULL ? g_date_time_format_iso8601 (item->time) : NULL;

  json_builder_begin_object (json);
  json_builder_set_member_name (json, "id");
  json_builder_add_string_value (json, item->id);
  json_builder_set_member_name (json, "verdict");
  json_builder_add_string_value (json, item->verdict);
  json_builder_set_member_name (json, "code");
  json_builder_add_string_value (json, item->code);
  json_builder_set_member_name (json, "target");
  json_builder_add_string_value (json, item->target);
  json_builder_set_member_name (json, "time");
  json_builder_add_string_value (json, time);
  json_builder_set_member_name (json, "connector");
  if (item->connector != NULL)
    json_builder_add_string_value (json, item->connector);
  else
    json_builder_add_null_value (json);
  json_builder_end_object (json);

  root = json_builder_get_root (json);
  return json_to_string (root, FALSE);
}

static void
reload (MfdRecentList *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent");
  guint removed = self->items->len;

  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      MfdRecentItem *item = item_from_json (recent[i]);

      if (item != NULL)
        g_ptr_array_add (self->items, item);
    }
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
}

static GType
mfd_recent_list_get_item_type (GListModel *model)
{
  return MFD_TYPE_RECENT_ITEM;
}

static guint
mfd_recent_list_get_n_items (GListModel *model)
{
  return MFD_RECENT_LIST (model)->items->len;
}

static gpointer
mfd_recent_list_get_item (GListModel *model,
                          guint       position)
{
  MfdRecentList *self = MFD_RECENT_LIST (model);

  return position < self->items->len ? g_object_ref (self->items->pdata[position]) : NULL;
}

static void
mfd_recent_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mfd_recent_list_get_item_type;
  iface->get_n_items = mfd_recent_list_get_n_items;
  iface->get_item = mfd_recent_list_get_item;
}

static void
mfd_recent_list_finalize (GObject *object)
{
  MfdRecentList *self = MFD_RECENT_LIST (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->diagnoses, g_hash_table_unref);

  G_OBJECT_CLASS (mfd_recent_list_parent_class)->finalize (object);
}

static void
mfd_recent_list_class_init (MfdRecentListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mfd_recent_list_finalize;
}

static void
mfd_recent_list_init (MfdRecentList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->diagnoses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

MfdRecentList *
mfd_recent_list_new (GSettings *settings)
{
  MfdRecentList *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MFD_TYPE_RECENT_LIST, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::recent", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  reload (self);
  return self;
}

void
mfd_recent_list_add (MfdRecentList *self,
                     MfdDiagnosis  *diagnosis)
{
  g_autoptr(MfdRecentItem) item = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) entries = NULL;
  g_autoptr(GPtrArray) kept_ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer id;
  GPtrArray *findings;
  MfdTarget *target;

  g_return_if_fail (MFD_IS_RECENT_LIST (self));
  g_return_if_fail (MFD_IS_DIAGNOSIS (diagnosis));

  target = mfd_diagnosis_get_target (diagnosis);
  findings = mfd_diagnosis_get_findings (diagnosis);
  item = g_object_new (MFD_TYPE_RECENT_ITEM, NULL);
  item->id = g_uuid_string_random ();
  item->verdict = g_strdup (mfd_verdict_to_string (mfd_diagnosis_get_verdict (diagnosis)));
  item->code = g_strdup (findings->len > 0 ? ((MfdFinding *) findings->pdata[0])->code : "");
  item->target = mfd_target_describe (target, NULL);
  item->time = g_date_time_ref (mfd_diagnosis_get_time (diagnosis));
  item->connector = g_strdup (mfd_target_get_connector_name (target));

  item->json = item_to_json (item);
  g_strv_builder_add (builder, item->json);
  g_ptr_array_add (kept_ids, item->id);
  /* A re-check replaces the entry for the same destination. */
  for (guint i = 0; i < self->items->len && kept_ids->len < MAX_RECENT; i++)
    {
      MfdRecentItem *old = self->items->pdata[i];

      if (g_strcmp0 (old->target, item->target) == 0 && g_strcmp0 (old->connector, item->connector) == 0)
        continue;
      g_strv_builder_add (builder, old->json);
      /* A hand-edited entry may have no id: it counts, but reopens nothing. */
      g_ptr_array_add (kept_ids, old->id != NULL ? old->id : (char *) "");
    }
  entries = g_strv_builder_end (builder);

  /* Only what the list still holds can be reopened (decided here, not
   * when the settings say they changed, which a backend may do later). */
  g_hash_table_iter_init (&iter, self->diagnoses);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_ptr_array_find_with_equal_func (kept_ids, id, g_str_equal, NULL))
      g_hash_table_iter_remove (&iter);
  g_hash_table_insert (self->diagnoses, g_strdup (item->id), g_object_ref (diagnosis));
  g_settings_set_strv (self->settings, "recent", (const char * const *) entries);
}

MfdDiagnosis *
mfd_recent_list_lookup (MfdRecentList *self,
                        const char    *id)
{
  g_return_val_if_fail (MFD_IS_RECENT_LIST (self), NULL);

  return id != NULL ? g_hash_table_lookup (self->diagnoses, id) : NULL;
}

const char *
mfd_recent_item_get_id (MfdRecentItem *self)
{
  g_return_val_if_fail (MFD_IS_RECENT_ITEM (self), NULL);
  return self->id;
}

const char *
mfd_recent_item_get_verdict (MfdRecentItem *self)
{
  g_return_val_if_fail (MFD_IS_RECENT_ITEM (self), NULL);
  return self->verdict;
}

const char *
mfd_recent_item_get_code (MfdRecentItem *self)
{
  g_return_val_if_fail (MFD_IS_RECENT_ITEM (self), NULL);
  return self->code;
}

const char *
mfd_recent_item_get_target (MfdRecentItem *self)
{
  g_return_val_if_fail (MFD_IS_RECENT_ITEM (self), NULL);
  return self->target;
}

GDateTime *
mfd_recent_item_get_time (MfdRecentItem *self)
{
  g_return_val_if_fail (MFD_IS_RECENT_ITEM (self), NULL);
  return self->time;
}

const char *
mfd_recent_item_get_connector (MfdRecentItem *self)
{
  g_return_val_if_fail (MFD_IS_RECENT_ITEM (self), NULL);
  return self->connector;
}
