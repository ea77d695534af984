/* mfd-ndr-scan.c — the text scanner: lines joined back where a mail client
 * wrapped them, and the delivery errors each line carries
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-ndr"

#include "config.h"

#include <string.h>

#include "mfd-ndr-private.h"
#include "mfd-text.h"

/* A bracketed field split by a mail client is joined back to its line, but
 * never beyond this: one queue string is a few hundred bytes, and an
 * unterminated '[' must not glue the rest of a large paste together. */
#define MAX_JOINED_LINE (16 * 1024)

/* Lines read as one group of delivery-status fields at most. */
#define MAX_DSN_GROUP_LINES 64

/* Headings that open and close the administrators' part of an NDR body, in
 * the languages Exchange writes NDRs in that we have seen. */
static const char * const diagnostics_open[] = {
  "Diagnostic information for administrators",
  "管理者向けの診断情報",
};
/* Lines after which a bounce quotes the returned message. */
static const char * const returned_markers[] = {
  "Below this line is a copy of the message", "copy of the original message",
  "original message follows", "This is a copy of the message", "header of the original message",
  "Original message headers", "Received: ",
};
static const char * const diagnostics_close[] = {
  "Original message headers",
  "元のメッセージ ヘッダー",
  "元のメッセージのヘッダー",
};

static void
add_recipient (GPtrArray  *recipients,
               const char *address)
{
  for (guint i = 0; i < recipients->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (recipients, i), address) == 0)
      return;
  if (recipients->len < 100)
    g_ptr_array_add (recipients, g_strdup (address));
}

/* A logical line as scan_line() walks it. */
typedef struct
{
  const char *s;
  gsize       len;
  gsize       lead;         /* where its words start, past indent and '>' quoting */
  gboolean    transcript;   /* a line of a quoted SMTP dialogue */
  gsize       prev_end;     /* where the words before the next code start */
} ScanLine;

/* Which part of an NDR the line is in: the administrators' diagnostics
 * (where an address alone on a line is a recipient, and "Generating
 * server" names Microsoft's machine) or the returned message. Returns
 * TRUE when the line is a recipient's address and holds nothing else. */
static gboolean
follow_sections (MfdNdrParse *parse,
                 const char  *s,
                 gsize        len)
{
  g_autofree char *address = NULL;

  if (mfd_ndr_line_has_any (s, len, diagnostics_open, G_N_ELEMENTS (diagnostics_open)))
    parse->in_diagnostics = TRUE;
  else if (mfd_ndr_line_has_any (s, len, diagnostics_close, G_N_ELEMENTS (diagnostics_close)))
    {
      parse->in_diagnostics = FALSE;
      parse->in_returned = TRUE;
    }
  else if (parse->in_diagnostics && mfd_ndr_is_email_line (s, len, &address))
    {
      add_recipient (parse->recipients, address);
      return TRUE;
    }
  else if (parse->in_diagnostics && parse->generating == NULL)
    parse->generating = mfd_ndr_find_generating_server (s, len);

  /* What follows names the sender's own machines and addresses. */
  if (!parse->in_returned && mfd_ndr_line_has_any (s, MIN (len, MFD_NDR_HINT_SPAN), returned_markers, G_N_ELEMENTS (returned_markers)))
    parse->in_returned = TRUE;
  return FALSE;
}

/* The destination and recipient a bounce names before its error; none
 * from the returned message. */
static void
gather_hints (MfdNdrParse *parse,
              const char  *s,
              gsize        len)
{
  if (parse->in_returned)
    {
      mfd_ndr_hint_clear (parse);
      return;
    }
  if (!parse->in_diagnostics)
    mfd_ndr_hint_recipient_scan (parse, s, len);
  mfd_ndr_hint_scan (parse, s, len);
}

/* Where the line's words start, and whether it belongs to a quoted SMTP
 * dialogue ("<<< 550 …", or Sendmail's "Transcript of session follows"
 * to the next blank line). */
static void
note_transcript (MfdNdrParse *parse,
                 ScanLine    *line)
{
  const char *s = line->s;
  gsize len = line->len;

  while (line->lead < len && (s[line->lead] == ' ' || s[line->lead] == '\t' || s[line->lead] == '>'))
    line->lead++;
  if (mfd_ndr_find_in (s, MIN (len, MFD_NDR_HINT_SPAN), "ranscript of session follows") != NULL)
    parse->in_transcript = TRUE;
  line->transcript = parse->in_transcript || (len - line->lead >= 3 && strncmp (s + line->lead, "<<<", 3) == 0);
  if (line->transcript)
    parse->bounce_seen = TRUE;
}

/* An entry read from the line takes the hints of the lines before it and
 * becomes the latest of its recipient's block. */
static void
keep_entry (MfdNdrParse *parse,
            MfdNdrEntry *entry)
{
  mfd_ndr_apply_hints (parse, entry);
  parse->last_entry = entry;
  g_ptr_array_add (parse->entries, entry);
}

/* "(#5.1.1)" (qmail), "<ex03.contoso.com #5.1.1>" (Exchange 2003) at the
 * '#' at @i, unless an old wrapper's "#5.4.316 smtp;550 5.4.316 …"
 * follows. Returns where the scan goes on, or 0 when there is none. */
static gsize
take_hash_status (MfdNdrParse *parse,
                  ScanLine    *line,
                  gsize        i)
{
  const char *s = line->s;
  gsize len = line->len;
  gsize text_start = line->prev_end;
  gsize text_end = i;
  gsize taken;
  MfdNdrEntry *entry;

  if (i + 1 >= len || (taken = mfd_ndr_match_status (s, len, i + 1)) == 0 ||
      (len - taken > 6 && g_ascii_strncasecmp (s + taken + (s[taken] == ' '), "smtp;", 5) == 0))
    return 0;

  entry = mfd_ndr_entry_new (MFD_NDR_SOURCE_NDR);
  entry->status = g_strndup (s + i + 1, taken - i - 1);
  if (i > 0 && s[i - 1] == '(')
    text_end = i - 1;
  else
    for (gsize k = i; k > line->prev_end; k--)
      if (s[k - 1] == '<')
        {
          text_start = text_end = k - 1;
          break;
        }
  while (text_start < text_end && (g_ascii_isspace (s[text_start]) || s[text_start] == ':'))
    text_start++;
  entry->text = mfd_ndr_collapse_space (s + text_start, text_end - text_start);
  entry->raw = mfd_text_sanitize (s + line->prev_end, MIN (len, taken + 1) - line->prev_end, MFD_NDR_MAX_FIELD_CHARS);
  keep_entry (parse, entry);
  return line->prev_end = MIN (len, taken + 1);
}

/* "5.2.2 <bob@fabrikam.com>... Mailbox Full": a status without a reply
 * code, its words to the end of the line. */
static MfdNdrEntry *
entry_from_status (const char *s,
                   gsize       len,
                   gsize       i,
                   gsize       status_end)
{
  MfdNdrEntry *entry = mfd_ndr_entry_new (MFD_NDR_SOURCE_NDR);

  entry->status = g_strndup (s + i, status_end - i);
  entry->text = mfd_ndr_collapse_space (s + status_end, len - status_end);
  mfd_ndr_tidy_text (entry);
  return entry;
}

/* "550 User unknown": a reply code whose words start at @words, with a
 * status among them when the same class opens them. */
static MfdNdrEntry *
entry_from_bare_reply (const char *s,
                       gsize       len,
                       gsize       i,
                       gsize       words)
{
  MfdNdrEntry *entry = mfd_ndr_entry_new (MFD_NDR_SOURCE_NDR);
  gsize status_end = mfd_ndr_match_status (s, len, words);

  entry->reply = mfd_ndr_reply_code (s + i);
  if (status_end > 0 && (s[words] == '2') == (s[i] == '2'))
    {
      entry->status = g_strndup (s + words, status_end - words);
      words = status_end;
    }
  entry->text = mfd_ndr_collapse_space (s + words, len - words);
  mfd_ndr_tidy_text (entry);
  return entry;
}

/* A status or a reply code at @i that has not the other beside it, read
 * only where other servers' bounces put one: at the start of a bounce's
 * line or after "said:" and its kin. It takes the rest of the line.
 * Returns where the scan goes on. */
static gsize
take_lone_code (MfdNdrParse *parse,
                ScanLine    *line,
                gsize        i)
{
  const char *s = line->s;
  gsize len = line->len;
  gsize lead = line->lead;
  gboolean at_start = i == lead || (line->transcript && i == lead + 3 + (lead + 3 < len && s[lead + 3] == ' '));
  gboolean likely_bounce = parse->bounce_seen || parse->entries->len > 0;
  MfdNdrEntry *entry = NULL;
  char before = 0;
  gsize taken;
  gsize words;

  for (gsize k = i; k > line->prev_end && before == 0; k--)
    if (s[k - 1] != ' ')
      before = s[k - 1];

  /* "5.2.2 <bob@fabrikam.com>... Mailbox Full" opening a line of a
   * bounce (Exim's next-line form). */
  if ((at_start || before == ':') && likely_bounce && (taken = mfd_ndr_match_status (s, len, i)) > 0 &&
      taken < len && s[taken] == ' ' && !g_ascii_isdigit (s[MIN (taken + 1, len - 1)]))
    entry = entry_from_status (s, len, i, taken);
  /* "said: 550 User unknown", "<<< 550 …", "554: delivery error",
   * or a reply alone at the start of a bounce's line: the code
   * without an enhanced status. */
  else if (s[i] != '2' && (words = mfd_ndr_match_bare_reply (s, len, i)) > 0 &&
           (before == ':' || before == ';' || before == '\'' || before == '#' ||
            (at_start && likely_bounce)))
    entry = entry_from_bare_reply (s, len, i, words);
  if (entry == NULL)
    return i + 1;

  entry->raw = mfd_text_sanitize (s + lead, len - lead, MFD_NDR_MAX_FIELD_CHARS);
  if (line->transcript)
    entry->flags |= MFD_NDR_ENTRY_TRANSCRIPT;
  keep_entry (parse, entry);
  return line->prev_end = len;
}

/* A reply with its enhanced status at @i: quoted on an NDR history line,
 * or an EOP queue string with its [fields]. Returns where the scan goes
 * on. */
static gsize
take_reply (MfdNdrParse *parse,
            ScanLine    *line,
            gsize        i)
{
  const char *s = line->s;
  gsize len = line->len;
  gsize prev_end = line->prev_end;
  gsize end = len;
  const char *quote;
  MfdNdrEntry *entry;

  /* A reply quoted on an NDR line ends at its closing quote; what comes
   * before the quote says who returned it and when. */
  quote = mfd_ndr_find_opening_quote (s + prev_end, i - prev_end);
  if (quote != NULL)
    {
      const char *close = memchr (s + i, '\'', len - i);

      entry = mfd_ndr_entry_new (MFD_NDR_SOURCE_NDR);
      if (close != NULL)
        end = close - s;
      mfd_ndr_parse_history_prefix (entry, s + prev_end, quote - (s + prev_end));
    }
  else
    entry = mfd_ndr_entry_new (MFD_NDR_SOURCE_QUEUE);

  /* "mx.fabrikam.com #550 5.1.1 … ##" (Exchange 2007–2019): the host
   * before the '#' is the server that answered. */
  if (quote == NULL && i > 1 && s[i - 1] == '#' && s[i - 2] == ' ')
    {
      g_autofree char *host = mfd_ndr_host_before (s, i - 2);

      if (host != NULL && (gsize) (i - 2) - strlen (host) >= prev_end)
        entry->server = g_steal_pointer (&host);
    }
  i += MAX (mfd_ndr_parse_reply (entry, s + i, end - i), 1);
  if (quote != NULL && end < len)
    i = end + 1;
  if (line->transcript)
    entry->flags |= MFD_NDR_ENTRY_TRANSCRIPT;
  /* A reply in a bounce, not an EOP queue string with its fields. */
  if (quote == NULL && parse->bounce_seen && entry->server == NULL && entry->ip == NULL &&
      entry->reporting_server == NULL)
    entry->source = MFD_NDR_SOURCE_NDR;
  keep_entry (parse, entry);
  return line->prev_end = i;
}

/* One logical line (physical lines joined where a paste broke a field). */
static void
scan_line (MfdNdrParse *parse,
           const char  *s,
           gsize        len)
{
  ScanLine line = { s, len, 0, FALSE, 0 };
  gsize i = 0;

  if (follow_sections (parse, s, len))
    return;
  gather_hints (parse, s, len);
  note_transcript (parse, &line);

  while (i < len && !mfd_ndr_parse_is_full (parse))
    {
      gsize taken;

      /* Most of a line is prose: skip to what may start a trace or a code. */
      while (i < len && s[i] != '{' && s[i] != '4' && s[i] != '5' && s[i] != '2' && s[i] != '#')
        i++;
      if (i == len)
        break;

      if (s[i] == '{' && len - i > 5 && strncmp (s + i, "{LED=", 5) == 0)
        {
          i += mfd_ndr_parse_trace (parse, s + i, len - i);
          line.prev_end = i;
        }
      else if (s[i] == '#')
        i = (taken = take_hash_status (parse, &line, i)) > 0 ? taken : i + 1;
      else if (mfd_ndr_match_code (s, len, i, NULL, NULL) == 0)
        i = take_lone_code (parse, &line, i);
      else
        i = take_reply (parse, &line, i);
    }
}

/* Text */

/* What a logical line leaves open: a bracket, or an NDR quote, meaning a
 * mail client wrapped it and the next line continues the same field. Kept
 * up to date piece by piece so joining stays linear. */
typedef struct
{
  gsize    depth;
  gboolean quote;
  gboolean code;
} OpenState;

static void
open_state_feed (OpenState  *state,
                 const char *s,
                 gsize       len)
{
  const char *returned;

  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '[')
        state->depth++;
      else if (s[i] == ']' && state->depth > 0)
        state->depth--;
      else if (s[i] == '\'' && state->quote)
        state->quote = FALSE;
      else if (!state->code && (s[i] == '4' || s[i] == '5') && mfd_ndr_match_code (s, len, i, NULL, NULL) > 0)
        state->code = TRUE;
    }

  returned = mfd_ndr_find_in (s, len, "returned '");
  if (returned == NULL)
    returned = mfd_ndr_find_in (s, len, "から '");
  if (returned != NULL)
    {
      const char *q = strchr (returned, '\'') + 1;

      state->quote = memchr (q, '\'', s + len - q) == NULL;
    }
}

/* Where a wrapped field is joined, a break right after '.', '-', ':' or
 * '=' was inside a name or an address; elsewhere it stood for a space. */
static void
join_line (GString    *logical,
           const char *next,
           gsize       len)
{
  char last = logical->len > 0 ? logical->str[logical->len - 1] : ' ';

  while (len > 0 && (*next == ' ' || *next == '\t'))
    next++, len--;
  if (last != '.' && last != '-' && last != ':' && last != '=' && last != '[' &&
      !(len > 0 && (next[0] == ']' || next[0] == '.')))
    g_string_append_c (logical, ' ');
  g_string_append_len (logical, next, len);
}

/* The reply code of a line that continues a multiline reply ("550-5.1.1
 * …"), or of its last line when @more is given ("550 5.1.1 …": *more
 * FALSE); 0 otherwise. */
static int
multiline_reply (const char *s,
                 gsize       len,
                 gboolean   *more)
{
  gsize q = 0;

  while (q < len && (s[q] == ' ' || s[q] == '\t'))
    q++;
  if (len - q < 5 || !g_ascii_isdigit (s[q]) || !g_ascii_isdigit (s[q + 1]) || !g_ascii_isdigit (s[q + 2]))
    return 0;
  if (s[q + 3] == '-')
    {
      if (more != NULL)
        *more = TRUE;
    }
  else if (more == NULL || s[q + 3] != ' ')
    return 0;
  return mfd_ndr_reply_code (s + q);
}

/* Whether a wrapped reply was cut after its reply code or after
 * Postfix's "said:" ("… said: 550" / "5.1.2 Host unknown …" below). */
static gboolean
cut_reply (const char *s,
           gsize       len)
{
  while (len > 0 && s[len - 1] == ' ')
    len--;
  if (len >= 5 && g_str_has_prefix (s + len - 5, "said:"))
    return TRUE;
  return len >= 4 && s[len - 4] == ' ' && (s[len - 3] == '4' || s[len - 3] == '5') &&
         g_ascii_isdigit (s[len - 2]) && g_ascii_isdigit (s[len - 1]);
}

/* A run of delivery-status field lines from @pos: one group of fields,
 * or ordinary lines when it carries no delivery error ("Status: 550
 * 5.4.316 …" in prose). Returns where the text goes on. */
static gsize
scan_field_group (MfdNdrParse *parse,
                  const char  *s,
                  gsize        len,
                  gsize        pos)
{
  gsize block_start = pos;
  guint n_lines = 0;

  /* The group runs to the first blank or non-field line; a real one has
   * a dozen fields, so a flood of field-like lines is cut into bounded
   * groups. */
  while (pos < len && n_lines++ < MAX_DSN_GROUP_LINES)
    {
      gsize e = mfd_ndr_line_end (s, len, pos);

      if (e == pos || !(mfd_ndr_is_header_line (s + pos, e - pos) || s[pos] == ' ' || s[pos] == '\t'))
        break;
      pos = e < len ? e + 1 : len;
    }
  if (!mfd_ndr_parse_dsn_group (parse, s + block_start, pos - block_start))
    for (gsize p = block_start; p < pos && !mfd_ndr_parse_is_full (parse);)
      {
        gsize e = mfd_ndr_line_end (s, pos, p);

        scan_line (parse, s + p, e - p);
        p = e + 1;
      }
  return pos;
}

/* The logical line starting at @pos, into @logical: the physical lines
 * that a mail client or a bounce wrapped it onto, joined. Returns where
 * the next one starts. */
static gsize
join_logical_line (MfdNdrParse *parse,
                   GString     *logical,
                   const char  *s,
                   gsize        len,
                   gsize        pos)
{
  gsize end = mfd_ndr_line_end (s, len, pos);
  OpenState state = { 0 };
  int multiline;
  gsize indent;
  gboolean wrapped = FALSE;

  g_string_assign (logical, "");
  g_string_append_len (logical, s + pos, end - pos);
  open_state_feed (&state, s + pos, end - pos);
  if (end == pos)
    parse->in_transcript = FALSE;
  multiline = multiline_reply (s + pos, end - pos, NULL);
  for (indent = 0; pos + indent < end && (s[pos + indent] == ' ' || s[pos + indent] == '\t');)
    indent++;
  pos = end < len ? end + 1 : len;

  while (pos < len && logical->len < MAX_JOINED_LINE)
    {
      gsize next_end = mfd_ndr_line_end (s, len, pos);
      gsize q = pos;
      gboolean open = state.depth > 0 || state.quote;
      gboolean more = FALSE;

      while (q < next_end && (s[q] == ' ' || s[q] == '\t'))
        q++;
      /* The next line of a multiline reply ("550-5.1.1 …" then
       * "550 5.1.1 …") belongs to it. */
      if (!open && multiline != 0 && multiline_reply (s + pos, next_end - pos, &more) == multiline)
        {
          g_string_append_c (logical, ' ');
          g_string_append_len (logical, s + q, next_end - q);
          open_state_feed (&state, s + pos, next_end - pos);
          pos = next_end < len ? next_end + 1 : len;
          if (!more)
            break;
          continue;
        }
      /* A reply that a bounce wrapped onto lines indented deeper than
       * its first (Postfix's "<bob@fabrikam.com>: host … said: 550
       * 5.1.1" and the lines under it) is one reply. */
      if (!open && (state.code || wrapped || cut_reply (logical->str, logical->len)) && q < next_end &&
          q - pos > indent && !mfd_ndr_is_dsn_field_line (s + q, next_end - q))
        {
          wrapped = TRUE;
          join_line (logical, s + pos, next_end - pos);
          open_state_feed (&state, s + pos, next_end - pos);
          pos = next_end < len ? next_end + 1 : len;
          continue;
        }
      /* A line opening with '[' continues a queue string's fields. */
      if (!open && !(q < next_end && s[q] == '[' && state.code))
        break;
      if (open && mfd_ndr_is_dsn_field_line (s + pos, next_end - pos))
        break;
      join_line (logical, s + pos, next_end - pos);
      open_state_feed (&state, s + pos, next_end - pos);
      pos = next_end < len ? next_end + 1 : len;
    }
  return pos;
}

void
mfd_ndr_scan_text (MfdNdrParse *parse,
                   const char  *s,
                   gsize        len)
{
  g_autoptr(GString) logical = g_string_new (NULL);
  gsize pos = 0;

  while (pos < len && !mfd_ndr_parse_is_full (parse))
    {
      gsize end = mfd_ndr_line_end (s, len, pos);

      /* mfd_ndr_is_dsn_field_line() allows blanks before the colon and the
       * group takes header lines only: a line that is the one but not the
       * other ("Status : 5.4.316") made an empty group and no progress. */
      if (mfd_ndr_is_dsn_field_line (s + pos, end - pos) && mfd_ndr_is_header_line (s + pos, end - pos))
        pos = scan_field_group (parse, s, len, pos);
      else
        {
          pos = join_logical_line (parse, logical, s, len, pos);
          scan_line (parse, logical->str, logical->len);
        }
    }
}
