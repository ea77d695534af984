#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A translation is complete against the sources, not against itself: extract
# the strings from the files in POTFILES.in into a fresh template (the same
# xgettext arguments as po/meson.build's glib preset), merge LANG.po with it
# in a temporary directory and fail on anything untranslated or fuzzy. Also
# fails when a source file with translatable strings is missing from
# POTFILES.in. Never touches the source tree.
#
#   check-po.sh SOURCE_ROOT LANG
set -u

src="$1"
lang="$2"
po="$src/po/$lang.po"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# Every file that marks strings for translation is listed.
grep -v '^#' "$src/po/POTFILES.in" | sed '/^$/d' | sort > "$tmp/listed"
( cd "$src" && grep -rlE '(^|[^a-z_])(N?_|C_|mfd_trc?) ?\("' app --include='*.c' ;
  grep -rl 'translatable="yes"' app --include='*.ui' ) | sort -u > "$tmp/marked"
# mfd-text.c defines mfd_tr() and only mentions it.
grep -v '^app/core/mfd-text\.c$' "$tmp/marked" > "$tmp/marked.2"
missing=$(comm -23 "$tmp/marked.2" "$tmp/listed")
if [ -n "$missing" ]; then
  echo "not ok: files with translatable strings missing from po/POTFILES.in:"
  echo "$missing"
  fail=1
fi

grep -v '^#' "$src/po/POTFILES.in" | sed '/^$/d' > "$tmp/files"
( cd "$src" && LC_ALL=C.UTF-8 xgettext --files-from="$tmp/files" --directory="$src" \
    --output="$tmp/new.pot" --package-name=mail-flow-doctor --msgid-bugs-address=none \
    --from-code=UTF-8 --add-comments=Translators \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
    --keyword=mfd_tr:2 --keyword=mfd_trc:2c,3 --keyword=mfd_text_render_va:2 \
    --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
    --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
    --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
    --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
    --flag=g_printerr:1:c-format --flag=g_print:1:c-format ) || { echo "not ok: xgettext failed"; exit 1; }
echo "template: $(grep -c '^msgid ' "$tmp/new.pot") messages from $(wc -l < "$tmp/files") files"

LC_ALL=C.UTF-8 msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" "$tmp/new.pot" ||
  { echo "not ok: msgmerge failed"; exit 1; }
out=$(LC_ALL=C.UTF-8 msgfmt --check --statistics -o /dev/null "$tmp/merged.po" 2>&1) || { echo "$out"; exit 1; }
echo "$lang.po against the sources: $out"
case "$out" in
  *untranslated*|*fuzzy*)
    echo "not ok: these strings of the sources have no $lang translation:"
    LC_ALL=C.UTF-8 msgattrib --untranslated "$tmp/merged.po" | grep -A1 '^msgid' | head -40
    fail=1
    ;;
esac

# The file as committed must be valid on its own too.
out=$(LC_ALL=C.UTF-8 msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "$out"; fail=1; }
case "$out" in *fuzzy*) echo "not ok: $lang.po has fuzzy entries: $out"; fail=1;; esac

exit $fail
