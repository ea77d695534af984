/* mfd-types.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The checks, in the order the probe runs them for one host. The string
 * form (mfd_stage_to_string) is what the CLI's JSON and the report use. */
typedef enum
{
  MFD_STAGE_DNS,
  MFD_STAGE_DNS_AUTHORITY,
  MFD_STAGE_DNS_PUBLIC,
  MFD_STAGE_REGISTRATION,
  MFD_STAGE_TCP,
  MFD_STAGE_GREETING,
  MFD_STAGE_EHLO,
  MFD_STAGE_STARTTLS,
  MFD_STAGE_TLS,
  MFD_STAGE_CERTIFICATE,
  MFD_STAGE_QUIT,
  MFD_STAGE_DANE,          /* MX hosts: TLSA records (DNSSEC-validated) against the presented chain */
  MFD_STAGE_MTA_STS,       /* MX domains and hosts: the MTA-STS policy (RFC 8461) */
  MFD_N_STAGES
} MfdStage;

/* OK: passed. WARNING: worth saying, not a failure (an opportunistic
 * connector with a bad certificate). FAIL: the destination's fault, becomes
 * a finding. SKIPPED: not run (say why in the detail). INCONCLUSIVE: could
 * not be carried out for reasons on this computer's side; never "ok". */
typedef enum
{
  MFD_OUTCOME_OK,
  MFD_OUTCOME_WARNING,
  MFD_OUTCOME_FAIL,
  MFD_OUTCOME_SKIPPED,
  MFD_OUTCOME_INCONCLUSIVE,
} MfdOutcome;

/* An outbound connector's TlsSettings, plus NONE (plain SMTP only, for the
 * CLI's --tls none). */
typedef enum
{
  MFD_TLS_OPPORTUNISTIC,
  MFD_TLS_NONE,
  MFD_TLS_ENCRYPTION_ONLY,
  MFD_TLS_CERTIFICATE_VALIDATION,
  MFD_TLS_DOMAIN_VALIDATION,
} MfdTlsMode;

typedef enum
{
  MFD_VERDICT_OK,
  MFD_VERDICT_PROBLEM,
  MFD_VERDICT_INCONCLUSIVE,
} MfdVerdict;

#define MFD_TYPE_STAGE   (mfd_stage_get_type ())
#define MFD_TYPE_OUTCOME (mfd_outcome_get_type ())
#define MFD_TYPE_TLS_MODE (mfd_tls_mode_get_type ())
#define MFD_TYPE_VERDICT (mfd_verdict_get_type ())

GType        mfd_stage_get_type        (void) G_GNUC_CONST;
GType        mfd_outcome_get_type      (void) G_GNUC_CONST;
GType        mfd_tls_mode_get_type     (void) G_GNUC_CONST;
GType        mfd_verdict_get_type      (void) G_GNUC_CONST;

/* "dns", "dns-authority", "dns-public", "registration", "tcp", "greeting",
 * "ehlo", "starttls", "tls", "certificate", "quit" */
const char  *mfd_stage_to_string       (MfdStage     stage);
gboolean     mfd_stage_from_string     (const char  *str,
                                        MfdStage    *stage);
/* Translatable short label ("Public DNS"), N_() source; translate with mfd_tr(). */
const char  *mfd_stage_get_label       (MfdStage     stage);

/* "ok", "warning", "fail", "skipped", "inconclusive" */
const char  *mfd_outcome_to_string     (MfdOutcome   outcome);

/* CLI spellings: "opportunistic", "none", "encryption-only",
 * "certificate-validation", "domain-validation"; also accepts the
 * connector spellings ("EncryptionOnly", …) case-insensitively. */
const char  *mfd_tls_mode_to_string    (MfdTlsMode   mode);
gboolean     mfd_tls_mode_from_string  (const char  *str,
                                        MfdTlsMode  *mode);
/* The Get-OutboundConnector spelling, or NULL for opportunistic. */
const char  *mfd_tls_mode_to_connector (MfdTlsMode   mode);
/* Translatable label and one-sentence explanation (N_() sources). */
const char  *mfd_tls_mode_get_label    (MfdTlsMode   mode);
const char  *mfd_tls_mode_get_summary  (MfdTlsMode   mode);
gboolean     mfd_tls_mode_requires_tls (MfdTlsMode   mode);

/* "ok", "problem", "inconclusive" */
const char  *mfd_verdict_to_string     (MfdVerdict   verdict);

G_END_DECLS
