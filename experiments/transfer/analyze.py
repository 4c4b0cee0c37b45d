#!/usr/bin/env python3
"""Tables of the transfer experiment (README.md here) from the run databases that run.sh writes.

Per optimizer and target budget: the cold 1,000-trial median best (the bar), the trials each warm run needs to
reach it (median over seeds; '>1000' when a run never does), and the median best-so-far at 100, 250, 500 and
1,000 trials, cold and warm; then the negative control (prior from an unrelated workload) against cold at 1,000.
Reads SQLite with the standard library only. Usage: analyze.py RESULTS_FOLDER
"""
import glob
import os
import re
import sqlite3
import statistics
import sys

CHECKPOINTS = [100, 250, 500, 1000]
NAME = re.compile(r"^(cold|warm|unrelated)-(.+)-(\d+(?:\.\d+)?)-s(\d+)\.db$")


def best_so_far(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rewards = [r for (r,) in db.execute("SELECT reward FROM trials ORDER BY number")]
    curve, best = [], 0.0
    for r in rewards:
        best = max(best, r)
        curve.append(best)
    return curve


def runs(folder):
    found = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.db"))):
        m = NAME.match(os.path.basename(path))
        if not m:
            continue
        curve = best_so_far(path)
        if len(curve) < 1000:
            continue  # unfinished
        mode, optimizer, budget, _ = m.groups()
        found.setdefault((mode, optimizer, budget), []).append(curve)
    return found


def reach(curve, bar):
    return next((i + 1 for i, v in enumerate(curve) if v >= bar), None)


def fmt(x):
    return f"{x:.3f}"


def main(folder):
    found = runs(folder)
    keys = sorted({(o, b) for (_, o, b) in found}, key=lambda k: (["gp-ei", "evolution", "p3bo"].index(k[0]) if k[0] in ["gp-ei", "evolution", "p3bo"] else 9, -float(k[1])))
    print("| optimizer | budget mm² | seeds cold/warm | cold median best @1000 | warm: trials to reach it (median; runs reaching) | "
          + " | ".join(f"median best @{c} cold → warm" for c in CHECKPOINTS) + " |")
    print("|---|---|---|---|---|" + "---|" * len(CHECKPOINTS))
    for optimizer, budget in keys:
        cold = found.get(("cold", optimizer, budget), [])
        warm = found.get(("warm", optimizer, budget), [])
        if not cold or not warm:
            continue
        bar = statistics.median(c[999] for c in cold)
        hits = [reach(w, bar) for w in warm]
        reached = sorted(h for h in hits if h is not None)
        # Median over all warm runs, a run that never reaches the bar counting as > 1000.
        ordered = sorted(h if h is not None else 10**9 for h in hits)
        med = statistics.median_low(ordered)
        needed = ">1000" if med == 10**9 else str(med)
        cells = [f"{fmt(statistics.median(c[k - 1] for c in cold))} → {fmt(statistics.median(w[k - 1] for w in warm))}" for k in CHECKPOINTS]
        print(f"| {optimizer} | {budget} | {len(cold)}/{len(warm)} | {fmt(bar)} | {needed} ({len(reached)}/{len(warm)}) | " + " | ".join(cells) + " |")
    print()
    print("Negative control (prior: evolution on `speech` at 6.8 mm²), target `all` at 5.8 mm²:")
    print()
    print("| optimizer | seeds | cold median best @1000 | unrelated-prior median best @1000 | difference |")
    print("|---|---|---|---|---|")
    for optimizer, budget in keys:
        cold = found.get(("cold", optimizer, budget), [])
        neg = found.get(("unrelated", optimizer, budget), [])
        if not cold or not neg:
            continue
        c = statistics.median(x[999] for x in cold)
        n = statistics.median(x[999] for x in neg)
        print(f"| {optimizer} | {len(neg)} | {fmt(c)} | {fmt(n)} | {100 * (n - c) / c:+.1f}% |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results/transfer")
