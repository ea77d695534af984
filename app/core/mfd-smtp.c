/* mfd-smtp.c — the polite SMTP dialogue and its reply parser
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-smtp"

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib/gi18n-lib.h>

#include "mfd-smtp.h"
#include "mfd-socket.h"
#include "mfd-text.h"

#define READ_CHUNK 4096

struct _MfdSmtpConnection
{
  char             *host;
  char             *ip;
  guint16           port;
  guint             reply_timeout_ms;
  GCancellable     *cancellable;

  GSocket          *socket;
  GByteArray       *inbuf;
  struct _ReplyParser *parser;        /* the reply in inbuf, as far as read */
  GHashTable       *extensions;      /* upper-case keyword -> parameters */

  MfdSmtpReadFunc   read_func;
  MfdSmtpWriteFunc  write_func;
  gpointer          transport_data;
};

G_DEFINE_QUARK (mfd-smtp-error-quark, mfd_smtp_error)

/* The only commands this program ever sends. Anything else is a bug, and
 * refusing it here keeps MAIL, RCPT, DATA, VRFY and AUTH out for good. */
static const char * const allowed_verbs[] = { "EHLO", "STARTTLS", "QUIT" };

void
mfd_smtp_reply_free (MfdSmtpReply *reply)
{
  if (reply == NULL)
    return;
  g_strfreev (reply->lines);
  g_free (reply);
}

char *
mfd_smtp_reply_to_string (const MfdSmtpReply *reply)
{
  GString *str = g_string_new (NULL);
  guint n = g_strv_length (reply->lines);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (str, '\n');
      g_string_append_printf (str, "%03d%c%s", reply->code,
                              i + 1 < n ? '-' : ' ', reply->lines[i]);
    }
  return g_string_free (str, FALSE);
}

/* One reply being read. The lines complete so far are kept, with where the
 * next one starts and how much of it has been searched for its end, so
 * that however the server cuts the reply into reads each byte is looked at
 * once: a reply that trickles in a byte at a time costs no more than one
 * that arrives whole. */
typedef struct _ReplyParser
{
  GPtrArray *lines;
  int        code;
  gsize      pos;        /* where the first incomplete line starts */
  gsize      scanned;    /* bytes from there known to hold no '\n' */
  guint64    examined;   /* bytes searched or copied, for the tests */
} ReplyParser;

static void
reply_parser_reset (ReplyParser *parser)
{
  g_clear_pointer (&parser->lines, g_ptr_array_unref);
  parser->code = -1;
  parser->pos = 0;
  parser->scanned = 0;
}

/* @data is the whole reply received so far, from its first byte; each call
 * may only add bytes at the end. */
static MfdSmtpParseStatus
reply_parser_feed (ReplyParser    *parser,
                   const guint8   *data,
                   gsize           len,
                   gsize          *consumed,
                   MfdSmtpReply  **reply,
                   GError        **error)
{
  if (parser->lines == NULL)
    parser->lines = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      gsize avail = len - parser->pos;
      gsize scan = MIN (avail, (gsize) MFD_SMTP_MAX_LINE);
      const guint8 *line = data != NULL ? data + parser->pos : NULL;
      const guint8 *nl = NULL;
      gsize line_len, text_len;
      int line_code;
      gboolean last;

      if (scan > parser->scanned)
        {
          nl = memchr (line + parser->scanned, '\n', scan - parser->scanned);
          parser->examined += (nl != NULL ? (gsize) (nl - line) + 1 : scan) - parser->scanned;
          parser->scanned = nl != NULL ? (gsize) (nl - line) : scan;
        }

      if (nl == NULL)
        {
          if (avail >= MFD_SMTP_MAX_LINE)
            {
              g_set_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_LINE_TOO_LONG,
                           "Reply line longer than %d bytes", MFD_SMTP_MAX_LINE);
              return MFD_SMTP_PARSE_ERROR;
            }
          if (len > MFD_SMTP_MAX_REPLY)
            {
              g_set_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_TOO_LARGE,
                           "Reply larger than %d bytes", MFD_SMTP_MAX_REPLY);
              return MFD_SMTP_PARSE_ERROR;
            }
          return MFD_SMTP_PARSE_INCOMPLETE;
        }

      line_len = nl - line;
      if (parser->pos + line_len + 1 > MFD_SMTP_MAX_REPLY)
        {
          g_set_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_TOO_LARGE,
                       "Reply larger than %d bytes", MFD_SMTP_MAX_REPLY);
          return MFD_SMTP_PARSE_ERROR;
        }
      if (parser->lines->len >= MFD_SMTP_MAX_LINES)
        {
          g_set_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_TOO_MANY_LINES,
                       "Reply of more than %d lines", MFD_SMTP_MAX_LINES);
          return MFD_SMTP_PARSE_ERROR;
        }

      text_len = line_len;
      if (text_len > 0 && line[text_len - 1] == '\r')
        text_len--;

      /* RFC 5321 4.2: three digits, then a space, a hyphen or the end. */
      if (text_len < 3 ||
          line[0] < '1' || line[0] > '5' ||
          !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]) ||
          (text_len > 3 && line[3] != ' ' && line[3] != '-'))
        {
          g_set_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_MALFORMED,
                       "Not an SMTP reply line");
          return MFD_SMTP_PARSE_ERROR;
        }

      line_code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      if (parser->code >= 0 && line_code != parser->code)
        {
          g_set_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_MALFORMED,
                       "Reply lines with different codes (%d, %d)", parser->code, line_code);
          return MFD_SMTP_PARSE_ERROR;
        }
      parser->code = line_code;
      last = text_len == 3 || line[3] == ' ';

      g_ptr_array_add (parser->lines, text_len > 4
                       ? mfd_text_sanitize ((const char *) line + 4, text_len - 4, 512)
                       : g_strdup (""));
      parser->examined += text_len;
      parser->pos += line_len + 1;
      parser->scanned = 0;

      if (last)
        break;
    }

  g_ptr_array_add (parser->lines, NULL);
  *reply = g_new0 (MfdSmtpReply, 1);
  (*reply)->code = parser->code;
  (*reply)->lines = (char **) g_ptr_array_free (g_steal_pointer (&parser->lines), FALSE);
  *consumed = parser->pos;
  reply_parser_reset (parser);
  return MFD_SMTP_PARSE_COMPLETE;
}

MfdSmtpParseStatus
mfd_smtp_parse_reply (const guint8   *data,
                      gsize           len,
                      gsize          *consumed,
                      MfdSmtpReply  **reply,
                      GError        **error)
{
  ReplyParser parser = { NULL, -1, 0, 0, 0 };
  MfdSmtpParseStatus status;

  g_return_val_if_fail (data != NULL || len == 0, MFD_SMTP_PARSE_ERROR);

  status = reply_parser_feed (&parser, data, len, consumed, reply, error);
  reply_parser_reset (&parser);
  return status;
}

MfdSmtpParseStatus
mfd_smtp_parse_reply_in_steps (const guint8   *data,
                               gsize           len,
                               gsize           step,
                               gsize          *consumed,
                               MfdSmtpReply  **reply,
                               GError        **error)
{
  ReplyParser parser = { NULL, -1, 0, 0, 0 };
  MfdSmtpParseStatus status;
  gsize end = 0;

  g_return_val_if_fail (data != NULL || len == 0, MFD_SMTP_PARSE_ERROR);
  g_return_val_if_fail (step > 0, MFD_SMTP_PARSE_ERROR);

  do
    {
      end = MIN (len, end + step);
      status = reply_parser_feed (&parser, data, end, consumed, reply, error);
    }
  while (status == MFD_SMTP_PARSE_INCOMPLETE && end < len);

  reply_parser_reset (&parser);
  return status;
}

static gssize
socket_read_cb (gpointer       user_data,
                guint8        *buffer,
                gsize          size,
                gint64         deadline,
                GCancellable  *cancellable,
                GError       **error)
{
  return mfd_socket_read (user_data, buffer, size, deadline, cancellable, error);
}

static gboolean
socket_write_cb (gpointer       user_data,
                 const guint8  *data,
                 gsize          size,
                 gint64         deadline,
                 GCancellable  *cancellable,
                 GError       **error)
{
  return mfd_socket_write_all (user_data, data, size, deadline, cancellable, error);
}

/* Peer closed / reset / timed out become our own error codes so that the
 * steps map them to causes in one place, whatever the transport. */
static void
normalize_io_error (GError **error)
{
  GError *e = *error;

  if (e == NULL || e->domain != G_IO_ERROR)
    return;
  if (e->code == G_IO_ERROR_TIMED_OUT)
    {
      e->domain = MFD_SMTP_ERROR;
      e->code = MFD_SMTP_ERROR_TIMEOUT;
    }
  else if (e->code == G_IO_ERROR_CONNECTION_CLOSED ||
           e->code == G_IO_ERROR_NOT_CONNECTED)
    {
      e->domain = MFD_SMTP_ERROR;
      e->code = MFD_SMTP_ERROR_CLOSED;
    }
}

/* The connection ----------------------------------------------------------- */

MfdSmtpConnection *
mfd_smtp_connection_new (const char   *host,
                         const char   *ip,
                         guint16       port,
                         guint         reply_timeout_ms,
                         GCancellable *cancellable)
{
  MfdSmtpConnection *self = g_new0 (MfdSmtpConnection, 1);

  self->host = g_strdup (host);
  self->ip = g_strdup (ip);
  self->port = port;
  self->reply_timeout_ms = reply_timeout_ms;
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->inbuf = g_byte_array_new ();
  self->parser = g_new0 (ReplyParser, 1);
  reply_parser_reset (self->parser);
  self->extensions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
mfd_smtp_connection_free (MfdSmtpConnection *self)
{
  if (self == NULL)
    return;
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  g_clear_object (&self->cancellable);
  g_byte_array_unref (self->inbuf);
  reply_parser_reset (self->parser);
  g_free (self->parser);
  g_hash_table_unref (self->extensions);
  g_free (self->host);
  g_free (self->ip);
  g_free (self);
}

GSocket *
mfd_smtp_connection_get_socket (MfdSmtpConnection *self)
{
  return self->socket;
}

void
mfd_smtp_connection_set_transport (MfdSmtpConnection *self,
                                   MfdSmtpReadFunc    read_func,
                                   MfdSmtpWriteFunc   write_func,
                                   gpointer           user_data)
{
  self->read_func = read_func;
  self->write_func = write_func;
  self->transport_data = user_data;
}

guint64
mfd_smtp_connection_get_bytes_examined (MfdSmtpConnection *self)
{
  return self->parser->examined;
}

gboolean
mfd_smtp_connection_has_extension (MfdSmtpConnection *self,
                                   const char        *keyword)
{
  return g_hash_table_contains (self->extensions, keyword);
}

static MfdSmtpReply *
read_reply (MfdSmtpConnection  *self,
            GError            **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) self->reply_timeout_ms * 1000;
  guint8 buffer[READ_CHUNK];

  for (;;)
    {
      MfdSmtpReply *reply = NULL;
      gsize consumed = 0;
      gssize n;

      switch (reply_parser_feed (self->parser, self->inbuf->data, self->inbuf->len,
                                 &consumed, &reply, error))
        {
        case MFD_SMTP_PARSE_COMPLETE:
          g_byte_array_remove_range (self->inbuf, 0, consumed);
          return reply;
        case MFD_SMTP_PARSE_ERROR:
          reply_parser_reset (self->parser);
          return NULL;
        case MFD_SMTP_PARSE_INCOMPLETE:
        default:
          break;
        }

      n = self->read_func (self->transport_data, buffer, sizeof buffer,
                           deadline, self->cancellable, error);
      if (n < 0)
        {
          normalize_io_error (error);
          return NULL;
        }
      if (n == 0)
        {
          g_set_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_CLOSED,
                       self->inbuf->len > 0 ? "Connection closed in the middle of a reply"
                                            : "Connection closed");
          return NULL;
        }
      g_byte_array_append (self->inbuf, buffer, n);
    }
}

static gboolean
send_command (MfdSmtpConnection  *self,
              const char         *verb,
              const char         *argument,
              GError            **error)
{
  g_autofree char *line = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) self->reply_timeout_ms * 1000;
  gboolean allowed = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (allowed_verbs); i++)
    allowed |= g_str_equal (verb, allowed_verbs[i]);
  g_return_val_if_fail (allowed, FALSE);

  line = argument != NULL ? g_strdup_printf ("%s %s\r\n", verb, argument)
                          : g_strdup_printf ("%s\r\n", verb);
  if (!self->write_func (self->transport_data, (const guint8 *) line, strlen (line),
                         deadline, self->cancellable, error))
    {
      normalize_io_error (error);
      return FALSE;
    }
  return TRUE;
}

static MfdObservation *
new_observation (MfdSmtpConnection *self,
                 MfdStage           stage,
                 gint64             started)
{
  MfdObservation *obs = mfd_observation_new (stage, MFD_OUTCOME_OK,
                                             self->host, self->ip, self->port);

  obs->ms = (g_get_monotonic_time () - started) / 1000;
  return obs;
}

static void
set_reply (MfdObservation     *obs,
           const MfdSmtpReply *reply)
{
  g_autofree char *text = mfd_smtp_reply_to_string (reply);

  mfd_observation_set_reply (obs, reply->code, text);
}

/* A reply past one of the limits that keep a hostile peer from growing
 * our memory: which limit it passed, and how we say so. */
static const struct
{
  MfdSmtpError  code;
  int           limit;
  const char   *msgid;
} past_limit[] = {
  { MFD_SMTP_ERROR_LINE_TOO_LONG,  MFD_SMTP_MAX_LINE,
    N_("The server sent a reply line longer than {1} bytes, which breaks the SMTP rules.") },
  { MFD_SMTP_ERROR_TOO_MANY_LINES, MFD_SMTP_MAX_LINES,
    N_("The server sent a reply of more than {1} lines, which breaks the SMTP rules.") },
  { MFD_SMTP_ERROR_TOO_LARGE,      MFD_SMTP_MAX_REPLY,
    N_("The server sent a reply of more than {1} bytes, which breaks the SMTP rules.") },
};

static void
fail_past_limit (MfdObservation *obs,
                 MfdSmtpError    code)
{
  for (guint i = 0; i < G_N_ELEMENTS (past_limit); i++)
    {
      char max[16];

      if (past_limit[i].code != code)
        continue;
      g_snprintf (max, sizeof max, "%d", past_limit[i].limit);
      mfd_observation_set_cause (obs, "other");
      mfd_observation_set_detail (obs, past_limit[i].msgid, max, NULL);
      return;
    }
}

/* One place that turns a dialogue error into an outcome, a cause and
 * words. @command names what we were waiting on ("EHLO", …) or NULL for the
 * greeting. A server that stops answering after the greeting has hung as
 * far as EOP is concerned: it gives up and reports the session as lost. */
static void
fail_with_error (MfdSmtpConnection *self,
                 MfdObservation    *obs,
                 const char        *command,
                 const GError      *error)
{
  g_autofree char *seconds = g_strdup_printf ("%u", self->reply_timeout_ms / 1000);

  obs->outcome = MFD_OUTCOME_FAIL;
  mfd_observation_set_fact (obs, "step", mfd_stage_to_string (obs->stage));
  mfd_observation_set_fact (obs, "error", error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_detail (obs, N_("The check was cancelled."), NULL);
      return;
    }

  if (error->domain != MFD_SMTP_ERROR)
    {
      mfd_observation_set_cause (obs, "closed-abruptly");
      mfd_observation_set_detail (obs, N_("The connection failed: {1}"), error->message, NULL);
      return;
    }

  switch ((MfdSmtpError) error->code)
    {
    case MFD_SMTP_ERROR_CLOSED:
      mfd_observation_set_cause (obs, "closed-abruptly");
      if (command == NULL)
        mfd_observation_set_detail (obs, N_("The server closed the connection before it finished its greeting."), NULL);
      else
        mfd_observation_set_detail (obs, N_("The server closed the connection instead of answering {1}."),
                                    command, NULL);
      break;

    case MFD_SMTP_ERROR_TIMEOUT:
      mfd_observation_set_fact (obs, "reason", "timeout");
      if (command == NULL)
        {
          mfd_observation_set_cause (obs, "greeting-timeout");
          mfd_observation_set_detail (obs, N_("The server accepted the connection but sent no complete greeting within the timeout of {1} s."),
                                      seconds, NULL);
        }
      else
        {
          mfd_observation_set_cause (obs, "closed-abruptly");
          mfd_observation_set_detail (obs, N_("The server stopped answering: no complete reply to {1} within the timeout of {2} s."),
                                      command, seconds, NULL);
        }
      break;

    case MFD_SMTP_ERROR_LINE_TOO_LONG:
    case MFD_SMTP_ERROR_TOO_MANY_LINES:
    case MFD_SMTP_ERROR_TOO_LARGE:
      fail_past_limit (obs, (MfdSmtpError) error->code);
      break;

    case MFD_SMTP_ERROR_MALFORMED:
    default:
      mfd_observation_set_cause (obs, "other");
      mfd_observation_set_detail (obs, N_("The server's answer is not a valid SMTP reply."), NULL);
      break;
    }
}

MfdObservation *
mfd_smtp_connection_connect (MfdSmtpConnection *self,
                             guint              timeout_ms)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seconds = g_strdup_printf ("%g", timeout_ms / 1000.0);
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + (gint64) timeout_ms * 1000;
  MfdObservation *obs;

  g_return_val_if_fail (self->socket == NULL, NULL);

  address = g_inet_socket_address_new_from_string (self->ip, self->port);
  if (address == NULL)
    {
      obs = new_observation (self, MFD_STAGE_TCP, started);
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_detail (obs, N_("{1} is not an IP address."), self->ip, NULL);
      return obs;
    }

  socket = mfd_socket_new (address, G_SOCKET_TYPE_STREAM, &error);
  if (socket != NULL)
    {
      /* Every write waits for a reply: Nagle's algorithm would only hold a
       * small one (a command, the TLS Finished) back for a delayed ACK. */
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      mfd_socket_connect (socket, address, deadline, self->cancellable, &error);
    }

  obs = new_observation (self, MFD_STAGE_TCP, started);
  if (error == NULL)
    {
      self->socket = g_steal_pointer (&socket);
      self->read_func = socket_read_cb;
      self->write_func = socket_write_cb;
      self->transport_data = self->socket;
      mfd_observation_set_detail (obs, N_("Connected to {1} port {2}."),
                                  self->ip, port, NULL);
      return obs;
    }

  mfd_observation_set_fact (obs, "error", error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "tcp-refused");
      mfd_observation_set_fact (obs, "reason", "refused");
      mfd_observation_set_detail (obs, N_("The connection was refused: nothing accepts connections on this port, or a firewall rejects them."), NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "tcp-refused");
      mfd_observation_set_fact (obs, "reason", "reset");
      mfd_observation_set_detail (obs, N_("The connection was reset while it was being set up, typically by a firewall."), NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "tcp-timeout");
      mfd_observation_set_fact (obs, "reason", "timeout");
      mfd_observation_set_detail (obs, N_("No answer to the connection attempt within the timeout of {1} s."),
                                  seconds, NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_detail (obs, N_("The check was cancelled."), NULL);
    }
  else
    {
      /* No route, network down, no IPv6 here: this computer cannot tell
       * whether EOP, on another network, could connect. */
      obs->outcome = MFD_OUTCOME_INCONCLUSIVE;
      mfd_observation_set_fact (obs, "reason", "unreachable");
      mfd_observation_set_detail (obs, N_("This computer cannot reach {1}: {2}"),
                                  self->ip, error->message, NULL);
    }
  return obs;
}

MfdObservation *
mfd_smtp_connection_greeting (MfdSmtpConnection *self)
{
  g_autoptr(MfdSmtpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  gint64 started = g_get_monotonic_time ();
  MfdObservation *obs;

  reply = read_reply (self, &error);
  obs = new_observation (self, MFD_STAGE_GREETING, started);
  if (reply == NULL)
    {
      fail_with_error (self, obs, NULL, error);
      return obs;
    }

  set_reply (obs, reply);
  if (reply->code / 100 == 2)
    {
      mfd_observation_set_detail (obs, N_("The server greeted us: {1}"), reply->lines[0], NULL);
      return obs;
    }

  code = g_strdup_printf ("%d", reply->code);
  obs->outcome = MFD_OUTCOME_FAIL;
  mfd_observation_set_cause (obs, "greeting-rejected");
  mfd_observation_set_detail (obs, N_("The server refused the session in its greeting: {1} {2}"),
                              code, reply->lines[0], NULL);
  return obs;
}

static void
parse_extensions (MfdSmtpConnection  *self,
                  const MfdSmtpReply *reply)
{
  g_hash_table_remove_all (self->extensions);
  /* The first line is the server's name; each following one a keyword
   * with optional parameters (RFC 5321 4.1.1.1). */
  for (guint i = 1; reply->lines[i] != NULL; i++)
    {
      const char *line = reply->lines[i];
      const char *space = strchr (line, ' ');
      g_autofree char *keyword = g_ascii_strup (line, space != NULL ? space - line : -1);

      if (*keyword == '\0')
        continue;
      g_hash_table_replace (self->extensions, g_steal_pointer (&keyword),
                            g_strdup (space != NULL ? space + 1 : ""));
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
dup_extension_list (MfdSmtpConnection *self)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->extensions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (" ", (char **) keys->pdata);
}

/* EHLO, its reply and the extensions; used before and after TLS. Returns
 * FALSE with @obs filled when it failed. */
static gboolean
do_ehlo (MfdSmtpConnection *self,
         MfdObservation    *obs)
{
  g_autoptr(MfdSmtpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = mfd_smtp_dup_local_name (self->socket);
  g_autofree char *extensions = NULL;
  g_autofree char *code = NULL;

  mfd_observation_set_fact (obs, "ehlo-name", name);
  if (!send_command (self, "EHLO", name, &error) ||
      (reply = read_reply (self, &error)) == NULL)
    {
      fail_with_error (self, obs, "EHLO", error);
      return FALSE;
    }

  set_reply (obs, reply);
  if (reply->code != 250)
    {
      code = g_strdup_printf ("%d", reply->code);
      obs->outcome = MFD_OUTCOME_FAIL;
      mfd_observation_set_cause (obs, "ehlo-rejected");
      mfd_observation_set_fact (obs, "step", mfd_stage_to_string (obs->stage));
      mfd_observation_set_detail (obs, N_("The server rejected EHLO: {1} {2}"),
                                  code, reply->lines[0], NULL);
      return FALSE;
    }

  parse_extensions (self, reply);
  extensions = dup_extension_list (self);
  mfd_observation_set_fact (obs, "extensions", extensions);
  return TRUE;
}

MfdObservation *
mfd_smtp_connection_ehlo (MfdSmtpConnection *self)
{
  gint64 started = g_get_monotonic_time ();
  MfdObservation *obs = new_observation (self, MFD_STAGE_EHLO, started);

  if (do_ehlo (self, obs))
    mfd_observation_set_detail (obs, N_("The server accepted EHLO and offers: {1}"),
                                mfd_observation_get_fact (obs, "extensions"), NULL);
  obs->ms = (g_get_monotonic_time () - started) / 1000;
  return obs;
}

MfdObservation *
mfd_smtp_connection_starttls (MfdSmtpConnection *self,
                              MfdTlsMode         mode)
{
  g_autoptr(MfdSmtpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  gint64 started = g_get_monotonic_time ();
  gboolean required = mfd_tls_mode_requires_tls (mode);
  MfdObservation *obs;

  if (mode == MFD_TLS_NONE)
    {
      obs = new_observation (self, MFD_STAGE_STARTTLS, started);
      obs->outcome = MFD_OUTCOME_SKIPPED;
      mfd_observation_set_detail (obs, N_("Not checked: TLS is switched off for this check."), NULL);
      return obs;
    }

  if (!mfd_smtp_connection_has_extension (self, "STARTTLS"))
    {
      obs = new_observation (self, MFD_STAGE_STARTTLS, started);
      obs->outcome = required ? MFD_OUTCOME_FAIL : MFD_OUTCOME_WARNING;
      mfd_observation_set_cause (obs, "starttls-missing");
      if (required)
        mfd_observation_set_detail (obs, N_("The server does not offer STARTTLS, but the connector requires TLS."), NULL);
      else
        mfd_observation_set_detail (obs, N_("The server does not offer STARTTLS: mail to it travels unencrypted."), NULL);
      return obs;
    }

  if (!send_command (self, "STARTTLS", NULL, &error) ||
      (reply = read_reply (self, &error)) == NULL)
    {
      obs = new_observation (self, MFD_STAGE_STARTTLS, started);
      fail_with_error (self, obs, "STARTTLS", error);
      return obs;
    }

  obs = new_observation (self, MFD_STAGE_STARTTLS, started);
  set_reply (obs, reply);
  if (reply->code != 220)
    {
      code = g_strdup_printf ("%d", reply->code);
      obs->outcome = required ? MFD_OUTCOME_FAIL : MFD_OUTCOME_WARNING;
      mfd_observation_set_cause (obs, "starttls-rejected");
      mfd_observation_set_detail (obs, N_("The server offers STARTTLS but refused it: {1} {2}"),
                                  code, reply->lines[0], NULL);
      return obs;
    }

  /* Anything the server sent after its 220 was sent in the clear and must
   * not be read as part of the encrypted session (RFC 3207 5). */
  if (self->inbuf->len > 0)
    {
      g_autofree char *discarded = g_strdup_printf ("%u", self->inbuf->len);

      mfd_observation_set_fact (obs, "discarded-bytes", discarded);
      g_byte_array_set_size (self->inbuf, 0);
      reply_parser_reset (self->parser);
    }
  mfd_observation_set_detail (obs, N_("The server agreed to start TLS."), NULL);
  return obs;
}

MfdObservation *
mfd_smtp_connection_quit (MfdSmtpConnection *self,
                          gboolean           ehlo_again)
{
  g_autoptr(MfdSmtpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  MfdObservation *obs = new_observation (self, MFD_STAGE_QUIT, started);

  if (ehlo_again && !do_ehlo (self, obs))
    goto out;

  if (!send_command (self, "QUIT", NULL, &error) ||
      (reply = read_reply (self, &error)) == NULL)
    {
      fail_with_error (self, obs, "QUIT", error);
      goto out;
    }

  set_reply (obs, reply);
  if (reply->code / 100 == 2)
    mfd_observation_set_detail (obs, N_("The server ended the session politely."), NULL);
  else
    {
      obs->outcome = MFD_OUTCOME_WARNING;
      mfd_observation_set_detail (obs, N_("The server answered QUIT with {1} instead of 221."),
                                  obs->reply_text, NULL);
    }

out:
  obs->ms = (g_get_monotonic_time () - started) / 1000;
  return obs;
}

char *
mfd_smtp_dup_local_name (GSocket *socket)
{
  const char *name = g_get_host_name ();
  g_autoptr(GSocketAddress) local = NULL;
  GInetAddress *inet;
  g_autofree char *ip = NULL;

  /* An EHLO name must be a fully qualified domain name (RFC 5321 4.1.4);
   * a bare host name or "localhost" is not one, an address literal is. */
  if (name != NULL && strchr (name, '.') != NULL &&
      g_hostname_is_ascii_encoded (name) && !g_hostname_is_ip_address (name) &&
      !g_str_has_prefix (name, "localhost"))
    return g_strdup (name);

  if (socket != NULL)
    local = g_socket_get_local_address (socket, NULL);
  if (local == NULL || !G_IS_INET_SOCKET_ADDRESS (local))
    return g_strdup ("[127.0.0.1]");

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));
  ip = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[IPv6:%s]", ip);
  return g_strdup_printf ("[%s]", ip);
}
