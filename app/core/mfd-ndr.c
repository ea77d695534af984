/* mfd-ndr.c — what an admin pastes or opens, as delivery-error entries
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <gmime/gmime.h>

#include "mfd-ndr.h"
#include "mfd-text.h"

/* A bracketed field split by a mail client is joined back to its line, but
 * never beyond this: one queue string is a few hundred bytes, and an
 * unterminated '[' must not glue the rest of a large paste together. */
#define MAX_JOINED_LINE (16 * 1024)

/* Lines read as one group of delivery-status fields at most. */
#define MAX_DSN_GROUP_LINES 64

/* Strings kept from the input (text, detail, host names) are cut here. */
#define MAX_FIELD_CHARS 2048

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
} Parse;

/* MfdNdrEntry.flags */
enum
{
  ENTRY_TRANSCRIPT = 1 << 0,    /* "<<< 550 …": a line of a quoted SMTP dialogue */
  ENTRY_DSN_DELAYED = 1 << 1,   /* Action: delayed */
};

G_DEFINE_QUARK (mfd-ndr-error-quark, mfd_ndr_error)
G_DEFINE_BOXED_TYPE (MfdNdrEntry, mfd_ndr_entry, mfd_ndr_entry_ref, mfd_ndr_entry_unref)
G_DEFINE_BOXED_TYPE (MfdNdrResult, mfd_ndr_result, mfd_ndr_result_ref, mfd_ndr_result_unref)

/* RFC 3464 fields that open a delivery-status group in pasted text. */
static const char * const dsn_fields[] = {
  "Reporting-MTA", "Received-From-MTA", "Arrival-Date", "Original-Envelope-Id",
  "Final-Recipient", "Original-Recipient", "Action", "Status", "Remote-MTA",
  "Diagnostic-Code", "Last-Attempt-Date", "Will-Retry-Until", "X-Display-Name",
};

/* Headings that open and close the administrators' part of an NDR body, in
 * the languages Exchange writes NDRs in that we have seen. */
static const char * const diagnostics_open[] = {
  "Diagnostic information for administrators",
  "管理者向けの診断情報",
};
/* Lines after which a bounce quotes the returned message. */
static const char * const returned_markers[] = {
  "Below this line is a copy of the message", "copy of the original message",
  "original message follows", "This is a copy of the message", "header of the original message",
  "Original message headers", "Received: ",
};
static const char * const diagnostics_close[] = {
  "Original message headers",
  "元のメッセージ ヘッダー",
  "元のメッセージのヘッダー",
};

typedef struct
{
  const char *needle;   /* matched case-insensitively in the detail */
  const char *cause;
} DetailCause;

/* Order matters: certificate words before TLS words before socket words,
 * because a certificate failure also mentions the failed TLS negotiation. */
static const DetailCause detail_causes[] = {
  { "certificateexpired", "cert-expired" },
  { "certificate expired", "cert-expired" },
  { "certificate has expired", "cert-expired" },
  { "notyetvalid", "cert-not-yet-valid" },
  { "not yet valid", "cert-not-yet-valid" },
  { "subjectmismatch", "cert-name-mismatch" },
  { "subject mismatch", "cert-name-mismatch" },
  { "namemismatch", "cert-name-mismatch" },
  { "revoked", "cert-revoked" },
  { "untrustedroot", "cert-untrusted" },
  { "partialchain", "cert-untrusted" },
  { "chainerrors", "cert-untrusted" },
  { "self-signed", "cert-untrusted" },
  { "starttls is required", "starttls-missing" },
  { "starttls required", "starttls-missing" },
  { "tls negotiation failed", "tls-handshake-failed" },
  { "tls handshake", "tls-handshake-failed" },
  { "10061", "tcp-refused" },
  { "connection refused", "tcp-refused" },
  { "actively refused", "tcp-refused" },
  { "10060", "tcp-timeout" },
  { "timed out", "tcp-timeout" },
  { "10054", "closed-abruptly" },
  { "forcibly closed", "closed-abruptly" },
  { "closed abruptly", "closed-abruptly" },
  { "454 ", "starttls-rejected" },
  { "421 ", "greeting-rejected" },
  { "service not available", "greeting-rejected" },
};

/* For 4.4.312 the detail names the kind of DNS failure. */
static const DetailCause dns_detail_causes[] = {
  { "nonexistentdomain", "dns-nxdomain" },
  { "nxdomain", "dns-nxdomain" },
  { "does not exist", "dns-nxdomain" },
  { "serverfailure", "dns-servfail" },
  { "servfail", "dns-servfail" },
  { "timed out", "dns-timeout" },
  { "timeout", "dns-timeout" },
  { "nodata", "dns-no-address" },
  { "no address", "dns-no-address" },
};

typedef struct
{
  const char *status;   /* "S.D" subject.detail part, class-independent */
  const char *cause;    /* NULL: the code alone cannot tell */
} StatusCause;

static const StatusCause status_causes[] = {
  { "4.312", NULL },
  { "4.315", "tcp-timeout" },
  { "4.316", "tcp-refused" },
  { "4.317", NULL },
  { "4.318", "closed-abruptly" },
  { "7.320", NULL },
  { "7.321", "dane-starttls-missing" },
  { "7.322", "dane-cert-expired" },
  { "7.323", "dane-tlsa-mismatch" },
  { "7.324", "dane-dnssec-bogus" },
  { "7.325", "dane-name-mismatch" },
  { "4.310", "dns-nxdomain" },
  { "4.8", "other" },
  { "7.5", "other" },
  { "4.7", NULL },
  { "4.300", NULL },
};

static void
ensure_gmime (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      g_mime_init ();
      g_once_init_leave (&initialised, 1);
    }
}

/* Entries */

static MfdNdrEntry *
entry_new (MfdNdrSource source)
{
  MfdNdrEntry *self = g_new0 (MfdNdrEntry, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->port = 25;
  self->source = source;
  return self;
}

MfdNdrEntry *
mfd_ndr_entry_ref (MfdNdrEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mfd_ndr_entry_unref (MfdNdrEntry *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->status);
  g_free (self->text);
  g_free (self->message);
  g_free (self->server);
  g_free (self->ip);
  g_free (self->reporting_server);
  g_clear_pointer (&self->timestamp, g_date_time_unref);
  g_strfreev (self->recipients);
  g_free (self->cause);
  g_free (self->raw);
  g_free (self);
}

MfdNdrResult *
mfd_ndr_result_ref (MfdNdrResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mfd_ndr_result_unref (MfdNdrResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->primary, mfd_ndr_entry_unref);
  g_free (self);
}

const char *
mfd_ndr_source_to_string (MfdNdrSource source)
{
  switch (source)
    {
    case MFD_NDR_SOURCE_QUEUE:
      return "queue";
    case MFD_NDR_SOURCE_MESSAGE_TRACE:
      return "message-trace";
    case MFD_NDR_SOURCE_NDR:
      return "ndr";
    case MFD_NDR_SOURCE_DELIVERY_STATUS:
      return "delivery-status";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Small string helpers */

/* Collapses runs of white space (line breaks of a wrapped paste included)
 * into one space, trims, and bounds the length. */
static char *
collapse_space (const char *s,
                gsize       len)
{
  g_autoptr(GString) out = g_string_sized_new (MIN (len, 256));
  gboolean space = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isspace (s[i]))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, s[i]);
    }
  if (out->len == 0)
    return NULL;
  return mfd_text_sanitize (out->str, out->len, MAX_FIELD_CHARS);
}

/* Index of the end of the line starting at @start (its '\n', or @len). */
static gsize
line_end (const char *s,
          gsize       len,
          gsize       start)
{
  const char *nl = memchr (s + start, '\n', len - start);

  return nl != NULL ? (gsize) (nl - s) : len;
}

/* Host names and addresses: a wrapped paste may have broken them anywhere,
 * so every white space inside is dropped. */
static char *
strip_space (const char *s,
             gsize       len)
{
  g_autoptr(GString) out = g_string_sized_new (MIN (len, 256));

  for (gsize i = 0; i < len && out->len < 256; i++)
    if (!g_ascii_isspace (s[i]))
      g_string_append_c (out, s[i]);
  if (out->len == 0)
    return NULL;
  return mfd_text_sanitize (out->str, out->len, 255);
}

static void
set_once (char       **field,
          char        *value)
{
  if (*field == NULL)
    *field = value;
  else
    g_free (value);
}

static gboolean
ascii_contains (const char *haystack,
                const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = haystack; *p; p++)
    if (g_ascii_strncasecmp (p, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_ip_literal (const char *s)
{
  g_autoptr(GInetAddress) address = NULL;

  if (s == NULL || *s == '\0')
    return FALSE;
  address = g_inet_address_new_from_string (s);
  return address != NULL;
}

static gboolean
is_ip_literal_len (const char *s,
                   gsize       len)
{
  g_autofree char *copy = NULL;

  /* Only digits, hex letters, dots and colons can make one; most words
   * fail here without an allocation. */
  if (len == 0 || len > 45)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]) && s[i] != '.' && s[i] != ':')
      return FALSE;
  copy = g_strndup (s, len);
  return is_ip_literal (copy);
}

/* A host name as it appears in an error: letters, digits, dots, hyphens. */
static gboolean
looks_like_host (const char *s,
                 gsize       len)
{
  gboolean dot = FALSE;

  if (len == 0 || len > 253)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '.')
        dot = TRUE;
      else if (!g_ascii_isalnum (s[i]) && s[i] != '-' && s[i] != '_')
        return FALSE;
    }
  return dot;
}

/* Sets ip (and port) from "203.0.113.25:25", "[2001:db8::25]:25",
 * "2001:db8::25:25" or a bare address. EOP always appends the port to
 * LastAttemptedIP, so with @has_port a trailing ":N" after an unbracketed
 * IPv6 address is taken as the port when what remains is still an address. */
static void
set_ip_port (MfdNdrEntry *entry,
             const char  *value,
             gboolean     has_port)
{
  g_autofree char *s = NULL;
  char *colon;
  char *port = NULL;

  if (value == NULL || entry->ip != NULL)
    return;
  s = g_strdup (value);

  if (s[0] == '[')
    {
      char *close = strchr (s, ']');

      if (close == NULL)
        return;
      *close = '\0';
      if (close[1] == ':')
        port = close + 2;
      memmove (s, s + 1, strlen (s + 1) + 1);
    }
  else if ((colon = strrchr (s, ':')) != NULL)
    {
      if (strchr (s, ':') == colon)
        {
          *colon = '\0';
          port = colon + 1;
        }
      else if (has_port)
        {
          *colon = '\0';
          if (is_ip_literal (s))
            port = colon + 1;
          else
            *colon = ':';
        }
    }

  if (!is_ip_literal (s))
    return;
  entry->ip = g_strdup (s);
  if (port != NULL)
    {
      guint64 n;

      if (g_ascii_string_to_unsigned (port, 10, 1, 65535, &n, NULL))
        entry->port = (guint16) n;
    }
}

/* Times */

static GDateTime *
parse_iso8601 (const char *s)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return g_date_time_new_from_iso8601 (s, utc);
}

static gboolean
read_number (const char **p,
             const char  *end,
             guint        max_digits,
             int         *value)
{
  guint n = 0;

  *value = 0;
  while (*p < end && g_ascii_isdigit (**p) && n < max_digits)
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      n++;
    }
  return n > 0;
}

/* "3/5/2025 1:05:11 AM" (what EOP writes in NDR history lines and trace
 * LRT, in UTC), "2025/03/05 1:05:11" and "2025-03-05 01:05:11" (Japanese
 * NDRs). */
static GDateTime *
parse_datetime (const char *s,
                gsize       len)
{
  const char *p = s;
  const char *end = s + len;
  int a, b, c, hour, minute, second = 0;
  int year, month, day;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  while (p < end && g_ascii_isspace (*p))
    p++;
  if (!read_number (&p, end, 4, &a) || p >= end || (*p != '/' && *p != '-'))
    return NULL;
  p++;
  if (!read_number (&p, end, 2, &b) || p >= end || (*p != '/' && *p != '-'))
    return NULL;
  p++;
  if (!read_number (&p, end, 4, &c))
    return NULL;
  if (p < end && *p == 'T')
    p++;
  while (p < end && *p == ' ')
    p++;
  if (!read_number (&p, end, 2, &hour) || p >= end || *p != ':')
    return NULL;
  p++;
  if (!read_number (&p, end, 2, &minute))
    return NULL;
  if (p < end && *p == ':')
    {
      p++;
      if (!read_number (&p, end, 2, &second))
        return NULL;
    }
  while (p < end && *p == ' ')
    p++;
  if (end - p >= 2 && (p[1] == 'M' || p[1] == 'm'))
    {
      gboolean pm = (p[0] == 'P' || p[0] == 'p');

      if (!pm && p[0] != 'A' && p[0] != 'a')
        return NULL;
      if (hour < 1 || hour > 12)
        return NULL;
      hour = hour % 12 + (pm ? 12 : 0);
    }

  if (a > 31)
    {
      year = a;
      month = b;
      day = c;
    }
  else
    {
      month = a;
      day = b;
      year = c;
    }
  if (year < 1970 || year > 9999)
    return NULL;
  return g_date_time_new (utc, year, month, day, hour, minute, second);
}

static GDateTime *
parse_rfc822_date (const char *s)
{
  GDateTime *date = g_mime_utils_header_decode_date (s);
  GDateTime *utc;

  if (date == NULL)
    return NULL;
  utc = g_date_time_to_utc (date);
  g_date_time_unref (date);
  return utc;
}

/* Codes */

/* Matches "450 4.4.316" / "550-5.4.316" / "550 4.4.7" at @i: an SMTP
 * failure reply and an enhanced status. Returns the index just past the
 * status, or 0. */
/* An enhanced status "5.1.1" / "4.4.316" / "2.0.0" at @i, standing alone
 * (no digit, letter or dot glued to either side). Returns the index just
 * past it, or 0. */
static gsize
match_status (const char *s,
              gsize       len,
              gsize       i)
{
  gsize p = i;
  guint digits;

  if (i > 0 && (g_ascii_isalnum (s[i - 1]) || s[i - 1] == '.'))
    return 0;
  if (len - i < 5)
    return 0;
  if ((s[p] != '2' && s[p] != '4' && s[p] != '5') || s[p + 1] != '.')
    return 0;
  p += 2;
  for (int part = 0; part < 2; part++)
    {
      digits = 0;
      while (p < len && g_ascii_isdigit (s[p]) && digits < 4)
        p++, digits++;
      if (digits == 0 || digits > 3)
        return 0;
      if (part == 0)
        {
          if (p >= len || s[p] != '.')
            return 0;
          p++;
        }
    }
  if (p < len && (g_ascii_isalnum (s[p]) || (s[p] == '.' && p + 1 < len && g_ascii_isdigit (s[p + 1]))))
    return 0;
  return p;
}

static gsize
match_code (const char *s,
            gsize       len,
            gsize       i,
            int        *reply,
            char      **status)
{
  gsize p = i;
  gsize status_start;

  if (i > 0 && (g_ascii_isalnum (s[i - 1]) || s[i - 1] == '.'))
    return 0;
  if (len - i < 9)
    return 0;
  if ((s[p] != '2' && s[p] != '4' && s[p] != '5') || !g_ascii_isdigit (s[p + 1]) || !g_ascii_isdigit (s[p + 2]))
    return 0;
  if (s[p + 3] != ' ' && s[p + 3] != '-')
    return 0;
  p += 4;
  status_start = p;
  /* A success reply carries a success status and an error reply an error
   * status: "250 5.0.0" is neither. */
  if ((s[i] == '2') != (s[p] == '2'))
    return 0;
  p = match_status (s, len, p);
  if (p == 0)
    return 0;

  if (reply != NULL)
    *reply = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
  if (status != NULL)
    *status = g_strndup (s + status_start, p - status_start);
  return p;
}

/* A reply code without an enhanced status ("550 User unknown", "554:
 * delivery error"): three digits, a separator, then words. Returns the
 * index of the words, or 0. */
static gsize
match_bare_reply (const char *s,
                  gsize       len,
                  gsize       i)
{
  gsize p = i + 3;

  if (i > 0 && (g_ascii_isalnum (s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '-'))
    return 0;
  if (len - i < 6)
    return 0;
  if ((s[i] != '4' && s[i] != '5') || !g_ascii_isdigit (s[i + 1]) || !g_ascii_isdigit (s[i + 2]))
    return 0;
  if (s[p] == ':' || s[p] == '-')
    p++;
  if (p >= len || s[p] != ' ')
    return 0;
  while (p < len && s[p] == ' ')
    p++;
  /* "550 - 5.1.1 …" (Zoho) */
  if (p + 1 < len && s[p] == '-' && s[p + 1] == ' ')
    for (p++; p < len && s[p] == ' ';)
      p++;
  if (p >= len || !(g_ascii_isalpha (s[p]) || s[p] == '<' || s[p] == '(' || s[p] == '\'' ||
                    match_status (s, len, p) > 0))
    return 0;
  return p;
}

/* A bare enhanced status such as "5.4.316" or "2.0.0" (RFC 3464 Status
 * field). */
static gboolean
is_error_status (const char *s)
{
  guint dots = 0;

  if (s == NULL || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
    return FALSE;
  for (const char *p = s + 1; *p; p++)
    {
      if (*p == '.')
        dots++;
      else if (!g_ascii_isdigit (*p))
        return FALSE;
    }
  return dots == 2;
}

/* The part of a status after its class: "5.4.316" -> "4.316". */
static const char *
status_subject_detail (const char *status)
{
  if (status == NULL || status[0] == '\0' || status[1] != '.')
    return NULL;
  return status + 2;
}

gboolean
mfd_ndr_status_is_generic_expiry (const char *status)
{
  const char *sd = status_subject_detail (status);

  return sd != NULL && (g_str_equal (sd, "4.7") || g_str_equal (status, "5.4.300"));
}

gboolean
mfd_ndr_entry_is_success (const MfdNdrEntry *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);

  if (entry->status != NULL)
    return entry->status[0] == '2';
  return entry->reply / 100 == 2;
}

/* "5.0.0", "4.0.0": the class alone, which a Diagnostic-Code may name more
 * exactly. */
static gboolean
status_is_generic (const char *status)
{
  return status != NULL && g_str_has_suffix (status, ".0.0");
}

static gboolean
is_expired (const MfdNdrEntry *entry)
{
  const char *sd = status_subject_detail (entry->status);

  /* A delay notice's 4.4.7 says the message is late, not returned; a
   * success notice never expired, whatever its words say. */
  if (entry->delayed || mfd_ndr_entry_is_success (entry))
    return FALSE;
  if (mfd_ndr_status_is_generic_expiry (entry->status))
    return TRUE;
  if (entry->text != NULL && ascii_contains (entry->text, "message expired"))
    return TRUE;
  /* 5.4.312–318 are the expired forms of 4.4.312–318 (5.4.310 is not). */
  return sd != NULL && entry->status[0] == '5' && strlen (sd) == 5 &&
         g_str_has_prefix (sd, "4.31") && sd[4] >= '2' && sd[4] <= '8';
}

static const char *
match_detail (const DetailCause *table,
              gsize              n,
              const char        *detail)
{
  if (detail == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (ascii_contains (detail, table[i].needle))
      return table[i].cause;
  return NULL;
}

const char *
mfd_ndr_classify (const char *status,
                  const char *message)
{
  const char *sd = status_subject_detail (status);
  const char *cause;

  if (sd != NULL && g_str_equal (sd, "4.312"))
    return match_detail (dns_detail_causes, G_N_ELEMENTS (dns_detail_causes), message);

  cause = match_detail (detail_causes, G_N_ELEMENTS (detail_causes), message);
  if (cause != NULL)
    return cause;
  if (sd == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (status_causes); i++)
    if (g_str_equal (sd, status_causes[i].status))
      return status_causes[i].cause;
  return "other";
}

/* Reply texts */

/* Index of the ']' closing the '[' at @open, or @len when unterminated.
 * Nesting is counted, not recursed into, so depth costs nothing. */
static gsize
match_bracket (const char *s,
               gsize       len,
               gsize       open)
{
  gsize depth = 0;

  for (gsize i = open; i < len; i++)
    {
      if (s[i] == '[')
        depth++;
      else if (s[i] == ']' && --depth == 0)
        return i;
    }
  return len;
}

/* Field names are compared without regard to case. */
static gboolean
name_is (const char *s,
         gsize       len,
         const char *name)
{
  return len == strlen (name) && g_ascii_strncasecmp (s, name, len) == 0;
}

/* [Key=Value] fields of a queue string, and the trailing
 * "[HOST 2025-03-04T01:02:03.456Z ID]" that names the EOP server. */
static void
handle_field (MfdNdrEntry *entry,
              const char  *s,
              gsize        len)
{
  gsize k = 0;

  while (k < len && g_ascii_isalnum (s[k]))
    k++;
  if (k > 0 && k < len && s[k] == '=')
    {
      const char *value = s + k + 1;
      gsize value_len = len - k - 1;

      if (name_is (s, k, "Message"))
        set_once (&entry->message, collapse_space (value, value_len));
      else if (name_is (s, k, "LastAttemptedServerName"))
        set_once (&entry->server, strip_space (value, value_len));
      else if (name_is (s, k, "LastAttemptedIP"))
        {
          g_autofree char *ip = strip_space (value, value_len);

          set_ip_port (entry, ip, TRUE);
        }
      return;
    }

  if (len < 256 && entry->reporting_server == NULL)
    {
      g_autofree char *copy = g_strndup (s, len);
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (copy), " \t\n", 4);

      if (g_strv_length (words) >= 2 && looks_like_host (words[0], strlen (words[0])))
        {
          GDateTime *when = parse_iso8601 (words[1]);

          if (when != NULL)
            {
              entry->reporting_server = g_strdup (words[0]);
              if (entry->timestamp == NULL)
                entry->timestamp = when;
              else
                g_date_time_unref (when);
            }
        }
    }
}

/* "Connection refused (Socket error code 10061)": the parenthesised tail is
 * the detail when no [Message=…] gave one. */
static void
split_detail (MfdNdrEntry *entry)
{
  gsize n;
  char *open;

  if (entry->text == NULL || entry->message != NULL)
    return;
  n = strlen (entry->text);
  if (n < 3 || entry->text[n - 1] != ')')
    return;
  open = strrchr (entry->text, '(');
  if (open == NULL || open == entry->text || open[1] == ')')
    return;
  entry->message = g_strndup (open + 1, entry->text + n - 1 - (open + 1));
  *open = '\0';
  g_strchomp (entry->text);
}

/* What other servers put around a reply's words: Postfix's "(in reply to
 * RCPT TO command)", Exchange 2007–2019's closing "##", the ')' of
 * Sendmail's "(reason: 550 …)" and the '>' of an old "< #5.4.316 smtp;…>". */
static void
tidy_text (MfdNdrEntry *entry)
{
  gsize n;
  char *tail;

  if (entry->text == NULL)
    return;
  tail = strstr (entry->text, "(in reply to ");
  if (tail != NULL && tail > entry->text)
    *tail = '\0';
  g_strchomp (entry->text);
  n = strlen (entry->text);
  if (n >= 2 && g_str_has_suffix (entry->text, "##"))
    entry->text[n -= 2] = '\0';
  else if (n > 0 && entry->text[n - 1] == '>' && strchr (entry->text, '<') == NULL)
    entry->text[--n] = '\0';
  else if (n > 0 && entry->text[n - 1] == ')' && strchr (entry->text, '(') == NULL)
    entry->text[--n] = '\0';
  else if (n > 0 && entry->text[n - 1] == ']' && strchr (entry->text, '[') == NULL)
    entry->text[--n] = '\0';
  g_strchomp (entry->text);
  if (*entry->text == '\0')
    g_clear_pointer (&entry->text, g_free);
  split_detail (entry);
}

/* Parses a reply starting with its code at @s: "450 4.4.316 Connection
 * refused [Message=…] [LastAttemptedServerName=…] …". Returns the number of
 * bytes it took (0 when @s does not start with a code). */
static gsize
parse_reply (MfdNdrEntry *entry,
             const char  *s,
             gsize        len)
{
  g_autofree char *status = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gsize p, text_start;
  int reply = 0;
  gboolean continued;

  p = match_code (s, len, 0, &reply, &status);
  if (p == 0)
    return 0;
  entry->reply = reply;
  g_free (entry->status);
  entry->status = g_steal_pointer (&status);
  continued = s[3] == '-';

  /* The words run to the next code, except that the lines of a multiline
   * reply ("550-5.1.1 The email account …" "550-5.1.1 double-checking …")
   * are one reply. */
  text_start = p;
  while (p < len && s[p] != '[')
    {
      int next_reply = 0;
      g_autofree char *next_status = NULL;
      gsize q;

      if ((s[p] == '2' || s[p] == '4' || s[p] == '5') &&
          (q = match_code (s, len, p, &next_reply, &next_status)) > 0)
        {
          if (!continued || next_reply != reply || g_strcmp0 (next_status, entry->status) != 0)
            break;
          continued = s[p + 3] == '-';
          g_string_append_len (text, s + text_start, p - text_start);
          g_string_append_c (text, ' ');
          p = text_start = q;
          continue;
        }
      p++;
    }
  g_string_append_len (text, s + text_start, p - text_start);
  set_once (&entry->text, collapse_space (text->str, text->len));

  while (p < len)
    {
      gsize q = p;
      gsize close;

      while (q < len && g_ascii_isspace (s[q]))
        q++;
      if (q >= len || s[q] != '[')
        break;
      close = match_bracket (s, len, q);
      handle_field (entry, s + q + 1, close - q - 1);
      p = close < len ? close + 1 : len;
    }

  tidy_text (entry);
  g_free (entry->raw);
  entry->raw = mfd_text_sanitize (s, p, MAX_FIELD_CHARS);
  return p;
}

/* Parse state */

static gboolean
parse_is_full (Parse *parse)
{
  return parse->entries->len >= MFD_NDR_MAX_ENTRIES;
}

static void
add_recipient (GPtrArray  *recipients,
               const char *address)
{
  for (guint i = 0; i < recipients->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (recipients, i), address) == 0)
      return;
  if (recipients->len < 100)
    g_ptr_array_add (recipients, g_strdup (address));
}

/* Message trace: Reason: [{LED=…};{MSG=…};{FQDN=…};{IP=…};{LRT=…}] */
static gsize
parse_trace (Parse      *parse,
             const char *s,
             gsize       len)
{
  g_autoptr(MfdNdrEntry) entry = entry_new (MFD_NDR_SOURCE_MESSAGE_TRACE);
  gsize p = 0;
  gboolean have_reply = FALSE;

  while (p < len)
    {
      gsize key_start, key_end, value_start, value_end;
      gsize depth = 0;

      while (p < len && (g_ascii_isspace (s[p]) || s[p] == ';'))
        p++;
      if (p >= len || s[p] != '{')
        break;
      key_start = ++p;
      while (p < len && g_ascii_isalnum (s[p]))
        p++;
      if (p >= len || s[p] != '=')
        break;
      key_end = p++;
      value_start = p;
      /* The value ends at the '}' outside any bracket of the queue string. */
      while (p < len && !(s[p] == '}' && depth == 0))
        {
          if (s[p] == '[')
            depth++;
          else if (s[p] == ']' && depth > 0)
            depth--;
          p++;
        }
      value_end = p;
      if (p < len)
        p++;

      if (name_is (s + key_start, key_end - key_start, "LED"))
        {
          for (gsize i = value_start; i < value_end; i++)
            if ((s[i] == '4' || s[i] == '5') && match_code (s, value_end, i, NULL, NULL) > 0)
              {
                have_reply = parse_reply (entry, s + i, value_end - i) > 0;
                break;
              }
        }
      else if (name_is (s + key_start, key_end - key_start, "MSG"))
        set_once (&entry->message, collapse_space (s + value_start, value_end - value_start));
      else if (name_is (s + key_start, key_end - key_start, "FQDN"))
        {
          char *host = strip_space (s + value_start, value_end - value_start);

          if (host != NULL && looks_like_host (host, strlen (host)))
            set_once (&entry->server, host);
          else
            g_free (host);
        }
      else if (name_is (s + key_start, key_end - key_start, "IP"))
        {
          g_autofree char *ip = strip_space (s + value_start, value_end - value_start);

          set_ip_port (entry, ip, FALSE);
        }
      else if (name_is (s + key_start, key_end - key_start, "LRT"))
        {
          GDateTime *when = parse_datetime (s + value_start, value_end - value_start);

          if (when != NULL && entry->timestamp == NULL)
            entry->timestamp = when;
          else if (when != NULL)
            g_date_time_unref (when);
        }
    }

  if (have_reply && !parse_is_full (parse))
    {
      g_free (entry->raw);
      entry->raw = mfd_text_sanitize (s, p, MAX_FIELD_CHARS);
      g_ptr_array_add (parse->entries, g_steal_pointer (&entry));
    }
  return MAX (p, 1);
}

/* What precedes a quoted reply on an NDR history line:
 * "3/5/2025 1:05:11 AM - Server at mail.contoso.com (203.0.113.25) returned"
 * (or its Japanese wording): the host and address right before the reply,
 * the time at the start of the line. */
static void
parse_history_prefix (MfdNdrEntry *entry,
                      const char  *s,
                      gsize        len)
{
  const char *dash;
  const char *at;
  gsize close = len;
  gsize open;

  dash = g_strstr_len (s, MIN (len, 40), " - ");
  if (dash != NULL && entry->timestamp == NULL)
    entry->timestamp = parse_datetime (s, dash - s);

  while (close > 0 && s[close - 1] != ')')
    close--;
  if (close > 0)
    {
      close--;
      open = close;
      while (open > 0 && s[open] != '(')
        open--;
      if (s[open] == '(')
        {
          g_autofree char *ip = strip_space (s + open + 1, close - open - 1);
          gsize host_end = open;
          gsize host_start;

          set_ip_port (entry, ip, FALSE);
          while (host_end > 0 && g_ascii_isspace (s[host_end - 1]))
            host_end--;
          host_start = host_end;
          while (host_start > 0 && !g_ascii_isspace (s[host_start - 1]))
            host_start--;
          if (entry->ip != NULL && looks_like_host (s + host_start, host_end - host_start))
            set_once (&entry->server, g_strndup (s + host_start, host_end - host_start));
        }
    }

  if (entry->server == NULL && (at = g_strstr_len (s, len, "Server at ")) != NULL)
    {
      const char *host = at + strlen ("Server at ");
      gsize n = 0;

      while (host + n < s + len && !g_ascii_isspace (host[n]))
        n++;
      if (looks_like_host (host, n))
        entry->server = g_strndup (host, n);
    }
}

static gboolean
is_email_line (const char *s,
               gsize       len,
               char      **address)
{
  gsize start = 0, end = len;
  gsize at = 0;
  guint n_at = 0;

  while (start < end && g_ascii_isspace (s[start]))
    start++;
  while (end > start && g_ascii_isspace (s[end - 1]))
    end--;
  if (end - start > 2 && s[start] == '<' && s[end - 1] == '>')
    start++, end--;
  if (end - start < 3 || end - start > 254)
    return FALSE;
  for (gsize i = start; i < end; i++)
    {
      if (s[i] == '@')
        n_at++, at = i;
      else if (g_ascii_isspace (s[i]) || s[i] == '<' || s[i] == '>' || s[i] == '(' || s[i] == ':')
        return FALSE;
    }
  if (n_at != 1 || at == start || !looks_like_host (s + at + 1, end - at - 1))
    return FALSE;
  *address = mfd_text_sanitize (s + start, end - start, 254);
  return TRUE;
}

/* @needle in the first @len bytes of @s. The text is normalized (no NUL),
 * so this is g_strstr_len(); memchr() finds candidates far faster on the
 * long lines of a big paste. */
static const char *
find_in (const char *s,
         gsize       len,
         const char *needle)
{
  gsize n = strlen (needle);
  const char *end = s + len;
  const char *p = s;

  while ((gsize) (end - p) >= n && (p = memchr (p, needle[0], end - p - n + 1)) != NULL)
    {
      if (memcmp (p, needle, n) == 0)
        return p;
      p++;
    }
  return NULL;
}

static gboolean
line_has_any (const char          *s,
              gsize                len,
              const char * const  *needles,
              gsize                n)
{
  for (gsize i = 0; i < n; i++)
    if (find_in (s, len, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* "Generating server: HOST" names the EOP machine that wrote the NDR: its
 * reporting server. */
static char *
find_generating_server (const char *s,
                        gsize       len)
{
  static const char * const labels[] = { "Generating server:", "生成サーバー:" };

  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      const char *label = g_strstr_len (s, len, labels[i]);
      const char *host;
      gsize n = 0;

      if (label == NULL)
        continue;
      host = label + strlen (labels[i]);
      while (host < s + len && g_ascii_isspace (*host))
        host++;
      while (host + n < s + len && !g_ascii_isspace (host[n]))
        n++;
      if (looks_like_host (host, n))
        return g_strndup (host, n);
    }
  return NULL;
}

/* Hints from other servers' bounces */

/* Only the start of a line is searched for hints: the forms below are
 * short, and a huge line must not cost more than a glance. */
#define HINT_SPAN 1024

/* The host name ending right before @end (white space skipped), without a
 * trailing root dot: "mx.fabrikam.com" of "host mx.fabrikam.com [". */
static char *
host_before (const char *s,
             gsize       end)
{
  gsize start;

  while (end > 0 && s[end - 1] == ' ')
    end--;
  if (end > 0 && s[end - 1] == '.')
    end--;
  start = end;
  while (start > 0 && end - start < 253 &&
         (g_ascii_isalnum (s[start - 1]) || s[start - 1] == '.' || s[start - 1] == '-' || s[start - 1] == '_'))
    start--;
  if (!looks_like_host (s + start, end - start) || is_ip_literal_len (s + start, end - start))
    return NULL;
  return g_strndup (s + start, end - start);
}

/* An IP address literal of at most 45 characters at @i, up to a character
 * that cannot be part of one; "IPv6:" before it is skipped. */
static char *
ip_at (const char *s,
       gsize       len,
       gsize       i,
       gsize      *end)
{
  gsize p;

  if (len - i > 5 && g_ascii_strncasecmp (s + i, "IPv6:", 5) == 0)
    i += 5;
  p = i;
  while (p < len && p - i < 46 && (g_ascii_isxdigit (s[p]) || s[p] == '.' || s[p] == ':'))
    p++;
  /* "198.51.100.7:" before the reason in Gmail's form. */
  while (p > i && (s[p - 1] == ':' || s[p - 1] == '.'))
    p--;
  if (p == i || !is_ip_literal_len (s + i, p - i))
    return NULL;
  *end = p;
  return g_strndup (s + i, p - i);
}

/* Where another server's bounce names the destination on a line:
 * "host mx.fabrikam.com [198.51.100.7]" (Exim), "mx.fabrikam.com[198.51.100.7]
 * said:" (Postfix), "host: mx.fabrikam.com (198.51.100.7)" (GMX),
 * "[mx.fabrikam.com. 198.51.100.7: …]" (Gmail), "Connected to 198.51.100.7
 * but …" and "198.51.100.7 does not like recipient." (qmail), "… while
 * talking to mx.fabrikam.com.:" (Sendmail). Returns whether it found one. */
static gboolean
find_host_ip (const char  *s,
              gsize        len,
              char       **host,
              char       **ip)
{
  const char *at;

  len = MIN (len, HINT_SPAN);
  *host = *ip = NULL;
  if (len >= 9 && g_ascii_strncasecmp (s, "Received:", 9) == 0)
    return FALSE;

  for (gsize i = 0; i + 1 < len; i++)
    {
      gsize end = 0;
      char close;

      if (s[i] == '[')
        close = ']';
      else if (s[i] == '(')
        close = ')';
      else
        continue;

      *ip = ip_at (s, len, i + 1, &end);
      if (*ip != NULL && end < len && s[end] == close)
        {
          *host = host_before (s, i);
          return TRUE;
        }
      g_clear_pointer (ip, g_free);

      /* "[mx.fabrikam.com. 198.51.100.7: timed out]" */
      if (close == ']')
        {
          gsize h = i + 1;

          while (h < len && h - i < 254 && (g_ascii_isalnum (s[h]) || s[h] == '.' || s[h] == '-'))
            h++;
          if (h < len && s[h] == ' ' && (*ip = ip_at (s, len, h + 1, &end)) != NULL &&
              end < len && s[end] == ':')
            {
              *host = host_before (s, h);
              if (*host != NULL)
                return TRUE;
            }
          g_clear_pointer (ip, g_free);
        }
    }

  if ((at = find_in (s, len, "Connected to ")) != NULL)
    {
      gsize end;

      *ip = ip_at (s, len, at + strlen ("Connected to ") - s, &end);
      if (*ip != NULL)
        return TRUE;
    }
  if (len > 7 && g_ascii_isdigit (s[0]) && (at = find_in (s, len, " does not like ")) != NULL)
    {
      gsize end;

      *ip = ip_at (s, len, 0, &end);
      if (*ip != NULL && s + end == at)
        return TRUE;
      g_clear_pointer (ip, g_free);
    }
  if ((at = find_in (s, len, "while talking to ")) != NULL)
    {
      gsize start = at + strlen ("while talking to ") - s;
      gsize end = start;

      while (end < len && !g_ascii_isspace (s[end]) && s[end] != ':')
        end++;
      *host = host_before (s, end);
      if (*host != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Words with which the bounces of the servers we know begin or explain
 * themselves: once one is seen, a status or reply code standing alone at
 * the start of a line is read as the error. Lower case. */
static const char * const bounce_phrases[] = {
  "could not be delivered", "couldn't be delivered", "undeliverable", "delivery has failed",
  "delivery failed", "mail delivery", "permanent error", "permanent fatal error",
  "failed permanently", "returned mail", "transcript of session", "remote host said",
  "smtp error", "delivery status notification", "not delivered", "unable to deliver",
  "was not delivered", "delivery to the following", "could not deliver", "message not delivered",
  "address rejected", "qmail-send", "error from remote", "the response was", "the response from",
  "has not yet been delivered", "delivery report", "mailer-daemon", "postmaster",
  "配信できません", "配送できません", "届けることができません", "送信できません", "宛先不明",
};

/* "will keep trying" and its kin: the text is a delay notice. */
static const char * const delay_phrases[] = {
  "will keep trying", "will continue to try", "will retry", "has not yet been delivered",
  "delivery attempts will continue", "still trying", "delay reason", "is delayed",
  "has been delayed", "no action is required", "再試行します", "配信が遅延",
};

static gboolean
phrase_in (const char         *s,
           gsize               len,
           const char * const *phrases,
           gsize               n)
{
  g_autofree char *lower = g_ascii_strdown (s, MIN (len, HINT_SPAN));

  return line_has_any (lower, strlen (lower), phrases, n);
}

/* Whether a line carries a reply of its own (then a host on it is that
 * reply's). */
static gboolean
line_has_code (const char *s,
               gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if ((s[i] == '4' || s[i] == '5' || s[i] == '2') && match_code (s, len, i, NULL, NULL) > 0)
      return TRUE;
  return FALSE;
}

static void
hint_clear (Parse *parse)
{
  g_clear_pointer (&parse->hint_server, g_free);
  g_clear_pointer (&parse->hint_ip, g_free);
  g_clear_pointer (&parse->hint_recipient, g_free);
  parse->last_entry = NULL;
}

/* Reads what a line of a bounce says before its error. */
static void
hint_scan (Parse      *parse,
           const char *s,
           gsize       len)
{
  char *host = NULL;
  char *ip = NULL;

  if (!parse->bounce_seen && phrase_in (s, len, bounce_phrases, G_N_ELEMENTS (bounce_phrases)))
    parse->bounce_seen = TRUE;
  if (!parse->delay_notice && phrase_in (s, len, delay_phrases, G_N_ELEMENTS (delay_phrases)))
    parse->delay_notice = TRUE;
  if (find_host_ip (s, len, &host, &ip))
    {
      g_free (parse->hint_server);
      g_free (parse->hint_ip);
      parse->hint_server = host;
      parse->hint_ip = ip;
      /* "Reason: 550 5.1.1 …" then "Remote server: HOST (IP)": the server
       * named right after an error of a bounce is its server. */
      if (parse->last_entry != NULL && parse->last_entry->server == NULL && parse->last_entry->ip == NULL &&
          parse->last_entry->source == MFD_NDR_SOURCE_NDR && !line_has_code (s, MIN (len, HINT_SPAN)))
        {
          parse->last_entry->server = g_strdup (host);
          parse->last_entry->ip = g_strdup (ip);
        }
    }
}

/* "<bob@fabrikam.com>:" or "bob@fabrikam.com" alone on a line, or
 * "<bob@fabrikam.com>: host …" (Postfix): the recipient the following
 * error is about. */
static void
hint_recipient_scan (Parse      *parse,
                     const char *s,
                     gsize       len)
{
  g_autofree char *address = NULL;
  gsize start = 0;
  gsize end = len;

  while (start < len && g_ascii_isspace (s[start]))
    start++;
  if (start < len && s[start] == '<')
    {
      const char *close = memchr (s + start, '>', MIN (len - start, 256));

      if (close != NULL && close + 1 < s + len && close[1] == ':')
        end = close + 1 - s;
    }
  while (end > start && g_ascii_isspace (s[end - 1]))
    end--;
  if (end > start && s[end - 1] == ':')
    end--;
  if (is_email_line (s + start, end - start, &address))
    {
      g_free (parse->hint_recipient);
      parse->hint_recipient = g_steal_pointer (&address);
      parse->bounce_seen = TRUE;
      /* A new recipient's block names its own server. */
      g_clear_pointer (&parse->hint_server, g_free);
      g_clear_pointer (&parse->hint_ip, g_free);
      parse->last_entry = NULL;
    }
}

/* An entry read from a bounce takes the destination and recipient that the
 * lines before it named, when it names none itself. */
static void
apply_hints (Parse       *parse,
             MfdNdrEntry *entry)
{
  if (entry->server == NULL && entry->ip == NULL)
    {
      entry->server = g_strdup (parse->hint_server);
      entry->ip = g_strdup (parse->hint_ip);
    }
  if (entry->recipients == NULL && parse->hint_recipient != NULL && !parse->in_diagnostics)
    {
      char *one[2] = { parse->hint_recipient, NULL };

      entry->recipients = g_strdupv (one);
    }
}

/* The quote that opens the reply ending at @len: right before the code,
 * or before an old-style "< #5.4.316 smtp;" wrapper; an apostrophe in
 * the prose earlier on the line is not one. */
static const char *
find_opening_quote (const char *s,
                    gsize       len)
{
  gsize k = len;

  while (k > 0 && s[k - 1] == ' ')
    k--;
  if (k > 0 && s[k - 1] == '\'')
    return s + k - 1;

  for (gsize n = 0; k > 0 && n < 32; k--, n++)
    if (s[k - 1] == '<')
      {
        gsize q = k - 1;

        while (q > 0 && s[q - 1] == ' ')
          q--;
        return q > 0 && s[q - 1] == '\'' ? s + q - 1 : NULL;
      }
  return NULL;
}

/* One logical line (physical lines joined where a paste broke a field). */
static void
scan_line (Parse      *parse,
           const char *s,
           gsize       len)
{
  g_autofree char *address = NULL;
  gsize prev_end = 0;
  gsize i = 0;

  gboolean transcript;
  gsize lead = 0;

  if (line_has_any (s, len, diagnostics_open, G_N_ELEMENTS (diagnostics_open)))
    parse->in_diagnostics = TRUE;
  else if (line_has_any (s, len, diagnostics_close, G_N_ELEMENTS (diagnostics_close)))
    {
      parse->in_diagnostics = FALSE;
      parse->in_returned = TRUE;
    }
  else if (parse->in_diagnostics && is_email_line (s, len, &address))
    {
      add_recipient (parse->recipients, address);
      return;
    }
  else if (parse->in_diagnostics && parse->generating == NULL)
    parse->generating = find_generating_server (s, len);

  /* What follows names the sender's own machines and addresses. */
  if (!parse->in_returned && line_has_any (s, MIN (len, HINT_SPAN), returned_markers, G_N_ELEMENTS (returned_markers)))
    parse->in_returned = TRUE;
  if (parse->in_returned)
    hint_clear (parse);
  else
    {
      if (!parse->in_diagnostics)
        hint_recipient_scan (parse, s, len);
      hint_scan (parse, s, len);
    }

  while (lead < len && (s[lead] == ' ' || s[lead] == '\t' || s[lead] == '>'))
    lead++;
  if (find_in (s, MIN (len, HINT_SPAN), "ranscript of session follows") != NULL)
    parse->in_transcript = TRUE;
  transcript = parse->in_transcript || (len - lead >= 3 && strncmp (s + lead, "<<<", 3) == 0);
  if (transcript)
    parse->bounce_seen = TRUE;

  while (i < len && !parse_is_full (parse))
    {
      const char *quote;
      gsize end = len;
      gsize taken;
      gsize words;
      g_autoptr(MfdNdrEntry) entry = NULL;

      /* Most of a line is prose: skip to what may start a trace or a code. */
      while (i < len && s[i] != '{' && s[i] != '4' && s[i] != '5' && s[i] != '2' && s[i] != '#')
        i++;
      if (i == len)
        break;

      if (s[i] == '{' && len - i > 5 && strncmp (s + i, "{LED=", 5) == 0)
        {
          i += parse_trace (parse, s + i, len - i);
          prev_end = i;
          continue;
        }

      /* "(#5.1.1)" (qmail), "<ex03.contoso.com #5.1.1>" (Exchange 2003),
       * unless an old wrapper's "#5.4.316 smtp;550 5.4.316 …" follows. */
      if (s[i] == '#' && i + 1 < len && (taken = match_status (s, len, i + 1)) > 0 &&
          !(len - taken > 6 && g_ascii_strncasecmp (s + taken + (s[taken] == ' '), "smtp;", 5) == 0))
        {
          gsize text_start = prev_end;
          gsize text_end = i;

          entry = entry_new (MFD_NDR_SOURCE_NDR);
          entry->status = g_strndup (s + i + 1, taken - i - 1);
          if (i > 0 && s[i - 1] == '(')
            text_end = i - 1;
          else
            for (gsize k = i; k > prev_end; k--)
              if (s[k - 1] == '<')
                {
                  text_start = text_end = k - 1;
                  break;
                }
          while (text_start < text_end && (g_ascii_isspace (s[text_start]) || s[text_start] == ':'))
            text_start++;
          entry->text = collapse_space (s + text_start, text_end - text_start);
          entry->raw = mfd_text_sanitize (s + prev_end, MIN (len, taken + 1) - prev_end, MAX_FIELD_CHARS);
          apply_hints (parse, entry);
          i = prev_end = MIN (len, taken + 1);
          parse->last_entry = entry;
          g_ptr_array_add (parse->entries, g_steal_pointer (&entry));
          continue;
        }
      if (s[i] == '#')
        {
          i++;
          continue;
        }

      if (match_code (s, len, i, NULL, NULL) == 0)
        {
          gboolean at_start = i == lead || (transcript && i == lead + 3 + (lead + 3 < len && s[lead + 3] == ' '));
          gboolean likely_bounce = parse->bounce_seen || parse->entries->len > 0;
          char before = 0;

          for (gsize k = i; k > prev_end && before == 0; k--)
            if (s[k - 1] != ' ')
              before = s[k - 1];

          /* "5.2.2 <bob@fabrikam.com>... Mailbox Full" opening a line of a
           * bounce (Exim's next-line form). */
          if ((at_start || before == ':') && likely_bounce && (taken = match_status (s, len, i)) > 0 &&
              taken < len && s[taken] == ' ' && !g_ascii_isdigit (s[MIN (taken + 1, len - 1)]))
            {
              entry = entry_new (MFD_NDR_SOURCE_NDR);
              entry->status = g_strndup (s + i, taken - i);
              entry->text = collapse_space (s + taken, len - taken);
              tidy_text (entry);
            }
          /* "said: 550 User unknown", "<<< 550 …", "554: delivery error",
           * or a reply alone at the start of a bounce's line: the code
           * without an enhanced status. */
          else if (s[i] != '2' && (words = match_bare_reply (s, len, i)) > 0 &&
                   (before == ':' || before == ';' || before == '\'' || before == '#' ||
                    (at_start && likely_bounce)))
            {
              gsize status_end = match_status (s, len, words);

              entry = entry_new (MFD_NDR_SOURCE_NDR);
              entry->reply = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
              if (status_end > 0 && (s[words] == '2') == (s[i] == '2'))
                {
                  entry->status = g_strndup (s + words, status_end - words);
                  words = status_end;
                }
              entry->text = collapse_space (s + words, len - words);
              tidy_text (entry);
            }
          if (entry == NULL)
            {
              i++;
              continue;
            }
          entry->raw = mfd_text_sanitize (s + lead, len - lead, MAX_FIELD_CHARS);
          if (transcript)
            entry->flags |= ENTRY_TRANSCRIPT;
          apply_hints (parse, entry);
          i = prev_end = len;
          parse->last_entry = entry;
          g_ptr_array_add (parse->entries, g_steal_pointer (&entry));
          continue;
        }

      /* A reply quoted on an NDR line ends at its closing quote; what comes
       * before the quote says who returned it and when. */
      quote = find_opening_quote (s + prev_end, i - prev_end);
      if (quote != NULL)
        {
          const char *close = memchr (s + i, '\'', len - i);

          entry = entry_new (MFD_NDR_SOURCE_NDR);
          if (close != NULL)
            end = close - s;
          parse_history_prefix (entry, s + prev_end, quote - (s + prev_end));
        }
      else
        entry = entry_new (MFD_NDR_SOURCE_QUEUE);

      /* "mx.fabrikam.com #550 5.1.1 … ##" (Exchange 2007–2019): the host
       * before the '#' is the server that answered. */
      if (quote == NULL && i > 1 && s[i - 1] == '#' && s[i - 2] == ' ')
        {
          g_autofree char *host = host_before (s, i - 2);

          if (host != NULL && (gsize) (i - 2) - strlen (host) >= prev_end)
            entry->server = g_steal_pointer (&host);
        }
      taken = parse_reply (entry, s + i, end - i);
      i += MAX (taken, 1);
      if (quote != NULL && end < len)
        i = end + 1;
      prev_end = i;
      if (transcript)
        entry->flags |= ENTRY_TRANSCRIPT;
      /* A reply in a bounce, not an EOP queue string with its fields. */
      if (quote == NULL && parse->bounce_seen && entry->server == NULL && entry->ip == NULL &&
          entry->reporting_server == NULL)
        entry->source = MFD_NDR_SOURCE_NDR;
      apply_hints (parse, entry);
      parse->last_entry = entry;
      g_ptr_array_add (parse->entries, g_steal_pointer (&entry));
    }
}

/* Delivery-status fields */

static gboolean
is_dsn_field_line (const char *s,
                   gsize       len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (dsn_fields); i++)
    {
      gsize n = strlen (dsn_fields[i]);
      gsize p = n;

      if (len <= n || g_ascii_strncasecmp (s, dsn_fields[i], n) != 0)
        continue;
      while (p < len && (s[p] == ' ' || s[p] == '\t'))
        p++;
      if (p < len && s[p] == ':')
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_header_line (const char *s,
                gsize       len)
{
  gsize i = 0;

  while (i < len && (g_ascii_isalnum (s[i]) || s[i] == '-'))
    i++;
  return i > 0 && i < len && s[i] == ':';
}

/* "rfc822; user@fabrikam.com" -> "user@fabrikam.com" */
static const char *
after_type (const char *value)
{
  const char *semi = strchr (value, ';');

  value = semi != NULL ? semi + 1 : value;
  while (g_ascii_isspace (*value))
    value++;
  return value;
}

static gboolean
block_has_field (const char *block,
                 gsize       len,
                 const char *name)
{
  gsize n = strlen (name);

  for (gsize pos = 0; pos < len; pos = line_end (block, len, pos) + 1)
    if (len - pos > n && g_ascii_strncasecmp (block + pos, name, n) == 0 &&
        (block[pos + n] == ':' || block[pos + n] == ' ' || block[pos + n] == '\t'))
      return TRUE;
  return FALSE;
}

/* One group of RFC 3464 fields; GMime reads them (case-insensitive names,
 * folded lines, RFC 2047 words in X-Display-Name). */
static gboolean
parse_dsn_group (Parse      *parse,
                 const char *block,
                 gsize       len)
{
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeObject *object;
  g_autoptr(MfdNdrEntry) entry = entry_new (MFD_NDR_SOURCE_DELIVERY_STATUS);
  g_autofree char *terminated = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *display = NULL;
  g_autofree char *status = NULL;
  g_autofree char *diag_host = NULL;
  g_autofree char *diag_ip = NULL;
  gboolean have_error = FALSE;
  gboolean delayed = FALSE;
  GMimeHeaderList *headers;

  /* Only these fields carry anything we keep from a group; without them
   * the lines are read as ordinary text, cheaply. */
  if (!block_has_field (block, len, "Status") && !block_has_field (block, len, "Diagnostic-Code") &&
      !block_has_field (block, len, "Reporting-MTA"))
    return FALSE;

  ensure_gmime ();
  /* A blank line ends the header block for GMime. */
  terminated = g_strdup_printf ("%.*s\n\n", (int) len, block);
  stream = g_mime_stream_mem_new_with_buffer (terminated, strlen (terminated));
  parser = g_mime_parser_new_with_stream (stream);
  object = g_mime_parser_construct_part (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  if (object == NULL)
    return FALSE;
  headers = g_mime_object_get_header_list (object);

  for (int i = 0; i < g_mime_header_list_get_count (headers); i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
      const char *name = g_mime_header_get_name (header);
      const char *raw_value = g_mime_header_get_value (header);
      g_autofree char *value = NULL;

      if (name == NULL || raw_value == NULL)
        continue;
      value = collapse_space (raw_value, strlen (raw_value));
      if (value == NULL)
        continue;

      if (g_ascii_strcasecmp (name, "Reporting-MTA") == 0)
        {
          g_free (parse->reporting_mta);
          parse->reporting_mta = g_strdup (after_type (value));
        }
      else if (g_ascii_strcasecmp (name, "Final-Recipient") == 0)
        set_once (&recipient, g_strdup (after_type (value)));
      else if (g_ascii_strcasecmp (name, "X-Display-Name") == 0)
        set_once (&display, g_strdup (value));
      else if (g_ascii_strcasecmp (name, "Status") == 0)
        {
          g_autofree char *copy = g_strdup (value);
          char *space = strpbrk (copy, " \t(");

          if (space != NULL)
            *space = '\0';
          if (is_error_status (copy))
            {
              set_once (&status, g_strdup (copy));
              have_error = TRUE;
            }
        }
      else if (g_ascii_strcasecmp (name, "Action") == 0)
        delayed = g_ascii_strncasecmp (value, "delayed", 7) == 0;
      else if (g_ascii_strcasecmp (name, "Remote-MTA") == 0)
        {
          g_autofree char *host = g_strdup (after_type (value));
          gsize n = strlen (host);
          char *space = strchr (host, ' ');

          /* "mx.fabrikam.com. [198.51.100.7]" */
          if (space != NULL && looks_like_host (host, space - host))
            {
              while (*space == ' ')
                space++;
              if (*space == '[' || *space == '(')
                {
                  gsize ip_end;
                  g_autofree char *ip = ip_at (space, strlen (space), 1, &ip_end);

                  set_ip_port (entry, ip, FALSE);
                }
              host[strcspn (host, " ")] = '\0';
              n = strlen (host);
            }
          if (n > 1 && host[n - 1] == '.')
            host[--n] = '\0';

          if (n > 2 && host[0] == '[' && host[n - 1] == ']')
            {
              host[n - 1] = '\0';
              set_ip_port (entry, host + 1, FALSE);
            }
          else if (is_ip_literal (host))
            set_ip_port (entry, host, FALSE);
          else if (looks_like_host (host, n))
            set_once (&entry->server, g_steal_pointer (&host));
        }
      else if (g_ascii_strcasecmp (name, "Diagnostic-Code") == 0)
        {
          const char *diag = after_type (value);
          gsize n = strlen (diag);
          gboolean parsed = FALSE;

          for (gsize k = 0; k < n && !parsed; k++)
            if ((diag[k] == '2' || diag[k] == '4' || diag[k] == '5') && match_code (diag, n, k, NULL, NULL) > 0)
              parsed = parse_reply (entry, diag + k, n - k) > 0;
          /* "smtp; 550 User unknown", "X-Postfix; … said: 550 …": a reply
           * code without an enhanced status. */
          for (gsize k = 0; k < n && !parsed; k++)
            {
              gsize words;

              if ((diag[k] == '4' || diag[k] == '5') && (words = match_bare_reply (diag, n, k)) > 0)
                {
                  entry->reply = (diag[k] - '0') * 100 + (diag[k + 1] - '0') * 10 + (diag[k + 2] - '0');
                  set_once (&entry->text, collapse_space (diag + words, n - words));
                  tidy_text (entry);
                  parsed = TRUE;
                }
            }
          if (!parsed)
            set_once (&entry->text, g_strdup (diag));
          if (diag_host == NULL && diag_ip == NULL)
            find_host_ip (diag, n, &diag_host, &diag_ip);
          have_error = TRUE;
        }
      else if (g_ascii_strcasecmp (name, "Last-Attempt-Date") == 0 && entry->timestamp == NULL)
        entry->timestamp = parse_rfc822_date (value);
    }
  g_object_unref (object);

  if (!have_error || parse_is_full (parse))
    return FALSE;
  /* Status is the report's word for the recipient; a Diagnostic-Code that
   * names the same class more exactly ("Status: 5.0.0" beside "550 5.7.1")
   * says more. */
  if (status != NULL && (entry->status == NULL || !status_is_generic (status) ||
                         entry->status[0] != status[0] || status_is_generic (entry->status)))
    {
      g_free (entry->status);
      entry->status = g_steal_pointer (&status);
    }
  if (entry->status == NULL && entry->reply == 0)
    return FALSE;
  if (entry->server == NULL && entry->ip == NULL)
    {
      entry->server = g_steal_pointer (&diag_host);
      entry->ip = g_steal_pointer (&diag_ip);
    }
  entry->delayed = delayed;
  if (delayed)
    entry->flags |= ENTRY_DSN_DELAYED;
  if (recipient != NULL)
    {
      char *one[2] = { NULL, NULL };

      one[0] = display != NULL && !g_str_equal (display, recipient)
               ? g_strdup_printf ("%s <%s>", display, recipient)
               : g_strdup (recipient);
      entry->recipients = g_strdupv (one);
      g_free (one[0]);
    }
  if (entry->reporting_server == NULL)
    entry->reporting_server = g_strdup (parse->reporting_mta);
  if (entry->raw == NULL)
    entry->raw = mfd_text_sanitize (block, len, MAX_FIELD_CHARS);
  g_ptr_array_add (parse->entries, g_steal_pointer (&entry));
  return TRUE;
}

/* Text */

/* What a logical line leaves open: a bracket, or an NDR quote, meaning a
 * mail client wrapped it and the next line continues the same field. Kept
 * up to date piece by piece so joining stays linear. */
typedef struct
{
  gsize    depth;
  gboolean quote;
  gboolean code;
} OpenState;

static void
open_state_feed (OpenState  *state,
                 const char *s,
                 gsize       len)
{
  const char *returned;

  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '[')
        state->depth++;
      else if (s[i] == ']' && state->depth > 0)
        state->depth--;
      else if (s[i] == '\'' && state->quote)
        state->quote = FALSE;
      else if (!state->code && (s[i] == '4' || s[i] == '5') && match_code (s, len, i, NULL, NULL) > 0)
        state->code = TRUE;
    }

  returned = find_in (s, len, "returned '");
  if (returned == NULL)
    returned = find_in (s, len, "から '");
  if (returned != NULL)
    {
      const char *q = strchr (returned, '\'') + 1;

      state->quote = memchr (q, '\'', s + len - q) == NULL;
    }
}

/* Where a wrapped field is joined, a break right after '.', '-', ':' or
 * '=' was inside a name or an address; elsewhere it stood for a space. */
static void
join_line (GString    *logical,
           const char *next,
           gsize       len)
{
  char last = logical->len > 0 ? logical->str[logical->len - 1] : ' ';

  while (len > 0 && (*next == ' ' || *next == '\t'))
    next++, len--;
  if (last != '.' && last != '-' && last != ':' && last != '=' && last != '[' &&
      !(len > 0 && (next[0] == ']' || next[0] == '.')))
    g_string_append_c (logical, ' ');
  g_string_append_len (logical, next, len);
}

/* The reply code of a line that continues a multiline reply ("550-5.1.1
 * …"), or of its last line when @more is given ("550 5.1.1 …": *more
 * FALSE); 0 otherwise. */
static int
multiline_reply (const char *s,
                 gsize       len,
                 gboolean   *more)
{
  gsize q = 0;

  while (q < len && (s[q] == ' ' || s[q] == '\t'))
    q++;
  if (len - q < 5 || !g_ascii_isdigit (s[q]) || !g_ascii_isdigit (s[q + 1]) || !g_ascii_isdigit (s[q + 2]))
    return 0;
  if (s[q + 3] == '-')
    {
      if (more != NULL)
        *more = TRUE;
    }
  else if (more == NULL || s[q + 3] != ' ')
    return 0;
  return (s[q] - '0') * 100 + (s[q + 1] - '0') * 10 + (s[q + 2] - '0');
}

/* Whether a wrapped reply was cut after its reply code or after
 * Postfix's "said:" ("… said: 550" / "5.1.2 Host unknown …" below). */
static gboolean
cut_reply (const char *s,
           gsize       len)
{
  while (len > 0 && s[len - 1] == ' ')
    len--;
  if (len >= 5 && g_str_has_prefix (s + len - 5, "said:"))
    return TRUE;
  return len >= 4 && s[len - 4] == ' ' && (s[len - 3] == '4' || s[len - 3] == '5') &&
         g_ascii_isdigit (s[len - 2]) && g_ascii_isdigit (s[len - 1]);
}

static void
scan_text (Parse      *parse,
           const char *s,
           gsize       len)
{
  gsize pos = 0;
  g_autoptr(GString) logical = g_string_new (NULL);
  OpenState state;
  int multiline;
  gsize indent;
  gboolean wrapped;

  while (pos < len && !parse_is_full (parse))
    {
      gsize end = line_end (s, len, pos);

      /* is_dsn_field_line() allows blanks before the colon and the group
       * below takes header lines only: a line that is the one but not the
       * other ("Status : 5.4.316") made an empty group and no progress. */
      if (is_dsn_field_line (s + pos, end - pos) && is_header_line (s + pos, end - pos))
        {
          gsize block_start = pos;
          guint n_lines = 0;

          /* The group runs to the first blank or non-field line; a real
           * one has a dozen fields, so a flood of field-like lines is cut
           * into bounded groups. */
          while (pos < len && n_lines++ < MAX_DSN_GROUP_LINES)
            {
              gsize e = line_end (s, len, pos);

              if (e == pos || !(is_header_line (s + pos, e - pos) || s[pos] == ' ' || s[pos] == '\t'))
                break;
              pos = e < len ? e + 1 : len;
            }
          /* Field-like lines that carry no delivery error ("Status: 550
           * 5.4.316 …" in prose) are read as ordinary text. */
          if (!parse_dsn_group (parse, s + block_start, pos - block_start))
            for (gsize p = block_start; p < pos && !parse_is_full (parse);)
              {
                gsize e = line_end (s, pos, p);

                scan_line (parse, s + p, e - p);
                p = e + 1;
              }
          continue;
        }

      g_string_assign (logical, "");
      g_string_append_len (logical, s + pos, end - pos);
      state = (OpenState) { 0 };
      open_state_feed (&state, s + pos, end - pos);
      if (end == pos)
        parse->in_transcript = FALSE;
      multiline = multiline_reply (s + pos, end - pos, NULL);
      for (indent = 0; pos + indent < end && (s[pos + indent] == ' ' || s[pos + indent] == '\t');)
        indent++;
      wrapped = FALSE;
      pos = end < len ? end + 1 : len;

      while (pos < len && logical->len < MAX_JOINED_LINE)
        {
          gsize next_end = line_end (s, len, pos);
          gsize q = pos;
          gboolean open = state.depth > 0 || state.quote;
          gboolean more = FALSE;

          while (q < next_end && (s[q] == ' ' || s[q] == '\t'))
            q++;
          /* The next line of a multiline reply ("550-5.1.1 …" then
           * "550 5.1.1 …") belongs to it. */
          if (!open && multiline != 0 && multiline_reply (s + pos, next_end - pos, &more) == multiline)
            {
              g_string_append_c (logical, ' ');
              g_string_append_len (logical, s + q, next_end - q);
              open_state_feed (&state, s + pos, next_end - pos);
              pos = next_end < len ? next_end + 1 : len;
              if (!more)
                break;
              continue;
            }
          /* A reply that a bounce wrapped onto lines indented deeper than
           * its first (Postfix's "<bob@fabrikam.com>: host … said: 550
           * 5.1.1" and the lines under it) is one reply. */
          if (!open && (state.code || wrapped || cut_reply (logical->str, logical->len)) && q < next_end &&
              q - pos > indent && !is_dsn_field_line (s + q, next_end - q))
            {
              wrapped = TRUE;
              join_line (logical, s + pos, next_end - pos);
              open_state_feed (&state, s + pos, next_end - pos);
              pos = next_end < len ? next_end + 1 : len;
              continue;
            }
          /* A line opening with '[' continues a queue string's fields. */
          if (!open && !(q < next_end && s[q] == '[' && state.code))
            break;
          if (open && is_dsn_field_line (s + pos, next_end - pos))
            break;
          join_line (logical, s + pos, next_end - pos);
          open_state_feed (&state, s + pos, next_end - pos);
          pos = next_end < len ? next_end + 1 : len;
        }

      scan_line (parse, logical->str, logical->len);
    }
}

/* Makes the input one valid UTF-8 string with "\n" line ends and no control
 * characters, so every later step can use ordinary string functions. */
static char *
normalize_text (const char *data,
                gsize       len)
{
  char *valid = g_utf8_make_valid (data, len);
  char *out = valid;

  /* In place: the text only ever gets shorter. */
  for (const char *p = valid; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\r')
        {
          if (p[1] != '\n')
            *out++ = '\n';
          continue;
        }
      if (c < 0x20 && c != '\n' && c != '\t')
        continue;
      if (c == 0x7f)
        continue;
      *out++ = *p;
    }
  *out = '\0';
  return valid;
}

/* Messages */

/* A whole message (.eml) begins with header fields and names at least one of
 * the fields every message has. */
static gboolean
looks_like_message (const char *s,
                    gsize       len)
{
  static const char * const fields[] = {
    "From:", "Date:", "Subject:", "Received:", "Return-Path:", "Message-ID:",
    "MIME-Version:", "Content-Type:", "To:",
  };
  gsize pos = 0;
  guint n_known = 0;

  for (guint line = 0; line < 200 && pos < len; line++)
    {
      gsize end = line_end (s, len, pos);

      if (end == pos || (end == pos + 1 && s[pos] == '\r'))
        break;
      if (s[pos] != ' ' && s[pos] != '\t')
        {
          if (!is_header_line (s + pos, end - pos))
            return FALSE;
          for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
            if (g_ascii_strncasecmp (s + pos, fields[i], strlen (fields[i])) == 0)
              n_known++;
        }
      pos = end < len ? end + 1 : len;
    }
  return n_known >= 2;
}

static char *
part_to_text (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);

  if (GMIME_IS_TEXT_PART (object))
    return g_mime_text_part_get_text (GMIME_TEXT_PART (object));

  if (GMIME_IS_PART (object) && type != NULL &&
      g_mime_content_type_is_type (type, "message", "*"))
    {
      /* message/delivery-status (and message/global-delivery-status, which
       * is UTF-8): decoded from its transfer encoding by GMime. */
      GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (object));
      GMimeStream *mem;
      GByteArray *bytes;
      char *text = NULL;

      if (content == NULL)
        return NULL;
      mem = g_mime_stream_mem_new ();
      if (g_mime_data_wrapper_write_to_stream (content, mem) >= 0)
        {
          bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
          if (bytes != NULL && bytes->len > 0)
            text = g_utf8_make_valid ((const char *) bytes->data, bytes->len);
        }
      g_object_unref (mem);
      return text;
    }
  return NULL;
}

/* A forwarded NDR arrives as a message/rfc822 part of the forward; an
 * NDR's own returned message is one too, so embedded messages are read only
 * when the outer one has no error, and only this deep. */
#define MAX_MESSAGE_DEPTH 3

typedef struct
{
  GPtrArray *texts;          /* (element-type utf8) */
  GPtrArray *messages;       /* (element-type GMimeMessage) embedded messages */
  gboolean   have_plain;
} CollectData;

static void
collect_part (GMimeObject *parent,
              GMimeObject *part,
              gpointer     user_data)
{
  CollectData *data = user_data;
  GMimeContentType *type = g_mime_object_get_content_type (part);
  char *text;

  if (GMIME_IS_MESSAGE_PART (part))
    {
      GMimeMessage *embedded = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));

      if (embedded != NULL)
        g_ptr_array_add (data->messages, g_object_ref (embedded));
      return;
    }
  if (type == NULL || GMIME_IS_MULTIPART (part))
    return;
  /* The returned message's own headers name the sender's machines, never
   * the destination. */
  if (g_mime_content_type_is_type (type, "text", "rfc822-headers"))
    return;
  if (g_mime_content_type_is_type (type, "text", "html"))
    return;
  if (!g_mime_content_type_is_type (type, "text", "*") &&
      !g_mime_content_type_is_type (type, "message", "delivery-status") &&
      !g_mime_content_type_is_type (type, "message", "global-delivery-status"))
    return;

  text = part_to_text (part);
  if (text != NULL)
    {
      if (g_mime_content_type_is_type (type, "text", "plain"))
        data->have_plain = TRUE;
      g_ptr_array_add (data->texts, text);
    }
}

/* The character references an NDR's HTML uses around the quoted reply.
 * Returns how many bytes of @p were read. */
static gsize
append_entity (GString    *out,
               const char *p)
{
  static const struct { const char *name; const char *text; } names[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&apos;", "'" }, { "&nbsp;", " " },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (strncmp (p, names[i].name, strlen (names[i].name)) == 0)
      {
        g_string_append (out, names[i].text);
        return strlen (names[i].name);
      }
  if (p[1] == '#')
    {
      gboolean hex = (p[2] == 'x' || p[2] == 'X');
      const char *q = p + (hex ? 3 : 2);
      guint32 c = 0;
      guint n = 0;

      while (n < 7 && (hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q)))
        {
          c = c * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
          q++, n++;
        }
      if (n > 0 && *q == ';' && g_unichar_validate (c) && c != 0)
        {
          g_string_append_unichar (out, c);
          return q + 1 - p;
        }
    }
  g_string_append_c (out, '&');
  return 1;
}

/* An HTML-only NDR: its text, tags dropped, so the same scanner reads it. */
static void
collect_html (GMimeObject *parent,
              GMimeObject *part,
              gpointer     user_data)
{
  CollectData *data = user_data;
  GMimeContentType *type = g_mime_object_get_content_type (part);
  g_autofree char *html = NULL;
  GString *out;
  gboolean in_tag = FALSE;

  if (type == NULL || !GMIME_IS_TEXT_PART (part) || !g_mime_content_type_is_type (type, "text", "html"))
    return;
  html = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
  if (html == NULL)
    return;

  out = g_string_sized_new (strlen (html));
  for (const char *p = html; *p; p++)
    {
      if (*p == '<')
        {
          in_tag = TRUE;
          if (g_ascii_strncasecmp (p, "<br", 3) == 0 || g_ascii_strncasecmp (p, "</p", 3) == 0 ||
              g_ascii_strncasecmp (p, "</div", 5) == 0 || g_ascii_strncasecmp (p, "</tr", 4) == 0)
            g_string_append_c (out, '\n');
        }
      else if (*p == '>')
        in_tag = FALSE;
      else if (!in_tag && *p == '&')
        p += append_entity (out, p) - 1;
      else if (!in_tag)
        g_string_append_c (out, *p);
    }
  g_ptr_array_add (data->texts, g_string_free (out, FALSE));
}

static void
scan_message (Parse        *parse,
              GMimeMessage *message,
              guint         depth)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  CollectData collect = { texts, messages, FALSE };
  guint before = parse->entries->len;

  if (g_mime_message_get_mime_part (message) == NULL)
    return;
  g_mime_message_foreach (message, collect_part, &collect);
  if (!collect.have_plain)
    g_mime_message_foreach (message, collect_html, &collect);

  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      g_autofree char *normal = normalize_text (text, strlen (text));

      parse->in_diagnostics = FALSE;
      parse->in_returned = FALSE;
      hint_clear (parse);
      scan_text (parse, normal, strlen (normal));
    }

  if (parse->entries->len == before && depth < MAX_MESSAGE_DEPTH)
    for (guint i = 0; i < messages->len; i++)
      scan_message (parse, g_ptr_array_index (messages, i), depth + 1);
}

static gboolean
parse_message (Parse      *parse,
               const char *data,
               gsize       len,
               GError    **error)
{
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;

  ensure_gmime ();
  stream = g_mime_stream_mem_new_with_buffer (data, len);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  if (message == NULL || g_mime_message_get_mime_part (message) == NULL)
    {
      g_clear_object (&message);
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_INVALID,
                           mfd_tr (NULL, N_("The message could not be read as e-mail (MIME).")));
      return FALSE;
    }

  scan_message (parse, message, 0);
  g_object_unref (message);
  return TRUE;
}

/* The body of a message copied without its header, starting at a MIME
 * boundary ("--_000_…" then "Content-Type: text/plain" and
 * "Content-Transfer-Encoding: quoted-printable"): given back the header it
 * lost, so that GMime decodes the parts. NULL when @data is no such thing. */
static char *
wrap_mime_fragment (const char *data,
                    gsize       len)
{
  gsize p = 0;
  gsize end;
  gsize next;

  while (p < len && g_ascii_isspace (data[p]))
    p++;
  if (len - p < 4 || data[p] != '-' || data[p + 1] != '-')
    return NULL;
  end = line_end (data, len, p);
  if (end - p > 72 || end - p < 3)
    return NULL;
  for (gsize i = p + 2; i < end; i++)
    if (data[i] == ' ' || data[i] == '"' || (guchar) data[i] < 0x20)
      {
        if (data[i] == '\r' && i + 1 == end)
          continue;
        return NULL;
      }
  next = end < len ? end + 1 : len;
  if (len - next < 13 || g_ascii_strncasecmp (data + next, "Content-Type:", 13) != 0)
    return NULL;
  return g_strdup_printf ("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"%.*s\"\n\n%.*s",
                          (int) (end - p - 2 - (data[end - 1] == '\r')), data + p + 2, (int) (len - p), data + p);
}

/* Results */

static gboolean
same_or_missing (const char *a,
                 const char *b)
{
  return a == NULL || b == NULL || g_ascii_strcasecmp (a, b) == 0;
}

/* The same error often appears twice in one NDR: in the body ("Remote
 * server returned '…'") and in the delivery-status part. */
static gboolean
entries_match (const MfdNdrEntry *a,
               const MfdNdrEntry *b)
{
  if (g_strcmp0 (a->status, b->status) != 0)
    return FALSE;
  if (a->status == NULL && a->reply != b->reply)
    return FALSE;
  if (a->reply != 0 && b->reply != 0 && a->reply != b->reply)
    return FALSE;
  if (a->timestamp != NULL && b->timestamp != NULL && !g_date_time_equal (a->timestamp, b->timestamp))
    return FALSE;
  return same_or_missing (a->text, b->text) && same_or_missing (a->message, b->message) &&
         same_or_missing (a->server, b->server) && same_or_missing (a->ip, b->ip);
}

static void
merge_recipients (MfdNdrEntry        *into,
                  const char * const *more)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (more == NULL)
    return;
  if (into->recipients == NULL)
    {
      into->recipients = g_strdupv ((char **) more);
      return;
    }
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) into->recipients);
  for (gsize i = 0; more[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) into->recipients, more[i]))
      g_strv_builder_add (builder, more[i]);
  g_strfreev (into->recipients);
  into->recipients = g_strv_builder_end (builder);
}

static void
merge_entry (MfdNdrEntry *into,
             MfdNdrEntry *from)
{
#define TAKE(field) if (into->field == NULL) into->field = g_steal_pointer (&from->field)
  TAKE (text);
  TAKE (message);
  TAKE (server);
  TAKE (reporting_server);
  TAKE (timestamp);
  TAKE (raw);
#undef TAKE
  if (into->ip == NULL && from->ip != NULL)
    {
      into->ip = g_steal_pointer (&from->ip);
      into->port = from->port;
    }
  if (into->reply == 0)
    into->reply = from->reply;
  merge_recipients (into, (const char * const *) from->recipients);
}

/* Whether @b is a better primary than @a (which came earlier in the
 * input): a specific cause beats a generic expiry; a message that expired
 * with a specific cause is the end of its story, after every retry; then
 * the later one. */
static gboolean
is_permanent (const MfdNdrEntry *entry)
{
  if (entry->status != NULL)
    return entry->status[0] == '5';
  return entry->reply / 100 == 5;
}

static gboolean
outranks (const MfdNdrEntry *b,
          const MfdNdrEntry *a)
{
  gboolean a_generic = mfd_ndr_status_is_generic_expiry (a->status);
  gboolean b_generic = mfd_ndr_status_is_generic_expiry (b->status);
  gboolean a_success = mfd_ndr_entry_is_success (a);
  gboolean b_success = mfd_ndr_entry_is_success (b);
  gboolean a_dsn = a->source == MFD_NDR_SOURCE_DELIVERY_STATUS;
  gboolean b_dsn = b->source == MFD_NDR_SOURCE_DELIVERY_STATUS;

  if (a_success != b_success)
    return a_success;
  if (a_generic != b_generic)
    return a_generic;
  if ((a->status == NULL) != (b->status == NULL))
    return a->status == NULL;
  if (is_permanent (a) != is_permanent (b))
    return is_permanent (b);
  if (a_dsn != b_dsn)
    return b_dsn;
  if (a->expired != b->expired)
    return b->expired;
  if (a->timestamp != NULL && b->timestamp != NULL)
    return g_date_time_compare (b->timestamp, a->timestamp) >= 0;
  return TRUE;
}

/* An expiry line ("Remote server returned '550 5.4.316 …'") names no
 * server; the retries of the same failure in the same text do. */
static void
borrow_destination (MfdNdrEntry *entry,
                    GPtrArray   *entries)
{
  const char *sd = status_subject_detail (entry->status);

  if (sd == NULL || (entry->server != NULL && entry->ip != NULL))
    return;
  for (guint i = entries->len; i > 0; i--)
    {
      const MfdNdrEntry *other = g_ptr_array_index (entries, i - 1);
      const char *other_sd = status_subject_detail (other->status);

      if (other == entry || other_sd == NULL || !g_str_equal (sd, other_sd))
        continue;
      if (entry->server != NULL && other->server != NULL &&
          g_ascii_strcasecmp (entry->server, other->server) != 0)
        continue;
      if (other->server == NULL && other->ip == NULL)
        continue;
      if (entry->server == NULL)
        entry->server = g_strdup (other->server);
      if (entry->ip == NULL && other->ip != NULL)
        {
          entry->ip = g_strdup (other->ip);
          entry->port = other->port;
        }
      return;
    }
}

/* Whether two entries may be about the same message and recipient: they
 * share one, or either names none. */
static gboolean
recipients_overlap (const MfdNdrEntry *a,
                    const MfdNdrEntry *b)
{
  if (a->recipients == NULL || b->recipients == NULL)
    return TRUE;
  for (gsize i = 0; a->recipients[i] != NULL; i++)
    if (g_strv_contains ((const char * const *) b->recipients, a->recipients[i]))
      return TRUE;
  return FALSE;
}

static MfdNdrResult *
finish (Parse   *parse,
        GError **error)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_ndr_entry_unref);
  MfdNdrResult *result;
  MfdNdrEntry *primary = NULL;

  gboolean have_error = FALSE;
  gboolean have_own = FALSE;

  /* A line of a quoted SMTP dialogue is the detail of an error reported
   * elsewhere in the text, and a success in it ("250 2.1.0 Ok") is no
   * error at all. */
  for (guint i = 0; i < parse->entries->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (parse->entries, i);

      if (entry->status == NULL && entry->reply == 0)
        continue;
      if (!(entry->flags & ENTRY_TRANSCRIPT))
        have_own = TRUE;
      if (!mfd_ndr_entry_is_success (entry))
        have_error = TRUE;
    }

  for (guint i = 0; i < parse->entries->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (parse->entries, i);
      gboolean merged = FALSE;

      if (entry->status == NULL && entry->reply == 0)
        continue;
      if (have_own && (entry->flags & ENTRY_TRANSCRIPT))
        continue;
      if (have_error && mfd_ndr_entry_is_success (entry) && entry->source != MFD_NDR_SOURCE_DELIVERY_STATUS)
        continue;
      for (guint j = 0; j < kept->len && !merged; j++)
        {
          MfdNdrEntry *other = g_ptr_array_index (kept, j);

          if (entries_match (other, entry))
            {
              merge_entry (other, entry);
              merged = TRUE;
            }
        }
      if (!merged)
        g_ptr_array_add (kept, mfd_ndr_entry_ref (entry));
    }

  /* The dialogue dropped above still says which server answered. */
  for (guint i = 0; have_own && i < parse->entries->len; i++)
    {
      MfdNdrEntry *quoted = g_ptr_array_index (parse->entries, i);

      if (!(quoted->flags & ENTRY_TRANSCRIPT) || (quoted->server == NULL && quoted->ip == NULL))
        continue;
      for (guint j = 0; j < kept->len; j++)
        {
          MfdNdrEntry *entry = g_ptr_array_index (kept, j);

          if (entry->server == NULL && entry->ip == NULL && g_strcmp0 (entry->status, quoted->status) == 0)
            {
              entry->server = g_strdup (quoted->server);
              entry->ip = g_strdup (quoted->ip);
            }
        }
    }

  if (kept->len == 0)
    {
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY,
                           mfd_tr (NULL, N_("No delivery error was found in the text.")));
      return NULL;
    }

  for (guint i = 0; i < kept->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (kept, i);
      const char *cause;

      if (!(entry->flags & ENTRY_DSN_DELAYED) && parse->delay_notice &&
          (entry->status != NULL ? entry->status[0] == '4' : entry->reply / 100 == 4))
        entry->delayed = TRUE;
      entry->expired = is_expired (entry);
      cause = mfd_ndr_classify (entry->status, entry->message);
      if (mfd_ndr_entry_is_success (entry))
        cause = NULL;
      else if (cause == NULL || g_str_equal (cause, "other"))
        {
          const char *from_text = mfd_ndr_classify (entry->status, entry->text);

          if (from_text != NULL)
            cause = from_text;
        }
      entry->cause = g_strdup (cause);
      if (entry->reporting_server == NULL && entry->source == MFD_NDR_SOURCE_NDR)
        entry->reporting_server = g_strdup (parse->generating);
      if (entry->recipients == NULL && entry->source == MFD_NDR_SOURCE_NDR && parse->recipients->len > 0)
        {
          g_ptr_array_add (parse->recipients, NULL);
          entry->recipients = g_strdupv ((char **) parse->recipients->pdata);
          g_ptr_array_remove_index (parse->recipients, parse->recipients->len - 1);
        }
    }
  for (guint i = 0; i < kept->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (kept, i);

      borrow_destination (entry, kept);
      if (primary == NULL || outranks (entry, primary))
        primary = entry;
    }

  /* A specific cause that a generic expiry of the same message yielded to
   * is why the message expired: it is no longer being retried. */
  for (guint i = 0; i < kept->len && !primary->expired; i++)
    {
      MfdNdrEntry *other = g_ptr_array_index (kept, i);

      if (other != primary && other->expired && mfd_ndr_status_is_generic_expiry (other->status) &&
          !mfd_ndr_status_is_generic_expiry (primary->status) && !mfd_ndr_entry_is_success (primary) &&
          recipients_overlap (other, primary))
        primary->expired = TRUE;
    }

  result = g_new0 (MfdNdrResult, 1);
  g_atomic_ref_count_init (&result->ref_count);
  result->entries = g_steal_pointer (&kept);
  result->primary = mfd_ndr_entry_ref (primary);
  return result;
}

/* A delay notice ("Delivery has been delayed", "Action: delayed") says
 * EOP is still retrying; without a code in it there is no error to
 * explain, and the admin should hear that, not "nothing found". */
static gboolean
is_delay_notice (const char *data,
                 gsize       len)
{
  static const char *markers[] = {
    "delivery has been delayed", "delivery is delayed", "delivery delayed",
    "action: delayed", "notification (delay)", "hasn't been delivered yet",
    "has not been delivered yet", "\xe9\x81\x85\xe5\xbb\xb6", /* 遅延 */
  };
  g_autofree char *lower = g_ascii_strdown (data, len);

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (strstr (lower, markers[i]) != NULL)
      return TRUE;
  return FALSE;
}

MfdNdrResult *
mfd_ndr_parse (const char  *data,
               gsize        len,
               GError     **error)
{
  Parse parse = { 0 };
  g_autofree char *text = NULL;
  gboolean blank = TRUE;
  MfdNdrResult *result;
  g_autoptr(GError) mime_error = NULL;
  g_autofree char *wrapped = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > MFD_NDR_MAX_INPUT)
    {
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_TOO_LARGE,
                           mfd_tr (NULL, N_("The text is larger than 8 MB. Paste only the error "
                                            "or open the message itself.")));
      return NULL;
    }
  for (gsize i = 0; i < len && blank; i++)
    blank = g_ascii_isspace (data[i]) || data[i] == '\0';
  if (blank)
    {
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_EMPTY,
                           mfd_tr (NULL, N_("The text is empty.")));
      return NULL;
    }

  parse.entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_ndr_entry_unref);
  parse.recipients = g_ptr_array_new_with_free_func (g_free);

  if (looks_like_message (data, len) && parse_message (&parse, data, len, &mime_error))
    result = finish (&parse, error);
  else if ((wrapped = wrap_mime_fragment (data, len)) != NULL &&
           parse_message (&parse, wrapped, strlen (wrapped), NULL) && parse.entries->len > 0)
    result = finish (&parse, error);
  else
    {
      text = normalize_text (data, len);
      scan_text (&parse, text, strlen (text));
      if (parse.entries->len == 0 && mime_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&mime_error));
          result = NULL;
        }
      else
        result = finish (&parse, error);
    }

  if (result == NULL && error != NULL && g_error_matches (*error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY) &&
      is_delay_notice (data, len))
    {
      g_clear_error (error);
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_DELAY_NOTICE,
                           mfd_tr (NULL, N_("This is a delay notice, not an error: Exchange Online is still retrying the message, and the notice carries no error code to explain.")));
    }

  g_ptr_array_unref (parse.entries);
  g_ptr_array_unref (parse.recipients);
  g_free (parse.reporting_mta);
  g_free (parse.generating);
  hint_clear (&parse);
  return result;
}

MfdNdrResult *
mfd_ndr_parse_bytes (GBytes  *bytes,
                     GError **error)
{
  gsize len;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  return mfd_ndr_parse (data != NULL ? data : "", len, error);
}

static void
parse_bytes_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  MfdNdrResult *result = mfd_ndr_parse_bytes (task_data, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) mfd_ndr_result_unref);
}

void
mfd_ndr_parse_bytes_async (GBytes              *bytes,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (bytes != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_ndr_parse_bytes_async);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  /* The parse cannot stop half-way, but its result is of no use once the
   * caller has moved on: answer the cancellation at once. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, parse_bytes_thread);
}

MfdNdrResult *
mfd_ndr_parse_bytes_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_ndr_parse_bytes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
