/* SPDX-License-Identifier: MIT */
/* Unit tests for estimates (src/estimate*.c, src/portfolio.c): the SPEC §2
 * seed numbers, each formula with hand-computed values, LLM token pricing,
 * SLA ranges, the efficiency index and its bands, the spend split, and the
 * JSON document. Every expected number is worked out in the comment or the
 * expression beside it, never copied from the program's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlcost.h"

#define SEED_PATH    MLC_SOURCE_DIR "/examples/seed.yaml"
#define LITELLM_PATH MLC_SOURCE_DIR "/../shared/data/litellm/model_prices_and_context_window.json"

/* Equal to 1e-9 relative: the order of double operations may differ. */
#define assert_near(got, want)                                                                     \
	do {                                                                                       \
		double g_ = (got), w_ = (want);                                                    \
		if (!(fabs(g_ - w_) <= 1e-9 * fmax(1.0, fabs(w_))))                                \
			fail_msg("%s = %.17g, expected %.17g", #got, g_, w_);                      \
	} while (0)

static mlc_profile *load(const char *yaml)
{
	mlc_profile *p = NULL;
	int rc = mlc_profile_load_string(&p, "t.yaml", yaml, strlen(yaml));
	if (rc)
		print_error("unexpected: %s\n", mlc_error_message());
	assert_int_equal(rc, 0);
	return p;
}

static mlc_model_estimate estimate0(const mlc_profile *p)
{
	mlc_model_estimate e;
	int rc = mlc_estimate_model(&e, p, mlc_profile_model(p, 0));
	if (rc)
		print_error("unexpected: %s\n", mlc_error_message());
	assert_int_equal(rc, 0);
	return e;
}

static void seed_example_gives_the_spec_numbers(void **state)
{
	mlc_profile *p = NULL;
	mlc_model_estimate e;
	(void)state;
	assert_int_equal(mlc_profile_load_file(&p, SEED_PATH), 0);
	e = estimate0(p);
	/* spot = 0.7 x on-demand: 24.48 * 0.7 * 1 * 3 h * 30 runs */
	assert_near(e.monthly.training, 24.48 * 0.7 * 3 * 30); /* 1542.24 */
	assert_near(e.monthly.training, 1542.24);
	/* reserved_1y = 0.6 x on-demand: 3.912 * 0.6 * 4 * 730 h */
	assert_near(e.monthly.inference, 6853.824);
	/* spot: 0.768 * 0.7 * 2 h/day * 30 days */
	assert_near(e.monthly.feature_pipeline, 32.256);
	/* (500 + 20 + 200 + 150) GB * 0.023 */
	assert_near(e.monthly.storage, 20.01);
	assert_near(e.monthly.transfer, 9.00); /* 100 GB * 0.09 */
	assert_near(e.monthly.monitoring, 0);
	assert_near(e.monthly.tooling, 0);
	/* 1542.24 + 6853.824 + 32.256 + 20.01 + 9 */
	assert_near(e.monthly.infrastructure, 8457.33);
	assert_near(e.monthly.people, 37500); /* 1.5 * 300000 / 12 */
	assert_near(e.monthly.total, 45957.33);
	assert_near(e.annual_infrastructure, 101487.96); /* 12 * 8457.33 */
	assert_near(e.annual_total, 551487.96);          /* 12 * 45957.33 */
	assert_true(e.has_unit);
	assert_near(e.cost_per_request, 8457.33 / 72e6); /* = 0.000117462916... */
	assert_true(fabs(e.cost_per_request - 0.00011746) < 5e-9);
	assert_near(e.full_cost_per_request, 45957.33 / 72e6);
	assert_near(e.cost_per_1k, 1000 * 8457.33 / 72e6);
	assert_true(e.has_revenue);
	assert_near(e.gross_margin_pct, (4200000 - 45957.33) / 4200000 * 100);
	assert_near(e.cost_pct_of_revenue, 45957.33 / 4200000 * 100);
	assert_false(e.has_value_preserved);
	assert_true(e.has_utilization);
	assert_near(e.idle_cost, 6853.824 * (1 - 0.45)); /* 3769.6032 */
	assert_near(e.hourly_infrastructure, 8457.33 / 730);
	assert_near(e.hourly_people, 1.5 * 300000 / 8760.0);
	assert_near(e.hourly_total, 8457.33 / 730 + 1.5 * 300000 / 8760.0);
	assert_near(e.training_price_per_hour, 24.48 * 0.7);
	assert_false(e.has_sla);
	assert_false(e.has_tokens);
	assert_near(e.experiment_multiplier, 1);
	assert_near(e.experiment_overhead, 0);
	mlc_profile_free(p);
}

static void real_cost_example_adds_people_to_the_hourly_rate(void **state)
{
	/* 6 x p3.16xlarge on demand = 6 * 24.48 = 146.88/h, plus monitoring of
	 * 7.12/h * 730 h = 5197.6/month: infrastructure 154/h. */
	mlc_profile *p = load("catalog: builtin:seed\n"
	                      "people: {fte_cost_per_year: 100_000, hours_per_year: 8760}\n"
	                      "models:\n"
	                      "  - name: real\n"
	                      "    inference: {instance: p3.16xlarge_8xv100, count: 6}\n"
	                      "    monitoring: {usd_per_month: 5_197.60}\n"
	                      "    people: {fte: 3}\n");
	mlc_model_estimate e = estimate0(p);
	(void)state;
	assert_near(e.monthly.infrastructure, 154 * 730.0); /* 112,420 */
	assert_near(e.hourly_infrastructure, 154);
	assert_near(e.hourly_people, 3 * 100000 / 8760.0);
	/* 154 + 300000 / 8760 = 188.2465753... */
	assert_near(e.hourly_total, 154 + 300000 / 8760.0);
	assert_true(fabs(e.hourly_total - 188.2465) < 1e-4);
	/* 154 * 8760 + 300000 = 1,649,040 */
	assert_near(e.annual_total, 1649040);
	mlc_profile_free(p);
}

static void each_phase_follows_its_formula(void **state)
{
	mlc_profile *p = load("hours_per_month: 700\n"
	                      "days_per_month: 20\n"
	                      "people: {fte_cost_per_year: 120_000}\n"
	                      "models:\n"
	                      "  - name: m\n"
	                      "    training: {instance: c5.2xlarge_cpu, count: 2, hours_per_run: 5,"
	                      " runs_per_month: 4, experiment_multiplier: 4.3}\n"
	                      "    inference: {instance: g4dn.xlarge_1xt4, count: 3, pricing: spot,"
	                      " hours_per_month: 100, requests_per_month: 1_000_000}\n"
	                      "    feature_pipeline: {instance: m5.4xlarge_cpu, count: 2,"
	                      " hours_per_day: 3, pricing: reserved_1y}\n"
	                      "    storage: {price_per_gb_month: 0.5, gb: 10}\n"
	                      "    transfer: {gb_per_month: 7, price_per_gb: 0.25}\n"
	                      "    monitoring: {usd_per_month: 11}\n"
	                      "    tooling: {usd_per_month: 13}\n"
	                      "    people: {fte: 0.25}\n"
	                      "    value: {value_preserved_per_month: 50_000}\n");
	mlc_model_estimate e = estimate0(p);
	double tr = 0.34 * 2 * 5 * 4 * 4.3;   /* 58.48 */
	double inf = 0.526 * 0.7 * 3 * 100;   /* 110.46: hours_per_month override */
	double fp = 0.768 * 0.6 * 2 * 3 * 20; /* 55.296: days_per_month 20 */
	double infra = tr + inf + fp + 5 + 1.75 + 11 + 13;
	double people = 0.25 * 120000 / 12; /* 2500 */
	(void)state;
	assert_near(e.monthly.training, tr);
	assert_near(e.experiment_multiplier, 4.3);
	assert_near(e.experiment_overhead, tr * (1 - 1 / 4.3));
	assert_near(e.monthly.inference, inf);
	assert_near(e.monthly.feature_pipeline, fp);
	assert_near(e.monthly.storage, 5);     /* 10 * 0.5 */
	assert_near(e.monthly.transfer, 1.75); /* 7 * 0.25 */
	assert_near(e.monthly.monitoring, 11);
	assert_near(e.monthly.tooling, 13);
	assert_near(e.monthly.infrastructure, infra);
	assert_near(e.monthly.people, people);
	assert_near(e.monthly.total, infra + people);
	assert_near(e.cost_per_1k, 1000 * infra / 1e6);
	assert_true(e.has_value_preserved);
	assert_near(e.roi, (50000 - (infra + people)) / (infra + people));
	assert_false(e.has_revenue);
	assert_false(e.has_utilization);
	/* the hourly rate uses the profile's 700 hours, not the inference override */
	assert_near(e.hourly_infrastructure, infra / 700);
	assert_near(e.hourly_people, 0.25 * 120000 / 8760.0);
	mlc_profile_free(p);
}

static void whatif_copies_are_estimated_as_given(void **state)
{
	mlc_profile *p = NULL;
	mlc_model_profile m;
	mlc_model_estimate e;
	(void)state;
	assert_int_equal(mlc_profile_load_file(&p, SEED_PATH), 0);
	m = *mlc_profile_model(p, 0);
	m.inference.compute.count = 2;
	m.inference.compute.pricing = MLC_PRICING_ON_DEMAND;
	m.storage_gb = 1000; /* no longer the sum of the entries: priced as one number */
	assert_int_equal(mlc_estimate_model(&e, p, &m), 0);
	assert_near(e.monthly.inference, 3.912 * 2 * 730);
	assert_near(e.monthly.storage, 1000 * 0.023);
	m.training.instance = "p3.16xlarge";
	assert_int_equal(mlc_estimate_model(&e, p, &m), MLC_ENOTFOUND);
	assert_memory_equal(mlc_error_message(), "model 'product_recommendation_v3': training: ",
	                    strlen("model 'product_recommendation_v3': training: "));
	mlc_profile_free(p);
}

/* A catalog CSV with token rows, written next to a profile. */
static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static mlc_profile *load_in_tmp(const char *yaml)
{
	char path[256];
	mlc_profile *p = NULL;
	int rc;
	write_file("p.yaml", yaml);
	snprintf(path, sizeof(path), "%s/p.yaml", tmpdir);
	rc = mlc_profile_load_file(&p, path);
	if (rc)
		print_error("unexpected: %s\n", mlc_error_message());
	assert_int_equal(rc, 0);
	return p;
}

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mlc_estimate_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	write_file("tokens.csv",
	           "provider,region,resource,unit,on_demand,spot,reserved_1y,reserved_3y,vcpus,"
	           "memory_gb,gpus,gpu_model,as_of\n"
	           "t,,chat-a:input,1m_tokens,2,,,,,,,,\n"
	           "t,,chat-a:output,1m_tokens,8,,,,,,,,\n"
	           "t,,chat-a:cached_input,1m_tokens,0.5,,,,,,,,\n"
	           "t,,chat-b:input,1m_tokens,1,,,,,,,,\n"
	           "t,,chat-b:output,1m_tokens,4,,,,,,,,\n");
	return 0;
}

static int remove_tmp(void **state)
{
	char path[256];
	(void)state;
	snprintf(path, sizeof(path), "%s/tokens.csv", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/p.yaml", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

static void llm_tokens_are_priced_per_request(void **state)
{
	mlc_profile *p = load_in_tmp("catalog: [builtin:seed, tokens.csv]\n"
	                             "models:\n"
	                             "  - name: chat\n"
	                             "    inference:\n"
	                             "      llm_model: chat-a\n"
	                             "      requests_per_month: 1_000_000\n"
	                             "      input_tokens_per_request: 1000\n"
	                             "      cached_input_tokens_per_request: 600\n"
	                             "      output_tokens_per_request: 200\n");
	mlc_model_estimate e = estimate0(p);
	(void)state;
	assert_true(e.has_tokens);
	assert_string_equal(e.llm_model, "chat-a");
	assert_false(e.cached_priced_as_input);
	/* 1e6 requests * 400 uncached input tokens * 2 / 1e6 = 800 */
	assert_near(e.input_token_cost, 800);
	/* 1e6 * 600 cached * 0.5 / 1e6 = 300 */
	assert_near(e.cached_input_token_cost, 300);
	/* 1e6 * 200 output * 8 / 1e6 = 1600 */
	assert_near(e.output_token_cost, 1600);
	assert_near(e.monthly.inference, 2700);
	assert_near(e.inference_tokens, 2700);
	assert_near(e.inference_instances, 0);
	assert_near(e.input_tokens_per_month, 4e8);
	assert_near(e.cost_per_request, 2700 / 1e6);
	assert_false(e.has_utilization);
	mlc_profile_free(p);
}

static void cached_tokens_fall_back_to_the_input_price(void **state)
{
	mlc_profile *p = load_in_tmp("catalog: [builtin:seed, tokens.csv]\n"
	                             "models:\n"
	                             "  - name: both\n"
	                             "    inference:\n"
	                             "      instance: g4dn.xlarge_1xt4\n"
	                             "      count: 2\n"
	                             "      utilization: 0.5\n"
	                             "      sla: 99.9\n"
	                             "      llm_model: chat-b\n"
	                             "      requests_per_month: 10_000\n"
	                             "      input_tokens_per_request: 100\n"
	                             "      cached_input_tokens_per_request: 50\n"
	                             "      output_tokens_per_request: 10\n");
	mlc_model_estimate e = estimate0(p);
	double inst = 0.526 * 2 * 730;                       /* 767.96 */
	double tok = 1e4 * (50 * 1 + 50 * 1 + 10 * 4) / 1e6; /* 1.4: cached at input 1/M */
	(void)state;
	assert_true(e.cached_priced_as_input);
	assert_near(e.price_per_cached_input_token, 1 / 1e6);
	assert_near(e.inference_instances, inst);
	assert_near(e.inference_tokens, tok);
	assert_near(e.monthly.inference, inst + tok);
	/* idle is the instance fleet only: tokens are paid per use */
	assert_near(e.idle_cost, inst * 0.5);
	/* the 99.9 tier multiplies the instances by 1.6-2.2, not the tokens */
	assert_near(e.inference_sla_low, inst * 1.6 + tok);
	assert_near(e.inference_sla_high, inst * 2.2 + tok);
	assert_near(e.total_sla_high, e.monthly.total + inst * 1.2);
	mlc_profile_free(p);
}

static void litellm_prices_are_read_by_hand(void **state)
{
	mlc_profile *p = NULL;
	mlc_model_estimate e;
	const char *y = "catalog: [builtin:seed, " LITELLM_PATH "]\n"
	                "models:\n"
	                "  - name: assistant\n"
	                "    inference: {llm_model: gpt-4o-mini, requests_per_month: 1000,"
	                " input_tokens_per_request: 2000, cached_input_tokens_per_request: 1000,"
	                " output_tokens_per_request: 500}\n";
	(void)state;
	assert_int_equal(mlc_profile_load_string(&p, "t.yaml", y, strlen(y)), 0);
	e = estimate0(p);
	/* model_prices_and_context_window.json, "gpt-4o-mini": input_cost_per_token
	 * 1.5e-07, output_cost_per_token 6e-07, cache_read_input_token_cost 7.5e-08 */
	assert_near(e.price_per_input_token, 1.5e-07);
	assert_near(e.price_per_output_token, 6e-07);
	assert_near(e.price_per_cached_input_token, 7.5e-08);
	/* 1000 * (1000 * 1.5e-7 + 1000 * 7.5e-8 + 500 * 6e-7) = 0.15 + 0.075 + 0.3 */
	assert_near(e.monthly.inference, 0.525);
	mlc_profile_free(p);
}

static void sla_tiers_have_documented_ranges(void **state)
{
	double lo, hi;
	(void)state;
	assert_int_equal(mlc_sla_multipliers(&lo, &hi, "99"), 0);
	assert_true(lo == 1.0 && hi == 1.0);
	assert_int_equal(mlc_sla_multipliers(&lo, &hi, "99.9"), 0);
	assert_true(lo == 1.6 && hi == 2.2);
	assert_int_equal(mlc_sla_multipliers(&lo, &hi, "99.99"), 0);
	assert_true(lo == 3.5 && hi == 5.0);
	assert_int_equal(mlc_sla_multipliers(&lo, &hi, "99.999"), 0);
	assert_true(lo == 8 && hi == 15);
	assert_int_equal(mlc_sla_multipliers(&lo, &hi, "99.95"), MLC_EINVAL);
}

static void efficiency_bands_at_their_boundaries(void **state)
{
	(void)state;
	assert_string_equal(mlc_efficiency_band(0), "inefficient");
	assert_string_equal(mlc_efficiency_band(0.4999), "inefficient");
	assert_string_equal(mlc_efficiency_band(0.5), "developing");
	assert_string_equal(mlc_efficiency_band(1.9999), "developing");
	assert_string_equal(mlc_efficiency_band(2), "mature");
	assert_string_equal(mlc_efficiency_band(5), "mature");
	assert_string_equal(mlc_efficiency_band(5.0001), "best-in-class");
}

static const char portfolio_yaml[] =
    "people: {fte_cost_per_year: 120_000}\n"
    "models:\n"
    "  - name: a\n"
    "    environment: production\n"
    "    inference: {instance: c5.2xlarge_cpu, requests_per_month: 30_000_000, sla: 99.99}\n"
    "    tooling: {usd_per_month: 100}\n"
    "    monitoring: {usd_per_month: 50}\n"
    "    people: {fte: 0.1}\n"
    "  - name: b\n"
    "    environment: Prod\n"
    "    inference: {instance: c5.2xlarge_cpu, count: 2, requests_per_month: 10_000_000}\n"
    "    value: {revenue_per_month: 10_000}\n"
    "  - name: c\n"
    "    environment: staging\n"
    "    inference: {instance: c5.2xlarge_cpu, requests_per_month: 5_000_000}\n";

static void portfolio_views_are_computed(void **state)
{
	mlc_profile *p = load(portfolio_yaml);
	mlc_estimate *e = NULL;
	/* a: 0.34*730 = 248.2 + 100 + 50 = 398.2 infra, people 0.1*120000/12 = 1000
	 * b: 0.34*2*730 = 496.4;  c: 248.2 */
	double total = 398.2 + 1000 + 496.4 + 248.2; /* 2142.8 a month */
	double annual = 12 * total;                  /* 25713.6 */
	const mlc_portfolio *pf;
	(void)state;
	assert_int_equal(mlc_estimate_profile(&e, p, NULL), 0);
	pf = &e->portfolio;
	assert_int_equal(e->nmodels, 3);
	assert_near(e->monthly.total, total);
	assert_near(e->annual.total, annual);
	assert_near(e->monthly.inference, 248.2 + 496.4 + 248.2);
	assert_near(e->requests_per_month, 45e6);
	assert_int_equal(pf->models, 3);
	assert_int_equal(pf->production_models, 2); /* "production" and "Prod", not staging */
	assert_near(pf->production_requests_per_month, 40e6);
	assert_true(pf->has_efficiency_index);
	/* 2 production models * 40 M requests / 25713.6 annual * 1000 = 3.1111... */
	assert_near(pf->efficiency_index, 2 * 40 / annual * 1000);
	assert_string_equal(pf->efficiency_band, "mature");
	assert_true(pf->has_split);
	assert_near(pf->people_pct, 1000 / total * 100);
	assert_near(pf->tooling_pct, 150 / total * 100);
	assert_near(pf->compute_pct, (total - 1000 - 150) / total * 100);
	/* only a has a tier (99.99: 3.5-5x its 248.2 of inference) */
	assert_true(pf->has_sla);
	assert_near(pf->total_sla_low, total + 248.2 * 2.5);
	assert_near(pf->total_sla_high, total + 248.2 * 4);
	assert_near(pf->revenue_per_month, 10000);
	assert_true(pf->value_preserved_per_month < 0);
	assert_false(pf->has_idle);
	mlc_estimate_free(e);
	mlc_profile_free(p);
}

static void one_model_can_be_selected(void **state)
{
	mlc_profile *p = load(portfolio_yaml);
	mlc_estimate_options o = MLC_ESTIMATE_OPTIONS_INIT;
	mlc_estimate *e = NULL;
	(void)state;
	o.model = "b";
	assert_int_equal(mlc_estimate_profile(&e, p, &o), 0);
	assert_int_equal(e->nmodels, 1);
	assert_string_equal(e->models[0].name, "b");
	assert_near(e->monthly.total, 496.4);
	assert_false(e->portfolio.has_sla);
	mlc_estimate_free(e);
	o.model = "x";
	assert_int_equal(mlc_estimate_profile(&e, p, &o), MLC_ENOTFOUND);
	assert_null(e);
	mlc_profile_free(p);
}

static void no_production_model_has_no_index(void **state)
{
	mlc_profile *p = load("models:\n  - name: a\n    environment: dev\n"
	                      "    tooling: {usd_per_month: 10}\n");
	mlc_estimate *e = NULL;
	(void)state;
	assert_int_equal(mlc_estimate_profile(&e, p, NULL), 0);
	assert_false(e->portfolio.has_efficiency_index);
	assert_null(e->portfolio.efficiency_band);
	assert_near(e->portfolio.tooling_pct, 100);
	mlc_estimate_free(e);
	mlc_profile_free(p);
}

/* Results out of range are bad input at the model, never inf in the output. */
static void results_out_of_range_are_errors(void **state)
{
	mlc_profile *p;
	mlc_model_estimate e;
	mlc_estimate *all = NULL;
	(void)state;
	/* 0.768/h x 1e300 x 730 h = 5.6e302: finite, but no budget is that large */
	p = load("models:\n"
	         "  - name: big\n"
	         "    inference: {instance: m5.4xlarge_cpu, count: 1e300}\n");
	assert_int_equal(mlc_estimate_model(&e, p, mlc_profile_model(p, 0)), MLC_EPARSE);
	assert_non_null(strstr(mlc_error_message(), "t.yaml:2:5: model 'big': 'inference' = "));
	assert_int_equal(mlc_estimate_profile(&all, p, NULL), MLC_EPARSE);
	assert_null(all);
	mlc_profile_free(p);
	/* 0.768 x 730 = 560.64 a month over 1e-300 requests: 5.6e302 per request */
	p = load("models:\n"
	         "  - name: tiny\n"
	         "    inference: {instance: m5.4xlarge_cpu, requests_per_month: 1e-300}\n");
	assert_int_equal(mlc_estimate_model(&e, p, mlc_profile_model(p, 0)), MLC_EPARSE);
	assert_non_null(strstr(mlc_error_message(), "model 'tiny': 'cost_per_1k' = "));
	mlc_profile_free(p);
	/* 1e15 a month is still in range: 1e15 x 1 of tooling */
	p = load("models:\n  - name: edge\n    tooling: {usd_per_month: 1e15}\n");
	assert_int_equal(mlc_estimate_model(&e, p, mlc_profile_model(p, 0)), 0);
	assert_near(e.monthly.total, 1e15);
	mlc_profile_free(p);
	/* 1 production model x 1e6 M requests / 12e-300 a year x 1000: the index is inf */
	p = load("models:\n"
	         "  - name: free\n"
	         "    environment: production\n"
	         "    inference: {instance: c5.2xlarge_cpu, count: 0, requests_per_month: 1e12}\n"
	         "    tooling: {usd_per_month: 1e-300}\n");
	assert_int_equal(mlc_estimate_profile(&all, p, NULL), MLC_EPARSE);
	assert_non_null(strstr(mlc_error_message(), "portfolio: 'efficiency_index' = "));
	mlc_profile_free(p);
}

static json_t *get(json_t *o, const char *path)
{
	char key[64];
	const char *dot;
	while ((dot = strchr(path, '.')) != NULL) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return json_object_get(o, path);
}

static void json_has_the_spec_shape_and_short_numbers(void **state)
{
	mlc_profile *p = NULL;
	mlc_estimate *e = NULL;
	char *text = NULL;
	json_t *doc, *m;
	json_error_t err;
	(void)state;
	assert_int_equal(mlc_profile_load_file(&p, SEED_PATH), 0);
	assert_int_equal(mlc_estimate_profile(&e, p, NULL), 0);
	assert_int_equal(mlc_estimate_json(&text, e), 0);
	/* shortest round trip, not jansson's 6853.8239999999996 */
	assert_non_null(strstr(text, "\"inference\": 6853.824,"));
	assert_non_null(strstr(text, "\"feature_pipeline\": 32.256,"));
	doc = json_loads(text, 0, &err);
	assert_non_null(doc);
	assert_string_equal(json_string_value(get(doc, "currency")), "USD");
	m = json_array_get(get(doc, "models"), 0);
	assert_string_equal(json_string_value(get(m, "name")), "product_recommendation_v3");
	assert_string_equal(json_string_value(get(m, "team")), "recommendation-ml");
	assert_int_equal(json_object_size(get(m, "monthly")), 10);
	assert_true(json_number_value(get(m, "monthly.inference")) == 3.912 * 0.6 * 4 * 730);
	assert_int_equal(json_object_size(get(m, "annual")), 2);
	assert_int_equal(json_object_size(get(m, "unit")), 4);
	assert_true(json_number_value(get(m, "unit.requests_per_month")) == 72e6);
	assert_true(json_is_null(get(m, "value.roi")));
	assert_true(json_is_null(get(m, "value.value_preserved_per_month")));
	assert_true(json_number_value(get(m, "value.revenue_per_month")) == 4.2e6);
	assert_true(json_number_value(get(m, "idle.utilization")) == 0.45);
	assert_int_equal(json_object_size(get(m, "hourly")), 3);
	assert_null(get(m, "sla"));
	assert_null(get(m, "llm"));
	assert_int_equal(json_object_size(get(doc, "totals.monthly")), 10);
	assert_int_equal(json_object_size(get(doc, "totals.annual")), 10);
	assert_string_equal(json_string_value(get(doc, "portfolio.efficiency_index.band")),
	                    "inefficient");
	json_decref(doc);
	mlc_estimate_json_free(text);
	mlc_estimate_free(e);
	mlc_profile_free(p);
}

static int allocations_left;
static void *failing_malloc(size_t n)
{
	if (allocations_left-- <= 0)
		return NULL;
	return test_malloc(n);
}
static void *failing_realloc(void *ptr, size_t n)
{
	if (allocations_left-- <= 0)
		return NULL;
	return test_realloc(ptr, n);
}
static void checked_free(void *ptr)
{
	test_free(ptr);
}

/* Estimate and JSON fail cleanly at every allocation (cmocka checks leaks). */
static void allocation_failures_are_clean(void **state)
{
	mlc_allocator a = {failing_malloc, failing_realloc, checked_free};
	mlc_profile *p = load(portfolio_yaml);
	mlc_estimate *e = NULL;
	char *json = NULL;
	int n, rc = MLC_ENOMEM, fails = 0;
	(void)state;
	mlc_set_allocator(&a);
	for (n = 0; rc == MLC_ENOMEM && n < 1000; n++, fails++) {
		allocations_left = n;
		rc = mlc_estimate_profile(&e, p, NULL);
		if (rc == 0) {
			allocations_left = n;
			rc = mlc_estimate_json(&json, e);
			if (rc == MLC_ENOMEM) {
				assert_null(json);
				mlc_estimate_free(e);
				e = NULL;
			}
		} else {
			assert_null(e);
		}
	}
	assert_int_equal(rc, 0);
	assert_true(fails > 2);
	assert_non_null(strstr(json, "\"models\""));
	allocations_left = 1 << 30;
	mlc_estimate_json_free(json);
	mlc_estimate_free(e);
	mlc_set_allocator(NULL);
	mlc_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seed_example_gives_the_spec_numbers),
	    cmocka_unit_test(real_cost_example_adds_people_to_the_hourly_rate),
	    cmocka_unit_test(each_phase_follows_its_formula),
	    cmocka_unit_test(whatif_copies_are_estimated_as_given),
	    cmocka_unit_test(llm_tokens_are_priced_per_request),
	    cmocka_unit_test(cached_tokens_fall_back_to_the_input_price),
	    cmocka_unit_test(litellm_prices_are_read_by_hand),
	    cmocka_unit_test(sla_tiers_have_documented_ranges),
	    cmocka_unit_test(efficiency_bands_at_their_boundaries),
	    cmocka_unit_test(portfolio_views_are_computed),
	    cmocka_unit_test(one_model_can_be_selected),
	    cmocka_unit_test(no_production_model_has_no_index),
	    cmocka_unit_test(results_out_of_range_are_errors),
	    cmocka_unit_test(json_has_the_spec_shape_and_short_numbers),
	    cmocka_unit_test(allocation_failures_are_clean),
	};
	return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
