#!/usr/bin/env python3
"""Issue 11's quality table: each optimizer's median best reward as a fraction of the best-known design.

Reads `apollo summary --format json` lines on stdin; prints one Markdown table per input, rows in input order:
optimizer | budget | runs | median best | of best-known | Q1 | Q3 | min | max | feasible. Then, per budget, p3bo
against its best member run alone (its default members are evolution, gp-ei and random with their defaults, and
the sweep's labelled variant `evolution {...}`, the regularized-evolution member).

Usage: ./apollo summary SHARDS... --format json | python3 experiments/quality/fractions.py [--best-known 2.1624]
"""
import argparse
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--best-known", type=float, default=2.1624, help="best-known reward (docs/quality.md)")
args = parser.parse_args()
rows = [json.loads(line) for line in sys.stdin if line.strip()]
if not rows:
    sys.exit("fractions.py: no summary rows on stdin")

print("| optimizer | budget mm² | runs | median best | of best-known | Q1 | Q3 | min | max | feasible |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['optimizer']} | {r['area_budget_mm2']:g} | {r['runs']} | {r['median_best']:.3f} | "
          f"{r['median_best'] / args.best_known:.1%} | {r['q1_best']:.3f} | {r['q3_best']:.3f} | "
          f"{r['min_best']:.3f} | {r['max_best']:.3f} | {r['feasible_fraction']:.1%} |")

members = ("evolution", "random", "gp-ei", "evolution {")
print()
print("| budget mm² | p3bo median | best member alone | its median | p3bo ≥ best member |")
print("|---|---|---|---|---|")
for budget in sorted({r["area_budget_mm2"] for r in rows}, reverse=True):
    at = [r for r in rows if r["area_budget_mm2"] == budget]
    p3bo = next((r for r in at if r["optimizer"] == "p3bo"), None)
    alone = [r for r in at if r["optimizer"] in members[:3] or r["optimizer"].startswith(members[3])]
    if p3bo is None or not alone:
        continue
    best = max(alone, key=lambda r: r["median_best"])
    verdict = "yes" if p3bo["median_best"] >= best["median_best"] else "no"
    print(f"| {budget:g} | {p3bo['median_best']:.3f} | {best['optimizer']} | {best['median_best']:.3f} | {verdict} |")
