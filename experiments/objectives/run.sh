#!/usr/bin/env bash
# Objectives experiment (experiments/objectives/README.md).
#   (a) objective: latency vs throughput_per_area under 6.8, 5.8 and 4.8 mm² (evolution, SEEDS seeds, TRIALS_A trials)
#   (b) objectives: [latency, energy, area] with nsga2, p3bo and random (SEEDS seeds, TRIALS_B trials)
# Writes databases under results/objectives/ (not committed) and prints the tables the README quotes.
# Usage: experiments/objectives/run.sh [TRIALS_A] [TRIALS_B] [SEEDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
trials_a="${1:-1000}"
trials_b="${2:-2000}"
seeds="${3:-5}"
here="experiments/objectives"
out="results/objectives"
mkdir -p "$out"
search() { # config db study extra...
  local config="$1" db="$2" study="$3"; shift 3
  if ./apollo studies "$db" --format csv 2>/dev/null | grep -q "^$study,"; then
    ./apollo search "$config" --db "$db" --study "$study" --no-report --resume "$@" >/dev/null
  else
    ./apollo search "$config" --db "$db" --study "$study" --no-report "$@" >/dev/null
  fi
  echo "done: $study" >&2
}
for budget in 6.8 5.8 4.8; do
  for objective in latency per-area; do
    for seed in $(seq 1 "$seeds"); do
      search "$here/$objective.yaml" "$out/a-$objective.db" "$objective-$budget-s$seed" --budget "$budget" --seed "$seed" --trials "$trials_a"
    done
  done
done
for optimizer in nsga2 p3bo random; do
  for seed in $(seq 1 "$seeds"); do
    search "$here/pareto.yaml" "$out/b-pareto.db" "$optimizer-s$seed" --optimizer "$optimizer" --seed "$seed" --trials "$trials_b"
  done
done
echo "## (a) best design per study: objective, budget, seed, reward, area"
for objective in latency per-area; do
  ./apollo studies "$out/a-$objective.db" --format csv | tail -n +2 | while IFS=, read -r study _ _ budget _ _ _ reward trial _; do
    area="$(./apollo best "$out/a-$objective.db" --study "$study" --format csv | tail -1 | cut -d, -f5)"
    echo "$objective,$budget,$study,$reward,$area"
  done
done
echo "## (b) hypervolume per study"
./apollo studies "$out/b-pareto.db" --format csv \
  | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i } { print $col["study"] "," $col["optimizer"] "," $col["feasible"] "," $col["hypervolume"] }' 
for optimizer in nsga2 p3bo random; do
  ./apollo pareto "$out/b-pareto.db" --study "$optimizer-s1" --format csv > "$out/front-$optimizer-s1.csv"
done
