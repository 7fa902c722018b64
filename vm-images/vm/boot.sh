#!/bin/sh
# Run once by init after the initramfs has set up drivers, network and mounts: start SSH, announce it on the
# serial console (the host waits for the LAB-VM-READY line, then connects once), then start the container engine.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
say() { echo "$*" > /dev/ttyS0; }

key=/etc/dropbear/dropbear_ed25519_host_key
# -s: keys only; -j/-k: no port forwarding. The host key was installed by the initramfs, never generated here.
dropbear -s -j -k -r "$key" -p 22 -P /run/dropbear.pid || { say "LAB-VM-FAILED dropbear did not start"; exit 1; }

# dropbear forks before it listens: wait for its socket (port 22 = :0016, state 0A = LISTEN) using only builtins.
listening() {
	while read -r _ local _ state _; do
		[ "$local" = "00000000:0016" ] && [ "$state" = "0A" ] && return 0
	done < /proc/net/tcp
	return 1
}
tries=0
until listening; do
	tries=$((tries + 1))
	[ "$tries" -gt 500 ] && { say "LAB-VM-FAILED sshd did not listen"; exit 1; }
	sleep 0.01
done
read -r up _ < /proc/uptime
read -r fingerprint < /etc/dropbear/fingerprint
say "LAB-VM-READY up=$up ssh-ed25519 $fingerprint"

# The engine (node, slow to start under emulation) comes after SSH so that it does not delay it.
setsid /usr/local/bin/labd > /var/log/labd.log 2>&1 < /dev/null &
echo $! > /run/labd-vm.pid

# Reported separately: SSH is usable before the engine, and a failed engine must not hide the VM.
(
	pid=$(cat /run/labd-vm.pid)
	until [ -S /var/run/docker.sock ]; do
		kill -0 "$pid" 2>/dev/null || { say "LAB-VM-ENGINE-FAILED see /var/log/labd.log"; exit 0; }
		sleep 0.05
	done
	read -r up _ < /proc/uptime
	say "LAB-VM-ENGINE-READY up=$up"
) &
