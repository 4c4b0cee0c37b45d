#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for testing `apollo sweep --backend slurm` for real.
#
#   local-cluster.sh start    install slurm-wlm + munge (Debian, when missing), configure, start, wait for idle
#   local-cluster.sh stop     stop the daemons this script started (pid files under the state folder)
#   local-cluster.sh status   print the daemons' pids and `sinfo`
#
# Needs root (apt-get, daemons as root). State, logs and pid files live under $APOLLO_SLURM_DIR
# (default /var/tmp/apollo-slurm). /etc/slurm/slurm.conf is written only when missing or written by this
# script before (first line is the marker below), so a real cluster's config is never overwritten.
set -euo pipefail

STATE="${APOLLO_SLURM_DIR:-/var/tmp/apollo-slurm}"
CONF=/etc/slurm/slurm.conf
MARKER="# written by apollo experiments/slurm/local-cluster.sh"
WAIT_SECONDS="${APOLLO_SLURM_WAIT:-60}"

log() { echo "local-cluster: $*" >&2; }
die() { log "error: $*"; exit 1; }

require_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (installs packages and starts daemons)"; }

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && command -v sbatch >/dev/null; then
    return
  fi
  log "installing slurm-wlm and munge with apt-get"
  # Another script may run apt concurrently (e.g. installing chromium): serialize on a shared lock.
  (
    flock -w 900 9 || die "timed out waiting for /tmp/apollo-apt.lock"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # The packages' postinst scripts try to start services; with no init system that fails harmlessly.
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >"$STATE/apt.log" 2>&1 \
      || { cat "$STATE/apt.log" >&2; die "apt-get install failed"; }
  ) 9>/tmp/apollo-apt.lock
}

write_munge_key() {
  local key=/etc/munge/munge.key
  if [[ ! -s $key ]]; then
    log "creating munge key $key"
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null; then mungekey --create --keyfile="$key" --force; else dd if=/dev/urandom of="$key" bs=1024 count=1 status=none; fi
  fi
  chown munge:munge /etc/munge "$key" 2>/dev/null || true
  chmod 0700 /etc/munge
  chmod 0400 "$key"
}

write_slurm_conf() {
  if [[ -f $CONF ]] && [[ $(head -n 1 "$CONF") != "$MARKER" ]]; then
    die "$CONF exists and was not written by this script; refusing to overwrite it"
  fi
  local host cpus mem
  host=$(hostname)
  cpus=$(nproc)
  # Leave room for the OS and the controller; slurmd drains a node that reports less than RealMemory.
  mem=$(free -m | awk '/^Mem:/ { m = $2 - 1024; if (m < 512) m = 512; print m }')
  mkdir -p "$(dirname "$CONF")" "$STATE/state" "$STATE/spool" "$STATE/log"
  cat >"$CONF" <<EOF
$MARKER
ClusterName=apollo-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SchedulerType=sched/backfill
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  log "wrote $CONF ($host, $cpus CPUs, ${mem} MB)"
}

running() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_munge() {
  if pgrep -x munged >/dev/null; then return; fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  log "starting munged"
  if id munge >/dev/null 2>&1; then
    runuser -u munge -- munged >"$STATE/log/munged.out" 2>&1 || die "munged did not start: $(cat "$STATE/log/munged.out")"
  else
    munged --force >"$STATE/log/munged.out" 2>&1 || die "munged did not start: $(cat "$STATE/log/munged.out")"
  fi
  # Recorded so that `stop` ends only a munged this script started.
  for _ in $(seq 50); do [[ -s /run/munge/munged.pid ]] && break; sleep 0.1; done
  cp /run/munge/munged.pid "$STATE/munged.pid" 2>/dev/null || pgrep -x munged >"$STATE/munged.pid"
}

start() {
  require_root
  mkdir -p "$STATE/log"
  install_packages
  write_munge_key
  write_slurm_conf
  start_munge
  if ! running "$STATE/slurmctld.pid"; then
    log "starting slurmctld"
    slurmctld -c >"$STATE/log/slurmctld.out" 2>&1 || die "slurmctld did not start: $(tail -n 20 "$STATE/log/slurmctld.out" "$STATE/log/slurmctld.log" 2>/dev/null)"
  fi
  if ! running "$STATE/slurmd.pid"; then
    log "starting slurmd"
    slurmd >"$STATE/log/slurmd.out" 2>&1 || die "slurmd did not start: $(tail -n 20 "$STATE/log/slurmd.out" "$STATE/log/slurmd.log" 2>/dev/null)"
  fi
  local state=""
  for _ in $(seq $((WAIT_SECONDS * 2))); do
    state=$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)
    case $state in
      idle|mixed|allocated) log "node is $state"; sinfo; return 0 ;;
      down*|drain*) scontrol update NodeName="$(hostname)" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  log "node did not become idle within ${WAIT_SECONDS}s (last state: '${state:-none}')"
  tail -n 30 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2 2>/dev/null || true
  exit 1
}

stop_pid() {
  local name=$1 file=$2
  if running "$file"; then
    local pid
    pid=$(cat "$file")
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop() {
  require_root
  stop_pid slurmd "$STATE/slurmd.pid"
  stop_pid slurmctld "$STATE/slurmctld.pid"
  stop_pid munged "$STATE/munged.pid"
}

status() {
  for d in munged slurmctld slurmd; do
    if running "$STATE/$d.pid"; then echo "$d: running (pid $(cat "$STATE/$d.pid"))"; else echo "$d: not started by this script"; fi
  done
  command -v sinfo >/dev/null && sinfo 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
