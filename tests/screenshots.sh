#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/screenshots.sh BUILD_DIR — every page of the app, in English and
# Japanese (light, plus dark, plus 360 px wide), into data/screenshots/.
# Runs the real window under its own Xvfb display; nothing leaves loopback.
set -euo pipefail

build="$(cd "${1:?usage: tests/screenshots.sh BUILD_DIR}" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/data/screenshots"
tool="$build/tests/mfd-screenshot"
mkdir -p "$out"

export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory
export MFD_LOCALEDIR="$build/po"
export MFD_SCREENSHOT_CONNECTORS="$here/tests/data/ui/connectors.json"
export MFD_SCREENSHOT_BOUNCE="$here/tests/data/ndr/bounce-postfix-multi-1.txt"
export GTK_A11Y=none NO_AT_BRIDGE=1 GSK_RENDERER=cairo
export LANG=C.UTF-8

shoot() {
  xvfb-run -a -s '-screen 0 1280x1000x24' dbus-run-session -- "$tool" "$out" "$@"
}

shoot en light
shoot ja light
shoot en dark
shoot ja dark
shoot ja light 360
shoot en light 360

# The README and the metainfo show the English light pages under plain names.
for page in start connectors ndr checks results practice; do
  cp "$out/$page-en.png" "$out/$page.png"
done
