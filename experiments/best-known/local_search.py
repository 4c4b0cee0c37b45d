#!/usr/bin/env python3
"""Local search around the best designs of earlier studies, per area budget (docs/quality.md).

For each budget: the TOP best feasible designs (area within the budget) of the given trial databases are
the starting points; from each, a best-improvement hill climb moves one parameter one grid step up or
down (20 neighbours per step) while a neighbour scores higher. Scores come from one long-running
`apollo evaluate --batch --config CONFIG --budget B` process (the study's own reward, bit for bit), fed
the whole neighbourhood at once and read back line by line in input order.

Standard library only. Prints one Markdown table row per budget, and the climb's progress on stderr.
"""
import argparse
import json
import re
import sqlite3
import subprocess
import sys


def grid(space_file):
    """Parameter name -> sorted grid values, from the space file's flow lists (`name: [v, v, ...]`)."""
    values = {}
    with open(space_file, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s+([a-z_]+):\s*\[([^\]]*)\]", line)
            if m:
                values[m.group(1)] = sorted(float(v) for v in m.group(2).split(","))
    if len(values) != 10:
        sys.exit(f"{space_file}: expected ten parameters as flow lists, found {sorted(values)}")
    return values


def best_designs(databases, budget, top):
    """The `top` highest-reward completed designs with area within `budget`, over all databases, distinct."""
    found = {}
    for db in databases:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        rows = con.execute(
            "SELECT t.study_id, t.number, t.reward FROM trials t WHERE t.status = 'completed' AND t.area_mm2 <= ? "
            "ORDER BY t.reward DESC LIMIT ?", (budget, top)).fetchall()
        for study, number, reward in rows:
            point = dict(con.execute(
                "SELECT name, value FROM trial_parameters WHERE study_id = ? AND trial_number = ? ORDER BY position",
                (study, number)).fetchall())
            key = tuple(sorted(point.items()))
            if key not in found or found[key][0] < reward:
                found[key] = (reward, point, f"{db.split('/')[-1]} trial {number}")
        con.close()
    return sorted(found.values(), key=lambda r: -r[0])[:top]


class Evaluator:
    """One `apollo evaluate --batch` process; score(points) -> [(reward, area, answer)] in order."""

    def __init__(self, apollo, config, budget):
        self.proc = subprocess.Popen(
            [apollo, "evaluate", "--batch", "--config", config, "--budget", str(budget)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.cache = {}

    def score(self, points):
        todo = [p for p in points if tuple(sorted(p.items())) not in self.cache]
        for p in todo:
            self.proc.stdin.write(json.dumps(p) + "\n")
        self.proc.stdin.flush()
        for p in todo:
            answer = json.loads(self.proc.stdout.readline())
            if "error" in answer:
                sys.exit(f"evaluate refused {p}: {answer['error']}")
            self.cache[tuple(sorted(p.items()))] = (answer["reward"], answer["area_mm2"])
        return [self.cache[tuple(sorted(p.items()))] for p in points]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def neighbours(point, values):
    for name, grid_values in values.items():
        i = grid_values.index(point[name])
        for j in (i - 1, i + 1):
            if 0 <= j < len(grid_values):
                yield {**point, name: grid_values[j]}


def climb(start, values, evaluator):
    current = start
    (reward, area), = evaluator.score([current])
    steps = 0
    while True:
        candidates = list(neighbours(current, values))
        scored = evaluator.score(candidates)
        best = max(range(len(candidates)), key=lambda k: (scored[k][0], -k))
        if scored[best][0] <= reward:
            return current, reward, area, steps
        current, (reward, area) = candidates[best], scored[best]
        steps += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--space", required=True)
    ap.add_argument("--budgets", nargs="+", type=float, required=True)
    ap.add_argument("--top", type=int, default=5, help="starting points per budget (default 5)")
    ap.add_argument("--apollo", default="./apollo")
    ap.add_argument("databases", nargs="+")
    args = ap.parse_args()
    values = grid(args.space)
    print("| budget mm² | best in the runs | best-known (after local search) | area mm² | climb steps | found from | design |")
    print("|---|---|---|---|---|---|---|")
    for budget in args.budgets:
        starts = best_designs(args.databases, budget, args.top)
        if not starts:
            print(f"| {budget} | – | – | – | – | no feasible design | |")
            continue
        evaluator = Evaluator(args.apollo, args.config, budget)
        results = []
        for reward, point, origin in starts:
            end, end_reward, area, steps = climb(point, values, evaluator)
            print(f"budget {budget}: {origin}: {reward:.4f} -> {end_reward:.4f} in {steps} steps", file=sys.stderr)
            results.append((end_reward, area, steps, origin, end))
        evaluator.close()
        end_reward, area, steps, origin, end = max(results, key=lambda r: r[0])
        design = ", ".join(f"{k} {v:g}" for k, v in end.items())
        print(f"| {budget:g} | {starts[0][0]:.4f} | {end_reward:.4f} | {area:.3f} | {steps} | {origin} | {design} |")


if __name__ == "__main__":
    main()
