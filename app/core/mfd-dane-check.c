/* mfd-dane-check.c — the DANE verdict for one MX host
 *
 * RFC 7672 §2.2: DANE applies to an MX host whose address records and TLSA
 * records are DNSSEC-secure. Then TLS is mandatory and the presented chain
 * must match a usable record; a bogus answer is a failure of its own (a
 * sender cannot tell an attack from a broken zone, so it defers).
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dane"

#include "config.h"

#include "mfd-dane-check.h"

static const struct
{
  const char *cause;
  const char *eop_code;
} eop_codes[] = {
  { "dane-starttls-missing", "4.7.321" },
  { "dane-cert-expired",     "4.7.322" },
  { "dane-tlsa-mismatch",    "4.7.323" },
  { "dane-dnssec-bogus",     "4.7.324" },
  { "dane-name-mismatch",    "4.7.325" },
};

const char *
mfd_dane_cause_to_eop_code (const char *cause)
{
  for (guint i = 0; cause != NULL && i < G_N_ELEMENTS (eop_codes); i++)
    if (g_str_equal (eop_codes[i].cause, cause))
      return eop_codes[i].eop_code;
  return NULL;
}

void
mfd_dane_check_free (MfdDaneCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->tlsa_name);
  g_clear_pointer (&check->dnssec, mfd_dnssec_result_free);
  g_clear_pointer (&check->records, g_ptr_array_unref);
  g_free (check->detail);
  g_free (check);
}

static MfdDaneCheck *
problem (MfdDaneCheck *check,
         const char   *cause,
         char         *detail)
{
  check->outcome = MFD_DANE_CHECK_PROBLEM;
  check->cause = cause;
  check->eop_code = mfd_dane_cause_to_eop_code (cause);
  g_free (check->detail);
  check->detail = detail;
  return check;
}

/* Whether the validation of @result ends the check: INDETERMINATE is
 * inconclusive, BOGUS a problem, INSECURE means DANE does not apply. */
static gboolean
judge_dnssec (MfdDaneCheck    *check,
              MfdDnssecResult *result,
              const char      *what)
{
  switch (result->status)
    {
    case MFD_DNSSEC_SECURE:
      return FALSE;
    case MFD_DNSSEC_INSECURE:
      check->outcome = MFD_DANE_CHECK_NOT_APPLICABLE;
      check->detail = g_strdup_printf ("The %s are not DNSSEC-signed: DANE does not apply (%s)",
                                       what, result->detail);
      return TRUE;
    case MFD_DNSSEC_BOGUS:
      problem (check, "dane-dnssec-bogus",
               g_strdup_printf ("The DNSSEC signatures of the %s do not validate: %s", what, result->detail));
      return TRUE;
    case MFD_DNSSEC_INDETERMINATE:
    default:
      /* A resolver that strips DNSSEC says nothing about the destination:
       * the step is not carried out from here, and says why. */
      check->outcome = result->failure == MFD_DNSSEC_FAILURE_RESOLVER_WITHOUT_DNSSEC
                       ? MFD_DANE_CHECK_UNAVAILABLE : MFD_DANE_CHECK_INCONCLUSIVE;
      check->detail = g_strdup_printf ("The %s could not be validated: %s", what, result->detail);
      return TRUE;
    }
}

/* The validations DANE needs before the TLSA records: the domain's MX
 * set (EOP uses DANE only when the MX answer is secure) and the host's
 * addresses (RFC 7672 §2.2.2). TRUE when one of them ends the check. */
static gboolean
judge_mx_and_address (MfdDaneCheck       *check,
                      MfdDnsResolver     *resolver,
                      const ldns_rr_list *anchors,
                      MfdDnssecCache     *cache,
                      const char         *mx_domain,
                      const char         *host,
                      GCancellable       *cancellable)
{
  MfdDnssecResult *result;

  if (mx_domain != NULL)
    {
      result = mfd_dnssec_lookup_cached (resolver, anchors, mx_domain, LDNS_RR_TYPE_MX, cache, cancellable);
      if (judge_dnssec (check, result, "MX records of the domain"))
        {
          check->dnssec = result;
          return TRUE;
        }
      mfd_dnssec_result_free (result);
    }

  result = mfd_dnssec_lookup_cached (resolver, anchors, host, LDNS_RR_TYPE_A, cache, cancellable);
  if (result->status == MFD_DNSSEC_SECURE && ldns_rr_list_rr_count (result->answer) == 0)
    {
      mfd_dnssec_result_free (result);
      result = mfd_dnssec_lookup_cached (resolver, anchors, host, LDNS_RR_TYPE_AAAA, cache, cancellable);
    }
  if (judge_dnssec (check, result, "address records of the MX host"))
    {
      check->dnssec = result;
      return TRUE;
    }
  mfd_dnssec_result_free (result);
  return FALSE;
}

MfdDaneCheck *
mfd_dane_check_host (MfdDnsResolver       *resolver,
                     const ldns_rr_list   *anchors,
                     MfdDnssecCache       *cache,
                     const char           *mx_domain,
                     const char           *host,
                     guint16               port,
                     gboolean              starttls_offered,
                     const gnutls_datum_t *chain,
                     guint                 n_certs,
                     GCancellable         *cancellable)
{
  MfdDaneCheck *check = g_new0 (MfdDaneCheck, 1);
  const char *names[] = { host, NULL };
  gsize host_len = strlen (host);

  if (host_len > 0 && host[host_len - 1] == '.')
    host_len--;
  check->tlsa_name = g_strdup_printf ("_%u._tcp.%.*s", port, (int) host_len, host);
  check->records = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_tlsa_record_free);
  check->matched = -1;
  check->verdict = MFD_DANE_NO_USABLE_RECORDS;

  if (judge_mx_and_address (check, resolver, anchors, cache, mx_domain, host, cancellable))
    return check;

  check->dnssec = mfd_dnssec_lookup_cached (resolver, anchors, check->tlsa_name, LDNS_RR_TYPE_TLSA,
                                            cache, cancellable);
  if (judge_dnssec (check, check->dnssec, "TLSA records"))
    return check;

  g_ptr_array_unref (check->records);
  check->records = mfd_dane_records_from_rr_list (check->dnssec->answer);
  if (check->records->len == 0)
    {
      check->outcome = MFD_DANE_CHECK_NOT_APPLICABLE;
      check->detail = g_strdup_printf ("No TLSA record at %s (proven by the zone's signed NSEC/NSEC3 "
                                       "records): DANE does not apply", check->tlsa_name);
      return check;
    }

  /* Secure TLSA records: TLS is mandatory, usable records or not. */
  if (!starttls_offered)
    return problem (check, "dane-starttls-missing",
                    g_strdup_printf ("%s publishes TLSA records, but the server did not offer "
                                     "STARTTLS (or the TLS handshake failed)", check->tlsa_name));

  check->verdict = mfd_dane_verify (check->records, chain, n_certs, names, 0, &check->matched,
                                    &check->detail);
  switch (check->verdict)
    {
    case MFD_DANE_MATCH:
    case MFD_DANE_NO_USABLE_RECORDS:
      check->outcome = MFD_DANE_CHECK_OK;
      return check;
    case MFD_DANE_CERT_EXPIRED:
      return problem (check, "dane-cert-expired", g_strdup (check->detail));
    case MFD_DANE_NAME_MISMATCH:
      return problem (check, "dane-name-mismatch", g_strdup (check->detail));
    case MFD_DANE_MISMATCH:
    case MFD_DANE_CHAIN_INVALID:
    default:
      return problem (check, "dane-tlsa-mismatch", g_strdup (check->detail));
    }
}
