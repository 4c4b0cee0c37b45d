#!/usr/bin/env bash
# Installs Debian's python3-optuna for the Python examples' test (examples/python) when it is missing. Idempotent.
# Prints the interpreter's path on success: Debian's /usr/bin/python3, whose packages apt installs (a python3 earlier
# on PATH, e.g. pyenv's, does not see them).
set -euo pipefail
py=/usr/bin/python3
if [[ -x $py ]] && "$py" -c "import optuna" >/dev/null 2>&1; then echo "$py"; exit 0; fi
if [[ $(id -u) -ne 0 ]]; then
  echo "python3-optuna is missing and installing it needs root: sudo apt-get install python3-optuna" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# One install at a time: parallel test processes may call this together (the lock Chromium's script takes too).
exec 9>/tmp/apollo-apt.lock
flock 9
if ! [[ -x $py ]] || ! "$py" -c "import optuna" >/dev/null 2>&1; then
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends python3-optuna >&2
fi
"$py" -c "import optuna"
echo "$py"
