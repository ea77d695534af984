/* mfd-vantage.h — this computer's own view, checked before any verdict
 *
 * A help-desk PC whose resolver answers "no such name" for everything, whose
 * network lets nothing out on port 25, or whose firewall re-signs TLS would
 * otherwise blame the destination for its own blindness. The control probes
 * ask what must work from anywhere on the internet (a name that must exist,
 * a random name that must not, a public SMTP server that always listens, its
 * certificate chaining to a public root) and the diagnosis turns the
 * findings they undermine into "not verifiable from here".
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mfd-observation.h"
#include "mfd-target.h"

G_BEGIN_DECLS

/* The name whose MX must resolve, and whose first MX host is the default
 * control SMTP server (an Exchange Online Protection host, asked politely:
 * greeting, EHLO, STARTTLS, EHLO, QUIT). */
#define MFD_VANTAGE_DEFAULT_CONTROL_NAME "outlook.com"
#define MFD_VANTAGE_DEFAULT_CONTROL_PORT 25

typedef enum
{
  MFD_VANTAGE_DNS,
  MFD_VANTAGE_SMTP25,
  MFD_VANTAGE_TLS,
  MFD_VANTAGE_N_FACETS
} MfdVantageFacet;

typedef enum
{
  MFD_VANTAGE_SKIPPED,
  MFD_VANTAGE_OK,
  MFD_VANTAGE_FAILED,        /* dns: a name that must exist does not resolve */
  MFD_VANTAGE_HIJACKED,      /* dns: a name that must not exist resolves */
  MFD_VANTAGE_BLOCKED,       /* smtp25: the control server cannot be reached */
  MFD_VANTAGE_INTERCEPTED,   /* tls: its certificate chains to no public root */
} MfdVantageState;

#define MFD_TYPE_VANTAGE (mfd_vantage_get_type ())

typedef struct _MfdVantage MfdVantage;

struct _MfdVantage
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  MfdVantageState  state[MFD_VANTAGE_N_FACETS];
  /* Why a facet is not OK (or was skipped): an N_() msgid with {1}…
   * placeholders and its arguments, NULL when OK. */
  char            *reason_msgid[MFD_VANTAGE_N_FACETS];
  char           **reason_args[MFD_VANTAGE_N_FACETS];

  char            *control_name;     /* the name that must exist */
  char            *absent_name;      /* the random name that must not */
  char            *control_host;     /* the control SMTP server checked */
  char            *control_ip;
  guint16          control_port;
  char            *issuer;           /* the issuer seen when intercepted */
  GPtrArray       *observations;     /* (element-type MfdObservation) the control's own steps */
};

GType            mfd_vantage_get_type        (void) G_GNUC_CONST;
/* Every facet skipped. */
MfdVantage      *mfd_vantage_new             (void);
MfdVantage      *mfd_vantage_ref             (MfdVantage       *self);
void             mfd_vantage_unref           (MfdVantage       *self);
/* @msgid (N_()) and its NULL-terminated arguments say why (NULL for OK). */
void             mfd_vantage_set_state       (MfdVantage       *self,
                                              MfdVantageFacet   facet,
                                              MfdVantageState   state,
                                              const char       *msgid,
                                              ...) G_GNUC_NULL_TERMINATED;

/* "dns", "smtp25", "tls" / "ok", "failed", "hijacked", "blocked",
 * "intercepted", "skipped" */
const char      *mfd_vantage_facet_to_string (MfdVantageFacet   facet);
const char      *mfd_vantage_state_to_string (MfdVantageState   state);

/* TRUE when every facet is OK. */
gboolean         mfd_vantage_is_clear        (MfdVantage       *self);
/* TRUE when every facet was skipped (--no-control). */
gboolean         mfd_vantage_is_skipped      (MfdVantage       *self);
/* TRUE when a facet found this computer's view unlike EOP's. */
gboolean         mfd_vantage_is_impaired     (MfdVantage       *self);
/* Why @facet is not OK, in @lang, or NULL when it is. */
char            *mfd_vantage_dup_reason      (MfdVantage       *self,
                                              MfdVantageFacet   facet,
                                              const char       *lang);
/* One paragraph about all three facets, in @lang. */
char            *mfd_vantage_dup_detail      (MfdVantage       *self,
                                              const char       *lang);

/* Runs the control probes for @target's resolver, timeouts, CA file and
 * control settings in a worker thread; when the target's control is off
 * the result is every facet skipped at once. */
void             mfd_vantage_check_async     (MfdTarget            *target,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
MfdVantage      *mfd_vantage_check_finish    (GAsyncResult         *result,
                                              GError              **error);

/* Whether EOP can ever connect to the address @ip: FALSE for loopback,
 * private (RFC 1918, IPv6 unique local), link-local, CGNAT (100.64/10),
 * documentation, unspecified and multicast addresses. @why gets an N_()
 * msgid naming the kind of address. A name that is not an address: TRUE. */
gboolean         mfd_vantage_address_is_public (const char       *ip,
                                                const char      **why);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdVantage, mfd_vantage_unref)

G_END_DECLS
