#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# netns-run.sh PROGRAM ARGS… — runs a test program in a user + network
# namespace of its own (unshare -rn): root inside, a loopback of its own
# that is brought up here, port 53 free, no route anywhere else. The
# authority walk asks name servers on port 53, so the tests that play them
# need this; it works without privileges, for every user and in CI.
#
# MFD_TEST_NETNS=1 tells the program it is inside: a port-53 case that still
# cannot bind there fails. Where the kernel allows no namespace, the program
# runs as it is and those cases print "# SKIP" with the reason.
PATH="$PATH:/usr/sbin:/sbin"
export PATH

if unshare -rn sh -c 'ip link set lo up' 2>/dev/null; then
  exec unshare -rn sh -c 'ip link set lo up && MFD_TEST_NETNS=1 exec "$0" "$@"' "$@"
fi

echo "netns-run.sh: cannot make a user + network namespace here (unshare -rn failed); port-53 cases will skip" >&2
exec "$@"
