#!/usr/bin/env bash
# Reruns the hostile-input probe of the foundation issue against the real CLI: every bad input must end with
# exit 2 (or the documented code) and exactly one line on stderr, never a stack trace or a hang, and leave no
# database behind. Usage: scripts/probe-hostile-inputs.sh   (builds ./apollo first; prints one line per case).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
apollo="$root/apollo"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

# case NAME EXPECTED_CODE COMMAND...: runs COMMAND (20 s limit) with stdin from $work/stdin if present.
case_() {
  local name="$1" want="$2"; shift 2
  local out="$work/out" err="$work/err" code
  if [[ -f "$work/stdin" ]]; then timeout 20 "$@" <"$work/stdin" >"$out" 2>"$err"; code=$?; rm -f "$work/stdin"
  else timeout 20 "$@" </dev/null >"$out" 2>"$err"; code=$?; fi
  local lines; lines=$(grep -c '' "$err")
  local verdict=ok
  if [[ "$code" != "$want" ]]; then verdict="exit $code, wanted $want"
  elif [[ "$want" != 0 && "$lines" != 1 ]]; then verdict="$lines stderr lines"
  elif grep -q '^ *at ' "$err"; then verdict="stack trace"
  fi
  if [[ "$verdict" == ok ]]; then pass=$((pass + 1)); printf 'ok    %-58s %s\n' "$name" "$(head -c 110 "$err" | head -1)"
  else fail=$((fail + 1)); printf 'FAIL  %-58s %s\n' "$name" "$verdict"; head -5 "$err" | sed 's/^/      /'; fi
}

# A copy of the shipped configs that the cases may break.
cp -r "$root/configs" "$work/configs"
space="$work/configs/accelerators/space.yaml"
tech="$work/configs/technology/edge-7nm.yaml"
search() { # search NAME EXTRA_YAML: a small search config over the copied configs
  cat >"$work/$1.yaml" <<YAML
study: $1
space: $space
baseline: $work/configs/accelerators/baseline.yaml
workload_dir: $work/configs/workloads
workloads: [mobilenet_v2]
area_budget_mm2: 6.8
optimizer: random
trials: 8
batch_size: 4
database: $work/$1.db
$2
YAML
  echo "$work/$1.yaml"
}
space_with() { # space_with NAME PARAM VALUES: the default space with one parameter's values replaced
  sed "s|^  $2: .*|  $2: $3|" "$space" >"$work/$1.yaml"; echo "$work/$1.yaml"
}
tech_with() { # tech_with NAME KEY VALUE
  sed "s|^\( *\)$2: [^#]*|\1$2: $3 |" "$tech" >"$work/$1-tech.yaml"
  sed "s|^technology: .*|technology: $work/$1-tech.yaml|" "$space" >"$work/$1.yaml"; echo "$work/$1.yaml"
}

"$apollo" space >/dev/null 2>&1 || { echo "build failed"; exit 1; }
valid='{"pe_x":4,"pe_y":4,"lanes":64,"cores":4,"pe_memory":524288,"core_memory":32768,"instruction_memory":4096,"parameter_memory":16384,"activation_memory":8192,"io_bandwidth":20}'

printf '{"pe_x":4,"pe_x":8}\n%s\n' "$valid" >"$work/stdin"
case_ "evaluate --batch: duplicate key, stream goes on" 0 "$apollo" evaluate --batch --budget 6.8
[[ $(grep -c '' "$work/out") == 2 && $(head -1 "$work/out") == *'"error"'* && $(tail -1 "$work/out") == *'"reward"'* ]] \
  || { fail=$((fail + 1)); echo "FAIL  batch answers: $(head -c 300 "$work/out")"; }

python3 -c "print('a: ' + '[' * 50000 + ']' * 50000)" >"$work/deep.yaml"
case_ "search: YAML nested 50,000 deep" 2 "$apollo" search "$work/deep.yaml"
case_ "evaluate --accelerator: YAML nested 50,000 deep" 2 "$apollo" evaluate --accelerator "$work/deep.yaml"
case_ "census --space: YAML nested 50,000 deep" 2 "$apollo" census --samples 10 --space "$work/deep.yaml"
case_ "sweep: YAML nested 50,000 deep" 2 "$apollo" sweep "$work/deep.yaml" --backend local --dry-run

printf 'study: x\n? [a, b]\n: 1\n' >"$work/key.yaml"
case_ "search: non-scalar YAML key" 2 "$apollo" search "$work/key.yaml"
case_ "search: a folder as config" 2 "$apollo" search "$work"
sed "s|^technology: .*|technology: /dev/zero|" "$space" >"$work/zero.yaml"
case_ "census: technology /dev/zero" 2 "$apollo" census --samples 10 --space "$work/zero.yaml"
mkfifo "$work/fifo"; sed "s|^technology: .*|technology: $work/fifo|" "$space" >"$work/fifo.yaml"
case_ "census: technology a FIFO" 2 "$apollo" census --samples 10 --space "$work/fifo.yaml"

for v in 2147483648 9007199254740992 1e300; do
  case_ "census: space value $v" 2 "$apollo" census --samples 10 --space "$(space_with "big$v" pe_x "[4, $v]")"
done
case_ "census: 1,000 values per parameter" 2 "$apollo" census --samples 10 --space "$(space_with many pe_x "[$(seq -s, 1 1000)]")"
case_ "census: io_bandwidth 1e-300" 2 "$apollo" census --samples 10 --space "$(space_with tiny io_bandwidth "[1e-300]")"
case_ "census: clock_ghz 1e300" 2 "$apollo" census --samples 10 --space "$(tech_with clock clock_ghz 1e300)"
case_ "census: mac_mm2 1e308" 2 "$apollo" census --samples 10 --space "$(tech_with mac mac_mm2 1e308)"

case_ "search: duplicate workloads" 2 "$apollo" search "$(search dupw 'workloads: [resnet50, resnet50]' | sed 's/x//')"
sed -i '0,/^workloads: \[mobilenet_v2\]$/{//d}' "$work/dupw.yaml"
case_ "search: duplicate workload list" 2 "$apollo" search "$work/dupw.yaml"
cfg=$(search emptyw ''); sed -i 's/^workloads: .*/workloads: []/' "$cfg"
case_ "search: empty workload list" 2 "$apollo" search "$cfg"
case_ "evaluate --workloads: duplicate" 2 "$apollo" evaluate --workloads resnet50,resnet50
case_ "evaluate --workloads: empty" 2 "$apollo" evaluate --workloads ""
case_ "search: stop wall_clock_minutes 1e308" 2 "$apollo" search "$(search wall $'stop:\n  wall_clock_minutes: 1e308')"

for b in NaN Infinity 1e400 -1 0; do
  case_ "evaluate --budget $b" 2 "$apollo" evaluate --budget "$b"
  case_ "census --budget $b" 2 "$apollo" census --samples 10 --budget "$b"
  cfg=$(search "budget$b" '')
  case_ "search --budget $b" 2 "$apollo" search "$cfg" --budget "$b"
  [[ -e "$work/budget$b.db" ]] && { fail=$((fail + 1)); echo "FAIL  search --budget $b left a database"; }
done
case_ "census --threads -1" 2 "$apollo" census --samples 10 --threads -1

mkdir -p "$work/wl-huge" "$work/wl-dil"
header='domain: classification\ndescription: x\nsource: x\npublished: {macs: 1, parameters: 1, convention: x, source: x}\nlayers:'
printf "name: huge\n$header"'\n\n  - {name: c, op: conv2d, input: [2147483647, 2147483647, 3], out_channels: 2147483647, kernel: 3}\n' >"$work/wl-huge/huge.yaml"
printf "name: dil\n$header"'\n\n  - {name: c, op: conv2d, input: [224, 224, 3], out_channels: 8, kernel: 3, dilation: 2147483647}\n' >"$work/wl-dil/dil.yaml"
for w in huge dil; do
  cfg=$(search "wl$w" ''); sed -i "s|^workload_dir: .*|workload_dir: $work/wl-$w|; s|^workloads: .*|workloads: [$w]|" "$cfg"
  case_ "search: workload $w (2^31-1 sizes)" 2 "$apollo" search "$cfg"
done

cat >"$work/sweep-dup.yaml" <<YAML
name: dup
base: $(search sweepbase '')
trials: 4
matrix:
  optimizers: [random]
  budgets: [6.8]
  seeds: [0]
  workload_sets: [vision, vision]
YAML
case_ "sweep: workload_sets [vision, vision]" 2 "$apollo" sweep "$work/sweep-dup.yaml" --backend local --dry-run
touch "$work/results-file"
sed 's/workload_sets: .*/workload_sets: [vision]/' "$work/sweep-dup.yaml" >"$work/sweep-ok.yaml"
printf 'results: %s\n' "$work/results-file" >>"$work/sweep-ok.yaml"
case_ "sweep: results: a file" 2 "$apollo" sweep "$work/sweep-ok.yaml" --backend local --dry-run
sed '/^results:/d' "$work/sweep-ok.yaml" >"$work/sweep-plan.yaml"; printf 'results: %s\n' "$work/sweep-results" >>"$work/sweep-plan.yaml"
case_ "sweep --backend local --dry-run (runs nothing)" 0 "$apollo" sweep "$work/sweep-plan.yaml" --backend local --dry-run
[[ -n "$(find "$work/sweep-results" -name '*.db' 2>/dev/null)" ]] && { fail=$((fail + 1)); echo "FAIL  dry run wrote a shard"; }
case_ "sweep --time with a newline" 2 "$apollo" sweep "$work/sweep-plan.yaml" --backend slurm --dry-run --time $'x\necho INJECTED'
case_ "sweep --partition with a newline" 2 "$apollo" sweep "$work/sweep-plan.yaml" --backend slurm --dry-run --partition $'debug\necho INJECTED'

cfg=$(search ro ''); case_ "search (a real study for the store cases)" 0 "$apollo" search "$cfg" --no-report
cp "$work/ro.db" "$work/neg.db"
python3 - "$work/neg.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE trials SET reward = -1 WHERE number = 0"); c.commit()
PY
sed "s|$work/ro.db|$work/neg.db|" "$cfg" >"$work/neg.yaml"
case_ "search --resume: hand-edited negative reward" 2 "$apollo" search "$work/neg.yaml" --resume --trials 12 --no-report
case_ "report --out an existing file" 2 "$apollo" report "$work/ro.db" --out "$work/results-file"
if command -v setpriv >/dev/null && [[ $(id -u) == 0 ]]; then
  chmod 444 "$work/ro.db"; chmod 777 "$work"
  case_ "search --resume on a read-only database (as nobody)" 2 setpriv --reuid=65534 --regid=65534 --clear-groups "$apollo" search "$cfg" --resume --trials 12 --no-report
  chmod 644 "$work/ro.db"
fi
long=$(printf "n%.0s" $(seq 5000))
cfg=$(search longname ''); sed -i "s/^study: .*/study: $long/" "$cfg"
case_ "search: a 5,000-character study name" 2 "$apollo" search "$cfg"
cp "$work/ro.db" "$work/long.db"
python3 - "$work/long.db" "$long" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE studies SET name = ?", (sys.argv[2],)); c.commit()
PY
case_ "report of a study named with 5,000 characters" 0 "$apollo" report "$work/long.db" --out "$work/long-report"
"$apollo" trials "$work/ro.db" --format csv 2>"$work/err" | head -1 >/dev/null
[[ -s "$work/err" ]] && { fail=$((fail + 1)); echo "FAIL  closed stdout printed: $(head -1 "$work/err")"; } || { pass=$((pass + 1)); echo "ok    trials | head -1: nothing on stderr"; }

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
