/* mfd-ndr.h — what an admin pastes or opens, as delivery-error entries
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MFD_NDR_ERROR (mfd_ndr_error_quark ())

typedef enum
{
  MFD_NDR_ERROR_EMPTY,       /* nothing but white space */
  MFD_NDR_ERROR_TOO_LARGE,   /* beyond MFD_NDR_MAX_INPUT */
  MFD_NDR_ERROR_NO_ENTRY,    /* text, but no delivery error in it */
  MFD_NDR_ERROR_INVALID,     /* unreadable (e.g. broken MIME that GMime refuses) */
  MFD_NDR_ERROR_DELAY_NOTICE, /* no delivery error: a delay notice (EOP still retrying) */
} MfdNdrError;

/* Inputs are read up to this many bytes; larger pastes are refused with
 * MFD_NDR_ERROR_TOO_LARGE rather than read in part. 8 MB holds any NDR with
 * its original message attached, and keeps a paste of a whole mailbox
 * export from tying the parser up. */
#define MFD_NDR_MAX_INPUT (8 * 1024 * 1024)

/* At most this many entries are kept from one input; the rest of a flood of
 * repeated lines adds nothing a person could read. */
#define MFD_NDR_MAX_ENTRIES 1000

/* Which form of text an entry was read from. */
typedef enum
{
  MFD_NDR_SOURCE_QUEUE,            /* a raw EOP queue / alert string */
  MFD_NDR_SOURCE_MESSAGE_TRACE,    /* Reason: [{LED=…};{MSG=…};…] */
  MFD_NDR_SOURCE_NDR,              /* an NDR body: "Remote server returned '…'", history lines */
  MFD_NDR_SOURCE_DELIVERY_STATUS,  /* RFC 3464 fields (Diagnostic-Code, Status, Remote-MTA) */
} MfdNdrSource;

#define MFD_TYPE_NDR_ENTRY  (mfd_ndr_entry_get_type ())
#define MFD_TYPE_NDR_RESULT (mfd_ndr_result_get_type ())

typedef struct _MfdNdrEntry MfdNdrEntry;
typedef struct _MfdNdrResult MfdNdrResult;

struct _MfdNdrEntry
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  int         reply;             /* 450, 550, … or 0 */
  char       *status;            /* "4.4.316" or NULL */
  char       *text;              /* "Connection refused" */
  char       *message;           /* the [Message=…] detail, or NULL */
  char       *server;            /* LastAttemptedServerName / Server at HOST / Remote-MTA / FQDN */
  char       *ip;                /* LastAttemptedIP / (IP) / IP=, without port or brackets */
  guint16     port;              /* 25 when not given */
  char       *reporting_server;  /* the EOP machine that wrote it ([HOST time id] trailer,
                                  * Reporting-MTA, Generating server), or NULL */
  GDateTime  *timestamp;         /* when (UTC), or NULL */
  gboolean    expired;           /* 5.4.31x "Message expired" form, 4.4.7, 5.4.300; also a
                                  * specific cause that a generic expiry yielded to */
  gboolean    delayed;           /* a delay notice: the sending server says it keeps
                                  * trying (Action: delayed, "will keep trying") */
  char      **recipients;        /* NULL-terminated, may be NULL */
  char       *cause;             /* likely cause id from the code + detail, or NULL */
  char       *raw;               /* the line(s) it came from, sanitized */
  MfdNdrSource source;           /* the form it was read from */

  /*< private >*/
  guint       flags;
};

struct _MfdNdrResult
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  GPtrArray   *entries;          /* (element-type MfdNdrEntry), in input order */
  MfdNdrEntry *primary;          /* one of entries, or NULL */
};

GQuark        mfd_ndr_error_quark    (void);
GType         mfd_ndr_entry_get_type (void) G_GNUC_CONST;
GType         mfd_ndr_result_get_type (void) G_GNUC_CONST;

/* Any text or a whole .eml (detected by its header fields; read with
 * GMime: transfer encodings, charsets, message/delivery-status) and returns
 * every delivery error in it, in input order. The same error written twice
 * (the NDR body and its delivery-status part) becomes one entry. A reply
 * nested in [Message=…] or in a quoted history line is detail of its entry,
 * never an entry itself. An expiry line without a server takes the server
 * and address of the retries of the same failure in the same text.
 *
 * Besides Exchange's own forms it reads the bounces other servers write
 * (Sendmail, Postfix, Exim, qmail, Courier, Domino, Gmail, …): statuses
 * written as "(#5.1.1)", "#5.1.1" or alone at the start of a line, bare
 * reply codes without an enhanced status (status NULL: never invented),
 * and the server and address from "host HOST [IP]" and its kin. Codes
 * quoted in an SMTP transcript ("<<< 503 …") are dropped when any other
 * error is found; a success notice (2.x.x) is kept only when there is no
 * error at all.
 *
 * primary: the error to diagnose: an error before a success notice; a
 * specific cause before a generic expiry (4.4.7, 5.4.300), and the cause
 * then counts as expired; one with an enhanced status before a bare reply
 * code; a permanent failure before a delay; a delivery-status part's
 * entry before the text's; a specific expiry (5.4.316) before its
 * retries; then the latest (by time when both entries have one, else the
 * later in the text). Servers and addresses come only from the error itself, never from
 * "Generating server" or Received: fields.
 *
 * Never crashes, hangs or grows without bound on hostile bytes: work is
 * linear in the input, which is capped at MFD_NDR_MAX_INPUT; errors are
 * MFD_NDR_ERROR_* with a message in the process language. */
MfdNdrResult *mfd_ndr_parse          (const char         *data,
                                      gsize               len,
                                      GError            **error);
MfdNdrResult *mfd_ndr_parse_bytes    (GBytes             *bytes,
                                      GError            **error);
/* The same in a worker thread, so that a large paste never stalls the
 * caller's main context. */
void          mfd_ndr_parse_bytes_async  (GBytes              *bytes,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
MfdNdrResult *mfd_ndr_parse_bytes_finish (GAsyncResult        *result,
                                          GError             **error);

MfdNdrEntry  *mfd_ndr_entry_ref      (MfdNdrEntry        *self);
void          mfd_ndr_entry_unref    (MfdNdrEntry        *self);
MfdNdrResult *mfd_ndr_result_ref     (MfdNdrResult       *self);
void          mfd_ndr_result_unref   (MfdNdrResult       *self);

/* Likely cause id from a status code and a [Message=…] detail (either may
 * be NULL): "tcp-refused" for 10061, "cert-expired" for CertificateExpired…
 * The detail decides first; then the code where it names one cause
 * (4.4.315 tcp-timeout, 4.4.316 tcp-refused, 4.4.318 closed-abruptly, DANE
 * 4.7.321/322/325, 5.4.310 dns-nxdomain), "other" for codes outside the
 * connector family. NULL when the code alone cannot tell (4.4.312, 4.4.317,
 * 4.7.320 without detail; the generic expiries 4.4.7 / 5.4.300): only the
 * checks can say which cause applies then. */
const char   *mfd_ndr_classify       (const char         *status,
                                      const char         *message);

/* TRUE for the generic expiry codes (4.4.7, 5.4.7, 5.4.300) that yield to a
 * specific cause when choosing the primary entry. */
gboolean      mfd_ndr_status_is_generic_expiry (const char *status);

/* A success or relay notice (2.x.x, 2xx): not an error. */
gboolean      mfd_ndr_entry_is_success (const MfdNdrEntry *entry);

/* "queue", "message-trace", "ndr", "delivery-status" (JSON, never translated) */
const char   *mfd_ndr_source_to_string (MfdNdrSource      source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdNdrEntry, mfd_ndr_entry_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdNdrResult, mfd_ndr_result_unref)

G_END_DECLS
