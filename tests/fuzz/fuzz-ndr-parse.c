/* fuzz-ndr-parse.c — libFuzzer target for the NDR / .eml parser
 *
 * Any bytes to mfd_ndr_parse(): a result whose every string is UTF-8 and
 * whose primary entry is one of its entries, or an MFD_NDR_ERROR.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mfd/mfd.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
assert_text (const char *text)
{
  if (text != NULL)
    g_assert_true (g_utf8_validate (text, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MfdNdrResult) result = NULL;
  g_autofree char *report = NULL;
  gboolean primary_found = FALSE;
  gboolean have_error = FALSE;

  result = mfd_ndr_parse ((const char *) data, size, &error);
  if (result == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == MFD_NDR_ERROR);
      assert_text (error->message);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_nonnull (result->entries);

  for (guint i = 0; i < result->entries->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (result->entries, i);

      primary_found |= entry == result->primary;
      assert_text (entry->status);
      assert_text (entry->text);
      assert_text (entry->message);
      assert_text (entry->server);
      assert_text (entry->ip);
      assert_text (entry->reporting_server);
      assert_text (entry->cause);
      assert_text (entry->raw);
      for (guint j = 0; entry->recipients != NULL && entry->recipients[j] != NULL; j++)
        assert_text (entry->recipients[j]);
      /* The classifier must take what the parser gives it. */
      (void) mfd_ndr_classify (entry->status, entry->message);

      /* A status is d.d.d of class 2, 4 or 5; without one the entry keeps
       * its reply code (a bare "550 User unknown"), never nothing. */
      if (entry->status != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (entry->status, ".", -1);

          g_assert_cmpuint (g_strv_length (parts), ==, 3);
          g_assert_true (strchr ("245", entry->status[0]) != NULL);
        }
      else
        g_assert_cmpint (entry->reply, >=, 400);
      /* A success notice is no cause and never expired. */
      if (mfd_ndr_entry_is_success (entry))
        {
          g_assert_null (entry->cause);
          g_assert_false (entry->expired);
        }
      else
        have_error = TRUE;
    }
  g_assert_true (result->primary == NULL || primary_found);
  /* An error always comes before a success notice. */
  g_assert_true (!have_error || !mfd_ndr_entry_is_success (result->primary));

  /* Every state the report can name (delay, bare reply class, success). */
  report = mfd_report_render_ndr (result, MFD_REPORT_TEXT, "en");
  g_assert_true (g_utf8_validate (report, -1, NULL));

  return 0;
}
