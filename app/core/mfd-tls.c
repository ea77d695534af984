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
#include "mfd-tls-private.h"

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

  list = _mfd_tls_trust_get_full (trust);
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
      _mfd_tls_add_issue (issues, "cert-untrusted", N_("The certificate chain could not be verified: {1}"),
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
  v.len = _mfd_tls_build_path (crts, n, v.path);
  if (gnutls_x509_trust_list_get_issuer (list, crts[v.path[v.len - 1]], &v.anchor,
                                         GNUTLS_TL_GET_COPY) < 0)
    v.anchor = NULL;
  _mfd_tls_explain_status (&v, status);
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
      g_autoptr(GPtrArray) names = _mfd_tls_dup_names (leaf);
      g_autofree char *list = NULL;

      g_ptr_array_add (names, NULL);
      list = g_strjoinv (", ", (char **) names->pdata);
      _mfd_tls_add_issue (issues, "cert-name-mismatch",
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
  g_autofree char *chain_text = _mfd_tls_describe_chain (crts, n);
  /* Who signed the top of the chain as sent: the name an intercepting
   * device's own CA gives itself (the vantage check names it). */
  g_autofree char *top_issuer = _mfd_tls_dup_dn (crts[n - 1], TRUE);

  mfd_observation_set_fact (obs, "chain", chain_text);
  mfd_observation_set_fact (obs, "top-issuer", top_issuer);
  *until = _mfd_tls_format_time (gnutls_x509_crt_get_expiration_time (crts[0]));
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
  g_autofree char *issue_ids = _mfd_tls_sort_issues (issues);

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

  g_array_set_clear_func (issues, _mfd_tls_issue_clear);
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

  trust = _mfd_tls_trust_get (ca_file, &ret);
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
