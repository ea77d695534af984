/* mfd-connector-json.c — connectors from and to the shape of
 * Get-OutboundConnector | ConvertTo-Json
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-connector"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mfd-connector.h"
#include "mfd-connector-private.h"
#include "mfd-json-shape.h"
#include "mfd-text.h"

/* The fields the model understands, as Get-OutboundConnector names them.
 * Matched case-insensitively: hand-made files write "UseMxRecord". */
typedef enum
{
  FIELD_NAME,
  FIELD_IDENTITY,
  FIELD_ENABLED,
  FIELD_CONNECTOR_TYPE,
  FIELD_USE_MX_RECORD,
  FIELD_SMART_HOSTS,
  FIELD_RECIPIENT_DOMAINS,
  FIELD_TLS_SETTINGS,
  FIELD_TLS_DOMAIN,
  FIELD_COMMENT,
  N_FIELDS
} Field;

static const char * const field_names[N_FIELDS] = {
  [FIELD_NAME]              = "Name",
  [FIELD_IDENTITY]          = "Identity",
  [FIELD_ENABLED]           = "Enabled",
  [FIELD_CONNECTOR_TYPE]    = "ConnectorType",
  [FIELD_USE_MX_RECORD]     = "UseMXRecord",
  [FIELD_SMART_HOSTS]       = "SmartHosts",
  [FIELD_RECIPIENT_DOMAINS] = "RecipientDomains",
  [FIELD_TLS_SETTINGS]      = "TlsSettings",
  [FIELD_TLS_DOMAIN]        = "TlsDomain",
  [FIELD_COMMENT]           = "Comment",
};

/* Exchange's enums and the integers ConvertTo-Json writes for them
 * (Microsoft.Exchange.Data.TenantConnectorType and TlsAuthLevel). */
typedef struct
{
  const char *name;
  gint64      number;
  int         value;
} EnumName;

static const EnumName connector_type_names[] = {
  { "OnPremises", 1, MFD_CONNECTOR_TYPE_ON_PREMISES },
  { "Partner",    2, MFD_CONNECTOR_TYPE_PARTNER },
};

static const EnumName tls_settings_names[] = {
  { "EncryptionOnly",        1, MFD_TLS_ENCRYPTION_ONLY },
  { "CertificateValidation", 2, MFD_TLS_CERTIFICATE_VALIDATION },
  { "DomainValidation",      4, MFD_TLS_DOMAIN_VALIDATION },
};

GType
mfd_connector_type_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { MFD_CONNECTOR_TYPE_ON_PREMISES, "MFD_CONNECTOR_TYPE_ON_PREMISES", "on-premises" },
        { MFD_CONNECTOR_TYPE_PARTNER, "MFD_CONNECTOR_TYPE_PARTNER", "partner" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type_id, g_enum_register_static ("MfdConnectorType", values));
    }

  return type_id;
}

const char *
mfd_connector_type_to_string (MfdConnectorType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (connector_type_names); i++)
    if (connector_type_names[i].value == (int) type)
      return connector_type_names[i].name;

  g_return_val_if_reached (NULL);
}

/* Import */

static gboolean
set_field_error (GError    **error,
                 Field       field,
                 const char *msgid)
{
  g_autofree char *message = mfd_text_render_va (NULL, msgid, field_names[field], NULL);

  g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
read_string (JsonNode   *node,
             Field       field,
             char      **out,
             GError    **error)
{
  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_clear_pointer (out, g_free);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return set_field_error (error, field, N_("“{1}” must be text."));

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_boolean (JsonNode   *node,
              Field       field,
              gboolean   *out,
              GError    **error)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_BOOLEAN)
        {
          *out = json_node_get_boolean (node);
          return TRUE;
        }

      if (type == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (node);

          if (g_ascii_strcasecmp (text, "true") == 0 ||
              g_ascii_strcasecmp (text, "false") == 0)
            {
              *out = g_ascii_strcasecmp (text, "true") == 0;
              return TRUE;
            }
        }
    }

  return set_field_error (error, field, N_("“{1}” must be true or false."));
}

/* A name or the integer ConvertTo-Json writes; null when @allow_null. */
static gboolean
read_enum (JsonNode       *node,
           Field           field,
           const EnumName *names,
           gsize           n_names,
           gboolean        allow_null,
           int            *out,
           gboolean       *is_null,
           GError        **error)
{
  *is_null = FALSE;

  if (allow_null &&
      (JSON_NODE_HOLDS_NULL (node) ||
       (JSON_NODE_HOLDS_VALUE (node) &&
        json_node_get_value_type (node) == G_TYPE_STRING &&
        *json_node_get_string (node) == '\0')))
    {
      *is_null = TRUE;
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      for (gsize i = 0; i < n_names; i++)
        {
          if ((type == G_TYPE_STRING &&
               g_ascii_strcasecmp (json_node_get_string (node), names[i].name) == 0) ||
              (type == G_TYPE_INT64 && json_node_get_int (node) == names[i].number))
            {
              *out = names[i].value;
              return TRUE;
            }
        }
    }

  return set_field_error (error, field, N_("“{1}” has a value that Exchange Online does not use."));
}

static JsonArray *value_wrapper_array (JsonNode *node);

/* The text of one SmartHosts / RecipientDomains element. Besides plain
 * strings, deeper exports serialise Exchange's SmartHost ({"Domain":
 * {"HostnameString": …}, "Address": {"IPAddressToString": …},
 * "IsIPAddress": …}) and SmtpDomainWithSubdomains ({"Address": "*.x",
 * "Domain": "x", "IncludeSubDomains": true}) objects. */
static const char *
object_text (JsonObject *object,
             const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *inner = json_node_get_object (node);
      static const char * const inner_names[] = { "HostnameString", "IPAddressToString", "Domain", "Address" };

      for (guint i = 0; i < G_N_ELEMENTS (inner_names); i++)
        {
          JsonNode *inner_node = json_object_get_member (inner, inner_names[i]);

          if (inner_node != NULL &&
              JSON_NODE_HOLDS_VALUE (inner_node) &&
              json_node_get_value_type (inner_node) == G_TYPE_STRING)
            return json_node_get_string (inner_node);
        }
    }

  return NULL;
}

/* A flag of such an object: TRUE only for a JSON true. Anything else
 * (absent, null, a list, an object) reads as false rather than reaching
 * json-glib's typed getters, which refuse other node types. */
static gboolean
object_flag (JsonObject *object,
             const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL
         && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN
         && json_node_get_boolean (node);
}

static char *
element_text (JsonNode *node,
              Field     field)
{
  JsonObject *object;
  const char *text;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);

  if (field == FIELD_SMART_HOSTS)
    {
      gboolean is_ip = object_flag (object, "IsIPAddress");

      text = is_ip ? object_text (object, "Address") : object_text (object, "Domain");
      if (text == NULL)
        text = is_ip ? object_text (object, "Domain") : object_text (object, "Address");
      return g_strdup (text);
    }

  text = object_text (object, "Address");
  if (text != NULL)
    return g_strdup (text);

  text = object_text (object, "Domain");
  if (text == NULL)
    return NULL;
  if (object_flag (object, "IncludeSubDomains"))
    return g_strconcat ("*.", text, NULL);
  return g_strdup (text);
}

static gboolean
read_list (JsonNode   *node,
           Field       field,
           char     ***out,
           GError    **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array = NULL;
  g_autoptr(JsonArray) single = NULL;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_strfreev (*out);
      *out = g_new0 (char *, 1);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    array = json_node_get_array (node);
  else if ((array = value_wrapper_array (node)) != NULL)
    ;
  else
    {
      /* ConvertTo-Json unrolls a one-element list into the element. */
      single = json_array_new ();
      json_array_add_element (single, json_node_copy (node));
      array = single;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *text = element_text (json_array_get_element (array, i), field);
      g_autofree char *reason = NULL;

      if (text == NULL)
        return set_field_error (error, field, N_("An entry of “{1}” is neither text nor a host or domain object."));

      g_strstrip (text);
      reason = field == FIELD_SMART_HOSTS
        ? mfd_connector_validate_smart_host (text)
        : mfd_connector_validate_recipient_domain (text);
      if (reason != NULL)
        {
          g_autofree char *message = mfd_text_render_va (NULL, N_("{1}: {2}"),
                                                         field_names[field], reason, NULL);

          g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_INVALID, message);
          return FALSE;
        }

      g_strv_builder_add (builder, text);
    }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static int
find_field (const char *member)
{
  for (int i = 0; i < N_FIELDS; i++)
    if (g_ascii_strcasecmp (member, field_names[i]) == 0)
      return i;
  return -1;
}

static gboolean
read_field (MfdConnector *self,
            Field         field,
            JsonNode     *node,
            GError      **error)
{
  gboolean is_null;
  int value;

  switch (field)
    {
    case FIELD_NAME:
      return read_string (node, field, &self->name, error);
    case FIELD_IDENTITY:
      return read_string (node, field, &self->identity, error);
    case FIELD_COMMENT:
      return read_string (node, field, &self->comment, error);
    case FIELD_ENABLED:
      return read_boolean (node, field, &self->enabled, error);
    case FIELD_USE_MX_RECORD:
      return read_boolean (node, field, &self->use_mx_record, error);
    case FIELD_SMART_HOSTS:
      return read_list (node, field, &self->smart_hosts, error);
    case FIELD_RECIPIENT_DOMAINS:
      return read_list (node, field, &self->recipient_domains, error);

    case FIELD_CONNECTOR_TYPE:
      if (!read_enum (node, field, connector_type_names, G_N_ELEMENTS (connector_type_names),
                      FALSE, &value, &is_null, error))
        return FALSE;
      self->connector_type = value;
      return TRUE;

    case FIELD_TLS_SETTINGS:
      if (!read_enum (node, field, tls_settings_names, G_N_ELEMENTS (tls_settings_names),
                      TRUE, &value, &is_null, error))
        return FALSE;
      self->tls_mode = is_null ? MFD_TLS_OPPORTUNISTIC : (MfdTlsMode) value;
      return TRUE;

    case FIELD_TLS_DOMAIN:
      if (!read_string (node, field, &self->tls_domain, error))
        return FALSE;
      if (self->tls_domain != NULL && *self->tls_domain == '\0')
        g_clear_pointer (&self->tls_domain, g_free);
      if (self->tls_domain != NULL)
        {
          g_autofree char *reason = mfd_connector_validate_tls_domain (self->tls_domain);

          if (reason != NULL)
            {
              g_autofree char *message = mfd_text_render_va (NULL, N_("{1}: {2}"),
                                                             field_names[field], reason, NULL);

              g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_INVALID, message);
              return FALSE;
            }
        }
      return TRUE;

    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

MfdConnector *
mfd_connector_new_from_json (JsonObject  *object,
                             GError     **error)
{
  g_autoptr(MfdConnector) self = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) field_error = NULL;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MFD_TYPE_CONNECTOR, NULL);
  members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *node = json_object_get_member (object, member);
      int field = find_field (member);

      if (field < 0)
        {
          json_object_set_member (self->extra, member, json_node_copy (node));
          continue;
        }

      if (!read_field (self, field, node, &field_error))
        {
          const char *label = self->name ? self->name : self->identity;

          /* Name the connector when it is already known, so that a bad
           * field in a long export can be found. */
          if (label != NULL)
            {
              g_autofree char *message = mfd_text_render_va (NULL, N_("Connector “{1}”: {2}"),
                                                             label, field_error->message, NULL);

              g_set_error_literal (error, MFD_CONNECTOR_ERROR, field_error->code, message);
            }
          else
            g_propagate_error (error, g_steal_pointer (&field_error));
          return NULL;
        }
    }

  if ((self->name == NULL || *self->name == '\0') && self->identity != NULL)
    {
      g_free (self->name);
      self->name = g_strdup (self->identity);
    }
  if (self->name == NULL || *self->name == '\0')
    {
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("The object has neither a Name nor an Identity, so it is not an outbound connector.")));
      return NULL;
    }
  if (self->identity == NULL || *self->identity == '\0')
    {
      g_free (self->identity);
      self->identity = g_strdup (self->name);
    }

  return g_steal_pointer (&self);
}

/* The shape json-glib would recurse into, checked before it does (see
 * mfd-json-shape.c): besides the depth, NUL bytes and escapes JSON does not
 * allow, which json-glib (GScanner) turns into bytes that are not UTF-8 —
 * a lone "\ud800", a short "\udc" that swallows the closing quote, an
 * octal "\333" — so that the model would keep them and a saved list could
 * then not be read back. */
static gboolean
check_shape (const char  *data,
             gsize        len,
             GError     **error)
{
  switch (mfd_json_shape_check (data, len, MFD_CONNECTOR_MAX_DEPTH, G_MAXUINT))
    {
    case MFD_JSON_SHAPE_OK:
    case MFD_JSON_SHAPE_TOO_MANY:
      return TRUE;

    case MFD_JSON_SHAPE_NUL:
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("The text contains NUL bytes, so it is not a connector export.")));
      return FALSE;

    case MFD_JSON_SHAPE_BAD_ESCAPE:
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("The text contains an escape sequence that JSON does not allow (such as an unpaired UTF-16 surrogate), so it is not valid JSON text.")));
      return FALSE;

    case MFD_JSON_SHAPE_NOT_JSON:
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("The text contains something JSON does not allow outside quoted text (such as a comment or a single quote), so it is not valid JSON text.")));
      return FALSE;

    case MFD_JSON_SHAPE_TOO_DEEP:
    default:
      {
        g_autofree char *max = g_strdup_printf ("%d", MFD_CONNECTOR_MAX_DEPTH);
        g_autofree char *message = mfd_text_render_va (NULL, N_("The JSON is nested more than {1} levels deep, so it is not a connector export."), max, NULL);

        g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE, message);
        return FALSE;
      }
    }
}

/* UTF-8 text from what PowerShell may have written: UTF-8 with or without a
 * BOM, or UTF-16 with a BOM. */
static char *
decode_text (const char  *data,
             gsize        len,
             gsize       *out_len,
             GError     **error)
{
  const char *charset = NULL;
  gsize skip = 0;

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    skip = 3;
  else if (len >= 2 && memcmp (data, "\xFF\xFE", 2) == 0)
    charset = "UTF-16LE", skip = 2;
  else if (len >= 2 && memcmp (data, "\xFE\xFF", 2) == 0)
    charset = "UTF-16BE", skip = 2;

  if (charset != NULL)
    {
      char *utf8 = g_convert (data + skip, len - skip, "UTF-8", charset, NULL, out_len, NULL);

      if (utf8 != NULL && g_utf8_validate_len (utf8, *out_len, NULL))
        return utf8;
      g_free (utf8);
    }
  else if (g_utf8_validate_len (data + skip, len - skip, NULL))
    {
      *out_len = len - skip;
      return g_strndup (data + skip, len - skip);
    }

  g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                        mfd_tr (NULL, N_("The file is not text in a known encoding (is it a binary file?).")));
  return NULL;
}

/* Windows PowerShell sometimes writes a list as {"value": [...], "Count": n}. */
static JsonArray *
value_wrapper_array (JsonNode *node)
{
  JsonObject *object;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  value = json_object_get_member (object, "value");
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
      json_object_has_member (object, "Name") ||
      json_object_has_member (object, "Identity"))
    return NULL;

  return json_node_get_array (value);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* Every element of @array as a connector, validated; the first bad one
 * fails the whole import. */
static GPtrArray *
import_array (JsonArray  *array,
              GError    **error)
{
  g_autoptr(GPtrArray) connectors = NULL;

  connectors = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(GError) item_error = NULL;
      MfdConnector *connector;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_autofree char *number = g_strdup_printf ("%u", i + 1);
          g_autofree char *message = mfd_text_render_va (NULL, N_("Item {1} of the list is not a connector object."), number, NULL);

          g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE, message);
          return NULL;
        }

      connector = mfd_connector_new_from_json (json_node_get_object (element), &item_error);
      if (connector == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&item_error));
          return NULL;
        }

      g_ptr_array_add (connectors, connector);
    }

  return g_steal_pointer (&connectors);
}

GPtrArray *
mfd_connector_import (const char  *json,
                      gssize       len,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonArray) single = NULL;
  g_autoptr(JsonArray) list = NULL;
  JsonArray *array;
  JsonNode *root;
  gsize text_len;

  g_return_val_if_fail (json != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 0)
    len = strnlen (json, (gsize) MFD_CONNECTOR_MAX_INPUT + 1);

  if ((gsize) len > MFD_CONNECTOR_MAX_INPUT)
    {
      g_autofree char *max = g_strdup_printf ("%d", MFD_CONNECTOR_MAX_INPUT / (1024 * 1024));
      g_autofree char *message = mfd_text_render_va (NULL, N_("The text is larger than {1} MB, so it is not a connector export."), max, NULL);

      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE, message);
      return NULL;
    }

  text = decode_text (json, len, &text_len, error);
  if (text == NULL)
    return NULL;

  if (is_blank (text))
    {
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("The text is empty.")));
      return NULL;
    }

  /* Help desks copy PowerShell's default list view more often than JSON. */
  if (mfd_connector_text_is_format_list (text, text_len))
    {
      list = mfd_connector_format_list_read (text, text_len, error);
      if (list == NULL)
        return NULL;
      if (json_array_get_length (list) == 0)
        {
          g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                                mfd_tr (NULL, N_("The text is empty.")));
          return NULL;
        }
      return import_array (list, error);
    }

  if (!check_shape (text, text_len, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, text_len, &parse_error))
    {
      g_autofree char *message = mfd_text_render_va (NULL, N_("The text is not valid JSON: {1}"),
                                                     parse_error->message, NULL);

      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE, message);
      return NULL;
    }

  /* json-glib skips a byte order mark of its own, so a doubled one reads
   * as an empty document with no root. */
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("The text is empty.")));
      return NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    array = json_node_get_array (root);
  else if ((array = value_wrapper_array (root)) != NULL)
    ;
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      single = json_array_new ();
      json_array_add_element (single, json_node_copy (root));
      array = single;
    }
  else
    {
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("Expected one connector object or an array of them.")));
      return NULL;
    }

  return import_array (array, error);
}

/* Export */

static JsonNode *
strv_to_node (char **strv)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);

  json_node_take_array (node, array);
  return node;
}

JsonObject *
mfd_connector_to_json (MfdConnector *self)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;
  const char *tls_settings;

  g_return_val_if_fail (MFD_IS_CONNECTOR (self), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, field_names[FIELD_IDENTITY], self->identity ?: self->name);
  json_object_set_string_member (object, field_names[FIELD_NAME], self->name);
  json_object_set_boolean_member (object, field_names[FIELD_ENABLED], self->enabled);
  json_object_set_string_member (object, field_names[FIELD_CONNECTOR_TYPE],
                                 mfd_connector_type_to_string (self->connector_type));
  if (self->comment != NULL)
    json_object_set_string_member (object, field_names[FIELD_COMMENT], self->comment);
  else
    json_object_set_null_member (object, field_names[FIELD_COMMENT]);
  json_object_set_boolean_member (object, field_names[FIELD_USE_MX_RECORD], self->use_mx_record);
  json_object_set_member (object, field_names[FIELD_SMART_HOSTS], strv_to_node (self->smart_hosts));
  json_object_set_member (object, field_names[FIELD_RECIPIENT_DOMAINS], strv_to_node (self->recipient_domains));

  tls_settings = mfd_tls_mode_to_connector (self->tls_mode);
  if (tls_settings != NULL)
    json_object_set_string_member (object, field_names[FIELD_TLS_SETTINGS], tls_settings);
  else
    json_object_set_null_member (object, field_names[FIELD_TLS_SETTINGS]);
  if (self->tls_domain != NULL)
    json_object_set_string_member (object, field_names[FIELD_TLS_DOMAIN], self->tls_domain);
  else
    json_object_set_null_member (object, field_names[FIELD_TLS_DOMAIN]);

  members = json_object_get_members (self->extra);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (object, l->data,
                            json_node_copy (json_object_get_member (self->extra, l->data)));

  return object;
}
