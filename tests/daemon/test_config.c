/* SPDX-License-Identifier: MIT */
/*
 * test_config.c - serve.yaml: defaults, every setting read, bounds and
 * syntax errors with FILE:LINE:COL, tokens, relative paths, and the
 * printed config reading back to the same config.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <mlcost.h>

#include "config.h"
#include "serve_error.h"

/* sha256("test-token"), computed with `printf %s test-token | sha256sum` */
#define HASH_A "4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031e"
/* sha256("other"), likewise */
#define HASH_B "d9298a10d1b0735837dc4bd85dac641b0f3cef27a47e5d53a54f2f3f5b2fcffa"

static mlcd_config *load(const char *text, const char *dir)
{
	mlcd_config *c = NULL;
	int rc = mlcd_config_load_string(&c, "t.yaml", dir, text, strlen(text));
	if (rc)
		fprintf(stderr, "unexpected: %s\n", mlcd_error_message());
	assert_int_equal(rc, 0);
	return c;
}

/* The load fails with MLC_EPARSE and exactly this message. */
static void fails(const char *text, const char *msg)
{
	mlcd_config *c = NULL;
	int rc = mlcd_config_load_string(&c, "t.yaml", NULL, text, strlen(text));
	assert_int_equal(rc, MLC_EPARSE);
	assert_null(c);
	assert_string_equal(mlcd_error_message(), msg);
}

static void test_defaults(void **state)
{
	mlcd_config *c = load("# nothing but a comment\n", NULL);
	assert_string_equal(c->listen, "127.0.0.1:9464");
	assert_int_equal(c->threads, 8);
	assert_int_equal(c->ncatalogs, 2);
	assert_string_equal(c->catalogs[0], "builtin:seed");
	assert_string_equal(c->catalogs[1], "builtin:gpu-2026-02");
	assert_null(c->budgets);
	assert_string_equal(c->store, "mlcost.db");
	assert_string_equal(c->wal_dir, "mlcost-wal");
	assert_int_equal(c->fsync, 1);
	assert_int_equal(c->group_commit_us, 0);
	assert_int_equal(c->compact_interval_ms, 250);
	assert_int_equal(c->refresh_interval_ms, 250);
	assert_int_equal(c->dedup_window_s, 7 * 24 * 3600);
	assert_int_equal(c->dedup_max_ids, 1000000);
	assert_int_equal(c->memory_days, 400);
	assert_int_equal(c->max_cells, 4 * 1024 * 1024);
	assert_null(c->replica);
	assert_true(c->wal_segment_bytes == 64ull * 1024 * 1024);
	assert_true(c->max_body_bytes == 8ull * 1024 * 1024);
	assert_int_equal(c->max_events_per_request, 10000);
	assert_int_equal(c->max_connections, 1024);
	assert_int_equal(c->max_connections_per_ip, 256);
	assert_int_equal(c->connection_timeout_s, 15);
	assert_int_equal(c->shutdown_timeout_s, 30);
	assert_true(c->rate_limit_per_second == 0);
	assert_int_equal(c->rate_limit_burst, 100);
	assert_int_equal(c->metrics_public, 0);
	assert_int_equal(c->ntokens, 0);
	mlcd_config_free(c);
	c = load("", NULL); /* an empty file is all defaults too */
	assert_int_equal(c->threads, 8);
	mlcd_config_free(c);
}

static void test_every_setting(void **state)
{
	mlcd_config *c = load("listen: \"[::1]:0\"\n"
	                      "threads: 3\n"
	                      "catalogs: [builtin:seed, /x/litellm.json]\n"
	                      "budgets: /x/budgets.yaml\n"
	                      "store: postgres://u@h/db\n"
	                      "wal_dir: /var/lib/mlcost/wal\n"
	                      "fsync: false\n"
	                      "group_commit_us: 250\n"
	                      "compact_interval_ms: 2_000\n"
	                      "refresh_interval_ms: 100\n"
	                      "dedup_window_s: 86400\n"
	                      "dedup_max_ids: 5000\n"
	                      "memory_days: 31\n"
	                      "max_cells: 2048\n"
	                      "replica: eu-1.a@host:2\n"
	                      "wal_segment_bytes: 16MiB\n"
	                      "max_body_bytes: 64KiB\n"
	                      "max_events_per_request: 500\n"
	                      "max_connections: 10\n"
	                      "max_connections_per_ip: 0\n"
	                      "connection_timeout_s: 5\n"
	                      "shutdown_timeout_s: 0\n"
	                      "rate_limit_per_second: 2.5\n"
	                      "rate_limit_burst: 7\n"
	                      "metrics_public: true\n"
	                      "tokens:\n"
	                      "  - {name: a, sha256: " HASH_A ", scopes: [ingest, read]}\n",
	                      NULL);
	assert_string_equal(c->listen, "[::1]:0");
	assert_int_equal(c->threads, 3);
	assert_int_equal(c->ncatalogs, 2);
	assert_string_equal(c->catalogs[1], "/x/litellm.json");
	assert_string_equal(c->budgets, "/x/budgets.yaml");
	assert_string_equal(c->store, "postgres://u@h/db");
	assert_string_equal(c->wal_dir, "/var/lib/mlcost/wal");
	assert_int_equal(c->fsync, 0);
	assert_int_equal(c->group_commit_us, 250);
	assert_int_equal(c->compact_interval_ms, 2000);
	assert_int_equal(c->refresh_interval_ms, 100);
	assert_int_equal(c->dedup_window_s, 86400);
	assert_int_equal(c->dedup_max_ids, 5000);
	assert_int_equal(c->memory_days, 31);
	assert_int_equal(c->max_cells, 2048);
	assert_string_equal(c->replica, "eu-1.a@host:2");
	assert_true(c->wal_segment_bytes == 16ull * 1048576);
	assert_true(c->max_body_bytes == 64ull * 1024);
	assert_int_equal(c->max_events_per_request, 500);
	assert_int_equal(c->max_connections, 10);
	assert_int_equal(c->max_connections_per_ip, 0);
	assert_int_equal(c->connection_timeout_s, 5);
	assert_int_equal(c->shutdown_timeout_s, 0);
	assert_true(c->rate_limit_per_second == 2.5);
	assert_int_equal(c->rate_limit_burst, 7);
	assert_int_equal(c->metrics_public, 1);
	assert_int_equal(c->ntokens, 1);
	/* a token without its own rate takes the global one, whatever the order in the file */
	assert_true(c->tokens[0].rate_per_second == 2.5);
	assert_int_equal(c->tokens[0].rate_burst, 7);
	mlcd_config_free(c);
}

static void test_bounds(void **state)
{
	fails("threads: 0\n", "t.yaml:1:10: threads must be an integer from 1 to 1024, got '0'");
	fails("fsync: true\nthreads: 1025\n",
	      "t.yaml:2:10: threads must be an integer from 1 to 1024, got '1025'");
	fails("threads: -1\n", "t.yaml:1:10: threads must be an integer from 1 to 1024, got '-1'");
	fails("threads: 2.5\n",
	      "t.yaml:1:10: threads must be an integer from 1 to 1024, got '2.5'");
	fails("threads: 1__0\n",
	      "t.yaml:1:10: threads must be an integer from 1 to 1024, got '1__0'");
	fails("connection_timeout_s: 99999999999999999999999\n",
	      "t.yaml:1:23: connection_timeout_s must be an integer from 1 to 3600, got "
	      "'99999999999999999999999'");
	/* 1 GiB is the maximum body: 1025 MiB is over it, 1 GiB itself is fine */
	fails("max_body_bytes: 1025MiB\n",
	      "t.yaml:1:17: max_body_bytes must be a size from 1024 to 1073741824 bytes "
	      "(KiB, MiB, GiB allowed), got '1025MiB'");
	mlcd_config_free(load("max_body_bytes: 1GiB\n", NULL));
	fails("rate_limit_per_second: -1\n",
	      "t.yaml:1:24: rate_limit_per_second must be a number from 0 to 1000000000, got '-1'");
	fails(
	    "rate_limit_per_second: nan\n",
	    "t.yaml:1:24: rate_limit_per_second must be a number from 0 to 1000000000, got 'nan'");
	fails("fsync: maybe\n", "t.yaml:1:8: fsync must be true or false, got 'maybe'");
	fails("listen: nowhere\n",
	      "t.yaml:1:9: listen must be HOST:PORT (an IPv4 address, [IPv6], localhost or *; "
	      "port 0-65535), got 'nowhere'");
	fails("listen: 1.2.3.4:65536\n",
	      "t.yaml:1:9: listen must be HOST:PORT (an IPv4 address, [IPv6], localhost or *; "
	      "port 0-65535), got '1.2.3.4:65536'");
	fails("listen: example.com:80\n",
	      "t.yaml:1:9: listen must be HOST:PORT (an IPv4 address, [IPv6], localhost or *; "
	      "port 0-65535), got 'example.com:80'");
	/* libfyaml places a quoted scalar where its text starts, after the quote */
	fails("store: \"\"\n", "t.yaml:1:9: store must not be empty");
	fails("replica: a/b\n", "t.yaml:1:10: replica must be 1 to 100 of A-Z a-z 0-9 . _ - @ :");
	fails("threads: [1, 2]\n", "t.yaml:1:11: threads: expected a single value");
}

static void test_listen_forms(void **state)
{
	static const char *const ok[] = {"listen: localhost:80\n", "listen: \"*:9464\"\n",
	                                 "listen: 0.0.0.0:1\n", "listen: \"[::]:65535\"\n"};
	char host[64];
	unsigned port = 1;
	size_t i;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		mlcd_config_free(load(ok[i], NULL));
	assert_int_equal(mlcd_config_split_listen(host, sizeof(host), &port, "[::1]:0"), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 0);
	assert_int_equal(mlcd_config_split_listen(host, sizeof(host), &port, "127.0.0.1:9464"), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 9464);
	assert_int_equal(mlcd_config_split_listen(host, sizeof(host), &port, ":80"), MLC_EPARSE);
	assert_int_equal(mlcd_config_split_listen(host, sizeof(host), &port, "[::1]80"),
	                 MLC_EPARSE);
}

static void test_syntax_errors(void **state)
{
	fails("threads: 4\nthreds: 5\n", "t.yaml:2:1: unknown setting 'threds' (did you mean "
	                                 "'threads'?)");
	fails("colour: red\n", "t.yaml:1:1: unknown setting 'colour'");
	fails("threads: 4\nthreads: 5\n", "t.yaml:2:1: duplicate key"); /* libfyaml's words */
	fails("threads: 4\n\tfsync: true\n", "t.yaml:2:1: tab character (indent with spaces)");
	fails("threads: 4\nfsync: \x01\n", "t.yaml:2:8: control character 0x01");
	fails("store: \"\xc3\x28\"\n", "t.yaml:1:9: invalid UTF-8");
	fails("- a\n- b\n", "t.yaml:1:3: the config must be a mapping of settings (`name: value` "
	                    "lines)");
	{
		mlcd_config *c = NULL;
		const char *bad = "threads: [1, 2\n";
		assert_int_equal(mlcd_config_load_string(&c, "t.yaml", NULL, bad, strlen(bad)),
		                 MLC_EPARSE);
		/* libfyaml's wording is its own; the position is ours to promise */
		assert_true(!strncmp(mlcd_error_message(), "t.yaml:2:", 9) ||
		            !strncmp(mlcd_error_message(), "t.yaml:1:", 9));
	}
}

static void test_tokens(void **state)
{
	mlcd_config *c = load("tokens:\n"
	                      "  - name: ingest-bot\n"
	                      "    sha256: " HASH_A "\n"
	                      "    scopes: ingest\n"
	                      "    teams: [search, ads]\n"
	                      "    rate_limit_per_second: 50\n"
	                      "  - name: boss@corp\n"
	                      "    sha256: \"" HASH_B "\"\n"
	                      "    scopes: [admin]\n"
	                      "    rate_limit_burst: 3\n",
	                      NULL);
	assert_int_equal(c->ntokens, 2);
	assert_string_equal(c->tokens[0].name, "ingest-bot");
	assert_int_equal(c->tokens[0].scopes, MLCD_SCOPE_INGEST);
	assert_int_equal(c->tokens[0].nteams, 2);
	assert_string_equal(c->tokens[0].teams[1], "ads");
	assert_true(c->tokens[0].rate_per_second == 50);
	assert_int_equal(c->tokens[0].rate_burst, 100); /* the global default */
	assert_int_equal(c->tokens[0].hash[0], 0x4c);
	assert_int_equal(c->tokens[0].hash[31], 0x1e);
	assert_int_equal(c->tokens[0].line, 2);
	assert_int_equal(c->tokens[1].scopes, MLCD_SCOPE_ADMIN);
	assert_null(c->tokens[1].teams);
	assert_int_equal(c->tokens[1].rate_burst, 3);
	mlcd_config_free(c);

	/* Columns below: "  - {name: a, sha256: " is 22 characters and a hash 64, so
	 * ", scopes: [" ends at column 97 and "scopes" itself starts at 89. */
	fails("tokens:\n  - {name: a, scopes: [read]}\n",
	      "t.yaml:2:6: token: 'sha256' is required");
	fails("tokens:\n  - {name: a, sha256: secret, scopes: [read]}\n",
	      "t.yaml:2:23: token: sha256 must be the 64 hex digits of the token's SHA-256 "
	      "(mlcost serve --hash-token prints it), not the token itself");
	fails("tokens:\n  - {name: a, sha256: " HASH_A ", scopes: [reader]}\n",
	      "t.yaml:2:98: token: unknown scope 'reader' (ingest, read or admin)");
	fails("tokens:\n  - {name: a, sha256: " HASH_A ", scopes: []}\n",
	      "t.yaml:2:89: token: scopes must not be an empty list");
	fails("tokens:\n  - {name: a, sha256: " HASH_A ", scope: [read]}\n",
	      "t.yaml:2:89: token: unknown field 'scope' (did you mean 'scopes'?)");
	fails("tokens:\n  - {name: \"a b\", sha256: " HASH_A ", scopes: [read]}\n",
	      "t.yaml:2:13: token: name must be 1 to 128 of A-Z a-z 0-9 . _ - @");
	fails("tokens:\n"
	      "  - {name: a, sha256: " HASH_A ", scopes: [read]}\n"
	      "  - {name: a, sha256: " HASH_B ", scopes: [read]}\n",
	      "t.yaml:3:6: token name 'a' is used twice (first at line 2)");
	fails("tokens:\n"
	      "  - {name: a, sha256: " HASH_A ", scopes: [read]}\n"
	      "  - {name: b, sha256: " HASH_A ", scopes: [read]}\n",
	      "t.yaml:3:6: token 'b' has the same sha256 as 'a' (line 2)");
	fails("tokens:\n  - {name: a, sha256: " HASH_A ", scopes: read, teams: [x, x]}\n",
	      "t.yaml:2:114: token: team 'x' listed twice");
	fails("tokens: {name: a}\n", "t.yaml:1:10: tokens must be a list");
}

static void test_relative_paths(void **state)
{
	mlcd_config *c = load("catalogs: [builtin:seed, prices.json, /abs/x.csv]\n"
	                      "budgets: b.yaml\n"
	                      "store: sqlite:data/m.db\n",
	                      "/etc/mlcost");
	assert_string_equal(c->catalogs[0], "builtin:seed");
	assert_string_equal(c->catalogs[1], "/etc/mlcost/prices.json");
	assert_string_equal(c->catalogs[2], "/abs/x.csv");
	assert_string_equal(c->budgets, "/etc/mlcost/b.yaml");
	assert_string_equal(c->store, "sqlite:/etc/mlcost/data/m.db");
	assert_string_equal(c->wal_dir, "/etc/mlcost/mlcost-wal"); /* a default, resolved too */
	mlcd_config_free(c);
	c = load("budgets: ~\nstore: postgresql://x/y\n", "/etc/mlcost");
	assert_null(c->budgets);
	assert_string_equal(c->store, "postgresql://x/y");
	mlcd_config_free(c);
}

static char *print_config(const mlcd_config *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	mlcd_config_print(f, c);
	fclose(f);
	return buf;
}

static void test_print_round_trip(void **state)
{
	mlcd_config *c = load(
	                "threads: 2\ncatalogs: [\"a \\\"q\\\".csv\"]\nrate_limit_per_second: 0.1\n"
	                "tokens:\n  - {name: t, sha256: " HASH_A ", scopes: [read, ingest],"
	                " teams: [\"x y\"]}\n",
	                NULL),
	            *d;
	size_t n1, n2;
	char *a = print_config(c, &n1), *b;
	int rc = mlcd_config_load_string(&d, "t.yaml", NULL, a, n1);
	if (rc)
		fprintf(stderr, "%s\n%s\n", a, mlcd_error_message());
	assert_int_equal(rc, 0);
	b = print_config(d, &n2);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "sha256: \"" HASH_A "\""));
	assert_non_null(strstr(a, "rate_limit_per_second: 0.1\n"));
	assert_non_null(strstr(a, "scopes: [ingest, read]"));
	assert_string_equal(d->catalogs[0], "a \"q\".csv");
	free(a);
	free(b);
	mlcd_config_free(c);
	mlcd_config_free(d);
}

static void test_doc_table(void **state)
{
	char *buf = NULL, *p;
	size_t len = 0, rows = 0;
	FILE *f = open_memstream(&buf, &len);
	mlcd_config_print_doc(f);
	fclose(f);
	for (p = buf; (p = strstr(p, "\n| `")) != NULL; p++)
		rows++;
	assert_int_equal(rows, 28); /* one per setting */
	assert_non_null(strstr(buf, "| `max_body_bytes` | bytes | `8MiB` | 1024 – 1GiB |"));
	assert_non_null(
	    strstr(buf, "| `catalogs` | list | `[builtin:seed,builtin:gpu-2026-02]` |"));
	free(buf);
}

static void test_load_file(void **state)
{
	mlcd_config *c = NULL;
	char path[] = "/tmp/mlcd_test_config_XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("threads: 2\nbudgets: b.yaml\n", f);
	fclose(f);
	assert_int_equal(mlcd_config_load_file(&c, path), 0);
	assert_int_equal(c->threads, 2);
	assert_string_equal(c->budgets, "/tmp/b.yaml");
	assert_string_equal(c->path, path);
	mlcd_config_free(c);
	unlink(path);
	assert_int_equal(mlcd_config_load_file(&c, path), MLC_EIO);
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),       cmocka_unit_test(test_every_setting),
	    cmocka_unit_test(test_bounds),         cmocka_unit_test(test_listen_forms),
	    cmocka_unit_test(test_syntax_errors),  cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_relative_paths), cmocka_unit_test(test_print_round_trip),
	    cmocka_unit_test(test_doc_table),      cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
