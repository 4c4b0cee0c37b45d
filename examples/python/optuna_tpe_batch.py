#!/usr/bin/env python3
"""Optuna's TPE optimizing an Apollo study over the streaming batch protocol.

One `apollo evaluate --batch --config SEARCH.yaml` process stays up for the whole run: each Optuna trial writes one
JSON line (the design point) to its stdin and reads one line back (the evaluation, scored exactly as the search
config's study scores its trials). Usage:

    /usr/bin/python3 examples/python/optuna_tpe_batch.py configs/searches/quickstart.yaml --trials 40 --seed 1
"""
import argparse
import json
import subprocess

import optuna

from apollo_tools import apollo_command, report, space_of


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", help="search config YAML: space, workloads, baseline, area budget")
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--apollo", help='command that runs apollo (default: the repository\'s ./apollo), e.g. "dotnet apollo.dll"')
    args = parser.parse_args()

    space = space_of(args.config)
    evaluator = subprocess.Popen(
        apollo_command(args.apollo) + ["evaluate", "--batch", "--config", args.config, "--threads", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def objective(trial):
        point = {name: trial.suggest_categorical(name, values) for name, values in space.items()}
        evaluator.stdin.write(json.dumps(point) + "\n")
        evaluator.stdin.flush()
        answer = json.loads(evaluator.stdout.readline())
        if "error" in answer:
            raise RuntimeError(answer["error"])
        if not answer["feasible"]:
            trial.set_user_attr("infeasible", answer["infeasible"]["message"])
        return answer["reward"]  # 0 when infeasible, as in the study

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=args.seed))
    study.optimize(objective, n_trials=args.trials)
    evaluator.stdin.close()
    evaluator.wait()
    report(study.best_value, study.best_params, len(study.trials))


if __name__ == "__main__":
    main()
