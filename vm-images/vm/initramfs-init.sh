#!/bin/busybox sh
# First process of the lab VM, inside the initramfs: load the drivers the root disk needs, mount it,
# install this VM's keys (appended to the initramfs by the host at start), and hand over to its init.
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev

fail() {
	echo "LAB-VM-FAILED $*" > /dev/ttyS0
	$bb sleep 1
	$bb poweroff -f
}

while read -r module; do
	$bb insmod "/lib/modules/$module" || fail "insmod $module"
done < /lib/modules/boot.order

# Probing the disk happens asynchronously after virtio_blk loads.
tries=0
until [ -b /dev/vda ]; do
	tries=$((tries + 1))
	[ "$tries" -gt 1000 ] && fail "no root disk /dev/vda"
	$bb usleep 10000
done
$bb mount -t ext4 -o rw,noatime /dev/vda /newroot || fail "cannot mount /dev/vda"

if [ -d /vm ]; then
	$bb mkdir -p /newroot/etc/dropbear /newroot/root/.ssh
	$bb chmod 700 /newroot/root/.ssh
	$bb cp /vm/host_key /newroot/etc/dropbear/dropbear_ed25519_host_key
	$bb chmod 600 /newroot/etc/dropbear/dropbear_ed25519_host_key
	$bb cp /vm/authorized_keys /newroot/root/.ssh/authorized_keys
	$bb chmod 600 /newroot/root/.ssh/authorized_keys
	$bb cp /vm/hostname /newroot/etc/hostname
fi

$bb mount --move /dev /newroot/dev
$bb mount --move /proc /newroot/proc
$bb mount --move /sys /newroot/sys
exec $bb switch_root /newroot /sbin/init
