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
  char          *apex;
  ldns_key_list *keys;
  ldns_rr       *dnskey;
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
  return self;
}

void
mfd_lab_zone_free (MfdLabZone *self)
{
  if (self == NULL)
    return;
  g_free (self->apex);
  ldns_rr_free (self->dnskey);
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

static gboolean
serve_list (MfdLabZone   *self,
            MfdLabDns    *dns,
            gboolean      sign,
            ldns_rr_list *rrset)
{
  if (sign)
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
        mfd_lab_dns_add_rr (dns, ldns_rr_list_rr (sigs, i));
      ldns_rr_list_deep_free (sigs);
    }
  for (size_t i = 0; i < ldns_rr_list_rr_count (rrset); i++)
    mfd_lab_dns_add_rr (dns, ldns_rr_list_rr (rrset, i));
  return TRUE;
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
mfd_lab_zone_serve_ds (MfdLabZone *self,
                       MfdLabDns  *dns,
                       MfdLabZone *child)
{
  ldns_rr_list *ds = ldns_rr_list_new ();
  gboolean ok;

  ldns_rr_list_push_rr (ds, mfd_lab_zone_make_ds (child));
  ok = serve_list (self, dns, TRUE, ds);
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
