/* mfd-target.c — what to check
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-target"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mfd-target.h"
#include "mfd-text.h"
#include "mfd-util.h"

struct _MfdTarget
{
  GObject       parent_instance;

  GPtrArray    *smart_hosts;   /* (element-type MfdTargetHost) */
  GPtrArray    *mx_domains;    /* char *, NULL-terminated */

  guint16       port;
  MfdTlsMode    tls_mode;
  char         *tls_domain;
  char         *ca_file;
  char         *trust_anchor_file;
  char         *dns_server;
  guint         connect_timeout_ms;
  guint         reply_timeout_ms;
  guint         tls_timeout_ms;
  guint         dns_timeout_ms;
  char         *doh_url;
  char         *rdap_bootstrap_url;
  char         *endpoints_url;
  gboolean      offline;
  guint16       dns_authority_port;
  guint16       mta_sts_policy_port;
  char         *connector_name;
  gboolean      control;        /* run the vantage check */
  char         *control_smtp;   /* "HOST[:PORT]", NULL = the default */
  char         *control_name;   /* NULL = the default */
  MfdConnector *connector;
  MfdNdrEntry  *ndr_entry;
};

G_DEFINE_FINAL_TYPE (MfdTarget, mfd_target, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PORT,
  PROP_TLS_MODE,
  PROP_TLS_DOMAIN,
  PROP_CA_FILE,
  PROP_DNS_SERVER,
  PROP_CONNECT_TIMEOUT_MS,
  PROP_REPLY_TIMEOUT_MS,
  PROP_TLS_TIMEOUT_MS,
  PROP_DNS_TIMEOUT_MS,
  PROP_DOH_URL,
  PROP_RDAP_BOOTSTRAP_URL,
  PROP_ENDPOINTS_URL,
  PROP_OFFLINE,
  PROP_CONNECTOR_NAME,
  PROP_CONTROL,
  PROP_CONTROL_SMTP,
  PROP_CONTROL_NAME,
  PROP_CONNECTOR,
  PROP_NDR_ENTRY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A day: longer than any server would keep a connection waiting. */
#define MAX_TIMEOUT_MS (24u * 60u * 60u * 1000u)

static void
target_host_free (gpointer data)
{
  MfdTargetHost *host = data;

  g_free (host->host);
  g_free (host->ip);
  g_free (host);
}

static void
set_string (MfdTarget   *self,
            char       **field,
            const char  *value,
            guint        prop_id)
{
  if (mfd_util_set_str (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint (MfdTarget *self,
          guint     *field,
          guint      value,
          guint      prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

MfdTarget *
mfd_target_new (void)
{
  return g_object_new (MFD_TYPE_TARGET, NULL);
}

MfdTarget *
mfd_target_new_for_connector (MfdConnector *connector)
{
  g_autoptr(MfdTarget) self = NULL;

  g_return_val_if_fail (MFD_IS_CONNECTOR (connector), NULL);

  self = mfd_target_new ();
  self->connector = mfd_connector_copy (connector);
  self->connector_name = g_strdup (mfd_connector_get_name (connector));
  self->tls_mode = mfd_connector_get_tls_mode (connector);
  self->tls_domain = g_strdup (mfd_connector_get_tls_domain (connector));

  if (mfd_connector_get_use_mx_record (connector))
    {
      const char * const *domains = mfd_connector_get_recipient_domains (connector);

      for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
        {
          const char *domain = domains[i];

          /* EOP looks up the MX of each recipient's own domain; the base
           * domain is the one name we know for a wildcard entry. */
          if (g_str_has_prefix (domain, "*."))
            domain += 2;
          if (strcmp (domain, "*") != 0)
            mfd_target_add_mx_domain (self, domain);
        }
    }
  else
    {
      const char * const *hosts = mfd_connector_get_smart_hosts (connector);

      for (guint i = 0; hosts != NULL && hosts[i] != NULL; i++)
        mfd_target_add_smart_host (self, hosts[i], 0);
    }

  return g_steal_pointer (&self);
}

/* The codes EOP gives when the recipient domain's own policy (MTA-STS,
 * DANE) rejects its MX hosts: 4.4.8, 4.7.5, 4.7.321–4.7.325 and their
 * 5.x forms. What fails there is the domain's policy, so the check is by
 * MX of the recipient's domain. */
static gboolean
status_is_mx_policy (const char *status)
{
  static const char * const tails[] = { ".4.8", ".7.5", ".7.321", ".7.322", ".7.323", ".7.324", ".7.325" };

  if (status == NULL || (status[0] != '4' && status[0] != '5'))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (tails); i++)
    if (g_str_equal (status + 1, tails[i]))
      return TRUE;
  return FALSE;
}

MfdTarget *
mfd_target_new_for_ndr_entry (MfdNdrEntry *entry,
                              MfdTlsMode   mode)
{
  g_autoptr(MfdTarget) self = NULL;
  const char *host;

  g_return_val_if_fail (entry != NULL, NULL);

  self = mfd_target_new ();
  self->ndr_entry = mfd_ndr_entry_ref (entry);
  self->tls_mode = mode;

  if (status_is_mx_policy (entry->status) && entry->recipients != NULL)
    {
      for (guint i = 0; entry->recipients[i] != NULL; i++)
        {
          const char *at = strrchr (entry->recipients[i], '@');

          if (at != NULL && at[1] != '\0')
            mfd_target_add_mx_domain (self, at + 1);
        }
      if (self->mx_domains->len > 1)
        return g_steal_pointer (&self);
    }

  host = entry->server != NULL && *entry->server != '\0' ? entry->server : entry->ip;
  if (host != NULL && *host != '\0')
    {
      guint16 port = entry->port != 0 ? entry->port : MFD_TARGET_DEFAULT_PORT;

      /* The entry's port becomes the target's, so the host says "0". */
      self->port = port;
      mfd_target_add_smart_host_full (self, host,
                                      entry->ip != NULL && *entry->ip != '\0' ? entry->ip : NULL,
                                      0);
    }

  return g_steal_pointer (&self);
}

MfdTarget *
mfd_target_copy (MfdTarget *self)
{
  MfdTarget *copy;

  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);

  copy = mfd_target_new ();

  for (guint i = 0; i < self->smart_hosts->len; i++)
    {
      MfdTargetHost *host = g_ptr_array_index (self->smart_hosts, i);

      mfd_target_add_smart_host_full (copy, host->host, host->ip, host->port);
    }
  for (guint i = 0; i + 1 < self->mx_domains->len; i++)
    mfd_target_add_mx_domain (copy, g_ptr_array_index (self->mx_domains, i));

  copy->port = self->port;
  copy->tls_mode = self->tls_mode;
  copy->tls_domain = g_strdup (self->tls_domain);
  copy->ca_file = g_strdup (self->ca_file);
  copy->trust_anchor_file = g_strdup (self->trust_anchor_file);
  copy->dns_server = g_strdup (self->dns_server);
  copy->connect_timeout_ms = self->connect_timeout_ms;
  copy->reply_timeout_ms = self->reply_timeout_ms;
  copy->tls_timeout_ms = self->tls_timeout_ms;
  copy->dns_timeout_ms = self->dns_timeout_ms;
  g_free (copy->doh_url);
  copy->doh_url = g_strdup (self->doh_url);
  g_free (copy->rdap_bootstrap_url);
  copy->rdap_bootstrap_url = g_strdup (self->rdap_bootstrap_url);
  g_free (copy->endpoints_url);
  copy->endpoints_url = g_strdup (self->endpoints_url);
  copy->offline = self->offline;
  copy->dns_authority_port = self->dns_authority_port;
  copy->mta_sts_policy_port = self->mta_sts_policy_port;
  copy->connector_name = g_strdup (self->connector_name);
  copy->control = self->control;
  copy->control_smtp = g_strdup (self->control_smtp);
  copy->control_name = g_strdup (self->control_name);
  copy->connector = self->connector ? mfd_connector_copy (self->connector) : NULL;
  copy->ndr_entry = self->ndr_entry ? mfd_ndr_entry_ref (self->ndr_entry) : NULL;

  return copy;
}

void
mfd_target_add_smart_host_full (MfdTarget  *self,
                                const char *host,
                                const char *ip,
                                guint16     port)
{
  MfdTargetHost *entry;

  g_return_if_fail (MFD_IS_TARGET (self));
  g_return_if_fail (host != NULL && *host != '\0');

  entry = g_new0 (MfdTargetHost, 1);
  entry->host = g_strdup (host);
  entry->ip = g_strdup (ip);
  entry->port = port;
  g_ptr_array_add (self->smart_hosts, entry);
}

void
mfd_target_add_smart_host (MfdTarget  *self,
                           const char *host,
                           guint16     port)
{
  mfd_target_add_smart_host_full (self, host, NULL, port);
}

GPtrArray *
mfd_target_get_smart_hosts (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);

  return self->smart_hosts;
}

void
mfd_target_add_mx_domain (MfdTarget  *self,
                          const char *domain)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  g_return_if_fail (domain != NULL && *domain != '\0');

  for (guint i = 0; i + 1 < self->mx_domains->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (self->mx_domains, i), domain) == 0)
      return;

  /* Keep the array NULL-terminated for the const char * const * getter. */
  g_ptr_array_insert (self->mx_domains, self->mx_domains->len - 1, g_strdup (domain));
}

const char * const *
mfd_target_get_mx_domains (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);

  return (const char * const *) self->mx_domains->pdata;
}

guint16
mfd_target_get_port (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), MFD_TARGET_DEFAULT_PORT);
  return self->port;
}

void
mfd_target_set_port (MfdTarget *self,
                     guint16    port)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  g_return_if_fail (port != 0);

  if (self->port != port)
    {
      self->port = port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
    }
}

MfdTlsMode
mfd_target_get_tls_mode (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), MFD_TLS_OPPORTUNISTIC);
  return self->tls_mode;
}

void
mfd_target_set_tls_mode (MfdTarget  *self,
                         MfdTlsMode  mode)
{
  g_return_if_fail (MFD_IS_TARGET (self));

  if (self->tls_mode != mode)
    {
      self->tls_mode = mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_MODE]);
    }
}

const char *
mfd_target_get_tls_domain (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->tls_domain;
}

void
mfd_target_set_tls_domain (MfdTarget  *self,
                           const char *domain)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->tls_domain, domain, PROP_TLS_DOMAIN);
}

const char *
mfd_target_get_trust_anchor_file (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);

  return self->trust_anchor_file;
}

void
mfd_target_set_trust_anchor_file (MfdTarget  *self,
                                  const char *path)
{
  char *copy;

  g_return_if_fail (MFD_IS_TARGET (self));

  copy = g_strdup (path);
  g_free (self->trust_anchor_file);
  self->trust_anchor_file = copy;
}

const char *
mfd_target_get_ca_file (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->ca_file;
}

void
mfd_target_set_ca_file (MfdTarget  *self,
                        const char *path)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->ca_file, path, PROP_CA_FILE);
}

const char *
mfd_target_get_dns_server (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->dns_server;
}

void
mfd_target_set_dns_server (MfdTarget  *self,
                           const char *server)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->dns_server, server, PROP_DNS_SERVER);
}

guint
mfd_target_get_connect_timeout_ms (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), MFD_TARGET_DEFAULT_CONNECT_MS);
  return self->connect_timeout_ms;
}

guint
mfd_target_get_reply_timeout_ms (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), MFD_TARGET_DEFAULT_REPLY_MS);
  return self->reply_timeout_ms;
}

guint
mfd_target_get_tls_timeout_ms (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), MFD_TARGET_DEFAULT_TLS_MS);
  return self->tls_timeout_ms;
}

guint
mfd_target_get_dns_timeout_ms (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), MFD_TARGET_DEFAULT_DNS_MS);
  return self->dns_timeout_ms;
}

void
mfd_target_set_connect_timeout_ms (MfdTarget *self,
                                   guint      ms)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  g_return_if_fail (ms > 0 && ms <= MAX_TIMEOUT_MS);
  set_uint (self, &self->connect_timeout_ms, ms, PROP_CONNECT_TIMEOUT_MS);
}

void
mfd_target_set_reply_timeout_ms (MfdTarget *self,
                                 guint      ms)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  g_return_if_fail (ms > 0 && ms <= MAX_TIMEOUT_MS);
  set_uint (self, &self->reply_timeout_ms, ms, PROP_REPLY_TIMEOUT_MS);
}

void
mfd_target_set_tls_timeout_ms (MfdTarget *self,
                               guint      ms)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  g_return_if_fail (ms > 0 && ms <= MAX_TIMEOUT_MS);
  set_uint (self, &self->tls_timeout_ms, ms, PROP_TLS_TIMEOUT_MS);
}

void
mfd_target_set_dns_timeout_ms (MfdTarget *self,
                               guint      ms)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  g_return_if_fail (ms > 0 && ms <= MAX_TIMEOUT_MS);
  set_uint (self, &self->dns_timeout_ms, ms, PROP_DNS_TIMEOUT_MS);
}

void
mfd_target_set_timeout_seconds (MfdTarget *self,
                                double     seconds)
{
  guint ms;

  g_return_if_fail (MFD_IS_TARGET (self));
  g_return_if_fail (isfinite (seconds) && seconds > 0);

  ms = (guint) CLAMP (ceil (seconds * 1000.0), 1.0, (double) MAX_TIMEOUT_MS);

  g_object_freeze_notify (G_OBJECT (self));
  mfd_target_set_connect_timeout_ms (self, ms);
  mfd_target_set_reply_timeout_ms (self, ms);
  mfd_target_set_tls_timeout_ms (self, ms);
  /* A resolver that has not answered in five seconds will not answer;
   * waiting longer only delays the checks that follow. */
  mfd_target_set_dns_timeout_ms (self, MIN (ms, MFD_TARGET_DEFAULT_DNS_MS));
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
mfd_target_get_doh_url (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->doh_url;
}

void
mfd_target_set_doh_url (MfdTarget  *self,
                        const char *url)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->doh_url, url ? url : MFD_TARGET_DEFAULT_DOH_URL, PROP_DOH_URL);
}

const char *
mfd_target_get_rdap_bootstrap_url (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->rdap_bootstrap_url;
}

void
mfd_target_set_rdap_bootstrap_url (MfdTarget  *self,
                                   const char *url)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->rdap_bootstrap_url,
              url ? url : MFD_TARGET_DEFAULT_RDAP_BOOTSTRAP_URL, PROP_RDAP_BOOTSTRAP_URL);
}

const char *
mfd_target_get_endpoints_url (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->endpoints_url;
}

void
mfd_target_set_endpoints_url (MfdTarget  *self,
                              const char *url)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->endpoints_url,
              url ? url : MFD_TARGET_DEFAULT_ENDPOINTS_URL, PROP_ENDPOINTS_URL);
}

gboolean
mfd_target_get_offline (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), FALSE);
  return self->offline;
}

void
mfd_target_set_offline (MfdTarget *self,
                        gboolean   offline)
{
  g_return_if_fail (MFD_IS_TARGET (self));

  offline = !!offline;
  if (self->offline != offline)
    {
      self->offline = offline;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
    }
}

guint16
mfd_target_get_dns_authority_port (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), 0);
  return self->dns_authority_port;
}

void
mfd_target_set_dns_authority_port (MfdTarget *self,
                                   guint16    port)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  self->dns_authority_port = port;
}

guint16
mfd_target_get_mta_sts_policy_port (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), 0);
  return self->mta_sts_policy_port;
}

void
mfd_target_set_mta_sts_policy_port (MfdTarget *self,
                                    guint16    port)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  self->mta_sts_policy_port = port;
}

gboolean
mfd_target_get_control (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), FALSE);
  return self->control;
}

void
mfd_target_set_control (MfdTarget *self,
                        gboolean   control)
{
  g_return_if_fail (MFD_IS_TARGET (self));

  control = !!control;
  if (self->control != control)
    {
      self->control = control;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL]);
    }
}

const char *
mfd_target_get_control_smtp (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->control_smtp;
}

void
mfd_target_set_control_smtp (MfdTarget  *self,
                             const char *host_port)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->control_smtp,
              host_port != NULL && *host_port != '\0' ? host_port : NULL, PROP_CONTROL_SMTP);
}

const char *
mfd_target_get_control_name (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->control_name;
}

void
mfd_target_set_control_name (MfdTarget  *self,
                             const char *name)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->control_name,
              name != NULL && *name != '\0' ? name : NULL, PROP_CONTROL_NAME);
}

const char *
mfd_target_get_connector_name (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->connector_name;
}

void
mfd_target_set_connector_name (MfdTarget  *self,
                               const char *name)
{
  g_return_if_fail (MFD_IS_TARGET (self));
  set_string (self, &self->connector_name, name, PROP_CONNECTOR_NAME);
}

MfdConnector *
mfd_target_get_connector (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->connector;
}

MfdNdrEntry *
mfd_target_get_ndr_entry (MfdTarget *self)
{
  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);
  return self->ndr_entry;
}

char *
mfd_target_describe (MfdTarget  *self,
                     const char *lang)
{
  g_autoptr(GString) hosts = g_string_new (NULL);
  g_autofree char *domains = NULL;

  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);

  for (guint i = 0; i < self->smart_hosts->len; i++)
    {
      MfdTargetHost *host = g_ptr_array_index (self->smart_hosts, i);
      gboolean bracket = strchr (host->host, ':') != NULL;

      if (hosts->len > 0)
        g_string_append (hosts, ", ");

      if (host->port != 0 && host->port != self->port)
        g_string_append_printf (hosts, bracket ? "[%s]:%u" : "%s:%u", host->host, host->port);
      else
        g_string_append (hosts, host->host);

      if (host->ip != NULL && g_ascii_strcasecmp (host->ip, host->host) != 0)
        g_string_append_printf (hosts, " (%s)", host->ip);
    }

  if (self->mx_domains->len > 1)
    domains = g_strjoinv (", ", (char **) self->mx_domains->pdata);

  if (hosts->len > 0 && domains != NULL)
    {
      g_autofree char *mx = mfd_text_render_va (lang, N_("MX of {1}"), domains, NULL);

      return mfd_text_render_va (lang, N_("{1}; {2}"), hosts->str, mx, NULL);
    }
  if (domains != NULL)
    return mfd_text_render_va (lang, N_("MX of {1}"), domains, NULL);
  if (hosts->len > 0)
    return g_string_free (g_steal_pointer (&hosts), FALSE);

  return g_strdup (mfd_tr (lang, N_("No destination to check")));
}

static char *
seconds_text (guint ms)
{
  /* Whole seconds as set in Preferences or --timeout; a fraction otherwise. */
  if (ms % 1000 == 0)
    return g_strdup_printf ("%u", ms / 1000);
  return g_strdup_printf ("%.1f", ms / 1000.0);
}

char **
mfd_target_dup_run_settings (MfdTarget  *self,
                             const char *lang)
{
  GPtrArray *lines = g_ptr_array_new ();

  g_return_val_if_fail (MFD_IS_TARGET (self), NULL);

  if (self->offline)
    g_ptr_array_add (lines, g_strdup (mfd_tr (lang, N_("Offline: the public DNS, the domain registration and Microsoft's address ranges were not looked up."))));
  if (self->dns_server != NULL)
    g_ptr_array_add (lines, mfd_text_render_va (lang, N_("DNS server: {1}, instead of this computer's resolvers."),
                                                    self->dns_server, NULL));
  if (self->port != MFD_TARGET_DEFAULT_PORT)
    {
      g_autofree char *port = g_strdup_printf ("%u", self->port);

      g_ptr_array_add (lines, mfd_text_render_va (lang, N_("Port {1}: Exchange Online always connects to port 25."),
                                                      port, NULL));
    }
  if (self->connect_timeout_ms != MFD_TARGET_DEFAULT_CONNECT_MS ||
      self->reply_timeout_ms != MFD_TARGET_DEFAULT_REPLY_MS ||
      self->tls_timeout_ms != MFD_TARGET_DEFAULT_TLS_MS ||
      self->dns_timeout_ms != MFD_TARGET_DEFAULT_DNS_MS)
    {
      g_autofree char *connect = seconds_text (self->connect_timeout_ms);
      g_autofree char *reply = seconds_text (self->reply_timeout_ms);
      g_autofree char *tls = seconds_text (self->tls_timeout_ms);
      g_autofree char *dns = seconds_text (self->dns_timeout_ms);

      g_ptr_array_add (lines, mfd_text_render_va (lang, N_("Timeouts: connection {1} s, reply {2} s, TLS {3} s, DNS {4} s."),
                                                      connect, reply, tls, dns, NULL));
    }
  if (self->ca_file != NULL)
    g_ptr_array_add (lines, mfd_text_render_va (lang, N_("Extra trusted CA certificates from {1}."),
                                                    self->ca_file, NULL));
  if (self->trust_anchor_file != NULL)
    g_ptr_array_add (lines, mfd_text_render_va (lang, N_("DNSSEC trust anchor: {1}, instead of the root's."),
                                                    self->trust_anchor_file, NULL));
  if (!self->offline &&
      (g_strcmp0 (self->doh_url, MFD_TARGET_DEFAULT_DOH_URL) != 0 ||
       g_strcmp0 (self->rdap_bootstrap_url, MFD_TARGET_DEFAULT_RDAP_BOOTSTRAP_URL) != 0 ||
       g_strcmp0 (self->endpoints_url, MFD_TARGET_DEFAULT_ENDPOINTS_URL) != 0))
    g_ptr_array_add (lines, g_strdup (mfd_tr (lang, N_("The internet's view was asked from other services than the default ones."))));

  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}

static void
mfd_target_finalize (GObject *object)
{
  MfdTarget *self = (MfdTarget *) object;

  g_clear_pointer (&self->smart_hosts, g_ptr_array_unref);
  g_clear_pointer (&self->mx_domains, g_ptr_array_unref);
  g_clear_pointer (&self->tls_domain, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->trust_anchor_file, g_free);
  g_clear_pointer (&self->dns_server, g_free);
  g_clear_pointer (&self->doh_url, g_free);
  g_clear_pointer (&self->rdap_bootstrap_url, g_free);
  g_clear_pointer (&self->endpoints_url, g_free);
  g_clear_pointer (&self->connector_name, g_free);
  g_clear_pointer (&self->control_smtp, g_free);
  g_clear_pointer (&self->control_name, g_free);
  g_clear_object (&self->connector);
  g_clear_pointer (&self->ndr_entry, mfd_ndr_entry_unref);

  G_OBJECT_CLASS (mfd_target_parent_class)->finalize (object);
}

static void
mfd_target_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MfdTarget *self = MFD_TARGET (object);

  switch (prop_id)
    {
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_TLS_MODE:
      g_value_set_enum (value, self->tls_mode);
      break;
    case PROP_TLS_DOMAIN:
      g_value_set_string (value, self->tls_domain);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_DNS_SERVER:
      g_value_set_string (value, self->dns_server);
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      g_value_set_uint (value, self->connect_timeout_ms);
      break;
    case PROP_REPLY_TIMEOUT_MS:
      g_value_set_uint (value, self->reply_timeout_ms);
      break;
    case PROP_TLS_TIMEOUT_MS:
      g_value_set_uint (value, self->tls_timeout_ms);
      break;
    case PROP_DNS_TIMEOUT_MS:
      g_value_set_uint (value, self->dns_timeout_ms);
      break;
    case PROP_DOH_URL:
      g_value_set_string (value, self->doh_url);
      break;
    case PROP_RDAP_BOOTSTRAP_URL:
      g_value_set_string (value, self->rdap_bootstrap_url);
      break;
    case PROP_ENDPOINTS_URL:
      g_value_set_string (value, self->endpoints_url);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    case PROP_CONNECTOR_NAME:
      g_value_set_string (value, self->connector_name);
      break;
    case PROP_CONTROL:
      g_value_set_boolean (value, self->control);
      break;
    case PROP_CONTROL_SMTP:
      g_value_set_string (value, self->control_smtp);
      break;
    case PROP_CONTROL_NAME:
      g_value_set_string (value, self->control_name);
      break;
    case PROP_CONNECTOR:
      g_value_set_object (value, self->connector);
      break;
    case PROP_NDR_ENTRY:
      g_value_set_boxed (value, self->ndr_entry);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_target_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MfdTarget *self = MFD_TARGET (object);

  switch (prop_id)
    {
    case PROP_PORT:
      mfd_target_set_port (self, g_value_get_uint (value));
      break;
    case PROP_TLS_MODE:
      mfd_target_set_tls_mode (self, g_value_get_enum (value));
      break;
    case PROP_TLS_DOMAIN:
      mfd_target_set_tls_domain (self, g_value_get_string (value));
      break;
    case PROP_CA_FILE:
      mfd_target_set_ca_file (self, g_value_get_string (value));
      break;
    case PROP_DNS_SERVER:
      mfd_target_set_dns_server (self, g_value_get_string (value));
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      mfd_target_set_connect_timeout_ms (self, g_value_get_uint (value));
      break;
    case PROP_REPLY_TIMEOUT_MS:
      mfd_target_set_reply_timeout_ms (self, g_value_get_uint (value));
      break;
    case PROP_TLS_TIMEOUT_MS:
      mfd_target_set_tls_timeout_ms (self, g_value_get_uint (value));
      break;
    case PROP_DNS_TIMEOUT_MS:
      mfd_target_set_dns_timeout_ms (self, g_value_get_uint (value));
      break;
    case PROP_DOH_URL:
      mfd_target_set_doh_url (self, g_value_get_string (value));
      break;
    case PROP_RDAP_BOOTSTRAP_URL:
      mfd_target_set_rdap_bootstrap_url (self, g_value_get_string (value));
      break;
    case PROP_ENDPOINTS_URL:
      mfd_target_set_endpoints_url (self, g_value_get_string (value));
      break;
    case PROP_OFFLINE:
      mfd_target_set_offline (self, g_value_get_boolean (value));
      break;
    case PROP_CONNECTOR_NAME:
      mfd_target_set_connector_name (self, g_value_get_string (value));
      break;
    case PROP_CONTROL:
      mfd_target_set_control (self, g_value_get_boolean (value));
      break;
    case PROP_CONTROL_SMTP:
      mfd_target_set_control_smtp (self, g_value_get_string (value));
      break;
    case PROP_CONTROL_NAME:
      mfd_target_set_control_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_target_class_init (MfdTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = mfd_target_finalize;
  object_class->get_property = mfd_target_get_property;
  object_class->set_property = mfd_target_set_property;

  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, MFD_TARGET_DEFAULT_PORT, rw);
  properties[PROP_TLS_MODE] =
    g_param_spec_enum ("tls-mode", NULL, NULL,
                       MFD_TYPE_TLS_MODE, MFD_TLS_OPPORTUNISTIC, rw);
  properties[PROP_TLS_DOMAIN] =
    g_param_spec_string ("tls-domain", NULL, NULL, NULL, rw);
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL, rw);
  properties[PROP_DNS_SERVER] =
    g_param_spec_string ("dns-server", NULL, NULL, NULL, rw);
  properties[PROP_CONNECT_TIMEOUT_MS] =
    g_param_spec_uint ("connect-timeout-ms", NULL, NULL,
                       1, MAX_TIMEOUT_MS, MFD_TARGET_DEFAULT_CONNECT_MS, rw);
  properties[PROP_REPLY_TIMEOUT_MS] =
    g_param_spec_uint ("reply-timeout-ms", NULL, NULL,
                       1, MAX_TIMEOUT_MS, MFD_TARGET_DEFAULT_REPLY_MS, rw);
  properties[PROP_TLS_TIMEOUT_MS] =
    g_param_spec_uint ("tls-timeout-ms", NULL, NULL,
                       1, MAX_TIMEOUT_MS, MFD_TARGET_DEFAULT_TLS_MS, rw);
  properties[PROP_DNS_TIMEOUT_MS] =
    g_param_spec_uint ("dns-timeout-ms", NULL, NULL,
                       1, MAX_TIMEOUT_MS, MFD_TARGET_DEFAULT_DNS_MS, rw);
  properties[PROP_DOH_URL] =
    g_param_spec_string ("doh-url", NULL, NULL, MFD_TARGET_DEFAULT_DOH_URL, rw);
  properties[PROP_RDAP_BOOTSTRAP_URL] =
    g_param_spec_string ("rdap-bootstrap-url", NULL, NULL, MFD_TARGET_DEFAULT_RDAP_BOOTSTRAP_URL, rw);
  properties[PROP_ENDPOINTS_URL] =
    g_param_spec_string ("endpoints-url", NULL, NULL, MFD_TARGET_DEFAULT_ENDPOINTS_URL, rw);
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE, rw);
  properties[PROP_CONNECTOR_NAME] =
    g_param_spec_string ("connector-name", NULL, NULL, NULL, rw);
  properties[PROP_CONTROL] =
    g_param_spec_boolean ("control", NULL, NULL, TRUE, rw);
  properties[PROP_CONTROL_SMTP] =
    g_param_spec_string ("control-smtp", NULL, NULL, NULL, rw);
  properties[PROP_CONTROL_NAME] =
    g_param_spec_string ("control-name", NULL, NULL, NULL, rw);
  properties[PROP_CONNECTOR] =
    g_param_spec_object ("connector", NULL, NULL, MFD_TYPE_CONNECTOR, ro);
  properties[PROP_NDR_ENTRY] =
    g_param_spec_boxed ("ndr-entry", NULL, NULL, MFD_TYPE_NDR_ENTRY, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mfd_target_init (MfdTarget *self)
{
  self->smart_hosts = g_ptr_array_new_with_free_func (target_host_free);
  self->mx_domains = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->mx_domains, NULL);

  self->port = MFD_TARGET_DEFAULT_PORT;
  self->tls_mode = MFD_TLS_OPPORTUNISTIC;
  self->control = TRUE;
  self->connect_timeout_ms = MFD_TARGET_DEFAULT_CONNECT_MS;
  self->reply_timeout_ms = MFD_TARGET_DEFAULT_REPLY_MS;
  self->tls_timeout_ms = MFD_TARGET_DEFAULT_TLS_MS;
  self->dns_timeout_ms = MFD_TARGET_DEFAULT_DNS_MS;
  self->doh_url = g_strdup (MFD_TARGET_DEFAULT_DOH_URL);
  self->rdap_bootstrap_url = g_strdup (MFD_TARGET_DEFAULT_RDAP_BOOTSTRAP_URL);
  self->endpoints_url = g_strdup (MFD_TARGET_DEFAULT_ENDPOINTS_URL);
}
