#!/usr/lib/lab-vm/busybox sh
# Run once by init after the initramfs has set up drivers, network and mounts: start SSH, announce it on the
# serial console (the host waits for the LAB-VM-READY line, then connects once), then the container engine.
# busybox's shell (static, like init) starts much faster under emulation than a dynamically linked one.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
bb=/usr/lib/lab-vm/busybox
say() { echo "$*" > /dev/ttyS0; }

# The first memory cgroup to come online makes the kernel switch its kernel-memory accounting on by patching its
# own code (a static key in every slab allocation). Under TCG that patch can livelock both CPUs when the other one
# is allocating at that moment: a soft lockup in runc as it creates the first container's cgroup. Done here, while
# nothing else runs, it cannot meet a busy CPU; runc makes containers' cgroups under /docker anyway.
{ echo +memory > /sys/fs/cgroup/cgroup.subtree_control && mkdir -p /sys/fs/cgroup/docker; } 2>/dev/null || say "LAB-VM-WARNING no memory cgroup at boot"

key=/etc/dropbear/dropbear_ed25519_host_key
# -s: keys only; -j/-k: no port forwarding. The host key was installed by the initramfs (or, in a VM resumed from
# the warm state, by the seed below), never generated here.
# dropbear sets no login uid (no PAM): it gets root's, so every SSH session carries it and the kernel's audit tells
# a login session's calls from those of what the engine (started below, without one) runs. A kernel that refuses
# the write still gets its dropbear.
# dropbear forks before it listens: wait for its socket (port 22 = :0016, state 0A = LISTEN).
listening() {
	while read -r _ local _ state _; do
		[ "$local" = "00000000:0016" ] && [ "$state" = "0A" ] && return 0
	done < /proc/net/tcp
	return 1
}
start_ssh() {
	sh -c 'echo 0 > /proc/self/loginuid 2>/dev/null; exec dropbear -s -j -k -r "$0" -p 22 -P /run/dropbear.pid' "$key" || { say "LAB-VM-FAILED dropbear did not start"; exit 1; }
	tries=0
	until listening; do
		tries=$((tries + 1))
		[ "$tries" -gt 1000 ] && { say "LAB-VM-FAILED sshd did not listen"; exit 1; }
		$bb usleep 10000
	done
	read -r up _ < /proc/uptime
	read -r fingerprint < /etc/dropbear/fingerprint
	say "LAB-VM-READY up=$up ssh-ed25519 $fingerprint"
}

# lab.warm on the kernel's command line: this boot makes the warm state that lab VMs resume from (see
# src/vm/machine/warm-state.ts). It starts everything but SSH, says LAB-VM-WARM-READY, and the host saves the
# running machine; every VM resumed from it waits here for its own identity on the seed disk.
warm=
grep -qw lab.warm /proc/cmdline && warm=1
[ -n "$warm" ] || start_ssh

# What containers need (overlay, veth, bridge) and the engine (node, slow to start under emulation) come after
# SSH so that they do not delay it.
modprobe -a $(grep -v '^#' /etc/modules-load.d/lab-vm.conf) || say "LAB-VM-WARNING modprobe failed"

# The course registry the image was built with (lab vm build pushed every course image into its storage), on a
# loopback port that /etc/docker/daemon.json names as the engine's mirror: `docker pull postgres` works offline.
# Started before the engine, which takes far longer, so it answers by the time anyone pulls.
registry=/var/lib/lab-registry
if [ -f $registry/config.yml ]; then
	docker-registry serve $registry/config.yml >> /var/log/lab-registry.log 2>&1 < /dev/null &
fi

# The engine runs as a service, as dockerd does on Debian: its flags come from DOCKER_OPTS in /etc/default/docker
# and its settings from /etc/docker/daemon.json; `lab engine restart` re-reads both (the service starter is
# `lab engine start --options-file` without the CLI, which is slow to load under emulation). Reported separately: SSH is
# usable before the engine, and a failed engine must not hide the VM.
start_engine() {
	if /usr/local/bin/node /opt/lab/dist/bundle/engine-service.mjs /etc/default/docker > /var/log/lab-engine-start.log 2>&1 < /dev/null; then
		read -r up _ < /proc/uptime
		say "LAB-VM-ENGINE-READY up=$up"
	else
		say "LAB-VM-ENGINE-FAILED see /var/log/lab-engine-start.log and /var/run/docker/labd.log"
		return 1
	fi
}
if [ -z "$warm" ]; then
	start_engine &
	exit 0
fi
start_engine || exit 1
say "LAB-VM-WARM-READY"
# In the background: init goes on (and can power off) while the saved machine waits for a resume.
( /usr/lib/lab-vm/resume-identity && start_ssh && say "LAB-VM-ENGINE-READY resumed" ) &
