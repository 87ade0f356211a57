/* SPDX-License-Identifier: MIT */
/*
 * forecast_hw.c - additive Holt-Winters with a weekly season (Hyndman's
 * component form, the one statsmodels' ExponentialSmoothing also uses):
 *
 *   forecast   f_t = l + b + s[t % 7]          e_t = y_t − f_t
 *   level      l  <- l + b + α e_t
 *   trend      b  <- b + α β e_t
 *   season     s[t % 7] <- s[t % 7] + γ e_t     (0 <= γ <= 1 − α)
 *
 * Fitting: for given (α, β, γ) the one-step errors are affine in the
 * initial values, so the initial values minimising the SSE come from an
 * 8×8 least-squares system (level, trend, six seasonals; the seventh makes
 * the season sum to 0). The SSE so concentrated is minimised over (α, β, γ)
 * by a fixed grid, then Nelder-Mead from the best grid point, projected on
 * the box. No randomness: the same series gives the same fit. What it is
 * not: a general ETS family (no damping, no multiplicative forms).
 */
#include "forecast_internal.h"
#include "series_internal.h"

#include <math.h>
#include <string.h>

#define M MLC_FC_M
#define NZ MLC_FC_NZ
#define NX (2 + M)
#define NM_MAX_EVALS 400

typedef struct hw_par {
	double alpha, beta, gamma;
} hw_par;

/* The full initial state (level, trend, 7 seasonals) of free values z. */
static void expand(double x[NX], const double z[NZ])
{
	double s = 0;
	int j;
	x[0] = z[0];
	x[1] = z[1];
	for (j = 0; j < M - 1; j++) {
		x[2 + j] = z[2 + j];
		s += z[2 + j];
	}
	x[2 + M - 1] = -s;
}

/* Run the filter over y from state x (updated in place); one-step forecasts to pred. */
static double filter(double x[NX], const double *y, size_t n, hw_par p, double *pred)
{
	double sse = 0, ab = p.alpha * p.beta;
	size_t t;
	for (t = 0; t < n; t++) {
		int k = (int)(t % M);
		double f = x[0] + x[1] + x[2 + k], e = y[t] - f;
		if (pred)
			pred[t] = f;
		sse += e * e;
		x[0] += x[1] + p.alpha * e;
		x[1] += ab * e;
		x[2 + k] += p.gamma * e;
	}
	return sse;
}

/*
 * Initial values from the first seasons (at most four): a least-squares
 * line through them, and each weekday's mean departure from the line,
 * centred. The least-squares solution is pulled towards these when the
 * data leave some initial value undetermined.
 */
static void heuristic_init(double z[NZ], const double *y, size_t n)
{
	size_t k = n / M < 4 ? n / M : 4, len = k * M, t;
	double line[NZ] = {0}, dev[M] = {0}, mean = 0;
	mlc_fc_fit lf;
	int j;
	mlc_forecast__linear_fit(&lf, y, len);
	for (t = 0; t < len; t++)
		dev[t % M] += (y[t] - (lf.intercept + lf.slope * (double)t)) / (double)k;
	for (j = 0; j < M; j++)
		mean += dev[j] / M;
	line[0] = lf.intercept - lf.slope; /* the level before t = 0 */
	line[1] = lf.slope;
	for (j = 0; j < M - 1; j++)
		line[2 + j] = dev[j] - mean;
	memcpy(z, line, sizeof(line));
}

/* Solve (G + lambda I) z = h in place by Cholesky; 0, or -1 when not positive definite. */
static int cholesky_solve(double G[NZ][NZ], double h[NZ], double z[NZ])
{
	double L[NZ][NZ] = {{0}}, w[NZ];
	int i, j, k;
	for (i = 0; i < NZ; i++) {
		for (j = 0; j <= i; j++) {
			double s = G[i][j];
			for (k = 0; k < j; k++)
				s -= L[i][k] * L[j][k];
			if (i == j) {
				if (!(s > 0))
					return -1;
				L[i][i] = sqrt(s);
			} else {
				L[i][j] = s / L[j][j];
			}
		}
	}
	for (i = 0; i < NZ; i++) {
		double s = h[i];
		for (k = 0; k < i; k++)
			s -= L[i][k] * w[k];
		w[i] = s / L[i][i];
	}
	for (i = NZ - 1; i >= 0; i--) {
		double s = w[i];
		for (k = i + 1; k < NZ; k++)
			s -= L[k][i] * z[k];
		z[i] = s / L[i][i];
	}
	return 0;
}

/* Accumulate the normal equations of the errors as affine functions of z. */
static void normal_equations(const double *y, size_t n, hw_par p, double G[NZ][NZ],
                             double h[NZ], double *c)
{
	double A[NX][NZ] = {{0}}, a[NX] = {0}, ab = p.alpha * p.beta;
	size_t t;
	int i, j;
	A[0][0] = A[1][1] = 1;
	for (j = 0; j < M - 1; j++) {
		A[2 + j][2 + j] = 1;
		A[2 + M - 1][2 + j] = -1;
	}
	for (t = 0; t < n; t++) {
		int k = (int)(t % M);
		double f[NZ], r = y[t] - (a[0] + a[1] + a[2 + k]);
		for (j = 0; j < NZ; j++)
			f[j] = A[0][j] + A[1][j] + A[2 + k][j];
		for (i = 0; i < NZ; i++) {
			h[i] += f[i] * r;
			for (j = 0; j <= i; j++)
				G[i][j] += f[i] * f[j];
		}
		*c += r * r;
		/* state <- F state + gain × e, with e = r − f·z */
		for (j = 0; j < NZ; j++) {
			A[0][j] += A[1][j] - p.alpha * f[j];
			A[1][j] -= ab * f[j];
			A[2 + k][j] -= p.gamma * f[j];
		}
		a[0] += a[1] + p.alpha * r;
		a[1] += ab * r;
		a[2 + k] += p.gamma * r;
	}
	for (i = 0; i < NZ; i++)
		for (j = i + 1; j < NZ; j++)
			G[i][j] = G[j][i];
}

/* The least SSE over the initial values for p; the initial values to z. */
static double concentrated(const double *y, size_t n, hw_par p, const double zh[NZ],
                           double z[NZ])
{
	double G[NZ][NZ] = {{0}}, h[NZ] = {0}, c = 0, maxd = 0, lambda, x[NX];
	int i;
	normal_equations(y, n, p, G, h, &c);
	for (i = 0; i < NZ; i++)
		if (G[i][i] > maxd)
			maxd = G[i][i];
	/* a ridge 1e-10 of the largest diagonal, towards the heuristic values */
	lambda = 1e-10 * maxd + 1e-300;
	for (i = 0; i < NZ; i++) {
		G[i][i] += lambda;
		h[i] += lambda * zh[i];
	}
	if (cholesky_solve(G, h, z) != 0)
		memcpy(z, zh, sizeof(double) * NZ);
	/* the SSE itself, not c − h·z, which cancels badly when the fit is close */
	expand(x, z);
	return filter(x, y, n, p, NULL);
}

static hw_par to_par(const double u[3])
{
	hw_par p;
	p.alpha = u[0];
	p.beta = u[1];
	p.gamma = u[2] * (1 - u[0]);
	return p;
}

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

typedef struct objective {
	const double *y;
	size_t n;
	double zh[NZ];
	int evals;
} objective;

static double eval(objective *o, double u[3])
{
	double z[NZ];
	int i;
	for (i = 0; i < 3; i++)
		u[i] = clamp01(u[i]);
	o->evals++;
	return concentrated(o->y, o->n, to_par(u), o->zh, z);
}

/* The best point of a fixed grid over (α, β, γ / (1 − α)). */
static double grid(objective *o, double best[3])
{
	static const double ga[] = {0.05, 0.2, 0.4, 0.6, 0.8, 0.95};
	static const double gb[] = {0, 0.05, 0.2, 0.5};
	static const double gg[] = {0, 0.1, 0.3, 0.6};
	double fbest = HUGE_VAL;
	size_t i, j, k;
	for (i = 0; i < sizeof(ga) / sizeof(ga[0]); i++)
		for (j = 0; j < sizeof(gb) / sizeof(gb[0]); j++)
			for (k = 0; k < sizeof(gg) / sizeof(gg[0]); k++) {
				double u[3] = {ga[i], gb[j], gg[k]}, f = eval(o, u);
				if (f < fbest) {
					fbest = f;
					memcpy(best, u, sizeof(u));
				}
			}
	return fbest;
}

static void order(double s[4][3], double f[4])
{
	int i, j;
	for (i = 1; i < 4; i++)
		for (j = i; j > 0 && f[j] < f[j - 1]; j--) {
			double tf = f[j], ts[3];
			memcpy(ts, s[j], sizeof(ts));
			f[j] = f[j - 1];
			memcpy(s[j], s[j - 1], sizeof(ts));
			f[j - 1] = tf;
			memcpy(s[j - 1], ts, sizeof(ts));
		}
}

/* x = c + t (w − c), the Nelder-Mead moves along the line from centroid c through w */
static double try_point(objective *o, const double c[3], const double w[3], double t,
                        double x[3])
{
	int i;
	for (i = 0; i < 3; i++)
		x[i] = c[i] + t * (w[i] - c[i]);
	return eval(o, x);
}

/* Nelder-Mead on the box [0,1]^3 (points projected), from the grid's best point. */
static void nelder_mead(objective *o, double u[3], double fu)
{
	double s[4][3], f[4], c[3], xr[3], xe[3], xc[3];
	int i, j;
	for (i = 0; i < 4; i++) {
		memcpy(s[i], u, sizeof(s[i]));
		if (i > 0)
			s[i][i - 1] += s[i][i - 1] > 0.5 ? -0.1 : 0.1;
		f[i] = i ? eval(o, s[i]) : fu;
	}
	while (o->evals < NM_MAX_EVALS) {
		double fr, size = 0;
		order(s, f);
		for (i = 1; i < 4; i++)
			for (j = 0; j < 3; j++)
				size = fmax(size, fabs(s[i][j] - s[0][j]));
		if (size < 1e-7 || f[3] - f[0] <= 1e-12 * fabs(f[0]))
			break;
		for (j = 0; j < 3; j++)
			c[j] = (s[0][j] + s[1][j] + s[2][j]) / 3;
		fr = try_point(o, c, s[3], -1, xr);
		if (fr < f[0]) {
			double fe = try_point(o, c, s[3], -2, xe);
			memcpy(s[3], fe < fr ? xe : xr, sizeof(xr));
			f[3] = fe < fr ? fe : fr;
		} else if (fr < f[2]) {
			memcpy(s[3], xr, sizeof(xr));
			f[3] = fr;
		} else {
			double fc = try_point(o, c, fr < f[3] ? xr : s[3], 0.5, xc);
			if (fc < fmin(fr, f[3])) {
				memcpy(s[3], xc, sizeof(xc));
				f[3] = fc;
			} else {
				for (i = 1; i < 4; i++) {
					for (j = 0; j < 3; j++)
						s[i][j] = s[0][j] + 0.5 * (s[i][j] - s[0][j]);
					f[i] = eval(o, s[i]);
				}
			}
		}
	}
	order(s, f);
	memcpy(u, s[0], sizeof(s[0]));
}

int mlc_forecast__hw_fit(mlc_fc_fit *out, const double *y, size_t n)
{
	objective o;
	double u[3], fu, z[NZ], x[NX];
	hw_par p;
	int k;
	memset(out, 0, sizeof(*out));
	o.y = y;
	o.n = n;
	o.evals = 0;
	heuristic_init(o.zh, y, n);
	fu = grid(&o, u);
	o.evals = 0;
	nelder_mead(&o, u, fu);
	p = to_par(u);
	concentrated(y, n, p, o.zh, z);
	expand(x, z);
	memcpy(out->init, x, sizeof(x));
	out->model = MLC_FORECAST_HOLT_WINTERS;
	out->n = n;
	out->alpha = p.alpha;
	out->beta = p.beta;
	out->gamma = p.gamma;
	out->sse = filter(x, y, n, p, NULL);
	out->level = x[0];
	out->trend = x[1];
	for (k = 0; k < M; k++)
		out->season[k] = x[2 + k];
	/* the variance counts the fitted parameters when the data allow it */
	out->sigma = sqrt(out->sse / (double)(n > MLC_FC_HW_PARAMS ? n - MLC_FC_HW_PARAMS : n));
	out->has_sigma = 1;
	out->dof = 0;
	return 0;
}

void mlc_forecast__hw_onestep(double *pred, const mlc_fc_fit *f, const double *y, size_t n)
{
	double x[NX];
	hw_par p;
	p.alpha = f->alpha;
	p.beta = f->beta;
	p.gamma = f->gamma;
	memcpy(x, f->init, sizeof(x));
	filter(x, y, n, p, pred);
}
