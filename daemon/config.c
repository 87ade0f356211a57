/* SPDX-License-Identifier: MIT */
/*
 * config.c - the settings table of `mlcost serve` and the loader it
 * drives: defaults first, then each key of serve.yaml looked up in the
 * table, read by its type and checked against its bounds. The same table
 * prints the effective config and the docs' settings table. See config.h.
 */
#include "config_internal.h"
#include "serve_error.h"

#include <mlcost.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define OFF(f) offsetof(mlcd_config, f)
#define MiB    1048576.0
#define GiB    1073741824.0

/* The settings, in the order --print-config and docs/serve.md show them. */
const mlcd_setting mlcd_settings[] = {
    {"listen", MLCD_CFG_LISTEN, OFF(listen), "127.0.0.1:9464", 0, 0,
     "address and port to serve HTTP on: `HOST:PORT`, `[IPv6]:PORT`, `*:PORT` for every "
     "IPv4 interface; port 0 picks a free one (logged)"},
    {"threads", MLCD_CFG_UINT, OFF(threads), "8", 1, 1024,
     "worker threads (libmicrohttpd thread pool on epoll); an ingest request waiting for its "
     "events to be on disk holds no thread (its connection is parked), so a few threads "
     "per core are enough"},
    {"catalogs", MLCD_CFG_PATHS, OFF(catalogs), "builtin:seed,builtin:gpu-2026-02", 0, 0,
     "pricing catalogs events are priced from, in order (`builtin:NAME`, a catalog CSV, "
     "a SkyPilot CSV, a LiteLLM JSON); reloaded on SIGHUP"},
    {"budgets", MLCD_CFG_PATH, OFF(budgets), NULL, 0, 0,
     "budgets file (docs/budgets.md) enforced by `/v1/budgets/check`; reloaded on SIGHUP"},
    {"store", MLCD_CFG_PATH, OFF(store), "mlcost.db", 0, 0,
     "where compacted events are kept: an SQLite file or a `postgres://` URL"},
    {"wal_dir", MLCD_CFG_PATH, OFF(wal_dir), "mlcost-wal", 0, 0,
     "directory of the write-ahead log (created)"},
    {"fsync", MLCD_CFG_BOOL, OFF(fsync), "true", 0, 0,
     "sync the log to disk before acknowledging events; `false` trades durability "
     "against power loss for speed (events still survive a crash of the process)"},
    {"group_commit_us", MLCD_CFG_UINT, OFF(group_commit_us), "0", 0, 1000000,
     "extra wait, in microseconds, to gather more events into one sync; 0 = none"},
    {"compact_interval_ms", MLCD_CFG_UINT, OFF(compact_interval_ms), "250", 10, 3600000,
     "how often the log is compacted into the store"},
    {"refresh_interval_ms", MLCD_CFG_UINT, OFF(refresh_interval_ms), "250", 10, 3600000,
     "with a shared PostgreSQL store, how often totals written by other replicas are read"},
    {"dedup_window_s", MLCD_CFG_UINT, OFF(dedup_window_s), "604800", 60, 31536000,
     "how long event ids are remembered in memory (older ids are deduplicated by the store)"},
    {"dedup_max_ids", MLCD_CFG_UINT, OFF(dedup_max_ids), "1000000", 1000, 100000000,
     "event ids remembered in memory at most (about 32 bytes each); the oldest go first"},
    {"memory_days", MLCD_CFG_UINT, OFF(memory_days), "400", 1, 3660,
     "days of hourly totals kept in memory for costs and budget checks (older hours stay in "
     "the store only); a year budget needs 366"},
    {"max_cells", MLCD_CFG_UINT, OFF(max_cells), "4194304", 1024, 1073741824,
     "hourly totals (model x version x team x endpoint x hour) in memory at most (about 140 "
     "bytes each); past it ingest fails with 503"},
    {"replica", MLCD_CFG_NAME, OFF(replica), NULL, 0, 0,
     "this server's name in a shared store; default: made up once and kept in wal_dir. Two "
     "servers must not share one"},
    {"wal_segment_bytes", MLCD_CFG_BYTES, OFF(wal_segment_bytes), "64MiB", MiB, 4 * GiB,
     "size at which the log rolls to a new segment"},
    {"wal_preallocate", MLCD_CFG_BOOL, OFF(wal_preallocate), "true", 0, 0,
     "keep the log's next segment zero-filled ahead (`wal-spare.log` in wal_dir, "
     "wal_segment_bytes on disk), so that a sync writes the events alone and not the file's "
     "new size: on ext4 one disk write per sync instead of two. Only with `fsync: true`; "
     "`false` on copy-on-write file systems (btrfs, ZFS), where it does not help"},
    {"max_body_bytes", MLCD_CFG_BYTES, OFF(max_body_bytes), "8MiB", 1024, GiB,
     "largest request body; past it the answer is 413"},
    {"max_events_per_request", MLCD_CFG_UINT, OFF(max_events_per_request), "10000", 1, 1000000,
     "most events in one `POST /v1/events`; past it the answer is 413"},
    {"max_connections", MLCD_CFG_UINT, OFF(max_connections), "1024", 1, 65536,
     "open connections at most (libmicrohttpd divides it among the threads); past it new "
     "connections wait in the listen backlog"},
    {"max_connections_per_ip", MLCD_CFG_UINT, OFF(max_connections_per_ip), "256", 0, 65536,
     "open connections from one client address at most; 0 = no limit"},
    {"connection_timeout_s", MLCD_CFG_UINT, OFF(connection_timeout_s), "15", 1, 3600,
     "a connection idle (or sending too slowly) this long is closed"},
    {"shutdown_timeout_s", MLCD_CFG_UINT, OFF(shutdown_timeout_s), "30", 0, 3600,
     "on SIGTERM, how long requests in flight may take to finish"},
    {"rate_limit_per_second", MLCD_CFG_DOUBLE, OFF(rate_limit_per_second), "0", 0, 1e9,
     "requests per second allowed to each token (token bucket), unless the token sets its "
     "own; 0 = unlimited; past it the answer is 429 with Retry-After"},
    {"rate_limit_burst", MLCD_CFG_UINT, OFF(rate_limit_burst), "100", 1, 1000000000,
     "requests a token may send at once above its rate (the bucket size)"},
    {"metrics_public", MLCD_CFG_BOOL, OFF(metrics_public), "false", 0, 0,
     "`true`: `GET /metrics` needs no token (it then shows every team's costs)"},
    {"dashboard_refresh_s", MLCD_CFG_UINT, OFF(dashboard_refresh_s), "10", 1, 3600,
     "how often the dashboard at `GET /` fetches its charts again (seconds), without "
     "reloading the page"},
    {"tokens", MLCD_CFG_TOKENS, OFF(tokens), NULL, 0, 0,
     "bearer tokens: `{name, sha256, scopes: [ingest, read, admin], teams: [...], "
     "rate_limit_per_second, rate_limit_burst}`; none at all = an open server"},
};
const size_t mlcd_nsettings = sizeof(mlcd_settings) / sizeof(mlcd_settings[0]);

static const mlcd_setting *find_setting(const char *name)
{
	size_t i;
	for (i = 0; i < mlcd_nsettings; i++)
		if (!strcmp(mlcd_settings[i].name, name))
			return &mlcd_settings[i];
	return NULL;
}

static int unknown_setting(const mlcd_yaml *y, struct fy_node *k, const char *name)
{
	const char *best = NULL;
	size_t i, best_d = 4;
	for (i = 0; i < mlcd_nsettings; i++) {
		size_t d = mlcd_yaml_edit_distance(name, mlcd_settings[i].name, best_d);
		if (d < best_d)
			best_d = d, best = mlcd_settings[i].name;
	}
	if (best)
		return mlcd_yaml_error(y, k, "unknown setting '%s' (did you mean '%s'?)", name,
		                       best);
	return mlcd_yaml_error(y, k, "unknown setting '%s'", name);
}

static int apply_defaults(mlcd_config *c, const char *dir)
{
	char why[256];
	size_t i;
	int rc;
	for (i = 0; i < mlcd_nsettings; i++) {
		const mlcd_setting *s = &mlcd_settings[i];
		if (!s->def || s->type == MLCD_CFG_TOKENS)
			continue;
		/* relative defaults (store, wal_dir) are taken from the config's directory too */
		if ((rc = mlcd_config__set_text(c, s, s->def, dir, why, sizeof(why))) != 0)
			return mlcd_error_set(rc, "default of %s: %s", s->name, why);
	}
	return 0;
}

/* Each key once, each known; values by the table. */
static int read_root(mlcd_config *c, const mlcd_yaml *y, struct fy_node *root, const char *dir)
{
	void *it = NULL;
	struct fy_node_pair *p;
	unsigned char seen[sizeof(mlcd_settings) / sizeof(mlcd_settings[0])] = {0};
	int rc;
	if (fy_node_get_type(root) != FYNT_MAPPING)
		return mlcd_yaml_error(y, root,
		                       "the config must be a mapping of settings "
		                       "(`name: value` lines)");
	while ((p = fy_node_mapping_iterate(root, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const mlcd_setting *s;
		const char *name;
		if ((rc = mlcd_yaml_key(y, k, &name)) != 0)
			return rc;
		if (!(s = find_setting(name)))
			return unknown_setting(y, k, name);
		if (seen[s - mlcd_settings]++)
			return mlcd_yaml_error(y, k, "setting '%s' given twice", name);
		if (mlcd_yaml_is_null(v) &&
		    (s->type == MLCD_CFG_PATH || s->type == MLCD_CFG_NAME) && !s->def) {
			char **field = (char **)((char *)c + s->off);
			free(*field); /* `budgets: ~`: none */
			*field = NULL;
			continue;
		}
		if (mlcd_yaml_is_null(v))
			continue; /* `threads:` with no value keeps the default */
		if ((rc = mlcd_config__set_node(c, s, y, v, dir)) != 0)
			return rc;
	}
	return 0;
}

int mlcd_config_load_string(mlcd_config **out, const char *name, const char *dir, const char *text,
                            size_t len)
{
	mlcd_yaml y;
	mlcd_config *c = NULL;
	struct fy_node *root;
	int rc;

	*out = NULL;
	memset(&y, 0, sizeof(y));
	if (!(c = calloc(1, sizeof(*c))) || !(c->path = mlcd_config__strdup(name))) {
		rc = mlcd_error_set(MLC_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = apply_defaults(c, dir)) != 0 || (rc = mlcd_yaml_load(&y, name, text, len)) != 0)
		goto done;
	if ((root = mlcd_yaml_root(&y)) != NULL && !mlcd_yaml_is_null(root) &&
	    (rc = read_root(c, &y, root, dir)) != 0)
		goto done;
	if ((rc = mlcd_config__tokens_finish(c, &y)) != 0)
		goto done;
	*out = c;
	c = NULL;
done:
	mlcd_yaml_clear(&y);
	mlcd_config_free(c);
	return rc;
}

static int read_all(char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int rc = 0;
	if (!f)
		return mlcd_error_set(MLC_EIO, "%s: %s", path, strerror(errno));
	if (!(buf = malloc(MLCD_CONFIG_MAX_BYTES + 1))) {
		rc = mlcd_error_set(MLC_ENOMEM, "out of memory");
		goto done;
	}
	n = fread(buf, 1, MLCD_CONFIG_MAX_BYTES + 1, f);
	if (ferror(f))
		rc = mlcd_error_set(MLC_EIO, "%s: read error", path);
	else if (n > MLCD_CONFIG_MAX_BYTES)
		rc = mlcd_error_set(MLC_ETOOLARGE, "%s: larger than %u bytes", path,
		                    MLCD_CONFIG_MAX_BYTES);
done:
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*len = n;
	return 0;
}

int mlcd_config_load_file(mlcd_config **out, const char *path)
{
	char *text = NULL, *dir = NULL, *slash;
	size_t len = 0;
	int rc;
	*out = NULL;
	if ((rc = read_all(&text, &len, path)) != 0)
		return rc;
	if (!(dir = mlcd_config__strdup(path))) {
		rc = mlcd_error_set(MLC_ENOMEM, "out of memory");
		goto done;
	}
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	else
		strcpy(dir, ".");
	rc = mlcd_config_load_string(out, path, dir, text, len);
done:
	free(text);
	free(dir);
	return rc;
}

void mlcd_config_free(mlcd_config *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < mlcd_nsettings; i++) {
		const mlcd_setting *s = &mlcd_settings[i];
		if (s->type == MLCD_CFG_LISTEN || s->type == MLCD_CFG_PATH ||
		    s->type == MLCD_CFG_NAME)
			free(*(char **)((char *)c + s->off));
	}
	mlcd_config__free_list(c->catalogs, c->ncatalogs);
	mlcd_config__tokens_free(c);
	free(c->path);
	free(c);
}

void mlcd_config_print(FILE *f, const mlcd_config *c)
{
	size_t i;
	fprintf(f, "# mlcost serve: effective configuration of %s (defaults filled in)\n", c->path);
	for (i = 0; i < mlcd_nsettings; i++) {
		const mlcd_setting *s = &mlcd_settings[i];
		if (s->type == MLCD_CFG_TOKENS) {
			mlcd_config__tokens_print(f, c);
			continue;
		}
		fprintf(f, "%s:", s->name);
		mlcd_config__print_value(f, c, s);
		fputc('\n', f);
	}
}

static void print_bound(FILE *f, const mlcd_setting *s, double v)
{
	if (s->type == MLCD_CFG_BYTES && v >= GiB && v / GiB == (double)(long long)(v / GiB))
		fprintf(f, "%lldGiB", (long long)(v / GiB));
	else if (s->type == MLCD_CFG_BYTES && v >= MiB && v / MiB == (double)(long long)(v / MiB))
		fprintf(f, "%lldMiB", (long long)(v / MiB));
	else
		fprintf(f, "%.15g", v);
}

void mlcd_config_print_doc(FILE *f)
{
	size_t i;
	fprintf(f, "| setting | type | default | range | meaning |\n|---|---|---|---|---|\n");
	for (i = 0; i < mlcd_nsettings; i++) {
		const mlcd_setting *s = &mlcd_settings[i];
		int numeric = s->type == MLCD_CFG_UINT || s->type == MLCD_CFG_BYTES ||
		              s->type == MLCD_CFG_DOUBLE;
		fprintf(f, "| `%s` | %s | ", s->name, mlcd_config__type_name(s->type));
		if (s->def && s->type == MLCD_CFG_PATHS)
			fprintf(f, "`[%s]`", s->def);
		else if (s->def)
			fprintf(f, "`%s`", s->def);
		else
			fprintf(f, "none");
		fprintf(f, " | ");
		if (numeric) {
			print_bound(f, s, s->min);
			fprintf(f, " – ");
			print_bound(f, s, s->max);
		}
		fprintf(f, " | %s |\n", s->doc);
	}
}
