/* fuzz-smtp-reply.c — libFuzzer target for the SMTP reply parser and the
 * dialogue that reads it (greeting, EHLO and its extensions, STARTTLS, QUIT)
 *
 * The bytes are read as a server's stream, twice. First, replies are parsed
 * one after the other as mfd_smtp_parse_reply() consumes them, and again fed
 * in pieces as a connection feeds the incremental parser, which must give
 * the same answer: a complete reply must parse the same from exactly its own
 * bytes (the parser may not look past what it consumed), and its lines must
 * be UTF-8. Then the same bytes play the server in a whole dialogue through
 * the connection's replaceable transport, so the EHLO extension parser and
 * every step's reading of the replies see them; whatever the server says,
 * the client only ever sends EHLO, STARTTLS and QUIT.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mfd/mfd.h"
#include "mfd-smtp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

typedef struct
{
  const uint8_t *data;
  size_t         size;
  size_t         offset;
  GString       *sent;
} Server;

/* The server's bytes in small pieces, so replies also arrive split. */
static gssize
server_read (gpointer       user_data,
             guint8        *buffer,
             gsize          size,
             gint64         deadline,
             GCancellable  *cancellable,
             GError       **error)
{
  Server *server = user_data;
  gsize n = MIN (MIN (size, server->size - server->offset), 61);

  memcpy (buffer, server->data + server->offset, n);
  server->offset += n;
  return n;
}

static gboolean
server_write (gpointer       user_data,
              const guint8  *data,
              gsize          size,
              gint64         deadline,
              GCancellable  *cancellable,
              GError       **error)
{
  Server *server = user_data;

  g_string_append_len (server->sent, (const char *) data, size);
  return TRUE;
}

static void
assert_polite (const char *sent)
{
  g_auto(GStrv) lines = g_strsplit (sent, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_true (lines[i][0] == '\0' ||
                   g_str_has_prefix (lines[i], "EHLO ") ||
                   g_str_equal (lines[i], "STARTTLS") ||
                   g_str_equal (lines[i], "QUIT"));
}

static void
play_dialogue (const uint8_t *data,
               size_t         size,
               MfdTlsMode     mode)
{
  Server server = { data, size, 0, g_string_new (NULL) };
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdObservation) greeting = NULL;
  g_autoptr(MfdObservation) ehlo = NULL;
  g_autoptr(MfdObservation) starttls = NULL;
  g_autoptr(MfdObservation) quit = NULL;

  connection = mfd_smtp_connection_new ("mail.contoso.test", "192.0.2.25", 25, 1000, NULL);
  mfd_smtp_connection_set_transport (connection, server_read, server_write, &server);

  greeting = mfd_smtp_connection_greeting (connection);
  g_assert_nonnull (greeting);
  if (greeting->outcome == MFD_OUTCOME_OK)
    {
      ehlo = mfd_smtp_connection_ehlo (connection);
      g_assert_nonnull (ehlo);
      if (ehlo->outcome == MFD_OUTCOME_OK)
        {
          const char *extensions = mfd_observation_get_fact (ehlo, "extensions");
          g_auto(GStrv) keywords = g_strsplit (extensions != NULL ? extensions : "", " ", -1);

          /* What the evidence lists is what the dialogue goes by. */
          for (guint i = 0; keywords[i] != NULL; i++)
            if (*keywords[i] != '\0')
              g_assert_true (mfd_smtp_connection_has_extension (connection, keywords[i]));

          starttls = mfd_smtp_connection_starttls (connection, mode);
          g_assert_nonnull (starttls);
          if (starttls->outcome == MFD_OUTCOME_FAIL)
            g_assert_nonnull (starttls->cause);
        }
    }
  quit = mfd_smtp_connection_quit (connection, FALSE);
  g_assert_nonnull (quit);
  g_assert_true (server.offset <= size);
  assert_polite (server.sent->str);
  g_string_free (server.sent, TRUE);
}

static void
parse_stream (const uint8_t *data,
              size_t         size)
{
  gsize offset = 0;

  while (offset < size)
    {
      g_autoptr(MfdSmtpReply) reply = NULL;
      g_autoptr(MfdSmtpReply) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) again_error = NULL;
      g_autofree char *text = NULL;
      MfdSmtpParseStatus status;
      gsize consumed = 0;
      gsize again_consumed = 0;

      status = mfd_smtp_parse_reply (data + offset, size - offset, &consumed, &reply, &error);

      /* Read in pieces, as from a server that trickles: the same answer. */
      for (gsize step = 1; step <= 7; step += 3)
        {
          g_autoptr(MfdSmtpReply) stepped = NULL;
          g_autoptr(GError) stepped_error = NULL;
          gsize stepped_consumed = 0;

          g_assert_cmpint (mfd_smtp_parse_reply_in_steps (data + offset, size - offset, step,
                                                          &stepped_consumed, &stepped, &stepped_error),
                           ==, status);
          g_assert_true ((stepped_error == NULL) == (error == NULL));
          if (error != NULL)
            g_assert_cmpint (stepped_error->code, ==, error->code);
          if (status == MFD_SMTP_PARSE_COMPLETE)
            {
              g_autofree char *whole_text = mfd_smtp_reply_to_string (reply);
              g_autofree char *stepped_text = mfd_smtp_reply_to_string (stepped);

              g_assert_cmpuint (stepped_consumed, ==, consumed);
              g_assert_cmpstr (stepped_text, ==, whole_text);
            }
        }

      if (status == MFD_SMTP_PARSE_ERROR)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == MFD_SMTP_ERROR);
          return;
        }
      g_assert_no_error (error);
      if (status == MFD_SMTP_PARSE_INCOMPLETE)
        {
          g_assert_null (reply);
          return;
        }

      g_assert_cmpint (status, ==, MFD_SMTP_PARSE_COMPLETE);
      g_assert_nonnull (reply);
      g_assert_cmpuint (consumed, >, 0);
      g_assert_cmpuint (consumed, <=, size - offset);
      g_assert_cmpint (reply->code, >=, 100);
      g_assert_cmpint (reply->code, <=, 599);
      for (guint i = 0; reply->lines != NULL && reply->lines[i] != NULL; i++)
        g_assert_true (g_utf8_validate (reply->lines[i], -1, NULL));
      text = mfd_smtp_reply_to_string (reply);
      g_assert_true (g_utf8_validate (text, -1, NULL));

      status = mfd_smtp_parse_reply (data + offset, consumed, &again_consumed, &again, &again_error);
      g_assert_no_error (again_error);
      g_assert_cmpint (status, ==, MFD_SMTP_PARSE_COMPLETE);
      g_assert_cmpuint (again_consumed, ==, consumed);
      g_assert_cmpint (again->code, ==, reply->code);
      g_assert_cmpuint (g_strv_length (again->lines), ==, g_strv_length (reply->lines));

      offset += consumed;
    }

}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  parse_stream (data, size);
  /* The first byte picks whether TLS is required. */
  play_dialogue (data, size, size > 0 && (data[0] & 1) ? MFD_TLS_DOMAIN_VALIDATION : MFD_TLS_OPPORTUNISTIC);
  return 0;
}
