/* mfd-remedy.c — the one catalogue: code/cause -> title, explanation, steps
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-remedy"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mfd-remedy.h"
#include "mfd-text.h"

/* How the catalogue is put together, so that nothing is written twice:
 *
 * - A step is written once (a StepDef) and referred to by pointer from every
 *   code or cause it helps; composing a remedy drops repeated pointers.
 * - A code has its own steps (shown when only the code is known) and
 *   "general" steps that also close every cause-level remedy of that code
 *   (contact the partner, validate the connector, …).
 * - A cause refines its code: its title, explanation, likely causes and
 *   steps come first, then the code's general steps.
 * - Expired and permanent forms (5.4.316, 5.7.321 …) are aliases of the
 *   entry they repeat; only the note about the queue changes.
 *
 * Placeholders in step texts (noun phrases, translated when missing):
 *   {1} the connector, {2} the destination server, {3} the domain.
 * Placeholders in commands (never translated; a readable <placeholder>
 * when missing): {1} connector name, {2} smart host, {3} domain,
 * {4} TLS domain, {5} destination host, {6} IP address, {7} recipient,
 * {8} thumbprint. A step's "missing" says which of the ones a user can
 * give are still placeholders (see MfdRemedyFill). */

typedef enum
{
  STEP_FOR_PARTNER  = 1 << 0,  /* moved first when the destination is a partner's */
  STEP_EOP_RANGES   = 1 << 1,  /* followed by context->eop_ranges when given */
} StepFlags;

typedef struct
{
  const char *text;
  const char *command;
  const char *eac_path;
  StepFlags   flags;
} StepDef;

#define MAX_LIKELY 5
#define MAX_STEPS  9

typedef struct
{
  const char    *code;
  const char    *title;
  const char    *explanation;
  const char    *likely[MAX_LIKELY];
  const StepDef *steps[MAX_STEPS];
  const StepDef *general[MAX_STEPS];
  gboolean       no_queue_note;   /* the explanation already says what happens to the message */
} CodeDef;

typedef struct
{
  const char    *id;
  const char    *code;
  const char    *title;
  const char    *explanation;
  const char    *likely[MAX_LIKELY];
  const StepDef *steps[MAX_STEPS];
} CauseDef;

typedef struct
{
  const char *code;
  const char *same_as;
  gboolean    expired;   /* the 4.x message expired in the queue */
} AliasDef;

/* Steps shared by several codes and causes. */

static const StepDef step_partner = {
  N_("If the destination server belongs to a partner organization, the fix is on their side: contact their mail administrators and give them the error code, the time it happened and the server Exchange Online tried."),
  NULL, NULL, STEP_FOR_PARTNER,
};

static const StepDef step_show_connector = {
  N_("Look at the settings of {1}: is it enabled, and are its smart hosts (or MX delivery) and TLS settings what you expect?"),
  "Get-OutboundConnector -Identity \"{1}\" | Format-List Name,Enabled,UseMXRecord,SmartHosts,TlsSettings,TlsDomain",
  N_("Mail flow > Connectors"), 0,
};

static const StepDef step_validate = {
  N_("When the fix is in place, validate {1} from Exchange Online. Validation sends a test message to the address you give and shows whether it was delivered."),
  "Validate-OutboundConnector -Identity \"{1}\" -Recipients {7}",
  N_("Mail flow > Connectors"), 0,
};

/* The checks that run from Microsoft's side, for when this computer cannot
 * see what EOP sees. */
static const StepDef step_validate_from_microsoft = {
  N_("Validate the connector from Exchange Online: Microsoft's own servers connect to the destination and send a test message to the address you give."),
  "Validate-OutboundConnector -Identity \"{1}\" -Recipients {7}",
  N_("Mail flow > Connectors"), 0,
};

static const StepDef step_remote_analyzer = {
  N_("Run the “Inbound SMTP Email” test of Microsoft's Remote Connectivity Analyzer (https://testconnectivity.microsoft.com): Microsoft's servers connect to your server from the internet. Its “Outbound SMTP Email” test is about your own sending address, not this."),
  NULL, NULL, 0,
};

static const StepDef step_wait_hour = {
  N_("Changes to connectors and accepted domains take 30 to 60 minutes to reach every Exchange Online server. Check again after an hour before concluding that a change did not help."),
  NULL, NULL, 0,
};

static const StepDef step_test_port = {
  N_("From a computer outside your network, test whether {2} accepts connections on TCP port 25. A test from inside your own network can succeed even while Microsoft's servers are blocked."),
  "Test-NetConnection {5} -Port 25",
  NULL, 0,
};

static const StepDef step_eop_ranges = {
  N_("Make sure every firewall and NAT device in front of {2} allows the Exchange Online Protection (EOP) address ranges to reach TCP port 25. Microsoft publishes them in its Microsoft 365 IP address and URL web service, under the entry for *.mail.protection.outlook.com on TCP port 25; allow all of them, since Exchange Online may connect from any of them."),
  NULL, NULL, STEP_EOP_RANGES,
};

static const StepDef step_check_service = {
  N_("Check that {2} is running and that its mail service is started. On Exchange Server, the transport services must be running."),
  "Get-Service MSExchangeFrontEndTransport, MSExchangeTransport",
  NULL, 0,
};

static const StepDef step_set_smart_host = {
  N_("If the smart host of {1} is wrong or out of date (for example after the server got a new IP address), replace it with the correct name or address."),
  "Set-OutboundConnector -Identity \"{1}\" -SmartHosts {2}",
  N_("Mail flow > Connectors"), 0,
};

static const StepDef step_disable_connector = {
  N_("If mail for this domain should no longer go to your on-premises servers (they were retired on purpose), turn off {1} — or delete it once you are sure nothing else uses it."),
  "Set-OutboundConnector -Identity \"{1}\" -Enabled $false",
  N_("Mail flow > Connectors"), 0,
};

static const StepDef step_authoritative = {
  N_("Then make {3} an Authoritative accepted domain instead of Internal Relay, so that Exchange Online delivers its mail to the mailboxes in Microsoft 365 instead of passing it on."),
  "Set-AcceptedDomain -Identity {3} -DomainType Authoritative",
  N_("Mail flow > Accepted domains"), 0,
};

static const StepDef step_resolve_host = {
  N_("Look up the address of {2} from a computer outside your network and check that the answer is the server you expect."),
  "Resolve-DnsName {5} -Type A",
  NULL, 0,
};

static const StepDef step_resolve_mx = {
  N_("When the connector delivers by MX record, look up the MX records of {3} as well."),
  "Resolve-DnsName {3} -Type MX",
  NULL, 0,
};

static const StepDef step_resolve_ns = {
  N_("List the authoritative name servers of {3}, then ask each of them directly; all of them must answer and give the same records."),
  "Resolve-DnsName {3} -Type NS",
  NULL, 0,
};

static const StepDef step_dns_host = {
  N_("Ask your DNS hosting service to check the zone: whether it is published, whether every authoritative name server answers, and whether the records are correct."),
  NULL, NULL, 0,
};

static const StepDef step_renew_domain = {
  N_("Check the registration of the domain with your registrar. If it has expired or is on hold, renew it or clear the hold; the records return once the registry publishes the domain again."),
  NULL, NULL, 0,
};

static const StepDef step_wait_ttl = {
  N_("If the records were changed recently, resolvers keep the old answer until its TTL runs out. Check that every authoritative name server already serves the new records, then wait for the TTL to pass."),
  NULL, NULL, 0,
};

static const StepDef step_public_dns = {
  N_("Publish the name in public DNS: a name that only your internal DNS servers know cannot be resolved by Exchange Online."),
  NULL, NULL, 0,
};

static const StepDef step_show_certificate = {
  N_("On a Linux or macOS computer, open an SMTP session with STARTTLS to {2} and look at the certificate it presents: its names, issuer and validity dates."),
  "openssl s_client -starttls smtp -connect {5}:25 -servername {5} -showcerts </dev/null | openssl x509 -noout -subject -issuer -dates -ext subjectAltName",
  NULL, 0,
};

/* Exchange Server runs on Windows, where openssl is rarely at hand: its own
 * shell lists the certificates with the thumbprint the results show. */
static const StepDef step_exchange_certificate = {
  N_("On Exchange Server, list the certificates in the Exchange Management Shell and find the one whose thumbprint matches the SHA-1 thumbprint of the certificate shown with this finding: check its subject, its end date and that SMTP is among its services."),
  "Get-ExchangeCertificate | Format-List Thumbprint,Subject,NotAfter,Services",
  NULL, 0,
};

static const StepDef step_renew_certificate = {
  N_("Install a valid certificate from a public certification authority on {2}, with its intermediate certificates, and assign it to SMTP. On Exchange Server, enable the new certificate for the SMTP service."),
  "Enable-ExchangeCertificate -Thumbprint {8} -Services SMTP",
  NULL, 0,
};

static const StepDef step_fix_chain = {
  N_("Replace the intermediate certificates that {2} sends with the ones your certification authority publishes for this certificate: the server's certificate first, then each issuer in turn. Remove old intermediates and certificates that belong to other services from the chain."),
  NULL, NULL, 0,
};

static const StepDef step_internal_ca = {
  N_("If the certificate comes from your own certification authority, check the authority's settings (basic constraints, path length, name constraints, certificate templates) and issue the certificate again; for mail from the internet, a certificate from a public certification authority avoids the question."),
  NULL, NULL, 0,
};

static const StepDef step_server_auth_certificate = {
  N_("Request a certificate whose extended key usage includes Server Authentication (serverAuth), the usage of an ordinary TLS server certificate, and assign it to SMTP on {2}. Certificates made for e-mail signing (S/MIME) or for client authentication only are refused by TLS clients."),
  "Get-ExchangeCertificate | Format-List Thumbprint,Subject,Services,EnhancedKeyUsageList,NotAfter",
  NULL, 0,
};

static const StepDef step_no_critical_extension = {
  N_("Ask whoever issued the certificate for one without the unknown extension marked critical (often added by an internal certificate template), and install it on {2}."),
  NULL, NULL, 0,
};

static const StepDef step_set_tls_domain = {
  N_("If {1} uses domain validation, its TLS domain must match a name in the server's certificate (a wildcard such as *.contoso.com covers one level of subdomain). Correct the TLS domain if it is the one that is wrong."),
  "Set-OutboundConnector -Identity \"{1}\" -TlsSettings DomainValidation -TlsDomain {4}",
  N_("Mail flow > Connectors"), 0,
};

static const StepDef step_tls12 = {
  N_("Make sure {2} supports TLS 1.2 or later with current cipher suites. Exchange Online does not use TLS 1.0 or 1.1, so a server limited to them fails even if older clients can connect."),
  "openssl s_client -starttls smtp -connect {5}:25 -servername {5} -tls1_2 </dev/null",
  NULL, 0,
};

static const StepDef step_enable_starttls = {
  N_("Enable STARTTLS on the receiving server and give it a certificate. On Exchange Server, the receive connector that accepts mail from the internet must offer TLS."),
  "Get-ReceiveConnector | Format-List Name,Bindings,RemoteIPRanges,AuthMechanism,RequireTLS",
  NULL, 0,
};

static const StepDef step_firewall_inspection = {
  N_("If a firewall in front of the server inspects SMTP (often called SMTP or ESMTP inspection, or \"fixup\"), turn that feature off or update the firewall: it commonly hides STARTTLS or cuts connections."),
  NULL, NULL, 0,
};

static const StepDef step_server_logs = {
  N_("Read the server's SMTP or protocol logs for the time of the error, and check its load, memory and free disk space."),
  NULL, NULL, 0,
};

static const StepDef step_network_team = {
  N_("Ask your network team (or your internet provider) to look for drops, resets or changed routes between the internet and {2} at the time of the error."),
  NULL, NULL, 0,
};

static const StepDef step_receive_connector = {
  N_("Check the receive connector's settings: it must accept connections from Microsoft 365 on port 25, and its remote IP ranges must not leave Microsoft 365's addresses out."),
  "Get-ReceiveConnector | Format-List Name,Bindings,RemoteIPRanges,PermissionGroups,MaxInboundConnection",
  NULL, 0,
};

static const StepDef step_reply_text = {
  N_("Read the reply the server sent (in the error text or the evidence): it usually names the reason. If it is not clear, ask the server's administrators or look the reply up in the server's documentation."),
  NULL, NULL, 0,
};

static const StepDef step_recipient_admins = {
  N_("The records and policy involved belong to the recipient's domain. If that domain is not yours, contact its administrators with the error code and the time it happened; Exchange Online can deliver again as soon as they fix it."),
  NULL, NULL, STEP_FOR_PARTNER,
};

static const StepDef step_resend = {
  N_("Once the cause is fixed, ask the sender to send the message again: an expired message is not retried."),
  NULL, NULL, 0,
};

static const StepDef step_find_underlying = {
  N_("Look at the errors reported for the same messages before they expired (queue, message trace or the NDR's diagnostic information): the earlier code, such as 4.4.316, names the real cause."),
  NULL, NULL, 0,
};

static const StepDef step_mta_sts_policy = {
  N_("Check the domain's MTA-STS policy (the _mta-sts TXT record and the policy file at https://mta-sts.<domain>/.well-known/mta-sts.txt): every MX host must be listed in it and present a valid certificate for its name."),
  "Resolve-DnsName _mta-sts.{3} -Type TXT",
  NULL, 0,
};

static const StepDef step_mta_sts_mx_lines = {
  N_("Open the policy file at https://mta-sts.<domain>/.well-known/mta-sts.txt and give every current MX host an mx: line (its exact name, or a pattern such as *.contoso.com, which covers exactly one more label). Remove hosts that are gone."),
  "Invoke-WebRequest -UseBasicParsing https://mta-sts.{3}/.well-known/mta-sts.txt",
  NULL, 0,
};

static const StepDef step_mta_sts_bump_id = {
  N_("After changing the policy file, put a new value in the id= field of the _mta-sts TXT record (for example the date and time): senders fetch the policy again only when the id changes."),
  "Resolve-DnsName _mta-sts.{3} -Type TXT",
  NULL, 0,
};

static const StepDef step_mta_sts_mx_change_order = {
  N_("Next time the MX records change, add the new hosts to the policy (and change the id) first, and switch the MX records only after the old policy's max_age has passed; senders keep the policy they fetched until then."),
  "Resolve-DnsName {3} -Type MX",
  NULL, 0,
};

static const StepDef step_mta_sts_mx_cert = {
  N_("Give each MX host a certificate from a public certification authority that contains the MX host's own name (the name in the MX record, not only the domain), and make the server send its intermediate certificates too."),
  NULL, NULL, 0,
};

static const StepDef step_mta_sts_policy_cert = {
  N_("Renew the HTTPS certificate of the policy host mta-sts.<domain> with a public certification authority; it must contain that exact name and be within its dates, and the web server must send the intermediate certificates."),
  "Invoke-WebRequest -UseBasicParsing https://mta-sts.{3}/.well-known/mta-sts.txt",
  NULL, 0,
};

static const StepDef step_mta_sts_policy_serve = {
  N_("Make the policy host serve the file itself: https://mta-sts.<domain>/.well-known/mta-sts.txt must answer with HTTP 200 and Content-Type text/plain, with no redirect (senders do not follow one). If the name has no address yet, publish one in DNS."),
  "Invoke-WebRequest -UseBasicParsing https://mta-sts.{3}/.well-known/mta-sts.txt",
  NULL, 0,
};

static const StepDef step_mta_sts_policy_syntax = {
  N_("Correct the policy: the file needs the lines \"version: STSv1\", \"mode:\" (enforce, testing or none), one \"mx:\" line per MX host or pattern, and \"max_age:\" in seconds (at most 31557600); the DNS needs exactly one TXT record \"v=STSv1; id=…;\" at _mta-sts.<domain>."),
  "Resolve-DnsName _mta-sts.{3} -Type TXT",
  NULL, 0,
};

static const StepDef step_mta_sts_no_policy = {
  N_("If the domain should not use MTA-STS after all, set \"mode: none\" in the policy and change the id, wait for the old max_age to pass, then remove the _mta-sts record; removing the record first leaves senders with the old policy."),
  NULL, NULL, 0,
};

static const StepDef step_tls_rpt = {
  N_("Publish a TLS reporting record (a TXT record \"v=TLSRPTv1; rua=mailto:…\" at _smtp._tls.<domain>) so that senders such as Exchange Online report MTA-STS and TLS failures to the domain's owner; use mode: testing with it to find problems before enforcing."),
  "Resolve-DnsName _smtp._tls.{3} -Type TXT",
  NULL, 0,
};

static const StepDef step_dane_tlsa = {
  N_("Check the TLSA records of the MX host and make sure they match the certificate the server presents now; publish new TLSA records before changing a certificate, and remove stale ones after."),
  "dig +dnssec _25._tcp.{5} TLSA",
  NULL, 0,
};

static const StepDef step_dnssec = {
  N_("Check the domain's DNSSEC chain with its DNS hosting service: the DS record at the registrar must match the zone's keys, and the signatures must not have expired."),
  "dig +dnssec {3} DNSKEY",
  NULL, 0,
};

static const StepDef step_dane_rollover = {
  N_("Before the certificate or its key changes, publish a TLSA record for the new key next to the old one (\"3 1 1\" followed by the SHA-256 hash of the new public key), wait at least the records' TTL, then switch the certificate and remove the old record."),
  "dig +dnssec _25._tcp.{5} TLSA",
  NULL, 0,
};

static const StepDef step_dnssec_resign = {
  N_("Have the zone signed again (or the DNS hosting service's automatic signing repaired) so that no signature is past its end date; signatures must be renewed well before they expire."),
  "dig +dnssec {3} SOA",
  NULL, 0,
};

static const StepDef step_dnssec_ds = {
  N_("Compare the DS record at the registrar with the zone's current DNSKEY records; after a key change, replace the DS with the one for the new key (the DNS hosting service shows it)."),
  "dig +dnssec {3} DS",
  NULL, 0,
};

static const StepDef step_check_domain_spelling = {
  N_("Check the spelling of the recipient's domain and that it still exists; if it was mistyped, send the message again to the correct address."),
  "Resolve-DnsName {3} -Type MX",
  NULL, 0,
};

static const StepDef step_trace = {
  N_("Run a message trace for an affected message and read the detail of the failure: the reported server, IP address and message name the next thing to check."),
  NULL, N_("Mail flow > Message trace"), 0,
};

static const char *status_retry =
  N_("As long as the problem lasts, Exchange Online keeps the messages in its queue and retries regularly for up to 24 hours. Fix it within that time and they are delivered without anyone sending them again; after that they expire and each sender receives a non-delivery report (NDR).");
static const char *status_final =
  N_("This is a final failure: Exchange Online has stopped trying and the sender has received a non-delivery report (NDR). Once the problem is fixed, the message has to be sent again.");

static const CodeDef code_defs[] = {
  {
    "4.4.312", N_("DNS query failed"),
    N_("Exchange Online could not find the address of the destination server: the DNS lookup of the connector's smart host (or of the MX records of the recipient's domain) returned no usable answer, so it had nowhere to deliver the message."),
    { N_("The domain's DNS hosting service has a problem or the zone is misconfigured."),
      N_("The domain has expired, so its DNS records are no longer published."),
      N_("The records were changed recently and resolvers still hold the old answer."),
      N_("The name exists only in your internal DNS.") },
    { &step_resolve_host, &step_resolve_mx, &step_resolve_ns, &step_dns_host, &step_renew_domain,
      &step_wait_ttl },
    { &step_partner, &step_validate },
  },
  {
    "4.4.315", N_("Connection timed out"),
    N_("Exchange Online tried to open a connection to the destination server on TCP port 25 and got no answer at all before it gave up. Nothing reached the server, or its reply never came back."),
    { N_("The on-premises server or its network is down."),
      N_("The connector's smart host points to a wrong or outdated IP address."),
      N_("A firewall silently drops connections from Microsoft 365."),
      N_("A problem at your internet provider, or a change of your public IP address.") },
    { &step_check_service, &step_show_connector, &step_set_smart_host, &step_test_port,
      &step_eop_ranges, &step_network_team, &step_wait_hour },
    { &step_partner, &step_validate },
  },
  {
    "4.4.316", N_("Connection refused"),
    N_("Exchange Online reached the destination's address on TCP port 25, but the connection was refused straight away: either nothing listens on that port, or a firewall rejects connections from Microsoft 365."),
    { N_("A firewall blocks Microsoft 365's IP addresses on TCP port 25."),
      N_("The mail service on the destination server is stopped, or listens on another address."),
      N_("The on-premises mail servers were retired on purpose, but the connector still sends mail to them.") },
    { &step_eop_ranges, &step_test_port, &step_check_service, &step_disable_connector,
      &step_authoritative, &step_wait_hour },
    { &step_partner, &step_validate },
  },
  {
    "4.4.317", N_("Cannot connect to remote server"),
    N_("Exchange Online connected to the destination server, but the conversation failed before any message could be sent: the server answered with an error, or it did not meet the connector's requirements (for example TLS)."),
    { N_("The server answered \"service not available\" (421) or refused the session."),
      N_("The connector requires TLS, but the server does not offer STARTTLS or cannot complete it."),
      N_("The server's certificate has a problem (the error detail then names it, such as CertificateExpired).") },
    { &step_show_certificate, &step_exchange_certificate, &step_show_connector, &step_enable_starttls, &step_tls12,
      &step_reply_text },
    { &step_partner, &step_validate },
  },
  {
    "4.4.318", N_("Connection closed abruptly"),
    N_("Exchange Online connected to the destination server, but the connection was cut in the middle of the conversation, without the usual SMTP reply."),
    { N_("A firewall's SMTP inspection interferes with the conversation."),
      N_("The server hung, crashed or ran out of resources and dropped the connection."),
      N_("Network problems between the internet and the server.") },
    { &step_firewall_inspection, &step_server_logs, &step_network_team },
    { &step_partner, &step_validate },
  },
  {
    "4.7.320", N_("Certificate validation failed"),
    N_("Exchange Online set up TLS with the destination server, but the server's certificate did not pass the checks the connector asks for, so no message was sent over the connection."),
    { N_("The certificate has expired, or is not yet valid."),
      N_("The names in the certificate do not match the name the connector expects."),
      N_("The certificate was not issued by a trusted public certification authority, or an intermediate certificate is missing.") },
    { &step_show_certificate, &step_exchange_certificate, &step_renew_certificate, &step_set_tls_domain, &step_wait_hour },
    { &step_partner, &step_validate },
  },
  {
    "4.4.7", N_("Message expired"),
    N_("The message stayed in the queue for the whole retry period without being delivered, so Exchange Online gave up and returned it to the sender with a non-delivery report (NDR). The expiry itself is only the end of the story: the errors seen while the message was queued tell why."),
    { N_("A delivery problem (DNS, timeout, refusal, TLS or certificate) lasted longer than the retry period.") },
    { &step_find_underlying, &step_trace, &step_resend },
    { &step_partner },
    TRUE,
  },
  {
    "4.4.8", N_("MX host failed the MTA-STS check"),
    N_("The recipient's domain publishes an MTA-STS policy, and the MX host Exchange Online found is not allowed by that policy, so it does not deliver to it."),
    { N_("The MTA-STS policy does not list the current MX hosts."),
      N_("The MX records were changed without updating the policy.") },
    { &step_mta_sts_policy, &step_resolve_mx },
    { &step_recipient_admins },
  },
  {
    "4.7.5", N_("Certificate failed the MTA-STS check"),
    N_("The recipient's domain publishes an MTA-STS policy, which requires a valid certificate matching the MX host name; the certificate the server presented did not pass, so Exchange Online does not deliver to it."),
    { N_("The MX host's certificate has expired, is not trusted, or does not contain the MX host's name.") },
    { &step_show_certificate, &step_exchange_certificate, &step_mta_sts_policy },
    { &step_recipient_admins },
  },
  {
    "4.7.321", N_("DANE: the server does not support STARTTLS"),
    N_("The recipient's domain is protected with DANE (TLSA records in DNSSEC-signed DNS), which requires an encrypted connection, but the destination server did not offer STARTTLS."),
    { N_("STARTTLS is turned off on the server, or a firewall hides it.") },
    { &step_enable_starttls, &step_firewall_inspection },
    { &step_recipient_admins },
  },
  {
    "4.7.322", N_("DANE: the certificate has expired"),
    N_("The recipient's domain is protected with DANE, and the certificate the destination server presented has expired."),
    { N_("The certificate was not renewed in time, or the new one was not assigned to SMTP.") },
    { &step_show_certificate, &step_exchange_certificate, &step_renew_certificate, &step_dane_tlsa },
    { &step_recipient_admins },
  },
  {
    "4.7.323", N_("DANE: the TLSA records are not valid"),
    N_("The recipient's domain is protected with DANE, but none of its TLSA records matches the certificate the destination server presented, or the records cannot be used."),
    { N_("The certificate was replaced without publishing matching TLSA records first."),
      N_("The TLSA records are malformed.") },
    { &step_dane_tlsa, &step_show_certificate, &step_exchange_certificate },
    { &step_recipient_admins },
  },
  {
    "4.7.324", N_("DANE: DNSSEC validation failed"),
    N_("The recipient's domain uses DNSSEC, but its signed records could not be validated, so Exchange Online cannot trust the TLSA records it found."),
    { N_("The DS record at the registrar does not match the zone's keys after a key change."),
      N_("The zone's signatures have expired.") },
    { &step_dnssec, &step_dns_host },
    { &step_recipient_admins },
  },
  {
    "4.7.325", N_("DANE: the certificate does not match the host"),
    N_("The recipient's domain is protected with DANE, and the certificate the destination server presented does not contain the MX host's name."),
    { N_("The certificate was issued for a different name than the MX host.") },
    { &step_show_certificate, &step_exchange_certificate, &step_renew_certificate, &step_dane_tlsa },
    { &step_recipient_admins },
  },
  {
    "5.4.310", N_("The recipient's domain does not exist"),
    N_("DNS says the recipient's domain does not exist, so there is no server to deliver the message to."),
    { N_("The address was mistyped."),
      N_("The domain has expired or was deleted."),
      N_("Your own domain was not set up completely in DNS.") },
    { &step_check_domain_spelling, &step_renew_domain, &step_dns_host },
    { NULL },
  },
  {
    "other", N_("Other delivery error"),
    N_("Exchange Online reported an error for this connector that is not one of the common connection failures. The server named in the error and its reply are the best clues."),
    { N_("A problem on the destination server named in the error."),
      N_("A connector setting that does not match the destination.") },
    { &step_reply_text, &step_trace, &step_show_connector },
    { &step_partner, &step_validate },
  },
};

static const AliasDef alias_defs[] = {
  { "5.4.312", "4.4.312", TRUE },
  { "5.4.315", "4.4.315", TRUE },
  { "5.4.316", "4.4.316", TRUE },
  { "5.4.317", "4.4.317", TRUE },
  { "5.4.318", "4.4.318", TRUE },
  { "5.4.7",   "4.4.7",   FALSE },
  { "5.4.300", "4.4.7",   FALSE },
  { "5.4.8",   "4.4.8",   FALSE },
  { "5.7.5",   "4.7.5",   FALSE },
  { "5.7.321", "4.7.321", FALSE },
  { "5.7.322", "4.7.322", FALSE },
  { "5.7.323", "4.7.323", FALSE },
  { "5.7.324", "4.7.324", FALSE },
  { "5.7.325", "4.7.325", FALSE },
};

static const CauseDef cause_defs[] = {
  /* 4.4.312 */
  {
    "dns-nxdomain", "4.4.312", N_("The name does not exist in DNS"),
    N_("DNS answers that the destination's name does not exist at all (NXDOMAIN). Exchange Online cannot find the server it should deliver to."),
    { N_("The smart host name in the connector is misspelled or out of date."),
      N_("The record was deleted, or the zone was moved to a new DNS host without it.") },
    { &step_show_connector, &step_resolve_host, &step_set_smart_host, &step_dns_host, &step_wait_hour },
  },
  {
    "dns-no-address", "4.4.312", N_("The name has no address"),
    N_("The destination's name exists in DNS, but it has no address record (A or AAAA), so there is no IP address to connect to."),
    { N_("The A record was removed or never created."),
      N_("The name is an alias (CNAME) that leads to a name without an address."),
      N_("The MX record points to a name that has no address.") },
    { &step_resolve_host, &step_resolve_mx, &step_dns_host },
  },
  {
    "dns-domain-expired", "4.4.312", N_("The domain registration has expired or is on hold"),
    N_("The registry reports the domain as expired, on hold or about to be deleted. While it is in that state its DNS records are not published, so nobody on the internet can find the domain's mail server."),
    { N_("The domain was not renewed in time."),
      N_("The registrar or registry placed the domain on hold (for example over unpaid fees or unverified contact details).") },
    { &step_renew_domain, &step_resolve_ns },
  },
  {
    "dns-servfail", "4.4.312", N_("DNS servers fail to answer for the domain"),
    N_("The resolver tried to look up the name but could only report a failure (SERVFAIL or REFUSED): the domain's DNS servers give broken or no answers."),
    { N_("The DNS hosting service has an outage or the zone has an error."),
      N_("A DNSSEC problem: the signatures have expired or do not match the DS record.") },
    { &step_resolve_ns, &step_dns_host, &step_dnssec },
  },
  {
    "dns-timeout", "4.4.312", N_("DNS lookups time out"),
    N_("The DNS lookup for the destination got no answer in time. If the domain's name servers do not answer, nobody can find the server."),
    { N_("The domain's name servers are down or unreachable."),
      N_("A firewall blocks DNS traffic to the name servers.") },
    { &step_resolve_ns, &step_dns_host },
  },
  {
    "dns-lame-delegation", "4.4.312", N_("The authoritative name servers do not answer"),
    N_("The domain's delegation names name servers that do not answer for the zone, or answer without authority. Resolvers that ask them get no usable answer."),
    { N_("The zone was moved to another DNS hosting service, but the name servers at the registrar were not updated."),
      N_("One of the name servers no longer hosts the zone.") },
    { &step_resolve_ns, &step_dns_host },
  },
  {
    "dns-stale-cache", "4.4.312", N_("Resolvers still hold an old answer"),
    N_("The answer the resolver gives differs from what the domain's authoritative name servers publish now. It comes from the resolver's cache and stays there until its TTL runs out."),
    { N_("The record was changed recently and the old answer is still cached."),
      N_("The authoritative name servers disagree with each other.") },
    { &step_resolve_ns, &step_wait_ttl },
  },
  {
    "dns-split-horizon", "4.4.312", N_("The name resolves only inside your network"),
    N_("The name resolves on this computer, but public DNS on the internet does not know it. Exchange Online resolves names from the internet, so it cannot find the server."),
    { N_("The name exists only on your internal DNS servers."),
      N_("The public zone lacks the record that the internal zone has.") },
    { &step_public_dns, &step_resolve_host, &step_dns_host },
  },
  /* 4.4.315 */
  {
    "tcp-timeout", "4.4.315", N_("Connections to port 25 time out"),
    N_("Connections to TCP port 25 of the destination get no answer at all: no acceptance and no refusal. Usually something drops the packets on the way, or the server is not there."),
    { N_("The server or its network is down."),
      N_("A firewall drops connections from Microsoft 365 instead of allowing them."),
      N_("The smart host points to an old IP address.") },
    { &step_check_service, &step_show_connector, &step_set_smart_host, &step_eop_ranges, &step_test_port,
      &step_network_team, &step_wait_hour },
  },
  {
    "greeting-timeout", "4.4.315", N_("The server does not send its greeting"),
    N_("The connection to port 25 opened, but the server never sent its SMTP greeting (the \"220\" line) in time."),
    { N_("The server is overloaded or hanging."),
      N_("A firewall or other device accepts the connection but does not pass it on."),
      N_("The server takes too long to look up the connecting address in DNS.") },
    { &step_server_logs, &step_check_service, &step_firewall_inspection },
  },
  /* 4.4.316 */
  {
    "tcp-refused", "4.4.316", N_("The server refuses connections on port 25"),
    N_("The destination's address answered, but it refused the connection on TCP port 25 (or reset it at once). Nothing accepts mail there for Microsoft 365."),
    { N_("A firewall rejects Microsoft 365's IP addresses on TCP port 25."),
      N_("The mail service is stopped or listens on another address or port."),
      N_("The on-premises servers were retired on purpose while the connector still points to them.") },
    { &step_eop_ranges, &step_check_service, &step_test_port, &step_disable_connector,
      &step_authoritative, &step_wait_hour },
  },
  /* 4.4.317 */
  {
    "greeting-rejected", "4.4.317", N_("The server rejects the session"),
    N_("The server answered the connection with an error instead of a welcome, such as \"421 service not available\" or \"554\". It does not want to talk to Microsoft 365 right now."),
    { N_("The server is in maintenance, overloaded or out of resources."),
      N_("The server or a filter in front of it does not accept connections from Microsoft 365's addresses.") },
    { &step_reply_text, &step_receive_connector, &step_server_logs, &step_eop_ranges },
  },
  {
    "ehlo-rejected", "4.4.317", N_("The server rejects the EHLO greeting"),
    N_("The server accepted the connection but answered Exchange Online's EHLO with an error, so the session could not continue."),
    { N_("The server restricts which hosts may connect or how they must identify."),
      N_("A filter or firewall in front of the server rewrites or blocks EHLO.") },
    { &step_reply_text, &step_receive_connector, &step_firewall_inspection },
  },
  {
    "starttls-missing", "4.4.317", N_("The server does not offer STARTTLS"),
    N_("The connector requires TLS, but the server does not offer STARTTLS, so Exchange Online cannot encrypt the connection and does not send the message."),
    { N_("TLS is not enabled on the server, or it has no usable certificate."),
      N_("A firewall's SMTP inspection removes STARTTLS from the server's reply.") },
    { &step_enable_starttls, &step_firewall_inspection, &step_show_connector },
  },
  {
    "starttls-rejected", "4.4.317", N_("The server answers STARTTLS with an error"),
    N_("The server offers STARTTLS, but answered Exchange Online's STARTTLS command with an error (for example \"454 TLS not available\")."),
    { N_("The server's certificate is missing or cannot be loaded."),
      N_("A TLS setting on the server is broken, or a firewall interferes.") },
    { &step_enable_starttls, &step_renew_certificate, &step_server_logs, &step_firewall_inspection },
  },
  {
    "tls-handshake-failed", "4.4.317", N_("The TLS handshake fails"),
    N_("The server accepted STARTTLS, but the encrypted connection could not be set up. Exchange Online and the server found no protocol version or cipher suite they both accept, or one side broke off."),
    { N_("The server supports only TLS 1.0 or 1.1, or only outdated cipher suites."),
      N_("The certificate or its private key is not usable by the server."),
      N_("A firewall or proxy interferes with TLS.") },
    { &step_tls12, &step_renew_certificate, &step_firewall_inspection },
  },
  /* 4.4.318 */
  {
    "closed-abruptly", "4.4.318", N_("The server closes the connection abruptly"),
    N_("The connection was cut during the SMTP conversation, without a closing reply. The evidence names the step at which it happened."),
    { N_("A firewall's SMTP inspection ends the conversation."),
      N_("The server crashes, hangs or runs out of resources."),
      N_("An unstable network link between the internet and the server.") },
    { &step_firewall_inspection, &step_server_logs, &step_network_team },
  },
  /* 4.7.320 */
  {
    "cert-expired", "4.7.320", N_("The server's certificate has expired"),
    N_("The certificate the destination server presents is past its end date. A connector that validates certificates does not accept it, so Exchange Online sends nothing over that connection."),
    { N_("The certificate was not renewed in time."),
      N_("A new certificate was installed but not assigned to SMTP.") },
    { &step_show_certificate, &step_exchange_certificate, &step_renew_certificate },
  },
  {
    "cert-not-yet-valid", "4.7.320", N_("The server's certificate is not valid yet"),
    N_("The certificate the destination server presents has a start date in the future, so it is not accepted yet."),
    { N_("The certificate was issued with a start date in the future and installed before that date."),
      N_("This computer's clock is behind, which makes a good certificate look not yet valid; check it as well.") },
    { &step_show_certificate, &step_exchange_certificate, &step_renew_certificate },
  },
  {
    "cert-untrusted", "4.7.320", N_("The server's certificate is not trusted"),
    N_("The certificate does not lead to a trusted public certification authority: it is self-signed, issued by a private authority, or the server does not send the intermediate certificates."),
    { N_("A self-signed or internal certificate is used for mail from the internet."),
      N_("The intermediate certificates are missing on the server.") },
    { &step_show_certificate, &step_exchange_certificate, &step_renew_certificate },
  },
  {
    "cert-name-mismatch", "4.7.320", N_("The certificate does not match the expected name"),
    N_("None of the names in the server's certificate matches the TLS domain the connector checks (with domain validation, the TLS domain — not the smart host's name — is what counts)."),
    { N_("The certificate was issued for different names than the one the connector expects."),
      N_("The connector's TLS domain is wrong or out of date.") },
    { &step_show_certificate, &step_exchange_certificate, &step_set_tls_domain, &step_renew_certificate, &step_wait_hour },
  },
  {
    "cert-insecure", "4.7.320", N_("The certificate uses weak cryptography"),
    N_("The certificate is signed with an algorithm that is no longer accepted (such as SHA-1 or MD5), or its key is too short."),
    { N_("An old certificate or an old internal certification authority is still in use.") },
    { &step_show_certificate, &step_exchange_certificate, &step_renew_certificate },
  },
  {
    "cert-chain-invalid", "4.7.320", N_("The certificate chain is built wrongly"),
    N_("The chain of certificates the server sends breaks the rules that certification authorities must follow: a certificate was issued by something that is not a certification authority, an authority issued beyond its path length or name constraints, or a signature does not verify. No valid path to a trusted root can be built from it, so the certificate is not accepted."),
    { N_("The server sends a wrong or outdated certificate as its intermediate."),
      N_("An internal certification authority was set up with constraints that do not allow this certificate.") },
    { &step_show_certificate, &step_fix_chain, &step_internal_ca, &step_renew_certificate },
  },
  {
    "cert-purpose-mismatch", "4.7.320", N_("The certificate is not meant for a TLS server"),
    N_("The certificate's extended key usage (or that of an issuer above it) does not include server authentication. A TLS client, Exchange Online among them, must not accept such a certificate from a server, even when everything else about it is valid."),
    { N_("A certificate made for e-mail signing (S/MIME) or for client authentication was assigned to SMTP."),
      N_("An internal certificate template without Server Authentication was used.") },
    { &step_show_certificate, &step_server_auth_certificate, &step_renew_certificate },
  },
  {
    "cert-unknown-critical-extension", "4.7.320", N_("The certificate has an unknown critical extension"),
    N_("The certificate, or one of the certificates above it, carries an extension marked critical that standard TLS clients do not understand. The rules say such a certificate must be rejected, so it is not accepted for the connection."),
    { N_("An internal certification authority adds an extension of its own and marks it critical.") },
    { &step_show_certificate, &step_no_critical_extension, &step_internal_ca },
  },
  {
    "cert-revoked", "4.7.320", N_("The certificate has been revoked"),
    N_("The certification authority that issued the certificate has revoked it, so it must not be trusted any more."),
    { N_("The certificate was replaced or its key was exposed, and the old one is still installed.") },
    { &step_show_certificate, &step_exchange_certificate, &step_renew_certificate },
  },
  /* 4.7.321-4.7.325: DANE (RFC 7672), as checked live against the MX hosts */
  {
    "dane-starttls-missing", "4.7.321", N_("The MX host publishes TLSA records but offers no STARTTLS"),
    N_("The MX host has DNSSEC-signed TLSA records, so a sender must encrypt the connection and check the certificate against them. The server did not offer STARTTLS (or the TLS handshake failed), so Exchange Online does not deliver to it."),
    { N_("STARTTLS is turned off on the server, or a firewall's SMTP inspection hides it."),
      N_("TLSA records were published for a server that does not support TLS.") },
    { &step_enable_starttls, &step_firewall_inspection, &step_dane_tlsa, &step_recipient_admins },
  },
  {
    "dane-cert-expired", "4.7.322", N_("DANE: a certificate of the server's chain has expired"),
    N_("The TLSA record pins a certification authority (DANE-TA), so the server's certificate and the certificates up to that authority must be within their dates. One of them is expired or not yet valid."),
    { N_("The certificate was not renewed in time, or the new one was not assigned to SMTP."),
      N_("The intermediate certificate the TLSA record pins has expired.") },
    { &step_show_certificate, &step_renew_certificate, &step_dane_rollover, &step_recipient_admins },
  },
  {
    "dane-tlsa-mismatch", "4.7.323", N_("DANE: no TLSA record matches the server's certificate"),
    N_("The MX host's TLSA records are DNSSEC-signed, but none of them matches the certificate chain the server presented, so Exchange Online cannot authenticate the server and does not deliver to it."),
    { N_("The certificate or its key was replaced without publishing a matching TLSA record first."),
      N_("The TLSA record pins a certification authority that the server's certificate does not chain to."),
      N_("The TLSA record's data was copied wrongly.") },
    { &step_show_certificate, &step_dane_tlsa, &step_dane_rollover, &step_recipient_admins },
  },
  {
    "dane-dnssec-bogus", "4.7.324", N_("DANE: the DNSSEC signatures do not validate"),
    N_("The MX host's zone is signed with DNSSEC, but its records do not validate from the root down (the evidence names the records and why). A sender cannot tell a broken zone from a forged answer, so Exchange Online does not use the TLSA records and does not deliver."),
    { N_("The zone's signatures have expired because re-signing stopped."),
      N_("The DS record at the registrar does not match the zone's keys after a key change."),
      N_("Records were changed on a server that does not sign them.") },
    { &step_dnssec_resign, &step_dnssec_ds, &step_dnssec, &step_recipient_admins },
  },
  {
    "dane-name-mismatch", "4.7.325", N_("DANE: the certificate is not for the MX host"),
    N_("The TLSA record pins a certification authority (DANE-TA), so the server's certificate must also carry the MX host's name. It does not."),
    { N_("The certificate was issued for other names than the MX host."),
      N_("The MX record was changed to a new name that the certificate does not have.") },
    { &step_show_certificate, &step_renew_certificate, &step_dane_tlsa, &step_recipient_admins },
  },
  /* 4.4.8 / 4.7.5: MTA-STS (RFC 8461), as checked live for the MX domain */
  {
    "mta-sts-mx-not-in-policy", "4.4.8", N_("MTA-STS: the MX host is not allowed by the policy"),
    N_("The recipient's domain publishes an MTA-STS policy, and the MX host does not match any of its mx: lines. Under mode enforce a sender such as Exchange Online does not deliver to a host the policy does not name; under mode testing it only reports it."),
    { N_("The MX records were changed (a new mail service or filtering service) without updating the policy."),
      N_("The policy's mx: pattern has a typing error, or a wildcard that does not cover the host (*.contoso.com covers mail.contoso.com, not mx.mail.contoso.com).") },
    { &step_mta_sts_mx_lines, &step_mta_sts_bump_id, &step_mta_sts_mx_change_order, &step_recipient_admins },
  },
  {
    "mta-sts-mx-cert-invalid", "4.7.5", N_("MTA-STS: the MX host's certificate is not valid for its name"),
    N_("The recipient's domain publishes an MTA-STS policy, which makes TLS with a valid certificate mandatory: issued by a public certification authority, within its dates, and containing the MX host's own name. The MX host's certificate does not pass (the evidence says why), so under mode enforce Exchange Online does not deliver to it."),
    { N_("The certificate has expired or was issued by a private certification authority."),
      N_("The certificate names the domain or another host, but not the MX host."),
      N_("The server does not offer STARTTLS, or a firewall removes it.") },
    { &step_show_certificate, &step_mta_sts_mx_cert, &step_renew_certificate, &step_recipient_admins },
  },
  {
    "mta-sts-policy-unreachable", "4.4.8", N_("MTA-STS: the policy cannot be fetched"),
    N_("The _mta-sts record announces a policy, but the policy host does not hand it out (no address, an HTTP error or a redirect). Senders without a stored copy then deliver without MTA-STS; senders that stored it earlier keep applying the old one until its max_age runs out, and defer with 4.4.8 if the MX hosts changed since."),
    { N_("The web site for mta-sts.<domain> was moved, removed or now redirects."),
      N_("The policy file is not at /.well-known/mta-sts.txt.") },
    { &step_mta_sts_policy_serve, &step_mta_sts_bump_id, &step_mta_sts_no_policy, &step_recipient_admins },
  },
  {
    "mta-sts-policy-cert-invalid", "4.4.8", N_("MTA-STS: the policy host's certificate is not valid"),
    N_("Senders fetch the MTA-STS policy over HTTPS and must refuse it when the policy host's certificate is not publicly trusted, expired or for another name. The policy is then as good as absent: protection is lost, and senders that stored an earlier policy keep applying it until its max_age runs out."),
    { N_("The certificate of mta-sts.<domain> was not renewed."),
      N_("The policy is served from a host whose certificate does not contain mta-sts.<domain>.") },
    { &step_mta_sts_policy_cert, &step_mta_sts_bump_id, &step_recipient_admins },
  },
  {
    "mta-sts-policy-invalid", "4.4.8", N_("MTA-STS: the policy or its record is not valid"),
    N_("The _mta-sts TXT record or the policy file breaks the rules of MTA-STS (the evidence quotes the error), so senders ignore the policy: the domain is not protected, and senders that stored an earlier policy keep applying it until its max_age runs out."),
    { N_("A typing error in the policy file or the TXT record, or the file is served with the wrong content type."),
      N_("Two v=STSv1 TXT records are published at once.") },
    { &step_mta_sts_policy_syntax, &step_mta_sts_bump_id, &step_tls_rpt, &step_recipient_admins },
  },
  /* Says no more than the "other" code does: every part falls back to it. */
  { "other", "other", NULL, NULL, { NULL }, { NULL } },
};

static const CodeDef *
find_code (const char *code,
           gboolean   *expired)
{
  *expired = FALSE;
  if (code == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (alias_defs); i++)
    {
      if (g_str_equal (code, alias_defs[i].code))
        {
          *expired = alias_defs[i].expired;
          code = alias_defs[i].same_as;
          break;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (code_defs); i++)
    if (g_str_equal (code, code_defs[i].code))
      return &code_defs[i];

  return NULL;
}

static const CauseDef *
find_cause (const char *cause)
{
  if (cause == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (cause_defs); i++)
    if (g_str_equal (cause, cause_defs[i].id))
      return &cause_defs[i];
  return NULL;
}

const char *
mfd_remedy_code_for_cause (const char *cause)
{
  const CauseDef *def = find_cause (cause);

  return def ? def->code : NULL;
}

const char * const *
mfd_remedy_list_causes (void)
{
  static const char **causes = NULL;

  if (g_once_init_enter (&causes))
    {
      const char **list = g_new0 (const char *, G_N_ELEMENTS (cause_defs) + 1);

      for (guint i = 0; i < G_N_ELEMENTS (cause_defs); i++)
        list[i] = cause_defs[i].id;
      g_once_init_leave (&causes, list);
    }

  return causes;
}

const char * const *
mfd_remedy_list_codes (void)
{
  static const char **codes = NULL;

  if (g_once_init_enter (&codes))
    {
      const char **list = g_new0 (const char *, G_N_ELEMENTS (code_defs) + G_N_ELEMENTS (alias_defs) + 1);
      guint n = 0;

      /* Each entry followed by its other forms, so 4.4.316 sits next to 5.4.316. */
      for (guint i = 0; i < G_N_ELEMENTS (code_defs); i++)
        {
          list[n++] = code_defs[i].code;
          for (guint j = 0; j < G_N_ELEMENTS (alias_defs); j++)
            if (g_str_equal (alias_defs[j].same_as, code_defs[i].code))
              list[n++] = alias_defs[j].code;
        }
      g_once_init_leave (&codes, list);
    }

  return codes;
}

gboolean
mfd_remedy_knows_code (const char *code)
{
  gboolean expired;

  return find_code (code, &expired) != NULL;
}

int
mfd_remedy_reply_for_code (const char *code)
{
  if (code == NULL)
    return 0;
  /* The one 4.x code that only ever arrives in the final NDR: the 4 says
   * the cause was temporary, the 550 that delivery is over. */
  if (g_str_equal (code, "4.4.7"))
    return 550;
  if (g_str_has_prefix (code, "4."))
    return 450;
  if (g_str_has_prefix (code, "5."))
    return 550;
  return 0;
}

/* Values go into commands an admin pastes into PowerShell or a shell: a
 * name, address or range is only taken when it cannot break out of its
 * place in the command line. */
static gboolean
is_plain_token (const char *value)
{
  if (value == NULL || *value == '\0' || strlen (value) > 253)
    return FALSE;
  for (const char *p = value; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-_*:/", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* The connector name goes inside "…" in PowerShell, where ` $ and the
 * double quotes (PowerShell also takes “ ” „ as such) are special; a
 * backtick escapes each of them. */
static char *
quote_powershell (const char *value)
{
  g_autofree char *clean = mfd_text_sanitize (value, -1, 128);
  GString *out = g_string_new (NULL);

  for (const char *p = clean; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\t')
        continue;
      if (c == '`' || c == '$' || c == '"' || c == 0x201C || c == 0x201D || c == 0x201E)
        g_string_append_c (out, '`');
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

typedef struct
{
  char *prose[4];     /* {1} connector, {2} server, {3} domain; NULL-terminated */
  char *command[9];   /* {1} … {8}; NULL-terminated */
  guint missing;      /* (MfdRemedyFill bits) of command[] */
} Args;

/* Which command argument each fill gives, and its placeholder. */
static const struct
{
  guint       arg;          /* index into Args.command */
  const char *placeholder;
  const char *key;
  const char *label;
} fills[MFD_REMEDY_N_FILLS] = {
  [MFD_REMEDY_FILL_CONNECTOR_NAME] = { 0, "<connector name>", "connector-name", N_("Connector name") },
  [MFD_REMEDY_FILL_SMART_HOST]     = { 1, "<smart host>", "smart-host", N_("Smart host") },
  [MFD_REMEDY_FILL_DOMAIN]         = { 2, "<domain>", "domain", N_("Accepted or recipient domain") },
  [MFD_REMEDY_FILL_TLS_DOMAIN]     = { 3, "<certificate name>", "tls-domain", N_("Name in the certificate (TLS domain)") },
  [MFD_REMEDY_FILL_RECIPIENT]      = { 6, "<recipient>", "recipient", N_("Test recipient address") },
  [MFD_REMEDY_FILL_THUMBPRINT]     = { 7, "<thumbprint>", "thumbprint", N_("Thumbprint of the new certificate") },
};

const char *
mfd_remedy_fill_get_key (MfdRemedyFill fill)
{
  g_return_val_if_fail (fill < MFD_REMEDY_N_FILLS, NULL);
  return fills[fill].key;
}

const char *
mfd_remedy_fill_get_label (MfdRemedyFill fill)
{
  g_return_val_if_fail (fill < MFD_REMEDY_N_FILLS, NULL);
  return fills[fill].label;
}

const char *
mfd_remedy_fill_get_placeholder (MfdRemedyFill fill)
{
  g_return_val_if_fail (fill < MFD_REMEDY_N_FILLS, NULL);
  return fills[fill].placeholder;
}

char *
mfd_remedy_command_dup_placeholder (const char *command)
{
  /* "<name>" or "<two words>"; "</dev/null" and "a < b" are shell. */
  for (const char *p = command != NULL ? strchr (command, '<') : NULL; p != NULL; p = strchr (p + 1, '<'))
    {
      const char *q = p + 1;

      if (!g_ascii_isalpha (*q))
        continue;
      while (g_ascii_isalpha (*q) || (*q == ' ' && g_ascii_isalpha (q[1])))
        q++;
      if (*q == '>')
        return g_strndup (p, q - p + 1);
    }
  return NULL;
}

gboolean
mfd_remedy_command_has_placeholder (const char *command)
{
  g_autofree char *placeholder = mfd_remedy_command_dup_placeholder (command);

  return placeholder != NULL;
}

static void
args_clear (Args *args)
{
  for (guint i = 0; i < G_N_ELEMENTS (args->prose); i++)
    g_free (args->prose[i]);
  for (guint i = 0; i < G_N_ELEMENTS (args->command); i++)
    g_free (args->command[i]);
}

static char *
token_or (const char *value,
          const char *placeholder)
{
  return g_strdup (is_plain_token (value) ? value : placeholder);
}

/* An address for -Recipients: "local@domain", nothing a shell would read. */
static gboolean
is_address_token (const char *value)
{
  const char *at = value != NULL ? strchr (value, '@') : NULL;

  if (at == NULL || at == value || strchr (at + 1, '@') != NULL || !is_plain_token (at + 1))
    return FALSE;
  for (const char *p = value; p < at; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-_+", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* A certificate thumbprint as Exchange shows it: 40 hex digits (SHA-1);
 * spaces and colons from a copy are dropped. */
static char *
thumbprint_or_null (const char *value)
{
  GString *out;

  if (value == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = value; *p; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (out, g_ascii_toupper (*p));
      else if (*p != ' ' && *p != ':')
        return (g_string_free (out, TRUE), NULL);
    }
  if (out->len != 40)
    return (g_string_free (out, TRUE), NULL);
  return g_string_free (out, FALSE);
}

static char *
phrase_or (const char *lang,
           const char *value,
           const char *fallback)
{
  g_autofree char *clean = NULL;

  if (value == NULL || *value == '\0')
    return g_strdup (mfd_tr (lang, fallback));

  /* Quoted, so that a name reads as one inside any sentence (Japanese sets
   * it off in 「」 where it would otherwise need spaces around it). */
  clean = mfd_text_sanitize (value, -1, 253);
  return mfd_text_render_va (lang, N_("“{1}”"), clean, NULL);
}

static void
args_init (Args                   *args,
           const char             *lang,
           const MfdRemedyContext *context)
{
  MfdRemedyContext empty = { 0 };
  const char *host;

  memset (args, 0, sizeof *args);
  if (context == NULL)
    context = &empty;
  host = context->host ? context->host : context->smart_host;

  if (context->connector_name != NULL && *context->connector_name != '\0')
    {
      g_autofree char *name = mfd_text_sanitize (context->connector_name, -1, 128);

      args->prose[0] = mfd_text_render_va (lang, N_("the connector “{1}”"), name, NULL);
      args->command[0] = quote_powershell (context->connector_name);
    }
  else
    {
      args->prose[0] = g_strdup (mfd_tr (lang, N_("the connector")));
      args->command[0] = g_strdup ("<connector name>");
    }
  args->prose[1] = phrase_or (lang, host, N_("the destination server"));
  args->prose[2] = phrase_or (lang, context->domain, N_("the recipient domain"));

  args->command[1] = token_or (context->smart_host, "<smart host>");
  args->command[2] = token_or (context->domain, "<domain>");
  args->command[3] = token_or (context->tls_domain, "<certificate name>");
  args->command[4] = token_or (host, "<host>");
  args->command[5] = token_or (context->ip, "<IP address>");
  /* Validation writes to a real mailbox: the one given, or the domain's
   * postmaster (every domain must have one). */
  if (is_address_token (context->recipient))
    args->command[6] = g_strdup (context->recipient);
  else if (is_plain_token (context->domain))
    args->command[6] = g_strconcat ("postmaster@", context->domain, NULL);
  else
    args->command[6] = g_strdup ("<recipient>");
  args->command[7] = thumbprint_or_null (context->thumbprint);
  if (args->command[7] == NULL)
    args->command[7] = g_strdup ("<thumbprint>");

  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    if (g_str_equal (args->command[fills[i].arg], fills[i].placeholder))
      args->missing |= 1u << i;
}

/* The fills a command still needs: those of its arguments left as
 * placeholders. */
static guint
command_missing (const char *command,
                 const Args *args)
{
  guint missing = 0;

  for (guint i = 0; i < MFD_REMEDY_N_FILLS; i++)
    {
      g_autofree char *ref = g_strdup_printf ("{%u}", fills[i].arg + 1);

      if ((args->missing & (1u << i)) && strstr (command, ref) != NULL)
        missing |= 1u << i;
    }
  return missing;
}

static MfdRemedyStep *
render_step (const StepDef          *def,
             const char             *lang,
             const Args             *args,
             const MfdRemedyContext *context)
{
  MfdRemedyStep *step = g_new0 (MfdRemedyStep, 1);

  step->text = mfd_text_render (lang, def->text, (const char * const *) args->prose);
  if ((def->flags & STEP_EOP_RANGES) && context != NULL &&
      context->eop_ranges != NULL && context->eop_ranges[0] != NULL)
    {
      g_autoptr(GPtrArray) ranges = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *joined = NULL;
      g_autofree char *sentence = NULL;
      char *text;

      for (guint i = 0; context->eop_ranges[i] != NULL; i++)
        if (is_plain_token (context->eop_ranges[i]))
          g_ptr_array_add (ranges, g_strdup (context->eop_ranges[i]));
      g_ptr_array_add (ranges, NULL);
      joined = g_strjoinv (", ", (char **) ranges->pdata);
      sentence = mfd_text_render_va (lang, N_("The ranges published now: {1}"), joined, NULL);
      text = g_strconcat (step->text, "\n", sentence, NULL);
      g_free (step->text);
      step->text = text;
    }
  /* Commands are the same in every language: rendered from the English source. */
  if (def->command != NULL)
    {
      step->command = mfd_text_render ("en", def->command, (const char * const *) args->command);
      step->missing = command_missing (def->command, args);
    }
  if (def->eac_path != NULL)
    step->eac_path = g_strdup (mfd_tr (lang, def->eac_path));

  return step;
}

static void
step_free (gpointer data)
{
  MfdRemedyStep *step = data;

  g_free (step->text);
  g_free (step->command);
  g_free (step->eac_path);
  g_free (step);
}

static void
add_steps (GPtrArray            *defs,
           const StepDef * const *list)
{
  for (guint i = 0; i < MAX_STEPS && list[i] != NULL; i++)
    if (!g_ptr_array_find (defs, list[i], NULL))
      g_ptr_array_add (defs, (gpointer) list[i]);
}

static char **
render_list (const char         *lang,
             const char * const *list)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < MAX_LIKELY && list[i] != NULL; i++)
    g_strv_builder_add (builder, mfd_tr (lang, list[i]));

  return g_strv_builder_end (builder);
}

/* The steps of a remedy, in order, each once: the cause's own (or the
 * code's), the note to send again for an expired message, the code's
 * general ones. */
static void
compose_steps (GPtrArray      *defs,
               const CodeDef  *code_def,
               const CauseDef *cause_def,
               gboolean        expired)
{
  add_steps (defs, (cause_def && cause_def->steps[0]) ? cause_def->steps : code_def->steps);
  if (expired)
    add_steps (defs, (const StepDef * const []) { &step_resend, NULL });
  add_steps (defs, code_def->general);
}

MfdRemedy *
mfd_remedy_render (const char             *code,
                   const char             *cause,
                   const char             *lang,
                   const MfdRemedyContext *context)
{
  const CauseDef *cause_def = NULL;
  const CodeDef *code_def;
  g_autoptr(GPtrArray) defs = g_ptr_array_new ();
  Args args;
  gboolean expired;
  const char *title;
  const char *explanation;
  const char * const *likely;
  MfdRemedy *remedy;
  int reply;

  g_return_val_if_fail (code != NULL || cause != NULL, NULL);

  if (cause != NULL)
    {
      cause_def = find_cause (cause);
      if (cause_def == NULL)
        return NULL;
      if (code == NULL)
        code = cause_def->code;
    }
  code_def = find_code (code, &expired);
  if (code_def == NULL)
    return NULL;

  reply = mfd_remedy_reply_for_code (code);
  args_init (&args, lang, context);

  title = (cause_def && cause_def->title) ? cause_def->title : code_def->title;
  explanation = (cause_def && cause_def->explanation) ? cause_def->explanation : code_def->explanation;
  likely = (cause_def && cause_def->likely[0]) ? cause_def->likely : code_def->likely;

  remedy = g_new0 (MfdRemedy, 1);
  remedy->code = g_strdup (code);
  remedy->reply = reply;
  remedy->cause = g_strdup (cause_def ? cause_def->id : NULL);
  if (expired)
    remedy->title = mfd_text_render_va (lang, N_("Message expired: {1}"), mfd_tr (lang, title), NULL);
  else
    remedy->title = g_strdup (mfd_tr (lang, title));

  if (code_def->no_queue_note || reply == 0)
    remedy->explanation = g_strdup (mfd_tr (lang, explanation));
  else
    remedy->explanation = g_strconcat (mfd_tr (lang, explanation), "\n\n",
                                       mfd_tr (lang, reply == 450 ? status_retry : status_final),
                                       NULL);
  remedy->likely_causes = render_list (lang, likely);

  compose_steps (defs, code_def, cause_def, expired);

  /* For a partner's server, talking to the partner comes before anything
   * the admin could check on their own side. */
  if (context != NULL && context->partner)
    {
      guint front = 0;

      for (guint i = 0; i < defs->len; i++)
        {
          const StepDef *def = g_ptr_array_index (defs, i);

          if (def->flags & STEP_FOR_PARTNER)
            {
              g_ptr_array_remove_index (defs, i);
              g_ptr_array_insert (defs, front++, (gpointer) def);
            }
        }
    }

  remedy->steps = g_ptr_array_new_with_free_func (step_free);
  for (guint i = 0; i < defs->len; i++)
    g_ptr_array_add (remedy->steps, render_step (g_ptr_array_index (defs, i), lang, &args, context));
  args_clear (&args);

  return remedy;
}

gboolean
mfd_remedy_uses_eop_ranges (const char *code,
                            const char *cause)
{
  const CauseDef *cause_def = NULL;
  const CodeDef *code_def;
  g_autoptr(GPtrArray) defs = g_ptr_array_new ();
  gboolean expired;

  if (code == NULL && cause == NULL)
    return FALSE;
  if (cause != NULL)
    {
      cause_def = find_cause (cause);
      if (cause_def == NULL)
        return FALSE;
      if (code == NULL)
        code = cause_def->code;
    }
  code_def = find_code (code, &expired);
  if (code_def == NULL)
    return FALSE;

  compose_steps (defs, code_def, cause_def, expired);
  for (guint i = 0; i < defs->len; i++)
    if (((const StepDef *) g_ptr_array_index (defs, i))->flags & STEP_EOP_RANGES)
      return TRUE;
  return FALSE;
}

void
mfd_remedy_free (MfdRemedy *remedy)
{
  if (remedy == NULL)
    return;
  g_free (remedy->code);
  g_free (remedy->cause);
  g_free (remedy->title);
  g_free (remedy->explanation);
  g_strfreev (remedy->likely_causes);
  g_clear_pointer (&remedy->steps, g_ptr_array_unref);
  g_free (remedy);
}

GPtrArray *
mfd_remedy_render_microsoft_checks (const char             *lang,
                                    const MfdRemedyContext *context)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func (step_free);
  Args args;

  args_init (&args, lang, context);
  g_ptr_array_add (steps, render_step (&step_validate_from_microsoft, lang, &args, context));
  g_ptr_array_add (steps, render_step (&step_remote_analyzer, lang, &args, context));
  args_clear (&args);
  return steps;
}
