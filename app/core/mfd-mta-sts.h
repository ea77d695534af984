/* mfd-mta-sts.h — MTA-STS (RFC 8461): the _mta-sts TXT record and the
 * policy file, read strictly; MX hosts matched against the policy's
 * patterns. Pure functions, no I/O. Internal to the engine.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 8461 §3.2: a policy larger than this is not read. */
#define MFD_MTA_STS_MAX_POLICY     65536
/* At most this many mx: lines are kept (more is an error). */
#define MFD_MTA_STS_MAX_MX         64
/* max_age is at most a year (RFC 8461 §3.2). */
#define MFD_MTA_STS_MAX_AGE_LIMIT  31557600

typedef enum
{
  MFD_MTA_STS_MODE_NONE,
  MFD_MTA_STS_MODE_TESTING,
  MFD_MTA_STS_MODE_ENFORCE,
} MfdMtaStsMode;

typedef struct
{
  MfdMtaStsMode  mode;
  guint32        max_age;
  GPtrArray     *mx;      /* (element-type utf8) patterns, lower case, no trailing dot */
} MfdMtaStsPolicy;

/* The TXT record "v=STSv1; id=…;" (RFC 8461 §3.1): TRUE with @id (1–32
 * letters and digits), or FALSE with @error (English) for anything else,
 * including another version. Unknown fields are allowed. */
gboolean         mfd_mta_sts_parse_txt          (const char       *txt,
                                                 char            **id,
                                                 char            **error);

/* The policy file: "key: value" lines ending in CRLF or LF. version STSv1,
 * a mode, a max_age and, unless the mode is none, at least one mx pattern
 * are required; unknown keys are ignored; anything else is an error
 * (@error, English). @len bytes of @text (no NUL needed). */
MfdMtaStsPolicy *mfd_mta_sts_policy_parse       (const char       *text,
                                                 gsize             len,
                                                 char            **error);
void             mfd_mta_sts_policy_free        (MfdMtaStsPolicy  *policy);

/* Whether @host matches @pattern: the same name, or "*.example.com"
 * matching exactly one more label on the left. Case and a trailing dot
 * do not matter. */
gboolean         mfd_mta_sts_pattern_matches    (const char       *pattern,
                                                 const char       *host);
/* Whether @host matches one of @policy's patterns. */
gboolean         mfd_mta_sts_policy_allows_mx   (const MfdMtaStsPolicy *policy,
                                                 const char       *host);
const char      *mfd_mta_sts_mode_to_string     (MfdMtaStsMode     mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdMtaStsPolicy, mfd_mta_sts_policy_free)

G_END_DECLS
