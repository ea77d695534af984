/* mfd-mta-sts.c — the MTA-STS TXT record and policy file, read strictly
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mfd-mta-sts"

#include "config.h"

#include <string.h>

#include "mfd-host.h"
#include "mfd-mta-sts.h"

const char *
mfd_mta_sts_mode_to_string (MfdMtaStsMode mode)
{
  switch (mode)
    {
    case MFD_MTA_STS_MODE_ENFORCE: return "enforce";
    case MFD_MTA_STS_MODE_TESTING: return "testing";
    case MFD_MTA_STS_MODE_NONE:
    default:                       return "none";
    }
}

static gboolean
is_wsp (char c)
{
  return c == ' ' || c == '\t';
}

/* ------------------------------------------------------------------ */
/* TXT                                                                */

gboolean
mfd_mta_sts_parse_txt (const char  *txt,
                       char       **id,
                       char       **error)
{
  g_auto(GStrv) fields = NULL;
  g_autofree char *found_id = NULL;
  gboolean version = FALSE;

  *id = NULL;
  *error = NULL;
  if (txt == NULL || !g_utf8_validate (txt, -1, NULL))
    {
      *error = g_strdup ("The TXT record is not text");
      return FALSE;
    }

  fields = g_strsplit (txt, ";", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      char *field = g_strstrip (fields[i]);
      char *eq;
      const char *value;

      if (field[0] == '\0')
        {
          /* Only the record's trailing ";" may leave an empty field. */
          if (fields[i + 1] != NULL)
            {
              *error = g_strdup ("The TXT record has an empty field");
              return FALSE;
            }
          continue;
        }
      eq = strchr (field, '=');
      if (eq == NULL || eq == field)
        {
          *error = g_strdup_printf ("The TXT record's field “%s” is not name=value", field);
          return FALSE;
        }
      *eq = '\0';
      value = eq + 1;

      if (i == 0)
        {
          if (!g_str_equal (field, "v") || !g_str_equal (value, "STSv1"))
            {
              *error = g_strdup ("The TXT record does not start with v=STSv1");
              return FALSE;
            }
          version = TRUE;
        }
      else if (g_str_equal (field, "id"))
        {
          gsize len = strlen (value);

          if (found_id != NULL)
            {
              *error = g_strdup ("The TXT record has two id fields");
              return FALSE;
            }
          if (len == 0 || len > 32)
            {
              *error = g_strdup ("The TXT record's id must be 1 to 32 letters and digits");
              return FALSE;
            }
          for (gsize k = 0; k < len; k++)
            if (!g_ascii_isalnum (value[k]))
              {
                *error = g_strdup ("The TXT record's id must be 1 to 32 letters and digits");
                return FALSE;
              }
          found_id = g_strdup (value);
        }
    }

  if (!version)
    {
      *error = g_strdup ("The TXT record does not start with v=STSv1");
      return FALSE;
    }
  if (found_id == NULL)
    {
      *error = g_strdup ("The TXT record has no id field");
      return FALSE;
    }
  *id = g_steal_pointer (&found_id);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Patterns                                                           */

/* A pattern is a host name, optionally "*." then a host name: LDH labels
 * of 1–63 characters, not starting or ending with '-'. */
static gboolean
is_valid_pattern (const char *pattern)
{
  const char *p = g_str_has_prefix (pattern, "*.") ? pattern + 2 : pattern;
  gsize label = 0;
  gsize total = strlen (p);

  if (total == 0 || total > 253 || p[total - 1] == '.' || p[0] == '.')
    return FALSE;
  for (gsize i = 0; i <= total; i++)
    {
      char c = p[i];

      if (c == '.' || c == '\0')
        {
          if (label == 0 || label > 63 || p[i - 1] == '-' || p[i - label] == '-')
            return FALSE;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (c) && c != '-')
        return FALSE;
      label++;
    }
  return TRUE;
}

gboolean
mfd_mta_sts_pattern_matches (const char *pattern,
                             const char *host)
{
  g_autofree char *p = NULL;
  g_autofree char *h = NULL;
  const char *dot;

  if (pattern == NULL || host == NULL)
    return FALSE;
  p = mfd_host_normalize (pattern);
  h = mfd_host_normalize (host);
  if (!g_str_has_prefix (p, "*."))
    return g_str_equal (p, h);

  /* "*.example.com" stands for exactly one label in front. */
  dot = strchr (h, '.');
  return dot != NULL && dot != h && g_str_equal (dot + 1, p + 2);
}

gboolean
mfd_mta_sts_policy_allows_mx (const MfdMtaStsPolicy *policy,
                              const char            *host)
{
  for (guint i = 0; policy != NULL && i < policy->mx->len; i++)
    if (mfd_mta_sts_pattern_matches (g_ptr_array_index (policy->mx, i), host))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* The policy file                                                    */

void
mfd_mta_sts_policy_free (MfdMtaStsPolicy *policy)
{
  if (policy == NULL)
    return;
  g_clear_pointer (&policy->mx, g_ptr_array_unref);
  g_free (policy);
}

static gboolean
fail (char       **error,
      guint        line,
      const char  *what)
{
  *error = line > 0 ? g_strdup_printf ("Line %u of the policy: %s", line, what) : g_strdup (what);
  return FALSE;
}

/* One "key: value" line (without its line end). */
static gboolean
read_line (MfdMtaStsPolicy *policy,
           const char      *start,
           gsize            len,
           guint            line,
           gboolean        *have_version,
           gboolean        *have_mode,
           gboolean        *have_max_age,
           char           **error)
{
  const char *colon = memchr (start, ':', len);
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;
  gsize key_len, value_start, value_end;

  if (colon == NULL)
    return fail (error, line, "a line without “key: value”");
  key_len = colon - start;
  if (key_len == 0 || key_len > 32)
    return fail (error, line, "a key that is empty or too long");
  for (gsize i = 0; i < key_len; i++)
    if (!g_ascii_isalnum (start[i]) && start[i] != '_' && start[i] != '-' && start[i] != '.')
      return fail (error, line, "a key with characters other than letters, digits, '_', '-' and '.'");
  key = g_strndup (start, key_len);

  value_start = key_len + 1;
  while (value_start < len && is_wsp (start[value_start]))
    value_start++;
  value_end = len;
  while (value_end > value_start && is_wsp (start[value_end - 1]))
    value_end--;
  if (memchr (start + value_start, '\0', value_end - value_start) != NULL)
    return fail (error, line, "a NUL character");
  value = g_strndup (start + value_start, value_end - value_start);
  if (!g_utf8_validate (value, -1, NULL))
    return fail (error, line, "a value that is not UTF-8");

  if (g_str_equal (key, "version"))
    {
      if (*have_version)
        return fail (error, line, "a second version");
      if (!g_str_equal (value, "STSv1"))
        return fail (error, line, "a version other than STSv1");
      *have_version = TRUE;
    }
  else if (g_str_equal (key, "mode"))
    {
      if (*have_mode)
        return fail (error, line, "a second mode");
      if (g_str_equal (value, "enforce"))
        policy->mode = MFD_MTA_STS_MODE_ENFORCE;
      else if (g_str_equal (value, "testing"))
        policy->mode = MFD_MTA_STS_MODE_TESTING;
      else if (g_str_equal (value, "none"))
        policy->mode = MFD_MTA_STS_MODE_NONE;
      else
        return fail (error, line, "a mode other than enforce, testing or none");
      *have_mode = TRUE;
    }
  else if (g_str_equal (key, "max_age"))
    {
      guint64 age;

      if (*have_max_age)
        return fail (error, line, "a second max_age");
      if (value[0] == '\0' || strlen (value) > 10 ||
          !g_ascii_string_to_unsigned (value, 10, 0, MFD_MTA_STS_MAX_AGE_LIMIT, &age, NULL))
        return fail (error, line, "a max_age that is not a number of seconds up to 31557600");
      policy->max_age = (guint32) age;
      *have_max_age = TRUE;
    }
  else if (g_str_equal (key, "mx"))
    {
      char *pattern = mfd_host_normalize (value);

      if (!is_valid_pattern (pattern))
        {
          g_free (pattern);
          return fail (error, line, "an mx pattern that is no host name (or *. and a host name)");
        }
      if (policy->mx->len >= MFD_MTA_STS_MAX_MX)
        {
          g_free (pattern);
          return fail (error, line, "too many mx lines");
        }
      g_ptr_array_add (policy->mx, pattern);
    }
  /* Other keys are extensions: ignored (RFC 8461 §3.2). */
  return TRUE;
}

MfdMtaStsPolicy *
mfd_mta_sts_policy_parse (const char  *text,
                          gsize        len,
                          char       **error)
{
  g_autoptr(MfdMtaStsPolicy) policy = g_new0 (MfdMtaStsPolicy, 1);
  gboolean have_version = FALSE, have_mode = FALSE, have_max_age = FALSE;
  gsize at = 0;
  guint line = 0;

  *error = NULL;
  policy->mx = g_ptr_array_new_with_free_func (g_free);
  if (len > MFD_MTA_STS_MAX_POLICY)
    {
      fail (error, 0, "The policy is larger than 64 KiB");
      return NULL;
    }

  while (at < len)
    {
      const char *start = text + at;
      const char *lf = memchr (start, '\n', len - at);
      gsize line_len = lf != NULL ? (gsize) (lf - start) : len - at;
      gsize content_len = line_len;

      line++;
      if (content_len > 0 && start[content_len - 1] == '\r')
        content_len--;
      /* Empty lines are skipped: policies often end with one. */
      if (content_len > 0 &&
          !read_line (policy, start, content_len, line, &have_version, &have_mode, &have_max_age, error))
        return NULL;
      at += line_len + (lf != NULL ? 1 : 0);
    }

  if (!have_version)
    fail (error, 0, "The policy has no version: STSv1 line");
  else if (!have_mode)
    fail (error, 0, "The policy has no mode line");
  else if (!have_max_age)
    fail (error, 0, "The policy has no max_age line");
  else if (policy->mode != MFD_MTA_STS_MODE_NONE && policy->mx->len == 0)
    fail (error, 0, "The policy lists no mx pattern");
  if (*error != NULL)
    return NULL;
  return g_steal_pointer (&policy);
}
