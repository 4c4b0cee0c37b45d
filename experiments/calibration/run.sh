#!/usr/bin/env bash
# Calibration against the Coral Edge TPU (docs/calibration.md; the fidelity issue's item 6).
#
# Evaluates the Edge TPU-like design point on the six networks of Coral's published benchmark table
# (the `coral` workload set) with the current model, and prints the comparison as a Markdown table:
# network | model ms | published ms | ratio | average power W, then a breakdown that says where the
# model's time goes. This script is the single source of that table: re-run it after a model change
# and paste its output into docs/calibration.md.
#
# Usage: experiments/calibration/run.sh [--json FILE]   (--json: also keep the raw `apollo evaluate` JSON)
# Needs: the .NET SDK (./apollo builds the CLI once) and python3 (standard library only).
set -euo pipefail

cd "$(dirname "$0")/../.."

keep_json=""
if [[ "${1:-}" == "--json" ]]; then
    keep_json="${2:?--json needs a file name}"
elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--json FILE]" >&2
    exit 2
fi

accelerator=configs/accelerators/edge-tpu-like.yaml
space=configs/accelerators/space-edge-tpu.yaml
json="$(mktemp)"
trap 'rm -f "$json"' EXIT

./apollo evaluate --accelerator "$accelerator" --space "$space" --workload-set coral --format json >"$json"
if [[ -n "$keep_json" ]]; then
    cp "$json" "$keep_json"
fi

python3 - "$json" "$accelerator" "$(git rev-parse --short HEAD)" <<'PY'
import json
import sys

# Coral's published latencies: "Edge TPU performance benchmarks", https://coral.ai/docs/edgetpu/benchmarks,
# Table 1 "Time per inference, in milliseconds", column "Desktop CPU + USB Accelerator (USB 3.0) with Edge TPU".
# (network as Coral names it, our workload, published ms)
PUBLISHED = [
    ("MobileNet v2 (224x224)", "mobilenet_v2", 2.6),
    ("Inception v1 (224x224)", "inception_v1", 3.4),
    ("ResNet-50 V1 (299x299)", "resnet50_299", 49.0),
    ("MobileNet v2 SSD", "ssd_mobilenet_v2", 7.2),
    ("DeepLab V3 (513x513)", "deeplabv3_mobilenet_v2_513", 52.0),
    ("EfficientNet-EdgeTpu-S", "efficientnet_edgetpu_s", 5.1),
]
TARGET = (0.67, 1.5)  # the fidelity issue's target band for model ms / published ms

path, accelerator, commit = sys.argv[1:]
result = json.load(open(path))
if not result["feasible"]:
    sys.exit(f"{accelerator} is infeasible: {result['infeasible']}")
by_name = {w["name"]: w for w in result["workloads"]}
link_bytes_per_s = result["accelerator"]["io_bandwidth"] * 1e9

print(f"Design point {accelerator} ({result['area_mm2']:.2f} mm²), commit {commit}.")
print()
print("| network | workload | model ms | published ms | ratio | in [0.67, 1.5] | average power W |")
print("|---|---|---:|---:|---:|---|---:|")
inside = 0
for network, workload, published in PUBLISHED:
    w = by_name[workload]
    ratio = w["latency_ms"] / published
    ok = TARGET[0] <= ratio <= TARGET[1]
    inside += ok
    print(f"| {network} | {workload} | {w['latency_ms']:.2f} | {published:g} | {ratio:.2f} | {'yes' if ok else 'no'} | {w['power_w']:.2f} |")
print()
print(f"{inside} of {len(PUBLISHED)} ratios in [{TARGET[0]}, {TARGET[1]}].")
print()
print("Where the model's time goes. The columns are bounds, not a partition of the latency: peak ms = the MACs at")
print("the peak rate; link ms = all DRAM bytes (streamed weights, spilled activations, the network's input and output)")
print("at io_bandwidth; fixed ms = invocation + the exposed input and output transfers (also inside link ms).")
print()
print("| workload | weights | pinned MB | DRAM MB | peak ms | link ms | fixed ms | utilization |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
clock_hz = None
for _, workload, _ in PUBLISHED:
    w = by_name[workload]
    if clock_hz is None:
        clock_hz = w["cycles"] / (w["latency_ms"] / 1e3)
    weights = "resident" if w["weights_resident"] else "partial"
    print(f"| {workload} | {weights} | {w['pinned_weight_bytes'] / 1e6:.2f} | {w['dram_bytes'] / 1e6:.2f} | "
          f"{w['latency_ms'] * w['utilization']:.2f} | {w['dram_bytes'] / link_bytes_per_s * 1e3:.2f} | "
          f"{w['fixed_cycles'] / clock_hz * 1e3:.2f} | {w['utilization']:.1%} |")
PY
