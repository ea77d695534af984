/* mfd-tls.c — gnutls client session, the chain as sent, verification per
 * TlsSettings
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-tls"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-socket.h"
#include "mfd-text.h"
#include "mfd-tls.h"

/* More certificates than any sane server sends; the rest are ignored. */
#define MAX_CHAIN 16

/* gnutls's MEDIUM verification profile (112-bit security): RSA and DSA
 * keys of at least 2048 bits, elliptic curves of at least 224 bits, as
 * public CAs have required for a decade. */
#define VERIFY_FLAGS GNUTLS_PROFILE_TO_VFLAGS (GNUTLS_PROFILE_MEDIUM)

struct _MfdTlsSession
{
  gnutls_session_t                  session;
  gnutls_certificate_credentials_t  credentials;
  GSocket                          *socket;
  GCancellable                     *cancellable;
  gint64                            deadline;
  GError                           *io_error;   /* why the last push/pull failed */
  gboolean                          ready;
};

/* Transport: the SMTP socket, bounded by the current step's deadline -------- */

static void
set_io_error (MfdTlsSession *self,
              GError        *error)
{
  int err = EIO;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    err = ETIMEDOUT;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    err = ECONNRESET;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    err = ECANCELED;
  g_clear_error (&self->io_error);
  self->io_error = error;
  gnutls_transport_set_errno (self->session, err);
}

static ssize_t
pull_cb (gnutls_transport_ptr_t  ptr,
         void                   *buffer,
         size_t                  size)
{
  MfdTlsSession *self = ptr;
  GError *error = NULL;
  gssize n;

  n = mfd_socket_read (self->socket, buffer, size, self->deadline,
                       self->cancellable, &error);
  if (n < 0)
    set_io_error (self, error);
  return n;
}

static int
pull_timeout_cb (gnutls_transport_ptr_t ptr,
                 unsigned int           ms)
{
  MfdTlsSession *self = ptr;
  gint64 deadline = self->deadline;
  gint64 now = g_get_monotonic_time ();
  GError *error = NULL;

  if (ms != GNUTLS_INDEFINITE_TIMEOUT)
    deadline = MIN (deadline, now + (gint64) ms * 1000);
  if (now >= deadline)
    return 0;
  if (g_socket_condition_timed_wait (self->socket, G_IO_IN, deadline - now,
                                     self->cancellable, &error))
    return 1;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_error_free (error);
      return 0;
    }
  set_io_error (self, error);
  return -1;
}

static ssize_t
push_cb (gnutls_transport_ptr_t  ptr,
         const void             *data,
         size_t                  size)
{
  MfdTlsSession *self = ptr;
  GError *error = NULL;

  if (!mfd_socket_write_all (self->socket, data, size, self->deadline,
                             self->cancellable, &error))
    {
      set_io_error (self, error);
      return -1;
    }
  return size;
}

MfdTlsSession *
mfd_tls_session_new (GSocket      *socket,
                     const char   *server_name,
                     GCancellable *cancellable)
{
  MfdTlsSession *self = g_new0 (MfdTlsSession, 1);
  int ret;

  self->socket = g_object_ref (socket);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->deadline = g_get_monotonic_time ();

  ret = gnutls_certificate_allocate_credentials (&self->credentials);
  g_assert (ret == GNUTLS_E_SUCCESS);
  ret = gnutls_init (&self->session, GNUTLS_CLIENT);
  g_assert (ret == GNUTLS_E_SUCCESS);
  ret = gnutls_priority_set_direct (self->session, MFD_TLS_CLIENT_PRIORITY, NULL);
  g_assert (ret == GNUTLS_E_SUCCESS);
  gnutls_credentials_set (self->session, GNUTLS_CRD_CERTIFICATE, self->credentials);

  if (server_name != NULL && !g_hostname_is_ip_address (server_name))
    gnutls_server_name_set (self->session, GNUTLS_NAME_DNS, server_name, strlen (server_name));

  gnutls_transport_set_ptr (self->session, self);
  gnutls_transport_set_pull_function (self->session, pull_cb);
  gnutls_transport_set_pull_timeout_function (self->session, pull_timeout_cb);
  gnutls_transport_set_push_function (self->session, push_cb);
  return self;
}

void
mfd_tls_session_free (MfdTlsSession *self)
{
  if (self == NULL)
    return;
  gnutls_deinit (self->session);
  gnutls_certificate_free_credentials (self->credentials);
  g_clear_error (&self->io_error);
  g_clear_object (&self->socket);
  g_clear_object (&self->cancellable);
  g_free (self);
}

static gboolean
is_io_closed (MfdTlsSession *self,
              int            ret)
{
  if (ret == GNUTLS_E_PREMATURE_TERMINATION)
    return TRUE;
  return ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR
    ? g_error_matches (self->io_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
    : FALSE;
}

MfdObservation *
mfd_tls_session_handshake (MfdTlsSession *self,
                           const char    *host,
                           const char    *ip,
                           guint16        port,
                           MfdTlsMode     mode,
                           guint          timeout_ms)
{
  gint64 started = g_get_monotonic_time ();
  MfdObservation *obs;
  int ret;

  self->deadline = started + (gint64) timeout_ms * 1000;
  do
    ret = gnutls_handshake (self->session);
  while (ret < 0 && !gnutls_error_is_fatal (ret));

  obs = mfd_observation_new (MFD_STAGE_TLS, MFD_OUTCOME_OK, host, ip, port);
  obs->ms = (g_get_monotonic_time () - started) / 1000;

  if (ret == GNUTLS_E_SUCCESS)
    {
      g_autofree char *desc = gnutls_session_get_desc (self->session);
      const char *version = gnutls_protocol_get_name (gnutls_protocol_get_version (self->session));

      self->ready = TRUE;
      mfd_observation_set_fact (obs, "tls-version", version);
      mfd_observation_set_fact (obs, "cipher", desc);
      mfd_observation_set_detail (obs, N_("TLS is up: {1}, {2}."), version, desc, NULL);
      return obs;
    }

  mfd_observation_set_fact (obs, "step", "tls");
  mfd_observation_set_fact (obs, "error", gnutls_strerror (ret));
  obs->outcome = mode == MFD_TLS_OPPORTUNISTIC ? MFD_OUTCOME_WARNING : MFD_OUTCOME_FAIL;

  if ((ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR) &&
      g_error_matches (self->io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_detail (obs, N_("The check was cancelled."), NULL);
    }
  else if ((ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR) &&
           g_error_matches (self->io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_autofree char *seconds = g_strdup_printf ("%u", timeout_ms / 1000);

      mfd_observation_set_cause (obs, "tls-handshake-failed");
      mfd_observation_set_fact (obs, "reason", "timeout");
      mfd_observation_set_detail (obs, N_("The TLS handshake did not finish within the timeout of {1} s."),
                                  seconds, NULL);
    }
  else if (is_io_closed (self, ret))
    {
      mfd_observation_set_cause (obs, "closed-abruptly");
      mfd_observation_set_detail (obs, N_("The server closed the connection in the middle of the TLS handshake."), NULL);
    }
  else if (ret == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
           (ret == GNUTLS_E_FATAL_ALERT_RECEIVED &&
            gnutls_alert_get (self->session) == GNUTLS_A_PROTOCOL_VERSION))
    {
      mfd_observation_set_cause (obs, "tls-handshake-failed");
      mfd_observation_set_fact (obs, "reason", "old-protocol");
      mfd_observation_set_detail (obs, N_("The server does not support TLS 1.2 or later. Exchange Online only uses TLS 1.2 or later, so the handshake fails for it even if older clients can connect."), NULL);
    }
  else
    {
      const char *why = gnutls_strerror (ret);

      if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
        why = gnutls_alert_get_name (gnutls_alert_get (self->session));
      mfd_observation_set_cause (obs, "tls-handshake-failed");
      mfd_observation_set_detail (obs, N_("The TLS handshake failed: {1}"), why, NULL);
    }
  return obs;
}

gssize
mfd_tls_session_read (gpointer       session,
                      guint8        *buffer,
                      gsize          size,
                      gint64         deadline,
                      GCancellable  *cancellable,
                      GError       **error)
{
  MfdTlsSession *self = session;
  gssize ret;

  self->deadline = deadline;
  do
    ret = gnutls_record_recv (self->session, buffer, size);
  while (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED || ret == GNUTLS_E_REHANDSHAKE);

  if (ret >= 0)
    return ret;
  if ((ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR) && self->io_error != NULL)
    g_propagate_error (error, g_error_copy (self->io_error));
  else if (is_io_closed (self, ret))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, gnutls_strerror (ret));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, gnutls_strerror (ret));
  return -1;
}

gboolean
mfd_tls_session_write (gpointer       session,
                       const guint8  *data,
                       gsize          size,
                       gint64         deadline,
                       GCancellable  *cancellable,
                       GError       **error)
{
  MfdTlsSession *self = session;

  self->deadline = deadline;
  while (size > 0)
    {
      gssize ret = gnutls_record_send (self->session, data, size);

      if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
        continue;
      if (ret < 0)
        {
          if ((ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR) && self->io_error != NULL)
            g_propagate_error (error, g_error_copy (self->io_error));
          else
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, gnutls_strerror (ret));
          return FALSE;
        }
      data += ret;
      size -= ret;
    }
  return TRUE;
}

/* The chain ----------------------------------------------------------------- */

char *
mfd_tls_normalize_domain (const char *domain)
{
  g_autofree char *copy = NULL;
  g_autofree char *lower = NULL;
  gsize len;

  if (domain == NULL)
    return NULL;
  copy = g_strdup (domain);
  lower = g_ascii_strdown (g_strstrip (copy), -1);
  len = strlen (lower);
  while (len > 0 && lower[len - 1] == '.')
    lower[--len] = '\0';
  return len > 0 ? g_steal_pointer (&lower) : NULL;
}

/* DNS names of @crt, or its CN when it has none (as RFC 6125 6.4.4). */
static GPtrArray *
dup_names (gnutls_x509_crt_t crt)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 64; i++)
    {
      char buffer[512];
      size_t size = sizeof buffer - 1;
      int type = gnutls_x509_crt_get_subject_alt_name (crt, i, buffer, &size, NULL);

      if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (type == GNUTLS_SAN_DNSNAME)
        {
          buffer[size] = '\0';
          g_ptr_array_add (names, g_strndup (buffer, size));
        }
      else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
        {
          g_autoptr(GInetAddress) address =
            g_inet_address_new_from_bytes ((const guint8 *) buffer,
                                           size == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);

          g_ptr_array_add (names, g_inet_address_to_string (address));
        }
    }

  if (names->len == 0)
    {
      char buffer[512];
      size_t size = sizeof buffer - 1;

      if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
                                         buffer, &size) == GNUTLS_E_SUCCESS)
        g_ptr_array_add (names, mfd_text_sanitize (buffer, size, 255));
    }
  return names;
}

gboolean
mfd_tls_certificate_matches_domain (gnutls_x509_crt_t  crt,
                                    const char        *tls_domain)
{
  g_autofree char *domain = mfd_tls_normalize_domain (tls_domain);
  g_autoptr(GPtrArray) names = NULL;
  const char *parent;

  if (domain == NULL)
    return FALSE;
  if (!g_str_has_prefix (domain, "*."))
    return gnutls_x509_crt_check_hostname2 (crt, domain, 0) != 0;

  parent = domain + 1;  /* ".contoso.com" */
  if (strchr (parent + 1, '*') != NULL || strchr (parent + 1, '.') == NULL)
    return FALSE;       /* "*.*.com", "*.com": not a domain we could match */

  names = dup_names (crt);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *name = mfd_tls_normalize_domain (g_ptr_array_index (names, i));
      gsize name_len, parent_len = strlen (parent);
      g_autofree char *label = NULL;

      if (name == NULL)
        continue;
      if (g_str_equal (name, domain))
        return TRUE;
      name_len = strlen (name);
      if (name_len <= parent_len || !g_str_has_suffix (name, parent))
        continue;
      label = g_strndup (name, name_len - parent_len);
      if (strchr (label, '.') == NULL && strchr (label, '*') == NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
dup_dn (gnutls_x509_crt_t crt,
        gboolean          issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *text;
  int ret = issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0)
                   : gnutls_x509_crt_get_dn3 (crt, &dn, 0);

  if (ret != GNUTLS_E_SUCCESS)
    return g_strdup ("?");
  text = mfd_text_sanitize ((const char *) dn.data, dn.size, 512);
  gnutls_free (dn.data);
  return text;
}

static char *
format_time (time_t t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

static gboolean
key_is_weak (gnutls_x509_crt_t  crt,
             char             **algorithm,
             guint             *bits)
{
  unsigned int b = 0;
  int pk = gnutls_x509_crt_get_pk_algorithm (crt, &b);

  *algorithm = g_strdup (gnutls_pk_get_name (pk) ? gnutls_pk_get_name (pk) : "?");
  *bits = b;
  switch (pk)
    {
    case GNUTLS_PK_RSA:
    case GNUTLS_PK_RSA_PSS:
    case GNUTLS_PK_DSA:
      return b < 2048;
    case GNUTLS_PK_ECDSA:
      return b < 224;
    default:
      return FALSE;
    }
}

/* One problem with the chain, in order of precedence. */
typedef struct
{
  const char *cause;
  const char *msgid;
  char       *args[5];
} Issue;

static void
issue_clear (gpointer data)
{
  Issue *issue = data;

  for (guint i = 0; i < G_N_ELEMENTS (issue->args); i++)
    g_free (issue->args[i]);
}

static void
add_issue (GArray     *issues,
           const char *cause,
           const char *msgid,
           ...)
{
  Issue issue = { cause, msgid, { NULL, } };
  const char *arg;
  guint n = 0;
  va_list ap;

  va_start (ap, msgid);
  while ((arg = va_arg (ap, const char *)) != NULL && n < G_N_ELEMENTS (issue.args) - 1)
    issue.args[n++] = g_strdup (arg);
  va_end (ap);
  g_array_append_val (issues, issue);
}

/* What the admin should look at first when several things are wrong. */
static const char * const cause_order[] = {
  "cert-revoked", "cert-expired", "cert-not-yet-valid", "cert-untrusted",
  "cert-chain-invalid", "cert-purpose-mismatch", "cert-unknown-critical-extension",
  "cert-insecure", "cert-name-mismatch",
};

static guint
cause_rank (const char *cause)
{
  for (guint i = 0; i < G_N_ELEMENTS (cause_order); i++)
    if (g_str_equal (cause, cause_order[i]))
      return i;
  return G_N_ELEMENTS (cause_order);
}

static int
compare_issues (gconstpointer a,
                gconstpointer b)
{
  return (int) cause_rank (((const Issue *) a)->cause) - (int) cause_rank (((const Issue *) b)->cause);
}

/* Follows issuers from the server certificate through what was sent and
 * explains why the chain did not lead to a trusted authority. */
static void
explain_untrusted (gnutls_x509_crt_t *crts,
                   guint              n,
                   GArray            *issues)
{
  guint current = 0;
  gboolean used[MAX_CHAIN] = { FALSE, };

  used[0] = TRUE;
  for (;;)
    {
      guint next = n;

      if (gnutls_x509_crt_check_issuer (crts[current], crts[current]))
        {
          g_autofree char *subject = dup_dn (crts[current], FALSE);

          if (current == 0)
            add_issue (issues, "cert-untrusted",
                       N_("The server's certificate ({1}) is self-signed, so no trusted authority vouches for it."),
                       subject, NULL);
          else
            add_issue (issues, "cert-untrusted",
                       N_("The chain ends in {1}, which is not a trusted certification authority."),
                       subject, NULL);
          return;
        }

      for (guint i = 0; i < n; i++)
        if (!used[i] && gnutls_x509_crt_check_issuer (crts[current], crts[i]))
          {
            next = i;
            break;
          }

      if (next == n)
        {
          g_autofree char *position = g_strdup_printf ("%u", current + 1);
          g_autofree char *subject = dup_dn (crts[current], FALSE);
          g_autofree char *issuer = dup_dn (crts[current], TRUE);

          /* The issuer's name is there, on another key: an old or wrong
           * intermediate, not a missing one. */
          for (guint i = 0; i < n; i++)
            {
              g_autofree char *other = dup_dn (crts[i], FALSE);

              if (i != current && g_str_equal (other, issuer))
                {
                  add_issue (issues, "cert-untrusted",
                             N_("Certificate {1} in the chain ({2}) names {3} as its issuer, and the server sends a certificate of that name, but not the one that issued it (its key differs): the intermediate certificate on the server is outdated or belongs to another certificate."),
                             position, subject, issuer, NULL);
                  return;
                }
            }

          add_issue (issues, "cert-untrusted",
                     N_("Certificate {1} in the chain ({2}) was issued by {3}, which is not a trusted authority and which the server did not send: an intermediate certificate is probably missing, or the issuer is not a public CA."),
                     position, subject, issuer, NULL);
          return;
        }
      used[next] = TRUE;
      current = next;
    }
}

static char *
describe_chain (gnutls_x509_crt_t *crts,
                guint              n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = dup_dn (crts[i], FALSE);
      g_autofree char *issuer = dup_dn (crts[i], TRUE);
      g_autofree char *from = format_time (gnutls_x509_crt_get_activation_time (crts[i]));
      g_autofree char *until = format_time (gnutls_x509_crt_get_expiration_time (crts[i]));
      g_autoptr(GPtrArray) names = dup_names (crts[i]);
      g_autofree char *algorithm = NULL;
      g_autofree char *name_list = NULL;
      int sign = gnutls_x509_crt_get_signature_algorithm (crts[i]);
      guint bits;

      key_is_weak (crts[i], &algorithm, &bits);
      g_ptr_array_add (names, NULL);
      name_list = g_strjoinv (", ", (char **) names->pdata);
      g_string_append_printf (text,
                              "#%u subject: %s\n   issuer: %s\n   names: %s\n"
                              "   valid: %s to %s\n   key: %s %u bits, signature: %s\n",
                              i + 1, subject, issuer, name_list,
                              from, until, algorithm, bits,
                              gnutls_sign_get_name (sign) ? gnutls_sign_get_name (sign) : "?");
    }
  return g_string_free (text, FALSE);
}

/* The certificates gnutls's verification walks: from the server's own
 * through each issuer found among the others, whatever order they were
 * sent in; strangers are left out, as gnutls leaves them out. Returns how
 * many; @path holds indices into @crts. */
static guint
build_path (gnutls_x509_crt_t *crts,
            guint              n,
            guint             *path)
{
  gboolean used[MAX_CHAIN] = { FALSE, };
  guint current = 0;
  guint len = 0;

  path[len++] = 0;
  used[0] = TRUE;
  while (!gnutls_x509_crt_check_issuer (crts[current], crts[current]))
    {
      guint next = n;

      for (guint i = 0; i < n; i++)
        if (!used[i] && gnutls_x509_crt_check_issuer (crts[current], crts[i]))
          {
            next = i;
            break;
          }
      if (next == n)
        break;
      used[next] = TRUE;
      path[len++] = next;
      current = next;
    }
  return len;
}

/* Everything explain_status() needs to say which certificate is at fault. */
typedef struct
{
  gnutls_x509_crt_t *crts;       /* as sent */
  guint              n_crts;
  guint              path[MAX_CHAIN];
  guint              len;
  gnutls_x509_crt_t  anchor;    /* the trusted certificate the path ends in, or NULL */
  GArray            *issues;
  const char        *status_text;
} Verdict;

static gnutls_x509_crt_t
path_crt (Verdict *v,
          guint    i)
{
  return i < v->len ? v->crts[v->path[i]] : v->anchor;
}

/* The position as the admin sees it: in the chain as sent, from 1. */
static char *
path_position (Verdict *v,
               guint    i)
{
  return g_strdup_printf ("%u", v->path[i] + 1);
}

/* When nothing more precise can be said: gnutls's own words. */
static void
add_gnutls_issue (Verdict    *v,
                  const char *cause)
{
  add_issue (v->issues, cause, N_("The certificate chain fails verification: “{1}”."),
             v->status_text, NULL);
}

static void
explain_dates (Verdict  *v,
               gboolean  expired)
{
  time_t now = time (NULL);
  const char *cause = expired ? "cert-expired" : "cert-not-yet-valid";
  gboolean found = FALSE;

  for (guint i = 0; i < v->len; i++)
    {
      gnutls_x509_crt_t crt = path_crt (v, i);
      time_t t = expired ? gnutls_x509_crt_get_expiration_time (crt)
                         : gnutls_x509_crt_get_activation_time (crt);

      if (t != (time_t) -1 && (expired ? t < now : t > now))
        {
          g_autofree char *position = path_position (v, i);
          g_autofree char *subject = dup_dn (crt, FALSE);
          g_autofree char *when = format_time (t);

          add_issue (v->issues, cause,
                     expired ? N_("Certificate {1} in the chain ({2}) expired on {3}.")
                             : N_("Certificate {1} in the chain ({2}) is not valid until {3}."),
                     position, subject, when, NULL);
          found = TRUE;
        }
    }

  /* The root is not sent: it is the trust store's copy that is out of date. */
  if (!found && v->anchor != NULL)
    {
      time_t t = expired ? gnutls_x509_crt_get_expiration_time (v->anchor)
                         : gnutls_x509_crt_get_activation_time (v->anchor);

      if (t != (time_t) -1 && (expired ? t < now : t > now))
        {
          g_autofree char *subject = dup_dn (v->anchor, FALSE);
          g_autofree char *when = format_time (t);

          add_issue (v->issues, cause,
                     expired ? N_("The chain leads to the root certificate {1}, which the trust store holds but which expired on {2}. The server does not send it; its intermediate certificate has to lead to a root that is still valid.")
                             : N_("The chain leads to the root certificate {1}, which the trust store holds but which is not valid until {2}."),
                     subject, when, NULL);
          found = TRUE;
        }
    }

  if (!found)
    add_gnutls_issue (v, cause);
}

/* The issuer of path entry @i is the next one (or the trust anchor). */
static void
explain_signer_not_ca (Verdict *v)
{
  for (guint i = 0; i < v->len; i++)
    {
      gnutls_x509_crt_t crt = path_crt (v, i);
      gnutls_x509_crt_t issuer = path_crt (v, i + 1);
      unsigned int ca = 0;

      /* A self-signed root is its own issuer, trusted as it is. */
      if (issuer == NULL || gnutls_x509_crt_check_issuer (crt, crt))
        break;
      if (gnutls_x509_crt_get_basic_constraints (issuer, NULL, &ca, NULL) < 0 || !ca)
        {
          g_autofree char *position = path_position (v, i);
          g_autofree char *subject = dup_dn (crt, FALSE);
          g_autofree char *issuer_dn = dup_dn (issuer, FALSE);

          add_issue (v->issues, "cert-chain-invalid",
                     N_("Certificate {1} in the chain ({2}) was issued by {3}, which is not a certification authority: the server sends the wrong certificate as its intermediate, or the issuer was made without the right to issue certificates."),
                     position, subject, issuer_dn, NULL);
          return;
        }
    }
  add_gnutls_issue (v, "cert-chain-invalid");
}

static void
explain_constraints (Verdict *v)
{
  gnutls_x509_crt_t leaf = path_crt (v, 0);
  gnutls_x509_crt_t last = path_crt (v, v->len - 1);
  /* The anchor, unless the server sent that root itself. */
  guint n = v->len + (v->anchor != NULL && !gnutls_x509_crt_check_issuer (last, last) ? 1 : 0);
  gboolean found = FALSE;

  for (guint i = 1; i < n; i++)
    {
      gnutls_x509_crt_t ca_crt = path_crt (v, i);
      gnutls_x509_name_constraints_t constraints = NULL;
      g_autofree char *subject = dup_dn (ca_crt, FALSE);
      unsigned int ca = 0;
      int path_len = -1;

      if (gnutls_x509_crt_get_basic_constraints (ca_crt, NULL, &ca, &path_len) >= 0 && ca &&
          path_len >= 0 && i - 1 > (guint) path_len)
        {
          g_autofree char *allowed = g_strdup_printf ("%d", path_len);
          g_autofree char *below = g_strdup_printf ("%u", i - 1);

          add_issue (v->issues, "cert-chain-invalid",
                     N_("The certification authority {1} allows at most {2} intermediate certificates below it, but the chain has {3}."),
                     subject, allowed, below, NULL);
          found = TRUE;
        }

      gnutls_x509_name_constraints_init (&constraints);
      if (gnutls_x509_crt_get_name_constraints (ca_crt, constraints, 0, NULL) == GNUTLS_E_SUCCESS &&
          !gnutls_x509_name_constraints_check_crt (constraints, GNUTLS_SAN_DNSNAME, leaf))
        {
          g_autofree char *leaf_dn = dup_dn (leaf, FALSE);

          add_issue (v->issues, "cert-chain-invalid",
                     N_("The certification authority {1} may only issue certificates for certain names (its name constraints), and the server's certificate ({2}) carries a name outside them."),
                     subject, leaf_dn, NULL);
          found = TRUE;
        }
      gnutls_x509_name_constraints_deinit (constraints);
    }
  if (!found)
    add_gnutls_issue (v, "cert-chain-invalid");
}

static const struct
{
  const char *oid;
  const char *name;
} purpose_names[] = {
  { GNUTLS_KP_TLS_WWW_SERVER, "serverAuth" },
  { GNUTLS_KP_TLS_WWW_CLIENT, "clientAuth" },
  { GNUTLS_KP_EMAIL_PROTECTION, "emailProtection" },
  { GNUTLS_KP_CODE_SIGNING, "codeSigning" },
  { GNUTLS_KP_TIME_STAMPING, "timeStamping" },
  { GNUTLS_KP_OCSP_SIGNING, "OCSPSigning" },
  { GNUTLS_KP_ANY, "anyExtendedKeyUsage" },
};

/* The extended key usages of @crt ("emailProtection, clientAuth"), or
 * NULL when it has none (it may serve any purpose) or allows TLS servers. */
static char *
dup_wrong_purposes (gnutls_x509_crt_t crt)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (unsigned int i = 0; i < 32; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      const char *name = NULL;

      if (gnutls_x509_crt_get_key_purpose_oid (crt, i, oid, &size, NULL) < 0)
        break;
      if (g_str_equal (oid, GNUTLS_KP_TLS_WWW_SERVER) || g_str_equal (oid, GNUTLS_KP_ANY))
        return NULL;
      for (guint k = 0; k < G_N_ELEMENTS (purpose_names); k++)
        if (g_str_equal (oid, purpose_names[k].oid))
          name = purpose_names[k].name;
      g_ptr_array_add (names, mfd_text_sanitize (name != NULL ? name : oid, -1, 128));
    }
  if (names->len == 0)
    return NULL;
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

static void
explain_purpose (Verdict *v)
{
  gboolean found = FALSE;

  for (guint i = 0; i < v->len; i++)
    {
      g_autofree char *purposes = dup_wrong_purposes (path_crt (v, i));

      if (purposes != NULL)
        {
          g_autofree char *position = path_position (v, i);
          g_autofree char *subject = dup_dn (path_crt (v, i), FALSE);

          add_issue (v->issues, "cert-purpose-mismatch",
                     i == 0 ? N_("Certificate {1} in the chain ({2}) is not meant for a TLS server: its extended key usage allows only {3}.")
                            : N_("Certificate {1} in the chain ({2}) limits every certificate below it to {3}, which does not include TLS servers."),
                     position, subject, purposes, NULL);
          found = TRUE;
        }
    }
  if (!found)
    add_gnutls_issue (v, "cert-purpose-mismatch");
}

/* Extensions gnutls understands (RFC 5280 and the TLS feature). */
static const char * const known_extensions[] = {
  "2.5.29.9", "2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.18", "2.5.29.19",
  "2.5.29.30", "2.5.29.31", "2.5.29.32", "2.5.29.33", "2.5.29.35", "2.5.29.36",
  "2.5.29.37", "2.5.29.54", "1.3.6.1.5.5.7.1.1", "1.3.6.1.5.5.7.1.14", "1.3.6.1.5.5.7.1.24",
};

static void
explain_critical_extensions (Verdict *v)
{
  gboolean found = FALSE;

  for (guint i = 0; i < v->len; i++)
    for (unsigned int e = 0; e < 64; e++)
      {
        char oid[128];
        size_t size = sizeof oid;
        unsigned int critical = 0;

        if (gnutls_x509_crt_get_extension_info (path_crt (v, i), e, oid, &size, &critical) < 0)
          break;
        if (critical && !g_strv_contains (known_extensions, oid))
          {
            g_autofree char *position = path_position (v, i);
            g_autofree char *subject = dup_dn (path_crt (v, i), FALSE);
            g_autofree char *clean = mfd_text_sanitize (oid, -1, 128);

            add_issue (v->issues, "cert-unknown-critical-extension",
                       N_("Certificate {1} in the chain ({2}) has an extension marked critical that is not understood ({3}), so a client has to reject the certificate."),
                       position, subject, clean, NULL);
            found = TRUE;
          }
      }
  if (!found)
    add_gnutls_issue (v, "cert-unknown-critical-extension");
}

static void
explain_insecure (Verdict *v)
{
  gboolean found = FALSE;

  for (guint i = 0; i < v->len; i++)
    {
      gnutls_x509_crt_t crt = path_crt (v, i);
      g_autofree char *position = path_position (v, i);
      g_autofree char *subject = dup_dn (crt, FALSE);
      g_autofree char *algorithm = NULL;
      int sign = gnutls_x509_crt_get_signature_algorithm (crt);
      guint bits;

      if (key_is_weak (crt, &algorithm, &bits))
        {
          g_autofree char *bits_text = g_strdup_printf ("%u", bits);

          add_issue (v->issues, "cert-insecure",
                     N_("Certificate {1} in the chain ({2}) has a {3} key of only {4} bits."),
                     position, subject, algorithm, bits_text, NULL);
          found = TRUE;
        }
      /* A self-signed root's own signature protects nothing: trust in it
       * comes from the trust store, so its algorithm does not matter. */
      if (!gnutls_x509_crt_check_issuer (crt, crt) &&
          !gnutls_sign_is_secure2 (sign, GNUTLS_SIGN_FLAG_SECURE_FOR_CERTS))
        {
          add_issue (v->issues, "cert-insecure",
                     N_("Certificate {1} in the chain ({2}) is signed with {3}, which is no longer considered secure."),
                     position, subject,
                     gnutls_sign_get_name (sign) ? gnutls_sign_get_name (sign) : "?", NULL);
          found = TRUE;
        }
    }
  if (!found)
    add_gnutls_issue (v, "cert-insecure");
}

/* Bits whose meaning is the chain's structure, not trust in its root. */
#define CHAIN_INVALID_BITS (GNUTLS_CERT_SIGNER_NOT_CA | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE | \
                            GNUTLS_CERT_SIGNATURE_FAILURE)

/* Every bit of gnutls's verdict becomes an issue; a bit we have no name
 * for still does (cert-untrusted, in gnutls's words): nothing gnutls
 * rejects may read as trusted. */
static void
explain_status (Verdict      *v,
                unsigned int  status)
{
  unsigned int handled = GNUTLS_CERT_INVALID;
  guint before = v->issues->len;

  if (status == 0)
    return;
  if (status & GNUTLS_CERT_REVOKED)
    add_issue (v->issues, "cert-revoked",
               N_("A certificate in the chain has been revoked by its issuer."), NULL);
  if (status & GNUTLS_CERT_EXPIRED)
    explain_dates (v, TRUE);
  if (status & GNUTLS_CERT_NOT_ACTIVATED)
    explain_dates (v, FALSE);
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    explain_untrusted (v->crts, v->n_crts, v->issues);
  if (status & GNUTLS_CERT_SIGNER_NOT_CA)
    explain_signer_not_ca (v);
  if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE)
    explain_constraints (v);
  if ((status & GNUTLS_CERT_SIGNATURE_FAILURE) && !(status & GNUTLS_CERT_INSECURE_ALGORITHM))
    add_issue (v->issues, "cert-chain-invalid",
               N_("A signature in the chain does not verify with its issuer's key: the server probably sends an intermediate certificate that does not belong with its certificate."),
               NULL);
  if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
    explain_purpose (v);
  if (status & GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS)
    explain_critical_extensions (v);
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    explain_insecure (v);
  if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
    add_gnutls_issue (v, "cert-name-mismatch");

  handled |= GNUTLS_CERT_REVOKED | GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED |
             GNUTLS_CERT_SIGNER_NOT_FOUND | CHAIN_INVALID_BITS | GNUTLS_CERT_PURPOSE_MISMATCH |
             GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS | GNUTLS_CERT_INSECURE_ALGORITHM |
             GNUTLS_CERT_UNEXPECTED_OWNER;
  /* Revocation data that cannot be used, OCSP, a pinned certificate that
   * differs, bits newer than this code: still not trusted. */
  if ((status & ~handled) != 0 || v->issues->len == before)
    add_issue (v->issues, "cert-untrusted",
               N_("gnutls does not trust the certificate chain: “{1}”."), v->status_text, NULL);
}

/* Sorts @issues by precedence; returns their cause ids, each once, or NULL. */
static char *
sort_issues (GArray *issues)
{
  GString *ids = g_string_new (NULL);

  g_array_sort (issues, compare_issues);
  for (guint i = 0; i < issues->len; i++)
    {
      const char *cause = g_array_index (issues, Issue, i).cause;

      /* Sorted, so a repeated cause follows its first occurrence. */
      if (i == 0 || !g_str_equal (cause, g_array_index (issues, Issue, i - 1).cause))
        g_string_append_printf (ids, "%s%s", i > 0 ? " " : "", cause);
    }
  if (ids->len == 0)
    {
      g_string_free (ids, TRUE);
      return NULL;
    }
  return g_string_free (ids, FALSE);
}

char *
mfd_tls_dup_issues_for_status (const gnutls_datum_t *chain,
                               guint                 n_certs,
                               unsigned int          status)
{
  g_autoptr(GArray) issues = g_array_new (FALSE, TRUE, sizeof (Issue));
  gnutls_x509_crt_t crts[MAX_CHAIN] = { NULL, };
  g_autofree char *status_text = g_strdup_printf ("0x%x", status);
  Verdict v = { crts, 0, { 0, }, 0, NULL, issues, status_text };
  char *ids;

  g_return_val_if_fail (n_certs > 0, NULL);

  g_array_set_clear_func (issues, issue_clear);
  for (guint i = 0; i < n_certs && v.n_crts < MAX_CHAIN; i++)
    {
      gnutls_x509_crt_init (&crts[v.n_crts]);
      if (gnutls_x509_crt_import (crts[v.n_crts], &chain[i], GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS)
        v.n_crts++;
      else
        gnutls_x509_crt_deinit (crts[v.n_crts]);
    }
  g_return_val_if_fail (v.n_crts > 0, NULL);

  v.len = build_path (crts, v.n_crts, v.path);
  explain_status (&v, status);
  ids = sort_issues (issues);
  for (guint i = 0; i < v.n_crts; i++)
    gnutls_x509_crt_deinit (crts[i]);
  return ids;
}

/* Trust: the user's extra CA file first, the system's store when needed ----- */

/* Loading the system's store parses every CA certificate of the machine
 * (about 140 on Debian), which costs several times more CPU than the whole
 * SMTP dialogue and handshake. A chain that the extra CA file alone leads
 * to a trusted root does not need it: gnutls verifies it against the CA
 * file's list and that is the verdict. Only a chain that list does not
 * trust is verified again against the system's store plus the CA file,
 * built once, on first need, and shared until the CA file's content
 * changes. gnutls only reads a trust list while verifying, so threads may
 * share one. (Adding the system's certificates to a list that already
 * trusts a chain could only change gnutls's verdict through a system
 * certificate with the same name as one on the chain's path, where gnutls
 * may prefer the system's copy; test-cert-matrix checks that both lists
 * agree on every chain it builds.)
 *
 * The system's list gets a hash table larger than gnutls's default (127
 * buckets for 140 certificates): loading with GNUTLS_TL_NO_DUPLICATES
 * compares every new certificate with the others in its bucket, and two
 * different names in one bucket are compared as formatted strings, which
 * took a third of the load. A certificate's bucket is the hash of its name,
 * so the issuers gnutls can find for a chain are the same at any size. */
#define SYSTEM_TRUST_BUCKETS 1021

typedef struct
{
  gatomicrefcount           ref_count;
  GBytes                   *ca_data;        /* the extra CA file as loaded, or NULL */
  gnutls_x509_trust_list_t  ca_list;        /* that file alone, or NULL */
  GMutex                    lock;           /* held while full_list is built */
  gnutls_x509_trust_list_t  full_list;      /* the system's store plus the file, once needed */
  int                       system_ret;     /* what loading the system's store returned */
} Trust;

G_LOCK_DEFINE_STATIC (shared_trust);
static Trust *shared_trust;

static void
trust_unref (Trust *trust)
{
  if (!g_atomic_ref_count_dec (&trust->ref_count))
    return;
  if (trust->ca_list != NULL)
    gnutls_x509_trust_list_deinit (trust->ca_list, 1);
  if (trust->full_list != NULL)
    gnutls_x509_trust_list_deinit (trust->full_list, 1);
  g_mutex_clear (&trust->lock);
  g_clear_pointer (&trust->ca_data, g_bytes_unref);
  g_free (trust);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Trust, trust_unref)

static int
trust_add_ca_data (gnutls_x509_trust_list_t  list,
                   GBytes                   *ca_data)
{
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (ca_data, NULL),
                           g_bytes_get_size (ca_data) };

  return gnutls_x509_trust_list_add_trust_mem (list, &datum, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
}

static gboolean
trust_matches (Trust  *trust,
               GBytes *ca_data)
{
  if (trust->ca_data == NULL || ca_data == NULL)
    return trust->ca_data == ca_data;
  return g_bytes_equal (trust->ca_data, ca_data);
}

/* Returns NULL with @ca_ret set when @ca_file cannot be read or parsed.
 * Cheap: the system's store is loaded by trust_get_full(). */
static Trust *
trust_get (const char *ca_file,
           int        *ca_ret)
{
  g_autoptr(GBytes) ca_data = NULL;
  Trust *trust;

  *ca_ret = GNUTLS_E_SUCCESS;
  if (ca_file != NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (ca_file, &contents, &length, NULL))
        {
          *ca_ret = GNUTLS_E_FILE_ERROR;
          return NULL;
        }
      ca_data = g_bytes_new_take (g_steal_pointer (&contents), length);
    }

  G_LOCK (shared_trust);
  if (shared_trust != NULL && trust_matches (shared_trust, ca_data))
    {
      g_atomic_ref_count_inc (&shared_trust->ref_count);
      trust = shared_trust;
      G_UNLOCK (shared_trust);
      return trust;
    }

  trust = g_new0 (Trust, 1);
  g_atomic_ref_count_init (&trust->ref_count);
  g_mutex_init (&trust->lock);
  if (ca_data != NULL)
    {
      gnutls_x509_trust_list_init (&trust->ca_list, 0);
      *ca_ret = trust_add_ca_data (trust->ca_list, ca_data);
      if (*ca_ret < 0)
        {
          G_UNLOCK (shared_trust);
          trust_unref (trust);
          return NULL;
        }
      trust->ca_data = g_steal_pointer (&ca_data);
    }

  if (shared_trust != NULL)
    trust_unref (shared_trust);
  shared_trust = trust;
  g_atomic_ref_count_inc (&trust->ref_count);
  G_UNLOCK (shared_trust);
  return trust;
}

/* The system's store plus the extra CA file (after it, as gnutls-cli and
 * GLib add a file to the system's store); built by the first caller, the
 * others wait for it. */
static gnutls_x509_trust_list_t
trust_get_full (Trust *trust)
{
  gnutls_x509_trust_list_t list;

  g_mutex_lock (&trust->lock);
  if (trust->full_list == NULL)
    {
      gnutls_x509_trust_list_init (&list, SYSTEM_TRUST_BUCKETS);
      trust->system_ret = gnutls_x509_trust_list_add_system_trust (list, 0, 0);
      /* Parsed once already, in trust_get(). */
      if (trust->ca_data != NULL)
        trust_add_ca_data (list, trust->ca_data);
      trust->full_list = list;
    }
  list = trust->full_list;
  g_mutex_unlock (&trust->lock);
  return list;
}

void
mfd_tls_prepare_trust (const char *ca_file)
{
  int ca_ret;
  Trust *trust = trust_get (ca_file, &ca_ret);

  /* A CA file that cannot be loaded is reported by the verification.
   * Without one every chain needs the system's store; with one it may not
   * be needed at all. */
  if (trust != NULL && trust->ca_list == NULL)
    trust_get_full (trust);
  if (trust != NULL)
    trust_unref (trust);
}

/* Verification, step by step --------------------------------------------- */

/* As a TLS client verifies a server: the server purpose, so a certificate
 * meant only for e-mail signing or clients is refused (as Windows' SSL
 * policy, which EOP relies on, refuses it). Against the extra CA file
 * first; when that does not trust the chain, against the system's store
 * plus the file, which is then the verdict. Returns the list whose verdict
 * @status is. */
static gnutls_x509_trust_list_t
verify_against_trust (Trust             *trust,
                      gnutls_x509_crt_t *crts,
                      guint              n,
                      MfdObservation    *obs,
                      int               *ret,
                      unsigned int      *status)
{
  gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *) GNUTLS_KP_TLS_WWW_SERVER, 0 };
  gnutls_x509_trust_list_t list;

  if (trust->ca_list != NULL)
    {
      *status = 0;
      *ret = gnutls_x509_trust_list_verify_crt2 (trust->ca_list, crts, n, &purpose, 1, VERIFY_FLAGS, status, NULL);
      if (*ret == GNUTLS_E_SUCCESS && *status == 0)
        {
          mfd_observation_set_fact (obs, "trust-store", "ca-file");
          return trust->ca_list;
        }
    }

  list = trust_get_full (trust);
  mfd_observation_set_fact (obs, "trust-store", trust->ca_list != NULL ? "system+ca-file" : "system");
  if (trust->system_ret < 0)
    mfd_observation_set_fact (obs, "system-trust-error", gnutls_strerror (trust->system_ret));
  *status = 0;
  *ret = gnutls_x509_trust_list_verify_crt2 (list, crts, n, &purpose, 1, VERIFY_FLAGS, status, NULL);
  return list;
}

/* Why gnutls did not trust the chain, as issues naming the certificate at
 * fault; the status itself goes into the facts. */
static void
explain_verification (MfdObservation           *obs,
                      GArray                   *issues,
                      gnutls_x509_trust_list_t  list,
                      gnutls_x509_crt_t        *crts,
                      guint                     n,
                      int                       ret,
                      unsigned int              status)
{
  gnutls_datum_t out = { NULL, 0 };
  g_autofree char *status_text = NULL;
  g_autofree char *bits = NULL;
  Verdict v = { crts, n, { 0, }, 0, NULL, issues, NULL };

  if (ret != GNUTLS_E_SUCCESS)
    {
      mfd_observation_set_fact (obs, "verify-error", gnutls_strerror (ret));
      add_issue (issues, "cert-untrusted", N_("The certificate chain could not be verified: {1}"),
                 gnutls_strerror (ret), NULL);
      return;
    }
  if (status == 0)
    return;

  bits = g_strdup_printf ("0x%x", status);
  if (gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0) == 0)
    {
      status_text = g_strstrip (mfd_text_sanitize ((const char *) out.data, out.size, 1024));
      gnutls_free (out.data);
    }
  else
    status_text = g_strdup (bits);
  mfd_observation_set_fact (obs, "verify-status", status_text);
  mfd_observation_set_fact (obs, "verify-status-bits", bits);

  v.status_text = status_text;
  v.len = build_path (crts, n, v.path);
  if (gnutls_x509_trust_list_get_issuer (list, crts[v.path[v.len - 1]], &v.anchor,
                                         GNUTLS_TL_GET_COPY) < 0)
    v.anchor = NULL;
  explain_status (&v, status);
  if (v.anchor != NULL)
    gnutls_x509_crt_deinit (v.anchor);
}

/* Domain validation: the name is TlsDomain (or the host), never the IP. */
static char *
check_domain (MfdObservation    *obs,
              GArray            *issues,
              gnutls_x509_crt_t  leaf,
              const char        *tls_domain,
              const char        *host)
{
  char *domain = mfd_tls_normalize_domain (tls_domain != NULL ? tls_domain : host);

  mfd_observation_set_fact (obs, "tls-domain", domain);
  if (domain == NULL || !mfd_tls_certificate_matches_domain (leaf, domain))
    {
      g_autoptr(GPtrArray) names = dup_names (leaf);
      g_autofree char *list = NULL;

      g_ptr_array_add (names, NULL);
      list = g_strjoinv (", ", (char **) names->pdata);
      add_issue (issues, "cert-name-mismatch",
                 N_("The certificate is not valid for {1}: its names are {2}."),
                 domain != NULL ? domain : "", list, NULL);
    }
  return domain;
}

/* The chain as sent, parsed; certificates gnutls cannot read are left out. */
static guint
import_chain (const gnutls_datum_t *chain,
              guint                 n_certs,
              gnutls_x509_crt_t    *crts)
{
  guint n = 0;

  for (guint i = 0; i < n_certs && n < MAX_CHAIN; i++)
    {
      gnutls_x509_crt_t crt;

      gnutls_x509_crt_init (&crt);
      if (gnutls_x509_crt_import (crt, &chain[i], GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS)
        crts[n++] = crt;
      else
        gnutls_x509_crt_deinit (crt);
    }
  return n;
}

static void
free_chain (gnutls_x509_crt_t *crts,
            guint              n)
{
  for (guint i = 0; i < n; i++)
    gnutls_x509_crt_deinit (crts[i]);
}

/* The facts about the chain as sent, whatever the verdict. */
static void
describe_sent_chain (MfdObservation    *obs,
                     gnutls_x509_crt_t *crts,
                     guint              n,
                     char             **until)
{
  g_autofree char *chain_text = describe_chain (crts, n);
  /* Who signed the top of the chain as sent: the name an intercepting
   * device's own CA gives itself (the vantage check names it). */
  g_autofree char *top_issuer = dup_dn (crts[n - 1], TRUE);

  mfd_observation_set_fact (obs, "chain", chain_text);
  mfd_observation_set_fact (obs, "top-issuer", top_issuer);
  *until = format_time (gnutls_x509_crt_get_expiration_time (crts[0]));
  mfd_observation_set_fact (obs, "not-after", *until);
}

/* The outcome per TlsSettings: the first issue decides, a warning only
 * under opportunistic TLS, nothing at all under encryption only. */
static MfdObservation *
conclude (MfdObservation *obs,
          GArray         *issues,
          MfdTlsMode      mode,
          const char     *until,
          const char     *domain)
{
  g_autofree char *issue_ids = sort_issues (issues);

  if (issue_ids != NULL)
    mfd_observation_set_fact (obs, "issues", issue_ids);

  if (mode == MFD_TLS_ENCRYPTION_ONLY)
    {
      mfd_observation_set_detail (obs, N_("Not authenticated: with encryption only, the certificate is not checked."), NULL);
      return obs;
    }

  if (issues->len > 0)
    {
      Issue *first = &g_array_index (issues, Issue, 0);

      obs->outcome = mode == MFD_TLS_OPPORTUNISTIC ? MFD_OUTCOME_WARNING : MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, first->cause);
      mfd_observation_set_detailv (obs, first->msgid, (const char * const *) first->args);
      return obs;
    }

  if (mode == MFD_TLS_DOMAIN_VALIDATION)
    mfd_observation_set_detail (obs, N_("The certificate is trusted, valid until {1}, and valid for {2}."),
                                until, domain, NULL);
  else
    mfd_observation_set_detail (obs, N_("The certificate is trusted and valid until {1}."), until, NULL);
  return obs;
}

MfdObservation *
mfd_tls_verify_chain (const gnutls_datum_t *chain,
                      guint                 n_certs,
                      const char           *host,
                      const char           *ip,
                      guint16               port,
                      MfdTlsMode            mode,
                      const char           *tls_domain,
                      const char           *ca_file)
{
  g_autoptr(GArray) issues = g_array_new (FALSE, TRUE, sizeof (Issue));
  gnutls_x509_crt_t crts[MAX_CHAIN] = { NULL, };
  g_autoptr(Trust) trust = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *until = NULL;
  gnutls_x509_trust_list_t list;
  unsigned int status = 0;
  MfdObservation *obs;
  guint n;
  int ret;

  g_array_set_clear_func (issues, issue_clear);
  obs = mfd_observation_new (MFD_STAGE_CERTIFICATE, MFD_OUTCOME_OK, host, ip, port);
  mfd_observation_set_fact (obs, "tls-mode", mfd_tls_mode_to_string (mode));

  n = import_chain (chain, n_certs, crts);
  if (n == 0)
    {
      obs->outcome = mode == MFD_TLS_ENCRYPTION_ONLY ? MFD_OUTCOME_OK
                   : mode == MFD_TLS_OPPORTUNISTIC ? MFD_OUTCOME_WARNING : MFD_OUTCOME_FAIL;
      if (obs->outcome != MFD_OUTCOME_OK)
        mfd_observation_set_cause (obs, "cert-untrusted");
      mfd_observation_set_detail (obs, N_("The server did not present a readable certificate."), NULL);
      return obs;
    }
  describe_sent_chain (obs, crts, n, &until);

  trust = trust_get (ca_file, &ret);
  if (trust == NULL)
    {
      /* Our own input is broken: we cannot say whether the server is. */
      free_chain (crts, n);
      obs->outcome = mode == MFD_TLS_ENCRYPTION_ONLY ? MFD_OUTCOME_OK : MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_detail (obs, N_("The extra CA file {1} could not be read: {2}"),
                                  ca_file, gnutls_strerror (ret), NULL);
      return obs;
    }

  list = verify_against_trust (trust, crts, n, obs, &ret, &status);
  explain_verification (obs, issues, list, crts, n, ret, status);
  if (mode == MFD_TLS_DOMAIN_VALIDATION)
    domain = check_domain (obs, issues, crts[0], tls_domain, host);
  free_chain (crts, n);
  return conclude (obs, issues, mode, until, domain);
}

MfdObservation *
mfd_tls_session_verify (MfdTlsSession *self,
                        const char    *host,
                        const char    *ip,
                        guint16        port,
                        MfdTlsMode     mode,
                        const char    *tls_domain,
                        const char    *ca_file)
{
  gint64 started = g_get_monotonic_time ();
  const gnutls_datum_t *chain;
  unsigned int n = 0;
  MfdObservation *obs;

  g_return_val_if_fail (self->ready, NULL);

  chain = gnutls_certificate_get_peers (self->session, &n);
  obs = mfd_tls_verify_chain (chain, chain != NULL ? n : 0, host, ip, port,
                              mode, tls_domain, ca_file);
  mfd_tls_add_thumbprints (obs, chain, chain != NULL ? n : 0);
  obs->ms = (g_get_monotonic_time () - started) / 1000;
  return obs;
}

static char *
dup_thumbprint (const gnutls_datum_t     *der,
                gnutls_digest_algorithm_t algorithm)
{
  guint8 digest[64];
  size_t size = sizeof digest;
  GString *hex;

  if (gnutls_fingerprint (algorithm, der, digest, &size) != GNUTLS_E_SUCCESS)
    return NULL;
  hex = g_string_sized_new (size * 2);
  for (size_t i = 0; i < size; i++)
    g_string_append_printf (hex, "%02X", digest[i]);
  return g_string_free (hex, FALSE);
}

void
mfd_tls_add_thumbprints (MfdObservation       *obs,
                         const gnutls_datum_t *chain,
                         guint                 n_certs)
{
  g_autoptr(GString) lines = g_string_new (NULL);

  g_return_if_fail (obs != NULL);

  for (guint i = 0; i < n_certs && i < 16; i++)
    {
      g_autofree char *sha256 = dup_thumbprint (&chain[i], GNUTLS_DIG_SHA256);
      g_autofree char *sha1 = dup_thumbprint (&chain[i], GNUTLS_DIG_SHA1);

      if (sha256 == NULL || sha1 == NULL)
        continue;
      if (i == 0)
        {
          mfd_observation_set_fact (obs, "sha256", sha256);
          mfd_observation_set_fact (obs, "sha1", sha1);
        }
      g_string_append_printf (lines, "#%u SHA-256: %s\n   SHA-1: %s\n", i + 1, sha256, sha1);
    }
  if (lines->len > 0)
    mfd_observation_set_fact (obs, "thumbprints", lines->str);
}

const gnutls_datum_t *
mfd_tls_session_get_peer_chain (MfdTlsSession *self,
                                guint         *n_certs)
{
  unsigned int n = 0;
  const gnutls_datum_t *chain = NULL;

  if (self->ready)
    chain = gnutls_certificate_get_peers (self->session, &n);
  *n_certs = chain != NULL ? n : 0;
  return chain;
}
