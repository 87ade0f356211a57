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
 * initial values, so the initial values minimising the SSE come from a
 * small least-squares system (level, trend, six seasonals; the seventh
 * makes the season sum to 0). The SSE so concentrated is minimised over
 * (α, β, γ) by a fixed grid, then Nelder-Mead from the best grid point.
 * The model is fitted twice, with the trend and without it (β = 0, no
 * initial trend), and the lower AICc wins: on short noisy series a trend
 * fitted to noise is what ruins a 28-day forecast. No randomness: the same
 * series gives the same fit. Not a general ETS family (no damping, no
 * multiplicative forms).
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
static void heuristic_init(double z[NZ], const double *y, size_t n, int trend)
{
	size_t k = n / M < 4 ? n / M : 4, len = k * M, t;
	double dev[M] = {0}, mean = 0;
	mlc_fc_fit lf;
	int j;
	mlc_forecast__linear_fit(&lf, y, len);
	for (t = 0; t < len; t++)
		dev[t % M] += (y[t] - (lf.intercept + lf.slope * (double)t)) / (double)k;
	for (j = 0; j < M; j++)
		mean += dev[j] / M;
	/* the level before t = 0; without a trend, the level of the first seasons */
	z[0] = trend ? lf.intercept - lf.slope : lf.intercept + lf.slope * lf.xbar;
	z[1] = trend ? lf.slope : 0;
	for (j = 0; j < M - 1; j++)
		z[2 + j] = dev[j] - mean;
}

/* Solve G z = h (G positive definite, m×m within NZ×NZ) by Cholesky; -1 when it is not. */
static int cholesky_solve(double G[NZ][NZ], const double h[NZ], double z[NZ], int m)
{
	double L[NZ][NZ] = {{0}}, w[NZ];
	int i, j, k;
	for (i = 0; i < m; i++)
		for (j = 0; j <= i; j++) {
			double s = G[i][j];
			for (k = 0; k < j; k++)
				s -= L[i][k] * L[j][k];
			if (i == j && !(s > 0))
				return -1;
			L[i][j] = i == j ? sqrt(s) : s / L[j][j];
		}
	for (i = 0; i < m; i++) {
		double s = h[i];
		for (k = 0; k < i; k++)
			s -= L[i][k] * w[k];
		w[i] = s / L[i][i];
	}
	for (i = m - 1; i >= 0; i--) {
		double s = w[i];
		for (k = i + 1; k < m; k++)
			s -= L[k][i] * z[k];
		z[i] = s / L[i][i];
	}
	return 0;
}

/* Accumulate the normal equations of the one-step errors as affine functions of z. */
static void normal_equations(const double *y, size_t n, hw_par p, double G[NZ][NZ],
                             double h[NZ])
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
}

/*
 * The least SSE over the initial values for p; the initial values to z.
 * Without the trend the initial trend is held at 0 (index 1 left out).
 */
static double concentrated(const double *y, size_t n, hw_par p, int trend,
                           const double zh[NZ], double z[NZ])
{
	double G[NZ][NZ] = {{0}}, h[NZ] = {0}, R[NZ][NZ], rh[NZ], rz[NZ], maxd = 0, lambda;
	double x[NX];
	int idx[NZ], m = 0, i, j;
	normal_equations(y, n, p, G, h);
	for (i = 0; i < NZ; i++)
		if (trend || i != 1)
			idx[m++] = i;
	for (i = 0; i < m; i++)
		maxd = fmax(maxd, G[idx[i]][idx[i]]);
	/* a ridge 1e-10 of the largest diagonal, towards the heuristic values */
	lambda = 1e-10 * maxd + 1e-300;
	for (i = 0; i < m; i++) {
		for (j = 0; j <= i; j++)
			R[i][j] = G[idx[i]][idx[j]] + (i == j ? lambda : 0);
		rh[i] = h[idx[i]] + lambda * zh[idx[i]];
	}
	memcpy(z, zh, sizeof(double) * NZ);
	if (cholesky_solve(R, rh, rz, m) == 0)
		for (i = 0; i < m; i++)
			z[idx[i]] = rz[i];
	/* the SSE itself, not c − h·z, which cancels badly when the fit is close */
	expand(x, z);
	return filter(x, y, n, p, NULL);
}

typedef struct objective {
	const double *y;
	size_t n;
	int trend; /* 1: u = (α, β, γ/(1−α)); 0: u = (α, γ/(1−α)), β = 0 */
	double zh[NZ];
} objective;

static hw_par to_par(const objective *o, const double *u)
{
	hw_par p;
	p.alpha = u[0];
	p.beta = o->trend ? u[1] : 0;
	p.gamma = u[o->trend ? 2 : 1] * (1 - u[0]);
	return p;
}

static double objective_fn(void *ctx, const double *u)
{
	objective *o = ctx;
	double z[NZ];
	return concentrated(o->y, o->n, to_par(o, u), o->trend, o->zh, z);
}

/* The best point of a fixed grid over (α, β, γ / (1 − α)); β only 0 without trend. */
static double grid(objective *o, double best[3])
{
	static const double ga[] = {0.05, 0.2, 0.4, 0.6, 0.8, 0.95};
	static const double gb[] = {0, 0.05, 0.2, 0.5};
	static const double gg[] = {0, 0.1, 0.3, 0.6};
	double fbest = HUGE_VAL;
	size_t i, j, k, nb = o->trend ? sizeof(gb) / sizeof(gb[0]) : 1;
	for (i = 0; i < sizeof(ga) / sizeof(ga[0]); i++)
		for (j = 0; j < nb; j++)
			for (k = 0; k < sizeof(gg) / sizeof(gg[0]); k++) {
				double u[3] = {ga[i], gb[j], gg[k]}, f;
				if (!o->trend)
					u[1] = gg[k];
				f = objective_fn(o, u);
				if (f < fbest) {
					fbest = f;
					memcpy(best, u, sizeof(u));
				}
			}
	return fbest;
}

/* One candidate model fitted: parameters, initial values, states, SSE. */
static void fit_one(mlc_fc_fit *out, const double *y, size_t n, int trend)
{
	objective o;
	double u[3], z[NZ], x[NX];
	hw_par p;
	int k;
	o.y = y;
	o.n = n;
	o.trend = trend;
	heuristic_init(o.zh, y, n, trend);
	mlc_forecast__minimize(u, trend ? 3 : 2, grid(&o, u), objective_fn, &o, NM_MAX_EVALS);
	p = to_par(&o, u);
	if (p.alpha == 0)
		p.beta = 0; /* the trend moves by α β e: β has no effect, report none */
	concentrated(y, n, p, trend, o.zh, z);
	expand(x, z);
	memset(out, 0, sizeof(*out));
	memcpy(out->init, x, sizeof(x));
	out->model = MLC_FORECAST_HOLT_WINTERS;
	out->n = n;
	out->has_trend = trend;
	out->alpha = p.alpha;
	out->beta = p.beta;
	out->gamma = p.gamma;
	out->sse = filter(x, y, n, p, NULL);
	out->level = x[0];
	out->trend = x[1];
	for (k = 0; k < M; k++)
		out->season[k] = x[2 + k];
}

/* AICc = n ln(SSE/n) + 2k + 2k(k+1)/(n−k−1); an SSE of 0 is floored at the
 * rounding level of the data, so two perfect fits compare by their k. */
static double aicc(const mlc_fc_fit *f, const double *y, size_t n, int k)
{
	double dn = (double)n, floor = 0, sse;
	size_t t;
	for (t = 0; t < n; t++)
		floor += y[t] * y[t];
	floor = floor * 1e-24 + 1e-300;
	sse = f->sse > floor ? f->sse : floor;
	return dn * log(sse / dn) + 2.0 * k + 2.0 * k * (k + 1) / (dn - k - 1);
}

int mlc_forecast__hw_fit(mlc_fc_fit *out, const double *y, size_t n)
{
	mlc_fc_fit flat;
	int k;
	fit_one(out, y, n, 1);
	fit_one(&flat, y, n, 0);
	/* n >= 14 > MLC_FC_HW_PARAMS + 1, so both corrections are finite */
	if (aicc(&flat, y, n, MLC_FC_HW_PARAMS_FLAT) <= aicc(out, y, n, MLC_FC_HW_PARAMS))
		*out = flat;
	k = out->has_trend ? MLC_FC_HW_PARAMS : MLC_FC_HW_PARAMS_FLAT;
	/* the variance counts the fitted parameters */
	out->sigma = sqrt(out->sse / (double)(n - (size_t)k));
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
