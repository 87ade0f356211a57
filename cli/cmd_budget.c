/* SPDX-License-Identifier: MIT */
/*
 * cmd_budget.c - `mlcost budget status --budgets FILE`: for each budget of
 * the file (SPEC §7), the actual cost of its scope to date from the store,
 * the forecast at the end of its period, the alert thresholds crossed and
 * the variance, flagged when over 10%. --fail makes it a guardrail: exit 4
 * when a budget is exceeded (by the actual, or by the forecast for budgets
 * with forecast: true).
 *
 * The store and the forecast are the library's (mlc_policy_budget_status);
 * this file parses options and prints.
 */
#include "cli.h"
#include "ledger_args.h"
#include "table.h"

#include <mlcost.h>
#include <mlcost/policy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"table", "csv", "json", NULL};

static const cli_option options[] = {
    {"budgets", 'b', CLI_VALUE, "FILE", "the budgets file (YAML)", NULL, NULL},
    {"store", 's', CLI_VALUE, "STORE", "SQLite file or postgres://... URL", MLC_STORE_DEFAULT,
     NULL},
    {"as-of", 0, CLI_VALUE, "DATE", "last day counted as actual (default: the store's last)", NULL,
     NULL},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted", "effective", NULL},
    {"fail", 0, CLI_FLAG, NULL, "exit 4 when a budget is exceeded", NULL, NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* "80%,100%" of the thresholds crossed, "(f)" when by the forecast only. */
static void crossed_text(char *out, size_t cap, const mlc_budget_status *st)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < st->nalerts && used + 1 < cap; i++) {
		const mlc_budget_alert *al = &st->alerts[i];
		int k;
		if (!al->by_actual && !al->by_forecast)
			continue;
		k = snprintf(out + used, cap - used, "%s%g%%%s", used ? "," : "", al->pct,
		             al->by_actual ? "" : "(f)");
		used += k > 0 ? (size_t)k : 0;
	}
	if (!used)
		snprintf(out, cap, "-");
}

static int exceeded(const mlc_budget *b, const mlc_budget_status *st)
{
	return st->exceeded_actual || (b->forecast && st->exceeded_forecast);
}

static int row_table(cli_table *t, const mlc_budget_status *st)
{
	char amt[40], act[40], used[32], fc[40], fpct[32], var[40], cr[256], per[40];
	char a[16], b[16];
	const char *cells[9];
	mlc_series_day_format(a, sizeof(a), st->period_start);
	mlc_series_day_format(b, sizeof(b), st->period_end);
	snprintf(per, sizeof(per), "%s..%s", a, b);
	cli_fmt_money(amt, sizeof(amt), st->amount);
	cli_fmt_money(act, sizeof(act), st->actual);
	cli_fmt_pct(used, sizeof(used), st->used_pct);
	cli_fmt_money(fc, sizeof(fc), st->forecast_at_end);
	cli_fmt_pct(fpct, sizeof(fpct), st->forecast_pct);
	snprintf(var, sizeof(var), "%+.1f%%%s", st->variance * 100,
	         st->variance_flagged ? " !" : "");
	crossed_text(cr, sizeof(cr), st);
	cells[0] = st->name, cells[1] = per, cells[2] = amt, cells[3] = act, cells[4] = used;
	cells[5] = fc, cells[6] = fpct, cells[7] = var, cells[8] = cr;
	return cli_table_add(t, cells);
}

static void row_json(const mlc_budget_status *st, const mlc_budget *b, size_t i)
{
	char a[16], e[16], o[16], cr[256];
	mlc_series_day_format(a, sizeof(a), st->period_start);
	mlc_series_day_format(e, sizeof(e), st->period_end);
	mlc_series_day_format(o, sizeof(o), st->as_of);
	crossed_text(cr, sizeof(cr), st);
	printf("%s{\"name\":\"%s\",\"period\":\"%s\",\"period_start\":\"%s\",\"period_end\":\"%s\","
	       "\"as_of\":\"%s\",\"amount\":%.17g,\"actual\":%.17g,\"used_pct\":%.17g,"
	       "\"forecast_at_end\":%.17g,\"forecast_lo80\":%.17g,\"forecast_hi80\":%.17g,"
	       "\"forecast_pct\":%.17g,\"method\":\"%s\",\"variance\":%.17g,"
	       "\"variance_flagged\":%s,\"exceeded\":%s,\"alerts\":[",
	       i ? ",\n" : "", st->name, mlc_budget_period_name(st->period), a, e, o, st->amount,
	       st->actual, st->used_pct, st->forecast_at_end, st->forecast_lo80, st->forecast_hi80,
	       st->forecast_pct, st->method, st->variance, st->variance_flagged ? "true" : "false",
	       exceeded(b, st) ? "true" : "false");
	for (size_t k = 0; k < st->nalerts; k++)
		printf("%s{\"pct\":%.17g,\"at\":%.17g,\"by_actual\":%s,\"by_forecast\":%s}",
		       k ? "," : "", st->alerts[k].pct, st->alerts[k].at,
		       st->alerts[k].by_actual ? "true" : "false",
		       st->alerts[k].by_forecast ? "true" : "false");
	printf("]}");
}

static void row_csv(const mlc_budget_status *st, const mlc_budget *b)
{
	char a[16], e[16], cr[256];
	mlc_series_day_format(a, sizeof(a), st->period_start);
	mlc_series_day_format(e, sizeof(e), st->period_end);
	crossed_text(cr, sizeof(cr), st);
	printf("\"%s\",%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%s,%.17g,%d,\"%s\",%d\n", st->name, a, e,
	       st->amount, st->actual, st->used_pct, st->forecast_at_end, st->forecast_pct,
	       st->method, st->variance, st->variance_flagged, cr, exceeded(b, st));
}

static int status_all(const mlc_budgets *bs, mlc_store *st, mlc_cost_basis basis, int64_t first,
                      int64_t as_of, const char *fmt, size_t *nexceeded)
{
	static const char *const head[] = {"budget",   "period",  "amount",   "actual", "used",
	                                   "forecast", "fc used", "variance", "crossed"};
	cli_table *t = cli_table_new(9, head, "llrrrrrrl");
	int rc = 0;
	if (!t)
		return cli_error(EXIT_RUNTIME, "out of memory");
	if (!strcmp(fmt, "json"))
		printf("{\"budgets\":[\n");
	else if (!strcmp(fmt, "csv"))
		printf("budget,period_start,period_end,amount,actual,used_pct,forecast_at_end,"
		       "forecast_pct,method,variance,variance_flagged,crossed,exceeded\n");
	for (size_t i = 0; i < mlc_budgets_count(bs) && !rc; i++) {
		const mlc_budget *b = mlc_budgets_get(bs, i);
		mlc_budget_status s;
		if ((rc = mlc_policy_budget_status(&s, st, b, basis, first, as_of))) {
			rc = cli_fail(rc);
			break;
		}
		*nexceeded += exceeded(b, &s) != 0;
		if (!strcmp(fmt, "json"))
			row_json(&s, b, i);
		else if (!strcmp(fmt, "csv"))
			row_csv(&s, b);
		else if (row_table(t, &s))
			rc = cli_error(EXIT_RUNTIME, "out of memory");
	}
	if (!rc && !strcmp(fmt, "json"))
		printf("\n]}\n");
	else if (!rc && !strcmp(fmt, "table")) {
		char d[16];
		mlc_series_day_format(d, sizeof(d), as_of);
		printf("Budgets as of %s (%s cost); variance = forecast at period end vs amount, "
		       "'!' beyond 10%%; (f) = crossed by the forecast\n\n",
		       d, mlc_cost_basis_name(basis));
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
	return rc;
}

static int run(const cli_args *a)
{
	mlc_budgets *bs = NULL;
	mlc_store *st = NULL;
	mlc_cost_basis basis;
	int64_t first = 0, last = 0;
	size_t nexceeded = 0;
	int rc;
	if (strcmp(a->pos[0], "status"))
		return cli_error(EXIT_USAGE, "budget: unknown action '%s' (expected 'status')",
		                 a->pos[0]);
	if (!cli_value(a, "budgets"))
		return cli_error(EXIT_USAGE, "budget status: --budgets FILE is required");
	if (mlc_cost_basis_parse(&basis, cli_value(a, "cost")))
		return cli_error(EXIT_USAGE, "budget: %s", mlc_error_message());
	if ((rc = mlc_budgets_load_file(&bs, cli_value(a, "budgets"))) ||
	    (rc = mlc_store_open(&st, cli_value(a, "store"), &cli_read_only_store)) ||
	    (rc = mlc_policy_store_days(&first, &last, st, basis))) {
		rc = rc == MLC_ENOTFOUND
		         ? cli_error(EXIT_BAD_INPUT, "budget: the store holds no cost")
		         : cli_fail(rc);
		goto done;
	}
	if (cli_value(a, "as-of")) {
		if (mlc_series_day_parse(&last, cli_value(a, "as-of")) || last < first) {
			rc = cli_error(EXIT_USAGE, "budget: --as-of must be a date YYYY-MM-DD on "
			                           "or after the store's first day");
			goto done;
		}
	}
	rc = status_all(bs, st, basis, first, last, cli_value(a, "format"), &nexceeded);
	if (!rc && nexceeded && cli_flag(a, "fail"))
		rc = EXIT_RULE_FAILED;
done:
	mlc_store_close(st);
	mlc_budgets_free(bs);
	return rc;
}

const cli_command cmd_budget = {
    "budget",
    "budget status over the store: actual, forecast at period end, thresholds",
    "status --budgets FILE [--store STORE] [--as-of DATE] [--fail] [options]",
    "For each budget of FILE (docs/budgets.md): the actual cost of its scope in\n"
    "the current period up to the store's last day, the forecast at the end of the\n"
    "period (Holt-Winters or linear over the scope's daily history), the alert\n"
    "thresholds crossed (by the actual, or by the forecast for budgets with\n"
    "forecast: true) and the variance of the forecast from the amount, flagged\n"
    "when over 10%. With --fail, exit 4 when a budget is exceeded.",
    options,
    1,
    1,
    run};
