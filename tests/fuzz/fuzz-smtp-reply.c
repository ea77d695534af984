/* fuzz-smtp-reply.c — libFuzzer target for the SMTP reply (and EHLO) parser
 *
 * The bytes are read as a server's stream: replies are parsed one after the
 * other as mfd_smtp_parse_reply() consumes them, and again fed in pieces as
 * a connection feeds the incremental parser, which must give the same
 * answer. A complete reply must parse the same from exactly its own bytes
 * (the parser may not look past what it consumed), and its lines must be
 * UTF-8.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "mfd/mfd.h"
#include "mfd-smtp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
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
          return 0;
        }
      g_assert_no_error (error);
      if (status == MFD_SMTP_PARSE_INCOMPLETE)
        {
          g_assert_null (reply);
          return 0;
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

  return 0;
}
