/* mfd-dnssec.c — DNSSEC validation of our own, from a trust anchor down
 *
 * A small top-down validator: the anchor's zone keys are matched against
 * the anchor, then for every label between the anchor and the zone that
 * signed the answer, the parent's DS set is checked with the parent's keys
 * and the child's DNSKEY set with the key the DS names. A "no such
 * records" answer (no TLSA, no DS) counts only with the NSEC or NSEC3
 * records that prove it, signed by the zone. ldns does the cryptography
 * and the proofs (ldns_verify_rrsig_keylist_time, ldns_rr_compare_ds,
 * ldns_dnssec_verify_denial[_nsec3]); the walk is ours so that a failure
 * can say which record failed and why. A cache per check keeps the
 * answers and the validated zone keys, so that every MX address does not
 * ask the same questions again.
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
    case MFD_DNSSEC_FAILURE_DENIAL_MISSING:          return "denial-missing";
    case MFD_DNSSEC_FAILURE_DENIAL_NOT_PROVEN:       return "denial-not-proven";
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

const char *
mfd_dnssec_root_anchor_file (void)
{
  static const char *const paths[] = {
    MFD_DNSSEC_ROOT_ANCHOR_KEY, MFD_DNSSEC_ROOT_ANCHOR_DS,
    MFD_DNSSEC_FLATPAK_ANCHOR_KEY, MFD_DNSSEC_FLATPAK_ANCHOR_DS,
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (g_file_test (paths[i], G_FILE_TEST_EXISTS))
      return paths[i];
  return paths[0];
}

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
    file = mfd_dnssec_root_anchor_file ();

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
    case MFD_DNSSEC_FAILURE_DENIAL_MISSING:
    case MFD_DNSSEC_FAILURE_DENIAL_NOT_PROVEN:
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
/* The check's cache                                                  */

/* What one check asks repeatedly (each MX address validates the MX set,
 * its host's addresses and TLSA records from the same anchor down) is
 * asked once: the answers, and the zone keys whose chain from the anchor
 * held. Bounded; beyond the bounds lookups simply ask again. */
#define CACHE_MAX_ANSWERS 256
#define CACHE_MAX_ZONES    64

typedef struct
{
  ldns_pkt *pkt;     /* NULL with @error when the question failed */
  char     *error;
  gboolean  done;    /* FALSE while the first asker waits for the reply */
} CachedAnswer;

struct _MfdDnssecCache
{
  GMutex      lock;
  GCond       cond;
  GHashTable *answers;  /* "name/type" → CachedAnswer */
  GHashTable *keys;     /* zone → ldns_rr_list, the zone's validated DNSKEY set */
  guint       n_queries;
  guint       n_cached;
};

static void
cached_answer_free (CachedAnswer *answer)
{
  if (answer->pkt != NULL)
    ldns_pkt_free (answer->pkt);
  g_free (answer->error);
  g_free (answer);
}

MfdDnssecCache *
mfd_dnssec_cache_new (void)
{
  MfdDnssecCache *cache = g_new0 (MfdDnssecCache, 1);

  g_mutex_init (&cache->lock);
  g_cond_init (&cache->cond);
  cache->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) cached_answer_free);
  cache->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) ldns_rr_list_deep_free);
  return cache;
}

void
mfd_dnssec_cache_free (MfdDnssecCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->answers);
  g_hash_table_unref (cache->keys);
  g_cond_clear (&cache->cond);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

void
mfd_dnssec_cache_get_counts (MfdDnssecCache *cache,
                             guint          *n_queries,
                             guint          *n_cached)
{
  g_mutex_lock (&cache->lock);
  if (n_queries != NULL)
    *n_queries = cache->n_queries;
  if (n_cached != NULL)
    *n_cached = cache->n_cached;
  g_mutex_unlock (&cache->lock);
}

/* The cached answer to @key, waiting while another lookup asks it. NULL
 * when it is not there (then @entry is the slot to fill, or NULL when the
 * cache is full). Called with the lock held. */
static CachedAnswer *
cache_wait (MfdDnssecCache *cache,
            const char     *key,
            GCancellable   *cancellable,
            CachedAnswer  **entry)
{
  CachedAnswer *answer = g_hash_table_lookup (cache->answers, key);

  *entry = NULL;
  if (answer == NULL)
    {
      if (g_hash_table_size (cache->answers) < CACHE_MAX_ANSWERS)
        {
          *entry = g_new0 (CachedAnswer, 1);
          g_hash_table_insert (cache->answers, g_strdup (key), *entry);
        }
      return NULL;
    }
  /* The asker's own deadline bounds the wait; a cancel ends it sooner. */
  while (!answer->done && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&cache->cond, &cache->lock, g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND);
  return answer;
}

static ldns_pkt *
cache_ask (MfdDnssecCache *cache,
           MfdDnsResolver *resolver,
           const char     *name,
           ldns_rr_type    type,
           GCancellable   *cancellable,
           gboolean       *from_cache,
           char          **error)
{
  g_autofree char *key = g_strdup_printf ("%s/%u", name, (guint) type);
  CachedAnswer *answer, *entry;
  ldns_pkt *pkt;

  *from_cache = FALSE;
  if (cache == NULL)
    return mfd_dns_resolver_query_dnssec (resolver, name, type, cancellable, error);

  g_mutex_lock (&cache->lock);
  answer = cache_wait (cache, key, cancellable, &entry);
  if (answer != NULL)
    {
      if (!answer->done)
        {
          g_mutex_unlock (&cache->lock);
          *error = g_strdup ("cancelled");
          return NULL;
        }
      cache->n_cached++;
      *from_cache = TRUE;
      pkt = answer->pkt != NULL ? ldns_pkt_clone (answer->pkt) : NULL;
      *error = g_strdup (answer->error);
      g_mutex_unlock (&cache->lock);
      return pkt;
    }
  cache->n_queries++;
  g_mutex_unlock (&cache->lock);

  pkt = mfd_dns_resolver_query_dnssec (resolver, name, type, cancellable, error);
  if (entry != NULL)
    {
      g_mutex_lock (&cache->lock);
      entry->pkt = pkt != NULL ? ldns_pkt_clone (pkt) : NULL;
      entry->error = g_strdup (*error);
      entry->done = TRUE;
      g_cond_broadcast (&cache->cond);
      g_mutex_unlock (&cache->lock);
    }
  return pkt;
}

static void
cache_put_keys (MfdDnssecCache     *cache,
                const char         *zone,
                const ldns_rr_list *keys)
{
  if (cache == NULL)
    return;
  g_mutex_lock (&cache->lock);
  if (g_hash_table_size (cache->keys) < CACHE_MAX_ZONES && !g_hash_table_contains (cache->keys, zone))
    g_hash_table_insert (cache->keys, g_strdup (zone), ldns_rr_list_clone (keys));
  g_mutex_unlock (&cache->lock);
}

/* The validated keys of the deepest zone between @anchor_zone and
 * @target that an earlier lookup of the check reached; NULL if none. */
static ldns_rr_list *
cache_find_keys (MfdDnssecCache *cache,
                 const char     *anchor_zone,
                 const char     *target,
                 char          **zone)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *best = NULL;
  ldns_rr_list *keys = NULL;

  if (cache == NULL)
    return NULL;
  g_mutex_lock (&cache->lock);
  g_hash_table_iter_init (&iter, cache->keys);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (mfd_host_is_same_or_below (target, key) && mfd_host_is_same_or_below (key, anchor_zone) &&
        (best == NULL || strlen (key) > strlen (best)))
      best = key;
  if (best != NULL)
    {
      keys = ldns_rr_list_clone (g_hash_table_lookup (cache->keys, best));
      *zone = g_strdup (best);
    }
  g_mutex_unlock (&cache->lock);
  return keys;
}

/* ------------------------------------------------------------------ */
/* The walk                                                           */

typedef struct
{
  MfdDnsResolver  *resolver;
  MfdDnssecCache  *cache;
  GCancellable    *cancellable;
  MfdDnssecResult *result;
  time_t           now;

  char            *qname;
  ldns_rr_type     qtype;
  char            *anchor_zone;
  ldns_rr_list    *anchor_refs;   /* the anchor's DS/DNSKEY records */
  ldns_pkt        *pkt;           /* the answer */
  ldns_rr_list    *checked;       /* its records, or the SOA of a negative answer */
  char            *checked_owner;
  ldns_pkt_section checked_section;
  char            *target;        /* the zone the walk must reach */
  char            *zone;          /* where the walk is */
  char            *key_zone;      /* the zone whose keys it holds */
  ldns_rr_list    *keys;
} Walk;

static void
walk_clear (Walk *walk)
{
  g_free (walk->qname);
  g_free (walk->anchor_zone);
  g_clear_pointer (&walk->anchor_refs, ldns_rr_list_deep_free);
  g_clear_pointer (&walk->pkt, ldns_pkt_free);
  g_clear_pointer (&walk->checked, ldns_rr_list_deep_free);
  g_free (walk->checked_owner);
  g_free (walk->target);
  g_free (walk->zone);
  g_free (walk->key_zone);
  g_clear_pointer (&walk->keys, ldns_rr_list_deep_free);
}

static ldns_pkt *
ask (Walk         *walk,
     const char   *name,
     ldns_rr_type  type)
{
  g_autofree char *error = NULL;
  ldns_pkt *pkt;
  gboolean from_cache;

  if (walk->result->n_queries + walk->result->n_cached >= MFD_DNSSEC_MAX_QUERIES)
    {
      walk->result->status = MFD_DNSSEC_INDETERMINATE;
      g_free (walk->result->detail);
      walk->result->detail = g_strdup_printf ("More than %d questions for one answer", MFD_DNSSEC_MAX_QUERIES);
      return NULL;
    }
  pkt = cache_ask (walk->cache, walk->resolver, name[0] != '\0' ? name : ".", type,
                   walk->cancellable, &from_cache, &error);
  if (from_cache)
    walk->result->n_cached++;
  else
    walk->result->n_queries++;
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

/* ------------------------------------------------------------------ */
/* Denial of existence                                                */

/* ldns's proof helpers take every field for granted (a NULL bitmap or a
 * next hash that is no label makes them assert): an NSEC needs its next
 * name and bitmap, an NSEC3 its six fields and a SHA-1-sized next hash. */
static gboolean
is_well_formed_denial (const ldns_rr *rr)
{
  ldns_rdf *next;

  if (ldns_rr_get_type (rr) == LDNS_RR_TYPE_NSEC)
    return ldns_rr_rd_count (rr) >= 2 && ldns_rr_rdf (rr, 0) != NULL && ldns_rr_rdf (rr, 1) != NULL &&
           ldns_rdf_get_type (ldns_rr_rdf (rr, 0)) == LDNS_RDF_TYPE_DNAME;
  /* The zone is what is left of the owner without its hash label. */
  if (ldns_rr_rd_count (rr) < 6 || ldns_dname_label_count (ldns_rr_owner (rr)) < 1)
    return FALSE;
  for (size_t i = 0; i < 6; i++)
    if (ldns_rr_rdf (rr, i) == NULL)
      return FALSE;
  next = ldns_nsec3_next_owner (rr);
  return ldns_rdf_size (next) == 1 + LDNS_SHA1_DIGEST_LENGTH &&
         ldns_rdf_data (next)[0] == LDNS_SHA1_DIGEST_LENGTH;
}

static gboolean
same_nsec3_params (const ldns_rr *a,
                   const ldns_rr *b)
{
  ldns_rdf *salt_a = ldns_rr_rdf (a, 3), *salt_b = ldns_rr_rdf (b, 3);

  return ldns_nsec3_iterations (a) == ldns_nsec3_iterations (b) &&
         salt_a != NULL && salt_b != NULL && ldns_rdf_compare (salt_a, salt_b) == 0;
}

/* The NSEC or NSEC3 records of @zone in @pkt's authority section (a new
 * list, never NULL): NSEC records at or below the zone, NSEC3 records one
 * label below it (their owners are hashes in the zone). */
static ldns_rr_list *
denial_records (const ldns_pkt *pkt,
                ldns_rr_type    type,
                const char     *zone)
{
  ldns_rr_list *auth = ldns_pkt_authority (pkt);
  ldns_rr_list *out = ldns_rr_list_new ();

  for (size_t i = 0; auth != NULL && i < ldns_rr_list_rr_count (auth) &&
       ldns_rr_list_rr_count (out) < MFD_DNSSEC_MAX_DENIAL_RRS; i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (auth, i);
      g_autofree char *owner = NULL;
      const char *dot;

      if (ldns_rr_get_type (rr) != type || !is_well_formed_denial (rr))
        continue;
      /* Hashing costs grow with the iterations: past the bound the record
       * proves nothing (RFC 9276 §3.2); nor does one with a hash we do not
       * know, or with other parameters than the first (RFC 5155 §8.2). */
      if (type == LDNS_RR_TYPE_NSEC3 &&
          (ldns_nsec3_iterations (rr) > MFD_DNSSEC_MAX_NSEC3_ITERATIONS ||
           ldns_nsec3_algorithm (rr) != LDNS_SHA1 ||
           (ldns_rr_list_rr_count (out) > 0 && !same_nsec3_params (ldns_rr_list_rr (out, 0), rr))))
        continue;
      owner = _mfd_dns_dname_to_string (ldns_rr_owner (rr));
      dot = strchr (owner, '.');
      if (type == LDNS_RR_TYPE_NSEC ? mfd_host_is_same_or_below (owner, zone)
          : zone[0] == '\0' ? dot == NULL : dot != NULL && g_str_equal (dot + 1, zone))
        ldns_rr_list_push_rr (out, ldns_rr_clone (rr));
    }
  return out;
}

/* Every NSEC/NSEC3 set in @denials checked with the zone's keys. */
static gboolean
check_denial_signatures (Walk               *walk,
                         const ldns_pkt     *pkt,
                         const ldns_rr_list *denials,
                         const char         *zone,
                         const ldns_rr_list *keys)
{
  for (size_t i = 0; i < ldns_rr_list_rr_count (denials); i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (denials, i);
      g_autofree char *owner = _mfd_dns_dname_to_string (ldns_rr_owner (rr));
      ldns_rr_list *set = records (pkt, owner, ldns_rr_get_type (rr), LDNS_SECTION_AUTHORITY);
      gboolean ok = check_rrset (walk, pkt, LDNS_SECTION_AUTHORITY, set, owner, zone, keys);

      ldns_rr_list_deep_free (set);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* An NSEC owned by @name that has the SOA bit is the child's apex: it
 * says nothing about the DS set, which lives in the parent. */
static gboolean
is_child_side_nsec (const ldns_rr_list *nsecs,
                    const ldns_rdf     *name)
{
  for (size_t i = 0; i < ldns_rr_list_rr_count (nsecs); i++)
    {
      ldns_rr *nsec = ldns_rr_list_rr (nsecs, i);

      if (ldns_dname_compare (ldns_rr_owner (nsec), name) == 0 &&
          ldns_nsec_bitmap_covers_type (ldns_nsec_get_bitmap (nsec), LDNS_RR_TYPE_SOA))
        return TRUE;
    }
  return FALSE;
}

/* ldns's NSEC3 helpers take a hash they cannot make for granted: make
 * sure first that the name hashes with the record's parameters. */
static gboolean
nsec3_can_hash (const ldns_rr  *nsec3,
                const ldns_rdf *name)
{
  ldns_rdf *hashed = ldns_nsec3_hash_name_frm_nsec3 (nsec3, name);

  if (hashed == NULL)
    return FALSE;
  ldns_rdf_deep_free (hashed);
  return TRUE;
}

/* The NSEC3 record at @name's hash, or NULL. */
static ldns_rr *
nsec3_at (const ldns_rdf     *name,
          const ldns_rr_list *nsec3s,
          const ldns_rdf     *zone)
{
  ldns_rdf *hashed = ldns_nsec3_hash_name_frm_nsec3 (ldns_rr_list_rr (nsec3s, 0), name);
  ldns_rr *match = NULL;

  if (hashed == NULL)
    return NULL;
  if (ldns_dname_cat (hashed, zone) == LDNS_STATUS_OK)
    for (size_t i = 0; i < ldns_rr_list_rr_count (nsec3s) && match == NULL; i++)
      if (ldns_dname_compare (ldns_rr_owner (ldns_rr_list_rr (nsec3s, i)), hashed) == 0)
        match = ldns_rr_list_rr (nsec3s, i);
  ldns_rdf_deep_free (hashed);
  return match;
}

static gboolean
nsec3_lacks (const ldns_rr *nsec3,
             ldns_rr_type   type)
{
  return !ldns_nsec_bitmap_covers_type (ldns_nsec3_bitmap (nsec3), type) &&
         !ldns_nsec_bitmap_covers_type (ldns_nsec3_bitmap (nsec3), LDNS_RR_TYPE_CNAME);
}

/* "No DS" at an opt-out span (RFC 5155 §8.6): the next closer name below
 * the closest encloser is covered by an NSEC3 with the opt-out flag. */
static gboolean
nsec3_opt_out_covers (const ldns_rdf     *name,
                      const ldns_rdf     *closest,
                      const ldns_rr_list *nsec3s,
                      const ldns_rdf     *zone)
{
  size_t skip = ldns_dname_label_count (name) - (ldns_dname_label_count (closest) + 1);
  ldns_rdf *next_closer = ldns_dname_clone_from (name, skip);
  ldns_rdf *hashed = next_closer != NULL ? ldns_nsec3_hash_name_frm_nsec3 (ldns_rr_list_rr (nsec3s, 0),
                                                                          next_closer) : NULL;
  gboolean covered = FALSE;

  if (hashed != NULL && ldns_dname_cat (hashed, zone) == LDNS_STATUS_OK)
    for (size_t i = 0; i < ldns_rr_list_rr_count (nsec3s) && !covered; i++)
      covered = ldns_nsec3_optout (ldns_rr_list_rr (nsec3s, i)) &&
                ldns_nsec_covers_name (ldns_rr_list_rr (nsec3s, i), hashed);
  if (hashed != NULL)
    ldns_rdf_deep_free (hashed);
  if (next_closer != NULL)
    ldns_rdf_deep_free (next_closer);
  return covered;
}

/* A NODATA answer proven by NSEC3 (RFC 5155 §8.5–8.7). Done here with
 * ldns's hashing and closest-encloser helpers because ldns 1.8.3's
 * ldns_dnssec_verify_denial_nsec3() leaks the hashed name on this path. */
static ldns_status
judge_nsec3_nodata (const ldns_rdf *name,
                    ldns_rr_type    type,
                    ldns_rr_list   *nsec3s)
{
  ldns_rdf *zone = ldns_dname_left_chop (ldns_rr_owner (ldns_rr_list_rr (nsec3s, 0)));
  ldns_rdf *closest = NULL;
  ldns_rr *match;
  gboolean proven = FALSE;

  if (zone == NULL)
    return LDNS_STATUS_NSEC3_ERR;
  match = nsec3_at (name, nsec3s, zone);
  if (match != NULL)
    proven = nsec3_lacks (match, type);
  else if ((closest = ldns_dnssec_nsec3_closest_encloser (name, type, nsec3s)) != NULL &&
           ldns_dname_label_count (name) > ldns_dname_label_count (closest))
    {
      if (type == LDNS_RR_TYPE_DS)
        proven = nsec3_opt_out_covers (name, closest, nsec3s, zone);
      else
        {
          /* A wildcard at the closest encloser without the type. */
          ldns_rdf *wildcard = ldns_dname_new_frm_str ("*");

          if (wildcard != NULL && ldns_dname_cat (wildcard, closest) == LDNS_STATUS_OK)
            {
              match = nsec3_at (wildcard, nsec3s, zone);
              proven = match != NULL && nsec3_lacks (match, type);
            }
          if (wildcard != NULL)
            ldns_rdf_deep_free (wildcard);
        }
    }
  if (closest != NULL)
    ldns_rdf_deep_free (closest);
  ldns_rdf_deep_free (zone);
  return proven ? LDNS_STATUS_OK : LDNS_STATUS_DNSSEC_NSEC_RR_NOT_COVERED;
}

/* Whether the signed NSEC/NSEC3 records prove that @name has no @type
 * (or does not exist at all); ldns judges the spans and bitmaps. */
static ldns_status
judge_denial (const ldns_pkt *pkt,
              const char     *name,
              ldns_rr_type    type,
              ldns_rr_list   *nsecs,
              ldns_rr_list   *nsec3s)
{
  ldns_rr_list *sigs = ldns_rr_list_new ();
  ldns_rr_list *auth = ldns_pkt_authority (pkt);
  ldns_rr *question = ldns_rr_new ();
  ldns_status status;

  for (size_t i = 0; auth != NULL && i < ldns_rr_list_rr_count (auth); i++)
    if (ldns_rr_get_type (ldns_rr_list_rr (auth, i)) == LDNS_RR_TYPE_RRSIG)
      ldns_rr_list_push_rr (sigs, ldns_rr_clone (ldns_rr_list_rr (auth, i)));
  ldns_rr_set_owner (question, ldns_dname_new_frm_str (name[0] != '\0' ? name : "."));
  ldns_rr_set_type (question, type);
  if (ldns_rr_owner (question) == NULL)
    {
      ldns_rr_free (question);
      ldns_rr_list_deep_free (sigs);
      return LDNS_STATUS_DOMAINNAME_OVERFLOW;
    }

  if (ldns_rr_list_rr_count (nsecs) > 0)
    {
      status = ldns_dnssec_verify_denial (question, nsecs, sigs);
      if (status == LDNS_STATUS_OK && type == LDNS_RR_TYPE_DS &&
          is_child_side_nsec (nsecs, ldns_rr_owner (question)))
        status = LDNS_STATUS_DNSSEC_NSEC_RR_NOT_COVERED;
    }
  else if (!nsec3_can_hash (ldns_rr_list_rr (nsec3s, 0), ldns_rr_owner (question)))
    status = LDNS_STATUS_NSEC3_ERR;
  else if (ldns_pkt_get_rcode (pkt) == LDNS_RCODE_NXDOMAIN)
    status = ldns_dnssec_verify_denial_nsec3 (question, nsec3s, sigs, LDNS_RCODE_NXDOMAIN, type, FALSE);
  else
    status = judge_nsec3_nodata (ldns_rr_owner (question), type, nsec3s);
  ldns_rr_free (question);
  ldns_rr_list_deep_free (sigs);
  return status;
}

ldns_status
mfd_dnssec_judge_denial (const ldns_pkt *pkt,
                         const char     *name,
                         ldns_rr_type    type,
                         const char     *zone)
{
  ldns_rr_list *nsecs = denial_records (pkt, LDNS_RR_TYPE_NSEC, zone);
  ldns_rr_list *nsec3s = denial_records (pkt, LDNS_RR_TYPE_NSEC3, zone);
  ldns_status status = LDNS_STATUS_DNSSEC_NSEC_RR_NOT_COVERED;

  if (ldns_rr_list_rr_count (nsecs) + ldns_rr_list_rr_count (nsec3s) > 0)
    status = judge_denial (pkt, name, type, nsecs, nsec3s);
  ldns_rr_list_deep_free (nsecs);
  ldns_rr_list_deep_free (nsec3s);
  return status;
}

/* A negative answer (@name has no @type, or does not exist) from the
 * signed @zone holds only with NSEC or NSEC3 records signed by the zone
 * that prove it (RFC 4035 §5.4, RFC 5155 §8); else the result is BOGUS. */
static gboolean
prove_denial (Walk               *walk,
              const ldns_pkt     *pkt,
              const char         *name,
              ldns_rr_type        type,
              const char         *zone,
              const ldns_rr_list *keys)
{
  ldns_rr_list *nsecs = denial_records (pkt, LDNS_RR_TYPE_NSEC, zone);
  ldns_rr_list *nsec3s = denial_records (pkt, LDNS_RR_TYPE_NSEC3, zone);
  gboolean ok = FALSE;

  if (ldns_rr_list_rr_count (nsecs) + ldns_rr_list_rr_count (nsec3s) == 0)
    bogus (walk, MFD_DNSSEC_FAILURE_DENIAL_MISSING, zone, name, type,
           "the negative answer carries no NSEC or NSEC3 record of the signed zone");
  else if (check_denial_signatures (walk, pkt, nsecs, zone, keys) &&
           check_denial_signatures (walk, pkt, nsec3s, zone, keys))
    {
      ldns_status status = judge_denial (pkt, name, type, nsecs, nsec3s);

      ok = status == LDNS_STATUS_OK;
      if (!ok)
        bogus (walk, MFD_DNSSEC_FAILURE_DENIAL_NOT_PROVEN, zone, name, type,
               ldns_get_errorstr_by_id (status));
    }
  ldns_rr_list_deep_free (nsecs);
  ldns_rr_list_deep_free (nsec3s);
  return ok;
}

gboolean
mfd_dnssec_prove_denial (const ldns_pkt     *pkt,
                         const char         *name,
                         ldns_rr_type        type,
                         const char         *zone,
                         const ldns_rr_list *keys,
                         time_t              now,
                         MfdDnssecFailure   *failure,
                         char              **why)
{
  MfdDnssecResult *result = g_new0 (MfdDnssecResult, 1);
  Walk walk = { .result = result, .now = now };
  gboolean ok;

  result->zone = g_strdup ("");
  ok = prove_denial (&walk, pkt, name, type, zone, keys);
  *failure = result->failure;
  if (why != NULL)
    *why = g_strdup (result->detail);
  mfd_dnssec_result_free (result);
  return ok;
}

/* ------------------------------------------------------------------ */
/* The chain                                                          */

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
  cache_put_keys (walk->cache, zone, keys);
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

static void
hold_keys (Walk         *walk,
           const char   *zone,
           ldns_rr_list *keys)
{
  g_clear_pointer (&walk->keys, ldns_rr_list_deep_free);
  walk->keys = keys;
  set_str (&walk->zone, zone);
  set_str (&walk->key_zone, zone);
}

/* @child has a DS set: it is checked with the parent's keys, and the
 * child's keys with it. */
static gboolean
enter_signed_zone (Walk           *walk,
                   const ldns_pkt *ds_pkt,
                   ldns_rr_list   *ds,
                   const char     *child)
{
  ldns_rr_list *child_keys;

  if (!check_rrset (walk, ds_pkt, LDNS_SECTION_ANSWER, ds, child, walk->key_zone, walk->keys))
    return FALSE;
  child_keys = zone_keys (walk, child, ds, FALSE);
  if (child_keys == NULL)
    return FALSE;
  hold_keys (walk, child, child_keys);
  return TRUE;
}

/* @child has no DS, proven by the parent: an unsigned delegation when it
 * is a zone of its own (it has an SOA), else just a name inside the
 * current zone. FALSE when the walk ends (INSECURE, or not asked). */
static gboolean
pass_unsigned_name (Walk       *walk,
                    const char *child)
{
  ldns_pkt *soa_pkt = ask (walk, child, LDNS_RR_TYPE_SOA);
  ldns_rr_list *soa;
  gboolean cut;

  if (soa_pkt == NULL)
    return FALSE;
  soa = records (soa_pkt, child, LDNS_RR_TYPE_SOA, LDNS_SECTION_ANSWER);
  cut = ldns_rr_list_rr_count (soa) > 0;
  ldns_rr_list_deep_free (soa);
  ldns_pkt_free (soa_pkt);
  if (cut)
    {
      walk->result->status = MFD_DNSSEC_INSECURE;
      set_str (&walk->result->zone, child);
      walk->result->detail = g_strdup_printf ("The zone %s has no DS record in its parent %s "
                                              "(proven by its NSEC/NSEC3 records): it is not signed, "
                                              "DNSSEC does not apply", child, zone_label (walk->key_zone));
      return FALSE;
    }
  set_str (&walk->zone, child);
  return TRUE;
}

/* One label down from where the walk is, towards the target. */
static gboolean
step_down (Walk *walk)
{
  g_autofree char *child = next_label (walk->target, walk->zone);
  ldns_pkt *ds_pkt = ask (walk, child, LDNS_RR_TYPE_DS);
  ldns_rr_list *ds;
  gboolean go_on;

  if (ds_pkt == NULL)
    return FALSE;
  ds = records (ds_pkt, child, LDNS_RR_TYPE_DS, LDNS_SECTION_ANSWER);
  if (ldns_rr_list_rr_count (ds) > 0)
    go_on = enter_signed_zone (walk, ds_pkt, ds, child);
  else
    go_on = prove_denial (walk, ds_pkt, child, LDNS_RR_TYPE_DS, walk->key_zone, walk->keys) &&
            pass_unsigned_name (walk, child);
  ldns_rr_list_deep_free (ds);
  ldns_pkt_free (ds_pkt);
  return go_on;
}

/* From the anchor (or the deepest zone of the check already validated)
 * down to the target. FALSE with the result set when the chain ends. */
static gboolean
walk_chain (Walk *walk)
{
  g_autofree char *cached_zone = NULL;
  ldns_rr_list *keys = cache_find_keys (walk->cache, walk->anchor_zone, walk->target, &cached_zone);
  guint depth = 0;

  if (keys != NULL)
    hold_keys (walk, cached_zone, keys);
  else
    {
      keys = zone_keys (walk, walk->anchor_zone, walk->anchor_refs, TRUE);
      if (keys == NULL)
        return FALSE;
      hold_keys (walk, walk->anchor_zone, keys);
    }

  while (!g_str_equal (walk->zone, walk->target))
    {
      if (++depth > MFD_DNSSEC_MAX_DEPTH)
        {
          walk->result->status = MFD_DNSSEC_INDETERMINATE;
          walk->result->detail = g_strdup_printf ("More than %d zones between the anchor and %s",
                                                  MFD_DNSSEC_MAX_DEPTH, walk->qname);
          return FALSE;
        }
      if (!step_down (walk))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The lookup                                                         */

/* The closest enclosing anchor's zone and its records; FALSE when no
 * anchor covers the name. */
static gboolean
find_anchor (Walk               *walk,
             const ldns_rr_list *anchors)
{
  for (size_t i = 0; anchors != NULL && i < ldns_rr_list_rr_count (anchors); i++)
    {
      g_autofree char *owner = _mfd_dns_dname_to_string (ldns_rr_owner (ldns_rr_list_rr (anchors, i)));

      if (mfd_host_is_same_or_below (walk->qname, owner) &&
          (walk->anchor_zone == NULL || strlen (owner) > strlen (walk->anchor_zone)))
        set_str (&walk->anchor_zone, owner);
    }
  if (walk->anchor_zone == NULL)
    {
      walk->result->detail = g_strdup_printf ("No trust anchor covers %s", zone_label (walk->qname));
      return FALSE;
    }
  walk->anchor_refs = ldns_rr_list_new ();
  for (size_t i = 0; i < ldns_rr_list_rr_count (anchors); i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (anchors, i);
      g_autofree char *owner = _mfd_dns_dname_to_string (ldns_rr_owner (rr));

      if (g_str_equal (owner, walk->anchor_zone))
        ldns_rr_list_push_rr (walk->anchor_refs, ldns_rr_clone (rr));
    }
  return TRUE;
}

/* Who says they signed what is checked. */
static char *
find_signer (Walk *walk)
{
  ldns_rr_list *sigs;
  char *signer = NULL;

  if (walk->checked == NULL)
    return NULL;
  sigs = records (walk->pkt, walk->checked_owner, LDNS_RR_TYPE_RRSIG, walk->checked_section);
  for (size_t i = 0; i < ldns_rr_list_rr_count (sigs) && signer == NULL; i++)
    {
      ldns_rdf *signame = ldns_rr_rrsig_signame (ldns_rr_list_rr (sigs, i));

      if (signame != NULL)
        signer = _mfd_dns_dname_to_string (signame);
    }
  ldns_rr_list_deep_free (sigs);
  return signer;
}

/* The answer, what in it is checked (its records, or the SOA of a
 * negative answer), and the zone the walk must reach: the signer when it
 * is on the way from the anchor to the name (anything else is no signer
 * of ours), else the name itself, so that an unsigned zone below a signed
 * one is found. */
static gboolean
fetch_answer (Walk *walk)
{
  g_autofree char *signer = NULL;

  walk->pkt = ask (walk, walk->qname, walk->qtype);
  if (walk->pkt == NULL)
    return FALSE;
  walk->result->rcode = ldns_pkt_get_rcode (walk->pkt);
  ldns_rr_list_deep_free (walk->result->answer);
  walk->result->answer = records (walk->pkt, walk->qname, walk->qtype, LDNS_SECTION_ANSWER);
  if (ldns_rr_list_rr_count (walk->result->answer) > 0)
    {
      walk->checked = ldns_rr_list_clone (walk->result->answer);
      walk->checked_owner = g_strdup (walk->qname);
    }
  else
    {
      ldns_rr_list *auth = ldns_pkt_authority (walk->pkt);

      walk->checked_section = LDNS_SECTION_AUTHORITY;
      for (size_t i = 0; auth != NULL && i < ldns_rr_list_rr_count (auth); i++)
        if (ldns_rr_get_type (ldns_rr_list_rr (auth, i)) == LDNS_RR_TYPE_SOA)
          {
            walk->checked_owner = _mfd_dns_dname_to_string (ldns_rr_owner (ldns_rr_list_rr (auth, i)));
            walk->checked = records (walk->pkt, walk->checked_owner, LDNS_RR_TYPE_SOA,
                                     LDNS_SECTION_AUTHORITY);
            break;
          }
    }

  signer = find_signer (walk);
  if (signer != NULL && mfd_host_is_same_or_below (signer, walk->anchor_zone) &&
      mfd_host_is_same_or_below (walk->qname, signer))
    walk->target = g_strdup (signer);
  else
    walk->target = g_strdup (walk->checked_owner != NULL &&
                             mfd_host_is_same_or_below (walk->checked_owner, walk->anchor_zone) ?
                             walk->checked_owner : walk->qname);
  return TRUE;
}

/* The answer itself, with the keys of the zone reached; a negative
 * answer also needs its proof. */
static gboolean
check_answer (Walk *walk)
{
  MfdDnssecResult *result = walk->result;

  if (walk->checked == NULL)
    {
      result->status = MFD_DNSSEC_BOGUS;
      result->failure = MFD_DNSSEC_FAILURE_SIGNATURE_MISSING;
      set_str (&result->zone, walk->key_zone);
      result->rrset = g_strdup_printf ("%s/SOA", zone_label (walk->key_zone));
      result->detail = g_strdup_printf ("The negative answer for %s carries no signed SOA "
                                        "although the zone %s is signed", walk->qname,
                                        zone_label (walk->key_zone));
      return FALSE;
    }
  if (!check_rrset (walk, walk->pkt, walk->checked_section, walk->checked, walk->checked_owner,
                    walk->key_zone, walk->keys))
    return FALSE;
  if (ldns_rr_list_rr_count (result->answer) == 0 &&
      !prove_denial (walk, walk->pkt, walk->qname, walk->qtype, walk->key_zone, walk->keys))
    return FALSE;

  result->status = MFD_DNSSEC_SECURE;
  set_str (&result->zone, walk->key_zone);
  result->detail = g_strdup_printf ("%s by %s, chain from the trust anchor of %s holds",
                                    ldns_rr_list_rr_count (result->answer) > 0
                                    ? "Signed" : "No such records, proven",
                                    zone_label (walk->key_zone), zone_label (walk->anchor_zone));
  return TRUE;
}

MfdDnssecResult *
mfd_dnssec_lookup_cached (MfdDnsResolver     *resolver,
                          const ldns_rr_list *anchors,
                          const char         *name,
                          ldns_rr_type        type,
                          MfdDnssecCache     *cache,
                          GCancellable       *cancellable)
{
  MfdDnssecResult *result = g_new0 (MfdDnssecResult, 1);
  Walk walk = { resolver, cache, cancellable, result, time (NULL), };
  gsize len;

  result->status = MFD_DNSSEC_INDETERMINATE;
  result->rcode = -1;
  result->zone = g_strdup ("");
  result->answer = ldns_rr_list_new ();
  g_return_val_if_fail (resolver != NULL && name != NULL, result);

  len = strlen (name);
  if (len > 0 && name[len - 1] == '.')
    len--;
  walk.qname = g_ascii_strdown (name, len);
  walk.qtype = type;
  walk.checked_section = LDNS_SECTION_ANSWER;

  if (find_anchor (&walk, anchors) && fetch_answer (&walk) && walk_chain (&walk))
    check_answer (&walk);
  walk_clear (&walk);
  return result;
}

MfdDnssecResult *
mfd_dnssec_lookup (MfdDnsResolver     *resolver,
                   const ldns_rr_list *anchors,
                   const char         *name,
                   ldns_rr_type        type,
                   GCancellable       *cancellable)
{
  return mfd_dnssec_lookup_cached (resolver, anchors, name, type, NULL, cancellable);
}
