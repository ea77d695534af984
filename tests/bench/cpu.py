#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/cpu.py --mfd BINARY [--baseline BINARY] --port PORT --ca CA_FILE
#                    [--host NAME] [--runs N] [--no-callgrind]
#
# The healthy STARTTLS check against a real server on 127.0.0.1 (the
# Postfix that tests/bench/postfix-verify.sh starts), side by side with
# gnutls-cli --starttls-proto=smtp and swaks --tls --quit-after EHLO: wall
# time and CPU time (user + system, from the kernel's rusage of each child)
# of N interleaved runs, medians, and the instructions each executes
# (callgrind, one run: independent of the machine's load, which CPU time
# mostly is too and wall time is not). --baseline adds an older build of
# mail-flow-doctor to the same runs (before/after on the same machine, in
# the same run). Never pass/fail.

import argparse
import os
import re
import shutil
import statistics
import subprocess
import time

ap = argparse.ArgumentParser()
ap.add_argument("--mfd", required=True)
ap.add_argument("--baseline")
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--ca", required=True)
ap.add_argument("--host", default="mail.contoso.test")
ap.add_argument("--runs", type=int, default=9)
ap.add_argument("--no-callgrind", action="store_true")
args = ap.parse_args()

target = f"127.0.0.1:{args.port}"
gnutls_in = b"EHLO bench.example\r\nQUIT\r\n"


def check_cmd(binary):
    return [binary, "check", "--smart-host", target, "--tls", "certificate-validation",
            "--ca-file", args.ca, "--offline", "--no-control"]


commands = [("ours", check_cmd(args.mfd), None)]
if args.baseline:
    commands.append(("ours, baseline build", check_cmd(args.baseline), None))
if shutil.which("gnutls-cli"):
    commands.append(("gnutls-cli --starttls-proto=smtp",
                     ["gnutls-cli", "--starttls-proto=smtp", "--port", str(args.port),
                      "--x509cafile", args.ca, "--verify-hostname", args.host, "127.0.0.1"], gnutls_in))
if shutil.which("swaks"):
    commands.append(("swaks --tls --quit-after EHLO",
                     ["swaks", "--server", target, "--tls", "--quit-after", "EHLO",
                      "--to", "bench@contoso.test", "--helo", "bench.example"], None))
# Without a CA file both load the system's store (and neither trusts the
# throwaway CA: ours says so in a warning, exit 0; gnutls-cli exits 1):
# what loading the store costs each.
commands.append(("ours, no CA file (system store; opportunistic)",
                 [args.mfd, "check", "--smart-host", target, "--tls", "opportunistic", "--offline", "--no-control"],
                 None))
if args.baseline:
    commands.append(("baseline, no CA file (system store; opportunistic)",
                     [args.baseline, "check", "--smart-host", target, "--tls", "opportunistic", "--offline",
                      "--no-control"], None))
if shutil.which("gnutls-cli"):
    commands.append(("gnutls-cli, no CA file (system store)",
                     ["gnutls-cli", "--starttls-proto=smtp", "--port", str(args.port), "--verify-hostname",
                      args.host, "127.0.0.1"], gnutls_in))
commands.append(("ours: explain --help (process start)", [args.mfd, "explain", "--help"], None))
if args.baseline:
    commands.append(("baseline: explain --help", [args.baseline, "explain", "--help"], None))


def run_once(cmd, stdin):
    """Wall and CPU seconds of one run, and its exit status."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    if stdin:
        p.stdin.write(stdin)
    p.stdin.close()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, p.returncode


def instructions(cmd, stdin):
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                       input=stdin or b"", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    m = re.search(rb"Collected : (\d+)", p.stderr)
    return int(m.group(1)) if m else None


walls = {name: [] for name, _, _ in commands}
cpus = {name: [] for name, _, _ in commands}
exits = {}
# Interleaved, so that the machine's noise falls on every command alike.
for _ in range(args.runs):
    for name, cmd, stdin in commands:
        wall, cpu, code = run_once(cmd, stdin)
        walls[name].append(wall)
        cpus[name].append(cpu)
        exits[name] = code

counts = {}
if not args.no_callgrind and shutil.which("valgrind"):
    for name, cmd, stdin in commands:
        counts[name] = instructions(cmd, stdin)

ref = "gnutls-cli --starttls-proto=smtp"
swaks = "swaks --tls --quit-after EHLO"


def ratio(values, name, other):
    if other not in values or not values[other] or not values[name]:
        return ""
    a, b = values[name], values[other]
    a = statistics.median(a) if isinstance(a, list) else a
    b = statistics.median(b) if isinstance(b, list) else b
    return f"{a / b:.2f}×"


print(f"# CPU and wall time, {args.runs} interleaved runs (medians), against 127.0.0.1:{args.port}")
print()
print("| command | wall | CPU (user+sys) | instructions (callgrind) | wall vs gnutls-cli | wall vs swaks "
      "| CPU vs gnutls-cli | instructions vs gnutls-cli | exit |")
print("|---|---|---|---|---|---|---|---|---|")
for name, _, _ in commands:
    n = counts.get(name)
    print(f"| {name} | {statistics.median(walls[name]) * 1000:.1f} ms "
          f"| {statistics.median(cpus[name]) * 1000:.1f} ms "
          f"| {f'{n / 1e6:.1f} M' if n else '?'} "
          f"| {ratio(walls, name, ref)} | {ratio(walls, name, swaks)} "
          f"| {ratio(cpus, name, ref)} "
          f"| {f'{n / counts[ref]:.2f}×' if n and counts.get(ref) else ''} | {exits[name]} |")
