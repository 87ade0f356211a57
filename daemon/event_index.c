/* SPDX-License-Identifier: MIT */
/*
 * event_index.c - the hourly totals in memory: interned dimension texts,
 * cells (a store part and a pending part each) in open-addressing hash
 * tables, and per (dimension, value) day arrays for budget checks.
 *
 * Every change to a cell goes through one place (change_cell), which
 * applies the same difference to the day arrays of the cell's four values
 * and of "all", so the two views never disagree.
 *
 * What it is not: the GET /v1/costs grouping (event_index_query.c) or the
 * id set (event_index_dedup.c).
 */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

#define DIM_ALL   MLCD_DIM_COUNT /* the node of every event */
#define MAX_TEXTS (1u << 22)     /* distinct dimension texts */

typedef struct cell {
	uint32_t dim[MLCD_DIM_COUNT];
	int64_t hour;
	mlcd_tot part[2]; /* 0: store, 1: pending */
} cell;

typedef struct day {
	int64_t day; /* days since the epoch */
	mlcd_money total, hour[24];
} day;

typedef struct node {
	uint32_t dim, value;
	day *days; /* sorted by day */
	size_t ndays, cap;
} node;

/* An open-addressing table of 1-based indices (0 = empty) into a vector. */
typedef struct table {
	uint32_t *slot;
	size_t mask; /* slots - 1 */
	size_t n;
} table;

struct mlcd_index {
	pthread_rwlock_t lock;
	uint64_t seed;
	char **texts; /* texts[id - 1] */
	size_t ntexts, captexts;
	table text_tab;
	cell *cells;
	size_t ncells, capcells, max_cells;
	table cell_tab;
	node *nodes;
	size_t nnodes, capnodes;
	table node_tab;
	int64_t horizon; /* hours before it are not answered (pending kept for compaction) */
};

mlc_amount mlcd_money_amount(mlcd_money m)
{
	mlc_amount a;
	a.hi = (int64_t)(m >> 64);
	a.lo = (uint64_t)m;
	return a;
}

mlcd_money mlcd_amount_money(mlc_amount a)
{
	return (mlcd_money)(((unsigned __int128)(uint64_t)a.hi << 64) | a.lo);
}

/* ---- tables ---------------------------------------------------------------------------- */

static int table_init(table *t, size_t slots)
{
	if (!(t->slot = calloc(slots, sizeof(*t->slot))))
		return MLC_ENOMEM;
	t->mask = slots - 1;
	t->n = 0;
	return 0;
}

/* Find the slot of the entry equal to key under eq, or the empty slot where it goes. */
typedef int (*eq_fn)(const mlcd_index *x, uint32_t idx, const void *key);

static size_t table_find(const table *t, uint64_t h, const mlcd_index *x, eq_fn eq, const void *key)
{
	size_t i = (size_t)h & t->mask;
	while (t->slot[i] && !eq(x, t->slot[i] - 1, key))
		i = (i + 1) & t->mask;
	return i;
}

typedef uint64_t (*rehash_fn)(const mlcd_index *x, uint32_t idx);

/* Double the table when half full (keeps probes short). */
static int table_grow(table *t, const mlcd_index *x, rehash_fn rh)
{
	table nt;
	if (2 * (t->n + 1) <= t->mask + 1)
		return 0;
	if (table_init(&nt, 2 * (t->mask + 1)) != 0)
		return MLC_ENOMEM;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slot[i]) {
			size_t j = (size_t)rh(x, t->slot[i] - 1) & nt.mask;
			while (nt.slot[j])
				j = (j + 1) & nt.mask;
			nt.slot[j] = t->slot[i];
		}
	nt.n = t->n;
	free(t->slot);
	*t = nt;
	return 0;
}

static int grow_vec(void **v, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t c;
	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 64;
	if (!(p = realloc(*v, c * size)))
		return MLC_ENOMEM;
	*v = p, *cap = c;
	return 0;
}

/* ---- interned texts -------------------------------------------------------------------- */

static int text_eq(const mlcd_index *x, uint32_t idx, const void *key)
{
	return strcmp(x->texts[idx], key) == 0;
}

static uint64_t text_rehash(const mlcd_index *x, uint32_t idx)
{
	return mlcd_hash(x->texts[idx], strlen(x->texts[idx]), x->seed);
}

int mlcd_index__find_text(const mlcd_index *x, const char *s, uint32_t *out)
{
	size_t i;
	*out = 0;
	if (!s || !*s)
		return 0;
	i = table_find(&x->text_tab, mlcd_hash(s, strlen(s), x->seed), x, text_eq, s);
	*out = x->text_tab.slot[i];
	return 0;
}

/* The id of s, interning it when new; "" and NULL are 0 (missing). */
static int intern(mlcd_index *x, const char *s, uint32_t *out)
{
	size_t i, n;
	char *copy;
	*out = 0;
	if (!s || !*s)
		return 0;
	n = strlen(s);
	i = table_find(&x->text_tab, mlcd_hash(s, n, x->seed), x, text_eq, s);
	if ((*out = x->text_tab.slot[i]))
		return 0;
	if (x->ntexts >= MAX_TEXTS)
		return mlcd__error_set(MLC_ETOOLARGE, "more than %u distinct dimension values",
		                       MAX_TEXTS);
	if (grow_vec((void **)&x->texts, &x->captexts, x->ntexts, sizeof(char *)) != 0 ||
	    !(copy = malloc(n + 1)))
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	memcpy(copy, s, n + 1);
	x->texts[x->ntexts++] = copy;
	x->text_tab.slot[i] = (uint32_t)x->ntexts;
	x->text_tab.n++;
	*out = (uint32_t)x->ntexts;
	if (table_grow(&x->text_tab, x, text_rehash) != 0)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	return 0;
}

const char *mlcd_index__text(const mlcd_index *x, uint32_t id)
{
	return id ? x->texts[id - 1] : NULL;
}

/* ---- cells ----------------------------------------------------------------------------- */

typedef struct cell_key {
	uint32_t dim[MLCD_DIM_COUNT];
	int64_t hour;
} cell_key;

static uint64_t key_hash(const mlcd_index *x, const uint32_t *dim, int64_t hour)
{
	cell_key k;
	memset(&k, 0, sizeof(k));
	memcpy(k.dim, dim, sizeof(k.dim));
	k.hour = hour;
	return mlcd_hash(&k, sizeof(k), x->seed);
}

static int cell_eq(const mlcd_index *x, uint32_t idx, const void *key)
{
	const cell_key *k = key;
	const cell *c = &x->cells[idx];
	return c->hour == k->hour && memcmp(c->dim, k->dim, sizeof(k->dim)) == 0;
}

static uint64_t cell_rehash(const mlcd_index *x, uint32_t idx)
{
	return key_hash(x, x->cells[idx].dim, x->cells[idx].hour);
}

static int find_cell(mlcd_index *x, const uint32_t *dim, int64_t hour, cell **out)
{
	cell_key k;
	size_t i;
	memset(&k, 0, sizeof(k));
	memcpy(k.dim, dim, sizeof(k.dim));
	k.hour = hour;
	i = table_find(&x->cell_tab, key_hash(x, dim, hour), x, cell_eq, &k);
	if (x->cell_tab.slot[i]) {
		*out = &x->cells[x->cell_tab.slot[i] - 1];
		return 0;
	}
	if (x->ncells >= x->max_cells)
		return mlcd__error_set(MLC_ETOOLARGE, "more than %zu hourly totals in memory",
		                       x->max_cells);
	if (grow_vec((void **)&x->cells, &x->capcells, x->ncells, sizeof(cell)) != 0)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	memset(&x->cells[x->ncells], 0, sizeof(cell));
	memcpy(x->cells[x->ncells].dim, dim, sizeof(k.dim));
	x->cells[x->ncells].hour = hour;
	x->cell_tab.slot[i] = (uint32_t)++x->ncells;
	x->cell_tab.n++;
	*out = &x->cells[x->ncells - 1];
	if (table_grow(&x->cell_tab, x, cell_rehash) != 0)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	return 0;
}

size_t mlcd_index_cells(const mlcd_index *x)
{
	return x->ncells;
}

int mlcd_index__walk(const mlcd_index *x, mlcd_cell_fn fn, void *ctx)
{
	for (size_t i = 0; i < x->ncells; i++) {
		const cell *c = &x->cells[i];
		mlcd_tot sum = c->part[0];
		int rc;
		if (c->hour < x->horizon)
			continue;
		sum.cost += c->part[1].cost;
		sum.requests += c->part[1].requests;
		sum.events += c->part[1].events;
		sum.input_tokens += c->part[1].input_tokens;
		sum.output_tokens += c->part[1].output_tokens;
		if ((rc = fn(c->dim, c->hour, &sum, ctx)) != 0)
			return rc;
	}
	return 0;
}

/* ---- day arrays per (dimension, value) ------------------------------------------------- */

typedef struct node_key {
	uint32_t dim, value;
} node_key;

static uint64_t node_hash(const mlcd_index *x, uint32_t dim, uint32_t value)
{
	uint64_t k = (uint64_t)dim << 32 | value;
	return mlcd_hash(&k, sizeof(k), x->seed);
}

static int node_eq(const mlcd_index *x, uint32_t idx, const void *key)
{
	const node_key *k = key;
	return x->nodes[idx].dim == k->dim && x->nodes[idx].value == k->value;
}

static uint64_t node_rehash(const mlcd_index *x, uint32_t idx)
{
	return node_hash(x, x->nodes[idx].dim, x->nodes[idx].value);
}

static node *lookup_node(const mlcd_index *x, uint32_t dim, uint32_t value)
{
	node_key k = {dim, value};
	size_t i = table_find(&x->node_tab, node_hash(x, dim, value), x, node_eq, &k);
	return x->node_tab.slot[i] ? &x->nodes[x->node_tab.slot[i] - 1] : NULL;
}

static int add_node(mlcd_index *x, uint32_t dim, uint32_t value, node **out)
{
	node_key k = {dim, value};
	size_t i = table_find(&x->node_tab, node_hash(x, dim, value), x, node_eq, &k);
	if (x->node_tab.slot[i]) {
		*out = &x->nodes[x->node_tab.slot[i] - 1];
		return 0;
	}
	if (grow_vec((void **)&x->nodes, &x->capnodes, x->nnodes, sizeof(node)) != 0)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	x->nodes[x->nnodes] = (node){dim, value, NULL, 0, 0};
	x->node_tab.slot[i] = (uint32_t)++x->nnodes;
	x->node_tab.n++;
	*out = &x->nodes[x->nnodes - 1];
	if (table_grow(&x->node_tab, x, node_rehash) != 0)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	return 0;
}

/* Index of the first day >= d. */
static size_t day_lower(const node *n, int64_t d)
{
	size_t lo = 0, hi = n->ndays;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (n->days[mid].day < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The day of hour in n, inserted (zero) when absent. */
static int ensure_day(node *n, int64_t hour, day **out)
{
	int64_t d = hour / 86400;
	size_t i = day_lower(n, d);
	if (i == n->ndays || n->days[i].day != d) {
		if (grow_vec((void **)&n->days, &n->cap, n->ndays, sizeof(day)) != 0)
			return mlcd__error_set(MLC_ENOMEM, "out of memory");
		memmove(&n->days[i + 1], &n->days[i], (n->ndays - i) * sizeof(day));
		memset(&n->days[i], 0, sizeof(day));
		n->days[i].day = d;
		n->ndays++;
	}
	*out = &n->days[i];
	return 0;
}

/* The days a change of cell (dim, hour) touches: made to exist first, so
 * that applying the change cannot fail half way. */
static int prepare(mlcd_index *x, const uint32_t *dim, int64_t hour, day **out)
{
	node *n = NULL;
	int rc;
	if (hour < x->horizon) {
		for (uint32_t d = 0; d <= DIM_ALL; d++)
			out[d] = NULL; /* before the horizon: no day arrays */
		return 0;
	}
	for (uint32_t d = 0; d <= DIM_ALL; d++) {
		uint32_t v = d == DIM_ALL ? 0 : dim[d];
		out[d] = NULL;
		if (d != DIM_ALL && v == 0)
			continue; /* a missing value is only ever asked for as part of "all" */
		if ((rc = add_node(x, d, v, &n)) != 0 || (rc = ensure_day(n, hour, &out[d])) != 0)
			return rc;
	}
	/* the pointers stay good: each node owns its days array, which only
	 * moves when a day is added to that node, and each node comes once */
	return 0;
}

static void spread(day *const *days, int64_t hour, mlcd_money delta)
{
	int h = (int)(hour % 86400 / 3600);
	for (uint32_t d = 0; d <= DIM_ALL; d++)
		if (days[d]) {
			days[d]->hour[h] += delta;
			days[d]->total += delta;
		}
}

mlcd_money mlcd_index_spend(const mlcd_index *x, mlcd_dim dim, const char *value, int64_t from,
                            int64_t to)
{
	const node *n;
	uint32_t v = 0;
	mlcd_money sum = 0;
	if (value && *value) {
		mlcd_index__find_text(x, value, &v);
		if (!v || (unsigned)dim >= MLCD_DIM_COUNT)
			return 0;
		n = lookup_node(x, (uint32_t)dim, v);
	} else {
		n = lookup_node(x, DIM_ALL, 0);
	}
	if (!n)
		return 0;
	for (size_t i = from > 0 ? day_lower(n, from / 86400) : 0; i < n->ndays; i++) {
		const day *d = &n->days[i];
		int64_t start = d->day * 86400;
		if (to > 0 && start >= to)
			break;
		if (start >= from && (to <= 0 || start + 86400 <= to)) {
			sum += d->total;
			continue;
		}
		for (int h = 0; h < 24; h++) {
			int64_t hs = start + 3600 * (int64_t)h;
			if (hs >= from && (to <= 0 || hs < to))
				sum += d->hour[h];
		}
	}
	return sum;
}

/* ---- changes --------------------------------------------------------------------------- */

int mlcd_index_new(mlcd_index **out, size_t max_cells)
{
	mlcd_index *x = calloc(1, sizeof(*x));
	*out = NULL;
	if (!x)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	x->seed = mlcd_random_seed();
	x->max_cells = max_cells ? max_cells : 4u << 20;
	if (table_init(&x->text_tab, 1024) != 0 || table_init(&x->cell_tab, 1024) != 0 ||
	    table_init(&x->node_tab, 1024) != 0 || pthread_rwlock_init(&x->lock, NULL) != 0) {
		free(x->text_tab.slot);
		free(x->cell_tab.slot);
		free(x->node_tab.slot);
		free(x);
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	}
	*out = x;
	return 0;
}

void mlcd_index_free(mlcd_index *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->ntexts; i++)
		free(x->texts[i]);
	for (size_t i = 0; i < x->nnodes; i++)
		free(x->nodes[i].days);
	free(x->texts);
	free(x->cells);
	free(x->nodes);
	free(x->text_tab.slot);
	free(x->cell_tab.slot);
	free(x->node_tab.slot);
	pthread_rwlock_destroy(&x->lock);
	free(x);
}

pthread_rwlock_t *mlcd_index_lock(mlcd_index *x)
{
	return &x->lock;
}

/* The cell of these texts and hour, and the days its changes touch. */
static int locate(mlcd_index *x, const char *const *text, int64_t hour, cell **out, day **days)
{
	uint32_t dim[MLCD_DIM_COUNT];
	int rc;
	for (int d = 0; d < MLCD_DIM_COUNT; d++)
		if ((rc = intern(x, text[d], &dim[d])) != 0)
			return rc;
	if ((rc = prepare(x, dim, hour, days)) != 0)
		return rc;
	return find_cell(x, dim, hour, out);
}

/* Add t (sign 1) or take it out (sign -1) of the pending part of a cell. */
static int add_pending(mlcd_index *x, const char *const *text, int64_t hour, const mlcd_tot *t,
                       int sign)
{
	day *days[DIM_ALL + 1];
	mlcd_money cost = sign < 0 ? -t->cost : t->cost;
	cell *c;
	int rc;
	if ((rc = locate(x, text, hour, &c, days)) != 0)
		return rc;
	if (sign < 0) {
		c->part[1].requests -= t->requests;
		c->part[1].events -= t->events;
		c->part[1].input_tokens -= t->input_tokens;
		c->part[1].output_tokens -= t->output_tokens;
	} else {
		c->part[1].requests += t->requests;
		c->part[1].events += t->events;
		c->part[1].input_tokens += t->input_tokens;
		c->part[1].output_tokens += t->output_tokens;
	}
	c->part[1].cost += cost;
	spread(days, hour, cost);
	return 0;
}

int mlcd_index_pending(mlcd_index *x, const mlcd_event *e, int sign)
{
	const char *text[MLCD_DIM_COUNT];
	mlcd_tot t = {mlcd_amount_money(e->cost), e->ev.requests, 1, e->ev.input_tokens,
	              e->ev.output_tokens};
	text[MLCD_DIM_MODEL] = e->ev.model, text[MLCD_DIM_TEAM] = e->ev.team;
	text[MLCD_DIM_ENDPOINT] = e->ev.endpoint, text[MLCD_DIM_VERSION] = e->ev.version;
	return add_pending(x, text, e->ev.time - e->ev.time % 3600, &t, sign);
}

int mlcd_index_apply(mlcd_index *x, const mlcd_delta *d, int sign)
{
	size_t done = 0;
	int rc = 0;
	for (; done < d->n; done++)
		if ((rc = add_pending(x, d->g[done].dim, d->g[done].hour, &d->g[done].sum, sign)))
			break;
	/* undo: the cells of the groups done exist now, so this cannot fail */
	while (rc != 0 && done-- > 0)
		add_pending(x, d->g[done].dim, d->g[done].hour, &d->g[done].sum, -sign);
	return rc;
}

int mlcd_index_set_store(mlcd_index *x, const mlc_store_meter_hour *h)
{
	const char *text[MLCD_DIM_COUNT];
	day *days[DIM_ALL + 1];
	mlcd_money cost = mlcd_amount_money(h->cost);
	cell *c;
	int rc;
	text[MLCD_DIM_MODEL] = h->model, text[MLCD_DIM_TEAM] = h->team;
	text[MLCD_DIM_ENDPOINT] = h->endpoint, text[MLCD_DIM_VERSION] = h->version;
	if (h->hour < 0 || h->hour % 3600 != 0)
		return mlcd__error_set(MLC_EPARSE, "store: meter_hourly hour %lld not on the hour",
		                       (long long)h->hour);
	if (h->hour < x->horizon)
		return 0; /* not answered from memory */
	if ((rc = locate(x, text, h->hour, &c, days)) != 0)
		return rc;
	spread(days, h->hour, cost - c->part[0].cost);
	c->part[0] = (mlcd_tot){cost, h->requests, h->events, h->input_tokens, h->output_tokens};
	return 0;
}

/* ---- the horizon ----------------------------------------------------------------------- */

static int pending_zero(const mlcd_tot *t)
{
	return t->cost == 0 && t->requests == 0 && t->events == 0 && t->input_tokens == 0 &&
	       t->output_tokens == 0;
}

int64_t mlcd_index_horizon(const mlcd_index *x)
{
	return x->horizon;
}

void mlcd_index_set_horizon(mlcd_index *x, int64_t horizon)
{
	size_t keep = 0;
	if (horizon <= x->horizon)
		return;
	x->horizon = horizon;
	for (size_t i = 0; i < x->ncells; i++) {
		cell c = x->cells[i];
		if (c.hour < horizon) {
			if (pending_zero(&c.part[1]))
				continue;                         /* gone */
			memset(&c.part[0], 0, sizeof(c.part[0])); /* kept until it is stored */
		}
		x->cells[keep++] = c;
	}
	x->ncells = keep;
	memset(x->cell_tab.slot, 0, (x->cell_tab.mask + 1) * sizeof(uint32_t));
	x->cell_tab.n = keep;
	for (size_t i = 0; i < keep; i++) {
		size_t j = (size_t)cell_rehash(x, (uint32_t)i) & x->cell_tab.mask;
		while (x->cell_tab.slot[j])
			j = (j + 1) & x->cell_tab.mask;
		x->cell_tab.slot[j] = (uint32_t)i + 1;
	}
	for (size_t i = 0; i < x->nnodes; i++) {
		node *n = &x->nodes[i];
		size_t first = day_lower(n, (horizon + 86399) / 86400);
		memmove(n->days, n->days + first, (n->ndays - first) * sizeof(day));
		n->ndays -= first;
	}
}
