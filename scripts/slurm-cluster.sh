#!/usr/bin/env bash
# A Slurm cluster on this machine, for running `zokml split-prove --plan` as a job array
# (docs/split-proving.md) in the tests and benchmarks. Needs root and Debian's slurm-wlm and
# munge (scripts/setup.sh installs them).
#
#   scripts/slurm-cluster.sh start DIR [--nodes N] [--cpus-per-node C]
#   scripts/slurm-cluster.sh stop DIR
#
# start writes DIR/slurm.conf, a fresh munge key (DIR/munge.key, mode 0400, from the CSPRNG) and
# starts munged, slurmctld and N slurmd, then waits until every node is idle. One node (the
# default) listens on 127.0.0.1; with more, each slurmd runs in a network namespace of its own
# (zokml-<k>-<id>, on a bridge with the controller), pinned to C cores of its own with taskset,
# as separate machines sharing one folder would be. Commands reach the cluster through
# SLURM_CONF=DIR/slurm.conf. stop ends the daemons and removes the namespaces. Nothing outside
# DIR is written but the namespaces and the bridge.
set -euo pipefail

usage() { sed -n '6,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1 dir=$2
shift 2
nodes=1 cpus=1
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=$2; shift 2 ;;
    --cpus-per-node) cpus=$2; shift 2 ;;
    *) usage ;;
  esac
done

# The namespaces and the bridge are named after the cluster's folder, so that two clusters (two
# test runs) do not meet.
id=$(printf '%s' "$(realpath -m "$dir")" | sha256sum | cut -c1-6)
bridge=zkbr-$id
namespace() { echo "zokml-$1-$id"; }

stop() {
  [ -f "$dir/slurm.conf" ] && SLURM_CONF="$dir/slurm.conf" scontrol shutdown >/dev/null 2>&1 || true
  for pidfile in "$dir"/slurmctld.pid "$dir"/slurmd-*.pid "$dir"/munge/munged.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -- "-$id\$" || true); do ip netns del "$ns"; done
  ip link del "$bridge" 2>/dev/null || true
  rm -f "$dir"/munge.key
}

if [ "$action" = stop ]; then stop; exit 0; fi
[ "$action" = start ] || usage
[ "$(id -u)" -eq 0 ] || { echo "slurm-cluster: needs root (the daemons run as root)" >&2; exit 77; }
for tool in munged slurmctld slurmd sbatch ip taskset; do
  command -v "$tool" >/dev/null || { echo "slurm-cluster: $tool not found (scripts/setup.sh installs slurm-wlm and munge)" >&2; exit 77; }
done
(( nodes >= 1 && cpus >= 1 && nodes * cpus <= $(nproc) )) || { echo "slurm-cluster: $nodes nodes of $cpus cores do not fit $(nproc) cores" >&2; exit 2; }

dir=$(realpath -m "$dir")
stop  # what a run that was killed left
mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
chmod 700 "$dir/munge"  # munged refuses a socket folder others may write
trap "stop" ERR
(umask 077 && openssl rand -out "$dir/munge.key" 1024) && chmod 400 "$dir/munge.key"
munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge.key" --log-file="$dir/munge/munged.log" \
  --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed"

# Ports of this cluster: free ones, so that a cluster left by another run does not answer.
port() { local p; while p=$((20000 + RANDOM % 20000)); ss -ltnH "sport = :$p" | grep -q .; do :; done; echo "$p"; }
controller=127.0.0.1
if (( nodes > 1 )); then
  controller=10.77.$((0x${id:0:2} % 250)).1
  ip link add "$bridge" type bridge && ip addr add "$controller/24" dev "$bridge" && ip link set "$bridge" up
fi
node_address() { if (( nodes == 1 )); then echo 127.0.0.1; else echo "${controller%.1}.$((10 + $1))"; fi; }

{
  echo "ClusterName=zokml"
  echo "SlurmctldHost=localhost($controller)"
  echo "SlurmUser=root"
  echo "SlurmdUser=root"
  echo "SlurmctldPort=$(port)"
  echo "SlurmdPort=$(port)"
  echo "AuthType=auth/munge"
  echo "AuthInfo=socket=$dir/munge/munge.socket"
  echo "CredType=cred/munge"
  echo "StateSaveLocation=$dir/state"
  echo "SlurmdSpoolDir=$dir/spool/%n"
  echo "SlurmctldPidFile=$dir/slurmctld.pid"
  echo "SlurmdPidFile=$dir/slurmd-%n.pid"
  echo "SlurmctldLogFile=$dir/slurmctld.log"
  echo "SlurmdLogFile=$dir/slurmd-%n.log"
  echo "ProctrackType=proctrack/linuxproc"  # no cgroups in a container
  echo "TaskPlugin=task/none"
  echo "SchedulerType=sched/backfill"
  echo "SelectType=select/cons_tres"
  echo "SelectTypeParameters=CR_Core"
  echo "ReturnToService=2"
  echo "JobCompType=jobcomp/none"
  echo "AccountingStorageType=accounting_storage/none"
  echo "MpiDefault=none"
  for ((k = 1; k <= nodes; k++)); do echo "NodeName=node$k NodeAddr=$(node_address "$k") CPUs=$cpus State=UNKNOWN"; done
  echo "PartitionName=zokml Nodes=node[1-$nodes] Default=YES MaxTime=INFINITE State=UP"
} >"$dir/slurm.conf"
export SLURM_CONF="$dir/slurm.conf"

slurmctld -f "$SLURM_CONF"
for ((k = 1; k <= nodes; k++)); do
  mkdir -p "$dir/spool/node$k"
  first=$(( (k - 1) * cpus )) last=$(( k * cpus - 1 ))
  if (( nodes == 1 )); then
    taskset -c "$first-$last" slurmd -f "$SLURM_CONF" -N "node$k"
  else
    ns=$(namespace "$k")
    ip netns add "$ns"
    ip link add "zkv$k-$id" type veth peer name eth0 netns "$ns"
    ip link set "zkv$k-$id" master "$bridge" up
    ip -n "$ns" addr add "$(node_address "$k")/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    # nsenter, not `ip netns exec`: that remounts /sys, without the cgroup folder slurmd reads
    nsenter --net="/run/netns/$ns" taskset -c "$first-$last" slurmd -f "$SLURM_CONF" -N "node$k"
  fi
done

# Ready when every node is idle (at most a minute).
for _ in $(seq 60); do
  idle=$(sinfo -h -N -t idle -o '%N' 2>/dev/null | sort -u | wc -l)
  (( idle == nodes )) && { echo "slurm-cluster: $nodes node(s) idle; export SLURM_CONF=$SLURM_CONF"; trap - ERR; exit 0; }
  sleep 1
done
echo "slurm-cluster: the nodes did not come up (logs in $dir)" >&2
stop
exit 1
