/* mfd-smtp.h — the polite SMTP dialogue and its reply parser (no TLS
 * inside). Internal to the engine; blocking: call from worker threads only.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd-observation.h"
#include "mfd-types.h"

G_BEGIN_DECLS

/* Limits on what a server may send us in one reply. A line longer than
 * RFC 5321's 512 octets is tolerated up to MAX_LINE; past these limits the
 * reply is a protocol error, so a hostile peer can neither grow our memory
 * nor keep us reading. */
#define MFD_SMTP_MAX_LINE    4096
#define MFD_SMTP_MAX_LINES   200
#define MFD_SMTP_MAX_REPLY   (64 * 1024)

#define MFD_SMTP_ERROR (mfd_smtp_error_quark ())

typedef enum
{
  MFD_SMTP_ERROR_MALFORMED,       /* not "ddd[ -]text", or codes differ between lines */
  MFD_SMTP_ERROR_LINE_TOO_LONG,
  MFD_SMTP_ERROR_TOO_MANY_LINES,
  MFD_SMTP_ERROR_TOO_LARGE,
  MFD_SMTP_ERROR_CLOSED,          /* the peer closed or reset the connection */
  MFD_SMTP_ERROR_TIMEOUT,         /* no complete reply before the step's deadline */
} MfdSmtpError;

GQuark mfd_smtp_error_quark (void);

typedef struct
{
  int    code;
  char **lines;      /* the text after "ddd-" / "ddd ", sanitized UTF-8 */
} MfdSmtpReply;

void   mfd_smtp_reply_free   (MfdSmtpReply *reply);
/* "250-first\n250 last" as received (sanitized), for evidence. */
char  *mfd_smtp_reply_to_string (const MfdSmtpReply *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdSmtpReply, mfd_smtp_reply_free)

typedef enum
{
  MFD_SMTP_PARSE_COMPLETE,
  MFD_SMTP_PARSE_INCOMPLETE,
  MFD_SMTP_PARSE_ERROR,
} MfdSmtpParseStatus;

/* Parses one reply at the start of @data (any bytes). COMPLETE: *@reply is
 * set and *@consumed is how many bytes it took. INCOMPLETE: read more and
 * call again with the longer buffer. ERROR: the limits above were exceeded or
 * a line is not a reply line; @error says which. Lines end in CRLF or a bare
 * LF. Pure; never reads past @len. */
MfdSmtpParseStatus mfd_smtp_parse_reply (const guint8   *data,
                                         gsize           len,
                                         gsize          *consumed,
                                         MfdSmtpReply  **reply,
                                         GError        **error);

/* The same parse fed @step bytes more at a time, as a connection is when
 * the reply trickles in: for the tests and the fuzz target, which check
 * that the incremental parser gives exactly the answer of a whole parse. */
MfdSmtpParseStatus mfd_smtp_parse_reply_in_steps (const guint8   *data,
                                                  gsize           len,
                                                  gsize           step,
                                                  gsize          *consumed,
                                                  MfdSmtpReply  **reply,
                                                  GError        **error);

/* A replacement transport for the dialogue after STARTTLS. */
typedef gssize   (*MfdSmtpReadFunc)  (gpointer       user_data,
                                      guint8        *buffer,
                                      gsize          size,
                                      gint64         deadline,
                                      GCancellable  *cancellable,
                                      GError       **error);
typedef gboolean (*MfdSmtpWriteFunc) (gpointer       user_data,
                                      const guint8  *data,
                                      gsize          size,
                                      gint64         deadline,
                                      GCancellable  *cancellable,
                                      GError       **error);

typedef struct _MfdSmtpConnection MfdSmtpConnection;

/* One dialogue with @ip:@port (the address of @host). Each step below
 * returns its observation (never NULL) and, when it fails, the caller skips
 * the rest. */
MfdSmtpConnection *mfd_smtp_connection_new        (const char        *host,
                                                   const char        *ip,
                                                   guint16            port,
                                                   guint              reply_timeout_ms,
                                                   GCancellable      *cancellable);
void               mfd_smtp_connection_free       (MfdSmtpConnection *self);
GSocket           *mfd_smtp_connection_get_socket (MfdSmtpConnection *self);
void               mfd_smtp_connection_set_transport (MfdSmtpConnection *self,
                                                   MfdSmtpReadFunc    read_func,
                                                   MfdSmtpWriteFunc   write_func,
                                                   gpointer           user_data);
gboolean           mfd_smtp_connection_has_extension (MfdSmtpConnection *self,
                                                   const char        *keyword);
/* How many bytes of the server's replies the parser has looked at so far.
 * For tests: a reply that trickles in must not be parsed again from its
 * start on every read, so this stays linear in what the server sent. */
guint64            mfd_smtp_connection_get_bytes_examined (MfdSmtpConnection *self);

MfdObservation    *mfd_smtp_connection_connect    (MfdSmtpConnection *self,
                                                   guint              timeout_ms);
MfdObservation    *mfd_smtp_connection_greeting   (MfdSmtpConnection *self);
MfdObservation    *mfd_smtp_connection_ehlo       (MfdSmtpConnection *self);
/* Not offered: FAIL starttls-missing when @mode requires TLS, a WARNING
 * when opportunistic. A refusal is FAIL starttls-rejected, or a WARNING
 * when opportunistic (EOP then delivers without TLS). */
MfdObservation    *mfd_smtp_connection_starttls   (MfdSmtpConnection *self,
                                                   MfdTlsMode         mode);
/* After TLS (@ehlo_again) EHLO once more; then QUIT and read the 221. */
MfdObservation    *mfd_smtp_connection_quit       (MfdSmtpConnection *self,
                                                   gboolean           ehlo_again);

/* The name we give in EHLO: this machine's FQDN, else our address as an
 * address literal ("[192.0.2.1]", "[IPv6:::1]"). */
char              *mfd_smtp_dup_local_name        (GSocket           *socket);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdSmtpConnection, mfd_smtp_connection_free)

G_END_DECLS
