/* mfd-observation.h
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "mfd-types.h"

G_BEGIN_DECLS

#define MFD_TYPE_OBSERVATION (mfd_observation_get_type ())

/* One step's result for one host/address: what every check produces and
 * what the diagnosis, the report, the CLI and the checks page consume.
 * Reference counted, immutable once emitted (the producer fills it in a
 * worker thread, then hands it over). */
typedef struct _MfdObservation MfdObservation;

struct _MfdObservation
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  MfdStage    stage;
  MfdOutcome  outcome;
  char       *host;          /* the name checked (smart host / MX), may be NULL */
  char       *ip;            /* the address, NULL for name-level steps */
  guint16     port;          /* 0 for name-level steps */
  gint64      ms;            /* elapsed milliseconds for the step, -1 unknown */

  /* For FAIL / WARNING: the stable cause id (docs/cli.md), e.g. "tcp-refused". */
  char       *cause;

  /* One line for the checks page: an N_() msgid with {1}… placeholders and
   * its arguments; render with mfd_observation_dup_detail(). */
  char       *detail_msgid;
  char      **detail_args;

  /* Raw facts, untranslated: the server's reply ("421 4.3.2 Busy"), the
   * SMTP reply code, TTLs, certificate text, …  Keys are stable names. */
  int         reply_code;    /* 0 when none */
  char       *reply_text;    /* the last reply line(s) as received, sanitized */
  GHashTable *facts;         /* (element-type utf8 utf8), may be NULL */
};

GType            mfd_observation_get_type    (void) G_GNUC_CONST;
MfdObservation  *mfd_observation_new         (MfdStage              stage,
                                              MfdOutcome            outcome,
                                              const char           *host,
                                              const char           *ip,
                                              guint16               port);
MfdObservation  *mfd_observation_ref         (MfdObservation       *self);
void             mfd_observation_unref       (MfdObservation       *self);

void             mfd_observation_set_cause   (MfdObservation       *self,
                                              const char           *cause);
/* @msgid: an N_() string; the NULL-terminated args are copied. */
void             mfd_observation_set_detail  (MfdObservation       *self,
                                              const char           *msgid,
                                              ...) G_GNUC_NULL_TERMINATED;
void             mfd_observation_set_detailv (MfdObservation       *self,
                                              const char           *msgid,
                                              const char * const   *args);
/* A finding in one call: @outcome, @cause and the detail that explains it. */
void             mfd_observation_set_finding (MfdObservation       *self,
                                              MfdOutcome            outcome,
                                              const char           *cause,
                                              const char           *msgid,
                                              ...) G_GNUC_NULL_TERMINATED;
void             mfd_observation_set_reply   (MfdObservation       *self,
                                              int                   code,
                                              const char           *text);
void             mfd_observation_set_fact    (MfdObservation       *self,
                                              const char           *key,
                                              const char           *value);
const char      *mfd_observation_get_fact    (const MfdObservation *self,
                                              const char           *key);

/* The detail line in @lang (see mfd-text.h for @lang). */
char            *mfd_observation_dup_detail  (const MfdObservation *self,
                                              const char           *lang);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdObservation, mfd_observation_unref)

G_END_DECLS
