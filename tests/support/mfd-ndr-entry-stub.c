/* mfd-ndr-entry-stub.c — MfdNdrEntry's boxed type for tests, linked only
 * while app/core/mfd-ndr.c (the NDR parser, built separately) is absent.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mfd/mfd-ndr.h"

G_DEFINE_BOXED_TYPE (MfdNdrEntry, mfd_ndr_entry, mfd_ndr_entry_ref, mfd_ndr_entry_unref)

MfdNdrEntry *
mfd_ndr_entry_ref (MfdNdrEntry *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mfd_ndr_entry_unref (MfdNdrEntry *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->status);
  g_free (self->text);
  g_free (self->message);
  g_free (self->server);
  g_free (self->ip);
  g_free (self->reporting_server);
  g_clear_pointer (&self->timestamp, g_date_time_unref);
  g_strfreev (self->recipients);
  g_free (self->cause);
  g_free (self->raw);
  g_free (self);
}
