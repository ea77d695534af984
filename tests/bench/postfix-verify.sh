#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/postfix-verify.sh BUILD_DIR
#
# Checks `mail-flow-doctor check` against a real Postfix (Debian's package)
# for every TLS setting, and prints expected and found verdicts. Postfix runs
# from a configuration directory of its own in a temporary directory (never
# /etc/postfix), listens only on 127.0.0.1, presents a certificate from a
# throwaway CA made here with certtool, and cannot deliver anything: every
# recipient is refused and every transport is "error" (the probe never gets
# that far anyway: EHLO, STARTTLS, EHLO, QUIT). Its master process is our
# child, run in the foreground, and is stopped by PID at the end.
# Run by ./dev bench (as root: Postfix's master starts as root and its
# services drop to the postfix user). Exit 0 when every verdict is the
# expected one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:?usage: postfix-verify.sh BUILD_DIR}" && pwd)"
mfd="$build/app/mail-flow-doctor"
daemons=/usr/lib/postfix/sbin

if [ "$(id -u)" -ne 0 ]; then
  echo "postfix-verify: SKIPPED: needs root (Postfix's master starts as root)" >&2
  exit 2
fi
for tool in "$daemons/master" certtool python3; do
  command -v "$tool" >/dev/null || { echo "postfix-verify: $tool is missing" >&2; exit 2; }
done

tmp="$(mktemp -d /tmp/mfd-postfix-XXXXXX)"
chmod 0755 "$tmp"
master_pid=
cleanup() {
  if [ -n "$master_pid" ]; then
    kill "$master_pid" 2>/dev/null || true
    wait "$master_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

conf="$tmp/etc"
queue="$tmp/spool"
mkdir -p "$conf" "$queue/pid" "$queue/private" "$queue/public" "$tmp/data" "$tmp/ca"
chown postfix "$queue/private" "$tmp/data"
chown postfix:postdrop "$queue/public"
chmod 0700 "$queue/private" "$tmp/data"
chmod 0710 "$queue/public"

# The throwaway CA and the server's certificate (mail.contoso.test, 127.0.0.1).
cd "$tmp/ca"
certtool --generate-privkey --key-type=ecdsa --outfile ca.key 2>/dev/null
printf 'cn = "Mail Flow Doctor Postfix Test CA"\nca\ncert_signing_key\nexpiration_days = 2\n' > ca.tmpl
certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl --outfile ca.pem 2>/dev/null
certtool --generate-privkey --key-type=ecdsa --outfile server.key 2>/dev/null
printf 'cn = "mail.contoso.test"\ndns_name = "mail.contoso.test"\nip_address = "127.0.0.1"\ntls_www_server\nsigning_key\nexpiration_days = 2\n' > server.tmpl
certtool --generate-certificate --load-privkey server.key --load-ca-certificate ca.pem \
  --load-ca-privkey ca.key --template server.tmpl --outfile server.pem 2>/dev/null
chmod 0644 server.key
cd - >/dev/null

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

write_config() {
  local tls_level="$1"
  cat > "$conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $queue
data_directory = $tmp/data
meta_directory = $conf
command_directory = /usr/sbin
daemon_directory = $daemons
mail_owner = postfix
setgid_group = postdrop
# Postfix allows a log file only under /var (maillog_file_prefixes): the
# master's standard output, which this script sends to $tmp/maillog.
maillog_file = /dev/stdout
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.contoso.test
mydomain = contoso.test
myorigin = \$myhostname
mydestination =
relay_domains =
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
default_transport = error:this test server never delivers
local_transport = error:this test server never delivers
relay_transport = error:this test server never delivers
smtpd_tls_security_level = $tls_level
smtpd_tls_cert_file = $tmp/ca/server.pem
smtpd_tls_key_file = $tmp/ca/server.key
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_protocols = >=TLSv1.2
CF
  cat > "$conf/master.cf" <<CF
127.0.0.1:$port inet n - n - - smtpd
tlsmgr    unix - - n 1000? 1 tlsmgr
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
proxymap  unix - - n - - proxymap
postlog   unix-dgram n - n - 1 postlogd
CF
}

start_postfix() {
  write_config "$1"
  "$daemons/master" -c "$conf" -d >>"$tmp/maillog" 2>&1 &
  master_pid=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "postfix-verify: Postfix did not start; its log:" >&2
  cat "$tmp/maillog" >&2 2>/dev/null || true
  exit 1
}

stop_postfix() {
  kill "$master_pid"
  wait "$master_pid" 2>/dev/null || true
  master_pid=
}

failures=0
# check LABEL EXPECTED ARGS…   EXPECTED is "ok", "ok+warning:CAUSE" or "problem:CAUSE"
check() {
  local label="$1" expected="$2"; shift 2
  local out found
  out="$("$mfd" check --smart-host "127.0.0.1:$port" --offline --timeout 5 --json "$@" 2>/dev/null || true)"
  found="$(python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
f = d.get("findings") or []
if d["verdict"] == "ok":
    w = [x["cause"] for x in f if x.get("warning")]
    print("ok" + ("+warning:" + w[0] if w else ""))
else:
    print(d["verdict"] + ":" + (f[0]["cause"] if f else "?"))
' <<< "$out" 2>/dev/null || echo "no-json")"
  if [ "$found" = "$expected" ]; then
    printf '%-58s %-34s ok\n' "$label" "$found"
  else
    printf '%-58s %-34s FAILED (expected %s)\n' "$label" "$found" "$expected"
    failures=$((failures + 1))
  fi
}

version="$(postconf -d -h mail_version 2>/dev/null || echo '?')"
echo "Postfix $version on 127.0.0.1:$port, config in $conf"
printf '%-58s %-34s %s\n' "setting" "verdict" "result"

start_postfix may
check "STARTTLS offered: none" ok --tls none
check "STARTTLS offered: opportunistic, with the CA" ok --tls opportunistic --ca-file "$tmp/ca/ca.pem"
check "STARTTLS offered: opportunistic, without the CA" ok+warning:cert-untrusted --tls opportunistic
check "STARTTLS offered: encryption-only" ok --tls encryption-only
check "STARTTLS offered: certificate-validation, with the CA" ok --tls certificate-validation --ca-file "$tmp/ca/ca.pem"
check "STARTTLS offered: certificate-validation, without the CA" problem:cert-untrusted --tls certificate-validation
check "STARTTLS offered: domain-validation, right domain" ok --tls domain-validation --tls-domain mail.contoso.test --ca-file "$tmp/ca/ca.pem"
check "STARTTLS offered: domain-validation, another domain" problem:cert-name-mismatch --tls domain-validation --tls-domain mail.fabrikam.test --ca-file "$tmp/ca/ca.pem"
# The healthy check's wall and CPU time beside gnutls-cli's and swaks's
# against this Postfix (issue 12 §3); MFD_BENCH_BASELINE=BINARY adds an
# older build to the same runs, MFD_BENCH_RUNS sets their number.
echo
"$here/cpu.py" --mfd "$mfd" ${MFD_BENCH_BASELINE:+--baseline "$MFD_BENCH_BASELINE"} \
  --port "$port" --ca "$tmp/ca/ca.pem" --host mail.contoso.test --runs "${MFD_BENCH_RUNS:-9}" || true
echo
stop_postfix

start_postfix none
check "TLS off in Postfix: none" ok --tls none
check "TLS off in Postfix: opportunistic" ok+warning:starttls-missing --tls opportunistic
check "TLS off in Postfix: encryption-only" problem:starttls-missing --tls encryption-only
check "TLS off in Postfix: certificate-validation" problem:starttls-missing --tls certificate-validation --ca-file "$tmp/ca/ca.pem"
check "TLS off in Postfix: domain-validation" problem:starttls-missing --tls domain-validation --tls-domain mail.contoso.test --ca-file "$tmp/ca/ca.pem"
stop_postfix

if grep -qE 'status=sent|status=deferred' "$tmp/maillog" 2>/dev/null; then
  echo "postfix-verify: the log shows a delivery attempt" >&2
  failures=$((failures + 1))
fi
echo "$failures of 13 verdicts differ from the expected ones"
[ "$failures" -eq 0 ]
