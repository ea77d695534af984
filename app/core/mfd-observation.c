/* mfd-observation.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-observation"

#include "config.h"

#include "mfd-observation.h"
#include "mfd-text.h"
#include "mfd-util.h"

G_DEFINE_BOXED_TYPE (MfdObservation, mfd_observation, mfd_observation_ref, mfd_observation_unref)

MfdObservation *
mfd_observation_new (MfdStage    stage,
                     MfdOutcome  outcome,
                     const char *host,
                     const char *ip,
                     guint16     port)
{
  MfdObservation *self = g_new0 (MfdObservation, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->stage = stage;
  self->outcome = outcome;
  self->host = g_strdup (host);
  self->ip = g_strdup (ip);
  self->port = port;
  self->ms = -1;

  return self;
}

MfdObservation *
mfd_observation_ref (MfdObservation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mfd_observation_unref (MfdObservation *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->host);
  g_free (self->ip);
  g_free (self->cause);
  g_free (self->detail_msgid);
  g_strfreev (self->detail_args);
  g_free (self->reply_text);
  g_clear_pointer (&self->facts, g_hash_table_unref);
  g_free (self);
}

void
mfd_observation_set_cause (MfdObservation *self,
                           const char     *cause)
{
  g_return_if_fail (self != NULL);

  g_free (self->cause);
  self->cause = g_strdup (cause);
}

void
mfd_observation_set_detailv (MfdObservation     *self,
                             const char         *msgid,
                             const char * const *args)
{
  g_return_if_fail (self != NULL);

  g_free (self->detail_msgid);
  g_strfreev (self->detail_args);
  self->detail_msgid = g_strdup (msgid);
  self->detail_args = g_strdupv ((char **) args);
}

void
mfd_observation_set_detail (MfdObservation *self,
                            const char     *msgid,
                            ...)
{
  g_autoptr(GPtrArray) args = NULL;
  va_list ap;

  va_start (ap, msgid);
  args = mfd_util_collect_args (ap);
  va_end (ap);

  mfd_observation_set_detailv (self, msgid, (const char * const *) args->pdata);
}

void
mfd_observation_set_finding (MfdObservation *self,
                             MfdOutcome      outcome,
                             const char     *cause,
                             const char     *msgid,
                             ...)
{
  g_autoptr(GPtrArray) args = NULL;
  va_list ap;

  g_return_if_fail (self != NULL);

  va_start (ap, msgid);
  args = mfd_util_collect_args (ap);
  va_end (ap);

  self->outcome = outcome;
  mfd_observation_set_cause (self, cause);
  mfd_observation_set_detailv (self, msgid, (const char * const *) args->pdata);
}

void
mfd_observation_set_reply (MfdObservation *self,
                           int             code,
                           const char     *text)
{
  g_return_if_fail (self != NULL);

  self->reply_code = code;
  g_free (self->reply_text);
  /* Servers are not trusted: what we keep is valid UTF-8 of bounded size. */
  self->reply_text = mfd_text_sanitize (text, -1, 1024);
}

void
mfd_observation_set_fact (MfdObservation *self,
                          const char     *key,
                          const char     *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL);

  if (self->facts == NULL)
    self->facts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (value == NULL)
    g_hash_table_remove (self->facts, key);
  else
    g_hash_table_replace (self->facts, g_strdup (key), g_strdup (value));
}

const char *
mfd_observation_get_fact (const MfdObservation *self,
                          const char           *key)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->facts == NULL)
    return NULL;
  return g_hash_table_lookup (self->facts, key);
}

char *
mfd_observation_dup_detail (const MfdObservation *self,
                            const char           *lang)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->detail_msgid == NULL)
    return g_strdup ("");
  return mfd_text_render (lang, self->detail_msgid, (const char * const *) self->detail_args);
}
