#!/bin/busybox sh
# First process of the lab VM, inside the initramfs. Everything that needs no program from the root disk is done
# here with the static busybox, which is much cheaper to run under emulation than the disk's dynamic binaries:
# drivers, network, the root disk with this VM's keys (appended to the initramfs by the host), the API mounts.
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev

# The host takes this line as the sign that the kernel came up (a rare emulated boot stalls before it).
read -r up _ < /proc/uptime
echo "LAB-VM-INIT up=$up" > /dev/ttyS0

fail() {
	echo "LAB-VM-FAILED $*" > /dev/ttyS0
	$bb sleep 1
	$bb poweroff -f
}

# wait_for TEST PATH WHAT: devices appear asynchronously after their driver loads.
wait_for() {
	tries=0
	until [ "$1" "$2" ]; do
		tries=$((tries + 1))
		[ "$tries" -gt 1000 ] && fail "no $3"
		$bb usleep 10000
	done
}

while read -r module; do
	$bb insmod "/lib/modules/$module" || fail "insmod $module"
done < /lib/modules/load.order

# qemu's user network: the guest is always 10.0.2.15, the host side 10.0.2.2, its DNS 10.0.2.3.
wait_for -e /sys/class/net/eth0 "network interface eth0"
$bb ip link set lo up
$bb ip addr add 10.0.2.15/24 dev eth0
$bb ip link set eth0 up
$bb ip route add default via 10.0.2.2

wait_for -b /dev/vda "root disk /dev/vda"
$bb mount -t ext4 -o rw,noatime /dev/vda /newroot || fail "cannot mount /dev/vda"

# This VM's SSH host key, authorized key and hostname, laid out as they go (see src/vm/machine/initrd.ts).
[ -d /vm/root ] && { $bb cp -a /vm/root/. /newroot/ || fail "cannot install this VM's keys"; }
$bb hostname -F /newroot/etc/hostname
name=$($bb hostname)
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$name" > /newroot/etc/hosts

$bb mount --move /dev /newroot/dev
$bb mount --move /proc /newroot/proc
$bb mount --move /sys /newroot/sys
$bb mkdir -p /newroot/dev/pts /newroot/dev/shm
$bb mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /newroot/dev/pts
$bb mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /newroot/dev/shm
$bb mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /newroot/run
# Pure cgroup v2, as on a current distribution with systemd.
$bb mount -t cgroup2 -o nsdelegate cgroup2 /newroot/sys/fs/cgroup
$bb mkdir -p /newroot/run/lock

exec $bb switch_root /newroot /sbin/init
