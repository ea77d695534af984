/* mfd-types.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-types"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mfd-types.h"

typedef struct
{
  const char *id;
  const char *label;
} StageInfo;

static const StageInfo stage_info[MFD_N_STAGES] = {
  [MFD_STAGE_DNS]           = { "dns",           N_("DNS") },
  [MFD_STAGE_DNS_AUTHORITY] = { "dns-authority", N_("Authority") },
  [MFD_STAGE_DNS_PUBLIC]    = { "dns-public",    N_("Public DNS") },
  [MFD_STAGE_REGISTRATION]  = { "registration",  N_("Registration") },
  [MFD_STAGE_TCP]           = { "tcp",           N_("TCP") },
  [MFD_STAGE_GREETING]      = { "greeting",      N_("Greeting") },
  [MFD_STAGE_EHLO]          = { "ehlo",          N_("EHLO") },
  [MFD_STAGE_STARTTLS]      = { "starttls",      N_("STARTTLS") },
  [MFD_STAGE_TLS]           = { "tls",           N_("TLS") },
  [MFD_STAGE_CERTIFICATE]   = { "certificate",   N_("Certificate") },
  [MFD_STAGE_QUIT]          = { "quit",          N_("QUIT") },
  [MFD_STAGE_DANE]          = { "dane",          N_("DANE") },
  [MFD_STAGE_MTA_STS]       = { "mta-sts",       N_("MTA-STS") },
};

typedef struct
{
  MfdTlsMode  mode;
  const char *cli;
  const char *connector;
  const char *label;
  const char *summary;
} TlsModeInfo;

static const TlsModeInfo tls_mode_info[] = {
  { MFD_TLS_OPPORTUNISTIC, "opportunistic", NULL,
    N_("Opportunistic"),
    N_("Encrypts when the server offers STARTTLS; a bad certificate does not stop delivery.") },
  { MFD_TLS_NONE, "none", NULL,
    N_("No TLS"),
    N_("Checks plain SMTP only and does not try STARTTLS.") },
  { MFD_TLS_ENCRYPTION_ONLY, "encryption-only", "EncryptionOnly",
    N_("Encryption only"),
    N_("TLS is required, but the certificate is not checked.") },
  { MFD_TLS_CERTIFICATE_VALIDATION, "certificate-validation", "CertificateValidation",
    N_("Certificate validation"),
    N_("TLS is required and the certificate must be valid and issued by a trusted public CA; the name is not checked.") },
  { MFD_TLS_DOMAIN_VALIDATION, "domain-validation", "DomainValidation",
    N_("Domain validation"),
    N_("TLS is required, the certificate must be trusted and valid, and its name must match the connector's TLS domain.") },
};

static const char *outcome_ids[] = {
  [MFD_OUTCOME_OK]           = "ok",
  [MFD_OUTCOME_WARNING]      = "warning",
  [MFD_OUTCOME_FAIL]         = "fail",
  [MFD_OUTCOME_SKIPPED]      = "skipped",
  [MFD_OUTCOME_INCONCLUSIVE] = "inconclusive",
};

static const char *verdict_ids[] = {
  [MFD_VERDICT_OK]           = "ok",
  [MFD_VERDICT_PROBLEM]      = "problem",
  [MFD_VERDICT_INCONCLUSIVE] = "inconclusive",
};

static const TlsModeInfo *
find_tls_mode (MfdTlsMode mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (tls_mode_info); i++)
    if (tls_mode_info[i].mode == mode)
      return &tls_mode_info[i];
  return &tls_mode_info[0];
}

GType
mfd_stage_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { MFD_STAGE_DNS, "MFD_STAGE_DNS", "dns" },
        { MFD_STAGE_DNS_AUTHORITY, "MFD_STAGE_DNS_AUTHORITY", "dns-authority" },
        { MFD_STAGE_DNS_PUBLIC, "MFD_STAGE_DNS_PUBLIC", "dns-public" },
        { MFD_STAGE_REGISTRATION, "MFD_STAGE_REGISTRATION", "registration" },
        { MFD_STAGE_TCP, "MFD_STAGE_TCP", "tcp" },
        { MFD_STAGE_GREETING, "MFD_STAGE_GREETING", "greeting" },
        { MFD_STAGE_EHLO, "MFD_STAGE_EHLO", "ehlo" },
        { MFD_STAGE_STARTTLS, "MFD_STAGE_STARTTLS", "starttls" },
        { MFD_STAGE_TLS, "MFD_STAGE_TLS", "tls" },
        { MFD_STAGE_CERTIFICATE, "MFD_STAGE_CERTIFICATE", "certificate" },
        { MFD_STAGE_QUIT, "MFD_STAGE_QUIT", "quit" },
        { MFD_STAGE_DANE, "MFD_STAGE_DANE", "dane" },
        { MFD_STAGE_MTA_STS, "MFD_STAGE_MTA_STS", "mta-sts" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type_id, g_enum_register_static ("MfdStage", values));
    }

  return type_id;
}

GType
mfd_outcome_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { MFD_OUTCOME_OK, "MFD_OUTCOME_OK", "ok" },
        { MFD_OUTCOME_WARNING, "MFD_OUTCOME_WARNING", "warning" },
        { MFD_OUTCOME_FAIL, "MFD_OUTCOME_FAIL", "fail" },
        { MFD_OUTCOME_SKIPPED, "MFD_OUTCOME_SKIPPED", "skipped" },
        { MFD_OUTCOME_INCONCLUSIVE, "MFD_OUTCOME_INCONCLUSIVE", "inconclusive" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type_id, g_enum_register_static ("MfdOutcome", values));
    }

  return type_id;
}

GType
mfd_tls_mode_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { MFD_TLS_OPPORTUNISTIC, "MFD_TLS_OPPORTUNISTIC", "opportunistic" },
        { MFD_TLS_NONE, "MFD_TLS_NONE", "none" },
        { MFD_TLS_ENCRYPTION_ONLY, "MFD_TLS_ENCRYPTION_ONLY", "encryption-only" },
        { MFD_TLS_CERTIFICATE_VALIDATION, "MFD_TLS_CERTIFICATE_VALIDATION", "certificate-validation" },
        { MFD_TLS_DOMAIN_VALIDATION, "MFD_TLS_DOMAIN_VALIDATION", "domain-validation" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type_id, g_enum_register_static ("MfdTlsMode", values));
    }

  return type_id;
}

GType
mfd_verdict_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { MFD_VERDICT_OK, "MFD_VERDICT_OK", "ok" },
        { MFD_VERDICT_PROBLEM, "MFD_VERDICT_PROBLEM", "problem" },
        { MFD_VERDICT_INCONCLUSIVE, "MFD_VERDICT_INCONCLUSIVE", "inconclusive" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type_id, g_enum_register_static ("MfdVerdict", values));
    }

  return type_id;
}

const char *
mfd_stage_to_string (MfdStage stage)
{
  g_return_val_if_fail (stage < MFD_N_STAGES, NULL);

  return stage_info[stage].id;
}

gboolean
mfd_stage_from_string (const char *str,
                       MfdStage   *stage)
{
  g_return_val_if_fail (stage != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < MFD_N_STAGES; i++)
    {
      if (g_ascii_strcasecmp (str, stage_info[i].id) == 0)
        {
          *stage = (MfdStage) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
mfd_stage_get_label (MfdStage stage)
{
  g_return_val_if_fail (stage < MFD_N_STAGES, NULL);

  return stage_info[stage].label;
}

const char *
mfd_outcome_to_string (MfdOutcome outcome)
{
  g_return_val_if_fail (outcome <= MFD_OUTCOME_INCONCLUSIVE, NULL);

  return outcome_ids[outcome];
}

const char *
mfd_verdict_to_string (MfdVerdict verdict)
{
  g_return_val_if_fail (verdict <= MFD_VERDICT_INCONCLUSIVE, NULL);

  return verdict_ids[verdict];
}

const char *
mfd_tls_mode_to_string (MfdTlsMode mode)
{
  return find_tls_mode (mode)->cli;
}

const char *
mfd_tls_mode_to_connector (MfdTlsMode mode)
{
  return find_tls_mode (mode)->connector;
}

const char *
mfd_tls_mode_get_label (MfdTlsMode mode)
{
  return find_tls_mode (mode)->label;
}

const char *
mfd_tls_mode_get_summary (MfdTlsMode mode)
{
  return find_tls_mode (mode)->summary;
}

gboolean
mfd_tls_mode_requires_tls (MfdTlsMode mode)
{
  return mode == MFD_TLS_ENCRYPTION_ONLY ||
         mode == MFD_TLS_CERTIFICATE_VALIDATION ||
         mode == MFD_TLS_DOMAIN_VALIDATION;
}

gboolean
mfd_tls_mode_from_string (const char *str,
                          MfdTlsMode *mode)
{
  g_return_val_if_fail (mode != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (tls_mode_info); i++)
    {
      const TlsModeInfo *info = &tls_mode_info[i];

      if (g_ascii_strcasecmp (str, info->cli) == 0 ||
          (info->connector != NULL && g_ascii_strcasecmp (str, info->connector) == 0))
        {
          *mode = info->mode;
          return TRUE;
        }
    }

  return FALSE;
}
