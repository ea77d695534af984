/* test-smtp.c — the reply parser and the SMTP steps against real loopback
 * peers (the practice servers)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "mfd/mfd.h"
#include "mfd-smtp.h"
#include "mfd-socket.h"
#include "mfd-test-util.h"

/* The reply parser ---------------------------------------------------------- */

typedef struct
{
  const char         *name;
  const char         *data;
  gssize              len;       /* -1: strlen */
  MfdSmtpParseStatus  status;
  int                 error_code;
  int                 code;
  guint               n_lines;
  gsize               consumed;
  const char         *last_line;
} ParseCase;

static const ParseCase parse_cases[] = {
  { "single", "220 mail.contoso.com ESMTP\r\n", -1, MFD_SMTP_PARSE_COMPLETE, 0, 220, 1, 28, "mail.contoso.com ESMTP" },
  { "multi", "250-mail\r\n250-STARTTLS\r\n250 SIZE 100\r\n", -1, MFD_SMTP_PARSE_COMPLETE, 0, 250, 3, 38, "SIZE 100" },
  { "code-only", "220\r\n", -1, MFD_SMTP_PARSE_COMPLETE, 0, 220, 1, 5, "" },
  { "bare-lf", "221 bye\n", -1, MFD_SMTP_PARSE_COMPLETE, 0, 221, 1, 8, "bye" },
  { "pipelined-rest-left", "250 a\r\n250 b\r\n", -1, MFD_SMTP_PARSE_COMPLETE, 0, 250, 1, 7, "a" },
  { "nul-byte", "220 a\0b\r\n", 9, MFD_SMTP_PARSE_COMPLETE, 0, 220, 1, 9, "a\xef\xbf\xbd" "b" },
  { "empty", "", 0, MFD_SMTP_PARSE_INCOMPLETE, 0, 0, 0, 0, NULL },
  { "no-line-end", "220 almost", -1, MFD_SMTP_PARSE_INCOMPLETE, 0, 0, 0, 0, NULL },
  { "continuation-pending", "220-first\r\n", -1, MFD_SMTP_PARSE_INCOMPLETE, 0, 0, 0, 0, NULL },
  { "mixed-codes", "220-a\r\n250 b\r\n", -1, MFD_SMTP_PARSE_ERROR, MFD_SMTP_ERROR_MALFORMED, 0, 0, 0, NULL },
  { "letters", "abc hello\r\n", -1, MFD_SMTP_PARSE_ERROR, MFD_SMTP_ERROR_MALFORMED, 0, 0, 0, NULL },
  { "short", "22\r\n", -1, MFD_SMTP_PARSE_ERROR, MFD_SMTP_ERROR_MALFORMED, 0, 0, 0, NULL },
  { "four-digits", "2200 x\r\n", -1, MFD_SMTP_PARSE_ERROR, MFD_SMTP_ERROR_MALFORMED, 0, 0, 0, NULL },
  { "bad-class", "620 x\r\n", -1, MFD_SMTP_PARSE_ERROR, MFD_SMTP_ERROR_MALFORMED, 0, 0, 0, NULL },
  { "tls-record", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n", 12, MFD_SMTP_PARSE_ERROR, MFD_SMTP_ERROR_MALFORMED, 0, 0, 0, NULL },
  { "http", "HTTP/1.1 400 Bad Request\r\n", -1, MFD_SMTP_PARSE_ERROR, MFD_SMTP_ERROR_MALFORMED, 0, 0, 0, NULL },
};

static void
test_parse_case (gconstpointer data)
{
  const ParseCase *c = data;
  gsize len = c->len >= 0 ? (gsize) c->len : strlen (c->data);
  g_autoptr(MfdSmtpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize consumed = 0;
  MfdSmtpParseStatus status;

  status = mfd_smtp_parse_reply ((const guint8 *) c->data, len, &consumed, &reply, &error);
  g_assert_cmpint (status, ==, c->status);
  switch (status)
    {
    case MFD_SMTP_PARSE_COMPLETE:
      g_assert_no_error (error);
      g_assert_nonnull (reply);
      g_assert_cmpint (reply->code, ==, c->code);
      g_assert_cmpuint (g_strv_length (reply->lines), ==, c->n_lines);
      g_assert_cmpuint (consumed, ==, c->consumed);
      g_assert_cmpstr (reply->lines[c->n_lines - 1], ==, c->last_line);
      break;
    case MFD_SMTP_PARSE_ERROR:
      g_assert_error (error, MFD_SMTP_ERROR, c->error_code);
      g_assert_null (reply);
      break;
    case MFD_SMTP_PARSE_INCOMPLETE:
    default:
      g_assert_no_error (error);
      g_assert_null (reply);
      break;
    }

  /* Fed one byte, then two, … at a time, as a connection feeds it: the
   * incremental parser gives the same answer. */
  for (gsize step = 1; step <= 3; step++)
    {
      g_autoptr(MfdSmtpReply) stepped = NULL;
      g_autoptr(GError) stepped_error = NULL;
      gsize stepped_consumed = 0;

      g_assert_cmpint (mfd_smtp_parse_reply_in_steps ((const guint8 *) c->data, len, step,
                                                      &stepped_consumed, &stepped, &stepped_error),
                       ==, status);
      if (status == MFD_SMTP_PARSE_COMPLETE)
        {
          g_assert_cmpuint (stepped_consumed, ==, consumed);
          g_assert_cmpint (stepped->code, ==, reply->code);
          g_assert_cmpuint (g_strv_length (stepped->lines), ==, g_strv_length (reply->lines));
        }
      else if (status == MFD_SMTP_PARSE_ERROR)
        g_assert_error (stepped_error, MFD_SMTP_ERROR, c->error_code);
    }
}

static MfdSmtpParseStatus
parse_string (GString  *str,
              GError  **error)
{
  g_autoptr(MfdSmtpReply) reply = NULL;
  gsize consumed;

  return mfd_smtp_parse_reply ((const guint8 *) str->str, str->len, &consumed, &reply, error);
}

static void
test_parse_limits (void)
{
  g_autoptr(GString) str = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* One line longer than the limit, before its line end arrives: refused
   * at once rather than buffered. */
  g_string_append (str, "220 ");
  for (guint i = 0; i < MFD_SMTP_MAX_LINE; i++)
    g_string_append_c (str, 'x');
  g_assert_cmpint (parse_string (str, &error), ==, MFD_SMTP_PARSE_ERROR);
  g_assert_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);

  g_string_append (str, "\r\n");
  g_assert_cmpint (parse_string (str, &error), ==, MFD_SMTP_PARSE_ERROR);
  g_assert_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);

  /* A line just under the limit is fine. */
  g_string_truncate (str, 0);
  g_string_append (str, "220 ");
  while (str->len < MFD_SMTP_MAX_LINE - 2)
    g_string_append_c (str, 'y');
  g_string_append (str, "\r\n");
  g_assert_cmpint (parse_string (str, &error), ==, MFD_SMTP_PARSE_COMPLETE);
  g_assert_no_error (error);

  /* Too many lines: an endless continuation. */
  g_string_truncate (str, 0);
  for (guint i = 0; i <= MFD_SMTP_MAX_LINES; i++)
    g_string_append (str, "250-more\r\n");
  g_assert_cmpint (parse_string (str, &error), ==, MFD_SMTP_PARSE_ERROR);
  g_assert_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_TOO_MANY_LINES);
  g_clear_error (&error);

  /* Fewer lines, each allowed, but too many bytes together. */
  g_string_truncate (str, 0);
  for (guint i = 0; i < 100; i++)
    {
      g_string_append (str, "250-");
      for (guint j = 0; j < 1000; j++)
        g_string_append_c (str, 'z');
      g_string_append (str, "\r\n");
    }
  g_assert_cmpint (parse_string (str, &error), ==, MFD_SMTP_PARSE_ERROR);
  g_assert_error (error, MFD_SMTP_ERROR, MFD_SMTP_ERROR_TOO_LARGE);
  g_clear_error (&error);
}

static void
test_parse_sanitizes (void)
{
  static const char data[] = "220 caf\xc3\xa9 \xff\xfe \x1b[31mred\r\n";
  g_autoptr(MfdSmtpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize consumed;

  g_assert_cmpint (mfd_smtp_parse_reply ((const guint8 *) data, sizeof data - 1, &consumed,
                                         &reply, &error), ==, MFD_SMTP_PARSE_COMPLETE);
  g_assert_true (g_utf8_validate (reply->lines[0], -1, NULL));
  g_assert_null (strchr (reply->lines[0], '\x1b'));
  g_assert_true (g_str_has_prefix (reply->lines[0], "caf\xc3\xa9"));
}

/* Random bytes and random reply-shaped text: always a definite answer. */
static void
test_parse_random (void)
{
  static const char alphabet[] = "0123452- \r\nabc\xff";
  GRand *rand = g_rand_new_with_seed (4315);

  for (guint round = 0; round < 5000; round++)
    {
      gsize len = g_rand_int_range (rand, 0, 300);
      g_autofree guint8 *data = g_malloc (len + 1);
      g_autoptr(MfdSmtpReply) reply = NULL;
      g_autoptr(GError) error = NULL;
      gsize consumed = 0;
      MfdSmtpParseStatus status;

      for (gsize i = 0; i < len; i++)
        data[i] = round % 2 ? (guint8) g_rand_int (rand)
                            : (guint8) alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      status = mfd_smtp_parse_reply (data, len, &consumed, &reply, &error);
      if (status == MFD_SMTP_PARSE_COMPLETE)
        {
          g_assert_cmpuint (consumed, <=, len);
          g_assert_cmpuint (consumed, >, 0);
          g_assert_cmpint (reply->code, >=, 100);
          g_assert_cmpint (reply->code, <=, 599);
        }
      else
        g_assert_true ((status == MFD_SMTP_PARSE_ERROR) == (error != NULL));
    }
  g_rand_free (rand);
}

/* The steps against the practice servers ------------------------------------ */

static MfdSmtpConnection *
connect_lab (MfdLab *lab,
             guint   reply_timeout_ms)
{
  MfdSmtpConnection *connection = mfd_smtp_connection_new (mfd_lab_get_host_name (lab),
                                                           mfd_lab_get_address (lab),
                                                           mfd_lab_get_smtp_port (lab),
                                                           reply_timeout_ms, NULL);
  g_autoptr(MfdObservation) tcp = mfd_smtp_connection_connect (connection, 2000);

  g_assert_cmpint (tcp->stage, ==, MFD_STAGE_TCP);
  g_assert_cmpint (tcp->outcome, ==, MFD_OUTCOME_OK);
  return connection;
}

static void
assert_observation (MfdObservation *obs,
                    MfdStage        stage,
                    MfdOutcome      outcome,
                    const char     *cause)
{
  g_assert_nonnull (obs);
  g_assert_cmpstr (mfd_stage_to_string (obs->stage), ==, mfd_stage_to_string (stage));
  g_assert_cmpstr (mfd_outcome_to_string (obs->outcome), ==, mfd_outcome_to_string (outcome));
  g_assert_cmpstr (obs->cause, ==, cause);
  g_assert_nonnull (obs->detail_msgid);
}

static void
test_healthy_dialogue (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_HEALTHY, &error);
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdObservation) greeting = NULL;
  g_autoptr(MfdObservation) ehlo = NULL;
  g_autoptr(MfdObservation) quit = NULL;
  g_auto(GStrv) transcript = NULL;
  const char *name;

  g_assert_no_error (error);
  connection = connect_lab (lab, 5000);

  greeting = mfd_smtp_connection_greeting (connection);
  assert_observation (greeting, MFD_STAGE_GREETING, MFD_OUTCOME_OK, NULL);
  g_assert_cmpint (greeting->reply_code, ==, 220);
  /* Both lines of the multi-line greeting were read. */
  g_assert_nonnull (strstr (greeting->reply_text, "220-mail.contoso.test"));
  g_assert_nonnull (strstr (greeting->reply_text, "220 Nothing here"));

  ehlo = mfd_smtp_connection_ehlo (connection);
  assert_observation (ehlo, MFD_STAGE_EHLO, MFD_OUTCOME_OK, NULL);
  g_assert_true (mfd_smtp_connection_has_extension (connection, "STARTTLS"));
  g_assert_true (mfd_smtp_connection_has_extension (connection, "SIZE"));
  g_assert_false (mfd_smtp_connection_has_extension (connection, "AUTH"));
  g_assert_cmpstr (mfd_observation_get_fact (ehlo, "extensions"), ==,
                   "8BITMIME PIPELINING SIZE SMTPUTF8 STARTTLS");

  /* Our name is an FQDN or an address literal, never a bare word. */
  name = mfd_observation_get_fact (ehlo, "ehlo-name");
  g_assert_nonnull (name);
  g_assert_true (g_str_has_prefix (name, "[") || strchr (name, '.') != NULL);

  quit = mfd_smtp_connection_quit (connection, FALSE);
  assert_observation (quit, MFD_STAGE_QUIT, MFD_OUTCOME_OK, NULL);
  g_assert_cmpint (quit->reply_code, ==, 221);

  transcript = mfd_lab_dup_transcript (lab);
  g_assert_cmpuint (g_strv_length (transcript), ==, 2);
  g_assert_true (g_str_has_prefix (transcript[0], "EHLO "));
  g_assert_cmpstr (transcript[1], ==, "QUIT");
}

typedef struct
{
  const char     *name;
  MfdLabScenario  scenario;
  MfdTlsMode      mode;
  MfdStage        stage;       /* the step that must fail */
  MfdOutcome      outcome;
  const char     *cause;
  int             reply_code;
} StepCase;

static const StepCase step_cases[] = {
  { "silent", MFD_LAB_SILENT, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_GREETING, MFD_OUTCOME_FAIL, "greeting-timeout", 0 },
  { "greet-421", MFD_LAB_GREET_421, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_GREETING, MFD_OUTCOME_FAIL, "greeting-rejected", 421 },
  { "greet-554", MFD_LAB_GREET_554, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_GREETING, MFD_OUTCOME_FAIL, "greeting-rejected", 554 },
  { "close-after-greeting", MFD_LAB_CLOSE_AFTER_GREETING, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_EHLO, MFD_OUTCOME_FAIL, "closed-abruptly", 0 },
  { "ehlo-rejected", MFD_LAB_EHLO_REJECTED, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_EHLO, MFD_OUTCOME_FAIL, "ehlo-rejected", 550 },
  { "close-after-ehlo", MFD_LAB_CLOSE_AFTER_EHLO, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_EHLO, MFD_OUTCOME_FAIL, "closed-abruptly", 0 },
  { "no-starttls-required", MFD_LAB_NO_STARTTLS, MFD_TLS_ENCRYPTION_ONLY, MFD_STAGE_STARTTLS, MFD_OUTCOME_FAIL, "starttls-missing", 0 },
  { "no-starttls-opportunistic", MFD_LAB_NO_STARTTLS, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_STARTTLS, MFD_OUTCOME_WARNING, "starttls-missing", 0 },
  { "starttls-454", MFD_LAB_STARTTLS_454, MFD_TLS_DOMAIN_VALIDATION, MFD_STAGE_STARTTLS, MFD_OUTCOME_FAIL, "starttls-rejected", 454 },
  { "starttls-454-opportunistic", MFD_LAB_STARTTLS_454, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_STARTTLS, MFD_OUTCOME_WARNING, "starttls-rejected", 454 },
  { "tls-none", MFD_LAB_HEALTHY, MFD_TLS_NONE, MFD_STAGE_STARTTLS, MFD_OUTCOME_SKIPPED, NULL, 0 },
  { "endless-reply", MFD_LAB_ENDLESS_REPLY, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_GREETING, MFD_OUTCOME_FAIL, "other", 0 },
  { "huge-line", MFD_LAB_HUGE_LINE, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_GREETING, MFD_OUTCOME_FAIL, "other", 0 },
  { "slow-drip", MFD_LAB_SLOW_DRIP, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_GREETING, MFD_OUTCOME_FAIL, "greeting-timeout", 0 },
  { "never-reads", MFD_LAB_NEVER_READS, MFD_TLS_OPPORTUNISTIC, MFD_STAGE_EHLO, MFD_OUTCOME_FAIL, "closed-abruptly", 0 },
};

#define STEP_REPLY_TIMEOUT_MS 1000

/* Runs the dialogue up to @c->stage and checks how that step ended. */
static void
test_step_case (gconstpointer data)
{
  const StepCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (c->scenario, &error);
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdObservation) obs = NULL;
  gint64 started;

  g_assert_no_error (error);
  connection = connect_lab (lab, STEP_REPLY_TIMEOUT_MS);
  started = g_get_monotonic_time ();

  for (MfdStage stage = MFD_STAGE_GREETING; stage <= c->stage; stage++)
    {
      g_clear_pointer (&obs, mfd_observation_unref);
      if (stage == MFD_STAGE_GREETING)
        obs = mfd_smtp_connection_greeting (connection);
      else if (stage == MFD_STAGE_EHLO)
        obs = mfd_smtp_connection_ehlo (connection);
      else
        obs = mfd_smtp_connection_starttls (connection, c->mode);
      if (stage < c->stage)
        assert_observation (obs, stage, MFD_OUTCOME_OK, NULL);
    }

  assert_observation (obs, c->stage, c->outcome, c->cause);
  g_assert_cmpint (obs->reply_code, ==, c->reply_code);
  if (g_strcmp0 (c->cause, "closed-abruptly") == 0)
    g_assert_cmpstr (mfd_observation_get_fact (obs, "step"), ==, mfd_stage_to_string (c->stage));
  /* Hostile or silent, every peer is given up on within the reply timeout
   * (plus scheduling slack), not when it pleases. */
  g_assert_cmpint ((g_get_monotonic_time () - started) / 1000, <, STEP_REPLY_TIMEOUT_MS + 2000);
}

/* A server that sends a long multi-line greeting one byte at a time: every
 * byte is a read of its own, and the parser must not start over from the
 * reply's first line on each one (199 lines cost about a minute of CPU
 * that way). The assertion is on the bytes the parser examined, which must
 * stay linear in the reply's size, not on the clock. */
#define TRICKLE_LINES 199

typedef struct
{
  GSocket *listener;
  GString *reply;
} Trickle;

static gpointer
trickle_serve (gpointer data)
{
  Trickle *t = data;
  g_autoptr(GSocket) peer = g_socket_accept (t->listener, NULL, NULL);
  char buffer[256];

  g_assert_nonnull (peer);
  g_socket_set_option (peer, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  for (gsize i = 0; i < t->reply->len; i++)
    g_assert_cmpint (g_socket_send (peer, t->reply->str + i, 1, NULL, NULL), ==, 1);
  /* Hold the connection until the client is done. */
  g_socket_set_timeout (peer, 30);
  while (g_socket_receive (peer, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
  return NULL;
}

/* The real socket, read one byte per call. */
static gssize
read_one_byte (gpointer       user_data,
               guint8        *buffer,
               gsize          size,
               gint64         deadline,
               GCancellable  *cancellable,
               GError       **error)
{
  return mfd_socket_read (user_data, buffer, MIN (size, 1), deadline, cancellable, error);
}

static gboolean
write_all (gpointer       user_data,
           const guint8  *data,
           gsize          size,
           gint64         deadline,
           GCancellable  *cancellable,
           GError       **error)
{
  return mfd_socket_write_all (user_data, data, size, deadline, cancellable, error);
}

static void
test_trickled_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdObservation) tcp = NULL;
  g_autoptr(MfdObservation) greeting = NULL;
  Trickle t = { 0 };
  GThread *thread;
  guint16 port;

  t.reply = g_string_new (NULL);
  for (guint i = 1; i <= TRICKLE_LINES; i++)
    g_string_append_printf (t.reply, "220%cline %03u of a long greeting, sent one byte at a time\r\n",
                            i < TRICKLE_LINES ? '-' : ' ', i);

  t.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (t.listener, any, TRUE, &error));
  g_assert_true (g_socket_listen (t.listener, &error));
  bound = g_socket_get_local_address (t.listener, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  thread = g_thread_new ("trickle", trickle_serve, &t);

  connection = mfd_smtp_connection_new ("trickle.test", "127.0.0.1", port, 60000, NULL);
  tcp = mfd_smtp_connection_connect (connection, 2000);
  assert_observation (tcp, MFD_STAGE_TCP, MFD_OUTCOME_OK, NULL);
  mfd_smtp_connection_set_transport (connection, read_one_byte, write_all,
                                     mfd_smtp_connection_get_socket (connection));

  greeting = mfd_smtp_connection_greeting (connection);
  assert_observation (greeting, MFD_STAGE_GREETING, MFD_OUTCOME_OK, NULL);

  g_test_message ("%" G_GSIZE_FORMAT " bytes, %" G_GUINT64_FORMAT " examined",
                  t.reply->len, mfd_smtp_connection_get_bytes_examined (connection));
  g_assert_cmpuint (mfd_smtp_connection_get_bytes_examined (connection), >=, t.reply->len);
  g_assert_cmpuint (mfd_smtp_connection_get_bytes_examined (connection), <=, 2 * t.reply->len);

  g_clear_pointer (&connection, mfd_smtp_connection_free);
  g_thread_join (thread);
  g_object_unref (t.listener);
  g_string_free (t.reply, TRUE);
}

static void
test_connect_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_REFUSE, &error);
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdObservation) obs = NULL;

  g_assert_no_error (error);
  connection = mfd_smtp_connection_new ("refuse", "127.0.0.1", mfd_lab_get_smtp_port (lab), 1000, NULL);
  obs = mfd_smtp_connection_connect (connection, 2000);
  assert_observation (obs, MFD_STAGE_TCP, MFD_OUTCOME_FAIL, "tcp-refused");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "reason"), ==, "refused");
}

static void
test_connect_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_BLACKHOLE, &error);
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdObservation) obs = NULL;
  gint64 started;

  g_assert_no_error (error);
  connection = mfd_smtp_connection_new ("blackhole", "127.0.0.1", mfd_lab_get_smtp_port (lab), 1000, NULL);
  started = g_get_monotonic_time ();
  obs = mfd_smtp_connection_connect (connection, 700);
  assert_observation (obs, MFD_STAGE_TCP, MFD_OUTCOME_FAIL, "tcp-timeout");
  g_assert_cmpint ((g_get_monotonic_time () - started) / 1000, >=, 650);
  g_assert_cmpint ((g_get_monotonic_time () - started) / 1000, <, 3000);
}

static void
test_connect_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new (MFD_LAB_BLACKHOLE, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdObservation) obs = NULL;

  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  connection = mfd_smtp_connection_new ("blackhole", "127.0.0.1", mfd_lab_get_smtp_port (lab),
                                        1000, cancellable);
  obs = mfd_smtp_connection_connect (connection, 30000);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
}

static void
test_ipv6 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLab) lab = mfd_lab_new_full (MFD_LAB_HEALTHY, "::1", &error);
  g_autoptr(MfdSmtpConnection) connection = NULL;
  g_autoptr(MfdObservation) greeting = NULL;
  g_autoptr(MfdObservation) ehlo = NULL;

  if (lab == NULL)
    {
      g_test_skip_printf ("No IPv6 loopback here: %s", error->message);
      return;
    }
  connection = connect_lab (lab, 5000);
  greeting = mfd_smtp_connection_greeting (connection);
  assert_observation (greeting, MFD_STAGE_GREETING, MFD_OUTCOME_OK, NULL);
  ehlo = mfd_smtp_connection_ehlo (connection);
  assert_observation (ehlo, MFD_STAGE_EHLO, MFD_OUTCOME_OK, NULL);
  if (g_str_has_prefix (mfd_observation_get_fact (ehlo, "ehlo-name"), "["))
    g_assert_cmpstr (mfd_observation_get_fact (ehlo, "ehlo-name"), ==, "[IPv6:::1]");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  MFD_TEST_ADD_ROWS ("/smtp/parse", parse_cases, test_parse_case);
  g_test_add_func ("/smtp/parse/limits", test_parse_limits);
  g_test_add_func ("/smtp/parse/sanitizes", test_parse_sanitizes);
  g_test_add_func ("/smtp/parse/random", test_parse_random);

  g_test_add_func ("/smtp/dialogue/healthy", test_healthy_dialogue);
  MFD_TEST_ADD_ROWS ("/smtp/step", step_cases, test_step_case);
  g_test_add_func ("/smtp/dialogue/trickled-reply", test_trickled_reply);
  g_test_add_func ("/smtp/connect/refused", test_connect_refused);
  g_test_add_func ("/smtp/connect/timeout", test_connect_timeout);
  g_test_add_func ("/smtp/connect/cancelled", test_connect_cancelled);
  g_test_add_func ("/smtp/ipv6", test_ipv6);

  return g_test_run ();
}
