/* mfd.h — the Mail Flow Doctor engine (no GTK)
 *
 * Copyright 2026 The Mail Flow Doctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mfd-types.h"
#include "mfd-text.h"
#include "mfd-observation.h"
#include "mfd-ndr.h"
#include "mfd-connector.h"
#include "mfd-remedy.h"
#include "mfd-target.h"
#include "mfd-dns.h"
#include "mfd-web.h"
#include "mfd-probe.h"
#include "mfd-vantage.h"
#include "mfd-diagnosis.h"
#include "mfd-check.h"
#include "mfd-report.h"
#include "mfd-lab.h"
#include "mfd-watch.h"
