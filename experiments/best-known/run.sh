#!/usr/bin/env bash
# Best-known design per area budget (docs/quality.md, "Best-known reference"):
#  1. long runs of the strongest optimizers at the loosest budget (6.8 mm²): evolution and p3bo, seeds 1-2,
#     TRIALS trials each (default 20,000), one database per run under results/best-known/;
#  2. local_search.py: from the best designs of those runs that fit each budget (6.8, 5.8, 4.8 mm²), a
#     best-improvement hill climb over one grid step in every parameter, scored by `apollo evaluate --batch
#     --config base.yaml --budget B` (the study's own reward), until no neighbour improves.
# Prints one Markdown table: budget | best-known reward | area | where it was found | the design.
# Usage: experiments/best-known/run.sh [TRIALS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
trials="${1:-20000}"
out="results/best-known"
mkdir -p "$out"
for optimizer in evolution p3bo; do
  for seed in 1 2; do
    db="$out/$optimizer-s$seed.db"
    resume=()
    [[ -f "$db" ]] && resume=(--resume)
    start=$(date +%s)
    ./apollo search experiments/best-known/base.yaml --optimizer "$optimizer" --seed "$seed" --trials "$trials" \
      --db "$db" --no-report "${resume[@]}" >/dev/null
    echo "done: $optimizer seed $seed, $trials trials, $(( $(date +%s) - start )) s" >&2
  done
done
python3 experiments/best-known/local_search.py --config experiments/best-known/base.yaml \
  --space configs/accelerators/space.yaml "$out"/*.db --budgets 6.8 5.8 4.8
