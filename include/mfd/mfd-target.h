/* mfd-target.h — what to check
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "mfd-types.h"
#include "mfd-connector.h"
#include "mfd-ndr.h"

G_BEGIN_DECLS

#define MFD_TARGET_DEFAULT_CONNECT_MS  15000
#define MFD_TARGET_DEFAULT_REPLY_MS    30000
#define MFD_TARGET_DEFAULT_TLS_MS      20000
#define MFD_TARGET_DEFAULT_DNS_MS       5000
#define MFD_TARGET_DEFAULT_PORT            25

/* The public services the checks ask unless told otherwise (tests point
 * them at a loopback server). */
#define MFD_TARGET_DEFAULT_DOH_URL            "https://dns.google/resolve"
#define MFD_TARGET_DEFAULT_RDAP_BOOTSTRAP_URL "https://data.iana.org/rdap/dns.json"
#define MFD_TARGET_DEFAULT_ENDPOINTS_URL      "https://endpoints.office.com"

#define MFD_TARGET_ERROR (mfd_target_error_quark ())

/* Which part of a target is not usable; the message says why, in the
 * language asked for, the same in the window and on the command line. */
typedef enum
{
  MFD_TARGET_ERROR_NO_DESTINATION,   /* no smart host and no MX domain */
  MFD_TARGET_ERROR_SMART_HOST,
  MFD_TARGET_ERROR_MX_DOMAIN,
  MFD_TARGET_ERROR_TLS_DOMAIN,       /* invalid, or missing for domain validation */
  MFD_TARGET_ERROR_CA_FILE,
  MFD_TARGET_ERROR_DNS_SERVER,
  MFD_TARGET_ERROR_DOH_URL,
  MFD_TARGET_ERROR_RDAP_BOOTSTRAP_URL,
  MFD_TARGET_ERROR_ENDPOINTS_URL,
  MFD_TARGET_ERROR_CONTROL_SMTP,
  MFD_TARGET_ERROR_CONTROL_NAME,
} MfdTargetError;

#define MFD_TYPE_TARGET (mfd_target_get_type ())
G_DECLARE_FINAL_TYPE (MfdTarget, mfd_target, MFD, TARGET, GObject)

/* One destination. @ip is the exact address EOP tried, from an NDR
 * (LastAttemptedIP): the probe checks that address as well as whatever
 * @host resolves to now, so "EOP tried an old IP" shows. NULL otherwise.
 * A smart host written as a CIDR range ("192.0.2.0/24") is carried as
 * given; the probe reports it rather than guessing an address in it. */
typedef struct
{
  char    *host;      /* name or IP literal */
  guint16  port;      /* 0 = the target's port */
  char    *ip;        /* the address EOP tried, or NULL */
} MfdTargetHost;

MfdTarget          *mfd_target_new                (void);
/* Smart hosts, or the recipient domains' MX when UseMXRecord (a "*.domain"
 * entry stands for its base domain, "*" is skipped); TlsSettings, TlsDomain
 * and the name. The target keeps a copy of the connector, so that the probe
 * may read it from a worker thread while the editor changes the original. */
MfdTarget          *mfd_target_new_for_connector  (MfdConnector   *connector);
/* The server (and IP when given) EOP last tried: one host whose ip is the
 * entry's ip; the host is the ip itself when the entry names no server.
 * For the codes of the recipient domain's policies (4.4.8 and 4.7.5 for
 * MTA-STS, 4.7.321–4.7.325 for DANE, and their 5.x forms) the recipients'
 * domains by MX instead, when the entry names a recipient. */
MfdTarget          *mfd_target_new_for_ndr_entry  (MfdNdrEntry    *entry,
                                                   MfdTlsMode      mode);
MfdTarget          *mfd_target_copy               (MfdTarget      *self);

void                mfd_target_add_smart_host     (MfdTarget      *self,
                                                   const char     *host,
                                                   guint16         port);
/* @ip: the exact address to check besides what @host resolves to, or NULL. */
void                mfd_target_add_smart_host_full (MfdTarget     *self,
                                                   const char     *host,
                                                   const char     *ip,
                                                   guint16         port);
/* (element-type MfdTargetHost) */
GPtrArray          *mfd_target_get_smart_hosts    (MfdTarget      *self);
void                mfd_target_add_mx_domain      (MfdTarget      *self,
                                                   const char     *domain);
const char * const *mfd_target_get_mx_domains     (MfdTarget      *self);

/* Also properties: port, tls-mode, tls-domain, ca-file, dns-server,
 * connect-timeout-ms, reply-timeout-ms, tls-timeout-ms, dns-timeout-ms,
 * doh-url, rdap-bootstrap-url, endpoints-url, offline, connector-name,
 * connector (MfdConnector, may be NULL), ndr-entry (MfdNdrEntry boxed). */
guint16             mfd_target_get_port           (MfdTarget      *self);
void                mfd_target_set_port           (MfdTarget      *self,
                                                   guint16         port);
MfdTlsMode          mfd_target_get_tls_mode       (MfdTarget      *self);
void                mfd_target_set_tls_mode       (MfdTarget      *self,
                                                   MfdTlsMode      mode);
const char         *mfd_target_get_tls_domain     (MfdTarget      *self);
void                mfd_target_set_tls_domain     (MfdTarget      *self,
                                                   const char     *domain);
/* The DNSSEC trust anchors for the DANE check of MX hosts: a file of DS
 * and/or DNSKEY records (zone-file format), for any zone. NULL: the root's
 * from Debian's dns-root-data. */
const char         *mfd_target_get_trust_anchor_file (MfdTarget   *self);
void                mfd_target_set_trust_anchor_file (MfdTarget   *self,
                                                      const char  *path);
const char         *mfd_target_get_ca_file        (MfdTarget      *self);
void                mfd_target_set_ca_file        (MfdTarget      *self,
                                                   const char     *path);
/* "IP[:PORT]" or "[IPv6]:PORT", NULL = the system's resolvers. */
const char         *mfd_target_get_dns_server     (MfdTarget      *self);
void                mfd_target_set_dns_server     (MfdTarget      *self,
                                                   const char     *server);
guint               mfd_target_get_connect_timeout_ms (MfdTarget  *self);
guint               mfd_target_get_reply_timeout_ms   (MfdTarget  *self);
guint               mfd_target_get_tls_timeout_ms     (MfdTarget  *self);
guint               mfd_target_get_dns_timeout_ms     (MfdTarget  *self);
void                mfd_target_set_connect_timeout_ms (MfdTarget  *self,
                                                       guint       ms);
void                mfd_target_set_reply_timeout_ms   (MfdTarget  *self,
                                                       guint       ms);
void                mfd_target_set_tls_timeout_ms     (MfdTarget  *self,
                                                       guint       ms);
void                mfd_target_set_dns_timeout_ms     (MfdTarget  *self,
                                                       guint       ms);
/* Sets all four from one "--timeout SECONDS" (DNS capped to its default;
 * at most a day, at least a millisecond; @seconds must be > 0). */
void                mfd_target_set_timeout_seconds    (MfdTarget  *self,
                                                       double      seconds);
const char         *mfd_target_get_doh_url        (MfdTarget      *self);
void                mfd_target_set_doh_url        (MfdTarget      *self,
                                                   const char     *url);
const char         *mfd_target_get_rdap_bootstrap_url (MfdTarget  *self);
void                mfd_target_set_rdap_bootstrap_url (MfdTarget  *self,
                                                       const char *url);
const char         *mfd_target_get_endpoints_url  (MfdTarget      *self);
void                mfd_target_set_endpoints_url  (MfdTarget      *self,
                                                   const char     *url);
gboolean            mfd_target_get_offline        (MfdTarget      *self);
void                mfd_target_set_offline        (MfdTarget      *self,
                                                   gboolean        offline);
/* Practice and tests only: the port the zone's name servers are asked on
 * in the authority step (0 = 53, what real checks always use); see
 * mfd_lab_get_dns_authority_port(). Not a property. */
guint16             mfd_target_get_dns_authority_port (MfdTarget  *self);
void                mfd_target_set_dns_authority_port (MfdTarget  *self,
                                                       guint16     port);
/* Practice and tests only: the port the MTA-STS policy is fetched from
 * (0 = 443, what real checks always use), and a fetch that runs although
 * the check is offline. Both apply only when every address the policy host
 * resolved to is a loopback one, so this can never send a real check, or
 * any request off this computer, elsewhere; see
 * mfd_lab_get_mta_sts_policy_port(). Not a property. */
guint16             mfd_target_get_mta_sts_policy_port (MfdTarget *self);
void                mfd_target_set_mta_sts_policy_port (MfdTarget *self,
                                                        guint16    port);
/* The vantage check (mfd-vantage.h): on by default; @host_port
 * "HOST[:PORT]" of the control SMTP server and @name the control name
 * (NULL = the defaults: the MX of outlook.com). */
gboolean            mfd_target_get_control        (MfdTarget      *self);
void                mfd_target_set_control        (MfdTarget      *self,
                                                   gboolean        control);
const char         *mfd_target_get_control_smtp   (MfdTarget      *self);
void                mfd_target_set_control_smtp   (MfdTarget      *self,
                                                   const char     *host_port);
const char         *mfd_target_get_control_name   (MfdTarget      *self);
void                mfd_target_set_control_name   (MfdTarget      *self,
                                                   const char     *name);
const char         *mfd_target_get_connector_name (MfdTarget      *self);
void                mfd_target_set_connector_name (MfdTarget      *self,
                                                   const char     *name);
MfdConnector       *mfd_target_get_connector      (MfdTarget      *self);
MfdNdrEntry        *mfd_target_get_ndr_entry      (MfdTarget      *self);
/* One line for headers: "mail.contoso.com, mail2.contoso.com" / "MX of contoso.com";
 * a port other than the target's is shown ("host:2525"), an NDR's address in
 * parentheses ("mail.contoso.com (203.0.113.25)"). */
char               *mfd_target_describe           (MfdTarget      *self,
                                                   const char     *lang);
/* Every setting that made this run differ from a default one (offline,
 * DNS server, port, timeouts, CA file, other web services), one sentence
 * each in @lang; an empty list when none did. The results page and the
 * report show them, so that a result is never read without them. */
char              **mfd_target_dup_run_settings   (MfdTarget      *self,
                                                   const char     *lang);

/* Validation (mfd-target-validate.c), shared by every face: the command
 * line's options, the preferences window and the connector editor show
 * the same messages. Each check returns NULL when @text is usable, or
 * why not, in @lang. */
/* A TCP port from 1 to 65535, in decimal; FALSE leaves @port alone. */
gboolean            mfd_target_parse_port         (const char     *text,
                                                   guint16        *port);
/* "HOST", "HOST:PORT", "[IPv6]:PORT", "[IPv6]" or a bare IPv6 address, one
 * host to check (not an address range); on success sets @host and @port
 * (0 when none given). */
gboolean            mfd_target_parse_smart_host   (const char     *text,
                                                   const char     *lang,
                                                   char          **host,
                                                   guint16        *port,
                                                   GError        **error);
char               *mfd_target_check_mx_domain    (const char     *domain,
                                                   const char     *lang);
char               *mfd_target_check_dns_server   (const char     *server,
                                                   const char     *lang);
char               *mfd_target_check_ca_file      (const char     *path,
                                                   const char     *lang);
char               *mfd_target_check_url          (const char     *url,
                                                   const char     *lang);
/* The control SMTP server: "HOST[:PORT]" as for a smart host. */
char               *mfd_target_check_control_smtp (const char     *text,
                                                   const char     *lang);

/* Whether @self can be checked as it is: something to check, every host
 * and domain well-formed, a TLS domain when domain validation asks for
 * one, a readable CA file, a DNS server address, http(s) service URLs.
 * The first problem found is reported (MFD_TARGET_ERROR). */
gboolean            mfd_target_validate           (MfdTarget      *self,
                                                   const char     *lang,
                                                   GError        **error);
GQuark              mfd_target_error_quark        (void);

G_END_DECLS
