/* mfd-bench-mix.h — the practice servers the stall benchmarks start, in
 * turn: healthy and faulty ones, so that every step of the probe (and every
 * kind of finding card) shows up in a run
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd/mfd.h"

static const MfdLabScenario mfd_bench_mix[] = {
  MFD_LAB_HEALTHY,
  MFD_LAB_CERT_EXPIRED,
  MFD_LAB_NO_STARTTLS,
  MFD_LAB_CERT_WRONG_NAME,
  MFD_LAB_GREET_421,
  MFD_LAB_STARTTLS_454,
  MFD_LAB_CERT_SELF_SIGNED,
  MFD_LAB_CLOSE_AFTER_EHLO,
  MFD_LAB_TLS10_ONLY,
  MFD_LAB_REFUSE,
};
