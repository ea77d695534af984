/* mfd-tls-chain.c — what a certificate chain says: its names, its path to
 * an anchor, and why gnutls refused it, in words that name the certificate
 * at fault
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

#include "mfd-text.h"
#include "mfd-tls.h"
#include "mfd-tls-private.h"

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
GPtrArray *
_mfd_tls_dup_names (gnutls_x509_crt_t crt)
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

  names = _mfd_tls_dup_names (crt);
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

char *
_mfd_tls_dup_dn (gnutls_x509_crt_t crt,
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

char *
_mfd_tls_format_time (time_t t)
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
void
_mfd_tls_issue_clear (gpointer data)
{
  Issue *issue = data;

  for (guint i = 0; i < G_N_ELEMENTS (issue->args); i++)
    g_free (issue->args[i]);
}

void
_mfd_tls_add_issue (GArray     *issues,
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
          g_autofree char *subject = _mfd_tls_dup_dn (crts[current], FALSE);

          if (current == 0)
            _mfd_tls_add_issue (issues, "cert-untrusted",
                       N_("The server's certificate ({1}) is self-signed, so no trusted authority vouches for it."),
                       subject, NULL);
          else
            _mfd_tls_add_issue (issues, "cert-untrusted",
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
          g_autofree char *subject = _mfd_tls_dup_dn (crts[current], FALSE);
          g_autofree char *issuer = _mfd_tls_dup_dn (crts[current], TRUE);

          /* The issuer's name is there, on another key: an old or wrong
           * intermediate, not a missing one. */
          for (guint i = 0; i < n; i++)
            {
              g_autofree char *other = _mfd_tls_dup_dn (crts[i], FALSE);

              if (i != current && g_str_equal (other, issuer))
                {
                  _mfd_tls_add_issue (issues, "cert-untrusted",
                             N_("Certificate {1} in the chain ({2}) names {3} as its issuer, and the server sends a certificate of that name, but not the one that issued it (its key differs): the intermediate certificate on the server is outdated or belongs to another certificate."),
                             position, subject, issuer, NULL);
                  return;
                }
            }

          _mfd_tls_add_issue (issues, "cert-untrusted",
                     N_("Certificate {1} in the chain ({2}) was issued by {3}, which is not a trusted authority and which the server did not send: an intermediate certificate is probably missing, or the issuer is not a public CA."),
                     position, subject, issuer, NULL);
          return;
        }
      used[next] = TRUE;
      current = next;
    }
}

char *
_mfd_tls_describe_chain (gnutls_x509_crt_t *crts,
                guint              n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = _mfd_tls_dup_dn (crts[i], FALSE);
      g_autofree char *issuer = _mfd_tls_dup_dn (crts[i], TRUE);
      g_autofree char *from = _mfd_tls_format_time (gnutls_x509_crt_get_activation_time (crts[i]));
      g_autofree char *until = _mfd_tls_format_time (gnutls_x509_crt_get_expiration_time (crts[i]));
      g_autoptr(GPtrArray) names = _mfd_tls_dup_names (crts[i]);
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
guint
_mfd_tls_build_path (gnutls_x509_crt_t *crts,
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

/* Everything _mfd_tls_explain_status() needs to say which certificate is at fault. */
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
  _mfd_tls_add_issue (v->issues, cause, N_("The certificate chain fails verification: “{1}”."),
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
          g_autofree char *subject = _mfd_tls_dup_dn (crt, FALSE);
          g_autofree char *when = _mfd_tls_format_time (t);

          _mfd_tls_add_issue (v->issues, cause,
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
          g_autofree char *subject = _mfd_tls_dup_dn (v->anchor, FALSE);
          g_autofree char *when = _mfd_tls_format_time (t);

          _mfd_tls_add_issue (v->issues, cause,
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
          g_autofree char *subject = _mfd_tls_dup_dn (crt, FALSE);
          g_autofree char *issuer_dn = _mfd_tls_dup_dn (issuer, FALSE);

          _mfd_tls_add_issue (v->issues, "cert-chain-invalid",
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
      g_autofree char *subject = _mfd_tls_dup_dn (ca_crt, FALSE);
      unsigned int ca = 0;
      int path_len = -1;

      if (gnutls_x509_crt_get_basic_constraints (ca_crt, NULL, &ca, &path_len) >= 0 && ca &&
          path_len >= 0 && i - 1 > (guint) path_len)
        {
          g_autofree char *allowed = g_strdup_printf ("%d", path_len);
          g_autofree char *below = g_strdup_printf ("%u", i - 1);

          _mfd_tls_add_issue (v->issues, "cert-chain-invalid",
                     N_("The certification authority {1} allows at most {2} intermediate certificates below it, but the chain has {3}."),
                     subject, allowed, below, NULL);
          found = TRUE;
        }

      gnutls_x509_name_constraints_init (&constraints);
      if (gnutls_x509_crt_get_name_constraints (ca_crt, constraints, 0, NULL) == GNUTLS_E_SUCCESS &&
          !gnutls_x509_name_constraints_check_crt (constraints, GNUTLS_SAN_DNSNAME, leaf))
        {
          g_autofree char *leaf_dn = _mfd_tls_dup_dn (leaf, FALSE);

          _mfd_tls_add_issue (v->issues, "cert-chain-invalid",
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
          g_autofree char *subject = _mfd_tls_dup_dn (path_crt (v, i), FALSE);

          _mfd_tls_add_issue (v->issues, "cert-purpose-mismatch",
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
            g_autofree char *subject = _mfd_tls_dup_dn (path_crt (v, i), FALSE);
            g_autofree char *clean = mfd_text_sanitize (oid, -1, 128);

            _mfd_tls_add_issue (v->issues, "cert-unknown-critical-extension",
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
      g_autofree char *subject = _mfd_tls_dup_dn (crt, FALSE);
      g_autofree char *algorithm = NULL;
      int sign = gnutls_x509_crt_get_signature_algorithm (crt);
      guint bits;

      if (key_is_weak (crt, &algorithm, &bits))
        {
          g_autofree char *bits_text = g_strdup_printf ("%u", bits);

          _mfd_tls_add_issue (v->issues, "cert-insecure",
                     N_("Certificate {1} in the chain ({2}) has a {3} key of only {4} bits."),
                     position, subject, algorithm, bits_text, NULL);
          found = TRUE;
        }
      /* A self-signed root's own signature protects nothing: trust in it
       * comes from the trust store, so its algorithm does not matter. */
      if (!gnutls_x509_crt_check_issuer (crt, crt) &&
          !gnutls_sign_is_secure2 (sign, GNUTLS_SIGN_FLAG_SECURE_FOR_CERTS))
        {
          _mfd_tls_add_issue (v->issues, "cert-insecure",
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
void
_mfd_tls_explain_status (Verdict      *v,
                unsigned int  status)
{
  unsigned int handled = GNUTLS_CERT_INVALID;
  guint before = v->issues->len;

  if (status == 0)
    return;
  if (status & GNUTLS_CERT_REVOKED)
    _mfd_tls_add_issue (v->issues, "cert-revoked",
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
    _mfd_tls_add_issue (v->issues, "cert-chain-invalid",
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
    _mfd_tls_add_issue (v->issues, "cert-untrusted",
               N_("gnutls does not trust the certificate chain: “{1}”."), v->status_text, NULL);
}

/* Sorts @issues by precedence; returns their cause ids, each once, or NULL. */
char *
_mfd_tls_sort_issues (GArray *issues)
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

  g_array_set_clear_func (issues, _mfd_tls_issue_clear);
  for (guint i = 0; i < n_certs && v.n_crts < MAX_CHAIN; i++)
    {
      gnutls_x509_crt_init (&crts[v.n_crts]);
      if (gnutls_x509_crt_import (crts[v.n_crts], &chain[i], GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS)
        v.n_crts++;
      else
        gnutls_x509_crt_deinit (crts[v.n_crts]);
    }
  g_return_val_if_fail (v.n_crts > 0, NULL);

  v.len = _mfd_tls_build_path (crts, v.n_crts, v.path);
  _mfd_tls_explain_status (&v, status);
  ids = _mfd_tls_sort_issues (issues);
  for (guint i = 0; i < v.n_crts; i++)
    gnutls_x509_crt_deinit (crts[i]);
  return ids;
}
