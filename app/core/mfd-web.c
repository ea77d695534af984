/* mfd-web.c — one HTTPS client for the internet's view
 *
 * The three lookups (public DNS, RDAP, EOP's ranges) share one SoupSession
 * used asynchronously from the main context, one trust store, and one way
 * of fetching a JSON document: bounded in time, in size and in nesting,
 * and turning every way it can go wrong into a reason the user can read.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-web"

#include "config.h"

#include <glib/gi18n.h>

#include "mfd-text.h"
#include "mfd-util.h"
#include "mfd-web-parse.h"

#define READ_CHUNK_SIZE (64 * 1024)

struct _MfdWeb
{
  GObject        parent_instance;

  char          *doh_url;
  char          *rdap_bootstrap_url;
  char          *endpoints_url;
  char          *ca_file;
  guint          timeout_ms;
  gboolean       offline;
  char          *cache_dir;

  SoupSession   *session;
  MfdWebFailure *setup_failure;
  gboolean       tls_database_set;
  gboolean       tls_database_loading;
  GPtrArray     *tls_waiting;   /* GTask fetches waiting for the trust store */
  GHashTable    *rdap_services;
};

G_DEFINE_FINAL_TYPE (MfdWeb, mfd_web, G_TYPE_OBJECT)

G_DEFINE_QUARK (mfd-web-error-quark, mfd_web_error)

enum {
  PROP_0,
  PROP_DOH_URL,
  PROP_RDAP_BOOTSTRAP_URL,
  PROP_ENDPOINTS_URL,
  PROP_CA_FILE,
  PROP_TIMEOUT_MS,
  PROP_OFFLINE,
  PROP_CACHE_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  SoupMessage          *message;
  char                 *server;
  GCancellable         *cancellable;   /* ours: the caller's or the timeout cancel it */
  GCancellable         *caller_cancellable;
  gulong                caller_handler;
  GSource              *timeout_source;
  gboolean              timed_out;
  GTlsCertificateFlags  tls_errors;
  GInputStream         *stream;
  GByteArray           *body;
  gsize                 max_size;
  GUri                 *uri;
  char                 *accept;
  /* A text fetch (the MTA-STS policy): the body as it came, no JSON; its
   * own session when the name was resolved by our resolver (@session's
   * remote-connectable), redirects not followed. */
  gboolean              text;
  SoupSession          *session;
} Fetch;

typedef struct
{
  JsonNode      *root;
  gboolean       not_found;
  MfdWebFailure *failure;
  GBytes        *body;         /* text fetches */
  GTlsCertificateFlags tls_errors;
  guint          status;
} FetchResult;

static void
fetch_free (Fetch *fetch)
{
  if (fetch->timeout_source != NULL)
    {
      g_source_destroy (fetch->timeout_source);
      g_source_unref (fetch->timeout_source);
    }
  if (fetch->caller_cancellable != NULL)
    g_cancellable_disconnect (fetch->caller_cancellable, fetch->caller_handler);
  g_clear_object (&fetch->caller_cancellable);
  g_clear_object (&fetch->cancellable);
  g_clear_object (&fetch->message);
  g_clear_object (&fetch->session);
  g_clear_object (&fetch->stream);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_clear_pointer (&fetch->uri, g_uri_unref);
  g_free (fetch->accept);
  g_free (fetch->server);
  g_free (fetch);
}

static void
fetch_result_free (FetchResult *result)
{
  g_clear_pointer (&result->root, json_node_unref);
  g_clear_pointer (&result->failure, mfd_web_failure_free);
  g_clear_pointer (&result->body, g_bytes_unref);
  g_free (result);
}

/* Failures ---------------------------------------------------------------- */

static MfdWebFailure *
failure_new_from_args (GQuark              domain,
                       int                 code,
                       const char         *msgid,
                       const char * const *args)
{
  MfdWebFailure *failure = g_new0 (MfdWebFailure, 1);
  g_autofree char *message = mfd_text_render (NULL, msgid, args);

  failure->error = g_error_new_literal (domain, code, message);
  failure->msgid = g_strdup (msgid);
  failure->args = g_strdupv ((char **) args);
  return failure;
}

MfdWebFailure *
mfd_web_failure_new (MfdWebError  code,
                     const char  *msgid,
                     ...)
{
  g_autoptr(GPtrArray) args = NULL;
  va_list ap;

  va_start (ap, msgid);
  args = mfd_util_collect_args (ap);
  va_end (ap);

  return failure_new_from_args (MFD_WEB_ERROR, code, msgid, (const char * const *) args->pdata);
}

static MfdWebFailure *
failure_new_cancelled (void)
{
  const char *none[] = { NULL };

  return failure_new_from_args (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                N_("The check was cancelled."), none);
}

void
mfd_web_failure_free (MfdWebFailure *failure)
{
  if (failure == NULL)
    return;
  g_clear_error (&failure->error);
  g_free (failure->msgid);
  g_strfreev (failure->args);
  g_free (failure);
}

gboolean
mfd_web_failure_is_cancelled (const MfdWebFailure *failure)
{
  return g_error_matches (failure->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static const char *
web_error_to_token (int code)
{
  switch ((MfdWebError) code)
    {
    case MFD_WEB_ERROR_OFFLINE: return "offline";
    case MFD_WEB_ERROR_TIMEOUT: return "timeout";
    case MFD_WEB_ERROR_HTTP: return "http";
    case MFD_WEB_ERROR_CONTENT_TYPE: return "content-type";
    case MFD_WEB_ERROR_TOO_LARGE: return "too-large";
    case MFD_WEB_ERROR_MALFORMED: return "malformed";
    case MFD_WEB_ERROR_TLS: return "tls";
    case MFD_WEB_ERROR_NETWORK: return "network";
    case MFD_WEB_ERROR_CA_FILE: return "ca-file";
    case MFD_WEB_ERROR_FAILED:
    default:
      return "failed";
    }
}

MfdObservation *
mfd_web_failure_to_observation (const MfdWebFailure *failure,
                                MfdStage             stage,
                                const char          *host)
{
  MfdObservation *observation;

  observation = mfd_observation_new (stage, MFD_OUTCOME_INCONCLUSIVE, host, NULL, 0);
  mfd_observation_set_detailv (observation, failure->msgid, (const char * const *) failure->args);
  if (failure->error->domain == MFD_WEB_ERROR)
    mfd_observation_set_fact (observation, "error", web_error_to_token (failure->error->code));
  return observation;
}

MfdObservation *
mfd_web_new_offline_observation (MfdStage    stage,
                                 const char *host)
{
  MfdObservation *observation;

  observation = mfd_observation_new (stage, MFD_OUTCOME_SKIPPED, host, NULL, 0);
  mfd_observation_set_detail (observation,
                              N_("Not checked: lookups on the internet are turned off (offline)."),
                              NULL);
  return observation;
}

/* JSON bounds -------------------------------------------------------------- */

const char *
mfd_web_json_get_string (JsonObject *object,
                         const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

gint64
mfd_web_json_get_int (JsonObject *object,
                      const char *member,
                      gint64      fallback)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return fallback;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return fallback;
}

JsonArray *
mfd_web_json_get_array (JsonObject *object,
                        const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);
  return NULL;
}

/* Fetching ----------------------------------------------------------------- */

static gboolean
content_type_is_json (const char *content_type)
{
  if (content_type == NULL)
    return FALSE;
  /* application/json, application/dns-json, application/rdap+json, … */
  return g_str_equal (content_type, "application/json")
      || g_str_equal (content_type, "text/json")
      || g_str_has_suffix (content_type, "/dns-json")
      || g_str_has_suffix (content_type, "+json");
}

static void
fetch_return (GTask         *task,
              JsonNode      *root,
              gboolean       not_found,
              MfdWebFailure *failure)
{
  Fetch *fetch = g_task_get_task_data (task);
  FetchResult *result = g_new0 (FetchResult, 1);

  /* Stop the clock and let go of the caller's cancellable before the
   * callback runs: it may start the next request on the same cancellable. */
  if (fetch->timeout_source != NULL)
    {
      g_source_destroy (fetch->timeout_source);
      g_clear_pointer (&fetch->timeout_source, g_source_unref);
    }
  if (fetch->caller_cancellable != NULL)
    {
      g_cancellable_disconnect (fetch->caller_cancellable, fetch->caller_handler);
      fetch->caller_handler = 0;
      g_clear_object (&fetch->caller_cancellable);
    }

  result->root = root;
  result->not_found = not_found;
  result->failure = failure;
  result->tls_errors = fetch->tls_errors;
  result->status = fetch->message != NULL ? soup_message_get_status (fetch->message) : 0;
  if (fetch->text && failure == NULL && !not_found && fetch->body != NULL)
    result->body = g_bytes_new (fetch->body->data, fetch->body->len);
  g_task_return_pointer (task, result, (GDestroyNotify) fetch_result_free);
}

/* A GIO error from the exchange, explained by what caused it. */
static MfdWebFailure *
fetch_explain_error (MfdWeb       *self,
                     Fetch        *fetch,
                     const GError *error)
{
  if (fetch->timed_out)
    {
      g_autofree char *seconds = NULL;

      if (self->timeout_ms % 1000 == 0)
        seconds = g_strdup_printf ("%u", self->timeout_ms / 1000);
      else
        seconds = g_strdup_printf ("%.1f", self->timeout_ms / 1000.0);

      return mfd_web_failure_new (MFD_WEB_ERROR_TIMEOUT,
                                  N_("Could not check: {1} did not answer within the timeout of {2} s."),
                                  fetch->server, seconds, NULL);
    }

  if (g_cancellable_is_cancelled (fetch->cancellable))
    return failure_new_cancelled ();

  if (error->domain == G_TLS_ERROR || fetch->tls_errors != 0)
    {
      if (fetch->tls_errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
        return mfd_web_failure_new (MFD_WEB_ERROR_TLS,
                                    N_("Could not check: the HTTPS certificate of {1} comes from an authority this computer does not trust. If this network inspects HTTPS, add the proxy’s CA certificate as an extra CA file (--ca-file)."),
                                    fetch->server, NULL);
      if (fetch->tls_errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
        return mfd_web_failure_new (MFD_WEB_ERROR_TLS,
                                    N_("Could not check: the HTTPS certificate presented for {1} is made out to another name."),
                                    fetch->server, NULL);
      /* Usually this computer's clock, for a service whose certificate is
       * renewed long before it expires. */
      if (fetch->tls_errors & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
        return mfd_web_failure_new (MFD_WEB_ERROR_TLS,
                                    N_("Could not check: the HTTPS certificate of {1} is outside its validity period. Check that this computer’s date and time are correct."),
                                    fetch->server, NULL);
      return mfd_web_failure_new (MFD_WEB_ERROR_TLS,
                                  N_("Could not check: the HTTPS connection to {1} failed ({2})."),
                                  fetch->server, error->message, NULL);
    }

  return mfd_web_failure_new (MFD_WEB_ERROR_NETWORK,
                              N_("Could not check: {1} could not be reached ({2})."),
                              fetch->server, error->message, NULL);
}

/* Worker thread: a document of a few MiB takes json-glib a noticeable
 * moment, which the main context must not spend. */
static void
fetch_parse_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GByteArray *body = task_data;
  GError *error = NULL;
  JsonNode *root = mfd_web_parse_json_body ((const char *) body->data, body->len, &error);

  if (root == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
}

JsonNode *
mfd_web_parse_json_body (const char  *data,
                         gsize        len,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  switch (mfd_json_shape_check (data, len, MFD_WEB_MAX_JSON_DEPTH, MFD_WEB_MAX_JSON_ITEMS))
    {
    case MFD_JSON_SHAPE_OK:
      break;
    case MFD_JSON_SHAPE_TOO_DEEP:
    case MFD_JSON_SHAPE_TOO_MANY:
      g_set_error_literal (error, MFD_WEB_ERROR, MFD_WEB_ERROR_TOO_LARGE, "too deep or too wide");
      return NULL;
    case MFD_JSON_SHAPE_NUL:
    case MFD_JSON_SHAPE_BAD_ESCAPE:
    case MFD_JSON_SHAPE_NOT_JSON:
    default:
      g_set_error_literal (error, MFD_WEB_ERROR, MFD_WEB_ERROR_MALFORMED, "not JSON");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL)
    {
      g_set_error_literal (error, MFD_WEB_ERROR, MFD_WEB_ERROR_MALFORMED, "not JSON");
      return NULL;
    }

  return json_node_ref (root);
}

static void
on_fetch_parsed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, MFD_WEB_ERROR, MFD_WEB_ERROR_TOO_LARGE))
    fetch_return (task, NULL, FALSE,
                  mfd_web_failure_new (MFD_WEB_ERROR_MALFORMED,
                                       N_("Could not check: the answer from {1} is nested too deeply or holds too many values."),
                                       fetch->server, NULL));
  else if (root == NULL)
    fetch_return (task, NULL, FALSE,
                  mfd_web_failure_new (MFD_WEB_ERROR_MALFORMED,
                                       N_("Could not check: the answer from {1} is incomplete or not valid JSON."),
                                       fetch->server, NULL));
  else
    fetch_return (task, root, FALSE, NULL);
}

static void
fetch_parse (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GTask) parse = NULL;

  parse = g_task_new (g_task_get_source_object (task), NULL, on_fetch_parsed_cb, g_object_ref (task));
  g_task_set_source_tag (parse, fetch_parse);
  g_task_set_task_data (parse, g_byte_array_ref (fetch->body), (GDestroyNotify) g_byte_array_unref);
  g_task_run_in_thread (parse, fetch_parse_thread);
}

static MfdWebFailure *
fetch_too_large (Fetch *fetch)
{
  g_autofree char *kib = g_strdup_printf ("%" G_GSIZE_FORMAT, fetch->max_size / 1024);

  return mfd_web_failure_new (MFD_WEB_ERROR_TOO_LARGE,
                              N_("Could not check: the answer from {1} is larger than {2} KiB."),
                              fetch->server, kib, NULL);
}

static void
on_fetch_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      fetch_return (task, NULL, FALSE, fetch_explain_error (self, fetch, error));
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      if (fetch->text)
        fetch_return (task, NULL, FALSE, NULL);
      else
        fetch_parse (task);
      return;
    }

  if (fetch->body->len + g_bytes_get_size (bytes) > fetch->max_size)
    {
      fetch_return (task, NULL, FALSE, fetch_too_large (fetch));
      return;
    }

  g_byte_array_append (fetch->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   fetch->cancellable, on_fetch_read_cb, g_steal_pointer (&task));
}

static void
on_fetch_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MfdWeb *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  const char *content_type;
  goffset length;
  guint status;

  fetch->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (fetch->stream == NULL)
    {
      fetch_return (task, NULL, FALSE, fetch_explain_error (self, fetch, error));
      return;
    }

  status = soup_message_get_status (fetch->message);
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      fetch_return (task, NULL, TRUE, NULL);
      return;
    }
  /* 429 Too Many Requests: libsoup 3.0 has no name for it. */
  if (status == 429)
    {
      fetch_return (task, NULL, FALSE,
                    mfd_web_failure_new (MFD_WEB_ERROR_HTTP,
                                         N_("Could not check: {1} is limiting requests (HTTP 429). Try again later."),
                                         fetch->server, NULL));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *code = g_strdup_printf ("%u", status);

      fetch_return (task, NULL, FALSE,
                    mfd_web_failure_new (MFD_WEB_ERROR_HTTP,
                                         N_("Could not check: {1} answered with HTTP status {2}."),
                                         fetch->server, code, NULL));
      return;
    }

  headers = soup_message_get_response_headers (fetch->message);
  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (fetch->text && g_strcmp0 (content_type, "text/plain") != 0)
    {
      g_autofree char *shown = mfd_text_sanitize (content_type ? content_type : "", -1, 80);

      fetch_return (task, NULL, FALSE,
                    mfd_web_failure_new (MFD_WEB_ERROR_CONTENT_TYPE,
                                         N_("{1} sent “{2}” instead of text/plain."),
                                         fetch->server, shown, NULL));
      return;
    }
  if (!fetch->text && !content_type_is_json (content_type))
    {
      g_autofree char *shown = mfd_text_sanitize (content_type ? content_type : "", -1, 80);

      fetch_return (task, NULL, FALSE,
                    mfd_web_failure_new (MFD_WEB_ERROR_CONTENT_TYPE,
                                         N_("Could not check: {1} sent “{2}” instead of JSON."),
                                         fetch->server, shown, NULL));
      return;
    }

  length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && length > (goffset) fetch->max_size)
    {
      fetch_return (task, NULL, FALSE, fetch_too_large (fetch));
      return;
    }

  fetch->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   fetch->cancellable, on_fetch_read_cb, g_steal_pointer (&task));
}

static gboolean
on_fetch_accept_certificate_cb (SoupMessage          *message,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  errors,
                                gpointer              user_data)
{
  Fetch *fetch = user_data;

  /* Never accepted: only remembered, to say why. */
  fetch->tls_errors = errors;
  return FALSE;
}

static gboolean
on_fetch_timeout_cb (gpointer user_data)
{
  Fetch *fetch = user_data;

  fetch->timed_out = TRUE;
  g_cancellable_cancel (fetch->cancellable);
  g_clear_pointer (&fetch->timeout_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
on_fetch_caller_cancelled_cb (GCancellable *caller,
                              gpointer      user_data)
{
  GCancellable *ours = user_data;

  g_cancellable_cancel (ours);
}

static void fetch_start (GTask *task);

static void
load_tls_database_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GError *error = NULL;
  GTlsDatabase *database = mfd_web_tls_database_new (task_data, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, database, database ? g_object_unref : NULL);
}

static void
on_tls_database_loaded_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  MfdWeb *self = MFD_WEB (object);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = NULL;

  database = g_task_propagate_pointer (G_TASK (result), &error);
  self->tls_database_loading = FALSE;
  self->tls_database_set = TRUE;
  /* Without a CA file this is the backend's default database, which
   * libsoup uses by default: setting it would only make glib-networking
   * build every connection's trust list twice. Loaded here all the same,
   * so that the backend has it ready for the first connection. */
  if (database != NULL && self->ca_file != NULL && *self->ca_file != '\0')
    soup_session_set_tls_database (self->session, database);
  else if (error != NULL)
    {
      g_autofree char *path = mfd_text_sanitize (self->ca_file, -1, 200);

      self->setup_failure = mfd_web_failure_new (MFD_WEB_ERROR_CA_FILE,
                                                 N_("Could not check: the CA file “{1}” could not be loaded ({2})."),
                                                 path, error->message, NULL);
    }

  waiting = g_steal_pointer (&self->tls_waiting);
  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    fetch_start (g_object_ref (g_ptr_array_index (waiting, i)));
}

/* Loading the system's trust store costs a few megabytes and, on a busy
 * machine, a few hundred milliseconds of parsing: a check offline, or one
 * that only probes SMTP, never needs it, and the caller's main context (a
 * window's) must not wait for it. So it is loaded on a worker on the first
 * fetch, once for the life of @self; the fetches that arrive meanwhile wait
 * for it, and libsoup itself stays on the caller's context. */
static void
fetch_when_trusted (MfdWeb *self,
                    GTask  *task)
{
  g_autoptr(GTask) load = NULL;

  if (self->tls_database_set)
    {
      fetch_start (task);
      return;
    }

  if (self->tls_waiting == NULL)
    self->tls_waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->tls_waiting, task);
  if (self->tls_database_loading)
    return;

  self->tls_database_loading = TRUE;
  load = g_task_new (self, NULL, on_tls_database_loaded_cb, NULL);
  g_task_set_source_tag (load, fetch_when_trusted);
  g_task_set_task_data (load, g_strdup (self->ca_file), g_free);
  g_task_run_in_thread (load, load_tls_database_thread);
}

/* A fetch of @uri as a task of @self; a cancelled fetch still returns its
 * FetchResult, saying so. */
static GTask *
fetch_task_new (MfdWeb              *self,
                const char          *uri,
                const char          *accept,
                gsize                max_size,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Fetch *fetch = g_new0 (Fetch, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  fetch->max_size = MIN (max_size, MFD_WEB_MAX_BODY_SIZE);
  fetch->accept = g_strdup (accept);
  fetch->uri = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  fetch->server = mfd_text_sanitize (fetch->uri && g_uri_get_host (fetch->uri) ? g_uri_get_host (fetch->uri) : uri,
                                     -1, 120);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  return task;
}

void
mfd_web_fetch_json_async (MfdWeb              *self,
                          const char          *uri,
                          const char          *accept,
                          gsize                max_size,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (MFD_IS_WEB (self));
  g_return_if_fail (uri != NULL);

  fetch_when_trusted (self, fetch_task_new (self, uri, accept, max_size, mfd_web_fetch_json_async,
                                            cancellable, callback, user_data));
}

/* Takes @task_in: the trust store is there (or failed to load). */
static void
fetch_start (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;
  MfdWeb *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GUri *parsed = fetch->uri;

  if (self->setup_failure != NULL)
    {
      fetch_return (task, NULL, FALSE,
                    failure_new_from_args (self->setup_failure->error->domain,
                                           self->setup_failure->error->code,
                                           self->setup_failure->msgid,
                                           (const char * const *) self->setup_failure->args));
      return;
    }

  if (parsed == NULL
      || (g_strcmp0 (g_uri_get_scheme (parsed), "https") != 0
          && g_strcmp0 (g_uri_get_scheme (parsed), "http") != 0))
    {
      fetch_return (task, NULL, FALSE,
                    mfd_web_failure_new (MFD_WEB_ERROR_FAILED,
                                         N_("Could not check: “{1}” is not a web address."),
                                         fetch->server, NULL));
      return;
    }

  fetch->message = soup_message_new_from_uri (SOUP_METHOD_GET, parsed);
  if (fetch->text)
    soup_message_add_flags (fetch->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (fetch->message), "Accept", fetch->accept);
  g_signal_connect (fetch->message, "accept-certificate",
                    G_CALLBACK (on_fetch_accept_certificate_cb), fetch);

  fetch->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      fetch->caller_cancellable = g_object_ref (cancellable);
      fetch->caller_handler = g_cancellable_connect (cancellable,
                                                     G_CALLBACK (on_fetch_caller_cancelled_cb),
                                                     fetch->cancellable, NULL);
    }

  fetch->timeout_source = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (fetch->timeout_source, on_fetch_timeout_cb, fetch, NULL);
  g_source_set_static_name (fetch->timeout_source, "[mfd-web] fetch timeout");
  g_source_attach (fetch->timeout_source, g_main_context_get_thread_default ());

  if (fetch->session != NULL && self->ca_file != NULL && *self->ca_file != '\0')
    soup_session_set_tls_database (fetch->session, soup_session_get_tls_database (self->session));
  soup_session_send_async (fetch->session != NULL ? fetch->session : self->session, fetch->message, G_PRIORITY_DEFAULT,
                           fetch->cancellable, on_fetch_sent_cb, g_steal_pointer (&task));
}

JsonNode *
mfd_web_fetch_json_finish (MfdWeb         *self,
                           GAsyncResult   *result,
                           gboolean       *not_found,
                           MfdWebFailure **failure)
{
  Fetch *fetch;
  FetchResult *fetched;
  JsonNode *root;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  fetch = g_task_get_task_data (G_TASK (result));
  fetched = g_task_propagate_pointer (G_TASK (result), NULL);
  if (not_found != NULL)
    *not_found = fetched->not_found;

  /* A 404 the caller did not ask to hear about is an HTTP failure. */
  if (fetched->not_found && not_found == NULL)
    fetched->failure = mfd_web_failure_new (MFD_WEB_ERROR_HTTP,
                                            N_("Could not check: {1} answered with HTTP status {2}."),
                                            fetch->server, "404", NULL);

  root = g_steal_pointer (&fetched->root);
  if (failure != NULL)
    *failure = g_steal_pointer (&fetched->failure);
  fetch_result_free (fetched);
  return root;
}

void
mfd_web_fetch_text_async (MfdWeb              *self,
                          const char          *uri,
                          GSocketConnectable  *connectable,
                          gsize                max_size,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  Fetch *fetch;

  g_return_if_fail (MFD_IS_WEB (self));
  g_return_if_fail (uri != NULL);

  task = fetch_task_new (self, uri, "text/plain", max_size, mfd_web_fetch_text_async,
                         cancellable, callback, user_data);
  fetch = g_task_get_task_data (task);
  fetch->text = TRUE;
  /* The name was resolved by our own resolver (--dns-server, like every
   * other name of a check): libsoup connects to those addresses only, and
   * still checks the certificate against the name in @uri. No proxy: the
   * connectable is where the policy is, not a hop on the way. */
  if (connectable != NULL)
    fetch->session = g_object_new (SOUP_TYPE_SESSION,
                                   "user-agent", soup_session_get_user_agent (self->session),
                                   "timeout", (self->timeout_ms + 999) / 1000 + 1,
                                   "remote-connectable", connectable,
                                   "proxy-resolver", NULL,
                                   NULL);

  fetch_when_trusted (self, task);
}

GBytes *
mfd_web_fetch_text_finish (MfdWeb               *self,
                           GAsyncResult         *result,
                           guint                *status,
                           GTlsCertificateFlags *tls_errors,
                           MfdWebFailure       **failure)
{
  Fetch *fetch;
  FetchResult *fetched;
  GBytes *body;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  fetch = g_task_get_task_data (G_TASK (result));
  fetched = g_task_propagate_pointer (G_TASK (result), NULL);
  if (status != NULL)
    *status = fetched->status;
  if (tls_errors != NULL)
    *tls_errors = fetched->tls_errors;
  if (fetched->not_found)
    fetched->failure = mfd_web_failure_new (MFD_WEB_ERROR_HTTP,
                                            N_("{1} answered with HTTP status {2}."),
                                            fetch->server, "404", NULL);
  body = g_steal_pointer (&fetched->body);
  if (failure != NULL)
    *failure = g_steal_pointer (&fetched->failure);
  fetch_result_free (fetched);
  return body;
}

/* MfdWeb -------------------------------------------------------------------- */

const char *
mfd_web_get_doh_url (MfdWeb *self)
{
  return self->doh_url;
}

const char *
mfd_web_get_rdap_bootstrap_url (MfdWeb *self)
{
  return self->rdap_bootstrap_url;
}

const char *
mfd_web_get_endpoints_url (MfdWeb *self)
{
  return self->endpoints_url;
}

GHashTable *
mfd_web_get_rdap_services (MfdWeb *self)
{
  return self->rdap_services;
}

void
mfd_web_set_rdap_services (MfdWeb     *self,
                           GHashTable *services)
{
  g_clear_pointer (&self->rdap_services, g_hash_table_unref);
  self->rdap_services = services ? g_hash_table_ref (services) : NULL;
}

static void
mfd_web_constructed (GObject *object)
{
  MfdWeb *self = MFD_WEB (object);
  g_autofree char *user_agent = NULL;

  G_OBJECT_CLASS (mfd_web_parent_class)->constructed (object);

  if (self->doh_url == NULL)
    self->doh_url = g_strdup (MFD_WEB_DEFAULT_DOH_URL);
  if (self->rdap_bootstrap_url == NULL)
    self->rdap_bootstrap_url = g_strdup (MFD_WEB_DEFAULT_RDAP_BOOTSTRAP);
  if (self->endpoints_url == NULL)
    self->endpoints_url = g_strdup (MFD_WEB_DEFAULT_ENDPOINTS_URL);
  if (self->timeout_ms == 0)
    self->timeout_ms = MFD_WEB_DEFAULT_TIMEOUT_MS;

  user_agent = g_strdup_printf ("MailFlowDoctor/%s (+%s)", PACKAGE_VERSION, PACKAGE_WEBSITE);
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "user-agent", user_agent,
                                /* Our own per-exchange clock is the precise one;
                                 * this one only guards a stalled socket. */
                                "timeout", (self->timeout_ms + 999) / 1000 + 1,
                                "max-conns-per-host", 4,
                                NULL);
}

static void
mfd_web_finalize (GObject *object)
{
  MfdWeb *self = MFD_WEB (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->setup_failure, mfd_web_failure_free);
  g_clear_pointer (&self->tls_waiting, g_ptr_array_unref);
  g_clear_pointer (&self->rdap_services, g_hash_table_unref);
  g_free (self->doh_url);
  g_free (self->rdap_bootstrap_url);
  g_free (self->endpoints_url);
  g_free (self->ca_file);
  g_free (self->cache_dir);

  G_OBJECT_CLASS (mfd_web_parent_class)->finalize (object);
}

static void
mfd_web_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  MfdWeb *self = MFD_WEB (object);

  switch (prop_id)
    {
    case PROP_DOH_URL:
      g_value_set_string (value, self->doh_url);
      break;
    case PROP_RDAP_BOOTSTRAP_URL:
      g_value_set_string (value, self->rdap_bootstrap_url);
      break;
    case PROP_ENDPOINTS_URL:
      g_value_set_string (value, self->endpoints_url);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_TIMEOUT_MS:
      g_value_set_uint (value, self->timeout_ms);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, mfd_web_get_cache_dir (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_web_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  MfdWeb *self = MFD_WEB (object);

  switch (prop_id)
    {
    case PROP_DOH_URL:
      self->doh_url = g_value_dup_string (value);
      break;
    case PROP_RDAP_BOOTSTRAP_URL:
      self->rdap_bootstrap_url = g_value_dup_string (value);
      break;
    case PROP_ENDPOINTS_URL:
      self->endpoints_url = g_value_dup_string (value);
      break;
    case PROP_CA_FILE:
      self->ca_file = g_value_dup_string (value);
      break;
    case PROP_TIMEOUT_MS:
      self->timeout_ms = g_value_get_uint (value);
      break;
    case PROP_OFFLINE:
      mfd_web_set_offline (self, g_value_get_boolean (value));
      break;
    case PROP_CACHE_DIR:
      mfd_web_set_cache_dir (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mfd_web_class_init (MfdWebClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mfd_web_constructed;
  object_class->finalize = mfd_web_finalize;
  object_class->get_property = mfd_web_get_property;
  object_class->set_property = mfd_web_set_property;

  properties[PROP_DOH_URL] =
    g_param_spec_string ("doh-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RDAP_BOOTSTRAP_URL] =
    g_param_spec_string ("rdap-bootstrap-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENDPOINTS_URL] =
    g_param_spec_string ("endpoints-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT_MS] =
    g_param_spec_uint ("timeout-ms", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_DIR] =
    g_param_spec_string ("cache-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mfd_web_init (MfdWeb *self)
{
}

MfdWeb *
mfd_web_new (const char *doh_url,
             const char *rdap_bootstrap_url,
             const char *endpoints_url,
             const char *ca_file,
             guint       timeout_ms)
{
  return g_object_new (MFD_TYPE_WEB,
                       "doh-url", doh_url,
                       "rdap-bootstrap-url", rdap_bootstrap_url,
                       "endpoints-url", endpoints_url,
                       "ca-file", ca_file,
                       "timeout-ms", timeout_ms,
                       NULL);
}

void
mfd_web_set_offline (MfdWeb   *self,
                     gboolean  offline)
{
  g_return_if_fail (MFD_IS_WEB (self));

  offline = !!offline;
  if (self->offline == offline)
    return;
  self->offline = offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

gboolean
mfd_web_get_offline (MfdWeb *self)
{
  g_return_val_if_fail (MFD_IS_WEB (self), FALSE);

  return self->offline;
}

void
mfd_web_set_cache_dir (MfdWeb     *self,
                       const char *cache_dir)
{
  g_return_if_fail (MFD_IS_WEB (self));

  if (mfd_util_set_str (&self->cache_dir, cache_dir))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE_DIR]);
}

const char *
mfd_web_get_cache_dir (MfdWeb *self)
{
  g_return_val_if_fail (MFD_IS_WEB (self), NULL);

  if (self->cache_dir == NULL)
    self->cache_dir = g_build_filename (g_get_user_cache_dir (), "mail-flow-doctor", NULL);
  return self->cache_dir;
}
