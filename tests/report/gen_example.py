#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a deterministic 81-day ML bill (FOCUS), its usage and budgets into DIR.

The bundled examples/focus-ml-bill.csv covers 3 days: too short for a weekly
forecast or an anomaly. This one runs from Monday 2025-01-06 to Thursday
2025-03-27 with four models on a weekly rhythm, a growing chat model, a
cost spike on 2025-03-12 (chat-assistant inference +650), shared and
untagged cost. No randomness: every number is a formula of the day (the "noise" is a
fixed pseudo-random sequence).

usage: gen_example.py DIR   ->  DIR/bill.csv DIR/usage.csv DIR/budgets.yaml
"""
import datetime
import json
import os
import sys

START = datetime.date(2025, 1, 6)
DAYS = 81  # to 2025-03-27
SPIKE = datetime.date(2025, 3, 12)
WEEK = [1.00, 1.04, 1.08, 1.06, 1.10, 0.66, 0.58]  # Monday .. Sunday


def jitter(i, k):
    """A fixed pseudo-random factor in [0.94, 1.06] for day i and row k (an LCG step)."""
    x = (1103515245 * (i * 31 + k + 7) + 12345) % 2**31
    return 0.94 + 0.12 * x / 2**31


def tags(**kv):
    return json.dumps(kv, separators=(",", ":")).replace('"', '""')


def rows(day, i):
    w = WEEK[day.weekday()]
    out = [
        ("Amazon Elastic Compute Cloud", "i-ranker-1", (120 * w + 0.5 * i) * jitter(i, 1),
         tags(team="search-ml", model_id="ranker", lifecycle_phase="inference", environment="prod")),
        ("Amazon Elastic Compute Cloud", "i-chat-1",
         (90 + 1.2 * i) * (0.8 + 0.2 * w) * jitter(i, 2) + (650 if day == SPIKE else 0),
         tags(team="genai", model_id="chat-assistant", lifecycle_phase="inference",
              environment="prod")),
        ("Amazon Elastic Compute Cloud", "i-embed-1", 60 * (0.9 + 0.1 * w) * jitter(i, 3),
         tags(team="search-ml", model_id="embedder", lifecycle_phase="inference",
              environment="prod")),
        ("Amazon Elastic Compute Cloud", "i-fraud-1", 35.0,
         tags(team="risk-ml", model_id="fraud-scorer", lifecycle_phase="inference",
              environment="prod")),
        ("Amazon Elastic Kubernetes Service", "eks-ml", 30.0, tags(team="ml-platform")),
        ("Amazon API Gateway", "apigw-prod", 20.47, tags(environment="prod")),
        ("Amazon Simple Storage Service", "s3-scratch", 5.0, None),
        ("Amazon SageMaker", "feature-store", 20.10, tags(team="data-platform")),
    ]
    if day.weekday() == 6:  # the ranker retrains on Sundays
        out.append(("Amazon SageMaker", "train-ranker", 300.0,
                    tags(team="search-ml", model_id="ranker", lifecycle_phase="training",
                         environment="prod")))
    if day.weekday() == 3:  # the chat model on Thursdays
        out.append(("Amazon SageMaker", "train-chat", 420.0,
                    tags(team="genai", model_id="chat-assistant", lifecycle_phase="training")))
    return out


def usage(day, i):
    w = WEEK[day.weekday()]
    return [("ranker", round(1_200_000 * w)), ("chat-assistant", round((45_000 + 400 * i) * w)),
            ("embedder", round(2_000_000 * w)), ("fraud-scorer", 300_000)]


BUDGETS = """# budgets for the generated bill (tests/report/gen_example.py)
version: 1
budgets:
  - name: chat-assistant-serving
    filter: {tag:model_id: chat-assistant, tag:lifecycle_phase: inference}
    amount: 5000
    period: month
    alerts: [50, 80, 100]
    forecast: true
  - name: ranker-training
    filter: {tag:model_id: ranker, tag:lifecycle_phase: training}
    amount: 4000
    period: quarter
    alerts: [80, 100]
  - name: compute
    filter:
      ServiceName: [Amazon Elastic Compute Cloud, Amazon SageMaker]
    amount: 16000
    period: month
    alerts: [50, 80, 100]
    forecast: true
  - name: untagged
    filter: {tag:model_id: ""}
    amount: 2200
    alerts: [80, 100]
"""


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "bill.csv"), "w") as f, \
            open(os.path.join(out, "usage.csv"), "w") as u:
        f.write("BillingCurrency,BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,"
                "ServiceName,ResourceId,Tags\n")
        u.write("date,model_id,requests\n")
        for i in range(DAYS):
            day = START + datetime.timedelta(days=i)
            nxt = day + datetime.timedelta(days=1)
            for service, resource, cost, t in rows(day, i):
                f.write(f"USD,{cost:.2f},{cost:.2f},{day}T00:00:00Z,{nxt}T00:00:00Z,{service},"
                        f"{resource},{'' if t is None else chr(34) + t + chr(34)}\n")
            for model, req in usage(day, i):
                u.write(f"{day},{model},{req}\n")
    with open(os.path.join(out, "budgets.yaml"), "w") as f:
        f.write(BUDGETS)


if __name__ == "__main__":
    main()
