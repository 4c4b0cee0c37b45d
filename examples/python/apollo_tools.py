"""Shared helpers of the examples: start apollo, read a search config's space (see README.md)."""
import json
import os
import shlex
import subprocess

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def apollo_command(given):
    """The command that runs apollo: --apollo if given (e.g. "dotnet /path/apollo.dll"), else the repository's ./apollo."""
    return shlex.split(given) if given else [os.path.join(ROOT, "apollo")]


def space_of(config_path):
    """Parameter name -> allowed values, in the order of the space YAML that the search config names."""
    with open(config_path, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    space = os.path.join(os.path.dirname(os.path.abspath(config_path)), config["space"])
    with open(space, encoding="utf-8") as f:
        return dict(yaml.safe_load(f)["parameters"])


def run(apollo, *args, stdin=None):
    """Runs one apollo command; returns its stdout; raises with apollo's one-line error on a non-zero exit."""
    done = subprocess.run(apollo + list(args), input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"apollo {' '.join(args[:1])} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def report(best_reward, best_parameters, trials):
    """The closing line every example prints: one JSON object."""
    print(json.dumps({"trials": trials, "best_reward": best_reward, "best_parameters": best_parameters}))
