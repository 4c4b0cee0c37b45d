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
  nice -n 10 ./apollo report "$out/$set"-*.db --no-maps --out "$out/report-$set" >/dev/null
  cp "$out/report-$set/best-so-far.png" "$figures/best-so-far-$set.png"
done
python3 experiments/transfer/analyze.py "$out" | tee "$out/transfer-table.md"
