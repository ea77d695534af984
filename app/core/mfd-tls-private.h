/* mfd-tls-private.h — what the TLS files share: the verification
 * profile, the issues found in a chain, the trust lists
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "mfd-tls.h"

G_BEGIN_DECLS

/* More certificates than any sane server sends; the rest are ignored. */
#define MAX_CHAIN 16

/* gnutls's MEDIUM verification profile (112-bit security): RSA and DSA
 * keys of at least 2048 bits, elliptic curves of at least 224 bits, as
 * public CAs have required for a decade. */
#define VERIFY_FLAGS GNUTLS_PROFILE_TO_VFLAGS (GNUTLS_PROFILE_MEDIUM)

typedef struct
{
  const char *cause;
  const char *msgid;
  char       *args[5];
} Issue;

typedef struct
{
  gnutls_x509_crt_t *crts;       /* as sent */
  guint              n_crts;
  guint              path[MAX_CHAIN];
  guint              len;
  gnutls_x509_crt_t  anchor;    /* the trusted certificate the path ends in, or NULL */
  GArray            *issues;
  const char        *status_text;
} Verdict;

typedef struct
{
  gatomicrefcount           ref_count;
  GBytes                   *ca_data;        /* the extra CA file as loaded, or NULL */
  gnutls_x509_trust_list_t  ca_list;        /* that file alone, or NULL */
  GMutex                    lock;           /* held while full_list is built */
  gnutls_x509_trust_list_t  full_list;      /* the system's store plus the file, once needed */
  int                       system_ret;     /* what loading the system's store returned */
} Trust;

GPtrArray *              _mfd_tls_dup_names           (gnutls_x509_crt_t crt);
char *                   _mfd_tls_dup_dn              (gnutls_x509_crt_t crt,
                                                       gboolean issuer);
char *                   _mfd_tls_format_time         (time_t t);
void                     _mfd_tls_issue_clear         (gpointer data);
void                     _mfd_tls_add_issue           (GArray *issues,
                                                       const char *cause,
                                                       const char *msgid,
                                                       ...);
char *                   _mfd_tls_describe_chain      (gnutls_x509_crt_t *crts,
                                                       guint n);
guint                    _mfd_tls_build_path          (gnutls_x509_crt_t *crts,
                                                       guint n,
                                                       guint *path);
void                     _mfd_tls_explain_status      (Verdict *v,
                                                       unsigned int status);
char *                   _mfd_tls_sort_issues         (GArray *issues);
void                     _mfd_tls_trust_unref         (Trust *trust);
Trust *                  _mfd_tls_trust_get           (const char *ca_file,
                                                       int *ca_ret);
gnutls_x509_trust_list_t _mfd_tls_trust_get_full      (Trust *trust);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Trust, _mfd_tls_trust_unref)

G_END_DECLS
