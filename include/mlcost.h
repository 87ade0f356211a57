/* SPDX-License-Identifier: MIT */
/*
 * mlcost.h - the public API of libmlcost: pricing catalogs, the cost model
 * (estimate, compare, frontier). Include this header only; the files under
 * mlcost/ are its parts.
 */
#ifndef MLCOST_H
#define MLCOST_H

#include "mlcost/common.h"
#include "mlcost/pricing.h"
#include "mlcost/costmodel.h"
#include "mlcost/whatif.h"
#include "mlcost/bills.h"
#include "mlcost/store.h"
#include "mlcost/series.h"
#include "mlcost/unit.h"
#include "mlcost/policy.h"
#include "mlcost/ledger.h"
#include "mlcost/meter.h"
#include "mlcost/report.h"

#endif
