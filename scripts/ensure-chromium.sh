#!/usr/bin/env bash
# Installs Debian's headless Chromium for the report's browser test when it is missing. Idempotent.
# Prints the browser's path on success.
set -euo pipefail
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; exit 0; fi
done
if [[ $(id -u) -ne 0 ]]; then
  echo "chromium is missing and installing it needs root: sudo apt-get install chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# One install at a time: parallel test processes may call this together.
exec 9>/tmp/apollo-apt.lock
flock 9
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
command -v chromium
