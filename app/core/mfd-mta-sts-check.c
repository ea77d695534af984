/* mfd-mta-sts-check.c — MTA-STS checked live
 *
 * RFC 8461 as Exchange Online applies it to mail it delivers by MX: a
 * domain that publishes "v=STSv1" at _mta-sts.<domain> serves its policy at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt over a publicly trusted
 * certificate. Under "enforce" every MX host must match one of the
 * policy's mx: patterns (else 4.4.8) and present a valid certificate for
 * its own name (else 4.7.5); under "testing" the same failures are only
 * reported, so they are warnings here.
 *
 * A policy that cannot be read does not stop delivery by itself (a sender
 * without a stored copy goes on without MTA-STS; one with a copy keeps
 * applying it), so problems with the TXT record, the policy host or the
 * file are warnings. A fetch that fails because this computer cannot reach
 * the web is inconclusive: it says nothing about the domain.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-mta-sts"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-mta-sts-check.h"
#include "mfd-dnssec.h"
#include "mfd-tls.h"
#include "mfd-web-private.h"

static const struct
{
  const char *cause;
  const char *eop_code;
} eop_codes[] = {
  { "mta-sts-mx-not-in-policy",    "4.4.8" },
  { "mta-sts-mx-cert-invalid",     "4.7.5" },
  { "mta-sts-policy-unreachable",  "4.4.8" },
  { "mta-sts-policy-cert-invalid", "4.4.8" },
  { "mta-sts-policy-invalid",      "4.4.8" },
};

const char *
mfd_mta_sts_cause_to_eop_code (const char *cause)
{
  for (guint i = 0; cause != NULL && i < G_N_ELEMENTS (eop_codes); i++)
    if (g_str_equal (eop_codes[i].cause, cause))
      return eop_codes[i].eop_code;
  return NULL;
}

void
mfd_mta_sts_txt_free (MfdMtaStsTxt *txt)
{
  if (txt == NULL)
    return;
  g_free (txt->name);
  g_free (txt->record);
  g_free (txt->id);
  g_free (txt->error);
  g_free (txt->tls_rpt);
  g_free (txt);
}

/* TXT lookups ---------------------------------------------------------------- */

/* The TXT records at @name starting with @prefix (case-insensitively), each
 * one's strings joined as RFC 8461 §3.1 / RFC 8460 §3 say. NULL with
 * @error when the lookup failed; an empty array when there are none. */
static GPtrArray *
lookup_txt (MfdDnsResolver *resolver,
            const char     *name,
            const char     *prefix,
            GCancellable   *cancellable,
            char          **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  ldns_pkt *pkt = mfd_dns_resolver_query_dnssec (resolver, name, LDNS_RR_TYPE_TXT, cancellable, error);
  ldns_rr_list *answer;

  if (pkt == NULL)
    return NULL;
  if (ldns_pkt_get_rcode (pkt) == LDNS_RCODE_NXDOMAIN)
    {
      ldns_pkt_free (pkt);
      return g_steal_pointer (&found);
    }
  if (ldns_pkt_get_rcode (pkt) != LDNS_RCODE_NOERROR)
    {
      *error = g_strdup_printf ("the resolver answered %s",
                                ldns_pkt_get_rcode (pkt) == LDNS_RCODE_SERVFAIL ? "SERVFAIL" : "with an error");
      ldns_pkt_free (pkt);
      return NULL;
    }

  answer = ldns_pkt_answer (pkt);
  /* A bounded answer (the resolver's reply), but be explicit: a domain
   * that publishes hundreds of TXT records gets the first few looked at. */
  for (size_t i = 0; i < ldns_rr_list_rr_count (answer) && found->len < 16; i++)
    {
      ldns_rr *rr = ldns_rr_list_rr (answer, i);
      g_autoptr(GString) text = NULL;

      if (ldns_rr_get_type (rr) != LDNS_RR_TYPE_TXT)
        continue;
      text = g_string_new (NULL);
      for (size_t j = 0; j < ldns_rr_rd_count (rr); j++)
        {
          ldns_rdf *rdf = ldns_rr_rdf (rr, j);
          const guint8 *data = ldns_rdf_data (rdf);
          gsize size = ldns_rdf_size (rdf);

          if (size >= 1 && data[0] <= size - 1)
            g_string_append_len (text, (const char *) data + 1, data[0]);
        }
      if (g_ascii_strncasecmp (text->str, prefix, strlen (prefix)) == 0)
        g_ptr_array_add (found, g_strndup (text->str, MIN (text->len, 1024)));
    }
  ldns_pkt_free (pkt);
  return g_steal_pointer (&found);
}

static char *
join_records (GPtrArray *records)
{
  g_ptr_array_add (records, NULL);
  {
    char *joined = g_strjoinv (" | ", (char **) records->pdata);

    g_ptr_array_remove_index (records, records->len - 1);
    return joined;
  }
}

MfdMtaStsTxt *
mfd_mta_sts_lookup (MfdDnsResolver *resolver,
                    const char     *domain,
                    GCancellable   *cancellable)
{
  MfdMtaStsTxt *txt = g_new0 (MfdMtaStsTxt, 1);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autofree char *rpt_name = g_strdup_printf ("_smtp._tls.%s", domain);
  g_autofree char *rpt_error = NULL;

  txt->name = g_strdup_printf ("_mta-sts.%s", domain);
  records = lookup_txt (resolver, txt->name, "v=STSv1", cancellable, &txt->error);
  if (records == NULL)
    txt->status = MFD_MTA_STS_TXT_FAILED;
  else if (records->len == 0)
    txt->status = MFD_MTA_STS_TXT_NONE;
  else
    {
      txt->record = join_records (records);
      /* RFC 8461 §3.1: more than one record means no policy at all. */
      if (records->len > 1)
        {
          txt->status = MFD_MTA_STS_TXT_INVALID;
          txt->error = g_strdup_printf ("%u v=STSv1 records are published; there must be exactly one", records->len);
        }
      else if (mfd_mta_sts_parse_txt (g_ptr_array_index (records, 0), &txt->id, &txt->error))
        txt->status = MFD_MTA_STS_TXT_FOUND;
      else
        txt->status = MFD_MTA_STS_TXT_INVALID;
    }

  /* TLS reporting: information only, whatever the policy. */
  reports = lookup_txt (resolver, rpt_name, "v=TLSRPTv1", cancellable, &rpt_error);
  if (reports != NULL && reports->len > 0)
    txt->tls_rpt = join_records (reports);
  return txt;
}

static void
set_common_facts (MfdObservation     *obs,
                  const MfdMtaStsTxt *txt)
{
  mfd_observation_set_fact (obs, "mta-sts-record", txt->record != NULL ? txt->record : "none");
  mfd_observation_set_fact (obs, "tls-rpt", txt->tls_rpt != NULL ? txt->tls_rpt : "none");
}

MfdObservation *
mfd_mta_sts_txt_observation (const MfdMtaStsTxt *txt,
                             const char         *domain)
{
  MfdObservation *obs;

  switch (txt->status)
    {
    case MFD_MTA_STS_TXT_FOUND:
      return NULL;
    case MFD_MTA_STS_TXT_NONE:
      obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_OK, domain, NULL, 0);
      if (txt->tls_rpt != NULL)
        mfd_observation_set_detail (obs, N_("{1} publishes no MTA-STS policy (no v=STSv1 record at {2}), so MTA-STS does not apply. TLS reporting is set up: {3}"),
                                    domain, txt->name, txt->tls_rpt, NULL);
      else
        mfd_observation_set_detail (obs, N_("{1} publishes no MTA-STS policy (no v=STSv1 record at {2}), so MTA-STS does not apply. TLS reporting is not set up (no v=TLSRPTv1 record at _smtp._tls.{1})."),
                                    domain, txt->name, NULL);
      break;
    case MFD_MTA_STS_TXT_INVALID:
      obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_WARNING, domain, NULL, 0);
      mfd_observation_set_cause (obs, "mta-sts-policy-invalid");
      mfd_observation_set_detail (obs, N_("The MTA-STS record at {1} cannot be used ({2}), so senders ignore the domain's policy: “{3}”"),
                                  txt->name, txt->error, txt->record, NULL);
      break;
    case MFD_MTA_STS_TXT_FAILED:
    default:
      obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_INCONCLUSIVE, domain, NULL, 0);
      mfd_observation_set_detail (obs, N_("The MTA-STS record at {1} could not be looked up from here: {2}"),
                                  txt->name, txt->error != NULL ? txt->error : "", NULL);
      break;
    }
  set_common_facts (obs, txt);
  return obs;
}

MfdObservation *
mfd_mta_sts_offline_observation (const MfdMtaStsTxt *txt,
                                 const char         *domain)
{
  MfdObservation *obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_SKIPPED, domain, NULL, 0);

  mfd_observation_set_detail (obs, N_("{1} publishes an MTA-STS policy ({2}), but it was not fetched: lookups on the internet are turned off (offline)."),
                              domain, txt->record, NULL);
  set_common_facts (obs, txt);
  return obs;
}

MfdObservation *
mfd_mta_sts_host_observation (const MfdMtaStsTxt *txt,
                              const char         *domain,
                              MfdObservation     *dns)
{
  g_autofree char *host = g_strdup_printf ("mta-sts.%s", domain);
  g_autofree char *reason = mfd_observation_dup_detail (dns, "en");
  MfdObservation *obs;

  /* The name does not exist or has no address: the domain's doing. Any
   * other failure (a resolver that does not answer) is ours. */
  if (g_strcmp0 (dns->cause, "dns-nxdomain") == 0 || g_strcmp0 (dns->cause, "dns-no-address") == 0)
    {
      obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_WARNING, domain, NULL, 0);
      mfd_observation_set_cause (obs, "mta-sts-policy-unreachable");
      mfd_observation_set_detail (obs, N_("{1} announces an MTA-STS policy ({2}), but the policy host {3} has no address in DNS, so senders cannot fetch the policy."),
                                  domain, txt->record, host, NULL);
    }
  else
    {
      obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_INCONCLUSIVE, domain, NULL, 0);
      mfd_observation_set_detail (obs, N_("The policy host {1} could not be looked up from here: {2}"),
                                  host, reason != NULL ? reason : "", NULL);
    }
  set_common_facts (obs, txt);
  return obs;
}

/* The policy host's addresses, as our resolver found them ------------------ */

/* A GNetworkAddress (so that TLS checks the certificate against its
 * hostname and sends it as SNI) whose addresses are the ones our resolver
 * found, not the system resolver's. */
typedef struct
{
  GNetworkAddress  parent_instance;
  GList           *addresses;   /* (element-type GSocketAddress) */
} MfdPinnedAddress;

typedef struct
{
  GNetworkAddressClass parent_class;
} MfdPinnedAddressClass;

GType mfd_pinned_address_get_type (void);
GType mfd_pinned_enumerator_get_type (void);
static void mfd_pinned_address_connectable_init (GSocketConnectableIface *iface);

G_DEFINE_TYPE_WITH_CODE (MfdPinnedAddress, mfd_pinned_address, G_TYPE_NETWORK_ADDRESS,
                         G_IMPLEMENT_INTERFACE (G_TYPE_SOCKET_CONNECTABLE,
                                                mfd_pinned_address_connectable_init))

typedef struct
{
  GSocketAddressEnumerator  parent_instance;
  GList                    *next;
  GList                    *addresses;
} MfdPinnedEnumerator;

typedef struct
{
  GSocketAddressEnumeratorClass parent_class;
} MfdPinnedEnumeratorClass;

G_DEFINE_TYPE (MfdPinnedEnumerator, mfd_pinned_enumerator, G_TYPE_SOCKET_ADDRESS_ENUMERATOR)

static GSocketAddress *
mfd_pinned_enumerator_next (GSocketAddressEnumerator  *enumerator,
                            GCancellable              *cancellable,
                            GError                   **error)
{
  MfdPinnedEnumerator *self = (MfdPinnedEnumerator *) enumerator;
  GSocketAddress *address;

  if (self->next == NULL)
    return NULL;
  address = g_object_ref (self->next->data);
  self->next = self->next->next;
  return address;
}

static void
mfd_pinned_enumerator_next_async (GSocketAddressEnumerator *enumerator,
                                  GCancellable             *cancellable,
                                  GAsyncReadyCallback       callback,
                                  gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (enumerator, cancellable, callback, user_data);
  GSocketAddress *address = mfd_pinned_enumerator_next (enumerator, cancellable, NULL);

  g_task_set_source_tag (task, mfd_pinned_enumerator_next_async);
  g_task_return_pointer (task, address, address != NULL ? g_object_unref : NULL);
}

static GSocketAddress *
mfd_pinned_enumerator_next_finish (GSocketAddressEnumerator  *enumerator,
                                   GAsyncResult              *result,
                                   GError                   **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
mfd_pinned_enumerator_finalize (GObject *object)
{
  MfdPinnedEnumerator *self = (MfdPinnedEnumerator *) object;

  g_list_free_full (self->addresses, g_object_unref);
  G_OBJECT_CLASS (mfd_pinned_enumerator_parent_class)->finalize (object);
}

static void
mfd_pinned_enumerator_class_init (MfdPinnedEnumeratorClass *klass)
{
  GSocketAddressEnumeratorClass *enumerator_class = G_SOCKET_ADDRESS_ENUMERATOR_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = mfd_pinned_enumerator_finalize;
  enumerator_class->next = mfd_pinned_enumerator_next;
  enumerator_class->next_async = mfd_pinned_enumerator_next_async;
  enumerator_class->next_finish = mfd_pinned_enumerator_next_finish;
}

static void
mfd_pinned_enumerator_init (MfdPinnedEnumerator *self)
{
}

static GSocketAddressEnumerator *
mfd_pinned_address_enumerate (GSocketConnectable *connectable)
{
  MfdPinnedAddress *self = (MfdPinnedAddress *) connectable;
  MfdPinnedEnumerator *enumerator = g_object_new (mfd_pinned_enumerator_get_type (), NULL);

  enumerator->addresses = g_list_copy_deep (self->addresses, (GCopyFunc) g_object_ref, NULL);
  enumerator->next = enumerator->addresses;
  return G_SOCKET_ADDRESS_ENUMERATOR (enumerator);
}

static gchar *
mfd_pinned_address_to_string (GSocketConnectable *connectable)
{
  return g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)));
}

static void
mfd_pinned_address_connectable_init (GSocketConnectableIface *iface)
{
  iface->enumerate = mfd_pinned_address_enumerate;
  /* No proxy: these addresses are the policy host itself. */
  iface->proxy_enumerate = mfd_pinned_address_enumerate;
  iface->to_string = mfd_pinned_address_to_string;
}

static void
mfd_pinned_address_finalize (GObject *object)
{
  MfdPinnedAddress *self = (MfdPinnedAddress *) object;

  g_list_free_full (self->addresses, g_object_unref);
  G_OBJECT_CLASS (mfd_pinned_address_parent_class)->finalize (object);
}

static void
mfd_pinned_address_class_init (MfdPinnedAddressClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mfd_pinned_address_finalize;
}

static void
mfd_pinned_address_init (MfdPinnedAddress *self)
{
}

GSocketConnectable *
mfd_mta_sts_connectable_new (const char *hostname,
                             guint16     port,
                             GPtrArray  *ips)
{
  MfdPinnedAddress *self = g_object_new (mfd_pinned_address_get_type (),
                                         "hostname", hostname,
                                         "port", (guint) port,
                                         "scheme", "https",
                                         NULL);

  for (guint i = 0; ips != NULL && i < ips->len; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (g_ptr_array_index (ips, i));

      if (address != NULL)
        self->addresses = g_list_append (self->addresses, g_inet_socket_address_new (address, port));
    }
  return G_SOCKET_CONNECTABLE (self);
}

/* The policy -------------------------------------------------------------- */

static char *
join_patterns (const MfdMtaStsPolicy *policy)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; policy->mx != NULL && i < policy->mx->len; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ptr_array_index (policy->mx, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

MfdObservation *
mfd_mta_sts_judge_fetch (const MfdMtaStsTxt   *txt,
                         const char           *domain,
                         GBytes               *body,
                         gconstpointer         failure_data,
                         guint                 status,
                         GTlsCertificateFlags  tls_errors,
                         MfdMtaStsPolicy     **policy_out)
{
  const MfdWebFailure *failure = failure_data;
  g_autofree char *host = g_strdup_printf ("mta-sts.%s", domain);
  g_autofree char *url = g_strdup_printf ("https://%s/.well-known/mta-sts.txt", host);
  MfdObservation *obs;

  *policy_out = NULL;
  if (body == NULL)
    {
      GError *error = failure != NULL ? failure->error : NULL;
      int code = error != NULL && error->domain == MFD_WEB_ERROR ? error->code : MFD_WEB_ERROR_FAILED;

      obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_WARNING, domain, NULL, 0);
      if (code == MFD_WEB_ERROR_HTTP)
        {
          g_autofree char *text = g_strdup_printf ("%u", status != 0 ? status : 404);

          mfd_observation_set_cause (obs, "mta-sts-policy-unreachable");
          if (status >= 300 && status < 400)
            mfd_observation_set_detail (obs, N_("The policy host {1} answered {2} with a redirect (HTTP {3}); senders do not follow redirects for MTA-STS, so they cannot read the policy."),
                                        host, url, text, NULL);
          else
            mfd_observation_set_detail (obs, N_("The policy host {1} answered {2} with HTTP status {3} instead of the policy, so senders cannot read it."),
                                        host, url, text, NULL);
          mfd_observation_set_fact (obs, "http-status", text);
        }
      else if (code == MFD_WEB_ERROR_TLS)
        {
          mfd_observation_set_cause (obs, "mta-sts-policy-cert-invalid");
          if (tls_errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
            mfd_observation_set_detail (obs, N_("The HTTPS certificate of the policy host {1} does not lead to a trusted public certification authority, so senders must not use the policy it serves."),
                                        host, NULL);
          else if (tls_errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
            mfd_observation_set_detail (obs, N_("The HTTPS certificate of the policy host {1} is not made out to that name, so senders must not use the policy it serves."),
                                        host, NULL);
          else if (tls_errors & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
            mfd_observation_set_detail (obs, N_("The HTTPS certificate of the policy host {1} is outside its validity period, so senders must not use the policy it serves."),
                                        host, NULL);
          else
            mfd_observation_set_detail (obs, N_("The HTTPS connection to the policy host {1} failed, so senders cannot fetch the policy."),
                                        host, NULL);
        }
      else if (code == MFD_WEB_ERROR_CONTENT_TYPE)
        {
          mfd_observation_set_cause (obs, "mta-sts-policy-invalid");
          mfd_observation_set_detailv (obs, failure->msgid, (const char * const *) failure->args);
        }
      else if (code == MFD_WEB_ERROR_TOO_LARGE)
        {
          g_autofree char *kib = g_strdup_printf ("%u", MFD_MTA_STS_FETCH_MAX_SIZE / 1024);

          mfd_observation_set_cause (obs, "mta-sts-policy-invalid");
          mfd_observation_set_detail (obs, N_("The MTA-STS policy at {1} is larger than {2} KiB, so senders do not read it."),
                                      url, kib, NULL);
        }
      else
        {
          /* Timeouts, unreachable networks, a CA file that does not load,
           * a cancel: nothing is known about the domain. */
          g_clear_pointer (&obs, mfd_observation_unref);
          obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_INCONCLUSIVE, domain, NULL, 0);
          if (failure != NULL)
            mfd_observation_set_detailv (obs, failure->msgid, (const char * const *) failure->args);
          else
            mfd_observation_set_detail (obs, N_("The MTA-STS policy could not be fetched from {1}."), url, NULL);
        }
    }
  else
    {
      g_autofree char *error = NULL;
      gsize size = 0;
      const char *data = g_bytes_get_data (body, &size);
      MfdMtaStsPolicy *policy = mfd_mta_sts_policy_parse (data != NULL ? data : "", size, &error);

      if (policy == NULL)
        {
          obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_WARNING, domain, NULL, 0);
          mfd_observation_set_cause (obs, "mta-sts-policy-invalid");
          mfd_observation_set_detail (obs, N_("The MTA-STS policy at {1} is not valid ({2}), so senders ignore it."),
                                      url, error != NULL ? error : "", NULL);
        }
      else
        {
          g_autofree char *patterns = join_patterns (policy);
          g_autofree char *max_age = g_strdup_printf ("%u", policy->max_age);

          obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_OK, domain, NULL, 0);
          if (txt->tls_rpt != NULL)
            mfd_observation_set_detail (obs, N_("MTA-STS policy of {1} (id {2}): mode {3}, MX patterns {4}, max_age {5} s. TLS reporting is set up: {6}"),
                                        domain, txt->id, mfd_mta_sts_mode_to_string (policy->mode),
                                        patterns[0] != '\0' ? patterns : "-", max_age, txt->tls_rpt, NULL);
          else
            mfd_observation_set_detail (obs, N_("MTA-STS policy of {1} (id {2}): mode {3}, MX patterns {4}, max_age {5} s. TLS reporting is not set up (no v=TLSRPTv1 record at _smtp._tls.{1}), so the domain's owner hears of no failures."),
                                        domain, txt->id, mfd_mta_sts_mode_to_string (policy->mode),
                                        patterns[0] != '\0' ? patterns : "-", max_age, NULL);
          mfd_observation_set_fact (obs, "mode", mfd_mta_sts_mode_to_string (policy->mode));
          mfd_observation_set_fact (obs, "mx-patterns", patterns);
          mfd_observation_set_fact (obs, "max-age", max_age);
          mfd_observation_set_fact (obs, "policy-id", txt->id);
          *policy_out = policy;
        }
    }
  mfd_observation_set_fact (obs, "policy-url", url);
  set_common_facts (obs, txt);
  return obs;
}

/* Each MX host -------------------------------------------------------------- */

MfdObservation *
mfd_mta_sts_judge_mx (const MfdMtaStsPolicy *policy,
                      gboolean               published,
                      const char            *domain,
                      const char            *host,
                      const char            *ip,
                      guint16                port,
                      gboolean               reached,
                      const gnutls_datum_t  *chain,
                      guint                  n_certs,
                      const char            *ca_file)
{
  MfdObservation *obs;
  MfdOutcome failed;
  const char *mode;

  if (policy == NULL)
    {
      if (published)
        {
          obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_SKIPPED, host, ip, port);
          mfd_observation_set_detail (obs, N_("Not checked: the MTA-STS policy of {1} was not read (its MTA-STS step says why)."),
                                      domain, NULL);
        }
      else
        {
          obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_OK, host, ip, port);
          mfd_observation_set_detail (obs, N_("MTA-STS does not apply: {1} publishes no policy."), domain, NULL);
        }
      return obs;
    }

  mode = mfd_mta_sts_mode_to_string (policy->mode);
  if (policy->mode == MFD_MTA_STS_MODE_NONE)
    {
      obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_OK, host, ip, port);
      mfd_observation_set_detail (obs, N_("MTA-STS does not apply: the policy of {1} has mode none."), domain, NULL);
      return obs;
    }

  /* Under testing a sender only reports what it would have refused. */
  failed = policy->mode == MFD_MTA_STS_MODE_ENFORCE ? MFD_OUTCOME_FAIL : MFD_OUTCOME_WARNING;
  obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_OK, host, ip, port);
  mfd_observation_set_fact (obs, "mode", mode);

  if (!mfd_mta_sts_policy_allows_mx (policy, host))
    {
      g_autofree char *patterns = join_patterns (policy);

      mfd_observation_set_fact (obs, "mx-patterns", patterns);
      mfd_observation_set_finding (obs, failed, "mta-sts-mx-not-in-policy",
                                   N_("The MX host {1} matches none of the mx: patterns of the MTA-STS policy of {2} ({3}; mode {4})."),
                                   host, domain, patterns, mode, NULL);
      return obs;
    }

  if (!reached || chain == NULL || n_certs == 0)
    {
      if (!reached)
        {
          mfd_observation_unref (obs);
          obs = mfd_observation_new (MFD_STAGE_MTA_STS, MFD_OUTCOME_SKIPPED, host, ip, port);
          mfd_observation_set_detail (obs, N_("The MX host {1} is allowed by the policy; its certificate was not checked because an earlier step failed."),
                                      host, NULL);
          return obs;
        }
      mfd_observation_set_finding (obs, failed, "mta-sts-mx-cert-invalid",
                                   N_("The MTA-STS policy of {1} (mode {2}) requires TLS with a valid certificate, but {3} started no TLS session."),
                                   domain, mode, host, NULL);
      return obs;
    }

  {
    /* RFC 8461 §4.2: a certificate from a trusted authority, within its
     * dates, for the MX host's own name — what domain validation checks. */
    g_autoptr(MfdObservation) verified = mfd_tls_verify_chain (chain, n_certs, host, ip, port,
                                                               MFD_TLS_DOMAIN_VALIDATION, host, ca_file);
    const char *issues = mfd_observation_get_fact (verified, "issues");

    if (verified->outcome == MFD_OUTCOME_OK)
      {
        mfd_observation_set_detail (obs, N_("The MX host {1} is allowed by the MTA-STS policy of {2} (mode {3}) and its certificate is valid for its name."),
                                    host, domain, mode, NULL);
        return obs;
      }
    if (issues != NULL)
      mfd_observation_set_fact (obs, "issues", issues);
    mfd_observation_set_finding (obs, failed, "mta-sts-mx-cert-invalid",
                                 N_("The certificate of the MX host {1} does not pass the MTA-STS policy of {2} (mode {3}): {4}"),
                                 host, domain, mode,
                                 issues != NULL ? issues : verified->cause != NULL ? verified->cause : "", NULL);
  }
  return obs;
}
