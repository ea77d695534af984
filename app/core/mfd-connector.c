/* mfd-connector.c — an EOP outbound connector (the model; JSON in
 * mfd-connector-json.c, validation in mfd-connector-validate.c)
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
#include "mfd-util.h"

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

  if (mfd_util_set_str (&self->name, name))
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

  if (mfd_util_set_str (&self->identity, identity))
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

  if (mfd_util_set_str (&self->comment, comment))
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

  if (mfd_util_set_str (&self->tls_domain, domain))
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
