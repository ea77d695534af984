/* mfd-remedy.h — the one catalogue: code/cause -> title, explanation, steps
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What fills the commands' placeholders; any field may be NULL (a readable
 * placeholder such as <connector name> is used then, and the step texts say
 * "the connector", "the destination server"). Values that could break out
 * of their place in a command line are replaced by the placeholder too. */
typedef struct
{
  const char *connector_name;
  const char *smart_host;      /* the value -SmartHosts should get */
  const char *domain;          /* accepted / recipient domain */
  const char *tls_domain;      /* the value -TlsDomain should get */
  const char *host;            /* the destination host checked (smart_host when NULL) */
  const char *ip;
  gboolean    partner;         /* the destination belongs to a partner */
  const char * const *eop_ranges; /* EOP's TCP 25 address ranges, may be NULL */
  const char *recipient;       /* -Recipients of Validate-OutboundConnector (postmaster@domain when NULL) */
  const char *thumbprint;      /* the new certificate's SHA-1 thumbprint, 40 hex digits */
} MfdRemedyContext;

/* The values a user can give when the checks did not learn them: the
 * results page asks for those its commands still need, and passes them
 * back through the diagnosis (mfd_diagnosis_set_fill), so that the report
 * fills the same commands. */
typedef enum
{
  MFD_REMEDY_FILL_CONNECTOR_NAME,
  MFD_REMEDY_FILL_SMART_HOST,
  MFD_REMEDY_FILL_DOMAIN,
  MFD_REMEDY_FILL_TLS_DOMAIN,
  MFD_REMEDY_FILL_RECIPIENT,
  MFD_REMEDY_FILL_THUMBPRINT,
  MFD_REMEDY_N_FILLS
} MfdRemedyFill;

/* "domain": stable, for saving values. */
const char  *mfd_remedy_fill_get_key         (MfdRemedyFill  fill);
/* N_() string: translate with mfd_tr(). */
const char  *mfd_remedy_fill_get_label       (MfdRemedyFill  fill);
/* "<domain>": what a command shows while the value is missing. */
const char  *mfd_remedy_fill_get_placeholder (MfdRemedyFill  fill);
/* Whether @command still holds a <placeholder> of any kind (PowerShell
 * reads "<" as a redirection and fails). */
gboolean     mfd_remedy_command_has_placeholder (const char  *command);
/* The first such placeholder ("<domain>"), or NULL. */
char        *mfd_remedy_command_dup_placeholder (const char  *command);

typedef struct
{
  char *text;                  /* the step, in the requested language */
  char *command;               /* ready to copy (PowerShell / shell), or NULL */
  char *eac_path;              /* "Mail flow > Connectors" translated, or NULL */
  guint missing;               /* (MfdRemedyFill bits) the command still needs */
} MfdRemedyStep;

typedef struct
{
  char      *code;             /* "4.4.316" */
  int        reply;            /* 450 */
  char      *cause;            /* "tcp-refused" or NULL for the code alone */
  char      *title;
  char      *explanation;
  char     **likely_causes;    /* NULL-terminated */
  GPtrArray *steps;            /* (element-type MfdRemedyStep) */
} MfdRemedy;

/* The EOP code a cause id belongs to ("tcp-refused" -> "4.4.316"), or NULL
 * for an unknown id. */
const char  *mfd_remedy_code_for_cause (const char             *cause);
/* Every cause id, in catalogue order (NULL-terminated, static). */
const char * const *mfd_remedy_list_causes (void);
/* Every code the catalogue explains, including related ones (4.4.7 …). */
const char * const *mfd_remedy_list_codes (void);
gboolean     mfd_remedy_knows_code     (const char             *code);
/* The SMTP reply EOP gives with @code: 450 for 4.x.x, 550 for 5.x.x (and
 * for 4.4.7, which only appears in the expiry NDR), 0 for "other". */
int          mfd_remedy_reply_for_code (const char             *code);

/* Renders the remedy for @code and/or @cause (either may be NULL, not both)
 * in @lang (see mfd-text.h). @code NULL = the cause's own code; a cause may
 * also be explained under another code (cert-expired reported as 4.4.317).
 * Expired forms (5.4.316) give the 4.x text with the expiry said. Returns
 * NULL when the code or the cause given is unknown. */
MfdRemedy   *mfd_remedy_render         (const char             *code,
                                        const char             *cause,
                                        const char             *lang,
                                        const MfdRemedyContext *context);
void         mfd_remedy_free           (MfdRemedy              *remedy);
/* The checks that run from Microsoft's side (Validate-OutboundConnector,
 * the Remote Connectivity Analyzer), filled like any remedy's steps:
 * (element-type MfdRemedyStep). */
GPtrArray   *mfd_remedy_render_microsoft_checks (const char             *lang,
                                                 const MfdRemedyContext *context);
/* Whether the remedy for @code and/or @cause (as mfd_remedy_render()
 * composes it) has the step that lists EOP's address ranges: the catalogue
 * is where "a firewall rule for EOP's addresses may be the cause" is
 * written, so it is also where that question is answered. */
gboolean     mfd_remedy_uses_eop_ranges (const char            *code,
                                         const char            *cause);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdRemedy, mfd_remedy_free)

G_END_DECLS
