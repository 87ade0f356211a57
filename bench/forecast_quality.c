/* SPDX-License-Identifier: MIT */
/*
 * forecast_quality.c - the mlcost side of bench/forecast_quality.py: read a
 * daily series (a header line, then one cost per line, the last field of a
 * CSV line), run mlc_forecast_run on it for the library's own backtest
 * MAPE, and forecast the held-out days from the rest through the public API
 * so the script can recompute the MAPE. Prints one JSON object. Not a
 * ctest test; uses only include/mlcost/series.h.
 */
#include "mlcost/series.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096

static int read_series(const char *path, double **out, size_t *n)
{
	char line[MAX_LINE];
	FILE *f = fopen(path, "r");
	size_t cap = 0, lineno = 0;
	*out = NULL;
	*n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *field = strrchr(line, ','), *end;
		double v;
		if (lineno++ == 0)
			continue; /* the header */
		field = field ? field + 1 : line;
		v = strtod(field, &end);
		if (end == field) {
			fprintf(stderr, "%s:%zu: not a number\n", path, lineno);
			fclose(f);
			return -1;
		}
		if (*n == cap) {
			double *p = realloc(*out, (cap = cap ? 2 * cap : 256) * sizeof(double));
			if (!p) {
				fclose(f);
				return -1;
			}
			*out = p;
		}
		(*out)[(*n)++] = v;
	}
	fclose(f);
	return 0;
}

static int print_json(const mlc_forecast_result *full, const mlc_forecast_result *part)
{
	size_t h;
	printf("{\"model\": \"%s\", \"history_days\": %zu, \"alpha\": %.17g, \"beta\": %.17g, "
	       "\"gamma\": %.17g, \"sigma\": %.17g,\n",
	       mlc_forecast_model_name(full->model), full->history_days, full->alpha, full->beta,
	       full->gamma, full->sigma);
	printf(" \"has_backtest\": %d, \"backtest_model\": \"%s\", \"backtest_scored\": %zu, "
	       "\"backtest_mape\": %.17g,\n",
	       full->has_backtest, mlc_forecast_model_name(full->backtest_model),
	       full->backtest_scored, full->has_backtest ? full->backtest_mape : -1.0);
	printf(" \"holdout_model\": \"%s\", \"holdout_has_trend\": %d,\n",
	       mlc_forecast_model_name(part->model), part->has_trend);
	printf(" \"holdout_forecast\": [");
	for (h = 0; h < part->horizon; h++)
		printf("%s%.17g", h ? ", " : "", part->days[h].mean);
	printf("]}\n");
	return full->has_backtest ? 0 : 1;
}

int main(int argc, char **argv)
{
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT, po = MLC_FORECAST_OPTIONS_INIT;
	mlc_forecast *full = NULL, *part = NULL;
	const char *first = "2026-03-01", *path = NULL;
	unsigned holdout = 28;
	double *y = NULL;
	size_t n;
	int i, rc = 2;
	mlc_series s;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--first-day") && i + 1 < argc)
			first = argv[++i];
		else if (!strcmp(argv[i], "--holdout") && i + 1 < argc)
			holdout = (unsigned)strtoul(argv[++i], NULL, 10);
		else
			path = argv[i];
	}
	if (!path || holdout == 0) {
		fprintf(stderr,
		        "usage: forecast_quality [--first-day DAY] [--holdout N] FILE.csv\n");
		return 2;
	}
	if (read_series(path, &y, &n) != 0 || n <= holdout ||
	    mlc_series_day_parse(&s.first_day, first) != 0) {
		fprintf(stderr, "forecast_quality: %s: cannot read a series longer than %u days\n",
		        path, holdout);
		goto done;
	}
	s.values = y;
	s.n = n;
	o.backtest_days = holdout;
	o.horizon = holdout;
	po.horizon = holdout;
	po.no_backtest = 1;
	if (mlc_forecast_run(&full, &s, &o) != 0) {
		fprintf(stderr, "forecast_quality: %s\n", mlc_error_message());
		goto done;
	}
	s.n = n - holdout;
	if (mlc_forecast_run(&part, &s, &po) != 0) {
		fprintf(stderr, "forecast_quality: %s\n", mlc_error_message());
		goto done;
	}
	rc = print_json(mlc_forecast_get(full), mlc_forecast_get(part));
done:
	mlc_forecast_free(full);
	mlc_forecast_free(part);
	free(y);
	return rc;
}
