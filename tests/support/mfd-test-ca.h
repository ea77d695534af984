/* mfd-test-ca.h — a throwaway certificate authority for tests that run
 * their own TLS servers on loopback
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MfdTestCa MfdTestCa;

/* A self-signed CA named @dn, valid from yesterday for a week, so the
 * suite never rots. */
MfdTestCa  *mfd_test_ca_new             (const char *dn);
void        mfd_test_ca_free            (MfdTestCa  *ca);
/* The CA certificate, PEM. */
const char *mfd_test_ca_get_pem         (MfdTestCa  *ca);
/* A server certificate signed by @ca and its key, PEM, valid from
 * @from_days to @to_days from now: for @dns_name, or with @dns_name NULL
 * for 127.0.0.1 and localhost. */
char       *mfd_test_ca_issue_server    (MfdTestCa  *ca,
                                         guint       serial,
                                         const char *dns_name,
                                         int         from_days,
                                         int         to_days);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MfdTestCa, mfd_test_ca_free)

/* Removes @path and what is below it, without following symbolic links. */
void        mfd_test_remove_tree        (const char *path);

G_END_DECLS
