# A single-node Slurm for a test: munged, slurmctld and slurmd on localhost, run as root from
# a private folder (own key, socket, ports, state), so nothing of the machine's is used or
# left behind.  Sourced by grid.sh:
#   trap slurm_stop EXIT; slurm_start || skip "...: $slurm_why"    then sbatch works.
# The folder is a fresh one in /tmp: slurmd's step sockets live in its spool folder, and a
# Unix socket's path has at most 108 bytes (a build folder's path can be longer).

slurm_why=""
slurm_dir=""

slurm_free_ports() { # two free TCP ports on localhost
  python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])'
}

slurm_start() {
  slurm_dir=$(mktemp -d /tmp/tdpsim-slurm.XXXXXX) || { slurm_why="mktemp failed"; return 1; }
  mkdir -p "$slurm_dir"/{munge,state,spool,log}
  chmod 755 "$slurm_dir" "$slurm_dir/munge"
  dd if=/dev/urandom of="$slurm_dir/munge/munge.key" bs=1024 count=1 2> /dev/null
  chmod 600 "$slurm_dir/munge/munge.key"
  if ! munged -f -S "$slurm_dir/munge/sock" --key-file="$slurm_dir/munge/munge.key" \
      --log-file="$slurm_dir/log/munged.log" --pid-file="$slurm_dir/munge/pid" \
      --seed-file="$slurm_dir/munge/seed" 2> "$slurm_dir/log/munged.err"; then
    slurm_why="munged: $(tail -1 "$slurm_dir/log/munged.err")"; return 1
  fi
  read -r ctld_port d_port < <(slurm_free_ports)
  cat > "$slurm_dir/slurm.conf" <<CONF
ClusterName=tdpsimtest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$slurm_dir/munge/sock
CredType=cred/munge
StateSaveLocation=$slurm_dir/state
SlurmdSpoolDir=$slurm_dir/spool
SlurmctldPidFile=$slurm_dir/slurmctld.pid
SlurmdPidFile=$slurm_dir/slurmd.pid
SlurmctldLogFile=$slurm_dir/log/slurmctld.log
SlurmdLogFile=$slurm_dir/log/slurmd.log
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$slurm_dir/slurm.conf
  slurmctld -i 2> "$slurm_dir/log/slurmctld.err" ||
    { slurm_why="slurmctld: $(tail -1 "$slurm_dir/log/slurmctld.err")"; return 1; }
  slurmd -N localhost 2> "$slurm_dir/log/slurmd.err" ||
    { slurm_why="slurmd: $(tail -1 "$slurm_dir/log/slurmd.err")"; return 1; }
  # Wait (at most two minutes, for a loaded machine) for the node to take jobs.
  for _ in $(seq 240); do
    state=$(sinfo -h -n localhost -o %t 2> /dev/null || true)
    [ "$state" = idle ] && return 0
    sleep 0.5
  done
  slurm_why="the node did not become idle (state '$state'; $slurm_dir/log)"
  return 1
}

slurm_stop() {
  [ -n "$slurm_dir" ] || return 0
  for p in slurmd.pid slurmctld.pid munge/pid; do
    [ -f "$slurm_dir/$p" ] && kill "$(cat "$slurm_dir/$p")" 2> /dev/null || true
  done
  # Keep the logs beside the test's output, then remove the folder.
  cp -r "$slurm_dir/log" "${slurm_keep_logs:-/dev/null}" 2> /dev/null || true
  sleep 1
  rm -rf "$slurm_dir"
}
