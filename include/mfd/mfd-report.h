/* mfd-report.h — a diagnosis or an NDR as JSON, text or Markdown
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mfd-diagnosis.h"
#include "mfd-ndr.h"
#include "mfd-remedy.h"

G_BEGIN_DECLS

typedef enum
{
  MFD_REPORT_TEXT,
  MFD_REPORT_MARKDOWN,
  MFD_REPORT_JSON,
} MfdReportFormat;

/* schema mail-flow-doctor/diagnosis/1 (docs/cli.md, data/schemas/diagnosis-1.schema.json) */
JsonNode *mfd_report_diagnosis_to_json (MfdDiagnosis    *diagnosis,
                                        const char      *lang);
/* schema mail-flow-doctor/ndr/1 (docs/cli.md, data/schemas/ndr-1.schema.json) */
JsonNode *mfd_report_ndr_to_json       (MfdNdrResult    *result);
/* One entry as in that document's "entries" (also a diagnosis's "ndr"). */
void      mfd_report_add_ndr_entry_json (JsonBuilder       *builder,
                                         const MfdNdrEntry *entry);

/* The catalogue's remedy for @finding with its commands filled from the
 * diagnosis' target (connector name, smart hosts, domains, TLS domain, EOP
 * ranges): what the report prints and the results page shows. */
MfdRemedy *mfd_report_render_remedy    (MfdDiagnosis    *diagnosis,
                                        MfdFinding      *finding,
                                        const char      *lang);
/* The checks that run from Microsoft's side, their commands filled as the
 * findings' are: (element-type MfdRemedyStep). */
GPtrArray *mfd_report_dup_microsoft_checks (MfdDiagnosis *diagnosis,
                                            const char   *lang);
/* For a certificate finding: the chain the server presented (subject,
 * issuer, names, validity, key of each certificate, as the fact "chain"),
 * then the SHA-256 and SHA-1 thumbprints of each. NULL for other findings
 * or when no certificate was read. Untranslated, as the certificates say it. */
char     *mfd_report_dup_certificate   (MfdDiagnosis    *diagnosis,
                                        MfdFinding      *finding);
char     *mfd_report_render_diagnosis  (MfdDiagnosis    *diagnosis,
                                        MfdReportFormat  format,
                                        const char      *lang);
char     *mfd_report_render_ndr        (MfdNdrResult    *result,
                                        MfdReportFormat  format,
                                        const char      *lang);

/* What EOP's own NDR code means and how to fix it (the catalogue's remedy
 * for the NDR entry's code and likely cause), or NULL without an NDR. */
MfdRemedy *mfd_report_render_ndr_remedy (MfdDiagnosis   *diagnosis,
                                         const char     *lang);
/* A warning carries no reply from EOP: what it would become ("it would
 * become 450 4.7.320 if the connector required a valid certificate"). */
char      *mfd_report_dup_warning_note  (MfdFinding     *finding,
                                         const char     *lang);

/* A step's result as the report words it ("Failed"), in @lang. */
const char *mfd_report_get_outcome_label (MfdOutcome     outcome,
                                          const char    *lang);

G_END_DECLS
