/* mfd-dns.c — the resolver checks: A/AAAA and MX
 *
 * The packets, the resolver and the authority check live in the other
 * mfd-dns-*.c files (see mfd-dns-private.h).
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-dns"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mfd-dns-private.h"
#include "mfd-host.h"
#include "mfd-text.h"

typedef struct
{
  guint16  preference;
  char    *host;
} MxEntry;

static char *
join_with (GPtrArray  *strings,
           const char *separator)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < strings->len; i++)
    {
      if (i > 0)
        g_string_append (out, separator);
      g_string_append (out, g_ptr_array_index (strings, i));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
join_chain (GPtrArray *chain)
{
  return join_with (chain, " -> ");
}

char *
_mfd_dns_join_strings (GPtrArray *strings)
{
  return join_with (strings, ", ");
}

void
_mfd_dns_set_fact_uint (MfdObservation *obs,
                        const char     *key,
                        guint64         value)
{
  char buffer[32];

  g_snprintf (buffer, sizeof buffer, "%" G_GUINT64_FORMAT, value);
  mfd_observation_set_fact (obs, key, buffer);
}

void
_mfd_dns_finish_observation (MfdObservation *obs,
                             gint64          started)
{
  obs->ms = (g_get_monotonic_time () - started) / 1000;
}

/* Sets outcome, cause and detail of @obs for a lookup that did not give
 * records. Returns TRUE when it did (the lookup failed). */
gboolean
_mfd_dns_report_lookup_failure (MfdDnsResolver *self,
                                MfdObservation *obs,
                                const char     *name,
                                Lookup         *lookup)
{
  Reply *reply = &lookup->reply;
  const char *server = reply->server != NULL ? reply->server : self->description;

  mfd_observation_set_fact (obs, "resolver", server);
  if (reply->pkt != NULL)
    mfd_observation_set_fact (obs, "rcode", _mfd_dns_rcode_name (reply->pkt));
  if (reply->tcp)
    mfd_observation_set_fact (obs, "transport", "tcp");
  if (lookup->chain->len > 1)
    {
      g_autofree char *chain = join_chain (lookup->chain);
      mfd_observation_set_fact (obs, "cname", chain);
    }

  switch (lookup->status)
    {
    case LOOKUP_FOUND:
    case LOOKUP_NODATA:
      return FALSE;

    case LOOKUP_NXDOMAIN:
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-nxdomain");
      if (lookup->chain->len > 1)
        mfd_observation_set_detail (obs, N_("{1} is an alias of {2}, which does not exist in DNS (NXDOMAIN)."),
                                    name, g_ptr_array_index (lookup->chain, lookup->chain->len - 1), NULL);
      else
        mfd_observation_set_detail (obs, N_("According to DNS, {1} does not exist (NXDOMAIN)."), name, NULL);
      return TRUE;

    case LOOKUP_ALIAS_LOOP:
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-no-address");
      mfd_observation_set_detail (obs, N_("The aliases (CNAME) of {1} loop or are too long to follow."), name, NULL);
      return TRUE;

    case LOOKUP_FAILED:
    default:
      break;
    }

  switch (reply->status)
    {
    case REPLY_ERROR_RCODE:
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-servfail");
      mfd_observation_set_detail (obs, N_("The DNS server {2} could not answer for {1} ({3})."),
                                  name, server, _mfd_dns_rcode_name (reply->pkt), NULL);
      break;

    case REPLY_MALFORMED:
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-servfail");
      mfd_observation_set_fact (obs, "malformed", "true");
      if (reply->error != NULL)
        mfd_observation_set_fact (obs, "error", reply->error);
      mfd_observation_set_detail (obs, N_("The DNS server {2} sent a reply for {1} that could not be read."),
                                  name, server, NULL);
      break;

    case REPLY_TIMEOUT:
      {
        char seconds[32];

        g_snprintf (seconds, sizeof seconds, "%g", self->timeout_ms / 1000.0);
        obs->outcome = MFD_OUTCOME_FAIL;
        mfd_observation_set_cause (obs, "dns-timeout");
        mfd_observation_set_detail (obs, N_("The DNS server {2} did not answer for {1} within the timeout of {3} s."),
                                    name, server, seconds, NULL);
      }
      break;

    case REPLY_CANCELLED:
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_fact (obs, "cancelled", "true");
      mfd_observation_set_detail (obs, N_("The DNS lookup of {1} was cancelled."), name, NULL);
      break;

    case REPLY_UNREACHABLE:
    case REPLY_NONE:
    case REPLY_ANSWER:
    default:
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      if (self->servers->len == 0)
        mfd_observation_set_detail (obs, N_("No DNS server is configured on this computer, so {1} could not be looked up."),
                                    name, NULL);
      else
        {
          if (reply->error != NULL)
            mfd_observation_set_fact (obs, "error", reply->error);
          mfd_observation_set_detail (obs, N_("The DNS server {2} could not be reached from this computer to look up {1}."),
                                      name, server, NULL);
        }
      break;
    }
  return TRUE;
}

static gboolean
is_valid_name (const char *name)
{
  ldns_rdf *dname;

  if (name[0] == '\0' || strlen (name) > 253 || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == '\\' || *p == '"' || *p == '(' || *p == ')' || *p == ';' || *p == '@')
      return FALSE;
  dname = ldns_dname_new_frm_str (name);
  if (dname == NULL)
    return FALSE;
  ldns_rdf_deep_free (dname);
  return TRUE;
}

MfdObservation *
_mfd_dns_check_host (MfdStage     stage,
                     const char  *host,
                     char       **name)
{
  MfdObservation *obs;

  *name = mfd_host_normalize (host);
  if (g_hostname_is_ip_address (*name))
    {
      obs = mfd_observation_new (stage, MFD_OUTCOME_SKIPPED, host, *name, 0);
      mfd_observation_set_detail (obs, N_("{1} is an IP address, so there is nothing to look up in DNS."),
                                  *name, NULL);
      obs->ms = 0;
      return obs;
    }
  if (!is_valid_name (*name))
    {
      /* Whatever was typed or pasted: keep it showable. */
      g_autofree char *shown = mfd_text_sanitize (host, -1, 255);

      obs = mfd_observation_new (stage, MFD_OUTCOME_FAIL, shown, NULL, 0);
      mfd_observation_set_cause (obs, "dns-nxdomain");
      mfd_observation_set_detail (obs, N_("{1} is not a valid DNS name."), shown, NULL);
      obs->ms = 0;
      return obs;
    }
  return NULL;
}

void
_mfd_dns_add_addresses (Lookup    *lookup,
                        GPtrArray *out)
{
  for (guint i = 0; i < lookup->records->len; i++)
    {
      ldns_rr *rr = g_ptr_array_index (lookup->records, i);
      g_autofree char *ip = _mfd_dns_address_rdf_to_string (ldns_rr_rdf (rr, 0));
      gboolean seen = FALSE;

      if (ip == NULL)
        continue;
      for (guint j = 0; j < out->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (out, j), ip);
      if (!seen)
        g_ptr_array_add (out, g_steal_pointer (&ip));
    }
}

/* A long answer cut to its first entries (@kept of @total): how many are
 * checked, which, and how many were left out, in @msgid's words ({1} the
 * name, {2} the total, {3} how many are kept, {4} which, {5} the rest). */
static void
set_left_out_detail (MfdObservation *obs,
                     const char     *msgid,
                     const char     *name,
                     guint           total,
                     GPtrArray      *kept)
{
  g_autofree char *checked = _mfd_dns_join_strings (kept);
  char n_total[16], n_kept[16], left_out[16];

  g_snprintf (n_total, sizeof n_total, "%u", total);
  g_snprintf (n_kept, sizeof n_kept, "%u", kept->len);
  g_snprintf (left_out, sizeof left_out, "%u", total - kept->len);
  mfd_observation_set_fact (obs, "left_out", left_out);
  mfd_observation_set_detail (obs, msgid, name, n_total, n_kept, checked, left_out, NULL);
}

MfdObservation *
mfd_dns_resolve_addresses (MfdDnsResolver  *self,
                           const char      *host,
                           GPtrArray      **addresses,
                           GCancellable    *cancellable)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *answers = NULL;
  MfdObservation *obs;
  Lookup a, aaaa;
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + 2 * (gint64) self->timeout_ms * 1000;
  guint32 ttl;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  if (addresses != NULL)
    *addresses = NULL;

  obs = _mfd_dns_check_host (MFD_STAGE_DNS, host, &name);
  if (obs != NULL)
    {
      if (addresses != NULL && obs->outcome == MFD_OUTCOME_SKIPPED)
        {
          *addresses = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (*addresses, g_strdup (name));
        }
      return obs;
    }

  obs = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_OK, host, NULL, 0);
  _mfd_dns_lookup_init (&a);
  _mfd_dns_lookup_init (&aaaa);

  _mfd_dns_lookup_type (self, name, LDNS_RR_TYPE_A, deadline, cancellable, &a);
  if (_mfd_dns_report_lookup_failure (self, obs, name, &a))
    goto out;

  /* One answer for the name is enough to know the resolver works; AAAA
   * trouble then does not hide the IPv4 addresses. */
  _mfd_dns_lookup_type (self, name, LDNS_RR_TYPE_AAAA, deadline, cancellable, &aaaa);
  if (aaaa.status == LOOKUP_FAILED && aaaa.reply.status == REPLY_CANCELLED)
    {
      _mfd_dns_report_lookup_failure (self, obs, name, &aaaa);
      goto out;
    }
  if (a.status == LOOKUP_NODATA && _mfd_dns_report_lookup_failure (self, obs, name, &aaaa))
    goto out;

  _mfd_dns_add_addresses (&a, found);
  _mfd_dns_add_addresses (&aaaa, found);
  ttl = MIN (a.status == LOOKUP_FOUND ? a.ttl : G_MAXUINT32,
             aaaa.status == LOOKUP_FOUND ? aaaa.ttl : G_MAXUINT32);
  if (aaaa.status != LOOKUP_FOUND && aaaa.status != LOOKUP_NODATA && aaaa.reply.pkt != NULL)
    mfd_observation_set_fact (obs, "aaaa_rcode", _mfd_dns_rcode_name (aaaa.reply.pkt));
  else if (aaaa.status == LOOKUP_FAILED)
    mfd_observation_set_fact (obs, "aaaa_error", aaaa.reply.error != NULL ? aaaa.reply.error : "timeout");

  if (found->len == 0)
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-no-address");
      if (a.chain->len > 1)
        mfd_observation_set_detail (obs, N_("{1} is an alias of {2}, which has no IPv4 or IPv6 address."),
                                    name, g_ptr_array_index (a.chain, a.chain->len - 1), NULL);
      else
        mfd_observation_set_detail (obs, N_("{1} exists in DNS but has no IPv4 or IPv6 address."), name, NULL);
      goto out;
    }

  answers = _mfd_dns_join_strings (found);
  mfd_observation_set_fact (obs, "answers", answers);
  if (ttl != G_MAXUINT32)
    _mfd_dns_set_fact_uint (obs, "ttl", ttl);
  if (found->len > MFD_DNS_MAX_ADDRESSES)
    {
      g_autoptr(GPtrArray) first = g_ptr_array_new ();

      for (guint i = 0; i < MFD_DNS_MAX_ADDRESSES; i++)
        g_ptr_array_add (first, g_ptr_array_index (found, i));
      set_left_out_detail (obs, N_("{1} resolves to {2} addresses. Only the first {3} are checked ({4}); "
                                   "the other {5} were left out."),
                           name, found->len, first);
    }
  else
    mfd_observation_set_detail (obs, N_("{1} resolves to {2}."), name, answers, NULL);
  if (addresses != NULL)
    *addresses = g_steal_pointer (&found);

out:
  _mfd_dns_lookup_clear (&a);
  _mfd_dns_lookup_clear (&aaaa);
  _mfd_dns_finish_observation (obs, started);
  return obs;
}

static gint
compare_mx (gconstpointer a,
            gconstpointer b)
{
  const MxEntry *x = *(MxEntry * const *) a;
  const MxEntry *y = *(MxEntry * const *) b;

  return (gint) x->preference - (gint) y->preference;
}

static void
mx_entry_free (MxEntry *entry)
{
  g_free (entry->host);
  g_free (entry);
}

/* No MX record: RFC 5321's implicit MX, the domain's own address. FALSE,
 * with the address lookup's verdict in @obs, when there is none. */
static gboolean
follow_implicit_mx (MfdDnsResolver *self,
                    MfdObservation *obs,
                    const char     *name,
                    GCancellable   *cancellable)
{
  g_autoptr(MfdObservation) address = mfd_dns_resolve_addresses (self, name, NULL, cancellable);

  if (address->outcome != MFD_OUTCOME_OK)
    {
      obs->outcome = address->outcome;
      mfd_observation_set_cause (obs, address->cause);
      if (address->facts != NULL)
        {
          GHashTableIter iter;
          gpointer key, value;

          g_hash_table_iter_init (&iter, address->facts);
          while (g_hash_table_iter_next (&iter, &key, &value))
            mfd_observation_set_fact (obs, key, value);
        }
      if (g_strcmp0 (address->cause, "dns-no-address") == 0)
        mfd_observation_set_detail (obs, N_("{1} has neither an MX record nor an address, so it cannot receive mail."),
                                    name, NULL);
      else
        mfd_observation_set_detailv (obs, address->detail_msgid,
                                     (const char * const *) address->detail_args);
      return FALSE;
    }
  mfd_observation_set_fact (obs, "implicit_mx", "true");
  mfd_observation_set_fact (obs, "resolver", mfd_observation_get_fact (address, "resolver"));
  mfd_observation_set_fact (obs, "ttl", mfd_observation_get_fact (address, "ttl"));
  mfd_observation_set_fact (obs, "answers", name);
  mfd_observation_set_detail (obs, N_("{1} has no MX record, so mail goes to the domain's own address ({2})."),
                              name, mfd_observation_get_fact (address, "answers"), NULL);
  return TRUE;
}

/* The MX records of @mx in preference order (GLib's sort is stable: equal
 * preferences keep the resolver's order), and fact "answers" listing them. */
static GPtrArray *
read_mx_entries (MfdObservation *obs,
                 Lookup         *mx)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mx_entry_free);
  g_autoptr(GString) answers = g_string_new (NULL);

  for (guint i = 0; i < mx->records->len; i++)
    {
      ldns_rr *rr = g_ptr_array_index (mx->records, i);
      MxEntry *entry;

      if (ldns_rr_rd_count (rr) < 2)
        continue;
      entry = g_new0 (MxEntry, 1);
      entry->preference = ldns_rdf2native_int16 (ldns_rr_rdf (rr, 0));
      entry->host = _mfd_dns_dname_to_string (ldns_rr_rdf (rr, 1));
      g_ptr_array_add (entries, entry);
    }
  g_ptr_array_sort (entries, compare_mx);

  for (guint i = 0; i < entries->len; i++)
    {
      MxEntry *entry = g_ptr_array_index (entries, i);

      if (i > 0)
        g_string_append (answers, ", ");
      g_string_append_printf (answers, "%u %s", entry->preference,
                              entry->host[0] != '\0' ? entry->host : ".");
    }
  mfd_observation_set_fact (obs, "answers", answers->str);
  return entries;
}

/* The hosts to check, in order, each once, at most MFD_DNS_MAX_MX_HOSTS;
 * FALSE for a null MX (the domain takes no mail). */
static gboolean
pick_mx_hosts (MfdObservation *obs,
               const char     *name,
               GPtrArray      *entries,
               GPtrArray      *found)
{
  guint n_left_out = 0;

  if (entries->len == 1 && ((MxEntry *) g_ptr_array_index (entries, 0))->host[0] == '\0')
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "dns-no-address");
      mfd_observation_set_fact (obs, "null_mx", "true");
      mfd_observation_set_detail (obs, N_("{1} publishes a null MX record: the domain says it accepts no mail."),
                                  name, NULL);
      return FALSE;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      MxEntry *entry = g_ptr_array_index (entries, i);

      /* A "." among real hosts is meaningless (RFC 7505 §3); skip it. A
       * host listed twice is checked once. */
      if (entry->host[0] == '\0' ||
          g_ptr_array_find_with_equal_func (found, entry->host, g_str_equal, NULL))
        continue;
      if (found->len < MFD_DNS_MAX_MX_HOSTS)
        g_ptr_array_add (found, g_strdup (entry->host));
      else
        n_left_out++;
    }
  /* Thousands of MX records would otherwise become thousands of
   * connections and web lookups. */
  if (n_left_out > 0)
    set_left_out_detail (obs, N_("{1} lists {2} mail servers (MX). Only the first {3} by preference are checked "
                                 "({4}); the other {5} were left out."),
                         name, found->len + n_left_out, found);
  else
    mfd_observation_set_detail (obs, N_("Mail for {1} goes to {2}."),
                                name, mfd_observation_get_fact (obs, "answers"), NULL);
  return TRUE;
}

MfdObservation *
mfd_dns_resolve_mx (MfdDnsResolver  *self,
                    const char      *domain,
                    GPtrArray      **hosts,
                    GCancellable    *cancellable)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  MfdObservation *obs;
  Lookup mx;
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + 2 * (gint64) self->timeout_ms * 1000;
  gboolean ok;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  if (hosts != NULL)
    *hosts = NULL;

  obs = _mfd_dns_check_host (MFD_STAGE_DNS, domain, &name);
  if (obs != NULL)
    return obs;

  obs = mfd_observation_new (MFD_STAGE_DNS, MFD_OUTCOME_OK, domain, NULL, 0);
  /* The public view compares it with the MX lookup there, not addresses. */
  mfd_observation_set_fact (obs, "rrtype", "MX");
  _mfd_dns_lookup_init (&mx);
  _mfd_dns_lookup_type (self, name, LDNS_RR_TYPE_MX, deadline, cancellable, &mx);
  if (_mfd_dns_report_lookup_failure (self, obs, name, &mx))
    ok = FALSE;
  else if (mx.status == LOOKUP_NODATA)
    {
      ok = follow_implicit_mx (self, obs, name, cancellable);
      if (ok)
        g_ptr_array_add (found, g_strdup (name));
    }
  else
    {
      g_autoptr(GPtrArray) entries = read_mx_entries (obs, &mx);

      _mfd_dns_set_fact_uint (obs, "ttl", mx.ttl);
      ok = pick_mx_hosts (obs, name, entries, found);
    }

  if (ok && hosts != NULL)
    *hosts = g_steal_pointer (&found);
  _mfd_dns_lookup_clear (&mx);
  _mfd_dns_finish_observation (obs, started);
  return obs;
}
