/* SPDX-License-Identifier: MIT */
/*
 * http_budgets.c - GET /v1/budgets (each budget of the file: its period,
 * amount, spend, ratio, thresholds crossed, allow) and GET
 * /v1/budgets/check?model=&team=&endpoint=&version= for serving code that
 * must stop spending: allow is false when any budget that would count
 * such an event is spent. The check reads the engine's in-memory totals
 * and allocates nothing on its way.
 *
 * A team-limited token sees only the budgets of its teams (budget_live.h);
 * a check still weighs every budget that applies (enforcement must not
 * depend on who asks) but names a budget it may not see with nulls.
 */
#include "serve_error.h"
#include "serve_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const dim_names[MLCD_DIM_COUNT] = {"model", "team", "endpoint", "version"};

static void write_filter(mlcd_buf *b, const mlcd_budget_set *bs, size_t i)
{
	int d, first = 1;
	mlcd_buf_puts(b, "\"filter\":{");
	for (d = 0; d < MLCD_DIM_COUNT; d++) {
		size_t n, j;
		const char *const *v = mlcd_budget_values(bs, i, (mlcd_dim)d, &n);
		if (!v)
			continue;
		mlcd_buf_printf(b, "%s\"%s\":[", first ? "" : ",", dim_names[d]);
		for (j = 0; j < n; j++) {
			if (j)
				mlcd_buf_puts(b, ",");
			mlcd_json_str(b, v[j]);
		}
		mlcd_buf_puts(b, "]");
		first = 0;
	}
	mlcd_buf_puts(b, "},");
}

static void write_alerts(mlcd_buf *b, const mlc_budget *bu, const mlcd_budget_use *u)
{
	size_t k;
	int first = 1;
	mlcd_buf_puts(b, "\"alerts\":[");
	for (k = 0; k < bu->nalerts; k++) {
		mlcd_buf_puts(b, k ? "," : "");
		mlcd_json_double(b, bu->alerts[k]);
	}
	mlcd_buf_puts(b, "],\"crossed\":[");
	for (k = 0; k < bu->nalerts; k++) {
		/* crossed when used >= amount x pct / 100, compared as the ratio */
		if (u->ratio * 100 < bu->alerts[k])
			continue;
		mlcd_buf_puts(b, first ? "" : ",");
		mlcd_json_double(b, bu->alerts[k]);
		first = 0;
	}
	mlcd_buf_puts(b, "],");
}

static void write_budget(mlcd_buf *b, const mlcd_budget_set *bs, size_t i, const mlcd_budget_use *u)
{
	const mlc_budget *bu = mlcd_budget_set_get(bs, i);
	char start[40], end[40];
	mlc_amount rest = mlcd_amount_sub(u->amount, u->used);
	mlc_time_format(start, sizeof(start), u->start);
	mlc_time_format(end, sizeof(end), u->end);
	mlcd_buf_puts(b, "{\"name\":");
	mlcd_json_str(b, bu->name);
	mlcd_buf_puts(b, ",\"description\":");
	mlcd_json_str(b, bu->description);
	mlcd_buf_printf(b, ",\"period\":\"%s\",\"period_start\":\"%s\",\"period_end\":\"%s\",",
	                mlc_budget_period_name(bu->period), start, end);
	write_filter(b, bs, i);
	mlcd_buf_puts(b, "\"currency\":\"USD\",\"amount\":");
	mlcd_json_amount(b, u->amount);
	mlcd_buf_puts(b, ",\"used\":");
	mlcd_json_amount(b, u->used);
	mlcd_buf_puts(b, ",\"remaining\":");
	mlcd_json_amount(b, rest);
	mlcd_buf_puts(b, ",\"ratio\":");
	mlcd_json_double(b, u->ratio);
	mlcd_buf_puts(b, ",");
	write_alerts(b, bu, u);
	mlcd_buf_printf(b, "\"allow\":%s}", u->allow ? "true" : "false");
}

int mlcd_handle_budgets(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	mlcd_live *live = mlcd_live_acquire(s);
	const mlcd_budget_set *bs = live->budgets;
	size_t i, shown = 0;
	char now[40];
	mlc_time_format(now, sizeof(now), (int64_t)rq->now);
	mlcd_buf_printf(&rs->body, "{\"as_of\":\"%s\",\"budgets\":[", now);
	for (i = 0; i < mlcd_budget_set_count(bs); i++) {
		mlcd_budget_use u;
		if (!mlcd_budget_visible(bs, i, rq->token))
			continue;
		if (mlcd_budget_use_get(&u, bs, i, s->engine, (int64_t)rq->now) != 0) {
			mlcd_response_error(rs, 500, "budget '%s': %s",
			                    mlcd_budget_set_get(bs, i)->name, mlcd_error_message());
			goto done;
		}
		mlcd_buf_puts(&rs->body, shown++ ? ",\n" : "\n");
		write_budget(&rs->body, bs, i, &u);
	}
	mlcd_buf_puts(&rs->body, "]}\n");
done:
	mlcd_live_release(live);
	return 0;
}

typedef struct check {
	mlcd_server *s;
	const mlcd_budget_set *bs;
	int64_t now;
	size_t checked;
	int allow, have, failed;
	size_t deciding; /* the first spent budget, else the one nearest to its amount */
	mlcd_budget_use best;
} check;

static int check_one(size_t i, void *ctx)
{
	check *c = ctx;
	mlcd_budget_use u;
	if (mlcd_budget_use_get(&u, c->bs, i, c->s->engine, c->now) != 0) {
		c->failed = 1;
		return 1;
	}
	c->checked++;
	if (!c->have || (c->allow && (!u.allow || u.ratio > c->best.ratio))) {
		c->best = u, c->deciding = i, c->have = 1;
		c->allow = u.allow;
	}
	return 0;
}

int mlcd_handle_budget_check(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	mlcd_live *live = mlcd_live_acquire(s);
	const char *vals[MLCD_DIM_COUNT];
	check c;
	int d;
	memset(&c, 0, sizeof(c));
	c.s = s, c.bs = live->budgets, c.now = (int64_t)rq->now, c.allow = 1;
	for (d = 0; d < MLCD_DIM_COUNT; d++)
		vals[d] = mlcd_request_arg(rq, dim_names[d]);
	mlcd_budget_set_each_applicable(c.bs, vals, check_one, &c);
	if (c.failed) {
		mlcd_response_error(rs, 500, "%s", mlcd_error_message());
		goto done;
	}
	mlcd_buf_printf(&rs->body, "{\"allow\":%s,\"budget\":", c.allow ? "true" : "false");
	if (!c.have || !mlcd_budget_visible(c.bs, c.deciding, rq->token)) {
		mlcd_buf_puts(&rs->body, "null,\"used\":null,\"limit\":null,\"ratio\":null");
	} else {
		mlcd_json_str(&rs->body, mlcd_budget_set_get(c.bs, c.deciding)->name);
		mlcd_buf_puts(&rs->body, ",\"used\":");
		mlcd_json_amount(&rs->body, c.best.used);
		mlcd_buf_puts(&rs->body, ",\"limit\":");
		mlcd_json_amount(&rs->body, c.best.amount);
		mlcd_buf_puts(&rs->body, ",\"ratio\":");
		mlcd_json_double(&rs->body, c.best.ratio);
	}
	mlcd_buf_printf(&rs->body, ",\"checked\":%zu}\n", c.checked);
done:
	mlcd_live_release(live);
	return 0;
}
