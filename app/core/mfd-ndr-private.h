/* mfd-ndr-private.h — what the parts of the NDR reader share: the parse
 * state, the small readers of codes, hosts and addresses, and each part's
 * entry point
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd-ndr.h"

G_BEGIN_DECLS

/* Strings kept from the input (text, detail, host names) are cut here. */
#define MFD_NDR_MAX_FIELD_CHARS 2048

/* Only the start of a line is searched for hints: the forms they take are
 * short, and a huge line must not cost more than a glance. */
#define MFD_NDR_HINT_SPAN 1024

/* What one parse has read so far, across the parts and lines of the input. */
typedef struct
{
  GPtrArray  *entries;          /* (element-type MfdNdrEntry) */
  GPtrArray  *recipients;       /* (element-type utf8) lone addresses of an NDR body */
  char       *reporting_mta;    /* Reporting-MTA of the delivery-status part */
  char       *generating;       /* "Generating server" of an NDR body: Microsoft's, never the destination */
  gboolean    in_diagnostics;   /* inside "Diagnostic information for administrators" */

  /* What the lines of the current paragraph said before its error: the
   * server ("host mx.fabrikam.com [198.51.100.7]") and the recipient
   * ("<bob@fabrikam.com>:") the other servers' bounces name first. */
  char       *hint_server;
  char       *hint_ip;
  char       *hint_recipient;
  gboolean    bounce_seen;      /* the text reads as a bounce: bare codes count */
  gboolean    delay_notice;     /* "will keep trying": its 4xx errors are delays */
  gboolean    in_returned;      /* past the start of the returned message: no hints there */
  gboolean    in_transcript;    /* in Sendmail's "Transcript of session follows", to a blank line */
  MfdNdrEntry *last_entry;      /* the latest entry of the current recipient's block */
} MfdNdrParse;

/* MfdNdrEntry.flags */
enum
{
  MFD_NDR_ENTRY_TRANSCRIPT = 1 << 0,    /* "<<< 550 …": a line of a quoted SMTP dialogue */
  MFD_NDR_ENTRY_DSN_DELAYED = 1 << 1,   /* Action: delayed */
};

static inline gboolean
mfd_ndr_parse_is_full (MfdNdrParse *parse)
{
  return parse->entries->len >= MFD_NDR_MAX_ENTRIES;
}

/* The reply code whose three digits start at @s: "550" → 550. */
static inline int
mfd_ndr_reply_code (const char *s)
{
  return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* mfd-ndr.c: entries */
MfdNdrEntry *mfd_ndr_entry_new                (MfdNdrSource        source);

/* mfd-ndr-tokens.c: strings, codes, hosts and addresses */
char        *mfd_ndr_normalize_text           (const char         *data,
                                               gsize               len);
char        *mfd_ndr_collapse_space           (const char         *s,
                                               gsize               len);
char        *mfd_ndr_strip_space              (const char         *s,
                                               gsize               len);
gsize        mfd_ndr_line_end                 (const char         *s,
                                               gsize               len,
                                               gsize               start);
void         mfd_ndr_set_once                 (char              **field,
                                               char               *value);
gboolean     mfd_ndr_ascii_contains           (const char         *haystack,
                                               const char         *needle);
const char  *mfd_ndr_find_in                  (const char         *s,
                                               gsize               len,
                                               const char         *needle);
gboolean     mfd_ndr_line_has_any             (const char         *s,
                                               gsize               len,
                                               const char * const *needles,
                                               gsize               n);
gboolean     mfd_ndr_is_header_line           (const char         *s,
                                               gsize               len);
gboolean     mfd_ndr_looks_like_host          (const char         *s,
                                               gsize               len);
char        *mfd_ndr_host_before              (const char         *s,
                                               gsize               end);
char        *mfd_ndr_ip_at                    (const char         *s,
                                               gsize               len,
                                               gsize               i,
                                               gsize              *end);
void         mfd_ndr_set_ip_port              (MfdNdrEntry        *entry,
                                               const char         *value,
                                               gboolean            has_port);
gsize        mfd_ndr_match_status             (const char         *s,
                                               gsize               len,
                                               gsize               i);
gsize        mfd_ndr_match_code               (const char         *s,
                                               gsize               len,
                                               gsize               i,
                                               int                *reply,
                                               char              **status);
gsize        mfd_ndr_match_bare_reply         (const char         *s,
                                               gsize               len,
                                               gsize               i);

/* mfd-ndr-causes.c: code + detail → likely cause */
const char  *mfd_ndr_status_subject_detail    (const char         *status);
gboolean     mfd_ndr_entry_is_expired         (const MfdNdrEntry  *entry);

/* mfd-ndr-reply.c: one reply and the forms around it */
void         mfd_ndr_tidy_text                (MfdNdrEntry        *entry);
gsize        mfd_ndr_parse_reply              (MfdNdrEntry        *entry,
                                               const char         *s,
                                               gsize               len);
gsize        mfd_ndr_parse_trace              (MfdNdrParse        *parse,
                                               const char         *s,
                                               gsize               len);
const char  *mfd_ndr_find_opening_quote       (const char         *s,
                                               gsize               len);
void         mfd_ndr_parse_history_prefix     (MfdNdrEntry        *entry,
                                               const char         *s,
                                               gsize               len);

/* mfd-ndr-hints.c: what a bounce says around its error */
gboolean     mfd_ndr_is_email_line            (const char         *s,
                                               gsize               len,
                                               char              **address);
char        *mfd_ndr_find_generating_server   (const char         *s,
                                               gsize               len);
gboolean     mfd_ndr_find_host_ip             (const char         *s,
                                               gsize               len,
                                               char              **host,
                                               char              **ip);
void         mfd_ndr_hint_clear               (MfdNdrParse        *parse);
void         mfd_ndr_hint_scan                (MfdNdrParse        *parse,
                                               const char         *s,
                                               gsize               len);
void         mfd_ndr_hint_recipient_scan      (MfdNdrParse        *parse,
                                               const char         *s,
                                               gsize               len);
void         mfd_ndr_apply_hints              (MfdNdrParse        *parse,
                                               MfdNdrEntry        *entry);

/* mfd-ndr-scan.c: the text scanner */
void         mfd_ndr_scan_text                (MfdNdrParse        *parse,
                                               const char         *s,
                                               gsize               len);

/* mfd-ndr-dsn.c: RFC 3464 delivery-status fields */
gboolean     mfd_ndr_is_dsn_field_line        (const char         *s,
                                               gsize               len);
gboolean     mfd_ndr_parse_dsn_group          (MfdNdrParse        *parse,
                                               const char         *block,
                                               gsize               len);

/* mfd-ndr-mime.c: whole messages (GMime) */
void         mfd_ndr_ensure_gmime             (void);
gboolean     mfd_ndr_looks_like_message       (const char         *s,
                                               gsize               len);
gboolean     mfd_ndr_parse_message            (MfdNdrParse        *parse,
                                               const char         *data,
                                               gsize               len,
                                               GError            **error);
char        *mfd_ndr_wrap_mime_fragment       (const char         *data,
                                               gsize               len);

G_END_DECLS
