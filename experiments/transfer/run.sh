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
  rm -f "$db" "$db-wal" "$db-shm" "$db".*.lock "$db".*.lock.owner # an unfinished run starts over
  nice -n 10 ./apollo search "$config" --db "$db" --study "$study" --no-report "$@" >/dev/null
  echo "done: $study" >&2
}
run "$here/source.yaml" "$out/source.db" transfer-source
run "$here/unrelated.yaml" "$out/unrelated.db" transfer-unrelated
run_one() { # optimizer budget seed: the cold and the warm run
  for mode in cold warm; do
    local name="$mode-$1-$2-s$3"
    local extra=()
    [[ "$mode" == warm ]] && extra=(--transfer-from "$out/source.db")
    run "$here/target.yaml" "$out/$name.db" "$name" --optimizer "$1" --budget "$2" --seed "$3" "${extra[@]}"
  done
}
target() { # optimizer seeds budget
  for seed in $(seq 0 $(($2 - 1))); do
    run_one "$1" "$3" "$seed"
  done
}
negative() { # optimizer seeds
  for seed in $(seq 0 $(($2 - 1))); do
    run "$here/target.yaml" "$out/unrelated-$1-5.8-s$seed.db" "unrelated-$1-5.8-s$seed" --optimizer "$1" --budget 5.8 --seed "$seed" --transfer-from "$out/unrelated.db"
  done
}
# Cheapest first and seed by seed, so that an interrupted run still leaves comparable rows.
target evolution "$evo_seeds" 5.8
for seed in $(seq 0 $((gp_seeds - 1))); do
  for optimizer in p3bo gp-ei; do
    run_one "$optimizer" 5.8 "$seed"
  done
done
target evolution "$evo_seeds" 4.8
negative evolution "$evo_seeds"
negative p3bo "$gp_seeds"
negative gp-ei "$gp_seeds"
target p3bo "$gp_seeds" 4.8
target gp-ei "$gp_seeds" 4.8
python3 "$here/analyze.py" "$out" > "$out/transfer-table.md"
cat "$out/transfer-table.md"
