/* mfd-test-web.h — an HTTPS server on loopback that plays the web services
 * (DoH, RDAP, the endpoint list) with canned answers
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint     status;
  char     *content_type;
  GBytes   *body;
  gboolean  hang;       /* no answer until the test ends */
  gboolean  chunked;
  gboolean  stall;      /* chunked, and the rest never comes */
} MfdTestRoute;

/* A request's key is its path, or for DoH "/resolve?NAME&TYPE": answers
 * depend on the question. */
typedef struct
{
  SoupServer *server;
  char       *base;     /* https://127.0.0.1:PORT */
  GHashTable *routes;   /* key -> MfdTestRoute */
  GHashTable *hits;     /* key -> count */
  GPtrArray  *paused;   /* messages held by hang and stall */
  guint       aborted;  /* requests whose client hung up before the whole answer */
} MfdTestWeb;

/* Starts serving with the certificate and key in @pem. */
void          mfd_test_web_init     (MfdTestWeb *web,
                                     const char *pem);
/* Starts a new server (a new port) with @pem, keeping the routes. */
void          mfd_test_web_restart  (MfdTestWeb *web,
                                     const char *pem);
void          mfd_test_web_clear    (MfdTestWeb *web);

/* Answers @key with @body; the route is the web's, for setting flags. */
MfdTestRoute *mfd_test_web_serve    (MfdTestWeb *web,
                                     const char *key,
                                     guint       status,
                                     const char *content_type,
                                     const char *body);
/* Answers @key with @route, which the web takes. */
void          mfd_test_web_route    (MfdTestWeb   *web,
                                     const char   *key,
                                     MfdTestRoute *route);
guint         mfd_test_web_hits     (MfdTestWeb *web,
                                     const char *key);
/* Answers "/resolve?@name&@type" with DNS JSON in the shape public
 * resolvers use (@type "A", "MX" or "AAAA"); @answers is the inside of the
 * "Answer" array, NULL for none. */
void          mfd_test_web_serve_doh (MfdTestWeb *web,
                                      const char *name,
                                      const char *type,
                                      int         status,
                                      gboolean    ad,
                                      const char *answers);

G_END_DECLS
