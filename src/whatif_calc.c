/* SPDX-License-Identifier: MIT */
/*
 * whatif_calc.c - the arithmetic of the what-ifs: sizing fleets from a load,
 * costs as functions of the monthly request volume and the volumes where
 * one architecture is cheaper than another, autoscaled fleets from an
 * hourly load profile, batch sizes. Pure functions: no catalog, no YAML, no
 * allocation. The formulas are written out in docs/compare.md.
 */
#include "whatif.h"

#include <math.h>

#define SNAP       1e-9 /* relative tolerance for "a whole number of replicas" */
#define MAX_SHAPES 4

double mlc_whatif__ceil_ratio(double load, double capacity)
{
	double r, n;
	if (!(load > 0))
		return 0;
	r = load / capacity;
	n = ceil(r);
	/* never snap to 0: any load needs a replica */
	if (n >= 2 && r - (n - 1) <= SNAP * (n - 1))
		n -= 1;
	return n;
}

double mlc_whatif__replicas(double load, double capacity, double min)
{
	double n = mlc_whatif__ceil_ratio(load, capacity);
	return n < min ? min : n;
}

double mlc_whatif__avg_rps(double requests_per_month, double hours_per_month)
{
	return requests_per_month / (hours_per_month * 3600.0);
}

double mlc_whatif__shape_units(const mlc_cost_shape *s, double v)
{
	if (!(s->step_width > 0))
		return 0;
	return mlc_whatif__replicas(v, s->step_width, s->min_steps);
}

double mlc_whatif__shape_cost(const mlc_cost_shape *s, double v)
{
	return s->slope * v + s->fixed + s->step_cost * mlc_whatif__shape_units(s, v);
}

double mlc_whatif__shape_marginal(const mlc_cost_shape *s)
{
	return s->slope + (s->step_width > 0 ? s->step_cost / s->step_width : 0);
}

typedef struct scan {
	mlc_volume_range *out;
	size_t max, *n;
	const char *const *names;
} scan;

/* extend the last range or start a new one; -1 when out is full */
static int append(scan *sc, size_t option, double from, double to)
{
	mlc_volume_range *last = *sc->n ? &sc->out[*sc->n - 1] : NULL;
	if (last && last->option == sc->names[option]) {
		last->to_requests = to;
		return 0;
	}
	if (*sc->n >= sc->max)
		return -1;
	sc->out[*sc->n].option = sc->names[option];
	sc->out[*sc->n].from_requests = from;
	sc->out[*sc->n].to_requests = to;
	(*sc->n)++;
	return 0;
}

static void sort_points(double *p, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && p[j - 1] > p[j]; j--) {
			double t = p[j];
			p[j] = p[j - 1];
			p[j - 1] = t;
		}
}

/*
 * On (lo, hi] every shape is a line a[i]·V + b[i]; the cheapest changes only
 * where two lines cross, so the winner of each piece between crossings is
 * the cheapest at its midpoint. Returns the volume where out filled up, or
 * a negative number when all fit.
 */
static double envelope(scan *sc, const double *a, const double *b, const int *avail, size_t ns,
                       double lo, double hi)
{
	double pts[2 + MAX_SHAPES * MAX_SHAPES];
	size_t np = 0, i, j, k;
	pts[np++] = lo;
	pts[np++] = hi;
	for (i = 0; i < ns; i++)
		for (j = i + 1; j < ns; j++) {
			double x;
			if (!avail[i] || !avail[j] || a[i] == a[j])
				continue;
			x = (b[j] - b[i]) / (a[i] - a[j]);
			if (x > lo && x < hi)
				pts[np++] = x;
		}
	sort_points(pts, np);
	for (k = 0; k + 1 < np; k++) {
		double mid = (pts[k] + pts[k + 1]) / 2, best = 0;
		size_t win = ns;
		if (!(pts[k + 1] > pts[k]))
			continue;
		for (i = 0; i < ns; i++) {
			double c = a[i] * mid + b[i];
			if (avail[i] && (win == ns || c < best)) {
				win = i;
				best = c;
			}
		}
		if (win < ns && append(sc, win, pts[k], pts[k + 1]))
			return pts[k];
	}
	return -1;
}

void mlc_whatif__crossovers(mlc_volume_range *out, size_t max, size_t *n, int *truncated,
                            double *scan_to, const mlc_cost_shape *shapes, const char *const *names,
                            const int *available, size_t nshapes, double vmax)
{
	double units[MAX_SHAPES], bound[MAX_SHAPES], a[MAX_SHAPES], b[MAX_SHAPES];
	double cur = 0;
	size_t i, steps = 0;
	scan sc = {out, max, n, names};
	*n = 0;
	*truncated = 0;
	*scan_to = vmax;
	if (nshapes > MAX_SHAPES)
		nshapes = MAX_SHAPES;
	/* the piece of each step function holding volumes just above 0 */
	for (i = 0; i < nshapes; i++) {
		const mlc_cost_shape *s = &shapes[i];
		units[i] = s->min_steps > 1 ? s->min_steps : 1;
		bound[i] = s->step_width > 0 ? units[i] * s->step_width : INFINITY;
	}
	while (cur < vmax) {
		double hi = vmax, full;
		for (i = 0; i < nshapes; i++)
			if (available[i] && bound[i] < hi)
				hi = bound[i];
		for (i = 0; i < nshapes; i++) {
			a[i] = shapes[i].slope;
			b[i] = shapes[i].fixed +
			       (shapes[i].step_width > 0 ? shapes[i].step_cost * units[i] : 0);
		}
		full = envelope(&sc, a, b, available, nshapes, cur, hi);
		if (full >= 0 || ++steps >= MLC_WHATIF_MAX_STEPS) {
			*truncated = 1;
			*scan_to = full >= 0 ? full : hi;
			return;
		}
		cur = hi;
		for (i = 0; i < nshapes; i++)
			if (bound[i] <= cur) {
				units[i] += 1;
				bound[i] = units[i] * shapes[i].step_width;
			}
	}
}

int mlc_whatif__hourly_rps(double *out, const double *values, size_t n, int relative,
                           double avg_rps)
{
	double sum = 0;
	size_t h;
	for (h = 0; h < n; h++)
		sum += values[h];
	if (!relative) {
		for (h = 0; h < n; h++)
			out[h] = values[h];
		return 0;
	}
	if (!(sum > 0))
		return -1;
	for (h = 0; h < n; h++)
		out[h] = values[h] / (sum / (double)n) * avg_rps;
	return 0;
}

void mlc_whatif__autoscale(mlc_autoscale *out, double *replicas, const double *rps, size_t n,
                           double capacity, double target_util, double min_replicas,
                           double max_replicas, double price_per_hour, double hours_per_month)
{
	double sum = 0, peak = 0;
	size_t h;
	out->hours_at_max = 0;
	for (h = 0; h < n; h++) {
		double r = mlc_whatif__replicas(rps[h], capacity * target_util, min_replicas);
		if (max_replicas > 0 && r > max_replicas) {
			r = max_replicas;
			out->hours_at_max++;
		}
		replicas[h] = r;
		sum += r;
		if (r > peak)
			peak = r;
	}
	out->static_replicas = peak;
	out->avg_replicas = n ? sum / (double)n : 0;
	out->static_cost = peak * price_per_hour * hours_per_month;
	out->autoscaled_cost = n ? sum * price_per_hour * hours_per_month / (double)n : 0;
}

void mlc_whatif__batch_row(mlc_batch_row *out, const mlc_batch_in *in, double batch_size)
{
	double rate;
	out->batch_size = batch_size;
	out->latency_ms = in->fixed_ms + in->per_item_ms * batch_size;
	out->throughput_rps = batch_size / out->latency_ms * 1000.0 * in->concurrency;
	out->replicas = mlc_whatif__replicas(in->design_rps, out->throughput_rps, in->min_replicas);
	out->monthly_cost = out->replicas * in->price_per_hour * in->hours_per_month;
	/* the first request of a batch waits for b − 1 more at the rate one replica sees */
	rate = out->replicas > 0 ? in->avg_rps / out->replicas : 0;
	if (batch_size <= 1)
		out->wait_p95_ms = out->latency_ms;
	else if (rate > 0)
		out->wait_p95_ms = (batch_size - 1) / rate * 1000.0 + out->latency_ms;
	else
		out->wait_p95_ms = INFINITY;
	out->meets_slo = !(in->latency_slo_ms > 0) || out->wait_p95_ms <= in->latency_slo_ms;
}

double mlc_whatif__cached_count(double count, double hit_ratio)
{
	double c = count * (1 - hit_ratio);
	if (count == floor(count))
		return mlc_whatif__ceil_ratio(c, 1);
	return c;
}
