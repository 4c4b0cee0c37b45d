#!/usr/bin/env bash
# Quality check: each optimizer x 5 seeds x TRIALS trials (default 1,000) at 6.8 mm² on every workload.
# Writes one database per run under results/quality/ and prints the summary table.
# Usage: experiments/quality/run.sh [TRIALS] [SEEDS] [--a-priori]
#   --a-priori: optimizers propose only points within the budget (base-a-priori.yaml, results/quality-a-priori/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
trials="${1:-1000}"
seeds="${2:-5}"
config="experiments/quality/base.yaml"
out="results/quality"
if [[ "${3:-}" == "--a-priori" ]]; then
  config="experiments/quality/base-a-priori.yaml"
  out="results/quality-a-priori"
fi
mkdir -p "$out"
for optimizer in random gp-ei evolution p3bo; do
  for seed in $(seq 1 "$seeds"); do
    db="$out/$optimizer-s$seed.db"
    if [[ -f "$db" ]]; then
      ./apollo search "$config" --optimizer "$optimizer" --seed "$seed" --trials "$trials" --db "$db" --no-report --resume >/dev/null
    else
      ./apollo search "$config" --optimizer "$optimizer" --seed "$seed" --trials "$trials" --db "$db" --no-report >/dev/null
    fi
    echo "done: $optimizer seed $seed" >&2
  done
done
./apollo summary "$out"/*.db
