# SPDX-License-Identifier: MIT
"""The golden cases of `mlcost attribute` whose expected output
attribute_expect.py computes independently: (name, case) pairs. Paths are
relative to ../shared/data; `cost` lists the bases (one: a `cost` column)."""

FOCUS = "focus-sample-data/focus_sample.csv"
EX = "focus-spec-examples/"
FOCUS12 = [
    "commitment_discount_purchase_scenario_1",
    "commitment_discount_purchase_scenario_2",
    "commitment_discount_purchase_scenario_3",
    "commitment_discount_usage_scenario_1",
    "commitment_discount_usage_scenario_2",
    "commitment_discount_usage_scenario_3",
    "commitment_discount_usage_scenario_4",
    "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource",
    "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources",
    "one_hundred_percent_utilization_without_commitment_discount_flexibility",
    "zero_percent_utilization_without_commitment_discount_flexibility",
]
SHORT = {
    "commitment_discount_purchase_scenario_1": "purchase_1",
    "commitment_discount_purchase_scenario_2": "purchase_2",
    "commitment_discount_purchase_scenario_3": "purchase_3",
    "commitment_discount_usage_scenario_1": "usage_1",
    "commitment_discount_usage_scenario_2": "usage_2",
    "commitment_discount_usage_scenario_3": "usage_3",
    "commitment_discount_usage_scenario_4": "usage_4",
    "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource":
        "flex_100pct_1_resource",
    "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources":
        "flex_100pct_2_resources",
    "one_hundred_percent_utilization_without_commitment_discount_flexibility":
        "noflex_100pct",
    "zero_percent_utilization_without_commitment_discount_flexibility": "noflex_0pct",
}

CASES = [
    ("focus_service", {"files": [FOCUS], "by": ["ServiceName"], "cost": ["effective"]}),
    ("focus_tags_month", {"files": [FOCUS], "by": ["tag:environment", "tag:org"],
                          "bucket": "month", "cost": ["billed", "effective"]}),
    ("focus_tags_day", {"files": [FOCUS], "by": ["tag:application"], "bucket": "day",
                        "cost": ["effective"]}),
    ("focus_json", {"files": [FOCUS], "by": ["ProviderName", "ChargeCategory"],
                    "cost": ["billed"], "format": "json", "currency": "USD"}),
    ("focus_json_two_bases", {"files": [FOCUS], "by": ["tag:business_unit"],
                              "cost": ["billed", "effective"], "format": "json",
                              "currency": "USD"}),
    ("focus_where_range", {"files": [FOCUS], "by": ["ServiceName"],
                           "where": [("ProviderName", "AWS")],
                           "from": "2024-09-10", "to": "2024-09-20T00:00:00Z",
                           "cost": ["effective"]}),
    ("cur_legacy_savings_plan", {"files": ["koku/aws_2023-06-01.csv"],
                                 "by": ["ServiceName", "ResourceId"],
                                 "cost": ["billed", "effective"]}),
    ("cur_legacy_gz", {"files": ["koku/aws_cur_local_bucket-1.csv.gz"],
                       "by": ["tag:environment", "ServiceName"], "bucket": "day",
                       "cost": ["effective"]}),
    ("cur_athena", {"files": ["koku/aws_2022-07-01-alt-columns.csv"],
                    "by": ["tag:aws:created_by", "ServiceName"], "bucket": "hour",
                    "cost": ["billed", "effective"], "format": "json", "currency": "USD"}),
    ("cur_focus_converters", {"files": ["focus-converters/sample-anonymous-aws-export-dataset.csv"],
                              "by": ["ServiceName", "ChargeCategory"], "bucket": "month",
                              "cost": ["billed", "effective"]}),
    ("mixed_formats", {"files": [FOCUS, "koku/aws_cur_local_bucket-1.csv.gz",
                                 "focus-converters/sample-anonymous-aws-export-dataset.csv"],
                       "by": ["ProviderName"], "cost": ["billed", "effective"]}),
] + [
    ("focus12_" + SHORT[name], {"files": [EX + name + ".csv"],
                                "by": ["ChargeCategory", "CommitmentDiscountStatus", "ResourceId"],
                                "cost": ["billed", "effective"]})
    for name in FOCUS12
]
