/* mfd-host.h — host names and address literals in one normal form, for
 * every module that compares or looks them up. Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The form names are compared and looked up in: an address literal
 * without its brackets ("[2001:db8::25]" -> "2001:db8::25", otherwise as
 * given), an internationalized name in its ASCII (punycode) form, no
 * trailing dot ("" for the root), ASCII lower case. Never NULL: a name GLib cannot convert is kept as
 * given (lower-cased), so that the caller's own check can say what is
 * wrong with it. */
char     *mfd_host_normalize          (const char *host);

/* TRUE when @text is an IPv4 or IPv6 address (no brackets, no port). */
gboolean  mfd_host_is_ip_literal      (const char *text);

/* TRUE when @name is @zone or a name below it, label by label, ignoring
 * ASCII case ("" is the root, above everything). Names without a trailing
 * dot. */
gboolean  mfd_host_is_same_or_below   (const char *name,
                                       const char *zone);

G_END_DECLS
