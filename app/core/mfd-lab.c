/* mfd-lab.c — practice servers on loopback, one per failure
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-lab"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/abstract.h>
#include <libsoup/soup.h>

#include "mfd-lab.h"
#include "mfd-smtp.h"
#include "mfd-socket.h"
#include "mfd-text.h"
#include "mfd-lab-dns.h"
#include "mfd-lab-zone.h"
#include "mfd-dane.h"

#define LAB_HOST_NAME    "mail.contoso.test"
#define LAB_DOMAIN       "contoso.test"
#define LAB_POLICY_HOST  "mta-sts.contoso.test"
#define LAB_IO_TIMEOUT_S 60       /* a peer we wait on longer than this is gone */
#define LAB_MAX_THREADS  64
#define MAX_SERVED       16       /* certificates a test may have served */
#define LAB_GREETING     "220-" LAB_HOST_NAME " ESMTP Mail Flow Doctor practice server\r\n" \
                         "220 Nothing here delivers mail\r\n"

typedef struct
{
  MfdLabScenario  scenario;
  const char     *id;
  const char     *title;
  const char     *summary;
  const char     *cause;
  MfdTlsMode      mode;
} ScenarioInfo;

/* The titles have a context of their own: "Connection refused" names a
 * practice server here and a finding in the catalogue. */
static const ScenarioInfo scenarios[MFD_LAB_N_SCENARIOS] = {
  { MFD_LAB_HEALTHY, "healthy", NC_("practice", "Healthy server"),
    N_("Greets, offers STARTTLS and presents a valid certificate."),
    NULL, MFD_TLS_DOMAIN_VALIDATION },
  { MFD_LAB_REFUSE, "refuse", NC_("practice", "Connection refused"),
    N_("Nothing listens on the port, as when a firewall rejects the connection."),
    "tcp-refused", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_BLACKHOLE, "blackhole", NC_("practice", "No answer to the connection"),
    N_("Connection attempts are silently dropped, as when a firewall discards them."),
    "tcp-timeout", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_SILENT, "silent", NC_("practice", "No greeting"),
    N_("Accepts the connection but never sends its greeting."),
    "greeting-timeout", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_GREET_421, "greet-421", NC_("practice", "Service not available (421)"),
    N_("Greets with 421 and closes the connection."),
    "greeting-rejected", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_GREET_554, "greet-554", NC_("practice", "No SMTP service (554)"),
    N_("Greets with 554: it will not accept mail from anyone."),
    "greeting-rejected", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_CLOSE_AFTER_GREETING, "close-after-greeting", NC_("practice", "Closes after the greeting"),
    N_("Greets, then drops the connection."),
    "closed-abruptly", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_EHLO_REJECTED, "ehlo-rejected", NC_("practice", "EHLO rejected"),
    N_("Answers EHLO with an error."),
    "ehlo-rejected", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_NO_STARTTLS, "no-starttls", NC_("practice", "STARTTLS not offered"),
    N_("Does not offer STARTTLS although the connector requires TLS."),
    "starttls-missing", MFD_TLS_ENCRYPTION_ONLY },
  { MFD_LAB_STARTTLS_454, "starttls-454", NC_("practice", "STARTTLS refused (454)"),
    N_("Offers STARTTLS but answers it with 454."),
    "starttls-rejected", MFD_TLS_ENCRYPTION_ONLY },
  { MFD_LAB_CLOSE_AFTER_EHLO, "close-after-ehlo", NC_("practice", "Closes during EHLO"),
    N_("Starts its EHLO reply, then drops the connection."),
    "closed-abruptly", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_RESET_IN_HANDSHAKE, "reset-in-handshake", NC_("practice", "Reset during the TLS handshake"),
    N_("Agrees to STARTTLS, then resets the connection in the handshake."),
    "closed-abruptly", MFD_TLS_ENCRYPTION_ONLY },
  { MFD_LAB_GARBAGE_TLS, "garbage-tls", NC_("practice", "Not TLS after STARTTLS"),
    N_("Agrees to STARTTLS, then sends text instead of a TLS handshake."),
    "tls-handshake-failed", MFD_TLS_ENCRYPTION_ONLY },
  { MFD_LAB_TLS10_ONLY, "tls10-only", NC_("practice", "Only TLS 1.0"),
    N_("Speaks only TLS 1.0, which Exchange Online no longer uses."),
    "tls-handshake-failed", MFD_TLS_ENCRYPTION_ONLY },
  { MFD_LAB_CERT_EXPIRED, "cert-expired", NC_("practice", "Expired certificate"),
    N_("Presents a certificate that expired yesterday."),
    "cert-expired", MFD_TLS_DOMAIN_VALIDATION },
  { MFD_LAB_CERT_NOT_YET_VALID, "cert-not-yet-valid", NC_("practice", "Certificate not yet valid"),
    N_("Presents a certificate that only becomes valid tomorrow."),
    "cert-not-yet-valid", MFD_TLS_DOMAIN_VALIDATION },
  { MFD_LAB_CERT_WRONG_NAME, "cert-wrong-name", NC_("practice", "Certificate for another name"),
    N_("Presents a valid certificate issued for a different host name."),
    "cert-name-mismatch", MFD_TLS_DOMAIN_VALIDATION },
  { MFD_LAB_CERT_SELF_SIGNED, "cert-self-signed", NC_("practice", "Self-signed certificate"),
    N_("Presents a certificate that it signed itself."),
    "cert-untrusted", MFD_TLS_DOMAIN_VALIDATION },
  { MFD_LAB_CERT_MISSING_INTERMEDIATE, "cert-missing-intermediate", NC_("practice", "Missing intermediate certificate"),
    N_("Presents its certificate without the intermediate certificate that links it to the CA."),
    "cert-untrusted", MFD_TLS_DOMAIN_VALIDATION },
  { MFD_LAB_DNS_NXDOMAIN, "dns-nxdomain", NC_("practice", "Host name does not exist"),
    N_("DNS answers that the host name does not exist."),
    "dns-nxdomain", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DNS_SERVFAIL, "dns-servfail", NC_("practice", "DNS server failure"),
    N_("The DNS server answers SERVFAIL for the host name."),
    "dns-servfail", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DNS_TIMEOUT, "dns-timeout", NC_("practice", "DNS does not answer"),
    N_("The DNS server never answers."),
    "dns-timeout", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_CERT_WEAK, "cert-weak", NC_("practice", "Weak certificate"),
    N_("Presents a certificate with a 1024-bit RSA key."),
    "cert-insecure", MFD_TLS_CERTIFICATE_VALIDATION },
  { MFD_LAB_CERT_WILDCARD, "cert-wildcard", NC_("practice", "Wildcard certificate"),
    N_("Presents a valid certificate for *.contoso.test."),
    NULL, MFD_TLS_DOMAIN_VALIDATION },
  { MFD_LAB_ENDLESS_REPLY, "endless-reply", NC_("practice", "Endless greeting"),
    N_("Sends greeting lines without end."),
    "other", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_HUGE_LINE, "huge-line", NC_("practice", "Huge greeting line"),
    N_("Sends a greeting line of one megabyte."),
    "other", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_SLOW_DRIP, "slow-drip", NC_("practice", "Very slow server"),
    N_("Sends its greeting one byte per second."),
    "greeting-timeout", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_NEVER_READS, "never-reads", NC_("practice", "Server that stops reading"),
    N_("Greets, then never reads or answers anything."),
    "closed-abruptly", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DNS_STALE_CACHE, "dns-stale-cache", NC_("practice", "Resolver holds an old answer"),
    N_("The DNS resolver still gives the host's old address, while the name servers of its domain already give a new one."),
    "dns-stale-cache", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DNS_LAME_DELEGATION, "dns-lame-delegation", NC_("practice", "Name servers do not answer"),
    N_("The DNS resolver still answers, but the name servers of the host's domain refuse to answer for it."),
    "dns-lame-delegation", MFD_TLS_OPPORTUNISTIC },
  /* EOP delivers by MX with opportunistic TLS; DANE alone decides. */
  { MFD_LAB_DANE_OK, "dane-ok", NC_("practice", "DANE: TLSA matches"),
    N_("The domain is DNSSEC-signed and its TLSA record matches the key of the mail server's certificate."),
    NULL, MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DANE_TLSA_MISMATCH, "dane-tlsa-mismatch", NC_("practice", "DANE: TLSA does not match the certificate"),
    N_("The TLSA record pins a key the mail server no longer uses, as after a certificate renewal without a new TLSA record."),
    "dane-tlsa-mismatch", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DANE_DNSSEC_EXPIRED, "dane-dnssec-expired", NC_("practice", "DANE: expired DNSSEC signature"),
    N_("The signature over the TLSA record expired: the zone was not signed again in time."),
    "dane-dnssec-bogus", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DANE_NO_STARTTLS, "dane-no-starttls", NC_("practice", "DANE: TLSA but no STARTTLS"),
    N_("The domain publishes a TLSA record, but its mail server does not offer STARTTLS."),
    "dane-starttls-missing", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DANE_CERT_EXPIRED, "dane-cert-expired", NC_("practice", "DANE: expired certificate under DANE-TA"),
    N_("The TLSA record pins the issuing CA (DANE-TA), and the mail server's certificate has expired."),
    "dane-cert-expired", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_DANE_NAME_MISMATCH, "dane-name-mismatch", NC_("practice", "DANE: certificate for another host under DANE-TA"),
    N_("The TLSA record pins the issuing CA (DANE-TA), and the mail server's certificate is for another host name."),
    "dane-name-mismatch", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_MTA_STS_MX_NOT_IN_POLICY, "mta-sts-mx-not-in-policy", NC_("practice", "MTA-STS policy leaves out the MX"),
    N_("The domain enforces an MTA-STS policy whose mx: lines do not match its mail server."),
    "mta-sts-mx-not-in-policy", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_MTA_STS_POLICY_CERT_INVALID, "mta-sts-policy-cert-invalid", NC_("practice", "MTA-STS policy host with an invalid certificate"),
    N_("The web server of the MTA-STS policy presents a certificate issued for a different name."),
    "mta-sts-policy-cert-invalid", MFD_TLS_OPPORTUNISTIC },
  { MFD_LAB_MTA_STS_MX_CERT_INVALID, "mta-sts-mx-cert-invalid", NC_("practice", "MTA-STS with a mail server certificate for another name"),
    N_("The domain enforces an MTA-STS policy that names its mail server, but the server's certificate is issued for a different name."),
    "mta-sts-mx-cert-invalid", MFD_TLS_OPPORTUNISTIC },
};

/* The lab's certificates, made once per process, relative to now. */
typedef struct
{
  gnutls_x509_privkey_t ca_key, int_key, leaf_key, self_key, weak_key;
  gnutls_x509_crt_t     ca, intermediate;
  gnutls_x509_crt_t     good, wildcard, expired, not_yet_valid, wrong_name, self_signed, weak;
  gboolean              weak_is_sha1;
  char                 *ca_pem;
} LabPki;

struct _MfdLab
{
  MfdLabScenario   scenario;
  char            *address;
  char            *dns_server;
  char            *tmpdir;
  char            *ca_file;
  guint16          port;

  GSocket         *listener;
  GPtrArray       *held;          /* blackhole: connections filling the backlog */
  gnutls_certificate_credentials_t credentials;
  gnutls_pcert_st *served;        /* mfd_lab_new_with_certificate(): sent as given */
  unsigned int     n_served;
  gnutls_privkey_t served_key;
  GCancellable    *cancellable;
  GThread         *accept_thread;

  GMutex           mutex;
  GCond            cond;
  gboolean         stopping;
  GPtrArray       *threads;
  GPtrArray       *transcript;
  guint            n_connections;

  MfdLabDns       *dns;
  MfdLabDns       *authority;     /* the practice zone's name server, if the scenario has one */
  char            *trust_anchor;  /* the DANE scenarios: the lab root's DS, in tmpdir */

  /* The MTA-STS policy host, if the scenario has one: a SoupServer on the
   * lab's address in a thread and main context of its own. */
  GThread         *policy_thread;
  GMainContext    *policy_context;
  GMainLoop       *policy_loop;
  guint16          policy_port;
  char            *policy_error;
};

typedef struct
{
  MfdLab           *lab;
  GSocket          *socket;
  gnutls_session_t  tls;
  GByteArray       *buffer;
} Conn;

/* Scenario descriptions ----------------------------------------------------- */

const char *
mfd_lab_scenario_get_id (MfdLabScenario scenario)
{
  g_return_val_if_fail (scenario < MFD_LAB_N_SCENARIOS, NULL);
  return scenarios[scenario].id;
}

const char *
mfd_lab_scenario_get_title (MfdLabScenario scenario)
{
  g_return_val_if_fail (scenario < MFD_LAB_N_SCENARIOS, NULL);
  return scenarios[scenario].title;
}

const char *
mfd_lab_scenario_get_summary (MfdLabScenario scenario)
{
  g_return_val_if_fail (scenario < MFD_LAB_N_SCENARIOS, NULL);
  return scenarios[scenario].summary;
}

const char *
mfd_lab_scenario_get_cause (MfdLabScenario scenario)
{
  g_return_val_if_fail (scenario < MFD_LAB_N_SCENARIOS, NULL);
  return scenarios[scenario].cause;
}

MfdTlsMode
mfd_lab_scenario_get_tls_mode (MfdLabScenario scenario)
{
  g_return_val_if_fail (scenario < MFD_LAB_N_SCENARIOS, MFD_TLS_OPPORTUNISTIC);
  return scenarios[scenario].mode;
}

gboolean
mfd_lab_scenario_from_id (const char     *id,
                          MfdLabScenario *scenario)
{
  for (guint i = 0; i < MFD_LAB_N_SCENARIOS; i++)
    if (g_strcmp0 (id, scenarios[i].id) == 0)
      {
        *scenario = scenarios[i].scenario;
        return TRUE;
      }
  return FALSE;
}

/* Certificates ------------------------------------------------------------- */

static gnutls_x509_privkey_t
make_key (gnutls_pk_algorithm_t algorithm,
          unsigned int          bits)
{
  gnutls_x509_privkey_t key;
  int ret;

  gnutls_x509_privkey_init (&key);
  ret = gnutls_x509_privkey_generate (key, algorithm, bits, 0);
  if (ret != GNUTLS_E_SUCCESS)
    g_error ("Cannot generate a lab key: %s", gnutls_strerror (ret));
  return key;
}

static gnutls_x509_crt_t
make_cert (gnutls_x509_privkey_t       key,
           const char                 *common_name,
           const char * const         *dns_names,
           gboolean                    is_ca,
           gint64                      not_before_days,
           gint64                      not_after_days,
           gnutls_x509_crt_t           issuer,
           gnutls_x509_privkey_t       issuer_key,
           gnutls_digest_algorithm_t   digest,
           int                        *sign_result)
{
  static const char organization[] = "Mail Flow Doctor practice";
  static guint32 serial = 1;
  gnutls_x509_crt_t crt;
  time_t now = time (NULL);
  guint8 serial_bytes[4];
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  guint32 s = g_atomic_int_add (&serial, 1);
  int ret;

  serial_bytes[0] = 0x10 | ((s >> 24) & 0x0f);
  serial_bytes[1] = s >> 16;
  serial_bytes[2] = s >> 8;
  serial_bytes[3] = s;

  gnutls_x509_crt_init (&crt);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, serial_bytes, sizeof serial_bytes);
  gnutls_x509_crt_set_activation_time (crt, now + not_before_days * 86400);
  gnutls_x509_crt_set_expiration_time (crt, now + not_after_days * 86400);
  gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                 organization, strlen (organization));
  gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                 common_name, strlen (common_name));
  gnutls_x509_crt_set_key (crt, key);
  if (gnutls_x509_crt_get_key_id (crt, 0, key_id, &key_id_size) == GNUTLS_E_SUCCESS)
    gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size);
  key_id_size = sizeof key_id;
  if (issuer != NULL &&
      gnutls_x509_crt_get_subject_key_id (issuer, key_id, &key_id_size, NULL) == GNUTLS_E_SUCCESS)
    gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_size);

  if (is_ca)
    {
      gnutls_x509_crt_set_basic_constraints (crt, 1, -1);
      gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
    }
  else
    {
      gnutls_x509_crt_set_basic_constraints (crt, 0, -1);
      gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT);
      gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
    }
  for (guint i = 0; dns_names != NULL && dns_names[i] != NULL; i++)
    gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, dns_names[i],
                                          strlen (dns_names[i]), GNUTLS_FSAN_APPEND);

  ret = gnutls_x509_crt_sign2 (crt, issuer != NULL ? issuer : crt,
                               issuer_key != NULL ? issuer_key : key, digest, 0);
  if (sign_result != NULL)
    *sign_result = ret;
  else if (ret != GNUTLS_E_SUCCESS)
    g_error ("Cannot sign a lab certificate: %s", gnutls_strerror (ret));
  return crt;
}

static gpointer
make_pki (gpointer data)
{
  static const char * const mail[] = { LAB_HOST_NAME, NULL };
  static const char * const wild[] = { "*.contoso.test", NULL };
  static const char * const other[] = { "www.fabrikam.test", NULL };
  LabPki *pki = g_new0 (LabPki, 1);
  unsigned int ec = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1);
  gnutls_datum_t pem = { NULL, 0 };
  int sha1_result;

  pki->ca_key = make_key (GNUTLS_PK_ECDSA, ec);
  pki->int_key = make_key (GNUTLS_PK_ECDSA, ec);
  pki->leaf_key = make_key (GNUTLS_PK_ECDSA, ec);
  pki->self_key = make_key (GNUTLS_PK_ECDSA, ec);
  pki->weak_key = make_key (GNUTLS_PK_RSA, 1024);

  pki->ca = make_cert (pki->ca_key, "Mail Flow Doctor Practice Root CA", NULL, TRUE,
                       -30, 3650, NULL, NULL, GNUTLS_DIG_SHA256, NULL);
  pki->intermediate = make_cert (pki->int_key, "Mail Flow Doctor Practice Issuing CA", NULL, TRUE,
                                 -30, 1825, pki->ca, pki->ca_key, GNUTLS_DIG_SHA256, NULL);
  pki->good = make_cert (pki->leaf_key, LAB_HOST_NAME, mail, FALSE, -1, 90,
                         pki->intermediate, pki->int_key, GNUTLS_DIG_SHA256, NULL);
  pki->wildcard = make_cert (pki->leaf_key, "*.contoso.test", wild, FALSE, -1, 90,
                             pki->intermediate, pki->int_key, GNUTLS_DIG_SHA256, NULL);
  pki->expired = make_cert (pki->leaf_key, LAB_HOST_NAME, mail, FALSE, -90, -1,
                            pki->intermediate, pki->int_key, GNUTLS_DIG_SHA256, NULL);
  pki->not_yet_valid = make_cert (pki->leaf_key, LAB_HOST_NAME, mail, FALSE, 1, 90,
                                  pki->intermediate, pki->int_key, GNUTLS_DIG_SHA256, NULL);
  pki->wrong_name = make_cert (pki->leaf_key, "www.fabrikam.test", other, FALSE, -1, 90,
                               pki->intermediate, pki->int_key, GNUTLS_DIG_SHA256, NULL);
  pki->self_signed = make_cert (pki->self_key, LAB_HOST_NAME, mail, FALSE, -1, 90,
                                NULL, NULL, GNUTLS_DIG_SHA256, NULL);

  /* gnutls may refuse to sign with SHA-1 at all; then the 1024-bit key
   * alone makes the certificate weak. */
  pki->weak = make_cert (pki->weak_key, LAB_HOST_NAME, mail, FALSE, -1, 90,
                         pki->intermediate, pki->int_key, GNUTLS_DIG_SHA1, &sha1_result);
  pki->weak_is_sha1 = sha1_result == GNUTLS_E_SUCCESS;
  if (!pki->weak_is_sha1)
    {
      gnutls_x509_crt_deinit (pki->weak);
      pki->weak = make_cert (pki->weak_key, LAB_HOST_NAME, mail, FALSE, -1, 90,
                             pki->intermediate, pki->int_key, GNUTLS_DIG_SHA256, NULL);
    }

  gnutls_x509_crt_export2 (pki->ca, GNUTLS_X509_FMT_PEM, &pem);
  pki->ca_pem = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return pki;
}

static LabPki *
get_pki (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, make_pki, NULL);
}

static gnutls_certificate_credentials_t
make_credentials (MfdLabScenario scenario)
{
  LabPki *pki = get_pki ();
  gnutls_certificate_credentials_t credentials;
  gnutls_x509_crt_t chain[2] = { pki->good, pki->intermediate };
  gnutls_x509_privkey_t key = pki->leaf_key;
  guint n = 2;

  if (scenario == MFD_LAB_CERT_EXPIRED || scenario == MFD_LAB_DANE_CERT_EXPIRED)
    chain[0] = pki->expired;
  else if (scenario == MFD_LAB_CERT_NOT_YET_VALID)
    chain[0] = pki->not_yet_valid;
  else if (scenario == MFD_LAB_CERT_WRONG_NAME || scenario == MFD_LAB_DANE_NAME_MISMATCH ||
           scenario == MFD_LAB_MTA_STS_MX_CERT_INVALID)
    chain[0] = pki->wrong_name;
  else if (scenario == MFD_LAB_CERT_WILDCARD)
    chain[0] = pki->wildcard;
  else if (scenario == MFD_LAB_CERT_MISSING_INTERMEDIATE)
    n = 1;
  else if (scenario == MFD_LAB_CERT_SELF_SIGNED)
    {
      chain[0] = pki->self_signed;
      key = pki->self_key;
      n = 1;
    }
  else if (scenario == MFD_LAB_CERT_WEAK)
    {
      chain[0] = pki->weak;
      key = pki->weak_key;
    }

  gnutls_certificate_allocate_credentials (&credentials);
  if (gnutls_certificate_set_x509_key (credentials, chain, n, key) < 0)
    g_error ("Cannot load a lab certificate");
  return credentials;
}

/* A connection to the SMTP peer --------------------------------------------- */

static gint64
io_deadline (void)
{
  return g_get_monotonic_time () + LAB_IO_TIMEOUT_S * G_USEC_PER_SEC;
}

static ssize_t
conn_pull_cb (gnutls_transport_ptr_t  ptr,
              void                   *buffer,
              size_t                  size)
{
  Conn *conn = ptr;
  g_autoptr(GError) error = NULL;
  gssize n = mfd_socket_read (conn->socket, buffer, size, io_deadline (),
                              conn->lab->cancellable, &error);

  if (n < 0)
    gnutls_transport_set_errno (conn->tls, EIO);
  return n;
}

static ssize_t
conn_push_cb (gnutls_transport_ptr_t  ptr,
              const void             *data,
              size_t                  size)
{
  Conn *conn = ptr;

  if (!mfd_socket_write_all (conn->socket, data, size, io_deadline (),
                             conn->lab->cancellable, NULL))
    {
      gnutls_transport_set_errno (conn->tls, EIO);
      return -1;
    }
  return size;
}

static gssize
conn_read (Conn   *conn,
           guint8 *buffer,
           gsize   size)
{
  gssize n;

  if (conn->tls == NULL)
    return mfd_socket_read (conn->socket, buffer, size, io_deadline (),
                            conn->lab->cancellable, NULL);
  do
    n = gnutls_record_recv (conn->tls, buffer, size);
  while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
  return n < 0 ? -1 : n;
}

static gboolean
conn_write (Conn       *conn,
            const char *text,
            gsize       len)
{
  if (conn->tls == NULL)
    return mfd_socket_write_all (conn->socket, (const guint8 *) text, len,
                                 io_deadline (), conn->lab->cancellable, NULL);
  while (len > 0)
    {
      gssize n = gnutls_record_send (conn->tls, text, len);

      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        continue;
      if (n < 0)
        return FALSE;
      text += n;
      len -= n;
    }
  return TRUE;
}

static gboolean
conn_say (Conn       *conn,
          const char *text)
{
  return conn_write (conn, text, strlen (text));
}

/* One command line, without its line end; NULL at the end of the stream or
 * when the client sends a line longer than SMTP allows. */
static char *
conn_read_line (Conn *conn)
{
  for (;;)
    {
      guint8 chunk[1024];
      guint8 *nl = conn->buffer->len > 0 ? memchr (conn->buffer->data, '\n', conn->buffer->len) : NULL;
      gssize n;

      if (nl != NULL)
        {
          gsize len = nl - conn->buffer->data;
          char *line = g_strndup ((const char *) conn->buffer->data,
                                  len > 0 && nl[-1] == '\r' ? len - 1 : len);

          g_byte_array_remove_range (conn->buffer, 0, len + 1);
          return line;
        }
      if (conn->buffer->len > MFD_SMTP_MAX_LINE)
        return NULL;
      n = conn_read (conn, chunk, sizeof chunk);
      if (n <= 0)
        return NULL;
      g_byte_array_append (conn->buffer, chunk, n);
    }
}

/* Waits until the lab stops or @seconds pass, without touching the socket. */
static void
lab_sleep (MfdLab *lab,
           guint   seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  g_mutex_lock (&lab->mutex);
  while (!lab->stopping)
    if (!g_cond_wait_until (&lab->cond, &lab->mutex, end))
      break;
  g_mutex_unlock (&lab->mutex);
}

/* Waits until the client goes away (or the lab stops), ignoring its data. */
static void
drain_until_closed (Conn *conn)
{
  guint8 chunk[1024];

  while (conn_read (conn, chunk, sizeof chunk) > 0)
    ;
}

static void
reset_connection (Conn *conn)
{
  struct linger linger = { 1, 0 };

  /* SO_LINGER with a zero timeout makes close() send a RST. */
  setsockopt (g_socket_get_fd (conn->socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (conn->socket, NULL);
}

static void
record_command (MfdLab     *lab,
                const char *line)
{
  g_mutex_lock (&lab->mutex);
  if (lab->transcript->len < 10000)
    g_ptr_array_add (lab->transcript, mfd_text_sanitize (line, -1, 512));
  g_mutex_unlock (&lab->mutex);
}

static gboolean
start_tls (Conn *conn)
{
  MfdLab *lab = conn->lab;
  const char *priority = lab->scenario == MFD_LAB_TLS10_ONLY
                         ? "NORMAL:-VERS-ALL:+VERS-TLS1.0:%COMPAT" : "NORMAL";
  int ret;

  gnutls_init (&conn->tls, GNUTLS_SERVER);
  if (gnutls_priority_set_direct (conn->tls, priority, NULL) < 0)
    return FALSE;
  gnutls_credentials_set (conn->tls, GNUTLS_CRD_CERTIFICATE, lab->credentials);
  gnutls_session_set_ptr (conn->tls, lab);
  gnutls_transport_set_ptr (conn->tls, conn);
  gnutls_transport_set_pull_function (conn->tls, conn_pull_cb);
  gnutls_transport_set_push_function (conn->tls, conn_push_cb);
  do
    ret = gnutls_handshake (conn->tls);
  while (ret < 0 && !gnutls_error_is_fatal (ret));
  if (ret < 0)
    g_debug ("Lab TLS handshake failed: %s", gnutls_strerror (ret));
  return ret == GNUTLS_E_SUCCESS;
}

static void
serve_ehlo (Conn *conn)
{
  g_autoptr(GString) reply = g_string_new ("250-" LAB_HOST_NAME " greets you\r\n");

  g_string_append (reply, "250-PIPELINING\r\n250-SIZE 36700160\r\n250-8BITMIME\r\n");
  if (conn->tls == NULL && conn->lab->scenario != MFD_LAB_NO_STARTTLS &&
      conn->lab->scenario != MFD_LAB_DANE_NO_STARTTLS)
    g_string_append (reply, "250-STARTTLS\r\n");
  g_string_append (reply, "250 SMTPUTF8\r\n");
  conn_write (conn, reply->str, reply->len);
}

/* Returns FALSE when the connection is over. */
static gboolean
serve_command (Conn       *conn,
               const char *line)
{
  MfdLabScenario scenario = conn->lab->scenario;
  const char *space = strchr (line, ' ');
  g_autofree char *verb = g_ascii_strup (line, space != NULL ? space - line : -1);
  guint8 hello[512];

  if (scenario == MFD_LAB_GREET_554)
    {
      if (g_str_equal (verb, "QUIT"))
        {
          conn_say (conn, "221 2.0.0 Bye\r\n");
          return FALSE;
        }
      return conn_say (conn, "503 5.5.1 No SMTP service here\r\n");
    }

  if (g_str_equal (verb, "EHLO") || g_str_equal (verb, "HELO"))
    {
      if (scenario == MFD_LAB_EHLO_REJECTED)
        return conn_say (conn, "550 5.7.1 Client host rejected: access denied\r\n");
      if (scenario == MFD_LAB_CLOSE_AFTER_EHLO)
        {
          conn_say (conn, "250-" LAB_HOST_NAME "\r\n");
          return FALSE;
        }
      if (g_str_equal (verb, "HELO"))
        return conn_say (conn, "250 " LAB_HOST_NAME "\r\n");
      serve_ehlo (conn);
      return TRUE;
    }

  if (g_str_equal (verb, "STARTTLS"))
    {
      if (conn->tls != NULL || scenario == MFD_LAB_NO_STARTTLS || scenario == MFD_LAB_DANE_NO_STARTTLS)
        return conn_say (conn, "503 5.5.1 STARTTLS not available\r\n");
      if (scenario == MFD_LAB_STARTTLS_454)
        return conn_say (conn, "454 4.7.0 TLS not available due to temporary reason\r\n");
      if (!conn_say (conn, "220 2.0.0 Ready to start TLS\r\n"))
        return FALSE;
      g_byte_array_set_size (conn->buffer, 0);
      if (scenario == MFD_LAB_RESET_IN_HANDSHAKE)
        {
          mfd_socket_read (conn->socket, hello, sizeof hello, io_deadline (),
                           conn->lab->cancellable, NULL);
          reset_connection (conn);
          return FALSE;
        }
      if (scenario == MFD_LAB_GARBAGE_TLS)
        {
          mfd_socket_read (conn->socket, hello, sizeof hello, io_deadline (),
                           conn->lab->cancellable, NULL);
          for (guint i = 0; i < 4; i++)
            conn_say (conn, "This is not TLS. This is plain text, sent on purpose.\r\n");
          drain_until_closed (conn);
          return FALSE;
        }
      return start_tls (conn);
    }

  if (g_str_equal (verb, "QUIT"))
    {
      conn_say (conn, "221 2.0.0 Bye\r\n");
      /* A well-behaved server ends TLS with close_notify; clients such as
       * gnutls-cli otherwise report the close as abnormal. */
      if (conn->tls != NULL)
        gnutls_bye (conn->tls, GNUTLS_SHUT_WR);
      return FALSE;
    }
  if (g_str_equal (verb, "NOOP") || g_str_equal (verb, "RSET"))
    return conn_say (conn, "250 2.0.0 OK\r\n");

  /* The practice server takes no mail: whatever else arrives (and is
   * recorded above) is refused. */
  return conn_say (conn, "502 5.5.2 Not accepted by the practice server\r\n");
}

static gboolean
is_hostile (MfdLabScenario scenario)
{
  return scenario == MFD_LAB_ENDLESS_REPLY || scenario == MFD_LAB_HUGE_LINE ||
         scenario == MFD_LAB_SLOW_DRIP || scenario == MFD_LAB_NEVER_READS;
}

static void
serve_endless_reply (Conn *conn)
{
  /* Bounded on our side too: a million lines is far past any limit. */
  for (guint i = 0; i < 1000000; i++)
    if (!conn_say (conn, "220-" LAB_HOST_NAME " and there is more to come\r\n"))
      break;
}

static void
serve_huge_line (Conn *conn)
{
  g_autofree char *line = g_malloc (1024 * 1024);

  memset (line, 'x', 1024 * 1024);
  memcpy (line, "220 ", 4);
  if (conn_write (conn, line, 1024 * 1024))
    drain_until_closed (conn);
}

static void
serve_slow_drip (Conn *conn)
{
  for (const char *p = LAB_GREETING; *p != '\0'; p++)
    {
      gboolean readable;

      if (!conn_write (conn, p, 1))
        break;
      /* Readable here means the client closed (or spoke out of turn). */
      readable = g_socket_condition_timed_wait (conn->socket, G_IO_IN, G_USEC_PER_SEC,
                                                conn->lab->cancellable, NULL);
      if (readable || g_cancellable_is_cancelled (conn->lab->cancellable))
        break;
    }
}

static void
serve_hostile (Conn *conn)
{
  MfdLabScenario scenario = conn->lab->scenario;

  if (scenario == MFD_LAB_ENDLESS_REPLY)
    serve_endless_reply (conn);
  else if (scenario == MFD_LAB_HUGE_LINE)
    serve_huge_line (conn);
  else if (scenario == MFD_LAB_SLOW_DRIP)
    serve_slow_drip (conn);
  else if (conn_say (conn, LAB_GREETING))
    lab_sleep (conn->lab, LAB_IO_TIMEOUT_S);    /* never reads */
}

static void
serve_dialogue (Conn *conn)
{
  MfdLab *lab = conn->lab;
  char *line;

  if (!conn_say (conn, lab->scenario == MFD_LAB_GREET_554
                       ? "554 5.3.2 " LAB_HOST_NAME " No SMTP service here\r\n"
                       : LAB_GREETING))
    return;
  while ((line = conn_read_line (conn)) != NULL)
    {
      gboolean more;

      record_command (lab, line);
      more = serve_command (conn, line);
      g_free (line);
      if (!more)
        break;
    }
}

static gpointer
connection_thread (gpointer data)
{
  Conn *conn = data;
  MfdLab *lab = conn->lab;

  if (lab->scenario == MFD_LAB_SILENT)
    drain_until_closed (conn);
  else if (lab->scenario == MFD_LAB_GREET_421)
    conn_say (conn, "421 4.3.2 " LAB_HOST_NAME " Service not available, closing transmission channel\r\n");
  else if (lab->scenario == MFD_LAB_CLOSE_AFTER_GREETING)
    conn_say (conn, LAB_GREETING);
  else if (is_hostile (lab->scenario))
    serve_hostile (conn);
  else
    serve_dialogue (conn);

  if (conn->tls != NULL)
    gnutls_deinit (conn->tls);
  if (!g_socket_is_closed (conn->socket))
    g_socket_close (conn->socket, NULL);
  g_object_unref (conn->socket);
  g_byte_array_unref (conn->buffer);
  g_free (conn);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  MfdLab *lab = data;

  for (;;)
    {
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GError) error = NULL;
      Conn *conn;

      if (!g_socket_condition_wait (lab->listener, G_IO_IN, lab->cancellable, &error))
        break;
      socket = g_socket_accept (lab->listener, lab->cancellable, &error);
      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            break;
          continue;
        }

      g_mutex_lock (&lab->mutex);
      lab->n_connections++;
      if (lab->threads->len >= LAB_MAX_THREADS)
        {
          g_mutex_unlock (&lab->mutex);
          continue;
        }
      conn = g_new0 (Conn, 1);
      conn->lab = lab;
      conn->socket = g_steal_pointer (&socket);
      conn->buffer = g_byte_array_new ();
      g_socket_set_blocking (conn->socket, FALSE);
      /* As a real MTA flushes each reply and handshake flight: without this,
       * Nagle's algorithm and the client's delayed ACK add 40 ms to every
       * TLS handshake on loopback. */
      g_socket_set_option (conn->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      g_ptr_array_add (lab->threads, g_thread_new ("mfd-lab-conn", connection_thread, conn));
      g_mutex_unlock (&lab->mutex);
    }
  return NULL;
}

/* Setting up ----------------------------------------------------------------- */

/* Fills the accept queue of a listen(fd, 0) socket nobody accepts on, so
 * that the kernel drops further SYNs and a connect times out; then checks
 * that it really does. */
static gboolean
fill_backlog (MfdLab  *self,
              GError **error)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (self->listener, error);
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GError) local_error = NULL;

  if (address == NULL)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GSocket) held = g_socket_new (g_socket_address_get_family (address),
                                              G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);

      if (held == NULL)
        return FALSE;
      g_socket_set_blocking (held, FALSE);
      g_socket_connect (held, address, NULL, NULL);
      g_ptr_array_add (self->held, g_steal_pointer (&held));
    }
  /* Let the first handshakes complete so the queue is really full. */
  g_usleep (50 * 1000);

  probe = g_socket_new (g_socket_address_get_family (address),
                        G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (probe == NULL)
    return FALSE;
  g_socket_set_blocking (probe, FALSE);
  if (g_socket_connect (probe, address, NULL, &local_error) ||
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PENDING) ||
      g_socket_condition_timed_wait (probe, G_IO_OUT, 300 * 1000, NULL, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "This system completes connections to a full backlog; cannot simulate a dropped SYN");
      return FALSE;
    }
  g_ptr_array_add (self->held, g_steal_pointer (&probe));
  return TRUE;
}

static gboolean
start_smtp (MfdLab  *self,
            GError **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->address);
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IP address: %s", self->address);
      return FALSE;
    }
  any = g_inet_socket_address_new (inet, 0);
  self->listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, error);
  if (self->listener == NULL || !g_socket_bind (self->listener, any, FALSE, error))
    return FALSE;
  bound = g_socket_get_local_address (self->listener, error);
  if (bound == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  /* Refuse: bound but not listening, so the port stays ours and a
   * connection to it is answered with a RST. */
  if (self->scenario == MFD_LAB_REFUSE)
    return TRUE;

  if (self->scenario == MFD_LAB_BLACKHOLE)
    {
      g_socket_set_listen_backlog (self->listener, 0);
      return g_socket_listen (self->listener, error) && fill_backlog (self, error);
    }

  g_socket_set_blocking (self->listener, FALSE);
  if (!g_socket_listen (self->listener, error))
    return FALSE;
  if (self->credentials == NULL)
    self->credentials = make_credentials (self->scenario);
  self->accept_thread = g_thread_new ("mfd-lab-accept", accept_thread, self);
  return TRUE;
}

/* The practice zone's name server, on the lab's address: the responder
 * above then plays a caching resolver that knows the delegation. */
static gboolean
start_authority (MfdLab  *self,
                 GError **error)
{
  gboolean v6 = strchr (self->address, ':') != NULL;
  const char *type = v6 ? "AAAA" : "A";
  g_autofree char *ns_address = NULL;

  /* Port 53 where this process may bind it (root, or a network namespace
   * of its own as the tests use): the command line asks name servers
   * there only. For IPv4 on an address of its own in 127/8, so as not to
   * stand in for a resolver this computer may run on 127.0.0.1. Elsewhere
   * any free port on the lab's address, which the app hands to its probe. */
  ns_address = v6 ? g_strdup (self->address)
                  : g_strdup_printf ("127.0.53.%u", g_random_int_range (1, 255));
  self->authority = mfd_lab_dns_new (ns_address, 53, NULL);
  if (self->authority == NULL)
    {
      g_free (ns_address);
      ns_address = g_strdup (self->address);
      self->authority = mfd_lab_dns_new (ns_address, 0, error);
    }
  if (self->authority == NULL)
    return FALSE;
  mfd_lab_dns_set_authoritative (self->authority, TRUE);
  mfd_lab_dns_add_record (self->authority, "contoso.test", "SOA",
                          "ns1.contoso.test. hostmaster.contoso.test. 2026112901 3600 600 86400 300", 3600);
  mfd_lab_dns_add_record (self->authority, "contoso.test", "NS", "ns1.contoso.test", 86400);
  mfd_lab_dns_add_record (self->authority, "ns1.contoso.test", type, ns_address, 86400);
  /* The new address is a documentation one: only the resolver's old
   * answer, the practice SMTP server, is ever connected to. */
  mfd_lab_dns_add_record (self->authority, LAB_HOST_NAME, type, v6 ? "2001:db8::25" : "192.0.2.25", 300);
  if (self->scenario == MFD_LAB_DNS_LAME_DELEGATION)
    mfd_lab_dns_set_mode (self->authority, NULL, MFD_LAB_DNS_MODE_REFUSED);

  /* A resolver answers from its cache without the AA flag, and an
   * authoritative server would refer the host's name to the zone's NS. */
  mfd_lab_dns_set_authoritative (self->dns, FALSE);
  mfd_lab_dns_add_record (self->dns, "contoso.test", "NS", "ns1.contoso.test", 86400);
  mfd_lab_dns_add_record (self->dns, "ns1.contoso.test", type, ns_address, 86400);
  return TRUE;
}

static gboolean
is_dane (MfdLabScenario scenario)
{
  return scenario >= MFD_LAB_DANE_OK && scenario <= MFD_LAB_DANE_NAME_MISMATCH;
}

/* The TLSA record the scenario publishes: DANE-EE (3 1 1) of the key the
 * server uses, or of another one; DANE-TA (2 0 1) of the issuing CA. */
static char *
dane_tlsa_rdata (MfdLabScenario scenario)
{
  LabPki *pki = get_pki ();
  gnutls_x509_crt_t pinned = pki->good;
  guint8 usage = 3, selector = 1;
  gnutls_datum_t der = { NULL, 0 };
  MfdTlsaRecord *record;
  char *rdata;

  if (scenario == MFD_LAB_DANE_TLSA_MISMATCH)
    pinned = pki->self_signed;   /* a key of its own, not the server's */
  else if (scenario == MFD_LAB_DANE_CERT_EXPIRED || scenario == MFD_LAB_DANE_NAME_MISMATCH)
    {
      pinned = pki->intermediate;
      usage = 2;
      selector = 0;
    }
  if (gnutls_x509_crt_export2 (pinned, GNUTLS_X509_FMT_DER, &der) < 0)
    return NULL;
  record = mfd_dane_record_for_cert (&der, usage, selector, 1);
  gnutls_free (der.data);
  if (record == NULL)
    return NULL;
  rdata = mfd_tlsa_record_to_string (record, FALSE);
  mfd_tlsa_record_free (record);
  return rdata;
}

/* The DANE scenarios: the lab's root "test." (whose DS is the trust
 * anchor, written to the lab's directory) delegates contoso.test with a
 * DS; contoso.test, signed with a key made for this lab, holds the MX,
 * the host's address and the TLSA record for the SMTP port. The same
 * responder serves both zones, as a validating client asks it all. */
static gboolean
start_dane_zones (MfdLab  *self,
                  GError **error)
{
  gboolean v6 = strchr (self->address, ':') != NULL;
  g_autoptr(MfdLabZone) root = mfd_lab_zone_new ("test");
  g_autoptr(MfdLabZone) zone = mfd_lab_zone_new (LAB_DOMAIN);
  g_autofree char *rdata = dane_tlsa_rdata (self->scenario);
  g_autofree char *mx_line = g_strdup ("contoso.test. 300 IN MX 10 " LAB_HOST_NAME ".");
  g_autofree char *a_line = g_strdup_printf (LAB_HOST_NAME ". 300 IN %s %s", v6 ? "AAAA" : "A", self->address);
  g_autofree char *ns_line = g_strdup_printf ("ns." LAB_DOMAIN ". 300 IN %s %s", v6 ? "AAAA" : "A", self->address);
  g_autofree char *tlsa_line = NULL;
  g_autofree char *anchor = g_build_filename (self->tmpdir, "lab-root.ds", NULL);
  const char *mx[] = { mx_line, NULL };
  const char *a[] = { a_line, NULL };
  const char *ns[] = { ns_line, NULL };
  const char *tlsa[] = { NULL, NULL };

  if (root == NULL || zone == NULL || rdata == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot sign the practice zone");
      return FALSE;
    }
  tlsa_line = g_strdup_printf ("_%u._tcp." LAB_HOST_NAME ". 300 IN TLSA %s", self->port, rdata);
  tlsa[0] = tlsa_line;

  if (!mfd_lab_zone_serve_apex (root, self->dns) ||
      !mfd_lab_zone_serve_ds (root, self->dns, zone) ||
      !mfd_lab_zone_serve_apex (zone, self->dns) ||
      !mfd_lab_zone_serve (zone, self->dns, TRUE, mx) ||
      !mfd_lab_zone_serve (zone, self->dns, TRUE, a) ||
      !mfd_lab_zone_serve (zone, self->dns, TRUE, ns))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot sign the practice zone");
      return FALSE;
    }
  /* Signatures that ended an hour ago: the zone was not signed again. */
  if (self->scenario == MFD_LAB_DANE_DNSSEC_EXPIRED)
    mfd_lab_zone_set_validity (zone, -86400, -3600);
  if (!mfd_lab_zone_serve (zone, self->dns, TRUE, tlsa))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot sign the practice zone");
      return FALSE;
    }
  if (!mfd_lab_zone_write_anchor (root, anchor, error))
    return FALSE;
  self->trust_anchor = g_steal_pointer (&anchor);
  return TRUE;
}

static gboolean
start_dns (MfdLab  *self,
           GError **error)
{
  gboolean v6 = strchr (self->address, ':') != NULL;

  self->dns = mfd_lab_dns_new (self->address, 0, error);
  if (self->dns == NULL)
    return FALSE;
  if (is_dane (self->scenario))
    {
      mfd_lab_dns_set_authoritative (self->dns, TRUE);
      self->dns_server = g_strdup (mfd_lab_dns_get_server (self->dns));
      return start_dane_zones (self, error);
    }
  mfd_lab_dns_add_record (self->dns, LAB_HOST_NAME, v6 ? "AAAA" : "A", self->address, 300);
  mfd_lab_dns_add_record (self->dns, "contoso.test", "MX", "10 " LAB_HOST_NAME ".", 300);
  mfd_lab_dns_set_authoritative (self->dns, TRUE);
  if (self->scenario == MFD_LAB_DNS_NXDOMAIN)
    mfd_lab_dns_set_mode (self->dns, LAB_HOST_NAME, MFD_LAB_DNS_MODE_NXDOMAIN);
  else if (self->scenario == MFD_LAB_DNS_SERVFAIL)
    mfd_lab_dns_set_mode (self->dns, LAB_HOST_NAME, MFD_LAB_DNS_MODE_SERVFAIL);
  else if (self->scenario == MFD_LAB_DNS_TIMEOUT)
    mfd_lab_dns_set_mode (self->dns, LAB_HOST_NAME, MFD_LAB_DNS_MODE_SILENT);
  self->dns_server = g_strdup (mfd_lab_dns_get_server (self->dns));

  if (self->scenario == MFD_LAB_DNS_STALE_CACHE || self->scenario == MFD_LAB_DNS_LAME_DELEGATION)
    return start_authority (self, error);
  return TRUE;
}

/* The MTA-STS policy host ---------------------------------------------- */

gboolean
mfd_lab_scenario_is_by_mx (MfdLabScenario scenario)
{
  return scenario == MFD_LAB_MTA_STS_MX_NOT_IN_POLICY || scenario == MFD_LAB_MTA_STS_POLICY_CERT_INVALID ||
         scenario == MFD_LAB_MTA_STS_MX_CERT_INVALID;
}

/* An enforced policy that still names the domain's old MX: the usual way
 * a policy falls behind a move of the mail servers. */
#define POLICY_OLD_MX "version: STSv1\r\nmode: enforce\r\nmx: mx1.contoso.test\r\nmax_age: 86400\r\n"
#define POLICY_OK     "version: STSv1\r\nmode: enforce\r\nmx: " LAB_HOST_NAME "\r\nmax_age: 86400\r\n"

static void
on_policy_request_cb (SoupServer        *server,
                      SoupServerMessage *message,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  MfdLab *self = user_data;
  const char *policy = self->scenario == MFD_LAB_MTA_STS_MX_NOT_IN_POLICY ? POLICY_OLD_MX : POLICY_OK;

  /* One request per connection: no idle connection outlives the answer,
   * so stopping the lab never cuts one off halfway. */
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Connection", "close");
  if (g_strcmp0 (path, "/.well-known/mta-sts.txt") != 0)
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, policy, strlen (policy));
}

static char *
export_pem (gnutls_x509_crt_t     leaf,
            gnutls_x509_privkey_t key)
{
  GString *pem = g_string_new (NULL);
  gnutls_x509_crt_t chain[] = { leaf, get_pki ()->intermediate };
  gnutls_datum_t datum = { NULL, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    {
      gnutls_x509_crt_export2 (chain[i], GNUTLS_X509_FMT_PEM, &datum);
      g_string_append_len (pem, (const char *) datum.data, datum.size);
      gnutls_free (datum.data);
    }
  gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &datum);
  g_string_append_len (pem, (const char *) datum.data, datum.size);
  gnutls_free (datum.data);
  return g_string_free (pem, FALSE);
}

static gboolean
quit_policy_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
policy_thread (gpointer data)
{
  MfdLab *self = data;
  LabPki *pki = get_pki ();
  /* The wildcard certificate covers mta-sts.contoso.test; the other one
   * is made out to www.fabrikam.test. */
  g_autofree char *pem = export_pem (self->scenario == MFD_LAB_MTA_STS_POLICY_CERT_INVALID
                                     ? pki->wrong_name : pki->wildcard, pki->leaf_key);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->address);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->policy_context);
  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  if (certificate != NULL)
    {
      server = soup_server_new ("tls-certificate", certificate, NULL);
      soup_server_add_handler (server, NULL, on_policy_request_cb, self, NULL);
      if (soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, &error))
        {
          uris = soup_server_get_uris (server);
          if (uris != NULL)
            self->policy_port = g_uri_get_port (uris->data);
          g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
        }
    }

  g_mutex_lock (&self->mutex);
  if (self->policy_port == 0)
    self->policy_error = g_strdup (error != NULL ? error->message : "no port");
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (self->policy_error == NULL)
    g_main_loop_run (self->policy_loop);
  if (server != NULL)
    soup_server_disconnect (server);
  g_clear_object (&server);
  /* Closing the clients' connections finishes in callbacks on this
   * context: let them run, or their buffers outlive the lab. */
  while (g_main_context_iteration (self->policy_context, FALSE))
    ;
  g_main_context_pop_thread_default (self->policy_context);
  return NULL;
}

/* The _mta-sts and _smtp._tls records from the lab's DNS responder, the
 * policy host's name on the lab's address, and the policy over HTTPS with
 * a certificate from the lab CA. */
static gboolean
start_policy_host (MfdLab  *self,
                   GError **error)
{
  gboolean v6 = strchr (self->address, ':') != NULL;

  mfd_lab_dns_add_record (self->dns, "_mta-sts.contoso.test", "TXT", "\"v=STSv1; id=20261207T120000\"", 300);
  mfd_lab_dns_add_record (self->dns, "_smtp._tls.contoso.test", "TXT",
                          "\"v=TLSRPTv1; rua=mailto:tlsrpt@contoso.test\"", 300);
  mfd_lab_dns_add_record (self->dns, LAB_POLICY_HOST, v6 ? "AAAA" : "A", self->address, 300);

  self->policy_context = g_main_context_new ();
  self->policy_loop = g_main_loop_new (self->policy_context, FALSE);
  self->policy_thread = g_thread_new ("mfd-lab-policy", policy_thread, self);
  g_mutex_lock (&self->mutex);
  while (self->policy_port == 0 && self->policy_error == NULL)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  if (self->policy_error != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot start the practice MTA-STS policy host: %s", self->policy_error);
      return FALSE;
    }
  return TRUE;
}

static MfdLab *lab_new (MfdLabScenario   scenario,
                        const char      *address,
                        const char      *chain_pem,
                        const char      *key_pem,
                        GError         **error);

MfdLab *
mfd_lab_new (MfdLabScenario   scenario,
             GError         **error)
{
  return mfd_lab_new_full (scenario, NULL, error);
}

/* gnutls sorts a chain given to its credentials and drops what does not
 * belong; a server that sends its chain out of order, or with strangers,
 * is what some tests need. The retrieve callback's list is sent as is. */
static int
retrieve_served_cb (gnutls_session_t              session,
                    const gnutls_datum_t         *req_ca_rdn,
                    int                           nreqs,
                    const gnutls_pk_algorithm_t  *pk_algos,
                    int                           pk_algos_length,
                    gnutls_pcert_st             **pcert,
                    unsigned int                 *pcert_length,
                    gnutls_privkey_t             *privkey)
{
  MfdLab *lab = gnutls_session_get_ptr (session);

  *pcert = lab->served;
  *pcert_length = lab->n_served;
  *privkey = lab->served_key;
  return 0;
}

static gboolean
load_served (MfdLab      *self,
             const char  *chain_pem,
             const char  *key_pem,
             GError     **error)
{
  gnutls_datum_t chain_datum = { (unsigned char *) chain_pem, strlen (chain_pem) };
  gnutls_datum_t key_datum = { (unsigned char *) key_pem, strlen (key_pem) };
  unsigned int n = MAX_SERVED;
  int ret;

  self->served = g_new0 (gnutls_pcert_st, MAX_SERVED);
  ret = gnutls_pcert_list_import_x509_raw (self->served, &n, &chain_datum, GNUTLS_X509_FMT_PEM, 0);
  if (ret >= 0)
    {
      self->n_served = n;
      gnutls_privkey_init (&self->served_key);
      ret = gnutls_privkey_import_x509_raw (self->served_key, &key_datum, GNUTLS_X509_FMT_PEM, NULL, 0);
    }
  if (ret < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Cannot load the practice server's certificate: %s", gnutls_strerror (ret));
      return FALSE;
    }
  gnutls_certificate_allocate_credentials (&self->credentials);
  gnutls_certificate_set_retrieve_function2 (self->credentials, retrieve_served_cb);
  return TRUE;
}

MfdLab *
mfd_lab_new_full (MfdLabScenario   scenario,
                  const char      *address,
                  GError         **error)
{
  return lab_new (scenario, address, NULL, NULL, error);
}

MfdLab *
mfd_lab_new_with_certificate (const char  *chain_pem,
                              const char  *key_pem,
                              GError     **error)
{
  g_return_val_if_fail (chain_pem != NULL && key_pem != NULL, NULL);

  return lab_new (MFD_LAB_HEALTHY, NULL, chain_pem, key_pem, error);
}

/* @chain_pem and @key_pem: what to serve instead of the scenario's own. */
static MfdLab *
lab_new (MfdLabScenario   scenario,
         const char      *address,
         const char      *chain_pem,
         const char      *key_pem,
         GError         **error)
{
  g_autoptr(MfdLab) self = NULL;
  g_autofree char *ca_path = NULL;

  g_return_val_if_fail (scenario < MFD_LAB_N_SCENARIOS, NULL);

  self = g_new0 (MfdLab, 1);
  self->scenario = scenario;
  self->address = g_strdup (address != NULL ? address : "127.0.0.1");
  self->cancellable = g_cancellable_new ();
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->threads = g_ptr_array_new ();
  self->transcript = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);

  self->tmpdir = g_dir_make_tmp ("mfd-lab-XXXXXX", error);
  if (self->tmpdir == NULL)
    return NULL;
  ca_path = g_build_filename (self->tmpdir, "lab-ca.pem", NULL);
  if (!g_file_set_contents (ca_path, get_pki ()->ca_pem, -1, error))
    return NULL;
  self->ca_file = g_steal_pointer (&ca_path);

  if (chain_pem != NULL && !load_served (self, chain_pem, key_pem, error))
    return NULL;
  if (!start_smtp (self, error))
    return NULL;
  if (!start_dns (self, error))
    return NULL;
  if (mfd_lab_scenario_is_by_mx (scenario) && !start_policy_host (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Stops every thread that serves the SMTP port, so the listener can change. */
static void
stop_serving (MfdLab *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->accept_thread != NULL)
    g_thread_join (self->accept_thread);
  self->accept_thread = NULL;
  /* No new threads once the accept thread is gone; they take the mutex. */
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));
  g_ptr_array_set_size (self->threads, 0);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

gboolean
mfd_lab_set_refusing (MfdLab    *self,
                      gboolean   refusing,
                      GError   **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) same = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->scenario == MFD_LAB_HEALTHY, FALSE);

  if (refusing == (self->accept_thread == NULL))
    return TRUE;

  if (!refusing)
    {
      /* The bound socket starts listening on the port it kept. */
      g_socket_set_blocking (self->listener, FALSE);
      if (!g_socket_listen (self->listener, error))
        return FALSE;
      self->accept_thread = g_thread_new ("mfd-lab-accept", accept_thread, self);
      return TRUE;
    }

  /* A listening socket cannot stop listening: close it and keep the port
   * with a bound one that does not listen, which the kernel answers with
   * a RST, as a closed firewall port does. */
  stop_serving (self);
  g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
  inet = g_inet_address_new_from_string (self->address);
  same = g_inet_socket_address_new (inet, self->port);
  self->listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, error);
  if (self->listener == NULL)
    return FALSE;
  /* The connections just served may linger in TIME_WAIT on this port. */
  return g_socket_bind (self->listener, same, TRUE, error);
}

MfdTarget *
mfd_lab_new_target (MfdLab     *self,
                    const char *lang)
{
  MfdTarget *target;

  g_return_val_if_fail (self != NULL, NULL);

  target = mfd_target_new ();
  if (self->trust_anchor != NULL)
    {
      /* As EOP delivers to the domain: by its MX, on the lab's port, DANE
       * validated from the lab's own root. */
      mfd_target_add_mx_domain (target, LAB_DOMAIN);
      mfd_target_set_port (target, mfd_lab_get_smtp_port (self));
      mfd_target_set_trust_anchor_file (target, self->trust_anchor);
    }
  else if (mfd_lab_scenario_is_by_mx (self->scenario))
    {
      /* MTA-STS applies where a sender looks up the MX: the practice
       * domain's MX is the practice host, on the lab's port. */
      mfd_target_add_mx_domain (target, LAB_DOMAIN);
      mfd_target_set_port (target, mfd_lab_get_smtp_port (self));
    }
  else
    mfd_target_add_smart_host (target, mfd_lab_get_host_name (self), mfd_lab_get_smtp_port (self));
  mfd_target_set_dns_server (target, mfd_lab_get_dns_server (self));
  mfd_target_set_dns_authority_port (target, mfd_lab_get_dns_authority_port (self));
  mfd_target_set_mta_sts_policy_port (target, mfd_lab_get_mta_sts_policy_port (self));
  mfd_target_set_ca_file (target, mfd_lab_get_ca_file (self));
  /* The certificate lessons show only under the setting that judges them. */
  mfd_target_set_tls_mode (target, mfd_lab_scenario_get_tls_mode (mfd_lab_get_scenario (self)));
  mfd_target_set_tls_domain (target, mfd_lab_get_tls_domain (self));
  /* The practice host exists only on this computer: asking the internet
   * about it would be noise. Short timeouts keep the timed-out lessons short. */
  mfd_target_set_offline (target, TRUE);
  /* Nor is there anything to learn about this computer's own view: the
   * practice server is on loopback. */
  mfd_target_set_control (target, FALSE);
  mfd_target_set_connector_name (target, mfd_tr (lang, N_("Practice connector")));
  mfd_target_set_timeout_seconds (target, 3);
  return target;
}

void
mfd_lab_free (MfdLab *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_cancellable_cancel (self->cancellable);

  if (self->accept_thread != NULL)
    g_thread_join (self->accept_thread);
  /* No new threads once the accept thread is gone. */
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));

  if (self->policy_thread != NULL)
    {
      g_main_context_invoke (self->policy_context, quit_policy_loop_cb, self->policy_loop);
      g_thread_join (self->policy_thread);
    }
  g_clear_pointer (&self->policy_loop, g_main_loop_unref);
  g_clear_pointer (&self->policy_context, g_main_context_unref);
  g_free (self->policy_error);
  g_clear_pointer (&self->dns, mfd_lab_dns_free);
  g_clear_pointer (&self->authority, mfd_lab_dns_free);
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
  g_ptr_array_unref (self->held);
  g_ptr_array_unref (self->threads);
  g_ptr_array_unref (self->transcript);
  if (self->credentials != NULL)
    gnutls_certificate_free_credentials (self->credentials);
  for (unsigned int i = 0; i < self->n_served; i++)
    gnutls_pcert_deinit (&self->served[i]);
  g_free (self->served);
  if (self->served_key != NULL)
    gnutls_privkey_deinit (self->served_key);
  g_clear_object (&self->cancellable);
  if (self->ca_file != NULL)
    g_unlink (self->ca_file);
  if (self->trust_anchor != NULL)
    g_unlink (self->trust_anchor);
  g_free (self->trust_anchor);
  if (self->tmpdir != NULL)
    g_rmdir (self->tmpdir);
  g_free (self->ca_file);
  g_free (self->tmpdir);
  g_free (self->address);
  g_free (self->dns_server);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

MfdLabScenario
mfd_lab_get_scenario (MfdLab *self)
{
  return self->scenario;
}

const char *
mfd_lab_get_host_name (MfdLab *self)
{
  return LAB_HOST_NAME;
}

const char *
mfd_lab_get_tls_domain (MfdLab *self)
{
  return LAB_HOST_NAME;
}

const char *
mfd_lab_get_address (MfdLab *self)
{
  return self->address;
}

guint16
mfd_lab_get_smtp_port (MfdLab *self)
{
  return self->port;
}

guint16
mfd_lab_get_dns_authority_port (MfdLab *self)
{
  g_return_val_if_fail (self != NULL, 0);

  /* The DANE zones' name server (ns.contoso.test) is the responder itself. */
  if (self->trust_anchor != NULL)
    return mfd_lab_dns_get_port (self->dns);
  return self->authority != NULL ? mfd_lab_dns_get_port (self->authority) : 0;
}

guint16
mfd_lab_get_mta_sts_policy_port (MfdLab *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->policy_port;
}

const char *
mfd_lab_get_dns_server (MfdLab *self)
{
  return self->dns_server;
}

const char *
mfd_lab_get_ca_file (MfdLab *self)
{
  return self->ca_file;
}

const char *
mfd_lab_get_trust_anchor_file (MfdLab *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->trust_anchor;
}

const char *
mfd_lab_get_mx_domain (MfdLab *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->trust_anchor != NULL ? LAB_DOMAIN : NULL;
}

char **
mfd_lab_dup_transcript (MfdLab *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **lines;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->transcript->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->transcript, i));
  g_mutex_unlock (&self->mutex);
  lines = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return lines;
}

guint
mfd_lab_get_n_connections (MfdLab *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->n_connections;
  g_mutex_unlock (&self->mutex);
  return n;
}
