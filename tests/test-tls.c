/* test-tls.c — the TLS handshake and the certificate checks per
 * TlsSettings, against the practice servers on loopback
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mfd/mfd.h"
#include "mfd-smtp.h"
#include "mfd-tls.h"

typedef struct
{
  MfdObservation *tls;
  MfdObservation *certificate;
  MfdObservation *quit;
} TlsRun;

static void
tls_run_clear (TlsRun *run)
{
  g_clear_pointer (&run->tls, mfd_observation_unref);
  g_clear_pointer (&run->certificate, mfd_observation_unref);
  g_clear_pointer (&run->quit, mfd_observation_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TlsRun, tls_run_clear)

/* The probe's sequence for one address, up to QUIT over TLS. */
static void
run_tls (MfdLab     *lab,
         MfdTlsMode  mode,
         const char *tls_domain,
         gboolean    with_lab_ca,
         TlsRun     *run)
{
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdTlsSession) tls = NULL;
  MfdObservation *obs;

  connection = mfd_smtp_connection_new (mfd_lab_get_host_name (lab), mfd_lab_get_address (lab),
                                        mfd_lab_get_smtp_port (lab), 5000, NULL);
  obs = mfd_smtp_connection_connect (connection, 5000);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  mfd_observation_unref (obs);
  obs = mfd_smtp_connection_greeting (connection);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  mfd_observation_unref (obs);
  obs = mfd_smtp_connection_ehlo (connection);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  mfd_observation_unref (obs);
  obs = mfd_smtp_connection_starttls (connection, mode);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  mfd_observation_unref (obs);

  tls = mfd_tls_session_new (mfd_smtp_connection_get_socket (connection),
                             mfd_lab_get_host_name (lab), NULL);
  run->tls = mfd_tls_session_handshake (tls, mfd_lab_get_host_name (lab), mfd_lab_get_address (lab),
                                        mfd_lab_get_smtp_port (lab), mode, 5000);
  if (run->tls->outcome != MFD_OUTCOME_OK)
    return;

  run->certificate = mfd_tls_session_verify (tls, mfd_lab_get_host_name (lab), mfd_lab_get_address (lab),
                                             mfd_lab_get_smtp_port (lab), mode, tls_domain,
                                             with_lab_ca ? mfd_lab_get_ca_file (lab) : NULL);
  mfd_smtp_connection_set_transport (connection, mfd_tls_session_read, mfd_tls_session_write, tls);
  run->quit = mfd_smtp_connection_quit (connection, TRUE);
}

/* The matrix: the same server, judged by each TlsSettings. */
typedef struct
{
  MfdLabScenario  scenario;
  MfdTlsMode      mode;
  gboolean        with_lab_ca;
  MfdOutcome      outcome;
  const char     *cause;
} MatrixCase;

#define OPP  MFD_TLS_OPPORTUNISTIC
#define ENC  MFD_TLS_ENCRYPTION_ONLY
#define CERT MFD_TLS_CERTIFICATE_VALIDATION
#define DOM  MFD_TLS_DOMAIN_VALIDATION
#define OK   MFD_OUTCOME_OK
#define WARN MFD_OUTCOME_WARNING
#define FAIL MFD_OUTCOME_FAIL

static const MatrixCase matrix[] = {
  { MFD_LAB_HEALTHY, OPP, TRUE, OK, NULL },
  { MFD_LAB_HEALTHY, ENC, TRUE, OK, NULL },
  { MFD_LAB_HEALTHY, CERT, TRUE, OK, NULL },
  { MFD_LAB_HEALTHY, DOM, TRUE, OK, NULL },
  /* Without the lab CA the same server is not trusted: the trust store is
   * really consulted. */
  { MFD_LAB_HEALTHY, ENC, FALSE, OK, NULL },
  { MFD_LAB_HEALTHY, CERT, FALSE, FAIL, "cert-untrusted" },
  { MFD_LAB_HEALTHY, OPP, FALSE, WARN, "cert-untrusted" },

  { MFD_LAB_CERT_EXPIRED, OPP, TRUE, WARN, "cert-expired" },
  { MFD_LAB_CERT_EXPIRED, ENC, TRUE, OK, NULL },
  { MFD_LAB_CERT_EXPIRED, CERT, TRUE, FAIL, "cert-expired" },
  { MFD_LAB_CERT_EXPIRED, DOM, TRUE, FAIL, "cert-expired" },

  { MFD_LAB_CERT_NOT_YET_VALID, OPP, TRUE, WARN, "cert-not-yet-valid" },
  { MFD_LAB_CERT_NOT_YET_VALID, ENC, TRUE, OK, NULL },
  { MFD_LAB_CERT_NOT_YET_VALID, CERT, TRUE, FAIL, "cert-not-yet-valid" },
  { MFD_LAB_CERT_NOT_YET_VALID, DOM, TRUE, FAIL, "cert-not-yet-valid" },

  /* A name is only checked under DomainValidation. */
  { MFD_LAB_CERT_WRONG_NAME, OPP, TRUE, OK, NULL },
  { MFD_LAB_CERT_WRONG_NAME, ENC, TRUE, OK, NULL },
  { MFD_LAB_CERT_WRONG_NAME, CERT, TRUE, OK, NULL },
  { MFD_LAB_CERT_WRONG_NAME, DOM, TRUE, FAIL, "cert-name-mismatch" },

  { MFD_LAB_CERT_SELF_SIGNED, OPP, TRUE, WARN, "cert-untrusted" },
  { MFD_LAB_CERT_SELF_SIGNED, ENC, TRUE, OK, NULL },
  { MFD_LAB_CERT_SELF_SIGNED, CERT, TRUE, FAIL, "cert-untrusted" },
  { MFD_LAB_CERT_SELF_SIGNED, DOM, TRUE, FAIL, "cert-untrusted" },

  { MFD_LAB_CERT_MISSING_INTERMEDIATE, OPP, TRUE, WARN, "cert-untrusted" },
  { MFD_LAB_CERT_MISSING_INTERMEDIATE, ENC, TRUE, OK, NULL },
  { MFD_LAB_CERT_MISSING_INTERMEDIATE, CERT, TRUE, FAIL, "cert-untrusted" },
  { MFD_LAB_CERT_MISSING_INTERMEDIATE, DOM, TRUE, FAIL, "cert-untrusted" },

  { MFD_LAB_CERT_WEAK, OPP, TRUE, WARN, "cert-insecure" },
  { MFD_LAB_CERT_WEAK, ENC, TRUE, OK, NULL },
  { MFD_LAB_CERT_WEAK, CERT, TRUE, FAIL, "cert-insecure" },
  { MFD_LAB_CERT_WEAK, DOM, TRUE, FAIL, "cert-insecure" },

  { MFD_LAB_CERT_WILDCARD, CERT, TRUE, OK, NULL },
  { MFD_LAB_CERT_WILDCARD, DOM, TRUE, OK, NULL },
};

static void
test_matrix (gconstpointer data)
{
  const MatrixCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (c->scenario, &error);
  g_auto(TlsRun) run = { NULL, };
  g_autofree char *detail = NULL;

  g_assert_no_error (error);
  run_tls (lab, c->mode, mfd_lab_get_tls_domain (lab), c->with_lab_ca, &run);

  g_assert_cmpint (run.tls->outcome, ==, MFD_OUTCOME_OK);
  g_assert_nonnull (mfd_observation_get_fact (run.tls, "tls-version"));
  /* EOP's floor: nothing older than TLS 1.2 is ever negotiated. */
  g_assert_true (g_str_equal (mfd_observation_get_fact (run.tls, "tls-version"), "TLS1.2") ||
                 g_str_equal (mfd_observation_get_fact (run.tls, "tls-version"), "TLS1.3"));

  g_assert_nonnull (run.certificate);
  g_assert_cmpint (run.certificate->stage, ==, MFD_STAGE_CERTIFICATE);
  g_assert_cmpstr (mfd_outcome_to_string (run.certificate->outcome), ==, mfd_outcome_to_string (c->outcome));
  g_assert_cmpstr (run.certificate->cause, ==, c->cause);
  g_assert_nonnull (mfd_observation_get_fact (run.certificate, "chain"));
  detail = mfd_observation_dup_detail (run.certificate, "en");
  g_assert_cmpstr (detail, !=, "");

  /* Whatever the verdict on the certificate, the session itself works:
   * EHLO again and QUIT over TLS. */
  g_assert_nonnull (run.quit);
  g_assert_cmpint (run.quit->outcome, ==, MFD_OUTCOME_OK);
  g_assert_cmpint (run.quit->reply_code, ==, 221);
}

/* Which certificate failed, and why, in words. */
typedef struct
{
  MfdLabScenario  scenario;
  const char     *fragment;
  const char     *issues;
} DetailCase;

static const DetailCase detail_cases[] = {
  { MFD_LAB_CERT_EXPIRED, "Certificate 1 in the chain (CN=mail.contoso.test", "cert-expired" },
  { MFD_LAB_CERT_NOT_YET_VALID, "is not valid until", "cert-not-yet-valid" },
  { MFD_LAB_CERT_SELF_SIGNED, "is self-signed", "cert-untrusted" },
  { MFD_LAB_CERT_MISSING_INTERMEDIATE, "Practice Issuing CA", "cert-untrusted" },
  { MFD_LAB_CERT_WRONG_NAME, "its names are www.fabrikam.test", "cert-name-mismatch" },
  { MFD_LAB_CERT_WEAK, "RSA key of only 1024 bits", "cert-insecure" },
};

static void
test_detail (gconstpointer data)
{
  const DetailCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (c->scenario, &error);
  g_auto(TlsRun) run = { NULL, };
  g_autofree char *detail = NULL;
  const char *issues;

  g_assert_no_error (error);
  run_tls (lab, DOM, mfd_lab_get_tls_domain (lab), TRUE, &run);
  detail = mfd_observation_dup_detail (run.certificate, "en");
  g_test_message ("%s\nissues: %s\n%s", detail, mfd_observation_get_fact (run.certificate, "issues"),
                  mfd_observation_get_fact (run.certificate, "chain"));
  g_assert_nonnull (strstr (detail, c->fragment));
  issues = mfd_observation_get_fact (run.certificate, "issues");
  g_assert_cmpstr (issues, ==, c->issues);
}

/* DomainValidation: TlsDomain against the certificate's names. */
typedef struct
{
  MfdLabScenario  scenario;    /* HEALTHY: mail.contoso.test; WILDCARD: *.contoso.test */
  const char     *tls_domain;
  gboolean        matches;
} NameCase;

static const NameCase name_cases[] = {
  { MFD_LAB_HEALTHY, "mail.contoso.test", TRUE },
  { MFD_LAB_HEALTHY, "MAIL.Contoso.TEST.", TRUE },
  { MFD_LAB_HEALTHY, "mail.contoso.test..", TRUE },
  { MFD_LAB_HEALTHY, "*.contoso.test", TRUE },        /* a single-label subdomain */
  { MFD_LAB_HEALTHY, "*.CONTOSO.test.", TRUE },
  { MFD_LAB_HEALTHY, "contoso.test", FALSE },
  { MFD_LAB_HEALTHY, "other.contoso.test", FALSE },
  { MFD_LAB_HEALTHY, "*.fabrikam.test", FALSE },
  { MFD_LAB_HEALTHY, "*.test", FALSE },
  { MFD_LAB_HEALTHY, "*.mail.contoso.test", FALSE },
  { MFD_LAB_CERT_WILDCARD, "mail.contoso.test", TRUE },
  { MFD_LAB_CERT_WILDCARD, "x.contoso.test.", TRUE },
  { MFD_LAB_CERT_WILDCARD, "*.contoso.test", TRUE },
  { MFD_LAB_CERT_WILDCARD, "a.b.contoso.test", FALSE },
  { MFD_LAB_CERT_WILDCARD, "contoso.test", FALSE },
  { MFD_LAB_CERT_WILDCARD, "*.b.contoso.test", FALSE },
};

static void
test_name (gconstpointer data)
{
  const NameCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (c->scenario, &error);
  g_auto(TlsRun) run = { NULL, };

  g_assert_no_error (error);
  run_tls (lab, DOM, c->tls_domain, TRUE, &run);
  if (c->matches)
    {
      g_assert_cmpint (run.certificate->outcome, ==, MFD_OUTCOME_OK);
      g_assert_null (run.certificate->cause);
    }
  else
    {
      g_assert_cmpint (run.certificate->outcome, ==, MFD_OUTCOME_FAIL);
      g_assert_cmpstr (run.certificate->cause, ==, "cert-name-mismatch");
    }
}

static void
test_normalize_domain (void)
{
  g_autofree char *a = mfd_tls_normalize_domain ("  Mail.Contoso.COM.. ");
  g_autofree char *b = mfd_tls_normalize_domain ("...");
  g_autofree char *c = mfd_tls_normalize_domain (NULL);

  g_assert_cmpstr (a, ==, "mail.contoso.com");
  g_assert_null (b);
  g_assert_null (c);
}

/* Handshakes that fail, and how each is named. */
typedef struct
{
  MfdLabScenario  scenario;
  MfdTlsMode      mode;
  MfdOutcome      outcome;
  const char     *cause;
  const char     *reason;
} HandshakeCase;

static const HandshakeCase handshake_cases[] = {
  { MFD_LAB_TLS10_ONLY, ENC, FAIL, "tls-handshake-failed", "old-protocol" },
  { MFD_LAB_TLS10_ONLY, OPP, WARN, "tls-handshake-failed", "old-protocol" },
  { MFD_LAB_GARBAGE_TLS, DOM, FAIL, "tls-handshake-failed", NULL },
  { MFD_LAB_RESET_IN_HANDSHAKE, CERT, FAIL, "closed-abruptly", NULL },
};

static void
test_handshake (gconstpointer data)
{
  const HandshakeCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (c->scenario, &error);
  g_auto(TlsRun) run = { NULL, };
  g_autofree char *detail = NULL;

  g_assert_no_error (error);
  run_tls (lab, c->mode, NULL, TRUE, &run);
  g_assert_cmpint (run.tls->stage, ==, MFD_STAGE_TLS);
  g_assert_cmpstr (mfd_outcome_to_string (run.tls->outcome), ==, mfd_outcome_to_string (c->outcome));
  g_assert_cmpstr (run.tls->cause, ==, c->cause);
  g_assert_cmpstr (mfd_observation_get_fact (run.tls, "reason"), ==, c->reason);
  g_assert_null (run.certificate);
  detail = mfd_observation_dup_detail (run.tls, "en");
  g_test_message ("%s (%s)", detail, mfd_observation_get_fact (run.tls, "error"));
  if (c->reason != NULL)
    g_assert_nonnull (strstr (detail, "TLS 1.2"));
}

static void
test_unreadable_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdTlsSession) tls = NULL;
  g_autoptr(MfdObservation) cert = NULL;
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "mfd-no-such-ca.pem", NULL);
  MfdObservation *obs;

  g_assert_no_error (error);
  connection = mfd_smtp_connection_new ("h", mfd_lab_get_address (lab), mfd_lab_get_smtp_port (lab), 5000, NULL);
  mfd_observation_unref (mfd_smtp_connection_connect (connection, 5000));
  mfd_observation_unref (mfd_smtp_connection_greeting (connection));
  mfd_observation_unref (mfd_smtp_connection_ehlo (connection));
  mfd_observation_unref (mfd_smtp_connection_starttls (connection, CERT));
  tls = mfd_tls_session_new (mfd_smtp_connection_get_socket (connection), NULL, NULL);
  obs = mfd_tls_session_handshake (tls, "h", mfd_lab_get_address (lab), 25, CERT, 5000);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  mfd_observation_unref (obs);

  /* Our own broken input says nothing about the server. */
  cert = mfd_tls_session_verify (tls, "h", mfd_lab_get_address (lab), 25, CERT, NULL, missing);
  g_assert_cmpint (cert->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
}

static const char *
scenario_name (MfdLabScenario scenario)
{
  return mfd_lab_scenario_get_id (scenario);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (matrix); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tls/matrix/%s/%s%s",
                                               scenario_name (matrix[i].scenario),
                                               mfd_tls_mode_to_string (matrix[i].mode),
                                               matrix[i].with_lab_ca ? "" : "-without-lab-ca");
      g_test_add_data_func (path, &matrix[i], test_matrix);
    }
  for (guint i = 0; i < G_N_ELEMENTS (detail_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tls/detail/%s", scenario_name (detail_cases[i].scenario));
      g_test_add_data_func (path, &detail_cases[i], test_detail);
    }
  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tls/name/%s/%u", scenario_name (name_cases[i].scenario), i);
      g_test_add_data_func (path, &name_cases[i], test_name);
    }
  for (guint i = 0; i < G_N_ELEMENTS (handshake_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tls/handshake/%s/%s",
                                               scenario_name (handshake_cases[i].scenario),
                                               mfd_tls_mode_to_string (handshake_cases[i].mode));
      g_test_add_data_func (path, &handshake_cases[i], test_handshake);
    }
  g_test_add_func ("/tls/normalize-domain", test_normalize_domain);
  g_test_add_func ("/tls/unreadable-ca-file", test_unreadable_ca_file);

  return g_test_run ();
}
