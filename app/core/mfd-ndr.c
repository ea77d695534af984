/* mfd-ndr.c — what an admin pastes or opens, as delivery-error entries: the
 * entry points, and which entries are kept, merged and made the primary one
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "mfd-ndr-private.h"
#include "mfd-text.h"

G_DEFINE_QUARK (mfd-ndr-error-quark, mfd_ndr_error)
G_DEFINE_BOXED_TYPE (MfdNdrEntry, mfd_ndr_entry, mfd_ndr_entry_ref, mfd_ndr_entry_unref)
G_DEFINE_BOXED_TYPE (MfdNdrResult, mfd_ndr_result, mfd_ndr_result_ref, mfd_ndr_result_unref)

/* Entries */

MfdNdrEntry *
mfd_ndr_entry_new (MfdNdrSource source)
{
  MfdNdrEntry *self = g_new0 (MfdNdrEntry, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->port = 25;
  self->source = source;
  return self;
}

MfdNdrEntry *
mfd_ndr_entry_ref (MfdNdrEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mfd_ndr_entry_unref (MfdNdrEntry *self)
{
  g_return_if_fail (self != NULL);

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

MfdNdrResult *
mfd_ndr_result_ref (MfdNdrResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mfd_ndr_result_unref (MfdNdrResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->primary, mfd_ndr_entry_unref);
  g_free (self);
}

const char *
mfd_ndr_source_to_string (MfdNdrSource source)
{
  switch (source)
    {
    case MFD_NDR_SOURCE_QUEUE:
      return "queue";
    case MFD_NDR_SOURCE_MESSAGE_TRACE:
      return "message-trace";
    case MFD_NDR_SOURCE_NDR:
      return "ndr";
    case MFD_NDR_SOURCE_DELIVERY_STATUS:
      return "delivery-status";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Results */

static gboolean
same_or_missing (const char *a,
                 const char *b)
{
  return a == NULL || b == NULL || g_ascii_strcasecmp (a, b) == 0;
}

/* The same error often appears twice in one NDR: in the body ("Remote
 * server returned '…'") and in the delivery-status part. */
static gboolean
entries_match (const MfdNdrEntry *a,
               const MfdNdrEntry *b)
{
  if (g_strcmp0 (a->status, b->status) != 0)
    return FALSE;
  if (a->status == NULL && a->reply != b->reply)
    return FALSE;
  if (a->reply != 0 && b->reply != 0 && a->reply != b->reply)
    return FALSE;
  if (a->timestamp != NULL && b->timestamp != NULL && !g_date_time_equal (a->timestamp, b->timestamp))
    return FALSE;
  return same_or_missing (a->text, b->text) && same_or_missing (a->message, b->message) &&
         same_or_missing (a->server, b->server) && same_or_missing (a->ip, b->ip);
}

static void
merge_recipients (MfdNdrEntry        *into,
                  const char * const *more)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (more == NULL)
    return;
  if (into->recipients == NULL)
    {
      into->recipients = g_strdupv ((char **) more);
      return;
    }
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) into->recipients);
  for (gsize i = 0; more[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) into->recipients, more[i]))
      g_strv_builder_add (builder, more[i]);
  g_strfreev (into->recipients);
  into->recipients = g_strv_builder_end (builder);
}

static void
merge_entry (MfdNdrEntry *into,
             MfdNdrEntry *from)
{
#define TAKE(field) if (into->field == NULL) into->field = g_steal_pointer (&from->field)
  TAKE (text);
  TAKE (message);
  TAKE (server);
  TAKE (reporting_server);
  TAKE (timestamp);
  TAKE (raw);
#undef TAKE
  if (into->ip == NULL && from->ip != NULL)
    {
      into->ip = g_steal_pointer (&from->ip);
      into->port = from->port;
    }
  if (into->reply == 0)
    into->reply = from->reply;
  merge_recipients (into, (const char * const *) from->recipients);
}

/* Whether @b is a better primary than @a (which came earlier in the
 * input): a specific cause beats a generic expiry; a message that expired
 * with a specific cause is the end of its story, after every retry; then
 * the later one. */
static gboolean
is_permanent (const MfdNdrEntry *entry)
{
  if (entry->status != NULL)
    return entry->status[0] == '5';
  return entry->reply / 100 == 5;
}

static gboolean
outranks (const MfdNdrEntry *b,
          const MfdNdrEntry *a)
{
  gboolean a_generic = mfd_ndr_status_is_generic_expiry (a->status);
  gboolean b_generic = mfd_ndr_status_is_generic_expiry (b->status);
  gboolean a_success = mfd_ndr_entry_is_success (a);
  gboolean b_success = mfd_ndr_entry_is_success (b);
  gboolean a_dsn = a->source == MFD_NDR_SOURCE_DELIVERY_STATUS;
  gboolean b_dsn = b->source == MFD_NDR_SOURCE_DELIVERY_STATUS;

  if (a_success != b_success)
    return a_success;
  if (a_generic != b_generic)
    return a_generic;
  if ((a->status == NULL) != (b->status == NULL))
    return a->status == NULL;
  if (is_permanent (a) != is_permanent (b))
    return is_permanent (b);
  if (a_dsn != b_dsn)
    return b_dsn;
  if (a->expired != b->expired)
    return b->expired;
  if (a->timestamp != NULL && b->timestamp != NULL)
    return g_date_time_compare (b->timestamp, a->timestamp) >= 0;
  return TRUE;
}

/* An expiry line ("Remote server returned '550 5.4.316 …'") names no
 * server; the retries of the same failure in the same text do. */
static void
borrow_destination (MfdNdrEntry *entry,
                    GPtrArray   *entries)
{
  const char *sd = mfd_ndr_status_subject_detail (entry->status);

  if (sd == NULL || (entry->server != NULL && entry->ip != NULL))
    return;
  for (guint i = entries->len; i > 0; i--)
    {
      const MfdNdrEntry *other = g_ptr_array_index (entries, i - 1);
      const char *other_sd = mfd_ndr_status_subject_detail (other->status);

      if (other == entry || other_sd == NULL || !g_str_equal (sd, other_sd))
        continue;
      if (entry->server != NULL && other->server != NULL &&
          g_ascii_strcasecmp (entry->server, other->server) != 0)
        continue;
      if (other->server == NULL && other->ip == NULL)
        continue;
      if (entry->server == NULL)
        entry->server = g_strdup (other->server);
      if (entry->ip == NULL && other->ip != NULL)
        {
          entry->ip = g_strdup (other->ip);
          entry->port = other->port;
        }
      return;
    }
}

/* Whether two entries may be about the same message and recipient: they
 * share one, or either names none. */
static gboolean
recipients_overlap (const MfdNdrEntry *a,
                    const MfdNdrEntry *b)
{
  if (a->recipients == NULL || b->recipients == NULL)
    return TRUE;
  for (gsize i = 0; a->recipients[i] != NULL; i++)
    if (g_strv_contains ((const char * const *) b->recipients, a->recipients[i]))
      return TRUE;
  return FALSE;
}

/* The dialogue dropped from @kept still says which server answered. */
static void
lend_dialogue_servers (GPtrArray *entries,
                       GPtrArray *kept)
{
  for (guint i = 0; i < entries->len; i++)
    {
      MfdNdrEntry *quoted = g_ptr_array_index (entries, i);

      if (!(quoted->flags & MFD_NDR_ENTRY_TRANSCRIPT) || (quoted->server == NULL && quoted->ip == NULL))
        continue;
      for (guint j = 0; j < kept->len; j++)
        {
          MfdNdrEntry *entry = g_ptr_array_index (kept, j);

          if (entry->server == NULL && entry->ip == NULL && g_strcmp0 (entry->status, quoted->status) == 0)
            {
              entry->server = g_strdup (quoted->server);
              entry->ip = g_strdup (quoted->ip);
            }
        }
    }
}

/* The entries worth reporting, each error once. A line of a quoted SMTP
 * dialogue is the detail of an error reported elsewhere in the text, and
 * a success in it ("250 2.1.0 Ok") is no error at all. */
static GPtrArray *
keep_entries (MfdNdrParse *parse)
{
  GPtrArray *kept = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_ndr_entry_unref);
  gboolean have_error = FALSE;
  gboolean have_own = FALSE;

  for (guint i = 0; i < parse->entries->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (parse->entries, i);

      if (entry->status == NULL && entry->reply == 0)
        continue;
      if (!(entry->flags & MFD_NDR_ENTRY_TRANSCRIPT))
        have_own = TRUE;
      if (!mfd_ndr_entry_is_success (entry))
        have_error = TRUE;
    }

  for (guint i = 0; i < parse->entries->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (parse->entries, i);
      gboolean merged = FALSE;

      if (entry->status == NULL && entry->reply == 0)
        continue;
      if (have_own && (entry->flags & MFD_NDR_ENTRY_TRANSCRIPT))
        continue;
      if (have_error && mfd_ndr_entry_is_success (entry) && entry->source != MFD_NDR_SOURCE_DELIVERY_STATUS)
        continue;
      for (guint j = 0; j < kept->len && !merged; j++)
        {
          MfdNdrEntry *other = g_ptr_array_index (kept, j);

          if (entries_match (other, entry))
            {
              merge_entry (other, entry);
              merged = TRUE;
            }
        }
      if (!merged)
        g_ptr_array_add (kept, mfd_ndr_entry_ref (entry));
    }

  if (have_own)
    lend_dialogue_servers (parse->entries, kept);
  return kept;
}

/* The likely cause: from the detail, else from the reply's own words when
 * the detail says nothing more specific; none for a success. */
static const char *
entry_cause (const MfdNdrEntry *entry)
{
  const char *cause = mfd_ndr_classify (entry->status, entry->message);

  if (mfd_ndr_entry_is_success (entry))
    return NULL;
  if (cause == NULL || g_str_equal (cause, "other"))
    {
      const char *from_text = mfd_ndr_classify (entry->status, entry->text);

      if (from_text != NULL)
        cause = from_text;
    }
  return cause;
}

/* What a kept entry learns from the whole text: whether it is a delay or
 * an expiry, its likely cause, and for an NDR body's entry the server
 * that wrote the NDR and the recipients its diagnostics list. */
static void
complete_entry (MfdNdrParse *parse,
                MfdNdrEntry *entry)
{
  if (!(entry->flags & MFD_NDR_ENTRY_DSN_DELAYED) && parse->delay_notice &&
      (entry->status != NULL ? entry->status[0] == '4' : entry->reply / 100 == 4))
    entry->delayed = TRUE;
  entry->expired = mfd_ndr_entry_is_expired (entry);
  entry->cause = g_strdup (entry_cause (entry));
  if (entry->reporting_server == NULL && entry->source == MFD_NDR_SOURCE_NDR)
    entry->reporting_server = g_strdup (parse->generating);
  if (entry->recipients == NULL && entry->source == MFD_NDR_SOURCE_NDR && parse->recipients->len > 0)
    {
      g_ptr_array_add (parse->recipients, NULL);
      entry->recipients = g_strdupv ((char **) parse->recipients->pdata);
      g_ptr_array_remove_index (parse->recipients, parse->recipients->len - 1);
    }
}

/* The error to diagnose among @kept (not empty), each entry first given
 * the destination its retries named. */
static MfdNdrEntry *
choose_primary (GPtrArray *kept)
{
  MfdNdrEntry *primary = NULL;

  for (guint i = 0; i < kept->len; i++)
    {
      MfdNdrEntry *entry = g_ptr_array_index (kept, i);

      borrow_destination (entry, kept);
      if (primary == NULL || outranks (entry, primary))
        primary = entry;
    }

  /* A specific cause that a generic expiry of the same message yielded to
   * is why the message expired: it is no longer being retried. */
  for (guint i = 0; i < kept->len && !primary->expired; i++)
    {
      MfdNdrEntry *other = g_ptr_array_index (kept, i);

      if (other != primary && other->expired && mfd_ndr_status_is_generic_expiry (other->status) &&
          !mfd_ndr_status_is_generic_expiry (primary->status) && !mfd_ndr_entry_is_success (primary) &&
          recipients_overlap (other, primary))
        primary->expired = TRUE;
    }
  return primary;
}

static MfdNdrResult *
finish (MfdNdrParse  *parse,
        GError      **error)
{
  g_autoptr(GPtrArray) kept = keep_entries (parse);
  MfdNdrResult *result;

  if (kept->len == 0)
    {
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY,
                           mfd_tr (NULL, N_("No delivery error was found in the text.")));
      return NULL;
    }
  for (guint i = 0; i < kept->len; i++)
    complete_entry (parse, g_ptr_array_index (kept, i));

  result = g_new0 (MfdNdrResult, 1);
  g_atomic_ref_count_init (&result->ref_count);
  result->primary = mfd_ndr_entry_ref (choose_primary (kept));
  result->entries = g_steal_pointer (&kept);
  return result;
}

/* A delay notice ("Delivery has been delayed", "Action: delayed") says
 * EOP is still retrying; without a code in it there is no error to
 * explain, and the admin should hear that, not "nothing found". */
static gboolean
is_delay_notice (const char *data,
                 gsize       len)
{
  static const char *markers[] = {
    "delivery has been delayed", "delivery is delayed", "delivery delayed",
    "action: delayed", "notification (delay)", "hasn't been delivered yet",
    "has not been delivered yet", "\xe9\x81\x85\xe5\xbb\xb6", /* 遅延 */
  };
  g_autofree char *lower = g_ascii_strdown (data, len);

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (strstr (lower, markers[i]) != NULL)
      return TRUE;
  return FALSE;
}

MfdNdrResult *
mfd_ndr_parse (const char  *data,
               gsize        len,
               GError     **error)
{
  MfdNdrParse parse = { 0 };
  g_autofree char *text = NULL;
  gboolean blank = TRUE;
  MfdNdrResult *result;
  g_autoptr(GError) mime_error = NULL;
  g_autofree char *wrapped = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > MFD_NDR_MAX_INPUT)
    {
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_TOO_LARGE,
                           mfd_tr (NULL, N_("The text is larger than 8 MB. Paste only the error "
                                            "or open the message itself.")));
      return NULL;
    }
  for (gsize i = 0; i < len && blank; i++)
    blank = g_ascii_isspace (data[i]) || data[i] == '\0';
  if (blank)
    {
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_EMPTY,
                           mfd_tr (NULL, N_("The text is empty.")));
      return NULL;
    }

  parse.entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_ndr_entry_unref);
  parse.recipients = g_ptr_array_new_with_free_func (g_free);

  if (mfd_ndr_looks_like_message (data, len) && mfd_ndr_parse_message (&parse, data, len, &mime_error))
    result = finish (&parse, error);
  else if ((wrapped = mfd_ndr_wrap_mime_fragment (data, len)) != NULL &&
           mfd_ndr_parse_message (&parse, wrapped, strlen (wrapped), NULL) && parse.entries->len > 0)
    result = finish (&parse, error);
  else
    {
      text = mfd_ndr_normalize_text (data, len);
      mfd_ndr_scan_text (&parse, text, strlen (text));
      if (parse.entries->len == 0 && mime_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&mime_error));
          result = NULL;
        }
      else
        result = finish (&parse, error);
    }

  if (result == NULL && error != NULL && g_error_matches (*error, MFD_NDR_ERROR, MFD_NDR_ERROR_NO_ENTRY) &&
      is_delay_notice (data, len))
    {
      g_clear_error (error);
      g_set_error_literal (error, MFD_NDR_ERROR, MFD_NDR_ERROR_DELAY_NOTICE,
                           mfd_tr (NULL, N_("This is a delay notice, not an error: Exchange Online is still retrying the message, and the notice carries no error code to explain.")));
    }

  g_ptr_array_unref (parse.entries);
  g_ptr_array_unref (parse.recipients);
  g_free (parse.reporting_mta);
  g_free (parse.generating);
  mfd_ndr_hint_clear (&parse);
  return result;
}

MfdNdrResult *
mfd_ndr_parse_bytes (GBytes  *bytes,
                     GError **error)
{
  gsize len;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  return mfd_ndr_parse (data != NULL ? data : "", len, error);
}

static void
parse_bytes_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  MfdNdrResult *result = mfd_ndr_parse_bytes (task_data, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) mfd_ndr_result_unref);
}

void
mfd_ndr_parse_bytes_async (GBytes              *bytes,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (bytes != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mfd_ndr_parse_bytes_async);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  /* The parse cannot stop half-way, but its result is of no use once the
   * caller has moved on: answer the cancellation at once. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, parse_bytes_thread);
}

MfdNdrResult *
mfd_ndr_parse_bytes_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mfd_ndr_parse_bytes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
