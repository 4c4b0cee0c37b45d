#!/usr/bin/env bash
# Transfer experiment (README.md here): a source study at 6.8 mm² on `vision`, then targets on `all` at 5.8 and
# 4.8 mm², cold and warm-started from it, plus a negative control warm-started from an unrelated (speech) study.
# One database per run under results/transfer/; finished runs are skipped, so the script can be re-run to extend.
# Usage: experiments/transfer/run.sh [EVOLUTION_SEEDS] [GP_SEEDS]   (defaults 10 and 3: see README.md for why)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
evo_seeds="${1:-10}"
gp_seeds="${2:-3}"
out="results/transfer"
here="experiments/transfer"
mkdir -p "$out"
run() { # config db study [args...]
  local config="$1" db="$2" study="$3"
  shift 3
  if [[ -f "$db" ]] && ./apollo studies "$db" --format csv | grep -q "^$study,.*,1000,1000,"; then
    return
  fi
  rm -f "$db"
  nice -n 10 ./apollo search "$config" --db "$db" --study "$study" --no-report "$@" >/dev/null
  echo "done: $study" >&2
}
run "$here/source.yaml" "$out/source.db" transfer-source
run "$here/unrelated.yaml" "$out/unrelated.db" transfer-unrelated
target() { # optimizer seeds budgets...
  local optimizer="$1" seeds="$2"
  shift 2
  for budget in "$@"; do
    for seed in $(seq 0 $((seeds - 1))); do
      for mode in cold warm; do
        local name="$mode-$optimizer-$budget-s$seed"
        local extra=()
        [[ "$mode" == warm ]] && extra=(--transfer-from "$out/source.db")
        run "$here/target.yaml" "$out/$name.db" "$name" --optimizer "$optimizer" --budget "$budget" --seed "$seed" "${extra[@]}"
      done
    done
  done
}
negative() { # optimizer seeds
  for seed in $(seq 0 $(($2 - 1))); do
    run "$here/target.yaml" "$out/unrelated-$1-5.8-s$seed.db" "unrelated-$1-5.8-s$seed" --optimizer "$1" --budget 5.8 --seed "$seed" --transfer-from "$out/unrelated.db"
  done
}
# Cheapest first, so that an interrupted run still leaves complete rows.
target evolution "$evo_seeds" 5.8 4.8
negative evolution "$evo_seeds"
target p3bo "$gp_seeds" 5.8
target gp-ei "$gp_seeds" 5.8
negative p3bo "$gp_seeds"
negative gp-ei "$gp_seeds"
target p3bo "$gp_seeds" 4.8
target gp-ei "$gp_seeds" 4.8
python3 "$here/analyze.py" "$out" > "$out/transfer-table.md"
cat "$out/transfer-table.md"
