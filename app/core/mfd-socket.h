/* mfd-socket.h — socket I/O with a deadline and a cancel, shared by the
 * DNS exchange, the SMTP dialogue, the TLS layer and the practice servers.
 * Internal to the engine; blocking: call from worker threads only.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every call gives up at @deadline (monotonic µs) or on @cancellable.
 * Errors are G_IO_ERROR_TIMED_OUT, G_IO_ERROR_CANCELLED,
 * G_IO_ERROR_CONNECTION_CLOSED (reset, or the end of stream where more was
 * owed) or others. */

/* A non-blocking socket of @type (TCP for a stream, UDP for datagrams) in
 * @address's family. */
GSocket *mfd_socket_new             (GSocketAddress *address,
                                     GSocketType     type,
                                     GError        **error);
/* Connects @socket (non-blocking) to @address, waiting for the handshake
 * until @deadline. */
gboolean mfd_socket_connect         (GSocket        *socket,
                                     GSocketAddress *address,
                                     gint64          deadline,
                                     GCancellable   *cancellable,
                                     GError        **error);
gboolean mfd_socket_wait            (GSocket        *socket,
                                     GIOCondition    condition,
                                     gint64          deadline,
                                     GCancellable   *cancellable,
                                     GError        **error);
/* Returns 0 at end of stream. */
gssize   mfd_socket_read            (GSocket        *socket,
                                     guint8         *buffer,
                                     gsize           size,
                                     gint64          deadline,
                                     GCancellable   *cancellable,
                                     GError        **error);
/* Exactly @size bytes; the end of stream before them is
 * G_IO_ERROR_CONNECTION_CLOSED. */
gboolean mfd_socket_read_exactly    (GSocket        *socket,
                                     guint8         *buffer,
                                     gsize           size,
                                     gint64          deadline,
                                     GCancellable   *cancellable,
                                     GError        **error);
gboolean mfd_socket_write_all       (GSocket        *socket,
                                     const guint8   *data,
                                     gsize           size,
                                     gint64          deadline,
                                     GCancellable   *cancellable,
                                     GError        **error);

/* "IP:PORT", or "[IPv6]:PORT". */
char    *mfd_socket_address_to_string (GInetSocketAddress *address);

G_END_DECLS
