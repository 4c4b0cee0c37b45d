#!/usr/bin/env bash
# Figures and table of the transfer experiment from the databases run.sh wrote: best-so-far curves (median and IQR
# per optimizer and budget, `apollo report`'s ScottPlot figure) without and with transfer, and for the negative control.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="results/transfer"
figures="experiments/transfer/figures"
mkdir -p "$figures"
for set in cold warm unrelated; do
  rm -rf "$out/report-$set"
  nice -n 10 ./apollo report "$out/$set"-*.db --no-maps --out "$out/report-$set" >/dev/null
  # One objective fingerprint per set (transfer sources are not part of it), so one best-so-far figure.
  figure=("$out/report-$set"/best-so-far*.png)
  [[ ${#figure[@]} -eq 1 ]] || { echo "figures.sh: expected one best-so-far figure in $out/report-$set, found ${#figure[@]}" >&2; exit 1; }
  cp "${figure[0]}" "$figures/best-so-far-$set.png"
done
python3 experiments/transfer/analyze.py "$out" | tee "$out/transfer-table.md"
