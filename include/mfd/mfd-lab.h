/* mfd-lab.h — practice servers on loopback, one per failure; the tests use
 * the same servers.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd-target.h"
#include "mfd-types.h"

G_BEGIN_DECLS

typedef enum
{
  MFD_LAB_HEALTHY,             /* STARTTLS with a certificate from the lab CA */
  MFD_LAB_REFUSE,              /* nothing listens: connection refused */
  MFD_LAB_BLACKHOLE,           /* SYNs dropped: connect times out */
  MFD_LAB_SILENT,              /* accepts, never greets */
  MFD_LAB_GREET_421,
  MFD_LAB_GREET_554,
  MFD_LAB_CLOSE_AFTER_GREETING,
  MFD_LAB_EHLO_REJECTED,
  MFD_LAB_NO_STARTTLS,
  MFD_LAB_STARTTLS_454,
  MFD_LAB_CLOSE_AFTER_EHLO,
  MFD_LAB_RESET_IN_HANDSHAKE,
  MFD_LAB_GARBAGE_TLS,
  MFD_LAB_TLS10_ONLY,
  MFD_LAB_CERT_EXPIRED,
  MFD_LAB_CERT_NOT_YET_VALID,
  MFD_LAB_CERT_WRONG_NAME,
  MFD_LAB_CERT_SELF_SIGNED,
  MFD_LAB_CERT_MISSING_INTERMEDIATE,
  MFD_LAB_DNS_NXDOMAIN,        /* the lab's DNS says the host does not exist */
  MFD_LAB_DNS_SERVFAIL,
  MFD_LAB_DNS_TIMEOUT,
  MFD_LAB_CERT_WEAK,           /* RSA 1024-bit key (and SHA-1 when gnutls can sign it) */
  MFD_LAB_CERT_WILDCARD,       /* healthy, certificate for *.contoso.test */
  /* Hostile peers, for the robustness tests (and curious trainees). */
  MFD_LAB_ENDLESS_REPLY,       /* a greeting that never ends */
  MFD_LAB_HUGE_LINE,           /* a 1 MB greeting line */
  MFD_LAB_SLOW_DRIP,           /* the greeting at one byte per second */
  MFD_LAB_NEVER_READS,         /* greets, then never reads nor answers */
  /* The zone's name servers (see mfd_lab_get_dns_authority_port()): */
  MFD_LAB_DNS_STALE_CACHE,     /* the resolver's answer differs from theirs */
  MFD_LAB_DNS_LAME_DELEGATION, /* they refuse to answer for the zone */
  /* DANE: contoso.test signed at run time under a lab root of its own
   * (mfd_lab_get_trust_anchor_file()), its MX on the lab's SMTP port and a
   * TLSA record for that port. The target is the domain's MX. */
  MFD_LAB_DANE_OK,             /* TLSA 3 1 1 of the server's key: no finding */
  MFD_LAB_DANE_TLSA_MISMATCH,  /* TLSA 3 1 1 of another key (4.7.323) */
  MFD_LAB_DANE_DNSSEC_EXPIRED, /* the TLSA record's signature expired (4.7.324) */
  MFD_LAB_DANE_NO_STARTTLS,    /* TLSA published, STARTTLS not offered (4.7.321) */
  MFD_LAB_DANE_CERT_EXPIRED,   /* TLSA 2 0 1 of the issuing CA, leaf expired (4.7.322) */
  MFD_LAB_DANE_NAME_MISMATCH,  /* TLSA 2 0 1 of the issuing CA, leaf for another name (4.7.325) */
  /* Checked by MX of contoso.test, with the policy served over HTTPS on
   * loopback (see mfd_lab_get_mta_sts_policy_port()): */
  MFD_LAB_MTA_STS_MX_NOT_IN_POLICY,   /* enforce, the MX outside the mx: patterns (4.4.8) */
  MFD_LAB_MTA_STS_POLICY_CERT_INVALID, /* the policy host's certificate is for another name */
  MFD_LAB_MTA_STS_MX_CERT_INVALID,     /* enforce, the MX's certificate is for another name (4.7.5) */
  MFD_LAB_N_SCENARIOS
} MfdLabScenario;

typedef struct _MfdLab MfdLab;

/* Static description for the Practice page (N_() strings, translate with
 * mfd_tr(); the title with mfd_trc (lang, "practice", title)), and the cause id the scenario should be diagnosed as (NULL for
 * HEALTHY). */
const char *mfd_lab_scenario_get_id       (MfdLabScenario  scenario);
const char *mfd_lab_scenario_get_title    (MfdLabScenario  scenario);
const char *mfd_lab_scenario_get_summary  (MfdLabScenario  scenario);
const char *mfd_lab_scenario_get_cause    (MfdLabScenario  scenario);
gboolean    mfd_lab_scenario_from_id      (const char     *id,
                                           MfdLabScenario *scenario);
/* The connector TLS setting under which the scenario shows its failure
 * (the certificate scenarios need DomainValidation against
 * mfd_lab_get_tls_domain()). */
MfdTlsMode  mfd_lab_scenario_get_tls_mode (MfdLabScenario  scenario);

/* Starts the servers for @scenario on 127.0.0.1 (ports chosen by the
 * kernel), in their own thread: an SMTP peer and a DNS responder that
 * answers the practice host name. Everything stops in mfd_lab_free(). */
MfdLab     *mfd_lab_new                   (MfdLabScenario  scenario,
                                           GError        **error);
/* The same on @address ("127.0.0.1" or "::1"; NULL = 127.0.0.1). */
MfdLab     *mfd_lab_new_full              (MfdLabScenario  scenario,
                                           const char     *address,
                                           GError        **error);
/* For tests: a healthy server on 127.0.0.1 that presents @chain_pem (PEM
 * certificates, the server's own first, sent exactly in the order given,
 * unrelated ones included) with the private key @key_pem (PEM). */
MfdLab     *mfd_lab_new_with_certificate  (const char     *chain_pem,
                                           const char     *key_pem,
                                           GError        **error);
void        mfd_lab_free                  (MfdLab         *self);
/* The practice target, the same in the window and on the command line:
 * the practice host name on the lab's SMTP port, the lab's resolver, name
 * servers and CA, the scenario's TLS setting and domain, offline, 3 s
 * timeouts, and the connector name "Practice connector" in @lang. */
/* A healthy lab only: stop answering on its SMTP port (connections are
 * refused, as behind a firewall that rejects them) or answer again, on the
 * same port, so that one target sees the server break and come back. */
gboolean    mfd_lab_set_refusing          (MfdLab         *self,
                                           gboolean        refusing,
                                           GError        **error);
MfdTarget  *mfd_lab_new_target            (MfdLab         *self,
                                           const char     *lang);
MfdLabScenario mfd_lab_get_scenario       (MfdLab         *self);
const char *mfd_lab_get_host_name         (MfdLab         *self);  /* "mail.contoso.test" */
const char *mfd_lab_get_address           (MfdLab         *self);  /* "127.0.0.1" */
guint16     mfd_lab_get_smtp_port         (MfdLab         *self);
/* "127.0.0.1:PORT" ("[::1]:PORT"): the DNS responder that answers the practice name. */
const char *mfd_lab_get_dns_server        (MfdLab         *self);
/* The port where the practice zone's name servers listen: 53 where this
 * process may bind it (root, or a network namespace of its own), else
 * another (53 needs privileges); give it to
 * mfd_target_set_dns_authority_port() (mfd_lab_new_target() does) so the authority step reaches them.
 * 0 when the scenario has none. */
guint16     mfd_lab_get_dns_authority_port (MfdLab       *self);
/* The port of the MTA-STS policy host mta-sts.contoso.test (on the lab's
 * address; 443 needs privileges): give it to
 * mfd_target_set_mta_sts_policy_port() (mfd_lab_new_target() does). 0 when
 * the scenario has none. */
guint16     mfd_lab_get_mta_sts_policy_port (MfdLab      *self);
/* Whether the scenario is checked by MX of the practice domain rather
 * than through the practice host as a smart host. */
gboolean    mfd_lab_scenario_is_by_mx     (MfdLabScenario  scenario);
const char *mfd_lab_get_tls_domain        (MfdLab         *self);  /* "mail.contoso.test" */
const char *mfd_lab_get_ca_file           (MfdLab         *self);  /* PEM of the lab CA */
/* The DANE scenarios: the DS of the lab's root ("test."), a file the lab
 * deletes in mfd_lab_free(), for --trust-anchor; NULL for the others. */
const char *mfd_lab_get_trust_anchor_file (MfdLab         *self);
/* The DANE scenarios: the domain checked by MX ("contoso.test"); NULL for
 * the others. */
const char *mfd_lab_get_mx_domain         (MfdLab         *self);
/* Every command line the SMTP peer received, in order (for tests that
 * prove we never send MAIL/RCPT/DATA). (transfer full) */
char      **mfd_lab_dup_transcript        (MfdLab         *self);
/* How many connections the SMTP peer has accepted. */
guint       mfd_lab_get_n_connections     (MfdLab         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdLab, mfd_lab_free)

G_END_DECLS
