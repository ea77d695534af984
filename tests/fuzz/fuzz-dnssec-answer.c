/* fuzz-dnssec-answer.c — libFuzzer target for what the DANE check reads
 * from a DNS answer: the TLSA records (mfd_dane_records_from_rr_list), the
 * signature check over them with the DNSKEYs of the same message
 * (mfd_dnssec_verify_rrset) and the TLSA match against a "certificate"
 * made of the same bytes; and the denial-of-existence proof of a negative
 * answer (mfd_dnssec_judge_denial, mfd_dnssec_prove_denial) for the
 * message's own question, with its NSEC/NSEC3 records and its keys, at a
 * time the message's first signature is valid.
 *
 * The bytes are a DNS message as a server sends it; what ldns cannot read
 * is simply not looked at, as in mfd-dns-packet.c.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "mfd/mfd.h"
#include "mfd-dane.h"
#include "mfd-dnssec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static ldns_rr_list *
of_type (ldns_rr_list *from,
         ldns_rr_type  type)
{
  ldns_rr_list *out = ldns_rr_list_new ();

  for (size_t i = 0; from != NULL && i < ldns_rr_list_rr_count (from); i++)
    if (ldns_rr_get_type (ldns_rr_list_rr (from, i)) == type)
      ldns_rr_list_push_rr (out, ldns_rr_clone (ldns_rr_list_rr (from, i)));
  return out;
}

/* The owner of the first SOA of the authority section: the zone that
 * gives a negative answer. */
static char *
authority_zone (ldns_pkt *pkt)
{
  ldns_rr_list *auth = ldns_pkt_authority (pkt);

  for (size_t i = 0; auth != NULL && i < ldns_rr_list_rr_count (auth); i++)
    if (ldns_rr_get_type (ldns_rr_list_rr (auth, i)) == LDNS_RR_TYPE_SOA)
      {
        g_autofree char *text = ldns_rdf2str (ldns_rr_owner (ldns_rr_list_rr (auth, i)));
        gsize len = text != NULL ? strlen (text) : 0;

        return g_ascii_strdown (text != NULL ? text : "", len > 0 ? len - 1 : 0);
      }
  return g_strdup ("");
}

static void
fuzz_denial (ldns_pkt *pkt)
{
  ldns_rr_list *keys = of_type (ldns_pkt_answer (pkt), LDNS_RR_TYPE_DNSKEY);
  ldns_rr_list *auth_keys = of_type (ldns_pkt_authority (pkt), LDNS_RR_TYPE_DNSKEY);
  ldns_rr_list *sigs = of_type (ldns_pkt_authority (pkt), LDNS_RR_TYPE_RRSIG);
  g_autofree char *zone = authority_zone (pkt);
  g_autofree char *name = NULL;
  g_autofree char *why = NULL;
  MfdDnssecFailure failure;
  ldns_rr *question;
  time_t now = 0;

  ldns_rr_list_push_rr_list (keys, auth_keys);
  if (ldns_pkt_qdcount (pkt) == 0 || ldns_pkt_question (pkt) == NULL ||
      ldns_rr_list_rr_count (ldns_pkt_question (pkt)) == 0)
    goto out;
  question = ldns_rr_list_rr (ldns_pkt_question (pkt), 0);
  name = ldns_rdf2str (ldns_rr_owner (question));
  if (name == NULL)
    goto out;
  if (strlen (name) > 1 && name[strlen (name) - 1] == '.')
    name[strlen (name) - 1] = '\0';
  else if (g_str_equal (name, "."))
    name[0] = '\0';
  if (ldns_rr_list_rr_count (sigs) > 0 && ldns_rr_rrsig_inception (ldns_rr_list_rr (sigs, 0)) != NULL)
    now = (time_t) ldns_rdf2native_time_t (ldns_rr_rrsig_inception (ldns_rr_list_rr (sigs, 0))) + 1;

  (void) mfd_dnssec_judge_denial (pkt, name, ldns_rr_get_type (question), zone);
  if (mfd_dnssec_prove_denial (pkt, name, ldns_rr_get_type (question), zone, keys, now, &failure, &why))
    g_assert_cmpint (failure, ==, MFD_DNSSEC_FAILURE_NONE);
  else
    g_assert_nonnull (why);

out:
  ldns_rr_list_deep_free (keys);
  ldns_rr_list_free (auth_keys);
  ldns_rr_list_deep_free (sigs);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  ldns_pkt *pkt = NULL;
  ldns_rr_list *tlsa, *keys, *sigs;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *why = NULL;
  g_autofree char *detail = NULL;
  MfdDnssecFailure failure;
  gnutls_datum_t cert = { (unsigned char *) data, (unsigned int) size };
  const char *names[] = { "mail.contoso.test", NULL };
  int matched;

  if (ldns_wire2pkt (&pkt, data, size) != LDNS_STATUS_OK || pkt == NULL)
    return 0;

  tlsa = of_type (ldns_pkt_answer (pkt), LDNS_RR_TYPE_TLSA);
  keys = of_type (ldns_pkt_answer (pkt), LDNS_RR_TYPE_DNSKEY);
  sigs = of_type (ldns_pkt_answer (pkt), LDNS_RR_TYPE_RRSIG);

  records = mfd_dane_records_from_rr_list (ldns_pkt_answer (pkt));
  g_assert_cmpuint (records->len, <=, MIN (ldns_rr_list_rr_count (tlsa), MFD_DANE_MAX_RECORDS));
  for (guint i = 0; i < records->len; i++)
    {
      g_autofree char *text = mfd_tlsa_record_to_string (g_ptr_array_index (records, i), TRUE);

      g_assert_true (g_utf8_validate (text, -1, NULL));
    }
  switch (mfd_dane_verify (records, &cert, 1, names, 0, &matched, &detail))
    {
    case MFD_DANE_MATCH:
      g_assert_cmpint (matched, >=, 0);
      g_assert_cmpint (matched, <, (int) records->len);
      break;
    case MFD_DANE_NO_USABLE_RECORDS:
    case MFD_DANE_MISMATCH:
    case MFD_DANE_CERT_EXPIRED:
    case MFD_DANE_NAME_MISMATCH:
    case MFD_DANE_CHAIN_INVALID:
    default:
      break;
    }
  g_assert_nonnull (detail);

  if (mfd_dnssec_verify_rrset (ldns_rr_list_rr_count (tlsa) > 0 ? tlsa : keys, sigs, keys, 0,
                               &failure, &why))
    g_assert_cmpint (failure, ==, MFD_DNSSEC_FAILURE_NONE);
  else
    g_assert_true (ldns_rr_list_rr_count (tlsa) + ldns_rr_list_rr_count (keys) == 0 || why != NULL);

  fuzz_denial (pkt);

  ldns_rr_list_deep_free (tlsa);
  ldns_rr_list_deep_free (keys);
  ldns_rr_list_deep_free (sigs);
  ldns_pkt_free (pkt);
  return 0;
}
