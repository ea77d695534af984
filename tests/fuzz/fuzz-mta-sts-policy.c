/* fuzz-mta-sts-policy.c — libFuzzer target for the MTA-STS policy file and
 * TXT record parsers
 *
 * The bytes are a policy file as an HTTPS server sends it, and, up to the
 * first NUL, a TXT record. A parsed policy must be whole: a known mode,
 * max_age within a year, mx patterns that match a host made from them.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mfd-mta-sts.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *error = NULL;
  g_autofree char *txt = g_strndup ((const char *) data, size);
  g_autofree char *id = NULL;
  g_autofree char *txt_error = NULL;
  g_autoptr(MfdMtaStsPolicy) policy = mfd_mta_sts_policy_parse ((const char *) data, size, &error);

  if (policy == NULL)
    g_assert_nonnull (error);
  else
    {
      g_assert_null (error);
      g_assert_cmpint (policy->mode, <=, MFD_MTA_STS_MODE_ENFORCE);
      g_assert_cmpuint (policy->max_age, <=, MFD_MTA_STS_MAX_AGE_LIMIT);
      g_assert_cmpuint (policy->mx->len, <=, MFD_MTA_STS_MAX_MX);
      g_assert_true (policy->mode == MFD_MTA_STS_MODE_NONE || policy->mx->len > 0);
      for (guint i = 0; i < policy->mx->len; i++)
        {
          const char *pattern = g_ptr_array_index (policy->mx, i);
          g_autofree char *host = g_str_has_prefix (pattern, "*.") ? g_strconcat ("mx", pattern + 1, NULL)
                                                                   : g_strdup (pattern);

          g_assert_true (g_utf8_validate (pattern, -1, NULL));
          g_assert_true (mfd_mta_sts_policy_allows_mx (policy, host));
        }
    }

  if (mfd_mta_sts_parse_txt (txt, &id, &txt_error))
    {
      g_assert_null (txt_error);
      g_assert_cmpuint (strlen (id), >=, 1);
      g_assert_cmpuint (strlen (id), <=, 32);
    }
  else
    g_assert_nonnull (txt_error);
  return 0;
}
