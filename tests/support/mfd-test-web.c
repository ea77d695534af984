/* mfd-test-web.c
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mfd-test-web.h"

/* Far above any test's own timeout, far below the test's meson timeout. */
#define SERVER_SOCKET_TIMEOUT_S 5

static void
route_free (MfdTestRoute *route)
{
  g_free (route->content_type);
  g_bytes_unref (route->body);
  g_free (route);
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  MfdTestWeb *web = user_data;
  g_autofree char *key = NULL;
  MfdTestRoute *route;

  if (g_str_equal (path, "/resolve") && query != NULL)
    key = g_strdup_printf ("/resolve?%s&%s",
                           (const char *) g_hash_table_lookup (query, "name"),
                           (const char *) g_hash_table_lookup (query, "type"));
  else
    key = g_strdup (path);

  if (g_str_has_suffix (path, "/Worldwide"))
    {
      const char *id = query ? g_hash_table_lookup (query, "ClientRequestId") : NULL;

      g_assert_true (id != NULL && g_uuid_string_is_valid (id));
    }

  /* A client that stops reading must not hold the server (which runs on
   * the test's own thread) forever: a blocked write or the TLS goodbye
   * gives up after a while instead. */
  g_socket_set_timeout (soup_server_message_get_socket (message), SERVER_SOCKET_TIMEOUT_S);

  g_hash_table_replace (web->hits, g_strdup (key), GUINT_TO_POINTER (mfd_test_web_hits (web, key) + 1));

  route = g_hash_table_lookup (web->routes, key);
  if (route == NULL)
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }
  if (route->hang)
    {
      soup_server_message_pause (message);
      g_ptr_array_add (web->paused, g_object_ref (message));
      return;
    }

  soup_server_message_set_status (message, route->status, NULL);
  if (route->chunked)
    {
      SoupMessageBody *body = soup_server_message_get_response_body (message);

      soup_message_headers_set_encoding (soup_server_message_get_response_headers (message),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (message),
                                             route->content_type, NULL);
      soup_message_body_append_bytes (body, route->body);
      if (route->stall)
        g_ptr_array_add (web->paused, g_object_ref (message));
      else
        soup_message_body_complete (body);
      return;
    }
  soup_server_message_set_response (message, route->content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (route->body, NULL),
                                    g_bytes_get_size (route->body));
}

static void
on_request_aborted_cb (SoupServer        *server,
                       SoupServerMessage *message,
                       gpointer           user_data)
{
  MfdTestWeb *web = user_data;

  web->aborted++;
}

void
mfd_test_web_restart (MfdTestWeb *web,
                      const char *pem)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  if (web->server != NULL)
    {
      soup_server_disconnect (web->server);
      g_clear_object (&web->server);
      g_free (web->base);
    }

  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);

  web->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (web->server, NULL, on_request_cb, web, NULL);
  g_signal_connect (web->server, "request-aborted", G_CALLBACK (on_request_aborted_cb), web);
  soup_server_listen_local (web->server, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (web->server);
  g_assert_nonnull (uris);
  web->base = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
}

void
mfd_test_web_init (MfdTestWeb *web,
                   const char *pem)
{
  memset (web, 0, sizeof *web);
  web->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) route_free);
  web->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  web->paused = g_ptr_array_new_with_free_func (g_object_unref);
  mfd_test_web_restart (web, pem);
}

void
mfd_test_web_clear (MfdTestWeb *web)
{
  soup_server_disconnect (web->server);
  g_clear_object (&web->server);
  g_clear_pointer (&web->paused, g_ptr_array_unref);
  g_clear_pointer (&web->routes, g_hash_table_unref);
  g_clear_pointer (&web->hits, g_hash_table_unref);
  g_clear_pointer (&web->base, g_free);
}

void
mfd_test_web_route (MfdTestWeb   *web,
                    const char   *key,
                    MfdTestRoute *route)
{
  g_hash_table_replace (web->routes, g_strdup (key), route);
}

MfdTestRoute *
mfd_test_web_serve (MfdTestWeb *web,
                    const char *key,
                    guint       status,
                    const char *content_type,
                    const char *body)
{
  MfdTestRoute *route = g_new0 (MfdTestRoute, 1);

  route->status = status;
  route->content_type = g_strdup (content_type);
  route->body = g_bytes_new (body, strlen (body));
  mfd_test_web_route (web, key, route);
  return route;
}

guint
mfd_test_web_hits (MfdTestWeb *web,
                   const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (web->hits, key));
}

void
mfd_test_web_serve_doh (MfdTestWeb *web,
                        const char *name,
                        const char *type,
                        int         status,
                        gboolean    ad,
                        const char *answers)
{
  g_autofree char *key = g_strdup_printf ("/resolve?%s&%s", name, type);
  g_autofree char *body = NULL;
  int number = g_str_equal (type, "A") ? 1 : g_str_equal (type, "MX") ? 15 : 28;

  g_assert_true (g_str_equal (type, "A") || g_str_equal (type, "MX") || g_str_equal (type, "AAAA"));
  body = g_strdup_printf ("{\"Status\": %d, \"TC\": false, \"RD\": true, \"RA\": true, \"AD\": %s, "
                          "\"CD\": false, \"Question\": [{\"name\": \"%s.\", \"type\": %d}]%s%s%s}",
                          status, ad ? "true" : "false", name, number,
                          answers ? ", \"Answer\": [" : "", answers ? answers : "", answers ? "]" : "");
  mfd_test_web_serve (web, key, 200, "application/dns-json", body);
}
