/* mfd-lab-zone.c — a DNSSEC-signed zone made at run time
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-lab-zone"

#include "config.h"

#include <time.h>

#include "mfd-lab-zone.h"

struct _MfdLabZone
{
  char            *apex;
  ldns_key_list   *keys;
  ldns_rr         *dnskey;
  MfdLabZoneDenial denial;
  ldns_rr_list    *served;      /* every record served in the zone, no RRSIG */
  gboolean         signs;       /* whether anything was served signed */
};

static void
set_validity (ldns_key *key,
              gint64    inception,
              gint64    expiration)
{
  gint64 now = time (NULL);

  ldns_key_set_inception (key, (uint32_t) (now + inception));
  ldns_key_set_expiration (key, (uint32_t) (now + expiration));
}

MfdLabZone *
mfd_lab_zone_new (const char *apex)
{
  MfdLabZone *self;
  ldns_key *key;
  g_autofree char *owner = NULL;

  g_return_val_if_fail (apex != NULL, NULL);

  key = ldns_key_new_frm_algorithm (LDNS_SIGN_ECDSAP256SHA256, 256);
  if (key == NULL)
    {
      g_warning ("ldns could not make an ECDSA P-256 key");
      return NULL;
    }
  owner = g_str_has_suffix (apex, ".") ? g_strdup (apex) : g_strconcat (apex, ".", NULL);
  ldns_key_set_pubkey_owner (key, ldns_dname_new_frm_str (owner));
  ldns_key_set_flags (key, LDNS_KEY_ZONE_KEY | LDNS_KEY_SEP_KEY);
  set_validity (key, -3600, 86400);

  self = g_new0 (MfdLabZone, 1);
  self->apex = g_ascii_strdown (owner, strlen (owner) - 1);
  self->dnskey = ldns_key2rr (key);
  ldns_key_set_keytag (key, ldns_calc_keytag (self->dnskey));
  self->keys = ldns_key_list_new ();
  ldns_key_list_push_key (self->keys, key);
  self->denial = MFD_LAB_ZONE_DENIAL_NSEC;
  self->served = ldns_rr_list_new ();
  return self;
}

void
mfd_lab_zone_free (MfdLabZone *self)
{
  if (self == NULL)
    return;
  g_free (self->apex);
  ldns_rr_free (self->dnskey);
  ldns_rr_list_deep_free (self->served);
  ldns_key_list_free (self->keys);
  g_free (self);
}

const char *
mfd_lab_zone_get_apex (MfdLabZone *self)
{
  return self->apex;
}

const ldns_rr *
mfd_lab_zone_get_dnskey (MfdLabZone *self)
{
  return self->dnskey;
}

ldns_rr *
mfd_lab_zone_make_ds (MfdLabZone *self)
{
  return ldns_key_rr2ds (self->dnskey, LDNS_SHA256);
}

void
mfd_lab_zone_set_validity (MfdLabZone *self,
                           gint64      inception,
                           gint64      expiration)
{
  set_validity (ldns_key_list_key (self->keys, 0), inception, expiration);
}

void
mfd_lab_zone_set_denial (MfdLabZone       *self,
                         MfdLabZoneDenial  denial)
{
  self->denial = denial;
}

/* The RRSIGs over @rrset (one owner and type), appended to @out. */
static gboolean
sign_into (MfdLabZone   *self,
           ldns_rr_list *rrset,
           ldns_rr_list *out)
{
  ldns_rr_list *sigs = ldns_sign_public (rrset, self->keys);

  if (sigs == NULL || ldns_rr_list_rr_count (sigs) == 0)
    {
      g_warning ("ldns could not sign the records of %s", self->apex);
      if (sigs != NULL)
        ldns_rr_list_deep_free (sigs);
      return FALSE;
    }
  for (size_t i = 0; i < ldns_rr_list_rr_count (sigs); i++)
    ldns_rr_list_push_rr (out, ldns_rr_clone (ldns_rr_list_rr (sigs, i)));
  ldns_rr_list_deep_free (sigs);
  return TRUE;
}

static gint
compare_dnames (gconstpointer a,
                gconstpointer b)
{
  return ldns_dname_compare (*(ldns_rdf *const *) a, *(ldns_rdf *const *) b);
}

static gboolean
has_dname (GPtrArray      *names,
           const ldns_rdf *name)
{
  for (guint i = 0; i < names->len; i++)
    if (ldns_dname_compare (g_ptr_array_index (names, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* The zone's names in canonical order (RFC 4034 §6.1); with @with_empty
 * also the empty non-terminals between a name and the apex, which NSEC3
 * must cover (RFC 5155 §7.1). */
static GPtrArray *
zone_names (MfdLabZone *self,
            gboolean    with_empty)
{
  GPtrArray *names = g_ptr_array_new_with_free_func ((GDestroyNotify) ldns_rdf_deep_free);
  ldns_rdf *apex = ldns_rr_owner (self->dnskey);

  g_ptr_array_add (names, ldns_rdf_clone (apex));
  for (size_t i = 0; i < ldns_rr_list_rr_count (self->served); i++)
    {
      ldns_rdf *name = ldns_rdf_clone (ldns_rr_owner (ldns_rr_list_rr (self->served, i)));

      while (name != NULL && !has_dname (names, name) && ldns_dname_is_subdomain (name, apex))
        {
          ldns_rdf *up = with_empty ? ldns_dname_left_chop (name) : NULL;

          g_ptr_array_add (names, name);
          name = up;
        }
      if (name != NULL)
        ldns_rdf_deep_free (name);
    }
  g_ptr_array_sort (names, compare_dnames);
  return names;
}

/* Whether the zone serves records of @type at @name (any type for 0). */
static gboolean
has_records (MfdLabZone     *self,
             const ldns_rdf *name,
             ldns_rr_type    type)
{
  for (size_t i = 0; i < ldns_rr_list_rr_count (self->served); i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (self->served, i);

      if (ldns_dname_compare (ldns_rr_owner (rr), name) == 0 &&
          (type == 0 || ldns_rr_get_type (rr) == type))
        return TRUE;
    }
  return FALSE;
}

static ldns_rr_list *
make_nsec3_chain (MfdLabZone *self)
{
  g_autoptr(GPtrArray) names = zone_names (self, TRUE);
  ldns_rr_list *chain = ldns_rr_list_new ();
  gboolean opt_out = self->denial == MFD_LAB_ZONE_DENIAL_NSEC3_OPT_OUT;

  /* SHA-1, no salt, no extra iterations (RFC 9276). With opt-out, the
   * unsigned delegations (NS without DS) get no NSEC3 of their own, as in
   * large TLDs: the span over them has the opt-out flag. */
  for (guint i = 0; i < names->len; i++)
    {
      ldns_rdf *name = g_ptr_array_index (names, i);

      if (opt_out && has_records (self, name, LDNS_RR_TYPE_NS) && !has_records (self, name, LDNS_RR_TYPE_DS) &&
          ldns_dname_compare (name, ldns_rr_owner (self->dnskey)) != 0)
        continue;
      ldns_rr_list_push_rr (chain, ldns_create_nsec3 (name, ldns_rr_owner (self->dnskey), self->served,
                                                      LDNS_SHA1, opt_out ? LDNS_NSEC3_VARS_OPTOUT_MASK : 0,
                                                      0, 0, NULL, !has_records (self, name, 0)));
    }
  ldns_rr_list_sort_nsec3 (chain);
  ldns_dnssec_chain_nsec3_list (chain);
  return chain;
}

static ldns_rr_list *
make_nsec_chain (MfdLabZone *self)
{
  g_autoptr(GPtrArray) names = zone_names (self, FALSE);
  ldns_rr_list *chain = ldns_rr_list_new ();

  for (guint i = 0; i < names->len; i++)
    ldns_rr_list_push_rr (chain, ldns_create_nsec (g_ptr_array_index (names, i),
                                                   g_ptr_array_index (names, (i + 1) % names->len),
                                                   self->served));
  return chain;
}

/* Makes the zone's NSEC or NSEC3 chain over what it serves so far, signs
 * it and hands it to @dns (replacing the previous one). */
static gboolean
publish_denial (MfdLabZone *self,
                MfdLabDns  *dns)
{
  ldns_rr_list *chain, *out;
  gboolean ok = TRUE;

  if (!self->signs || self->denial == MFD_LAB_ZONE_DENIAL_NONE)
    {
      mfd_lab_dns_set_denial (dns, self->apex, NULL);
      return TRUE;
    }
  chain = self->denial == MFD_LAB_ZONE_DENIAL_NSEC3 || self->denial == MFD_LAB_ZONE_DENIAL_NSEC3_OPT_OUT
          ? make_nsec3_chain (self) : make_nsec_chain (self);
  out = ldns_rr_list_new ();
  for (size_t i = 0; ok && i < ldns_rr_list_rr_count (chain); i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (chain, i);
      ldns_rr_list *one = ldns_rr_list_new ();

      ldns_rr_set_ttl (rr, 300);
      ldns_rr_list_push_rr (one, rr);
      ok = sign_into (self, one, out);
      ldns_rr_list_free (one);
      if (self->denial == MFD_LAB_ZONE_DENIAL_NSEC_FORGED)
        {
          /* A span widened after signing: "nothing between me and the
           * apex", which the zone's key never said. */
          ldns_rdf_deep_free (ldns_rr_set_rdf (rr, ldns_rdf_clone (ldns_rr_owner (self->dnskey)), 0));
        }
      ldns_rr_list_push_rr (out, ldns_rr_clone (rr));
    }
  if (ok)
    mfd_lab_dns_set_denial (dns, self->apex, out);
  ldns_rr_list_deep_free (out);
  ldns_rr_list_deep_free (chain);
  return ok;
}

static gboolean
serve_list (MfdLabZone   *self,
            MfdLabDns    *dns,
            gboolean      sign,
            ldns_rr_list *rrset)
{
  if (sign)
    {
      ldns_rr_list *sigs = ldns_rr_list_new ();

      if (!sign_into (self, rrset, sigs))
        {
          ldns_rr_list_deep_free (sigs);
          return FALSE;
        }
      for (size_t i = 0; i < ldns_rr_list_rr_count (sigs); i++)
        mfd_lab_dns_add_rr (dns, ldns_rr_list_rr (sigs, i));
      ldns_rr_list_deep_free (sigs);
      self->signs = TRUE;
    }
  for (size_t i = 0; i < ldns_rr_list_rr_count (rrset); i++)
    {
      mfd_lab_dns_add_rr (dns, ldns_rr_list_rr (rrset, i));
      ldns_rr_list_push_rr (self->served, ldns_rr_clone (ldns_rr_list_rr (rrset, i)));
    }
  return publish_denial (self, dns);
}

gboolean
mfd_lab_zone_serve (MfdLabZone        *self,
                    MfdLabDns         *dns,
                    gboolean           sign,
                    const char *const *lines)
{
  ldns_rr_list *rrset = ldns_rr_list_new ();
  gboolean ok;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      ldns_rr *rr = NULL;
      ldns_status status = ldns_rr_new_frm_str (&rr, lines[i], 3600, NULL, NULL);

      if (status != LDNS_STATUS_OK)
        {
          g_warning ("Cannot read the record “%s”: %s", lines[i], ldns_get_errorstr_by_id (status));
          ldns_rr_list_deep_free (rrset);
          return FALSE;
        }
      ldns_rr_list_push_rr (rrset, rr);
    }
  ok = serve_list (self, dns, sign, rrset);
  ldns_rr_list_deep_free (rrset);
  return ok;
}

gboolean
mfd_lab_zone_serve_apex (MfdLabZone *self,
                         MfdLabDns  *dns)
{
  g_autofree char *soa = g_strdup_printf ("%s. 3600 IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300",
                                          self->apex, self->apex, self->apex);
  const char *soa_lines[] = { soa, NULL };
  ldns_rr_list *keys = ldns_rr_list_new ();
  gboolean ok;

  ldns_rr_list_push_rr (keys, ldns_rr_clone (self->dnskey));
  ok = mfd_lab_zone_serve (self, dns, TRUE, soa_lines) && serve_list (self, dns, TRUE, keys);
  ldns_rr_list_deep_free (keys);
  return ok;
}

gboolean
mfd_lab_zone_serve_delegation (MfdLabZone *self,
                               MfdLabDns  *dns,
                               const char *child)
{
  g_autofree char *apex = g_str_has_suffix (child, ".") ? g_strndup (child, strlen (child) - 1)
                                                        : g_strdup (child);
  g_autofree char *line = g_strdup_printf ("%s. 3600 IN NS ns.%s.", apex, apex);
  const char *lines[] = { line, NULL };

  /* The delegation's NS set is not signed in the parent (RFC 4035 §2.2). */
  return mfd_lab_zone_serve (self, dns, FALSE, lines);
}

gboolean
mfd_lab_zone_serve_ds (MfdLabZone *self,
                       MfdLabDns  *dns,
                       MfdLabZone *child)
{
  ldns_rr_list *ds = ldns_rr_list_new ();
  gboolean ok;

  ldns_rr_list_push_rr (ds, mfd_lab_zone_make_ds (child));
  ok = mfd_lab_zone_serve_delegation (self, dns, child->apex) && serve_list (self, dns, TRUE, ds);
  ldns_rr_list_deep_free (ds);
  return ok;
}

gboolean
mfd_lab_zone_write_anchor (MfdLabZone  *self,
                           const char  *path,
                           GError     **error)
{
  ldns_rr *ds = mfd_lab_zone_make_ds (self);
  g_autofree char *text = ldns_rr2str (ds);

  ldns_rr_free (ds);
  return g_file_set_contents (path, text, -1, error);
}
