#!/usr/bin/env python3
# make-format-list.py — writes the Get-OutboundConnector | Format-List samples
# (fl-*.txt) and formatlist-expected.json, in the shape PowerShell prints:
# names padded to the longest, "{a, b}" lists, values wrapped at the console
# width onto lines indented to the value column, a blank line between
# connectors. Contoso/fabrikam names and documentation addresses only.
#
# Copyright 2026 The Mail Flow Doctor authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = ["RunspaceId", "Enabled", "UseMXRecord", "Comment", "ConnectorType", "ConnectorSource",
        "RecipientDomains", "SmartHosts", "TlsDomain", "TlsSettings", "IsTransportRuleScoped",
        "RouteAllMessagesViaOnPremises", "CloudServicesMailEnabled", "AllAcceptedDomains",
        "SenderRewritingEnabled", "TestMode", "ValidationRecipients", "IsValidated",
        "LastValidationTimestamp", "AdminDisplayName", "ExchangeVersion", "Name", "DistinguishedName",
        "Identity", "ObjectCategory", "ObjectClass", "WhenChanged", "WhenCreated", "WhenChangedUTC",
        "WhenCreatedUTC", "ExchangeObjectId", "Id", "Guid", "IsValid", "ObjectState"]
WIDTH = 120


def lst(items):
    return "{" + ", ".join(items) + "}"


def connector(name, *, enabled=True, mx=False, comment="", ctype="OnPremises", domains=("*",),
              hosts=(), tls="", tls_domain="", ja=False, n=0):
    when = "2025/03/04 10:05:09" if ja else "3/4/2025 1:05:09 AM"
    v = {
        "RunspaceId": f"7c1e9a52-4b1d-4f0e-9d3a-00000000000{n}", "Enabled": str(enabled),
        "UseMXRecord": str(mx), "Comment": comment, "ConnectorType": ctype, "ConnectorSource": "Default",
        "RecipientDomains": lst(domains), "SmartHosts": lst(hosts), "TlsDomain": tls_domain,
        "TlsSettings": tls, "IsTransportRuleScoped": "False", "RouteAllMessagesViaOnPremises": "False",
        "CloudServicesMailEnabled": str(ctype == "OnPremises"), "AllAcceptedDomains": "False",
        "SenderRewritingEnabled": "False", "TestMode": "False", "ValidationRecipients": "{}",
        "IsValidated": "False", "LastValidationTimestamp": "", "AdminDisplayName": "",
        "ExchangeVersion": "0.1 (8.14.0.0)", "Name": name,
        "DistinguishedName": f"CN={name},CN=Transport Settings,CN=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=JPNPR01A001,DC=PROD,DC=OUTLOOK,DC=COM",
        "Identity": name, "ObjectCategory": "JPNPR01A001.PROD.OUTLOOK.COM/Configuration/Schema/ms-Exch-SMTP-Outbound-Connector",
        "ObjectClass": lst(["top", "msExchSmtpOutboundConnector"]), "WhenChanged": when, "WhenCreated": when,
        "WhenChangedUTC": when, "WhenCreatedUTC": when, "ExchangeObjectId": f"5f3a1c2e-0000-4000-8000-00000000000{n}",
        "Id": name, "Guid": f"5f3a1c2e-0000-4000-8000-00000000000{n}", "IsValid": "True", "ObjectState": "Unchanged",
    }
    pad = max(len(k) for k in KEYS)
    out = []
    for k in KEYS:
        head = k.ljust(pad) + " : "
        value = v[k]
        room = WIDTH - len(head)
        # Word-wrapped at the console width; a word longer than a line is
        # cut where the line ends.
        lines, cur = [], ""
        for word in value.split(" "):
            while len(word) > room:
                if cur:
                    lines.append(cur)
                    cur = ""
                lines.append(word[:room])
                word = word[room:]
            if cur and len(cur) + 1 + len(word) > room:
                lines.append(cur)
                cur = word
            else:
                cur = (cur + " " + word) if cur else word
        lines.append(cur)
        for i, piece in enumerate(lines):
            out.append((head if i == 0 else " " * len(head)) + piece)
    return "\n".join(l.rstrip() for l in out)


def expect(name, *, enabled=True, mx=False, ctype="OnPremises", domains=("*",), hosts=(), tls="", tls_domain=""):
    return {"name": name, "enabled": enabled, "use_mx_record": mx, "connector_type": ctype,
            "recipient_domains": list(domains), "smart_hosts": list(hosts), "tls_settings": tls or None,
            "tls_domain": tls_domain or None}


SAMPLES = {}


def add(name, text, expected, encoding="utf-8", newline="\n"):
    SAMPLES[name] = (text, expected, encoding, newline)


a = dict(hosts=("mail1.contoso.com", "mail2.contoso.com"), tls="DomainValidation", tls_domain="*.contoso.com")
add("fl-onprem-en.txt", "\n" + connector("To on-prem", **a) + "\n\n\n", {"connectors": [expect("To on-prem", **a)]})

b = dict(ctype="Partner", mx=True, domains=("fabrikam.co.jp", "*.fabrikam.co.jp"), tls="CertificateValidation")
add("fl-partner-ja.txt", connector("ファブリカム宛て", comment="取引先 ファブリカム社へのTLS必須コネクタ", ja=True, **b) + "\n",
    {"connectors": [expect("ファブリカム宛て", **b)]})

c1 = dict(hosts=("hybrid.contoso.com",), tls="", enabled=False)
c2 = dict(ctype="Partner", domains=("fabrikam.com",), hosts=("smtp.fabrikam.com",), tls="EncryptionOnly")
c3 = dict(hosts=("198.51.100.10", "203.0.113.0/24"), tls="CertificateValidation", domains=("contoso.co.jp",))
add("fl-several.txt", "\n" + "\n\n".join([connector("Old hybrid", n=1, **c1), connector("Fabrikam partner", n=2, **c2),
                                          connector("Tokyo office", n=3, **c3)]) + "\n\n",
    {"connectors": [expect("Old hybrid", **c1), expect("Fabrikam partner", **c2), expect("Tokyo office", **c3)]})

many = tuple(f"mx{i:02d}.outbound-relay.contoso.com" for i in range(1, 9))
d = dict(hosts=many, tls="DomainValidation", tls_domain="mail.contoso.com")
add("fl-wrapped.txt", connector("Relays with a long list of smart hosts to wrap", comment="This connector sends all mail for the whole organisation through the relay farm in the Osaka data centre while the Tokyo one is rebuilt", **d) + "\n",
    {"connectors": [expect("Relays with a long list of smart hosts to wrap", **d)]})

add("fl-prompt-crlf.txt", "PS C:\\Users\\admin> Get-OutboundConnector | Format-List\n\n" + connector("To on-prem", **a) + "\n\n",
    {"connectors": [expect("To on-prem", **a)]}, newline="\r\n")

add("fl-utf16-ja.txt", connector("本社 Exchange", ja=True, **a) + "\n", {"connectors": [expect("本社 Exchange", **a)]},
    encoding="utf-16")

e = dict(hosts=("198.51.100.10", "203.0.113.0/24"), tls="EncryptionOnly")
add("fl-ip-smarthosts.txt", connector("By address", **e) + "\n", {"connectors": [expect("By address", **e)]})

f = dict(enabled=False, hosts=("mail.contoso.com",))
add("fl-opportunistic.txt", connector("No TLS setting", **f) + "\n", {"connectors": [expect("No TLS setting", **f)]})

add("fl-minimal.txt", "Name        : Hand copied\nSmartHosts  : {mail.contoso.com}\nTlsSettings : DomainValidation\nTlsDomain   : mail.contoso.com\n",
    {"connectors": [expect("Hand copied", ctype="Partner", domains=(), hosts=("mail.contoso.com",), tls="DomainValidation", tls_domain="mail.contoso.com")]})

trunc = connector("Shortened", hosts=("a1.contoso.com", "a2.contoso.com", "a3.contoso.com", "a4.contoso.com", "a5.contoso.com"))
trunc = trunc.replace("{a1.contoso.com, a2.contoso.com, a3.contoso.com, a4.contoso.com, a5.contoso.com}",
                      "{a1.contoso.com, a2.contoso.com, a3.contoso.com, a4.contoso.com...}")
add("fl-truncated-list.txt", trunc + "\n", {"error": "parse"})

add("fl-bad-tls.txt", connector("Typo", hosts=("mail.contoso.com",), tls="DomainValidaton") + "\n", {"error": "invalid"})
add("fl-bad-host.txt", connector("Bad host", hosts=("mail contoso com",)) + "\n", {"error": "invalid"})
add("fl-stray-line.txt", connector("Stray", hosts=("mail.contoso.com",)) + "\nThis line is not part of the list\n",
    {"error": "parse"})

expected = {}
for name, (text, exp, encoding, newline) in SAMPLES.items():
    data = text.replace("\n", newline).encode(encoding)
    with open(os.path.join(HERE, name), "wb") as fh:
        fh.write(data)
    expected[name] = exp
with open(os.path.join(HERE, "formatlist-expected.json"), "w", encoding="utf-8") as fh:
    json.dump(expected, fh, indent=1, ensure_ascii=False, sort_keys=True)
    fh.write("\n")
print(len(SAMPLES), "samples")
