#!/usr/bin/env python3
# make-bounces.py — writes the bounce corpus (bounce-*.txt / bounce-*.eml)
#
# Copyright 2026 The Mail Flow Doctor authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Each format below is written from the MTA's documented or widely published
# shape, in our own words, with contoso/fabrikam names and documentation
# addresses only. Variants change recipients, servers, addresses and the
# error. INTENT (written to bounce-intent.json) is what a person reading the
# text would say: per entry status, server and IP, and the primary one; the
# corpus test checks expected.json, which must agree with it (see --check).
#
#   ./make-bounces.py            write the samples and bounce-intent.json
#   ./make-bounces.py --check F  compare F (MFD_NDR_WRITE_EXPECTED output)
#                                with the intent; exit 1 on a difference

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (reply, status, words)
PERM = [
    (550, "5.1.1", "<{rcpt}>: Recipient address rejected: User unknown in local recipient table"),
    (552, "5.2.2", "<{rcpt}>... Mailbox full"),
    (550, "5.7.1", "Message rejected because it was classified as spam"),
    (554, "5.7.1", "<{rcpt}>: Relay access denied"),
    (550, "5.1.2", "Host unknown: the domain of {rcpt} has no mail exchanger"),
    (553, "5.1.3", "Bad recipient address syntax"),
    (550, "5.7.26", "Unauthenticated email from contoso.com is not accepted due to domain's DMARC policy"),
    (550, "5.4.1", "Recipient address rejected: Access denied"),
]
TEMP = [
    (451, "4.7.1", "Greylisted, please try again in 5 minutes"),
    (452, "4.2.2", "Mailbox of {rcpt} is over quota, try again later"),
    (421, "4.4.2", "Connection timed out while waiting for the server's reply"),
]
HOSTS = [
    ("mx.fabrikam.com", "198.51.100.7"),
    ("mail.fabrikam.co.jp", "203.0.113.25"),
    ("mx1.fabrikam.net", "192.0.2.44"),
    ("inbound.fabrikam.org", "2001:db8::25"),
    ("smtp.contoso.co.jp", "198.51.100.120"),
    ("mx2.fabrikam.com", "203.0.113.9"),
]
RCPTS = ["bob@fabrikam.com", "hanako@fabrikam.co.jp", "carol@fabrikam.net", "taro@contoso.co.jp",
         "dave@fabrikam.org", "yuki@fabrikam.com"]

SAMPLES = {}


def add(name, text, entries, primary=0):
    """entries: list of (status or None, server, ip)"""
    assert name not in SAMPLES, name
    SAMPLES[name] = (text, [list(e) for e in entries], primary)


def words(w, rcpt):
    return w.replace("{rcpt}", rcpt)


def variant(n, table=PERM, rcpt=None):
    reply, status, w = table[n % len(table)]
    host, ip = HOSTS[n % len(HOSTS)]
    rcpt = rcpt or RCPTS[n % len(RCPTS)]
    return reply, status, words(w, rcpt), host, ip, rcpt


def eml(subject, frm, parts, boundary="b0undary", report=True, top_type=None):
    head = (f"From: {frm}\nTo: sender@contoso.com\nSubject: {subject}\n"
            f"Date: Tue, 04 Mar 2025 01:05:11 +0000\nMessage-ID: <a1b2c3.{sum(map(ord, subject + str(parts)[:200])) % 99999}@contoso.com>\n"
            "MIME-Version: 1.0\n")
    if top_type is None:
        top_type = (f'multipart/report; report-type=delivery-status; boundary="{boundary}"' if report
                    else f'multipart/mixed; boundary="{boundary}"')
    out = head + f"Content-Type: {top_type}\n\n"
    for ctype, body in parts:
        out += f"--{boundary}\nContent-Type: {ctype}\n\n{body}\n"
    out += f"--{boundary}--\n"
    return out


# 1. Postfix, pasted and as a message with its delivery-status part
def postfix_block(rcpt, host, ip, reply, status, w):
    line = f"<{rcpt}>: host {host}[{ip}] said: {reply} {status} {w} (in reply to RCPT TO command)"
    # Postfix wraps at about 78 columns and indents the rest by four spaces.
    out, cur = [], ""
    for word in line.split(" "):
        if cur and len(cur) + 1 + len(word) > 76:
            out.append(cur)
            cur = "    " + word
        else:
            cur = (cur + " " + word) if cur else word
    out.append(cur)
    return "\n".join(out)


POSTFIX_HEAD = """This is the mail system at host mail.contoso.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

"""

for n in range(7):
    reply, status, w, host, ip, rcpt = variant(n)
    add(f"bounce-postfix-{n + 1}.txt", POSTFIX_HEAD + postfix_block(rcpt, host, ip, reply, status, w) + "\n",
        [(status, host, ip)])

for n in range(4):
    reply, status, w, host, ip, rcpt = variant(n + 3)
    dsn = (f"Reporting-MTA: dns; mail.contoso.com\nX-Postfix-Queue-ID: 4Q2X1Y0Z{n}\n"
           f"X-Postfix-Sender: rfc822; sender@contoso.com\nArrival-Date: Tue,  4 Mar 2025 01:05:09 +0000 (UTC)\n\n"
           f"Final-Recipient: rfc822; {rcpt}\nOriginal-Recipient: rfc822;{rcpt}\nAction: failed\n"
           f"Status: {status}\nRemote-MTA: dns; {host}\nDiagnostic-Code: smtp; {reply} {status} {w}\n")
    add(f"bounce-postfix-eml-{n + 1}.eml",
        eml("Undelivered Mail Returned to Sender", "MAILER-DAEMON@mail.contoso.com (Mail Delivery System)",
            [("text/plain; charset=us-ascii", POSTFIX_HEAD + postfix_block(rcpt, host, ip, reply, status, w)),
             ("message/delivery-status", dsn),
             ("text/rfc822-headers", "Received: from client.contoso.com (client.contoso.com [192.0.2.10])\n"
                                     "\tby mail.contoso.com (Postfix) with ESMTP id 4Q2X1Y0Z\nFrom: sender@contoso.com\n")]),
        [(status, host, ip)])

# Postfix, several recipients with different errors: the permanent one wins
for n in range(4):
    blocks, entries = [], []
    picks = [variant(n + 1, TEMP, RCPTS[n % 6]), variant(n + 2, rcpt=RCPTS[(n + 1) % 6]),
             variant(n + 4, rcpt=RCPTS[(n + 2) % 6])]
    for k, (reply, status, w, host, ip, rcpt) in enumerate(picks):
        blocks.append(postfix_block(rcpt, host, ip, reply, status, w))
        entries.append((status, host, ip))
    add(f"bounce-postfix-multi-{n + 1}.txt", POSTFIX_HEAD + "\n\n".join(blocks) + "\n", entries, primary=2)

# 2. Sendmail: reason lines, a transcript, and the delivery-status part
for n in range(5):
    reply, status, w, host, ip, rcpt = variant(n + 1)
    human = f"""The original message was received at Tue, 4 Mar 2025 10:05:09 +0900
from client.contoso.com [192.0.2.10]

   ----- The following addresses had permanent fatal errors -----
<{rcpt}>
    (reason: {reply} {status} {w})

   ----- Transcript of session follows -----
... while talking to {host}.:
>>> MAIL From:<sender@contoso.com> SIZE=2048
<<< 250 2.1.0 <sender@contoso.com>... Sender ok
>>> RCPT To:<{rcpt}>
<<< {reply} {status} {w}
{reply} {status} {rcpt}... {w.split(': ')[-1]}
"""
    dsn = (f"Reporting-MTA: dns; mail.contoso.com\nReceived-From-MTA: DNS; client.contoso.com\n"
           f"Arrival-Date: Tue, 4 Mar 2025 10:05:09 +0900\n\n"
           f"Final-Recipient: RFC822; {rcpt}\nAction: failed\nStatus: {status}\nRemote-MTA: DNS; {host}\n"
           f"Diagnostic-Code: SMTP; {reply} {status} {w}\nLast-Attempt-Date: Tue, 4 Mar 2025 10:05:11 +0900\n")
    if n < 3:
        add(f"bounce-sendmail-{n + 1}.eml",
            eml("Returned mail: see transcript for details", "Mail Delivery Subsystem <MAILER-DAEMON@mail.contoso.com>",
                [("text/plain", human), ("message/delivery-status", dsn)]),
            [(status, host, None)])
    else:
        # Pasted human part alone: the reason line, then the transcript
        # (dropped: it quotes the same error, but names the server).
        add(f"bounce-sendmail-{n + 1}.txt", human, [(status, host, None)])

# Sendmail after a pipelined RCPT: the transcript's "503 5.0.0 Need RCPT" is
# not the recipient's status; the delivery-status part's is.
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n)
    human = f"""   ----- The following addresses had permanent fatal errors -----
<{rcpt}>
    (reason: {reply} {status} {w})

   ----- Transcript of session follows -----
... while talking to {host}.:
>>> MAIL From:<sender@contoso.com> SIZE=3120
>>> RCPT To:<{rcpt}>
>>> DATA
<<< 250 2.1.0 Ok
<<< {reply} {status} {w}
<<< 503 5.0.0 Need RCPT (recipient)
"""
    dsn = (f"Reporting-MTA: dns; mail.contoso.com\n\nFinal-Recipient: RFC822; {rcpt}\nAction: failed\n"
           f"Status: {status}\nRemote-MTA: DNS; {host}\nDiagnostic-Code: SMTP; {reply} {status} {w}\n")
    add(f"bounce-sendmail-pipelined-{n + 1}.eml",
        eml("Returned mail: see transcript for details", "Mail Delivery Subsystem <MAILER-DAEMON@mail.contoso.com>",
            [("text/plain", human), ("message/delivery-status", dsn)]),
        [(status, host, None)])

# 3. RFC 3464 with a generic Status and a specific Diagnostic-Code
for n in range(6):
    reply, status, w, host, ip, rcpt = variant(n)
    generic = status[0] + ".0.0"
    dsn = (f"Reporting-MTA: dns; gw.contoso.com\n\nFinal-Recipient: rfc822; {rcpt}\nAction: failed\n"
           f"Status: {generic}\nRemote-MTA: dns; {host}\nDiagnostic-Code: smtp; {reply} {status} {w}\n")
    add(f"bounce-dsn-generic-status-{n + 1}.eml",
        eml("Delivery Status Notification (Failure)", "postmaster@gw.contoso.com",
            [("text/plain", "Your message could not be delivered to some of its recipients.\n"
                            "The technical report is attached.\n"),
             ("message/delivery-status", dsn)]),
        [(status, host, None)])

# 4. Exim: the host line, then "SMTP error from remote mail server after …"
EXIM_HEAD = """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

"""
for n in range(6):
    reply, status, w, host, ip, rcpt = variant(n + 2)
    if n % 2 == 0:
        body = (f"  {rcpt}\n    host {host} [{ip}]\n    SMTP error from remote mail server after RCPT TO:<{rcpt}>:\n"
                f"    {reply} {status} {w}\n")
    else:
        # The status alone on the next line, without a reply code.
        body = (f"  {rcpt}\n    host {host} [{ip}]\n    SMTP error from remote mail server after RCPT TO:<{rcpt}>:\n"
                f"    {status} {w}\n")
    add(f"bounce-exim-{n + 1}.txt", EXIM_HEAD + body, [(status, host, ip)])

# Exim delay warning: a 4xx that will be retried
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n, TEMP)
    text = f"""This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mail.contoso.com.

The message identifier is:     1tX2yZ-000Abc-3d
The subject of the message is: Quarterly report

The address to which the message has not yet been delivered is:

  {rcpt}
    host {host} [{ip}]
    Delay reason: SMTP error from remote mail server after RCPT TO:<{rcpt}>:
    {reply} {status} {w}

No action is required on your part. Delivery attempts will continue for
some time, and this warning may be repeated at intervals if the message
remains undelivered. Eventually the mail delivery software will give up,
and when that happens, the message will be returned to you.
"""
    add(f"bounce-exim-delay-{n + 1}.txt", text, [(status, host, ip)])

# 5. qmail: "(#5.1.1)" for its own errors, "Remote host said:" for others'
QMAIL_HEAD = """Hi. This is the qmail-send program at mail.contoso.com.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

"""
for n in range(3):
    rcpt = RCPTS[n]
    reason = ["Sorry, no mailbox here by that name. (#5.1.1)",
              "Sorry, I couldn't find any host named fabrikam-old.com. (#5.1.2)",
              "This message is looping: it already has my Delivered-To line. (#5.4.6)"][n]
    status = ["5.1.1", "5.1.2", "5.4.6"][n]
    add(f"bounce-qmail-local-{n + 1}.txt", QMAIL_HEAD + f"<{rcpt}>:\n{reason}\n\n--- Below this line is a copy of the message.\n",
        [(status, None, None)])
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n + 1)
    if ":" in ip:
        host, ip = HOSTS[0]
    add(f"bounce-qmail-remote-{n + 1}.txt",
        QMAIL_HEAD + f"<{rcpt}>:\n{ip} does not like recipient.\nRemote host said: {reply} {status} {w}\n"
        f"Giving up on {ip}.\n\n--- Below this line is a copy of the message.\n",
        [(status, None, ip)])
# qmail with a bare reply code
for n in range(2):
    host, ip = HOSTS[n]
    rcpt = RCPTS[n + 2]
    add(f"bounce-qmail-bare-{n + 1}.txt",
        QMAIL_HEAD + f"<{rcpt}>:\nConnected to {ip} but sender was rejected.\nRemote host said: 553 sorry, your envelope sender is in my badmailfrom list\n\n",
        [(None, None, ip)])

# 6. Yahoo (qmail-based) and its bare-code form
for n in range(4):
    rcpt = f"user{n}@fabrikam.com"
    if n < 2:
        text = (f"Sorry, we were unable to deliver your message to the following address.\n\n<{rcpt}>:\n"
                f"Remote host said: 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown [RCPT_TO]\n\n"
                "--- Below this line is a copy of the message.\n")
        entries = [("5.1.1", None, None)]
    else:
        text = (f"Sorry, we were unable to deliver your message to the following address.\n\n<{rcpt}>:\n"
                f"554: delivery error: dd This user doesn't have an account ({rcpt}) [0] - mta1{n}.mail.contoso.com\n\n"
                "--- Below this line is a copy of the message.\n")
        entries = [(None, None, None)]
    add(f"bounce-yahoo-{n + 1}.txt", text, entries)

# 7. GMX / Web.de
for n in range(4):
    reply, status, w, host, ip, rcpt = variant(n + 3)
    text = f"""This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of
its recipients. This is a permanent error. The following address(es)
failed:

{rcpt}:
SMTP error from remote server for RCPT TO command, host: {host} ({ip}) reason: {reply} {status} {w}

--- The header of the original message is following. ---
"""
    add(f"bounce-gmx-{n + 1}.txt", text, [(status, host, ip)])

# 8. Courier
for n in range(4):
    reply, status, w, host, ip, rcpt = variant(n + 5)
    text = f"""This is a delivery status notification from mail.contoso.com,
running the Courier mail server, version 1.1.

The original message was received on Tue, 04 Mar 2025 10:05:09 +0900
from client.contoso.com (192.0.2.10)

---------------------------------------------------------------------------

                           UNDELIVERABLE MAIL

Your message to the following recipients cannot be delivered:

<{rcpt}>:
    {host} [{ip}]:
>>> RCPT TO:<{rcpt}>
<<< {reply} {status} {w}

---------------------------------------------------------------------------
"""
    add(f"bounce-courier-{n + 1}.txt", text, [(status, host, ip)])

# 9. Domino: RFC 3464 with X-Notes diagnostics and a generic 5.0.0
for n in range(4):
    rcpt = RCPTS[n]
    host = HOSTS[n][0]
    status = ["5.0.0", "5.1.1", "5.0.0", "5.2.2"][n]
    diag = ["X-Notes; User {u} ({r}) not listed in Domino Directory",
            "X-Notes; User {u} ({r}) not listed in Domino Directory",
            "X-Notes; Unable to deliver message to {r} after 3 attempts",
            "X-Notes; Mail file for {u} is full"][n].format(u=rcpt.split("@")[0], r=rcpt)
    human = f"Your document:\tQuarterly report\nwas not delivered to:\t{rcpt}\nbecause:\t{diag.split('; ', 1)[1]}\n"
    dsn = (f"Reporting-MTA: dns; notes01.contoso.com\n\nFinal-Recipient: rfc822;{rcpt}\nAction: failed\n"
           f"Status: {status}\nRemote-MTA: dns; {host}\nDiagnostic-Code: {diag}\n")
    add(f"bounce-domino-{n + 1}.eml",
        eml("DELIVERY FAILURE: User not listed in Domino Directory", "Postmaster@notes01.contoso.com",
            [("text/plain; charset=UTF-8", human), ("message/delivery-status", dsn)]),
        [(status, host, None)])

# 10. Exchange Server 2003: "<server #5.1.1>"
for n in range(5):
    rcpt = RCPTS[n]
    status = ["5.1.1", "5.2.2", "5.7.1", "5.4.0", "5.5.0"][n]
    text = f"""Your message did not reach some or all of the intended recipients.

      Subject:\tQuarterly report
      Sent:\t3/4/2025 10:05 AM

The following recipient(s) cannot be reached:

      {rcpt} on 3/4/2025 10:05 AM
            The e-mail account does not exist at the organization this message was sent to.  Check the e-mail address, or contact the recipient directly to find out the correct address.
            <ex03.contoso.com #{status}>
"""
    add(f"bounce-exchange2003-{n + 1}.txt", text, [(status, None, None)])
# Exchange 2003 relaying a remote reply
for n in range(2):
    reply, status, w, host, ip, rcpt = variant(n)
    text = f"""Your message did not reach some or all of the intended recipients.

The following recipient(s) cannot be reached:

      {rcpt} on 3/4/2025 10:05 AM
            There was a SMTP communication problem with the recipient's email server.
            <ex03.contoso.com #5.5.0 smtp;{reply} {status} {w}>
"""
    add(f"bounce-exchange2003-remote-{n + 1}.txt", text, [(status, None, None)])

# 11. Exchange 2007–2013: "#550 5.1.1 RESOLVER… ##" and "host #550 … ##"
for n in range(6):
    reply, status, w, host, ip, rcpt = variant(n)
    if n % 2 == 0:
        line = f"#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##"
        entries = [("5.1.1", None, None)]
    else:
        line = f"{host} #{reply} {status} {w} ##"
        entries = [(status, host, None)]
    text = f"""Delivery has failed to these recipients or groups:

{rcpt}
The e-mail address you entered couldn't be found. Please check the recipient's e-mail address and try to resend the message. If the problem continues, please contact your helpdesk.

Diagnostic information for administrators:

Generating server: EX13.contoso.com

{rcpt}
{line}

Original message headers:

Received: from EX13.contoso.com (192.0.2.30) by EX13.contoso.com
 (192.0.2.30) with Microsoft SMTP Server id 15.0.1497.2; Tue, 4 Mar 2025 10:05:09 +0900
"""
    add(f"bounce-exchange2013-{n + 1}.txt", text, entries)

# 12. Exchange 2016/2019 and Outlook.com: "Remote Server returned '…'"
for n in range(6):
    reply, status, w, host, ip, rcpt = variant(n + 1)
    gen = "EX19.contoso.com" if n < 3 else "DM6PR01MB1234.namprd01.prod.outlook.com"
    text = f"""Delivery has failed to these recipients or groups:

{rcpt}
A problem occurred while delivering this message to this email address. Try sending this message again. If the problem continues, please contact your helpdesk.

Diagnostic information for administrators:

Generating server: {gen}

{rcpt}
Remote Server returned '{reply} {status} {w}'

Original message headers:

Received: from {gen} (192.0.2.31) by {gen}
"""
    name = "exchange2019" if n < 3 else "outlookcom"
    add(f"bounce-{name}-{(n % 3) + 1}.txt", text, [(status, None, None)])

# 13. Exchange Online's human part inside multipart/alternative, quoted-
# printable with soft breaks, and no delivery-status part at all
for n in range(6):
    rcpt = RCPTS[n]
    status, w = [("5.1.10", "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
                 ("5.4.1", "Recipient address rejected: Access denied. AS(201806281) [DM6NAM01FT012.eop-nam01.prod.protection.outlook.com]"),
                 ("5.7.1", "RESOLVER.RST.AuthRequired; authentication required"),
                 ("5.2.2", "STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception"),
                 ("5.1.10", "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
                 ("5.7.708", "Service unavailable. Access denied, traffic not accepted from this IP")][n]
    reply = 550
    plain = (f"Your message to {rcpt} couldn't be delivered.\n\n"
             f"Diagnostic information for administrators:\n\nGenerating server: SA1PR01MB6543.namprd01.prod.outlook.com\n\n"
             f"{rcpt}\nRemote Server returned '{reply} {status} {w}'\n\nOriginal message headers:\n")
    # quoted-printable with soft breaks every 60 characters, '=' escaped
    qp_lines = []
    for line in plain.split("\n"):
        line = line.replace("=", "=3D")
        while len(line) > 60:
            cut = 60
            while line[cut - 1] == "=" or line[cut - 2] == "=":
                cut -= 1
            qp_lines.append(line[:cut] + "=")
            line = line[cut:]
        qp_lines.append(line)
    qp = "\n".join(qp_lines)
    html = plain.replace("'", "&#39;").replace("\n", "<br>\n")
    alt = (f"--alt{n}\nContent-Type: text/plain; charset=\"us-ascii\"\nContent-Transfer-Encoding: quoted-printable\n\n{qp}\n"
           f"--alt{n}\nContent-Type: text/html; charset=\"us-ascii\"\nContent-Transfer-Encoding: 7bit\n\n<html><body>{html}</body></html>\n--alt{n}--")
    text = eml("Undeliverable: Quarterly report", "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>",
               [(f'multipart/alternative; boundary="alt{n}"', alt)], boundary=f"mix{n}", report=False)
    add(f"bounce-exo-alternative-{n + 1}.eml", text, [(status, None, None)])
    if n < 2:
        # The same body copied from a "view source" window without the
        # message's header: it starts at the boundary line.
        add(f"bounce-exo-alternative-pasted-{n + 1}.txt", alt + "\n", [(status, None, None)])

# 14. Gmail / Google Workspace
for n in range(5):
    reply, status, w, host, ip, rcpt = variant(n)
    if ":" in ip:
        host, ip = HOSTS[1]
    if n % 2 == 0:
        text = f"""Delivery to the following recipient failed permanently:

     {rcpt}

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the server for the recipient domain {rcpt.split('@')[1]} by {host}. [{ip}].

The error that the other server returned was:
{reply}-{status} {w[:30]}
{reply}-{status} {w[30:]}
{reply} {status} a1si1234567qkb.5 - gsmtp
"""
        entries = [(status, host, ip)]
    else:
        text = f"""** Message not delivered **

There was a problem delivering your message to {rcpt}. See the technical details below.

The response from the remote server was:
{reply} {status} {w}

[{host}. {ip}: {reply} {status} {w}]
"""
        entries = [(status, host, ip)]
    add(f"bounce-gmail-{n + 1}.txt", text, entries)
# Gmail as a message with its delivery-status part and a multiline reply
for n in range(2):
    rcpt = RCPTS[n]
    host, ip = HOSTS[n]
    dsn = (f"Reporting-MTA: dns; googlemail.com\nArrival-Date: Tue, 04 Mar 2025 01:05:09 -0800 (PST)\n\n"
           f"Final-Recipient: rfc822; {rcpt}\nAction: failed\nStatus: 5.1.1\n"
           f"Remote-MTA: dns; {host}. ({ip}, the server for the domain {rcpt.split('@')[1]}.)\n"
           f"Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.\n"
           f" 550 5.1.1 Please check the address. a1si1234567qkb.5 - gsmtp\n"
           f"Last-Attempt-Date: Tue, 04 Mar 2025 01:05:11 -0800 (PST)\n")
    human = (f"** Address not found **\n\nYour message wasn't delivered to {rcpt} because the address couldn't be found,"
             f" or is unable to receive mail.\n\nThe response was:\n\nThe email account that you tried to reach does not exist.\n")
    add(f"bounce-gmail-eml-{n + 1}.eml",
        eml("Delivery Status Notification (Failure)", "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
            [("text/plain; charset=UTF-8", human), ("message/delivery-status", dsn)]),
        [("5.1.1", host, ip)])

# 15. OpenSMTPD
for n in range(4):
    reply, status, w, host, ip, rcpt = variant(n + 1)
    text = f"""Hi!

This is the MAILER-DAEMON, please DO NOT REPLY to this email.

An error has occurred while attempting to deliver a message for
the following list of recipients:

{rcpt}: {reply} {status} {w}

Below is a copy of the original message:
"""
    add(f"bounce-opensmtpd-{n + 1}.txt", text, [(status, None, None)])

# 16. Amazon SES / WorkMail
for n in range(4):
    reply, status, w, host, ip, rcpt = variant(n + 2)
    dsn = (f"Reporting-MTA: dns; a27-1.smtp-out.us-west-2.amazonses.com\n\n"
           f"Action: failed\nFinal-Recipient: rfc822; {rcpt}\nDiagnostic-Code: smtp; {reply} {status} {w}\n"
           f"Status: {status}\nRemote-MTA: dns; {host}\n")
    add(f"bounce-amazonses-{n + 1}.eml",
        eml("Delivery Status Notification (Failure)", "MAILER-DAEMON@amazonses.com",
            [("text/plain; charset=UTF-8", f"An error occurred while trying to deliver the mail to the following recipients:\n{rcpt}\n"),
             ("message/delivery-status", dsn)]),
        [(status, host, None)])

# 17. SendGrid, Mimecast, Barracuda, Trend Micro, McAfee, Zoho (plain forms)
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n + 4)
    add(f"bounce-sendgrid-{n + 1}.txt",
        f"Your message could not be delivered.\n\nRecipient: {rcpt}\nReason: {reply} {status} {w}\n"
        f"Server: {host} [{ip}]\n", [(status, host, ip)])
for n in range(4):
    rcpt = RCPTS[n]
    reason = ["550 Rejected by header based Anti-Spoofing policy: sender@contoso.com",
              "550 Envelope blocked - User Entry - https://community.mimecast.com/docs/DOC-1369",
              "550 5.7.1 Administrative prohibition - envelope blocked",
              "554 Delivery not authorised, message refused"][n]
    status = "5.7.1" if " 5.7.1 " in reason else None
    add(f"bounce-mimecast-{n + 1}.txt",
        f"Your message couldn't be delivered to the recipients shown below.\n\nRecipient address: {rcpt}\n"
        f"Reason: Remote SMTP Server Rejected the message\nNotes: {reason}\n\nReporting-Server: eu-smtp-1.mimecast.com\n",
        [(status, None, None)])
for n in range(4):
    rcpt = RCPTS[n + 1]
    host, ip = HOSTS[n]
    if n < 2:
        line = f"{rcpt}: 550 permanent failure for one or more recipients ({rcpt}:blocked)"
        entries = [(None, None, None)]
    else:
        line = f"{rcpt}: host {host}[{ip}] said: 550 5.7.1 <{rcpt}>: blocked using Barracuda Reputation"
        entries = [("5.7.1", host, ip)]
    add(f"bounce-barracuda-{n + 1}.txt",
        f"Your message to: {rcpt} was not delivered.\n\n{line}\n\nThe original message follows.\n", entries)
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n + 2)
    add(f"bounce-trendmicro-{n + 1}.txt",
        f"Delivery has failed to these recipients or groups:\n\n{rcpt}\n\nReason: SMTP error from remote server "
        f"{host} [{ip}] after RCPT TO command:\n{reply} {status} {w}\n\nTrend Micro Email Security\n",
        [(status, host, ip)])
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n)
    add(f"bounce-mcafee-{n + 1}.txt",
        f"The following recipients could not receive this message:\n\n{rcpt}\n\n"
        f"Reason: {reply} {status} {w}\nRemote server: {host} ({ip})\n\nMcAfee Email Gateway\n",
        [(status, host, ip)])
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n + 3)
    add(f"bounce-zoho-{n + 1}.txt",
        f"This message was created automatically by mail delivery software.\n\n"
        f"Your message to {rcpt} could not be delivered.\n\nInvalid Address\n{rcpt}, ERROR CODE :{reply} - {status} {w}\n",
        [(status, None, None)])

# 18. Yandex and Mail.ru
for n in range(3):
    rcpt = RCPTS[n]
    add(f"bounce-yandex-{n + 1}.txt",
        f"This is the mail system at host forward{n}.mail.yandex.net.\n\n"
        f"I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n"
        f"                   The mail system\n\n"
        f"<{rcpt}>: host mx.fabrikam.com[198.51.100.7] said: 550 5.7.1 Message rejected under suspicion of SPAM;\n"
        f"    https://ya.cc/1IrBc (in reply to end of DATA command)\n",
        [("5.7.1", "mx.fabrikam.com", "198.51.100.7")])
for n in range(3):
    rcpt = RCPTS[n + 2]
    host, ip = HOSTS[n + 1]
    add(f"bounce-mailru-{n + 1}.txt",
        f"This message was created automatically by mail delivery software.\n\n"
        f"A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. "
        f"The following address(es) failed:\n\n  {rcpt}\n    SMTP error from remote mail server after RCPT TO:<{rcpt}>:\n"
        f"    host {host} [{ip}]: 550 Message was not accepted -- invalid mailbox.  Local mailbox {rcpt} is unavailable: user not found\n",
        [(None, host, ip)])

# 19. Japanese carriers' gateways (Postfix/Sendmail based, Japanese prose)
JP_HEAD = ("このメールは配送できませんでした。以下のあて先への配送に失敗しました。\n"
           "This is the mail system at host mta-jp.contoso.co.jp.\n\n")
for n, (host, ip, rcpt, reply, status, w) in enumerate([
        ("mfsmax.docomo.example.jp", "203.0.113.60", "hanako@docomo.example.jp", 550, None, "Unknown user hanako@docomo.example.jp"),
        ("lsean.ezweb.example.jp", "203.0.113.61", "taro@ezweb.example.jp", 550, "5.1.1", "<taro@ezweb.example.jp>: User unknown"),
        ("mx.softbank.example.jp", "203.0.113.62", "jiro@softbank.example.jp", 550, None, "Invalid recipient: <jiro@softbank.example.jp>"),
        ("mx.mopera.example.jp", "203.0.113.63", "saburo@mopera.example.jp", 552, "5.2.2", "Mailbox full"),
        ("mx.ymobile.example.jp", "203.0.113.64", "shiro@ymobile.example.jp", 554, "5.7.1", "Rejected by the recipient's reception settings")]):
    code = f"{reply} {status} {w}" if status else f"{reply} {w}"
    add(f"bounce-jp-carrier-{n + 1}.txt",
        JP_HEAD + f"<{rcpt}>: host {host}[{ip}] said: {code}\n    (in reply to RCPT TO command)\n",
        [(status, host, ip)])

# 20. Success and relay notices (not errors) and delay notices
for n in range(3):
    rcpt = RCPTS[n]
    host = HOSTS[n][0]
    action, status, diag = [("relayed", "2.0.0", None), ("delivered", "2.0.0", "smtp; 250 2.0.0 OK 1741050311 a1si12"),
                            ("relayed", "2.6.0", "smtp; 250 2.6.0 <a1b2@contoso.com> Queued mail for delivery")][n]
    dsn = (f"Reporting-MTA: dns; DM6PR01MB1234.namprd01.prod.outlook.com\n\nFinal-Recipient: rfc822; {rcpt}\n"
           f"Action: {action}\nStatus: {status}\nRemote-MTA: dns; {host}\n" + (f"Diagnostic-Code: {diag}\n" if diag else ""))
    add(f"bounce-success-{n + 1}.eml",
        eml("Relayed: Quarterly report", "Microsoft Outlook <postmaster@contoso.com>",
            [("text/plain", f"Delivery to these recipients or groups is complete, but no delivery notification was sent by the destination server:\n\n{rcpt}\n"),
             ("message/delivery-status", dsn)]),
        [(status, host, None)])
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n, TEMP)
    dsn = (f"Reporting-MTA: dns; mail.contoso.com\n\nFinal-Recipient: RFC822; {rcpt}\nAction: delayed\nStatus: {status}\n"
           f"Remote-MTA: DNS; {host}\nDiagnostic-Code: SMTP; {reply} {status} {w}\n"
           f"Will-Retry-Until: Fri, 7 Mar 2025 10:05:09 +0900\n")
    add(f"bounce-delay-{n + 1}.eml",
        eml("Warning: could not send message for past 4 hours", "Mail Delivery Subsystem <MAILER-DAEMON@mail.contoso.com>",
            [("text/plain", "    **********************************************\n    **      THIS IS A WARNING MESSAGE ONLY      **\n"
                            "    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n    **********************************************\n\n"
                            "The original message was received at Tue, 4 Mar 2025 10:05:09 +0900\n\n"
                            "Will keep trying until message is 5 days old\n"),
             ("message/delivery-status", dsn)]),
        [(status, host, None)])

# 21. RFC 3464 with several recipients and different statuses
for n in range(4):
    groups, entries = [], []
    picks = [variant(n, TEMP, RCPTS[n % 6]), variant(n + 1, rcpt=RCPTS[(n + 1) % 6]),
             variant(n + 2, rcpt=RCPTS[(n + 2) % 6])]
    order = [0, 1, 2] if n % 2 == 0 else [1, 0, 2]
    for k in order:
        reply, status, w, host, ip, rcpt = picks[k]
        action = "delayed" if status[0] == "4" else "failed"
        groups.append(f"Final-Recipient: rfc822; {rcpt}\nAction: {action}\nStatus: {status}\nRemote-MTA: dns; {host}\n"
                      f"Diagnostic-Code: smtp; {reply} {status} {w}\n")
        entries.append((status, host, None))
    dsn = "Reporting-MTA: dns; mail.contoso.com\n\n" + "\n".join(groups)
    # The primary: the latest permanent one.
    primary = max(i for i, e in enumerate(entries) if e[0][0] == "5")
    add(f"bounce-dsn-multi-{n + 1}.eml",
        eml("Delivery Status Notification (Failure)", "postmaster@mail.contoso.com",
            [("text/plain", "Some recipients did not receive your message. Details follow.\n"),
             ("message/delivery-status", dsn)]),
        entries, primary=primary)

# 22. Bare reply codes in a delivery-status part
for n in range(3):
    rcpt = RCPTS[n]
    host = HOSTS[n][0]
    reply, w = [(550, "User unknown"), (550, "Requested action not taken: mailbox unavailable"), (450, "Mailbox busy")][n]
    status_line = "" if n == 0 else f"Status: {str(reply)[0]}.0.0\n"
    dsn = (f"Reporting-MTA: dns; mail.contoso.com\n\nFinal-Recipient: rfc822; {rcpt}\nAction: failed\n{status_line}"
           f"Remote-MTA: dns; {host}\nDiagnostic-Code: smtp; {reply} {w}\n")
    add(f"bounce-dsn-bare-{n + 1}.eml",
        eml("Undeliverable mail", "postmaster@mail.contoso.com",
            [("text/plain", "Your message could not be delivered.\n"), ("message/delivery-status", dsn)]),
        [(None if n == 0 else f"{str(reply)[0]}.0.0", host, None)])

# 23. Exchange Server 2010 delay notification
for n in range(2):
    rcpt = RCPTS[n]
    add(f"bounce-exchange2010-delay-{n + 1}.txt",
        f"Delivery is delayed to these recipients or groups:\n\n{rcpt}\n\nSubject: Quarterly report\n\n"
        f"This message hasn't been delivered yet. Delivery will continue to be attempted.\n\n"
        f"The server will keep trying to deliver this message for the next 1 days, 19 hours and 52 minutes.\n\n"
        f"Diagnostic information for administrators:\n\nGenerating server: EX10.contoso.com\n\n{rcpt}\n"
        f"Remote Server at {HOSTS[n][0]} ({HOSTS[n][1]}) returned '400 4.4.7 Message delayed'\n"
        f"3/4/2025 1:05:11 AM - Remote Server at {HOSTS[n][0]} ({HOSTS[n][1]}) returned '441 4.4.1 Error communicating with target host. -> 421 4.4.2 Connection dropped'\n",
        [("4.4.7", HOSTS[n][0], HOSTS[n][1]), ("4.4.1", HOSTS[n][0], HOSTS[n][1])], primary=1)


# 24. Amazon WorkMail and hMailServer
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n + 5)
    dsn = (f"Reporting-MTA: dns; a1-2.smtp-out.eu-west-1.amazonses.com\n\nFinal-Recipient: rfc822; {rcpt}\n"
           f"Action: failed\nStatus: {status}\nRemote-MTA: dns; {host}\nDiagnostic-Code: smtp; {reply} {status} {w}\n")
    add(f"bounce-workmail-{n + 1}.eml",
        eml("Undeliverable: Quarterly report", "MAILER-DAEMON@eu-west-1.awsapps.com",
            [("text/plain; charset=UTF-8", f"Your message to {rcpt} could not be delivered.\n"),
             ("message/delivery-status", dsn)]),
        [(status, host, None)])
for n in range(3):
    reply, status, w, host, ip, rcpt = variant(n + 1)
    if ":" in ip:
        host, ip = HOSTS[0]
    code = f"{reply} {status} {w}" if n < 2 else f"{reply} Mailbox unavailable"
    add(f"bounce-hmailserver-{n + 1}.txt",
        f"Your message did not reach some or all of the intended recipients.\n\n   Sent: Tue, 4 Mar 2025 10:05:09 +0900\n"
        f"   Subject: Quarterly report\n\nThe following recipient(s) could not be reached:\n\n{rcpt}\n"
        f"   Error Type: SMTP\n   Remote server ({ip}) issued an error.\n   hMailServer sent: RCPT TO:<{rcpt}>\n"
        f"   Remote server replied: {code}\n",
        [(status if n < 2 else None, None, ip)])


def write():
    intent = {}
    for name, (text, entries, primary) in SAMPLES.items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        intent[name] = {"primary": primary, "entries": entries}
    with open(os.path.join(HERE, "bounce-intent.json"), "w", encoding="utf-8") as f:
        json.dump(intent, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print(f"{len(SAMPLES)} samples", file=sys.stderr)


def check(path):
    with open(path, encoding="utf-8") as f:
        got = json.load(f)
    with open(os.path.join(HERE, "bounce-intent.json"), encoding="utf-8") as f:
        intent = json.load(f)
    bad = 0
    for name, want in sorted(intent.items()):
        have = got.get(name)
        if have is None or "error" in have:
            print(f"{name}: no entry")
            bad += 1
            continue
        seen = [[e["status"], e["server"], e["ip"]] for e in have["entries"]]
        if seen != want["entries"] or have["primary"] != want["primary"]:
            print(f"{name}: want {want['entries']} primary {want['primary']}\n{' ' * len(name)}  got  {seen} primary {have['primary']}")
            bad += 1
    print(f"{len(intent) - bad}/{len(intent)} as intended", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2]))
    write()
