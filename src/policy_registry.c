/* SPDX-License-Identifier: MIT */
/*
 * policy_registry.c - the registry rule of a policy (every model registry
 * entry carries the required fields) and the JUnit XML report of a check.
 *
 * A registry manifest is YAML or JSON (JSON is read as YAML): a list of
 * entries, a mapping of model name to entry, or either under a top-level
 * `models` key. An entry is a mapping; its subject is its `name` (or the
 * key it is under, or "entry N"). A field that is absent, null or empty is
 * missing. It is not a registry client: it reads a file exported by one.
 */
#include "policy_internal.h"
#include "util/error.h"
#include "yamldoc.h"

#include <stdio.h>
#include <string.h>

static int missing(struct fy_node *entry, const char *field)
{
	struct fy_node *v = mlc_yaml__get(entry, field);
	if (!v || mlc_yaml__is_null(v))
		return 1;
	if (fy_node_get_type(v) == FYNT_SCALAR) {
		size_t len = 0;
		fy_node_get_scalar(v, &len);
		return len == 0;
	}
	return 0;
}

static int check_entry(mlc_policy__findings *f, const mlc_policy *p, const mlc_yaml *y,
                       struct fy_node *entry, const char *key, size_t index)
{
	char subject[300], miss[1024] = "";
	const char *name = NULL;
	size_t used = 0, nmiss = 0;
	int line, col, rc;
	if ((rc = mlc_yaml__expect_map(y, entry, "a registry entry")))
		return rc;
	if (mlc_yaml__get(entry, "name") &&
	    (rc = mlc_yaml__string(y, mlc_yaml__get(entry, "name"), &name)))
		return rc;
	if (!name)
		name = key;
	if (name)
		snprintf(subject, sizeof(subject), "%s", name);
	else
		snprintf(subject, sizeof(subject), "entry %zu", index + 1);
	for (size_t i = 0; i < p->nfields; i++)
		if (missing(entry, p->fields[i]) && used + 1 < sizeof(miss)) {
			int k = snprintf(miss + used, sizeof(miss) - used, "%s%s",
			                 nmiss ? ", " : "", p->fields[i]);
			used += k > 0 ? (size_t)k : 0;
			nmiss++;
		}
	mlc_yaml__pos(entry, &line, &col);
	if (nmiss)
		return mlc_policy__add(f, "registry", subject, MLC_POLICY_FAIL,
		                       "%s:%d:%d: entry lacks %s", mlc_yaml__name(y), line, col,
		                       miss);
	return mlc_policy__add(f, "registry", subject, MLC_POLICY_PASS,
	                       "%s:%d:%d: carries all %zu required fields", mlc_yaml__name(y), line,
	                       col, p->nfields);
}

static int check_entries(mlc_policy__findings *f, const mlc_policy *p, const mlc_yaml *y,
                         struct fy_node *n)
{
	void *it = NULL;
	size_t i = 0;
	int rc = 0;
	if (fy_node_get_type(n) == FYNT_SEQUENCE) {
		struct fy_node *e;
		while (!rc && (e = fy_node_sequence_iterate(n, &it)) != NULL)
			rc = check_entry(f, p, y, e, NULL, i++);
		return rc;
	}
	if (fy_node_get_type(n) == FYNT_MAPPING) {
		struct fy_node_pair *pr;
		while (!rc && (pr = fy_node_mapping_iterate(n, &it)) != NULL) {
			const char *key = NULL;
			if ((rc = mlc_yaml__string(y, fy_node_pair_key(pr), &key)))
				return rc;
			if (!fy_node_pair_value(pr))
				return mlc_yaml__error(y, fy_node_pair_key(pr),
				                       "registry entry '%s' is empty", key);
			rc = check_entry(f, p, y, fy_node_pair_value(pr), key, i++);
		}
		return rc;
	}
	return mlc_yaml__error(y, n, "expected a list or a mapping of registry entries");
}

int mlc_policy__check_registry(mlc_policy__findings *f, const mlc_policy *p)
{
	mlc_yaml *y = NULL;
	struct fy_node *root, *models;
	int rc;
	if ((rc = mlc_yaml__load_file(&y, p->registry_file)))
		return rc;
	root = mlc_yaml__root(y);
	if (!root) {
		rc =
		    mlcu_error_set(MLC_EPARSE, "%s:1:1: empty registry manifest", p->registry_file);
		goto done;
	}
	models = fy_node_get_type(root) == FYNT_MAPPING ? mlc_yaml__get(root, "models") : NULL;
	rc = check_entries(f, p, y, models ? models : root);
done:
	mlc_yaml__free(y);
	return rc;
}

/* ---- JUnit XML ---------------------------------------------------------------------------- */

static void xml(FILE *o, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", o);
			break;
		case '<':
			fputs("&lt;", o);
			break;
		case '>':
			fputs("&gt;", o);
			break;
		case '"':
			fputs("&quot;", o);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
				fputc(*s, o);
		}
}

static void suite(FILE *o, const mlc_policy_report *r, const char *rule)
{
	size_t n = 0, fail = 0, skip = 0;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->findings[i].rule, rule)) {
			n++;
			fail += r->findings[i].status == MLC_POLICY_FAIL;
			skip += r->findings[i].status == MLC_POLICY_SKIP;
		}
	if (!n)
		return;
	fprintf(o,
	        "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	        "skipped=\"%zu\">\n",
	        rule, n, fail, skip);
	for (size_t i = 0; i < r->n; i++) {
		const mlc_policy_finding *x = &r->findings[i];
		if (strcmp(x->rule, rule))
			continue;
		fprintf(o, "    <testcase classname=\"mlcost.check.%s\" name=\"", rule);
		xml(o, x->subject);
		fputs("\">\n", o);
		if (x->status == MLC_POLICY_FAIL) {
			fputs("      <failure type=\"policy\" message=\"", o);
			xml(o, x->message);
			fputs("\">", o);
			xml(o, x->message);
			fputs("</failure>\n", o);
		} else if (x->status == MLC_POLICY_SKIP) {
			fputs("      <skipped message=\"", o);
			xml(o, x->message);
			fputs("\"/>\n", o);
		} else {
			fputs("      <system-out>", o);
			xml(o, x->message);
			fputs("</system-out>\n", o);
		}
		fputs("    </testcase>\n", o);
	}
	fputs("  </testsuite>\n", o);
}

MLC_EXTERN int mlc_policy_report_junit(const mlc_policy_report *r, const char *name, FILE *f)
{
	static const char *const rules[] = {"required_tags", "max_cost_per_1k", "budgets",
	                                    "registry"};
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
	xml(f, name ? name : "mlcost check");
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", r->n,
	        r->nfailed, r->nskipped);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		suite(f, r, rules[i]);
	fputs("</testsuites>\n", f);
	if (fflush(f) || ferror(f))
		return mlcu_error_set(MLC_EIO, "writing the JUnit report failed");
	return 0;
}
