/* SPDX-License-Identifier: MIT */
/*
 * forecast_opt.c - the minimiser behind the Holt-Winters fit: Nelder-Mead
 * on the box [0,1]^d (d <= 3), every trial point projected onto the box,
 * from a given start. Deterministic (no random restarts), bounded in
 * function evaluations. Not a general optimisation library.
 */
#include "forecast_internal.h"

#include <math.h>
#include <string.h>

#define D MLC_FC_OPT_MAX_DIM

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

typedef struct simplex {
	double p[D + 1][D];
	double f[D + 1];
	int d, evals;
	mlc_fc_objective fn;
	void *ctx;
} simplex;

static double eval(simplex *s, double *u)
{
	int i;
	for (i = 0; i < s->d; i++)
		u[i] = clamp01(u[i]);
	s->evals++;
	return s->fn(s->ctx, u);
}

/* Insertion sort of the vertices by value (stable: ties keep their order). */
static void order(simplex *s)
{
	int i, j;
	for (i = 1; i <= s->d; i++)
		for (j = i; j > 0 && s->f[j] < s->f[j - 1]; j--) {
			double tf = s->f[j], tp[D];
			memcpy(tp, s->p[j], sizeof(tp));
			s->f[j] = s->f[j - 1];
			memcpy(s->p[j], s->p[j - 1], sizeof(tp));
			s->f[j - 1] = tf;
			memcpy(s->p[j - 1], tp, sizeof(tp));
		}
}

/* x = c + t (w − c): reflection (t = −1), expansion (−2), contraction (0.5). */
static double move(simplex *s, const double *c, const double *w, double t, double *x)
{
	int i;
	for (i = 0; i < s->d; i++)
		x[i] = c[i] + t * (w[i] - c[i]);
	return eval(s, x);
}

static void replace_worst(simplex *s, const double *x, double f)
{
	memcpy(s->p[s->d], x, sizeof(double) * (size_t)s->d);
	s->f[s->d] = f;
}

static void shrink(simplex *s)
{
	int i, j;
	for (i = 1; i <= s->d; i++) {
		for (j = 0; j < s->d; j++)
			s->p[i][j] = s->p[0][j] + 0.5 * (s->p[i][j] - s->p[0][j]);
		s->f[i] = eval(s, s->p[i]);
	}
}

static int converged(const simplex *s)
{
	double size = 0;
	int i, j;
	for (i = 1; i <= s->d; i++)
		for (j = 0; j < s->d; j++)
			size = fmax(size, fabs(s->p[i][j] - s->p[0][j]));
	return size < 1e-7 || s->f[s->d] - s->f[0] <= 1e-12 * fabs(s->f[0]);
}

/* One Nelder-Mead step with the usual coefficients (1, 2, 0.5, 0.5). */
static void step(simplex *s)
{
	double c[D] = {0}, xr[D], xe[D], xc[D], fr, fe, fc;
	int i, j, w = s->d;
	for (i = 0; i < w; i++)
		for (j = 0; j < s->d; j++)
			c[j] += s->p[i][j] / s->d;
	fr = move(s, c, s->p[w], -1, xr);
	if (fr < s->f[0]) {
		fe = move(s, c, s->p[w], -2, xe);
		replace_worst(s, fe < fr ? xe : xr, fe < fr ? fe : fr);
	} else if (fr < s->f[w - 1]) {
		replace_worst(s, xr, fr);
	} else {
		fc = move(s, c, fr < s->f[w] ? xr : s->p[w], 0.5, xc);
		if (fc < fmin(fr, s->f[w]))
			replace_worst(s, xc, fc);
		else
			shrink(s);
	}
}

double mlc_forecast__minimize(double *u, int d, double fu, mlc_fc_objective fn, void *ctx,
                              int max_evals)
{
	simplex s;
	int i;
	s.d = d;
	s.fn = fn;
	s.ctx = ctx;
	s.evals = 0;
	for (i = 0; i <= d; i++) {
		memcpy(s.p[i], u, sizeof(double) * (size_t)d);
		/* steps of 0.1 towards the inside of the box */
		if (i > 0)
			s.p[i][i - 1] += s.p[i][i - 1] > 0.5 ? -0.1 : 0.1;
		s.f[i] = i ? eval(&s, s.p[i]) : fu;
	}
	order(&s);
	while (s.evals < max_evals && !converged(&s)) {
		step(&s);
		order(&s);
	}
	memcpy(u, s.p[0], sizeof(double) * (size_t)d);
	return s.f[0];
}
