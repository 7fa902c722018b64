#!/bin/sh
# Brings the lab VM up (run once by init): file systems, drivers, network, SSH, then the container engine.
# Progress goes to the serial console, which the host logs; the host waits for the LAB-VM-READY line.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
console=/dev/ttyS0
say() { echo "$*" > "$console"; }

mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
# Pure cgroup v2, as on a current distribution with systemd.
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
mkdir -p /run/lock /var/log /tmp
chmod 1777 /tmp

hostname -F /etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$(hostname)" > /etc/hosts
modprobe -a virtio_net overlay veth bridge || say "LAB-VM-WARNING modprobe failed"

# qemu's user network: the guest is always 10.0.2.15, the host side 10.0.2.2.
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
ip route add default via 10.0.2.2

key=/etc/dropbear/dropbear_ed25519_host_key
# -s: keys only; -j/-k: no port forwarding; -R never: the host key is installed, not generated.
dropbear -s -j -k -r "$key" -p 22 -P /run/dropbear.pid
# dropbear forks before it listens: wait for its socket (port 22 = 0016, state 0A = LISTEN).
tries=0
until grep -q ':0016 00000000:0000 0A' /proc/net/tcp; do
	tries=$((tries + 1))
	[ "$tries" -gt 500 ] && { say "LAB-VM-FAILED sshd did not listen"; exit 1; }
	sleep 0.01
done
read -r up _ < /proc/uptime
say "LAB-VM-READY up=$up ssh-ed25519 $(dropbearkey -y -f "$key" | sed -n 's/^Fingerprint: //p')"

# The engine (node, slow to start under emulation) comes after SSH so that it does not delay it.
setsid /usr/local/bin/labd > /var/log/labd.log 2>&1 < /dev/null &
echo $! > /run/labd-vm.pid

# Report the engine separately: SSH is usable before it, and a failed engine must not hide the VM.
(
	pid=$(cat /run/labd-vm.pid)
	until [ -S /var/run/docker.sock ]; do
		kill -0 "$pid" 2>/dev/null || { say "LAB-VM-ENGINE-FAILED see /var/log/labd.log"; exit 0; }
		sleep 0.05
	done
	read -r up _ < /proc/uptime
	say "LAB-VM-ENGINE-READY up=$up"
) &
