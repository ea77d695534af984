/* mfd-socket.c — socket I/O with a deadline and a cancel
 *
 * Every wait is g_socket_condition_timed_wait() on a non-blocking socket,
 * so that a cancellation ends a step in flight at once instead of after
 * its timeout.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-socket"

#include "config.h"

#include "mfd-socket.h"

GSocket *
mfd_socket_new (GSocketAddress  *address,
                GSocketType      type,
                GError         **error)
{
  GSocket *socket;

  socket = g_socket_new (g_socket_address_get_family (address), type,
                         type == G_SOCKET_TYPE_STREAM ? G_SOCKET_PROTOCOL_TCP : G_SOCKET_PROTOCOL_UDP,
                         error);
  if (socket != NULL)
    g_socket_set_blocking (socket, FALSE);
  return socket;
}

gboolean
mfd_socket_connect (GSocket         *socket,
                    GSocketAddress  *address,
                    gint64           deadline,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_socket_connect (socket, address, cancellable, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return mfd_socket_wait (socket, G_IO_OUT, deadline, cancellable, error) &&
         g_socket_check_connect_result (socket, error);
}

gboolean
mfd_socket_wait (GSocket       *socket,
                 GIOCondition   condition,
                 gint64         deadline,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gint64 now = g_get_monotonic_time ();

  if (now >= deadline)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out");
      return FALSE;
    }
  return g_socket_condition_timed_wait (socket, condition, deadline - now,
                                        cancellable, error);
}

gssize
mfd_socket_read (GSocket       *socket,
                 guint8        *buffer,
                 gsize          size,
                 gint64         deadline,
                 GCancellable  *cancellable,
                 GError       **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      if (!mfd_socket_wait (socket, G_IO_IN, deadline, cancellable, error))
        return -1;
      n = g_socket_receive (socket, (char *) buffer, size, cancellable, &local_error);
      if (n >= 0)
        return n;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
    }
}

gboolean
mfd_socket_read_exactly (GSocket       *socket,
                         guint8        *buffer,
                         gsize          size,
                         gint64         deadline,
                         GCancellable  *cancellable,
                         GError       **error)
{
  while (size > 0)
    {
      gssize n = mfd_socket_read (socket, buffer, size, deadline, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                               "The server closed the connection before the reply was complete");
          return FALSE;
        }
      buffer += n;
      size -= n;
    }
  return TRUE;
}

gboolean
mfd_socket_write_all (GSocket       *socket,
                      const guint8  *data,
                      gsize          size,
                      gint64         deadline,
                      GCancellable  *cancellable,
                      GError       **error)
{
  while (size > 0)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      if (!mfd_socket_wait (socket, G_IO_OUT, deadline, cancellable, error))
        return FALSE;
      n = g_socket_send (socket, (const char *) data, size, cancellable, &local_error);
      if (n < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      data += n;
      size -= n;
    }
  return TRUE;
}

char *
mfd_socket_address_to_string (GInetSocketAddress *address)
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);
  g_autofree char *ip = g_inet_address_to_string (inet);
  guint16 port = g_inet_socket_address_get_port (address);

  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", ip, port);
  return g_strdup_printf ("%s:%u", ip, port);
}
