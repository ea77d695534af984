/* test-dns.c — DNS checks against real responders on loopback
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "mfd/mfd.h"
#include "../app/core/mfd-host.h"
#include "../app/core/mfd-lab-dns.h"

#define TIMEOUT_MS 1000
#define HOST "mail.contoso.test"

typedef struct
{
  MfdLabDns      *lab;
  MfdDnsResolver *resolver;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->lab = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->lab);
  g_assert_cmpuint (mfd_lab_dns_get_port (fixture->lab), !=, 0);
  fixture->resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (fixture->lab), TIMEOUT_MS, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->resolver, mfd_dns_resolver_free);
  g_clear_pointer (&fixture->lab, mfd_lab_dns_free);
}

static char *
join (GPtrArray *strings)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; strings != NULL && i < strings->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, g_ptr_array_index (strings, i));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_detail_translated (MfdObservation *obs)
{
  g_autofree char *en = mfd_observation_dup_detail (obs, "en");
  g_autofree char *ja = mfd_observation_dup_detail (obs, "ja");

  g_assert_cmpstr (en, !=, "");
  g_assert_null (strstr (en, "{1}"));
  g_assert_true (g_utf8_validate (ja, -1, NULL));
  g_assert_cmpstr (ja, !=, en);
}

/* ------------------------------------------------------------------ */

static void
test_address_found (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autofree char *joined = NULL;

  mfd_lab_dns_add_record (fixture->lab, HOST, "A", "127.0.0.1", 300);
  mfd_lab_dns_add_record (fixture->lab, HOST, "A", "192.0.2.25", 300);
  mfd_lab_dns_add_record (fixture->lab, HOST, "AAAA", "::1", 120);

  obs = mfd_dns_resolve_addresses (fixture->resolver, HOST, &addresses, NULL);
  g_assert_cmpint (obs->stage, ==, MFD_STAGE_DNS);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  g_assert_null (obs->cause);
  g_assert_cmpstr (obs->host, ==, HOST);
  joined = join (addresses);
  g_assert_cmpstr (joined, ==, "127.0.0.1 192.0.2.25 ::1");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "ttl"), ==, "120");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "answers"), ==, "127.0.0.1, 192.0.2.25, ::1");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "rcode"), ==, "NOERROR");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "resolver"), ==, mfd_lab_dns_get_server (fixture->lab));
  g_assert_cmpint (obs->ms, >=, 0);
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->lab), ==, 2);
  assert_detail_translated (obs);

  /* A trailing dot and upper case are the same name. */
  g_clear_pointer (&obs, mfd_observation_unref);
  obs = mfd_dns_resolve_addresses (fixture->resolver, "MAIL.Contoso.test.", NULL, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
}

/* The engine's one host normal form, as every module compares names. */
static void
test_host_normal_form (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "MAIL.Contoso.COM.",      "mail.contoso.com" },
    { "mail.contoso.com",       "mail.contoso.com" },
    { "[2001:db8::25]",         "2001:db8::25" },
    { "192.0.2.25",             "192.0.2.25" },
    /* An internationalized name is looked up and compared in ASCII. */
    { "B\xc3\xbc" "cher.Example.", "xn--bcher-kva.example" },
    { ".",                      "" },
    { "",                       "" },
    { "bad name",               "bad name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = mfd_host_normalize (cases[i].in);

      g_assert_cmpstr (got, ==, cases[i].out);
    }

  g_assert_true (mfd_host_is_ip_literal ("192.0.2.25"));
  g_assert_true (mfd_host_is_ip_literal ("2001:db8::25"));
  g_assert_false (mfd_host_is_ip_literal ("[2001:db8::25]"));
  g_assert_false (mfd_host_is_ip_literal ("192.0.2"));
  g_assert_false (mfd_host_is_ip_literal ("mail.contoso.com"));
  g_assert_false (mfd_host_is_ip_literal (""));
  g_assert_false (mfd_host_is_ip_literal (NULL));

  g_assert_true (mfd_host_is_same_or_below ("mail.contoso.com", "contoso.com"));
  g_assert_true (mfd_host_is_same_or_below ("contoso.com", "CONTOSO.com"));
  g_assert_true (mfd_host_is_same_or_below ("contoso.com", ""));
  g_assert_false (mfd_host_is_same_or_below ("mailcontoso.com", "contoso.com"));
  g_assert_false (mfd_host_is_same_or_below ("com", "contoso.com"));
}

static void
test_address_idn (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autofree char *joined = NULL;

  mfd_lab_dns_add_record (fixture->lab, "xn--bcher-kva.contoso.test", "A", "127.0.0.1", 300);

  obs = mfd_dns_resolve_addresses (fixture->resolver, "B\xc3\xbc" "cher.contoso.test.", &addresses, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  joined = join (addresses);
  g_assert_cmpstr (joined, ==, "127.0.0.1");
}

typedef struct
{
  const char    *name;
  MfdLabDnsMode  mode;
  MfdOutcome     outcome;
  const char    *cause;
  const char    *rcode;
  gboolean       over_tcp;    /* the failing answer came over TCP */
} FailureCase;

static const FailureCase failure_cases[] = {
  { "gone.contoso.test",     MFD_LAB_DNS_MODE_NXDOMAIN, MFD_OUTCOME_FAIL, "dns-nxdomain", "NXDOMAIN", FALSE },
  { "unknown.contoso.test",  MFD_LAB_DNS_MODE_ANSWER,   MFD_OUTCOME_FAIL, "dns-nxdomain", "NXDOMAIN", FALSE },
  { "mxonly.contoso.test",   MFD_LAB_DNS_MODE_ANSWER,   MFD_OUTCOME_FAIL, "dns-no-address", "NOERROR", FALSE },
  { "broken.contoso.test",   MFD_LAB_DNS_MODE_SERVFAIL, MFD_OUTCOME_FAIL, "dns-servfail", "SERVFAIL", FALSE },
  { "refused.contoso.test",  MFD_LAB_DNS_MODE_REFUSED,  MFD_OUTCOME_FAIL, "dns-servfail", "REFUSED", FALSE },
  { "silent.contoso.test",   MFD_LAB_DNS_MODE_SILENT,   MFD_OUTCOME_FAIL, "dns-timeout", NULL, FALSE },
  { "loop.contoso.test",     MFD_LAB_DNS_MODE_COMPRESSION_LOOP, MFD_OUTCOME_FAIL, "dns-servfail", NULL, FALSE },
  { "cut.contoso.test",      MFD_LAB_DNS_MODE_CUT_SHORT, MFD_OUTCOME_FAIL, "dns-servfail", NULL, FALSE },
  { "garbage.contoso.test",  MFD_LAB_DNS_MODE_GARBAGE,  MFD_OUTCOME_FAIL, "dns-servfail", NULL, FALSE },
};

/* Serves @c->name in @c->mode (with a record, unless the mode is to
 * answer from the records) and asserts the failure it makes, within the
 * timeout. */
static void
assert_failure (Fixture           *fixture,
                const FailureCase *c)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  gint64 started;

  /* Records exist for every name, so only the mode decides. */
  if (c->mode != MFD_LAB_DNS_MODE_ANSWER)
    mfd_lab_dns_add_record (fixture->lab, c->name, "A", "192.0.2.1", 300);
  mfd_lab_dns_set_mode (fixture->lab, c->name, c->mode);

  g_test_message ("%s", c->name);
  started = g_get_monotonic_time ();
  obs = mfd_dns_resolve_addresses (fixture->resolver, c->name, &addresses, NULL);
  g_assert_cmpint (obs->outcome, ==, c->outcome);
  g_assert_cmpstr (obs->cause, ==, c->cause);
  g_assert_cmpstr (mfd_observation_get_fact (obs, "rcode"), ==, c->rcode);
  g_assert_null (addresses);
  assert_detail_translated (obs);
  /* Bounded by the timeout (with room for a loaded machine). */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 4 * TIMEOUT_MS * 1000);
  if (c->mode == MFD_LAB_DNS_MODE_SILENT)
    g_assert_cmpint (obs->ms, >=, TIMEOUT_MS / 2);
  if (g_str_equal (c->cause, "dns-servfail") && c->rcode == NULL)
    g_assert_cmpstr (mfd_observation_get_fact (obs, "malformed"), ==, "true");
  if (c->over_tcp)
    g_assert_cmpstr (mfd_observation_get_fact (obs, "transport"), ==, "tcp");
}

static void
test_failures (Fixture       *fixture,
               gconstpointer  data)
{
  mfd_lab_dns_add_record (fixture->lab, "mxonly.contoso.test", "MX", "10 mail.contoso.test", 300);

  for (guint i = 0; i < G_N_ELEMENTS (failure_cases); i++)
    assert_failure (fixture, &failure_cases[i]);
}

static void
test_truncated_falls_back_to_tcp (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autofree char *joined = NULL;

  mfd_lab_dns_add_record (fixture->lab, HOST, "A", "127.0.0.1", 300);
  mfd_lab_dns_set_mode (fixture->lab, NULL, MFD_LAB_DNS_MODE_TRUNCATED);

  obs = mfd_dns_resolve_addresses (fixture->resolver, HOST, &addresses, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  joined = join (addresses);
  g_assert_cmpstr (joined, ==, "127.0.0.1");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "transport"), ==, "tcp");
  /* A and AAAA, each once over UDP and once over TCP. */
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->lab), ==, 4);
}

static void
test_large_answer_over_tcp (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(GPtrArray) addresses = NULL;

  /* More than fits in 512 bytes: the responder truncates, we retry. */
  for (guint i = 1; i <= 40; i++)
    {
      g_autofree char *ip = g_strdup_printf ("192.0.2.%u", i);
      mfd_lab_dns_add_record (fixture->lab, HOST, "A", ip, 300);
    }
  obs = mfd_dns_resolve_addresses (fixture->resolver, HOST, &addresses, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  g_assert_cmpuint (addresses->len, ==, 40);
}

/* A UDP reply cut in the middle of a record, TC set: asked again over
 * TCP, never read as an unreadable reply (a false dns-servfail). */
static void
test_truncated_cut (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(MfdObservation) small = NULL;
  g_autoptr(MfdObservation) large = NULL;
  g_autoptr(GPtrArray) addresses = NULL;

  mfd_lab_dns_set_mode (fixture->lab, NULL, MFD_LAB_DNS_MODE_TRUNCATED_CUT);
  mfd_lab_dns_add_record (fixture->lab, HOST, "A", "192.0.2.1", 300);
  small = mfd_dns_resolve_addresses (fixture->resolver, HOST, NULL, NULL);
  g_assert_cmpint (small->outcome, ==, MFD_OUTCOME_OK);
  g_assert_null (small->cause);
  g_assert_cmpstr (mfd_observation_get_fact (small, "answers"), ==, "192.0.2.1");
  g_assert_cmpstr (mfd_observation_get_fact (small, "transport"), ==, "tcp");

  for (guint i = 1; i <= 60; i++)
    {
      g_autofree char *ip = g_strdup_printf ("198.51.100.%u", i);

      mfd_lab_dns_add_record (fixture->lab, "big.contoso.test", "A", ip, 300);
    }
  large = mfd_dns_resolve_addresses (fixture->resolver, "big.contoso.test", &addresses, NULL);
  g_assert_cmpint (large->outcome, ==, MFD_OUTCOME_OK);
  g_assert_null (mfd_observation_get_fact (large, "malformed"));
  g_assert_nonnull (addresses);
  g_assert_cmpuint (addresses->len, ==, 60);
}

/* An answer that does not fit in one message even over TCP (4,000 MX
 * records with long names): the server says it is cut, and a cut answer is
 * not taken for the whole one. */
static void
test_too_large_for_tcp (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(GPtrArray) hosts = NULL;

  for (guint i = 0; i < 4000; i++)
    {
      g_autofree char *mx = g_strdup_printf ("%u mail-exchanger-%04u.contoso.test", i, i);

      mfd_lab_dns_add_record (fixture->lab, "contoso.test", "MX", mx, 300);
    }
  obs = mfd_dns_resolve_mx (fixture->resolver, "contoso.test", &hosts, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (obs->cause, ==, "dns-servfail");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "error"), ==, "The reply does not fit in one DNS message");
  g_assert_null (hosts);
}

/* Over TCP the reply must answer exactly the question asked: another id,
 * name, type or class, or no question at all, is not our answer. */
static const FailureCase tcp_other_question_cases[] = {
  { "id.contoso.test", MFD_LAB_DNS_MODE_TCP_OTHER_ID, MFD_OUTCOME_FAIL, "dns-servfail", NULL, TRUE },
  { "name.contoso.test", MFD_LAB_DNS_MODE_TCP_OTHER_NAME, MFD_OUTCOME_FAIL, "dns-servfail", NULL, TRUE },
  { "type.contoso.test", MFD_LAB_DNS_MODE_TCP_OTHER_TYPE, MFD_OUTCOME_FAIL, "dns-servfail", NULL, TRUE },
  { "class.contoso.test", MFD_LAB_DNS_MODE_TCP_OTHER_CLASS, MFD_OUTCOME_FAIL, "dns-servfail", NULL, TRUE },
  { "none.contoso.test", MFD_LAB_DNS_MODE_TCP_NO_QUESTION, MFD_OUTCOME_FAIL, "dns-servfail", NULL, TRUE },
};

static void
test_tcp_other_question (Fixture       *fixture,
                         gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (tcp_other_question_cases); i++)
    assert_failure (fixture, &tcp_other_question_cases[i]);
}

static void
test_cname_chain (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(MfdObservation) dangling = NULL;
  g_autoptr(MfdObservation) loop = NULL;
  g_autoptr(MfdObservation) outside = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GPtrArray) outside_addresses = NULL;
  g_autofree char *joined = NULL;

  mfd_lab_dns_add_record (fixture->lab, "smtp.contoso.test", "CNAME", "relay.contoso.test", 60);
  mfd_lab_dns_add_record (fixture->lab, "relay.contoso.test", "CNAME", HOST, 600);
  mfd_lab_dns_add_record (fixture->lab, HOST, "A", "127.0.0.1", 300);

  obs = mfd_dns_resolve_addresses (fixture->resolver, "smtp.contoso.test", &addresses, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  joined = join (addresses);
  g_assert_cmpstr (joined, ==, "127.0.0.1");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "cname"), ==,
                   "smtp.contoso.test -> relay.contoso.test -> mail.contoso.test");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "ttl"), ==, "60");

  /* The responder does not serve the target: we ask for it ourselves. */
  mfd_lab_dns_add_record (fixture->lab, "out.contoso.test", "CNAME", "mx.fabrikam.test", 60);
  mfd_lab_dns_add_record (fixture->lab, "mx.fabrikam.test", "A", "192.0.2.7", 30);
  outside = mfd_dns_resolve_addresses (fixture->resolver, "out.contoso.test", &outside_addresses, NULL);
  g_assert_cmpint (outside->outcome, ==, MFD_OUTCOME_OK);
  g_assert_cmpstr (mfd_observation_get_fact (outside, "answers"), ==, "192.0.2.7");

  mfd_lab_dns_add_record (fixture->lab, "dangling.contoso.test", "CNAME", "nowhere.fabrikam.test", 60);
  dangling = mfd_dns_resolve_addresses (fixture->resolver, "dangling.contoso.test", NULL, NULL);
  g_assert_cmpint (dangling->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (dangling->cause, ==, "dns-nxdomain");
  g_assert_cmpstr (mfd_observation_get_fact (dangling, "cname"), ==,
                   "dangling.contoso.test -> nowhere.fabrikam.test");
  assert_detail_translated (dangling);

  mfd_lab_dns_add_record (fixture->lab, "ping.contoso.test", "CNAME", "pong.contoso.test", 60);
  mfd_lab_dns_add_record (fixture->lab, "pong.contoso.test", "CNAME", "ping.contoso.test", 60);
  loop = mfd_dns_resolve_addresses (fixture->resolver, "ping.contoso.test", NULL, NULL);
  g_assert_cmpint (loop->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (loop->cause, ==, "dns-no-address");
  assert_detail_translated (loop);
}

static void
test_mx (Fixture       *fixture,
         gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(MfdObservation) implicit = NULL;
  g_autoptr(MfdObservation) null_mx = NULL;
  g_autoptr(MfdObservation) nothing = NULL;
  g_autoptr(MfdObservation) gone = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GPtrArray) implicit_hosts = NULL;
  g_autoptr(GPtrArray) null_hosts = NULL;
  g_autofree char *joined = NULL;

  mfd_lab_dns_add_record (fixture->lab, "contoso.test", "MX", "20 b.contoso.test", 300);
  mfd_lab_dns_add_record (fixture->lab, "contoso.test", "MX", "10 a.contoso.test", 300);
  mfd_lab_dns_add_record (fixture->lab, "contoso.test", "MX", "20 c.contoso.test", 300);
  mfd_lab_dns_add_record (fixture->lab, "contoso.test", "MX", "5 d.contoso.test.", 200);

  obs = mfd_dns_resolve_mx (fixture->resolver, "contoso.test", &hosts, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  joined = join (hosts);
  g_assert_cmpstr (joined, ==, "d.contoso.test a.contoso.test b.contoso.test c.contoso.test");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "answers"), ==,
                   "5 d.contoso.test, 10 a.contoso.test, 20 b.contoso.test, 20 c.contoso.test");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "ttl"), ==, "200");
  assert_detail_translated (obs);

  mfd_lab_dns_add_record (fixture->lab, "fabrikam.test", "A", "192.0.2.8", 300);
  implicit = mfd_dns_resolve_mx (fixture->resolver, "fabrikam.test", &implicit_hosts, NULL);
  g_assert_cmpint (implicit->outcome, ==, MFD_OUTCOME_OK);
  g_assert_cmpstr (mfd_observation_get_fact (implicit, "implicit_mx"), ==, "true");
  g_assert_cmpuint (implicit_hosts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (implicit_hosts, 0), ==, "fabrikam.test");
  assert_detail_translated (implicit);

  mfd_lab_dns_add_record (fixture->lab, "nomail.test", "MX", "0 .", 300);
  mfd_lab_dns_add_record (fixture->lab, "nomail.test", "A", "192.0.2.9", 300);
  null_mx = mfd_dns_resolve_mx (fixture->resolver, "nomail.test", &null_hosts, NULL);
  g_assert_cmpint (null_mx->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (null_mx->cause, ==, "dns-no-address");
  g_assert_cmpstr (mfd_observation_get_fact (null_mx, "null_mx"), ==, "true");
  g_assert_null (null_hosts);
  assert_detail_translated (null_mx);

  mfd_lab_dns_add_record (fixture->lab, "empty.test", "SOA", "ns.empty.test. admin.empty.test. 1 3600 600 86400 300", 300);
  nothing = mfd_dns_resolve_mx (fixture->resolver, "empty.test", NULL, NULL);
  g_assert_cmpint (nothing->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (nothing->cause, ==, "dns-no-address");
  assert_detail_translated (nothing);

  gone = mfd_dns_resolve_mx (fixture->resolver, "gone.test", NULL, NULL);
  g_assert_cmpint (gone->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (gone->cause, ==, "dns-nxdomain");
}

static void
test_ip_literal (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *literals[][2] = {
    { "192.0.2.25", "192.0.2.25" },
    { "::1", "::1" },
    { "[2001:db8::25]", "2001:db8::25" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      g_autoptr(MfdObservation) obs = NULL;
      g_autoptr(MfdObservation) authority = NULL;
      g_autoptr(GPtrArray) addresses = NULL;

      obs = mfd_dns_resolve_addresses (fixture->resolver, literals[i][0], &addresses, NULL);
      g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_SKIPPED);
      g_assert_cmpuint (addresses->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (addresses, 0), ==, literals[i][1]);
      assert_detail_translated (obs);

      authority = mfd_dns_check_authority (fixture->resolver, literals[i][0], NULL, NULL);
      g_assert_cmpint (authority->outcome, ==, MFD_OUTCOME_SKIPPED);
      g_assert_cmpint (authority->stage, ==, MFD_STAGE_DNS_AUTHORITY);
    }
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->lab), ==, 0);
}

static void
test_invalid_names (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *long_name = g_strnfill (300, 'a');
  const char *names[] = { "", "bad name.test", "a..b.test", long_name, "\xff\xfe.test" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(MfdObservation) obs = mfd_dns_resolve_addresses (fixture->resolver, names[i], NULL, NULL);

      g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
      g_assert_cmpstr (obs->cause, ==, "dns-nxdomain");
      g_assert_true (g_utf8_validate (obs->host, -1, NULL));
      assert_detail_translated (obs);
    }
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->lab), ==, 0);
}

static void
test_server_strings (void)
{
  const char *good[] = { "127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:53", "[2001:db8::1]" };
  const char *bad[] = { "", "localhost", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000",
                        "[::1", "[::1]x", "1.2.3.4:53:53", "300.1.1.1" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MfdDnsResolver) resolver = mfd_dns_resolver_new (good[i], 1000, &error);

      g_assert_no_error (error);
      g_assert_nonnull (resolver);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MfdDnsResolver) resolver = mfd_dns_resolver_new (bad[i], 1000, &error);

      g_assert_error (error, MFD_DNS_ERROR, MFD_DNS_ERROR_INVALID_SERVER);
      g_assert_null (resolver);
    }

  /* The check Preferences runs as the user types is the same one. */
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GInetSocketAddress) address = mfd_dns_server_parse (good[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (address);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GInetSocketAddress) address = mfd_dns_server_parse ("[2001:db8::53]:5353", &error);
    g_autofree char *ip = NULL;

    g_assert_no_error (error);
    ip = g_inet_address_to_string (g_inet_socket_address_get_address (address));
    g_assert_cmpstr (ip, ==, "2001:db8::53");
    g_assert_cmpuint (g_inet_socket_address_get_port (address), ==, 5353);
    g_clear_object (&address);
    address = mfd_dns_server_parse ("192.0.2.53", &error);
    g_assert_cmpuint (g_inet_socket_address_get_port (address), ==, 53);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GInetSocketAddress) address = mfd_dns_server_parse (bad[i], &error);

      g_assert_error (error, MFD_DNS_ERROR, MFD_DNS_ERROR_INVALID_SERVER);
      g_assert_null (address);
      /* The message names what was typed, so the user sees which value. */
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GInetSocketAddress) address = mfd_dns_server_parse ("not a server", &error);

    g_assert_error (error, MFD_DNS_ERROR, MFD_DNS_ERROR_INVALID_SERVER);
    g_assert_null (address);
  }
}

static void
test_unreachable_is_inconclusive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdDnsResolver) resolver = NULL;
  g_autoptr(MfdDnsResolver) none = NULL;
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(MfdObservation) obs2 = NULL;
  g_autofree char *server = NULL;
  g_autofree char *empty_conf = NULL;
  guint16 port;

  /* A port where nothing listens: the kernel says so at once. */
  {
    g_autoptr(MfdLabDns) gone = mfd_lab_dns_new ("127.0.0.1", 0, &error);

    g_assert_no_error (error);
    port = mfd_lab_dns_get_port (gone);
  }
  server = g_strdup_printf ("127.0.0.1:%u", port);
  resolver = mfd_dns_resolver_new (server, TIMEOUT_MS, &error);
  g_assert_no_error (error);
  obs = mfd_dns_resolve_addresses (resolver, HOST, NULL, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  g_assert_null (obs->cause);
  assert_detail_translated (obs);

  /* No resolv.conf at all. */
  empty_conf = g_build_filename (g_get_tmp_dir (), "mfd-no-such-resolv.conf", NULL);
  none = mfd_dns_resolver_new_from_resolv_conf (empty_conf, TIMEOUT_MS);
  obs2 = mfd_dns_resolve_addresses (none, HOST, NULL, NULL);
  g_assert_cmpint (obs2->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  assert_detail_translated (obs2);
  g_assert_true (g_str_has_prefix (mfd_dns_resolver_get_description (none), "system"));
}

static void
test_resolv_conf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdDnsResolver) resolver = NULL;
  g_autofree char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("mfd-resolv-XXXXXX.conf", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, "# test\nsearch contoso.test\nnameserver 127.0.0.53\nnameserver ::1\n", -1, &error);
  g_assert_no_error (error);
  resolver = mfd_dns_resolver_new_from_resolv_conf (path, TIMEOUT_MS);
  g_assert_cmpstr (mfd_dns_resolver_get_description (resolver), ==, "system (127.0.0.53, ::1)");
  g_unlink (path);
}

typedef struct
{
  GCancellable *cancellable;
  guint         delay_ms;
} CancelLater;

static gpointer
cancel_later (gpointer data)
{
  CancelLater *later = data;

  g_usleep (later->delay_ms * 1000);
  g_cancellable_cancel (later->cancellable);
  return NULL;
}

static void
test_cancellation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabDns) lab = mfd_lab_dns_new (NULL, 0, &error);
  g_autoptr(MfdDnsResolver) resolver = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MfdObservation) obs = NULL;
  CancelLater later = { cancellable, 100 };
  GThread *thread;
  gint64 started;

  g_assert_no_error (error);
  mfd_lab_dns_set_mode (lab, NULL, MFD_LAB_DNS_MODE_SILENT);
  /* A long timeout: only the cancellation can end this promptly. */
  resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (lab), 20000, &error);
  g_assert_no_error (error);

  thread = g_thread_new ("cancel", cancel_later, &later);
  started = g_get_monotonic_time ();
  obs = mfd_dns_resolve_addresses (resolver, HOST, NULL, cancellable);
  g_thread_join (thread);

  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  g_assert_cmpstr (mfd_observation_get_fact (obs, "cancelled"), ==, "true");
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  assert_detail_translated (obs);

  /* Already cancelled: no query is sent at all for the other checks. */
  {
    g_autoptr(MfdObservation) mx = mfd_dns_resolve_mx (resolver, "contoso.test", NULL, cancellable);
    g_autoptr(MfdObservation) authority = mfd_dns_check_authority (resolver, HOST, NULL, cancellable);

    g_assert_cmpint (mx->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
    g_assert_cmpint (authority->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  }
}

/* ------------------------------------------------------------------ */
/* Authority: a resolver responder on 127.0.0.1 and "authoritative"
 * responders on other loopback addresses, all on one port. */

/* Two servers of contoso.test, and a third that plays the parent zone
 * "test" when a test asks it to (add_parent). */
#define N_CHILD 2
#define PARENT  N_CHILD
#define N_AUTH  (N_CHILD + 1)

typedef struct
{
  MfdLabDns      *resolver_lab;
  MfdLabDns      *auth[N_AUTH];
  char           *auth_ip[N_AUTH];
  guint16         auth_port;
  MfdDnsResolver *resolver;
} AuthFixture;

static void
auth_set_up (AuthFixture   *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->resolver_lab = mfd_lab_dns_new ("127.0.0.1", 0, &error);
  g_assert_no_error (error);

  /* Tests run in parallel: a random corner of 127/8 keeps them apart. */
  for (guint attempt = 0; attempt < 20 && fixture->auth[N_AUTH - 1] == NULL; attempt++)
    {
      guint net = g_random_int_range (1, 255);
      guint host = g_random_int_range (2, 250);

      for (guint i = 0; i < N_AUTH; i++)
        {
          g_clear_pointer (&fixture->auth[i], mfd_lab_dns_free);
          g_clear_pointer (&fixture->auth_ip[i], g_free);
        }
      for (guint i = 0; i < N_AUTH; i++)
        {
          g_autoptr(GError) local_error = NULL;

          fixture->auth_ip[i] = g_strdup_printf ("127.%u.%u.%u", net, g_random_int_range (1, 255), host + i);
          fixture->auth[i] = mfd_lab_dns_new (fixture->auth_ip[i], i == 0 ? 0 : fixture->auth_port, &local_error);
          if (fixture->auth[i] == NULL)
            break;
          fixture->auth_port = mfd_lab_dns_get_port (fixture->auth[i]);
          mfd_lab_dns_set_authoritative (fixture->auth[i], TRUE);
        }
    }
  g_assert_nonnull (fixture->auth[N_AUTH - 1]);

  mfd_lab_dns_add_record (fixture->resolver_lab, "contoso.test", "NS", "ns1.contoso.test", 3600);
  mfd_lab_dns_add_record (fixture->resolver_lab, "contoso.test", "NS", "ns2.contoso.test", 3600);
  mfd_lab_dns_add_record (fixture->resolver_lab, "ns1.contoso.test", "A", fixture->auth_ip[0], 3600);
  mfd_lab_dns_add_record (fixture->resolver_lab, "ns2.contoso.test", "A", fixture->auth_ip[1], 3600);

  for (guint i = 0; i < N_CHILD; i++)
    {
      mfd_lab_dns_add_record (fixture->auth[i], "contoso.test", "SOA",
                              "ns1.contoso.test. hostmaster.contoso.test. 2026112901 3600 600 86400 300", 3600);
      mfd_lab_dns_add_record (fixture->auth[i], "contoso.test", "NS", "ns1.contoso.test", 3600);
      mfd_lab_dns_add_record (fixture->auth[i], "contoso.test", "NS", "ns2.contoso.test", 3600);
    }

  fixture->resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (fixture->resolver_lab), TIMEOUT_MS, &error);
  g_assert_no_error (error);
  mfd_dns_resolver_set_authority_port (fixture->resolver, fixture->auth_port);
}

static void
auth_tear_down (AuthFixture   *fixture,
                gconstpointer  data)
{
  g_clear_pointer (&fixture->resolver, mfd_dns_resolver_free);
  g_clear_pointer (&fixture->resolver_lab, mfd_lab_dns_free);
  for (guint i = 0; i < N_AUTH; i++)
    {
      g_clear_pointer (&fixture->auth[i], mfd_lab_dns_free);
      g_clear_pointer (&fixture->auth_ip[i], g_free);
    }
}

static void
add_everywhere (AuthFixture *fixture,
                const char  *resolver_ip,
                const char  *auth_ip)
{
  mfd_lab_dns_add_record (fixture->resolver_lab, HOST, "A", resolver_ip, 3600);
  for (guint i = 0; i < N_CHILD; i++)
    mfd_lab_dns_add_record (fixture->auth[i], HOST, "A", auth_ip, 3600);
}

static MfdObservation *
check_authority (AuthFixture *fixture)
{
  g_autoptr(MfdObservation) dns = NULL;
  g_autoptr(GPtrArray) addresses = NULL;

  dns = mfd_dns_resolve_addresses (fixture->resolver, HOST, &addresses, NULL);
  if (addresses == NULL)
    addresses = g_ptr_array_new_with_free_func (g_free);
  return mfd_dns_check_authority (fixture->resolver, HOST, addresses, NULL);
}

static void
test_authority_agrees (AuthFixture   *fixture,
                       gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;

  add_everywhere (fixture, "203.0.113.10", "203.0.113.10");
  obs = check_authority (fixture);
  g_assert_cmpint (obs->stage, ==, MFD_STAGE_DNS_AUTHORITY);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  g_assert_null (obs->cause);
  g_assert_cmpstr (mfd_observation_get_fact (obs, "zone"), ==, "contoso.test");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "nameservers"), ==, "ns1.contoso.test, ns2.contoso.test");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "authoritative_answers"), ==, "203.0.113.10");
  for (guint i = 0; i < N_CHILD; i++)
    g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->auth[i]), ==, 2);
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->auth[PARENT]), ==, 0);
  assert_detail_translated (obs);
}

static void
test_authority_stale (AuthFixture   *fixture,
                      gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;

  add_everywhere (fixture, "203.0.113.9", "203.0.113.10");
  obs = check_authority (fixture);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (obs->cause, ==, "dns-stale-cache");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "authoritative_answers"), ==, "203.0.113.10");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "resolver_answers"), ==, "203.0.113.9");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "resolver_ttl"), ==, "3600");
  assert_detail_translated (obs);
}

static void
test_authority_not_in_resolver (AuthFixture   *fixture,
                                gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;

  /* The resolver still says NXDOMAIN; the zone now has the name. */
  for (guint i = 0; i < N_CHILD; i++)
    mfd_lab_dns_add_record (fixture->auth[i], HOST, "A", "203.0.113.10", 3600);
  obs = check_authority (fixture);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (obs->cause, ==, "dns-stale-cache");
  assert_detail_translated (obs);
}

static void
test_authority_disagree (AuthFixture   *fixture,
                         gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;

  mfd_lab_dns_add_record (fixture->resolver_lab, HOST, "A", "203.0.113.10", 3600);
  mfd_lab_dns_add_record (fixture->auth[0], HOST, "A", "203.0.113.10", 3600);
  mfd_lab_dns_add_record (fixture->auth[1], HOST, "A", "203.0.113.11", 3600);
  obs = check_authority (fixture);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_WARNING);
  g_assert_cmpstr (obs->cause, ==, "dns-stale-cache");
  assert_detail_translated (obs);
}

/* The zone's servers answer, but none with authority, and no parent zone
 * can be asked: lame, with the caveat that DNS may be tampered with. All
 * of them silent and no parent: nothing proves direct DNS works here. */
static void
test_authority_lame (AuthFixture   *fixture,
                     gconstpointer  data)
{
  const MfdLabDnsMode modes[] = { MFD_LAB_DNS_MODE_REFUSED, MFD_LAB_DNS_MODE_GARBAGE, MFD_LAB_DNS_MODE_SILENT };

  add_everywhere (fixture, "203.0.113.10", "203.0.113.10");
  for (guint m = 0; m < G_N_ELEMENTS (modes) + 1; m++)
    {
      g_autoptr(MfdObservation) obs = NULL;
      gboolean silent = m < G_N_ELEMENTS (modes) && modes[m] == MFD_LAB_DNS_MODE_SILENT;

      for (guint i = 0; i < N_CHILD; i++)
        {
          /* The last round: servers that answer, but not authoritatively. */
          mfd_lab_dns_set_mode (fixture->auth[i], NULL, m < G_N_ELEMENTS (modes) ? modes[m] : MFD_LAB_DNS_MODE_ANSWER);
          mfd_lab_dns_set_authoritative (fixture->auth[i], m == G_N_ELEMENTS (modes) ? FALSE : TRUE);
        }
      obs = check_authority (fixture);
      g_assert_nonnull (mfd_observation_get_fact (obs, "servers"));
      g_assert_null (mfd_observation_get_fact (obs, "parent_zone"));
      assert_detail_translated (obs);
      if (silent)
        {
          g_autofree char *detail = mfd_observation_dup_detail (obs, "en");

          g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
          g_assert_null (obs->cause);
          /* Every server tried, with its address and what it did. */
          g_assert_nonnull (strstr (detail, "ns1.contoso.test ("));
          g_assert_nonnull (strstr (detail, "ns2.contoso.test ("));
          g_assert_nonnull (strstr (detail, "timeout"));
          continue;
        }
      g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
      g_assert_cmpstr (obs->cause, ==, "dns-lame-delegation");
      g_assert_cmpstr (mfd_observation_get_fact (obs, "caveat"), ==, "direct-dns-may-be-blocked");
    }
}

/* Makes auth[PARENT] the server of the zone "test" as the resolver knows
 * it; when @refers, it delegates contoso.test to ns1 and ns2 with glue,
 * else it answers for the whole of "test" itself. */
static void
add_parent (AuthFixture *fixture,
            gboolean     refers)
{
  MfdLabDns *parent = fixture->auth[PARENT];

  mfd_lab_dns_add_record (fixture->resolver_lab, "test", "NS", "ns.nic.test", 3600);
  mfd_lab_dns_add_record (fixture->resolver_lab, "ns.nic.test", "A", fixture->auth_ip[PARENT], 3600);
  mfd_lab_dns_add_record (parent, "test", "SOA", "ns.nic.test. hostmaster.nic.test. 1 3600 600 86400 300", 3600);
  mfd_lab_dns_add_record (parent, "test", "NS", "ns.nic.test", 3600);
  mfd_lab_dns_add_record (parent, "ns.nic.test", "A", fixture->auth_ip[PARENT], 3600);
  if (refers)
    {
      mfd_lab_dns_add_record (parent, "contoso.test", "NS", "ns1.contoso.test", 3600);
      mfd_lab_dns_add_record (parent, "contoso.test", "NS", "ns2.contoso.test", 3600);
      mfd_lab_dns_add_record (parent, "ns1.contoso.test", "A", fixture->auth_ip[0], 3600);
      mfd_lab_dns_add_record (parent, "ns2.contoso.test", "A", fixture->auth_ip[1], 3600);
    }
  else
    mfd_lab_dns_add_record (parent, "fabrikam.test", "A", "203.0.113.99", 3600);
}

/* Every server of the zone silent while the parent's servers answer and
 * refer to them: provably a lame delegation, without a caveat. Answering
 * without authority is the same. */
static void
test_authority_lame_parent_answers (AuthFixture   *fixture,
                                    gconstpointer  data)
{
  const MfdLabDnsMode modes[] = { MFD_LAB_DNS_MODE_SILENT, MFD_LAB_DNS_MODE_REFUSED };

  add_everywhere (fixture, "203.0.113.10", "203.0.113.10");
  add_parent (fixture, TRUE);
  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_autoptr(MfdObservation) obs = NULL;
      g_autofree char *detail = NULL;
      guint before = mfd_lab_dns_get_n_queries (fixture->auth[PARENT]);

      for (guint i = 0; i < N_CHILD; i++)
        mfd_lab_dns_set_mode (fixture->auth[i], NULL, modes[m]);
      obs = check_authority (fixture);
      detail = mfd_observation_dup_detail (obs, "en");
      g_test_message ("%s", detail);
      g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
      g_assert_cmpstr (obs->cause, ==, "dns-lame-delegation");
      g_assert_null (mfd_observation_get_fact (obs, "caveat"));
      g_assert_cmpstr (mfd_observation_get_fact (obs, "direct_dns"), ==, "works");
      g_assert_cmpstr (mfd_observation_get_fact (obs, "parent_zone"), ==, "test");
      g_assert_nonnull (strstr (mfd_observation_get_fact (obs, "parent_servers"), "ns.nic.test"));
      g_assert_nonnull (strstr (mfd_observation_get_fact (obs, "parent_servers"), "referral"));
      g_assert_nonnull (strstr (detail, "delegate contoso.test"));
      g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->auth[PARENT]), >, before);
      assert_detail_translated (obs);
    }
}

/* The parent answers but does not delegate the zone to these servers. */
static void
test_authority_lame_parent_not_delegating (AuthFixture   *fixture,
                                           gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;

  add_everywhere (fixture, "203.0.113.10", "203.0.113.10");
  add_parent (fixture, FALSE);
  for (guint i = 0; i < N_CHILD; i++)
    mfd_lab_dns_set_mode (fixture->auth[i], NULL, MFD_LAB_DNS_MODE_SILENT);
  obs = check_authority (fixture);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (obs->cause, ==, "dns-lame-delegation");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "direct_dns"), ==, "works");
  assert_detail_translated (obs);
}

/* No authoritative server at all answers, the parent's included: this
 * network probably blocks direct DNS. Inconclusive, naming every server. */
static void
test_authority_nothing_answers (AuthFixture   *fixture,
                                gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autofree char *detail = NULL;
  gint64 started = g_get_monotonic_time ();

  add_everywhere (fixture, "203.0.113.10", "203.0.113.10");
  add_parent (fixture, TRUE);
  for (guint i = 0; i < N_AUTH; i++)
    mfd_lab_dns_set_mode (fixture->auth[i], NULL, MFD_LAB_DNS_MODE_SILENT);
  obs = check_authority (fixture);
  detail = mfd_observation_dup_detail (obs, "en");
  g_test_message ("%s", detail);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  g_assert_null (obs->cause);
  g_assert_nonnull (strstr (detail, "ns1.contoso.test ("));
  g_assert_nonnull (strstr (detail, "ns2.contoso.test ("));
  g_assert_nonnull (strstr (detail, "ns.nic.test"));
  g_assert_nonnull (strstr (detail, fixture->auth_ip[PARENT]));
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->auth[PARENT]), >, 0);
  /* Two rounds of silence, each bounded by the timeout. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 8 * TIMEOUT_MS * 1000);
  assert_detail_translated (obs);
}

static void
test_authority_partly_lame (AuthFixture   *fixture,
                            gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;

  add_everywhere (fixture, "203.0.113.10", "203.0.113.10");
  mfd_lab_dns_set_mode (fixture->auth[1], NULL, MFD_LAB_DNS_MODE_SILENT);
  obs = check_authority (fixture);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_WARNING);
  g_assert_cmpstr (obs->cause, ==, "dns-lame-delegation");
  g_assert_nonnull (strstr (mfd_observation_get_fact (obs, "lame_servers"), fixture->auth_ip[1]));
  g_assert_cmpstr (mfd_observation_get_fact (obs, "direct_dns"), ==, "works");
  assert_detail_translated (obs);
}

static void
test_authority_referral (AuthFixture   *fixture,
                         gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autofree char *servers = NULL;

  /* The resolver cannot get the zone's own NS (its servers are broken),
   * so the walk finds the parent "test", whose server (auth[0]) refers
   * to contoso.test's servers (auth[1]) with glue. */
  mfd_lab_dns_set_mode (fixture->resolver_lab, "contoso.test", MFD_LAB_DNS_MODE_SERVFAIL);
  mfd_lab_dns_add_record (fixture->resolver_lab, "test", "NS", "ns.nic.test", 3600);
  mfd_lab_dns_add_record (fixture->resolver_lab, "ns.nic.test", "A", fixture->auth_ip[0], 3600);

  g_clear_pointer (&fixture->auth[0], mfd_lab_dns_free);
  {
    g_autoptr(GError) error = NULL;

    fixture->auth[0] = mfd_lab_dns_new (fixture->auth_ip[0], fixture->auth_port, &error);
    g_assert_no_error (error);
  }
  mfd_lab_dns_set_authoritative (fixture->auth[0], TRUE);
  mfd_lab_dns_add_record (fixture->auth[0], "test", "SOA", "ns.nic.test. hostmaster.nic.test. 1 3600 600 86400 300", 3600);
  mfd_lab_dns_add_record (fixture->auth[0], "contoso.test", "NS", "ns2.contoso.test", 3600);
  mfd_lab_dns_add_record (fixture->auth[0], "ns2.contoso.test", "A", fixture->auth_ip[1], 3600);
  mfd_lab_dns_add_record (fixture->auth[1], HOST, "A", "203.0.113.10", 3600);

  obs = mfd_dns_check_authority (fixture->resolver, HOST, NULL, NULL);
  g_assert_cmpstr (mfd_observation_get_fact (obs, "zone"), ==, "contoso.test");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "authoritative_answers"), ==, "203.0.113.10");
  servers = g_strdup (mfd_observation_get_fact (obs, "servers"));
  g_assert_nonnull (strstr (servers, fixture->auth_ip[1]));
  /* The resolver itself fails for the name: nothing to compare with. */
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
}

/* Reached through a referral, the zone's servers silent: the servers above
 * have just answered and referred, which is the proof, so nobody else is
 * asked and the delegation is lame. */
static void
test_authority_referral_lame (AuthFixture   *fixture,
                              gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;

  mfd_lab_dns_set_mode (fixture->resolver_lab, "contoso.test", MFD_LAB_DNS_MODE_SERVFAIL);
  add_parent (fixture, TRUE);
  for (guint i = 0; i < N_CHILD; i++)
    mfd_lab_dns_set_mode (fixture->auth[i], NULL, MFD_LAB_DNS_MODE_SILENT);

  obs = mfd_dns_check_authority (fixture->resolver, HOST, NULL, NULL);
  g_assert_cmpstr (mfd_observation_get_fact (obs, "zone"), ==, "contoso.test");
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_FAIL);
  g_assert_cmpstr (obs->cause, ==, "dns-lame-delegation");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "direct_dns"), ==, "works");
  g_assert_null (mfd_observation_get_fact (obs, "parent_zone"));
  /* Asked once, for the referral. */
  g_assert_cmpuint (mfd_lab_dns_get_n_queries (fixture->auth[PARENT]), ==, 1);
  assert_detail_translated (obs);
}

static void
test_authority_no_zone (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(MfdObservation) obs = NULL;
  g_autoptr(MfdObservation) broken = NULL;
  g_autoptr(MfdObservation) silent = NULL;

  /* The resolver answers, but no domain above the name has NS records. */
  mfd_lab_dns_add_record (fixture->lab, HOST, "A", "127.0.0.1", 300);
  obs = mfd_dns_check_authority (fixture->resolver, HOST, NULL, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_SKIPPED);
  assert_detail_translated (obs);

  /* A resolver that fails is the dns step's finding, not this one's. */
  mfd_lab_dns_set_mode (fixture->lab, NULL, MFD_LAB_DNS_MODE_SERVFAIL);
  broken = mfd_dns_check_authority (fixture->resolver, HOST, NULL, NULL);
  g_assert_cmpint (broken->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  g_assert_null (broken->cause);
  assert_detail_translated (broken);

  mfd_lab_dns_set_mode (fixture->lab, NULL, MFD_LAB_DNS_MODE_SILENT);
  silent = mfd_dns_check_authority (fixture->resolver, HOST, NULL, NULL);
  g_assert_cmpint (silent->outcome, ==, MFD_OUTCOME_INCONCLUSIVE);
  g_assert_null (silent->cause);
}

/* ------------------------------------------------------------------ */
/* The responder itself                                               */

static void
test_lab_ipv6 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdLabDns) lab = mfd_lab_dns_new ("::1", 0, &error);
  g_autoptr(MfdDnsResolver) resolver = NULL;
  g_autoptr(MfdObservation) obs = NULL;

  if (lab == NULL)
    {
      g_test_skip ("no IPv6 loopback here");
      return;
    }
  g_assert_true (g_str_has_prefix (mfd_lab_dns_get_server (lab), "[::1]:"));
  mfd_lab_dns_add_record (lab, HOST, "AAAA", "::1", 300);
  resolver = mfd_dns_resolver_new (mfd_lab_dns_get_server (lab), TIMEOUT_MS, &error);
  g_assert_no_error (error);
  obs = mfd_dns_resolve_addresses (resolver, HOST, NULL, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
  g_assert_cmpstr (mfd_observation_get_fact (obs, "answers"), ==, "::1");
  g_assert_cmpstr (mfd_observation_get_fact (obs, "resolver"), ==, mfd_lab_dns_get_server (lab));
}

static void
test_lab_many (void)
{
  /* Start and stop quickly: no thread or socket may be left behind. */
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MfdLabDns) lab = mfd_lab_dns_new (NULL, 0, &error);

      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (mfd_lab_dns_get_server (lab), "127.0.0.1:"));
    }
}

static void
test_lab_garbage_queries (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) to = g_inet_socket_address_new (loopback, mfd_lab_dns_get_port (fixture->lab));
  g_autoptr(MfdObservation) obs = NULL;
  guint8 junk[300];

  g_assert_no_error (error);
  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (guint8) (i * 37 + 11);
  for (gsize len = 0; len < sizeof junk; len += 23)
    g_socket_send_to (socket, to, (const char *) junk, len, NULL, NULL);

  /* Still answering. */
  mfd_lab_dns_add_record (fixture->lab, HOST, "A", "127.0.0.1", 300);
  obs = mfd_dns_resolve_addresses (fixture->resolver, HOST, NULL, NULL);
  g_assert_cmpint (obs->outcome, ==, MFD_OUTCOME_OK);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("MFD_LOCALEDIR") != NULL)
    mfd_text_set_localedir (g_getenv ("MFD_LOCALEDIR"));

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_AUTH(path, func) \
  g_test_add (path, AuthFixture, NULL, auth_set_up, func, auth_tear_down)

  g_test_add_func ("/dns/host/normal-form", test_host_normal_form);
  ADD ("/dns/address/found", test_address_found);
  ADD ("/dns/address/idn", test_address_idn);
  ADD ("/dns/address/failures", test_failures);
  ADD ("/dns/address/truncated", test_truncated_falls_back_to_tcp);
  ADD ("/dns/address/large", test_large_answer_over_tcp);
  ADD ("/dns/address/truncated-cut", test_truncated_cut);
  ADD ("/dns/address/tcp-other-question", test_tcp_other_question);
  ADD ("/dns/address/too-large-for-tcp", test_too_large_for_tcp);
  ADD ("/dns/address/cname", test_cname_chain);
  ADD ("/dns/address/ip-literal", test_ip_literal);
  ADD ("/dns/address/invalid-names", test_invalid_names);
  ADD ("/dns/mx", test_mx);
  g_test_add_func ("/dns/resolver/server-strings", test_server_strings);
  g_test_add_func ("/dns/resolver/unreachable", test_unreachable_is_inconclusive);
  g_test_add_func ("/dns/resolver/resolv-conf", test_resolv_conf);
  g_test_add_func ("/dns/resolver/cancel", test_cancellation);
  ADD_AUTH ("/dns/authority/agree", test_authority_agrees);
  ADD_AUTH ("/dns/authority/stale", test_authority_stale);
  ADD_AUTH ("/dns/authority/not-in-resolver", test_authority_not_in_resolver);
  ADD_AUTH ("/dns/authority/disagree", test_authority_disagree);
  ADD_AUTH ("/dns/authority/lame", test_authority_lame);
  ADD_AUTH ("/dns/authority/lame-parent-answers", test_authority_lame_parent_answers);
  ADD_AUTH ("/dns/authority/lame-parent-not-delegating", test_authority_lame_parent_not_delegating);
  ADD_AUTH ("/dns/authority/nothing-answers", test_authority_nothing_answers);
  ADD_AUTH ("/dns/authority/partly-lame", test_authority_partly_lame);
  ADD_AUTH ("/dns/authority/referral", test_authority_referral);
  ADD_AUTH ("/dns/authority/referral-lame", test_authority_referral_lame);
  ADD ("/dns/authority/no-zone", test_authority_no_zone);
  g_test_add_func ("/dns/lab/ipv6", test_lab_ipv6);
  g_test_add_func ("/dns/lab/many", test_lab_many);
  ADD ("/dns/lab/garbage-queries", test_lab_garbage_queries);

  return g_test_run ();
}
