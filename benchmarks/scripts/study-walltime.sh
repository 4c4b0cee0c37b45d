#!/usr/bin/env bash
# Wall time of one 4,000-trial study of each optimizer on the `all` workload set at 6.8 mm², using
# every core (the figure docs/benchmarks.md reports). Usage: benchmarks/scripts/study-walltime.sh [TRIALS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
trials="${1:-4000}"
out="$(mktemp -d)"
./apollo space >/dev/null # build once, outside the timings
for optimizer in random evolution p3bo gp-ei; do
  start=$(date +%s.%N)
  ./apollo search experiments/quality/base.yaml --optimizer "$optimizer" --trials "$trials" --db "$out/$optimizer.db" --no-report >/dev/null
  end=$(date +%s.%N)
  awk -v o="$optimizer" -v t="$trials" -v s="$start" -v e="$end" 'BEGIN { printf "%s\t%d trials\t%.1f s\n", o, t, e - s }'
done
echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$out"
