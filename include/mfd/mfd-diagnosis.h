/* mfd-diagnosis.h — observations (+ NDR) -> findings
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "mfd-ndr.h"
#include "mfd-observation.h"
#include "mfd-remedy.h"
#include "mfd-target.h"
#include "mfd-vantage.h"

G_BEGIN_DECLS

#define MFD_TYPE_FINDING (mfd_finding_get_type ())

typedef struct _MfdFinding MfdFinding;

struct _MfdFinding
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  char        *code;          /* "4.4.316" */
  int          reply;         /* 450 */
  char        *cause;         /* stable id */
  gboolean     warning;       /* TRUE: worth saying, not blocking delivery */
  char        *host;
  char        *ip;            /* the first address it was seen on, NULL for name-level causes */
  guint16      port;
  GPtrArray   *steps;         /* (element-type MfdObservation) the evidence, in order */

  /* The same cause on several addresses of one host is one finding: @ip is
   * the first of @addresses (NULL-terminated, NULL for name-level causes),
   * @steps the first address's steps up to @failure, then the failing step
   * of each further address. */
  char       **addresses;
  MfdStage     stage;         /* the step that failed */
  MfdObservation *failure;    /* that step's observation (also in @steps) */

  /* Not verifiable from here: this computer's own view (the vantage
   * check) undermines the finding; @vantage_facet says which control
   * failed, and the finding neither blocks nor clears the verdict. */
  gboolean     inconclusive;
  MfdVantageFacet vantage_facet;
};

/* An address EOP can never connect to (loopback, private, …): a smart
 * host checked here as a what-if, never a destination EOP reaches. */
typedef struct
{
  char       *host;
  char       *ip;
  const char *why;            /* N_() msgid: "a loopback address" */
} MfdUnreachable;

#define MFD_TYPE_DIAGNOSIS (mfd_diagnosis_get_type ())
G_DECLARE_FINAL_TYPE (MfdDiagnosis, mfd_diagnosis, MFD, DIAGNOSIS, GObject)

GType         mfd_finding_get_type           (void) G_GNUC_CONST;
MfdFinding   *mfd_finding_ref                (MfdFinding      *self);
void          mfd_finding_unref              (MfdFinding      *self);
/* One paragraph of evidence ("mail.contoso.com (203.0.113.25) port 25:
 * connection refused after 2 ms."), in @lang. */
char         *mfd_finding_dup_evidence       (MfdFinding      *self,
                                              const char      *lang);
/* Where it was seen: "mail.contoso.com (203.0.113.25), port 25", or the
 * name alone for name-level causes, in @lang. */
char         *mfd_finding_dup_location       (MfdFinding      *self,
                                              const char      *lang);

/* Pure: no I/O. @target may be NULL (then no TLS-setting rules apply),
 * @ndr_entry may be NULL. */
MfdDiagnosis *mfd_diagnosis_new              (MfdTarget       *target,
                                              GPtrArray       *observations,
                                              MfdNdrEntry     *ndr_entry);
MfdVerdict    mfd_diagnosis_get_verdict      (MfdDiagnosis    *self);
/* (element-type MfdFinding) problems first, then warnings */
GPtrArray    *mfd_diagnosis_get_findings     (MfdDiagnosis    *self);
GPtrArray    *mfd_diagnosis_get_observations (MfdDiagnosis    *self);
MfdTarget    *mfd_diagnosis_get_target       (MfdDiagnosis    *self);
MfdNdrEntry  *mfd_diagnosis_get_ndr_entry    (MfdDiagnosis    *self);
GDateTime    *mfd_diagnosis_get_time         (MfdDiagnosis    *self);
/* What today's checks say about what EOP saw, or NULL without an NDR. */
char         *mfd_diagnosis_dup_comparison   (MfdDiagnosis    *self,
                                              const char      *lang);
/* Applies this computer's own view to the findings (pure): a failed or
 * hijacked DNS control makes the destination's DNS findings inconclusive,
 * a blocked port 25 its connection timeouts and refusals, an intercepted
 * TLS its certificate findings; the verdict follows. Once per diagnosis. */
void          mfd_diagnosis_set_vantage      (MfdDiagnosis    *self,
                                              MfdVantage      *vantage);
/* NULL when the vantage was never set. */
MfdVantage   *mfd_diagnosis_get_vantage      (MfdDiagnosis    *self);
/* Why @finding cannot be verified from here, in @lang, or NULL. */
char         *mfd_diagnosis_dup_not_verifiable (MfdDiagnosis  *self,
                                                MfdFinding    *finding,
                                                const char    *lang);
/* (element-type MfdUnreachable) smart host addresses EOP can never reach. */
GPtrArray    *mfd_diagnosis_get_unreachable  (MfdDiagnosis    *self);
/* "mail.contoso.test (127.0.0.1) is a loopback address: EOP can never …" */
char         *mfd_unreachable_dup_text       (const MfdUnreachable *unreachable,
                                              const char      *lang);

/* EOP's TCP 25 address ranges for the report (NULL-terminated, may be NULL),
 * and when that copy was fetched (may be NULL). */
void          mfd_diagnosis_set_eop_ranges   (MfdDiagnosis       *self,
                                              const char * const *ranges,
                                              GDateTime          *fetched);
const char * const *mfd_diagnosis_get_eop_ranges (MfdDiagnosis  *self);
/* A value the user gave for the commands' placeholders (the results page's
 * form): mfd_report_render_remedy() fills them in where the checks did not
 * learn the value themselves. NULL or "" clears it. */
void          mfd_diagnosis_set_fill         (MfdDiagnosis       *self,
                                              MfdRemedyFill       fill,
                                              const char         *value);
const char   *mfd_diagnosis_get_fill         (MfdDiagnosis       *self,
                                              MfdRemedyFill       fill);
GDateTime    *mfd_diagnosis_get_eop_ranges_fetched (MfdDiagnosis *self);
/* Whether that copy is a saved one rather than fetched for this check. */
void          mfd_diagnosis_set_eop_ranges_from_cache (MfdDiagnosis *self,
                                                       gboolean      from_cache);
gboolean      mfd_diagnosis_get_eop_ranges_from_cache (MfdDiagnosis *self);
/* The one rule for whether EOP's address ranges belong to this diagnosis:
 * when every check passed from here (this computer is not Microsoft's
 * network, so a firewall rule for EOP's addresses is the one thing left
 * unseen), or when a finding's remedy in the catalogue has the step that
 * lists them (mfd_remedy_uses_eop_ranges()). */
gboolean      mfd_diagnosis_needs_eop_ranges (MfdDiagnosis    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdFinding, mfd_finding_unref)

G_END_DECLS
