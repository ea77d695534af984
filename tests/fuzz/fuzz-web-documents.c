/* fuzz-web-documents.c — libFuzzer target for the web checks' documents
 *
 * An HTTP body goes through mfd_web_parse_json_body() and, when it is JSON,
 * through every document reader (DoH answer for A and AAAA, RDAP bootstrap,
 * RDAP domain answer, endpoint list); the raw bytes also go through the
 * endpoint cache reader.
 * The readers are fed documents of the wrong kind on purpose: a server may
 * answer anything.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mfd-json-shape.h"
#include "fuzz-json.h"
#include "mfd-web-parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
read_doh (JsonNode *root,
          int       rr_type)
{
  MfdWebDohAnswer answer = { 0 };

  if (mfd_web_doh_parse (root, rr_type, &answer))
    {
      g_assert_nonnull (answer.addresses);
      for (guint i = 0; i < answer.addresses->len; i++)
        {
          g_autoptr(GInetAddress) address = g_inet_address_new_from_string (g_ptr_array_index (answer.addresses, i));

          g_assert_nonnull (address);
        }
    }
  g_clear_pointer (&answer.addresses, g_ptr_array_unref);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *client_request_id = NULL;
  g_autoptr(MfdEopRanges) cached = NULL;

  fuzz_json_assert_shape_agrees (data, size, MFD_WEB_MAX_JSON_DEPTH, MFD_WEB_MAX_JSON_ITEMS);

  cached = mfd_web_eop_cache_parse ((const char *) data, size, "https://endpoints.office.com", &client_request_id);
  if (cached != NULL)
    {
      g_autofree char *other_id = NULL;

      g_assert_true (cached->ranges != NULL && cached->ranges[0] != NULL);
      /* The same copy is never taken for another service's. */
      g_assert_null (mfd_web_eop_cache_parse ((const char *) data, size, "https://mirror.example", &other_id));
    }

  root = mfd_web_parse_json_body ((const char *) data, size, &error);
  if (root == NULL)
    {
      g_assert_true (error != NULL && error->domain == MFD_WEB_ERROR);
      return 0;
    }
  g_assert_no_error (error);

  read_doh (root, 1);
  read_doh (root, 28);

  {
    g_autoptr(GHashTable) services = mfd_web_rdap_parse_bootstrap (root);
    GHashTableIter iter;
    gpointer key, value;

    if (services != NULL)
      {
        g_hash_table_iter_init (&iter, services);
        while (g_hash_table_iter_next (&iter, &key, &value))
          {
            g_assert_true (*(const char *) key != '\0');
            g_assert_true (g_str_has_suffix (value, "/"));
          }
      }
  }

  {
    g_autoptr(MfdObservation) registration = mfd_web_rdap_parse_domain (root, "mail.contoso.com", "contoso.com");

    if (registration != NULL)
      {
        g_autofree char *en = mfd_observation_dup_detail (registration, "en");
        const char *expiration = mfd_observation_get_fact (registration, "expiration");

        g_assert_cmpint (registration->stage, ==, MFD_STAGE_REGISTRATION);
        g_assert_cmpstr (registration->host, ==, "mail.contoso.com");
        g_assert_true (en != NULL && g_utf8_validate (en, -1, NULL));
        /* A failure always names its cause; dates are printed as dates. */
        if (registration->outcome != MFD_OUTCOME_OK)
          g_assert_cmpstr (registration->cause, ==, "dns-domain-expired");
        if (expiration != NULL)
          g_assert_cmpuint (strlen (expiration), ==, strlen ("2026-01-01"));
      }
  }

  {
    g_auto(GStrv) ranges = mfd_web_eop_parse_endpoints (root);

    g_assert_true (ranges == NULL || ranges[0] != NULL);
  }

  return 0;
}
