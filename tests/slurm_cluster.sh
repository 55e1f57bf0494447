# A private single-node Slurm cluster on loopback, for tests/slurm.sh
# (sourced). Everything lives in one mktemp directory, $SC: a generated
# munge key, a munged of our own on its own socket (so that no system
# munged is touched), a generated slurm.conf with free ports, and
# slurmctld and slurmd in the foreground (-D), whose PIDs only
# slurm_cluster_stop kills. Needs root (slurmd starts tasks as any user),
# the Debian packages slurm-wlm and munge (./deps.sh), and TMP and
# free_port from tests/lib.sh.
#
# slurm_cluster_start: start it and wait up to 20 s for the node to be
#   idle; sets SC and exports SLURM_CONF for sbatch, srun and sinfo. On
#   failure it returns 1, and slurm_cluster_logs tells why.
# slurm_cluster_logs: the last lines of each daemon's log.
# slurm_cluster_stop: stop the daemons started here, by PID, and remove
#   $SC.
SC=""
SC_PIDS=""

# sc_wait SECS PIDS COMMAND...: run COMMAND every 0.2 s until it
# succeeds, for at most SECS seconds, and no longer once one of PIDS (the
# daemons it waits for) has exited.
sc_wait() {
	sc_n=$(($1 * 5))
	sc_w=$2
	shift 2
	while [ "$sc_n" -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		for sc_p in $sc_w; do
			kill -0 "$sc_p" 2> /dev/null || return 1
		done
		sleep 0.2
		sc_n=$((sc_n - 1))
	done
	return 1
}

sc_node_idle() {
	[ "$(sinfo -h -N -n "$SC_NODE" -o %t 2>/dev/null)" = idle ]
}

slurm_cluster_start() {
	PATH="$PATH:/usr/sbin"
	for sc_p in munged mungekey slurmctld slurmd sinfo sbatch srun; do
		if ! command -v "$sc_p" > /dev/null 2>&1; then
			echo "slurm_cluster: no $sc_p: run ./deps.sh" \
			    > "$TMP/sc.err"
			return 1
		fi
	done
	if [ "$(id -u)" -ne 0 ]; then
		echo "slurm_cluster: slurmd needs root" > "$TMP/sc.err"
		return 1
	fi
	SC=$(mktemp -d)
	# munged runs as munge: it must reach its own directory, which it
	# wants owned by it, writable by no one else, and (for its socket)
	# searchable by all.
	chmod 0711 "$SC"
	mkdir -p "$SC/munge" "$SC/state" "$SC/spool"
	mungekey -c -k "$SC/munge/munge.key" 2> "$SC/mungekey.err" ||
	    dd if=/dev/urandom of="$SC/munge/munge.key" bs=1024 count=1 \
	    2> /dev/null
	chown -R munge:munge "$SC/munge"
	chmod 0755 "$SC/munge"
	chmod 0400 "$SC/munge/munge.key"
	setpriv --reuid=munge --regid=munge --init-groups \
	    munged -F -S "$SC/munge/socket" \
	    --key-file="$SC/munge/munge.key" \
	    --log-file="$SC/munge/munged.log" \
	    --pid-file="$SC/munge/munged.pid" \
	    --seed-file="$SC/munge/munged.seed" \
	    > "$SC/munged.out" 2>&1 &
	SC_PIDS="$!"
	sc_wait 10 "$SC_PIDS" test -S "$SC/munge/socket" || return 1

	SC_NODE=$(hostname -s)
	SC_CTLD_PORT=$(free_port)
	SC_SLURMD_PORT=$(free_port)
	# Slurm 22.05 (Debian 12): proctrack/linuxproc and task/none need no
	# cgroups, and with cgroup.conf absent no cgroup plugin is loaded.
	# The node offers 100 MB so that any machine has them; jobs ask for
	# no memory.
	cat > "$SC/slurm.conf" <<CONF
ClusterName=fltest
SlurmctldHost=$SC_NODE(127.0.0.1)
SlurmctldPort=$SC_CTLD_PORT
SlurmdPort=$SC_SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SC/munge/socket
CredType=cred/munge
StateSaveLocation=$SC/state
SlurmdSpoolDir=$SC/spool
SlurmctldPidFile=$SC/slurmctld.pid
SlurmdPidFile=$SC/slurmd.pid
SlurmctldLogFile=$SC/slurmctld.log
SlurmdLogFile=$SC/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SchedulerType=sched/backfill
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=4
SchedulerParameters=batch_sched_delay=0
KillWait=5
NodeName=$SC_NODE NodeAddr=127.0.0.1 NodeHostname=$SC_NODE \
    CPUs=$(nproc) RealMemory=100 State=UNKNOWN
PartitionName=debug Nodes=$SC_NODE Default=YES MaxTime=60 State=UP
CONF
	SLURM_CONF="$SC/slurm.conf"
	export SLURM_CONF
	slurmctld -D -i -f "$SLURM_CONF" > "$SC/slurmctld.out" 2>&1 &
	SC_PIDS="$SC_PIDS $!"
	slurmd -D -N "$SC_NODE" -f "$SLURM_CONF" > "$SC/slurmd.out" 2>&1 &
	SC_PIDS="$SC_PIDS $!"
	sc_wait 20 "$SC_PIDS" sc_node_idle
}

slurm_cluster_logs() {
	[ -s "$TMP/sc.err" ] && cat "$TMP/sc.err"
	[ -n "$SC" ] || return 0
	# A daemon's .out, its stderr, repeats its log: read it only when
	# the log is empty (the daemon failed before it opened its log).
	for sc_d in munge/munged slurmctld slurmd; do
		sc_f="$SC/$sc_d.log"
		[ -s "$sc_f" ] || sc_f="$SC/${sc_d#munge/}.out"
		[ -s "$sc_f" ] || continue
		echo "== ${sc_f#"$SC/"}"
		tail -5 "$sc_f"
	done
}

slurm_cluster_stop() {
	for sc_p in $SC_PIDS; do
		kill "$sc_p" 2> /dev/null
	done
	for sc_p in $SC_PIDS; do
		wait "$sc_p" 2> /dev/null
	done
	SC_PIDS=""
	[ -n "$SC" ] && rm -rf "$SC"
	SC=""
}
