/* mfd-vantage.c — this computer's own view, checked before any verdict
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-vantage"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-vantage.h"
#include "mfd-dns.h"
#include "mfd-remedy.h"
#include "mfd-smtp.h"
#include "mfd-text.h"
#include "mfd-tls.h"

/* The control probes reuse the engine's own DNS, SMTP and TLS steps, so the
 * control is judged exactly as the destination is: only the conclusions
 * differ. They run in one worker thread beside the real checks; on a healthy
 * network they finish well before the destination's own steps do. */

G_DEFINE_BOXED_TYPE (MfdVantage, mfd_vantage, mfd_vantage_ref, mfd_vantage_unref)

static const char *facet_names[] = {
  [MFD_VANTAGE_DNS] = "dns",
  [MFD_VANTAGE_SMTP25] = "smtp25",
  [MFD_VANTAGE_TLS] = "tls",
};

static const char *state_names[] = {
  [MFD_VANTAGE_SKIPPED] = "skipped",
  [MFD_VANTAGE_OK] = "ok",
  [MFD_VANTAGE_FAILED] = "failed",
  [MFD_VANTAGE_HIJACKED] = "hijacked",
  [MFD_VANTAGE_BLOCKED] = "blocked",
  [MFD_VANTAGE_INTERCEPTED] = "intercepted",
};

MfdVantage *
mfd_vantage_new (void)
{
  MfdVantage *self = g_new0 (MfdVantage, 1);

  g_atomic_ref_count_init (&self->ref_count);
  for (guint i = 0; i < MFD_VANTAGE_N_FACETS; i++)
    self->state[i] = MFD_VANTAGE_SKIPPED;
  self->observations = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_observation_unref);
  return self;
}

MfdVantage *
mfd_vantage_ref (MfdVantage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mfd_vantage_unref (MfdVantage *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < MFD_VANTAGE_N_FACETS; i++)
    {
      g_free (self->reason_msgid[i]);
      g_strfreev (self->reason_args[i]);
    }
  g_free (self->control_name);
  g_free (self->absent_name);
  g_free (self->control_host);
  g_free (self->control_ip);
  g_free (self->issuer);
  g_ptr_array_unref (self->observations);
  g_free (self);
}

static void
set_state_valist (MfdVantage      *self,
                  MfdVantageFacet  facet,
                  MfdVantageState  state,
                  const char      *msgid,
                  va_list          ap)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *arg;

  self->state[facet] = state;
  g_clear_pointer (&self->reason_msgid[facet], g_free);
  g_clear_pointer (&self->reason_args[facet], g_strfreev);
  if (msgid == NULL)
    return;

  while ((arg = va_arg (ap, const char *)) != NULL)
    g_strv_builder_add (builder, arg);
  self->reason_msgid[facet] = g_strdup (msgid);
  self->reason_args[facet] = g_strv_builder_end (builder);
}

void
mfd_vantage_set_state (MfdVantage      *self,
                       MfdVantageFacet  facet,
                       MfdVantageState  state,
                       const char      *msgid,
                       ...)
{
  va_list ap;

  g_return_if_fail (self != NULL);
  g_return_if_fail (facet < MFD_VANTAGE_N_FACETS);

  va_start (ap, msgid);
  set_state_valist (self, facet, state, msgid, ap);
  va_end (ap);
}

const char *
mfd_vantage_facet_to_string (MfdVantageFacet facet)
{
  g_return_val_if_fail (facet < MFD_VANTAGE_N_FACETS, NULL);

  return facet_names[facet];
}

const char *
mfd_vantage_state_to_string (MfdVantageState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

gboolean
mfd_vantage_is_clear (MfdVantage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < MFD_VANTAGE_N_FACETS; i++)
    if (self->state[i] != MFD_VANTAGE_OK)
      return FALSE;
  return TRUE;
}

gboolean
mfd_vantage_is_skipped (MfdVantage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < MFD_VANTAGE_N_FACETS; i++)
    if (self->state[i] != MFD_VANTAGE_SKIPPED)
      return FALSE;
  return TRUE;
}

gboolean
mfd_vantage_is_impaired (MfdVantage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < MFD_VANTAGE_N_FACETS; i++)
    if (self->state[i] != MFD_VANTAGE_OK && self->state[i] != MFD_VANTAGE_SKIPPED)
      return TRUE;
  return FALSE;
}

char *
mfd_vantage_dup_reason (MfdVantage      *self,
                        MfdVantageFacet  facet,
                        const char      *lang)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (facet < MFD_VANTAGE_N_FACETS, NULL);

  if (self->reason_msgid[facet] == NULL)
    return NULL;
  return mfd_text_render (lang, self->reason_msgid[facet],
                          (const char * const *) self->reason_args[facet]);
}

char *
mfd_vantage_dup_detail (MfdVantage *self,
                        const char *lang)
{
  const char *norm = mfd_text_normalize_lang (lang != NULL ? lang : mfd_text_get_process_lang ());
  const char *sep = g_strcmp0 (norm, "ja") == 0 ? "" : " ";
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  if (mfd_vantage_is_skipped (self) && self->reason_msgid[MFD_VANTAGE_DNS] == NULL)
    return g_strdup (mfd_tr (lang, N_("This computer's own view was not checked (the control checks were turned off), so nothing here tells whether it sees what EOP sees.")));
  if (mfd_vantage_is_clear (self))
    return g_strdup (mfd_tr (lang, N_("The control checks passed: this computer resolves public names correctly, reaches port 25 on the internet and sees unaltered certificates.")));

  for (guint i = 0; i < MFD_VANTAGE_N_FACETS; i++)
    {
      g_autofree char *reason = mfd_vantage_dup_reason (self, i, lang);

      if (reason == NULL)
        continue;
      if (out->len > 0)
        g_string_append (out, sep);
      g_string_append (out, reason);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Addresses EOP can never connect to ------------------------------------- */

typedef struct
{
  const char *cidr;
  const char *why;
} Range;

static const Range private_ranges[] = {
  { "0.0.0.0/8",       N_("an unspecified address") },
  { "10.0.0.0/8",      N_("a private address (RFC 1918)") },
  { "100.64.0.0/10",   N_("a carrier-grade NAT address (100.64.0.0/10)") },
  { "127.0.0.0/8",     N_("a loopback address") },
  { "169.254.0.0/16",  N_("a link-local address") },
  { "172.16.0.0/12",   N_("a private address (RFC 1918)") },
  { "192.0.2.0/24",    N_("a documentation address") },
  { "192.168.0.0/16",  N_("a private address (RFC 1918)") },
  { "198.18.0.0/15",   N_("a benchmarking address") },
  { "198.51.100.0/24", N_("a documentation address") },
  { "203.0.113.0/24",  N_("a documentation address") },
  { "224.0.0.0/3",     N_("a multicast or reserved address") },
  { "::/128",          N_("an unspecified address") },
  { "::1/128",         N_("a loopback address") },
  { "fc00::/7",        N_("a private address (IPv6 unique local)") },
  { "fe80::/10",       N_("a link-local address") },
  { "ff00::/8",        N_("a multicast or reserved address") },
  { "2001:db8::/32",   N_("a documentation address") },
};

gboolean
mfd_vantage_address_is_public (const char  *ip,
                               const char **why)
{
  g_autoptr(GInetAddress) address = NULL;

  if (why != NULL)
    *why = NULL;
  if (ip == NULL)
    return TRUE;
  address = g_inet_address_new_from_string (ip);
  if (address == NULL)
    return TRUE;

  /* An IPv4-mapped IPv6 address is the IPv4 address it carries. */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *bytes = g_inet_address_to_bytes (address);
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (memcmp (bytes, mapped, sizeof mapped) == 0)
        {
          g_autoptr(GInetAddress) v4 = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
          g_autofree char *text = g_inet_address_to_string (v4);

          return mfd_vantage_address_is_public (text, why);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (private_ranges); i++)
    {
      g_autoptr(GInetAddressMask) mask = g_inet_address_mask_new_from_string (private_ranges[i].cidr, NULL);

      if (mask != NULL &&
          g_inet_address_mask_get_family (mask) == g_inet_address_get_family (address) &&
          g_inet_address_mask_matches (mask, address))
        {
          if (why != NULL)
            *why = private_ranges[i].why;
          return FALSE;
        }
    }
  return TRUE;
}

/* The control probes --------------------------------------------------- */

typedef struct
{
  gboolean  enabled;
  char     *control_name;
  char     *control_smtp;
  char     *dns_server;
  char     *ca_file;
  guint     connect_ms;
  guint     reply_ms;
  guint     tls_ms;
  guint     dns_ms;
} Check;

static void
check_free (Check *check)
{
  g_free (check->control_name);
  g_free (check->control_smtp);
  g_free (check->dns_server);
  g_free (check->ca_file);
  g_free (check);
}

/* HOST, HOST:PORT, [IPv6]:PORT or a bare IPv6 address. */
static gboolean
split_host_port (const char  *arg,
                 char       **host,
                 guint16     *port)
{
  const char *colon;
  guint64 value;

  *port = MFD_VANTAGE_DEFAULT_CONTROL_PORT;
  if (arg[0] == '[')
    {
      const char *close = strchr (arg, ']');

      if (close == NULL || close == arg + 1)
        return FALSE;
      if (close[1] != '\0')
        {
          if (close[1] != ':' || !g_ascii_string_to_unsigned (close + 2, 10, 1, G_MAXUINT16, &value, NULL))
            return FALSE;
          *port = value;
        }
      *host = g_strndup (arg + 1, close - arg - 1);
      return TRUE;
    }

  colon = strchr (arg, ':');
  if (colon != NULL && strchr (colon + 1, ':') == NULL)
    {
      if (colon == arg || !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &value, NULL))
        return FALSE;
      *port = value;
      *host = g_strndup (arg, colon - arg);
      return TRUE;
    }

  *host = g_strdup (arg);
  return arg[0] != '\0';
}

static gboolean
keep (MfdVantage     *vantage,
      MfdObservation *obs)
{
  MfdOutcome outcome = obs->outcome;

  g_ptr_array_add (vantage->observations, obs);
  return outcome == MFD_OUTCOME_OK;
}

static void
check_dns (MfdVantage     *v,
           MfdDnsResolver *resolver,
           char          **default_host,
           GCancellable   *cancellable)
{
  g_autoptr(GPtrArray) absent = NULL;
  GPtrArray *hosts = NULL;
  MfdObservation *obs;
  gboolean resolved;

  obs = mfd_dns_resolve_mx (resolver, v->control_name, &hosts, cancellable);
  resolved = hosts != NULL && hosts->len > 0;
  if (!resolved)
    {
      mfd_vantage_set_state (v, MFD_VANTAGE_DNS, MFD_VANTAGE_FAILED,
                             N_("This computer's DNS cannot resolve {1}, a name that exists on the internet: its answers about the destination say nothing about what EOP sees."),
                             v->control_name, NULL);
    }
  else
    *default_host = g_strdup (g_ptr_array_index (hosts, 0));
  g_ptr_array_add (v->observations, obs);
  g_clear_pointer (&hosts, g_ptr_array_unref);
  if (!resolved || g_cancellable_is_cancelled (cancellable))
    return;

  /* A resolver that answers for a name nobody registered rewrites
   * "no such name" (a captive portal, an ISP's search page, a filter). */
  obs = mfd_dns_resolve_addresses (resolver, v->absent_name, &absent, cancellable);
  g_ptr_array_add (v->observations, obs);
  if (absent != NULL && absent->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (absent, NULL);
      list = g_strjoinv (", ", (char **) absent->pdata);
      mfd_vantage_set_state (v, MFD_VANTAGE_DNS, MFD_VANTAGE_HIJACKED,
                             N_("This computer's DNS answers {1} for {2}, a name that does not exist: a resolver here rewrites answers, so its answers about the destination say nothing about what EOP sees."),
                             list, v->absent_name, NULL);
      return;
    }
  mfd_vantage_set_state (v, MFD_VANTAGE_DNS, MFD_VANTAGE_OK, NULL, NULL);
}

static void
skip_tls (MfdVantage *v,
          const char *msgid,
          const char *arg)
{
  mfd_vantage_set_state (v, MFD_VANTAGE_TLS, MFD_VANTAGE_SKIPPED, msgid, arg, NULL);
}

static void
check_smtp (MfdVantage     *v,
            Check          *c,
            MfdDnsResolver *resolver,
            const char     *host,
            guint16         port,
            GCancellable   *cancellable)
{
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdTlsSession) tls = NULL;
  g_autofree char *where = NULL;
  MfdObservation *obs;

  v->control_host = g_strdup (host);
  v->control_port = port;

  if (g_hostname_is_ip_address (host))
    v->control_ip = g_strdup (host);
  else if (resolver != NULL)
    {
      g_autoptr(GPtrArray) addresses = NULL;

      obs = mfd_dns_resolve_addresses (resolver, host, &addresses, cancellable);
      g_ptr_array_add (v->observations, obs);
      if (addresses != NULL && addresses->len > 0)
        v->control_ip = g_strdup (g_ptr_array_index (addresses, 0));
    }
  if (v->control_ip == NULL)
    {
      mfd_vantage_set_state (v, MFD_VANTAGE_SMTP25, MFD_VANTAGE_SKIPPED,
                             N_("Port 25 was not checked: the control server {1} has no address here."),
                             host, NULL);
      skip_tls (v, N_("TLS was not checked: the control server {1} has no address here."), host);
      return;
    }
  if (g_cancellable_is_cancelled (cancellable))
    return;

  /* Language-neutral: the reason texts are rendered later, in any language. */
  where = g_str_equal (host, v->control_ip) ? g_strdup_printf ("%s:%u", host, port)
                                            : g_strdup_printf ("%s (%s):%u", host, v->control_ip, port);
  connection = mfd_smtp_connection_new (host, v->control_ip, port, c->reply_ms, cancellable);
  obs = mfd_smtp_connection_connect (connection, c->connect_ms);
  if (keep (v, obs))
    obs = mfd_smtp_connection_greeting (connection);
  if (obs->stage != MFD_STAGE_GREETING || !keep (v, obs))
    {
      mfd_vantage_set_state (v, MFD_VANTAGE_SMTP25, MFD_VANTAGE_BLOCKED,
                             N_("This network does not let connections to port 25 out: the control server {1}, which always answers, could not be reached either. The result says nothing about what EOP sees."),
                             where, NULL);
      skip_tls (v, N_("TLS was not checked: port 25 is blocked here."), NULL);
      return;
    }
  mfd_vantage_set_state (v, MFD_VANTAGE_SMTP25, MFD_VANTAGE_OK, NULL, NULL);

  if (!keep (v, mfd_smtp_connection_ehlo (connection)))
    {
      skip_tls (v, N_("TLS was not checked: the control server {1} did not accept EHLO."), where);
      return;
    }
  /* Certificate validation: the control must chain to a public root (or
   * to the CA file given for the lab), whatever the destination's setting. */
  obs = mfd_smtp_connection_starttls (connection, MFD_TLS_CERTIFICATE_VALIDATION);
  if (!keep (v, obs))
    {
      skip_tls (v, N_("TLS was not checked: STARTTLS with the control server {1} did not succeed."), where);
      return;
    }

  tls = mfd_tls_session_new (mfd_smtp_connection_get_socket (connection),
                             g_hostname_is_ip_address (host) ? NULL : host, cancellable);
  obs = mfd_tls_session_handshake (tls, host, v->control_ip, port,
                                   MFD_TLS_CERTIFICATE_VALIDATION, c->tls_ms);
  if (!keep (v, obs))
    {
      skip_tls (v, N_("TLS was not checked: the TLS handshake with the control server {1} did not succeed."), where);
      return;
    }

  obs = mfd_tls_session_verify (tls, host, v->control_ip, port,
                                MFD_TLS_CERTIFICATE_VALIDATION, NULL, c->ca_file);
  g_ptr_array_add (v->observations, obs);
  if (obs->outcome != MFD_OUTCOME_OK &&
      strstr (mfd_observation_get_fact (obs, "issues") ?: "", "cert-untrusted") != NULL)
    {
      v->issuer = g_strdup (mfd_observation_get_fact (obs, "top-issuer") ?: "?");
      mfd_vantage_set_state (v, MFD_VANTAGE_TLS, MFD_VANTAGE_INTERCEPTED,
                             N_("A device on this network intercepts TLS: the control server {1} presented a certificate issued by “{2}”, which does not chain to a public root. The certificates seen here are not the ones EOP sees."),
                             where, v->issuer, NULL);
    }
  else
    mfd_vantage_set_state (v, MFD_VANTAGE_TLS, MFD_VANTAGE_OK, NULL, NULL);

  /* EHLO again and QUIT, as the destination's own dialogue ends. */
  mfd_smtp_connection_set_transport (connection, mfd_tls_session_read,
                                     mfd_tls_session_write, tls);
  g_ptr_array_add (v->observations, mfd_smtp_connection_quit (connection, TRUE));
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *c = task_data;
  g_autoptr(MfdVantage) v = mfd_vantage_new ();
  g_autoptr(MfdDnsResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *default_host = NULL;
  g_autofree char *smtp_host = NULL;
  guint16 smtp_port = MFD_VANTAGE_DEFAULT_CONTROL_PORT;

  v->control_name = g_strdup (c->control_name != NULL ? c->control_name : MFD_VANTAGE_DEFAULT_CONTROL_NAME);
  /* Random, so that no cache can hold an answer for it. */
  v->absent_name = g_strdup_printf ("mfd-absent-%08x%08x.%s", g_random_int (), g_random_int (),
                                    v->control_name);

  resolver = mfd_dns_resolver_new (c->dns_server, c->dns_ms, &error);
  if (resolver == NULL)
    /* The destination's own checks already say the setting is unusable. */
    mfd_vantage_set_state (v, MFD_VANTAGE_DNS, MFD_VANTAGE_SKIPPED,
                           N_("DNS was not checked: the DNS server setting is not usable ({1})."),
                           error->message, NULL);
  else
    check_dns (v, resolver, &default_host, cancellable);

  if (c->control_smtp != NULL)
    split_host_port (c->control_smtp, &smtp_host, &smtp_port);
  else
    smtp_host = g_strdup (default_host);

  if (g_cancellable_is_cancelled (cancellable))
    ;
  else if (smtp_host == NULL)
    {
      mfd_vantage_set_state (v, MFD_VANTAGE_SMTP25, MFD_VANTAGE_SKIPPED,
                             N_("Port 25 was not checked: the control server is found through {1}, which did not resolve."),
                             v->control_name, NULL);
      skip_tls (v, N_("TLS was not checked: the control server is found through {1}, which did not resolve."),
                v->control_name);
    }
  else
    check_smtp (v, c, resolver, smtp_host, smtp_port, cancellable);

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&v), (GDestroyNotify) mfd_vantage_unref);
}

void
mfd_vantage_check_async (MfdTarget           *target,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *c;

  g_return_if_fail (MFD_IS_TARGET (target));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_vantage_check_async);
  g_task_set_name (task, "[mfd] vantage");

  if (!mfd_target_get_control (target))
    {
      g_task_return_pointer (task, mfd_vantage_new (), (GDestroyNotify) mfd_vantage_unref);
      return;
    }

  c = g_new0 (Check, 1);
  c->control_name = g_strdup (mfd_target_get_control_name (target));
  c->control_smtp = g_strdup (mfd_target_get_control_smtp (target));
  c->dns_server = g_strdup (mfd_target_get_dns_server (target));
  c->ca_file = g_strdup (mfd_target_get_ca_file (target));
  c->connect_ms = mfd_target_get_connect_timeout_ms (target);
  c->reply_ms = mfd_target_get_reply_timeout_ms (target);
  c->tls_ms = mfd_target_get_tls_timeout_ms (target);
  c->dns_ms = mfd_target_get_dns_timeout_ms (target);
  g_task_set_task_data (task, c, (GDestroyNotify) check_free);
  g_task_run_in_thread (task, check_thread);
}

MfdVantage *
mfd_vantage_check_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_vantage_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
