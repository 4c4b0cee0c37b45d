#!/usr/bin/env python3
"""An Apollo study driven from Python through `apollo ask` / `apollo tell`, mirrored into an Optuna study.

Apollo's optimizer (the one the search config names) proposes the points; `apollo evaluate --config` scores them;
`apollo tell` records each outcome. Every finished trial is also added to an in-memory Optuna study, so that Optuna's
analysis tools (best trial, parameter importances, plots) can be used on it. Points handed out by an earlier run
that died before telling them are handed out again first. Usage:

    /usr/bin/python3 examples/python/optuna_asktell.py configs/searches/quickstart.yaml results/asktell.db --study qs --trials 40
"""
import argparse
import json

import optuna

from apollo_tools import apollo_command, report, run, space_of


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", help="search config YAML: creates the study on first use")
    parser.add_argument("database", help="SQLite database of the study")
    parser.add_argument("--study", required=True)
    parser.add_argument("--trials", type=int, default=40, help="stop after this many tells (the config's trials is the study's budget)")
    parser.add_argument("--count", type=int, default=1, help="points per ask")
    parser.add_argument("--apollo", help='command that runs apollo (default: the repository\'s ./apollo), e.g. "dotnet apollo.dll"')
    args = parser.parse_args()

    apollo = apollo_command(args.apollo)
    distributions = {name: optuna.distributions.CategoricalDistribution(values) for name, values in space_of(args.config).items()}
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    mirror = optuna.create_study(direction="maximize")
    told = 0
    while told < args.trials:
        asked = [json.loads(line) for line in run(apollo, "ask", args.database, "--study", args.study, "--config", args.config,
                                                  "--count", str(min(args.count, args.trials - told))).splitlines() if line.strip()]
        if not asked:
            break  # the study's trial budget is spent
        points = "".join(json.dumps(a["parameters"]) + "\n" for a in asked)
        answers = run(apollo, "evaluate", "--batch", "--config", args.config, stdin=points).splitlines()
        for a, answer in zip(asked, answers):
            run(apollo, "tell", args.database, "--study", args.study, "--trial", str(a["trial"]), "--result", "-", stdin=answer)
            result = json.loads(answer)
            mirror.add_trial(optuna.trial.create_trial(
                params=a["parameters"], distributions=distributions, value=result["reward"],
                user_attrs={"apollo_trial": a["trial"], "feasible": result["feasible"]}))
            told += 1

    best = mirror.best_trial
    report(best.value, best.params, len(mirror.trials))


if __name__ == "__main__":
    main()
