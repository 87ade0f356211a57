/* SPDX-License-Identifier: MIT */
/*
 * serve_live.c - the catalogs and budgets in force, as one reference
 * counted snapshot: loaded at start, loaded again on SIGHUP and swapped in
 * whole, so a request prices and checks against one consistent pair. A
 * failed reload leaves the snapshot in force untouched. See
 * serve_internal.h.
 */
#include "serve_error.h"
#include "serve_internal.h"

#include <stdlib.h>

static void live_free(mlcd_live *l)
{
	if (!l)
		return;
	mlc_catalog_free(l->catalog);
	mlcd_budget_set_free(l->budgets);
	free(l);
}

int mlcd_live_load(mlcd_live **out, const mlcd_config *cfg)
{
	mlcd_live *l;
	size_t i;
	int rc;
	*out = NULL;
	if (!(l = calloc(1, sizeof(*l))))
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	atomic_init(&l->refs, 1);
	if ((rc = mlc_catalog_new(&l->catalog)) != 0) {
		rc = mlcd_error_lib(rc);
		goto done;
	}
	for (i = 0; i < cfg->ncatalogs; i++)
		if ((rc = mlc_catalog_load(l->catalog, cfg->catalogs[i])) != 0) {
			rc = mlcd_error_set(rc, "catalog %s: %s", cfg->catalogs[i],
			                    mlc_error_message());
			goto done;
		}
	l->catalog_entries = mlc_catalog_count(l->catalog);
	if (cfg->budgets && (rc = mlcd_budget_set_load(&l->budgets, cfg->budgets)) != 0)
		goto done;
	*out = l;
	l = NULL;
done:
	live_free(l);
	return rc;
}

mlcd_live *mlcd_live_acquire(mlcd_server *s)
{
	mlcd_live *l;
	pthread_mutex_lock(&s->live_mu);
	l = s->live;
	atomic_fetch_add(&l->refs, 1);
	pthread_mutex_unlock(&s->live_mu);
	return l;
}

void mlcd_live_release(mlcd_live *l)
{
	if (l && atomic_fetch_sub(&l->refs, 1) == 1)
		live_free(l);
}

void mlcd_live_swap(mlcd_server *s, mlcd_live *next)
{
	mlcd_live *old;
	pthread_mutex_lock(&s->live_mu);
	old = s->live;
	s->live = next;
	pthread_mutex_unlock(&s->live_mu);
	mlcd_live_release(old);
}
