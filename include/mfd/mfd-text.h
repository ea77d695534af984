/* mfd-text.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The engine's user-visible text is English source strings marked with
 * N_() and translated when rendered, so that one run can produce the UI in
 * Japanese and a report in English (or the reverse) without touching the
 * process's environment.
 *
 * lang: NULL = the process's language (gettext as usual); "en" = the
 * English source; any other code = that language's catalogue, read from the
 * same .mo file gettext would use (falling back to English). */

void         mfd_text_set_localedir (const char         *localedir);
const char  *mfd_text_get_localedir (void);

/* Normalises "ja", "ja_JP.UTF-8", "JA" -> "ja"; "" / "C" / "POSIX" -> "en";
 * NULL -> NULL. Returns an interned string. */
const char  *mfd_text_normalize_lang (const char         *lang);

/* The language gettext is using for this process now ("ja", "en", …). */
const char  *mfd_text_get_process_lang (void);

const char  *mfd_tr                 (const char         *lang,
                                     const char         *msgid);
const char  *mfd_trc                (const char         *lang,
                                     const char         *context,
                                     const char         *msgid);

/* Translates @msgid, then replaces "{1}", "{2}", … with @args (NULL
 * terminated; missing args become ""). Braces make no printf format, so a
 * translation can reorder arguments and a hostile argument cannot inject
 * one. Mark such strings with a "no-c-format" translator comment when they
 * also contain '%'. */
char        *mfd_text_render        (const char         *lang,
                                     const char         *msgid,
                                     const char * const *args);
char        *mfd_text_render_va     (const char         *lang,
                                     const char         *msgid,
                                     ...) G_GNUC_NULL_TERMINATED;
/* The same with the arguments of a NULL-terminated varargs list, for
 * callers that take one themselves. */
char        *mfd_text_render_valist (const char         *lang,
                                     const char         *msgid,
                                     va_list             args);

/* Makes arbitrary bytes safe to show: invalid UTF-8 replaced, control
 * characters (but \n and \t) removed, cut to @max_chars with "…". */
char        *mfd_text_sanitize      (const char         *text,
                                     gssize              len,
                                     gsize               max_chars);

G_END_DECLS
