/* mfd-lab-serve.c — runs practice servers for the benchmarks and by hand
 *
 *   mfd-lab-serve SCENARIO [SCENARIO…]
 *
 * Starts one MfdLab per scenario id (see mfd_lab_scenario_get_id()), prints
 * one line per lab: "ID HOST ADDRESS SMTP_PORT DNS_SERVER CA_FILE", then
 * serves until standard input is closed.
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "mfd/mfd.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) labs = g_ptr_array_new_with_free_func ((GDestroyNotify) mfd_lab_free);
  char buf[256];

  if (argc < 2)
    {
      g_printerr ("usage: mfd-lab-serve SCENARIO [SCENARIO…]\nscenarios:");
      for (guint i = 0; i < MFD_LAB_N_SCENARIOS; i++)
        g_printerr (" %s", mfd_lab_scenario_get_id (i));
      g_printerr ("\n");
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      MfdLabScenario scenario;
      MfdLab *lab;

      if (!mfd_lab_scenario_from_id (argv[i], &scenario))
        {
          g_printerr ("unknown scenario %s\n", argv[i]);
          return 2;
        }
      lab = mfd_lab_new (scenario, &error);
      if (lab == NULL)
        {
          g_printerr ("%s: %s\n", argv[i], error->message);
          return 1;
        }
      g_ptr_array_add (labs, lab);
      g_print ("%s %s %s %u %s %s\n", argv[i],
               mfd_lab_get_host_name (lab), mfd_lab_get_address (lab),
               mfd_lab_get_smtp_port (lab),
               mfd_lab_get_dns_server (lab) ? mfd_lab_get_dns_server (lab) : "-",
               mfd_lab_get_ca_file (lab) ? mfd_lab_get_ca_file (lab) : "-");
    }
  fflush (stdout);

  while (read (STDIN_FILENO, buf, sizeof buf) > 0)
    ;

  return 0;
}
