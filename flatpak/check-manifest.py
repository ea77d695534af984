#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# flatpak-builder-lint is not packaged for Debian 12, so the rules of it (and
# of Flathub's review) that matter for this app are checked here, on the
# release manifest, the local development manifest, the metainfo and the
# desktop file. Each rule says which lint or review point it stands for.
#
#   check-manifest.py SOURCE_ROOT
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

src = sys.argv[1]
app_id = "io.github.mailflowdoctor.MailFlowDoctor"
release_path = os.path.join(src, "flatpak", app_id + ".json")
devel_path = os.path.join(src, "flatpak", app_id + ".Devel.json")
errors = []

# GNOME runtimes that have reached their end of life (each is supported for
# about a year, until the second release after it).
EOL_RUNTIMES = {str(v) for v in range(3, 49)}
# Permissions this app must not ask for: it needs the network, a display
# and the GPU; files come through the file chooser portal.
FORBIDDEN_ARGS = ("--filesystem=host", "--filesystem=home", "--filesystem=host-os", "--filesystem=host-etc",
                  "--device=all", "--socket=session-bus", "--socket=system-bus",
                  "--talk-name=org.freedesktop.Flatpak", "--socket=x11")
REQUIRED_CLEANUP = ("/include", "/lib/pkgconfig", "*.la", "*.a")


def fail(where, rule, text):
    errors.append(f"{where}: {rule}: {text}")


def check_common(path, m, expected_id):
    where = os.path.basename(path)
    if m.get("id") != expected_id:
        fail(where, "appid", f"id is {m.get('id')!r}, expected {expected_id!r}")
    if m.get("runtime") != "org.gnome.Platform" or m.get("sdk") != "org.gnome.Sdk":
        fail(where, "runtime", "runtime must be org.gnome.Platform with org.gnome.Sdk")
    if str(m.get("runtime-version")) in EOL_RUNTIMES or not str(m.get("runtime-version", "")).isdigit():
        fail(where, "runtime-is-eol", f"runtime-version {m.get('runtime-version')!r} is end of life or not a release")
    if m.get("command") != "mail-flow-doctor":
        fail(where, "command", "command must be mail-flow-doctor")
    if m.get("separate-locales") is not False:
        fail(where, "separate-locales", "must be false: the report reads the ja catalogue whatever the user's languages")
    args = m.get("finish-args", [])
    for a in args:
        if a in FORBIDDEN_ARGS or a.startswith("--filesystem="):
            fail(where, "finish-args-not-needed", f"{a}: files come through the portal")
    for a in ("--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"):
        if a not in args:
            fail(where, "finish-args", f"missing {a}")
    for c in REQUIRED_CLEANUP:
        if c not in m.get("cleanup", []):
            fail(where, "cleanup", f"top-level cleanup lacks {c}")
    modules = {mod.get("name"): mod for mod in m.get("modules", []) if isinstance(mod, dict)}
    if list(modules) != ["ldns", "gmime", "dns-root-data", "mail-flow-doctor"]:
        fail(where, "modules", f"modules are {list(modules)}")
    # The DNSSEC root trust anchor (mfd-dnssec.c looks for it under
    # /app/share/dns when the runtime has none): a pinned download.
    root_data = modules.get("dns-root-data", {})
    for s in root_data.get("sources", []):
        if not s.get("url", "").startswith("https://"):
            fail(where, "source-url", f"dns-root-data: {s.get('url')} is not https")
        if not re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")):
            fail(where, "source-checksum", "dns-root-data: no sha256")
        if "x-checker-data" not in s:
            fail(where, "x-checker-data", "dns-root-data: no x-checker-data for the update checker")
    if "/app/share/dns/root.key" not in json.dumps(root_data.get("build-commands", [])):
        fail(where, "trust-anchor", "dns-root-data must install /app/share/dns/root.key")
    ldns = modules.get("ldns", {})
    if "/bin" not in ldns.get("cleanup", []):
        fail(where, "cleanup", "ldns installs tools in /bin: clean them up")
    for name in ("ldns", "gmime"):
        for s in modules.get(name, {}).get("sources", []):
            if s.get("type") != "archive":
                fail(where, "source-type", f"{name}: an archive is expected")
            if not s.get("url", "").startswith("https://"):
                fail(where, "source-url", f"{name}: {s.get('url')} is not https")
            if not re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")):
                fail(where, "source-checksum", f"{name}: no sha256")
            if "x-checker-data" not in s:
                fail(where, "x-checker-data", f"{name}: no x-checker-data for the update checker")
    if "ldns-1.8.4.tar.gz" not in json.dumps(ldns):
        fail(where, "ldns-version", "ldns 1.8.4 expected")
    app = modules.get("mail-flow-doctor", {})
    opts = app.get("config-opts", [])
    if "-Dui_tests=false" not in opts:
        fail(where, "run-tests", "the build sandbox has no display: -Dui_tests=false")
    if "-Ddev_tools=false" not in opts:
        fail(where, "dev-tools", "bench helpers, the screenshot tool and fuzz replays stay out (-Ddev_tools=false)")
    return app


with open(release_path) as f:
    release = json.load(f)
with open(devel_path) as f:
    devel = json.load(f)

app = check_common(release_path, release, app_id)
for s in app.get("sources", []):
    where = os.path.basename(release_path)
    if s.get("type") == "dir":
        fail(where, "module-mail-flow-doctor-source-dir-not-allowed", "a release builds from git or a tarball")
    elif s.get("type") == "git":
        if not s.get("url", "").startswith("https://"):
            fail(where, "source-url", "git url must be https")
        if not re.fullmatch(r"v\d+\.\d+\.\d+", s.get("tag", "")):
            fail(where, "module-mail-flow-doctor-source-git-no-tag", "a release tag vX.Y.Z is required")
        if not re.fullmatch(r"[0-9a-f]{40}", s.get("commit", "")):
            fail(where, "module-mail-flow-doctor-source-git-no-commit", "the tag's commit is required")
        if "branch" in s:
            fail(where, "module-mail-flow-doctor-source-git-branch", "no branch in a release")
    elif s.get("type") == "archive":
        if not re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")):
            fail(where, "source-checksum", "release tarball without sha256")
    else:
        fail(where, "source-type", f"unexpected source type {s.get('type')!r}")

check_common(devel_path, devel, app_id + ".Devel")
if devel.get("runtime-version") != release.get("runtime-version"):
    fail(os.path.basename(devel_path), "runtime", "the development manifest must use the release's runtime")

# The metainfo (data/*.metainfo.xml.in) as Flathub's review reads it.
meta_path = os.path.join(src, "data", app_id + ".metainfo.xml.in")
root = ET.parse(meta_path).getroot()
where = os.path.basename(meta_path)
summary = root.findtext("summary") or ""
if len(summary) > 35:
    fail(where, "appstream-summary-too-long", f"{len(summary)} characters: {summary!r}")
if root.find("developer_name") is not None:
    fail(where, "appstream-developer-name-tag-deprecated", "use <developer id=…><name>")
dev = root.find("developer")
if dev is None or not dev.get("id") or dev.findtext("name") is None:
    fail(where, "appstream-missing-developer", "<developer id=…> with a <name>")
colors = {(c.get("type"), c.get("scheme_preference")) for c in root.findall("branding/color")}
if ("primary", "light") not in colors or ("primary", "dark") not in colors:
    fail(where, "appstream-missing-branding", "primary colours for light and dark")
urls = {u.get("type"): u.text for u in root.findall("url")}
for t in ("homepage", "bugtracker", "vcs-browser"):
    if not urls.get(t):
        fail(where, "appstream-missing-url", t)
for image in root.findall("screenshots/screenshot/image"):
    if not re.search(r"/v\d+\.\d+\.\d+/", image.text or ""):
        fail(where, "appstream-screenshots-not-pinned", image.text)
description = ET.tostring(root.find("description"), encoding="unicode")
if "not affiliated" not in description or "Microsoft" not in description:
    fail(where, "trademark", "say that the app is not affiliated with Microsoft")
for service in ("DNS over HTTPS", "RDAP", "Microsoft 365"):
    if service not in description:
        fail(where, "network", f"say which public services are asked by default ({service})")

# The desktop file: one main category (freedesktop menu spec).
desktop_path = os.path.join(src, "data", app_id + ".desktop.in")
with open(desktop_path) as f:
    cats = [l.split("=", 1)[1].strip().strip(";").split(";") for l in f if l.startswith("Categories=")]
MAIN = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics", "Network",
        "Office", "Science", "Settings", "System", "Utility"}
main = [c for c in (cats[0] if cats else []) if c in MAIN]
if len(main) != 1:
    fail(os.path.basename(desktop_path), "desktop-main-category", f"one main category expected, found {main}")

for e in errors:
    print("not ok:", e)
if not errors:
    print(f"ok: {os.path.basename(release_path)}, {os.path.basename(devel_path)}, the metainfo and the "
          f"desktop file follow the rules (runtime {release['runtime']}//{release['runtime-version']})")
sys.exit(1 if errors else 0)
