/* SPDX-License-Identifier: MIT */
/*
 * http_metrics.c - GET /metrics (Prometheus text 0.0.4: the server's
 * counters, the engine's, cost totals per model/team/endpoint/version and
 * the budgets) and GET /healthz. A team-limited token scraping /metrics
 * sees its teams' costs and budgets only; with metrics_public the page
 * needs no token and shows everything.
 */
#include "serve_error.h"
#include "serve_internal.h"

#include <stdlib.h>
#include <string.h>

static int render_budgets(mlcd_buf *b, mlcd_server *s, const mlcd_request *rq,
                          const mlcd_budget_set *bs)
{
	size_t n = mlcd_budget_set_count(bs), i, k = 0;
	const char **names = NULL;
	mlcd_budget_use *uses = NULL;
	int rc = 0;
	if (n && (!(names = calloc(n, sizeof(*names))) || !(uses = calloc(n, sizeof(*uses))))) {
		rc = mlcd_error_set(MLC_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (!mlcd_budget_visible(bs, i, rq->token))
			continue;
		if ((rc = mlcd_budget_use_get(&uses[k], bs, i, s->engine, (int64_t)rq->now)) != 0)
			goto done;
		names[k++] = mlcd_budget_set_get(bs, i)->name;
	}
	mlcd_metrics_render_budgets(b, names, uses, k);
done:
	free(names);
	free(uses);
	return rc;
}

int mlcd_handle_metrics(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	mlcd_engine_stats st;
	mlcd_cost_query q;
	mlcd_cost_rows *rows = NULL;
	mlcd_live *live = mlcd_live_acquire(s);
	int rc, d;
	memset(&q, 0, sizeof(q));
	for (d = 0; d < MLCD_DIM_COUNT; d++)
		q.by[d] = 1;
	if (rq->token && rq->token->teams) {
		q.only[MLCD_DIM_TEAM] = (const char *const *)rq->token->teams;
		q.nonly[MLCD_DIM_TEAM] = rq->token->nteams;
	}
	rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
	mlcd_engine_get_stats(&st, s->engine);
	mlcd_metrics_render_server(&rs->body, s->metrics, &st, s->start_unix);
	if ((rc = mlcd_engine_costs(&rows, s->engine, &q)) != 0) {
		mlcd_response_error(rs, 500, "%s", mlcd_engine_error());
		goto done;
	}
	mlcd_metrics_render_costs(&rs->body, rows);
	if (render_budgets(&rs->body, s, rq, live->budgets) != 0)
		mlcd_response_error(rs, 500, "%s", mlcd_error_message());
done:
	mlcd_cost_rows_free(rows);
	mlcd_live_release(live);
	return 0;
}

int mlcd_handle_healthz(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	mlcd_engine_stats st;
	mlcd_engine_get_stats(&st, s->engine);
	if (st.wal_failed) {
		/* the log cannot take events until a restart: send traffic elsewhere */
		rs->status = 503;
		mlcd_buf_puts(&rs->body, "{\"status\":\"failing\",\"error\":\"the write-ahead log "
		                         "failed; restart the server\"}\n");
		return 0;
	}
	if (atomic_load(&s->draining)) {
		/* load balancers take a stopping replica out before it closes */
		rs->status = 503;
		mlcd_buf_puts(&rs->body, "{\"status\":\"stopping\"}\n");
		return 0;
	}
	mlcd_buf_puts(&rs->body, "{\"status\":\"ok\"}\n");
	return 0;
}
