/* SPDX-License-Identifier: MIT */
/*
 * cmd_forecast.c - `mlcost forecast --by DIM`: the daily cost of each group
 * read from the store (mlc_store_daily_series), forecast by the library
 * (mlc_forecast_run): model used, backtest MAPE, projections to the month
 * end and to the horizon with 80% and 95% intervals (SPEC §7).
 *
 * This file parses options and prints; it computes nothing itself. The
 * series of every group ends on the last day the store covers (as-of day),
 * so a group that stopped spending forecasts from its zeros.
 */
#include "cli.h"
#include "ledger_args.h"
#include "table.h"

#include <mlcost.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"table", "csv", "json", NULL};
static const char *const models[] = {"auto", "holt-winters", "linear", NULL};

static const cli_option options[] = {
    {"store", 's', CLI_VALUE, "STORE", "SQLite file or postgres://... URL", MLC_STORE_DEFAULT,
     NULL},
    {"by", 'b', CLI_VALUE, "DIMS", "group by these dimensions, comma separated (tag:KEY, ...)",
     NULL, NULL},
    {"where", 'w', CLI_LIST, "KEY=VALUE", "keep records where KEY is VALUE (KEY!=VALUE: is not)",
     NULL, NULL},
    {"from", 0, CLI_VALUE, "TIME", "history from this day", NULL, NULL},
    {"to", 0, CLI_VALUE, "TIME", "history before this day", NULL, NULL},
    {"horizon", 'H', CLI_VALUE, "DAYS", "days to forecast, e.g. 90d", "90d", NULL},
    {"model", 'm', CLI_VALUE, "MODEL", "forecast model", "auto", models},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted", "effective", NULL},
    {"daily", 0, CLI_FLAG, NULL, "table: also print every forecast day", NULL, NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static void json_total(const char *name, const mlc_forecast_total *t)
{
	char a[16], b[16];
	mlc_series_day_format(a, sizeof(a), t->from_day);
	mlc_series_day_format(b, sizeof(b), t->to_day);
	printf(",\"%s\":{\"from\":\"%s\",\"to\":\"%s\",\"actual_days\":%u,\"forecast_days\":%u,"
	       "\"actual\":%.17g,\"forecast\":%.17g,\"total\":%.17g,\"lo80\":%.17g,\"hi80\":%.17g,"
	       "\"lo95\":%.17g,\"hi95\":%.17g}",
	       name, a, b, t->actual_days, t->forecast_days, t->actual, t->forecast, t->total,
	       t->lo80, t->hi80, t->lo95, t->hi95);
}

static void print_json(const char *label, const mlc_forecast_result *r, int first)
{
	char day[16];
	printf("%s{\"group\":", first ? "" : ",\n");
	cli_json_str(label);
	printf(",\"model\":\"%s\",\"note\":", mlc_forecast_model_name(r->model));
	cli_json_str(r->note ? r->note : "");
	mlc_series_day_format(day, sizeof(day), r->last_day);
	printf(",\"as_of\":\"%s\",\"history_days\":%zu", day, r->history_days);
	if (r->has_backtest)
		printf(",\"backtest\":{\"days\":%zu,\"scored\":%zu,\"mape_pct\":%.17g}",
		       r->backtest_days, r->backtest_scored, r->backtest_mape);
	else {
		printf(",\"backtest\":null,\"backtest_note\":");
		cli_json_str(r->backtest_note ? r->backtest_note : "");
	}
	json_total("month_end", &r->month_end);
	json_total("horizon_total", &r->horizon_total);
	printf(",\"days\":[");
	for (size_t i = 0; i < r->horizon; i++) {
		const mlc_forecast_day *d = &r->days[i];
		mlc_series_day_format(day, sizeof(day), d->day);
		printf("%s{\"day\":\"%s\",\"mean\":%.17g,\"lo80\":%.17g,\"hi80\":%.17g,"
		       "\"lo95\":%.17g,\"hi95\":%.17g}",
		       i ? "," : "", day, d->mean, d->lo80, d->hi80, d->lo95, d->hi95);
	}
	printf("]}");
}

static void print_csv(const char *label, const mlc_forecast_result *r)
{
	char day[16], mape[32] = "";
	if (r->has_backtest)
		snprintf(mape, sizeof(mape), "%.17g", r->backtest_mape);
	for (size_t i = 0; i < r->horizon; i++) {
		const mlc_forecast_day *d = &r->days[i];
		mlc_series_day_format(day, sizeof(day), d->day);
		printf("\"%s\",%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g\n", label,
		       mlc_forecast_model_name(r->model), mape, day, d->mean, d->lo80, d->hi80,
		       d->lo95, d->hi95);
	}
}

static void total_text(char *out, size_t cap, const mlc_forecast_total *t, int intervals)
{
	char v[40], a[40], b[40], c[40], d[40];
	cli_fmt_money(v, sizeof(v), t->total);
	if (!intervals) {
		snprintf(out, cap, "%s", v);
		return;
	}
	cli_fmt_money(a, sizeof(a), t->lo80);
	cli_fmt_money(b, sizeof(b), t->hi80);
	cli_fmt_money(c, sizeof(c), t->lo95);
	cli_fmt_money(d, sizeof(d), t->hi95);
	snprintf(out, cap, "%s  (80%%: %s .. %s; 95%%: %s .. %s)", v, a, b, c, d);
}

static void print_text(const char *label, const mlc_forecast_result *r, const char *cur, int daily)
{
	char from[16], to[16], mape[64], line[256], act[40];
	mlc_series_day_format(from, sizeof(from), r->first_day);
	mlc_series_day_format(to, sizeof(to), r->last_day);
	if (r->has_backtest)
		snprintf(mape, sizeof(mape), "backtest MAPE %.1f%% over the last %zu days",
		         r->backtest_mape, r->backtest_days);
	else
		snprintf(mape, sizeof(mape), "no backtest: %s", r->backtest_note);
	printf("%s\n  model %s (%s); %s\n  history %s .. %s (%zu days)%s%s\n", label,
	       mlc_forecast_model_name(r->model), r->note, mape, from, to, r->history_days,
	       cur ? ", " : "", cur ? cur : "");
	mlc_series_day_format(to, sizeof(to), r->month_end.to_day);
	total_text(line, sizeof(line), &r->month_end, r->has_intervals);
	cli_fmt_money(act, sizeof(act), r->month_end.actual);
	printf("  month to %s: %s, of which actual %s\n", to, line, act);
	total_text(line, sizeof(line), &r->horizon_total, r->has_intervals);
	printf("  next %zu days: %s\n", r->horizon, line);
	for (size_t i = 0; daily && i < r->horizon; i++) {
		const mlc_forecast_day *d = &r->days[i];
		char m[40], lo[40], hi[40];
		mlc_series_day_format(to, sizeof(to), d->day);
		cli_fmt_money(m, sizeof(m), d->mean);
		cli_fmt_money(lo, sizeof(lo), d->lo95);
		cli_fmt_money(hi, sizeof(hi), d->hi95);
		printf("    %s  %12s  (95%%: %s .. %s)\n", to, m, lo, hi);
	}
	printf("\n");
}

static int forecast_one(const mlc_store_daily *d, size_t i, const char *const *by,
                        const mlc_forecast_options *o, const char *fmt, int daily)
{
	const mlc_store_series *g = &d->series[i];
	double *v = malloc((d->ndays ? d->ndays : 1) * sizeof(double));
	mlc_series s;
	mlc_forecast *f = NULL;
	char label[1024];
	int rc;
	if (!v)
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (size_t k = 0; k < d->ndays; k++)
		v[k] = mlc_amount_to_double(g->cost[k]);
	s.first_day = d->day0 / 86400;
	s.n = d->ndays;
	s.values = v;
	cli_group_label(label, sizeof(label), d, by, g);
	if ((rc = mlc_forecast_run(&f, &s, o))) {
		free(v);
		fprintf(stderr, "mlcost: forecast: %s: %s\n", label, mlc_error_message());
		return cli_exit_code(rc);
	}
	if (!strcmp(fmt, "json"))
		print_json(label, mlc_forecast_get(f), i == 0);
	else if (!strcmp(fmt, "csv"))
		print_csv(label, mlc_forecast_get(f));
	else
		print_text(label, mlc_forecast_get(f), d->currency, daily);
	mlc_forecast_free(f);
	free(v);
	return EXIT_OK;
}

static int run(const cli_args *a)
{
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	const char *by[MLC_STORE_MAX_BY], *fmt = cli_value(a, "format"), *const * where;
	char buf[1024];
	mlc_store *st = NULL;
	mlc_store_daily *d = NULL;
	int rc;
	q.nwhere = cli_list(a, "where", &where);
	q.where = where;
	q.from = cli_value(a, "from");
	q.to = cli_value(a, "to");
	if (cli_value(a, "by") &&
	    (rc = cli_split_by("forecast", by, &q.nby, buf, sizeof(buf), cli_value(a, "by"))))
		return rc;
	q.by = by;
	if ((rc = cli_parse_horizon(&o.horizon, "forecast", cli_value(a, "horizon"))))
		return rc;
	if (mlc_cost_basis_parse(&q.basis, cli_value(a, "cost")) ||
	    mlc_forecast_model_parse(&o.model, cli_value(a, "model")))
		return cli_error(EXIT_USAGE, "forecast: %s", mlc_error_message());
	if ((rc = mlc_store_open(&st, cli_value(a, "store"), &cli_read_only_store)) ||
	    (rc = mlc_store_daily_series(&d, st, &q))) {
		rc = cli_fail(rc);
		goto done;
	}
	if (!d->nseries || d->ndays < MLC_FORECAST_MIN_DAYS) {
		rc = cli_error(EXIT_BAD_INPUT, "forecast: the store has %s for this query",
		               d->nseries ? "fewer than 2 days of cost" : "no cost");
		goto done;
	}
	if (!strcmp(fmt, "json"))
		printf("{\"cost\":\"%s\",\"currency\":%s%s%s,\"horizon_days\":%u,\"forecasts\":[\n",
		       mlc_cost_basis_name(q.basis), d->currency ? "\"" : "",
		       d->currency ? d->currency : "null", d->currency ? "\"" : "", o.horizon);
	else if (!strcmp(fmt, "csv"))
		printf("group,model,backtest_mape_pct,day,mean,lo80,hi80,lo95,hi95\n");
	for (size_t i = 0; i < d->nseries; i++)
		if ((rc = forecast_one(d, i, by, &o, fmt, cli_flag(a, "daily"))))
			goto done;
	if (!strcmp(fmt, "json"))
		printf("\n]}\n");
done:
	mlc_store_daily_free(d);
	mlc_store_close(st);
	return rc;
}

const cli_command cmd_forecast = {
    "forecast",
    "forecast daily cost per group from the store, with intervals and a backtest",
    "--by DIMS [--store STORE] [--where K=V]... [--horizon 90d] [options]",
    "Reads the daily cost of each group from the store and forecasts it:\n"
    "Holt-Winters with a weekly season from 21 days of history, a linear trend\n"
    "below; 80% and 95% prediction intervals; the MAPE of a backtest on the last\n"
    "28 days; the projected total to the end of the current month and over the\n"
    "horizon. See docs/forecast.md.",
    options,
    0,
    0,
    run};
