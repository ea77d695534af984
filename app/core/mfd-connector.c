/* mfd-connector.c — an EOP outbound connector: model, import, validation
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
#include "mfd-text.h"

struct _MfdConnector
{
  GObject           parent_instance;

  char             *name;
  char             *identity;
  char             *comment;
  char             *tls_domain;
  char            **smart_hosts;
  char            **recipient_domains;
  gboolean          enabled;
  gboolean          use_mx_record;
  MfdConnectorType  connector_type;
  MfdTlsMode        tls_mode;

  /* Members of the imported object that the model does not know, written
   * back verbatim so that a round trip loses nothing. */
  JsonObject       *extra;
};

G_DEFINE_FINAL_TYPE (MfdConnector, mfd_connector, G_TYPE_OBJECT)

G_DEFINE_QUARK (mfd-connector-error-quark, mfd_connector_error)

enum {
  PROP_0,
  PROP_NAME,
  PROP_IDENTITY,
  PROP_ENABLED,
  PROP_CONNECTOR_TYPE,
  PROP_USE_MX_RECORD,
  PROP_SMART_HOSTS,
  PROP_RECIPIENT_DOMAINS,
  PROP_TLS_MODE,
  PROP_TLS_DOMAIN,
  PROP_COMMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

static gboolean
set_str (char       **target,
         const char  *value)
{
  if (g_strcmp0 (*target, value) == 0)
    return FALSE;

  g_free (*target);
  *target = g_strdup (value);
  return TRUE;
}

/* Validation */

static gboolean
is_ip_literal (const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  return address != NULL;
}

static gboolean
looks_numeric (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

/* A fully qualified DNS name (IDN allowed) with at least two labels; the
 * reason when it is not, NULL when it is. */
static char *
check_fqdn (const char *name,
            const char *shown)
{
  g_autofree char *ascii = NULL;
  g_auto(GStrv) labels = NULL;
  gsize len;

  if (strpbrk (name, " \t\r\n") != NULL)
    return mfd_text_render_va (NULL, N_("“{1}” contains a space."), shown, NULL);

  ascii = g_hostname_to_ascii (name);
  if (ascii == NULL)
    return mfd_text_render_va (NULL, N_("“{1}” is not a valid host name."), shown, NULL);

  len = strlen (ascii);
  if (len > 0 && ascii[len - 1] == '.')
    ascii[--len] = '\0';

  if (len == 0)
    return mfd_text_render_va (NULL, N_("“{1}” is not a valid host name."), shown, NULL);
  if (len > 253)
    return mfd_text_render_va (NULL, N_("“{1}” is too long for a host name."), shown, NULL);
  if (strchr (ascii, '.') == NULL)
    return mfd_text_render_va (NULL, N_("“{1}” is not a fully qualified name; write the whole name, such as mail.contoso.com."), shown, NULL);

  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *label = labels[i];
      gsize label_len = strlen (label);

      if (label_len == 0 || label_len > 63 ||
          label[0] == '-' || label[label_len - 1] == '-')
        return mfd_text_render_va (NULL, N_("“{1}” is not a valid host name."), shown, NULL);

      for (const char *p = label; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '-')
          return mfd_text_render_va (NULL, N_("“{1}” contains characters that a host name cannot have."), shown, NULL);
    }

  return NULL;
}

/* "ADDRESS/LENGTH". Exchange accepts host bits set ("192.168.0.1/25"),
 * which GInetAddressMask refuses, so the parts are checked separately. */
static GInetAddressMask *
parse_cidr (const char  *text,
            char       **reason)
{
  g_autofree char *address_part = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GInetAddress) network = NULL;
  const char *slash = strchr (text, '/');
  guint64 length;
  guint max_length;
  guint8 bytes[16];
  gsize n_bytes;

  address_part = g_strndup (text, slash - text);
  address = g_inet_address_new_from_string (address_part);
  if (address == NULL ||
      !g_ascii_string_to_unsigned (slash + 1, 10, 0, 128, &length, NULL))
    goto invalid;

  n_bytes = g_inet_address_get_native_size (address);
  max_length = n_bytes * 8;
  if (length > max_length)
    goto invalid;

  memcpy (bytes, g_inet_address_to_bytes (address), n_bytes);
  for (guint bit = length; bit < max_length; bit++)
    bytes[bit / 8] &= ~(0x80 >> (bit % 8));
  network = g_inet_address_new_from_bytes (bytes, g_inet_address_get_family (address));

  return g_inet_address_mask_new (network, length, NULL);

invalid:
  if (reason != NULL)
    *reason = mfd_text_render_va (NULL, N_("“{1}” is not a valid address range; write an address and a prefix length, such as 192.0.2.0/24."), text, NULL);
  return NULL;
}

char *
mfd_connector_validate_smart_host (const char *host)
{
  g_autofree char *trimmed = NULL;
  char *reason = NULL;
  const char *colon;

  if (host == NULL || *g_strstrip (trimmed = g_strdup (host)) == '\0')
    return g_strdup (mfd_tr (NULL, N_("Enter a host name or an IP address.")));

  if (strchr (trimmed, '/') != NULL)
    {
      g_autoptr(GInetAddressMask) mask = parse_cidr (trimmed, &reason);

      return reason;
    }

  if (is_ip_literal (trimmed))
    return NULL;

  if (strchr (trimmed, '*') != NULL)
    return g_strdup (mfd_tr (NULL, N_("A smart host cannot contain a wildcard; enter one host name or address.")));

  /* IPv6 literals are handled above, so a colon here is a port. */
  colon = strchr (trimmed, ':');
  if (colon != NULL)
    return g_strdup (mfd_tr (NULL, N_("A smart host cannot include a port; Exchange Online always connects to port 25.")));

  if (looks_numeric (trimmed))
    return mfd_text_render_va (NULL, N_("“{1}” is not a valid IP address."), trimmed, NULL);

  return check_fqdn (trimmed, trimmed);
}

char *
mfd_connector_validate_tls_domain (const char *domain)
{
  g_autofree char *trimmed = NULL;
  const char *rest;

  if (domain == NULL || *g_strstrip (trimmed = g_strdup (domain)) == '\0')
    return g_strdup (mfd_tr (NULL, N_("Enter the domain name that the certificate must match.")));

  if (is_ip_literal (trimmed))
    return g_strdup (mfd_tr (NULL, N_("The TLS domain must be a domain name, not an IP address.")));

  rest = trimmed;
  if (g_str_has_prefix (trimmed, "*."))
    rest = trimmed + 2;

  if (strchr (rest, '*') != NULL)
    return g_strdup (mfd_tr (NULL, N_("Only the leftmost label can be a wildcard, and only as “*” by itself, such as *.contoso.com.")));

  if (rest != trimmed && strchr (rest, '.') == NULL)
    return g_strdup (mfd_tr (NULL, N_("A wildcard must be followed by a domain of at least two labels, such as *.contoso.com.")));

  return check_fqdn (rest, trimmed);
}

char *
mfd_connector_validate_recipient_domain (const char *domain)
{
  g_autofree char *trimmed = NULL;
  const char *rest;

  if (domain == NULL || *g_strstrip (trimmed = g_strdup (domain)) == '\0')
    return g_strdup (mfd_tr (NULL, N_("Enter a domain, such as contoso.com or *.contoso.com.")));

  if (strcmp (trimmed, "*") == 0)
    return NULL;

  if (is_ip_literal (trimmed))
    return g_strdup (mfd_tr (NULL, N_("A recipient domain must be a domain name, not an IP address.")));

  rest = g_str_has_prefix (trimmed, "*.") ? trimmed + 2 : trimmed;
  if (strchr (rest, '*') != NULL)
    return g_strdup (mfd_tr (NULL, N_("Only the leftmost label can be a wildcard, and only as “*” by itself, such as *.contoso.com.")));

  return check_fqdn (rest, trimmed);
}

/* Matching */

/* Lower-case ASCII form without a trailing dot, or NULL. */
static char *
normalize_host (const char *host)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *ascii = NULL;
  gsize len;

  if (host == NULL)
    return NULL;

  trimmed = g_strstrip (g_strdup (host));
  ascii = g_hostname_to_ascii (trimmed);
  if (ascii == NULL)
    return NULL;

  len = strlen (ascii);
  if (len > 0 && ascii[len - 1] == '.')
    ascii[len - 1] = '\0';

  return g_ascii_strdown (ascii, -1);
}

gboolean
mfd_connector_smart_host_matches (MfdConnector *self,
                                  const char   *host)
{
  g_autofree char *wanted = normalize_host (host);
  g_autoptr(GInetAddress) wanted_address = NULL;

  if (wanted == NULL || self->smart_hosts == NULL)
    return FALSE;

  wanted_address = g_inet_address_new_from_string (wanted);

  for (guint i = 0; self->smart_hosts[i] != NULL; i++)
    {
      const char *smart_host = self->smart_hosts[i];

      if (wanted_address != NULL && strchr (smart_host, '/') != NULL)
        {
          g_autoptr(GInetAddressMask) mask = parse_cidr (smart_host, NULL);

          if (mask != NULL && g_inet_address_mask_matches (mask, wanted_address))
            return TRUE;
        }
      else if (wanted_address != NULL)
        {
          g_autoptr(GInetAddress) address = g_inet_address_new_from_string (smart_host);

          if (address != NULL && g_inet_address_equal (address, wanted_address))
            return TRUE;
        }
      else
        {
          g_autofree char *candidate = normalize_host (smart_host);

          if (g_strcmp0 (candidate, wanted) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

gboolean
mfd_connector_domain_matches (MfdConnector *self,
                              const char   *host)
{
  g_autofree char *wanted = normalize_host (host);
  const char *parent;

  if (wanted == NULL || self->recipient_domains == NULL || is_ip_literal (wanted))
    return FALSE;

  parent = strchr (wanted, '.');
  parent = parent != NULL ? parent + 1 : "";

  for (guint i = 0; self->recipient_domains[i] != NULL; i++)
    {
      const char *entry = self->recipient_domains[i];
      gboolean wildcard = g_str_has_prefix (entry, "*.");
      g_autofree char *domain = normalize_host (wildcard ? entry + 2 : entry);

      /* "*" routes every domain, so it says nothing about this host. */
      if (domain == NULL || *domain == '\0' || strcmp (entry, "*") == 0)
        continue;

      if (strcmp (wanted, domain) == 0 || strcmp (parent, domain) == 0)
        return TRUE;

      if (wildcard)
        {
          g_autofree char *suffix = g_strconcat (".", domain, NULL);

          if (g_str_has_suffix (parent, suffix))
            return TRUE;
        }
    }

  return FALSE;
}

gboolean
mfd_connector_matches_host (MfdConnector *self,
                            const char   *host)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), FALSE);

  return mfd_connector_smart_host_matches (self, host) ||
         mfd_connector_domain_matches (self, host);
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
      gboolean is_ip = json_object_get_boolean_member_with_default (object, "IsIPAddress", FALSE);

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
  if (json_object_get_boolean_member_with_default (object, "IncludeSubDomains", FALSE))
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

  if (self->name == NULL || *self->name == '\0')
    set_str (&self->name, self->identity);
  if (self->name == NULL || *self->name == '\0')
    {
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("The object has neither a Name nor an Identity, so it is not an outbound connector.")));
      return NULL;
    }
  if (self->identity == NULL || *self->identity == '\0')
    set_str (&self->identity, self->name);

  return g_steal_pointer (&self);
}

/* JSON nesting depth and NUL bytes, checked before json-glib's recursive
 * parser sees the text. Only the structure is scanned; the parser does the
 * real validation. */
static gboolean
check_shape (const char  *data,
             gsize        len,
             GError     **error)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (c == '\0')
        {
          g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                                mfd_tr (NULL, N_("The text contains NUL bytes, so it is not a connector export.")));
          return FALSE;
        }

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MFD_CONNECTOR_MAX_DEPTH)
            {
              g_autofree char *max = g_strdup_printf ("%d", MFD_CONNECTOR_MAX_DEPTH);
              g_autofree char *message = mfd_text_render_va (NULL, N_("The JSON is nested more than {1} levels deep, so it is not a connector export."), max, NULL);

              g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_TOO_LARGE, message);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
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

GPtrArray *
mfd_connector_import (const char  *json,
                      gssize       len,
                      GError     **error)
{
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonArray) single = NULL;
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
  if (text == NULL || !check_shape (text, text_len, error))
    return NULL;

  if (is_blank (text))
    {
      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE,
                            mfd_tr (NULL, N_("The text is empty.")));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, text_len, &parse_error))
    {
      g_autofree char *message = mfd_text_render_va (NULL, N_("The text is not valid JSON: {1}"),
                                                     parse_error->message, NULL);

      g_set_error_literal (error, MFD_CONNECTOR_ERROR, MFD_CONNECTOR_ERROR_PARSE, message);
      return NULL;
    }

  root = json_parser_get_root (parser);
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

MfdConnector *
mfd_connector_copy (MfdConnector *self)
{
  MfdConnector *copy;
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (MFD_IS_CONNECTOR (self), NULL);

  copy = g_object_new (MFD_TYPE_CONNECTOR, NULL);
  copy->name = g_strdup (self->name);
  copy->identity = g_strdup (self->identity);
  copy->comment = g_strdup (self->comment);
  copy->tls_domain = g_strdup (self->tls_domain);
  g_strfreev (copy->smart_hosts);
  copy->smart_hosts = g_strdupv (self->smart_hosts);
  g_strfreev (copy->recipient_domains);
  copy->recipient_domains = g_strdupv (self->recipient_domains);
  copy->enabled = self->enabled;
  copy->use_mx_record = self->use_mx_record;
  copy->connector_type = self->connector_type;
  copy->tls_mode = self->tls_mode;

  members = json_object_get_members (self->extra);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (copy->extra, l->data,
                            json_node_copy (json_object_get_member (self->extra, l->data)));

  return copy;
}

MfdConnector *
mfd_connector_new (const char *name)
{
  return g_object_new (MFD_TYPE_CONNECTOR,
                       "name", name,
                       "identity", name,
                       NULL);
}

/* Properties */

static gboolean
strv_equal0 (char       **a,
             const char * const *b)
{
  gboolean a_empty = a == NULL || a[0] == NULL;
  gboolean b_empty = b == NULL || b[0] == NULL;

  if (a_empty || b_empty)
    return a_empty == b_empty;
  return g_strv_equal ((const char * const *) a, b);
}

/* The model holds only values its own import accepts, so that a saved
 * list always loads again. */
static gboolean
strv_all_valid (const char * const *strv,
                char             *(*validate) (const char *))
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    {
      g_autofree char *reason = validate (strv[i]);

      if (reason != NULL)
        {
          g_critical ("“%s”: %s", strv[i], reason);
          return FALSE;
        }
    }

  return TRUE;
}

const char *
mfd_connector_get_name (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), NULL);
  return self->name;
}

void
mfd_connector_set_name (MfdConnector *self,
                        const char   *name)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));

  if (set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
mfd_connector_get_identity (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), NULL);
  return self->identity;
}

void
mfd_connector_set_identity (MfdConnector *self,
                            const char   *identity)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));

  if (set_str (&self->identity, identity))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
}

const char *
mfd_connector_get_comment (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), NULL);
  return self->comment;
}

void
mfd_connector_set_comment (MfdConnector *self,
                           const char   *comment)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));

  if (set_str (&self->comment, comment))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMENT]);
}

gboolean
mfd_connector_get_enabled (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), FALSE);
  return self->enabled;
}

void
mfd_connector_set_enabled (MfdConnector *self,
                           gboolean      enabled)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));

  enabled = !!enabled;
  if (self->enabled != enabled)
    {
      self->enabled = enabled;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
    }
}

MfdConnectorType
mfd_connector_get_connector_type (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), MFD_CONNECTOR_TYPE_PARTNER);
  return self->connector_type;
}

void
mfd_connector_set_connector_type (MfdConnector     *self,
                                  MfdConnectorType  type)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));
  g_return_if_fail (type == MFD_CONNECTOR_TYPE_ON_PREMISES || type == MFD_CONNECTOR_TYPE_PARTNER);

  if (self->connector_type != type)
    {
      self->connector_type = type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTOR_TYPE]);
    }
}

gboolean
mfd_connector_get_use_mx_record (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), FALSE);
  return self->use_mx_record;
}

void
mfd_connector_set_use_mx_record (MfdConnector *self,
                                 gboolean      use_mx)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));

  use_mx = !!use_mx;
  if (self->use_mx_record != use_mx)
    {
      self->use_mx_record = use_mx;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_MX_RECORD]);
    }
}

const char * const *
mfd_connector_get_smart_hosts (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), NULL);
  return (const char * const *) self->smart_hosts;
}

void
mfd_connector_set_smart_hosts (MfdConnector       *self,
                               const char * const *hosts)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));
  g_return_if_fail (strv_all_valid (hosts, mfd_connector_validate_smart_host));

  if (strv_equal0 (self->smart_hosts, hosts))
    return;

  g_strfreev (self->smart_hosts);
  self->smart_hosts = hosts ? g_strdupv ((char **) hosts) : g_new0 (char *, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMART_HOSTS]);
}

const char * const *
mfd_connector_get_recipient_domains (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), NULL);
  return (const char * const *) self->recipient_domains;
}

void
mfd_connector_set_recipient_domains (MfdConnector       *self,
                                     const char * const *domains)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));
  g_return_if_fail (strv_all_valid (domains, mfd_connector_validate_recipient_domain));

  if (strv_equal0 (self->recipient_domains, domains))
    return;

  g_strfreev (self->recipient_domains);
  self->recipient_domains = domains ? g_strdupv ((char **) domains) : g_new0 (char *, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECIPIENT_DOMAINS]);
}

MfdTlsMode
mfd_connector_get_tls_mode (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), MFD_TLS_OPPORTUNISTIC);
  return self->tls_mode;
}

void
mfd_connector_set_tls_mode (MfdConnector *self,
                            MfdTlsMode    mode)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));
  /* "No TLS" is a choice of the CLI, not a TlsSettings value. */
  g_return_if_fail (mode != MFD_TLS_NONE);

  if (self->tls_mode != mode)
    {
      self->tls_mode = mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_MODE]);
    }
}

const char *
mfd_connector_get_tls_domain (MfdConnector *self)
{
  g_return_val_if_fail (MFD_IS_CONNECTOR (self), NULL);
  return self->tls_domain;
}

void
mfd_connector_set_tls_domain (MfdConnector *self,
                              const char   *domain)
{
  g_return_if_fail (MFD_IS_CONNECTOR (self));

  if (domain != NULL && *domain == '\0')
    domain = NULL;
  g_return_if_fail (domain == NULL ||
                    strv_all_valid ((const char * const[]) { domain, NULL },
                                    mfd_connector_validate_tls_domain));

  if (set_str (&self->tls_domain, domain))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_DOMAIN]);
}

static void
mfd_connector_finalize (GObject *object)
{
  MfdConnector *self = (MfdConnector *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->identity, g_free);
  g_clear_pointer (&self->comment, g_free);
  g_clear_pointer (&self->tls_domain, g_free);
  g_clear_pointer (&self->smart_hosts, g_strfreev);
  g_clear_pointer (&self->recipient_domains, g_strfreev);
  g_clear_pointer (&self->extra, json_object_unref);

  G_OBJECT_CLASS (mfd_connector_parent_class)->finalize (object);
}

static void
mfd_connector_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MfdConnector *self = MFD_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_IDENTITY:
      g_value_set_string (value, self->identity);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_CONNECTOR_TYPE:
      g_value_set_enum (value, self->connector_type);
      break;
    case PROP_USE_MX_RECORD:
      g_value_set_boolean (value, self->use_mx_record);
      break;
    case PROP_SMART_HOSTS:
      g_value_set_boxed (value, self->smart_hosts);
      break;
    case PROP_RECIPIENT_DOMAINS:
      g_value_set_boxed (value, self->recipient_domains);
      break;
    case PROP_TLS_MODE:
      g_value_set_enum (value, self->tls_mode);
      break;
    case PROP_TLS_DOMAIN:
      g_value_set_string (value, self->tls_domain);
      break;
    case PROP_COMMENT:
      g_value_set_string (value, self->comment);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_connector_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MfdConnector *self = MFD_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_NAME:
      mfd_connector_set_name (self, g_value_get_string (value));
      break;
    case PROP_IDENTITY:
      mfd_connector_set_identity (self, g_value_get_string (value));
      break;
    case PROP_ENABLED:
      mfd_connector_set_enabled (self, g_value_get_boolean (value));
      break;
    case PROP_CONNECTOR_TYPE:
      mfd_connector_set_connector_type (self, g_value_get_enum (value));
      break;
    case PROP_USE_MX_RECORD:
      mfd_connector_set_use_mx_record (self, g_value_get_boolean (value));
      break;
    case PROP_SMART_HOSTS:
      mfd_connector_set_smart_hosts (self, g_value_get_boxed (value));
      break;
    case PROP_RECIPIENT_DOMAINS:
      mfd_connector_set_recipient_domains (self, g_value_get_boxed (value));
      break;
    case PROP_TLS_MODE:
      mfd_connector_set_tls_mode (self, g_value_get_enum (value));
      break;
    case PROP_TLS_DOMAIN:
      mfd_connector_set_tls_domain (self, g_value_get_string (value));
      break;
    case PROP_COMMENT:
      mfd_connector_set_comment (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_connector_class_init (MfdConnectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = mfd_connector_finalize;
  object_class->get_property = mfd_connector_get_property;
  object_class->set_property = mfd_connector_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_IDENTITY] =
    g_param_spec_string ("identity", NULL, NULL, NULL, flags);
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE, flags);
  properties[PROP_CONNECTOR_TYPE] =
    g_param_spec_enum ("connector-type", NULL, NULL,
                       MFD_TYPE_CONNECTOR_TYPE, MFD_CONNECTOR_TYPE_PARTNER, flags);
  properties[PROP_USE_MX_RECORD] =
    g_param_spec_boolean ("use-mx-record", NULL, NULL, FALSE, flags);
  properties[PROP_SMART_HOSTS] =
    g_param_spec_boxed ("smart-hosts", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_RECIPIENT_DOMAINS] =
    g_param_spec_boxed ("recipient-domains", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_TLS_MODE] =
    g_param_spec_enum ("tls-mode", NULL, NULL,
                       MFD_TYPE_TLS_MODE, MFD_TLS_OPPORTUNISTIC, flags);
  properties[PROP_TLS_DOMAIN] =
    g_param_spec_string ("tls-domain", NULL, NULL, NULL, flags);
  properties[PROP_COMMENT] =
    g_param_spec_string ("comment", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mfd_connector_init (MfdConnector *self)
{
  /* New-OutboundConnector's defaults. */
  self->enabled = TRUE;
  self->connector_type = MFD_CONNECTOR_TYPE_PARTNER;
  self->tls_mode = MFD_TLS_OPPORTUNISTIC;
  self->smart_hosts = g_new0 (char *, 1);
  self->recipient_domains = g_new0 (char *, 1);
  self->extra = json_object_new ();
}
