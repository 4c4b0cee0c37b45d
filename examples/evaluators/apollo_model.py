#!/usr/bin/env python3
"""An external evaluator for Apollo (protocol: docs/evaluators.md) that wraps Apollo's own model.

Apollo runs this in a fresh folder per design point, with point.yaml / point.json there and the
APOLLO_* variables set. It calls `apollo evaluate --accelerator point.yaml --format json` on the
study's workloads and reshapes the answer into result.json. A study with this evaluator stores the
same rewards as one with the built-in model, bit for bit; that makes it a test of the protocol, and
a template for wrapping another simulator (replace evaluate()).

Use in a search config:
    evaluator:
      command: python3 /path/to/examples/evaluators/apollo_model.py
      timeout_s: 600

Environment: APOLLO_COMMAND, the command that starts apollo (default: the repository's ./apollo
script next to this folder), e.g. "dotnet /path/to/apollo.dll". Python 3 standard library only.
"""
import json
import os
import shlex
import subprocess
import sys


def apollo_command():
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "apollo")
    return shlex.split(os.environ.get("APOLLO_COMMAND", "")) or [default]


def evaluate(point_yaml, workloads, workload_dirs):
    """Apollo's JSON evaluation of the point (no area budget: Apollo checks it on the reported area)."""
    args = apollo_command() + ["evaluate", "--accelerator", point_yaml, "--workloads", ",".join(workloads), "--format", "json"]
    for folder in workload_dirs:
        args += ["--workload-dir", folder]
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(f"apollo evaluate exited with code {done.returncode}")
    return json.loads(done.stdout)


def reshape(evaluation):
    """Apollo's evaluation JSON (docs/cli.md) as an evaluator result (docs/evaluators.md)."""
    if not evaluation["feasible"]:
        reason = evaluation["infeasible"]
        result = {"stage": reason["stage"], "level": reason["level"], "reason": reason["message"]}
        for field in ("workload", "layer", "needed", "available", "unit"):
            if reason.get(field) is not None:
                result[field] = reason[field]
        return {"infeasible": result, "area_mm2": evaluation["area_mm2"]}
    return {
        "area_mm2": evaluation["area_mm2"],
        "workloads": {
            w["name"]: {"latency_s": w["latency_s"], "energy_j": w["energy_mj"] / 1e3, "power_w": w["power_w"]}
            for w in evaluation["workloads"]
        },
    }


def main():
    with open(os.environ["APOLLO_POINT_JSON"]) as f:
        point = json.load(f)
    result = reshape(evaluate(os.environ["APOLLO_POINT_YAML"], point["workloads"], point["workload_dirs"]))
    # json writes floats in their shortest round-trip form, so Apollo reads back the very same doubles.
    with open(os.environ["APOLLO_RESULT"], "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
