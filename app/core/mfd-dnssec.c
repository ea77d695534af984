/* mfd-dnssec.c — DNSSEC validation of our own, from a trust anchor down
 *
 * A small top-down validator: the anchor's zone keys are matched against
 * the anchor, then for every label between the anchor and the zone that
 * signed the answer, the parent's DS set is checked with the parent's keys
 * and the child's DNSKEY set with the key the DS names. ldns does the
 * cryptography (ldns_verify_rrsig_keylist_time, ldns_rr_compare_ds); the
 * walk is ours so that a failure can say which record failed and why.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dnssec"

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "mfd-dnssec.h"
#include "mfd-dns-private.h"
#include "mfd-host.h"

#define MAX_ANCHOR_FILE_RRS 64

const char *
mfd_dnssec_status_to_string (MfdDnssecStatus status)
{
  switch (status)
    {
    case MFD_DNSSEC_SECURE:        return "secure";
    case MFD_DNSSEC_INSECURE:      return "insecure";
    case MFD_DNSSEC_BOGUS:         return "bogus";
    case MFD_DNSSEC_INDETERMINATE:
    default:                       return "indeterminate";
    }
}

const char *
mfd_dnssec_failure_to_string (MfdDnssecFailure failure)
{
  switch (failure)
    {
    case MFD_DNSSEC_FAILURE_SIGNATURE_MISSING:       return "signature-missing";
    case MFD_DNSSEC_FAILURE_SIGNATURE_EXPIRED:       return "signature-expired";
    case MFD_DNSSEC_FAILURE_SIGNATURE_NOT_YET_VALID: return "signature-not-yet-valid";
    case MFD_DNSSEC_FAILURE_SIGNATURE_INVALID:       return "signature-invalid";
    case MFD_DNSSEC_FAILURE_DNSKEY_MISSING:          return "dnskey-missing";
    case MFD_DNSSEC_FAILURE_DS_MISMATCH:             return "ds-mismatch";
    case MFD_DNSSEC_FAILURE_ANCHOR_MISMATCH:         return "anchor-mismatch";
    case MFD_DNSSEC_FAILURE_RESOLVER_WITHOUT_DNSSEC: return "resolver-without-dnssec";
    case MFD_DNSSEC_FAILURE_NONE:
    default:                                         return "none";
    }
}

void
mfd_dnssec_result_free (MfdDnssecResult *result)
{
  if (result == NULL)
    return;
  g_free (result->zone);
  g_free (result->rrset);
  g_free (result->detail);
  if (result->answer != NULL)
    ldns_rr_list_deep_free (result->answer);
  g_free (result);
}

/* ------------------------------------------------------------------ */
/* Names                                                              */

static void
set_str (char       **dest,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*dest);
  *dest = copy;
}

static const char *
zone_label (const char *zone)
{
  return zone[0] != '\0' ? zone : ".";
}

/* ------------------------------------------------------------------ */
/* Trust anchors                                                      */

ldns_rr_list *
mfd_dnssec_read_anchors (const char  *file,
                         GError     **error)
{
  FILE *fp;
  ldns_rr_list *anchors;
  ldns_rdf *origin = NULL, *prev = NULL;
  uint32_t ttl = 3600;
  int line = 1;

  if (file == NULL)
    file = g_file_test (MFD_DNSSEC_ROOT_ANCHOR_KEY, G_FILE_TEST_EXISTS) ?
           MFD_DNSSEC_ROOT_ANCHOR_KEY : MFD_DNSSEC_ROOT_ANCHOR_DS;

  fp = fopen (file, "r");
  if (fp == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot read the trust anchor file “%s”: %s", file, g_strerror (saved));
      return NULL;
    }

  anchors = ldns_rr_list_new ();
  origin = ldns_dname_new_frm_str (".");
  while (!feof (fp) && ldns_rr_list_rr_count (anchors) < MAX_ANCHOR_FILE_RRS)
    {
      ldns_rr *rr = NULL;
      ldns_status status = ldns_rr_new_frm_fp_l (&rr, fp, &ttl, &origin, &prev, &line);

      if (status == LDNS_STATUS_SYNTAX_EMPTY || status == LDNS_STATUS_SYNTAX_TTL ||
          status == LDNS_STATUS_SYNTAX_ORIGIN || status == LDNS_STATUS_SYNTAX_INCLUDE)
        continue;
      if (status != LDNS_STATUS_OK)
        break;
      if (ldns_rr_get_type (rr) == LDNS_RR_TYPE_DS || ldns_rr_get_type (rr) == LDNS_RR_TYPE_DNSKEY)
        ldns_rr_list_push_rr (anchors, rr);
      else
        ldns_rr_free (rr);
    }
  fclose (fp);
  if (origin != NULL)
    ldns_rdf_deep_free (origin);
  if (prev != NULL)
    ldns_rdf_deep_free (prev);

  if (ldns_rr_list_rr_count (anchors) == 0)
    {
      ldns_rr_list_deep_free (anchors);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "The trust anchor file “%s” holds no DS or DNSKEY record", file);
      return NULL;
    }
  return anchors;
}

/* ------------------------------------------------------------------ */
/* Verification                                                       */

static MfdDnssecFailure
failure_from_status (ldns_status status)
{
  if (status == LDNS_STATUS_CRYPTO_SIG_EXPIRED)
    return MFD_DNSSEC_FAILURE_SIGNATURE_EXPIRED;
  if (status == LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED)
    return MFD_DNSSEC_FAILURE_SIGNATURE_NOT_YET_VALID;
  if (status == LDNS_STATUS_CRYPTO_NO_DNSKEY ||
      status == LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY)
    return MFD_DNSSEC_FAILURE_DNSKEY_MISSING;
  return MFD_DNSSEC_FAILURE_SIGNATURE_INVALID;
}

/* A failure that says more wins when several signatures fail. */
static int
failure_rank (MfdDnssecFailure failure)
{
  switch (failure)
    {
    case MFD_DNSSEC_FAILURE_SIGNATURE_EXPIRED:
    case MFD_DNSSEC_FAILURE_SIGNATURE_NOT_YET_VALID:
      return 3;
    case MFD_DNSSEC_FAILURE_SIGNATURE_INVALID:
      return 2;
    case MFD_DNSSEC_FAILURE_DNSKEY_MISSING:
      return 1;
    case MFD_DNSSEC_FAILURE_NONE:
    case MFD_DNSSEC_FAILURE_SIGNATURE_MISSING:
    case MFD_DNSSEC_FAILURE_DS_MISMATCH:
    case MFD_DNSSEC_FAILURE_ANCHOR_MISMATCH:
    case MFD_DNSSEC_FAILURE_RESOLVER_WITHOUT_DNSSEC:
    default:
      return 0;
    }
}

gboolean
mfd_dnssec_verify_rrset (const ldns_rr_list *rrset,
                         const ldns_rr_list *sigs,
                         const ldns_rr_list *keys,
                         time_t              now,
                         MfdDnssecFailure   *failure,
                         char              **why)
{
  MfdDnssecFailure worst = MFD_DNSSEC_FAILURE_SIGNATURE_MISSING;
  ldns_status worst_status = LDNS_STATUS_OK;
  ldns_rr_type type;
  guint n_covering = 0;

  *failure = MFD_DNSSEC_FAILURE_NONE;
  if (why != NULL)
    *why = NULL;
  if (rrset == NULL || ldns_rr_list_rr_count (rrset) == 0)
    return FALSE;
  type = ldns_rr_get_type (ldns_rr_list_rr (rrset, 0));

  for (size_t i = 0; sigs != NULL && i < ldns_rr_list_rr_count (sigs); i++)
    {
      ldns_rr *sig = ldns_rr_list_rr (sigs, i);
      ldns_rdf *covered = ldns_rr_rrsig_typecovered (sig);
      ldns_status status;
      MfdDnssecFailure this;

      if (ldns_rr_get_type (sig) != LDNS_RR_TYPE_RRSIG || covered == NULL ||
          ldns_rdf2rr_type (covered) != type)
        continue;
      n_covering++;
      if (keys == NULL || ldns_rr_list_rr_count (keys) == 0)
        status = LDNS_STATUS_CRYPTO_NO_DNSKEY;
      else
        status = ldns_verify_rrsig_keylist_time (rrset, sig, keys, now, NULL);
      if (status == LDNS_STATUS_OK)
        return TRUE;
      this = failure_from_status (status);
      if (worst == MFD_DNSSEC_FAILURE_SIGNATURE_MISSING || failure_rank (this) > failure_rank (worst))
        {
          worst = this;
          worst_status = status;
        }
    }

  *failure = worst;
  if (why != NULL)
    *why = n_covering == 0 ? g_strdup ("no RRSIG covers the records")
                           : g_strdup (ldns_get_errorstr_by_id (worst_status));
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* The walk                                                           */

typedef struct
{
  MfdDnsResolver  *resolver;
  GCancellable    *cancellable;
  MfdDnssecResult *result;
  time_t           now;
} Walk;

static ldns_pkt *
ask (Walk         *walk,
     const char   *name,
     ldns_rr_type  type)
{
  g_autofree char *error = NULL;
  ldns_pkt *pkt;

  if (walk->result->n_queries >= MFD_DNSSEC_MAX_QUERIES)
    {
      walk->result->status = MFD_DNSSEC_INDETERMINATE;
      g_free (walk->result->detail);
      walk->result->detail = g_strdup_printf ("More than %d questions for one answer", MFD_DNSSEC_MAX_QUERIES);
      return NULL;
    }
  walk->result->n_queries++;
  pkt = mfd_dns_resolver_query_dnssec (walk->resolver, name[0] != '\0' ? name : ".", type,
                                       walk->cancellable, &error);
  if (pkt == NULL)
    {
      g_autofree char *type_str = ldns_rr_type2str (type);

      walk->result->status = MFD_DNSSEC_INDETERMINATE;
      g_free (walk->result->detail);
      walk->result->detail = g_strdup_printf ("No answer for %s/%s: %s", zone_label (name),
                                              type_str, error != NULL ? error : "unknown error");
    }
  return pkt;
}

/* Records of @type owned by @name in @section (a new list, never NULL). */
static ldns_rr_list *
records (const ldns_pkt  *pkt,
         const char      *name,
         ldns_rr_type     type,
         ldns_pkt_section section)
{
  ldns_rr_list *from = section == LDNS_SECTION_ANSWER ? ldns_pkt_answer (pkt) : ldns_pkt_authority (pkt);
  ldns_rr_list *out = ldns_rr_list_new ();

  for (size_t i = 0; from != NULL && i < ldns_rr_list_rr_count (from); i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (from, i);
      g_autofree char *owner = NULL;

      if (ldns_rr_get_type (rr) != type)
        continue;
      owner = _mfd_dns_dname_to_string (ldns_rr_owner (rr));
      if (g_str_equal (owner, name))
        ldns_rr_list_push_rr (out, ldns_rr_clone (rr));
    }
  return out;
}

static gboolean
bogus (Walk             *walk,
       MfdDnssecFailure  failure,
       const char       *zone,
       const char       *owner,
       ldns_rr_type      type,
       const char       *why)
{
  g_autofree char *type_str = ldns_rr_type2str (type);
  MfdDnssecResult *result = walk->result;

  result->status = MFD_DNSSEC_BOGUS;
  result->failure = failure;
  g_free (result->zone);
  result->zone = g_strdup (zone);
  g_free (result->rrset);
  result->rrset = g_strdup_printf ("%s/%s", zone_label (owner), type_str);
  g_free (result->detail);
  result->detail = g_strdup_printf ("%s/%s (zone %s): %s: %s", zone_label (owner), type_str,
                                    zone_label (zone), mfd_dnssec_failure_to_string (failure), why);
  return FALSE;
}

/* Checks @rrset of @owner with the RRSIGs in @pkt's @section against
 * @keys; on failure the result is BOGUS. */
static gboolean
check_rrset (Walk               *walk,
             const ldns_pkt     *pkt,
             ldns_pkt_section    section,
             const ldns_rr_list *rrset,
             const char         *owner,
             const char         *zone,
             const ldns_rr_list *keys)
{
  ldns_rr_list *sigs = records (pkt, owner, LDNS_RR_TYPE_RRSIG, section);
  g_autofree char *why = NULL;
  MfdDnssecFailure failure;
  gboolean ok;

  ok = mfd_dnssec_verify_rrset (rrset, sigs, keys, walk->now, &failure, &why);
  ldns_rr_list_deep_free (sigs);
  if (!ok)
    return bogus (walk, failure, zone, owner, ldns_rr_get_type (ldns_rr_list_rr (rrset, 0)), why);
  return TRUE;
}

/* Fetches @zone's DNSKEY set, keeps the keys that match one of @refs (DS
 * or DNSKEY records: the parent's DS set or the anchor) and checks the set
 * is signed by one of those. Returns the zone's keys, or NULL (result set:
 * BOGUS or INDETERMINATE). */
static ldns_rr_list *
zone_keys (Walk               *walk,
           const char         *zone,
           const ldns_rr_list *refs,
           gboolean            anchor)
{
  ldns_pkt *pkt = ask (walk, zone, LDNS_RR_TYPE_DNSKEY);
  ldns_rr_list *keys, *matched;

  if (pkt == NULL)
    return NULL;
  keys = records (pkt, zone, LDNS_RR_TYPE_DNSKEY, LDNS_SECTION_ANSWER);
  if (ldns_rr_list_rr_count (keys) == 0 && anchor)
    {
      /* The anchor's zone is signed by definition: no key for it means
       * the resolver does not pass DNSSEC records on (or is no real
       * resolver), which says nothing about the name asked. */
      walk->result->status = MFD_DNSSEC_INDETERMINATE;
      walk->result->failure = MFD_DNSSEC_FAILURE_RESOLVER_WITHOUT_DNSSEC;
      g_free (walk->result->detail);
      walk->result->detail = g_strdup_printf ("The resolver returned no DNSKEY for %s, the zone of the "
                                              "trust anchor: it does not pass DNSSEC records on",
                                              zone_label (zone));
      goto fail;
    }
  if (ldns_rr_list_rr_count (keys) == 0)
    {
      bogus (walk, MFD_DNSSEC_FAILURE_DNSKEY_MISSING, zone, zone, LDNS_RR_TYPE_DNSKEY,
             "the parent has a DS record but the zone publishes no DNSKEY");
      goto fail;
    }

  matched = ldns_rr_list_new ();
  for (size_t i = 0; i < ldns_rr_list_rr_count (keys); i++)
    for (size_t j = 0; j < ldns_rr_list_rr_count (refs); j++)
      {
        ldns_rr *key = ldns_rr_list_rr (keys, i);
        ldns_rr *ref = ldns_rr_list_rr (refs, j);

        if (ldns_rr_compare_ds (ref, key))
          {
            ldns_rr_list_push_rr (matched, ldns_rr_clone (key));
            break;
          }
      }
  if (ldns_rr_list_rr_count (matched) == 0)
    {
      ldns_rr_list_deep_free (matched);
      bogus (walk, anchor ? MFD_DNSSEC_FAILURE_ANCHOR_MISMATCH : MFD_DNSSEC_FAILURE_DS_MISMATCH,
             zone, zone, LDNS_RR_TYPE_DNSKEY,
             anchor ? "no DNSKEY of the zone matches the trust anchor"
                    : "no DNSKEY of the zone matches the DS records in the parent zone");
      goto fail;
    }

  if (!check_rrset (walk, pkt, LDNS_SECTION_ANSWER, keys, zone, zone, matched))
    {
      ldns_rr_list_deep_free (matched);
      goto fail;
    }
  ldns_rr_list_deep_free (matched);
  ldns_pkt_free (pkt);
  return keys;

fail:
  ldns_rr_list_deep_free (keys);
  ldns_pkt_free (pkt);
  return NULL;
}

/* The name one label longer than @zone on the way to @name. */
static char *
next_label (const char *name,
            const char *zone)
{
  gsize name_len = strlen (name), zone_len = strlen (zone);
  gsize prefix_end = zone_len == 0 ? name_len : name_len - zone_len - 1;
  const char *start = name;

  for (gsize i = 0; i < prefix_end; i++)
    if (name[i] == '.')
      start = name + i + 1;
  return g_strdup (start);
}

MfdDnssecResult *
mfd_dnssec_lookup (MfdDnsResolver     *resolver,
                   const ldns_rr_list *anchors,
                   const char         *name,
                   ldns_rr_type        type,
                   GCancellable       *cancellable)
{
  MfdDnssecResult *result = g_new0 (MfdDnssecResult, 1);
  Walk walk = { resolver, cancellable, result, time (NULL) };
  g_autofree char *qname = NULL;
  g_autofree char *anchor_zone = NULL;
  g_autofree char *signer = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *key_zone = NULL;  /* the zone whose keys we hold */
  g_autofree char *target = NULL;
  ldns_rr_list *anchor_refs = NULL;
  ldns_rr_list *keys = NULL;
  ldns_rr_list *checked = NULL;
  ldns_pkt *pkt = NULL;
  ldns_pkt_section checked_section = LDNS_SECTION_ANSWER;
  g_autofree char *checked_owner = NULL;
  guint depth = 0;

  g_return_val_if_fail (resolver != NULL && name != NULL, result);

  result->status = MFD_DNSSEC_INDETERMINATE;
  result->rcode = -1;
  result->zone = g_strdup ("");
  result->answer = ldns_rr_list_new ();
  qname = mfd_host_normalize (name);

  /* The closest enclosing anchor. */
  for (size_t i = 0; anchors != NULL && i < ldns_rr_list_rr_count (anchors); i++)
    {
      g_autofree char *owner = _mfd_dns_dname_to_string (ldns_rr_owner (ldns_rr_list_rr (anchors, i)));

      if (mfd_host_is_same_or_below (qname, owner) &&
          (anchor_zone == NULL || strlen (owner) > strlen (anchor_zone)))
        set_str (&anchor_zone, owner);
    }
  if (anchor_zone == NULL)
    {
      result->detail = g_strdup_printf ("No trust anchor covers %s", zone_label (qname));
      return result;
    }
  anchor_refs = ldns_rr_list_new ();
  for (size_t i = 0; i < ldns_rr_list_rr_count (anchors); i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (anchors, i);
      g_autofree char *owner = _mfd_dns_dname_to_string (ldns_rr_owner (rr));

      if (g_str_equal (owner, anchor_zone))
        ldns_rr_list_push_rr (anchor_refs, ldns_rr_clone (rr));
    }

  /* 1. The answer, and who says they signed it. */
  pkt = ask (&walk, qname, type);
  if (pkt == NULL)
    goto out;
  result->rcode = ldns_pkt_get_rcode (pkt);
  ldns_rr_list_deep_free (result->answer);
  result->answer = records (pkt, qname, type, LDNS_SECTION_ANSWER);
  if (ldns_rr_list_rr_count (result->answer) > 0)
    {
      checked = ldns_rr_list_clone (result->answer);
      checked_owner = g_strdup (qname);
    }
  else
    {
      /* A negative answer: the SOA of the zone that gives it. */
      ldns_rr_list *auth = ldns_pkt_authority (pkt);

      checked_section = LDNS_SECTION_AUTHORITY;
      for (size_t i = 0; auth != NULL && i < ldns_rr_list_rr_count (auth); i++)
        if (ldns_rr_get_type (ldns_rr_list_rr (auth, i)) == LDNS_RR_TYPE_SOA)
          {
            checked_owner = _mfd_dns_dname_to_string (ldns_rr_owner (ldns_rr_list_rr (auth, i)));
            checked = records (pkt, checked_owner, LDNS_RR_TYPE_SOA, LDNS_SECTION_AUTHORITY);
            break;
          }
    }
  if (checked != NULL)
    {
      ldns_rr_list *sigs = records (pkt, checked_owner, LDNS_RR_TYPE_RRSIG, checked_section);

      for (size_t i = 0; i < ldns_rr_list_rr_count (sigs) && signer == NULL; i++)
        {
          ldns_rdf *signame = ldns_rr_rrsig_signame (ldns_rr_list_rr (sigs, i));

          if (signame != NULL)
            signer = _mfd_dns_dname_to_string (signame);
        }
      ldns_rr_list_deep_free (sigs);
    }

  /* The zone the walk must reach: the signer when it is on the way from
   * the anchor to the name (anything else is no signer of ours), else the
   * name itself, so that an unsigned zone below a signed one is found. */
  if (signer != NULL && mfd_host_is_same_or_below (signer, anchor_zone) && mfd_host_is_same_or_below (qname, signer))
    target = g_strdup (signer);
  else
    target = g_strdup (checked_owner != NULL && mfd_host_is_same_or_below (checked_owner, anchor_zone) ?
                       checked_owner : qname);

  /* 2. The chain. */
  keys = zone_keys (&walk, anchor_zone, anchor_refs, TRUE);
  if (keys == NULL)
    goto out;
  zone = g_strdup (anchor_zone);
  key_zone = g_strdup (anchor_zone);

  while (!g_str_equal (zone, target))
    {
      g_autofree char *child = next_label (target, zone);
      ldns_pkt *ds_pkt;
      ldns_rr_list *ds;

      if (++depth > MFD_DNSSEC_MAX_DEPTH)
        {
          result->status = MFD_DNSSEC_INDETERMINATE;
          result->detail = g_strdup_printf ("More than %d zones between the anchor and %s",
                                            MFD_DNSSEC_MAX_DEPTH, qname);
          goto out;
        }
      ds_pkt = ask (&walk, child, LDNS_RR_TYPE_DS);
      if (ds_pkt == NULL)
        goto out;
      ds = records (ds_pkt, child, LDNS_RR_TYPE_DS, LDNS_SECTION_ANSWER);
      if (ldns_rr_list_rr_count (ds) > 0)
        {
          ldns_rr_list *child_keys;

          if (!check_rrset (&walk, ds_pkt, LDNS_SECTION_ANSWER, ds, child, key_zone, keys))
            {
              ldns_rr_list_deep_free (ds);
              ldns_pkt_free (ds_pkt);
              goto out;
            }
          child_keys = zone_keys (&walk, child, ds, FALSE);
          ldns_rr_list_deep_free (ds);
          ldns_pkt_free (ds_pkt);
          if (child_keys == NULL)
            goto out;
          ldns_rr_list_deep_free (keys);
          keys = child_keys;
          set_str (&zone, child);
          set_str (&key_zone, child);
          continue;
        }
      ldns_rr_list_deep_free (ds);
      ldns_pkt_free (ds_pkt);

      /* No DS: an unsigned delegation when @child is a zone of its own
       * (it has an SOA), else just a name inside the current zone. */
      {
        ldns_pkt *soa_pkt = ask (&walk, child, LDNS_RR_TYPE_SOA);
        ldns_rr_list *soa;
        gboolean cut;

        if (soa_pkt == NULL)
          goto out;
        soa = records (soa_pkt, child, LDNS_RR_TYPE_SOA, LDNS_SECTION_ANSWER);
        cut = ldns_rr_list_rr_count (soa) > 0;
        ldns_rr_list_deep_free (soa);
        ldns_pkt_free (soa_pkt);
        if (cut)
          {
            result->status = MFD_DNSSEC_INSECURE;
            set_str (&result->zone, child);
            result->detail = g_strdup_printf ("The zone %s has no DS record in its parent %s: "
                                              "it is not signed, DNSSEC does not apply",
                                              child, zone_label (key_zone));
            goto out;
          }
        set_str (&zone, child);
      }
    }

  /* 3. The answer itself, with the keys of the zone reached. */
  if (checked == NULL)
    {
      result->status = MFD_DNSSEC_BOGUS;
      result->failure = MFD_DNSSEC_FAILURE_SIGNATURE_MISSING;
      set_str (&result->zone, key_zone);
      result->rrset = g_strdup_printf ("%s/SOA", zone_label (key_zone));
      result->detail = g_strdup_printf ("The negative answer for %s carries no signed SOA "
                                        "although the zone %s is signed", qname, zone_label (key_zone));
      goto out;
    }
  if (!check_rrset (&walk, pkt, checked_section, checked, checked_owner, key_zone, keys))
    goto out;

  result->status = MFD_DNSSEC_SECURE;
  set_str (&result->zone, key_zone);
  result->detail = g_strdup_printf ("Signed by %s, chain from the trust anchor of %s holds",
                                    zone_label (key_zone), zone_label (anchor_zone));

out:
  if (pkt != NULL)
    ldns_pkt_free (pkt);
  if (keys != NULL)
    ldns_rr_list_deep_free (keys);
  if (checked != NULL)
    ldns_rr_list_deep_free (checked);
  if (anchor_refs != NULL)
    ldns_rr_list_deep_free (anchor_refs);
  return result;
}
