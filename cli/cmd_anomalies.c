/* SPDX-License-Identifier: MIT */
/*
 * cmd_anomalies.c - `mlcost anomalies --by DIM`: days whose cost departs
 * from the seasonal baseline of their group (SPEC §7), read from the store
 * and scored by the library (mlc_anomaly_detect: robust z of the residuals,
 * median/MAD), with the impact in money and in percent. --fail makes it a
 * guardrail: exit 4 when any day is flagged.
 *
 * This file parses options and prints; the scoring is the library's.
 */
#include "cli.h"
#include "ledger_args.h"
#include "table.h"

#include <mlcost.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"table", "csv", "json", NULL};
static const char *const baselines[] = {"weekday-median", "holt-winters", NULL};
static const char *const directions[] = {"both", "up", "down", NULL};

static const cli_option options[] = {
    {"store", 's', CLI_VALUE, "STORE", "SQLite file or postgres://... URL", MLC_STORE_DEFAULT,
     NULL},
    {"by", 'b', CLI_VALUE, "DIMS", "group by these dimensions, comma separated (tag:KEY, ...)",
     NULL, NULL},
    {"where", 'w', CLI_LIST, "KEY=VALUE", "keep records where KEY is VALUE (KEY!=VALUE: is not)",
     NULL, NULL},
    {"from", 0, CLI_VALUE, "TIME", "days from this one", NULL, NULL},
    {"to", 0, CLI_VALUE, "TIME", "days before this one", NULL, NULL},
    {"min-impact", 0, CLI_VALUE, "MONEY", "flag only days at least this far from the baseline", "0",
     NULL},
    {"min-pct", 0, CLI_VALUE, "PCT", "flag only days at least PCT % from the baseline", "0", NULL},
    {"threshold", 0, CLI_VALUE, "Z", "robust z above which a day is anomalous", "3.5", NULL},
    {"baseline", 0, CLI_VALUE, "KIND", "seasonal baseline", "weekday-median", baselines},
    {"direction", 0, CLI_VALUE, "DIR", "spikes, drops or both", "both", directions},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted", "effective", NULL},
    {"fail", 0, CLI_FLAG, NULL, "exit 4 when any day is anomalous", NULL, NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static int parse_num(double *out, const char *opt, const char *v)
{
	char *end;
	double d = strtod(v, &end);
	if (!*v || *end || !(d >= 0) || d > 1e15)
		return cli_error(EXIT_USAGE, "anomalies: --%s must be a number >= 0 (got '%s')",
		                 opt, v);
	*out = d;
	return EXIT_OK;
}

typedef struct out_ctx {
	const char *fmt;
	cli_table *t;
	size_t printed;
} out_ctx;

static int emit(out_ctx *c, const char *label, const mlc_anomaly_day *d)
{
	char day[16], act[40], base[40], imp[40], pct[32], z[32];
	const char *cells[7];
	mlc_series_day_format(day, sizeof(day), d->day);
	if (!strcmp(c->fmt, "json")) {
		printf("%s{\"group\":", c->printed++ ? ",\n" : "");
		cli_json_str(label);
		printf(",\"day\":\"%s\",\"actual\":%.17g,\"baseline\":%.17g,\"impact\":%.17g,"
		       "\"pct\":",
		       day, d->actual, d->baseline, d->impact);
		if (d->pct_defined)
			printf("%.17g", d->pct);
		else
			printf("null");
		printf(",\"z\":%.17g}", d->z);
		return 0;
	}
	if (!strcmp(c->fmt, "csv")) {
		printf("\"%s\",%s,%.17g,%.17g,%.17g,", label, day, d->actual, d->baseline,
		       d->impact);
		if (d->pct_defined)
			printf("%.17g", d->pct);
		printf(",%.17g\n", d->z);
		return 0;
	}
	cli_fmt_money(act, sizeof(act), d->actual);
	cli_fmt_money(base, sizeof(base), d->baseline);
	cli_fmt_money(imp, sizeof(imp), d->impact);
	if (d->pct_defined)
		cli_fmt_pct(pct, sizeof(pct), d->pct);
	else
		snprintf(pct, sizeof(pct), "new");
	snprintf(z, sizeof(z), "%.1f", d->z);
	cells[0] = label, cells[1] = day, cells[2] = act, cells[3] = base;
	cells[4] = imp, cells[5] = pct, cells[6] = z;
	c->printed++;
	return cli_table_add(c->t, cells);
}

static int detect_one(out_ctx *c, const mlc_store_daily *d, size_t i, const char *const *by,
                      const mlc_anomaly_options *o, size_t *flagged)
{
	const mlc_store_series *g = &d->series[i];
	double *v = malloc((d->ndays ? d->ndays : 1) * sizeof(double));
	mlc_series s;
	mlc_anomaly *an = NULL;
	const mlc_anomaly_result *r;
	char label[1024];
	int rc = 0;
	if (!v)
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (size_t k = 0; k < d->ndays; k++)
		v[k] = mlc_amount_to_double(g->cost[k]);
	s.first_day = d->day0 / 86400;
	s.n = d->ndays;
	s.values = v;
	cli_group_label(label, sizeof(label), d, by, g);
	if ((rc = mlc_anomaly_detect(&an, &s, o))) {
		free(v);
		fprintf(stderr, "mlcost: anomalies: %s: %s\n", label, mlc_error_message());
		return cli_exit_code(rc);
	}
	r = mlc_anomaly_get(an);
	for (size_t k = 0; k < r->nflagged && !rc; k++)
		rc = emit(c, label, &r->days[r->flagged[k]]);
	*flagged += r->nflagged;
	mlc_anomaly_free(an);
	free(v);
	return rc ? cli_error(EXIT_RUNTIME, "out of memory") : EXIT_OK;
}

static int parse_opts(mlc_anomaly_options *o, mlc_cost_basis *basis, const cli_args *a)
{
	int rc;
	if ((rc = parse_num(&o->min_impact, "min-impact", cli_value(a, "min-impact"))) ||
	    (rc = parse_num(&o->min_pct, "min-pct", cli_value(a, "min-pct"))) ||
	    (rc = parse_num(&o->threshold, "threshold", cli_value(a, "threshold"))))
		return rc;
	if (mlc_cost_basis_parse(basis, cli_value(a, "cost")) ||
	    mlc_anomaly_baseline_parse(&o->baseline, cli_value(a, "baseline")) ||
	    mlc_anomaly_direction_parse(&o->direction, cli_value(a, "direction")))
		return cli_error(EXIT_USAGE, "anomalies: %s", mlc_error_message());
	if (o->threshold <= 0)
		return cli_error(EXIT_USAGE, "anomalies: --threshold must be above 0");
	return EXIT_OK;
}

static int run(const cli_args *a)
{
	static const char *const head[] = {"group",  "day",      "actual", "baseline",
	                                   "impact", "impact %", "z"};
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_anomaly_options o = MLC_ANOMALY_OPTIONS_INIT;
	const char *by[MLC_STORE_MAX_BY], *const *where;
	char buf[1024];
	mlc_store *st = NULL;
	mlc_store_daily *d = NULL;
	out_ctx c = {cli_value(a, "format"), NULL, 0};
	size_t flagged = 0;
	int rc;
	q.nwhere = cli_list(a, "where", &where);
	q.where = where;
	q.from = cli_value(a, "from");
	q.to = cli_value(a, "to");
	if (cli_value(a, "by") &&
	    (rc = cli_split_by("anomalies", by, &q.nby, buf, sizeof(buf), cli_value(a, "by"))))
		return rc;
	q.by = by;
	if ((rc = parse_opts(&o, &q.basis, a)))
		return rc;
	if ((rc = mlc_store_open(&st, cli_value(a, "store"), &cli_read_only_store)) ||
	    (rc = mlc_store_daily_series(&d, st, &q))) {
		rc = cli_fail(rc);
		goto done;
	}
	if (!(c.t = cli_table_new(7, head, "llrrrrr"))) {
		rc = cli_error(EXIT_RUNTIME, "out of memory");
		goto done;
	}
	if (!strcmp(c.fmt, "json"))
		printf("{\"cost\":\"%s\",\"anomalies\":[\n", mlc_cost_basis_name(q.basis));
	else if (!strcmp(c.fmt, "csv"))
		printf("group,day,actual,baseline,impact,pct,z\n");
	for (size_t i = 0; i < d->nseries; i++)
		if ((rc = detect_one(&c, d, i, by, &o, &flagged)))
			goto done;
	if (!strcmp(c.fmt, "json"))
		printf("\n]}\n");
	else if (!strcmp(c.fmt, "table") && flagged)
		cli_table_print(c.t, stdout);
	else if (!strcmp(c.fmt, "table"))
		printf("No anomalous day in %zu group%s over %zu days.\n", d->nseries,
		       d->nseries == 1 ? "" : "s", d->ndays);
	rc = flagged && cli_flag(a, "fail") ? EXIT_RULE_FAILED : EXIT_OK;
done:
	cli_table_free(c.t);
	mlc_store_daily_free(d);
	mlc_store_close(st);
	return rc;
}

const cli_command cmd_anomalies = {
    "anomalies",
    "days whose cost departs from the seasonal baseline, from the store",
    "--by DIMS [--store STORE] [--min-impact MONEY] [--min-pct PCT] [--fail] [options]",
    "Reads the daily cost of each group from the store and flags the days whose\n"
    "residual from a seasonal baseline (by default the median of the same weekday\n"
    "over the previous 4 weeks) has a robust z-score (median/MAD) above 3.5, with\n"
    "the impact in money and in percent of the baseline. --min-impact and --min-pct\n"
    "drop small departures. With --fail, exit 4 when any day is flagged.\n"
    "See docs/anomalies.md.",
    options,
    0,
    0,
    run};
